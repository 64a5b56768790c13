"""One coach, driven turn by turn: the single entry the REPL, CLI and Slack app share."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.types import Command

from agent.coaching.review import ReviewRequest, ReviewResponse, parse_response
from agent.graph.context import Context, Interface
from agent.llm.models import is_capable
from agent.runtime.tracing import langfuse_enabled, run_config, trace_id_for
from agent.storage.recordings import Recorder
from agent.storage.sqlite import Persistence, open_persistence
from tools.errors import InputError
from tools.models import Profile

MAX_MESSAGE_CHARS = 4000
STREAMED_NODES = ("answer",)  # the model's answer to a question; plan drafts arrive whole
TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Where the coach keeps its data and which models it uses."""

    home: Path
    model: str = "local"
    embeddings: str = "local"

    @classmethod
    def from_env(cls) -> Settings:
        """COACH_HOME, COACH_MODEL and COACH_EMBEDDINGS, with their defaults."""
        from platformdirs import user_data_dir

        home = os.environ.get("COACH_HOME") or user_data_dir("career-coach")
        return cls(
            home=Path(home).expanduser(),
            model=os.environ.get("COACH_MODEL", "local").strip() or "local",
            embeddings=os.environ.get("COACH_EMBEDDINGS", "local").strip() or "local",
        )


@dataclass
class Turn:
    """What one turn produced."""

    thread_id: str
    messages: list[str] = field(default_factory=list)
    review: ReviewRequest | None = None
    values: dict[str, Any] = field(default_factory=dict)


def outcome_of(turn: Turn) -> dict[str, Any]:
    """What a turn decided, as replays compare it: route, figures, review, saved plan."""
    values = turn.values
    reports = values.get("reports") or {}
    return {
        "route": values.get("route"),
        "understood_by": values.get("understood_by"),
        "totals": {
            k: [r.get("total_hours"), r.get("total_weeks"), r.get("attainable")] for k, r in reports.items()
        },
        "review": turn.review.draft_id if turn.review else None,
        "committed": values.get("committed"),
        "replies": len(turn.messages),
    }


class Coach:
    """The compiled graph with its persistence, serialising turns per thread."""

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

    @cached_property
    def persistence(self) -> Persistence:
        """The database, opened on first use."""
        return open_persistence(self.settings.home)

    @cached_property
    def graph(self) -> Any:
        """The compiled graph, built on first use (keeps start-up fast)."""
        from agent.graph.builder import build_graph

        return build_graph(checkpointer=self.persistence.saver, store=self.persistence.store)

    def context(self, user_id: str | None = None) -> Context:
        """The runtime context of a turn."""
        return Context(
            user_id=user_id or self.user_id,
            interface=self.interface,
            model=self.settings.model,
            embeddings=self.settings.embeddings,
            home=str(self.settings.home),
            chat_model=self._chat_model,
            retriever=self._retriever,
            side_effects=self.side_effects,
        )

    def _lock(self, thread_id: str) -> threading.Lock:
        # Nothing in LangGraph stops two runs on one thread at once: serialise them here.
        with self._locks_guard:
            return self._locks.setdefault(thread_id, threading.Lock())

    @staticmethod
    def new_thread_id() -> str:
        """A fresh thread id."""
        return uuid.uuid4().hex[:12]

    def last_thread(self) -> str | None:
        """This user's most recent thread on this interface."""
        return self.persistence.sessions.last(self.user_id, self.interface)

    def values(self, thread_id: str) -> dict[str, Any]:
        """The thread's current state."""
        return dict(self._snapshot(thread_id).values or {})

    def _snapshot(self, thread_id: str) -> Any:
        return self.graph.get_state({"configurable": {"thread_id": thread_id}})

    @staticmethod
    def _review_in(snapshot: Any) -> ReviewRequest | None:
        for task in snapshot.tasks:
            for intr in task.interrupts:
                if isinstance(intr.value, dict) and intr.value.get("kind") == "plan_review":
                    return ReviewRequest.model_validate(intr.value)
        return None

    def pending_review(self, thread_id: str) -> ReviewRequest | None:
        """The plan waiting for an answer on this thread, if any."""
        return self._review_in(self._snapshot(thread_id))

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
        self.persistence.sessions.touch(thread_id, user_id or self.user_id, self.interface)
        new = [m for m in values.get("messages", []) if m.id not in before]
        texts = [str(m.content) for m in new if isinstance(m, AIMessage)]
        review = None
        for intr in interrupts:
            if isinstance(intr.value, dict) and intr.value.get("kind") == "plan_review":
                review = ReviewRequest.model_validate(intr.value)
        turn = Turn(thread_id=thread_id, messages=texts, review=review, values=values)
        kind, recorded = record
        self.persistence.recordings.save_turn(
            thread_id,
            self.persistence.recordings.next_seq(thread_id),
            kind,
            recorded,
            is_capable(self.settings.model, self._chat_model),
            trace_id_for(seed) if langfuse_enabled() else None,
            recorder.calls,
            outcome_of(turn),
        )
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
        with self._lock(thread_id):
            snapshot = self._snapshot(thread_id)  # read once: review check, turn number, message ids
            if self._review_in(snapshot) is not None:
                raise InputError("A plan is waiting for your review: answer approve, edit or reject first.")
            values = dict(snapshot.values or {})
            turn_no = int(values.get("turn", 0)) + 1
            return self._run(
                thread_id,
                {"messages": [HumanMessage(text)]},
                turn_no,
                user_id,
                on_token,
                ("message", text),
                values,
            )

    def resume(
        self, thread_id: str, answer: ReviewResponse | dict[str, Any] | str, user_id: str | None = None
    ) -> Turn:
        """Answer the pending review. A second answer to an already answered review
        changes nothing: it reports that there is no plan waiting."""
        response = parse_response(answer)
        with self._lock(thread_id):
            snapshot = self._snapshot(thread_id)
            if self._review_in(snapshot) is None:
                return Turn(
                    thread_id=thread_id, messages=["There is no plan waiting for review on this thread."]
                )
            values = dict(snapshot.values or {})
            return self._run(
                thread_id,
                Command(resume=response.model_dump()),
                int(values.get("turn", 0)),
                user_id,
                record=("resume", response.model_dump()),
                before_values=values,
            )

    def plan_from_profile(self, thread_id: str, profile: Profile) -> Turn:
        """Draft a plan straight from a complete profile, with no conversation."""
        with self._lock(thread_id):
            state = {
                "messages": [HumanMessage("Draft my plan from my profile file.")],
                "profile": profile.model_dump(),
                "asking": None,
                "role_skills_asked": True,
            }
            return self._run(thread_id, state, 1, None, record=("profile", profile.model_dump(mode="json")))
