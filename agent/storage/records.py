"""Typed records of what the coach keeps: sessions, turn outcomes, recorded turns and
calls, approvals, saved plans and job postings. Storage reads and writes these, never bare dict paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SessionRow(BaseModel):
    """One coaching thread in the registry: whose it is, where it runs, and when."""

    thread_id: str
    user_id: str
    interface: str
    started: str
    last_turn: str
    turns: int


class Committed(BaseModel):
    """The plan version a turn saved (or found already saved)."""

    version: int
    draft_id: str


class TurnOutcome(BaseModel):
    """What a turn decided, as replays compare it: route, figures, review, saved plan."""

    model_config = ConfigDict(extra="ignore")

    route: str | None = None
    understood_by: str | None = None
    # "a" / "b" -> [total hours, total weeks, attainable]
    totals: dict[str, list[Any]] = Field(default_factory=dict)
    review: str | None = None  # the draft id waiting for review after the turn
    committed: Committed | None = None
    replies: int = 0


@dataclass(frozen=True)
class NewTurn:
    """A turn to record: its input (`kind`, `payload`), whether a capable model answered,
    its trace, its calls (as the Recorder collected them) and its outcome."""

    kind: str
    payload: Any
    capable: bool
    trace_id: str | None
    calls: list[dict[str, Any]]
    outcome: TurnOutcome


class RecordedCall(BaseModel):
    """One model or tool call a turn made: enough to show it and to feed its output back."""

    model_config = ConfigDict(extra="ignore")

    seq: int | None = None
    n: int | None = None
    kind: Literal["model", "tool"]
    name: str | None = None
    node: str | None = None
    step: int | None = None
    input_hash: str | None = None
    input: str | None = None  # a summary of the arguments, for reading
    output: Any = None  # a model's text or tool call; a tool's (summarised) result
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_ms: float | None = None


class RecordedTurn(BaseModel):
    """One turn as recorded (locally, or rebuilt from Langfuse): its input, outcome and calls."""

    model_config = ConfigDict(extra="ignore")

    seq: int
    # "message", "resume" or "profile" replay; "recover" (a turn finished after a crash)
    # and "other" (an input Langfuse shows that the coach did not send) do not
    kind: str
    payload: Any = None
    capable: bool = False
    trace_id: str | None = None
    started: str | None = None
    outcome: TurnOutcome = Field(default_factory=TurnOutcome)
    calls: list[RecordedCall] = Field(default_factory=list)


class ApprovalRecord(BaseModel):
    """Who approved which draft, through which interface."""

    model_config = ConfigDict(extra="ignore")

    action: Literal["approve"] = "approve"
    draft_id: str
    by: str
    interface: str
    feedback: str = ""
    changes: dict[str, Any] = Field(default_factory=dict)


class PlanRecord(BaseModel):
    """A saved plan version: never overwritten, one per approved draft."""

    model_config = ConfigDict(extra="ignore")

    version: int
    draft_id: str
    saved_at: str
    approval: ApprovalRecord
    plan: dict[str, Any]  # agent.coaching.plan.Plan.model_dump()
    markdown: str

    def target(self, which: Literal["a", "b"]) -> dict[str, Any]:
        """Plan A's or Plan B's target ({"position", "industry"})."""
        return dict(self.plan[which]["report"]["target"])


class PostingRecord(BaseModel):
    """A job posting a person added as evidence for a position's skills."""

    posting_id: str
    user_id: str
    position: str
    source: str  # the file (and part) it came from
    sha256: str
    text: str
    added: str = ""
