"""Fusing the dense and BM25 rankings, and putting a person's own document first.

Reciprocal rank fusion (Cormack et al.) adds 1 / (k + rank) over the rankings a
passage appears in: it needs no score calibration between cosine and BM25.
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


def fuse(*rankings: Sequence[tuple[int, float]], k: int = RRF_K) -> list[tuple[int, float]]:
    """(row, fused score), best first, ties broken by row for a stable order."""
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
