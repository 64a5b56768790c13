"""What a turn writes when it ends, on every backend: the sessions registry's touch and
the turn's recording in one transaction (one commit), never one without the other;
plan look-ups that stay one read however many versions are saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.storage import Storage, open_storage
from agent.storage.plans import has_plans, list_plans, save_plan_version
from agent.storage.records import ApprovalRecord, NewTurn, TurnOutcome


@pytest.fixture
def storage(tmp_path: Path, database_url: str | None) -> Storage:
    s = open_storage(tmp_path / "data", database_url)
    yield s
    s.close()


def test_record_turn_touches_the_session_and_records_the_turn_together(storage: Storage) -> None:
    calls = [{"kind": "tool", "name": "search_roadmaps", "output": ["a#1"], "latency_ms": 1.5}]
    outcome = TurnOutcome(route="question", replies=1)
    assert (
        storage.record_turn("t1", "ana", "repl", NewTurn("message", "hi", False, None, calls, outcome)) == 1
    )
    assert (
        storage.record_turn("t1", "ana", "repl", NewTurn("message", "again", False, None, [], outcome)) == 2
    )
    [row] = storage.sessions.list("ana")
    assert (row.thread_id, row.user_id, row.interface, row.turns) == ("t1", "ana", "repl", 2)
    assert storage.recordings.outcomes("t1") == [outcome, outcome]
    assert len(storage.recordings.turns("t1")) == 2


def test_a_recording_that_fails_leaves_no_touch_behind(storage: Storage) -> None:
    outcome = TurnOutcome(route="intake")
    storage.record_turn("t1", "ana", "repl", NewTurn("message", "hi", False, None, [], outcome))
    broken = [{"name": "no kind"}]  # every call has a kind: this one fails inside the transaction
    with pytest.raises(KeyError):
        storage.record_turn("t1", "ana", "repl", NewTurn("message", "lost", False, None, broken, outcome))
    [row] = storage.sessions.list("ana")
    assert row.turns == 1, "the touch of the failed turn was rolled back with its recording"
    assert len(storage.recordings.outcomes("t1")) == 1


def test_has_plans_answers_for_each_person_alone(storage: Storage) -> None:
    store = storage.store
    assert not has_plans(store, "ana") and not has_plans(store, "bo")
    for n in range(3):
        approval = ApprovalRecord(draft_id=f"d{n}", by="ana", interface="test")
        save_plan_version(store, "ana", f"d{n}", {"draft_id": f"d{n}"}, "# plan", approval)
    assert has_plans(store, "ana") and len(list_plans(store, "ana")) == 3
    assert not has_plans(store, "bo"), "another person's plans are not hers"
    assert not has_plans(store, "an"), "a user id that is a prefix of another is its own person"
