"""What-if questions about a person's plan, worked out by the gap engine at the figures asked.

"Could I finish early if I did 8 hrs a week?", "what if I only had 4 hours a week?", "what
if I had 18 months?": the plan's own 10 skills and targets, rescheduled at the hours or
horizon the question names, with the total time and whether it fits. Nothing is changed:
the answer says it is a what-if and how to make it real. Pure functions; the graph passes
the profile and reports it already has.
"""

from __future__ import annotations

import re
from typing import Literal

from agent.coaching.intents import WHAT_IF
from agent.coaching.parsing import parse_message
from agent.coaching.plan import report_target
from agent.coaching.plan_answers import PlanAnswer
from tools.gap import gap_report
from tools.models import GapReport, Profile

_MONTHS = re.compile(r"\b(?P<n>\d{1,2}) ?-?months?\b", re.I)
_YEARS = re.compile(r"\b(?P<n>[1-3](?:\.5)?|a|one|two|three) ?-?years?\b", re.I)
_YEAR_WORDS = {"a": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}
_WHICH_PLAN = re.compile(r"\bplan\s+(a|b)\b", re.I)
# 'and what if i had 18 months instead': a what-if typed without its question mark.
_BARE_WHAT_IF = re.compile(r"\bwhat (?:about )?if\b[^?.!\n]{0,160}", re.I)


def _an(n: int) -> str:
    """The article before a spoken number: 'an 18-month', 'an 8-month', 'a 12-month'."""
    return "an" if str(n).startswith("8") or n in (11, 18) else "a"


def asked_figures(question: str) -> tuple[float | None, int | None, str]:
    """The hours a week and the horizon (months) a what-if question asks about, and the
    what-if as written ('' when the question is no what-if)."""
    found = WHAT_IF.search(question[:2000]) or _BARE_WHAT_IF.search(question[:2000])
    if found is None:
        return None, None, ""
    said = found.group(0)
    hours = parse_message(
        said, "hours_per_week" if re.search(r"\bh(?:ou)?rs?\b", said, re.I) else None, what_if=True
    )
    months: int | None = None
    if m := _MONTHS.search(said):
        months = int(m.group("n"))
    elif y := _YEARS.search(said):
        raw = y.group("n").lower()
        months = round((_YEAR_WORDS.get(raw) or float(raw)) * 12)
    if months is not None and not 1 <= months <= 36:
        months = None
    per_week = hours.hours_per_week if hours.hours_per_week and 0 < hours.hours_per_week <= 80 else None
    return per_week, months, said


def _line(label: str, now: GapReport, then: GapReport) -> str:
    """One plan's what-if: its total, its weeks beside today's, and whether it fits."""
    weeks = f"{then.total_hours:g} h take {then.total_weeks} weeks at {then.hours_per_week:g} h/week"
    if then.total_weeks != now.total_weeks:
        sooner = now.total_weeks - then.total_weeks
        moved = f"{abs(sooner)} weeks {'sooner' if sooner > 0 else 'later'}"
        weeks += f" ({now.total_weeks} at {now.hours_per_week:g} h/week, {moved})"
    if then.attainable:
        fits = f"it fits the {then.horizon_weeks}-week horizon with {then.margin_weeks} weeks to spare"
    else:
        fits = (
            f"it does not fit the {then.horizon_weeks}-week horizon: {-then.margin_weeks} weeks over; "
            f"it would need {then.hours_per_week_needed:g} h/week"
        )
    return f"- Plan {label}, {then.target.label()}: {weeks}; {fits}."


def what_if_answer(question: str, profile: Profile, a: GapReport, b: GapReport) -> PlanAnswer | None:
    """The what-if worked out at the hours or horizon asked, or None when the question asks
    no what-if with a figure that differs from the profile's (it is then answered as any
    other question). The profile is not changed."""
    hours, months, said = asked_figures(question)
    which = _WHICH_PLAN.search(said) or _WHICH_PLAN.search(question[:2000])
    plans: list[tuple[Literal["A", "B"], GapReport]] = [("A", a), ("B", b)]
    if which:
        plans = [p for p in plans if p[0] == which.group(1).upper()]
    if months == profile.horizon_months:
        months = None
    if hours == profile.hours_per_week and months is None:
        # "could I finish early if I did 8 hrs a week?" at 8 h/week: the plan as it is, said so.
        lines = [f"{hours:g} h/week is what you study now, so your plan as it stands:"]
        lines += [_line(label, now, now) for label, now in plans]
        return PlanAnswer("attainable", "\n".join(lines), [str(now.total_weeks) for _, now in plans])
    if hours == profile.hours_per_week:
        hours = None
    if hours is None and months is None:
        return None
    changed = profile.model_copy(
        update={
            "hours_per_week": hours or profile.hours_per_week,
            "horizon_months": months or profile.horizon_months,
        }
    )
    asked, real = [], []
    if hours is not None:
        asked.append(f"{hours:g} h/week instead of your {profile.hours_per_week:g}")
        real.append(f"'make it {hours:g} hours a week'")
    if months is not None:
        # The profile's horizon is what is left of it (9 months, 3 months into a 12-month
        # plan): the what-if's months count from now too, and it says so.
        asked.append(
            f"{_an(months)} {months}-month horizon from now instead of the {profile.horizon_months} "
            f"month{'s' if profile.horizon_months != 1 else ''} left"
        )
        real.append(f"'make it {_an(months)} {months}-month horizon'")
    lines = [
        f"What if: {' and '.join(asked)}, worked out by the gap engine on your plan's skills and targets:"
    ]
    figures: list[str] = []
    for label, now in plans:
        then = gap_report(changed, report_target(now))
        lines.append(_line(label, now, then))
        figures += [f"{then.total_hours:g}", str(then.total_weeks), str(then.horizon_weeks)]
    lines.append(
        f"\nThis is a what-if: your profile and plan are unchanged. To make it real, say {' and '.join(real)},"
        " then 'plan' for a new draft."
    )
    return PlanAnswer("attainable", "\n".join(lines), figures)
