"""The retriever the coach uses: bundled roadmaps plus the person's own, searched hybrid."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.chunking import Chunk, chunk_markdown
from knowledge.embeddings import make_embeddings
from knowledge.expansion import expand
from knowledge.index import MIN_DENSE_SCORE, Hit, KnowledgeIndex
from knowledge.ingest import BUNDLED_PREFIX, IngestReport, Progress, apply_changes, ingest_paths
from knowledge.sentences import Quote, best_sentences
from knowledge.subject import Role, covers, named_role, subject_terms
from knowledge.terms import term_set
from knowledge.text import repair_text
from tools.catalog import load_catalog
from tools.errors import InputError


def bundled_documents() -> dict[str, str]:
    """The roadmaps this project ships: source name -> text."""
    folder = resources.files("knowledge").joinpath("roadmaps")
    return {
        f"{BUNDLED_PREFIX}{entry.name}": repair_text(entry.read_text("utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".md")
    }


@cache
def _role_patterns() -> dict[str, re.Pattern[str]]:
    patterns = {}
    for role in load_catalog().roles:
        names = [role.title, *[a for a in role.aliases if len(a) > 3]]
        alt = "|".join(re.escape(n.lower()) for n in sorted(names, key=len, reverse=True))
        patterns[role.id] = re.compile(rf"\b(?:{alt})s?\b")
    return patterns


@cache
def _role_heads() -> frozenset[str]:
    """The last words of the catalog's role titles ("engineer", "scientist", "lead"), and
    "developer": the kinds of role the roadmaps are written for."""
    return frozenset({r.title.split()[-1].lower() for r in load_catalog().roles} | {"developer"})


def role_filter(question: str) -> tuple[Role, tuple[str, ...]] | None:
    """The role the question names when a passage must be about it, and the catalog
    roles it is (a passage tagged with one of them is about it); None when the question
    names no role, or one of a kind the roadmaps cover without naming it exactly
    ("a pipeline engineer", "a scientist working on new models")."""
    role = named_role(question)
    if role is None:
        return None
    ids = tuple(rid for rid, pat in _role_patterns().items() if pat.search(role.text))
    if not ids and role.text.split()[-1].rstrip("s") in _role_heads():
        return None
    return role, ids


def _names_heading(hit: Hit, subject: set[str]) -> bool:
    """Whether every word of the passage's own heading is among the question's subject words."""
    heading = term_set(hit.chunk.section.rsplit(" > ", 1)[-1])
    return bool(heading) and heading <= subject


def _headed_first(hits: list[Hit], subject: set[str], k: int) -> list[Hit]:
    """The k best hits, those whose own heading is what the question asks for
    ("Projects" for "what portfolio projects would help me?") first, each in rank order.
    One ranked below k is taken only from a document a top-k hit is from.

    The search query carries the person's role and gaps, which pull the phases' prose
    above their Projects list; the heading the question names says which one it wants."""
    top = hits[:k]
    sources = {h.chunk.source for h in top}

    first = [h for h in hits if _names_heading(h, subject) and (h in top or h.chunk.source in sources)]
    return (first + [h for h in top if h not in first])[:k]


def tag_roles(chunks: list[Chunk]) -> list[Chunk]:
    """Tag each chunk with the catalog roles its section path names, else those its
    document title names: the filter `coach search --role` uses."""
    patterns = _role_patterns()

    def roles_in(text: str) -> tuple[str, ...]:
        low = text.lower()
        return tuple(rid for rid, pat in patterns.items() if pat.search(low))

    out = []
    for chunk in chunks:
        title = chunk.section.split(" > ", 1)[0]
        roles = roles_in(chunk.section.split(" > ", 1)[1]) if " > " in chunk.section else ()
        out.append(replace(chunk, roles=roles or roles_in(title)))
    return out


def chunk_document(text: str, source: str) -> list[Chunk]:
    """Structural chunks of a document, tagged with the roles they are about."""
    return tag_roles(chunk_markdown(text, source))


def _bundled_docs() -> dict[str, tuple[list[Chunk], dict[str, Any]]]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        source: (
            chunk_document(text, source),
            {"sha256": hashlib.sha256(text.encode()).hexdigest(), "kind": "bundled", "ingested_at": now},
        )
        for source, text in bundled_documents().items()
    }


def mmr(query_vec: np.ndarray, vectors: np.ndarray, k: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: positions (into `vectors`) trading relevance for novelty.

    Written here rather than taken from LangChain because its version re-embeds and
    works on Documents; ours reuses the index's vectors for the few candidates."""
    relevance = vectors @ query_vec
    chosen: list[int] = []
    rest = list(range(len(vectors)))
    while rest and len(chosen) < k:
        redundancy = (vectors[rest] @ vectors[chosen].T).max(axis=1) if chosen else np.zeros(len(rest))
        scores = (1 - diversity) * relevance[rest] - diversity * redundancy
        pick = rest[int(np.argmax(scores))]
        chosen.append(pick)
        rest.remove(pick)
    return chosen


