"""Recording what a session did, beside its checkpoints: each turn's input and outcome,
and every model and tool call (inputs' hash and summary, output, tokens, latency).

Enough to show a session step by step and to re-run it offline with the model's
recorded outputs; small enough to keep by default (tool results are summarised).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult

from agent.storage.base import Backend, Tx
from agent.storage.records import NewTurn, RecordedCall, RecordedTurn, TurnOutcome

SUMMARY_CHARS = 300


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def digest(value: Any) -> str:
    """A short stable hash of any JSON-able value."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def summarise_result(name: str, output: Any) -> Any:
    """What is kept of a tool's result: the figures replays compare, not the whole object."""
    if hasattr(output, "model_dump"):
        output = output.model_dump(mode="json")
    if name == "skill_gap_report" and isinstance(output, dict):
        keys = (
            "role_id",
            "total_hours",
            "total_weeks",
            "attainable",
            "margin_weeks",
            "hours_per_week_needed",
        )
        return {k: output.get(k) for k in keys} | {
            "skills": [[s["skill_id"], s["target"], s["hours"]] for s in output.get("skills", [])]
        }
    if name == "search_roadmaps" and isinstance(output, list):
        return [getattr(h, "chunk", None).id if hasattr(h, "chunk") else h.get("id") for h in output]  # type: ignore[union-attr]
    text = json.dumps(output, default=str)
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "..."


