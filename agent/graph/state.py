"""The graph's state. Values are plain JSON-able data (dicts, lists, messages):
checkpoints stay readable by any replay tool and need no serializer registration.

TypedDicts come from `typing_extensions`: on Python 3.11 pydantic (and so LangGraph
Server's schema generation) refuses `typing.TypedDict`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import Field
from typing_extensions import TypedDict

from agent.coaching.passages import Quoted, Retrieved

Route = Literal["intake", "question", "plan", "review", "checkin", "chitchat"]


Name = Annotated[str, Field(min_length=2, max_length=80)]


class TargetInput(TypedDict):
    """A position in an industry, as in the profile file."""

    position: Name
    industry: Name


class ProfileInput(TypedDict, total=False):
    """A profile in the profile file's keys (see the README); any subset is accepted and
    the coach asks for the rest."""

    current_role: Name
    industry: Name
    hours_per_week: Annotated[float, Field(gt=0, le=80, description="study hours a week")]
    horizon_months: Annotated[int, Field(ge=1, le=36, description="months to reach the target")]
    plan_a: TargetInput
    plan_b: TargetInput
    skills: dict[str, Annotated[int, Field(ge=0, le=5)]]


class CoachInput(TypedDict):
    """What a client sends to start or continue a conversation (LangGraph Server input)."""

    messages: Annotated[list[AnyMessage], add_messages]
    profile: NotRequired[ProfileInput]


class CoachState(TypedDict, total=False):
    """What the coach knows about one conversation."""

    messages: Annotated[list[AnyMessage], add_messages]
    profile: dict[str, Any]  # a partial tools.models.Profile, filled in over turns
    asking: str | None  # the profile field the coach last asked about
    role_skills_asked: bool
    route: Route
    query: str
    passages: Retrieved  # this turn's roadmap passages, by what they were retrieved for
    quotes: list[Quoted]  # the extractive answer's sentences
    plan_answer: str | None  # a question about the person's own plan, answered from its figures
    reports: dict[str, dict[str, Any]]  # "a" / "b" -> GapReport.model_dump()
    overrides: dict[str, dict[str, int]]  # "a" / "b" -> skill -> target level from review edits
    draft: dict[str, Any] | None  # agent.coaching.plan.Plan.model_dump()
    review: dict[str, Any] | None  # the last ReviewResponse
    review_notice: str | None  # why the last review answer was not used (shown with the next request)
    committed: dict[str, Any] | None  # {"version", "draft_id"} of the last saved plan
    turn: int
    summary: str  # a digest of messages trimmed away (agent.graph.history)
    understood_by: str  # "model" or "parser": who read this turn's message
    extraction: dict[str, Any] | None  # the capable model's reading (agent.coaching.understanding.Extraction)
    understood: (
        dict[str, Any] | None
    )  # this turn's reading of the message (agent.coaching.parsing.Understood)
    proposal: (
        dict[str, Any] | None
    )  # {"key": "plan_a"|"plan_b", "proposal": tools.proposal.Proposal} being agreed
    pending: dict[str, Any] | None  # a name waiting for a yes or no ("Did you mean ML engineer?")
    # The last check-in's {"weeks", "at", "version"}: later check-ins build on it.
    elapsed: dict[str, Any] | None
    aside: str | None  # a question asked beside profile facts, answered once they are noted
