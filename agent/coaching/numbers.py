"""Numbers as people write them: levels, weekly hours, horizons and elapsed time.

Every pattern here runs in linear time. Each one starts at the beginning of a number
(a look-behind refuses the middle of a digit run) and uses only bounded quantifiers,
so a failed attempt costs a constant amount of work per position: a 4,000-character
message of digits is scanned once, never backtracked over (see design.md pitfalls).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty")
_WORD_NUM = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")[- ](?P<unit>one|two|three|four|five|six|seven|eight|nine)"
    r"|(?P<word>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")|(?P<dozen>a dozen)"
    r"|(?P<couple>a couple(?: of)?)|(?P<an>an?)(?=\s{1,3}(?:hour|hr)s?\b))\b",
    re.I,
)
# "one" is a number only where a number is expected: "no one", "one of them" stay words.
_ONE_AS_WORD = re.compile(r"(?:\bno|\bthe|\bthis|\bthat|\bany|\bevery)\s$", re.I)
_ONE_FOLLOWERS = re.compile(r"\s(?:of|day|thing|more|another)\b", re.I)

NUM = r"(?<![\w.])\d{1,3}(?:\.\d{1,2})?(?![\d])"
_PER_WEEK = r"(?:week|wk|w|weekly|wknd|weekend)"
_PER_DAY = r"(?:day|daily|night|evening|weekday)"
HOURS = re.compile(
    rf"(?:between\s{{1,3}})?(?P<neg>(?<![\w.])-\s{{0,1}})?(?P<lo>{NUM})(?:\s{{0,2}}(?:-|–|~|to|or|and)\s{{0,2}}(?P<hi>{NUM}))?"
    rf"(?:ish|\+)?\s{{0,2}}(?:h|hrs?|hours?)\b\.?"
    rf"(?:\s{{0,3}}(?:a|an|per|/|each|every|on|at|the|a\s{{1,3}}good|in\s{{1,3}}a)?\s{{0,3}}"
    rf"(?:(?P<week>{_PER_WEEK}s?)|(?P<day>{_PER_DAY}s?))\b(?:\s{{1,3}}on\s{{1,3}}weekdays\b)?)?",
    re.I,
)
_PER_DAY_SAID = re.compile(
    r"\b(?:a|an|per|each|every)\s{1,3}(?:day|night|evening|weekday)|/\s{0,3}day|\bdaily\b", re.I
)
_STUDY = re.compile(
    r"\b(?:study|learn|learning|spare|free|dedicate|put in|give it|invest|train|practice)\b", re.I
)
_JOB = re.compile(r"\b(?:work|job|shift|commute|office)\w{0,3}\s{1,3}(?:\w+\s{1,3}){0,2}$", re.I)
BARE = re.compile(rf"(?P<lo>{NUM})(?:\s{{0,2}}(?:-|–|~|to|or|,)\s{{0,2}}(?P<hi>{NUM}))?", re.I)
_NOT_HOURS_AFTER = re.compile(r"\s{0,3}(?:years?|yrs?|months?|weeks?|days?|%|people|k\b)", re.I)
HORIZON = re.compile(
    rf"(?<!been )(?<!for )\b(?:within|in|over|inside|by|horizon(?:\s{{1,3}}(?:of|is))?:?|timeline(?:\s{{1,3}}of)?)"
    rf"\s{{1,3}}(?:the\s{{1,3}})?(?:next\s{{1,3}})?(?:about\s{{1,3}})?"
    rf"(?P<n>{NUM}|an?)\s{{0,2}}-?\s{{0,2}}(?P<unit>months?|mos?|years?|yrs?)\b"
    rf"|(?P<n2>{NUM})[\s-]{{0,2}}(?P<unit2>months?|years?)[\s-]{{1,2}}(?:horizon|timeline|timeframe|plan)\b",
    re.I,
)
ELAPSED = re.compile(
    r"\b(?:it'?s been|it has been|its been|been|after|over the (?:last|past)|in the (?:last|past)|for)\s{1,3}"
    r"(?:about\s{1,3}|almost\s{1,3}|around\s{1,3}|roughly\s{1,3}|nearly\s{1,3}|over\s{1,3}|like\s{1,3})?"
    rf"(?P<n>{NUM}|an?)\s{{0,2}}(?P<unit>weeks?|wks?|months?|days?)\b"
    rf"|(?P<n2>{NUM}|an?)\s{{0,2}}(?P<unit2>weeks?|months?)\s{{1,3}}(?:in|later|since|on)\b",
    re.I,
)
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class Amount:
    """A number a person gave, with a note when it was a range or a guess we narrowed."""

    value: float
    raw: str
    note: str = ""


def words_to_digits(text: str) -> str:
    """'twelve hours a week' -> '12 hours a week'; 'a four' -> 'a 4'. Lengths change."""

    def repl(m: re.Match[str]) -> str:
        if m.group("tens"):
            return str(_UNITS[m.group("tens").lower()] + _UNITS[m.group("unit").lower()])
        if m.group("dozen"):
            return "12"
        if m.group("couple"):
            return "2"
        if m.group("an"):
            return "1"
        word = m.group("word").lower()
        if word == "one":
            before = text[max(0, m.start() - 8) : m.start()]
            after = text[m.end() : m.end() + 9]
            if _ONE_AS_WORD.search(before) or _ONE_FOLLOWERS.match(after):
                return m.group(0)
        return str(_UNITS[word])

    return _WORD_NUM.sub(repl, text)


def _number(raw: str) -> float:
    return 1.0 if raw.lower() in ("a", "an") else float(raw)


def find_hours(
    text: str, *, answering: bool = False, names_before: Callable[[str], bool] | None = None
) -> tuple[Amount | None, re.Match[str] | None]:
    """Weekly study hours in a text ('5h/wk', '10-12 hours a week', '1 hour a day').

    When the coach just asked for hours, a bare number ('6, 8 on a good week') is
    taken too, unless `names_before` says the words before it name a skill
    ('statistics is 3' is a level, whatever was asked). A range gives its lower end,
    with a note saying so.
    """
    found: list[tuple[re.Match[str], bool]] = []
    for m in HOURS.finditer(text):
        # "2 hours a day" is per day; "4 hrs on weekdays" names when, not how often.
        per_day = bool(m.group("day")) and bool(_PER_DAY_SAID.search(m.group(0)))
        if answering or m.group("week") or per_day:
            found.append((m, per_day))
            if len(found) == 3:
                break
    if found:
        # "I work 40 hours a week and can study 6 hours a week": the study hours, not the job's.
        study = [f for f in found if _STUDY.search(text[max(0, f[0].start() - 40) : f[0].start()])]
        job = [f for f in found if _JOB.search(text[max(0, f[0].start() - 30) : f[0].start()])]
        m, per_day = (study or [f for f in found if f not in job] or found)[0]
        return _hours_amount(m, per_day=per_day), m
    if answering:
        for m in BARE.finditer(text):
            if _NOT_HOURS_AFTER.match(text, m.end()):
                continue
            clause = re.split(r"[,;.!?\n]", text[max(0, m.start() - 40) : m.start()])[-1]
            if names_before is not None and names_before(clause):
                continue
            return _hours_amount(m, per_day=False), m
    return None, None


def _hours_amount(m: re.Match[str], per_day: bool) -> Amount:
    lo, hi = float(m.group("lo")), m.group("hi")
    if m.groupdict().get("neg"):
        lo = -lo
    note = ""
    if hi is not None and float(hi) != lo:
        note = f"took the lower of {m.group('lo')} and {hi}"
        lo = min(lo, float(hi))
    if per_day:
        days = 5 if re.search(r"weekday", m.group(0), re.I) else 7
        note = (note + "; " if note else "") + f"{lo:g} a day is {lo * days:g} a week"
        lo *= days
    return Amount(lo, m.group(0).strip(), note)


def find_horizon(text: str) -> tuple[Amount | None, re.Match[str] | None]:
    """'in 9 months', 'within 2 years', 'an 18-month horizon' -> months."""
    low = text.lower()
    m = HORIZON.search(text) if ("month" in low or "year" in low or "yr" in low or " mo" in low) else None
    if m is None:
        return None, None
    raw = m.group("n") or m.group("n2")
    unit = (m.group("unit") or m.group("unit2")).lower()
    months = _number(raw) * (12 if unit.startswith(("y", "yr")) else 1)
    return Amount(months, m.group(0).strip()), m


# "by next summer", "before the end of the year": a deadline without a figure.
_DATED_DEADLINE = re.compile(
    r"\b(?:by|before|until)\s{1,3}(?:the\s{1,3})?(?:end\s{1,3}of\s{1,3}(?:the\s{1,3})?)?(?:next|this)?\s{0,3}"
    r"(?:summer|spring|fall|autumn|winter|year|jan(?:uary)?|feb(?:ruary)?|march|april|june|july|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.I,
)


def find_dated_deadline(text: str) -> re.Match[str] | None:
    """A deadline without a number of months ('by next summer'), or None."""
    return _DATED_DEADLINE.search(text)


def find_deadline(text: str) -> re.Match[str] | None:
    """The first deadline in the text ('within a year', 'in 6 months', 'by next summer'), or None:
    a deadline ends a target's name, so it never becomes part of an industry."""
    found = [m for m in (find_horizon(text)[1], _DATED_DEADLINE.search(text)) if m is not None]
    return min(found, key=lambda m: m.start()) if found else None


