"""Proposing 10 skills for a position the catalog lacks, each with its evidence, and the
person's edits to the proposal ("replace Fine-tuning with Kotlin; priority RAG 1").

Evidence, strongest first: the person's job postings (the share that ask for a skill,
which also sets its priority: tools.postings), the nearest catalog roles by embedding
similarity (each weighted by its similarity), and roadmap passages that name the skill.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from tools.catalog import catalog_role, industry, load_catalog, match_skill, match_skill_strict
from tools.errors import InputError
from tools.models import Evidence, NearRole, SkillKind, Swap, Target, TargetSkill
from tools.postings import PostingsEvidence, analyse_postings, priority_from_share, skill_mentions

NEAREST_K = 3
# A skill's score: the nearest roles' weighted votes (0-1) plus this times the share of
# postings naming it, so 6 of 8 postings outweigh being in every near role at priority 3.
POSTINGS_WEIGHT = 1.5
PASSAGE_BONUS = 0.1
# Among the near roles' skills, those closer in meaning to the position itself rank higher.
TITLE_WEIGHT = 0.5


class Proposal(BaseModel):
    """Ten proposed skills for a target, with the evidence behind them."""

    position: str
    industry: str
    skills: list[TargetSkill]
    nearest: list[NearRole] = Field(default_factory=list)
    postings: int = Field(default=0, description="how many postings the evidence counts")
    swaps: list[Swap] = Field(default_factory=list)

    def target(self) -> Target:
        """The target with these skills, ready for the gap report."""
        return Target(position=self.position, industry=self.industry, skills=self.skills)


EditOp = Literal["replace", "rename", "priority", "target"]


class SkillChange(BaseModel):
    """One edit of a proposal, from a form or a capable model's structured output."""

    op: EditOp
    skill: str = Field(description="the proposed skill's name or its number in the list (1-10)")
    value: str = Field(description="the new skill or name, or the priority (1-3) or target level (0-5)")


def _vote(nearest: list[NearRole]) -> dict[str, tuple[float, float, float, list[str]]]:
    """skill id -> (score 0-1, weighted priority, weighted target, reasons) from the near roles."""
    cat = load_catalog()
    weights = {n.role_id: max(n.similarity, 0.0) for n in nearest}
    total = sum(weights.values()) or 1.0
    acc: dict[str, list[tuple[float, int, int, str]]] = {}
    for near in nearest:
        role = cat.role(near.role_id)
        for rs in role.general + role.specific:
            acc.setdefault(rs.skill, []).append(
                (
                    weights[near.role_id],
                    rs.priority,
                    rs.target,
                    f"in {role.title} ({near.similarity:.2f}): priority {rs.priority}",
                )
            )
    out = {}
    for skill_id, votes in acc.items():
        w = sum(v[0] for v in votes) or 1e-9
        score = sum(v[0] * (4 - v[1]) / 3 for v in votes) / total
        out[skill_id] = (
            score,
            sum(v[0] * v[1] for v in votes) / w,
            sum(v[0] * v[2] for v in votes) / w,
            [v[3] for v in votes],
        )
    return out


def _evidence_text(ev: Evidence | None) -> str:
    return f"in {ev.text()}" if ev is not None else ""


def propose_skills(
    position: str,
    industry_name: str,
    *,
    postings: list[str] | None = None,
    nearest: list[NearRole] | None = None,
    passages: list[str] | None = None,
) -> Proposal:
    """Ten skills (5 general, 5 specific) for a position, each with its reason.

    `postings` are the texts of the person's job postings for it; `nearest` the near
    catalog roles (computed by embedding similarity when not given); `passages` texts of
    roadmap passages retrieved for the position (optional, cheap extra evidence). A
    catalog role keeps its own 10 skills, with priorities and evidence from the postings."""
    from tools.similarity import nearest_roles, skill_similarities

    cat = load_catalog()
    role = catalog_role(position)
    seen = analyse_postings(postings, position) if postings else None
    passage_counts: dict[str, int] = {}
    for text in passages or []:
        for skill_id in skill_mentions(text):
            passage_counts[skill_id] = passage_counts.get(skill_id, 0) + 1
    if role is not None:
        near = [NearRole(role_id=role.id, title=role.title, similarity=1.0)]
    else:
        near = nearest if nearest is not None else nearest_roles(position, k=NEAREST_K)
    votes = _vote(near)
    closeness = skill_similarities(position) if role is None else {}
    scored: list[tuple[float, TargetSkill]] = []
    ids = set(votes) if role is not None else set(votes) | set(seen.skills if seen else {})
    for skill_id in ids:
        skill = cat.skill(skill_id)
        score, prio, tgt, reasons = votes.get(skill_id, (0.0, 3.0, 3.0, []))
        ev = seen.evidence(skill_id) if seen else None
        score += TITLE_WEIGHT * max(0.0, closeness.get(skill_id, 0.0))
        if closeness.get(skill_id, 0.0) >= 0.3:
            reasons = [*reasons, f"close in meaning to '{position}' ({closeness[skill_id]:.2f})"]
        if ev is not None:
            score += POSTINGS_WEIGHT * ev.share()
        if passage_counts.get(skill_id):
            score += PASSAGE_BONUS
            reasons = [*reasons, f"named in {passage_counts[skill_id]} roadmap passage(s)"]
        priority = priority_from_share(ev.share()) if ev is not None else max(1, min(3, round(prio)))
        level = round(tgt) if skill_id in votes else (3 if priority <= 2 else 2)
        reason = "; ".join(filter(None, [_evidence_text(ev), ", ".join(reasons)]))
        kind = (
            skill.kind
            if role is None
            else ("general" if any(rs.skill == skill_id for rs in role.general) else "specific")
        )
        scored.append(
            (
                score,
                TargetSkill(
                    name=skill.name, kind=kind, priority=priority, target=level, evidence=ev, reason=reason
                ),
            )
        )
    if seen is not None and role is None:
        from tools.similarity import closest_skills

        # General or specific like the catalog skill nearest in meaning to the phrase.
        kinds = [cat.skill(i).kind for i in closest_skills([c.name for c in seen.candidates])]
        for cand, kind in zip(seen.candidates, kinds, strict=True):
            ev = Evidence(postings=cand.count, of=seen.of)
            scored.append(
                (
                    POSTINGS_WEIGHT * ev.share(),
                    TargetSkill(
                        name=(cand.name[:1].upper() + cand.name[1:])[:80],
                        kind=kind,
                        priority=priority_from_share(ev.share()),
                        target=3,
                        evidence=ev,
                        reason=f"repeated in {ev.text()}; not a catalog skill (default estimate: moderate ease)",
                    ),
                )
            )
    chosen = _top(scored, "general") + _top(scored, "specific")
    chosen, swaps = _swap(chosen, industry_name, seen)
    return Proposal(
        position=position,
        industry=industry_name,
        skills=chosen,
        nearest=near,
        postings=seen.of if seen else 0,
        swaps=swaps,
    )


