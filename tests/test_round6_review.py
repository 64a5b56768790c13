"""A sixth tester's findings at the review and proposal stages of the installed `coach chat`,
each taken as typed: filler after a list edit, a check-in typed while a draft waits, levels
said after a correction, a dropped skill's target, redoing a proposal from new postings, and
a question asked beside a list edit."""

from __future__ import annotations

import pytest
from conftest import to_review
from test_custom_target_chat import CS_POSTINGS, _add_postings

from agent.coaching.review_answers import ASK_CHECKIN, CHECKIN_NOTE, classify_review_answer, is_checkin
from agent.runtime.session import Coach
from agent.storage.profiles import load_profile
from tools.errors import InputError
from tools.models import TargetSkill
from tools.proposal import Proposal
from tools.skill_edits import apply_skill_edits, asks_to_redo, mentions_list_edit, parse_skill_edits

GENERAL = [
    "Telling stories with data",
    "Defining success metrics",
    "Deciding under ambiguity",
    "Writing",
    "Ops",
]
DBT, SQL, PYTHON = "Transforming data with dbt", "SQL for analytics and pipelines", "Python engineering"
SPECIFIC = ["Python engineering", "SQL for analytics", "Statistics", "Clinical validation", "Privacy"]


def _proposal() -> Proposal:
    skills = [
        TargetSkill(name=n, kind="general", priority=1, target=2, reason="in Data scientist") for n in GENERAL
    ]
    skills += [
        TargetSkill(name=n, kind="specific", priority=1, target=2, reason="in Data scientist")
        for n in SPECIFIC
    ]
    return Proposal(position="Clinical informatics specialist", industry="healthcare", skills=skills)


# ---- 1. filler after a change is no part of a skill's name ----------------------------


@pytest.mark.parametrize(
    "said",
    [
        "swap python for excel pls, rest is fine",
        "replace python with excel please",
        "swap python for excel thx",
        "replace #6 with excel, the rest looks good",
        "swap python for excel and keep the rest",
        "replace python with excel, everything else is fine thanks",
        "can you swap python for excel?",
        "swap python for excel pls. rest is ok",
        "replace python with excel, otherwise looks good",
    ],
)
def test_filler_after_a_list_edit_is_not_part_of_the_new_name(said: str) -> None:
    edited = apply_skill_edits(_proposal(), said)
    names = [s.name for s in edited.skills]
    assert names[5] == "Excel", names
    assert edited.skills[5].reason == "your choice, in place of Python engineering"
    assert names[:5] == GENERAL and names[6:] == SPECIFIC[1:], "nothing else changes"


def test_a_name_starting_with_rest_is_still_a_name() -> None:
    # Only 'the rest is fine' is acceptance: 'rest apis' names a skill (the catalog's).
    edited = apply_skill_edits(_proposal(), "replace python with rest apis, rest is fine")
    assert edited.skills[5].name == "Building APIs (FastAPI, REST)"


def test_renaming_your_own_choice_keeps_what_it_replaced() -> None:
    # The saved profile said 'renamed from Excel pls, rest is fine': a rename of a skill the
    # person chose corrects its name; the reason still says what it took the place of.
    once = apply_skill_edits(_proposal(), "replace python with exel")
    twice = apply_skill_edits(once, "rename exel to Excel")
    assert twice.skills[5].name == "Excel"
    assert twice.skills[5].reason == "your choice, in place of Python engineering"


# ---- 2 and 3: levels said after a correction, and a check-in while a draft waits -------

KNOWN = ["Epic ehr build", "Transforming data with dbt", "Canva", "SQL for analytics and pipelines"]


@pytest.mark.parametrize(
    ("said", "levels", "targets"),
    [
        ("no, epic ehr build is 1 and dbt is 0", {"Epic ehr build": 1, DBT: 0}, {}),
        ("my sql is now a 3 and python 2", {SQL: 3, PYTHON: 2}, {}),
        ("no, python is 2, sql 3 and dbt 1", {PYTHON: 2, SQL: 3, DBT: 1}, {}),
        ("actually sql is 4 & dbt is a 2", {SQL: 4, DBT: 2}, {}),
        ("no, python is 2 and dbt target 3", {PYTHON: 2}, {DBT: 3}),
        ("my dbt target is 2", {}, {DBT: 2}),
        ("no thats wrong, my dbt level is 0 not 1, i still want to learn it to 2", {DBT: 0}, {DBT: 2}),
        ("my python is 1, get it up to 3", {PYTHON: 1}, {PYTHON: 3}),
        ("dbt is 0, i want to get dbt to 2", {DBT: 0}, {DBT: 2}),
    ],
)
def test_levels_said_after_a_correction_are_levels(said: str, levels: dict, targets: dict) -> None:
    answer = classify_review_answer(said, KNOWN)
    assert answer.kind == "edit", answer
    assert answer.changes.levels == levels, answer.changes
    assert answer.changes.targets == targets, answer.changes


