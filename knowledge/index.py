"""The hybrid knowledge index: dense vectors + BM25 over stemmed terms, fused (ranking.py).

On disk an index is a folder of plain files, never pickle (a tampered pickle runs
code on load): `vectors.npy` (+ `hnsw.faiss` past 50k chunks), the BM25 arrays
(`bm25_*.npy`, `bm25_vocab.json`), `chunks.sqlite` and `manifest.json`, which holds
the SHA-256 of every other file. Opening maps the arrays and reads no chunk text, so
a 100k-chunk index opens in well under a second. A `CURRENT` file names the live
folder; a write builds a new folder aside and then swaps `CURRENT` atomically, so a
crash mid-write leaves the previous index loadable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from knowledge.chunking import Chunk
from knowledge.dense import HNSW_THRESHOLD, DenseIndex
from knowledge.expansion import expand
from knowledge.ranking import fuse, prefer_own
from knowledge.sparse import SparseIndex, query_weights, top_n
from knowledge.store import ChunkTable, write_chunks
from knowledge.units import UnitVectors, embed_units
from tools.errors import KnowledgeError

__all__ = ["HNSW_THRESHOLD", "MIN_DENSE_SCORE", "ArrayEmbeddings", "Hit", "KnowledgeIndex", "file_sha256"]

# 3: unit vectors (units.py) beside the chunk vectors; a format-2 index has none and
# must be rebuilt (`coach kb rebuild`) to rank by them.
MANIFEST_VERSION = 3
CANDIDATES = 50
# Below this cosine, and with no BM25 term match, a passage is not about the query:
# MiniLM scores unrelated English sentences around 0.0-0.2.
MIN_DENSE_SCORE = 0.30
REBUILD = "Run `coach kb rebuild` to build it again (ingested files are kept)."


class ArrayEmbeddings(Protocol):
    """What the index needs from an embedding model."""

    model_id: str
    dims: int

    def embed_array(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its citation and scores (`row`: its place in the index)."""

    chunk: Chunk
    score: float
    dense: float
    sparse: float
    row: int = -1

    def to_dict(self) -> dict[str, Any]:
        """The JSON form `coach search --json` prints."""
        c = self.chunk
        return {
            "id": c.id,
            "text": c.text,
            "source": c.source,
            "section": c.section,
            "lines": [c.line_start, c.line_end],
            "score": round(float(self.score), 6),  # a numpy float is not msgpack-serialisable in state
        }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class KnowledgeIndex:
    """Chunks, their vectors and a BM25 model over their text.

    Built in memory from chunks and vectors (an ingest), or opened from disk with
    `load` (chunks then read lazily from SQLite, arrays memory-mapped)."""

    chunks: Sequence[Chunk]
    vectors: np.ndarray
    model_id: str
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    _dense: DenseIndex | None = None
    _sparse: SparseIndex | None = None
    _positions: dict[str, int] | None = None
    units: UnitVectors | None = None

    def __post_init__(self) -> None:
        if self._dense is None:
            self._dense = DenseIndex(np.asarray(self.vectors))
        self.vectors = self._dense.vectors
        if self._sparse is None:
            self._sparse = SparseIndex.build(c.indexed_text for c in self.chunks)
        if self.units is None:  # built from vectors alone (benches, tests): chunk vectors rank
            self.units = UnitVectors.none(len(self.chunks), self.dense.dims)
        if self.units.chunks != len(self.chunks):
            raise KnowledgeError(
                f"{self.units.chunks} chunks have unit vectors, but the index has {len(self.chunks)}."
            )

    @property
    def dense(self) -> DenseIndex:
        """The dense side."""
        assert self._dense is not None
        return self._dense

    @classmethod
    def build(
        cls,
        chunks: list[Chunk],
        embeddings: ArrayEmbeddings,
        sources: dict[str, dict[str, Any]] | None = None,
    ) -> KnowledgeIndex:
        """Embed chunks and their units, and index them."""
        vectors = (
            embeddings.embed_array([c.indexed_text for c in chunks])
            if chunks
            else np.zeros((0, embeddings.dims), dtype=np.float32)
        )
        return cls(
            chunks=chunks,
            vectors=vectors,
            model_id=embeddings.model_id,
            sources=sources or {},
            units=embed_units(chunks, embeddings)[0],
        )

    def position(self, chunk_id: str) -> int:
        """Row of a chunk id, or -1."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.position(chunk_id)
        if self._positions is None:
            self._positions = {c.id: i for i, c in enumerate(self.chunks)}
        return self._positions.get(chunk_id, -1)

    def rows_matching(self, sources: list[str] | None = None, role: str | None = None) -> np.ndarray:
        """Rows of the chunks from any of `sources` (a full name or a unique ending) and
        tagged with `role`, when given."""
        names = None
        if sources:
            names = sorted(s for s in self.sources if any(s == want or s.endswith(want) for want in sources))
        if isinstance(self.chunks, ChunkTable):
            rows = self.chunks.rows_of_sources(names) if names is not None else None
            if role:
                tagged = self.chunks.rows_with_role(role)
                rows = tagged if rows is None else np.intersect1d(rows, tagged)
            return rows if rows is not None else np.arange(len(self.chunks))
        wanted = set(names) if names is not None else None
        return np.fromiter(
            (
                i
                for i, c in enumerate(self.chunks)
                if (wanted is None or c.source in wanted) and (not role or role in c.roles)
            ),
            dtype=np.int64,
        )

    def chunk_rows(self, rows: Sequence[int]) -> list[Chunk]:
        """The chunks at these rows, in order."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.many(rows)
        return [self.chunks[r] for r in rows]

    # ---- search ----------------------------------------------------------------

    def dense_search(
        self, query_vec: np.ndarray, n: int, allowed: np.ndarray | set[int] | None = None
    ) -> list[tuple[int, float]]:
        """(row, cosine) for the n nearest chunks (among `allowed` rows when given)."""
        return self.dense.search(query_vec, n, _as_rows(allowed))

    def knows(self, term: str) -> bool:
        """Whether any passage holds this stemmed term (the BM25 vocabulary has it)."""
        if self._sparse is None:
            return True  # no BM25 side: nothing can be ruled out by its words
        return term in self._sparse.vocab

    def sparse_scores(
        self, query: str, allowed: np.ndarray | None = None, expansions: dict[str, float] | None = None
    ) -> np.ndarray | None:
        """BM25 score of every chunk (0 outside `allowed`); None if no query term is known."""
        if self._sparse is None or (allowed is not None and not len(allowed)):
            return None
        scores = self._sparse.scores(query_weights(query, expansions))
        if scores is None or allowed is None:
            return scores
        mask = np.zeros(len(scores), dtype=bool)
        mask[allowed] = True
        return np.where(mask, scores, 0.0)

    def sparse_search(
        self,
        query: str,
        n: int,
        allowed: np.ndarray | set[int] | None = None,
        expansions: dict[str, float] | None = None,
    ) -> list[tuple[int, float]]:
        """(row, BM25 score) for the n best term matches; empty if no term matches.
        `expansions` are extra weighted terms (catalog aliases of what the query names)."""
        scores = self.sparse_scores(query, _as_rows(allowed), expansions)
        return top_n(scores, n) if scores is not None else []

    def search(
        self,
        query: str,
        query_vec: np.ndarray,
        k: int = 5,
        mode: str = "hybrid",
        allowed: np.ndarray | set[int] | None = None,
        expand_query: bool = True,
    ) -> list[Hit]:
        """The k best chunks for a query: dense, sparse, or both fused; a person's own
        document is moved above a bundled passage that says the same thing.

        Dense and hybrid pool the candidates of both sides and score each on its chunk
        cosine, its best unit's cosine and BM25 (ranking.fuse); BM25 mode ranks by BM25."""
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"mode must be hybrid, dense or bm25, not {mode!r}")
        n = max(CANDIDATES, k * 4)
        rows = _as_rows(allowed)
        query_vec = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        extra = expand(query) if expand_query else None
        bm25 = self.sparse_scores(query, rows, extra) if mode in ("hybrid", "bm25") else None
        sparse = top_n(bm25, n) if bm25 is not None else []
        if mode == "bm25":
            ranked = sparse
            cosine: dict[int, float] = {}
        else:
            dense = self.dense_search(query_vec, n, rows)
            pool = np.fromiter(dict.fromkeys([r for r, _ in dense] + [r for r, _ in sparse]), dtype=np.int64)
            if not len(pool):
                return []
            cos = self.dense.rows(pool).astype(np.float32) @ query_vec
            assert self.units is not None
            fused = fuse(cos, self.units.best(pool, query_vec), bm25[pool] if bm25 is not None else None)
            order = np.lexsort((pool, -fused))
            ranked = [(int(pool[i]), float(fused[i])) for i in order]
            cosine = {int(r): float(c) for r, c in zip(pool, cos, strict=True)}
        ranked = ranked[: max(k, 10)]
        chunks = dict(zip([r for r, _ in ranked], self.chunk_rows([r for r, _ in ranked]), strict=True))
        order_rows = prefer_own([r for r, _ in ranked], lambda r: chunks[r].source, self.dense.rows)
        score = dict(ranked)
        return [
            Hit(chunks[r], score[r], cosine.get(r, 0.0), float(bm25[r]) if bm25 is not None else 0.0, r)
            for r in order_rows[:k]
        ]

    # ---- persistence -----------------------------------------------------------

    def save(self, root: Path) -> Path:
        """Write the index beside the live one, then make it live atomically."""
        root.mkdir(parents=True, exist_ok=True)
        folder = root / f"index-{uuid.uuid4().hex[:12]}"
        folder.mkdir()
        assert self._sparse is not None
        assert self.units is not None
        names = [*self.dense.save(folder), *self._sparse.save(folder), *self.units.save(folder)]
        write_chunks(folder / "chunks.sqlite", self.chunks)
        names.append("chunks.sqlite")
        manifest = {
            "version": MANIFEST_VERSION,
            "embedding_model": self.model_id,
            "dims": self.dense.dims,
            "chunks": len(self.chunks),
            "dense": self.dense.kind,
            "sources": self.sources,
            "files": {name: file_sha256(folder / name) for name in names},
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
        for name in [*names, "manifest.json"]:
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

    @staticmethod
    def read_sources(root: Path) -> dict[str, dict[str, Any]]:
        """The sources a saved index names, whatever its version ({} if unreadable): what
        `coach kb rebuild` re-ingests."""
        try:
            folder = root / (root / "CURRENT").read_text("utf-8").strip()
        except OSError:
            return {}
        try:
            sources = json.loads((folder / "manifest.json").read_text("utf-8")).get("sources", {})
            if isinstance(sources, dict):
                return sources
        except (OSError, ValueError, AttributeError):
            pass
        # A damaged manifest: the chunk file still names every source it holds.
        return {source: {} for source in _sources_in_chunk_file(folder / "chunks.sqlite")}

    @classmethod
    def load(cls, root: Path, model_id: str) -> KnowledgeIndex:
        """Open the live index, checking its format, its embedding model and every file's hash."""
        current = root / "CURRENT"
        if not current.exists():
            raise KnowledgeError(
                f"No knowledge index at {root}; run `coach ingest PATH` or `coach kb rebuild`."
            )
        folder = root / current.read_text("utf-8").strip()
        try:
            manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise KnowledgeError(
                f"The knowledge index manifest at {folder} is unreadable ({exc}). {REBUILD}"
            ) from exc
        if manifest.get("version") != MANIFEST_VERSION:
            raise KnowledgeError(
                f"The knowledge index at {folder} was written by an older version of the coach "
                f"(format {manifest.get('version')}, this one reads {MANIFEST_VERSION}). {REBUILD}"
            )
        if manifest.get("embedding_model") != model_id:
            raise KnowledgeError(
                f"The knowledge index was built with {manifest.get('embedding_model')!r} but "
                f"COACH_EMBEDDINGS gives {model_id!r}. {REBUILD}"
            )
        for name, digest in manifest.get("files", {}).items():
            path = folder / name
            if not path.exists() or file_sha256(path) != digest:
                raise KnowledgeError(f"The knowledge index file {path} is missing or was changed. {REBUILD}")
        count = int(manifest.get("chunks", -1))
        dense = DenseIndex.load(folder, int(manifest.get("dims", 0)))
        sparse = SparseIndex.load(folder)
        units = UnitVectors.load(folder)
        if len(dense.vectors) != count or sparse.num_docs not in (count, 0) or units.chunks != count:
            raise KnowledgeError(
                f"The knowledge index at {folder} is inconsistent (vector and chunk counts differ). {REBUILD}"
            )
        return cls(
            chunks=ChunkTable(folder / "chunks.sqlite", count),
            vectors=dense.vectors,
            model_id=model_id,
            sources=manifest.get("sources", {}),
            _dense=dense,
            _sparse=sparse,
            units=units,
        )


def _as_rows(allowed: np.ndarray | set[int] | None) -> np.ndarray | None:
    if allowed is None:
        return None
    if isinstance(allowed, np.ndarray):
        return allowed.astype(np.int64, copy=False)
    return np.fromiter(sorted(allowed), dtype=np.int64)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sources_in_chunk_file(path: Path) -> list[str]:
    """The distinct sources of a chunk file, read-only; [] when it is missing or unreadable."""
    if not path.is_file():
        return []
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [str(row[0]) for row in con.execute("SELECT DISTINCT source FROM chunks")]
        finally:
            con.close()
    except sqlite3.Error:
        return []
