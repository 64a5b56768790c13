"""Full sessions through the real graph with a scripted model: review, commit, edge cases."""

from __future__ import annotations

import pytest
from conftest import CONVERSATION, converse

from agent.runtime.session import Coach, Settings
from agent.storage.plans import list_plans, save_approved
from tools.errors import CoachError, InputError, ReviewError


def test_conversation_reaches_review_with_both_plans(coach: Coach) -> None:
    thread = coach.new_thread_id()
    first = coach.send(thread, "hi")
    assert "current role" in first.messages[-1]
    turn = converse(coach, thread, CONVERSATION[1:])
    assert turn.review is not None
    assert turn.review.allowed == ["approve", "edit", "reject"]
    plan = turn.review.plan
    for option in (plan["a"], plan["b"]):
        kinds = [s["kind"] for s in option["report"]["skills"]]
        assert kinds.count("general") == 5 and kinds.count("specific") == 5
    assert "## Skill gap" in turn.messages[-1]
    assert plan["citations"], "the plan cites retrieved passages"
    assert "Start with the retrieval phase" in turn.review.markdown  # the model's note


def test_approve_saves_exactly_once_even_when_resumed_twice(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    done = coach.resume(thread, {"action": "approve"})
    assert "saved as version 1" in done.messages[-1]
    again = coach.resume(thread, {"action": "approve"})
    assert "no plan waiting" in again.messages[-1]
    plans = list_plans(coach.persistence.store, "local")
    assert [p.version for p in plans] == [1]
    assert plans[0].approval.action == "approve"
    assert plans[0].approval.draft_id == plans[0].draft_id


def test_reject_saves_nothing(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    turn = coach.resume(thread, {"action": "reject", "feedback": "too long"})
    assert "nothing was saved" in turn.messages[-1]
    assert list_plans(coach.persistence.store, "local") == []
    assert coach.pending_review(thread) is None


def test_edit_recomputes_then_approve(coach: Coach) -> None:
    thread = coach.new_thread_id()
    first = converse(coach, thread)
    before = first.review.plan["a"]["report"]
    edited = coach.resume(thread, {"action": "edit", "feedback": "I can do 20 hours a week"})
    assert edited.review is not None, "an edit loops back to review"
    after = edited.review.plan["a"]["report"]
    assert after["hours_per_week"] == 20
    assert after["total_weeks"] < before["total_weeks"]
    assert edited.review.draft_id != first.review.draft_id
    direct = coach.resume(thread, {"action": "edit", "changes": {"targets": {"rag": 4}}})
    rag = next(s for s in direct.review.plan["a"]["report"]["skills"] if s["skill_id"] == "rag")
    assert rag["target"] == 4
    coach.resume(thread, {"action": "approve"})
    plans = list_plans(coach.persistence.store, "local")
    assert len(plans) == 1 and plans[0].draft_id == direct.review.draft_id


def test_invalid_resume_is_refused_and_review_stays_answerable(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    for bad in (
        {"action": "maybe"},
        {"action": "approve", "extra": 1},
        {"action": "edit", "changes": {"hours_per_week": -2}},
    ):
        with pytest.raises(ReviewError):
            coach.resume(thread, bad)
    # Text the coach cannot read is not an error: it asks back and the review stays (tests/test_review_graph.py).
    assert "did not understand" in coach.resume(thread, "dance").messages[-1]
    assert coach.pending_review(thread) is not None
    assert "saved" in coach.resume(thread, "approve").messages[-1]


def test_message_while_review_pending_is_refused(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    with pytest.raises(InputError, match="waiting for your review"):
        coach.send(thread, "hello")
    assert coach.pending_review(thread) is not None


def test_resume_after_process_restart(coach: Coach, home, model) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.persistence.close()
    restarted = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    assert restarted.pending_review(thread) is not None
    assert "saved as version 1" in restarted.resume(thread, "approve").messages[-1]


def test_unknown_skill_is_kept_and_flagged(coach: Coach) -> None:
    thread = coach.new_thread_id()
    lines = [*CONVERSATION[:5], "system design 2, underwater welding 3"]
    turn = converse(coach, thread, lines)
    assert turn.review is not None
    assert "underwater welding" in turn.review.plan["a"]["report"]["unknown_skills"]
    assert "Not in the catalog" in turn.review.markdown


def test_plan_that_does_not_fit_reports_trim_and_hours(coach: Coach) -> None:
    thread = coach.new_thread_id()
    turn = converse(coach, thread)
    report = turn.review.plan["a"]["report"]
    assert report["attainable"] is False
    assert report["hours_per_week_needed"] > 8
    assert report["trim"]["hours"] <= report["trim"]["budget_hours"]
    assert "Best trim" in turn.review.markdown
    milestones = turn.review.plan["a"]["milestones"]
    assert max(m["month"] for m in milestones) <= 12


def test_question_without_relevant_passages_says_so(coach: Coach, model) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    calls = len(model.calls)
    turn = coach.send(thread, "What about underwater basket weaving?")
    assert "won't guess" in turn.messages[-1]
    assert len(model.calls) == calls, "no model call without passages"
    answered = coach.send(thread, "How long does the statistics phase take for data scientists?")
    assert "Sources:" in answered.messages[-1]


def test_bad_chat_input_keeps_state(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a backend engineer with Python 4")
    with pytest.raises(InputError):
        coach.send(thread, "   ")
    turn = coach.send(thread, "Python 7")
    assert "out of range" in turn.messages[-1]
    turn = coach.send(thread, "-3 hours a week")
    assert "out of range" in turn.messages[-1]
    assert coach.values(thread)["profile"]["skills"] == {"Python": 4}


def test_no_code_path_saves_without_approval(coach: Coach) -> None:
    store = coach.persistence.store
    plan = {"draft_id": "abc"}
    for approval in ({}, {"action": "reject", "draft_id": "abc"}, {"action": "approve", "draft_id": "other"}):
        with pytest.raises(CoachError):
            save_approved(store, "u", plan, "md", approval)
    assert list_plans(store, "u") == []


def test_plans_are_per_user(home, model) -> None:
    alice = Coach(Settings(home=home, model="fake"), chat_model=model, user_id="alice", interface="test")
    t = alice.new_thread_id()
    converse(alice, t)
    alice.resume(t, "approve")
    assert len(list_plans(alice.persistence.store, "alice")) == 1
    assert list_plans(alice.persistence.store, "bob") == []


def test_citations_resolve_and_milestone_projects_cite_them(coach: Coach, home) -> None:
    from knowledge.retriever import Retriever

    thread = coach.new_thread_id()
    plan = converse(coach, thread).review.plan
    retriever = Retriever(home)
    numbers = {c["n"] for c in plan["citations"]}
    for c in plan["citations"]:
        chunk = retriever.chunk(c["id"])
        assert chunk is not None and [chunk.line_start, chunk.line_end] == c["lines"]
    projects = [m for opt in ("a", "b") for m in plan[opt]["milestones"] if m["project"]]
    assert projects, "milestones carry projects drawn from the roadmaps"
    assert all(m["cite"] in numbers for m in projects)


def test_question_query_uses_conversation_and_profile() -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from agent.graph.nodes.answers import question_query

    state = {
        "messages": [
            HumanMessage("What should I learn about Kafka?"),
            AIMessage("..."),
            HumanMessage("How long does that take?"),
        ],
        "reports": {
            "a": {
                "role_title": "Streaming data engineer",
                "skills": [
                    {"name": "Streaming data (Kafka)", "priority": 1, "gap": 2},
                    {"name": "SQL", "priority": 1, "gap": 0},
                ],
            }
        },
    }
    query = question_query(state)
    assert "Kafka?" in query and "How long does that take?" in query
    assert (
        "Streaming data engineer" in query
        and "Streaming data (Kafka)" in query
        and "SQL" not in query.split("(")[-1]
    )


def test_long_sessions_stay_bounded(coach: Coach) -> None:
    from agent.graph.history import MAX_MESSAGES

    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    for i in range(40):
        turn = coach.send(thread, f"How long does the statistics phase take? ({i})")
        assert len(turn.messages) == 1 and "Sources:" in turn.messages[0]
    values = coach.values(thread)
    assert len(values["messages"]) <= MAX_MESSAGES + 2
    assert values["summary"].split(" ", 1)[0].isdigit() and "statistics phase" in values["summary"]
    assert values["profile"]["plan_a"]["position"] == "GenAI engineer", "state outside messages is kept"


def test_the_approved_plans_profile_is_the_saved_profile(coach: Coach) -> None:
    from agent.interfaces.hints import with_terminal_hint
    from agent.storage.profiles import load_profile

    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "ok but make it 12 hours")
    done = coach.resume(thread, "approve")
    said = done.messages[-1]
    assert said == "Plan saved as version 1.", "the graph's text names no interface's command"
    assert with_terminal_hint(said, repl=True).endswith("See it with /plans 1.")
    saved = load_profile(coach.persistence.store, "local")
    assert saved is not None and saved.hours_per_week == 12, "hours changed at review are remembered"
