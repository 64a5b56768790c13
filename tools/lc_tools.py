"""LangChain tools over the gap engine and the retriever.

The person is never an argument the model fills in: the user id comes from the run's
context and the store from the graph, both injected through `ToolRuntime`, so a
model cannot read or write another user's profile or plans.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.tools import BaseTool, tool
from langgraph.prebuilt import ToolRuntime
from langgraph.store.base import BaseStore
from pydantic import Field

from tools.catalog import load_catalog, match_skill
from tools.errors import CoachError
from tools.gap import gap_report
from tools.learning_time import hours_between
from tools.models import Profile, Target


def profile_namespace(user_id: str) -> tuple[str, str]:
    """Where a user's current profile lives in the store."""
    return ("profiles", user_id)


def save_profile(store: BaseStore, user_id: str, profile: Profile) -> None:
    """Keep the user's latest complete profile, for tools and later check-ins."""
    store.put(profile_namespace(user_id), "current", profile.model_dump(mode="json"))


def stored_profile(store: BaseStore | None, user_id: str) -> Profile:
    """The user's saved profile, or an error saying how to give one."""
    item = store.get(profile_namespace(user_id), "current") if store is not None else None
    if item is None:
        raise CoachError("No profile saved for this person yet: finish the profile questions first.")
    return Profile.model_validate(item.value)


def _user(runtime: ToolRuntime[Any, Any]) -> str:
    user = getattr(runtime.context, "user_id", None)
    if not user:
        raise CoachError("The run has no user id in its context.")
    return str(user)


@tool
def skill_gap_report(
    position: Annotated[str, Field(description="Target position, e.g. 'MLOps engineer'")],
    industry: Annotated[str, Field(description="Target industry, e.g. 'fintech'")],
    runtime: ToolRuntime[Any, Any],
    hours_per_week: Annotated[float | None, Field(gt=0, le=80, description="What-if weekly hours")] = None,
) -> dict[str, Any]:
    """The 10-skill gap matrix, total hours, weeks and verdict for the person against a target."""
    profile = stored_profile(runtime.store, _user(runtime))
    report = gap_report(profile, Target(position=position, industry=industry), hours_per_week=hours_per_week)
    return report.model_dump(mode="json")


@tool
def skill_step_hours(
    skill: Annotated[str, Field(description="A skill name, e.g. 'Kubernetes'")],
    current: Annotated[int, Field(ge=0, le=5, description="Current level 0-5")],
    target: Annotated[int, Field(ge=0, le=5, description="Target level 0-5")],
) -> str:
    """How many study hours a skill takes from one level to another, with the arithmetic."""
    found = match_skill(skill)
    if found is None:
        return f"{skill} is not in the catalog; a default estimate: {hours_between(current, target, 2).explain()}"
    ease = load_catalog().skill(found.id).ease
    return f"{found.name}: {hours_between(current, target, ease).explain()}"


@tool
def propose_target_skills(
    position: Annotated[
        str, Field(min_length=2, max_length=80, description="Any position, e.g. 'AI product manager'")
    ],
    industry: Annotated[
        str, Field(min_length=2, max_length=80, description="Target industry, e.g. 'edtech'")
    ],
) -> dict[str, Any]:
    """Ten skills (5 general, 5 specific) proposed for a position, each with its reason: the
    nearest catalog roles by similarity, and the industry's domain skills."""
    from tools.proposal import propose_skills

    return propose_skills(Target(position=position, industry=industry).position, industry).model_dump(
        mode="json"
    )


@tool
def saved_plans(runtime: ToolRuntime[Any, Any]) -> list[dict[str, Any]]:
    """The person's saved plan versions: version, date, Plan A and Plan B targets."""
    store = runtime.store
    if store is None:
        return []
    items = store.search(("plans", _user(runtime)), limit=1000)
    return sorted(
        (
            {
                "version": i.value["version"],
                "saved_at": i.value["saved_at"],
                "plan_a": i.value["plan"]["a"]["report"]["target"],
                "plan_b": i.value["plan"]["b"]["report"]["target"],
            }
            for i in items
        ),
        key=lambda p: p["version"],
    )


def make_search_roadmaps(retriever: Any) -> BaseTool:
    """The `search_roadmaps` tool over a retriever (knowledge.retriever.Retriever)."""

    @tool
    def search_roadmaps(
        query: Annotated[str, Field(min_length=2, description="What to look for")],
        k: Annotated[int, Field(ge=1, le=20, description="How many passages")] = 5,
    ) -> list[dict[str, Any]]:
        """Roadmap passages for a question, each with its citation (source, section, lines) and score."""
        return [h.to_dict() for h in retriever.search(query, k=k)]

    return search_roadmaps


COACH_TOOLS: list[BaseTool] = [skill_gap_report, skill_step_hours, propose_target_skills, saved_plans]
