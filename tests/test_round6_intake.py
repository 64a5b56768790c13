"""A sixth tester's misreadings at intake, each as the person typed it: a level given to
another skill, a teacher's opening losing her role and plans, a hedged Plan B, ratings asked
for again, a hedged second figure for hours, a 'yes. and plan b ...', a hedged industry,
'never touched' a listed skill, and a deadline inside a position set from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run

from agent.coaching.parsing import ProfileField, understand
from agent.graph.nodes.common import unrated_role_skills
from agent.runtime.session import Coach

TEACHER_A = [
    {"name": name, "kind": kind, "priority": 1, "target": 3}
    for name, kind in [
        ("Curriculum design", "general"),
        ("Assessment design", "general"),
        ("Stakeholder interviews", "general"),
        ("Facilitation", "general"),
        ("Project management", "general"),
        ("Google classroom", "specific"),
        ("Canva", "specific"),
        ("Articulate Storyline", "specific"),
        ("LMS administration", "specific"),
        ("Video editing", "specific"),
    ]
]


def _teacher(skills: dict[str, int]) -> dict[str, object]:
    listed = {"position": "Instructional designer", "industry": "edtech", "skills": TEACHER_A}
    return {
        "current_role": "Science teacher",
        "hours_per_week": 6,
        "plan_a": listed,
        "plan_b": {**listed, "position": "Corporate trainer", "industry": "healthcare"},
        "skills": skills,
    }


def test_skills_rated_on_a_targets_own_list_are_not_asked_for_again() -> None:
    # 'curriculum design' only resembles the catalog's 'Designing scalable systems': it is
    # the listed skill, rated; so are the others rated by their names in any case.
    unrated = unrated_role_skills(_teacher({"google classroom": 4, "Canva": 3, "curriculum design": 4}))
    assert "Curriculum design" not in unrated and "Google classroom" not in unrated
    assert "Canva" not in unrated and "Articulate Storyline" in unrated


# ---- 1. a level given to another skill --------------------------------------------------
NURSE_A = [
    {"name": name, "kind": kind, "priority": 1, "target": 2}
    for name, kind in [
        ("Epic EHR build", "general"),
        ("Clinical workflow analysis", "general"),
        ("Teaching patients", "general"),
        ("Communicating trade-offs to stakeholders", "general"),
        ("Change management", "general"),
        ("SQL for analytics and pipelines", "specific"),
        ("Transforming data with dbt", "specific"),
        ("Statistics and probability", "specific"),
        ("Privacy and health data protection (HIPAA, GDPR)", "specific"),
        ("Data modelling", "specific"),
    ]
]
NURSE_RATING = (
    "sql 1, epic build 1 (i use epic daily but never built in it), statistics 2, "
    "dbt no idea what that is, communication 4"
)


def _rate(coach: Coach, profile: dict[str, object], text: str) -> tuple[dict[str, int], str]:
    """The levels a rating message leaves in the profile, and the coach's reply."""
    thread = coach.new_thread_id()
    coach.send(thread, "hi")
    graph = coach.graph
    config = {"configurable": {"thread_id": thread}}
    graph.update_state(config, {"profile": profile, "asking": "role_skills"})
    turn = coach.send(thread, text)
    state = graph.get_state(config).values
    return dict(state["profile"]["skills"]), "\n".join(turn.messages)


def test_1_a_short_name_of_a_listed_skill_rates_it_not_the_catalog_skill_it_resembles(coach: Coach) -> None:
    listed = {"position": "Clinical informatics specialist", "industry": "healthcare", "skills": NURSE_A}
    profile = {
        "current_role": "ICU nurse",
        "hours_per_week": 6,
        "plan_a": listed,
        "plan_b": {**listed, "position": "Health data analyst"},
        "skills": {"teaching patients": 4},
    }
    skills, reply = _rate(coach, profile, NURSE_RATING)
    assert skills["Epic EHR build"] == 1, reply
    assert "epic build: read as Epic EHR build" in reply
    assert skills["dbt"] == 0, "'no idea what that is' is unaware: 0"
    assert "No level for dbt" not in reply


def test_1_a_rated_name_only_resembling_a_catalog_skill_is_not_that_skill(coach: Coach) -> None:
    profile = {
        "current_role": "ICU nurse",
        "hours_per_week": 6,
        "plan_a": {"position": "Data engineer", "industry": "healthcare"},
        "plan_b": {"position": "Analytics engineer", "industry": "healthcare"},
    }
    skills, reply = _rate(coach, profile, "epic build 1, sql 2")
    assert skills == {"epic build": 1, "sql": 2} and "dbt" not in reply, "kept as written, never dbt"
    skills, reply = _rate(coach, profile, "pyton 3")
    assert skills == {"pyton": 3} and "pyton: read as Python engineering" in reply


