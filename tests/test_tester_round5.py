"""A fifth tester's findings in the installed `coach chat`, each taken through the graph as
typed: review target edits kept when saved, a skill's kind across plans, the trim said beside
the per-skill lists, what-if hours, a question beside intake facts, and a rejected re-plan."""

from __future__ import annotations

from conftest import CONVERSATION, converse

from agent.coaching.export import export_html, export_markdown
from agent.coaching.plan import Plan
from agent.graph.nodes.intake import QUESTIONS as INTAKE_QUESTIONS
from agent.runtime.session import Coach
from agent.storage.profiles import load_profile

PYTHON = "Python engineering"


def _python_target(coach: Coach) -> int:
    saved = load_profile(coach.persistence.store, "local")
    assert saved is not None and saved.plan_a.skills is not None, "the approved list is pinned"
    return next(s.target for s in saved.plan_a.skills if s.name == PYTHON)


def _draft_target(coach: Coach, thread: str) -> int:
    review = coach.pending_review(thread)
    assert review is not None, "the review stays open"
    return {s.name: s.target for s in Plan.model_validate(review.plan).a.report.skills}[PYTHON]


def test_a_target_edited_at_review_is_saved_when_the_list_is_already_pinned(coach: Coach) -> None:
    # First plan: a review target pins Plan A's 10 skills on the saved profile.
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "python target 3")
    coach.resume(thread, "approve")
    assert _python_target(coach) == 3
    # A later session drafts from that pinned list; a target edited at its review is saved
    # with the approved plan (the pinned list was saved as it was: the old target came back).
    later = coach.new_thread_id()
    coach.send(later, "plan")
    coach.resume(later, "python 4")
    assert _draft_target(coach, later) == 4
    assert "Plan saved" in " ".join(coach.resume(later, "approve").messages)
    assert _python_target(coach) == 4
    again = coach.new_thread_id()
    coach.send(again, "plan")
    assert _draft_target(coach, again) == 4, "a new session plans the approved target"


def test_a_list_edit_after_a_target_edit_is_not_masked_by_it(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "python target 3")
    coach.resume(thread, "approve")
    later = coach.new_thread_id()
    coach.send(later, "plan")
    coach.resume(later, "python 4")
    coach.resume(later, "make python's target 5")  # edits the pinned list
    assert _draft_target(coach, later) == 5
    coach.resume(later, "approve")
    assert _python_target(coach) == 5


