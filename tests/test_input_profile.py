"""A client that starts from a known profile (LangGraph Server input `profile`): it is
checked as a profile file is, and a complete one drafts at once."""

from __future__ import annotations

from pathlib import Path

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore

from agent.graph.builder import build_graph
from agent.graph.context import Context
from agent.storage.profiles import save_profile
from tools.models import Profile

PROFILE = {
    "current_role": "Backend engineer",
    "hours_per_week": 8,
    "plan_a": {"position": "GenAI engineer", "industry": "fintech"},
    "plan_b": {"position": "MLOps engineer", "industry": "fintech"},
    "skills": {"Python": 4, "SQL": 3},
}


def _run(
    home: Path, profile: dict, store: InMemoryStore | None = None, text: str = "hi"
) -> tuple[dict, list]:
    graph = build_graph(InMemorySaver(), store or InMemoryStore())
    config = {"configurable": {"thread_id": "t1"}}
    ctx = Context(user_id="ana", home=str(home), model="local", interface="test")
    out = graph.invoke(
        {"messages": [HumanMessage(text)], "profile": profile}, config, context=ctx, version="v2"
    )
    return out.value, list(out.interrupts)


def test_a_complete_profile_drafts_at_once(home: Path) -> None:
    values, interrupts = _run(home, PROFILE)
    assert interrupts, "the draft waits for review"
    assert values["draft"]["a"]["report"]["target"]["position"] == "GenAI engineer"


def test_a_bad_profile_is_said_and_not_stored(home: Path) -> None:
    values, interrupts = _run(home, {**PROFILE, "hours_per_week": True})
    assert not interrupts
    said = values["messages"][1].content
    assert said.startswith("The profile you sent has problems: hours_per_week"), said
    assert values["profile"] == {} or "hours_per_week" not in values["profile"]


def test_a_refused_profile_is_not_replaced_by_the_saved_one(home: Path) -> None:
    # A returning person who sends a bad profile with "draft my plan" meant that profile:
    # drafting their old saved one would put a plan they never asked for up for approval.
    store = InMemoryStore()
    saved = {**PROFILE, "plan_b": {"position": "Data scientist", "industry": "fintech"}}
    save_profile(store, "ana", Profile.model_validate(saved))
    bad = {**PROFILE, "hours_per_week": -2, "skills": {"SQL": 7}}
    values, interrupts = _run(home, bad, store, "Draft my plan")
    assert not interrupts, "nothing drafted from the saved profile"
    said = " ".join(str(m.content) for m in values["messages"][1:])
    assert "The profile you sent has problems: hours_per_week" in said and "skills.SQL" in said
    assert values.get("draft") is None
    assert "Data scientist" not in str(values.get("profile"))


def test_a_given_profile_with_a_position_the_catalog_lacks_drafts_with_proposed_skills(home: Path) -> None:
    custom = {**PROFILE, "plan_a": {"position": "AI product manager", "industry": "edtech"}}
    values, interrupts = _run(home, custom)
    assert interrupts, "no question about the skills: a given profile drafts at once"
    report = values["draft"]["a"]["report"]
    assert report["target"]["position"] == "AI product manager" and report["custom"]
    kinds = [s["kind"] for s in report["skills"]]
    assert kinds.count("general") == 5 and kinds.count("specific") == 5
    said = " ".join(str(m.content) for m in values["messages"])
    assert "AI product manager is not in my catalog, so Plan A uses these proposed skills" in said
