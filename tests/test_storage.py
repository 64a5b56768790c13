"""The storage interface, on every backend: migrations once, real transactions, the
sessions registry with ownership, Slack dedupe, recordings, postings, plan versions
and the LangGraph store (profiles read back after a restart)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agent.storage import Storage, open_storage
from agent.storage.migrations import LATEST, MIGRATIONS
from agent.storage.plans import get_plan, list_plans, save_approved, save_plan_version
from agent.storage.profiles import load_profile
from agent.storage.records import ApprovalRecord, NewTurn, PostingRecord, TurnOutcome
from tools.errors import CoachError
from tools.lc_tools import save_profile, stored_profile
from tools.models import Profile, Target


@pytest.fixture
def storage(tmp_path: Path, database_url: str | None) -> Storage:
    s = open_storage(tmp_path / "data", database_url)
    yield s
    s.close()


def reopen(tmp_path: Path, database_url: str | None) -> Storage:
    return open_storage(tmp_path / "data", database_url)


def approval(draft: str, by: str = "ana") -> ApprovalRecord:
    return ApprovalRecord(draft_id=draft, by=by, interface="test")


def test_migrations_apply_once_and_reopen_is_a_no_op(storage: Storage, tmp_path, database_url) -> None:
    rows = storage.backend.read("SELECT version, name FROM coach_schema ORDER BY version")
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS] and rows[-1][0] == LATEST
    again = reopen(tmp_path, database_url)
    try:
        assert again.backend.read("SELECT COUNT(*) FROM coach_schema")[0][0] == len(MIGRATIONS)
    finally:
        again.close()


def test_a_failed_second_insert_rolls_back_the_first(storage: Storage) -> None:
    assert storage.events.first_time("Ev1")
    with pytest.raises(Exception), storage.transaction() as tx:  # noqa: B017 - each driver raises its own
        tx.count("INSERT INTO coach_events (event_id, seen) VALUES (?, ?)", ("Ev2", "now"))
        tx.count("INSERT INTO coach_events (event_id, seen) VALUES (?, ?)", ("Ev1", "now"))  # duplicate key
    assert storage.backend.read("SELECT event_id FROM coach_events ORDER BY event_id") == [("Ev1",)]
    # The connection is usable afterwards, and the rolled-back id is still new.
    assert storage.events.first_time("Ev2")
    assert not storage.events.first_time("Ev2")


def test_sessions_claim_touch_list_and_forget(storage: Storage) -> None:
    assert storage.sessions.claim("t1", "alice", "slack") == "alice"
    assert storage.sessions.claim("t1", "mallory", "slack") == "alice", "the first claim wins"
    storage.sessions.touch("t1", "alice", "slack")
    storage.sessions.touch("t2", "bob", "repl")
    storage.sessions.touch("t1", "alice", "slack")
    rows = storage.sessions.list()
    assert [r.thread_id for r in rows] == ["t1", "t2"], "most recently touched first"
    assert rows[0].user_id == "alice" and rows[0].turns == 2 and rows[0].interface == "slack"
    assert [r.thread_id for r in storage.sessions.list("bob")] == ["t2"]
    assert storage.sessions.owner("t2") == "bob" and storage.sessions.owner("nope") is None
    assert storage.sessions.last("alice") == "t1" and storage.sessions.last("alice", "repl") is None
    storage.sessions.forget("t1")
    assert storage.sessions.owner("t1") is None


def test_recordings_round_trip_and_purge(storage: Storage) -> None:
    calls = [{"kind": "tool", "name": "skill_gap_report", "step": 3, "output": {"total_hours": 12.5}}]
    outcome = TurnOutcome(route="plan", totals={"a": [12.5, 2, True]}, replies=1)
    assert storage.recordings.save_turn("t1", NewTurn("message", "hi", False, None, calls, outcome)) == 1
    assert (
        storage.recordings.save_turn("t1", NewTurn("resume", {"action": "approve"}, True, "abc", [], outcome))
        == 2
    )
    turns = storage.recordings.turns("t1")
    assert [t.seq for t in turns] == [1, 2]
    assert turns[0].calls[0].output == {"total_hours": 12.5} and turns[1].capable is True
    assert turns[0].outcome.totals == {"a": [12.5, 2, True]} and turns[1].payload == {"action": "approve"}
    assert storage.recordings.outcomes("t1")[0].totals == {"a": [12.5, 2, True]}
    assert storage.recordings.next_seq("t1") == 3
    storage.recordings.save_turn("t2", NewTurn("message", "hello", False, None, calls, outcome))
    storage.recordings.forget("t2")
    assert storage.recordings.turns("t2") == [] and len(storage.recordings.turns("t1")) == 2
    assert storage.recordings.purge_older_than(-1) == ["t1"]
    assert storage.recordings.turns("t1") == []


def test_postings_belong_to_their_person(storage: Storage) -> None:
    mine = [
        PostingRecord(
            posting_id=f"p{i}", user_id="ana", position="ML engineer", source="a.md", sha256="x", text=t
        )
        for i, t in enumerate(["Python, SQL", "PyTorch"])
    ]
    assert storage.postings.add(mine) == 2
    assert storage.postings.add(mine[:1]) == 0, "the same posting is added once"
    assert [p.text for p in storage.postings.list("ana")] == ["Python, SQL", "PyTorch"]
    assert storage.postings.list("bob") == []
    assert storage.postings.remove("ana", "p0") and not storage.postings.remove("bob", "p1")
    assert [p.posting_id for p in storage.postings.list("ana", "ML engineer")] == ["p1"]


def test_plan_versions_are_idempotent_on_the_draft(storage: Storage) -> None:
    plan = {"draft_id": "d1", "a": {}, "b": {}}
    assert save_plan_version(storage.store, "ana", "d1", plan, "md1", approval("d1")) == (1, True)
    assert save_plan_version(storage.store, "ana", "d1", plan, "md1", approval("d1")) == (1, False)
    assert save_plan_version(
        storage.store, "ana", "d2", plan | {"draft_id": "d2"}, "md2", approval("d2")
    ) == (
        2,
        True,
    )
    assert save_plan_version(storage.store, "bob", "d3", plan, "md3", approval("d3", "bob")) == (1, True)
    records = list_plans(storage.store, "ana")
    assert [(r.version, r.draft_id, r.markdown) for r in records] == [(1, "d1", "md1"), (2, "d2", "md2")]
    assert get_plan(storage.store, "ana", 2).approval.by == "ana"
    with pytest.raises(CoachError, match="saved versions: 1, 2"):
        get_plan(storage.store, "ana", 9)
    with pytest.raises(CoachError, match="that very draft"):
        save_approved(storage.store, "ana", {"draft_id": "d4"}, "md", {"action": "approve", "draft_id": "d1"})


def test_saved_profile_is_read_back_after_a_restart(storage: Storage, tmp_path, database_url) -> None:
    profile = Profile(
        current_role="Backend engineer",
        hours_per_week=8,
        plan_a=Target(position="GenAI engineer", industry="fintech"),
        plan_b=Target(position="MLOps engineer", industry="fintech"),
        skills={"Python": 4},
    )
    save_profile(storage.store, "ana", profile)
    storage.close()
    again = reopen(tmp_path, database_url)
    try:
        assert stored_profile(again.store, "ana") == profile  # what the model's tools read
        assert load_profile(again.store, "ana") == profile  # what intake and `coach profile` read
        assert load_profile(again.store, "bob") is None
        with pytest.raises(CoachError):
            stored_profile(again.store, "bob")
    finally:
        again.close()


def test_an_older_sqlite_database_is_adopted_and_upgraded(tmp_path: Path) -> None:
    home = tmp_path / "old"
    home.mkdir()
    conn = sqlite3.connect(home / "coach.sqlite")
    for statement in MIGRATIONS[0].sql("sqlite"):  # the tables as the coach made them before migrations
        conn.execute(statement)
    conn.execute("INSERT INTO coach_sessions VALUES ('t0', 'ana', 'repl', '2026-01-01', '2026-01-01', 3)")
    conn.commit()
    conn.close()
    storage = open_storage(home)
    try:
        assert [r.thread_id for r in storage.sessions.list("ana")] == ["t0"]
        assert storage.backend.read("SELECT MAX(version) FROM coach_schema")[0][0] == LATEST
    finally:
        storage.close()


def test_a_database_url_that_is_not_postgres_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CoachError, match="postgresql://"):
        open_storage(tmp_path, "mysql://localhost/coach")


def test_checkpoints_copy_between_backends(storage: Storage, tmp_path: Path) -> None:
    from typing import TypedDict

    from langgraph.graph import END, START, StateGraph
    from langgraph.types import Command, interrupt

    from agent.storage.threads import copy_checkpoints

    class State(TypedDict, total=False):
        n: int
        answer: str

    def bump(state: State) -> State:
        return {"n": state.get("n", 0) + 1}

    def ask(state: State) -> State:
        return {"answer": interrupt("ok?")}

    builder = StateGraph(State)
    builder.add_node("bump", bump)
    builder.add_node("ask", ask)
    builder.add_edge(START, "bump")
    builder.add_edge("bump", "ask")
    builder.add_edge("ask", END)
    cfg = {"configurable": {"thread_id": "t1"}}
    builder.compile(checkpointer=storage.saver).invoke({"n": 1}, cfg)

    scratch = open_storage(tmp_path / "scratch")  # SQLite, whatever the source runs on
    try:
        assert copy_checkpoints(storage.saver, scratch.saver, "t1") == len(list(storage.saver.list(cfg)))
        graph = builder.compile(checkpointer=scratch.saver)
        history = [s.values for s in graph.get_state_history(cfg)]
        assert history == [
            s.values for s in builder.compile(checkpointer=storage.saver).get_state_history(cfg)
        ]
        assert graph.get_state(cfg).tasks[0].interrupts[0].value == "ok?", "the pending interrupt came along"
        assert graph.invoke(Command(resume="yes"), cfg)["answer"] == "yes"
    finally:
        scratch.close()
