"""Progress check-ins: the person's new levels against where the committed plan expected them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from agent.coaching.checkin_reading import says_unchanged, unchanged_names
from agent.coaching.matching import is_catalog_skill, merge_skills, normalize_name, own_skill
from agent.coaching.plan import Plan
from tools.gap import WEEKS_PER_MONTH, gap_report, horizon_weeks, hours_needed, resolve_skills
from tools.learning_time import STEP_HOURS
from tools.models import GapReport, Profile, SkillLine

Status = Literal["ahead", "on track", "slipped", "done", "not reported"]


class ProgressLine(BaseModel):
    """One skill at a check-in."""

    name: str
    skill_id: str = ""
    was: int
    expected: int
    now: int
    target: int
    status: Status
    earlier: bool = False  # the level came from an earlier check-in, not this message
    told: bool = False  # the level was reported in this message


class CheckinReport(BaseModel):
    """What moved, what slipped, and whether the rest still fits."""

    weeks: int
    weeks_left: int = 0
    lines: list[ProgressLine]
    remaining: GapReport
    profile: Profile
    courses: list[str] = []
    outside: dict[str, int] = {}  # reported skills that are not among Plan A's ten
    unmatched: list[str] = []  # 'no progress on X' with X not among Plan A's ten
    elapsed_from: Literal["words", "earlier", "dates"] = "words"

    @property
    def slipped(self) -> list[ProgressLine]:
        """Skills behind the plan."""
        return [line for line in self.lines if line.status == "slipped"]

    @property
    def moved(self) -> list[ProgressLine]:
        """Skills that went up since the plan was saved."""
        return [line for line in self.lines if line.now > line.was]


def expected_level(line: SkillLine, week: int, start_hours: float, hours_per_week: float) -> int:
    """The level the gap engine's schedule reaches by `week`.

    The skill is studied from `start_hours` into the plan (the hours of the skills before
    it) at `hours_per_week`; each level costs its own share of the skill's hours, as the
    engine prices them (early levels are cheaper), so by half the hours of 0 -> 3 a person
    is expected at 2, not 1.
    """
    if line.gap <= 0 or line.hours <= 0:
        return max(line.current, line.target)
    studied = week * hours_per_week - start_hours
    if studied <= 1e-9:
        return line.current
    if studied >= line.hours - 1e-9:
        return line.target
    steps = STEP_HOURS[line.current : line.target]
    total = sum(steps) or 1.0
    level, spent = line.current, 0.0
    for step in steps:
        spent += step
        if line.hours * spent / total > studied + 1e-9:
            break
        level += 1
    return level


def _start_hours(lines: list[SkillLine]) -> list[float]:
    """Hours into the plan at which each skill starts: skills are learned one after another."""
    out, elapsed = [], 0.0
    for line in lines:
        out.append(elapsed)
        elapsed += line.hours
    return out


def _find(name: str, named: list[tuple[str, str]]) -> int | None:
    """Which of the plan's rows (name, skill id) a name refers to: a row of a target's own
    list by its name, a typo or a short name ('epic build'), else a catalog skill by its
    name or alias ('dbt', 'stats'); a name only close to a catalog skill picks nothing."""
    listed = own_skill(name, [n for n, _ in named])
    if listed is not None:
        return next(i for i, (n, _) in enumerate(named) if n == listed)
    if not is_catalog_skill(name):
        return None
    ids = resolve_skills({name: 0}).levels
    return next((i for i, (_, skill_id) in enumerate(named) if skill_id in ids), None)


def _row_of(name: str, rows: list[SkillLine]) -> SkillLine | None:
    """The plan's row a name refers to (see `_find`)."""
    i = _find(name, [(r.name, r.skill_id) for r in rows])
    return None if i is None else rows[i]


def reports_unchanged(text: str, plan: Plan) -> bool:
    """Whether a message says a skill of the plan has not moved ('quick update, havent started
    the epic build stuff yet'): a check-in even without a level or elapsed time in it."""
    rows = plan.a.report.skills
    return says_unchanged(text) and any(_row_of(name, rows) is not None for name in unchanged_names(text))


def _level_before(row: SkillLine, earlier: dict[str, int]) -> int:
    """A row's level before this check-in: the last check-in's, else the plan's."""
    for name, level in earlier.items():
        if _row_of(name, [row]) is not None:
            return level
    return row.current


def _status(reported: bool, now: int, expected: int, target: int) -> Status:
    if now >= target:
        return "done"
    if not reported:
        return "not reported"
    if now > expected:
        return "ahead"
    return "on track" if now == expected else "slipped"


