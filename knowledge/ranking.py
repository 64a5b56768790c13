"""Fusing the dense and BM25 rankings, and putting a person's own document first.

The candidates of both sides are pooled and each is scored on three signals: its
chunk's cosine, the cosine of its best unit (units.py) and its BM25 score, each scaled
0-1 over the pool, then weighted. Score fusion beat reciprocal rank fusion (k = 60,
which ignores how far ahead the leader is) on the eval: hybrid hit@5 0.748 vs 0.722
before units were added. `rrf` stays for comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

RRF_K = 60  # the constant from Cormack et al.'s reciprocal rank fusion paper
# Two passages whose vectors are at least this close say the same thing: a person's
# restatement of a bundled roadmap, in other words (same facts, other wording)
# scores 0.75-0.95 with MiniLM; different topics of one roadmap rarely pass 0.7.
SAME_THING = 0.75
BUNDLED_PREFIX = "bundled/"


# Weights of the fused score, tuned on one half of the eval (the other half held out):
# the chunk's cosine, its best unit's cosine (a sentence, list item or table row, with
# its heading), and BM25. The unit term carries most: a question is usually about one
# item of a passage, and a whole chunk's vector averages that item away.
W_CHUNK, W_UNIT, W_BM25 = 0.5, 1.5, 0.5


def _minmax(x: np.ndarray) -> np.ndarray:
    span = float(x.max() - x.min()) if len(x) else 0.0
    return (x - x.min()) / span if span > 0 else np.ones_like(x)


def fuse(
    cosine: np.ndarray,
    unit_cosine: np.ndarray,
    bm25: np.ndarray | None,
    weights: tuple[float, float, float] = (W_CHUNK, W_UNIT, W_BM25),
) -> np.ndarray:
    """Fused scores (0-1) of a candidate pool: each cosine scaled 0-1 over the pool, BM25
    by its best, weighted. A chunk without unit vectors (NaN) counts its own cosine;
    without BM25 (dense mode, or no term matched) the two cosines alone rank."""
    w_chunk, w_unit, w_bm25 = weights
    cosine = np.asarray(cosine, dtype=np.float64)
    unit = np.where(np.isnan(unit_cosine), cosine, unit_cosine).astype(np.float64)
    score = w_chunk * _minmax(cosine) + w_unit * _minmax(unit)
    total = w_chunk + w_unit
    if bm25 is not None and len(bm25) and float(np.max(bm25)) > 0:
        score += w_bm25 * np.asarray(bm25, dtype=np.float64) / float(np.max(bm25))
        total += w_bm25
    return score / total


def rrf(*rankings: Sequence[tuple[int, float]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: (row, fused score), best first, ties broken by row."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (row, _) in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def prefer_own(
    rows: list[int],
    source_of: Callable[[int], str],
    vectors_of: Callable[[list[int]], np.ndarray],
    same_thing: float = SAME_THING,
) -> list[int]:
    """The ranking with each of the person's own passages moved just above the first
    bundled passage ranked above it that says the same thing (cosine >= same_thing).

    Only restatements move: a bundled passage on another topic keeps its place."""
    own = [i for i, r in enumerate(rows) if not source_of(r).startswith(BUNDLED_PREFIX)]
    bundled = [i for i, r in enumerate(rows) if source_of(r).startswith(BUNDLED_PREFIX)]
    if not own or not bundled:
        return list(rows)
    vecs = vectors_of(rows)
    sims = vecs @ vecs.T
    order = list(rows)
    for i in own:
        row = rows[i]
        above = [j for j in bundled if j < i and sims[i, j] >= same_thing]
        if above:
            order.remove(row)
            order.insert(order.index(rows[above[0]]), row)
    return order
