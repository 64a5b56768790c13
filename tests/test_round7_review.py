"""A seventh tester's findings at the review of the installed `coach chat`, each taken as
typed: a level said after a corrected one, a correction beside a question, a replace whose
listed name holds 'for', a 'plan b:' priority and target of one skill, an approval with an
emoji, and two questions in one message."""

from __future__ import annotations

import pytest
from conftest import to_review

from agent.coaching.plan import Plan
from agent.coaching.review_answers import classify_review_answer
from agent.runtime.session import Coach
from agent.storage.profiles import load_profile
from tools.gap import gap_report
from tools.models import TargetSkill
from tools.proposal import Proposal
from tools.skill_edits import apply_skill_edits, parse_skill_edits

STAKE, PLANNING = "Stakeholder management", "Planning and delivering projects"
MONITORING = "Monitoring models and drift"
KNOWN = [STAKE, PLANNING, MONITORING, "Math for ML (linear algebra, calculus)"]
CORRECTION = "my stakeholder management is 2, not 0. and planning and delivering projects is 1"


# ---- 1. a level said after a correction is a level too --------------------------------


@pytest.mark.parametrize(
    ("said", "levels"),
    [
        (CORRECTION, {STAKE: 2, PLANNING: 1}),
        ("my sql is 3 not 2, and python 1", {"SQL for analytics and pipelines": 3, "Python engineering": 1}),
        ("my sql is 2. and python is 1", {"SQL for analytics and pipelines": 2, "Python engineering": 1}),
    ],
)
def test_a_level_after_a_corrected_level_and_what_it_corrects_is_a_level(said: str, levels: dict) -> None:
    answer = classify_review_answer(said, KNOWN)
    assert answer.kind == "edit", answer
    assert answer.changes.levels == levels, answer.changes
    assert not answer.changes.targets, answer.changes


# ---- 2. a question beside a correction still makes the change -------------------------


def test_a_correction_beside_a_question_is_made() -> None:
    answer = classify_review_answer(f"hmm i said stakeholder mgmt 2 already? {CORRECTION}", KNOWN)
    assert answer.kind == "edit", answer
    assert answer.changes.levels == {STAKE: 2, PLANNING: 1} and not answer.changes.targets


@pytest.mark.parametrize("said", ["why is sql 3? is it enough", "can i have 18 months instead?"])
def test_a_question_alone_is_still_no_level_change(said: str) -> None:
    assert not classify_review_answer(said, KNOWN).changes.levels


# ---- 3. a replace is split where its left side is a listed skill ----------------------


def test_replace_reads_a_listed_name_holding_for_whole() -> None:
    general = ["Telling stories", "Defining metrics", "Deciding", "Writing", "Ops"]
    specific = [
        "Python engineering",
        "Math for ML (linear algebra, calculus)",
        "Statistics",
        "Privacy",
        "Git",
    ]
    skills = [TargetSkill(name=n, kind="general", priority=1, target=2, reason="r") for n in general]
    skills += [TargetSkill(name=n, kind="specific", priority=1, target=2, reason="r") for n in specific]
    edited = apply_skill_edits(
        Proposal(position="ML teacher", industry="edtech", skills=skills),
        "replace math for ML with simulation teaching (specific)",
    )
    assert edited.skills[6].name == "Simulation teaching", [s.name for s in edited.skills]
    assert edited.skills[6].reason == "your choice, in place of Math for ML (linear algebra, calculus)"


# ---- 4. "X priority 1, target 3" is two changes to X ----------------------------------


@pytest.mark.parametrize(
    "said",
    ["make monitoring models and drift priority 1, target 3", "make monitoring priority 1 and target 3"],
)
def test_a_priority_and_a_target_of_one_skill(said: str) -> None:
    changes = parse_skill_edits(said)
    assert [(c.op, c.value) for c in changes] == [("priority", "1"), ("target", "3")]
    assert changes[0].skill == changes[1].skill


def test_a_bare_target_alone_is_still_unreadable() -> None:
    with pytest.raises(Exception, match="could not read"):
        parse_skill_edits("target 3")


# ---- 5. approvals with an emoji and 'thats' -------------------------------------------


@pytest.mark.parametrize("said", ["yeah thats good, save it 👍", "thats good", "lets go with it"])
def test_an_approval_as_typed(said: str) -> None:
    assert classify_review_answer(said).kind == "approve"


def test_thats_wrong_is_still_no_approval() -> None:
    assert classify_review_answer("thats wrong").kind == "reject"