def _top(scored: list[tuple[float, TargetSkill]], kind: SkillKind) -> list[TargetSkill]:
    ranked = sorted((s for s in scored if s[1].kind == kind), key=lambda s: (-s[0], s[1].priority, s[1].name))
    picked = [s for _, s in ranked[:5]]
    if len(picked) < 5:  # too little evidence: fill from the catalog's skills of this kind
        have = {s.name for s in picked}
        for skill in load_catalog().skills:
            if len(picked) == 5:
                break
            if skill.kind == kind and skill.name not in have:
                picked.append(
                    TargetSkill(
                        name=skill.name, kind=kind, priority=3, target=2, reason="filler: too little evidence"
                    )
                )
    return sorted(picked, key=lambda s: s.priority)


def _swap(
    skills: list[TargetSkill], industry_name: str, seen: PostingsEvidence | None
) -> tuple[list[TargetSkill], list[Swap]]:
    """The industry's domain skills in for the least important specific skills (tools.targets' rule)."""
    ind = industry(industry_name)
    if ind is None:
        return skills, []
    cat = load_catalog()
    out = list(skills)
    swaps: list[Swap] = []
    taken: set[str] = set()
    for rs in ind.domain_skills:
        skill = cat.skill(rs.skill)
        if any(s.name == skill.name for s in out):
            continue
        spots = [i for i, s in enumerate(out) if s.kind == "specific" and s.name not in taken]
        if not spots:
            break
        worst = max(spots, key=lambda i: (out[i].priority, i))
        ev = seen.evidence(rs.skill) if seen else None
        swaps.append(Swap(skill_in=skill.name, skill_out=out[worst].name, industry=ind.name))
        out[worst] = TargetSkill(
            name=skill.name,
            kind="specific",
            priority=rs.priority,
            target=rs.target,
            evidence=ev,
            reason=f"{ind.name} asks for it (catalog industry), in place of {out[worst].name}"
            + (f"; in {ev.text()}" if ev else ""),
        )
        taken.add(skill.name)
    return out, swaps


# ---- edits -----------------------------------------------------------------------

_ACCEPT = re.compile(r"^\s*(?:accept(?:ed)?|ok(?:ay)?|yes|looks good|lgtm|keep(?: it)?|fine|good)\W*$", re.I)
_PATTERNS: list[tuple[EditOp, re.Pattern[str]]] = [
    ("replace", re.compile(r"^(?:replace|swap)\s+(?P<skill>.+?)\s+(?:with|for|by)\s+(?P<value>.+)$", re.I)),
    ("rename", re.compile(r"^rename\s+(?P<skill>.+?)\s+(?:to|as)\s+(?P<value>.+)$", re.I)),
    (
        "priority",
        re.compile(
            r"^(?:set\s+)?priority\s+(?:of\s+)?(?P<skill>.+?)\s*(?:to|=|:)?\s*(?P<value>[0-9])$", re.I
        ),
    ),
    (
        "priority",
        re.compile(r"^(?:set\s+)?(?P<skill>.+?)\s*:?\s+priority\s*(?:to|=|:)?\s*(?P<value>[0-9])$", re.I),
    ),
    (
        "target",
        re.compile(r"^(?:set\s+)?target\s+(?:of\s+)?(?P<skill>.+?)\s*(?:to|=|:)?\s*(?P<value>[0-9])$", re.I),
    ),
    (
        "target",
        re.compile(
            r"^(?:set\s+)?(?P<skill>.+?)\s*:?\s+(?:target|to level|level)\s*(?:to|=|:)?\s*(?P<value>[0-9])$",
            re.I,
        ),
    ),
]
HOW = (
    "write changes as 'replace A with B', 'rename A to B', 'priority A 1' or 'target A 4' "
    "(separate several with ';'), or 'accept'"
)


