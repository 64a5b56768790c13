"""A sixth round of check-ins and questions, each as the person typed it: a skill said not to
have moved ('havent touched epic build stuff yet'), a finished course whose level was given,
an 'on track' that hid skills it could not judge, a what-if before any plan, and a question
beside 'draft my plan'."""

from __future__ import annotations

import pytest

from agent.coaching.checkin_reading import unchanged_names
from agent.runtime.session import Coach
from tools.models import Profile

NURSE_A = [
    {"name": name, "kind": kind, "priority": priority, "target": target}
    for name, kind, priority, target in [
        ("Epic EHR build", "general", 1, 2),
        ("Clinical workflow analysis", "general", 1, 2),
        ("Teaching patients", "general", 2, 2),
        ("Communicating trade-offs to stakeholders", "general", 2, 2),
        ("Change management", "general", 3, 2),
        ("SQL for analytics and pipelines", "specific", 1, 3),
        ("Transforming data with dbt", "specific", 2, 2),
        ("Statistics and probability", "specific", 1, 2),
        ("Privacy and health data protection (HIPAA, GDPR)", "specific", 2, 2),
        ("Data modelling", "specific", 3, 2),
    ]
]
NURSE = Profile.model_validate(
    {
        "current_role": "ICU nurse",
        "hours_per_week": 6,
        "horizon_months": 12,
        "plan_a": {
            "position": "Clinical informatics specialist",
            "industry": "healthcare",
            "skills": NURSE_A,
        },
        "plan_b": {"position": "Data analyst", "industry": "healthcare"},
        "skills": {
            "Epic EHR build": 1,
            "SQL": 1,
            "Statistics": 1,
            "Teaching patients": 4,
            "communication": 4,
            "Clinical workflow analysis": 2,
            "Change management": 1,
            "dbt": 0,
            "Data modelling": 0,
            "HIPAA": 1,
        },
    }
)
# Five months in (22 weeks): SQL (weeks 1-13) and Epic EHR build (weeks 14-19) are due.
TESTER = (
    "its been about 5 months. sql is a 2 now, finished a stats course so stats 2 i think. "
    "havent touched epic build stuff yet tbh"
)


def _saved(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.plan_from_profile(thread, NURSE)
    coach.resume(thread, "approve")


def _checkin(coach: Coach, text: str) -> str:
    _saved(coach)
    return "\n".join(coach.send(coach.new_thread_id(), text).messages)


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (TESTER, ["epic build"]),
        ("no progress on dbt", ["dbt"]),
        ("data modelling still the same, sql 3", ["data modelling"]),
        ("haven't started dbt or data modelling yet", ["dbt", "data modelling"]),
        ("epic ehr build hasnt moved", ["epic ehr build"]),
        ("haven't touched dbt and sql is 3", ["dbt"]),  # sql has a level
        ("i have not touched it", []),
        ("my sql is still 2", []),  # a level, not 'unchanged'
    ],
)
def test_1_what_a_checkin_says_did_not_move(text: str, names: list[str]) -> None:
    assert unchanged_names(text) == names


def test_1_a_skill_said_untouched_is_judged_at_its_level_not_skipped(coach: Coach) -> None:
    text = _checkin(coach, TESTER)
    assert _row(text, "Epic EHR build") == "| Epic EHR build | 1 | 2 | 1 | 2 | slipped |", text
    assert "Slipped: SQL for analytics and pipelines, Epic EHR build" in text.replace("**", "")


def test_1_untouched_alone_makes_it_slip_and_replan(coach: Coach) -> None:
    text = _checkin(coach, TESTER.replace("sql is a 2", "sql is a 3"))
    assert _row(text, "Epic EHR build").endswith("| slipped |"), text
    assert "on track" not in text.split("## Check-in")[1].split("Re-planning")[0]
    assert "Re-planning from where you are now" in text


def test_1_on_track_names_the_skills_it_could_not_judge(coach: Coach) -> None:
    text = _checkin(coach, "its been about 5 months. sql is a 3 now and stats 2")
    assert _row(text, "Epic EHR build").endswith("| not reported |")
    assert "You are on track" not in text
    assert "I could not judge Epic EHR build (expected 2 by now, 1 in the plan)" in text
    assert "Nothing to re-plan." in text


def test_2_a_finished_course_with_its_level_is_counted_not_asked(coach: Coach) -> None:
    text = _checkin(coach, TESTER)
    assert "Finished:** stats (Statistics and probability now 2, counted above). Well done." in text
    assert "tell me the level" not in text


