"""The person's own skill names read as catalog skills: what a gap report calls their levels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from tools.catalog import MATCH_THRESHOLD, Match, load_catalog, match_skill, normalize


@dataclass(frozen=True)
class HeldSkills:
    """The person's levels by catalog skill id, and the names the catalog did not know."""

    levels: dict[str, int]
    said_as: dict[str, str]
    unknown: list[str]


def read_skill(name: str) -> Match | None:
    """The catalog skill a person's own name for a skill is: a name or alias, or a spelling
    close to a whole one ('kubernets basics', 'machine learnin'). A match only part of the
    name supports is none: WRatio's partial score read 'curriculum design' as Designing
    scalable systems and 'gen ai' as an evaluation skill (85.5), silently in the table."""
    found = match_skill(name)
    if found is None or found.exact:
        return found
    skill = load_catalog().skill(found.id)
    names = [skill.name, skill.id.replace("_", " "), *skill.aliases]
    close = max(fuzz.ratio(normalize(name), normalize(n)) for n in names)
    return found if close >= MATCH_THRESHOLD else None


def resolve_skills(skills: Mapping[str, int]) -> HeldSkills:
    """Map the person's own skill names onto catalog ids ("k8s" -> kubernetes)."""
    levels: dict[str, int] = {}
    said_as: dict[str, str] = {}
    unknown: list[str] = []
    for name, level in skills.items():
        found = read_skill(name)
        if found is None:
            unknown.append(name)
            continue
        # Two names for one skill ("Docker", "containers"): keep the higher claim.
        if level >= levels.get(found.id, -1):
            levels[found.id] = level
            said_as[found.id] = name
    return HeldSkills(levels, said_as, unknown)
