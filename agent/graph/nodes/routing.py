"""Routing: what this turn is about, and where each node goes next."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime

from agent.coaching.parsing import classify, parse_message
from agent.coaching.understanding import as_state, extract
from agent.graph import history
from agent.graph.context import Context
from agent.graph.nodes.common import last_human, missing_field, model_for
from agent.graph.state import CoachState
from agent.llm.models import is_capable


def route(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Decide what this turn is about: with a capable model, from its structured
    reading of the message; otherwise (or when it fails) from the parsers."""
    ctx = runtime.context
    text = last_human(state)
    parsed = parse_message(text, state.get("asking"), (state.get("profile") or {}).get("industry"))  # type: ignore[arg-type]
    extraction = None
    if is_capable(ctx.model, ctx.chat_model):
        extraction = extract(model_for(ctx), text, state.get("asking"), state.get("summary", ""))
    intent = extraction.intent if extraction is not None else classify(text, parsed, reviewing=False)
    complete = (
        state.get("asking") is None
        and bool(state.get("profile"))
        and missing_field(state, state.get("profile") or {}) is None
    )
    if intent == "chitchat":
        intent = "question" if complete else "intake"  # type: ignore[assignment]
    elif intent in ("profile", "review"):
        intent = "intake"  # type: ignore[assignment]
    removals, summary = history.trim(state.get("messages", []), state.get("summary", ""))
    update: dict[str, Any] = {"route": intent, "turn": state.get("turn", 0) + 1, **as_state(extraction)}
    if removals:
        update |= {"messages": removals, "summary": summary}
    return update


def after_route(state: CoachState) -> Literal["intake", "retrieve", "checkin"]:
    """Questions go to retrieval, check-ins to the check-in, everything else through intake."""
    match state.get("route"):
        case "question":
            return "retrieve"
        case "checkin":
            return "checkin"
        case _:
            return "intake"