# ---- 5. a second figure for hours, on a condition ---------------------------------------
@pytest.mark.parametrize(
    ("text", "asking", "hours", "note"),
    [
        ("6 hrs a week, 8 if kids are asleep lol", None, 6, "the 8 if kids are asleep taken as a maybe"),
        ("google classroom 4, i can do 6 hrs a week, 8 if kids are asleep", "skills", 6, "taken as a maybe"),
        ("5, maybe 7 when work is quiet", "hours_per_week", 5, "the 7 when work is quiet taken as a maybe"),
        (
            "I can do 6 hours a week, 4 when work is busy",
            None,
            4,
            "planning with 4, the figure when work is busy",
        ),
    ],
)
def test_5_a_second_figure_on_a_condition_is_a_maybe_never_a_level(
    text: str, asking: ProfileField | None, hours: float, note: str
) -> None:
    said = understand(text, asking)
    assert said.hours_per_week == hours
    assert not said.unused, "the other figure is no skill's level"
    assert any(note in n for n in said.notes), said.notes


# ---- 8. 'never touched' a skill of the target's own list ----------------------------------
def test_8_never_touched_a_listed_skill_rates_it_0_and_an_unlisted_one_is_said(coach: Coach) -> None:
    skills, reply = _rate(
        coach, _teacher({"canva": 3}), "never touched articulate storyline, communication 4"
    )
    assert skills["Articulate Storyline"] == 0, reply
    assert "articulate storyline: read as Articulate Storyline" not in reply  # same name, any case
    skills, reply = _rate(coach, _teacher({"canva": 3}), "never touched camtasia")
    assert "camtasia" not in {k.lower() for k in skills}
    assert "never touched camtasia: that is not a skill on your plans' lists" in reply


# ---- 7. a hedged industry ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("maybe data scientist? in insurance i guess", "insurance: read as the catalog's fintech"),
        ("data scientist at a bank probably", "bank: read as the catalog's fintech"),
        ("ML engineer in SaaS i think", "SaaS: read as the catalog's high-growth tech"),
    ],
)
def test_7_a_hedge_is_no_part_of_the_industry_named_in_the_note(text: str, note: str) -> None:
    said = understand(text, "plan_a")
    assert said.notes == [note]


# ---- 3. 'plan b...' and the target in the next words -------------------------------------
@pytest.mark.parametrize(
    ("text", "asking", "plan_b"),
    [
        (
            "plan b... hmm maybe health data analyst? same industry",
            "plan_b",
            ["Health data analyst", "healthcare"],
        ),
        (
            "plan b... hmm maybe health data analyst? same industry",
            None,
            ["Health data analyst", "healthcare"],
        ),
        ("Plan B - hmm. data engineer i think", "plan_b", ["Data engineer", "healthcare"]),
        ("plan a: data scientist? in healthcare. plan b: ml engineer", None, ["ML engineer", "healthcare"]),
    ],
)
def test_3_a_plan_mark_standing_alone_takes_the_target_said_next(
    text: str, asking: ProfileField | None, plan_b: list[str]
) -> None:
    said = understand(text, asking, "healthcare")
    assert said.plan_b == {"position": plan_b[0], "industry": plan_b[1]}, said
    assert not said.problems
    if "plan a" in text:  # a title hedged with '?' before its industry is no question
        assert said.plan_a == {"position": "Data scientist", "industry": "healthcare"}


