"""The LangChain tools: typed arguments, user and store injected, never chosen by the model."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import AIMessage, ToolMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.store.memory import InMemoryStore

from knowledge.retriever import Retriever
from tools.lc_tools import COACH_TOOLS, make_search_roadmaps, save_profile, skill_step_hours
from tools.models import Profile, Target


@dataclass
class Ctx:
    user_id: str


def run_tool(store, user: str, name: str, args: dict) -> ToolMessage:
    builder = StateGraph(MessagesState, context_schema=Ctx)
    builder.add_node("tools", ToolNode(COACH_TOOLS, handle_tool_errors=True))
    builder.add_edge(START, "tools")
    graph = builder.compile(store=store)
    call = AIMessage("", tool_calls=[{"name": name, "args": args, "id": "call-1"}])
    out = graph.invoke({"messages": [call]}, context=Ctx(user_id=user))
    return out["messages"][-1]


def profile() -> Profile:
    return Profile(
        current_role="Backend engineer",
        hours_per_week=8,
        plan_a=Target(position="GenAI engineer", industry="fintech"),
        plan_b=Target(position="MLOps engineer", industry="fintech"),
        skills={"Python": 4},
    )


def test_model_sees_no_user_or_store_arguments() -> None:
    for t in COACH_TOOLS:
        visible = set(t.tool_call_schema.model_json_schema().get("properties", {}))
        assert not visible & {"runtime", "user_id", "store", "config"}, t.name


def test_gap_tool_reads_only_the_injected_users_profile() -> None:
    store = InMemoryStore()
    save_profile(store, "ana", profile())
    msg = run_tool(store, "ana", "skill_gap_report", {"position": "Data engineer", "industry": "fintech"})
    assert '"total_hours"' in msg.content and "Data engineer" in msg.content
    other = run_tool(store, "bob", "skill_gap_report", {"position": "Data engineer", "industry": "fintech"})
    assert other.status == "error" and "No profile saved" in other.content
    assert store.search(("profiles", "bob")) == []
    assert store.search(("plans", "ana")) == []


def test_typed_arguments_are_validated() -> None:
    store = InMemoryStore()
    msg = run_tool(store, "ana", "skill_step_hours", {"skill": "k8s", "current": 1, "target": 9})
    assert msg.status == "error"
    assert "Deploying on Kubernetes: 1->3" in skill_step_hours.invoke(
        {"skill": "k8s", "current": 1, "target": 3}
    )


def test_search_roadmaps_tool_returns_citations(tmp_path) -> None:
    search = make_search_roadmaps(Retriever(tmp_path))
    hits = search.invoke({"query": "Kubernetes projects", "k": 2})
    assert len(hits) == 2 and {"text", "source", "section", "lines", "score"} <= set(hits[0])
