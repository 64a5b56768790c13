"""Review and commit: stop for the person's decision; save only an approved draft."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.coaching.parsing import parse_message
from agent.coaching.plan import Plan
from agent.coaching.render import plan_markdown
from agent.coaching.review import ReviewRequest, ReviewResponse, parse_response
from agent.graph.context import Context
from agent.graph.state import CoachState
from agent.storage.plans import save_approved
from tools.catalog import require_role
from tools.errors import CoachError


def review(state: CoachState) -> Command[Literal["commit", "analyze_gaps", "__end__"]]:
    """Stop for the person to approve, edit or reject the draft. Nothing before the
    interrupt has side effects: the node runs again from the top on resume."""
    plan = Plan.model_validate(state["draft"])
    request = ReviewRequest(draft_id=plan.draft_id, markdown=plan_markdown(plan), plan=state["draft"] or {})
    raw = interrupt(request.model_dump(), response_schema=ReviewResponse)
    answer: ReviewResponse = parse_response(raw)
    record = {**answer.model_dump(), "draft_id": plan.draft_id}
    if answer.action == "approve":
        return Command(goto="commit", update={"review": record})
    if answer.action == "reject":
        reason = f" ({answer.feedback})" if answer.feedback else ""
        return Command(
            goto="__end__",
            update={
                "review": record,
                "draft": None,
                "messages": [
                    AIMessage(
                        f"Plan discarded{reason}; nothing was saved. Tell me what to change, or say 'plan' for a new draft."
                    )
                ],
            },
        )
    return Command(goto="analyze_gaps", update=apply_edit(state, answer) | {"review": record})


def apply_edit(state: CoachState, answer: ReviewResponse) -> dict[str, Any]:
    """Fold an edit's changes (direct or read from its feedback) into profile and overrides."""
    profile = dict(state["profile"])
    overrides = {k: dict(v) for k, v in (state.get("overrides") or {}).items()}
    changes = answer.changes
    notes: list[str] = []
    if answer.feedback:
        parsed = parse_message(answer.feedback, None, profile.get("industry"))
        if parsed.hours_per_week and not changes.hours_per_week:
            changes = changes.model_copy(update={"hours_per_week": parsed.hours_per_week})
        if parsed.horizon_months and not changes.horizon_months:
            changes = changes.model_copy(update={"horizon_months": parsed.horizon_months})
        for key in ("plan_a", "plan_b"):
            if getattr(parsed, key) and not getattr(changes, key):
                changes = changes.model_copy(update={key: getattr(parsed, key)})
        if parsed.skills:
            changes = changes.model_copy(update={"targets": {**parsed.skills, **changes.targets}})
        notes += parsed.problems
    if changes.hours_per_week:
        profile["hours_per_week"] = changes.hours_per_week
    if changes.horizon_months:
        profile["horizon_months"] = changes.horizon_months
    for key in ("plan_a", "plan_b"):
        target = getattr(changes, key)
        if target is not None:
            require_role(target.position if hasattr(target, "position") else target["position"])
            profile[key] = target.model_dump() if hasattr(target, "model_dump") else target
            overrides.pop(key[-1], None)
    for skill, level in changes.targets.items():
        for key in ("a", "b"):
            overrides.setdefault(key, {})[skill] = level
    summary = "Recomputing with your changes." if not changes.empty() else "Noted your feedback; redrafting."
    if notes:
        summary += " I could not use: " + "; ".join(notes) + "."
    return {"profile": profile, "overrides": overrides, "messages": [AIMessage(summary)]}


def commit(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Save the approved draft as a new plan version (once, however often approved)."""
    ctx = runtime.context
    draft = state.get("draft") or {}
    approval = state.get("review") or {}
    if not ctx.side_effects:
        return {"messages": [AIMessage("Replay: the plan was approved here, but replays never save plans.")]}
    if runtime.store is None:
        raise CoachError("No plan store is configured, so the plan cannot be saved.")
    version, new = save_approved(
        runtime.store,
        ctx.user_id,
        draft,
        plan_markdown(Plan.model_validate(draft)),
        {**approval, "by": ctx.user_id, "interface": ctx.interface},
    )
    text = (
        f"Plan saved as version {version}." if new else f"This plan was already saved as version {version}."
    )
    return {
        "committed": {"version": version, "draft_id": draft["draft_id"]},
        "messages": [AIMessage(text + " See it with `coach plans show " + str(version) + "`.")],
    }
