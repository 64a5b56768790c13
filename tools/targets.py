"""The 10 skills a target asks for: the catalog role's, the person's own, or a proposal,
with the industry's domain skills swapped in for the role's least important specific ones."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tools.catalog import Catalog, catalog_role, industry, load_catalog, match_skill_strict, normalize
from tools.models import Evidence, Industry, NearRole, RoleDef, SkillDef, Swap, Target, TargetSkill

# A skill the catalog does not know gets the middle of the ease scale and no prerequisites.
DEFAULT_EASE = 2


@dataclass(frozen=True)
class Want:
    """One skill a target needs: at what priority, to what level, of which kind, and why."""

    skill: SkillDef
    priority: int
    target: int
    kind: str
    source: str = "catalog"
    evidence: Evidence | None = None
    name: str | None = None


@dataclass(frozen=True)
class TargetSkills:
    """A target's 10 wants and where they came from."""

    wants: list[Want]
    role_id: str
    role_title: str
    custom: bool
    nearest: list[NearRole] = field(default_factory=list)
    swaps: list[Swap] = field(default_factory=list)
    not_swapped: list[str] = field(default_factory=list)
    not_for_role: list[str] = field(default_factory=list)


def slug(name: str) -> str:
    """'Stakeholder management' -> 'stakeholder-management'."""
    return re.sub(r"[^a-z0-9+#]+", "-", name.lower()).strip("-") or "skill"


def skill_for(name: str, kind: str) -> SkillDef:
    """The catalog skill a name means, or a custom skill (moderate ease, no prerequisites)."""
    found = match_skill_strict(name)
    if found is not None:
        return load_catalog().skill(found.id)
    return SkillDef(id=f"custom:{slug(name)}", name=name, kind=kind, ease=DEFAULT_EASE)  # type: ignore[arg-type]


def role_wants(role: RoleDef, catalog: Catalog) -> list[Want]:
    """The role's 10 skills as wants."""
    return [Want(catalog.skill(rs.skill), rs.priority, rs.target, "general") for rs in role.general] + [
        Want(catalog.skill(rs.skill), rs.priority, rs.target, "specific") for rs in role.specific
    ]


def wants_from_skills(skills: list[TargetSkill], source: str) -> list[Want]:
    """Wants from a list the person gave (or accepted): their names, priorities and targets."""
    wants = []
    taken: set[str] = set()
    for ts in skills:
        skill = skill_for(ts.name, ts.kind)
        if skill.id in taken:  # two names for one catalog skill: the second is its own skill
            skill = SkillDef(id=f"custom:{slug(ts.name)}", name=ts.name, kind=ts.kind, ease=DEFAULT_EASE)
        taken.add(skill.id)
        # A row keeps where it came from (an accepted proposal's evidence, an industry's
        # domain skill): only a row without a reason is the person's own ("you").
        why = ts.reason or source
        wants.append(Want(skill, ts.priority, ts.target, ts.kind, why, ts.evidence, ts.name))
    return wants


def with_posting_evidence(skills: list[TargetSkill], postings: list[str], position: str) -> list[TargetSkill]:
    """A list's skills with what the person's postings say of each (evidence already given is
    kept): a catalog skill by its names and aliases, any other by its own name as a phrase."""
    from tools.postings import analyse_postings

    seen = analyse_postings(postings, position)
    texts = [normalize(p) for p in postings]
    out = []
    for ts in skills:
        if ts.evidence is not None:
            out.append(ts)
            continue
        found = match_skill_strict(ts.name)
        if found is not None:
            evidence = seen.evidence(found.id)
        else:
            phrase = re.compile(rf"(?<!\w){re.escape(normalize(ts.name))}(?!\w)")
            evidence = Evidence(postings=sum(1 for t in texts if phrase.search(t)), of=seen.of)
        out.append(ts.model_copy(update={"evidence": evidence}))
    return out


