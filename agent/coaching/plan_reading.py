"""Plan A and Plan B as people say them inside a message, and the answer words around them.

'Plan B: ML engineer', 'I want to become ...', 'thinking about X, or maybe Y if that doesnt
pan out', 'plan b... hmm maybe health data analyst? same industry', 'yes. and plan b ...'.
Each target's words go to agent.coaching.targets.read_target; this module finds where they
start and end. Split from agent.coaching.parsing; every pattern is bounded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agent.coaching.intents import PLAN_COMMAND, QUESTION_START
from agent.coaching.matching import resolve_role
from agent.coaching.numbers import find_deadline
from agent.coaching.targets import (
    FALLBACK,
    GOAL,
    PLAN_MARK,
    TargetRead,
    as_position,
    looks_like_title,
    names_a_job,
    read_target,
)
from agent.coaching.week_hours import blank

if TYPE_CHECKING:
    from agent.coaching.parsing import Understood

MAX_PLAN_MARKS = 4
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
TARGET_WORDS = re.compile(
    r"\b(?:aim(?:ing)? for|target(?:ing|s)?|goal|lower|raise|reduce|drop|bump|increase|decrease|"
    r"only need|want to reach|get to|set the target)\b",
    re.I,
)
SKIP = re.compile(
    r"^\s*(?:skip|none|no|nope|nothing|n/a|later|that'?s all|done|no others?|nothing else|not really)"
    r"(?:\s{1,3}(?:really|yet|at all|for now|thanks))?\s*[.!]?\s*$",
    re.I,
)
UNSURE = re.compile(r"\b(?:not sure|no idea|don'?t know|dunno|undecided|no clue|haven'?t decided)\b", re.I)
YES = re.compile(
    r"^\s*(?:y|yes|yeah|yep|yup|ya|sure|correct|right|exactly|indeed|ok|okay|of course|yes please|"
    r"that'?s (?:it|right|correct|the one)|that one|bingo|affirmative)\b[\s.!,]*(?:that'?s (?:it|right))?[\s.!]*$",
    re.I,
)
NO = re.compile(r"^\s*(?:n|no|nope|nah|not really|wrong|neither|not that|no,? (?:i meant|not))\b", re.I)


# Cheap substring checks before the patterns that need these words: a long message
# without them costs one scan in C instead of a regex attempt at every position.
_FALLBACK_WORDS = ("if ", "otherwise", "failing", "backup", "fallback", "or else", "second choice")
_GOAL_WORDS = (
    *("move", "moving", "pivot", "switch", "transition", "shift"),
    *("want", "wanna", "like", "love", "hope", "plan", "aim", "goal", "looking", "dream", "target"),
    *("think", "thought", "consider", "leaning", "eyeing", "drawn"),
)


def has_any(low: str, words: tuple[str, ...]) -> bool:
    return any(w in low for w in words)


def phrase_end(work: str, start: int) -> int:
    stops = [len(work), start + 240]
    if m := _SENTENCE_END.search(work, start):
        stops.append(m.start())
    for pattern in (PLAN_MARK, FALLBACK):
        if m := pattern.search(work, start):
            stops.append(m.start())
    if m := find_deadline(work[start : min(stops)]):  # "in e-commerce within a year": a deadline
        stops.append(start + m.start())
    return min(stops)


def _set_target(out: Understood, key: str, read: TargetRead) -> None:
    if read.target:
        setattr(out, key, read.target)
        if read.note and read.note not in out.notes:
            out.notes.append(read.note)
    elif read.confirm:
        out.confirm = {"field": key, "name": read.confirm, "industry": read.industry, "said": read.said}
    elif read.problem:
        out.problems.append(read.problem)


# "thinking about instructional design at an edtech company", "considering data science":
# a goal only when what follows reads as a job ('thinking about the hours' names none);
# 'interested in ML engineer roles' stays chitchat (the corpus says so).
# 'want to move to X', 'hoping to pivot into X': the same, since one may move to a city.
_LEANING = re.compile(
    r"\b(?:(?:thinking|thought)\s{1,3}(?:about|of)|considering|leaning\s{1,3}towards?|eyeing|"
    r"drawn\s{1,3}to|(?:(?:i\s{1,3})?(?:want|wanna|would\s{1,3}like|'?d\s{1,3}like|hope|hoping|plan|planning|looking)"
    r"\s{1,3}to\s{1,3})?(?:move|moving|pivot|pivoting|switch|switching|transition|transitioning|shift|shifting)"
    r"\s{1,3}(?:to|into|towards?))(?:\s{1,3}(?:becoming|being|moving\s{1,3}into|going\s{1,3}into|getting\s{1,3}into|switching\s{1,3}to))?"
    r"(?:\s{1,3}(?:an?|the|some))?\s{1,3}",
    re.I,
)


def _reads_as_job(phrase: str) -> bool:
    head = re.split(r"\s(?:in|at|for)\s|[,;]", phrase)[0].strip(" .!?")
    return looks_like_title(phrase) or resolve_role(head).how != "unknown" or as_position(head) is not None


def _goal(work: str) -> re.Match[str] | None:
    """The first goal phrase; a bare 'want X' ('want ml platform lead in ecommerce') or a
    leaning ('thinking about X') counts only when X reads as a job, so 'want more hours'
    names no target."""
    found = sorted([*GOAL.finditer(work), *_LEANING.finditer(work)], key=lambda m: m.start())
    for m in found[:8]:
        if m.re is GOAL and not m.group("bare"):
            return m
        if _reads_as_job(work[m.end() : phrase_end(work, m.end())]):
            return m
    return None


# "data scientist? in ecommerce", "health data analyst? same industry": a hedged title goes on.
_HEDGED_TITLE = re.compile(r"\?\s{0,3}(?:in|at|for|within|same)\s", re.I)


# "i told you, instructional design at an edtech company": a lead-in is no part of a target.
_LEAD_IN = re.compile(
    r"^\s{0,3}(?:(?:i\s{1,3})?(?:already\s{1,3})?(?:told\s{1,3}you|said\s{1,3}(?:it|that|so))|(?:like|as)\s{1,3}i\s{1,3}"
    r"(?:said|mentioned|told\s{1,3}you)|again)(?:\s{1,3}(?:already|before|earlier|above))?\s{0,3}[,:;.!-]{1,3}\s{0,3}",
    re.I,
)
# The last ", or" of a sentence before a fallback said after its target.
_OR_BEFORE = re.compile(
    r"(?:,\s{0,3}|\s)or\s{1,3}(?:else\s{1,3})?(?!.{0,120}(?:,\s{0,3}|\s)or\s)(?=[^.!?\n]{2,120}$)", re.I
)

# Words that say nothing yet ("plan b... hmm", "yes. and"): no target, no role.
_NOTHING_SAID = re.compile(
    r"^[\W_]*(?:(?:hmm+|um+|uh+|erm|well|so|ok(?:ay)?|oh|and|also|then|yes|yeah|yep|yup|sure|right|"
    r"no|nope|nah|let me think|idk|i guess|i think)\b[\W_]*){0,4}$",
    re.I,
)


def _mark_end(work: str, start: int) -> int:
    """Where the target after 'Plan B' ends: its sentence, or the next one when the mark
    stood alone ('plan b... hmm maybe health data analyst? same industry')."""
    end = phrase_end(work, start)
    for _ in range(3):
        alone = bool(_NOTHING_SAID.match(work[start:end]))
        if end >= len(work) or not (
            alone or (names_a_job(work[start:end]) and _HEDGED_TITLE.match(work, end))
        ):
            break
        end = phrase_end(work, end + 1)
    return end


def _job_phrase_end(work: str) -> int:
    """The end of the answer's first sentence, or of the first one that names a job
    ('not sure.. maybe data scientist? in ecommerce i guess')."""
    end = phrase_end(work, 0)
    for _ in range(4):
        if end >= len(work) or (names_a_job(work[:end]) and not _HEDGED_TITLE.match(work, end)):
            break
        end = phrase_end(work, end + 1)
    return end if names_a_job(work[:end]) else phrase_end(work, 0)


def read_plans(work: str, out: Understood, asking: str | None, default_industry: str | None) -> str:
    spans: list[tuple[str, int, int]] = []
    for m in PLAN_MARK.finditer(work):
        if len(spans) >= MAX_PLAN_MARKS:
            break  # a person names Plan A and Plan B, perhaps once more each
        sentence_start = (
            max(work.rfind(".", 0, m.start()), work.rfind("?", 0, m.start()), work.rfind("\n", 0, m.start()))
            + 1
        )
        end = phrase_end(work, m.end())
        hedged = names_a_job(work[m.end() : end]) and _HEDGED_TITLE.match(work, end)  # "data scientist? in"
        if asks(work[sentence_start : end + 1]) and not hedged:
            continue  # "when would plan B be attainable?" is a question, not a Plan B
        which = "a" if m.group("which").lower() in ("a", "1") else "b"
        spans.append((which, m.start(), _mark_end(work, m.end())))
    low = work.lower()
    if (
        not any(w == "b" for w, _, _ in spans)
        and has_any(low, _FALLBACK_WORDS)
        and (fb := FALLBACK.search(work))
    ):
        end = phrase_end(work, fb.end())
        said_before = _OR_BEFORE.search(work, max(0, fb.start() - 120), fb.start())
        if _NOTHING_SAID.match(work[fb.end() : end]) and said_before:
            # "..., or maybe corporate trainer in healthcare if that doesnt pan out": said before it.
            end = fb.end()
            spans.append(("b", said_before.end(), end))
        else:
            spans.append(("b", fb.start(), end))
    if not any(w == "a" for w, _, _ in spans) and has_any(low, _GOAL_WORDS) and (goal := _goal(work)):
        spans.append(("b" if asking == "plan_b" else "a", goal.start(), phrase_end(work, goal.end())))
    wanted = asking[-1] if asking in ("plan_a", "plan_b") else None
    if wanted and not any(w == wanted for w, _, _ in spans):
        if lead := _LEAD_IN.match(work):  # "i already told you. instructional design at ..."
            work = blank(work, 0, lead.end())
        first = min([s for _, s, _ in spans], default=len(work))
        end = _job_phrase_end(work) if first == len(work) else first
        head = work[:end]
        if head.strip(" .;,") and not (
            re.search(r"\d", head)  # levels or hours: positions have no digits
            or TARGET_WORDS.search(head)
            or QUESTION_START.match(head)
            or PLAN_COMMAND.match(head)
            or (UNSURE.search(head) and not names_a_job(head))  # "not sure.. maybe data scientist?" names one
            or SKIP.match(head)
            or _NOTHING_SAID.match(head)  # "yes. and plan b ...": the answer names no Plan A
            or YES.match(head)
            or NO.match(head)
        ):
            spans.append((wanted, 0, end))
    spans.sort(key=lambda s: s[1])
    # A target ends where the next one starts ("X at an edtech company, or maybe Y if ...").
    spans = [(w, start, min([end] + [s for _, s, _ in spans if s > start])) for w, start, end in spans]
    for which, start, end in spans:
        phrase = PLAN_MARK.sub("", work[start:end], count=1)
        phrase = FALLBACK.sub("", phrase, count=1) if which == "b" else phrase
        phrase = _LEANING.sub("", GOAL.sub("", _LEAD_IN.sub("", phrase, count=1), count=1), count=1)
        industry = (
            default_industry if which == "a" else ((out.plan_a or {}).get("industry") or default_industry)
        )
        _set_target(out, f"plan_{which}", read_target(phrase, industry, which.upper()))
        work = blank(work, start, end)
    return work


def asks(sentence: str) -> bool:
    return bool(QUESTION_START.match(sentence)) or sentence.rstrip().endswith("?")
