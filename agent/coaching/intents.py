"""The intent of a message: a command, a check-in, a question, profile facts or chitchat.

Split from agent.coaching.parsing (which reads the facts); every pattern is bounded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from agent.coaching.targets import PLAN_MARK

if TYPE_CHECKING:
    from agent.coaching.parsing import Understood

Intent = Literal["profile", "question", "plan", "review", "checkin", "chitchat"]

QUESTION_START = re.compile(
    r"^\s*(?:(?:hmm+|um+|uh+|so|ok(?:ay)?|well|and|but|also|btw|wait|oh|hey)[,.!]{0,3}\s{1,3})?(?:what|how|why|which|when|where|who|should|can|could|do|does|is|are|will|would|tell me|explain)\b",
    re.I,
)
PLAN_COMMAND = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|now|alright|fine|then|just|yeah|cool)[,! ]{1,3}){0,2}(?:please\s{1,3}|pls\s{1,3}|can you\s{1,3}|could you\s{1,3})?"
    r"(?:(?:draft|make|build|create|write|generate|show|give me|redo|re-?draft|start|do|compute|get)\b[^.?!]{0,40}"
    r"\b(?:plan|gaps?|matrix|roadmap)\b|(?:plan|go|let'?s go|go ahead|ready|i'?m ready|draft(?: it)?|"
    r"let'?s (?:do|start|plan)(?: it| this)?)\s{0,3}[.!]*\s*$|(?:what are|what'?s|show me) my (?:skill )?gaps?\b)",
    re.I,
)
# "can you just use the same list as plan A?": asked while Plan B's skills are proposed.
SAME_LIST = re.compile(
    r"\b(?:same|identical)\s{1,3}(?:list|skills|ten|10(?:\s{1,3}skills)?)\s{1,3}(?:as|like)\s{1,3}"
    r"(?:for\s{1,3}|in\s{1,3})?plan\s{0,2}a\b|\bplan\s{0,2}a'?s\s{1,3}(?:list|skills)\b",
    re.I,
)
# Laughter and hedges are never part of a name: "(im a nurse lol)" is a Nurse.
LAUGHTER = re.compile(r"\b(?:lol+|lmf?ao|rofl|(?:ha){2,}h?|(?:he){2,}|tbh|xd)\b", re.I)
# "could i finish early if i did 6 hrs a week?": a what-if asks; its figures change nothing.
WHAT_IF = re.compile(
    r"\b(?:could i|would i|should i|what if|would it|what about if|if i (?:did|do|had|put|went|studied|spent)|"
    r"how (?:many|much)\b[^?.!\n]{0,60}?\b(?:do|would|will|should) i (?:actually |really |still )?need|"
    # "is 6 hours a week realistic?": a figure asked about, not said (no 'is'/'and' before
    # the figure's words, so 'sql is 3 and is that enough?' keeps sql 3).
    r"(?:is|are|would|will)\s{1,3}(?:only\s{1,3}|just\s{1,3})?(?:\d|an?\s|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|twelve|fifteen|twenty)(?:(?!\b(?:is|are|and)\b)[^?.!\n,;]){0,60}?"
    r"\b(?:realistic|enough|doable|feasible|sufficient|achievable|reasonable|too\s{1,3}(?:much|little|few|ambitious)))\b"
    r"[^?.!\n]{0,160}\?",
    re.I,
)
CHECKIN = re.compile(r"^\s*/?(?:check[- ]?in|progress(?: update)?|update)\b[:,]?\s*", re.I)
PROGRESS = re.compile(
    r"\b(?:is now|are now|now (?:a|at|an)?\s{0,2}\d|up to|went up|improved|moved up|got better|progress|"
    r"since (?:last time|we (?:last )?(?:spoke|talked))|so far)\b",
    re.I,
)
_CLAUSE_END = re.compile(
    r"(?:[.!;\n]|,|\b(?:and|then|so|now))\s{0,3}(?:then\s{1,3})?(?=[^.!;\n,]{1,60}$)", re.I
)


_CLAUSE = re.compile(r"[.?!;]\s|\s[-–]\s|:\s")


def _asks_inside(text: str) -> bool:
    """'before that - do AI PMs actually need to code? what does the roadmap say': a
    question after a lead-in (a '?' ends a clause that asks)."""
    if "?" not in text[:400]:
        return False
    return any(QUESTION_START.match(part) for part in _CLAUSE.split(text[:400]))


def _ends_with_plan(text: str) -> bool:
    """Whether the message's last clause asks to draft ('..., then draft my plan', '. plan')."""
    tail = text[-200:]
    cut = [m.end() for m in _CLAUSE_END.finditer(tail)]
    return bool(cut) and bool(PLAN_COMMAND.match(tail[cut[0] :])) and not PLAN_MARK.match(tail[cut[0] :])


def classify(text: str, parsed: Understood, reviewing: bool = False, *, has_plan: bool = False) -> Intent:
    """The intent of a message, from its words and what it carried."""
    if CHECKIN.match(text):
        return "checkin"
    if reviewing and re.match(r"^\s*(approve|ok|yes|looks good|lgtm|edit|change|reject|no)\b", text, re.I):
        return "review"
    progress = parsed.elapsed_weeks is not None or parsed.courses or PROGRESS.search(text)
    if has_plan and progress and (parsed.skills or parsed.courses or parsed.elapsed_weeks is not None):
        return "checkin"
    if PLAN_COMMAND.match(text) and not (parsed.plan_a or parsed.plan_b or parsed.skills):
        return "plan"
    if parsed.found_anything() and _ends_with_plan(text):
        return "plan"  # "no, statistics is 3. plan": the facts are applied, then the draft
    if parsed.found_anything() or parsed.problems:
        return "profile"
    if QUESTION_START.match(text) or text.rstrip().endswith("?") or _asks_inside(text):
        return "question"
    return "chitchat"


_WH_CONTRACTED = re.compile(r"^\s*(?:so\s{1,3})?(?:whats|hows|wheres|whos|whys)\b", re.I)


def asked_too(text: str, *, whole: bool = False) -> str | None:
    """The question a message of profile facts also asks ('... data analyst in healthcare.
    whats the difference between a data analyst and analytics engineer anyway'), or None:
    noted facts must not swallow it silently. A hedge ('maybe data scientist?') asks nothing.
    Cut to 120 characters to quote it, unless `whole` (to answer it)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text[:1000]):
        said = sentence.strip()
        if (QUESTION_START.match(said) or _WH_CONTRACTED.match(said)) and not PLAN_COMMAND.match(said):
            return said if whole or len(said) <= 120 else said[:117] + "..."
    return None
