"""`coach ingest`: add documents to the index incrementally.

A file is identified by its resolved path and known by the SHA-256 of its bytes:
an unchanged file is not read again, a changed one replaces only its own chunks,
and `prune` drops the chunks of files that are gone. One bad file is skipped with
its reason; the index on disk changes only by an atomic swap at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.budget import Budget, Reader
from knowledge.chunking import Chunk
from knowledge.index import ArrayEmbeddings, KnowledgeIndex, file_sha256
from knowledge.loaders import Skip, check_file, display_path, find_files
from knowledge.units import UnitVectors, embed_units

BUNDLED_PREFIX = "bundled/"
EMBED_BATCH = 256  # chunks a progress step: large enough that progress costs nothing

Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    """What an ingest did, for the person and for the bench."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks_embedded: int = 0
    tokens_embedded: int = 0  # of the chunks
    unit_tokens_embedded: int = 0  # of their units (sentences, list items, rows)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    total_chunks: int = 0

    @property
    def changed(self) -> bool:
        """True when the index was rewritten."""
        return bool(self.added or self.updated or self.removed)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _embed(embeddings: ArrayEmbeddings, texts: list[str], progress: Progress | None) -> np.ndarray:
    parts = []
    for lo in range(0, len(texts), EMBED_BATCH):
        parts.append(embeddings.embed_array(texts[lo : lo + EMBED_BATCH]))
        if progress:
            progress(min(lo + EMBED_BATCH, len(texts)), len(texts))
    return np.vstack(parts) if parts else np.zeros((0, embeddings.dims), dtype=np.float32)


def apply_changes(
    index: KnowledgeIndex | None,
    embeddings: ArrayEmbeddings,
    new_docs: dict[str, tuple[list[Chunk], dict[str, Any]]],
    drop: set[str],
    progress: Progress | None = None,
    report: IngestReport | None = None,
) -> KnowledgeIndex:
    """A new index: the old one without `drop` and the replaced sources, plus `new_docs` embedded."""
    report = report or IngestReport()
    replaced = drop | set(new_docs)
    keep_rows: list[int] = []
    chunks: list[Chunk] = []
    sources: dict[str, dict[str, Any]] = {}
    if index is not None:
        for row, chunk in enumerate(index.chunks):
            if chunk.source not in replaced:
                keep_rows.append(row)
                chunks.append(chunk)
        sources = {s: v for s, v in index.sources.items() if s not in replaced}
    fresh = [c for doc_chunks, _ in new_docs.values() for c in doc_chunks]
    # Identical chunks (a file of a million "a" lines is one chunk repeated) are embedded
    # once: each keeps its own citation, and degenerate files cost nothing to embed.
    texts = list(dict.fromkeys(c.indexed_text for c in fresh))
    started = time.perf_counter()
    vectors_new = _embed(embeddings, texts, progress)
    if len(texts) < len(fresh):
        position = {text: i for i, text in enumerate(texts)}
        vectors_new = vectors_new[[position[c.indexed_text] for c in fresh]]
    # Each chunk's units (sentences, list items, rows) too: the second vector set search
    # ranks by. Their tokens count in the throughput figures, since they are embedded.
    units_new, unit_texts = embed_units(fresh, embeddings)
    report.embed_seconds += time.perf_counter() - started
    report.chunks_embedded += len(fresh)
    count = getattr(embeddings, "count_tokens", None)
    if count is not None and texts:
        report.tokens_embedded += int(count(texts))
        report.unit_tokens_embedded += int(count(unit_texts)) if unit_texts else 0
    kept = (
        index.vectors[keep_rows]
        if index is not None and keep_rows
        else np.zeros((0, embeddings.dims), np.float32)
    )
    vectors = np.vstack([kept, vectors_new]) if len(kept) or len(vectors_new) else kept
    units_kept = index.units.take(keep_rows) if index is not None and index.units is not None else None
    units = UnitVectors.concat([u for u in (units_kept, units_new) if u is not None], embeddings.dims)
    for source, (doc_chunks, meta) in new_docs.items():
        sources[source] = {**meta, "chunks": len(doc_chunks)}
    return KnowledgeIndex(
        chunks=chunks + fresh, vectors=vectors, model_id=embeddings.model_id, sources=sources, units=units
    )


def ingest_paths(
    paths: list[Path],
    root: Path,
    embeddings: ArrayEmbeddings,
    index: KnowledgeIndex | None,
    prune: bool = False,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> tuple[KnowledgeIndex | None, IngestReport]:
    """Ingest files and folders into the index under `root`; (new index or None, report).

    Each file is read in a child process within `budget` (time, memory, chunks); one
    that fails or overruns is skipped with its reason and the others go on. None
    means nothing changed and nothing was written.
    """
    started = time.perf_counter()
    report = IngestReport()
    files, skipped = find_files(paths)
    report.skipped += [(display_path(p), why) for p, why in skipped]
    known = index.sources if index is not None else {}
    new_docs: dict[str, tuple[list[Chunk], dict[str, Any]]] = {}
    seen: set[str] = set()
    with Reader(budget) as reader:
        for path in files:
            shown = display_path(path.absolute())
            try:
                check_file(path)  # before hashing: a FIFO or /dev/zero must not be read at all
                source = str(path.resolve())
                seen.add(source)
                digest = file_sha256(path)
                if known.get(source, {}).get("sha256") == digest:
                    report.unchanged.append(source)
                    continue
                doc_chunks = reader.read(path, source)
            except Skip as why:
                report.skipped.append((shown, str(why)))
                continue
            except OSError as exc:  # unreadable, vanished mid-ingest: skip it, keep going
                report.skipped.append((shown, f"could not read it ({exc.strerror or exc})"))
                continue
            (report.updated if source in known else report.added).append(source)
            new_docs[source] = (doc_chunks, {"sha256": digest, "kind": "user", "ingested_at": _now()})
    drop: set[str] = set()
    if prune:
        for source in known:
            if not source.startswith(BUNDLED_PREFIX) and source not in seen and not Path(source).exists():
                drop.add(source)
        report.removed = sorted(drop)
    if not new_docs and not drop:
        report.seconds = time.perf_counter() - started
        report.total_chunks = len(index.chunks) if index is not None else 0
        return None, report
    built = apply_changes(index, embeddings, new_docs, drop, progress, report)
    built.save(root)
    report.total_chunks = len(built.chunks)
    report.seconds = time.perf_counter() - started
    return built, report