def protected(name: str, priority: int, rated: Mapping[str, int]) -> bool:
    """Whether an industry's domain skill may not take this skill's place: it is critical
    (priority 1), or the person rated it (by its name or a catalog alias) at 2 or more.
    Retail took "Data warehousing" from an analytics engineer, and BI tools (with the
    person's Tableau 4) from another."""
    if priority == 1:
        return True
    found = match_skill_strict(name)
    for said, level in rated.items():
        if level < 2:
            continue
        if normalize(said) == normalize(name):
            return True
        if found is not None and (other := match_skill_strict(said)) is not None and other.id == found.id:
            return True
    return False


def listed_by_name(name: str, names: Iterable[str]) -> bool:
    """Whether a list already holds a skill by this name in the person's words: one they
    added as "Privacy and health data protection" is the domain skill "Privacy and health
    data protection (HIPAA, GDPR)" (it was reported as not swapped in beside itself)."""
    full = normalize(name)
    for said in map(normalize, names):
        if len(said) >= 8 and (full.startswith(said) or said.startswith(full)):
            return True
    return False


def swap_industry(
    wants: list[Want], ind: Industry | None, rated: Mapping[str, int] | None = None
) -> tuple[list[Want], list[Swap], list[str]]:
    """The industry's domain skills in place of the least important specific skills, and
    the domain skills left out because no skill could make way.

    Each domain skill not already among the 10 replaces the specific skill with the
    lowest priority (ties: the one listed last) that is neither another domain skill nor
    `protected` (critical, or one the person rated at 2 or more)."""
    if ind is None:
        return wants, [], []
    catalog = load_catalog()
    out = list(wants)
    swaps: list[Swap] = []
    left_out: list[str] = []
    taken: set[str] = set()
    present = {w.skill.id for w in out}
    for rs in ind.domain_skills:
        if rs.skill in present:
            continue
        candidates = [
            i
            for i, w in enumerate(out)
            if w.kind == "specific"
            and w.skill.id not in taken
            and not protected(w.name or w.skill.name, w.priority, rated or {})
        ]
        if not candidates:
            left_out.append(catalog.skill(rs.skill).name)
            continue
        worst = max(candidates, key=lambda i: (out[i].priority, i))
        skill = catalog.skill(rs.skill)
        swaps.append(
            Swap(skill_in=skill.name, skill_out=out[worst].name or out[worst].skill.name, industry=ind.name)
        )
        out[worst] = Want(skill, rs.priority, rs.target, "specific", f"industry: {ind.name}")
        taken.add(rs.skill)
        present.add(rs.skill)
    return out, swaps, left_out


def target_skills(
    target: Target, postings: list[str] | None = None, rated: Mapping[str, int] | None = None
) -> TargetSkills:
    """The 10 skills for a target: the person's list if the target carries one; else the
    catalog role's (priorities from postings when given); else a proposal from the nearest
    roles, the postings and the person's `rated` skills close to the position. Catalog
    roles and proposals get the industry's domain skills."""
    from tools.proposal import propose_skills

    ind = industry(target.industry)
    role = catalog_role(target.position)
    if target.skills is not None:
        listed = (
            with_posting_evidence(target.skills, postings, target.position) if postings else target.skills
        )
        wants = wants_from_skills(listed, "you")
        return TargetSkills(
            wants, role.id if role else f"custom:{slug(target.position)}", target.position, role is None
        )
    if role is not None and not postings:
        wants, swaps, left_out = swap_industry(role_wants(role, load_catalog()), ind, rated)
        return TargetSkills(wants, role.id, role.title, False, swaps=swaps, not_swapped=left_out)
    proposal = propose_skills(target.position, target.industry, postings=postings, rated=rated)
    wants = wants_from_skills(proposal.skills, "proposal" if role is None else "catalog + postings")
    wants = [
        Want(w.skill, w.priority, w.target, w.kind, "industry: " + ind.name, w.evidence, w.name)
        if ind and any(s.skill_in == w.name for s in proposal.swaps)
        else w
        for w in wants
    ]
    return TargetSkills(
        wants,
        role.id if role else f"custom:{slug(target.position)}",
        role.title if role else target.position,
        role is None,
        nearest=proposal.nearest,
        swaps=proposal.swaps,
        not_swapped=proposal.not_swapped,
        not_for_role=proposal.not_for_role,
    )