def test_take_it_to_n_months_is_the_horizon_not_a_target() -> None:
    answer = classify_review_answer("no, python is 2, and can we take it to 3 months", KNOWN)
    assert answer.changes.levels == {PYTHON: 2} and not answer.changes.targets, answer.changes


def test_a_lone_bare_level_is_still_a_target() -> None:
    # Only a level said after a correction continues it: 'yes but rag 2' stays a target.
    assert classify_review_answer("yes but rag 2").changes.targets == {
        "Retrieval-augmented generation (RAG)": 2
    }


@pytest.mark.parametrize(
    "said",
    [
        "check in my sql is now a 3 and python 2",
        "check in after 8 weeks: sql 3, python 2",
        "/checkin it's been 2 months, sql is 3 and python 2",
        "check-in: my sql is a 3 now, python 2",
    ],
)
def test_a_checkin_at_review_gives_levels_now(said: str) -> None:
    answer = classify_review_answer(said, KNOWN)
    assert answer.kind == "edit" and not answer.ask, answer
    assert answer.changes.levels == {SQL: 3, PYTHON: 2}, answer.changes
    assert not answer.changes.targets and answer.changes.horizon_months is None
    assert is_checkin(said)


def test_a_checkin_without_levels_at_review_says_the_draft_waits() -> None:
    answer = classify_review_answer("check in: going well, finished a course", KNOWN)
    assert answer.kind == "unclear" and answer.ask == ASK_CHECKIN


# ---- through the graph: the draft's rows after each answer -----------------------------

START = [
    "I'm a data analyst in healthcare, SQL 4, python 2, canva 2, dbt 1, 6 hours a week",
    "Plan A: analytics engineer in healthcare",
    "Plan B: instructional designer in edtech",
    "replace #6 with canva; replace #7 with epic ehr build",
    "ok",
    "skip",
]


def _to_review(coach: Coach) -> str:
    return to_review(coach, START)


def _row(coach: Coach, thread: str, plan: str, name: str) -> tuple[int, int, bool]:
    review = coach.pending_review(thread)
    assert review is not None, "the review stays open after an edit"
    rows = {s["name"]: s for s in review.plan[plan]["report"]["skills"]}
    return rows[name]["current"], rows[name]["target"], rows[name]["held"]


def test_a_checkin_typed_while_a_draft_waits_corrects_its_levels_and_says_so(coach: Coach) -> None:
    thread = _to_review(coach)
    _, sql_target, _ = _row(coach, thread, "a", SQL)
    said = " ".join(coach.resume(thread, "check in my sql is now a 3 and python 2").messages)
    assert CHECKIN_NOTE in said, said
    assert "target 2" not in said and "Python engineering now 2" in said, said
    assert _row(coach, thread, "a", SQL)[:2] == (3, sql_target)
    assert coach.pending_review(thread).plan["profile"]["skills"]["Python engineering"] == 2


def test_a_corrected_level_after_no_is_never_a_drop(coach: Coach) -> None:
    thread = _to_review(coach)
    _, dbt_target, _ = _row(coach, thread, "a", DBT)
    assert dbt_target > 1
    said = " ".join(coach.resume(thread, "no, epic ehr build is 1 and dbt is 0").messages)
    assert "beyond what you have" not in said, said
    assert _row(coach, thread, "a", DBT)[:2] == (0, dbt_target)
    assert _row(coach, thread, "b", "Epic ehr build")[0] == 1


def test_a_level_fix_with_the_target_wanted_sets_both(coach: Coach) -> None:
    thread = _to_review(coach)
    coach.resume(thread, "no need for dbt")
    coach.resume(thread, "no thats wrong, my dbt level is 0 not 1, i still want to learn it to 2")
    assert _row(coach, thread, "a", DBT) == (0, 2, False)


def test_a_dropped_skill_is_held_at_the_level_you_have(coach: Coach) -> None:
    thread = _to_review(coach)
    said = " ".join(coach.resume(thread, "drop canva").messages)
    assert _row(coach, thread, "b", "Canva") == (2, 2, True), said
    coach.resume(thread, "no need for dbt")
    assert _row(coach, thread, "a", DBT) == (1, 1, True)
    # A level corrected after the drop keeps it held, never a new gap.
    coach.resume(thread, "my dbt is 0, not 1")
    assert _row(coach, thread, "a", DBT) == (0, 0, True)
    coach.resume(thread, "approve")
    saved = load_profile(coach.persistence.store, "local")
    assert saved is not None and saved.plan_b.skills is not None
    assert next(s.target for s in saved.plan_b.skills if s.name == "Canva") == 2


def test_drop_of_a_catalog_roles_skill_beside_a_plan_with_its_own_list(coach: Coach) -> None:
    # Plan B's own list lacks dbt: 'drop dbt' is Plan A's drafted skill, never refused with
    # "Plan B: 'dbt' is not one of the listed skills".
    thread = _to_review(coach)
    said = " ".join(coach.resume(thread, "drop dbt").messages)
    assert "not one of the listed skills" not in said, said
    assert _row(coach, thread, "a", DBT) == (1, 1, True)


