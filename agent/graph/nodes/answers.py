"""Retrieval and answers: passages for a question or a plan, and the cited answer."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from agent.coaching.claims import check_numbers
from agent.coaching.intents import WHAT_IF
from agent.coaching.passages import Passage, Quoted, Retrieved, passages_of, quoted_of, retrieved_of
from agent.coaching.plan import Plan
from agent.coaching.plan_answers import answer_from_plan
from agent.coaching.proposals import needs_proposal
from agent.coaching.roadmap_time import roadmap_time_answer
from agent.coaching.what_if import asked_figures, what_if_answer
from agent.graph.context import Context, run_user
from agent.graph.nodes.common import (
    ask_model,
    generates,
    last_human,
    model_for,
    postings_of,
    profile_of,
    retriever_for,
    unrated_role_skills,
)
from agent.graph.nodes.intake import QUESTIONS as INTAKE_QUESTIONS
from agent.graph.prompts import ANSWER_SYSTEM, passages_block
from agent.graph.state import CoachState
from agent.graph.tool_agent import make_tools, run_agent
from agent.graph.toolcalls import call_tool
from agent.llm.models import is_capable
from agent.storage.plans import list_plans
from tools.gap import gap_report
from tools.models import GapReport, Profile
from tools.postings import postings_for

_FOLLOW_UP = re.compile(r"\b(it|that|this|those|these|they|them|there|which one)\b", re.I)


def question_query(state: CoachState) -> str:
    """The search query for a question: the question, the earlier question when this
    one leans on it ("how long does that take?"), and the person's target and gaps."""
    humans = [str(m.content) for m in state.get("messages", []) if isinstance(m, HumanMessage)]
    question = state.get("aside") or (humans[-1] if humans else "")
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


def _plan_reports(state: CoachState, runtime: Runtime[Context]) -> tuple[GapReport, GapReport] | None:
    """Plan A and B as this thread computed them, else as the person's latest saved plan."""
    found = _plan_and_profile(state, runtime)
    return found[1:] if found else None


def _plan_and_profile(
    state: CoachState, runtime: Runtime[Context]
) -> tuple[Profile | None, GapReport, GapReport] | None:
    """The profile Plan A and B were computed from (None when it no longer validates) and
    the two reports: this thread's, else the person's latest saved plan's."""
    reports = state.get("reports") or {}
    if "a" in reports and "b" in reports:
        try:
            profile = profile_of(state.get("profile") or {})
        except ValueError:
            profile = None
        return profile, GapReport.model_validate(reports["a"]), GapReport.model_validate(reports["b"])
    if runtime.store is None:
        return None
    saved = list_plans(runtime.store, run_user(runtime))
    if not saved:
        return None
    plan = Plan.model_validate(saved[-1].plan)
    return plan.profile, plan.a.report, plan.b.report


