"""The coach's own questions at review, and the short answers people give to them.

When bare levels are given at review ("communication 5, system design 1"), the coach asks
whether they are the person's levels now or the targets; the question names the levels,
so the next answer ("where i am now", "current", "targets") can be applied: between two
answers the review keeps only the question it asked. Patterns are bounded (the answer is
cut at 200 characters, no nested quantifiers), so they run in linear time.
"""

from __future__ import annotations

import re


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