def test_1_a_message_saying_only_what_did_not_move_is_a_checkin(coach: Coach) -> None:
    # No level and no elapsed time: it was read as chitchat and answered with a welcome back.
    text = _checkin(coach, "quick update, havent started the epic build stuff yet")
    assert "## Check-in after" in text, text
    assert _row(text, "Epic EHR build").startswith("| Epic EHR build | 1 |")
    assert "not reported" not in _row(text, "Epic EHR build")


def test_1_a_new_goal_saying_what_was_never_done_is_no_checkin(coach: Coach) -> None:
    text = _checkin(coach, "im a support engineer now and havent touched python in years")
    assert "## Check-in" not in text, text


# ---- 3. a what-if before any plan --------------------------------------------------------
def test_3_a_what_if_before_a_plan_is_worked_out_on_a_complete_profile(coach: Coach) -> None:
    from tools.gap import gap_report

    thread = coach.new_thread_id()
    coach.send(thread, "hi im a backend engineer, python 4, sql 3, docker 2. about 8 hrs a week")
    coach.send(thread, "genai engineer in fintech, plan b mlops engineer in fintech")
    text = "\n".join(coach.send(thread, "what if I only had 4 hours a week?").messages)
    assert "From the roadmaps" not in text, text
    assert "No plan is drafted yet" in text and "What if: 4 h/week instead of your 8" in text
    assert "This is a what-if: your profile and plan are unchanged" in text
    profile = Profile.model_validate(
        {k: v for k, v in coach.values(thread)["profile"].items() if k in Profile.model_fields}
    )
    assert profile.hours_per_week == 8, "a what-if changes nothing"
    for label, target in (("A", profile.plan_a), ("B", profile.plan_b)):
        then = gap_report(profile.model_copy(update={"hours_per_week": 4}), target)
        assert (
            f"Plan {label}, {then.target.label()}: {then.total_hours:g} h take {then.total_weeks} weeks"
            in text
        )


def test_3_a_what_if_on_an_incomplete_profile_says_what_is_missing(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "hi im a backend engineer, python 4, sql 3")
    text = "\n".join(coach.send(thread, "what if I only had 4 hours a week?").messages)
    assert "From the roadmaps" not in text, text
    assert "once I know your Plan A (a position in an industry), your Plan B" in text
    assert "the hours a week" not in text, "the hours asked are enough to work it out"


# ---- 4. a question beside 'draft my plan' -------------------------------------------------
def _ready(coach: Coach) -> str:
    """A thread whose profile is complete but for ratings (8 hours a week), not yet drafted."""
    thread = coach.new_thread_id()
    coach.send(thread, "hi im a backend engineer, python 4, sql 3, docker 2. about 8 hrs a week")
    coach.send(thread, "genai engineer in fintech, plan b mlops engineer in fintech")
    return thread


def test_4_a_question_beside_draft_my_plan_is_answered_and_the_draft_made(coach: Coach) -> None:
    thread = _ready(coach)
    turn = coach.send(thread, "draft my plan. also, is 6 hours a week realistic?")
    text = "\n".join(turn.messages)
    assert "ask it again on its own" not in text
    assert 'You also asked "also, is 6 hours a week realistic?"' in text, text
    assert "What if: 6 h/week instead of your 8" in text
    assert turn.review is not None, "the draft is made too"
    assert turn.review.plan["profile"]["hours_per_week"] == 8, "the question's 6 is no fact"
    assert text.index("You also asked") < text.index("## Skill gap"), "answered before the draft"


def test_4_a_roadmap_question_beside_draft_my_plan_is_answered_as_on_its_own(coach: Coach) -> None:
    thread = _ready(coach)
    text = "\n".join(
        coach.send(thread, "draft my plan. also, what does an ML engineer actually do?").messages
    )
    assert "ask it again on its own" not in text
    alone = "\n".join(coach.send(coach.new_thread_id(), "what does an ML engineer actually do?").messages)
    assert f'You also asked "also, what does an ML engineer actually do?".\n\n{alone.strip()}' in text, text


@pytest.mark.parametrize(
    ("text", "hours", "skills"),
    [
        ("is 6 hours a week realistic?", None, {}),
        ("sql 3. is 6 hours a week enough?", None, {"sql": 3}),
        ("sql is 3 and is that enough?", None, {"sql": 3}),
        ("I can do 6 hours a week", 6.0, {}),
    ],
)
def test_4_a_figure_asked_about_is_no_fact(text: str, hours: float | None, skills: dict[str, int]) -> None:
    from agent.coaching.parsing import parse_message

    u = parse_message(text)
    assert (u.hours_per_week, u.skills) == (hours, skills)