# ---- through the graph ----------------------------------------------------------------

START = [
    "I'm a high school math teacher, python 2, stakeholder management 0, planning and delivering "
    "projects 0, 8 hours a week",
    "Plan A: ML engineer in edtech",
    "Plan B: MLOps engineer in edtech",
    "skip",
]


def _to_review(coach: Coach) -> str:
    return to_review(coach, START)


def _row(coach: Coach, thread: str, plan: str, name: str) -> dict:
    review = coach.pending_review(thread)
    assert review is not None, "the review stays open after an edit"
    return next(s for s in review.plan[plan]["report"]["skills"] if s["name"] == name)


def test_a_level_after_a_correction_at_review_is_a_level(coach: Coach) -> None:
    thread = _to_review(coach)
    target = _row(coach, thread, "b", PLANNING)["target"]
    said = " ".join(coach.resume(thread, CORRECTION).messages)
    assert f"{PLANNING} now 1" in said and "target 1" not in said, said
    row = _row(coach, thread, "b", PLANNING)
    assert (row["current"], row["target"]) == (1, target)


def test_a_correction_beside_a_question_at_review_is_made(coach: Coach) -> None:
    thread = _to_review(coach)
    said = " ".join(coach.resume(thread, f"hmm i said stakeholder mgmt 2 already? {CORRECTION}").messages)
    assert f"{PLANNING} now 1" in said and "still waiting" not in said, said
    assert _row(coach, thread, "b", PLANNING)["current"] == 1


def test_plan_b_priority_and_target_of_one_skill_at_review(coach: Coach) -> None:
    thread = _to_review(coach)
    said = " ".join(
        coach.resume(thread, "plan b: make monitoring models and drift priority 1, target 3").messages
    )
    assert "don't know the role" not in said, said
    row = _row(coach, thread, "b", MONITORING)
    assert (row["priority"], row["target"]) == (1, 3), row


def test_two_questions_at_review_get_two_answers(coach: Coach) -> None:
    thread = _to_review(coach)
    said = " ".join(
        coach.resume(
            thread,
            "how long will k8s take me? and why is monitoring only priority 3, isnt that like core mlops",
        ).messages
    )
    assert "Deploying on Kubernetes" in said and MONITORING in said, said
    assert "still waiting" in said


def test_the_saved_plan_and_the_saved_profile_agree_after_the_corrections(coach: Coach) -> None:
    # The tester's saved plan had a target the saved profile did not: each plan's approved
    # targets are what the saved profile plans for.
    thread = _to_review(coach)
    coach.resume(thread, f"hmm i said stakeholder mgmt 2 already? {CORRECTION}")
    coach.resume(thread, "plan b: make monitoring models and drift priority 1, target 3")
    draft = Plan.model_validate(coach.pending_review(thread).plan)
    assert "Plan saved" in " ".join(coach.resume(thread, "yeah thats good, save it 👍").messages)
    saved = load_profile(coach.persistence.store, "local")
    assert saved is not None and saved.skills.get(PLANNING) == 1
    for option, target in ((draft.a, saved.plan_a), (draft.b, saved.plan_b)):
        planned = {s.name: (s.priority, s.target) for s in gap_report(saved, target).skills}
        assert planned == {s.name: (s.priority, s.target) for s in option.report.skills}


# ---- the review half of intake's 'change my role to' (logged by intake2) --------------


@pytest.mark.parametrize(
    ("said", "role"),
    [
        ("change my role to ICU nurse", "ICU nurse"),
        ("actually change my role to ICU nurse, and 10 hours a week", "ICU nurse"),
        ("my title is senior analyst now", "Senior analyst"),
    ],
)
def test_a_role_change_at_review(said: str, role: str) -> None:
    answer = classify_review_answer(said)
    assert answer.kind == "edit" and not answer.ask, answer
    assert answer.changes.current_role == role


def test_a_role_said_in_passing_is_no_role_change() -> None:
    assert classify_review_answer("i'm a nurse so clinical stuff is fine").changes.current_role is None


def test_change_my_role_at_review_redraws_the_plan_for_it(coach: Coach) -> None:
    thread = _to_review(coach)
    said = " ".join(coach.resume(thread, "change my role to ICU nurse").messages)
    assert "your role: ICU nurse" in said, said
    review = coach.pending_review(thread)
    assert review is not None and review.plan["profile"]["current_role"] == "ICU nurse"
    assert "Career plan for an ICU nurse" in review.markdown
