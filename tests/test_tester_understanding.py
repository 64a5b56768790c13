"""Findings of independent testers typing into `coach chat` (understanding): positions in
plain sentences, filler around them, a Plan B said as a fallback, hours on other days,
a target taken back in the same breath, and review answers asking for a trim or time."""

from __future__ import annotations

import pytest
from conftest import CONVERSATION, converse

from agent.coaching.parsing import understand
from agent.coaching.proposals import answer
from agent.coaching.review_answers import ASK_HOURS, classify_review_answer
from agent.runtime.session import Coach
from tools.proposal import propose_skills

OPENING = ["hi", "I'm a teacher in education with writing 4 and public speaking 4", "6 hours a week"]
# A developer advocate aiming at positions the catalog lacks: the opening of several sessions.
ADVOCATE_TO_PM = [
    "hey, developer advocate here, 3 years. python 3, public speaking 4, writing 4",
    "about 5h/wk",
    "I'd love to be an AI product manager in edtech. if that fails, data engineer in education",
]


@pytest.mark.parametrize(
    ("said", "position", "industry"),
    [
        (
            "I'd like to move into instructional design, ideally at an edtech company",
            "Instructional design",
            "edtech",
        ),
        ("Corporate trainer in healthcare", "Corporate trainer", "healthcare"),
        ("hmm maybe corporate trainer in healthcare?", "Corporate trainer", "healthcare"),
        ("i said it already, data engineer in healthcare", "Data engineer", "healthcare"),
    ],
)
def test_a_position_in_a_plain_sentence_is_a_target_and_gets_a_proposal(
    coach: Coach, said: str, position: str, industry: str
) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, OPENING)
    reply = coach.send(thread, said).messages[-1]
    assert "I don't know the role" not in reply
    assert coach.values(thread)["profile"]["plan_a"] == {"position": position, "industry": industry}
    if position != "Data engineer":
        proposed = coach.send(thread, "data scientist in healthcare").messages[-1]
        assert f"I don't have {position} in my catalog" in proposed, proposed


def test_a_near_typo_of_a_catalog_role_is_still_asked_about_and_non_positions_refused() -> None:
    assert understand("datta scientist in fintech", "plan_a").confirm == {
        "field": "plan_a",
        "name": "Data scientist",
        "industry": "fintech",
        "said": "datta scientist",
    }
    refused = understand("something with data", "plan_a")
    assert refused.plan_a is None and "I don't know the role 'something with data'" in refused.problems[0]


def test_a_fallback_said_as_too_much_is_plan_b() -> None:
    u = understand(
        "I want to be an ML engineer in healthcare, and if that's too much then maybe data engineer in healthcare too"
    )
    assert u.plan_a == {"position": "ML engineer", "industry": "healthcare"}
    assert u.plan_b == {"position": "Data engineer", "industry": "healthcare"}


def test_hours_on_other_days_add_up_and_a_target_taken_back_is_replaced() -> None:
    u = understand(
        "time-wise: an hour a day on weekdays, plus maybe 3 on sundays. plan B would be ML engineer "
        "in agritech I guess, or actually no - MLOps engineer",
        "hours_per_week",
    )
    assert u.hours_per_week == 8
    assert u.plan_b == {"position": "MLOps engineer", "industry": "agritech"}
    assert not u.skills and "sundays" not in str(u.unused)


def test_more_time_per_week_at_review_asks_for_hours() -> None:
    answer = classify_review_answer("a bit more time per week is possible I guess")
    assert answer.ask == ASK_HOURS and answer.changes.empty()


def test_going_with_the_trimmed_version_sets_the_trims_targets(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, [*CONVERSATION[:2], "2 hours a week", *CONVERSATION[3:]])
    plan = coach.pending_review(thread)
    assert plan is not None
    trim = plan.plan["a"]["report"]["trim"]
    assert trim is not None, "the scripted person's Plan A must not fit at 2 h/week"
    cut = {c["name"]: c["target"] for c in trim["choices"] if c["target"] < c["full_target"]}
    before_b = dict(coach.values(thread).get("overrides", {}).get("b") or {})
    turn = coach.resume(thread, "ok go with the trimmed version then")
    assert "Taking Plan A's best trim" in turn.messages[0], turn.messages
    values = coach.values(thread)
    assert values["overrides"]["a"] == cut
    assert dict(values["overrides"].get("b") or {}) == before_b
    assert turn.review is not None, "an edit goes back to review; nothing is saved"


