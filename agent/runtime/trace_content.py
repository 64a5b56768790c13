"""What a turn's trace carries: compact, and without people's words in metadata mode.

Langfuse's LangChain handler records every run's inputs and outputs as they are: each
node's input is the whole state (tens of KB) and the graph's output too. The coach's
handler keeps the trace useful and small instead:

- the root span (one graph run: a turn, or a review answer resuming it) has as input
  the turn's input as the replay recording keeps it (`{"kind", "payload"}`) and as
  output the turn's outcome (route, figures, review, saved version, replies);
- node spans get a summary of the state (`state_summary`) in place of the whole state,
  and their updates with reports, drafts and passages named by figures and ids;
- tool observations keep their arguments, the hash of the arguments (in metadata) and
  the summary of the result that replays compare (a gap report's figures), and
  retrieval keeps the passages it found;
- with `COACH_TRACE_CONTENT=metadata`, prompts, answers and people's messages are
  replaced by their sizes: the trace keeps routes, figures, models, token counts and
  timings, and cannot be re-run (see agent.replay.langfuse_pull).
"""

from __future__ import annotations

import json
from typing import Any, Literal
from uuid import UUID

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langfuse.langchain import CallbackHandler
from langgraph.types import Command

from agent.storage.recordings import digest, summarise_result

ContentMode = Literal["full", "metadata"]
MESSAGE_CHARS = 2000  # the last message as a node span shows it (full mode)
# State keys a node update keeps in metadata mode: decisions and computed figures, no one's words.
_FIGURES = {
    "route",
    "turn",
    "asking",
    "understood_by",
    "role_skills_asked",
    "committed",
    "reports",
    "overrides",
}


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return json.loads(json.dumps(value, default=str))


def _withheld(text: Any) -> str:
    return f"[withheld: {len(str(text))} chars]"


def _message_view(message: BaseMessage, mode: ContentMode) -> dict[str, Any]:
    content = str(message.content)
    shown = content[:MESSAGE_CHARS] if mode == "full" else _withheld(content)
    return {"type": message.type, "content": shown}


def _passage_ids(passages: Any) -> Any:
    """Passages named by their ids, per purpose: their text is in the knowledge index."""
    if isinstance(passages, dict):
        return {k: [p.get("id") for p in v] for k, v in passages.items() if isinstance(v, list)}
    return [p.get("id") if isinstance(p, dict) else p for p in passages]


def _totals(reports: dict[str, Any]) -> dict[str, Any]:
    return {
        k: [r.get("total_hours"), r.get("total_weeks"), r.get("attainable")]
        for k, r in (reports or {}).items()
        if isinstance(r, dict)
    }


def state_summary(values: dict[str, Any], mode: ContentMode) -> dict[str, Any]:
    """The parts of the graph state a reader of a trace needs, not the whole state."""
    messages = [m for m in values.get("messages") or [] if isinstance(m, BaseMessage)]
    profile = values.get("profile") or {}
    draft = values.get("draft") or {}
    summary: dict[str, Any] = {
        "turn": values.get("turn"),
        "route": values.get("route"),
        "asking": values.get("asking"),
        "understood_by": values.get("understood_by"),
        "messages": len(messages),
        "last_message": _message_view(messages[-1], mode) if messages else None,
        "profile": _jsonable(profile) if mode == "full" else sorted(profile),
        "totals": _totals(values.get("reports") or {}),
        "draft_id": draft.get("draft_id") if isinstance(draft, dict) else None,
        "committed": values.get("committed"),
    }
    return {k: v for k, v in summary.items() if v not in (None, [], {})}


def turn_input(inputs: Any, mode: ContentMode) -> dict[str, Any]:
    """A graph run's input as the replay recording keeps it: a message, a review
    answer (resume) or a profile, with people's words withheld in metadata mode."""
    if isinstance(inputs, Command):
        answer = _jsonable(inputs.resume)
        if mode == "metadata" and isinstance(answer, dict) and answer.get("feedback"):
            answer = {**answer, "feedback": _withheld(answer["feedback"])}
        return {"kind": "resume", "payload": answer}
    if isinstance(inputs, dict) and inputs.get("profile"):
        profile = _jsonable(inputs["profile"])
        return {"kind": "profile", "payload": profile if mode == "full" else sorted(profile)}
    messages = inputs.get("messages") if isinstance(inputs, dict) else None
    if messages:
        text = str(messages[-1].content if isinstance(messages[-1], BaseMessage) else messages[-1])
        return {"kind": "message", "payload": text if mode == "full" else _withheld(text)}
    return {"kind": "other", "payload": None}


