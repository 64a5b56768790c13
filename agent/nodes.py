"""Graph nodes: thin wrappers that read state, call pure functions, and write state."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent import history
from agent.checkin import checkin_markdown, compare
from agent.context import Context
from agent.models import describe_model_error, is_capable, make_chat_model
from agent.parsing import ProfileField, classify, parse_checkin, parse_message
from agent.plan import Plan, build_plan
from agent.plans import get_plan, save_approved
from agent.prompts import ANSWER_SYSTEM, NOTE_SYSTEM, passages_block
from agent.render import plan_markdown, verdict_table
from agent.review import ReviewRequest, ReviewResponse, parse_response
from agent.state import CoachState
from agent.toolcalls import call_tool
from agent.understanding import Extraction, as_state, extract, merge
from knowledge.retriever import Retriever
from tools.catalog import load_catalog, require_role
from tools.errors import CoachError
from tools.gap import gap_report, resolve_skills
from tools.lc_tools import save_profile
from tools.models import GapReport, Profile

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


def _last_human(state: CoachState) -> str:
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return ""


@functools.cache
def _default_retriever(home: str, embeddings: str) -> Retriever:
    return Retriever(Path(home), embeddings)


def retriever_for(ctx: Context) -> Retriever:
    """The retriever of this run: the context's own, or the default for its home."""
    return ctx.retriever or _default_retriever(ctx.home, ctx.embeddings)


def model_for(ctx: Context) -> BaseChatModel:
    """The chat model of this run."""
    return ctx.chat_model or make_chat_model(ctx.model)


def _ask_model(ctx: Context, messages: list[Any]) -> str:
    try:
        reply = model_for(ctx).invoke(messages)
    except CoachError:
        raise
    except Exception as exc:  # a provider's own error types: turned into one clear line
        friendly = describe_model_error(exc, ctx.model)
        if friendly is not None:
            raise friendly from exc
        raise
    return str(reply.content).strip()


def _unrated_role_skills(profile: dict[str, Any]) -> list[str]:
    """Short names of Plan A and B skills the person has not rated yet."""
    held = resolve_skills(profile.get("skills", {})).levels
    catalog = load_catalog()
    names: list[str] = []
    for key in ("plan_a", "plan_b"):
        role = require_role(profile[key]["position"])
        for rs in role.general + role.specific:
            skill = catalog.skill(rs.skill)
            short = skill.aliases[0] if skill.aliases else skill.name
            if rs.skill not in held and short not in names:
                names.append(short)
    return names


def missing_field(state: CoachState, profile: dict[str, Any]) -> ProfileField | None:
    """The next thing to ask for, or None when the profile is complete."""
    for name in ("current_role", "skills", "hours_per_week", "plan_a", "plan_b"):
        if name == "skills" and (profile.get("skills") or profile.get("skills_skipped")):
            continue
        if not profile.get(name):
            return name
    if not state.get("role_skills_asked") and _unrated_role_skills(profile):
        return "role_skills"
    return None


def profile_of(profile: dict[str, Any]) -> Profile:
    """The validated profile from the state's partial one."""
    fields = {k: v for k, v in profile.items() if k in Profile.model_fields}
    return Profile.model_validate(fields)


# ---- nodes -----------------------------------------------------------------------


def route(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Decide what this turn is about: with a capable model, from its structured
    reading of the message; otherwise (or when it fails) from the parsers."""
    ctx = runtime.context
    text = _last_human(state)
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


def checkin(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["analyze_gaps", "__end__"]]:
    """Compare reported levels with the committed plan; re-plan (through review) if it slipped."""
    committed = state.get("committed")
    if not committed or runtime.store is None:
        text = "There is no saved plan to check in against yet: approve a plan first."
        return Command(goto="__end__", update={"messages": [AIMessage(text)]})
    record = get_plan(runtime.store, runtime.context.user_id, committed["version"])
    plan = Plan.model_validate(record["plan"])
    levels, weeks, problems = parse_checkin(_last_human(state))
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
    text = _last_human(state)
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
        names = ", ".join(_unrated_role_skills(profile))
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
        question = _last_human(state)
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


def _reports(state: CoachState) -> tuple[GapReport, GapReport]:
    profile = profile_of(state["profile"])
    overrides = state.get("overrides") or {}
    a, b = (
        call_tool(
            "skill_gap_report",
            gap_report,
            profile=profile,
            target=profile.plan_a if key == "a" else profile.plan_b,
            target_overrides=overrides.get(key),
        )
        for key in ("a", "b")
    )
    return a, b


def analyze_gaps(state: CoachState) -> dict[str, Any]:
    """Compute Plan A and Plan B skill gaps on the same budget."""
    a, b = _reports(state)
    # The plan that follows carries both matrices; this message is the verdict at a glance.
    summary = "## Skill gap\n\n" + verdict_table(a, b) + "\n\nBoth skill matrices are in the draft below."
    return {"reports": {"a": a.model_dump(), "b": b.model_dump()}, "messages": [AIMessage(summary)]}


def draft_plan(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Assemble the plan from the numbers and passages; the model adds a short note."""
    profile = profile_of(state["profile"])
    a = GapReport.model_validate(state["reports"]["a"])
    b = GapReport.model_validate(state["reports"]["b"])
    passages = state.get("passages") or []
    pa = [p for p in passages if p.get("for") == "a"]
    pb = [p for p in passages if p.get("for") == "b"]
    plan = build_plan(profile, (a, b), pa, pb)
    facts = "\n".join(f"- {c.text}" for c in plan.rationale[:4])
    feedback = (state.get("review") or {}).get("feedback") or ""
    prompt = f"Facts about the plan:\n{facts}\n" + (f"\nThe person asked: {feedback}\n" if feedback else "")
    ctx = runtime.context
    # The embedded 135M model invents figures in free prose; a plan a person acts on
    # gets a note only from a capable (or scripted) model. Its rationale is cited anyway.
    wants_note = ctx.chat_model is not None or ctx.model != "local"
    note = _ask_model(ctx, [SystemMessage(NOTE_SYSTEM), HumanMessage(prompt)]) if wants_note else ""
    plan = plan.model_copy(update={"coach_note": note})
    return {"draft": plan.model_dump(mode="json")}


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


def answer(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer a question from the retrieved passages, or say plainly that there are none."""
    passages = [p for p in state.get("passages") or [] if p.get("for") == "q"]
    question = _last_human(state)
    if not passages:
        text = (
            "I found nothing in the roadmaps I know about that, so I won't guess. "
            "Ingest a roadmap that covers it (`coach ingest PATH`), or ask about a role or skill."
        )
        return {"messages": [AIMessage(text)]}
    prompt = f"Passages:\n{passages_block(passages[:3])}\n\nQuestion: {question}"
    reply = _ask_model(runtime.context, [SystemMessage(ANSWER_SYSTEM), HumanMessage(prompt)])
    sources = "\n".join(
        f"- [{i}] {p['source']} > {p['section']}, lines {p['lines'][0]}-{p['lines'][1]}"
        for i, p in enumerate(passages[:3], start=1)
    )
    return {"messages": [AIMessage(f"{reply}\n\nSources:\n{sources}")]}
