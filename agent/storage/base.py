"""The storage interface: one small protocol that the SQLite and PostgreSQL backends
satisfy, and the `Storage` facade every part of the coach uses.

A backend gives: LangGraph's checkpointer and store, versioned migrations, real
transactions, and a lock per thread that holds across processes. The queries each
part needs (sessions, Slack dedupe, recordings, postings) are written once on top of
it with `?` placeholders and named columns; plan versions live in the store and are
allocated under the store's own lock (`agent.storage.plans`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from agent.storage.migrations import Dialect

if TYPE_CHECKING:  # types only: LangGraph's import is left to the backend that opens it
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.store.base import BaseStore

    from agent.storage.records import NewTurn


class Tx(Protocol):
    """An open transaction: run statements, read rows as tuples, count changed rows."""

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Execute one statement; the rows it returns (none for a write)."""
        ...

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Execute one write; how many rows it changed."""
        ...


class Backend(Protocol):
    """What a database must provide for the coach."""

    dialect: Dialect

    @property
    def saver(self) -> BaseCheckpointSaver[Any]:
        """LangGraph's checkpointer on this database."""
        ...

    @property
    def store(self) -> BaseStore:
        """LangGraph's store on this database."""
        ...

    def migrate(self) -> None:
        """Create or upgrade every table once, even when many processes start together."""
        ...

    def transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction: all of it is committed, or none of it (on any exception)."""
        ...

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One read-only query."""
        ...

    def thread_lock(self, thread_id: str) -> AbstractContextManager[None]:
        """Hold a thread for one turn: other processes and threads wait for it."""
        ...

    def close(self) -> None:
        """Close every connection."""
        ...


@runtime_checkable
class LockingStore(Protocol):
    """A LangGraph store that can also hold a named lock across processes."""

    def locked(self, key: str) -> AbstractContextManager[None]:
        """Hold `key` until the block ends; other holders of the same key wait."""
        ...


class Storage:
    """Everything the coach keeps, behind one object: checkpoints and store (LangGraph),
    the sessions registry, Slack dedupe, recordings and postings."""

    def __init__(self, backend: Backend) -> None:
        from agent.storage.queries import EventLog, PostingStore, SessionRegistry
        from agent.storage.recordings import RecordingStore

        self.backend = backend
        self.sessions = SessionRegistry(backend)
        self.events = EventLog(backend)
        self.recordings = RecordingStore(backend)
        self.postings = PostingStore(backend)

    @property
    def dialect(self) -> Dialect:
        """ "sqlite" or "postgres"."""
        return self.backend.dialect

    @property
    def saver(self) -> BaseCheckpointSaver[Any]:
        """LangGraph's checkpointer."""
        return self.backend.saver

    @property
    def store(self) -> BaseStore:
        """LangGraph's store: profiles and saved plans, per user."""
        return self.backend.store

    def transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction over the coach's own tables."""
        return self.backend.transaction()

    def record_turn(self, thread_id: str, user_id: str, interface: str, turn: NewTurn) -> int:
        """After a turn: the sessions registry's touch and the turn's recording (input,
        calls, outcome) in one transaction, so one commit (one fsync on SQLite) instead
        of two, and never one without the other; the turn's number."""
        from agent.storage.queries import touch_session
        from agent.storage.recordings import write_turn

        with self.backend.transaction() as tx:
            touch_session(tx, thread_id, user_id, interface)
            return write_turn(tx, thread_id, turn)

    @contextmanager
    def thread_lock(self, thread_id: str) -> Iterator[None]:
        """Serialise turns on one thread across threads and processes."""
        with self.backend.thread_lock(thread_id):
            yield

    def close(self) -> None:
        """Close every connection."""
        self.backend.close()
