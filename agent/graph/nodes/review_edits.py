"""Applying a review edit to the state: profile, review targets and pinned lists, checked.

Split from the review node. A skill "dropped" at review (target 0: 'drop canva', 'no need
for dbt') is held at the level the person has in each plan (Canva 2 -> target 2, shown as
held), as the README says: its target is lowered to what you have, never shown as 0. A
level corrected later moves a held target with it, so a held skill stays held.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from agent.coaching.matching import forget_skills, normalize_name
from agent.coaching.review import ReviewChanges, TargetChange
from agent.graph.nodes.common import profile_of
from agent.graph.state import CoachState
from tools.catalog import match_skill
from tools.errors import CoachError
from tools.gap import gap_report


def _known_skill(name: str, state: CoachState) -> bool:
    """A skill an edit may name: one the catalog knows, the person's own, or one in the draft."""
    if match_skill(name) is not None:
        return True
    own = {s.lower() for s in (state.get("profile") or {}).get("skills", {})}
    for report in (state.get("reports") or {}).values():
        own |= {str(line.get("name", "")).lower() for line in report.get("skills", [])}
    return name.lower() in own


def apply_edit(state: CoachState, changes: ReviewChanges) -> dict[str, Any]:
    """Fold an edit's changes into profile and overrides, after checking that the edited
    profile still computes (an unknown position or skill is refused, nothing changes)."""
    unknown = [n for n in [*changes.targets, *changes.levels] if not _known_skill(n, state)]
    if unknown:
        raise CoachError(f"I don't know the skill '{unknown[0][:60]}'; name a skill of the plan.")
    changes = _hold_dropped(state, changes)
    profile = dict(state["profile"])
    overrides = {k: dict(v) for k, v in (state.get("overrides") or {}).items()}
    if changes.current_role:
        profile["current_role"] = changes.current_role
    if changes.hours_per_week:
        profile["hours_per_week"] = changes.hours_per_week
    if changes.horizon_months:
        profile["horizon_months"] = changes.horizon_months
    if changes.levels:
        skills = dict(profile.get("skills") or {})
        for name, level in changes.levels.items():
            found = match_skill(name)
            # Replace every way the person named this skill, so the correction wins.
            for old in [
                s for s in skills if found is not None and (m := match_skill(s)) and m.id == found.id
            ]:
                skills.pop(old)
            skills[name] = level
        profile["skills"] = skills
    if changes.forget:
        held = {normalize_name(k): k for k in profile.get("skills") or {}}
        changes = changes.model_copy(
            update={"forget": [held.get(normalize_name(n), n) for n in changes.forget]}
        )
        profile["skills"] = forget_skills(dict(profile.get("skills") or {}), changes.forget)
    dropped: list[str] = []
    for key in ("plan_a", "plan_b"):
        target = getattr(changes, key)
        if target is not None:
            before = str((profile.get(key) or {}).get("position") or "")
            profile[key] = target.model_dump(exclude={"note"}, exclude_none=True)
            # Targets set at this review belong to the position: a new position starts from
            # its own list, and says so; the same position (another industry, or restated)
            # keeps them (they were undone silently).
            if before.strip().lower() != target.position.strip().lower() and overrides.pop(key[-1], None):
                dropped.append(f"Plan {key[-1].upper()}")
            elif target.skills is not None:
                # A list edited at review has this review's earlier targets folded in: left
                # as overrides too, they would mask the list's new ones ("python 4", then
                # "make python's target 5" stayed at 4).
                overrides.pop(key[-1], None)
    # 'drop dbt' (target 0) is held at what the person has, in each plan as it counts it.
    for skill, level in changes.targets.items():
        for key in ("a", "b"):
            overrides.setdefault(key, {})[skill] = level or _level_now(state, key, skill, changes.levels)
    _move_held(state, profile, overrides, changes)
    checked = profile_of(profile)  # raises on a profile the edit made invalid
    for key in ("a", "b"):  # raises CoachError on a position nothing can plan for
        gap_report(checked, checked.plan_a if key == "a" else checked.plan_b, overrides.get(key))
    summary = f"Recomputing with your changes: {changes.describe()}."
    if outside := _not_in_plans(state, list(changes.targets)):
        summary += f" {', '.join(outside)} is in neither plan's ten skills, so its target changes nothing."
    if dropped:
        summary += f" The targets you set for the old {' and '.join(dropped)} position do not carry over."
    return {"profile": profile, "overrides": overrides, "messages": [AIMessage(summary)]}


