"""Why each figure of a gap report is what it is, in sentences a person can check."""

from __future__ import annotations

from tools.catalog import load_catalog
from tools.gap import WEEKS_PER_MONTH
from tools.learning_time import EASE_FACTOR, PREREQS_HELD_FACTOR, PREREQS_MISSING_FACTOR, STEP_HOURS
from tools.models import GapReport
from tools.optimize import PRIORITY_WEIGHT


def explain_model() -> list[str]:
    """The learning-time model's constants and where they come from."""
    steps = ", ".join(f"{i}->{i + 1}: {h:g} h" for i, h in enumerate(STEP_HOURS))
    ease = ", ".join(f"ease {k}: x{v:g}" for k, v in EASE_FACTOR.items())
    return [
        f"Hours per level step at moderate ease: {steps}.",
        f"Ease of learning scales them: {ease} (1 hard, 3 easy).",
        f"Prerequisites held: x{PREREQS_HELD_FACTOR:g}; prerequisites missing: x{PREREQS_MISSING_FACTOR:g}.",
        "Calibrated on the durations real roadmaps state: 6-9 months of algorithm practice at 5-7 h/week, "
        "phases of 2-4 months at 10-20 h/week (see tools/learning_time.py).",
    ]


def explain_report(report: GapReport, skill: str | None = None) -> list[str]:
    """Every figure of the report, or of one skill when `skill` names it."""
    lines: list[str] = []
    catalog = load_catalog()
    wanted = skill.lower() if skill else None
    in_plan = {s.skill_id: s.name for s in report.skills}
    for s in report.skills + report.extras:
        if wanted and wanted not in (s.name.lower(), s.skill_id, (s.matched_from or "").lower()):
            continue
        lines.append(f"{s.name} ({s.kind}, priority {s.priority}, ease {s.ease}): {s.notes}.")
        if s.assumed and s.current > 0:
            lines.append(f"  Current level {s.current}: {s.prior}.")
        if s.evidence is not None:
            lines.append(f"  Asked for in {s.evidence.text()}.")
        if s.gap and not s.skill_id.startswith(("unknown:", "custom:")):
            pre = [in_plan[p] for p in catalog.skill(s.skill_id).prereqs if p in in_plan]
            after = f" after {', '.join(pre)}, which it builds on," if pre else ""
            lines.append(
                f"  Scheduled{after} in weeks {s.weeks()} (counted from 1) at "
                f"{report.hours_per_week:g} h/week; quadrant '{s.quadrant}' (priority {s.priority}, ease {s.ease})."
            )
    if wanted:
        return lines or [f"No skill called '{skill}' in the plan for {report.target.label()}."]
    if report.custom and report.nearest_roles:
        near = ", ".join(f"{n.title} ({n.similarity:.2f})" for n in report.nearest_roles)
        lines.append(f"Skills proposed for a position the catalog lacks, from the nearest roles: {near}.")
    for swap in report.industry_swaps:
        lines.append(f"{swap.industry}: {swap.skill_in} swapped in for {swap.skill_out}.")
    if report.assumed_weeks is not None:
        lines.append(
            f"With every assumed level at 0 instead, the plan takes {report.assumed_weeks} weeks "
            f"({'fits' if report.assumed_weeks <= report.horizon_weeks else 'does not fit'})."
        )
    lines += [
        f"Total: {report.total_hours:g} h, the sum of the ten skills' hours.",
        f"Weeks: ceil({report.total_hours:g} h / {report.hours_per_week:g} h/week) = {report.total_weeks}, "
        "skills learned one after another.",
        f"Horizon: the months x {WEEKS_PER_MONTH:.2f} weeks a month, rounded = {report.horizon_weeks} weeks.",
        f"Verdict: {report.verdict()}",
    ]
    if report.hours_per_week_needed is not None:
        lines.append(
            f"Hours a week to fit: {report.total_hours:g} h / {report.horizon_weeks} weeks, rounded up to the "
            f"half hour = {report.hours_per_week_needed:g}."
        )
    if report.trim is not None:
        weights = ", ".join(f"priority {k}: {v}" for k, v in PRIORITY_WEIGHT.items())
        lines.append(
            f"Best trim: the budget is {report.hours_per_week:g} h/week x {report.horizon_weeks} weeks = "
            f"{report.trim.budget_hours:g} h; each level gained is worth {weights}; an exact optimiser picks "
            f"the targets worth the most ({report.trim.value:g} of {report.trim.full_value:g}) within it, "
            f"using {report.trim.hours:g} h."
        )
    return lines
