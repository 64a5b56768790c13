"""Progress check-ins: the person's new levels against where the committed plan expected them."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel

from agent.coaching.plan import Plan
from tools.gap import WEEKS_PER_MONTH, gap_report, resolve_skills
from tools.models import GapReport, Profile, SkillLine

Status = Literal["ahead", "on track", "slipped", "done", "not reported"]


class ProgressLine(BaseModel):
    """One skill at a check-in."""

    name: str
    was: int
    expected: int
    now: int
    target: int
    status: Status


class CheckinReport(BaseModel):
    """What moved, what slipped, and whether the rest still fits."""

    weeks: int
    lines: list[ProgressLine]
    remaining: GapReport
    profile: Profile
    courses: list[str] = []
    elapsed_from: Literal["words", "dates"] = "words"

    @property
    def slipped(self) -> list[ProgressLine]:
        """Skills behind the plan."""
        return [line for line in self.lines if line.status == "slipped"]

    @property
    def moved(self) -> list[ProgressLine]:
        """Skills that went up since the plan was saved."""
        return [line for line in self.lines if line.now > line.was]


def expected_level(line: SkillLine, week: int) -> int:
    """The level the schedule expected by `week`: linear within the skill's weeks."""
    if week >= line.finish_week or line.gap == 0:
        return line.target
    if week <= line.start_week:
        return line.current
    share = (week - line.start_week) / max(1, line.finish_week - line.start_week)
    return line.current + math.floor(line.gap * share + 1e-9)


def compare(
    plan: Plan, levels: dict[str, int], weeks: int, hours_per_week: float | None = None
) -> CheckinReport:
    """Check the person's reported levels against Plan A's schedule after `weeks`.

    Skills not mentioned keep their level from the plan and are marked "not
    reported": silence is not a slip. The rest of the plan is recomputed from the new
    levels over what is left of the horizon, at `hours_per_week` when the person's
    hours changed since the plan was saved.
    """
    scheduled = plan.a.scheduled
    reported = resolve_skills(levels).levels
    lines = []
    for s in scheduled.skills:
        now = reported.get(s.skill_id, s.current)
        expected = expected_level(s, weeks)
        if s.skill_id not in reported:
            status: Status = "done" if now >= s.target else "not reported"
        elif now >= s.target:
            status = "done"
        elif now > expected:
            status = "ahead"
        elif now == expected:
            status = "on track"
        else:
            status = "slipped"
        lines.append(
            ProgressLine(
                name=s.name, was=s.current, expected=expected, now=now, target=s.target, status=status
            )
        )
    months_left = max(1, plan.profile.horizon_months - round(weeks / WEEKS_PER_MONTH))
    skills = {**plan.profile.skills, **levels}
    hours = hours_per_week or plan.profile.hours_per_week  # the hours the person has now, if they said
    profile = plan.profile.model_copy(
        update={"skills": skills, "horizon_months": months_left, "hours_per_week": hours}
    )
    remaining = gap_report(profile, profile.plan_a, {s.skill_id: s.target for s in scheduled.skills})
    return CheckinReport(weeks=weeks, lines=lines, remaining=remaining, profile=profile)


def checkin_markdown(report: CheckinReport) -> str:
    """The check-in as a table and a verdict."""
    rows = ["| Skill | At plan | Expected now | Now | Target | Status |", "|---|:-:|:-:|:-:|:-:|---|"]
    rows += [
        f"| {x.name} | {x.was} | {x.expected} | {x.now} | {x.target} | {x.status} |" for x in report.lines
    ]
    r = report.remaining
    since = "" if report.elapsed_from == "words" else " (from the date the plan was saved)"
    parts = [f"## Check-in after {report.weeks} weeks{since}", "\n".join(rows)]
    moved = ", ".join(f"{x.name} {x.was}->{x.now}" for x in report.moved) or "nothing yet"
    slipped = ", ".join(x.name for x in report.slipped) or "nothing"
    parts.append(f"**Moved:** {moved}. **Slipped:** {slipped}.")
    if report.courses:
        parts.append(
            "**Finished:** " + ", ".join(report.courses) + ". Well done: tell me the level it brought you to "
            "(for example 'statistics is now 3') and I will count it."
        )
    fits = "still fits" if r.attainable else "no longer fits"
    parts.append(
        f"**The rest of Plan A {fits}:** {r.total_hours:g} h left, {r.total_weeks} weeks at "
        f"{r.hours_per_week:g} h/week against the {r.horizon_weeks} weeks left."
    )
    return "\n\n".join(parts)
