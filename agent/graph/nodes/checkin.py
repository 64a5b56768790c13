"""Check-in: compare reported levels with the saved plan; re-plan when it slipped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.coaching.checkin import checkin_markdown, compare
from agent.coaching.parsing import parse_checkin
from agent.coaching.plan import Plan
from agent.graph.context import Context
from agent.graph.nodes.common import last_human
from agent.graph.state import CoachState
from agent.storage.plans import get_plan


def checkin(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["analyze_gaps", "__end__"]]:
    """Compare reported levels with the committed plan; re-plan (through review) if it slipped."""
    committed = state.get("committed")
    if not committed or runtime.store is None:
        text = "There is no saved plan to check in against yet: approve a plan first."
        return Command(goto="__end__", update={"messages": [AIMessage(text)]})
    record = get_plan(runtime.store, runtime.context.user_id, committed["version"])
    plan = Plan.model_validate(record["plan"])
    levels, weeks, problems = parse_checkin(last_human(state))
    if not levels:
        text = "Tell me your levels now, for example 'check in after 8 weeks: python 4, rag 2'."
        if problems:
            text = "I could not use that: " + "; ".join(problems) + ". " + text
        return Command(goto="__end__", update={"messages": [AIMessage(text)]})
    if weeks is None:
        saved = datetime.fromisoformat(record["saved_at"])
        weeks = max(0, (datetime.now(UTC) - saved).days // 7)
    report = compare(plan, levels, weeks)
    text = checkin_markdown(report)
    update: dict[str, Any] = {"profile": {**(state.get("profile") or {}), **report.profile.model_dump()}}
    if report.slipped or not report.remaining.attainable:
        targets = {s.skill_id: s.target for s in plan.a.scheduled.skills}
        update["overrides"] = {**(state.get("overrides") or {}), "a": targets}
        update["messages"] = [AIMessage(text + "\n\nRe-planning from here; the new draft needs your review.")]
        return Command(goto="analyze_gaps", update=update)
    update["messages"] = [AIMessage(text + "\n\nYou are on track: keep going.")]
    return Command(goto="__end__", update=update)
