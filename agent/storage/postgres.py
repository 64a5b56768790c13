"""The PostgreSQL backend (`COACH_DATABASE_URL=postgresql://...`): checkpoints
(PostgresSaver), the store (PostgresStore), sessions, recordings, Slack dedupe and
postings in one database that any number of workers on any number of hosts share.

Connections come from a psycopg pool (autocommit, dict rows, as LangGraph's classes
expect). Locks are PostgreSQL advisory locks, held by a second small pool so that a
turn waiting for its thread never starves the pool its graph needs: a transaction
lock per thread for a whole turn, per store key for plan versions, and a session lock
around start-up so concurrent workers migrate once. The server drops them when a
worker dies.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.store.postgres import PostgresStore
from psycopg import Connection
from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool

from agent.storage import migrations
from agent.storage.migrations import Dialect
from tools.errors import ConfigError

# Advisory lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_STARTUP, _THREAD, _STORE = 7101, 7102, 7103
POOL_SIZE = 16
LOCK_POOL_SIZE = 32


def _pg(sql: str) -> str:
    # The shared queries use SQLite's "?" placeholders; psycopg's are "%s".
    return sql.replace("?", "%s")


class _PgTx:
    def __init__(self, conn: Connection[Any]) -> None:
        self.conn = conn

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(_pg(sql), params)
            return list(cur.fetchall()) if cur.description else []

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self.conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(_pg(sql), params)
            return cur.rowcount


@contextmanager
def _advisory(pool: ConnectionPool[Any], space: int, key: str) -> Iterator[None]:
    """A transaction-scoped advisory lock on (space, hashtext(key)), held for the block."""
    with pool.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (space, key))
        yield


class CoachPostgresStore(PostgresStore):
    """LangGraph's Postgres store with a named lock across processes (for plan versions)."""

    lock_pool: ConnectionPool[Any]

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Hold `key` across workers until the block ends."""
        with _advisory(self.lock_pool, _STORE, key):
            yield


class PostgresBackend:
    """Everything in one PostgreSQL database (or one schema of it, through the URL's
    `options=-csearch_path=...`)."""

    dialect: Dialect = "postgres"

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
        try:
            self.pool: ConnectionPool[Any] = ConnectionPool(
                url, min_size=1, max_size=pool_size, kwargs=kwargs, open=True, name="coach"
            )
            self.pool.wait(timeout=10)
        except Exception as exc:
            raise ConfigError(
                f"Cannot reach PostgreSQL at COACH_DATABASE_URL ({type(exc).__name__}): check the URL and "
                "that the server runs (on this machine: pg_ctlcluster --skip-systemctl-redirect 15 main start)."
            ) from exc
        self.lock_pool: ConnectionPool[Any] = ConnectionPool(
            url,
            min_size=0,
            max_size=LOCK_POOL_SIZE,
            kwargs={"autocommit": True},
            open=True,
            name="coach-locks",
        )
        self.saver = PostgresSaver(self.pool)
        store = CoachPostgresStore(self.pool)
        store.lock_pool = self.lock_pool
        self.store = store

    def migrate(self) -> None:
        """LangGraph's set-up and the coach's migrations, once, under a session advisory lock:
        concurrent CREATE TABLE IF NOT EXISTS can otherwise collide in the catalog."""
        with self.lock_pool.connection() as conn:
            # Poll rather than wait inside pg_advisory_lock: a waiting statement is an open
            # transaction, and the holder's CREATE INDEX CONCURRENTLY (in LangGraph's set-up)
            # waits for every open transaction: the two would wait for each other forever.
            while not conn.execute("SELECT pg_try_advisory_lock(%s, 0)", (_STARTUP,)).fetchone()[0]:
                time.sleep(0.05)
            try:
                self.saver.setup()
                self.store.setup()
                migrations.apply_pending(self.transaction, self.dialect)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, 0)", (_STARTUP,))

    @contextmanager
    def transaction(self) -> Iterator[_PgTx]:
        """BEGIN ... COMMIT on one pooled connection, or ROLLBACK on any exception."""
        with self.pool.connection() as conn, conn.transaction():
            yield _PgTx(conn)

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One query on a pooled connection."""
        with self.pool.connection() as conn, conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(_pg(sql), params)
            return list(cur.fetchall())

    @contextmanager
    def thread_lock(self, thread_id: str) -> Iterator[None]:
        """pg_advisory_xact_lock on the thread id's hash, held for the whole turn."""
        with _advisory(self.lock_pool, _THREAD, thread_id):
            yield

    def close(self) -> None:
        """Close both pools."""
        self.pool.close()
        self.lock_pool.close()
