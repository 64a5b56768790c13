"""A fifth tester's findings in the installed `coach chat`, each taken through the graph as
typed: review target edits kept when saved, a skill's kind across plans, the trim said beside
the per-skill lists, what-if hours, a question beside intake facts, and a rejected re-plan."""

from __future__ import annotations

from conftest import converse

from agent.coaching.plan import Plan
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
