"""Dense search over unit-length embeddings: exact up to 50k vectors, HNSW past that.

Vectors are stored as float16 (`vectors.npy`, memory-mapped on load: half the bytes
to read, hash and keep; cosine error about 1e-3). Up to HNSW_THRESHOLD an exact
float32 copy is searched with one matrix product (0.5 ms at 10k). Past it, FAISS
HNSW over 8-bit scalar-quantized codes (`hnsw.faiss`, a quarter of float32's size)
proposes candidates and the exact float16 vectors rescore them, so the order of
what is returned is exact among the candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# Chosen on real MiniLM text embeddings (evals/bench_retrieval.py): recall@10 against
# exact search >= 0.98 at 100k with p50 under 2 ms. 128 measured 0.99 on one 100k corpus
# but under 0.98 on the first 100k chunks of the 1M corpus (and at 1M); 192 gave 0.996 on
# the former at about 1.2x the query time.
HNSW_EF_SEARCH = 192
# Candidates the HNSW proposes per result asked for, rescored exactly.
OVERSAMPLE = 3
# With a filter this small, scores are computed exactly over the allowed rows.
EXACT_FILTER_MAX = 5_000
FILES = ("vectors.npy", "hnsw.faiss")


def _faiss() -> Any:
    import faiss

    # One query at a time: OpenMP threads only add overhead and fight onnxruntime and
    # LangGraph's executor on 2 cores (a 10k flat search went from 11 ms to under 1 ms).
    faiss.omp_set_num_threads(1)
    return faiss


def build_hnsw(vectors: np.ndarray, m: int = HNSW_M) -> Any:
    """An HNSW graph over 8-bit scalar-quantized codes of the vectors (inner product)."""
    faiss = _faiss()
    dims = vectors.shape[1]
    index = faiss.IndexHNSWSQ(dims, faiss.ScalarQuantizer.QT_8bit, m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    rng = np.random.default_rng(0)
    sample = vectors[np.sort(rng.choice(len(vectors), min(len(vectors), 50_000), replace=False))]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    for lo in range(0, len(vectors), 20_000):
        index.add(np.ascontiguousarray(vectors[lo : lo + 20_000], dtype=np.float32))
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


class DenseIndex:
    """Unit vectors (float16) and the structure that searches them."""

    def __init__(self, vectors: np.ndarray, hnsw: Any = None, dims: int = 0) -> None:
        self.dims = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else dims
        self.vectors = vectors if vectors.dtype == np.float16 else vectors.astype(np.float16)
        if len(self.vectors) == 0:
            self.vectors = np.zeros((0, self.dims), dtype=np.float16)
        self._hnsw = hnsw
        self._exact: np.ndarray | None = None
        if hnsw is None and len(self.vectors) > HNSW_THRESHOLD:
            self._hnsw = build_hnsw(self.vectors)
        if self._hnsw is None:
            self._exact = np.asarray(self.vectors, dtype=np.float32)

    @property
    def kind(self) -> str:
        """'hnsw' or 'exact'."""
        return "hnsw" if self._hnsw is not None else "exact"

    def rows(self, rows: np.ndarray | Sequence[int]) -> np.ndarray:
        """Some vectors as float32."""
        return np.asarray(self.vectors[np.asarray(rows, dtype=np.int64)], dtype=np.float32)

    def search(self, query: np.ndarray, n: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, cosine) of the n nearest vectors, among `allowed` rows when given."""
        total = len(self.vectors)
        if not total or n <= 0 or (allowed is not None and not len(allowed)):
            return []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if allowed is not None and (len(allowed) <= EXACT_FILTER_MAX or self._hnsw is None):
            return _top(self.rows(allowed) @ q, n, allowed)
        if self._hnsw is None:
            assert self._exact is not None
            return _top(self._exact @ q, n, None)
        wanted = min(total, n * OVERSAMPLE * (4 if allowed is not None else 1))
        self._hnsw.hnsw.efSearch = max(HNSW_EF_SEARCH, wanted)
        _, ids = self._hnsw.search(q.reshape(1, -1), wanted)
        cand = ids[0][ids[0] >= 0]
        if allowed is not None:
            cand = cand[np.isin(cand, allowed)]
        if not len(cand):
            return []
        cand = np.sort(cand)  # sequential reads of the mapped file
        return _top(self.rows(cand) @ q, n, cand)

    def save(self, folder: Path) -> list[str]:
        """Write the vectors (and the HNSW graph when there is one); the file names."""
        np.save(folder / FILES[0], np.ascontiguousarray(self.vectors), allow_pickle=False)
        if self._hnsw is None:
            return [FILES[0]]
        _faiss().write_index(self._hnsw, str(folder / FILES[1]))
        return list(FILES)

    @classmethod
    def load(cls, folder: Path, dims: int) -> DenseIndex:
        """Map the vectors read-only; read the HNSW graph if the index has one."""
        try:
            vectors = np.load(folder / FILES[0], mmap_mode="r", allow_pickle=False)
        except ValueError:  # an empty array cannot be mapped
            vectors = np.load(folder / FILES[0], allow_pickle=False)
        hnsw = None
        if (folder / FILES[1]).exists():
            hnsw = _faiss().read_index(str(folder / FILES[1]))
            hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(vectors, hnsw=hnsw, dims=dims)


def _top(scores: np.ndarray, n: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
    n = min(n, len(scores))
    top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    ids = top if rows is None else np.asarray(rows)[top]
    return [(int(i), float(scores[j])) for i, j in zip(ids, top, strict=True)]
