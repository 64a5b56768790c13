"""Chunk text and metadata in SQLite, read lazily: opening a 100k-chunk index reads no text.

The file is written once per index version and opened read-only and immutable, so
any number of threads and processes can read it while a new version is written aside.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from knowledge.chunking import Chunk

_COLUMNS = "id, source, section, line_start, line_end, text, roles, context"
_BATCH = 5_000


def write_chunks(path: Path, chunks: Iterable[Chunk]) -> int:
    """Write chunks in row order to a new SQLite file; the number written."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute(
            "CREATE TABLE chunks (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, source TEXT NOT NULL, "
            "section TEXT NOT NULL, line_start INTEGER, line_end INTEGER, text TEXT NOT NULL, "
            "roles TEXT NOT NULL, context TEXT NOT NULL)"
        )
        count = 0
        batch: list[tuple[object, ...]] = []
        for c in chunks:
            batch.append(
                (count, c.id, c.source, c.section, c.line_start, c.line_end, c.text,
                 json.dumps(list(c.roles)), c.context)
            )  # fmt: skip
            count += 1
            if len(batch) >= _BATCH:
                con.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)", batch)
                batch = []
        if batch:
            con.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)", batch)
        con.execute("CREATE INDEX chunks_id ON chunks(id)")
        con.execute("CREATE INDEX chunks_source ON chunks(source)")
        con.commit()
    finally:
        con.close()
    return count


def _chunk(row: tuple[object, ...]) -> Chunk:
    cid, source, section, start, end, text, roles, context = row
    return Chunk(
        id=str(cid),
        source=str(source),
        section=str(section),
        line_start=int(start),  # type: ignore[call-overload]
        line_end=int(end),  # type: ignore[call-overload]
        text=str(text),
        roles=tuple(json.loads(str(roles))),
        context=str(context),
    )


class ChunkTable(Sequence[Chunk]):
    """The chunks of a saved index as a read-only sequence; rows are read when asked for."""

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        self._count = count
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    @overload
    def __getitem__(self, i: int) -> Chunk: ...
    @overload
    def __getitem__(self, i: slice) -> list[Chunk]: ...
    def __getitem__(self, i: int | slice) -> Chunk | list[Chunk]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(i)
        rows = self._rows(f"SELECT {_COLUMNS} FROM chunks WHERE pos = ?", (i,))
        return _chunk(rows[0])

    def many(self, rows: Sequence[int]) -> list[Chunk]:
        """Several chunks by row, in the order asked (one query)."""
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        got = self._rows(f"SELECT pos, {_COLUMNS} FROM chunks WHERE pos IN ({marks})", list(rows))
        by_row = {int(r[0]): _chunk(r[1:]) for r in got}  # type: ignore[call-overload]
        return [by_row[r] for r in rows]

    def __iter__(self) -> Iterator[Chunk]:
        for lo in range(0, self._count, _BATCH):
            rows = self._rows(
                f"SELECT {_COLUMNS} FROM chunks WHERE pos >= ? AND pos < ? ORDER BY pos", (lo, lo + _BATCH)
            )
            yield from (_chunk(r) for r in rows)

    def __add__(self, other: Sequence[Chunk]) -> list[Chunk]:
        return [*self, *other]

    def position(self, chunk_id: str) -> int:
        """Row of a chunk id, or -1."""
        rows = self._rows("SELECT pos FROM chunks WHERE id = ? LIMIT 1", (chunk_id,))
        return int(rows[0][0]) if rows else -1  # type: ignore[call-overload]

    def rows_of_sources(self, sources: Sequence[str]) -> np.ndarray:
        """Rows whose source is one of `sources` (exact names)."""
        if not sources:
            return np.zeros(0, dtype=np.int64)
        marks = ",".join("?" * len(sources))
        got = self._rows(f"SELECT pos FROM chunks WHERE source IN ({marks})", list(sources))
        return np.fromiter((r[0] for r in got), dtype=np.int64)

    def rows_with_role(self, role: str) -> np.ndarray:
        """Rows tagged with a catalog role."""
        got = self._rows("SELECT pos FROM chunks WHERE instr(roles, ?) > 0", (json.dumps(role),))
        return np.fromiter((r[0] for r in got), dtype=np.int64)

    def close(self) -> None:
        """Release the file (the index folder may then be deleted)."""
        with self._lock:
            self._con.close()
