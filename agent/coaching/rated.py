"""Rated names as the person's plans name them, never read silently as another skill.

A target's own list (a proposal agreed, or a profile file's list) names skills the catalog
lacks ('Epic EHR build', 'Articulate Storyline'); a person rates them in their own words
('epic build 1', 'never touched articulate storyline'). Split from the intake node:
pure functions over the reading (`Understood`) and the profile.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agent.coaching.matching import GENERIC_SKILL_WORDS, is_catalog_skill, normalize_name, own_skill
from tools.catalog import catalog_role
from tools.held import read_skill
from tools.models import Target
from tools.targets import target_skills

if TYPE_CHECKING:
    from agent.coaching.parsing import Understood


def _listed(profile: dict[str, Any]) -> list[str]:
    return [
        str(s["name"]) for key in ("plan_a", "plan_b") for s in (profile.get(key) or {}).get("skills") or []
    ]


def plan_skill_names(profile: dict[str, Any]) -> list[str]:
    """The skills both plans list: a target's own list, or its catalog role's (with the
    industry's swaps); a position with neither proposes nothing here (no proposal is run)."""
    names: list[str] = []
    for key in ("plan_a", "plan_b"):
        plan = profile.get(key) or {}
        if plan.get("skills"):
            names += [str(s["name"]) for s in plan["skills"]]
        elif plan.get("position") and catalog_role(str(plan["position"])) is not None:
            try:
                names += [w.skill.name for w in target_skills(Target.model_validate(plan)).wants]
            except (ValueError, KeyError):  # an odd stored target: no names from it, never a crash
                continue
    return names


def _plain(text: str) -> str:
    return normalize_name(text).replace("/", "")  # 'a/b' and 'ab' are one word


def listed_holding(name: str, listed: list[str]) -> str | None:
    """The one listed skill whose name holds the term a catalog name was rated by, when
    the catalog skill it names does not: 'a/b testing' is the catalog's 'Deciding under
    ambiguity with experiments', but with 'Experimentation at scale (A/B platforms)' on
    the plans it is that one. Generic words ('testing', 'design') pick nothing."""
    found = read_skill(name)
    words = [w for w in _plain(name).split() if w not in GENERIC_SKILL_WORDS and w != "testing"]
    if found is None or not listed or not words:
        return None
    holding = {n for n in listed if all(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", _plain(n)) for w in words)}
    if len(holding) != 1 or normalize_name(found.name) in {normalize_name(n) for n in holding}:
        return None  # the catalog's own skill holds the term, or no one listed skill does
    return holding.pop()


def as_listed(u: Understood, profile: dict[str, Any]) -> dict[str, int]:
    """Rated names as the targets' own lists name them: 'Docs-as-code tooling 1' rates
    'Docs-as-code tooling (Markdown, static site generators)', 'LMS admin' rates 'LMS
    administration' (said in the note, never silently), and a close spelling of a catalog
    skill as the gap engine reads it ('pyton: read as Python engineering')."""
    listed = _listed(profile)
    planned = plan_skill_names(profile) if any(is_catalog_skill(n) for n in u.skills) else []
    out: dict[str, int] = {}
    for name, level in u.skills.items():
        own = own_skill(name, listed) if listed else None
        if own is None and is_catalog_skill(name) and (held := listed_holding(name, planned)):
            out[held] = level  # 'a/b testing' with only Experimentation at scale (A/B platforms) listed
            u.notes.append(f"{name}: read as {held}")
            continue
        if own is None and not is_catalog_skill(name) and (near := read_skill(name)) is not None:
            # The gap engine counts a close spelling as that catalog skill: said, never silent.
            u.notes.append(f"{name}: read as {near.name}")
        if own is None or own == name or (is_catalog_skill(name) and is_catalog_skill(own)):
            out[name] = level
            continue
        out[own] = level
        if own.lower() != name.lower():
            u.notes.append(f"{name}: read as {own}")
    return out


def never_listed(u: Understood, profile: dict[str, Any]) -> dict[str, int]:
    """Level 0 for each listed skill a 'never touched X' names ('articulate storyline' is
    the list's Articulate Storyline); a name on no list is said, not dropped."""
    listed = _listed(profile)
    out: dict[str, int] = {}
    for name in u.never:
        own = own_skill(name, listed) if listed else None
        if own is None:
            u.problems.append(
                f"never touched {name}: that is not a skill on your plans' lists, so I rated nothing "
                f"(say '{name} 0' to keep it as a skill of yours)"
            )
            continue
        out[own] = 0
    return out


def onto_lists(profile: dict[str, Any]) -> dict[str, int]:
    """The profile's skills with a short name for a listed skill ('stakeholder mgmt', rated
    before 'Stakeholder management' was on a list) stored under the listed name, so the
    plan reads its level and the profile never holds both; a level already under the
    listed name stays. A catalog name is never moved onto another catalog name."""
    listed = _listed(profile)
    skills: dict[str, int] = dict(profile.get("skills") or {})
    if not listed:
        return skills
    out: dict[str, int] = {}
    for name, level in skills.items():
        own = own_skill(name, listed)
        if own is None and is_catalog_skill(name) and (held := listed_holding(name, listed)):
            if held not in skills:
                out[held] = level
            continue
        if own is None or own == name or (is_catalog_skill(name) and is_catalog_skill(own)):
            out[name] = level
        elif own not in skills:
            out[own] = level
    return out
