"""The person's own rated skills as evidence for a position the catalog lacks (tools.proposal)."""

from __future__ import annotations

from collections.abc import Mapping

from tools.catalog import load_catalog, match_skill_strict
from tools.models import TargetSkill

# A skill the person rated is evidence for a position when its name is this close in meaning
# to the title ("curriculum design" 0.49 to "Instructional designer"; "Python" 0.26 is not),
# and it then ranks above skills picked by title closeness alone.
OWN_MIN = 0.30
OWN_BONUS = 0.25


def own_skills(position: str, rated: Mapping[str, int]) -> dict[str, float]:
    """The person's rated skills (level 1 up) close in meaning to the position, with how close."""
    from tools.similarity import text_similarities

    names = [n for n, level in rated.items() if level >= 1]
    return {n: s for n, s in zip(names, text_similarities(names, position), strict=True) if s >= OWN_MIN}


def own_custom_skills(
    position: str, own: Mapping[str, float], rated: Mapping[str, int], title_weight: float
) -> list[tuple[float, TargetSkill]]:
    """Scored proposals for the person's close skills the catalog lacks, kept as they wrote them
    (general or specific like the catalog skill nearest in meaning)."""
    names = [n for n in own if match_skill_strict(n) is None]
    if not names:
        return []
    from tools.similarity import closest_skills

    cat = load_catalog()
    out = []
    for name, near_id in zip(names, closest_skills(names), strict=True):
        level = rated[name]
        skill = TargetSkill(
            name=(name[:1].upper() + name[1:])[:80],
            kind=cat.skill(near_id).kind,
            priority=2,
            target=min(3, max(2, level)),
            reason=f"your own skill (you rated it {level}), {own[name]:.2f} close in meaning to "
            f"'{position}'; not a catalog skill",
        )
        out.append((title_weight * own[name] + OWN_BONUS, skill))
    return out
