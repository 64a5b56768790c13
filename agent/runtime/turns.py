"""What one turn produced, and what it decided as replays compare it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.coaching.review import ReviewRequest
from agent.storage.records import Committed, TurnOutcome


@dataclass
class Turn:
    """What one turn produced."""

    thread_id: str
    messages: list[str] = field(default_factory=list)
    review: ReviewRequest | None = None
    values: dict[str, Any] = field(default_factory=dict)


def outcome_of(turn: Turn) -> TurnOutcome:
    """What a turn decided, as replays compare it: route, figures, review, saved plan."""
    values = turn.values
    reports = values.get("reports") or {}
    committed = values.get("committed")
    return TurnOutcome(
        route=values.get("route"),
        understood_by=values.get("understood_by"),
        totals={
            k: [r.get("total_hours"), r.get("total_weeks"), r.get("attainable")] for k, r in reports.items()
        },
        review=turn.review.draft_id if turn.review else None,
        committed=Committed.model_validate(committed) if committed else None,
        replies=len(turn.messages),
    )
