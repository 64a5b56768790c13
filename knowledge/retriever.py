"""The retriever the coach uses: the bundled roadmaps, indexed on first use, searched hybrid."""

from __future__ import annotations

import hashlib
import threading
from importlib import resources
from pathlib import Path

from knowledge.chunking import Chunk, chunk_markdown
from knowledge.embeddings import make_embeddings
from knowledge.index import MIN_DENSE_SCORE, Hit, KnowledgeIndex
from knowledge.text import repair_text
from tools.errors import KnowledgeError

BUNDLED_PREFIX = "bundled/"


def bundled_documents() -> dict[str, str]:
    """The roadmaps this project ships: source name -> text."""
    folder = resources.files("knowledge").joinpath("roadmaps")
    return {
        f"{BUNDLED_PREFIX}{entry.name}": repair_text(entry.read_text("utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".md")
    }


def bundled_chunks() -> list[Chunk]:
    """Every chunk of the bundled roadmaps."""
    chunks: list[Chunk] = []
    for source, text in bundled_documents().items():
        chunks.extend(chunk_markdown(text, source))
    return chunks


def _digest(texts: dict[str, str]) -> dict[str, dict[str, str]]:
    return {s: {"sha256": hashlib.sha256(t.encode()).hexdigest()} for s, t in texts.items()}


class Retriever:
    """Loads (or builds) the index under `home/index` and answers queries."""

    def __init__(self, home: Path, embeddings: str = "local") -> None:
        self.root = home / "index"
        self.embeddings = make_embeddings(embeddings)
        self._index: KnowledgeIndex | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> KnowledgeIndex:
        """The live index, built from the bundled roadmaps when there is none or they changed."""
        with self._lock:
            if self._index is None:
                self._index = self._load_or_build()
            return self._index

    def _load_or_build(self) -> KnowledgeIndex:
        docs = bundled_documents()
        wanted = _digest(docs)
        try:
            index = KnowledgeIndex.load(self.root, self.embeddings.model_id)
        except KnowledgeError:
            if (self.root / "CURRENT").exists():
                raise  # a damaged or mismatched index is reported, never silently replaced
            index = None
        if index is not None:
            have = {s: v for s, v in index.sources.items() if s.startswith(BUNDLED_PREFIX)}
            if have == wanted:
                return index
            # The bundled roadmaps changed with a new release: rebuild their part.
            keep = [c for c in index.chunks if not c.source.startswith(BUNDLED_PREFIX)]
            user_sources = {s: v for s, v in index.sources.items() if not s.startswith(BUNDLED_PREFIX)}
        else:
            keep, user_sources = [], {}
        chunks = keep + bundled_chunks()
        built = KnowledgeIndex.build(chunks, self.embeddings, {**user_sources, **wanted})
        built.save(self.root)
        return built

    def rebuild(self) -> KnowledgeIndex:
        """Throw the index away and build it from the bundled roadmaps."""
        with self._lock:
            built = KnowledgeIndex.build(bundled_chunks(), self.embeddings, _digest(bundled_documents()))
            built.save(self.root)
            self._index = built
            return built

    def search(
        self, query: str, k: int = 5, mode: str = "hybrid", sources: list[str] | None = None
    ) -> list[Hit]:
        """The k best passages for a query."""
        index = self.index
        vec = self.embeddings.embed_array([query])[0]
        return index.search(query, vec, k=k, mode=mode, sources=sources)

    def relevant(self, query: str, k: int = 5) -> list[Hit]:
        """Like search, but only passages that are plausibly about the query."""
        return [
            h
            for h in self.search(query, k)
            if h.dense >= MIN_DENSE_SCORE or (h.sparse > 0 and h.dense >= MIN_DENSE_SCORE * 0.6)
        ]

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with this id, for checking that a citation resolves."""
        return next((c for c in self.index.chunks if c.id == chunk_id), None)