def _not_in_plans(state: CoachState, names: list[str]) -> list[str]:
    """Skills a target change names that neither drafted plan schedules ('drop docker' when
    neither target asks for Docker): said, so the change is not silently without effect."""
    reports = (state.get("reports") or {}).values()
    ids = {str(line.get("skill_id")) for r in reports for line in r.get("skills", [])}
    names_in = {str(line.get("name", "")).lower() for r in reports for line in r.get("skills", [])}
    if not ids:
        return []
    out = []
    for name in names:
        found = match_skill(name)
        if name.lower() not in names_in and (found is None or found.id not in ids):
            out.append(name)
    return out


def _same(a: str, b: str) -> bool:
    """Two names of one skill: the same words, or the same catalog skill."""
    if a.strip().lower() == b.strip().lower():
        return True
    x, y = match_skill(a), match_skill(b)
    return x is not None and y is not None and x.id == y.id


def _line_level(state: CoachState, key: str, name: str) -> int | None:
    """The current level plan `key`'s drafted report shows for a skill (assumed ones too)."""
    for line in ((state.get("reports") or {}).get(key) or {}).get("skills", []):
        if _same(str(line.get("name", "")), name) or (
            (m := match_skill(name)) is not None and m.id == line.get("skill_id")
        ):
            return int(line.get("current", 0))
    return None


def _level_now(state: CoachState, key: str, name: str, levels: dict[str, int]) -> int:
    """What the person has in a skill for plan `key`: this edit's corrected level first."""
    said = next((v for k, v in levels.items() if _same(k, name)), None)
    if said is None:
        said = _line_level(state, key, name)
    if said is None:  # not in this plan's ten: the level the profile gives it, if any
        own = ((state.get("profile") or {}).get("skills") or {}).items()
        said = next((int(v) for k, v in own if _same(k, name)), 0)
    return said


def _hold_dropped(state: CoachState, changes: ReviewChanges) -> ReviewChanges:
    """A list edited at review with a skill at target 0 ('drop canva' on a custom list):
    that skill held at the level the person has, as a dropped catalog skill is."""
    update: dict[str, TargetChange] = {}
    for key in ("plan_a", "plan_b"):
        target: TargetChange | None = getattr(changes, key)
        if target is None or target.skills is None or all(s.target for s in target.skills):
            continue
        skills = [
            s
            if s.target
            else s.model_copy(update={"target": _level_now(state, key[-1], s.name, changes.levels)})
            for s in target.skills
        ]
        update[key] = target.model_copy(update={"skills": skills})
    return changes.model_copy(update=update) if update else changes


def _move_held(
    state: CoachState, profile: dict[str, Any], overrides: dict[str, dict[str, int]], changes: ReviewChanges
) -> None:
    """A level corrected at review moves a target held at the old level with it ('drop dbt',
    then 'my dbt is 0 not 1' stays held, never a new 0 -> 1 gap); a target set in the same
    edit wins."""
    for name, level in changes.levels.items():
        if any(_same(name, t) for t in changes.targets):
            continue
        for key in ("a", "b"):
            old = _line_level(state, key, name)
            if old is None:
                continue
            held = overrides.get(key, {})
            for skill, value in list(held.items()):
                if _same(skill, name) and value == old:
                    held[skill] = level
            given = profile.get(f"plan_{key}") or {}
            if isinstance(given, dict) and given.get("skills"):
                profile[f"plan_{key}"] = {
                    **given,
                    "skills": [
                        {**s, "target": level}
                        if _same(str(s.get("name", "")), name) and s.get("target") == old
                        else s
                        for s in given["skills"]
                    ],
                }
