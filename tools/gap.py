"""The skill-gap report: matrix, schedule, verdict and best trim for one target."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tools.catalog import Catalog, load_catalog, match_industry, match_skill, require_role
from tools.learning_time import hours_between, prereq_factor
from tools.models import GapReport, Profile, Quadrant, RoleDef, SkillDef, SkillLine, Target, Trim, TrimChoice
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


@dataclass(frozen=True)
class Want:
    """One skill a target needs: at what priority, to what level, of which kind."""

    skill: SkillDef
    priority: int
    target: int
    kind: str


def role_wants(role: RoleDef, catalog: Catalog) -> list[Want]:
    """The role's 10 skills as wants."""
    return [Want(catalog.skill(rs.skill), rs.priority, rs.target, "general") for rs in role.general] + [
        Want(catalog.skill(rs.skill), rs.priority, rs.target, "specific") for rs in role.specific
    ]


def order_wants(wants: list[Want]) -> list[Want]:
    """Prerequisites before the skills that build on them; within that, critical
    skills first, then easier ones."""
    present = {w.skill.id for w in wants}
    pending = sorted(wants, key=lambda w: (w.priority, -w.skill.ease, w.skill.id))
    done: set[str] = set()
    order: list[Want] = []
    while pending:
        for want in pending:
            if set(want.skill.prereqs) & present <= done:
                break
        else:  # a prerequisite cycle: fall back to priority order rather than loop
            want = pending[0]
        pending.remove(want)
        done.add(want.skill.id)
        order.append(want)
    return order


@dataclass(frozen=True)
class Schedule:
    """Matrix rows in learning order, the optimiser's options for each, and the total."""

    lines: list[SkillLine]
    items: list[Item]
    total_hours: float


def schedule(
    wants: list[Want],
    held: HeldSkills,
    hours_per_week: float,
    overrides: Mapping[str, int],
    skill_name: Callable[[str], str],
) -> Schedule:
    """Hours, start and finish week of each wanted skill, learned one after another."""
    lines: list[SkillLine] = []
    items: list[Item] = []
    elapsed = 0.0
    for want in order_wants(wants):
        skill = want.skill
        current = held.levels.get(skill.id, 0)
        tgt = max(current, overrides.get(skill.id, want.target))
        factor = prereq_factor(held.levels, skill.prereqs)
        breakdown = hours_between(current, tgt, skill.ease, factor)
        start = elapsed
        elapsed += breakdown.hours
        notes = [breakdown.explain()]
        if skill.id not in held.levels:
            notes.append("current level not given: assumed 0")
        elif held.said_as[skill.id].lower() != skill.name.lower():
            notes.append(f"from your '{held.said_as[skill.id]}'")
        if overrides.get(skill.id, want.target) < current:
            notes.append(f"already above the target {overrides.get(skill.id, want.target)}")
        missing = [p for p, lvl in skill.prereqs.items() if held.levels.get(p, 0) < lvl]
        if missing:
            notes.append("builds on " + ", ".join(skill_name(p) for p in missing))
        lines.append(
            SkillLine(
                name=skill.name,
                skill_id=skill.id,
                kind=want.kind,  # type: ignore[arg-type]
                priority=want.priority,
                ease=skill.ease,
                current=current,
                target=tgt,
                gap=tgt - current,
                hours=breakdown.hours,
                start_week=math.floor(start / hours_per_week + 1e-9),
                finish_week=math.ceil(elapsed / hours_per_week - 1e-9),
                quadrant=quadrant(want.priority, skill.ease),
                notes="; ".join(notes),
                matched_from=held.said_as.get(skill.id),
                assumed=skill.id not in held.levels,
            )
        )
        options = [hours_between(current, lvl, skill.ease, factor).hours for lvl in range(current, tgt + 1)]
        items.append(Item(name=skill.name, priority=want.priority, hours=options))
    return Schedule(lines=lines, items=items, total_hours=round(elapsed, 1))


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
    horizon = horizon_weeks(profile.horizon_months)
    plan = schedule(
        role_wants(role, catalog),
        held,
        hpw,
        _resolve_overrides(target_overrides or {}),
        lambda skill_id: catalog.skill(skill_id).name,
    )
    weeks = math.ceil(plan.total_hours / hpw - 1e-9)
    attainable = weeks <= horizon
    report = GapReport(
        target=target,
        role_id=role.id,
        role_title=role.title,
        industry_note=_industry_note(target.industry),
        hours_per_week=hpw,
        horizon_weeks=horizon,
        skills=plan.lines,
        total_hours=plan.total_hours,
        total_weeks=weeks,
        attainable=attainable,
        margin_weeks=horizon - weeks,
        unknown_skills=held.unknown,
        extras=[_unknown_estimate(name, profile.skills[name]) for name in held.unknown],
    )
    if not attainable:
        report.hours_per_week_needed = hours_needed(plan.total_hours, horizon)
        report.trim = best_trim_report(plan.lines, plan.items, hpw * horizon)
    return report


# A skill the catalog does not know gets the middle of every scale: moderate ease,
# important, no prerequisites, and the common working target of level 3.
DEFAULT_EASE = 2
DEFAULT_PRIORITY = 2
DEFAULT_TARGET = 3


def _unknown_estimate(name: str, current: int) -> SkillLine:
    target = max(current, DEFAULT_TARGET)
    breakdown = hours_between(current, target, DEFAULT_EASE)
    return SkillLine(
        name=name,
        skill_id=f"unknown:{name.lower()}",
        kind="specific",
        priority=DEFAULT_PRIORITY,
        ease=DEFAULT_EASE,
        current=current,
        target=target,
        gap=target - current,
        hours=breakdown.hours,
        start_week=0,
        finish_week=0,
        quadrant=quadrant(DEFAULT_PRIORITY, DEFAULT_EASE),
        notes=f"not in the catalog: default estimate (ease {DEFAULT_EASE}, target {DEFAULT_TARGET}), "
        f"{breakdown.explain()}; not counted in this role's 10 skills",
        matched_from=name,
        assumed=False,
    )


def hours_needed(total_hours: float, weeks: int) -> float:
    """The weekly hours, rounded up to the half hour, that finish `total_hours` in `weeks`."""
    return math.ceil(total_hours / weeks * 2 - 1e-9) / 2


def best_trim_report(lines: list[SkillLine], items: list[Item], budget: float) -> Trim:
    """The optimiser's best targets within `budget` hours, as a report section."""
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
