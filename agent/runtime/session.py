"""One coach, driven turn by turn: the single entry the REPL, CLI and Slack app share."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.coaching.review import ReviewRequest, ReviewResponse, resume_value
from agent.runtime.tracing import langfuse_enabled, run_config, trace_id_for
from agent.runtime.turns import Turn, outcome_of
from agent.storage import Storage, database_url, open_storage
from agent.storage.records import NewTurn
from tools.errors import InputError
from tools.models import Profile

# LangChain, LangGraph and the graph are imported where a turn needs them, never here:
# they take about a second to import, and `coach chat` shows its prompt without them
# (then loads them in the background while the person types: agent.runtime.warmup).
if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.graph.context import Context, Interface

MAX_MESSAGE_CHARS = 4000
STREAMED_NODES = ("answer",)  # the model's answer to a question; plan drafts arrive whole
TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Where the coach keeps its data and which models it uses."""

    home: Path
    model: str = "local"
    embeddings: str = "local"
    database_url: str | None = None  # PostgreSQL; None keeps everything in SQLite under home

    @classmethod
    def from_env(cls) -> Settings:
        """COACH_HOME, COACH_MODEL, COACH_EMBEDDINGS and COACH_DATABASE_URL, with their defaults."""
        from platformdirs import user_data_dir

        home = os.environ.get("COACH_HOME") or user_data_dir("career-coach")
        return cls(
            home=Path(home).expanduser(),
            model=os.environ.get("COACH_MODEL", "local").strip() or "local",
            embeddings=os.environ.get("COACH_EMBEDDINGS", "local").strip() or "local",
            database_url=database_url(),
        )


class NotYourThread(InputError):
    """A thread that belongs to someone else: nobody but its owner reads or writes it."""

    def __init__(self, thread_id: str, owner: str) -> None:
        super().__init__(f"Session {thread_id} belongs to someone else: start a new session of your own.")
        self.thread_id = thread_id
        self.owner = owner


