"""Replay bundles from elsewhere: every crafted bundle is refused with one clear
message and changes nothing; a good one is imported under the importing user."""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import converse

from agent.llm.models import ScriptedChatModel
from agent.replay import bundles
from agent.replay import runner as replay
from agent.runtime.session import Coach, Settings
from tools.errors import InputError


@pytest.fixture(scope="module")
def base_bundle(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> dict[str, Any]:
    """A real exported bundle: a conversation to a drafted plan, approved, then a question."""
    home = tmp_path_factory.mktemp("bundle-home")
    shutil.copytree(built_index, home / "index")
    model = ScriptedChatModel(replies=[], default="Start with the retrieval phase [1].", calls=[])
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    coach.send(thread, "How long does the statistics phase take for data scientists?")
    path = home / "bundle.json"
    replay.export_bundle(coach, thread, path)
    coach.persistence.close()
    return json.loads(path.read_text())


def db_state(home: Path) -> dict[str, int]:
    """Rows per table of the coach's database (an absent database counts as empty)."""
    db = home / "coach.sqlite"
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    """A mutation: set a dotted path (list indexes as numbers) in the bundle."""

    def apply(bundle: dict[str, Any]) -> Any:
        *parents, last = path.split(".")
        node: Any = bundle
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return bundle

    return apply


def _drop(key: str) -> Callable[[dict[str, Any]], Any]:
    def apply(bundle: dict[str, Any]) -> Any:
        bundle.pop(key)
        return bundle

    return apply


def _first_of_kind(bundle: dict[str, Any], kind: str) -> int:
    return next(i for i, t in enumerate(bundle["turns"]) if t["kind"] == kind)


def _profile_turn(change: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
    def apply(bundle: dict[str, Any]) -> Any:
        profile = {
            "current_role": "Backend engineer",
            "hours_per_week": 8,
            "plan_a": {"position": "GenAI engineer", "industry": "fintech"},
            "plan_b": {"position": "MLOps engineer", "industry": "fintech"},
            "skills": {"Python": 4},
        } | change
        turn = copy.deepcopy(bundle["turns"][0]) | {"kind": "profile", "payload": profile, "calls": []}
        bundle["turns"] = [turn]
        return bundle

    return apply


def _model_output(value: Any) -> Callable[[dict[str, Any]], Any]:
    def apply(bundle: dict[str, Any]) -> Any:
        call = next(c for t in bundle["turns"] for c in t["calls"] if c["kind"] == "model")
        call["output"] = value
        return bundle

    return apply


def _message_while_review_waits(bundle: dict[str, Any]) -> Any:
    # Valid by the schema, but the replay refuses it: a message while a plan waits.
    review = _first_of_kind(bundle, "resume")
    extra = copy.deepcopy(bundle["turns"][0]) | {"payload": "hello again", "calls": []}
    bundle["turns"].insert(review, extra)
    return bundle


def _nest(depth: int) -> Callable[[dict[str, Any]], Any]:
    def apply(bundle: dict[str, Any]) -> Any:
        value: Any = "x"
        for _ in range(depth):
            value = {"k": value}
        bundle["turns"][0]["outcome"] = value
        return bundle

    return apply


POSTING = {"posting_id": "p", "user_id": "u", "position": "PM", "source": "a.md", "sha256": "x", "text": "t"}

# name -> bytes, or a mutation of the real bundle, or a special file
CASES: dict[str, Any] = {
    "empty file": b"",
    "not UTF-8": b"\xff\xfe\x00{",
    "not JSON": b"hello, this is not a bundle",
    "truncated JSON": b'{"version": 1, "turns": [',
    "a JSON list": b"[1, 2, 3]",
    "a JSON number": b"42",
    "JSON null": b"null",
    "NaN": b'{"version": 1, "thread": "t", "turns": NaN}',
    "100,000 nested lists": b"[" * 100_000 + b"]" * 100_000,
    "100,000 nested objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "nesting past the depth limit": _nest(40),
    "huge integer": b'{"version": 1, "thread": "t", "turns": [' + b"9" * 5000 + b"]}",
    "lone surrogate": _set("turns.0.payload", "\ud800 hi"),
    "version missing": _drop("version"),
    "version 2": _set("version", 2),
    "version true": _set("version", True),
    "version as text": _set("version", "1"),
    "turns missing": _drop("turns"),
    "no turns": _set("turns", []),
    "turns an object": _set("turns", {"0": {}}),
    "turns of numbers": _set("turns", [1, 2]),
    "201 turns": lambda b: _set("turns", b["turns"] * 30)(b),
    "unknown top-level key": _set("exec", "rm -rf /"),
    "thread a number": _set("thread", 7),
    "thread 10,000 characters": _set("thread", "t" * 10_000),
    "user a list": _set("user", ["admin"]),
    "turn kind unknown": _set("turns.0.kind", "exec"),
    "turn seq as text": _set("turns.0.seq", "1"),
    "turn seq true": _set("turns.0.seq", True),
    "turn seq negative": _set("turns.0.seq", -5),
    "capable as text": _set("turns.0.capable", "yes"),
    "outcome a list": _set("turns.0.outcome", []),
    "message payload a number": _set("turns.0.payload", 12),
    "message payload empty": _set("turns.0.payload", "   "),
    "message of 5,000 characters": _set("turns.0.payload", "a" * 5000),
    "review answer unknown": lambda b: _set(
        f"turns.{_first_of_kind(b, 'resume')}.payload", {"action": "explode"}
    )(b),
    "review answer a list": lambda b: _set(f"turns.{_first_of_kind(b, 'resume')}.payload", ["approve"])(b),
    "review hours true": lambda b: _set(
        f"turns.{_first_of_kind(b, 'resume')}.payload",
        {"action": "edit", "changes": {"hours_per_week": True}},
    )(b),
    "profile hours true": _profile_turn({"hours_per_week": True}),
    "profile level as text": _profile_turn({"skills": {"Python": "4"}}),
    "profile with 500 skills": _profile_turn({"skills": {f"skill {i}": 1 for i in range(500)}}),
    "profile without plan A": lambda b: _profile_turn({})(b) and b["turns"][0]["payload"].pop("plan_a") and b,
    "calls an object": _set("turns.0.calls", {"kind": "model"}),
    "call kind shell": lambda b: b["turns"][0]["calls"].append({"kind": "shell", "input": "id"}) or b,
    "model output a number": _model_output(5),
    "model output a bad tool call": _model_output({"tool": 5, "args": {}}),
    "model output of 50,000 characters": _model_output("x" * 50_000),
    "a message while the review waits": _message_while_review_waits,
    # The person's store items a bundle carries (saved profile and plans) are checked too.
    "store a list": _set("store", []),
    "store with an unknown key": _set("store.secrets", []),
    "stored posting not a posting": _set("store.postings", [{"text": "hi"}]),
    "stored posting text as a list": _set("store.postings", [POSTING | {"text": ["hi"]}]),
    "stored posting too long": _set("store.postings", [POSTING | {"text": "w " * 40_000}]),
    "stored profile hours as text": _set("store.profile", {"current_role": "Dev", "hours_per_week": "many"}),
    "stored plan not a plan": _set("store.plans", [{"version": 1}]),
    "stored plan version as text": _set("store.plans.0.version", "1"),
    "stored plans with one version twice": lambda b: _set("store.plans", b["store"]["plans"] * 2)(b),
    "stored plan missing its report": lambda b: b["store"]["plans"][0]["plan"].pop("a") and b,
    "51 stored plans": lambda b: _set("store.plans", b["store"]["plans"] * 51)(b),
}


def _write(case: Any, base: dict[str, Any], path: Path) -> Path:
    if isinstance(case, bytes):
        path.write_bytes(case)
    else:
        path.write_text(json.dumps(case(copy.deepcopy(base))), "utf-8")
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_crafted_bundle_is_refused_and_changes_nothing(
    name: str, base_bundle: dict[str, Any], coach: Coach, tmp_path: Path
) -> None:
    path = _write(CASES[name], base_bundle, tmp_path / "crafted.json")
    before = db_state(coach.settings.home)
    with pytest.raises(InputError) as refused:
        replay.import_bundle(coach, path)
    message = str(refused.value)
    assert "\n" not in message and len(message) < 600, message
    assert db_state(coach.settings.home) == before, "a refused bundle writes nothing"


def test_the_crafted_bundles_number_about_forty() -> None:
    assert len(CASES) >= 38


def test_devices_fifos_folders_and_giant_files_are_refused_unread(coach: Coach, tmp_path: Path) -> None:
    fifo = tmp_path / "bundle.fifo"
    os.mkfifo(fifo)
    giant = tmp_path / "giant.json"
    with giant.open("wb") as f:
        f.truncate(bundles.MAX_BUNDLE_BYTES + 1)  # sparse: nothing is written, the size is what counts
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    expected = {
        Path("/dev/zero"): "character device",
        link: "character device",
        fifo: "FIFO",
        tmp_path: "folder",
        giant: "larger than 8 MB",
        tmp_path / "missing.json": "No bundle at",
    }
    for path, why in expected.items():
        result: dict[str, BaseException] = {}

        def attempt(p: Path = path, into: dict[str, BaseException] = result) -> None:
            try:
                replay.import_bundle(coach, p)
            except BaseException as exc:
                into["error"] = exc

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(30)
        assert not worker.is_alive(), f"{path} was read without limit or blocked"
        assert isinstance(result.get("error"), InputError) and why in str(result["error"]), (path, result)


def test_good_bundle_is_imported_under_the_importing_user(
    base_bundle: dict[str, Any], coach: Coach, tmp_path: Path
) -> None:
    crafted = copy.deepcopy(base_bundle)
    crafted["user"] = "../../../etc/passwd"
    crafted["thread"] = "[/x]../evil"
    path = tmp_path / "good.json"
    path.write_text(json.dumps(crafted))
    result = replay.import_bundle(coach, path)
    assert result["divergences"] == []
    thread = result["thread"]
    assert thread.startswith("import-xevil-") and all(c.isalnum() or c in "-_" for c in thread)
    rows = {getattr(r, "thread_id", None) or r["thread_id"]: r for r in coach.persistence.sessions.list()}
    row = rows[thread]
    assert (getattr(row, "user_id", None) or row["user_id"]) == coach.user_id == "local"
    assert coach.persistence.sessions.list("../../../etc/passwd") == []
    assert replay.timeline(coach, thread)


def test_parse_bundle_accepts_what_export_writes(base_bundle: dict[str, Any]) -> None:
    parsed = bundles.parse_bundle(json.dumps(base_bundle).encode())
    assert [t.model_dump(mode="json") for t in parsed.recorded_turns()] == base_bundle["turns"]
    # The plan the session's last turn saw (approved in an earlier turn) travels with it;
    # the session began with no saved profile, and so does its replay.
    assert [p.version for p in parsed.person().plans] == [1] and parsed.person().profile is None


def test_a_bundle_from_before_the_store_section_still_imports(
    base_bundle: dict[str, Any], coach: Coach, tmp_path: Path
) -> None:
    older = {k: v for k, v in copy.deepcopy(base_bundle).items() if k != "store"}
    path = tmp_path / "older.json"
    path.write_text(json.dumps(older))
    assert replay.import_bundle(coach, path)["divergences"] == []
