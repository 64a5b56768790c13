"""Retrieval and answers: passages for a question or a plan, and the cited answer."""

from __future__ import annotations

import re
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from agent.graph.context import Context
from agent.graph.nodes.common import ask_model, last_human, profile_of, retriever_for
from agent.graph.prompts import ANSWER_SYSTEM, passages_block
from agent.graph.state import CoachState
from agent.graph.toolcalls import call_tool
from tools.gap import gap_report

_FOLLOW_UP = re.compile(r"\b(it|that|this|those|these|they|them|there|which one)\b", re.I)


def question_query(state: CoachState) -> str:
    """The search query for a question: the question, the earlier question when this
    one leans on it ("how long does that take?"), and the person's target and gaps."""
    humans = [str(m.content) for m in state.get("messages", []) if isinstance(m, HumanMessage)]
    question = humans[-1] if humans else ""
    parts = [question]
    if len(humans) > 1 and (len(question.split()) < 6 or _FOLLOW_UP.search(question)):
        parts.insert(0, humans[-2])
    reports = state.get("reports") or {}
    if "a" in reports:
        report = reports["a"]
        gaps = [
            s["name"]
            for s in sorted(report["skills"], key=lambda s: (s["priority"], -s["gap"]))
            if s["gap"] > 0
        ][:3]
        parts.append(f"({report['role_title']}: {', '.join(gaps)})")
    elif (state.get("profile") or {}).get("plan_a"):
        parts.append(f"({state['profile']['plan_a']['position']})")
    return " ".join(parts)


def _plan_query(profile: dict[str, Any], key: str) -> str:
    person = profile_of(profile)
    report = gap_report(person, person.plan_a if key == "a" else person.plan_b)
    missing = [s.name for s in sorted(report.skills, key=lambda s: (s.priority, -s.gap)) if s.gap > 0][:4]
    return f"{report.role_title} roadmap phases projects: " + ", ".join(missing)


def retrieve(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Find roadmap passages for the question, or for each plan's target and missing skills."""
    ctx = runtime.context
    retriever = retriever_for(ctx)
    if state.get("route") == "question":
        question = last_human(state)
        query = question_query(state)
        # Relevance is judged on the question alone: the context in the query would
        # make any question look relevant to the target role's roadmap.
        hits = call_tool("search_roadmaps", retriever.relevant, query=query, k=ctx.k, gate=question)
        return {"query": query, "passages": [{**h.to_dict(), "for": "q"} for h in hits]}
    passages: list[dict[str, Any]] = []
    queries = []
    for key in ("a", "b"):
        query = _plan_query(state["profile"], key)
        queries.append(query)
        hits = call_tool("search_roadmaps", retriever.search, query=query, k=12)
        # The best passages overall ground the rationale; project passages feed the
        # milestones, and are rarely the very top hits for a skills query.
        chosen = hits[:3] + [h for h in hits[3:] if "project" in h.chunk.section.lower()][:3]
        passages += [{**h.to_dict(), "for": key} for h in chosen]
    return {"query": " | ".join(queries), "passages": passages}


def after_retrieve(state: CoachState) -> Literal["answer", "analyze_gaps"]:
    """Questions are answered; everything else goes on to the gap."""
    return "answer" if state.get("route") == "question" else "analyze_gaps"


def answer(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer a question from the retrieved passages, or say plainly that there are none."""
    passages = [p for p in state.get("passages") or [] if p.get("for") == "q"]
    question = last_human(state)
    if not passages:
        text = (
            "I found nothing in the roadmaps I know about that, so I won't guess. "
            "Ingest a roadmap that covers it (`coach ingest PATH`), or ask about a role or skill."
        )
        return {"messages": [AIMessage(text)]}
    prompt = f"Passages:\n{passages_block(passages[:3])}\n\nQuestion: {question}"
    reply = ask_model(runtime.context, [SystemMessage(ANSWER_SYSTEM), HumanMessage(prompt)])
    sources = "\n".join(
        f"- [{i}] {p['source']} > {p['section']}, lines {p['lines'][0]}-{p['lines'][1]}"
        for i, p in enumerate(passages[:3], start=1)
    )
    return {"messages": [AIMessage(f"{reply}\n\nSources:\n{sources}")]}
