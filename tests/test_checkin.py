"""Progress check-ins against the latest saved plan, from any session."""

from __future__ import annotations

from conftest import converse

from agent.coaching.checkin import expected_level
from agent.coaching.parsing import parse_checkin
from agent.coaching.plan import Plan
from agent.runtime.session import Coach
from agent.storage.plans import list_plans
from tools.models import SkillLine


def approved(coach: Coach) -> str:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    return thread


def test_parse_checkin() -> None:
    levels, weeks, problems = parse_checkin("check in after 8 weeks: python 4, rag 2")
    assert levels == {"python": 4, "rag": 2} and weeks == 8 and not problems
    assert parse_checkin("progress: 3 weeks in, agents 1")[1] == 3


def test_expected_level_follows_the_engines_hours_per_level() -> None:
    # 0 -> 3 at ease 2 costs 10 + 35 + 75 = 120 h; studied from hour 120 of the plan at
    # 12 h/week (weeks 10-20). Level 1 is reached after 10 h (week 11: 12 h studied),
    # level 2 after 45 h (week 14: 48 h), level 3 after 120 h (week 20). Linear shares
    # (the old reading) said 1 at week 15 and 2 only at week 19.
    line = SkillLine(
        name="x",
        skill_id="x",
        kind="specific",
        priority=1,
        ease=2,
        current=0,
        target=3,
        gap=3,
        hours=120,
        start_week=10,
        finish_week=20,
        quadrant="quick win",
    )
    weeks = (5, 10, 11, 13, 14, 15, 19, 20, 30)
    assert [expected_level(line, w, 120, 12) for w in weeks] == [0, 0, 1, 1, 2, 2, 2, 3, 3]
    # A skill whose hours the prerequisites made dearer keeps the same shares per level.
    dearer = line.model_copy(update={"hours": 144})  # x 1.2
    assert [expected_level(dearer, w, 0, 12) for w in (0, 1, 4, 5, 11, 12)] == [0, 1, 1, 2, 2, 3]


def test_checkin_figures_match_the_saved_plan_by_hand(coach: Coach) -> None:
    from agent.coaching.checkin import compare
    from agent.coaching.plan import Plan

    approved(coach)
    plan = Plan.model_validate(list_plans(coach.persistence.store, "local")[-1].plan)
    assert plan.profile.horizon_months == 12  # 52 weeks
    report = compare(plan, {"agents": 0}, 3)
    # 52 - 3 = 49 weeks left; months rounded (11 -> 48 weeks) was one short.
    assert report.weeks_left == 49 and report.remaining.horizon_weeks == 49
    scheduled = plan.a.scheduled
    hpw = scheduled.hours_per_week
    start = 0.0
    for s, got in zip(scheduled.skills, report.lines, strict=True):
        studied = 3 * hpw - start
        start += s.hours
        # By hand: the highest level whose hours (the engine's per-level steps) fit in what was studied.
        steps = [10.0, 35.0, 75.0, 130.0, 200.0][s.current : s.target]
        want, spent = s.current, 0.0
        for step in steps:
            spent += step
            if studied > 0 and s.hours * spent / sum(steps) <= studied + 1e-9:
                want += 1
        assert got.expected == (s.target if s.gap == 0 else want), s.name
    assert any(line.expected > line.was for line in report.lines), "three weeks in, something is expected"
    text = "\n".join(coach.send(coach.new_thread_id(), "check in after 3 weeks: agents 0").messages)
    assert "against the 49 weeks left" in text


def test_a_second_checkin_builds_on_the_first(coach: Coach) -> None:
    thread = approved(coach)
    first = coach.send(thread, "check in after 0 weeks: python 5")
    assert "Python engineering 4->5" in "\n".join(first.messages)
    turn = coach.send(thread, "check in after 0 weeks: agents 0")
    text = "\n".join(turn.messages)
    row = next(r for r in text.splitlines() if r.startswith("| Python"))
    assert "| 5 |" in row and "from your last check-in" in row, row
    skills = {k.lower(): v for k, v in coach.values(thread)["profile"]["skills"].items()}
    assert skills["python"] == 5
    # A new session builds on it too: the check-in's levels were saved.
    again = "\n".join(coach.send(coach.new_thread_id(), "check in after 0 weeks: agents 0").messages)
    assert "from your last check-in" in next(r for r in again.splitlines() if r.startswith("| Python"))


