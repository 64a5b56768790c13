"""Check-in: compare what the person reports with their latest saved plan; re-plan only if needed.

"It's been two months, my python is now a 3 and I finished a statistics course" is
read once by the route node; here it is compared with the latest plan saved from any
session. Elapsed time comes from the words, else from the date the plan was saved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.coaching.checkin import (
    CheckinReport,
    behind_line,
    behind_trim,
    checkin_markdown,
    compare,
    reported_levels,
    updated_reports,
)
from agent.coaching.checkin_reading import unchanged_names
from agent.coaching.matching import skill_key
from agent.coaching.parsing import Understood, parse_message
from agent.coaching.plan import Plan
from agent.coaching.what_if import what_if_answer
from agent.graph.context import Context
from agent.graph.nodes.common import last_human
from agent.graph.nodes.routing import latest_plan
from agent.graph.state import CoachState
from agent.storage.profiles import save_profile
from tools.gap import horizon_weeks

ASK_LEVELS = (
    "Tell me where you are now, for example 'it's been 8 weeks, python is now 4 and rag 2', "
    "and I will compare it with your saved plan."
)


def earlier_levels(plan: Plan, profile: dict[str, Any]) -> dict[str, int]:
    """Levels the person's profile holds that differ from the plan's: what an earlier
    check-in (or a correction) reported since the plan was saved."""
    at_plan = {skill_key(k): v for k, v in plan.profile.skills.items()}
    return {
        name: level
        for name, level in (profile.get("skills") or {}).items()
        if at_plan.get(skill_key(name)) != level
    }


def elapsed(
    said: int | None, last: dict[str, Any] | None, version: int, saved_at: str, now: datetime | None = None
) -> tuple[int, Literal["words", "earlier", "dates"]]:
    """Weeks since the plan was saved: the message's words, else the last check-in's
    (in this session, against the same plan) plus the time since it, else the save date.

    A person who said 'its been 3 months' meant it for the rest of the session: a later
    'no progress on X' must not fall back to the save date (0 weeks, the whole horizon left).
    """
    now = now or datetime.now(UTC)
    if said is not None:
        return said, "words"
    if last and last.get("version") == version:
        since = (now - datetime.fromisoformat(str(last["at"]))).days // 7
        return int(last["weeks"]) + max(0, since), "earlier"
    return max(0, (now - datetime.fromisoformat(saved_at)).days // 7), "dates"


def replan_note(report: CheckinReport) -> str:
    """The re-plan's opening line; it says why the draft's horizon may differ from the weeks left."""
    months = report.profile.horizon_months
    horizon = horizon_weeks(months)
    why = (
        f" The draft's horizon is {months} months ({horizon} weeks): a plan's horizon is whole months, "
        f"so the {report.weeks_left} weeks left round to that."
        if horizon != report.weeks_left
        else ""
    )
    return f"Re-planning from where you are now, from your saved plan's full targets.{why} The new draft needs your review."


def checkin(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["retrieve", "__end__"]]:
    """Compare reported levels with the latest saved plan; re-plan (through review) if it slipped."""
    ctx = runtime.context
    record = latest_plan(runtime.store, ctx.user_id)
    if record is None:
        text = "There is no saved plan to check in against yet: approve a plan first."
        return Command(goto="__end__", update={"messages": [AIMessage(text)]})
    raw = state.get("understood")
    u = Understood.model_validate(raw) if raw else parse_message(last_human(state), "skills")
    still = unchanged_names(last_human(state))  # 'havent touched epic build yet': reported, not moved
    if not u.skills and not still:
        lines = [f"I could not use that: {p}." for p in u.problems]
        if u.courses:
            lines.append(f"Well done on finishing {', '.join(u.courses)}.")
        return Command(goto="__end__", update={"messages": [AIMessage("\n\n".join([*lines, ASK_LEVELS]))]})
    plan = Plan.model_validate(record.plan)
    weeks, source = elapsed(u.elapsed_weeks, state.get("elapsed"), record.version, record.saved_at)
    profile = state.get("profile") or {}
    hours = u.hours_per_week or profile.get("hours_per_week")
    report = compare(plan, dict(u.skills), weeks, hours, earlier_levels(plan, profile), still).model_copy(
        update={"courses": u.courses, "elapsed_from": source}
    )
    text = checkin_markdown(report)
    behind = behind_line(plan, report)
    if behind:
        text += "\n\n" + behind  # the verdict agrees with the figures above it
    a, b = updated_reports(plan, report)
    # 'deep learning 2. what if I only had 4 hours a week?': the what-if is worked out on the
    # check-in's levels and weeks left, after it (parsing took its figure as no fact).
    what_if = what_if_answer(last_human(state), report.profile, a, b)
    asked = "" if what_if is None else "\n\n" + what_if.text
    update: dict[str, Any] = {
        "elapsed": {"weeks": weeks, "at": datetime.now(UTC).isoformat(), "version": record.version},
        "profile": report.profile.model_dump(),
        "route": "checkin",
        "reports": {"a": a.model_dump(), "b": b.model_dump()},
    }
    # A plan approved as its best trim did not fit whole then either: that alone is no reason to
    # re-plan, unless the rest overruns the weeks left by more than the trim saved.
    misses = behind_trim(plan, report) > 0
    replan = bool(report.slipped) or misses
    if not replan and runtime.store is not None and ctx.side_effects:
        # A re-plan's profile is saved when its draft is approved, or rejected (see review).
        save_profile(runtime.store, ctx.user_id, report.profile)
    unreported = [
        line.name for line in report.lines if line.status == "not reported" and line.expected > line.was
    ]
    if not report.slipped and misses and unreported:
        # Silence is not a slip: ask before re-planning on the assumption that nothing else moved.
        names = ", ".join(unreported[:4])
        update["messages"] = [
            AIMessage(
                text + "\n\nNothing you reported slipped. If the skills you did not mention have not moved, "
                f"the rest no longer fits: tell me where you are on {names} to check properly, or say 'plan' "
                "to re-plan now." + asked
            )
        ]
        return Command(goto="__end__", update=update)
    if replan:
        # The check-in happened whatever the re-plan's fate: a reject of its draft goes back to
        # the check-in's levels and gaps (saved then, as an on-track check-in saves them), not
        # to before it, and keeps the saved plan (it dropped the reported levels).
        kept = {
            "profile": update["profile"],
            "overrides": state.get("overrides") or {},
            "reports": update["reports"],
            "checkin": {"version": record.version, "levels": reported_levels(report)},
        }
        update["review"] = {"action": "edit", "before": kept}
        targets = {s.skill_id: s.target for s in plan.a.report.skills}  # the full plan's
        update["overrides"] = {**(state.get("overrides") or {}), "a": targets}
        update["route"] = "plan"
        update["messages"] = [AIMessage(text + asked + "\n\n" + replan_note(report))]
        return Command(goto="retrieve", update=update)
    trimmed = (
        " The full plan did not fit when you approved it either: you are following its best trim."
        if plan.a.trimmed and not misses and not report.remaining.attainable
        else ""
    )
    update["messages"] = [
        AIMessage(text + "\n\n" + on_track(report) + f"{trimmed} Nothing to re-plan." + asked)
    ]
    return Command(goto="__end__", update=update)


def on_track(report: CheckinReport) -> str:
    """The verdict when nothing reported slipped. Skills the plan expected to move by now
    that were not reported could not be judged: they are named, never hidden by 'on track'."""
    quiet = [x for x in report.lines if x.status == "not reported"]
    due = [x for x in quiet if x.expected > x.was]
    if due:
        names = ", ".join(f"{x.name} (expected {x.expected} by now, {x.was} in the plan)" for x in due[:4])
        example = due[0].name.lower()
        return (
            f"On the skills you reported you are on track. I could not judge {names}: you did not say "
            f"where you are on {'it' if len(due) == 1 else 'them'}. Tell me (for example '{example} 2', or "
            f"'no progress on {example}') and I will check {'it' if len(due) == 1 else 'them'}."
        )
    later = f" Not reported, and not due to move yet: {', '.join(x.name for x in quiet)}." if quiet else ""
    return f"You are on track: keep going.{later}"
