"""Intake: merge the facts of a message into the profile and ask for what is missing."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agent.coaching.parsing import parse_message
from agent.coaching.understanding import Extraction, merge
from agent.graph.context import Context
from agent.graph.nodes.common import last_human, missing_field, profile_of, unrated_role_skills
from agent.graph.state import CoachState
from tools.lc_tools import save_profile

QUESTIONS: dict[str, str] = {
    "current_role": "What is your current role (for example 'Backend engineer')?",
    "skills": (
        "Which skills do you have, with a level 0-5 each? For example 'Python 4, SQL 3, Docker 2'. "
        "(0 unaware, 1 with guidance, 2 independently, 3 understand trade-offs, 4 solved edge cases, 5 can teach it)"
    ),
    "hours_per_week": "How many hours a week can you study (for example '8 hours a week')?",
    "plan_a": "What is your Plan A: a position in an industry (for example 'GenAI engineer in fintech')?",
    "plan_b": "And your Plan B, ideally in a similar field (for example 'MLOps engineer in fintech')?",
}


# ---- helpers ---------------------------------------------------------------------


def _describe_fact(name: str, value: Any) -> str:
    match name:
        case "plan_a" | "plan_b":
            return f"Plan {name[-1].upper()} {value['position']} in {value['industry']}"
        case "hours_per_week":
            return f"{value:g} hours a week"
        case "horizon_months":
            return f"a horizon of {value} months"
        case _:
            return f"{name.replace('_', ' ')} {value}"


def intake(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Merge the facts of this message into the profile, and ask for what is missing."""
    text = last_human(state)
    asking = state.get("asking")
    profile: dict[str, Any] = dict(state.get("profile") or {})
    parsed = parse_message(text, asking, profile.get("industry"))  # type: ignore[arg-type]
    if state.get("understood_by") == "model" and state.get("extraction"):
        parsed = merge(parsed, Extraction.model_validate(state["extraction"]), profile.get("industry"))
    got: list[str] = []
    for name in ("current_role", "industry", "hours_per_week", "horizon_months", "plan_a", "plan_b"):
        value = getattr(parsed, name)
        if value:
            profile[name] = value
            got.append(_describe_fact(name, value))
    if parsed.skills:
        profile["skills"] = {**profile.get("skills", {}), **parsed.skills}
        got.append("skills " + ", ".join(f"{k} {v}" for k, v in parsed.skills.items()))
    role_skills_asked = bool(state.get("role_skills_asked"))
    if asking == "role_skills" and (parsed.skipped or parsed.skills):
        role_skills_asked = True
    if asking == "skills" and parsed.skipped:
        profile["skills_skipped"] = True

    lines: list[str] = []
    if got:
        lines.append("Noted: " + "; ".join(got) + ".")
    for problem in parsed.problems:
        lines.append(f"I could not use that: {problem}.")
    update: dict[str, Any] = {"profile": profile, "role_skills_asked": role_skills_asked}
    nxt = missing_field({**state, "role_skills_asked": role_skills_asked}, profile)
    if nxt is None and runtime.store is not None and runtime.context.side_effects:
        save_profile(runtime.store, runtime.context.user_id, profile_of(profile))
    if nxt is None:
        if state.get("route") == "plan" or got or asking is not None:
            lines.append("I have what I need. Looking at the roadmaps and computing your skill gap...")
            return {**update, "asking": None, "messages": [AIMessage("\n\n".join(lines))]}
        lines.append("Your profile is complete. Say 'plan' to draft a plan, or ask me anything.")
        return {**update, "asking": None, "route": "question", "messages": [AIMessage("\n\n".join(lines))]}
    first_turn = len(state.get("messages", [])) <= 1 and not got
    if first_turn and runtime.context.interface != "repl":  # the REPL's banner greets already
        lines.insert(
            0, "Hi! I'm your career coach. I'll help you pick a realistic target and reach it within a year."
        )
    if nxt == "role_skills":
        names = ", ".join(unrated_role_skills(profile))
        lines.append(
            f"Rate yourself 0-5 on the skills these roles need, for example 'system design 2, rag 1' "
            f"(or 'skip' to count them as 0): {names}."
        )
    else:
        lines.append(QUESTIONS[nxt])
    return {**update, "asking": nxt, "route": "intake", "messages": [AIMessage("\n\n".join(lines))]}


def after_intake(state: CoachState) -> Literal["retrieve", "__end__"]:
    """Draft when the profile is complete and this turn asked for it; else wait."""
    return "retrieve" if state.get("asking") is None and state.get("route") != "question" else "__end__"