def parse_skill_edits(text: str) -> list[SkillChange]:
    """The changes a person wrote; InputError naming the part that could not be read."""
    changes: list[SkillChange] = []
    for raw in re.split(r"[;\n]+", text[:2000]):
        # One space between words and a bounded length keep the patterns below linear.
        part = " ".join(raw.split())[:300].strip(".")
        if not part or _ACCEPT.match(part):
            continue
        for op, pattern in _PATTERNS:
            m = pattern.match(part)
            if m:
                changes.append(
                    SkillChange(op=op, skill=m["skill"].strip(" '\""), value=m["value"].strip(" '\""))
                )
                break
        else:
            raise InputError(f"I could not read '{part[:80]}': {HOW}.")
    return changes


def _find(skills: list[TargetSkill], ref: str) -> int:
    if ref.strip().lstrip("#").isdigit() and 1 <= int(ref.strip().lstrip("#")) <= len(skills):
        return int(ref.strip().lstrip("#")) - 1
    low = ref.lower().strip()
    exact = [i for i, s in enumerate(skills) if s.name.lower() == low]
    if exact:
        return exact[0]
    found = match_skill(ref)
    if found is not None:
        name = load_catalog().skill(found.id).name.lower()
        by_id = [i for i, s in enumerate(skills) if s.name.lower() == name]
        if by_id:
            return by_id[0]
    part = [i for i, s in enumerate(skills) if low in s.name.lower()]
    if len(part) == 1:
        return part[0]
    names = "; ".join(f"{i + 1}. {s.name}" for i, s in enumerate(skills))
    raise InputError(f"'{ref}' is not one of the proposed skills ({names}).")


def _number(value: str, lo: int, hi: int, what: str) -> int:
    if not value.strip().isdigit() or not lo <= int(value) <= hi:
        raise InputError(f"{what} must be a whole number {lo}-{hi}, not '{value}'.")
    return int(value)


def apply_skill_edits(proposal: Proposal, edits: str | list[SkillChange]) -> Proposal:
    """The proposal after the person's changes (text or structured); still 5 + 5 skills.

    A replaced skill keeps the kind, priority and target of the one it replaces, and its
    reason says the person chose it; InputError says what could not be applied."""
    changes = parse_skill_edits(edits) if isinstance(edits, str) else edits
    skills = [s.model_copy() for s in proposal.skills]
    for change in changes:
        i = _find(skills, change.skill)
        old = skills[i]
        if change.op in ("replace", "rename"):
            name = change.value.strip()[:80]
            if not name:
                raise InputError(f"Give the new name for {old.name}.")
            if any(s.name.lower() == name.lower() for j, s in enumerate(skills) if j != i):
                raise InputError(f"{name} is already in the list.")
            found = match_skill_strict(name) if change.op == "replace" else None
            shown = load_catalog().skill(found.id).name if found else name
            reason = f"your choice, in place of {old.name}" if change.op == "replace" else old.reason
            skills[i] = old.model_copy(
                update={
                    "name": shown,
                    "reason": reason,
                    "evidence": None if change.op == "replace" else old.evidence,
                }
            )
        elif change.op == "priority":
            skills[i] = old.model_copy(update={"priority": _number(change.value, 1, 3, "A priority")})
        else:
            skills[i] = old.model_copy(update={"target": _number(change.value, 0, 5, "A target level")})
    return proposal.model_copy(update={"skills": skills})


def proposal_markdown(proposal: Proposal) -> str:
    """The proposed list for a person to accept or change: skill, kind, priority, target, why."""
    rows = ["| # | Skill | Kind | Priority | Target | Why |", "|:-:|---|---|:-:|:-:|---|"]
    for i, s in enumerate(proposal.skills, 1):
        rows.append(f"| {i} | {s.name} | {s.kind} | {s.priority} | {s.target} | {s.reason or '-'} |")
    head = f"Proposed skills for {proposal.position} in {proposal.industry}"
    if proposal.nearest:
        head += (
            " (nearest catalog roles: "
            + ", ".join(f"{n.title} {n.similarity:.2f}" for n in proposal.nearest)
            + ")"
        )
    if proposal.postings:
        head += f", from {proposal.postings} job posting(s)"
    tail = (
        [
            f"Swapped in for {proposal.industry}: "
            + ", ".join(f"{s.skill_in} (for {s.skill_out})" for s in proposal.swaps)
        ]
        if proposal.swaps
        else []
    )
    return "\n\n".join([head + ":", "\n".join(rows), *tail, f"Accept, or {HOW.split(', or')[0]}."])