# ---- 6. 'yes. and plan b ...' answering 'Did you mean ...?' ------------------------------
def test_6_a_yes_then_plan_b_sets_both_and_reads_no_plan_a_from_and(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a nurse in healthcare. python 1, sql 2. 6 hours a week")
    asked = "\n".join(coach.send(thread, "ML engeneer").messages)
    assert "Did you mean ML engineer" in asked
    turn = coach.send(
        thread, "yes. and plan b mlops engineer same industry. whats the difference between them"
    )
    reply = "\n".join(turn.messages)
    assert "Plan A ML engineer in healthcare" in reply and "Plan B MLOps engineer in healthcare" in reply
    assert "I don't know the role" not in reply, reply


# ---- 2. the teacher's opening -------------------------------------------------------------
TEACHER_OPENING = (
    "Hey. 7th grade science teacher here, 6 years. thinking about instructional design at an edtech "
    "company, or maybe corporate trainer in healthcare if that doesnt pan out. I can do 8 hours a week "
    "and I'd like to switch within 18 months."
)


def test_2_the_teachers_opening_keeps_her_role_plan_a_and_plan_b(coach: Coach) -> None:
    thread = coach.new_thread_id()
    reply = "\n".join(coach.send(thread, TEACHER_OPENING).messages)
    assert "role 7th grade science teacher" in reply, reply
    assert "Plan A Instructional design in edtech" in reply
    assert "Plan B Corporate trainer in healthcare" in reply
    assert "8 hours a week" in reply and "a horizon of 18 months" in reply
    assert "industry edtech" not in reply, "edtech is Plan A's industry, not hers"
    assert "could not" not in reply.lower() and "Not used" not in reply
    assert "What is your current role" not in reply


@pytest.mark.parametrize(
    ("text", "position", "industry"),
    [
        ("i told you, instructional design at an edtech company", "Instructional design", "edtech"),
        ("like i said, corporate trainer in healthcare", "Corporate trainer", "healthcare"),
        ("i already told you. instructional design at an edtech company", "Instructional design", "edtech"),
        ("i said it already, data engineer in healthcare", "Data engineer", "healthcare"),
    ],
)
def test_2_a_lead_in_before_the_target_is_no_part_of_it(text: str, position: str, industry: str) -> None:
    said = understand(text, "plan_a")
    assert said.plan_a == {"position": position, "industry": industry}, said.problems


@pytest.mark.parametrize(
    ("text", "plan_a", "plan_b"),
    [
        (
            "considering becoming a data scientist in healthcare, or else data engineer if that fails",
            ["Data scientist", "healthcare"],
            ["Data engineer", "healthcare"],
        ),
        (
            "7th grade science teacher here. leaning towards instructional design at an edtech",
            ["Instructional design", "edtech"],
            None,
        ),
        ("thinking about the hours, 6 hours a week", None, None),
    ],
)
def test_2_a_leaning_and_a_fallback_said_after_its_target(
    text: str, plan_a: list[str] | None, plan_b: list[str] | None
) -> None:
    said = understand(text)
    assert said.plan_a == (dict(zip(["position", "industry"], plan_a, strict=True)) if plan_a else None)
    assert said.plan_b == (dict(zip(["position", "industry"], plan_b, strict=True)) if plan_b else None)
    assert not said.problems and not said.unused


# ---- 9. a deadline inside a position, in the chat and in `coach profile set` ------------------
def test_9_a_deadline_without_a_figure_is_said_in_the_chat() -> None:
    said = understand("ML engineer by next summer", "plan_a", "fintech")
    assert said.plan_a == {"position": "ML engineer", "industry": "fintech"}
    assert said.horizon_months is None
    assert said.problems == [
        "horizon: 'by next summer' gives no number of months; say it as 'within 9 months' (the horizon is unchanged)"
    ]


def test_9_profile_set_reads_or_refuses_a_deadline_as_the_chat_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], profile_file: Path
) -> None:
    assert run(monkeypatch, capsys, "profile", "import", str(profile_file), "--user", "raj")[0] == 0
    code, out, err = run(
        monkeypatch,
        capsys,
        "profile",
        "set",
        "plan_a.position",
        "ML engineer by next summer",
        "--user",
        "raj",
    )
    assert code == 2 and "'by next summer' is a deadline, not part of a position" in err, (out, err)
    code, out, err = run(monkeypatch, capsys, "profile", "--json", "--user", "raj")
    assert json.loads(out)["plan_a"]["position"] == "GenAI engineer", "nothing changed"
    code, out, err = run(
        monkeypatch,
        capsys,
        "profile",
        "set",
        "plan_a",
        "ML engineer in e-commerce within a year",
        "--user",
        "raj",
    )
    assert code == 0, err
    code, out, err = run(
        monkeypatch,
        capsys,
        "profile",
        "set",
        "plan_b.position",
        "MLOps engineer within 18 months",
        "--user",
        "raj",
    )
    assert code == 0, err
    saved = json.loads(run(monkeypatch, capsys, "profile", "--json", "--user", "raj")[1])
    assert saved["plan_a"] == {"position": "ML engineer", "industry": "e-commerce"}
    assert saved["plan_b"]["position"] == "MLOps engineer" and saved["horizon_months"] == 18
