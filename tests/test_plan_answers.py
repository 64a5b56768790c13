"""Questions about a person's own plan are answered from the gap engine's figures."""

from __future__ import annotations

import re

import pytest
from fuzzing import fuzz_settings, within
from hypothesis import given
from hypothesis import strategies as st

from agent.coaching.claims import check_numbers, numbers_in, report_sources, unsupported_numbers
from agent.coaching.plan_answers import answer_from_plan
from tools.gap import compare_plans
from tools.models import GapReport, Profile, Target


@pytest.fixture(scope="module")
def reports() -> tuple[GapReport, GapReport]:
    profile = Profile(
        current_role="Backend engineer",
        hours_per_week=6,
        plan_a=Target(position="GenAI engineer", industry="fintech"),
        plan_b=Target(position="MLOps engineer", industry="fintech"),
        skills={"Python": 4, "SQL": 3, "Docker": 2},
    )
    return compare_plans(profile)


def _line(report: GapReport, skill_id_part: str):
    return next(s for s in report.skills if skill_id_part in s.skill_id)


def test_how_long_a_skill_takes_quotes_the_engine(reports) -> None:
    a, b = reports
    rag = _line(a, "rag")
    answer = answer_from_plan("how long will RAG take me?", a, b)
    assert answer is not None and answer.topic == "skill_time"
    assert f"{rag.hours:g} h" in answer.text
    assert f"weeks {rag.weeks()}" in answer.text  # as the table shows them, counted from 1


def test_what_to_learn_first_is_the_first_scheduled_skill(reports) -> None:
    a, b = reports
    first = min((s for s in a.skills if s.gap > 0), key=lambda s: (s.start_week, s.priority))
    answer = answer_from_plan("what should I learn first?", a, b)
    assert answer is not None and answer.topic == "first"
    assert answer.text.startswith(f"Start with {first.name}")


def test_transferable_skills_are_the_ones_rated(reports) -> None:
    a, b = reports
    answer = answer_from_plan("which of my skills transfer best?", a, b)
    assert answer is not None and answer.topic == "transfer"
    assert "Python" in answer.text


def test_plan_b_is_answered_for_plan_b(reports) -> None:
    a, b = reports
    answer = answer_from_plan("is plan B realistic for me?", a, b)
    assert answer is not None and answer.topic == "attainable"
    assert answer.text.startswith("Plan B")
    assert str(b.total_weeks) in answer.text


def test_trim_answer_names_what_is_given_up_or_says_nothing_is(reports) -> None:
    a, b = reports
    answer = answer_from_plan("what does the trim give up?", a, b)
    assert answer is not None and answer.topic == "trim"
    if a.trim is None:
        assert "nothing is trimmed" in answer.text
    else:
        cut = next(c for c in a.trim.choices if c.target < c.full_target)
        assert cut.name in answer.text


def test_roadmap_questions_are_not_plan_questions(reports) -> None:
    a, b = reports
    assert answer_from_plan("what projects does the MLOps roadmap suggest?", a, b) is None
    assert answer_from_plan("hello there", a, b) is None


def test_every_figure_in_a_plan_answer_comes_from_the_report(reports) -> None:
    a, b = reports
    sources = report_sources(a, b)
    for question in (
        "how long will RAG take me?",
        "what should I learn first?",
        "which of my skills transfer best?",
        "when is plan A attainable?",
        "what does the trim give up?",
        "how many hours is my plan in total?",
        "how many hours a week do i need for plan a?",
    ):
        answer = answer_from_plan(question, a, b)
        assert answer is not None, question
        assert unsupported_numbers(answer.text, sources) == set(), (question, answer.text)


@pytest.mark.fuzz
@fuzz_settings(150)
@given(st.text(max_size=4000))
def test_any_text_is_answered_or_declined_quickly(reports, text: str) -> None:
    a, b = reports
    with within(0.5):
        answer_from_plan(text, a, b)


def test_claim_check_drops_sentences_with_figures_nobody_gave() -> None:
    passages = ["Practise algorithms for 6 months at about 6 hours a week."]
    answer = "Plan on 6 months of practice [1]. If you took 1 week off, 360/7 = 58 hours remain."
    checked = check_numbers(answer, passages)
    assert checked.text == "Plan on 6 months of practice [1]."
    assert len(checked.dropped) == 1
    assert re.search(r"360", checked.dropped[0])


def test_numbers_are_normalised() -> None:
    assert numbers_in("1,200 hours, 12.5 h, [3] and 4") == {"1200", "12.5", "4"}