class Retriever:
    """Loads (or builds) the index under `home/index`, answers queries, ingests files."""

    def __init__(self, home: Path, embeddings: str = "local") -> None:
        self.root = home / "index"
        self.embeddings = make_embeddings(embeddings)
        self._index: KnowledgeIndex | None = None
        self._lock = threading.RLock()
        self._vec_cache: dict[str, np.ndarray] = {}

    @property
    def index(self) -> KnowledgeIndex:
        """The live index; the bundled roadmaps are (re)indexed when missing or changed."""
        with self._lock:
            if self._index is None:
                self._index = self._load_or_build()
            return self._index

    def _load_existing(self) -> KnowledgeIndex | None:
        if not (self.root / "CURRENT").exists():
            return None
        # A damaged or mismatched index is reported, never silently replaced.
        return KnowledgeIndex.load(self.root, self.embeddings.model_id)

    def _load_or_build(self) -> KnowledgeIndex:
        index = self._load_existing()
        wanted = _bundled_docs()
        have = {
            s: v.get("sha256")
            for s, v in (index.sources if index else {}).items()
            if s.startswith(BUNDLED_PREFIX)
        }
        if index is not None and have == {s: meta["sha256"] for s, (_, meta) in wanted.items()}:
            return index
        # First use, or the bundled roadmaps changed with a new release: their part only.
        stale = set(have) - set(wanted)
        changed = {s: d for s, d in wanted.items() if have.get(s) != d[1]["sha256"]}
        built = apply_changes(index, self.embeddings, changed, stale)
        built.save(self.root)
        return built

    def rebuild(self, progress: Progress | None = None) -> tuple[KnowledgeIndex, IngestReport]:
        """Build the index from scratch: the bundled roadmaps and every ingested file that
        still exists (the way out of a damaged or mismatched index)."""
        with self._lock:
            # Read from the manifest alone, so that an index that no longer loads (older
            # format, other embedding model, damaged data file) still names its files.
            user_files = [
                Path(s) for s in KnowledgeIndex.read_sources(self.root) if not s.startswith(BUNDLED_PREFIX)
            ]
            report = IngestReport()
            index = apply_changes(None, self.embeddings, _bundled_docs(), set(), progress, report)
            existing = [p for p in user_files if p.exists()]
            if existing:
                built, more = ingest_paths(existing, self.root, self.embeddings, index, progress=progress)
                index = built or index
                report.added, report.skipped = more.added, more.skipped
            index.save(self.root)
            self._index = index
            return index, report

    def ingest(
        self, paths: list[Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Add or refresh documents; with `prune`, drop those whose files are gone."""
        with self._lock:
            built, report = ingest_paths(paths, self.root, self.embeddings, self.index, prune, progress)
            if built is not None:
                self._index = built
            return report

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its chunk count, kind and when it was indexed."""
        return [{"source": s, **meta} for s, meta in sorted(self.index.sources.items())]

    def remove(self, source: str) -> str:
        """Remove one source (by full name, or a unique ending such as its file name)."""
        with self._lock:
            index = self.index
            names = list(index.sources)
            matches = [s for s in names if s == source] or [s for s in names if s.endswith(source)]
            if not matches:
                raise InputError(f"No source matches '{source}'; `coach kb list` shows them.")
            if len(matches) > 1:
                raise InputError(
                    f"'{source}' matches {len(matches)} sources; give more of the path: " + ", ".join(matches)
                )
            built = apply_changes(index, self.embeddings, {}, {matches[0]})
            built.save(self.root)
            self._index = built
            return matches[0]

    def search(
        self,
        query: str,
        k: int = 5,
        mode: str = "hybrid",
        sources: list[str] | None = None,
        role: str | None = None,
        diversity: float = 0.0,
        query_vec: np.ndarray | None = None,
    ) -> list[Hit]:
        """The k best passages for a query; filtered by source or role; MMR when diversity > 0.
        `query_vec` skips embedding the query when the caller has it already."""
        vec = query_vec if query_vec is not None else self.embeddings.embed_array([query])[0]
        index = self.index
        allowed = index.rows_matching(sources, role) if sources or role else None
        pool = k * 4 if diversity > 0 else k
        hits = index.search(query, vec, k=pool, mode=mode, allowed=allowed)
        if diversity > 0 and len(hits) > k:
            keep = mmr(vec, index.dense.rows([h.row for h in hits]), k, diversity)
            hits = [hits[i] for i in keep]
        return hits[:k]

    def relevant(self, query: str, k: int = 5, gate: str | None = None) -> list[Hit]:
        """Like search, but only passages plausibly about `gate` (default: the query).

        The query may carry context (target role, missing skills) that would make any
        question look relevant; relevance is judged on the person's own words."""
        # One embedding call for both texts: a second short text costs almost nothing.
        asked = gate or query
        # A question none of whose words any passage holds (a guitar, a puppy, Mandarin)
        # is about something the roadmaps never mention, however close its vector lands.
        subject = subject_terms(asked)
        if not self._knows_subject(asked, subject):
            return []
        vecs = self.embeddings.embed_array([query] if gate in (None, query) else [query, gate])
        hits = _headed_first(self.search(query, k * 2, query_vec=vecs[0]), subject, k)
        return [h for h, ok in zip(hits, self._pass_gate(asked, hits, vecs[-1]), strict=True) if ok]

    def passes_gate(self, question: str, hits: list[Hit], query_vec: np.ndarray | None = None) -> list[bool]:
        """For each hit, whether the coach would quote it for this question: the relevance
        gate `relevant()` applies (`coach search` marks the passages that fail it).
        `query_vec` skips embedding the question when the caller has it already."""
        if not hits or not self._knows_subject(question, subject_terms(question)):
            return [False] * len(hits)
        vec = query_vec if query_vec is not None else self.embeddings.embed_array([question])[0]
        return self._pass_gate(question, hits, vec)

    def _knows_subject(self, asked: str, subject: set[str]) -> bool:
        """False for a question none of whose subject words (or their catalog aliases) any
        passage holds; a question with no subject words is not judged here."""
        return not subject or any(self.index.knows(t) for t in subject | set(expand(asked)))

    def _pass_gate(self, asked: str, hits: list[Hit], vec: np.ndarray) -> list[bool]:
        if not hits:
            return []
        rows = np.array([h.row for h in hits], dtype=np.int64)
        sims = self.index.dense.rows(rows) @ vec
        # A passage found by one of its units (a list item deep in a long chunk) is judged
        # by that unit too: the whole chunk's vector can sit far from a narrow question.
        if self.index.units is not None:
            sims = np.fmax(sims, self.index.units.best(rows, vec))
        close = [
            bool(sim >= MIN_DENSE_SCORE or (h.sparse > 0 and sim >= MIN_DENSE_SCORE * 0.6))
            for h, sim in zip(hits, sims, strict=True)
        ]
        # A question about a role is answered only by passages about that role: "an AI
        # product manager" shares "AI" and a cosine of 0.5 with the AI architect's phase.
        about = role_filter(asked)
        if about is None:
            return close
        role, ids = about
        return [
            ok and bool(set(ids) & set(h.chunk.roles) or covers(role, h.chunk.indexed_text))
            for h, ok in zip(hits, close, strict=True)
        ]

    def quotes(
        self, question: str, k_passages: int = 4, k_sentences: int = 3, gate: str | None = None
    ) -> list[Quote]:
        """The sentences (or list items) that best answer a question, from the passages
        `relevant()` returns with the same gate; empty when nothing relevant was found.

        Sentences are ranked against the person's own words (`gate` when given)."""
        hits = self.relevant(question, k=k_passages, gate=gate)
        if not hits:
            return []
        return self.rank_sentences(gate or question, hits, k=k_sentences)

    def rank_sentences(self, question: str, hits: list[Hit], k: int = 3) -> list[Quote]:
        """The best sentences of passages already retrieved (the second stage alone).
        Their units' vectors come from the index: only the question is embedded. When
        the question names some passages' heading ("projects"), only those are quoted."""
        subject = subject_terms(question)
        named = [h for h in hits if _names_heading(h, subject)]
        return best_sentences(
            question, named or hits, self._embed_one, self._embed_many, k=k, stored=self._stored
        )

    def _stored(self, hit: Hit) -> np.ndarray | None:
        units = self.index.units
        if units is None or self.index.position(hit.chunk.id) != hit.row:
            return None  # a hit of another index (or one built without units): embed its units
        found = units.vectors(hit.row)
        return found if len(found) else None

    def _embed_one(self, text: str) -> np.ndarray:
        return self._embed_many([text])[0]

    def _embed_many(self, texts: list[str]) -> np.ndarray:
        """Embeddings with a small cache: the same passages' sentences come back often."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vec_cache]
        if missing:
            for t, v in zip(missing, self.embeddings.embed_array(missing), strict=True):
                self._vec_cache[t] = v
            while len(self._vec_cache) > 4096:
                self._vec_cache.pop(next(iter(self._vec_cache)))
        return np.stack([self._vec_cache[t] for t in texts])

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with this id, for checking that a citation resolves."""
        index = self.index
        pos = index.position(chunk_id)
        return index.chunk_rows([pos])[0] if pos >= 0 else None
