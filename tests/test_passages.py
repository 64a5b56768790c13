"""Retrieved passages are typed records grouped by what they were retrieved for, and the
plan and the answer read them from there (no ad-hoc key on each passage)."""

from __future__ import annotations

from conftest import converse

from agent.coaching.passages import Passage, retrieved_of
from agent.runtime.session import Coach


def _values(coach: Coach, thread: str) -> dict:
    return dict(coach.graph.get_state({"configurable": {"thread_id": thread}}).values)


def test_a_plan_turn_keeps_each_targets_passages_apart(coach: Coach) -> None:
    thread = coach.new_thread_id()
    turn = converse(coach, thread)
    passages = _values(coach, thread)["passages"]
    assert set(passages) == {"plan_a", "plan_b"}
    assert passages["plan_a"] and passages["plan_b"]
    for p in passages["plan_a"] + passages["plan_b"]:
        assert set(p) == set(Passage.__annotations__), p.keys()
    # The plan cites only passages retrieved for its targets (and lists only those it cites).
    cited = {c["id"] for c in turn.review.plan["citations"]}
    assert cited and cited <= {p["id"] for p in passages["plan_a"] + passages["plan_b"]}


def test_a_question_turn_keeps_its_passages_under_question(coach: Coach) -> None:
    thread = coach.new_thread_id()
    reply = coach.send(thread, "What should a GenAI engineer learn about retrieval augmented generation?")
    passages = _values(coach, thread)["passages"]
    assert passages["question"], reply.messages[-1]
    assert set(passages) == {"question"}
    assert "Sources:" in reply.messages[-1]


def test_a_checkpoint_written_before_grouping_still_reads() -> None:
    base = {"text": "t", "source": "s.md", "section": "Basics", "lines": [1, 2], "score": 0.5}
    old = [base | {"id": "x1", "for": "a"}, base | {"id": "x2", "for": "b"}, base | {"id": "x3", "for": "q"}]
    got = retrieved_of(old)
    assert [p["id"] for p in got["plan_a"]] == ["x1"]
    assert [p["id"] for p in got["plan_b"]] == ["x2"]
    assert [p["id"] for p in got["question"]] == ["x3"]
    assert "for" not in got["plan_a"][0]
    assert retrieved_of(None) == {}