def test_hours_a_week_needed_are_said_for_a_plan_that_does_not_fit(reports) -> None:
    a, b = reports
    assert not a.attainable and a.hours_per_week_needed is not None
    said = answer_from_plan("how many hours a week do i need for plan a?", a, b)
    assert said is not None and f"fits the horizon at {a.hours_per_week_needed:g} h/week" in said.text, said


def test_how_long_is_left_and_on_track_are_plan_questions(reports) -> None:
    a, b = reports
    left = answer_from_plan("how long is left?", a, b)
    assert left is not None and left.topic == "total"
    assert f"{a.total_weeks} weeks" in left.text and f"horizon of {a.horizon_weeks} weeks" in left.text
    on_track = answer_from_plan("am i on track?", a, b)
    assert on_track is not None and on_track.topic == "attainable"
    assert a.verdict() in on_track.text
    assert answer_from_plan("how long will RAG take me?", a, b).topic == "skill_time"  # type: ignore[union-attr]


def test_an_assumed_level_is_said_to_be_assumed(reports) -> None:
    a, b = reports
    assumed = next((s for s in a.skills + b.skills if s.assumed and s.gap == 0), None)
    assert assumed is not None, "the backend engineer's role gives some levels at target"
    words = re.findall(r"[\w+#.-]+", assumed.name)[0]
    answer = answer_from_plan(f"how long will {assumed.name} take me?", a, b)
    assert answer is not None and answer.topic == "skill_time", words
    assert f"taken as {assumed.current}" in answer.text and "you are already at" not in answer.text
    left = answer_from_plan("how much is left?", a, b)
    assert left is not None and left.text.startswith(f"Plan A has {a.total_hours:g} h left")


def test_why_a_skill_takes_long_is_answered_with_its_hours(reports) -> None:
    a, b = reports
    rag = _line(a, "rag")
    answer = answer_from_plan("why does RAG take so long?", a, b)
    assert answer is not None and answer.topic == "skill_time" and f"{rag.hours:g} h" in answer.text
    assert answer_from_plan("why is RAG critical?", a, b).topic == "priority"  # type: ignore[union-attr]


def test_plan_answers_name_the_weeks_the_table_shows(reports) -> None:
    a, b = reports
    todo = sorted((s for s in a.skills if s.gap > 0), key=lambda s: (s.start_week, s.priority))
    first = todo[0]
    assert first.start_week == 0 and first.weeks().startswith("1")
    answer = answer_from_plan("what should I learn first?", a, b)
    assert answer is not None
    assert f"weeks {first.weeks()}" in answer.text and "week 0" not in answer.text, answer.text
    line = todo[1]
    timed = answer_from_plan(f"how long will {line.name} take me?", a, b)
    assert timed is not None and f"weeks {line.weeks()}" in timed.text, timed.text
    # The check knows the table's weeks: nothing in the answer is dropped for them.
    assert check_numbers(answer.text, report_sources(a, b)).dropped == []
    assert check_numbers(timed.text, report_sources(a, b)).dropped == []


def test_why_a_proposed_skill_is_in_the_plan_gives_its_evidence_not_you(coach) -> None:
    from test_custom_target_chat import START

    thread = coach.new_thread_id()
    for line in START:
        coach.send(thread, line)
    coach.send(thread, "ok looks good")
    final = coach.send(thread, "skip")
    assert final.review is not None
    row = final.review.plan["a"]["report"]["skills"][1]
    said = " ".join(coach.resume(thread, f"why is {row['name'].lower()} in my plan a at all?").messages)
    assert "from you" not in said and "you put it" not in said, said
    assert "the proposal's evidence: in " in said and row["source"] in said, said


def test_what_first_says_others_build_on_it_only_when_they_do() -> None:
    from tools.catalog import load_catalog

    catalog = load_catalog()
    for python in (4, 1):
        profile = Profile(
            current_role="Backend engineer",
            hours_per_week=6,
            plan_a=Target(position="GenAI engineer", industry="fintech"),
            plan_b=Target(position="MLOps engineer", industry="fintech"),
            skills={"Python": python, "SQL": 3, "Docker": 2},
        )
        a, b = compare_plans(profile)
        answer = answer_from_plan("what should I learn first?", a, b)
        assert answer is not None
        todo = sorted((s for s in a.skills if s.gap > 0), key=lambda s: (s.start_week, s.priority))
        after = [s.name for s in todo[1:] if todo[0].skill_id in catalog.skill(s.skill_id).prereqs]
        assert "Skills that others build on" not in answer.text
        assert ("on it, so it comes first" in answer.text) == bool(after), answer.text
        assert all(name in answer.text for name in after), answer.text
