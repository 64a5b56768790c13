"""Routing: read the message once, decide what the turn is about, and where it goes next.

The reading (`understood`, an `agent.coaching.parsing.Understood`) travels in the
state, so intake and check-in work from the same parse. A thread with no profile
starts from the person's saved one, if any: a returning person is remembered.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore

from agent.coaching import proposals
from agent.coaching.checkin import reports_unchanged
from agent.coaching.checkin_reading import says_unchanged
from agent.coaching.intents import SAME_LIST
from agent.coaching.parsing import NO, YES, understand
from agent.coaching.plan import Plan
from agent.coaching.profile_file import profile_from_data
from agent.coaching.targets import default_industry
from agent.coaching.understanding import extract, merge
from agent.graph import history
from agent.graph.context import Context
from agent.graph.nodes.common import last_human, missing_field, model_for, postings_of
from agent.graph.state import CoachState
from agent.llm.models import is_capable
from agent.storage.plans import has_plans, list_plans
from agent.storage.profiles import load_profile
from agent.storage.records import PlanRecord
from tools.errors import CoachError, InputError
from tools.skill_edits import asks_to_redo, mentions_list_edit

# A bare answer word ("skip", "approve") that only means something when a question or a
# draft waits for it.
_CONTROL = re.compile(
    r"^\s*/?(?:skip|approve|approved|accept|reject|lgtm|ship it|save(?: it)?|discard|a|r|next|pass)\s*[.!]*\s*$",
    re.I,
)
NOTHING_PENDING = (
    "Nothing is waiting for that answer: no draft is under review and I have not asked a question "
    "('approve' and 'reject' answer a draft, 'skip' a question I ask)."
)


_FRESH = re.compile(
    r"^\s*(?:ok(?:ay)?[,.!]?\s{1,3}|let'?s\s{1,3})?(?:start(?:ing)?\s{1,3}(?:fresh|over|from scratch)|forget my (?:saved )?profile|"
    r"new start|clean slate)\b[\s.,:;!-]*",
    re.I,
)
STARTING_FRESH = (
    "Starting fresh: this conversation uses nothing from your saved profile (it stays saved until you "
    "approve a new plan)."
)


def saved_profile(store: BaseStore | None, user_id: str) -> dict[str, Any] | None:
    """The person's saved profile as state data, or None (also when it no longer validates)."""
    if store is None:
        return None
    try:
        profile = load_profile(store, user_id)
    except CoachError:
        return None
    return profile.model_dump(mode="json") if profile is not None else None


def latest_plan(store: BaseStore | None, user_id: str) -> PlanRecord | None:
    """The person's most recent saved plan record, from any session, or None."""
    if store is None:
        return None
    plans = list_plans(store, user_id)
    return plans[-1] if plans else None


