"""An industry's domain skills on a proposed list: swapped in for the least important
specific skills, or left out with a reason (no skill could make way; or a skill about
models, for a position no catalog role that builds or runs models lends to)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tools.catalog import industry, load_catalog
from tools.models import SkillDef, Swap, TargetSkill
from tools.postings import PostingsEvidence, priority_from_share

# Words in a skill's name or aliases that say it is about models: an industry's domain skill
# with one ("Clinical validation of models", "Model risk management") is for roles that
# build or run them.
_MODELS = re.compile(r"\b(?:models?|inference|ml|ai|forecasting|recsys)\b")


def about_models(skill: SkillDef) -> bool:
    """Whether a catalog skill is about building, validating or running models."""
    return any(_MODELS.search(n.lower()) for n in [skill.name, *skill.aliases])


def model_domain_skills() -> frozenset[str]:
    """The ids of every industry's domain skills that are about models."""
    cat = load_catalog()
    return frozenset(
        rs.skill for ind in cat.industries for rs in ind.domain_skills if about_models(cat.skill(rs.skill))
    )


def swap_in(
    skills: list[TargetSkill],
    industry_name: str,
    seen: PostingsEvidence | None,
    rated: Mapping[str, int],
    models: bool = True,
) -> tuple[list[TargetSkill], list[Swap], list[str], list[str]]:
    """The industry's domain skills in for the least important specific skills (tools.targets'
    rule); with `models` False (no catalog role lends to the position) one about models is
    left out: "Clinical validation of models" is not a nurse educator's."""
    from tools.targets import protected

    ind = industry(industry_name)
    if ind is None:
        return skills, [], [], []
    cat = load_catalog()
    out = list(skills)
    swaps: list[Swap] = []
    left_out: list[str] = []
    not_for_role: list[str] = []
    taken: set[str] = set()
    # A domain skill already on the list stays: another one never takes its place.
    domain = {cat.skill(rs.skill).name for rs in ind.domain_skills}
    for rs in ind.domain_skills:
        skill = cat.skill(rs.skill)
        at = next((i for i, s in enumerate(out) if s.name == skill.name), None)
        if at is not None:
            if out[at].reason.startswith("weak guess"):
                # Listed as a weak guess, it is in fact what the industry asks for: say so.
                ev = out[at].evidence
                out[at] = out[at].model_copy(
                    update={
                        "priority": rs.priority,
                        "target": rs.target,
                        "reason": f"{ind.name} asks for it (catalog industry)"
                        + (f"; in {ev.text()}" if ev else ""),
                    }
                )
            continue
        if not models and about_models(skill):
            not_for_role.append(skill.name)
            continue
        spots = [
            i
            for i, s in enumerate(out)
            if s.kind == "specific"
            and s.name not in taken
            and s.name not in domain
            and not protected(s.name, s.priority, rated)
        ]
        if not spots:
            left_out.append(skill.name)
            continue
        worst = max(spots, key=lambda i: (out[i].priority, i))
        ev = seen.evidence(rs.skill) if seen else None
        if seen is not None and out[worst].priority < priority_from_share(ev.share() if ev else 0.0):
            # The person's postings rank every specific skill above what they ask of this
            # domain skill: the industry's general wish does not displace their evidence.
            continue
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
    return out, swaps, left_out, not_for_role


def not_for_role_line(names: list[str], industry_name: str, position: str) -> str:
    """The one line saying which of the industry's domain skills were left out as about
    models, and why; '' when none was."""
    if not names:
        return ""
    return (
        f"Not swapped in for {industry_name}: {', '.join(names)} (about models: for roles that build or run "
        f"them, and no catalog role is close enough to {position} to lend its skills)"
    )


def standing_swaps(swaps: list[Swap], names: list[str]) -> list[Swap]:
    """The swaps that still describe a list as it now stands (`names`): the skill swapped in
    is on it and the one it replaced is not. After "drop clinical validation of models"
    the line no longer says it was swapped in, nor that another skill made way for it."""
    from tools.targets import listed_by_name

    return [s for s in swaps if listed_by_name(s.skill_in, names) and not listed_by_name(s.skill_out, names)]
