"""The review contract through the real graph: the human-in-the-loop shape, text answers,
strict validation, and a refused answer that always leaves the review answerable."""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest import converse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langgraph.types import Command

from agent.coaching.plan import Plan
from agent.graph.nodes.review import _decide
from agent.runtime.session import Coach, Settings
from agent.storage.plans import list_plans
from tools.errors import ReviewError


def _ready(coach: Coach) -> tuple[str, Any]:
    thread = coach.new_thread_id()
    turn = converse(coach, thread)
    assert turn.review is not None
    return thread, turn.review


def _interrupt_value(coach: Coach, thread: str) -> dict[str, Any]:
    snapshot = coach.graph.get_state({"configurable": {"thread_id": thread}})
    values = [i.value for task in snapshot.tasks for i in task.interrupts]
    assert len(values) == 1
    return values[0]


def _resume_graph(coach: Coach, thread: str, value: Any) -> Any:
    """Resume through the graph itself, as LangGraph Server does (no session pre-checks)."""
    return coach.graph.invoke(
        Command(resume=value),
        {"configurable": {"thread_id": thread}},
        context=coach.context(),
        version="v2",
        durability="sync",
    )


def test_interrupt_is_the_langchain_hitl_request_with_the_typed_plan(coach: Coach) -> None:
    thread, review = _ready(coach)
    value = _interrupt_value(coach, thread)
    (request,) = value["action_requests"]
    assert request["name"] == "save_plan"
    assert set(request["args"]) == {"draft_id", "plan"}
    assert Plan.model_validate(request["args"]["plan"]).draft_id == review.draft_id
    assert request["description"] == review.markdown
    assert value["review_configs"] == [
        {"action_name": "save_plan", "allowed_decisions": ["approve", "edit", "reject"]}
    ]


def test_hitl_decisions_edit_then_approve(coach: Coach) -> None:
    thread, first = _ready(coach)
    edit = {
        "decisions": [
            {
                "type": "edit",
                "edited_action": {"name": "save_plan", "args": {"changes": {"hours_per_week": 12}}},
            }
        ]
    }
    edited = coach.resume(thread, edit)
    assert edited.review is not None and edited.review.draft_id != first.draft_id
    assert edited.review.plan["a"]["report"]["hours_per_week"] == 12
    assert list_plans(coach.persistence.store, "local") == []
    done = coach.resume(thread, {"decisions": [{"type": "approve"}]})
    assert "saved as version 1" in done.messages[-1]
    assert [p.draft_id for p in list_plans(coach.persistence.store, "local")] == [edited.review.draft_id]


def test_hitl_edit_of_the_request_args_reads_the_edited_profile(coach: Coach) -> None:
    thread, first = _ready(coach)
    args = _interrupt_value(coach, thread)["action_requests"][0]["args"]
    args["plan"]["profile"]["hours_per_week"] = 15  # as Studio's edit view sends the args back
    args["plan"]["profile"]["skills"]["SQL"] = 1
    edit = {"type": "edit", "edited_action": {"name": "save_plan", "args": args}}
    edited = coach.resume(thread, {"decisions": [edit]})
    assert edited.review is not None and edited.review.draft_id != first.draft_id
    assert edited.review.plan["profile"]["hours_per_week"] == 15
    assert edited.review.plan["profile"]["skills"]["SQL"] == 1
    unchanged = _interrupt_value(coach, thread)["action_requests"][0]["args"]
    edit = {"type": "edit", "edited_action": {"name": "save_plan", "args": unchanged}}
    again = coach.resume(thread, {"decisions": [edit]})  # nothing edited: asked what to change
    assert again.review.draft_id == edited.review.draft_id and "What should change" in again.messages[0]


def test_hitl_reject_with_message(coach: Coach) -> None:
    thread, _ = _ready(coach)
    turn = coach.resume(thread, {"decisions": [{"type": "reject", "message": "too long"}]})
    assert "too long" in turn.messages[-1] and "nothing was saved" in turn.messages[-1]
    assert coach.pending_review(thread) is None


def test_yes_but_is_an_edit_and_saves_nothing(coach: Coach) -> None:
    thread, first = _ready(coach)
    turn = coach.resume(thread, "ok but make it 12 hours")
    assert turn.review is not None and turn.review.draft_id != first.draft_id
    assert turn.review.plan["profile"]["hours_per_week"] == 12
    assert list_plans(coach.persistence.store, "local") == []


