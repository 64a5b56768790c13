"""Retrieved roadmap passages as typed records, grouped by what they were retrieved for.

State keeps them as plain JSON (checkpoints stay readable by any replay tool), so the
records are TypedDicts: typed for mypy and for LangGraph Server's schema, JSON on disk.
TypedDicts come from `typing_extensions`: on Python 3.11 pydantic refuses `typing.TypedDict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from typing_extensions import TypedDict

from knowledge.index import Hit
from knowledge.sentences import Quote

Purpose = Literal["question", "plan_a", "plan_b"]

# Checkpoints written before passages were grouped kept one list with a "for" key;
# a review resumed from one of them redrafts from these passages.
_LEGACY_PURPOSE: dict[str, Purpose] = {"q": "question", "a": "plan_a", "b": "plan_b"}


class Passage(TypedDict):
    """One retrieved roadmap passage, cited by source, section and lines."""

    id: str
    text: str
    source: str
    section: str
    lines: list[int]
    score: float


class Retrieved(TypedDict, total=False):
    """This turn's passages: for the person's question, or for each plan's target."""

    question: list[Passage]
    plan_a: list[Passage]
    plan_b: list[Passage]


def passage_of(hit: Hit) -> Passage:
    """A hit's citable record."""
    c = hit.chunk
    # A numpy float is not msgpack-serialisable in a checkpoint.
    return Passage(
        id=c.id,
        text=c.text,
        source=c.source,
        section=c.section,
        lines=[c.line_start, c.line_end],
        score=round(float(hit.score), 6),
    )


def passages_of(hits: Iterable[Hit]) -> list[Passage]:
    """The records of several hits, in order."""
    return [passage_of(h) for h in hits]


def _record(raw: dict[str, Any]) -> Passage:
    return Passage(
        id=str(raw["id"]),
        text=str(raw["text"]),
        source=str(raw["source"]),
        section=str(raw["section"]),
        lines=[int(n) for n in raw["lines"]],
        score=float(raw.get("score") or 0.0),
    )


def retrieved_of(value: Any) -> Retrieved:
    """The state's passages as records, whichever form the checkpoint holds them in."""
    if isinstance(value, list):
        grouped: dict[str, list[dict[str, Any]]] = {}
        for raw in value:
            purpose = _LEGACY_PURPOSE.get(str(raw.get("for")))
            if purpose is not None:
                grouped.setdefault(purpose, []).append(raw)
        value = grouped
    if not isinstance(value, dict):
        return Retrieved()
    return Retrieved(
        question=[_record(p) for p in value.get("question") or []],
        plan_a=[_record(p) for p in value.get("plan_a") or []],
        plan_b=[_record(p) for p in value.get("plan_b") or []],
    )


class Quoted(TypedDict):
    """A sentence or list item quoted from a passage for an extractive answer."""

    text: str
    source: str
    section: str
    lines: list[int]
    score: float
    chunk_id: str


def quoted_of(quote: Quote) -> Quoted:
    """A quote's record."""
    return Quoted(
        text=quote.text,
        source=quote.source,
        section=quote.section,
        lines=list(quote.lines),
        score=round(float(quote.score), 6),
        chunk_id=quote.chunk_id,
    )
