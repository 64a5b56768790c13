"""Versioned schema migrations of the coach's own tables (sessions, events, recordings,
postings), the same on SQLite and PostgreSQL. LangGraph's checkpoint and store tables
are created by their own `setup()`, under the same start-up lock.

Each migration runs once, in one transaction with the row that records it; the
backends hold a lock across processes while they migrate, so many processes opening a
fresh data directory at once apply each version exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgres"]

# The few types that differ: {real} for floats.
_TYPES: dict[Dialect, dict[str, str]] = {
    "sqlite": {"real": "REAL"},
    "postgres": {"real": "DOUBLE PRECISION"},
}


@dataclass(frozen=True)
class Migration:
    """One schema version: its statements, with {type} placeholders per dialect."""

    version: int
    name: str
    statements: tuple[str, ...]

    def sql(self, dialect: Dialect) -> list[str]:
        """The statements for one backend."""
        return [s.format(**_TYPES[dialect]) for s in self.statements]


MIGRATIONS: tuple[Migration, ...] = (
    # Version 1 is the schema the coach had before migrations existed; IF NOT EXISTS
    # lets an older database adopt it as it is.
    Migration(
        1,
        "sessions, events, recordings",
        (
            "CREATE TABLE IF NOT EXISTS coach_sessions (thread_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
            "interface TEXT NOT NULL, started TEXT NOT NULL, last_turn TEXT NOT NULL, turns INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS coach_events (event_id TEXT PRIMARY KEY, seen TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS coach_turns (thread_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            "kind TEXT NOT NULL, payload TEXT NOT NULL, capable INTEGER NOT NULL, trace_id TEXT, "
            "started TEXT NOT NULL, outcome TEXT, PRIMARY KEY (thread_id, seq))",
            "CREATE TABLE IF NOT EXISTS coach_calls (thread_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            "n INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT, node TEXT, step INTEGER, input_hash TEXT, "
            "input TEXT, output TEXT, tokens_in INTEGER, tokens_out INTEGER, latency_ms {real}, "
            "PRIMARY KEY (thread_id, seq, n))",
        ),
    ),
    Migration(
        2,
        "session order, user index, job postings",
        (
            # Seconds in last_turn tie too often to order sessions; keep the exact time.
            "ALTER TABLE coach_sessions ADD COLUMN touched {real} NOT NULL DEFAULT 0",
            "CREATE INDEX IF NOT EXISTS coach_sessions_user ON coach_sessions (user_id, touched)",
            "CREATE TABLE IF NOT EXISTS coach_postings (posting_id TEXT NOT NULL, user_id TEXT NOT NULL, "
            "position TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL, "
            "added TEXT NOT NULL, PRIMARY KEY (user_id, posting_id))",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


class Executor(Protocol):
    """Runs one statement inside an open transaction; rows come back as tuples."""

    def __call__(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]: ...


def ensure_version_table(run: Executor) -> None:
    """The table that records which versions were applied."""
    run(
        "CREATE TABLE IF NOT EXISTS coach_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied TEXT NOT NULL)"
    )


def applied_versions(run: Executor) -> set[int]:
    """The versions already applied."""
    return {int(str(r[0])) for r in run("SELECT version FROM coach_schema")}


def apply_one(run: Executor, migration: Migration, dialect: Dialect) -> None:
    """Apply one migration and record it (the caller holds the transaction and the lock)."""
    for statement in migration.sql(dialect):
        run(statement)
    run(
        "INSERT INTO coach_schema (version, name, applied) VALUES (?, ?, ?)",
        (migration.version, migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
    )


def apply_pending(transaction: Callable[[], AbstractContextManager[Any]], dialect: Dialect) -> None:
    """Every migration not yet applied, in order, each in its own transaction. The caller
    holds the backend's start-up lock, so concurrent starts apply each one once."""
    with transaction() as tx:
        ensure_version_table(tx.run)
        done = applied_versions(tx.run)
    for migration in MIGRATIONS:
        if migration.version not in done:
            with transaction() as tx:
                apply_one(tx.run, migration, dialect)
