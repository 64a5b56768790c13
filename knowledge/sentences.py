"""The second stage: the sentences within the top passages that answer a question.

A passage is cut into units a person could quote: whole sentences of a paragraph,
whole list items, table rows; never a heading, a rule or a label-only line. Each unit
keeps its source lines for the citation. Units are ranked by a fusion of embedding
similarity and BM25 over the units themselves, plus a little of their passage's rank.
A nested item is scored with its parent items and a table row with its header, the
way the passage index scores chunks with their heading path, but quoted as written.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.expansion import expand
from knowledge.index import Hit
from knowledge.sparse import query_weights
from knowledge.terms import terms

# Weights of the fused score: cosine (about 0.1-0.8), BM25 scaled to the best unit (0-1),
# and the passage's retrieval rank (1 for the first passage, 1/2, 1/3 ...).
W_DENSE, W_SPARSE, W_PASSAGE = 1.0, 0.35, 0.1
LONG_ITEM = 280  # a list item longer than this is quoted sentence by sentence
_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+(?:\[[ xX]\]\s*|[\u2610\u2611\u2612]\s*)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*]*[A-Z0-9])")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")


@dataclass
class Quote:
    """A sentence or list item of a source, with its citation and score."""

    text: str
    source: str
    section: str
    lines: tuple[int, int]
    score: float
    chunk_id: str

    def citation(self) -> str:
        """'genai_engineer.md > Phase 2, lines 14-14'."""
        return f"{self.source} > {self.section}, lines {self.lines[0]}-{self.lines[1]}"


@dataclass
class _Unit:
    text: str  # as quoted
    context: str  # scored with it, not quoted
    first: int
    last: int
    hit_rank: int
    hit: Hit


def _clean(text: str) -> str:
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_label(text: str) -> bool:
    """A heading-like line: no sentence of its own ('Action Plan:', '**Programming:**')."""
    words = re.findall(r"\w+", text)
    return not words or (text.rstrip().endswith(":") and len(words) <= 5)


def _split_sentences(text: str, first: int, line_of: list[int]) -> list[tuple[str, int, int]]:
    """Sentences of a paragraph, each with its first and last line (by character offset)."""
    out, start = [], 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[start:end].strip()
        if piece:
            lo = line_of[min(start, len(line_of) - 1)]
            hi = line_of[min(max(end - 1, start), len(line_of) - 1)]
            out.append((piece, first + lo, first + hi))
        if m:
            start = m.end()
    return out


def units(hit: Hit, rank: int = 0) -> list[_Unit]:
    """The quotable units of one retrieved passage, in order."""
    chunk = hit.chunk
    lines = chunk.text.split("\n")
    out: list[_Unit] = []
    parents: list[tuple[int, str]] = []  # (indent, text) of open list items
    header = ""
    para: list[tuple[int, str]] = []  # (line index, text) of the open paragraph

    def flush_para() -> None:
        if not para:
            return
        text, line_of = "", []
        for idx, part in para:
            if text:
                text += " "
                line_of.append(idx)
            text += part
            line_of.extend([idx] * len(part))
        for piece, lo, hi in _split_sentences(text, chunk.line_start, line_of):
            if not _is_label(_clean(piece)):
                out.append(_Unit(_clean(piece), "", lo, hi, rank, hit))
        para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _RULE.match(stripped):
            flush_para()
            if stripped.startswith("#"):
                parents, header = [], ""
            i += 1
            continue
        if stripped.startswith("|"):
            flush_para()
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if _TABLE_RULE.match(nxt) and not _TABLE_RULE.match(stripped):
                header, i = _clean(stripped.strip("|").replace("|", " | ")), i + 2
                continue
            if not _TABLE_RULE.match(stripped):
                row = _clean(" | ".join(c.strip() for c in stripped.strip("|").split("|") if c.strip()))
                if re.search(r"\w", row):
                    out.append(_Unit(row, header, chunk.line_start + i, chunk.line_start + i, rank, hit))
            i += 1
            continue
        item = _ITEM.match(line)
        if item:
            flush_para()
            indent = len(line) - len(line.lstrip())
            j, body = i + 1, [line[item.end() :].strip()]
            while (
                j < len(lines)
                and lines[j].strip()
                and not _ITEM.match(lines[j])
                and (len(lines[j]) - len(lines[j].lstrip()) > indent)
            ):
                body.append(lines[j].strip())
                j += 1
            text = _clean(" ".join(body))
            parents = [(d, t) for d, t in parents if d < indent]
            context = " > ".join(t for _, t in parents) or chunk.context
            if not _is_label(text):
                first, last = chunk.line_start + i, chunk.line_start + j - 1
                if len(text) > LONG_ITEM:
                    for piece, _, _ in _split_sentences(text, 0, [0] * len(text)):
                        out.append(_Unit(piece, context, first, last, rank, hit))
                else:
                    out.append(_Unit(text, context, first, last, rank, hit))
            parents.append((indent, text.rstrip(":")))
            i = j
            continue
        para.append((i, stripped))
        if line.endswith("  ") or stripped.endswith(":"):
            flush_para()  # a Markdown hard line break, or a lead-in: the line stands alone
        i += 1
    flush_para()
    return out


def _bm25(
    query_terms: dict[str, float], docs: list[list[str]], k1: float = 1.2, b: float = 0.75
) -> np.ndarray:
    n = len(docs)
    avg = sum(len(d) for d in docs) / n if n else 0.0
    df = Counter(t for d in docs for t in set(d))
    out = np.zeros(n, dtype=np.float32)
    for i, d in enumerate(docs):
        tf = Counter(d)
        for t, w in query_terms.items():
            if t in tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                out[i] += w * idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / (avg or 1)))
    return out


def best_sentences(
    query: str,
    hits: Sequence[Hit],
    embed_query: Callable[[str], np.ndarray] | None,
    embed_docs: Callable[[list[str]], np.ndarray] | None,
    k: int = 3,
) -> list[Quote]:
    """The k sentences or list items of `hits` that best answer `query`, best first.

    Without embedding functions, BM25 and passage rank alone rank them."""
    seen: set[tuple[str, int, int, str]] = set()
    pool: list[_Unit] = []
    for rank, hit in enumerate(hits):
        for u in units(hit, rank):
            key = (hit.chunk.source, u.first, u.last, u.text)
            if key not in seen:
                seen.add(key)
                pool.append(u)
    if not pool or k <= 0:
        return []
    scored_texts = [f"{u.context}: {u.text}" if u.context else u.text for u in pool]
    sparse = _bm25(query_weights(query, expand(query)), [terms(t) for t in scored_texts])
    score = W_SPARSE * (sparse / sparse.max() if sparse.max() > 0 else sparse)
    score += W_PASSAGE * np.array([1.0 / (1 + u.hit_rank) for u in pool], dtype=np.float32)
    if embed_query is not None and embed_docs is not None:
        q = np.asarray(embed_query(query), dtype=np.float32).reshape(-1)
        score += W_DENSE * (np.asarray(embed_docs(scored_texts), dtype=np.float32) @ q)
    best = np.argsort(-score, kind="stable")[:k]
    return [
        Quote(
            text=pool[i].text,
            source=pool[i].hit.chunk.source,
            section=pool[i].hit.chunk.section,
            lines=(pool[i].first, pool[i].last),
            score=float(score[i]),
            chunk_id=pool[i].hit.chunk.id,
        )
        for i in best
    ]