def test_questions_after_a_checkin_use_the_new_levels(coach: Coach) -> None:
    thread = approved(coach)
    before = "\n".join(coach.send(thread, "how long is left?").messages)
    coach.send(thread, "check in after 8 weeks: python 5, agents 3")
    left = "\n".join(coach.send(thread, "how long is left?").messages)
    assert "44 weeks" in left and left != before, left
    on_track = "\n".join(coach.send(thread, "am i on track?").messages)
    assert "Plan A" in on_track and "44" in on_track, on_track


def test_checkin_without_a_saved_plan(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "hi")
    turn = coach.send(thread, "check in: python 4")
    assert "no saved plan" in turn.messages[-1]


def test_on_track_checkin_reports_and_ends(coach: Coach) -> None:
    thread = approved(coach)
    turn = coach.send(thread, "check in after 0 weeks: agents 0")
    assert "## Check-in after 0 weeks" in turn.messages[-1] and "on track" in turn.messages[-1]
    assert turn.review is None


def test_slipped_checkin_replans_through_review(coach: Coach) -> None:
    thread = approved(coach)
    turn = coach.send(thread, "check in after 20 weeks: agents 1, evaluation 1")
    text = "\n".join(turn.messages)
    assert "slipped" in text and "Re-planning" in text
    assert turn.review is not None, "a re-plan goes through review again"
    profile = turn.review.plan["profile"]
    assert profile["horizon_months"] < 12 and profile["skills"]["agents"] == 1
    assert turn.review.plan["citations"], "the re-plan retrieves its passages again"
    coach.resume(thread, "approve")
    assert [p.version for p in list_plans(coach.persistence.store, "local")] == [1, 2]


def test_checkin_without_levels_asks_for_them(coach: Coach) -> None:
    thread = approved(coach)
    turn = coach.send(thread, "check in")
    assert "Tell me where you are now" in turn.messages[-1]


def test_a_natural_checkin_in_a_new_session_uses_the_saved_plan(coach: Coach) -> None:
    approved(coach)
    thread = coach.new_thread_id()  # a new session: nothing in this thread's state
    turn = coach.send(thread, "It's been two months, my python is now a 5 and I finished a statistics course")
    text = "\n".join(turn.messages)
    assert "## Check-in after 9 weeks" in text
    assert "statistics" in text and "Finished" in text
    assert "Slipped:** nothing" in text and turn.review is None, (
        "nothing slipped: no re-plan, no fresh redraft"
    )
    assert coach.values(thread)["understood"]["intent"] == "checkin"
    assert len(list_plans(coach.persistence.store, "local")) == 1


def test_elapsed_time_falls_back_to_the_dates(coach: Coach) -> None:
    approved(coach)
    turn = coach.send(coach.new_thread_id(), "quick update: python is now 5")
    assert "Check-in after 0 weeks (from the date the plan was saved)" in turn.messages[-1]


def test_a_level_change_without_a_plan_is_a_profile_edit(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, ["hi", "I'm a data analyst with SQL 3"])
    turn = coach.send(thread, "my sql is now a 4")
    assert coach.values(thread)["profile"]["skills"]["sql"] == 4
    assert "Noted: sql 4" in turn.messages[-1]


def test_a_checkin_uses_the_hours_the_person_has_now(coach: Coach) -> None:
    approved(coach)
    thread = coach.new_thread_id()
    coach.send(thread, "hi, I'm back")
    coach.send(thread, "I can do 12 hours a week now")
    turn = coach.send(thread, "it's been 4 weeks, python is now 5")
    assert "at 12 h/week" in turn.messages[-1]