def route(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Read the message (parsers, then a capable model if there is one) and pick the route."""
    ctx = runtime.context
    text = last_human(state)
    update: dict[str, Any] = {"turn": state.get("turn", 0) + 1}
    profile = state.get("profile") or {}
    returning = refused = False
    given = not state.get("turn") and bool(profile)  # a client started from a known profile
    if given:
        # What a client sends is checked as a profile file is; a bad one is said, not stored.
        try:
            profile = profile_from_data(dict(profile), "The profile you sent").model_dump(mode="json")
        except InputError as exc:
            update |= {"profile": {}, "messages": [AIMessage(str(exc))]}
            profile, given, refused = {}, False, True
        else:
            # A profile given whole (a file, a client) is not a conversation: a position the
            # catalog lacks takes its proposed skills at once, and the reply shows them.
            notes: list[str] = []
            while (key := proposals.needs_proposal(profile)) is not None:
                proposal = proposals.propose_for(profile, key, postings_of(runtime))
                profile = proposals.pinned(profile, key, proposal)
                notes.append(proposals.given_note(proposal, key))
            update |= {"profile": profile, "role_skills_asked": True, "asking": None}
            if notes:
                update["messages"] = [AIMessage("\n\n".join(notes))]
    # A person who sent a profile the coach refused meant that one: their saved profile
    # must not stand in for it (a "draft my plan" beside it drafted the old one).
    fresh = bool(profile) and bool(_FRESH.match(text))
    if fresh:
        # "start fresh": this conversation drops the saved facts (the saved profile stays
        # until a new plan is approved); it is read back only when a conversation starts.
        profile = {}
        update |= {
            "profile": {},
            "overrides": {},
            "role_skills_asked": False,
            "proposal": None,
            "pending": None,
            "asking": None,
        }
        update["messages"] = [AIMessage(STARTING_FRESH)]
        text = _FRESH.sub("", text, count=1)
    if (
        not profile
        and not refused
        and not fresh
        and not state.get("turn")
        and (saved := saved_profile(runtime.store, ctx.user_id)) is not None
    ):
        profile, returning = saved, True
        update |= {"profile": saved, "role_skills_asked": True}
    has_plan = bool(state.get("committed")) or (
        runtime.store is not None and has_plans(runtime.store, ctx.user_id)
    )
    asking = None if fresh else state.get("asking")
    # "yes! backup would be mlops engineer": the Plan A being confirmed gives Plan B its industry.
    industry = default_industry(profile, asking) or (state.get("pending") or {}).get("industry") or None
    understood = understand(text, asking, industry, has_plan=has_plan)  # type: ignore[arg-type]
    extraction = None
    if is_capable(ctx.model, ctx.chat_model):
        extraction = extract(model_for(ctx), text, asking, state.get("summary", ""))
        if extraction is not None:
            understood = merge(understood, extraction, text, industry, asking)
    if given:
        asking = None
    seen: CoachState = {
        **state,
        "role_skills_asked": bool(update.get("role_skills_asked") or state.get("role_skills_asked")),
    }
    complete = bool(profile) and asking is None and missing_field(seen, profile) is None
    if has_plan and state.get("route") == "checkin" and understood.skills and understood.intent == "profile":
        # The levels a check-in just asked for ("classical ml is 2 now, pipelines still 0"):
        # the same check-in, at the same elapsed time.
        understood.intent = "checkin"
        if understood.elapsed_weeks is None:
            understood.elapsed_weeks = (state.get("understood") or {}).get("elapsed_weeks")
    if (
        has_plan
        and understood.intent in ("chitchat", "question", "profile")
        and not (understood.current_role or understood.plan_a or understood.plan_b)
        and says_unchanged(text)
        and (saved_plan := latest_plan(runtime.store, ctx.user_id)) is not None
        and reports_unchanged(text, Plan.model_validate(saved_plan.plan))
    ):
        understood.intent = "checkin"  # "quick update, havent started the epic build stuff yet"
    if asking == "proposal" and (SAME_LIST.search(text) or asks_to_redo(text) or mentions_list_edit(text)):
        # An answer to the proposal, not a roadmap question: "same list as plan A?", "can u
        # redo the list from them?", "do they need python? anyway replace #3 with X".
        understood.intent = "profile"
    intent = understood.intent
    if state.get("pending") and (YES.match(text) or NO.match(text)):
        intent = understood.intent = "profile"  # the answer to "Did you mean ...?"
    if given and complete and intent not in ("question", "checkin"):
        intent = "plan"  # a complete profile from the client drafts at once, as `coach plan` does
    match intent:
        case "question":
            goto = "question"
        case "checkin":
            goto = "checkin"
        case "plan":
            goto = "plan"
        case "chitchat" if complete and not returning and _CONTROL.match(text):
            # "skip" / "approve" with nothing waiting for it: say so, never search the roadmaps.
            goto = "intake"
            update["messages"] = [AIMessage(NOTHING_PENDING)]
        case "chitchat":
            goto = "question" if complete and not returning else "intake"
        case _:
            goto = "intake"
    update |= {
        "route": goto,
        "aside": None,  # a question beside facts is this turn's only: never a later turn's
        "understood": understood.model_dump(mode="json") | {"returning": returning},
        "understood_by": understood.by,
        "extraction": extraction.model_dump() if extraction is not None else None,
    }
    removals, summary = history.trim(state.get("messages", []), state.get("summary", ""))
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
