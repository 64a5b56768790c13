"""Intake: fold this turn's reading into the profile, say what was understood, ask for what is missing.

Replies are interface-neutral text: the same words in the REPL, Slack and the server.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from pydantic import ValidationError

from agent.coaching import proposals
from agent.coaching.intents import SAME_LIST, asked_too
from agent.coaching.matching import forget_skills, merge_skills
from agent.coaching.parsing import NO, YES, ProfileField, Understood, understand
from agent.coaching.rated import as_listed, never_listed, onto_lists
from agent.coaching.targets import default_industry, looks_like_title
from agent.graph.context import Context
from agent.graph.nodes.common import last_human, missing_field, postings_of, profile_of, unrated_role_skills
from agent.graph.nodes.routing import latest_plan
from agent.graph.state import CoachState
from agent.storage.profiles import save_profile
from tools.errors import InputError
from tools.models import Profile, Target
from tools.proposal import Proposal
from tools.skill_edits import asks_to_redo, mentions_list_edit, redone_note

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
# "yes. k8s 4, terraform 4": a yes that answers "Did you mean ...?" and goes on with facts.
YES_LEAD = re.compile(
    r"^\s*(?:y|yes|yeah|yep|yup|ya|sure|correct|right|exactly|ok|okay)\b[\s.!,;:-]{1,4}\S", re.I
)
GREETING = "Hi! I'm your career coach. I'll help you pick a realistic target and reach it within a year."


def _target(value: dict[str, str]) -> str:
    return f"{value['position']} in {value['industry']}"


def noted_line(u: Understood) -> str:
    """One line saying everything this message was read as ('' when nothing)."""
    parts: list[str] = []
    if u.current_role:
        parts.append(f"role {u.current_role}")
    if u.industry:
        parts.append(f"industry {u.industry}")
    if u.skills:
        parts.append(", ".join(f"{k} {v}" for k, v in u.skills.items()))
    if u.hours_per_week is not None:
        parts.append(f"{u.hours_per_week:g} hours a week")
    if u.horizon_months is not None:
        parts.append(f"a horizon of {u.horizon_months} months")
    if u.plan_a:
        parts.append(f"Plan A {_target(u.plan_a)}")
    if u.plan_b:
        parts.append(f"Plan B {_target(u.plan_b)}")
    if u.targets:
        parts.append("targets " + ", ".join(f"{k} {v}" for k, v in u.targets.items()))
    if u.forget:
        parts.append(", ".join(u.forget) + " taken out of your skills")
    if not parts:
        return ""
    notes = f" ({'; '.join(u.notes)})" if u.notes else ""
    return "Noted: " + "; ".join(parts) + notes + "."


def not_used_lines(u: Understood) -> list[str]:
    """What the message said that the coach could not use, one line each."""
    lines = [f"I could not use that: {p}." for p in u.problems]
    if u.unrated:
        names = ", ".join(u.unrated[:3])
        lines.append(f"No level for {names}: give it 0-5, for example '{u.unrated[0]} 2'.")
    if u.unused:
        shown = ", ".join(u.unused[:3])
        lines.append(
            f"Not used: {shown} (I could not tell which skill {'it was' if len(u.unused) == 1 else 'they were'} for)."
        )
    return lines


def recap(profile: dict[str, Any]) -> str:
    """A one-line summary of a saved profile."""
    skills = ", ".join(f"{k} {v}" for k, v in list((profile.get("skills") or {}).items())[:6])
    return (
        f"{profile.get('current_role')}; {profile.get('hours_per_week', 0):g} hours a week; "
        f"Plan A {_target(profile['plan_a'])}, Plan B {_target(profile['plan_b'])}"
        + (f"; {skills}" if skills else "")
    )


def _apply(u: Understood, profile: dict[str, Any], overrides: dict[str, dict[str, int]]) -> None:
    """Fold the facts into the profile; a value the profile would refuse is a problem to
    say, never a stored value that breaks every later turn."""
    for name in ("current_role", "industry", "hours_per_week", "horizon_months"):
        value = getattr(u, name)
        if value is None:
            continue
        try:
            Profile.__pydantic_validator__.validate_assignment(Profile.model_construct(), name, value)
        except ValidationError as exc:
            u.problems.append(f"{name.replace('_', ' ')}: {exc.errors()[0]['msg']}")
            setattr(u, name, None)
            continue
        profile[name] = value
    for key in ("plan_a", "plan_b"):
        target = getattr(u, key)
        if not target:
            continue
        try:
            profile[key] = Target.model_validate(target).model_dump()
        except ValidationError as exc:
            u.problems.append(f"Plan {key[-1].upper()}: {exc.errors()[0]['msg']}")
            setattr(u, key, None)
    if u.never:  # "never touched articulate storyline": 0 for a listed skill it names
        u.skills = {**never_listed(u, profile), **u.skills}
    if u.skills:
        u.skills = as_listed(u, profile)
        profile["skills"] = merge_skills(profile.get("skills", {}), u.skills)
    try:
        if u.forget:
            profile["skills"] = forget_skills(profile.get("skills", {}), u.forget)
    except InputError as exc:
        u.problems.append(str(exc))
        u.forget = []
    for skill, level in u.targets.items():
        for key in ("a", "b"):
            overrides.setdefault(key, {})[skill] = level


def _plan_a_list(profile: dict[str, Any], key: str, *, asked: bool = False) -> list[Any] | None:
    """Plan A's agreed skills for Plan B (the key asked about) without its own list: when
    the person asks for them, or Plan B is Plan A's position; else None."""
    a, b = profile.get("plan_a") or {}, profile.get("plan_b") or {}
    if key != "plan_b" or not a.get("skills") or b.get("skills"):
        return None
    if not asked and str(a.get("position", "")).lower() != str(b.get("position", "")).lower():
        return None
    return list(a["skills"])