def find_elapsed_weeks(text: str) -> tuple[int | None, re.Match[str] | None]:
    """'it's been two months' -> 9 weeks; 'after 8 weeks' -> 8; '3 weeks in' -> 3."""
    low = text.lower()
    m = ELAPSED.search(text) if ("week" in low or "wk" in low or "month" in low or "day" in low) else None
    if m is None:
        return None, None
    n = _number(m.group("n") or m.group("n2"))
    unit = (m.group("unit") or m.group("unit2")).lower()
    if unit.startswith("month"):
        return round(n * WEEKS_PER_MONTH), m
    if unit.startswith("day"):
        return int(n // 7), m
    return int(n), m


# "100 hrs a week haha no, 8", "python 7 lol jk 3": a figure taken back at once.
CORRECTION = re.compile(
    r"[^\d\n]{0,24}?\b(?:no|nah|jk|just kidding|kidding|i mean|i meant|actually|sorry|wait|make (?:that|it)|"
    r"rather|realistically|really)\b[\s,.:;!-]{0,4}(?:more like\s{1,3}|like\s{1,3}|maybe\s{1,3}|about\s{1,3})?"
    rf"(?P<n>{NUM})(?!\s{{0,2}}(?:years?|yrs?|months?|weeks?|days?|%))",
    re.I,
)


def taken_back(text: str, end: int) -> re.Match[str] | None:
    """The figure that corrects the one ending at `end`, said right after it, or None."""
    return CORRECTION.match(text, end)
