"""BM25 over stemmed terms: built with `bm25s`, stored as plain numpy arrays, memory-mapped.

bm25s precomputes each (term, document) score into a sparse matrix stored by term
(CSC: `indptr`, `indices`, `data`); a query sums the columns of its terms. The three
arrays and the vocabulary (JSON) are what is saved, so opening an index costs no
tokenizing and no rebuilding: the arrays are mapped, and pages are read as queries
touch them. Query terms may carry weights (alias expansions count for less).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.terms import terms

K1 = 1.2
B = 0.75
FILES = ("bm25_data.npy", "bm25_indices.npy", "bm25_indptr.npy", "bm25_vocab.json")


@dataclass
class SparseIndex:
    """A BM25 model over a corpus, as a by-term sparse matrix of precomputed scores."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    vocab: dict[str, int]
    num_docs: int

    @classmethod
    def build(cls, texts: Iterable[str]) -> SparseIndex:
        """Tokenize (stop words out, Snowball stems) and index with bm25s (Lucene's BM25)."""
        import bm25s

        corpus = [terms(t) or [""] for t in texts]
        if not corpus:
            return cls(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64), {}, 0)
        model = bm25s.BM25(k1=K1, b=B, method="lucene")
        model.index(corpus, show_progress=False)
        s = model.scores
        return cls(
            data=np.asarray(s["data"], dtype=np.float32),
            indices=np.asarray(s["indices"], dtype=np.int32),
            indptr=np.asarray(s["indptr"], dtype=np.int64),
            vocab={str(k): int(v) for k, v in model.vocab_dict.items()},
            num_docs=int(s["num_docs"]),
        )

    def scores(self, weighted: Mapping[str, float]) -> np.ndarray | None:
        """BM25 score of every document for weighted query terms; None if no term is known."""
        ids = [(self.vocab[t], w) for t, w in weighted.items() if t and t in self.vocab]
        if not ids or not self.num_docs:
            return None
        out = np.zeros(self.num_docs, dtype=np.float32)
        for tid, weight in ids:
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            # Each document appears once per term column: plain fancy-index addition is exact.
            out[self.indices[lo:hi]] += weight * self.data[lo:hi]
        return out

    def save(self, folder: Path) -> list[str]:
        """Write the arrays and vocabulary; the file names written."""
        np.save(folder / FILES[0], self.data, allow_pickle=False)
        np.save(folder / FILES[1], self.indices, allow_pickle=False)
        np.save(folder / FILES[2], self.indptr, allow_pickle=False)
        payload = {"num_docs": self.num_docs, "k1": K1, "b": B, "vocab": self.vocab}
        (folder / FILES[3]).write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
        return list(FILES)

    @classmethod
    def load(cls, folder: Path) -> SparseIndex:
        """Map the arrays read-only (never unpickled) and read the vocabulary."""
        payload = json.loads((folder / FILES[3]).read_text("utf-8"))

        def arr(name: str) -> np.ndarray:
            try:
                return np.load(folder / name, mmap_mode="r", allow_pickle=False)
            except ValueError:  # an empty array cannot be mapped
                return np.load(folder / name, allow_pickle=False)

        return cls(
            data=arr(FILES[0]),
            indices=arr(FILES[1]),
            indptr=arr(FILES[2]),
            vocab=payload["vocab"],
            num_docs=int(payload["num_docs"]),
        )


def query_weights(query: str, expansions: Mapping[str, float] | None = None) -> dict[str, float]:
    """Query terms with weights: each distinct term of the query 1.0 (repeats add up),
    expansion terms their own (smaller) weight unless the query has them already."""
    weights: dict[str, float] = {}
    for t in terms(query):
        weights[t] = weights.get(t, 0.0) + 1.0
    for t, w in (expansions or {}).items():
        if t not in weights:
            weights[t] = w
    return weights


def top_n(scores: np.ndarray, n: int) -> list[tuple[int, float]]:
    """(row, score) of the n best positive scores, best first (ties by row)."""
    # Only documents holding a query term can rank: partition those, not the whole corpus.
    hits = np.flatnonzero(scores > 0)
    values = scores[hits]
    n = min(n, len(hits))
    if n == 0:
        return []
    top = np.argpartition(-values, n - 1)[:n] if n < len(hits) else np.arange(len(hits))
    top = top[np.argsort(-values[top], kind="stable")]
    return [(int(hits[i]), float(values[i])) for i in top]