def _kept(u: Understood, saved: dict[str, Any]) -> str:
    """The saved facts a message with new ones leaves in place, in one line ('' for none)."""
    parts = [
        f"{label} {saved[key]}"
        for key, label in (("current_role", "role"), ("industry", "industry"))
        if saved.get(key) and not getattr(u, key)
    ]
    if saved.get("hours_per_week") and u.hours_per_week is None:
        parts.append(f"{saved['hours_per_week']:g} hours a week")
    parts += [
        f"Plan {key[-1].upper()} {_target(saved[key])}"
        for key in ("plan_a", "plan_b")
        if saved.get(key) and not getattr(u, key)
    ]
    if skills := [k for k in saved.get("skills") or {} if k not in u.skills]:
        parts.append(
            "skills " + ", ".join(skills[:5]) + (f" and {len(skills) - 5} more" if len(skills) > 5 else "")
        )
    return "; ".join(parts)


def _answer_pending(text: str, pending: dict[str, Any], profile: dict[str, Any], lines: list[str]) -> bool:
    """Apply or drop a name waiting for confirmation; True when the message was the answer."""
    if YES.match(text) or YES_LEAD.match(text):
        industry = pending.get("industry") or profile.get("industry") or ""
        if industry:
            profile[pending["field"]] = {"position": pending["name"], "industry": industry}
            lines.append(f"Noted: Plan {pending['field'][-1].upper()} {pending['name']} in {industry}.")
        else:
            lines.append(f"Which industry for {pending['name']}? Write it as '{pending['name']} in fintech'.")
        return True
    if NO.match(text):
        said = str(pending.get("said") or "").strip()
        industry = pending.get("industry") or profile.get("industry") or ""
        if said and industry and looks_like_title(said):
            # Not the catalog's near name: the person's own title is a valid target as written.
            position = said[:1].upper() + said[1:]
            profile[pending["field"]] = {"position": position, "industry": industry}
            lines.append(
                f"OK, not {pending['name']}: Plan {pending['field'][-1].upper()} is {position} in {industry}."
            )
        else:
            lines.append(
                f"OK, not {pending['name']}. Write the position as you want it, for example '{said or 'Solutions architect'} in {industry or 'fintech'}'."
            )
        return True
    return False


