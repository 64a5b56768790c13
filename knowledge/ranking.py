"""Fusing the dense and BM25 rankings, and putting a person's own document first.

The fused score is a convex combination of the two scores, each scaled to 0-1 over
its own candidates (cosine min-max, BM25 by its best). On the 234-question eval it
beat reciprocal rank fusion (k = 60, which ignores how far ahead the leader is):
hybrid hit@5 0.748 vs 0.722, MRR 0.544 vs 0.519. `rrf` stays for comparison.
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


DENSE_WEIGHT = 0.5  # swept 0.3-0.7 on the eval; 0.4-0.5 were best


def fuse(
    dense: Sequence[tuple[int, float]], sparse: Sequence[tuple[int, float]], alpha: float = DENSE_WEIGHT
) -> list[tuple[int, float]]:
    """(row, fused score), best first: alpha x scaled cosine + (1 - alpha) x scaled BM25.
    With one side empty (a single mode, or no term matched) its order is kept."""
    fused: dict[int, float] = {}
    if dense:
        values = np.array([s for _, s in dense], dtype=np.float64)
        lo, span = values.min(), float(values.max() - values.min())
        for row, s in dense:
            fused[row] = alpha * ((s - lo) / span if span > 0 else 1.0)
    if sparse:
        top = max(s for _, s in sparse) or 1.0
        for row, s in sparse:
            fused[row] = fused.get(row, 0.0) + (1 - alpha) * s / top
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


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