class Recorder(BaseCallbackHandler):
    """Collects a turn's model and tool calls from LangChain callbacks."""

    run_inline = True  # keep call order: callbacks run in the node's own thread

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._open: dict[UUID, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _start(self, run_id: UUID, record: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        meta = metadata or {}
        record |= {
            "node": meta.get("langgraph_node"),
            "step": meta.get("langgraph_step"),
            "t0": time.perf_counter(),
        }
        with self._lock:
            self._open[run_id] = record

    def _end(self, run_id: UUID, **fields: Any) -> None:
        with self._lock:
            record = self._open.pop(run_id, None)
            if record is None:
                return
            record["latency_ms"] = round((time.perf_counter() - record.pop("t0")) * 1000, 2)
            record.update(fields)
            self.calls.append(record)

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        prompt = [{"role": m.type, "content": str(m.content)} for m in messages[0]]
        summary = " | ".join(f"{p['role']}: {p['content'][:80]}" for p in prompt)
        self._start(
            run_id,
            {
                "kind": "model",
                "name": (serialized or {}).get("name") or "chat",
                "input_hash": digest(prompt),
                "input": summary[:SUMMARY_CHARS],
            },
            metadata,
        )

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        generation = response.generations[0][0]
        message = getattr(generation, "message", None)
        tool_calls = getattr(message, "tool_calls", None) or []
        if tool_calls:
            output: Any = {"tool": tool_calls[0]["name"], "args": tool_calls[0]["args"]}
        else:
            output = generation.text
        usage = getattr(message, "usage_metadata", None) or {}
        self._end(
            run_id, output=output, tokens_in=usage.get("input_tokens"), tokens_out=usage.get("output_tokens")
        )

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._end(run_id, output={"error": type(error).__name__})

    def on_tool_start(
        self,
        serialized: dict[str, Any],
        input_str: str,
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        args = {
            k: (v.model_dump(mode="json") if hasattr(v, "model_dump") else v)
            for k, v in (inputs or {}).items()
        }
        self._start(
            run_id,
            {
                "kind": "tool",
                "name": (serialized or {}).get("name", "tool"),
                "input_hash": digest(args),
                "input": json.dumps(args, default=str),
            },
            metadata,
        )

    def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        with self._lock:
            name = self._open.get(run_id, {}).get("name", "")
        self._end(run_id, output=summarise_result(name, output))


_CALL_COLUMNS = (
    "seq",
    "n",
    "kind",
    "name",
    "node",
    "step",
    "input_hash",
    "input",
    "output",
    "tokens_in",
    "tokens_out",
    "latency_ms",
)


def write_turn(tx: Tx, thread_id: str, turn: NewTurn) -> int:
    """Write one turn, its calls and its outcome inside the caller's transaction; the
    turn's number (allocated in that transaction, so two writers never share one)."""
    rows = tx.run("SELECT MAX(seq) FROM coach_turns WHERE thread_id = ?", (thread_id,))
    seq = int(rows[0][0] or 0) + 1
    tx.count(
        "INSERT INTO coach_turns (thread_id, seq, kind, payload, capable, trace_id, started, outcome) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            thread_id,
            seq,
            turn.kind,
            json.dumps(turn.payload, default=str),
            int(turn.capable),
            turn.trace_id,
            _now(),
            turn.outcome.model_dump_json(),
        ),
    )
    for n, c in enumerate(turn.calls):
        tx.count(
            "INSERT INTO coach_calls (thread_id, seq, n, kind, name, node, step, input_hash, input, "
            "output, tokens_in, tokens_out, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                thread_id,
                seq,
                n,
                c["kind"],
                c.get("name"),
                c.get("node"),
                c.get("step"),
                c.get("input_hash"),
                c.get("input"),
                json.dumps(c.get("output"), default=str),
                c.get("tokens_in"),
                c.get("tokens_out"),
                c.get("latency_ms"),
            ),
        )
    return seq


class RecordingStore:
    """The `coach_turns` and `coach_calls` tables."""

    def __init__(self, db: Backend) -> None:
        self.db = db

    def next_seq(self, thread_id: str) -> int:
        """The sequence number the thread's next turn would get."""
        rows = self.db.read("SELECT MAX(seq) FROM coach_turns WHERE thread_id = ?", (thread_id,))
        return int(rows[0][0] or 0) + 1

    def save_turn(self, thread_id: str, turn: NewTurn) -> int:
        """One turn, its calls and its outcome, in one transaction; the turn's number
        (allocated inside the transaction, so two writers never share one)."""
        with self.db.transaction() as tx:
            return write_turn(tx, thread_id, turn)

    def turns(self, thread_id: str) -> list[RecordedTurn]:
        """The thread's turns in order, with their calls."""
        turns = self.db.read(
            "SELECT seq, kind, payload, capable, trace_id, started, outcome FROM coach_turns "
            "WHERE thread_id = ? ORDER BY seq",
            (thread_id,),
        )
        calls = self.db.read(
            f"SELECT {', '.join(_CALL_COLUMNS)} FROM coach_calls WHERE thread_id = ? ORDER BY seq, n",
            (thread_id,),
        )
        by_turn: dict[int, list[RecordedCall]] = {}
        for row in calls:
            call = dict(zip(_CALL_COLUMNS, row, strict=True))
            call["output"] = json.loads(call["output"]) if call["output"] else None
            by_turn.setdefault(call["seq"], []).append(RecordedCall.model_validate(call))
        return [
            RecordedTurn(
                seq=seq,
                kind=kind,
                payload=json.loads(payload),
                capable=bool(capable),
                trace_id=trace_id,
                started=started,
                outcome=TurnOutcome.model_validate_json(outcome or "{}"),
                calls=by_turn.get(seq, []),
            )
            for seq, kind, payload, capable, trace_id, started, outcome in turns
        ]

    def outcomes(self, thread_id: str) -> list[TurnOutcome]:
        """Each turn's outcome alone, without its calls (for listings)."""
        rows = self.db.read("SELECT outcome FROM coach_turns WHERE thread_id = ? ORDER BY seq", (thread_id,))
        return [TurnOutcome.model_validate_json(r[0] or "{}") for r in rows]

    def forget(self, thread_id: str) -> None:
        """Delete one thread's recordings (its turns and calls), in one transaction."""
        with self.db.transaction() as tx:
            tx.count("DELETE FROM coach_calls WHERE thread_id = ?", (thread_id,))
            tx.count("DELETE FROM coach_turns WHERE thread_id = ?", (thread_id,))

    def purge_older_than(self, days: float) -> list[str]:
        """Thread ids whose last turn is older than `days`; their recordings are deleted."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
        with self.db.transaction() as tx:
            old = [
                str(r[0])
                for r in tx.run(
                    "SELECT thread_id FROM coach_turns GROUP BY thread_id HAVING MAX(started) < ?", (cutoff,)
                )
            ]
            for thread in old:
                tx.count("DELETE FROM coach_calls WHERE thread_id = ?", (thread,))
                tx.count("DELETE FROM coach_turns WHERE thread_id = ?", (thread,))
        return old
