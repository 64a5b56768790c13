"""The hybrid knowledge index: FAISS (dense) + BM25 (sparse), fused by reciprocal rank.

On disk an index is a folder of plain files, never pickle (a tampered pickle runs
code on load): `vectors.faiss`, `chunks.json` and `manifest.json`. A `CURRENT` file
names the live folder; a write builds a new folder aside and then swaps `CURRENT`
atomically, so a crash mid-write leaves the previous index loadable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from knowledge.chunking import Chunk
from tools.errors import KnowledgeError

MANIFEST_VERSION = 1
RRF_K = 60  # the constant from Cormack et al.'s reciprocal rank fusion paper
CANDIDATES = 50
# Below this cosine, and with no BM25 term match, a passage is not about the query:
# MiniLM scores unrelated English sentences around 0.0-0.2.
MIN_DENSE_SCORE = 0.30
# Flat search reads every vector per query: 0.6 ms at 10k x 384 but about 11 ms at
# 100k here (memory-bandwidth bound). Past this size the index is HNSW (M=32): under
# 1 ms a query, at the cost of a slower build (tens of seconds at 100k) and a recall
# a little under 1.0.
HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_SEARCH = 96
# With a filter this small, dense scores are computed exactly over the allowed rows.
EXACT_FILTER_MAX = 5_000


class ArrayEmbeddings(Protocol):
    """What the index needs from an embedding model."""

    model_id: str
    dims: int

    def embed_array(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its citation and scores."""

    chunk: Chunk
    score: float
    dense: float
    sparse: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form `coach search --json` prints."""
        c = self.chunk
        return {
            "id": c.id,
            "text": c.text,
            "source": c.source,
            "section": c.section,
            "lines": [c.line_start, c.line_end],
            "score": round(self.score, 6),
        }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_faiss(vectors: np.ndarray) -> Any:
    """Flat inner-product search, or HNSW past HNSW_THRESHOLD vectors."""
    import faiss

    _single_query_threads()
    dims = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    if len(vectors) > HNSW_THRESHOLD:
        index: Any = faiss.IndexHNSWFlat(dims, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dims)
    if len(vectors):
        index.add(vectors)
    return index


def _single_query_threads() -> None:
    # One query at a time: OpenMP threads only add overhead and fight onnxruntime and
    # LangGraph's executor on 2 cores (a 10k flat search went from 11 ms to under 1 ms).
    import faiss

    faiss.omp_set_num_threads(1)


def vector_view(index: Any) -> np.ndarray:
    """The vectors stored in a flat or HNSW FAISS index, as a read-only numpy view."""
    import faiss

    flat: Any = faiss.downcast_index(index.storage) if hasattr(index, "storage") else index
    if flat.ntotal == 0:
        return np.zeros((0, flat.d), dtype=np.float32)
    view = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
    view.flags.writeable = False
    return view


@dataclass
class KnowledgeIndex:
    """Chunks, their vectors and a BM25 model over their text."""

    chunks: list[Chunk]
    vectors: np.ndarray
    model_id: str
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    _faiss: Any = None
    _bm25: Any = None
    _tok: Any = None
    _positions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._positions = {c.id: i for i, c in enumerate(self.chunks)}
        if self._faiss is None:
            self._faiss = build_faiss(np.ascontiguousarray(self.vectors, dtype=np.float32))
        # FAISS keeps its own copy of the vectors: read them through a view of that copy
        # instead of holding a second one (154 MB at 100k x 384).
        self.vectors = vector_view(self._faiss)
        self._build_bm25()

    def _build_bm25(self) -> None:
        import bm25s

        self._tok = bm25s.tokenization.Tokenizer(stopwords="en", stemmer=None)
        if not self.chunks:
            self._bm25 = None
            return
        tokens = self._tok.tokenize(
            [c.indexed_text for c in self.chunks], show_progress=False, return_as="ids"
        )
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokens, show_progress=False)

    @classmethod
    def build(
        cls,
        chunks: list[Chunk],
        embeddings: ArrayEmbeddings,
        sources: dict[str, dict[str, Any]] | None = None,
    ) -> KnowledgeIndex:
        """Embed chunks and index them."""
        vectors = (
            embeddings.embed_array([c.indexed_text for c in chunks])
            if chunks
            else np.zeros((0, embeddings.dims), dtype=np.float32)
        )
        return cls(chunks=chunks, vectors=vectors, model_id=embeddings.model_id, sources=sources or {})

    def position(self, chunk_id: str) -> int:
        """Row of a chunk id, or -1."""
        return self._positions.get(chunk_id, -1)

    # ---- search ----------------------------------------------------------------

    def dense_search(
        self, query_vec: np.ndarray, n: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """(chunk position, cosine) for the n nearest chunks (among `allowed` when given)."""
        if not self.chunks or (allowed is not None and not allowed):
            return []
        q = np.ascontiguousarray(query_vec.reshape(1, -1), dtype=np.float32)
        if allowed is not None and len(allowed) <= EXACT_FILTER_MAX:
            rows = np.fromiter(sorted(allowed), dtype=np.int64)
            sims = self.vectors[rows] @ q[0]
            top = np.argsort(-sims)[:n]
            return [(int(rows[i]), float(sims[i])) for i in top]
        wanted = min(n * (4 if allowed is not None else 1), len(self.chunks))
        scores, ids = self._faiss.search(q, wanted)
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return [h for h in hits if allowed is None or h[0] in allowed][:n]

    def sparse_search(self, query: str, n: int, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) for the n best term matches; empty if no term matches.

        Scores come from bm25s's sparse matrix (`get_scores`); the top n are picked with
        numpy here, because `BM25.retrieve` starts a thread pool on every call, which
        cost 10+ ms per query inside the graph's own threads."""
        if self._bm25 is None or (allowed is not None and not allowed):
            return []
        q = self._tok.tokenize([query], update_vocab=False, show_progress=False, return_as="ids")
        if not q or not q[0]:
            return []
        scores = self._bm25.get_scores(q[0])
        if allowed is not None:
            mask = np.zeros(len(self.chunks), dtype=scores.dtype)
            mask[list(allowed)] = 1
            scores = scores * mask
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def search(
        self,
        query: str,
        query_vec: np.ndarray,
        k: int = 5,
        mode: str = "hybrid",
        allowed: set[int] | None = None,
    ) -> list[Hit]:
        """The k best chunks for a query: dense, sparse, or both fused by RRF."""
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"mode must be hybrid, dense or bm25, not {mode!r}")
        n = max(CANDIDATES, k * 4)
        dense = self.dense_search(query_vec, n, allowed) if mode in ("hybrid", "dense") else []
        sparse = self.sparse_search(query, n, allowed) if mode in ("hybrid", "bm25") else []
        fused: dict[int, float] = {}
        for ranking in (dense, sparse):
            for rank, (pos, _) in enumerate(ranking, start=1):
                fused[pos] = fused.get(pos, 0.0) + 1.0 / (RRF_K + rank)
        dense_score, sparse_score = dict(dense), dict(sparse)
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Hit(self.chunks[p], s, dense_score.get(p, 0.0), sparse_score.get(p, 0.0)) for p, s in best]

    # ---- persistence -----------------------------------------------------------

    def save(self, root: Path) -> Path:
        """Write the index beside the live one, then make it live atomically."""
        import faiss

        root.mkdir(parents=True, exist_ok=True)
        folder = root / f"index-{uuid.uuid4().hex[:12]}"
        folder.mkdir()
        faiss.write_index(self._faiss, str(folder / "vectors.faiss"))
        (folder / "chunks.json").write_text(
            json.dumps([c.to_dict() for c in self.chunks], ensure_ascii=False), "utf-8"
        )
        manifest = {
            "version": MANIFEST_VERSION,
            "embedding_model": self.model_id,
            "dims": int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0,
            "chunks": len(self.chunks),
            "sources": self.sources,
            "files": {name: file_sha256(folder / name) for name in ("vectors.faiss", "chunks.json")},
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
        for name in ("vectors.faiss", "chunks.json", "manifest.json"):
            _fsync(folder / name)
        _fsync(folder)
        tmp = root / f"CURRENT.{uuid.uuid4().hex[:8]}"
        tmp.write_text(folder.name, "utf-8")
        _fsync(tmp)
        os.replace(tmp, root / "CURRENT")
        _fsync(root)
        for old in root.glob("index-*"):
            if old.name != folder.name:
                shutil.rmtree(old, ignore_errors=True)
        for stray in root.glob("CURRENT.*"):
            stray.unlink(missing_ok=True)
        return folder

    @classmethod
    def load(cls, root: Path, model_id: str) -> KnowledgeIndex:
        """Load the live index, checking it was built with `model_id` and is intact."""
        import faiss

        current = root / "CURRENT"
        if not current.exists():
            raise KnowledgeError(
                f"No knowledge index at {root}; run `coach ingest PATH` or `coach kb rebuild`."
            )
        folder = root / current.read_text("utf-8").strip()
        rebuild = "Run `coach kb rebuild` to build it again."
        try:
            manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise KnowledgeError(
                f"The knowledge index manifest at {folder} is unreadable ({exc}). {rebuild}"
            ) from exc
        if manifest.get("embedding_model") != model_id:
            raise KnowledgeError(
                f"The knowledge index was built with {manifest.get('embedding_model')!r} but "
                f"COACH_EMBEDDINGS gives {model_id!r}. {rebuild}"
            )
        for name, digest in manifest.get("files", {}).items():
            path = folder / name
            if not path.exists() or file_sha256(path) != digest:
                raise KnowledgeError(f"The knowledge index file {path} is missing or was changed. {rebuild}")
        chunks = [Chunk.from_dict(c) for c in json.loads((folder / "chunks.json").read_text("utf-8"))]
        faiss_index = faiss.read_index(str(folder / "vectors.faiss"))
        _single_query_threads()
        if faiss_index.ntotal != len(chunks) or len(chunks) != manifest.get("chunks"):
            raise KnowledgeError(
                f"The knowledge index at {folder} is inconsistent (vector and chunk counts differ). {rebuild}"
            )
        return cls(
            chunks=chunks,
            vectors=vector_view(faiss_index),
            model_id=model_id,
            sources=manifest.get("sources", {}),
            _faiss=faiss_index,
        )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
