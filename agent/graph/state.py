"""The graph's state. Values are plain JSON-able data (dicts, lists, messages):
checkpoints stay readable by any replay tool and need no serializer registration."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

Route = Literal["intake", "question", "plan", "review", "checkin", "chitchat"]


class CoachState(TypedDict, total=False):
    """What the coach knows about one conversation."""

    messages: Annotated[list[AnyMessage], add_messages]
    profile: dict[str, Any]  # a partial tools.models.Profile, filled in over turns
    asking: str | None  # the profile field the coach last asked about
    role_skills_asked: bool
    route: Route
    query: str
    passages: list[dict[str, Any]]  # knowledge.index.Hit.to_dict() values
    reports: dict[str, dict[str, Any]]  # "a" / "b" -> GapReport.model_dump()
    overrides: dict[str, dict[str, int]]  # "a" / "b" -> skill -> target level from review edits
    draft: dict[str, Any] | None  # agent.coaching.plan.Plan.model_dump()
    review: dict[str, Any] | None  # the last ReviewResponse
    committed: dict[str, Any] | None  # {"version", "draft_id"} of the last saved plan
    turn: int
    summary: str  # a digest of messages trimmed away (agent.graph.history)
    understood_by: str  # "model" or "parser": who read this turn's message
    extraction: dict[str, Any] | None  # the capable model's reading (agent.coaching.understanding.Extraction)
