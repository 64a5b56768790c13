"""The skill-gap report: matrix, schedule, verdict and best trim for one target."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tools.catalog import (
    industry,
    load_catalog,
    match_skill,
    match_skill_strict,
    normalize,
)
from tools.held import HeldSkills, resolve_skills
from tools.learning_time import hours_between, prereq_factor
from tools.models import GapReport, Profile, Quadrant, SkillLine, Target, Trim, TrimChoice
from tools.optimize import PRIORITY_WEIGHT, Item, best_trim
from tools.postings import priority_from_share
from tools.priors import Prior, role_priors
from tools.targets import Want, role_wants, target_skills

__all__ = ["HeldSkills", "Want", "compare_plans", "gap_report", "resolve_skills", "role_wants", "schedule"]

WEEKS_PER_MONTH = 52 / 12


def horizon_weeks(months: int) -> int:
    """Whole weeks in a horizon of `months` (12 months -> 52 weeks)."""
    return round(months * WEEKS_PER_MONTH)


def month_weeks(month: int) -> tuple[int, int]:
    """The whole weeks [start, end) of a month of the plan (month 4: weeks 13-17 counted from 0),
    cut as the horizon is, so a skill's week range falls in months without a fraction of a week
    making it "keep going" in a month it has not started."""
    return horizon_weeks(month - 1), horizon_weeks(month)


def month_of_week(week: int) -> int:
    """The month whose weeks include the end of week `week` (weeks counted from 1)."""
    month = 1
    while horizon_weeks(month) < week:
        month += 1
    return month


def quadrant(priority: int, ease: int, gap: int | None = None) -> Quadrant:
    """The template's priority x ease matrix: critical/important vs nice-to-have, easy vs hard;
    a skill already at its target (`gap` 0) is held, in no quadrant."""
    if gap == 0:
        return "held"
    important = priority <= 2
    easy = ease >= 2
    if important:
        return "quick win" if easy else "major project"
    return "fill-in" if easy else "defer"


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
    *,
    priors: Mapping[str, Prior] | None = None,
) -> Schedule:
    """Hours, start and finish week of each wanted skill, learned one after another.

    A level the person did not give comes from `priors` (their role) when there is
    one, else 0; either way the row is marked assumed."""
    priors = priors or {}
    levels = {**{k: p.level for k, p in priors.items()}, **held.levels}
    lines: list[SkillLine] = []
    items: list[Item] = []
    elapsed = 0.0
    for want in order_wants(wants):
        skill = want.skill
        name = want.name or skill.name
        given = skill.id in held.levels
        current = levels.get(skill.id, 0)
        wanted = overrides.get(skill.id, overrides.get(name.lower(), want.target))
        tgt = max(current, wanted)
        factor = prereq_factor(levels, skill.prereqs)
        breakdown = hours_between(current, tgt, skill.ease, factor)
        start = elapsed
        elapsed += breakdown.hours
        notes = [breakdown.explain()]
        prior = "" if given else (priors[skill.id].source if skill.id in priors else "not given: assumed 0")
        if not given:
            notes.append(
                f"level {current} {prior}" if skill.id in priors else "current level not given: assumed 0"
            )
        elif held.said_as[skill.id].lower() != name.lower():
            notes.append(f"from your '{held.said_as[skill.id]}'")
        if wanted < current:
            notes.append(f"already above the target {wanted}")
        if want.evidence is not None:
            notes.append(want.evidence.text())
            if (by_share := priority_from_share(want.evidence.share())) != want.priority:
                # A listed or industry priority the postings' rule would not give: said, not hidden.
                notes.append(
                    f"priority {want.priority} {priority_origin(want.source)}, not {by_share} from the postings' share"
                )
        if want.source.startswith("industry:"):
            notes.append(f"asked for in {want.source.split(': ', 1)[1]}")
        missing = [p for p, lvl in skill.prereqs.items() if levels.get(p, 0) < lvl]
        if missing:
            notes.append("builds on " + ", ".join(skill_name(p) for p in missing))
        lines.append(
            SkillLine(
                name=name,
                skill_id=skill.id,
                kind=want.kind,  # type: ignore[arg-type]
                priority=want.priority,
                ease=skill.ease,
                current=current,
                # The target as set, even under the current level (shown "held"): the
                # matrix showing max(current, target) disagreed with the saved profile.
                target=wanted,
                gap=tgt - current,
                hours=breakdown.hours,
                # Half-open whole weeks [start, finish): a skill starts after the week the
                # one before it ends in, so no week is in two ranges and the months the
                # milestones are drawn from agree with the total's weeks.
                start_week=math.ceil(start / hours_per_week - 1e-9),
                finish_week=math.ceil(elapsed / hours_per_week - 1e-9),
                quadrant=quadrant(want.priority, skill.ease, tgt - current),
                notes="; ".join(notes),
                matched_from=held.said_as.get(skill.id),
                assumed=not given,
                prior=prior,
                held=tgt == current,
                evidence=want.evidence,
                source=want.source,
                resources=list(skill.resources),
            )
        )
        options = [hours_between(current, lvl, skill.ease, factor).hours for lvl in range(current, tgt + 1)]
        items.append(Item(name=name, priority=want.priority, hours=options))
    return Schedule(lines=lines, items=items, total_hours=round(elapsed, 1))


def person_skills(profile: Profile, wants: list[Want]) -> HeldSkills:
    """The person's levels for a target, custom skills included.

    A rated name that is a custom skill's name ("Product roadmap: 2") is that skill's level;
    one that names a custom skill of the person's other target is theirs too, kept apart
    from this target's 10 rather than fuzzily read as a catalog skill it only resembles
    ("Product roadmap" is not "Defining success metrics with product teams")."""
    custom = {
        normalize(w.name or w.skill.name): w.skill.id for w in wants if w.skill.id.startswith("custom:")
    }
    listed = {
        normalize(ts.name)
        for t in (profile.plan_a, profile.plan_b)
        for ts in t.skills or []
        if match_skill_strict(ts.name) is None
    }
    own = {n for n in profile.skills if normalize(n) in custom or normalize(n) in listed}
    held = resolve_skills({n: v for n, v in profile.skills.items() if n not in own})
    if not own:
        return held
    levels, said_as = dict(held.levels), dict(held.said_as)
    for name in own:
        if (skill_id := custom.get(normalize(name))) is not None:
            levels[skill_id], said_as[skill_id] = profile.skills[name], name
    unknown = [n for n in profile.skills if n in held.unknown or (n in own and normalize(n) not in custom)]
    return HeldSkills(levels, said_as, unknown)


def _skill_name(skill_id: str) -> str:
    try:
        return load_catalog().skill(skill_id).name
    except KeyError:
        return skill_id


def gap_report(
    profile: Profile,
    target: Target,
    target_overrides: Mapping[str, int] | None = None,
    hours_per_week: float | None = None,
    *,
    postings: list[str] | None = None,
    use_priors: bool = True,
) -> GapReport:
    """The full report for one target at the person's weekly hours.

    Any position works: a catalog role gives its 10 skills, a target carrying `skills`
    gives the person's own, any other position gets a proposal (tools.proposal) from
    the nearest catalog roles and `postings` (texts of job postings for it; given, even
    empty, they replace the evidence a list carries; None keeps it). A catalog
    industry swaps in its domain skills. `target_overrides` maps skill ids or names to
    target levels a person chose in a review; `hours_per_week` overrides the profile's
    budget (a what-if); `use_priors` estimates unrated levels from the current role.
    """
    if postings is not None and target.skills is not None:
        # A list's evidence is what this position's postings say now: a list carried over from
        # another position (Plan A's, or postings since removed) keeps none of its old counts.
        listed = [s.model_copy(update={"evidence": None}) for s in target.skills]
        target = target.model_copy(update={"skills": listed})
    chosen = target_skills(target, postings, profile.skills)
    held = person_skills(profile, chosen.wants)
    hpw = hours_per_week if hours_per_week is not None else profile.hours_per_week
    horizon = horizon_weeks(profile.horizon_months)
    wanted_ids = {w.skill.id for w in chosen.wants}
    priors = (
        {
            k: v
            for k, v in role_priors(profile.current_role).items()
            if k in wanted_ids and k not in held.levels
        }
        if use_priors
        else {}
    )
    overrides = _resolve_overrides(target_overrides or {}, chosen.wants)
    plan = schedule(chosen.wants, held, hpw, overrides, _skill_name, priors=priors)
    weeks = math.ceil(plan.total_hours / hpw - 1e-9)
    attainable = weeks <= horizon
    assumed_weeks = None
    if any(line.assumed and line.current > 0 for line in plan.lines):
        bare = schedule(chosen.wants, held, hpw, overrides, _skill_name)
        assumed_weeks = math.ceil(bare.total_hours / hpw - 1e-9)
    ind = industry(target.industry)
    report = GapReport(
        target=target,
        role_id=chosen.role_id,
        role_title=chosen.role_title,
        industry_note=ind.note if ind else "",
        industry_known=ind is not None,
        custom=chosen.custom,
        nearest_roles=chosen.nearest,
        industry_swaps=chosen.swaps,
        industry_not_swapped=chosen.not_swapped,
        industry_not_for_role=chosen.not_for_role,
        assumed_weeks=assumed_weeks,
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
        # Held when the person is already at the default target, as a catalog skill is.
        quadrant=quadrant(DEFAULT_PRIORITY, DEFAULT_EASE, target - current),
        notes=f"not in the catalog: default estimate (ease {DEFAULT_EASE}, target {DEFAULT_TARGET}), "
        f"{breakdown.explain()}; not counted in this role's 10 skills",
        matched_from=name,
        assumed=False,
        held=target == current,
    )


def priority_origin(source: str) -> str:
    """Where a row's priority comes from when not from the postings: 'as healthcare asks' for
    an industry's domain skill, else 'as listed'."""
    if source.startswith("industry:"):
        return f"as {source.split(': ', 1)[1]} asks"
    if (m := re.match(r"(.+?) asks for it \(catalog industry\)", source)) is not None:
        return f"as {m.group(1)} asks"
    return "as listed"


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


def _resolve_overrides(overrides: Mapping[str, int], wants: list[Want]) -> dict[str, int]:
    """Override keys as skill ids: a want's id or name, or a catalog skill's name or alias."""
    resolved: dict[str, int] = {}
    by_name = {(w.name or w.skill.name).lower(): w.skill.id for w in wants}
    ids = {w.skill.id for w in wants} | {s.id for s in load_catalog().skills}
    for key, level in overrides.items():
        if key in ids:
            resolved[key] = level
        elif key.lower() in by_name:
            resolved[by_name[key.lower()]] = level
        elif (found := match_skill(key)) is not None:
            resolved[found.id] = level
    return resolved


def compare_plans(
    profile: Profile, postings: Mapping[str, list[str]] | None = None
) -> tuple[GapReport, GapReport]:
    """Plan A and Plan B on the same budget, for side-by-side display; `postings` maps a
    position (as written in the target) to the texts of its job postings."""
    posts = postings or {}
    return (
        gap_report(profile, profile.plan_a, postings=posts.get(profile.plan_a.position)),
        gap_report(profile, profile.plan_b, postings=posts.get(profile.plan_b.position)),
    )