def test_plan_b_trim_named_sets_plan_bs_targets_only(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, [*CONVERSATION[:2], "2 hours a week", *CONVERSATION[3:]])
    plan = coach.pending_review(thread)
    assert plan is not None and plan.plan["b"]["report"]["trim"] is not None
    trim = plan.plan["b"]["report"]["trim"]
    cut = {c["name"]: c["target"] for c in trim["choices"] if c["target"] < c["full_target"]}
    turn = coach.resume(thread, "use the plan b trim")
    assert "Taking Plan B's best trim" in turn.messages[0]
    assert coach.values(thread)["overrides"]["b"] == cut


def test_ok_that_looks_better_accepts_a_proposed_list() -> None:
    proposal = propose_skills("Developer advocate", "saas")
    assert answer("ok that looks better, accept", proposal).accepted
    assert not answer("hmm I wonder", proposal).accepted


def test_a_skill_is_taken_out_of_the_profile_in_chat_and_at_review(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(
        coach, thread, ["hi", "I'm a backend engineer in fintech with Python 4, SQL 3, Java 3 and Docker 2"]
    )
    said = coach.send(thread, "drop java from my skills").messages[-1]
    assert "java taken out of your skills" in said
    assert "Java" not in coach.values(thread)["profile"]["skills"]
    assert "not among your skills" in coach.send(thread, "remove cobol from my profile").messages[-1]
    converse(coach, thread, CONVERSATION[2:])
    assert coach.pending_review(thread) is not None
    turn = coach.resume(thread, "drop docker from my skills")
    assert "Docker taken out of your skills" in " ".join(turn.messages)
    assert "Docker" not in coach.values(thread)["profile"]["skills"]
    assert turn.review is not None


def test_short_names_of_a_listed_custom_skill_give_that_skill_its_level(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(
        coach,
        thread,
        [
            *ADVOCATE_TO_PM,
            "replace deep learning with Writing API reference docs",
            "replace agents with Docs-as-code tooling (Markdown, static site generators)",
            "ok looks good",
        ],
    )
    turn = coach.send(thread, "Writing API reference docs 1, Docs-as-code tooling 1, system design 2")
    assert "Not used" not in turn.messages[0]
    assert "read as Docs-as-code tooling (Markdown, static site generators)" in turn.messages[0]
    assert turn.review is not None
    rows = {s["name"]: s["current"] for s in turn.review.plan["a"]["report"]["skills"]}
    assert rows["Writing API reference docs"] == 1
    assert rows["Docs-as-code tooling (Markdown, static site generators)"] == 1


def test_an_industry_read_as_a_catalog_one_is_said(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, ["hi", "I'm a backend engineer with Python 4", "8 hours a week"])
    said = coach.send(thread, "Plan A: customer success manager in SaaS").messages[-1]
    assert "Plan A Customer success manager in high-growth tech" in said
    assert "SaaS: read as the catalog's high-growth tech" in said


def test_skip_or_approve_with_nothing_pending_says_so(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION)
    coach.resume(thread, "reject")
    for word in ("skip", "approve"):
        said = " ".join(coach.send(thread, word).messages)
        assert "Nothing is waiting for that answer" in said and "found nothing" not in said
        assert "Say 'plan' to draft a plan" in said


def test_a_correction_after_saving_updates_the_profile_and_offers_a_redraft(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION)
    coach.resume(thread, "approve")
    said = coach.send(thread, "btw my docker is actually 4, I typed it wrong earlier").messages[-1]
    assert "Noted: docker 4" in said and "Your saved plan (version 1)" in said and "'plan'" in said
    skills = coach.values(thread)["profile"]["skills"]
    assert skills.get("docker") == 4 and "Docker" not in skills


def test_drop_from_my_skills_at_a_custom_lists_review_edits_the_profile_not_the_list(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(
        coach,
        thread,
        [
            *ADVOCATE_TO_PM,
            "ok looks good",
            "skip",
        ],
    )
    assert coach.pending_review(thread) is not None
    before = coach.values(thread).get("overrides")
    turn = coach.resume(thread, "drop public speaking from my skills")
    assert turn.messages[0] == "Recomputing with your changes: public speaking taken out of your skills."
    values = coach.values(thread)
    assert "public speaking" not in values["profile"]["skills"] and values.get("overrides") == before


def test_a_question_during_intake_is_answered_then_the_question_is_asked_again(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION[:2])
    turn = coach.send(thread, "before that - do AI PMs actually need to code? what does the roadmap say")
    said = turn.messages[-1]
    assert said.endswith(
        "Back to my question: How many hours a week can you study (for example '8 hours a week')?"
    )
    assert not said.startswith("Back to my question")
    assert "Noted: 8 hours a week" in coach.send(thread, "8 hours a week").messages[-1]


ADVOCATE = ["hey, developer advocate here, 3 years. python 3, public speaking 4, writing 4", "about 5h/wk"]


def test_plan_b_can_take_plan_as_list_when_asked_or_when_it_is_the_same_position(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(
        coach,
        thread,
        [*ADVOCATE, "I'd love to be an AI product manager in edtech", "Corporate trainer in healthcare"],
    )
    converse(coach, thread, ["replace deep learning with product sense", "ok looks good"])
    said = coach.send(thread, "can you just use the same list as plan A?").messages[-1]
    assert said.startswith("Using Plan A's 10 skills for Corporate trainer too.")
    profile = coach.values(thread)["profile"]
    assert profile["plan_b"]["skills"] == profile["plan_a"]["skills"]
    assert any("in place of Deep learning" in (s["reason"] or "") for s in profile["plan_b"]["skills"])
    same = coach.new_thread_id()
    converse(
        coach,
        same,
        [*ADVOCATE, "I'd love to be an AI product manager in edtech", "AI product manager in healthcare"],
    )
    said = coach.send(same, "ok looks good").messages[-1]
    assert "Plan B is the same position as Plan A, so it uses Plan A's 10 agreed skills" in said


def test_a_new_goal_in_a_new_session_says_what_is_kept_and_start_fresh_drops_it(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION)
    coach.resume(thread, "approve")
    again = coach.new_thread_id()
    said = coach.send(
        again, "hi, I'm a support engineer now and want to become a Support team lead in SaaS"
    ).messages[0]
    assert "Plan A Support team lead in high-growth tech" in said
    kept = said.split("Kept from your saved profile: ")[1].split(". Say")[0]
    assert "8 hours a week" in kept and "Plan B MLOps engineer in fintech" in kept and "skills " in kept
    assert "Say 'start fresh' to drop them." in said
    fresh = coach.send(again, "start fresh").messages
    assert fresh[0].startswith("Starting fresh") and "current role" in fresh[-1]
    assert coach.values(again)["profile"] == {}
    coach.send(again, "I'm a support engineer")
    assert coach.values(again)["profile"] == {"current_role": "Support engineer"}, (
        "the saved one is not read back"
    )


def test_two_level_corrections_in_two_sentences_are_both_current_levels() -> None:
    answer = classify_review_answer(
        "my technical writing is 3, I write our eng blog. sql is 3 not 2", ["Technical writing"]
    )
    assert answer.kind == "edit" and not answer.problems and not answer.changes.targets
    assert answer.changes.levels == {"Technical writing": 3, "SQL for analytics and pipelines": 3}


def test_a_checkin_reads_levels_of_a_custom_lists_skills(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(
        coach,
        thread,
        [
            *ADVOCATE,
            "I'd love to be an AI product manager in edtech. if that fails, data engineer in education",
            "replace deep learning with LMS administration",
            "replace agents with Assessment design",
            "ok looks good",
            "skip",
        ],
    )
    coach.resume(thread, "approve")
    text = "\n".join(coach.send(thread, "/checkin assesment design 4, LMS admin 2").messages)
    for name, level in (("Assessment design", 4), ("LMS administration", 2)):
        row = next(r for r in text.splitlines() if r.startswith(f"| {name}"))
        assert f"| {level} |" in row and "not reported" not in row, row
    assert "Not in the plan" not in text and "outside" not in text.lower()


def test_skip_is_no_role() -> None:
    assert understand("skip", "current_role").current_role is None
    assert understand("nurse, 8 years", "current_role").current_role == "Nurse"
