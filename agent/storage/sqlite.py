"""The SQLite backend (the default): one file under COACH_HOME holds LangGraph's
checkpoints and store and the coach's own tables.

Every connection waits for a busy database (SqliteSaver sets WAL but no busy
timeout); writes open with BEGIN IMMEDIATE so two writers queue instead of failing
halfway; start-up (WAL, LangGraph's set-up, migrations) runs under a file lock, so
many processes opening a fresh data directory at once migrate it exactly once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.store.sqlite import SqliteStore

from agent.storage import migrations
from agent.storage.files import DB_FILE
from agent.storage.locks import file_lock, lock_path
from agent.storage.migrations import Dialect

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path, autocommit: bool = True) -> sqlite3.Connection:
    """A connection that waits (up to BUSY_TIMEOUT_MS) for a busy database."""
    # The store and the coach's tables open their own BEGIN/COMMIT (autocommit mode);
    # the saver commits itself and is opened as its from_conn_string does.
    timeout = BUSY_TIMEOUT_MS / 1000
    if autocommit:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=timeout, isolation_level=None)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=timeout)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(sql, params).fetchall()]

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self.conn.execute(sql, params).rowcount


class CoachSqliteStore(SqliteStore):
    """LangGraph's SQLite store with a named lock across processes (for plan versions)."""

    lock_dir: Path

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Hold `key` across threads and processes until the block ends."""
        with file_lock(lock_path(self.lock_dir, "store", key)):
            yield


class SqliteBackend:
    """Checkpoints, store and the coach's tables in `home/coach.sqlite`."""

    dialect: Dialect = "sqlite"

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.path = home / DB_FILE
        self.lock_dir = home / "locks"
        self._start_lock = home / f"{DB_FILE}.lock"
        with file_lock(self._start_lock):
            # Switching to WAL needs the database to itself: do it once, under the lock.
            first = connect(self.path)
            first.execute("PRAGMA journal_mode=WAL")
            first.close()
        self.saver = SqliteSaver(connect(self.path, autocommit=False))
        store = CoachSqliteStore(connect(self.path))
        store.lock_dir = self.lock_dir
        self.store = store
        self.conn = connect(self.path)
        self._lock = threading.Lock()

    def migrate(self) -> None:
        """LangGraph's tables and the coach's migrations, once, under the start-up lock."""
        with file_lock(self._start_lock):
            self.saver.setup()
            self.store.setup()
            migrations.apply_pending(self.transaction, self.dialect)

    @contextmanager
    def transaction(self) -> Iterator[_SqliteTx]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One query outside any write transaction."""
        with self._lock:
            return [tuple(r) for r in self.conn.execute(sql, params).fetchall()]

    @contextmanager
    def thread_lock(self, thread_id: str) -> Iterator[None]:
        """A file lock per thread id: held across processes for the whole turn."""
        with file_lock(lock_path(self.lock_dir, "thread", thread_id)):
            yield

    def close(self) -> None:
        """Close every connection."""
        for conn in (self.saver.conn, self.store.conn, self.conn):
            conn.close()
