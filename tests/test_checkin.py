"""Progress check-ins against the latest saved plan, from any session."""

from __future__ import annotations

from conftest import converse

from agent.coaching.checkin import expected_level
from agent.coaching.parsing import parse_checkin
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


def test_expected_level_is_linear_within_the_skill() -> None:
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
    assert [expected_level(line, w) for w in (5, 10, 15, 19, 20, 30)] == [0, 0, 1, 2, 3, 3]


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
    assert coach.values(thread)["route"] == "checkin"
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