def intake(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Merge what this message said into the profile, say so in one line, and ask for what is missing."""
    ctx = runtime.context
    text = last_human(state)
    profile: dict[str, Any] = dict(state.get("profile") or {})
    raw = state.get("understood")
    asking: ProfileField | None = state.get("asking")  # type: ignore[assignment]
    u = Understood.model_validate(raw) if raw else understand(text, asking, default_industry(profile, asking))
    returning = bool((raw or {}).get("returning"))
    overrides = {k: dict(v) for k, v in (state.get("overrides") or {}).items()}
    lines: list[str] = []
    agreeing = state.get("proposal")
    dropped = False
    changed_target = bool(u.plan_a or u.plan_b or u.confirm)  # "wait no, plan b is just data scientist"
    if (
        asking == "proposal"
        and agreeing
        and not changed_target
        and SAME_LIST.search(text)
        and (shared := _plan_a_list(profile, agreeing["key"], asked=True)) is not None
    ):
        # "can you just use the same list as plan A?": Plan A's agreed skills for Plan B.
        profile = {**profile, "plan_b": {**profile["plan_b"], "skills": shared}}
        lines.append(f"Using Plan A's 10 skills for {profile['plan_b']['position']} too.")
        agreeing, u, dropped = None, Understood(), True
    elif asking == "proposal" and agreeing and not changed_target:
        key = agreeing["key"]
        if asks_to_redo(text):  # "i just added 5 postings, can u redo the list from them?"
            redone = proposals.propose_for(profile, key, postings_of(runtime))
            return {
                "proposal": {"key": key, "proposal": redone.model_dump(mode="json")},
                "asking": "proposal",
                "route": "intake",
                "messages": [
                    AIMessage(
                        f"{redone_note(redone, Proposal.model_validate(agreeing['proposal']))}\n\n{proposals.ask(redone, key)}"
                    )
                ],
            }
        reply = proposals.answer(text, Proposal.model_validate(agreeing["proposal"]))
        if not reply.accepted:
            kept = {"key": key, "proposal": reply.proposal.model_dump(mode="json")}
            # A question beside the change ("do they need python? anyway replace #3 with X")
            # is answered after it, as a question beside intake facts is.
            aside = asked_too(text, whole=True)
            aside = aside if aside and not mentions_list_edit(aside) else None
            return {
                "proposal": kept,
                "asking": "proposal",
                "route": "question" if aside else "intake",
                "aside": aside,
                "messages": [AIMessage(reply.text)],
            }
        profile = proposals.pinned(profile, key, reply.proposal)
        profile["skills"] = onto_lists(profile)  # 'stakeholder mgmt' rated before is the listed name
        lines.append(reply.text)
        u = Understood()
    pending = state.get("pending")
    answered = bool(pending) and _answer_pending(text, pending or {}, profile, lines)
    _apply(u, profile, overrides)
    if line := noted_line(u):
        lines.append(line)
    if (
        returning
        and (u.current_role or u.plan_a or u.plan_b)
        and (held_over := _kept(u, dict(state.get("profile") or {})))
    ):
        # A new goal in a new conversation: say which saved facts still count, and how to drop them.
        lines.append(f"Kept from your saved profile: {held_over}. Say 'start fresh' to drop them.")
    lines += not_used_lines(u)
    role_skills_asked = bool(state.get("role_skills_asked"))
    if asking == "role_skills" and (u.skipped or u.skills):
        role_skills_asked = True
    if asking == "skills" and u.skipped:
        profile["skills_skipped"] = True
    update: dict[str, Any] = {
        "profile": profile,
        "overrides": overrides,
        "role_skills_asked": role_skills_asked,
        "pending": None,
    }
    if (agreeing and changed_target) or dropped:
        update["proposal"] = None  # the list was for a target the person has just changed
    if pending and not answered and not u.confirm and not getattr(u, pending["field"], None):
        u.confirm = pending  # not answered yet ("k8s 4" after "Did you mean ...?"): ask again
    if u.confirm:
        which = u.confirm["field"][-1].upper()
        question = (
            f"Did you mean {u.confirm['name']} (you wrote '{u.confirm['said']}') for Plan {which}? Yes or no."
        )
        lines.append(question)
        return {
            **update,
            "pending": u.confirm,
            "asking": u.confirm["field"],
            "route": "intake",
            "messages": [AIMessage("\n\n".join(lines))],
        }
    # A question beside the facts ("... 6 hours a week. what does an ML engineer do?") is
    # answered after they are noted (retrieve -> answer), then the coach asks its own again.
    aside = asked_too(text, whole=True) if u.intent in ("profile", "plan") else None
    answering = {"route": "question", "aside": aside} if aside else {"route": "intake"}
    nxt = missing_field({**state, "role_skills_asked": role_skills_asked}, profile)
    if nxt == "role_skills" and u.intent == "plan":
        # "... then draft my plan": go ahead, as 'skip' would, and say how unrated skills are counted.
        role_skills_asked = update["role_skills_asked"] = True
        lines.append(
            "I'll estimate the skills you did not rate from your current role; correct any level at review."
        )
        nxt = missing_field({**state, "role_skills_asked": True}, profile)
    if nxt is None and runtime.store is not None and ctx.side_effects:
        save_profile(runtime.store, ctx.user_id, profile_of(profile))
    got = bool(u.found_anything() or answered)
    if nxt is None:
        if returning and u.intent != "plan":
            lines.insert(0, f"Welcome back! Last time: {recap(dict(state.get('profile') or profile))}.")
            if plan := latest_plan(runtime.store, ctx.user_id):
                lines.append(f"Your latest saved plan is version {plan.version} ({plan.saved_at[:10]}).")
            lines.append("What has changed since then? Tell me, or say 'plan' to draft from this profile.")
            return {**update, "asking": None, **answering, "messages": [AIMessage("\n\n".join(lines))]}
        if state.get("route") == "plan" or u.intent == "plan" or (got and asking is not None):
            lines.append("I have what I need. Looking at the roadmaps and computing your skill gap...")
            # A question beside the request ('draft my plan. also, is 6 hours a week realistic?')
            # is answered by retrieve before the draft (answers.py).
            return {
                **update,
                "asking": None,
                "route": "plan",
                "aside": aside,
                "messages": [AIMessage("\n\n".join(lines))],
            }
        if (u.skills or u.forget) and (saved := latest_plan(runtime.store, ctx.user_id)) is not None:
            # A correction after a plan was saved: the saved plan used the old levels.
            lines.append(
                f"Your saved plan (version {saved.version}) was made with your earlier levels: say 'plan' "
                "to redraft it with these (it goes through review again), or ask me anything."
            )
        else:
            lines.append("Your profile is complete. Say 'plan' to draft a plan, or ask me anything.")
        return {**update, "asking": None, **answering, "messages": [AIMessage("\n\n".join(lines))]}
    first_turn = sum(1 for m in state.get("messages", []) if m.type == "human") <= 1
    if first_turn and not got:
        lines.insert(0, GREETING)
    if u.intent == "plan" and not got:
        lines.append("Before I can draft a plan I need a few facts.")
    if nxt == "proposal" and (shared := _plan_a_list(profile, "plan_b")) is not None:
        # Plan B is Plan A's position in another industry: Plan A's agreed list, said.
        profile["plan_b"] = {**profile["plan_b"], "skills": shared}
        lines.append(
            "Plan B is the same position as Plan A, so it uses Plan A's 10 agreed skills "
            "(change them at review with 'replace A with B')."
        )
        nxt = missing_field({**state, "role_skills_asked": role_skills_asked}, profile)
        if nxt is None:
            lines.append("Say 'plan' to draft your plan.")
            return {
                **update,
                "proposal": None,
                "asking": None,
                "route": "intake",
                "messages": [AIMessage("\n\n".join(lines))],
            }
    if nxt == "proposal":
        key = proposals.needs_proposal(profile)
        assert key is not None
        proposal = proposals.propose_for(profile, key, postings_of(runtime))
        lines.append(proposals.ask(proposal, key))
        update["proposal"] = {"key": key, "proposal": proposal.model_dump(mode="json")}
    elif nxt == "role_skills":
        names = ", ".join(unrated_role_skills(profile))
        lines.append(
            f"Rate yourself 0-5 on the skills these roles need, for example 'system design 2, rag 1' "
            f"(or 'skip', and I'll estimate them from your current role): {names}."
        )
    elif not aside:  # with a question beside the facts, the answer asks this after it
        lines.append(QUESTIONS[nxt])
    return {**update, "asking": nxt, **answering, "messages": [AIMessage("\n\n".join(lines))]}


def after_intake(state: CoachState) -> Literal["retrieve", "__end__"]:
    """Draft when the profile is complete and this turn asked for it (or completed it), or
    answer the question asked beside the facts; else wait."""
    if state.get("route") == "question" and state.get("aside"):
        return "retrieve"
    return "retrieve" if state.get("route") == "plan" and state.get("asking") is None else "__end__"