# ---- 5 and 6: the proposal stage: redo from new postings; a question beside an edit ----


@pytest.mark.parametrize(
    "said",
    [
        "wait do clinical informatics ppl really need python? anyway replace #3 with clinical data standards",
        "hmm is that even a thing for this role? ok, replace #3 with clinical data standards",
        "do they need it?? so replace #3 with clinical data standards",
        "why is #3 there. anyways, replace #3 with clinical data standards",
    ],
)
def test_a_question_before_a_list_edit_is_no_part_of_it(said: str) -> None:
    assert [(c.op, c.skill, c.value) for c in parse_skill_edits(said)] == [
        ("replace", "#3", "clinical data standards")
    ]
    assert mentions_list_edit(said)


@pytest.mark.parametrize(
    "said",
    [
        "replace #3 with clinical data standards. do they really need python though?",
        "replace #3 with clinical data standards. thanks!",
        "replace #3 with clinical data standards! why is python there?",
    ],
)
def test_a_sentence_after_a_list_edit_is_no_part_of_the_new_name(said: str) -> None:
    assert [(c.op, c.skill, c.value) for c in parse_skill_edits(said)] == [
        ("replace", "#3", "clinical data standards")
    ]


def test_a_question_alone_is_no_list_edit() -> None:
    assert not mentions_list_edit("do they really need python?")
    with pytest.raises(InputError):
        parse_skill_edits("why is python there? and sql?")


@pytest.mark.parametrize(
    "said",
    [
        "i just added 5 job postings for instructional designer, can u redo the list from them?",
        "redo the list",
        "can you propose the skills again from my postings?",
        "refresh the proposal pls",
        "use my new postings",
        "regenerate the skills from the postings i added",
        "ok i added postings, try again",
    ],
)
def test_asking_to_redo_the_proposal(said: str) -> None:
    assert asks_to_redo(said)


@pytest.mark.parametrize(
    "said", ["ok", "replace #3 with excel", "what do my postings ask for?", "do they need sql?", "looks good"]
)
def test_not_asking_to_redo_the_proposal(said: str) -> None:
    assert not asks_to_redo(said)


TEACHER = ["I'm a teacher, communication 4, sql 1", "8 hours a week"]
TARGETS = "plan A: customer success manager in SaaS, plan B: data engineer in edtech"


def test_redo_the_list_after_adding_postings_proposes_from_them(coach: Coach) -> None:
    thread = coach.new_thread_id()
    for line in TEACHER:
        coach.send(thread, line)
    first = coach.send(thread, TARGETS).messages[-1]
    assert "Evidence is thin" in first and "Gainsight" not in first
    coach.send(thread, "replace #3 with onboarding")
    _add_postings(coach, "Customer success manager", CS_POSTINGS)
    said = "\n".join(
        coach.send(
            thread, "i just added 4 job postings for cs manager, can u redo the list from them?"
        ).messages
    )
    assert "From the roadmaps" not in said, said
    assert "from 4 job posting(s)" in said and "| Gainsight | specific | 1 |" in said, said
    assert "The changes you made to the earlier list are not in it" in said
    assert coach.values(thread)["asking"] == "proposal", "the new list waits to be agreed"
    assert "Using these 10 skills" in coach.send(thread, "ok").messages[-1]


def test_redo_without_postings_says_how_to_add_them(coach: Coach) -> None:
    thread = coach.new_thread_id()
    for line in TEACHER:
        coach.send(thread, line)
    coach.send(thread, TARGETS)
    said = "\n".join(coach.send(thread, "can you redo the list from my postings?").messages)
    assert "no job postings for Customer success manager" in said, said
    assert 'coach postings add FILE... --role "Customer success manager"' in said
    assert coach.values(thread)["asking"] == "proposal"


def test_a_question_and_a_list_edit_at_the_proposal_are_both_handled(coach: Coach) -> None:
    thread = coach.new_thread_id()
    for line in TEACHER:
        coach.send(thread, line)
    coach.send(thread, TARGETS)
    turn = coach.send(
        thread, "wait do customer success ppl really need sql? anyway replace #3 with gainsight"
    )
    said = "\n".join(turn.messages)
    assert "I could not read" not in said, said
    assert "Changed." in said and "Gainsight" in said
    assert 'You also asked "wait do customer success ppl really need sql?"' in said, said
    assert coach.values(thread)["asking"] == "proposal"


def test_a_question_beside_an_edit_at_review_is_answered_too(coach: Coach) -> None:
    thread = _to_review(coach)
    said = "\n".join(
        coach.resume(thread, "how long will dbt take me? anyway make it 8 hours a week").messages
    )
    assert "Recomputing with your changes: 8 hours a week" in said, said
    assert 'You also asked "how long will dbt take me?"' in said and "Transforming data with dbt" in said, (
        said
    )
    assert coach.pending_review(thread).plan["profile"]["hours_per_week"] == 8
    # A change phrased as a question is the change alone, never answered as a question too.
    said = "\n".join(coach.resume(thread, "can I have 18 months instead?").messages)
    assert "You also asked" not in said, said
