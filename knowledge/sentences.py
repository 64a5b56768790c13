"""The second stage: the sentences within the top passages that answer a question.

A passage is cut into units a person could quote (units.py: whole sentences, list
items, table rows, each with its source lines for the citation). Units are ranked by a fusion of embedding
similarity and BM25 over the units themselves, plus a little of their passage's rank.
A nested item is scored with its parent items and a table row with its header, the
way the passage index scores chunks with their heading path, but quoted as written.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.expansion import expand
from knowledge.index import Hit
from knowledge.sparse import query_weights
from knowledge.terms import terms
from knowledge.units import embedded_texts, split_units

# Weights of the fused score: cosine (about 0.1-0.8), BM25 scaled to the best unit (0-1),
# and the passage's retrieval rank (1 for the first passage, 1/2, 1/3 ...).
W_DENSE, W_SPARSE, W_PASSAGE = 1.0, 0.35, 0.1


@dataclass
class Quote:
    """A sentence or list item of a source, with its citation and score."""

    text: str
    source: str
    section: str
    lines: tuple[int, int]
    score: float
    chunk_id: str

    def citation(self) -> str:
        """'genai_engineer.md > Phase 2, lines 14-14'."""
        return f"{self.source} > {self.section}, lines {self.lines[0]}-{self.lines[1]}"


@dataclass
class _Unit:
    text: str  # as quoted
    context: str  # scored with it, not quoted
    first: int
    last: int
    hit_rank: int
    hit: Hit


def units(hit: Hit, rank: int = 0) -> list[_Unit]:
    """The quotable units of one retrieved passage, in order."""
    return [_Unit(u.text, u.context, u.first, u.last, rank, hit) for u in split_units(hit.chunk)]


# The index's unit vectors of a passage (units.py: one per unit, in order, each embedded
# with its heading), or None when it has none to give.
StoredVectors = Callable[[Hit], "np.ndarray | None"]


def _bm25(
    query_terms: dict[str, float], docs: list[list[str]], k1: float = 1.2, b: float = 0.75
) -> np.ndarray:
    n = len(docs)
    avg = sum(len(d) for d in docs) / n if n else 0.0
    df = Counter(t for d in docs for t in set(d))
    out = np.zeros(n, dtype=np.float32)
    for i, d in enumerate(docs):
        tf = Counter(d)
        for t, w in query_terms.items():
            if t in tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                out[i] += w * idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / (avg or 1)))
    return out


def best_sentences(
    query: str,
    hits: Sequence[Hit],
    embed_query: Callable[[str], np.ndarray] | None,
    embed_docs: Callable[[list[str]], np.ndarray] | None,
    k: int = 3,
    stored: StoredVectors | None = None,
) -> list[Quote]:
    """The k sentences or list items of `hits` that best answer `query`, best first.

    Each unit is scored as the index embeds it (its heading, parent items or table
    header, then its text), so a "Projects" item meets a question about projects. With
    `stored`, a passage's units take their vectors from the index instead of being
    embedded again; units without one are embedded with `embed_docs`. Without embedding
    functions, BM25 and passage rank alone rank them."""
    seen: set[tuple[str, int, int, str]] = set()
    pool: list[_Unit] = []
    scored_texts: list[str] = []
    vectors: list[np.ndarray | None] = []
    for rank, hit in enumerate(hits):
        found = units(hit, rank)
        given = stored(hit) if stored is not None else None
        if given is not None and len(given) != len(found):
            given = None  # not this chunk's units (an index of another cut): embed them
        for i, (u, text) in enumerate(zip(found, embedded_texts(hit.chunk), strict=True)):
            key = (hit.chunk.source, u.first, u.last, u.text)
            if key not in seen:
                seen.add(key)
                pool.append(u)
                scored_texts.append(text)
                vectors.append(given[i] if given is not None else None)
    if not pool or k <= 0:
        return []
    sparse = _bm25(query_weights(query, expand(query)), [terms(t) for t in scored_texts])
    score = W_SPARSE * (sparse / sparse.max() if sparse.max() > 0 else sparse)
    score += W_PASSAGE * np.array([1.0 / (1 + u.hit_rank) for u in pool], dtype=np.float32)
    if embed_query is not None and embed_docs is not None:
        q = np.asarray(embed_query(query), dtype=np.float32).reshape(-1)
        missing = [i for i, v in enumerate(vectors) if v is None]
        if missing:
            for i, v in zip(missing, embed_docs([scored_texts[i] for i in missing]), strict=True):
                vectors[i] = v
        score += W_DENSE * (np.stack([np.asarray(v, dtype=np.float32) for v in vectors]) @ q)
    best = np.argsort(-score, kind="stable")[:k]
    return [
        Quote(
            text=pool[i].text,
            source=pool[i].hit.chunk.source,
            section=pool[i].hit.chunk.section,
            lines=(pool[i].first, pool[i].last),
            score=float(score[i]),
            chunk_id=pool[i].hit.chunk.id,
        )
        for i in best
    ]
