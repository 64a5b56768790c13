"""A seventh round of check-ins, as a data engineer with a saved plan typed them: the elapsed
time said at one check-in kept for the next, an 'on track' that hid a 15-week overrun of the
trim, a what-if beside check-in facts, a finished course with its level, and horizon what-ifs."""

from __future__ import annotations

from agent.runtime.session import Coach
from tools.models import Profile

ENGINEER = Profile.model_validate(
    {
        "current_role": "Data engineer",
        "hours_per_week": 10,
        "horizon_months": 12,
        "plan_a": {"position": "ML engineer", "industry": "e-commerce"},
        "plan_b": {"position": "MLOps engineer", "industry": "e-commerce"},
        "skills": {"Python": 4, "SQL": 4, "scikit-learn": 1, "Docker": 2, "statistics": 2},
    }
)


def _saved(coach: Coach) -> str:
    thread = coach.new_thread_id()
    coach.plan_from_profile(thread, ENGINEER)
    coach.resume(thread, "approve")
    return thread


def _say(coach: Coach, thread: str, text: str) -> str:
    return "\n".join(coach.send(thread, text).messages)


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def test_1_a_second_checkin_keeps_the_elapsed_time_said_at_the_first(coach: Coach) -> None:
    _saved(coach)
    t = coach.new_thread_id()
    first = _say(coach, t, "hey its been about 3 months. sklearn is now a 3, model serving 1")
    assert "## Check-in after 13 weeks" in first and "against the 39 weeks left" in first, first
    second = _say(
        coach,
        t,
        "quick update: no progress on model serving, havent touched it. "
        "and a/b testing still the same. am i on track?",
    )
    # It fell back to the save date: 'after 0 weeks', the whole 52 weeks left again.
    assert "## Check-in after 13 weeks (the time you gave at your last check-in" in second, second
    assert "against the 39 weeks left" in second and "52 weeks" not in second
    assert "from your last check-in" in _row(second, "Classical ML with scikit-learn")
    # What-ifs in the session use the same weeks left.
    what_if = _say(coach, t, "what if I only had 4 hours a week?")
    assert "39-week horizon" in what_if and "52" not in what_if, what_if


def test_1_a_new_elapsed_time_wins_over_the_last_checkins(coach: Coach) -> None:
    _saved(coach)
    t = coach.new_thread_id()
    _say(coach, t, "its been about 3 months. sklearn is now a 3, model serving 1")
    again = _say(coach, t, "its been 20 weeks now, model serving 2")
    assert "## Check-in after 20 weeks\n" in again, again


def test_2_an_overrun_beyond_the_trim_is_behind_not_on_track(coach: Coach) -> None:
    _saved(coach)
    text = _say(
        coach,
        coach.new_thread_id(),
        "/checkin after 24 weeks: model serving still 1, system design still 3, "
        "experimentation at scale 1, sklearn 3",
    )
    assert "no longer fits:** 569.2 h left, 57 weeks at 10 h/week against the 28 weeks left" in text, text
    assert (
        "You are behind: the rest needs 29 weeks more than the 28 left, and the best trim you approved "
        "saved only 179.6 h (about 18.0 weeks at 10 h/week)."
    ) in text
    assert "You are on track" not in text and "following its best trim" not in text
    assert "Nothing to re-plan" not in text
    assert "re-plan now" in text or "Re-planning" in text


def test_2_on_schedule_on_a_trimmed_plan_is_still_following_the_trim(coach: Coach) -> None:
    _saved(coach)
    text = _say(coach, coach.new_thread_id(), "check in after 0 weeks: sklearn 1")
    assert "You are behind" not in text and "following its best trim. Nothing to re-plan" in text, text


def test_3_a_what_if_beside_checkin_facts_is_answered_after_the_checkin(coach: Coach) -> None:
    _saved(coach)
    t = coach.new_thread_id()
    _say(coach, t, "hey its been about 3 months. sklearn is now a 3, model serving 1")
    text = _say(
        coach, t, "fast.ai got me to deep learning 2, i already said. what if I only had 4 hours a week?"
    )
    assert "## Check-in after 13 weeks" in text and "Deep learning with PyTorch 0->2" in text, text
    assert "What if: 4 h/week instead of your 10" in text and "39-week horizon" in text, text
    assert text.index("Nothing to re-plan") < text.index("What if:")


def test_4_a_finished_course_beside_its_level_is_counted_not_asked(coach: Coach) -> None:
    _saved(coach)
    text = _say(
        coach, coach.new_thread_id(), "its been 13 weeks. did the fast.ai course so deep learning 2 i think"
    )
    assert "Finished:** fast.ai (Deep learning with PyTorch now 2, counted above). Well done." in text, text
    assert "tell me the level" not in text


def test_4_a_course_beside_several_levels_is_still_asked(coach: Coach) -> None:
    _saved(coach)
    text = _say(
        coach, coach.new_thread_id(), "its been 13 weeks. did the fast.ai course, deep learning 2, sklearn 3"
    )
    assert "tell me the level it brought you to" in text, text


def test_5_a_horizon_what_if_counts_from_now_against_the_months_left(coach: Coach) -> None:
    _saved(coach)
    t = coach.new_thread_id()
    _say(coach, t, "hey its been about 3 months. sklearn is now a 3, model serving 1")
    asked = _say(coach, t, "what if i had 18 months instead?")
    assert "What if: an 18-month horizon from now instead of the 9 months left" in asked, asked
    assert "make it an 18-month horizon" in asked
    bare = _say(coach, t, "and what if i had 18 months instead")
    assert bare == asked, bare