def _update_of(outputs: Any) -> Any:
    """A node's state update: the value itself, or the update of a Command it returned."""
    return outputs.update if isinstance(outputs, Command) else outputs


def _ai_messages(outputs: Any) -> int:
    update = _update_of(outputs)
    if not isinstance(update, dict):
        return 0
    return sum(isinstance(m, AIMessage) for m in update.get("messages") or [])


def _interrupt_draft(exc: BaseException) -> str | None:
    for intr in exc.args[0] if exc.args and isinstance(exc.args[0], (list, tuple)) else []:
        value = getattr(intr, "value", None)
        if isinstance(value, dict) and value.get("kind") == "plan_review":
            return str(value.get("draft_id"))
    return None


class CoachCallbackHandler(CallbackHandler):
    """Langfuse's LangChain handler with the coach's compact, content-aware payloads."""

    def __init__(self, *, mode: ContentMode = "full", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode: ContentMode = mode
        self._parents: dict[UUID, UUID | None] = {}
        self._turns: dict[UUID, dict[str, Any]] = {}
        self._tools: dict[UUID, str] = {}

    def _root_of(self, run_id: UUID | None) -> UUID | None:
        while run_id is not None and self._parents.get(run_id) is not None:
            run_id = self._parents[run_id]
        return run_id

    # ---- graph and node runs -------------------------------------------------
    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> Any:
        """A graph run starts a turn; a node run shows a summary of the state."""
        self._parents[run_id] = parent_run_id
        if parent_run_id is None:
            self._turns[run_id] = {"replies": 0, "review": None, "input": turn_input(inputs, self.mode)}
            shown: Any = self._turns[run_id]["input"]
        elif isinstance(inputs, dict) and "messages" in inputs:
            shown = state_summary(inputs, self.mode)
        else:
            shown = inputs
        return super().on_chain_start(serialized, shown, run_id=run_id, parent_run_id=parent_run_id, **kwargs)

    def on_chain_end(
        self, outputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None, **kwargs: Any
    ) -> Any:
        """The graph run ends with the turn's outcome; a node's update is kept, its
        messages shown by size in metadata mode."""
        kwargs.pop("inputs", None)  # the handler would overwrite the compact input with the raw one
        root = self._root_of(parent_run_id) if parent_run_id is not None else None
        if parent_run_id is None:
            shown: Any = self._outcome(run_id, outputs)
        else:
            if root is not None and root in self._turns and self._parents.get(run_id) == root:
                self._turns[root]["replies"] += _ai_messages(outputs)
            shown = self._node_output(outputs)
        self._parents.pop(run_id, None)
        return super().on_chain_end(shown, run_id=run_id, parent_run_id=parent_run_id, **kwargs)

    def on_chain_error(
        self, error: BaseException, *, run_id: UUID, parent_run_id: UUID | None = None, **kwargs: Any
    ) -> Any:
        """An interrupt (the plan review) is noted as the turn's pending review."""
        root = self._root_of(parent_run_id) if parent_run_id is not None else run_id
        draft = _interrupt_draft(error)
        if draft is not None and root in self._turns:
            self._turns[root]["review"] = draft
        self._parents.pop(run_id, None)
        if parent_run_id is None:
            self._turns.pop(run_id, None)
        kwargs.pop("inputs", None)  # the raw state, which the compact input replaced
        return super().on_chain_error(error, run_id=run_id, parent_run_id=parent_run_id, **kwargs)

    def _get_error_level_and_status_message(
        self, error: BaseException
    ) -> tuple[Literal["DEFAULT", "ERROR"], str]:
        """An interrupt is named by its draft, not printed whole (its payload is the plan);
        an error keeps its message in full mode and only its type in metadata mode."""
        level, message = super()._get_error_level_and_status_message(error)
        if level == "DEFAULT":
            draft = _interrupt_draft(error)
            return level, f"interrupt: plan review of draft {draft}" if draft else type(error).__name__
        if self.mode == "metadata":
            return level, type(error).__name__
        return level, message[:500]

    def _node_output(self, outputs: Any) -> Any:
        update = _update_of(outputs)
        if not isinstance(update, dict):
            return outputs
        shown = dict(update)
        # The big values by what identifies them: the root span has the figures, the tool
        # observations the reports, and serialising them again on every span cost a turn
        # more than all the rest of tracing.
        if shown.get("reports"):
            shown["reports"] = _totals(shown["reports"])
        if isinstance(shown.get("draft"), dict):
            shown["draft"] = {
                "draft_id": shown["draft"].get("draft_id"),
                "chars": len(json.dumps(shown["draft"], default=str)),
            }
        if shown.get("passages"):
            shown["passages"] = _passage_ids(shown["passages"])
        if "messages" in shown:
            shown["messages"] = [
                _message_view(m, self.mode) if isinstance(m, BaseMessage) else m
                for m in shown["messages"] or []
            ]
        if self.mode == "metadata":
            for key in set(shown) - _FIGURES - {"messages"}:
                if shown[key]:
                    shown[key] = _withheld(json.dumps(shown[key], default=str))
        return shown

    def _outcome(self, run_id: UUID, outputs: Any) -> dict[str, Any]:
        turn = self._turns.pop(run_id, {"replies": 0, "review": None})
        values = outputs if isinstance(outputs, dict) else {}
        review = turn["review"]
        for intr in values.get("__interrupt__") or []:
            value = getattr(intr, "value", None)
            if isinstance(value, dict) and value.get("kind") == "plan_review":
                review = str(value.get("draft_id"))
        return {
            "route": values.get("route"),
            "understood_by": values.get("understood_by"),
            "totals": _totals(values.get("reports") or {}),
            "review": review,
            "committed": values.get("committed"),
            "replies": turn["replies"],
        }

    # ---- model calls ----------------------------------------------------------
    def on_chat_model_start(
        self,
        serialized: dict[str, Any] | None,
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> Any:
        """Prompts are withheld in metadata mode (their size is kept)."""
        if self.mode == "metadata":
            messages = [[type(m)(content=_withheld(m.content)) for m in batch] for batch in messages]
        return super().on_chat_model_start(
            serialized, messages, run_id=run_id, parent_run_id=parent_run_id, **kwargs
        )

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> Any:
        """Answers are withheld in metadata mode; model name and usage stay."""
        if self.mode == "metadata":
            generations: list[list[Any]] = []
            for batch in response.generations:
                row: list[Any] = []
                for gen in batch:
                    if isinstance(gen, ChatGeneration):
                        message = AIMessage(
                            content=_withheld(gen.message.content),
                            usage_metadata=getattr(gen.message, "usage_metadata", None),
                            response_metadata=gen.message.response_metadata,
                        )
                        row.append(ChatGeneration(message=message, generation_info=gen.generation_info))
                    else:
                        row.append(gen)
                generations.append(row)
            response = LLMResult(generations=generations, llm_output=response.llm_output)
        return super().on_llm_end(response, **kwargs)

    # ---- tool calls -------------------------------------------------------------
    def on_tool_start(
        self,
        serialized: dict[str, Any] | None,
        input_str: str,
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Tool arguments as JSON, with the hash replays compare."""
        name = str((serialized or {}).get("name") or kwargs.get("name") or "tool")
        self._tools[run_id] = name
        args = {k: _jsonable(v) for k, v in (inputs or {}).items()}
        meta = {**(metadata or {}), "coach_input_hash": digest(args)}
        if self.mode == "metadata":
            args = {k: _withheld(v) if isinstance(v, str) else v for k, v in args.items()}
        return super().on_tool_start(
            serialized, input_str, run_id=run_id, metadata=meta, inputs=args, **kwargs
        )

    def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> Any:
        """The tool's result, plus its summary as replays compare it."""
        name = self._tools.pop(run_id, "")
        summary = summarise_result(name, output)
        shown: dict[str, Any] = {"summary": summary}
        if name != "skill_gap_report":  # a gap report's summary has its figures; passages are kept
            shown["result"] = _jsonable(output)
        return super().on_tool_end(shown, run_id=run_id, **kwargs)