def test_make_a_skills_target_n_edits_a_catalog_roles_target(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    said = " ".join(coach.resume(thread, "make python's target 5").messages)
    assert "don't know the skill" not in said, said
    review = coach.pending_review(thread)
    assert review is not None
    plan = Plan.model_validate(review.plan)
    assert {s.name: s.target for s in plan.a.report.skills}[PYTHON] == 5
    coach.resume(thread, "approve")
    assert _python_target(coach) == 5


DATA_B = [
    "I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2",
    "8 hours a week",
    "Plan A: GenAI engineer in fintech",
    "Data engineer",
    "skip",
]
SQL = "SQL for analytics and pipelines"


def test_a_catalog_skill_added_with_another_kind_says_why_its_kind_differs(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, DATA_B)
    coach.resume(thread, "drop communication, add SQL (general)")
    review = coach.pending_review(thread)
    assert review is not None
    plan = Plan.model_validate(review.plan)
    kinds = {
        label: {s.name: s.kind for s in option.report.skills}.get(SQL)
        for label, option in (("A", plan.a), ("B", plan.b))
    }
    assert kinds == {"A": "general", "B": "specific"}, "the person's kind in A, the catalog's in B"
    # Each plan's matrix says why the same skill counts as another kind in the other plan.
    a_part, b_part = review.markdown.split("### Plan B:")
    said_a = [line for line in a_part.splitlines() if line.startswith("Kind:")]
    said_b = [line for line in b_part.splitlines() if line.startswith("Kind:")]
    assert said_a and SQL in said_a[0] and "general in this list" in said_a[0], a_part
    assert "specific in Plan B" in said_a[0] and "5 general and 5 specific" in said_a[0]
    assert said_b and "specific in this list" in said_b[0] and "general in Plan A" in said_b[0], b_part
    # The saved plan's deliverable says it too.
    assert export_markdown(plan).count("Kind: ") == 2
    assert export_html(plan).count("<p>Kind: ") == 2


def test_no_kind_line_when_kinds_agree(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, DATA_B)
    review = coach.pending_review(thread)
    assert review is not None and "Kind:" not in review.markdown


def test_first_weeks_and_guides_say_they_follow_the_trim_beside_the_full_table(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    review = coach.pending_review(thread)
    assert review is not None
    plan = Plan.model_validate(review.plan)
    assert plan.a.trimmed and plan.a.first_weeks and plan.a.guides, "the scripted Plan A is trimmed"
    a_part = review.markdown.split("### Plan B:")[0]
    assert (
        "**The first two weeks** (following the best trim; the table and the total above are the full plan):"
        in a_part
    ), a_part
    assert "**How to learn each skill** (following the best trim):" in a_part
    assert "**Monthly milestones** (following the best trim, 12 months):" in a_part


def test_a_plan_that_fits_never_mentions_a_trim_beside_its_first_weeks(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "40 hours a week")
    review = coach.pending_review(thread)
    assert review is not None
    plan = Plan.model_validate(review.plan)
    assert not plan.a.trimmed and plan.a.first_weeks
    assert "**The first two weeks:**" in review.markdown and "**How to learn each skill:**" in review.markdown
    assert "trim" not in review.markdown.split("### Plan B:")[0].lower()


def _saved_plan(coach: Coach) -> Plan:
    from agent.storage.plans import list_plans

    return Plan.model_validate(list_plans(coach.persistence.store, "local")[-1].plan)


def test_a_what_if_is_worked_out_at_the_hours_asked_and_changes_nothing(coach: Coach) -> None:
    from agent.coaching.plan import report_target
    from tools.gap import gap_report

    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    saved = load_profile(coach.persistence.store, "local")
    assert saved is not None and saved.hours_per_week == 8
    plan = _saved_plan(coach)
    later = coach.new_thread_id()
    text = ""
    for question, hours in (
        ("could I finish early if I did 12 hrs a week?", 12),
        ("what if I only had 4 hours a week?", 4),
    ):
        text = "\n".join(coach.send(later, question).messages)
        assert f"What if: {hours} h/week instead of your 8" in text, text
        for label, option in (("A", plan.a), ("B", plan.b)):
            then = gap_report(
                saved.model_copy(update={"hours_per_week": hours}), report_target(option.report)
            )
            took = (
                f"Plan {label}, {then.target.label()}: {then.total_hours:g} h take {then.total_weeks} weeks"
            )
            assert took in text, text
            assert ("it fits the" if then.attainable else "it does not fit the") in text
        assert f"say 'make it {hours} hours a week'" in text and "your profile and plan are unchanged" in text
    assert "it does not fit the 52-week horizon" in text, "4 h/week misses"
    assert load_profile(coach.persistence.store, "local") == saved, "a what-if saves nothing"
    assert (coach.values(later).get("profile") or {}).get("hours_per_week") in (None, 8)
    # With another question in the same message, both are answered.
    asked = "how long is left roughly, and could i finish early if i did 12 hrs a week?"
    text = "\n".join(coach.send(later, asked).messages)
    assert "h left" in text and "What if: 12 h/week" in text, text


def test_a_what_if_at_the_hours_one_has_says_so(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    text = "\n".join(
        coach.send(coach.new_thread_id(), "could I finish early if I did 8 hrs a week?").messages
    )
    assert text.startswith("8 h/week is what you study now, so your plan as it stands:"), text
    assert "Plan A, GenAI engineer in fintech:" in text and "make it" not in text


def test_a_what_if_at_the_horizon_asked_says_how_to_make_it_real(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    text = "\n".join(coach.send(coach.new_thread_id(), "what if I had 24 months?").messages)
    assert "What if: a 24-month horizon from now instead of the 12 months left" in text, text
    assert "104-week horizon" in text
    assert "say 'make it a 24-month horizon'" in text


def test_a_question_beside_intake_facts_is_answered_and_the_facts_taken(coach: Coach) -> None:
    thread = coach.new_thread_id()
    said = "\n".join(
        coach.send(
            thread,
            "I'm a backend dev, python 4, sql 3, 6 hours a week. what does an ML engineer actually do?",
        ).messages
    )
    assert "Noted: role Backend dev; python 4, sql 3; 6 hours a week." in said, said
    assert "ask it again on its own" not in said
    assert 'You also asked "what does an ML engineer actually do?"' in said
    # Answered as questions are elsewhere: grounded, cited, with its sources - the very answer
    # the question gets on its own.
    assert "[1]" in said and "Sources:" in said and "ml_and_mlops_engineer.md" in said
    alone = "\n".join(coach.send(coach.new_thread_id(), "what does an ML engineer actually do?").messages)
    body = said.split('actually do?".\n\n', 1)[1].split("\n\nBack to my question")[0]
    assert body.strip() == alone.strip(), (body, alone)
    assert said.rstrip().endswith("Back to my question: " + INTAKE_QUESTIONS["plan_a"]), said
    assert said.count("What is your Plan A") == 1, "asked once, after the answer"
    profile = coach.values(thread)["profile"]
    assert profile["hours_per_week"] == 6 and profile["skills"] == {"python": 4, "sql": 3}
    assert not coach.values(thread).get("aside"), "the question is this turn's only"
    nxt = "\n".join(coach.send(thread, "ML engineer in fintech").messages)
    assert "Noted: Plan A ML engineer in fintech." in nxt and "You also asked" not in nxt


def _targets(coach: Coach, thread: str) -> tuple[int | None, int | None]:
    review = coach.pending_review(thread)
    assert review is not None
    plan = Plan.model_validate(review.plan)
    return tuple(  # type: ignore[return-value]
        {s.name: s.target for s in option.report.skills}.get(PYTHON) for option in (plan.a, plan.b)
    )


def test_a_target_edit_means_the_same_with_or_without_a_pinned_list(coach: Coach) -> None:
    # Plan A and B both list Python engineering; an edit that names no plan sets both, as
    # 'python 4' does, also once Plan A carries its list from an earlier approval (it set
    # Plan A's only); 'plan b: ...' sets Plan B's only.
    first = coach.new_thread_id()
    converse(coach, first, [*CONVERSATION[:4], "Data scientist", CONVERSATION[5]])
    assert None not in _targets(coach, first), "both plans list Python engineering"
    coach.resume(first, "python target 3")
    coach.resume(first, "approve")
    later = coach.new_thread_id()
    coach.send(later, "plan")
    coach.resume(later, "make python's target 5")
    assert _targets(coach, later) == (5, 5)
    coach.resume(later, "plan b: make python's target 2")
    assert _targets(coach, later) == (5, 2)


def test_the_figures_a_what_if_asks_about() -> None:
    from agent.coaching.what_if import asked_figures

    cases = {
        "could I finish early if I did 8 hrs a week?": (8.0, None),
        "what if I only had 4 hours a week?": (4.0, None),
        "what if I had 18 months?": (None, 18),
        "could i finish in 6 months if i did 12 hours?": (12.0, 6),
        "what if i studied 10 hours a week for 2 years?": (10.0, 24),
        "what if I did an hour a day?": (7.0, None),
        "how long is left?": (None, None),  # no what-if: answered from the plan as it is
        "what if I had 99 months?": (None, None),  # out of range: no horizon
    }
    for question, figures in cases.items():
        assert asked_figures(question)[:2] == figures, question