def _left(report: GapReport, weeks_left: int) -> GapReport:
    """The remaining report measured against the weeks really left (the profile holds whole months)."""
    fits = report.total_weeks <= weeks_left
    return report.model_copy(
        update={
            "horizon_weeks": weeks_left,
            "attainable": fits,
            "margin_weeks": weeks_left - report.total_weeks,
            "hours_per_week_needed": None if fits else hours_needed(report.total_hours, max(1, weeks_left)),
            "trim": None if fits else report.trim,
        }
    )


def compare(
    plan: Plan,
    levels: dict[str, int],
    weeks: int,
    hours_per_week: float | None = None,
    earlier: dict[str, int] | None = None,
    still: list[str] | None = None,
) -> CheckinReport:
    """Check the person's reported levels against Plan A's schedule after `weeks`.

    `earlier` holds levels reported since the plan was saved (an earlier check-in):
    this check-in builds on them, and `levels` (this message) wins over them. Skills
    reported neither time keep their level from the plan and are "not reported":
    silence is not a slip. The rest of the plan is recomputed from the new levels over
    the weeks left of the horizon, at `hours_per_week` when the person's hours changed.
    `still` names skills the message says have not moved ('havent touched epic build yet'):
    they are reported at the level they had (the last check-in's, else the plan's), so they
    are judged against where the plan expected them, never skipped as not reported.
    """
    # The full plan, not the best trim it was scheduled by: a re-plan that started from
    # the trim would lower targets nobody asked to lower (and count the trim's hours as left).
    scheduled = plan.a.report
    # A row of a target's own list is named as the list names it ('LMS admin 2' reports
    # 'LMS administration'); the catalog does not know it, so it is matched by name.
    rows = [s.name for s in scheduled.skills]
    levels = {
        name if is_catalog_skill(name) else (own_skill(name, rows) or name): level
        for name, level in levels.items()
    }
    unmatched: list[str] = []
    for name in still or []:
        row = _row_of(name, scheduled.skills)
        if row is None:
            unmatched.append(name)
        elif row.name not in levels:
            # The intake reading of 'havent touched dbt' (dbt 0) is no level at a check-in.
            for said_as in [k for k, v in levels.items() if v == 0 and _row_of(k, [row]) is not None]:
                del levels[said_as]
            levels[row.name] = _level_before(row, earlier or {})
    now_levels = merge_skills(earlier or {}, levels)
    said = resolve_skills(levels).levels | {normalize_name(n): v for n, v in levels.items()}
    reported = resolve_skills(now_levels).levels | {normalize_name(n): v for n, v in now_levels.items()}
    lines = []
    for s, start in zip(scheduled.skills, _start_hours(scheduled.skills), strict=True):
        key = s.skill_id if s.skill_id in reported else normalize_name(s.name)
        now = reported.get(key, s.current)
        expected = expected_level(s, weeks, start, scheduled.hours_per_week)
        lines.append(
            ProgressLine(
                name=s.name,
                skill_id=s.skill_id,
                was=s.current,
                expected=expected,
                now=now,
                target=s.target,
                status=_status(key in reported, now, expected, s.target),
                earlier=key in reported and key not in said,
                told=key in said,
            )
        )
    weeks_left = max(0, horizon_weeks(plan.profile.horizon_months) - weeks)
    months_left = max(1, round(weeks_left / WEEKS_PER_MONTH))
    skills = merge_skills(plan.profile.skills, now_levels)
    hours = hours_per_week or plan.profile.hours_per_week  # the hours the person has now, if they said
    profile = plan.profile.model_copy(
        update={"skills": skills, "horizon_months": months_left, "hours_per_week": hours}
    )
    remaining = gap_report(profile, profile.plan_a, {s.skill_id: s.target for s in scheduled.skills})
    planned = {s.skill_id for s in scheduled.skills}
    held = resolve_skills(levels)
    ids = {name: skill_id for skill_id, name in held.said_as.items()}
    outside = {
        name: level
        for name, level in levels.items()
        if (name in held.unknown and name not in rows) or (name in ids and ids[name] not in planned)
    }
    return CheckinReport(
        unmatched=unmatched,
        outside=outside,
        weeks=weeks,
        weeks_left=weeks_left,
        lines=lines,
        remaining=_left(remaining, weeks_left),
        profile=profile,
    )


def updated_reports(plan: Plan, report: CheckinReport) -> tuple[GapReport, GapReport]:
    """Plan A and Plan B from the check-in's levels over the weeks left: what questions
    after a check-in ("how long is left?", "am I on track?") are answered from."""
    profile = report.profile
    b = gap_report(profile, profile.plan_b, {s.skill_id: s.target for s in plan.b.report.skills})
    return report.remaining, _left(b, report.weeks_left)


def reported_levels(report: CheckinReport) -> str:
    """The levels this check-in reported, by the plan's names ('Agentic workflows
    (LangGraph) 0, Evaluation-driven development 1'), then any outside Plan A."""
    said = [f"{x.name} {x.now}" for x in report.lines if x.told]
    return ", ".join(said + [f"{name} {level}" for name, level in report.outside.items()])


