"""Planning: the skill gaps of Plan A and Plan B, and the drafted plan."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from agent.coaching.passages import retrieved_of
from agent.coaching.plan import build_plan
from agent.coaching.render import verdict_table
from agent.graph.context import Context
from agent.graph.nodes.common import ask_model, postings_of, profile_of
from agent.graph.prompts import NOTE_SYSTEM
from agent.graph.state import CoachState
from agent.graph.toolcalls import call_tool
from tools.gap import gap_report
from tools.models import GapReport
from tools.postings import postings_for


def _reports(state: CoachState, records: list[Any]) -> tuple[GapReport, GapReport]:
    profile = profile_of(state["profile"])
    overrides = state.get("overrides") or {}
    targets = {"a": profile.plan_a, "b": profile.plan_b}
    # The person's job postings for a target's position set its priorities and evidence.
    texts = {key: postings_for(records, t.position) for key, t in targets.items()}
    a, b = (
        call_tool(
            "skill_gap_report",
            gap_report,
            profile=profile,
            target=targets[key],
            target_overrides=overrides.get(key),
            # Given even when empty: a list carried from another position keeps no counts.
            postings=texts[key],
        )
        for key in ("a", "b")
    )
    return a, b


def analyze_gaps(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Compute Plan A and Plan B skill gaps on the same budget."""
    a, b = _reports(state, postings_of(runtime))
    # The plan that follows carries both matrices; this message is the verdict at a glance.
    summary = "## Skill gap\n\n" + verdict_table(a, b) + "\n\nBoth skill matrices are in the draft below."
    return {"reports": {"a": a.model_dump(), "b": b.model_dump()}, "messages": [AIMessage(summary)]}


def draft_plan(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Assemble the plan from the numbers and passages; the model adds a short note."""
    profile = profile_of(state["profile"])
    a = GapReport.model_validate(state["reports"]["a"])
    b = GapReport.model_validate(state["reports"]["b"])
    passages = retrieved_of(state.get("passages"))
    plan = build_plan(profile, (a, b), passages.get("plan_a") or [], passages.get("plan_b") or [])
    facts = "\n".join(f"- {c.text}" for c in plan.rationale[:4])
    feedback = (state.get("review") or {}).get("feedback") or ""
    prompt = f"Facts about the plan:\n{facts}\n" + (f"\nThe person asked: {feedback}\n" if feedback else "")
    ctx = runtime.context
    # The embedded 135M model invents figures in free prose; a plan a person acts on
    # gets a note only from a capable (or scripted) model. Its rationale is cited anyway.
    wants_note = ctx.chat_model is not None or ctx.model != "local"
    note = ask_model(ctx, [SystemMessage(NOTE_SYSTEM), HumanMessage(prompt)]) if wants_note else ""
    plan = plan.model_copy(update={"coach_note": note})
    return {"draft": plan.model_dump(mode="json")}