def test_unclear_answer_asks_back_and_keeps_the_same_draft(coach: Coach) -> None:
    thread, first = _ready(coach)
    turn = coach.resume(thread, "dance")
    assert turn.review is not None and turn.review.draft_id == first.draft_id
    assert len(turn.messages) == 1 and "did not understand" in turn.messages[0]
    assert turn.review.notice == turn.messages[0]
    assert "did not understand" in _interrupt_value(coach, thread)["notice"]
    assert "saved as version 1" in coach.resume(thread, "approve").messages[-1]


def test_question_during_review_is_answered_from_the_plan(coach: Coach) -> None:
    thread, first = _ready(coach)
    turn = coach.resume(thread, "which of my skills transfer best?")
    assert turn.review is not None and turn.review.draft_id == first.draft_id
    assert "Python" in turn.messages[0] and "still waiting" in turn.messages[0]
    assert list_plans(coach.persistence.store, "local") == []


def test_a_correction_changes_the_current_level_not_the_target(coach: Coach) -> None:
    thread, first = _ready(coach)
    before = {s["skill_id"]: s for s in first.plan["a"]["report"]["skills"]}
    turn = coach.resume(thread, "my python is 2, not 4")
    after = {s["skill_id"]: s for s in turn.review.plan["a"]["report"]["skills"]}
    assert after["python"]["current"] == 2 and before["python"]["current"] == 4
    assert after["python"]["target"] == before["python"]["target"]
    assert coach.values(thread)["profile"]["skills"].get("Python") is None  # replaced, not duplicated


def test_no_need_for_a_skill_lowers_its_target(coach: Coach) -> None:
    thread, first = _ready(coach)
    skills_b = {s["skill_id"]: s for s in first.plan["b"]["report"]["skills"]}
    assert skills_b["kubernetes"]["gap"] > 0
    turn = coach.resume(thread, "no need for kubernetes")
    after = {s["skill_id"]: s for s in turn.review.plan["b"]["report"]["skills"]}
    assert after["kubernetes"]["gap"] == 0
    assert turn.review.plan["b"]["report"]["total_hours"] < first.plan["b"]["report"]["total_hours"]


@pytest.mark.parametrize(
    "bad",
    [
        {"action": "edit", "changes": {"hours_per_week": True}},
        {"action": "edit", "changes": {"targets": {"x" * 10_000: 3}}},
        {"action": "edit", "changes": {"targets": {f"skill{i}": 3 for i in range(300)}}},
        {"action": "edit", "changes": {"targets": {"rag": "4"}}},
        {"action": "edit", "changes": {"horizon_months": 12.5}},
        {"action": "maybe"},
        {"action": "approve", "extra": 1},
        {"decisions": [{"type": "approve"}, {"type": "approve"}]},
        {"decisions": [{"type": "edit", "edited_action": {"name": "other_tool", "args": {}}}]},
        {"decisions": []},
        ["approve"],
        42,
    ],
)
def test_invalid_answers_are_refused_in_one_message_and_the_review_stays(coach: Coach, bad: Any) -> None:
    thread, first = _ready(coach)
    with pytest.raises(ReviewError):
        coach.resume(thread, bad)  # the session tells the person at once
    result = _resume_graph(coach, thread, bad)  # and the graph refuses it itself, without erroring
    assert result.interrupts, "the review is still pending"
    notice = _interrupt_value(coach, thread)["notice"]
    assert notice and "\n" not in notice and len(notice) < 600
    assert coach.pending_review(thread).draft_id == first.draft_id
    assert "saved as version 1" in coach.resume(thread, "approve").messages[-1]


def test_unknown_skill_in_an_edit_is_refused(coach: Coach) -> None:
    thread, first = _ready(coach)
    turn = coach.resume(thread, {"action": "edit", "changes": {"targets": {"basket weaving": 3}}})
    assert turn.review is not None and turn.review.draft_id == first.draft_id
    assert "basket weaving" in turn.messages[0]


