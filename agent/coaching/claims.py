"""The claim check: a model's answer keeps only sentences whose figures it was given.

A capable model may phrase an answer freely, but a number it states must appear in the
passages it was shown or in the person's plan. Sentences that state any other number are
dropped, and the answer says so; the embedded default never reaches this, since its
answers are quoted sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tools.models import GapReport

# A number as people write them: 12, 12.5, 1,200, 3-4 (two numbers), 20%. Bounded digit runs
# keep the pattern linear on long inputs.
_NUMBER = re.compile(r"(?<![\w.])\d{1,9}(?:[.,]\d{1,9})?(?![\w])")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(\"'])")
# Citation markers [1] and list numbering "1." are references, not claims.
_CITATION = re.compile(r"\[\d{1,3}\]")
_ENUMERATION = re.compile(r"^\s*\d{1,3}[.)]\s")


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, normalised ("1,200" and "1200" are one number)."""
    text = _ENUMERATION.sub("", _CITATION.sub("", text))
    found: set[str] = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw.replace(",", ".")
        try:
            number = float(value)
        except ValueError:  # pragma: no cover - the pattern only matches digits
            continue
        found.add(f"{number:g}")
    return found


@dataclass(frozen=True)
class Checked:
    """An answer after the check: what is kept, and the sentences dropped for their figures."""

    text: str
    dropped: list[str]


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items) of a text, in order."""
    parts: list[str] = []
    for line in text.splitlines():
        if line.strip():
            parts += [s for s in _SENTENCE.split(line) if s.strip()]
    return parts


def check_numbers(answer: str, sources: Iterable[str]) -> Checked:
    """Keep the sentences whose every number appears in `sources`; drop the others."""
    allowed: set[str] = set()
    for source in sources:
        allowed |= numbers_in(source)
    kept: list[str] = []
    dropped: list[str] = []
    for sentence in split_sentences(answer):
        (kept if numbers_in(sentence) <= allowed else dropped).append(sentence)
    return Checked(" ".join(kept).strip(), dropped)


def unsupported_numbers(answer: str, sources: Iterable[str]) -> set[str]:
    """The numbers an answer states that no source gives (for the conversation eval)."""
    allowed: set[str] = set()
    for source in sources:
        allowed |= numbers_in(source)
    return numbers_in(answer) - allowed


def report_sources(*reports: GapReport) -> list[str]:
    """What an answer about a plan is checked against: each report's own figures and the
    weeks its tables show (counted from 1, as `SkillLine.weeks()` prints them), so an
    answer may name the weeks the person sees in the table."""
    sources: list[str] = []
    for report in reports:
        sources.append(report.model_dump_json())
        sources.append(" ".join(line.weeks().replace("-", " ") for line in report.skills))
    return sources
