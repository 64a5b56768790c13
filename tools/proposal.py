"""Proposing 10 skills for a position the catalog lacks, each with its evidence (the
person's edits to a proposal are read and applied in tools.skill_edits).

Evidence, strongest first: the person's job postings (the share that ask for a skill,
which also sets its priority: tools.postings), the nearest catalog roles by embedding
similarity (each weighted by its similarity), and roadmap passages that name the skill.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, Field

from tools.catalog import catalog_role, load_catalog, match_skill_strict, normalize
from tools.industry_swap import model_domain_skills, not_for_role_line, standing_swaps, swap_in
from tools.models import Evidence, NearRole, SkillKind, Swap, Target, TargetSkill
from tools.own_skills import OWN_BONUS, own_custom_skills, own_skills
from tools.postings import PostingsEvidence, analyse_postings, priority_from_share, skill_mentions
from tools.proposal_evidence import CLOSE_ROLE, borrowed, shown, thin_evidence
from tools.targets import listed_by_name

NEAREST_K = 3
# A skill's name this close in meaning to the position counts as (weak) evidence for it.
CLOSE_MIN = 0.35
# A skill's score: the nearest roles' weighted votes (0-1) plus this times the share of
# postings naming it, so 6 of 8 postings outweigh being in every near role at priority 3.
POSTINGS_WEIGHT = 1.5
PASSAGE_BONUS = 0.1
# Among the near roles' skills, those closer in meaning to the position itself rank higher.
TITLE_WEIGHT = 0.5
# Weak evidence (no posting, no role CLOSE_ROLE similar lists it) is never aimed high.
WEAK_TARGET_CAP = 2


class Proposal(BaseModel):
    """Ten proposed skills for a target, with the evidence behind them."""

    position: str
    industry: str
    skills: list[TargetSkill]
    nearest: list[NearRole] = Field(default_factory=list)
    postings: int = Field(default=0, description="how many postings the evidence counts")
    swaps: list[Swap] = Field(default_factory=list)
    not_swapped: list[str] = Field(
        default_factory=list, description="the industry's domain skills no skill could make way for"
    )
    not_for_role: list[str] = Field(
        default_factory=list,
        description="the industry's domain skills about models, left out: no catalog role lends to the position",
    )
    thin: str = Field(
        default="", description="why the evidence is thin and what would help; empty when it is not"
    )

    def target(self) -> Target:
        """The target with these skills, ready for the gap report."""
        return Target(position=self.position, industry=self.industry, skills=self.skills)


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
    rated: Mapping[str, int] | None = None,
) -> Proposal:
    """Ten skills (5 general, 5 specific) for a position, each with its reason.

    `postings` are the texts of the person's job postings for it; `nearest` the near
    catalog roles (computed by embedding similarity when not given); `passages` texts of
    roadmap passages retrieved for the position (optional, cheap extra evidence); `rated`
    the person's own levels by their names: those close in meaning to the position are
    evidence too.
    A catalog role keeps its own 10 skills, with priorities and evidence from the postings."""
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
    # Whether the position builds or runs models: a catalog role, or one a catalog role lends to.
    models = role is not None or bool(borrowed(near))
    votes = _vote(borrowed(near))
    closeness = skill_similarities(position) if role is None else {}
    scored: list[tuple[float, TargetSkill]] = []
    ids = set(votes)
    own = own_skills(position, rated or {}) if role is None else {}
    own_ids = {found.id: name for name in own if (found := match_skill_strict(name)) is not None}
    strong = {
        rs.skill
        for n in near
        if shown(n.similarity) >= CLOSE_ROLE
        for rs in cat.role(n.role_id).general + cat.role(n.role_id).specific
    }
    if role is None:
        close = {k for k, v in closeness.items() if shown(v) >= CLOSE_MIN}
        ids |= set(seen.skills if seen else {}) | set(passage_counts) | close | set(own_ids)
    for skill_id in ids:
        skill = cat.skill(skill_id)
        score, prio, tgt, reasons = votes.get(skill_id, (0.0, 3.0, 3.0, []))
        ev = seen.evidence(skill_id) if seen else None
        score += TITLE_WEIGHT * max(0.0, closeness.get(skill_id, 0.0))
        if shown(closeness.get(skill_id, 0.0)) >= CLOSE_MIN:
            reasons = [*reasons, f"close in meaning to '{position}' ({closeness[skill_id]:.2f})"]
        if ev is not None:
            score += POSTINGS_WEIGHT * ev.share()
        if passage_counts.get(skill_id):
            score += PASSAGE_BONUS
            reasons = [*reasons, f"named in {passage_counts[skill_id]} roadmap passage(s)"]
        if skill_id in own_ids:
            name = own_ids[skill_id]
            score += OWN_BONUS
            reasons = [
                *reasons,
                f"your '{name}' ({(rated or {})[name]}), {own[name]:.2f} close to '{position}'",
            ]
        priority = priority_from_share(ev.share()) if ev is not None else max(1, min(3, round(prio)))
        level = round(tgt) if skill_id in votes else (3 if priority <= 2 else 2)
        if role is None and not (ev and ev.postings) and skill_id not in strong and level > WEAK_TARGET_CAP:
            level = WEAK_TARGET_CAP
            reasons = [*reasons, f"target kept at {WEAK_TARGET_CAP}: the evidence is weak"]
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
    own_rows = own_custom_skills(position, own, rated or {}, TITLE_WEIGHT)
    if seen is not None and postings:
        # The postings set an own skill's priority as they set every other row's, and a
        # candidate phrase that is the person's own skill is that one row, not a second.
        own_rows = [_asked_for(score, skill, postings, seen.of) for score, skill in own_rows]
        mine = {normalize(s.name) for _, s in own_rows}
        scored = [
            (sc, s)
            for sc, s in scored
            if not (s.reason.startswith("repeated in") and normalize(s.name) in mine)
        ]
    scored += own_rows
    # Nor is an industry's model skill a weak guess for a position that builds no models
    # ("Model risk management (SR 11-7)" for a healthcare project manager).
    skip = frozenset() if models else model_domain_skills()
    chosen = _top(scored, "general", position, closeness, seen, skip) + _top(
        scored, "specific", position, closeness, seen, skip
    )
    chosen, swaps, left_out, not_for_role = swap_in(chosen, industry_name, seen, rated or {}, models)
    return Proposal(
        position=position,
        industry=industry_name,
        skills=chosen,
        nearest=near,
        postings=seen.of if seen else 0,
        swaps=swaps,
        not_swapped=left_out,
        not_for_role=not_for_role,
        thin=thin_evidence(position, near, seen.of if seen else 0, chosen) if role is None else "",
    )


def _asked_for(score: float, skill: TargetSkill, postings: list[str], of: int) -> tuple[float, TargetSkill]:
    """An own skill with what the postings say of it: how many name it, the priority that
    share gives (the README's rule: 1 of 5 is priority 3), and the score it adds."""
    phrase = re.compile(rf"(?<!\w){re.escape(normalize(skill.name))}(?!\w)")
    ev = Evidence(postings=sum(1 for p in postings if phrase.search(normalize(p))), of=of)
    priority = priority_from_share(ev.share())
    reason = f"{skill.reason}; in {ev.text()}, so priority {priority}"
    return score + POSTINGS_WEIGHT * ev.share(), skill.model_copy(
        update={"evidence": ev, "priority": priority, "reason": reason}
    )


def _top(
    scored: list[tuple[float, TargetSkill]],
    kind: SkillKind,
    position: str,
    closeness: dict[str, float],
    seen: PostingsEvidence | None,
    skip: frozenset[str] = frozenset(),
) -> list[TargetSkill]:
    ranked = sorted((s for s in scored if s[1].kind == kind), key=lambda s: (-s[0], s[1].priority, s[1].name))
    picked = [s for _, s in ranked[:5]]
    if len(picked) < 5:
        # Too little evidence for five: the catalog skills of this kind nearest in meaning to
        # the title, each saying how weak a guess it is (never a skill with no reason at all).
        have = {s.name for s in picked}
        cat = load_catalog()
        rest = sorted(
            (s for s in cat.skills if s.kind == kind and s.name not in have and s.id not in skip),
            key=lambda s: (-closeness.get(s.id, 0.0), s.name),
        )
        for skill in rest[: 5 - len(picked)]:
            picked.append(
                TargetSkill(
                    name=skill.name,
                    kind=kind,
                    priority=3,
                    target=2,
                    # With postings, their evidence is that none (or few) of them ask for it.
                    evidence=seen.evidence(skill.id) if seen else None,
                    reason=f"weak guess, optional: only {closeness.get(skill.id, 0.0):.2f} close in "
                    f"meaning to '{position}'; no role, posting or roadmap names it",
                )
            )
    return sorted(picked, key=lambda s: s.priority)


# How to answer a proposal (tools.skill_edits reads the answer).
HOW = (
    "write changes as 'replace A with B', 'rename A to B', 'priority A 1', 'target A 4', 'drop A, add B (general)' "
    "(separate several with ';'), or 'accept'"
)


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
    if proposal.nearest and not borrowed(proposal.nearest):
        head += "; none close enough to borrow skills from"
    # Edits since the proposal may have dropped a swapped-in skill or put back the one it
    # replaced: the line says only what still holds of the list as it stands.
    swaps = standing_swaps(proposal.swaps, [s.name for s in proposal.skills])
    tail = (
        [
            f"Swapped in for {proposal.industry}: "
            + ", ".join(f"{s.skill_in} (for {s.skill_out})" for s in swaps)
        ]
        if swaps
        else []
    )
    # An edit may have put a left-out domain skill on the list since: it is no longer left out.
    left_out = [n for n in proposal.not_swapped if not listed_by_name(n, [s.name for s in proposal.skills])]
    if left_out:
        tail.append(
            f"Not swapped in for {proposal.industry}: "
            + ", ".join(left_out)
            + " (every other specific skill is critical or one you rated 2 or more)"
        )
    names = [s.name for s in proposal.skills]
    not_for_role = [n for n in proposal.not_for_role if not listed_by_name(n, names)]
    if line := not_for_role_line(not_for_role, proposal.industry, proposal.position):
        tail.append(line)
    thin = [proposal.thin] if proposal.thin else []
    return "\n\n".join([head + ":", *thin, "\n".join(rows), *tail, f"Accept, or {HOW.split(', or')[0]}."])