class Coach:
    """The compiled graph with its storage. Turns on one thread run one at a time,
    across threads and processes; a thread belongs to the person who started it."""

    # Interfaces whose identity comes with each call (the platform's user), not with the
    # Coach: reads there are checked by the interface before it calls in.
    PER_CALL_IDENTITY = frozenset({"slack"})

    def __init__(
        self,
        settings: Settings,
        *,
        user_id: str = "local",
        interface: Interface = "repl",
        chat_model: BaseChatModel | None = None,
        retriever: Any = None,
        side_effects: bool = True,
    ) -> None:
        self.settings = settings
        self.user_id = user_id
        self.interface: Interface = interface
        self._chat_model = chat_model
        self._retriever = retriever
        self.side_effects = side_effects
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        # The first use of the storage and the graph; agent.runtime.warmup holds it while it loads them.
        self.open_lock = threading.RLock()
        self._persistence: Storage | None = None
        self._graph: Any = None

    @property
    def persistence(self) -> Storage:
        """The storage (SQLite, or PostgreSQL with COACH_DATABASE_URL), opened on first use."""
        with self.open_lock:  # warm_up may be opening it in another thread
            if self._persistence is None:
                self._persistence = open_storage(self.settings.home, self.settings.database_url)
            return self._persistence

    def close(self) -> None:
        """Close the storage's connections (the Coach opens them again if used after)."""
        with self.open_lock:
            if self._persistence is not None:
                self._persistence.close()
            self._persistence = None
            self._graph = None

    def __enter__(self) -> Coach:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def graph(self) -> Any:
        """The compiled graph, built on first use (keeps start-up fast)."""
        with self.open_lock:
            if self._graph is None:
                from agent.graph.builder import build_graph

                self._graph = build_graph(checkpointer=self.persistence.saver, store=self.persistence.store)
            return self._graph

    def saved_profile(self, user_id: str | None = None) -> Profile | None:
        """The person's saved profile, or None; CoachError when it no longer validates.

        Before the storage is open (the start of `coach chat`), a SQLite data directory is
        read directly, so the "welcome back" check does not wait for LangGraph's import."""
        from agent.storage.profiles import load_profile, peek_profile

        who = user_id or self.user_id
        if self._persistence is None and self.settings.database_url is None:
            try:
                return peek_profile(self.settings.home, who)
            except sqlite3.Error:
                pass  # not readable that way: open the storage as every other read does
        return load_profile(self.persistence.store, who)

    def context(self, user_id: str | None = None) -> Context:
        """The runtime context of a turn."""
        from agent.graph.context import Context

        return Context(
            user_id=user_id or self.user_id,
            interface=self.interface,
            model=self.settings.model,
            embeddings=self.settings.embeddings,
            home=str(self.settings.home),
            chat_model=self._chat_model,
            retriever=self._retriever,
            side_effects=self.side_effects,
            postings=self._postings,
        )

    def _postings(self, user_id: str) -> list[Any]:
        """A person's job postings, read when a turn needs them (a proposal, a gap report)."""
        return list(self.persistence.postings.list(user_id))

    @contextmanager
    def _lock(self, thread_id: str) -> Iterator[None]:
        # Nothing in LangGraph stops two runs on one thread at once: serialise them in
        # this process first (cheap), then across processes (the storage's lock).
        with self._locks_guard:
            local = self._locks.setdefault(thread_id, threading.Lock())
        with local, self.persistence.thread_lock(thread_id):
            yield

    def claim(self, thread_id: str, user_id: str | None = None) -> str:
        """The thread's owner, making it `user_id`'s (or this coach's user's) if nobody
        owns it yet. Atomic: when first messages race, one person wins."""
        return self.persistence.sessions.claim(thread_id, user_id or self.user_id, self.interface)

    def _check_owner(self, thread_id: str, user_id: str | None, claim: bool = False) -> None:
        who = user_id or (None if self.interface in self.PER_CALL_IDENTITY else self.user_id)
        if who is None:
            return
        # A read first: the thread is almost always claimed already (every turn but the
        # first), and a write transaction costs a commit; the claim itself stays atomic.
        owner = self.persistence.sessions.owner(thread_id)
        if owner is None and claim:
            owner = self.claim(thread_id, who)
        if owner is not None and owner != who:
            raise NotYourThread(thread_id, owner)

    @staticmethod
    def new_thread_id() -> str:
        """A fresh thread id."""
        return uuid.uuid4().hex[:12]

    def last_thread(self) -> str | None:
        """This user's most recent thread on this interface."""
        return self.persistence.sessions.last(self.user_id, self.interface)

    def values(self, thread_id: str, user_id: str | None = None) -> dict[str, Any]:
        """The thread's current state (refused when it is someone else's)."""
        self._check_owner(thread_id, user_id)
        return dict(self._snapshot(thread_id).values or {})

    def _snapshot(self, thread_id: str) -> Any:
        return self.graph.get_state({"configurable": {"thread_id": thread_id}})

    @staticmethod
    def _review_in(snapshot: Any) -> ReviewRequest | None:
        for task in snapshot.tasks:
            for intr in task.interrupts:
                if (review := ReviewRequest.from_interrupt(intr.value)) is not None:
                    return review
        return None

    def pending_review(self, thread_id: str, user_id: str | None = None) -> ReviewRequest | None:
        """The plan waiting for an answer on this thread, if any (refused when the
        thread is someone else's)."""
        self._check_owner(thread_id, user_id)
        return self._review_in(self._snapshot(thread_id))

    @staticmethod
    def _unfinished(snapshot: Any) -> bool:
        # Under the thread's lock nobody else runs it: steps still due with no interrupt
        # and no error mean a worker died mid-run (say between approval and commit).
        return bool(snapshot.next) and all(not t.interrupts and t.error is None for t in snapshot.tasks)

    def _finish(self, thread_id: str, snapshot: Any, user_id: str | None) -> Turn | None:
        """Run what a crashed turn left undone (the caller holds the thread's lock)."""
        if not self._unfinished(snapshot):
            return None
        values = dict(snapshot.values or {})
        return self._run(
            thread_id,
            None,
            int(values.get("turn", 0)),
            user_id,
            record=("recover", None),
            before_values=values,
        )

    def _run(
        self,
        thread_id: str,
        payload: Any,
        turn_no: int,
        user_id: str | None,
        on_token: TokenSink | None = None,
        record: tuple[str, Any] = ("message", None),
        before_values: dict[str, Any] | None = None,
    ) -> Turn:
        from langchain_core.messages import AIMessage, AIMessageChunk

        from agent.llm.models import is_capable
        from agent.storage.recordings import Recorder

        # Old messages may be trimmed during the turn: new ones are known by id, not position.
        prior = before_values if before_values is not None else dict(self._snapshot(thread_id).values or {})
        before = {m.id for m in prior.get("messages", [])}
        seed = f"{thread_id}:{turn_no}"
        config = run_config(thread_id, user_id or self.user_id, self.interface, seed)
        recorder = Recorder()
        config["callbacks"] = [*config.get("callbacks", []), recorder]
        context = self.context(user_id)
        if on_token is None:
            result = self.graph.invoke(payload, config, context=context, version="v2", durability="sync")
            values, interrupts = dict(result.value or {}), list(result.interrupts)
        else:
            # The person reads the answer as it is written: tokens of the answering
            # node go to on_token; the turn's result is read from the checkpoint after.
            for mode, part in self.graph.stream(
                payload, config, context=context, stream_mode=["messages", "updates"], durability="sync"
            ):
                if mode == "messages":
                    chunk, meta = part
                    if meta.get("langgraph_node") in STREAMED_NODES and isinstance(chunk, AIMessageChunk):
                        on_token(str(chunk.content))
            snapshot = self.graph.get_state({"configurable": {"thread_id": thread_id}})
            values = dict(snapshot.values or {})
            interrupts = [i for task in snapshot.tasks for i in task.interrupts]
        new = [m for m in values.get("messages", []) if m.id not in before]
        texts = [str(m.content) for m in new if isinstance(m, AIMessage)]
        review = None
        for intr in interrupts:
            review = ReviewRequest.from_interrupt(intr.value) or review
        turn = Turn(thread_id=thread_id, messages=texts, review=review, values=values)
        kind, recorded = record
        made = NewTurn(
            kind=kind,
            payload=recorded,
            capable=is_capable(self.settings.model, self._chat_model),
            trace_id=trace_id_for(seed) if langfuse_enabled() else None,
            calls=recorder.calls,
            outcome=outcome_of(turn),
        )
        self.persistence.record_turn(thread_id, user_id or self.user_id, self.interface, made)
        return turn

    def send(
        self, thread_id: str, text: str, user_id: str | None = None, on_token: TokenSink | None = None
    ) -> Turn:
        """A message from the person."""
        text = (text or "").strip()
        if not text:
            raise InputError("The message is empty: type what you want to tell the coach, or /help.")
        if len(text) > MAX_MESSAGE_CHARS:
            raise InputError(f"The message is {len(text)} characters; keep it under {MAX_MESSAGE_CHARS}.")
        self._check_owner(thread_id, user_id, claim=True)  # first: waits for a load in progress
        from langchain_core.messages import HumanMessage

        with self._lock(thread_id):
            snapshot = self._snapshot(thread_id)  # read once: review check, turn number, message ids
            finished = self._finish(thread_id, snapshot, user_id)
            if finished is not None:
                snapshot = self._snapshot(thread_id)
            if (waiting := self._review_in(snapshot)) is not None:
                if finished is None:
                    raise InputError(
                        "A plan is waiting for your review: answer approve, edit or reject first."
                    )
                # A turn cut short by a crash has just been finished up to its review: show that
                # review (the interface never got to), rather than refuse the message.
                finished.review = waiting
                return finished
            values = dict(snapshot.values or {})
            turn_no = int(values.get("turn", 0)) + 1
            turn = self._run(
                thread_id,
                {"messages": [HumanMessage(text)]},
                turn_no,
                user_id,
                on_token,
                ("message", text),
                values,
            )
        if finished is not None:
            turn.messages = finished.messages + turn.messages
        return turn

    def resume(
        self, thread_id: str, answer: ReviewResponse | dict[str, Any] | str, user_id: str | None = None
    ) -> Turn:
        """Answer the pending review. A second answer to an already answered review
        changes nothing: it reports that there is no plan waiting."""
        response = resume_value(answer)  # text goes to the review node's classifier as it is
        self._check_owner(thread_id, user_id, claim=True)
        from langgraph.types import Command

        with self._lock(thread_id):
            snapshot = self._snapshot(thread_id)
            finished = self._finish(thread_id, snapshot, user_id)
            if finished is not None:  # an answer that was taken before a crash: its commit is done now
                return finished
            if self._review_in(snapshot) is None:
                return Turn(
                    thread_id=thread_id, messages=["There is no plan waiting for review on this thread."]
                )
            values = dict(snapshot.values or {})
            return self._run(
                thread_id,
                Command(resume=response),
                int(values.get("turn", 0)),
                user_id,
                record=("resume", response),
                before_values=values,
            )

    def plan_from_profile(self, thread_id: str, profile: Profile, user_id: str | None = None) -> Turn:
        """Draft a plan straight from a complete profile, with no conversation."""
        self._check_owner(thread_id, user_id, claim=True)
        from langchain_core.messages import HumanMessage

        with self._lock(thread_id):
            state = {
                "messages": [HumanMessage("Draft my plan from my profile file.")],
                "profile": profile.model_dump(),
                "asking": None,
                "role_skills_asked": True,
            }
            return self._run(
                thread_id, state, 1, user_id, record=("profile", profile.model_dump(mode="json"))
            )
