"""The skill-gap report: matrix, schedule, verdict and best trim for one target."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tools.catalog import Catalog, load_catalog, match_industry, match_skill, require_role
from tools.learning_time import hours_between, prereq_factor
from tools.models import GapReport, Profile, Quadrant, RoleDef, SkillLine, Target, Trim, TrimChoice
from tools.optimize import PRIORITY_WEIGHT, Item, best_trim

WEEKS_PER_MONTH = 52 / 12


def horizon_weeks(months: int) -> int:
    """Whole weeks in a horizon of `months` (12 months -> 52 weeks)."""
    return round(months * WEEKS_PER_MONTH)


def quadrant(priority: int, ease: int) -> Quadrant:
    """The template's priority x ease matrix: critical/important vs nice-to-have, easy vs hard."""
    important = priority <= 2
    easy = ease >= 2
    if important:
        return "quick win" if easy else "major project"
    return "fill-in" if easy else "defer"


@dataclass(frozen=True)
class HeldSkills:
    """The person's levels by catalog skill id, and the names the catalog did not know."""

    levels: dict[str, int]
    said_as: dict[str, str]
    unknown: list[str]


def resolve_skills(skills: Mapping[str, int]) -> HeldSkills:
    """Map the person's own skill names onto catalog ids ("k8s" -> kubernetes)."""
    levels: dict[str, int] = {}
    said_as: dict[str, str] = {}
    unknown: list[str] = []
    for name, level in skills.items():
        found = match_skill(name)
        if found is None:
            unknown.append(name)
            continue
        # Two names for one skill ("Docker", "containers"): keep the higher claim.
        if level >= levels.get(found.id, -1):
            levels[found.id] = level
            said_as[found.id] = name
    return HeldSkills(levels, said_as, unknown)


def _ordered(role: RoleDef, catalog: Catalog) -> list[tuple[str, int, int, str]]:
    """Role skills as (skill id, priority, target, kind), prerequisites before dependants.

    Within what the prerequisites allow, critical skills come first, then easier ones.
    """
    rows = [(rs.skill, rs.priority, rs.target, "general") for rs in role.general]
    rows += [(rs.skill, rs.priority, rs.target, "specific") for rs in role.specific]
    in_role = {r[0] for r in rows}
    pending = sorted(rows, key=lambda r: (r[1], -catalog.skill(r[0]).ease, r[0]))
    done: set[str] = set()
    order: list[tuple[str, int, int, str]] = []
    while pending:
        for row in pending:
            needs = set(catalog.skill(row[0]).prereqs) & in_role
            if needs <= done:
                break
        else:  # a cycle in the catalog: fall back to priority order rather than loop
            row = pending[0]
        pending.remove(row)
        done.add(row[0])
        order.append(row)
    return order


def gap_report(
    profile: Profile,
    target: Target,
    target_overrides: Mapping[str, int] | None = None,
    hours_per_week: float | None = None,
) -> GapReport:
    """The full report for one target at the person's weekly hours.

    `target_overrides` maps skill ids or names to target levels a person chose in a
    review; `hours_per_week` overrides the profile's budget (a what-if).
    """
    catalog = load_catalog()
    role = require_role(target.position)
    held = resolve_skills(profile.skills)
    hpw = hours_per_week if hours_per_week is not None else profile.hours_per_week
    overrides = _resolve_overrides(target_overrides or {})
    horizon = horizon_weeks(profile.horizon_months)

    lines: list[SkillLine] = []
    items: list[Item] = []
    elapsed = 0.0
    for skill_id, priority, default_target, kind in _ordered(role, catalog):
        skill = catalog.skill(skill_id)
        current = held.levels.get(skill_id, 0)
        tgt = overrides.get(skill_id, default_target)
        factor = prereq_factor(held.levels, skill.prereqs)
        breakdown = hours_between(current, max(current, tgt), skill.ease, factor)
        start = elapsed
        elapsed += breakdown.hours
        notes = [breakdown.explain()]
        if skill_id not in held.levels:
            notes.append("current level not given: assumed 0")
        elif held.said_as[skill_id].lower() != skill.name.lower():
            notes.append(f"from your '{held.said_as[skill_id]}'")
        if tgt < current:
            notes.append(f"already above the role's target {tgt}")
        missing = [p for p, lvl in skill.prereqs.items() if held.levels.get(p, 0) < lvl]
        if missing:
            names = ", ".join(catalog.skill(p).name for p in missing)
            notes.append(f"builds on {names}")
        lines.append(
            SkillLine(
                name=skill.name,
                skill_id=skill_id,
                kind=kind,  # type: ignore[arg-type]
                priority=priority,
                ease=skill.ease,
                current=current,
                target=max(current, tgt),
                gap=max(0, tgt - current),
                hours=breakdown.hours,
                start_week=math.floor(start / hpw + 1e-9),
                finish_week=math.ceil(elapsed / hpw - 1e-9),
                quadrant=quadrant(priority, skill.ease),
                notes="; ".join(notes),
                matched_from=held.said_as.get(skill_id),
                assumed=skill_id not in held.levels,
            )
        )
        options = [
            hours_between(current, lvl, skill.ease, factor).hours
            for lvl in range(current, max(current, tgt) + 1)
        ]
        items.append(Item(name=skill.name, priority=priority, hours=options))

    total = round(elapsed, 1)
    weeks = math.ceil(total / hpw - 1e-9)
    attainable = weeks <= horizon
    report = GapReport(
        target=target,
        role_id=role.id,
        role_title=role.title,
        industry_note=_industry_note(target.industry),
        hours_per_week=hpw,
        horizon_weeks=horizon,
        skills=lines,
        total_hours=total,
        total_weeks=weeks,
        attainable=attainable,
        margin_weeks=horizon - weeks,
        unknown_skills=held.unknown,
    )
    if not attainable:
        report.hours_per_week_needed = hours_needed(total, horizon)
        report.trim = _trim(lines, items, hpw * horizon)
    return report


def hours_needed(total_hours: float, weeks: int) -> float:
    """The weekly hours, rounded up to the half hour, that finish `total_hours` in `weeks`."""
    return math.ceil(total_hours / weeks * 2 - 1e-9) / 2


def _trim(lines: list[SkillLine], items: list[Item], budget: float) -> Trim:
    solution = best_trim(items, budget)
    choices = [
        TrimChoice(
            name=line.name,
            target=line.current + gain,
            full_target=line.target,
            hours=item.hours[gain],
        )
        for line, item, gain in zip(lines, items, solution.gains, strict=True)
    ]
    full_value = float(sum(PRIORITY_WEIGHT[line.priority] * line.gap for line in lines))
    return Trim(
        budget_hours=round(budget, 1),
        hours=solution.hours,
        value=solution.value,
        full_value=full_value,
        choices=choices,
    )


def _resolve_overrides(overrides: Mapping[str, int]) -> dict[str, int]:
    resolved: dict[str, int] = {}
    catalog_ids = {s.id for s in load_catalog().skills}
    for key, level in overrides.items():
        if key in catalog_ids:
            resolved[key] = level
            continue
        found = match_skill(key)
        if found is not None:
            resolved[found.id] = level
    return resolved


def _industry_note(industry: str) -> str:
    found = match_industry(industry)
    if found is None:
        return ""
    return next(i.note for i in load_catalog().industries if i.id == found.id)


def compare_plans(profile: Profile) -> tuple[GapReport, GapReport]:
    """Plan A and Plan B on the same budget, for side-by-side display."""
    return gap_report(profile, profile.plan_a), gap_report(profile, profile.plan_b)
