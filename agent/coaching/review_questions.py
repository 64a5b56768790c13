"""The coach's own questions at review, and the short answers people give to them.

When bare levels are given at review ("communication 5, system design 1"), the coach asks
whether they are the person's levels now or the targets; the question names the levels,
so the next answer ("where i am now", "current", "targets") can be applied: between two
answers the review keeps only the question it asked. Patterns are bounded (the answer is
cut at 200 characters, no nested quantifiers), so they run in linear time.
"""

from __future__ import annotations

import re

from tools.models import Trim


def ask_levels_or_targets(levels: dict[str, int]) -> str:
    """The ask-back for bare levels at review; it names them, so a later 'now' or 'targets'
    can be applied (the review keeps only this question between answers)."""
    shown = ", ".join(f"{name} {level}" for name, level in levels.items())
    return (
        f"Are those ({shown}) your levels now, or the levels you want to reach? Say 'now' for where you "
        "are, or 'targets' for where you want to get (one at a time: 'my rag is 1', 'aim for rag 3')."
    )


_ASKED_LEVELS = re.compile(r"^Are those \((?P<levels>[^()]{1,1200})\) your levels now")
_CURRENT_WORDS = re.compile(
    r"\b(?:now|current|currently|where i am|where i'?m at|at the moment|right now|today|already|"
    r"present|as of now|what i have|levels i have|my levels|i'?m at|i am at)\b"
)
_TARGET_WORDS = re.compile(
    r"\b(?:targets?|goals?|aims?|want|wanted|reach|get to|to be|should be|future|aiming|aspire|where i want)\b"
)
_NOT_TARGETS = re.compile(r"\bnot (?:the |my )?(?:targets?|goals?)\b")
_NOT_CURRENT = re.compile(r"\bnot (?:my )?(?:current(?: levels?)?|now|where i am)\b")


def levels_or_targets(answer: str, notice: str) -> tuple[str, dict[str, int]] | None:
    """The answer to the ask-back 'are those your levels now or targets?': ('levels' or
    'targets', the levels asked about), or None when the answer is not that ('where i am
    now', 'current', 'those are my levels now' -> levels; 'targets', 'what I want' -> targets)."""
    asked = _ASKED_LEVELS.match(notice or "")
    low = " ".join(answer.strip()[:200].lower().replace("\u2019", "'").split())
    if asked is None or not low or len(low.split()) > 12 or re.search(r"\d", low):
        return None
    levels: dict[str, int] = {}
    for part in asked.group("levels").split(", "):
        name, _, level = part.rpartition(" ")
        if name and level.isdigit():
            levels[name] = int(level)
    current = bool(_CURRENT_WORDS.search(low)) or bool(_NOT_TARGETS.search(low))
    target = bool(_TARGET_WORDS.search(low)) or bool(_NOT_CURRENT.search(low))
    if _NOT_TARGETS.search(low) and not _NOT_CURRENT.search(low):
        target = bool(_TARGET_WORDS.search(_NOT_TARGETS.sub(" ", low)))
    if _NOT_CURRENT.search(low) and not _NOT_TARGETS.search(low):
        current = bool(_CURRENT_WORDS.search(_NOT_CURRENT.sub(" ", low)))
    if not levels or current == target:
        return None
    return ("levels" if current else "targets"), levels


# "ok go with the trimmed version then", "take the trim", "use the best trim for plan b".
_TAKE_TRIM = re.compile(
    r"\b(?:go(?:ing)? with|take|use|pick|choose|accept|apply|want|prefer|do|keep)\s(?:the\s|that\s|your\s)?"
    r"(?:plan [ab](?:'s)?\s)?(?:best\s|suggested\s|proposed\s)?(?:trim(?:med)?|reduced)\b"
    r"|^(?:ok(?:ay)?\s|yes\s|fine\s)?(?:the\s)?(?:plan [ab](?:'s)?\s)?(?:best\s)?trim(?:med)?"
    r"(?:\s(?:version|plan|one))?(?:\s(?:then|please))?[\s.!]*$"
)


def trim_targets(answer: str, trims: dict[str, Trim | None]) -> tuple[str, dict[str, int]] | str | None:
    """'go with the trimmed version': the targets of the best trim the draft offers, as
    (which plan, {skill: target}) for an edit (Plan A's when both have one and neither is
    named); the line to say back when there is none; None when the answer asks no trim."""
    low = " ".join(answer.strip()[:200].lower().replace("\u2019", "'").split())
    if not _TAKE_TRIM.search(low):
        return None
    cuts = {
        key: {c.name: c.target for c in trim.choices if c.target < c.full_target}
        for key, trim in trims.items()
        if trim is not None
    }
    cuts = {key: cut for key, cut in cuts.items() if cut}
    named = [key for key in ("a", "b") if re.search(rf"\bplan {key}\b", low)]
    if named:
        cuts = {key: cut for key, cut in cuts.items() if key in named}
    if not cuts:
        which = f"Plan {named[0].upper()}" if named else "the plan"
        return f"There is no trim to take: {which} fits as drafted (a trim is offered only when a plan does not fit)."
    # Both trimmed and neither named: Plan A's, the one the plan's milestones follow
    # (the reply says how to take Plan B's instead).
    return ("a", cuts["a"]) if "a" in cuts else next(iter(cuts.items()))
