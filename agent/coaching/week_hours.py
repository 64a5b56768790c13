"""Weekly study hours as people say them, with the figures around them.

'6, maybe 8 on a good week', 'an hour a day on weekdays, plus maybe 3 on sundays',
'100 hrs a week haha no, 8', '6 hrs a week, 8 if kids are asleep': one figure to plan
with, and a note for every other figure read beside it. Split from agent.coaching.parsing;
every pattern is bounded (see numbers.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.coaching.numbers import Amount, find_hours, taken_back

_SOMETIMES_MORE = re.compile(
    r"(?:(?:maybe|perhaps|up to|or|sometimes)\s{1,3})?(?P<n>\d{1,3}(?:\.\d)?)\s{0,3}(?:h|hrs?|hours?)?\s{0,3}"
    r"(?:on|in|during)\s{1,3}(?:a\s{1,3})?(?:good|busy|quiet|light|slow|free|some)\s{1,3}weeks?",
    re.I,
)
_DAYS = r"(?:weekends?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)"
# "an hour a day on weekdays, plus maybe 3 on sundays": hours on other days add to the week.
_PLUS_DAYS = re.compile(
    r"\s{0,3}[,;]?\s{0,3}(?:plus|and|\+|with)\s{1,3}(?:maybe\s{1,3}|another\s{1,3}|an? extra\s{1,3}|extra\s{1,3})?"
    r"(?P<n>\d{1,2}(?:\.\d)?)\s{0,2}(?:more\s{1,3})?(?:h|hrs?|hours?)?\s{0,3}(?:more\s{1,3})?"
    rf"(?:on|at|over|during)\s{{1,3}}(?:the\s{{1,3}})?(?P<days>{_DAYS})\b",
    re.I,
)
# "6 hrs a week, 8 if kids are asleep", "5, or 7 when work is quiet": a second figure
# that holds only on a condition is a maybe, never a skill's level.
_IF_FIGURE = re.compile(
    r"\s{0,3}[,;(-]?\s{0,3}(?:(?:or|maybe|perhaps|possibly|up\s{1,3}to|sometimes|but)\s{1,3}){0,2}"
    r"(?P<n>\d{1,2}(?:\.\d)?)\s{0,2}(?:h|hrs?|hours?)?\s{0,3}(?:more\s{1,3})?"
    r"(?P<cond>(?:if|when|whenever|once|on\s{1,3}(?:good|quiet|slow|free)\s{1,3}(?:days|nights|weeks))\b"
    r"[^,.;!?()\n]{0,60})",
    re.I,
)


@dataclass
class HoursRead:
    """The hours a week a text gives, its notes and problems, and the text with them blanked."""

    text: str
    value: float | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def blank(work: str, start: int, end: int) -> str:
    """Consume a span: later parsers must not read it again (a separator keeps words apart)."""
    return work[:start] + ";" + " " * max(0, end - start - 1) + work[end:]


def read_hours(text: str, *, answering: bool, names_before: Callable[[str], bool]) -> HoursRead:
    """The weekly study hours in a text, with every other figure said beside them read
    as what it is: a correction, hours on other days, or a maybe."""
    out = HoursRead(text)
    amount, m = find_hours(text, answering=answering, names_before=names_before)
    if not (amount and m):
        return out
    work = text
    if fix := taken_back(work, m.end()):  # "100 hrs a week haha no, 8"
        amount = Amount(float(fix.group("n")), f"{m.group(0).strip()} ... {fix.group('n')}", "")
        out.notes.append(f"hours: {fix.group('n')}, as you corrected {m.group(0).strip()}")
        work = blank(work, m.end(), fix.end())
    if not 0 < amount.value <= 80:
        out.problems.append(
            f"hours a week: {amount.raw} is out of range; use a number above 0 and at most 80"
        )
    else:
        out.value = amount.value
        if amount.note:
            out.notes.append(f"hours: {amount.note}")
    work = blank(work, m.start(), m.end())
    if out.value is not None and (more := _PLUS_DAYS.match(work, m.end())):
        total = out.value + float(more.group("n"))
        if total <= 80:
            out.notes.append(f"hours: {out.value:g} + {more.group('n')} on {more.group('days')}")
            out.value = total
        work = blank(work, more.start(), more.end())
    elif out.value is not None and (maybe := _IF_FIGURE.match(work, m.end())):
        other, cond = float(maybe.group("n")), " ".join(maybe.group("cond").split())
        if 0 < other <= 80:
            # Plan with the figure that holds every week (the lower), and say what the other was.
            if other > out.value:
                out.notes.append(f"hours: planning with {out.value:g}; the {other:g} {cond} taken as a maybe")
            else:
                out.notes.append(
                    f"hours: planning with {other:g}, the figure {cond} ({out.value:g} otherwise)"
                )
            counted = min(out.value, other)
            out.value = counted
            work = blank(work, maybe.start(), maybe.end())
    if extra := _SOMETIMES_MORE.search(work):
        # "6, maybe 8 on a good week": plan with the figure they can count on, and say so.
        out.notes.append(f"hours: planning with {amount.value:g}, not the {extra.group('n')} of a good week")
        work = blank(work, extra.start(), extra.end())
    out.text = work
    return out
