"""SQLite persistence under COACH_HOME: LangGraph checkpoints, the plan store, and a
small registry of sessions (who, where, when) for listing and resuming them."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.store.sqlite import SqliteStore

from agent.storage.recordings import RecordingStore

# SqliteSaver sets WAL but no busy timeout: a second writer would fail at once with
# "database is locked" instead of waiting its turn.
BUSY_TIMEOUT_MS = 10_000


def _connect(path: Path, autocommit: bool = True) -> sqlite3.Connection:
    # The store opens its own BEGIN/COMMIT and expects autocommit mode; the saver
    # commits itself and is opened as its from_conn_string does.
    timeout = BUSY_TIMEOUT_MS / 1000
    if autocommit:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=timeout, isolation_level=None)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=timeout)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


@dataclass
class Persistence:
    """The three things that live in coach.sqlite."""

    saver: SqliteSaver
    store: SqliteStore
    sessions: SessionRegistry
    events: EventLog
    recordings: RecordingStore

    def close(self) -> None:
        """Close every connection."""
        for conn in (self.saver.conn, self.store.conn, self.sessions.conn):
            conn.close()


class SessionRegistry:
    """Threads with their user, interface and times."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()
        with self._lock, conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS coach_sessions (thread_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                "interface TEXT NOT NULL, started TEXT NOT NULL, last_turn TEXT NOT NULL, turns INTEGER NOT NULL)"
            )

    def touch(self, thread_id: str, user_id: str, interface: str) -> None:
        """Record a turn on a thread."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self.conn:
            self.conn.execute(
                "INSERT INTO coach_sessions VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(thread_id) DO UPDATE SET "
                "last_turn = excluded.last_turn, turns = turns + 1",
                (thread_id, user_id, interface, now, now),
            )

    def list(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Sessions, most recent first."""
        sql = "SELECT thread_id, user_id, interface, started, last_turn, turns FROM coach_sessions"
        args: tuple[str, ...] = ()
        if user_id is not None:
            sql += " WHERE user_id = ?"
            args = (user_id,)
        with self._lock:
            rows = self.conn.execute(sql + " ORDER BY last_turn DESC, rowid DESC", args).fetchall()
        keys = ("thread_id", "user_id", "interface", "started", "last_turn", "turns")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def owner(self, thread_id: str) -> str | None:
        """The user a thread belongs to (whoever started it)."""
        with self._lock:
            row = self.conn.execute(
                "SELECT user_id FROM coach_sessions WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def forget(self, thread_id: str) -> None:
        """Drop a thread from the registry."""
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM coach_sessions WHERE thread_id = ?", (thread_id,))

    def last(self, user_id: str, interface: str | None = None) -> str | None:
        """The user's most recent thread."""
        for row in self.list(user_id):
            if interface is None or row["interface"] == interface:
                return str(row["thread_id"])
        return None


class EventLog:
    """Ids of deliveries already handled (Slack retries an event when no 2xx arrives
    within 3 s, and Bolt does not deduplicate). Kept in the database, so a restart
    in the middle of a retry storm still handles each event once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()
        with self._lock, conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS coach_events (event_id TEXT PRIMARY KEY, seen TEXT NOT NULL)"
            )

    def first_time(self, event_id: str) -> bool:
        """Record the id; True only the first time it is seen."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self.conn:
            cur = self.conn.execute("INSERT OR IGNORE INTO coach_events VALUES (?, ?)", (event_id, now))
        return cur.rowcount == 1


def open_persistence(home: Path) -> Persistence:
    """Open (creating if needed) the database under `home`."""
    home.mkdir(parents=True, exist_ok=True)
    db = home / "coach.sqlite"
    saver = SqliteSaver(_connect(db, autocommit=False))
    saver.setup()
    store = SqliteStore(_connect(db))
    store.setup()
    registry_conn = _connect(db)
    return Persistence(
        saver=saver,
        store=store,
        sessions=SessionRegistry(registry_conn),
        events=EventLog(registry_conn),
        recordings=RecordingStore(registry_conn),
    )