def test_edit_naming_an_unknown_position_never_wedges_the_review(coach: Coach, home, model) -> None:
    thread, first = _ready(coach)
    astronaut = {"action": "edit", "changes": {"plan_a": {"position": "Astronaut", "industry": "space"}}}
    turn = coach.resume(thread, astronaut)
    # Refused with a message (the catalog lacks it), or planned through a skill proposal:
    # either way a review is pending and answerable - also after a restart.
    assert turn.review is not None
    if turn.review.draft_id == first.draft_id:
        assert "Astronaut" in turn.messages[0]
    coach.persistence.close()
    restarted = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    assert restarted.pending_review(thread) is not None
    edited = restarted.resume(thread, "rag 2")
    # The edit is read and redrafted ('rag' in the plan itself was often a cited passage's
    # "storage"; the plan now lists only the sources it cites).
    assert edited.review is not None and "(rag) target 2" in edited.messages[0].lower()
    assert "saved as version 1" in restarted.resume(thread, {"decisions": [{"type": "approve"}]}).messages[-1]


def test_edit_feedback_is_read_by_the_same_classifier(coach: Coach) -> None:
    thread, first = _ready(coach)
    vague = coach.resume(thread, {"action": "edit", "feedback": "a bit fewer hours please"})
    assert vague.review.draft_id == first.draft_id and "hours a week" in vague.messages[0]
    done = coach.resume(thread, {"action": "edit", "feedback": "I can do 20 hours a week"})
    assert done.review.plan["profile"]["hours_per_week"] == 20


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
    max_leaves=20,
)
_SHAPES = st.one_of(
    _JSON,
    st.fixed_dictionaries({"action": st.sampled_from(["approve", "edit", "reject", "x"]), "changes": _JSON}),
    st.fixed_dictionaries(
        {
            "decisions": st.lists(
                st.dictionaries(st.sampled_from(["type", "message", "edited_action"]), _JSON), max_size=2
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "action": st.just("edit"),
            "changes": st.fixed_dictionaries(
                {},
                optional={
                    "hours_per_week": _JSON,
                    "horizon_months": _JSON,
                    "targets": _JSON,
                    "levels": _JSON,
                    "plan_a": _JSON,
                },
            ),
        }
    ),
)


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory, built_index) -> Plan:
    import shutil

    from agent.llm.models import ScriptedChatModel

    home = tmp_path_factory.mktemp("fuzz-home")
    shutil.copytree(built_index, home / "index")
    coach = Coach(
        Settings(home=home, model="fake"),
        chat_model=ScriptedChatModel(replies=[], default="ok", calls=[]),
        interface="test",
    )
    _, review = _ready(coach)
    return Plan.model_validate(review.plan)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(value=_SHAPES)
def test_fuzzed_answers_never_crash_and_are_decided_quickly(draft: Plan, value: Any) -> None:
    start = time.perf_counter()
    decided = _decide(value, draft)
    assert time.perf_counter() - start < 1.0
    if isinstance(decided, str):
        assert decided.strip() and "\n" not in decided


def test_a_bare_figure_answers_the_coachs_own_question(coach) -> None:
    from conftest import converse

    thread = coach.new_thread_id()
    first = converse(coach, thread)
    asked = coach.resume(thread, "a bit fewer hours please")
    assert "How many hours a week" in asked.messages[-1]
    assert coach.pending_review(thread).draft_id == first.review.draft_id
    edited = coach.resume(thread, "5")
    assert edited.review is not None and edited.review.plan["a"]["report"]["hours_per_week"] == 5


def test_restating_plan_a_keeps_the_targets_set_at_review_and_a_new_one_says_they_go(coach: Coach) -> None:
    """A tester's 'deep learning only to 2', then 'Plan A: ML engineer in e-commerce' (the
    same position, its industry fixed) undid the target silently."""
    thread, _ = _ready(coach)
    coach.resume(thread, "aim for rag 2")
    rag = next(s for s in _review_now(coach, thread)["a"]["report"]["skills"] if s["skill_id"] == "rag")
    assert rag["target"] == 2
    turn = coach.resume(thread, "Plan A: GenAI engineer in healthcare")
    rag = next(s for s in turn.review.plan["a"]["report"]["skills"] if s["skill_id"] == "rag")
    assert rag["target"] == 2, "the same position keeps the target set at this review"
    turn = coach.resume(thread, "Plan A: ML engineer in healthcare")
    said = " ".join(turn.messages)
    assert "do not carry over" in said, said


def _review_now(coach: Coach, thread: str) -> dict:
    review = coach.pending_review(thread)
    assert review is not None
    return review.plan
