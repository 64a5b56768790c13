"""Deterministic understanding of what a person types: profile facts and intents.

The embedded model cannot do reliable structured output, so every fact the coach
needs has a parser (numbers.py, levels.py, targets.py); a capable model only adds
to it. A message is read once per turn into an `Understood` record that travels in
the graph state. Parsers never raise on odd text: they return what they found, a
note for anything they narrowed, and a one-line problem for anything they refused.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from agent.coaching.intents import CHECKIN, LAUGHTER, PLAN_COMMAND, QUESTION_START, WHAT_IF, Intent, classify
from agent.coaching.levels import FORGET, MAX_CANDIDATES, parse_skills, skill_name
from agent.coaching.numbers import find_dated_deadline, find_elapsed_weeks, find_horizon, words_to_digits
from agent.coaching.plan_reading import NO as NO
from agent.coaching.plan_reading import SKIP, TARGET_WORDS, UNSURE, has_any, read_plans
from agent.coaching.plan_reading import YES as YES
from agent.coaching.targets import MAX_ROLE, ROLE_STOP, find_industry, find_role
from agent.coaching.week_hours import blank, read_hours

ProfileField = Literal[
    "current_role", "skills", "hours_per_week", "plan_a", "plan_b", "role_skills", "industry", "proposal"
]

MAX_CHARS = 4000
_COURSE = re.compile(
    r"\b(?:finished|completed|done with|passed|took|did|wrapped up|got through|went through)\s{1,3}(?:(?:an|a|the|my|that)\s{1,3})?"
    r"(?P<what>[A-Za-z][\w+#/.-]{0,25}(?:\s{1,3}[A-Za-z][\w+#/.-]{0,25}){0,3}?)\s{1,3}"
    r"(?:course|class|module|book|bootcamp|certificate|certification|specialization|tutorial|mooc|program)\b",
    re.I,
)


class Understood(BaseModel):
    """What one message said: profile facts, target changes, check-in facts and intent.

    JSON-able so it travels in the graph state (`understood`) and into recordings.
    """

    current_role: str | None = None
    industry: str | None = None
    hours_per_week: float | None = None
    horizon_months: int | None = None
    plan_a: dict[str, str] | None = None
    plan_b: dict[str, str] | None = None
    skills: dict[str, int] = Field(default_factory=dict)  # current levels
    targets: dict[str, int] = Field(default_factory=dict)  # "aim for statistics 2", "lower rag to 1"
    confirm: dict[str, str] | None = None  # {"field": "plan_a", "name": "ML engineer", "industry", "said"}
    elapsed_weeks: int | None = None
    courses: list[str] = Field(default_factory=list)
    skipped: bool = False
    unsure: bool = False
    notes: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    unused: list[str] = Field(default_factory=list)
    unrated: list[str] = Field(default_factory=list)  # skills named without a level
    forget: list[str] = Field(default_factory=list)  # "drop sundays from my skills"
    never: list[str] = Field(default_factory=list)  # "never touched articulate storyline": 0 if listed
    intent: Intent = "chitchat"
    by: Literal["parser", "model"] = "parser"

    def found_anything(self) -> bool:
        """True when the message carried at least one profile fact (or a skip)."""
        return bool(
            self.current_role
            or self.industry
            or self.hours_per_week is not None
            or self.horizon_months is not None
            or self.plan_a
            or self.plan_b
            or self.skills
            or self.targets
            or self.skipped
            or self.confirm
            or self.forget
            or self.never
        )


# Cheap substring checks before the patterns that need these words: a long message
# without them costs one scan in C instead of a regex attempt at every position.
_UNSURE_WORDS = ("sure", "idea", "know", "dunno", "undecided", "clue", "decided")
_COURSE_WORDS = tuple(
    "course class module book bootcamp certif special tutorial mooc program".split()  # noqa: SIM905
)


_blank = blank
# "i was charge nurse": a past role (find_role's intro starts at the "i").
_PAST_ROLE = re.compile(r"i\s{1,3}was\s", re.I)
# Only a greeting before 'I was a marketing manager': the message opens with the role.
_OPENS = re.compile(r"[\W_]{0,6}(?:(?:hi|hey|hello|yo|ok|so|well|um|hmm)\b[\W_]{0,6}){0,3}", re.I)


def parse_message(
    text: str,
    asking: ProfileField | None = None,
    default_industry: str | None = None,
    *,
    what_if: bool = False,
) -> Understood:
    """All facts in one message. `asking` is the question the coach last asked; `what_if`
    reads the figures of a what-if question too (at review, 'what if I did 14 hours?' re-drafts)."""
    out = Understood()
    work = LAUGHTER.sub(lambda m: " " * len(m.group(0)), words_to_digits(text[:MAX_CHARS]))
    if asking in ("skills", "role_skills") and SKIP.match(work):
        out.skipped = True
        return out
    if "?" in work and not what_if:
        for asked in WHAT_IF.finditer(work):
            work = _blank(work, asked.start(), asked.end() - 1)  # the '?' stays: the sentence still asks
    low = work.lower()
    out.unsure = has_any(low, _UNSURE_WORDS) and bool(UNSURE.search(work))
    work = read_plans(work, out, asking, default_industry)
    amount, m = find_horizon(work)
    if amount and m:
        if amount.value != int(amount.value) or not 1 <= amount.value <= 36:
            out.problems.append(f"horizon: {amount.raw} is out of range; use 1-36 months")
        else:
            out.horizon_months = int(amount.value)
        work = _blank(work, m.start(), m.end())
    if (
        (out.plan_a or out.plan_b or out.confirm)
        and out.horizon_months is None
        and (m := find_dated_deadline(work))
    ):
        # "ML engineer by next summer": the deadline is no part of the target, and no figure.
        out.problems.append(
            f"horizon: '{m.group(0).strip()}' gives no number of months; say it as 'within 9 months' "
            "(the horizon is unchanged)"
        )
        work = _blank(work, m.start(), m.end())
    weeks, m = find_elapsed_weeks(work)
    if m:
        out.elapsed_weeks = weeks
        work = _blank(work, m.start(), m.end())
    hours = read_hours(work, answering=asking == "hours_per_week", names_before=lambda t: bool(skill_name(t)))
    work = hours.text
    out.hours_per_week = hours.value
    out.notes += hours.notes
    out.problems += hours.problems
    for m in _COURSE.finditer(work) if has_any(low, _COURSE_WORDS) else ():
        out.courses.append(m.group("what").strip())
        work = _blank(work, m.start(), m.end())
    role, span = find_role(work, answering=asking == "current_role", opening=asking in (None, "current_role"))
    if role and span and _PAST_ROLE.match(work, span[0]):
        # "leadership 3 - i was charge nurse", "back when I was a teacher": a past role is
        # no current one; a role said beside it is, and only an opening 'I was X' stays one.
        rest = _blank(work, *span)
        other, other_span = find_role(rest, answering=False, opening=asking is None)
        if other and other_span:
            role, span, work = other, other_span, rest
        elif not _OPENS.fullmatch(work[: span[0]]) or asking not in (None, "current_role"):
            role, span, work = None, None, rest
    if role and span:
        out.current_role = role
        work = _blank(work, *span)
    elif asking == "current_role":
        work = _whole_answer_as_role(work, out)
    industry, m = find_industry(work)
    if industry and m:
        out.industry = industry
        if industry.lower() not in m.group(0).lower():  # "at a bank": say it was read as fintech
            out.notes.append(f"{m.group('ind').strip(' .,;:!')}: read as the catalog's {industry}")
        work = _blank(work, m.start(), m.end())
    for m in FORGET.finditer(work) if "from" in low or "off" in low or "out" in low else ():
        out.forget.append(m.group("name").strip())
        work = _blank(work, m.start(), m.end())
    loose = asking in ("skills", "role_skills")
    budget = MAX_CANDIDATES
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", work):
        if budget <= 0:
            break
        if QUESTION_START.match(sentence) and not TARGET_WORDS.search(sentence):
            continue  # "why is evaluation priority 1?" asks; it rates nothing
        # A rating that merely ends in a hedging "?" ("rag, built a demo once, so 1?") still rates.
        read = parse_skills(sentence, loose=loose, budget=budget)
        budget -= read.spent
        into = out.targets if TARGET_WORDS.search(sentence) else out.skills
        into.update(read.levels)
        out.notes += read.notes
        out.problems += read.problems
        out.unused += read.unused
        out.never += read.never
        out.unrated += [n for n in read.unrated if n not in out.skills and n not in out.targets]
    return out


def _whole_answer_as_role(work: str, out: Understood) -> str:
    """The answer to 'What is your current role?' is the role, if it reads like one:
    its first clause ('nurse, 8 years' -> Nurse; 'Data scientist at a startup' -> Data scientist)."""
    first = re.split(r"[,;(]|\.(?=\s|$)|\s-\s", work.strip(), maxsplit=1)[0]
    candidate = ROLE_STOP.sub("", " " + first)[1:].strip(" .!")
    if (
        not candidate
        or QUESTION_START.match(candidate)
        or PLAN_COMMAND.match(candidate)
        or re.search(r"\d(?!\d?(?:st|nd|rd|th)\b)", candidate)  # "7th grade science teacher" is one
        or SKIP.match(candidate)  # "skip" answers nothing; it is no role
    ):
        return work
    if len(candidate) > MAX_ROLE:
        out.problems.append(
            f"current role is too long ({len(candidate)} characters); keep it under {MAX_ROLE}"
        )
        return ""
    if len(candidate.split()) <= 6 and not YES.match(candidate) and not NO.match(candidate):
        out.current_role = candidate[:1].upper() + candidate[1:]
        start = work.find(first)
        return _blank(work, 0, start + len(candidate)) if start >= 0 else work
    return work


def understand(
    text: str,
    asking: ProfileField | None = None,
    default_industry: str | None = None,
    *,
    has_plan: bool = False,
) -> Understood:
    """Parse a message and decide its intent: the one reading a turn works from."""
    # "/checkin assessment design 4": the command word is no part of a skill's name.
    parsed = parse_message(CHECKIN.sub("", text, count=1), asking, default_industry)
    parsed.intent = classify(text, parsed, has_plan=has_plan)
    return parsed


def parse_checkin(text: str) -> tuple[dict[str, int], int | None, list[str]]:
    """'check in after 8 weeks: python 4, rag 2' -> ({'python': 4, 'rag': 2}, 8, problems)."""
    parsed = parse_message(CHECKIN.sub("", text, count=1), "skills")
    return parsed.skills, parsed.elapsed_weeks, parsed.problems
