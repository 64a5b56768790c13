"""The coach's own queries, written once for every backend: the sessions registry
(with thread ownership), Slack event dedupe, and job postings."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from agent.storage.base import Backend, Tx
from agent.storage.records import PostingRecord, SessionRow


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_SESSION_COLUMNS = "thread_id, user_id, interface, started, last_turn, turns"


def touch_session(tx: Tx, thread_id: str, user_id: str, interface: str) -> None:
    """Record a turn on a thread inside the caller's transaction (claiming it for
    `user_id` if nobody has)."""
    now = _now()
    tx.count(
        "INSERT INTO coach_sessions (thread_id, user_id, interface, started, last_turn, turns, touched) "
        "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (thread_id) DO UPDATE SET "
        "last_turn = excluded.last_turn, turns = coach_sessions.turns + 1, touched = excluded.touched",
        (thread_id, user_id, interface, now, now, time.time()),
    )


class SessionRegistry:
    """Threads with their owner, interface and times."""

    def __init__(self, db: Backend) -> None:
        self.db = db

    def claim(self, thread_id: str, user_id: str, interface: str) -> str:
        """Make `user_id` the owner of a thread nobody owns yet; the owner either way.

        Decided by the primary key inside one transaction: when two people's first
        messages race, exactly one insert wins and both see the same owner.
        """
        now = _now()
        with self.db.transaction() as tx:
            tx.count(
                "INSERT INTO coach_sessions (thread_id, user_id, interface, started, last_turn, turns, touched) "
                "VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (thread_id) DO NOTHING",
                (thread_id, user_id, interface, now, now, time.time()),
            )
            rows = tx.run("SELECT user_id FROM coach_sessions WHERE thread_id = ?", (thread_id,))
        return str(rows[0][0])

    def touch(self, thread_id: str, user_id: str, interface: str) -> None:
        """Record a turn on a thread (claiming it for `user_id` if nobody has)."""
        with self.db.transaction() as tx:
            touch_session(tx, thread_id, user_id, interface)

    def list(self, user_id: str | None = None) -> list[SessionRow]:
        """Sessions, most recent first."""
        sql = f"SELECT {_SESSION_COLUMNS} FROM coach_sessions"
        args: tuple[str, ...] = ()
        if user_id is not None:
            sql += " WHERE user_id = ?"
            args = (user_id,)
        rows = self.db.read(sql + " ORDER BY touched DESC, thread_id", args)
        keys = _SESSION_COLUMNS.split(", ")
        return [SessionRow.model_validate(dict(zip(keys, row, strict=True))) for row in rows]

    def owner(self, thread_id: str) -> str | None:
        """The user a thread belongs to (whoever started it)."""
        rows = self.db.read("SELECT user_id FROM coach_sessions WHERE thread_id = ?", (thread_id,))
        return str(rows[0][0]) if rows else None

    def forget(self, thread_id: str) -> None:
        """Drop a thread from the registry."""
        with self.db.transaction() as tx:
            tx.count("DELETE FROM coach_sessions WHERE thread_id = ?", (thread_id,))

    def last(self, user_id: str, interface: str | None = None) -> str | None:
        """The user's most recent thread (on that interface)."""
        for row in self.list(user_id):
            if interface is None or row.interface == interface:
                return row.thread_id
        return None


class EventLog:
    """Ids of deliveries already handled (Slack retries an event when no 2xx arrives
    within 3 s, and Bolt does not deduplicate). Kept in the database, so a restart,
    or another worker, still handles each event once."""

    def __init__(self, db: Backend) -> None:
        self.db = db

    def first_time(self, event_id: str) -> bool:
        """Record the id; True only the first time it is seen, in any process."""
        with self.db.transaction() as tx:
            added = tx.count(
                "INSERT INTO coach_events (event_id, seen) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING",
                (event_id, _now()),
            )
        return added == 1


_POSTING_COLUMNS = "posting_id, user_id, position, source, sha256, text, added"


class PostingStore:
    """Job postings, per person (evidence for the skills of a position)."""

    def __init__(self, db: Backend) -> None:
        self.db = db

    def add(self, postings: list[PostingRecord]) -> int:
        """Add postings in one transaction (all or none); how many were new.
        A posting already there (same user and id) is left as it is."""
        added = 0
        with self.db.transaction() as tx:
            for p in postings:
                added += tx.count(
                    f"INSERT INTO coach_postings ({_POSTING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (user_id, posting_id) DO NOTHING",
                    (p.posting_id, p.user_id, p.position, p.source, p.sha256, p.text, p.added or _now()),
                )
        return added

    def list(self, user_id: str, position: str | None = None) -> list[PostingRecord]:
        """A person's postings (for one position), oldest first."""
        sql = f"SELECT {_POSTING_COLUMNS} FROM coach_postings WHERE user_id = ?"
        args: tuple[str, ...] = (user_id,)
        if position is not None:
            sql += " AND position = ?"
            args += (position,)
        keys = _POSTING_COLUMNS.split(", ")
        rows = self.db.read(sql + " ORDER BY added, posting_id", args)
        return [PostingRecord.model_validate(dict(zip(keys, r, strict=True))) for r in rows]

    def remove(self, user_id: str, posting_id: str) -> bool:
        """Remove one of a person's postings; False when there was none."""
        with self.db.transaction() as tx:
            n = tx.count(
                "DELETE FROM coach_postings WHERE user_id = ? AND posting_id = ?", (user_id, posting_id)
            )
        return n > 0