def retrieve(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Find roadmap passages for the question, or for each plan's target and missing skills.
    A question the person's own plan answers needs no roadmap: it is answered from the plan.
    A question asked beside 'draft my plan' is answered here, before the draft."""
    if state.get("route") == "question":
        return _look_up(state, runtime)
    retriever = retriever_for(runtime.context)
    passages = Retrieved()
    queries = []
    for key in ("a", "b"):
        query = _plan_query(state["profile"], key)
        queries.append(query)
        hits = call_tool("search_roadmaps", retriever.search, query=query, k=12)
        # The best passages overall ground the rationale; project passages feed the
        # milestones, and are rarely the very top hits for a skills query.
        chosen = hits[:3] + [h for h in hits[3:] if "project" in h.chunk.section.lower()][:3]
        passages["plan_a" if key == "a" else "plan_b"] = passages_of(chosen)
    out: dict[str, Any] = {"query": " | ".join(queries), "passages": passages}
    if aside := state.get("aside"):
        # 'draft my plan. also, is 6 hours a week realistic?': a what-if on the profile this
        # draft uses, else the question's own answer (plan, roadmap quotes or the model).
        asked: Any = {**state, "route": "question"}
        before = what_if_before_plan(aside, state, runtime, drafting=True)
        found: Any = {"plan_answer": before} if before else _look_up(asked, runtime)
        said = _answer({**asked, **found}, runtime)["messages"][-1].content
        out["messages"] = [AIMessage(f'You also asked "{_shown(aside)}".\n\n{said}')]
        out["aside"] = None
    return out


def _look_up(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """What answers the question: the plan's figures, a what-if worked out, or passages."""
    ctx = runtime.context
    retriever = retriever_for(ctx)
    question = _question(state)
    if is_capable(ctx.model, ctx.chat_model):
        return {"query": "", "passages": [], "quotes": [], "plan_answer": None}  # the tool agent looks up
    planned = _plan_and_profile(state, runtime)
    if planned is None and (before := what_if_before_plan(question, state, runtime)):
        return {"query": "", "passages": [], "plan_answer": before}
    # A what-if ('could I finish early if I did 8 hrs a week?') is worked out at the
    # figures asked; the rest of the message is answered from the plan as it is.
    what_if = what_if_answer(question, planned[0], *planned[1:]) if planned and planned[0] else None
    rest = WHAT_IF.sub(" ", question) if what_if else question
    from_plan = (
        answer_from_plan(rest, *planned[1:]) or roadmap_time_answer(rest, *planned[1:])
        if planned and rest.strip(" ,.;?!")
        else None
    )
    said = [x.text for x in (from_plan, what_if) if x is not None]
    if said:
        return {"query": "", "passages": [], "plan_answer": "\n\n".join(said)}
    query = question_query(state)
    # Relevance is judged on the question alone: the context in the query would
    # make any question look relevant to the target role's roadmap.
    hits = call_tool("search_roadmaps", retriever.relevant, query=query, k=ctx.k, gate=question)
    quotes: list[Quoted] = []
    if hits and not generates(ctx):
        found = call_tool("best_sentences", retriever.rank_sentences, question=question, hits=hits, k=3)
        quotes = [quoted_of(q) for q in found]
    found_passages = Retrieved(question=passages_of(hits))
    return {"query": query, "passages": found_passages, "quotes": quotes, "plan_answer": None}


_NEEDED = {
    "current_role": "your current role",
    "skills": "your skill levels",
    "hours_per_week": "the hours a week you can study",
    "plan_a": "your Plan A (a position in an industry)",
    "plan_b": "your Plan B",
}


def what_if_before_plan(
    question: str, state: CoachState, runtime: Runtime[Context], drafting: bool = False
) -> str | None:
    """A what-if with hours or a horizon asked before any plan exists ('what if I only had 4
    hours a week?'): with a complete profile, worked out by the gap engine on the skills a
    draft would use, as after a draft; else what is missing to work it out. None when the
    question asks no such what-if."""
    hours, months, _ = asked_figures(question)
    if hours is None and months is None:
        return None
    profile = dict(state.get("profile") or {})
    if hours is not None and not profile.get("hours_per_week"):
        profile["hours_per_week"] = hours  # the figure asked is all the hours it needs
    missing = [
        _NEEDED[f]
        for f in _NEEDED
        if not profile.get(f) and not (f == "skills" and profile.get("skills_skipped"))
    ]
    if not missing and (key := needs_proposal(profile)):
        missing.append(f"the 10 skills for {profile[key]['position']} agreed (answer the list I proposed)")
    if missing:
        return (
            "That is a what-if I can work out with the gap engine once I know "
            + ", ".join(missing)
            + ": there is no plan yet and your profile is not complete. Tell me those and ask again "
            "(nothing was changed)."
        )
    person = profile_of(profile)
    overrides = state.get("overrides") or {}
    records = postings_of(runtime)
    a, b = (
        gap_report(
            person,
            target,
            target_overrides=overrides.get(key),
            postings=postings_for(records, target.position),
        )
        for key, target in (("a", person.plan_a), ("b", person.plan_b))
    )
    worked = what_if_answer(question, person, a, b)
    if worked is None:
        return None
    lines = [
        "Worked out on the profile this draft uses (the draft follows)."
        if drafting
        else "No plan is drafted yet, so this is worked out on your profile as it stands."
    ]
    if unrated := unrated_role_skills(profile):
        lines.append(
            f"Skills you have not rated yet are estimated from your current role, as a draft does "
            f"(0 where it tells nothing): {', '.join(unrated[:6])}{', ...' if len(unrated) > 6 else ''}. "
            "Rate them to sharpen this."
        )
    return "\n".join(lines) + "\n\n" + worked.text


def after_retrieve(state: CoachState) -> Literal["answer", "analyze_gaps"]:
    """Questions are answered; everything else goes on to the gap."""
    return "answer" if state.get("route") == "question" else "analyze_gaps"


NOTHING_FOUND = (
    "I found nothing in the roadmaps I know about that, so I won't guess. "
    "Ask about a role, a skill or your plan, or add a roadmap that covers it."
)


def _sources(passages: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(
        f"- [{i}] {p['source']} > {p['section']}, lines {p['lines'][0]}-{p['lines'][1]}"
        for i, p in enumerate(passages, start=1)
    )


def _extractive(quotes: list[Quoted]) -> tuple[str, list[dict[str, Any]]]:
    """The passages' most relevant sentences, quoted and cited with their own lines: the
    embedded default states nothing of its own."""
    sources: list[dict[str, Any]] = []
    lines: list[str] = []
    for q in quotes:
        cite = {"source": q["source"], "section": q["section"], "lines": list(q["lines"])}
        if cite not in sources:
            sources.append(cite)
        lines.append(f"> {q['text']} [{sources.index(cite) + 1}]")
    # A blank line between quotes: Markdown joins consecutive "> " lines into one paragraph,
    # so on a terminal every quote ran into one line.
    return "From the roadmaps:\n\n" + "\n\n".join(lines), sources


def _generated(question: str, passages: list[Passage], state: CoachState, ctx: Context) -> str | None:
    """A capable model's answer, keeping only sentences whose figures the passages or the plan
    give; None when nothing survives the check."""
    prompt = f"Passages:\n{passages_block(passages)}\n\nQuestion: {question}"
    reply = ask_model(ctx, [SystemMessage(ANSWER_SYSTEM), HumanMessage(prompt)])
    plan_text = json.dumps(state.get("reports") or {})
    checked = check_numbers(reply, [p["text"] for p in passages] + [plan_text, question])
    if not checked.text:
        return None
    if checked.dropped:
        return (
            checked.text
            + f"\n\n(I left out {len(checked.dropped)} sentence(s) with figures the sources do not give.)"
        )
    return checked.text


def _with_tools(state: CoachState, runtime: Runtime[Context]) -> str:
    """A capable model answers through the coach's own tools, at most MAX_CALLS of them."""
    ctx = runtime.context
    reports = _plan_reports(state, runtime)
    by_plan = {"a": reports[0], "b": reports[1]} if reports else {}
    raw = state.get("profile") or {}
    try:
        profile = profile_of(raw) if raw else None
    except ValueError:
        profile = None  # a profile still being gathered: the what-if tool says so

    def saved() -> dict[str, Any] | None:
        if runtime.store is None:
            return None
        plans = list_plans(runtime.store, run_user(runtime))
        return {"version": plans[-1].version, "saved_at": plans[-1].saved_at} if plans else None

    tools = make_tools(profile, by_plan, retriever_for(ctx), saved)
    answered = run_agent(model_for(ctx), _question(state), tools)
    text = answered.text or NOTHING_FOUND
    if answered.dropped:
        text += f"\n\n(I left out {len(answered.dropped)} sentence(s) with figures the tools did not give.)"
    return text


def answer(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer from the plan, or from the retrieved passages (quoted on the embedded default,
    phrased and checked with a capable model), or say plainly that there is nothing; a
    question asked while the coach waits for a profile fact is answered, then it asks again."""
    out = _answer(state, runtime)
    if aside := state.get("aside"):
        # Asked beside profile facts: the answer says which question it answers.
        out["messages"][-1] = AIMessage(f'You also asked "{_shown(aside)}".\n\n{out["messages"][-1].content}')
        out["aside"] = None
    asking = state.get("asking")
    if asking in INTAKE_QUESTIONS and not state.get("draft"):
        said = str(out["messages"][-1].content)
        out["messages"][-1] = AIMessage(f"{said}\n\nBack to my question: {INTAKE_QUESTIONS[asking]}")
    elif asking == "proposal" and (agreeing := state.get("proposal")) and not state.get("draft"):
        # Asked while a proposed list waits for an answer: the list is still the question.
        from tools.proposal import HOW

        position = agreeing.get("proposal", {}).get("position", "the position")
        said = str(out["messages"][-1].content)
        out["messages"][-1] = AIMessage(
            f"{said}\n\nBack to my question: the skills proposed for {position} above - accept them, or {HOW.split(', or')[0]}."
        )
    return out


def _shown(question: str) -> str:
    """A question quoted back, cut to 120 characters."""
    return question if len(question) <= 120 else question[:117] + "..."


def _question(state: CoachState) -> str:
    """The question this turn answers: one asked beside profile facts, else the message."""
    return state.get("aside") or last_human(state)


def _answer(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    if state.get("plan_answer"):
        return {"messages": [AIMessage(str(state["plan_answer"]))]}
    passages = (retrieved_of(state.get("passages")).get("question") or [])[:3]
    quotes = state.get("quotes") or []
    ctx = runtime.context
    if is_capable(ctx.model, ctx.chat_model):
        return {"messages": [AIMessage(_with_tools(state, runtime))]}
    text = _generated(_question(state), passages, state, ctx) if passages and generates(ctx) else None
    cited: Sequence[Mapping[str, Any]] = passages
    if text is None and quotes:
        text, cited = _extractive(quotes)
    if text is None:
        return {"messages": [AIMessage(NOTHING_FOUND)]}
    return {"messages": [AIMessage(f"{text}\n\nSources:\n{_sources(cited)}")]}