def _finished(report: CheckinReport) -> str:
    """Courses finished: one whose skill got a level in the same message is counted with
    it ('finished a stats course so stats 2'), as is a course named after no skill beside the
    message's only level ('did the fast.ai course so deep learning 2'); only for the others
    is the level asked."""
    told = [x for x in report.lines if x.told]
    rows = [(x.name, x.skill_id) for x in report.lines]
    counted, asked = [], []
    for course in report.courses:
        i = _find(course, [(x.name, x.skill_id) for x in told])
        if i is None and len(told) == 1 and _find(course, rows) is None:
            # 'did the fast.ai course so deep learning 2': a course named after no skill of
            # the plan, beside the one level the message gave, is what brought that level.
            i = 0
        if i is None:
            asked.append(course)
        else:
            counted.append(f"{course} ({told[i].name} now {told[i].now}, counted above)")
    text = "**Finished:** " + ", ".join(counted + asked) + ". Well done"
    if not asked:
        return text + "."
    which = "it brought you to" if len(asked) == 1 else "each brought you to"
    return (
        text + f": tell me the level {which}{' for ' + ', '.join(asked) if counted else ''} "
        "(for example 'statistics is now 3') and I will count it."
    )


def checkin_markdown(report: CheckinReport) -> str:
    """The check-in as a table and a verdict."""
    rows = ["| Skill | At plan | Expected now | Now | Target | Status |", "|---|:-:|:-:|:-:|:-:|---|"]
    rows += [
        f"| {x.name} | {x.was} | {x.expected} | {x.now} | {x.target} | "
        f"{x.status}{' (from your last check-in)' if x.earlier else ''} |"
        for x in report.lines
    ]
    r = report.remaining
    since = {
        "words": "",
        "earlier": " (the time you gave at your last check-in, plus since then)",
        "dates": " (from the date the plan was saved)",
    }[report.elapsed_from]
    parts = [f"## Check-in after {report.weeks} weeks{since}", "\n".join(rows)]
    moved = ", ".join(f"{x.name} {x.was}->{x.now}" for x in report.moved) or "nothing yet"
    slipped = ", ".join(x.name for x in report.slipped) or "nothing"
    parts.append(f"**Moved:** {moved}. **Slipped:** {slipped}.")
    if report.outside:
        noted = ", ".join(f"{name} {level}" for name, level in report.outside.items())
        parts.append(
            f"**Also noted:** {noted} (not among Plan A's skills, so it does not change the schedule)."
        )
    if report.courses:
        parts.append(_finished(report))
    if report.unmatched:
        parts.append(
            f"**Not among Plan A's skills:** {', '.join(report.unmatched)} (you said it has not moved; "
            "it changes nothing in the schedule)."
        )
    fits = "still fits" if r.attainable else "no longer fits"
    parts.append(
        f"**The rest of Plan A {fits}:** {r.total_hours:g} h left, {r.total_weeks} weeks at "
        f"{r.hours_per_week:g} h/week against the {r.horizon_weeks} weeks left."
    )
    return "\n\n".join(parts)


def behind_trim(plan: Plan, report: CheckinReport) -> float:
    """Hours of the rest of Plan A beyond what the weeks left hold, after the best trim's
    savings: above 0 the person is behind even on the trim they approved.

    A plan approved as its best trim did not fit whole then either, so a rest that does not
    fit is no slip in itself; but the trim saved only so many hours (44.6 h, about 4 weeks):
    a 15-week overrun is behind. One level step of slack: levels are whole, so a person on
    schedule mid-step shows that step's hours as still to do.
    """
    r = report.remaining
    if r.attainable:
        return 0.0
    saved = plan.a.report.total_hours - plan.a.scheduled.total_hours if plan.a.trimmed else 0.0
    slack = max((s.hours / s.gap for s in r.skills if s.gap > 0), default=0.0) if plan.a.trimmed else 0.0
    over = r.total_hours - report.weeks_left * r.hours_per_week - saved
    return round(over - slack, 1) if plan.a.trimmed else round(over, 1)


def behind_line(plan: Plan, report: CheckinReport) -> str:
    """Why a check-in on a trimmed plan is behind, in the figures printed above it; '' when
    it is not behind, or the plan was no trim (the slipped rows say it then)."""
    if not plan.a.trimmed or behind_trim(plan, report) <= 0:
        return ""
    r = report.remaining
    saved = plan.a.report.total_hours - plan.a.scheduled.total_hours
    return (
        f"You are behind: the rest needs {r.total_weeks - report.weeks_left} weeks more than the "
        f"{report.weeks_left} left, and the best trim you approved saved only {saved:.1f} h "
        f"(about {saved / r.hours_per_week:.1f} weeks at {r.hours_per_week:g} h/week)."
    )
