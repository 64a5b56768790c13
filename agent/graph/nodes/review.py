"""Review and commit: stop for the person's decision; save only an approved draft.

The node validates every answer itself instead of passing a `response_schema` to
`interrupt()`: a schema failure there puts the run in error, while here an answer that
cannot be used (invalid, unclear, or a question) goes back to this node with one message,
so the review stays pending and answerable - also after a restart.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agent.coaching.intents import asked_too
from agent.coaching.levels import FORGET
from agent.coaching.matching import is_catalog_skill
from agent.coaching.plan import Plan
from agent.coaching.plan_answers import answer_from_plan
from agent.coaching.proposals import review_list_edit
from agent.coaching.render import plan_markdown
from agent.coaching.review import (
    ACTION_NAME,
    ReviewChanges,
    ReviewRequest,
    ReviewResponse,
    describe_error,
    parse_response,
)
from agent.coaching.review_answers import (
    ASK_HORIZON,
    ASK_HOURS,
    ASK_WHAT,
    CHECKIN_NOTE,
    classify_review_answer,
    is_checkin,
)
from agent.coaching.review_questions import levels_or_targets, trim_targets
from agent.coaching.roadmap_time import roadmap_time_answer
from agent.graph.context import Context, run_user
from agent.graph.nodes.common import profile_of
from agent.graph.nodes.review_edits import apply_edit
from agent.graph.state import CoachState
from agent.storage.plans import save_approved
from agent.storage.profiles import save_profile
from tools.errors import CoachError
from tools.gap import gap_report
from tools.models import Profile, Target, TargetSkill, Trim

Next = Literal["commit", "analyze_gaps", "review", "__end__"]
STILL_OPEN = "The plan is still waiting for your answer."
NOT_FROM_PLAN = (
    "I can answer questions about this draft's figures (the hours for a skill, what to learn first, which of "
    "your skills transfer, whether it fits); ask about the roadmaps once the review is answered."
)


def _stay(message: str) -> Command[Next]:
    """Keep the review open: say why, and stop again for an answer."""
    return Command(goto="review", update={"messages": [AIMessage(message)], "review_notice": message})


def _profile_edits(raw: Any, plan: Plan) -> Any:
    """An edit that sends the request's args back with the plan's profile edited (as
    Studio's edit view does) becomes the changes it makes; anything else is left as it is."""
    try:
        args = raw["decisions"][0]["edited_action"]["args"]
        edited = args["plan"]["profile"]
    except (KeyError, IndexError, TypeError):
        return raw
    if not isinstance(edited, dict) or not isinstance(args, dict):
        return raw
    current = plan.profile.model_dump()
    changes = {
        k: edited[k]
        for k in ("hours_per_week", "horizon_months", "plan_a", "plan_b")
        if k in edited and edited[k] != current.get(k)
    }
    skills = edited.get("skills")
    if isinstance(skills, dict) and (
        levels := {k: v for k, v in skills.items() if current["skills"].get(k) != v}
    ):
        changes["levels"] = levels
    rest = {k: v for k, v in args.items() if k != "plan"}
    if changes:
        rest["changes"] = {**changes, **(rest.get("changes") or {})}
    return {"decisions": [{"type": "edit", "edited_action": {"name": ACTION_NAME, "args": rest}}]}


def _follow_up(raw: Any, notice: str | None) -> Any:
    """A short answer to the coach's own question: a bare figure ("How many hours a week
    ...?" -> "5"), or "where I am now" / "targets" to "Are those your levels now ...?"."""
    if isinstance(raw, str) and notice and (read := levels_or_targets(raw, notice)):
        return {"action": "edit", "changes": {read[0]: read[1]}}
    if not isinstance(raw, str) or not notice or not re.fullmatch(r"\s*\d{1,3}(?:\.\d)?\s*", raw):
        return raw
    if notice.startswith(ASK_HOURS):
        return f"{raw.strip()} hours a week"
    if notice.startswith(ASK_HORIZON):
        return f"{raw.strip()} months"
    return raw


def _skill_names(plan: Plan) -> list[str]:
    """The skills a review answer may name besides the catalog's: both options' and the
    person's own that the catalog lacks (a catalog one is named as the plans name it)."""
    names = [line.name for option in (plan.a, plan.b) for line in option.report.skills]
    return names + [n for n in plan.profile.skills if n not in names and not is_catalog_skill(n)]


def _trims(plan: Plan) -> dict[str, Trim | None]:
    return {"a": plan.a.report.trim, "b": plan.b.report.trim}


def _decide(raw: Any, plan: Plan, overrides: dict[str, dict[str, int]] | None = None) -> ReviewResponse | str:
    """The answer as a usable response, or the one line to say back."""
    try:
        parsed = parse_response(_profile_edits(raw, plan))
    except CoachError as exc:
        return f"{exc} {STILL_OPEN}"
    if isinstance(parsed, str) or (parsed.action == "edit" and parsed.changes.empty()):
        text = parsed if isinstance(parsed, str) else parsed.feedback
        if not text.strip():
            return f"An edit needs what to change. {ASK_WHAT}"
        # A change to a custom role's own skill list ("replace A with B") is read first.
        # "drop X from my skills" edits the profile, never a target's list.
        listed = None if FORGET.search(text) else review_list_edit(text, plan, overrides)
        if listed is not None:
            return (
                f"{listed} {STILL_OPEN}"
                if isinstance(listed, str)
                else ReviewResponse(action="edit", feedback=text, changes=listed)
            )
        took = trim_targets(text, _trims(plan))
        if isinstance(took, str):
            return f"{took} {STILL_OPEN}"
        if took is not None:  # "ok go with the trimmed version then": the trim's targets, as an edit
            return ReviewResponse(action="edit", feedback=text, changes=ReviewChanges(targets=took[1]))
        answer = classify_review_answer(text, _skill_names(plan))
        if answer.kind == "question":
            found = answer_from_plan(answer.question, plan.a.report, plan.b.report) or roadmap_time_answer(
                answer.question, plan.a.report, plan.b.report, plan
            )
            return f"{found.text if found else NOT_FROM_PLAN} {STILL_OPEN}"
        if not isinstance(parsed, str) and answer.kind in ("approve", "reject"):
            return f"An edit needs what to change. {ASK_WHAT}"  # feedback 'looks good' is not an edit
        response = answer.to_response()
        if response is None:
            return answer.ask
        return (
            response if isinstance(parsed, str) else parsed.model_copy(update={"changes": response.changes})
        )
    return parsed


def review(state: CoachState, runtime: Runtime[Context]) -> Command[Next]:
    """Stop for the person to approve, edit or reject the draft. Nothing before the
    interrupt has side effects: the node runs again from the top on resume."""
    plan = Plan.model_validate(state["draft"])
    request = ReviewRequest(
        draft_id=plan.draft_id,
        markdown=plan_markdown(plan),
        plan=state["draft"] or {},
        notice=state.get("review_notice") or "",
    )
    decided = _decide(
        _follow_up(interrupt(request.to_interrupt()), state.get("review_notice")),
        plan,
        state.get("overrides"),
    )
    if isinstance(decided, str):
        return _stay(decided)
    record = {**decided.model_dump(), "draft_id": plan.draft_id}
    if decided.action == "approve":
        return Command(goto="commit", update={"review": record, "review_notice": None})
    before = _before_edits(state)
    if decided.action == "reject":
        reason = f" ({decided.feedback})" if decided.feedback else ""
        text = f"Plan discarded{reason}; nothing was saved. Tell me what to change, or say 'plan' for a new draft."
        # The edits made at this review go with the draft: profile, targets and gaps are
        # back to what they were before them (so /gaps shows no rejected hours or drops).
        restore = dict(before or {})
        if checked_in := restore.pop("checkin", None):
            text = _keep_checkin(restore["profile"], checked_in, reason, runtime)
        return Command(
            goto="__end__",
            update=restore
            | {"review": record, "review_notice": None, "draft": None, "messages": [AIMessage(text)]},
        )
    try:
        update = apply_edit(state, decided.changes)
    except (CoachError, ValidationError) as exc:
        return _stay(f"I could not apply that edit: {_first_line(exc)} {STILL_OPEN}")
    if decided.feedback and is_checkin(decided.feedback):
        update["messages"] = [AIMessage(CHECKIN_NOTE), *update["messages"]]
    if decided.feedback and (said := _asked_beside(decided.feedback, plan)):
        update["messages"] = [*update["messages"], AIMessage(said)]
    took = trim_targets(decided.feedback, _trims(plan)) if decided.feedback else None
    if isinstance(took, tuple):  # a trim is one plan's: the other keeps its targets
        other = "b" if took[0] == "a" else "a"
        update["overrides"][other] = dict((state.get("overrides") or {}).get(other) or {})
        named = re.search(rf"\bplan {took[0]}\b", decided.feedback.lower())
        also = (
            f" (say 'plan {other} trim' for Plan {other.upper()}'s)"
            if _trims(plan)[other] and not named
            else ""
        )
        said = ReviewChanges(targets=took[1]).describe()
        update["messages"] = [AIMessage(f"Taking Plan {took[0].upper()}'s best trim{also}: {said}.")]
    first = before or {k: state.get(k) or {} for k in ("profile", "overrides", "reports")}
    return Command(
        goto="analyze_gaps", update=update | {"review": record | {"before": first}, "review_notice": None}
    )


def _asked_beside(text: str, plan: Plan) -> str | None:
    """A question asked beside an edit ('how long will dbt take me? anyway make it 8 hours a
    week'), answered from the draft as drafted; None when the message asks nothing apart from
    its change ('can I have 18 months instead?' is the change)."""
    asked = asked_too(text, whole=True)
    rest = text.replace(asked, " ") if asked else ""
    if not asked or classify_review_answer(asked, _skill_names(plan)).kind != "question":
        return None
    if (
        classify_review_answer(rest, _skill_names(plan)).kind != "edit"
        and review_list_edit(rest, plan) is None
    ):
        return None
    found = answer_from_plan(asked, plan.a.report, plan.b.report)
    return f'You also asked "{asked}" (on the draft before this change): {found.text if found else NOT_FROM_PLAN}'


def _keep_checkin(
    profile: dict[str, Any], checked_in: dict[str, Any], reason: str, runtime: Runtime[Context]
) -> str:
    """A check-in's re-plan rejected: the check-in still happened, so its levels are saved
    (as an on-track check-in's are) and the saved plan stays the person's plan."""
    if runtime.store is not None and runtime.context.side_effects:
        save_profile(runtime.store, run_user(runtime), profile_of(profile))
    return (
        f"Plan discarded{reason}: your saved plan (version {checked_in['version']}) stays your plan. "
        f"The levels you reported at the check-in are kept in your profile ({checked_in['levels']}); "
        "say 'plan' to re-plan from them later."
    )


def _before_edits(state: CoachState) -> dict[str, Any] | None:
    """Profile, overrides and gaps as they were before this draft's first edit at review
    (kept in the edit's review record, carried from edit to edit); None without an edit."""
    last = state.get("review") or {}
    return last.get("before") if last.get("action") == "edit" else None


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return describe_error(exc) + "."
    return " ".join(str(exc).split())[:300]


def with_chosen_targets(plan: Plan, overrides: dict[str, dict[str, int]]) -> Profile:
    """The plan's profile with each target whose levels the person changed at review
    carrying its 10 skills as approved, so a later session plans the same targets."""
    profile = plan.profile
    update: dict[str, Target] = {}
    for key, option in (("a", plan.a), ("b", plan.b)):
        target = profile.plan_a if key == "a" else profile.plan_b
        if not overrides.get(key):
            continue
        if target.skills is not None:
            # A list already pinned (an earlier approval, a custom role) takes the approved
            # targets too: saved as it was, it undid the review's "python 4" silently.
            approved = {s.name: s.target for s in option.report.skills}
            kept = [s.model_copy(update={"target": approved.get(s.name, s.target)}) for s in target.skills]
            if kept != target.skills:
                update[f"plan_{key}"] = target.model_copy(update={"skills": kept})
            continue
        default = {s.skill_id: s.target for s in gap_report(profile, target).skills}
        lines = option.report.skills
        if all(default.get(s.skill_id) == s.target for s in lines):
            continue
        skills = [
            TargetSkill(name=s.name, kind=s.kind, priority=s.priority, target=s.target, reason=s.source)
            for s in lines
        ]
        update[f"plan_{key}"] = Target(position=target.position, industry=target.industry, skills=skills)
    return profile.model_copy(update=update) if update else profile


def commit(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Save the approved draft as a new plan version (once, however often approved)."""
    ctx = runtime.context
    user = run_user(runtime)
    draft = state.get("draft") or {}
    approval = state.get("review") or {}
    if not ctx.side_effects:
        return {"messages": [AIMessage("Replay: the plan was approved here, but replays never save plans.")]}
    if runtime.store is None:
        raise CoachError("No plan store is configured, so the plan cannot be saved.")
    version, new = save_approved(
        runtime.store,
        user,
        draft,
        plan_markdown(Plan.model_validate(draft)),
        {**approval, "by": user, "interface": ctx.interface},
    )
    plan = Plan.model_validate(draft)
    # The approved plan's profile is the person's profile from now on: hours or a horizon
    # changed at review are what the next session and the next check-in start from, and
    # so are targets changed there ("drop docker"), pinned to the targets' skill lists.
    save_profile(runtime.store, user, with_chosen_targets(plan, state.get("overrides") or {}))
    text = (
        f"Plan saved as version {version}." if new else f"This plan was already saved as version {version}."
    )
    # Interface-neutral: each interface adds its own way to see the plan.
    return {"committed": {"version": version, "draft_id": draft["draft_id"]}, "messages": [AIMessage(text)]}