def test_a_reported_skill_outside_the_plan_is_noted(coach: Coach) -> None:
    approved(coach)
    text = "\n".join(
        coach.send(coach.new_thread_id(), "check in after 2 weeks: sql 5, kotlin 3, agents 1").messages
    )
    assert "**Also noted:** sql 5, kotlin 3 (not among Plan A's skills" in text, text
    assert "Agentic workflows (LangGraph) 0->1" in text


def test_levels_given_right_after_a_checkin_continue_it(coach: Coach) -> None:
    thread = approved(coach)
    coach.send(thread, "it's been 4 weeks, python is now 5")
    turn = coach.send(thread, "agents is 1, evaluation still 1")
    text = "\n".join(turn.messages)
    assert "## Check-in after 4 weeks" in text, "the same check-in, at the same elapsed time"
    assert "done (from your last check-in)" in next(r for r in text.splitlines() if r.startswith("| Python"))
    assert coach.values(thread)["understood"]["intent"] == "checkin"


def test_a_replan_starts_from_the_saved_plans_full_targets(coach: Coach) -> None:
    approved(coach)
    plan = Plan.model_validate(list_plans(coach.persistence.store, "local")[-1].plan)
    assert plan.a.trimmed, "the scripted plan is scheduled by its best trim"
    full = {s.name: s.target for s in plan.a.report.skills}
    assert full != {s.name: s.target for s in plan.a.scheduled.skills}
    turn = coach.send(coach.new_thread_id(), "check in after 10 weeks: agents 0, evaluation 1")
    text = "\n".join(turn.messages)
    # Nothing moved: the hours left are the full plan's, not the trim's.
    assert f"{plan.a.report.total_hours:g} h left" in text, text
    assert turn.review is not None
    drafted = Plan.model_validate(turn.review.plan)
    assert {s.name: s.target for s in drafted.a.report.skills} == full, "no target silently lowered"
    # The check-in's weeks left and the draft's horizon differ: the message says why.
    assert "against the 42 weeks left" in text and f"({drafted.a.report.horizon_weeks} weeks)" in text
    assert "whole months, so the 42 weeks left round to that" in text


def test_rejecting_a_checkin_replan_keeps_the_reported_levels_and_the_previous_plan(coach: Coach) -> None:
    """The check-in happened: a rejected re-plan keeps the levels it reported (saved, as an
    on-track check-in saves them) and the previous plan stays the latest; the reply says so.
    (A reject dropped the reported levels with the draft.)"""
    from agent.storage.profiles import load_profile

    approved(coach)
    store = coach.persistence.store
    saved = load_profile(store, "local")
    assert saved is not None
    thread = coach.new_thread_id()
    coach.send(thread, "hi")
    before = coach.values(thread)
    turn = coach.send(thread, "check in after 10 weeks: agents 0, evaluation 1")
    assert turn.review is not None
    checked = coach.values(thread)
    said = "\n".join(coach.resume(thread, "reject").messages)
    assert "Plan discarded" in said and "your saved plan (version 1) stays your plan" in said, said
    assert "Agentic workflows (LangGraph) 0" in said and "Evaluation-driven development 1" in said, said
    assert [p.version for p in list_plans(store, "local")] == [1], "nothing new saved"
    kept = load_profile(store, "local")
    assert kept is not None and kept.skills["agents"] == 0 and kept.skills["evaluation"] == 1
    assert kept.plan_a == saved.plan_a and kept.plan_b == saved.plan_b, "the targets are the plan's"
    after = coach.values(thread)
    assert after["profile"] == checked["profile"], "the session keeps the check-in's levels"
    assert (after.get("overrides") or {}) == (before.get("overrides") or {}), "no re-plan targets stay"
    assert after.get("draft") is None
    # The next check-in, in a new session, builds on these levels.
    again = "\n".join(coach.send(coach.new_thread_id(), "check in after 10 weeks: python 4").messages)
    row = next(r for r in again.splitlines() if r.startswith("| Agentic"))
    assert "from your last check-in" in row, row
