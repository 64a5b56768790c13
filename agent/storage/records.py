"""Typed records of what the coach keeps: sessions, turn outcomes, approvals, saved
plans and job postings. Storage reads and writes these, never bare dict paths."""

from __future__ import annotations

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
