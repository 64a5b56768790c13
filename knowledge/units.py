"""Quotable units of a chunk (sentences, list items, table rows) and their vectors.

A passage is cut into units a person could quote: whole sentences of a paragraph,
whole list items, table rows; never a heading, a rule or a label-only line. Each unit
keeps its source lines. The same units serve two stages: the index embeds each one
(with its heading and parent items) so that a question about one item of a long list
finds the passage holding it (`UnitVectors.best`), and the quote stage
(sentences.py) ranks them as answers.

Unit vectors are stored as 8-bit codes with one scale per vector: a quarter of the
bytes of float32, so a 100k-chunk index (about 300k units) still opens in well under
a second with every file's hash checked; the rounding moves a cosine by about 0.005.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from knowledge.chunking import Chunk

LONG_ITEM = 280  # a list item longer than this is quoted sentence by sentence
FILES = ("unit_codes.npy", "unit_scales.npy", "unit_offsets.npy")
_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+(?:\[[ xX]\]\s*|[\u2610\u2611\u2612]\s*)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*]*[A-Z0-9])")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")


class _Embeddings(Protocol):
    dims: int

    def embed_array(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Unit:
    """One quotable piece of a chunk: its text as quoted, the context it is scored with
    (parent items of a nested item, the header of a table row), and its source lines."""

    text: str
    context: str
    first: int
    last: int


def clean(text: str) -> str:
    """Text without Markdown emphasis and with single spaces."""
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


def split_units(chunk: Chunk) -> list[Unit]:
    """The quotable units of one chunk, in order."""
    lines = chunk.text.split("\n")
    out: list[Unit] = []
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
            if not _is_label(clean(piece)):
                out.append(Unit(clean(piece), "", lo, hi))
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
                header, i = clean(stripped.strip("|").replace("|", " | ")), i + 2
                continue
            if not _TABLE_RULE.match(stripped):
                row = clean(" | ".join(c.strip() for c in stripped.strip("|").split("|") if c.strip()))
                if re.search(r"\w", row):
                    out.append(Unit(row, header, chunk.line_start + i, chunk.line_start + i))
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
            text = clean(" ".join(body))
            parents = [(d, t) for d, t in parents if d < indent]
            context = " > ".join(t for _, t in parents) or chunk.context
            if not _is_label(text):
                first, last = chunk.line_start + i, chunk.line_start + j - 1
                if len(text) > LONG_ITEM:
                    for piece, _, _ in _split_sentences(text, 0, [0] * len(text)):
                        out.append(Unit(piece, context, first, last))
                else:
                    out.append(Unit(text, context, first, last))
            parents.append((indent, text.rstrip(":")))
            i = j
            continue
        para.append((i, stripped))
        if line.endswith("  ") or stripped.endswith(":"):
            flush_para()  # a Markdown hard line break, or a lead-in: the line stands alone
        i += 1
    flush_para()
    return out


def embedded_texts(chunk: Chunk) -> list[str]:
    """What is embedded for each unit of a chunk: its own heading (the last part of the
    section path), its parent items or table header, then its text. The heading gives a
    bare item ("Custom validators") the topic a question names ("request fields"); the
    whole path was tried and dilutes a short item (hit@5 lower on the tuning half)."""
    heading = chunk.section.rsplit(" > ", 1)[-1]
    return [
        f"{heading}: {u.context}: {u.text}" if u.context else f"{heading}: {u.text}"
        for u in split_units(chunk)
    ]


@dataclass
class UnitVectors:
    """Every chunk's unit vectors as 8-bit codes: chunk i owns rows offsets[i]:offsets[i+1]
    (none when the chunk has no unit, or the index was built without them)."""

    codes: np.ndarray  # (units, dims) int8
    scales: np.ndarray  # (units,) float32: a code times its scale / 127 is the vector
    offsets: np.ndarray  # (chunks + 1,) int64

    @classmethod
    def encode(cls, vectors: np.ndarray, counts: Sequence[int]) -> UnitVectors:
        """Quantize float unit vectors; counts[i] of them belong to chunk i, in order."""
        vectors = np.asarray(vectors, dtype=np.float32)  # (units, dims), units may be 0
        peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, np.float32)
        scales = np.where(peak > 0, peak, 1.0).astype(np.float32)
        codes = np.rint(vectors / scales[:, None] * 127).astype(np.int8)
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(np.asarray(counts, dtype=np.int64), out=offsets[1:])
        return cls(codes, scales, offsets)

    @classmethod
    def none(cls, chunks: int, dims: int) -> UnitVectors:
        """No unit for any of `chunks` chunks: search then uses chunk vectors alone."""
        return cls(np.zeros((0, dims), np.int8), np.zeros(0, np.float32), np.zeros(chunks + 1, np.int64))

    @property
    def chunks(self) -> int:
        """How many chunks these vectors cover."""
        return len(self.offsets) - 1

    def best(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Each row's best unit cosine with the query; NaN for a chunk without units."""
        picked = np.asarray(rows, dtype=np.int64)
        lo, hi = self.offsets[picked], self.offsets[picked + 1]
        counts = hi - lo
        out = np.full(len(picked), np.nan, dtype=np.float32)
        have = counts > 0
        if not have.any():
            return out
        lo, counts = lo[have], counts[have]
        idx = _ranges(lo, counts)
        sims = (self.codes[idx].astype(np.float32) @ query.astype(np.float32)) * (self.scales[idx] / 127)
        out[have] = np.maximum.reduceat(sims, np.concatenate([[0], np.cumsum(counts)[:-1]]))
        return out

    def vectors(self, row: int) -> np.ndarray:
        """One chunk's unit vectors as floats (units x dims), in the order of its units."""
        lo, hi = int(self.offsets[row]), int(self.offsets[row + 1])
        return (
            np.asarray(self.codes[lo:hi], dtype=np.float32) * (np.asarray(self.scales[lo:hi]) / 127)[:, None]
        )

    def take(self, rows: Sequence[int] | np.ndarray) -> UnitVectors:
        """The unit vectors of these chunks, in this order (for an index that keeps them)."""
        picked = np.asarray(rows, dtype=np.int64)
        lo, hi = self.offsets[picked], self.offsets[picked + 1]
        idx = _ranges(lo, hi - lo)
        return UnitVectors(np.asarray(self.codes[idx]), np.asarray(self.scales[idx]), _offsets(hi - lo))

    @staticmethod
    def concat(parts: Sequence[UnitVectors], dims: int) -> UnitVectors:
        """Chunks of several unit-vector sets, one after the other."""
        if not parts:
            return UnitVectors.none(0, dims)
        counts = np.concatenate([np.diff(p.offsets) for p in parts])
        codes = np.vstack([np.asarray(p.codes).reshape(-1, dims) for p in parts])
        return UnitVectors(codes, np.concatenate([p.scales for p in parts]), _offsets(counts))

    def save(self, folder: Path) -> list[str]:
        """Write the three arrays; the file names written."""
        for name, arr in zip(FILES, (self.codes, self.scales, self.offsets), strict=True):
            np.save(folder / name, np.ascontiguousarray(arr), allow_pickle=False)
        return list(FILES)

    @classmethod
    def load(cls, folder: Path) -> UnitVectors:
        """Map the arrays read-only (never unpickled)."""

        def arr(name: str) -> np.ndarray:
            try:
                return np.load(folder / name, mmap_mode="r", allow_pickle=False)
            except ValueError:  # an empty array cannot be mapped
                return np.load(folder / name, allow_pickle=False)

        return cls(arr(FILES[0]), arr(FILES[1]), np.asarray(arr(FILES[2])))


def embed_units(chunks: Sequence[Chunk], embeddings: _Embeddings) -> tuple[UnitVectors, list[str]]:
    """The unit vectors of chunks (each unit embedded with its heading and parent items),
    and the distinct texts embedded for them (identical texts are embedded once)."""
    per_chunk = [embedded_texts(c) for c in chunks]
    texts = [t for ts in per_chunk for t in ts]
    distinct = list(dict.fromkeys(texts))
    vectors = embeddings.embed_array(distinct) if distinct else np.zeros((0, embeddings.dims), np.float32)
    if len(distinct) < len(texts):
        position = {t: i for i, t in enumerate(distinct)}
        vectors = vectors[[position[t] for t in texts]]
    return UnitVectors.encode(vectors, [len(ts) for ts in per_chunk]), distinct


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The rows starts[i] .. starts[i] + counts[i] - 1 for every i, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # Each position minus where its range begins in the output, plus where it begins in the input.
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total, dtype=np.int64)


def _offsets(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out
