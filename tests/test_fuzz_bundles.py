"""Fuzzing bundle import: any bytes, any JSON, any mutation of a valid bundle is either
a Bundle or one InputError; never another exception, never slow, and an import that
is refused writes nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fuzzing import fuzz_settings, within
from hypothesis import given
from hypothesis import strategies as st
from test_bundles import db_state

from agent.replay import bundles
from agent.replay import runner as replay
from agent.runtime.session import Coach
from tools.errors import InputError

pytestmark = pytest.mark.fuzz

CALL = {
    "seq": 1,
    "n": 0,
    "kind": "model",
    "name": "ScriptedChatModel",
    "node": "intake",
    "step": 1,
    "input_hash": "0123456789abcdef",
    "input": "human: hi",
    "output": "Noted.",
    "tokens_in": 1,
    "tokens_out": 1,
    "latency_ms": 0.5,
}
TURN = {
    "seq": 1,
    "kind": "message",
    "payload": "I'm a backend engineer in fintech with Python 4",
    "capable": False,
    "trace_id": None,
    "started": "2026-01-01T00:00:00.000+00:00",
    "outcome": {"route": "intake", "totals": {}, "review": None, "committed": None, "replies": 1},
    "calls": [CALL],
}
VALID = {
    "version": 1,
    "thread": "abc123",
    "user": "someone",
    "model": "fake",
    "redacted": False,
    "turns": [TURN],
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The valid bundle with one to three places replaced by any JSON value, or removed."""
    bundle = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(bundle) if p]
        where = draw(st.sampled_from(paths))
        parent: Any = bundle
        for part in where[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and draw(st.booleans()):
            parent.pop(where[-1])
        else:
            parent[where[-1]] = draw(JSON)
        if not isinstance(bundle, dict):
            break
    return bundle


def _parse(data: bytes) -> None:
    with within(5.0):
        try:
            parsed = bundles.parse_bundle(data)
        except InputError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    assert parsed.version == 1 and parsed.turns


@fuzz_settings(150)
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    _parse(data)


@fuzz_settings(150)
@given(JSON)
def test_any_json(value: Any) -> None:
    _parse(json.dumps(value).encode())


@fuzz_settings(200)
@given(mutated())
def test_mutations_of_a_valid_bundle(bundle: dict[str, Any]) -> None:
    _parse(json.dumps(bundle).encode())


@fuzz_settings(40)
@given(st.sampled_from(["[", '{"a":', '[{"b":[', '"\\ud800",']), st.integers(1, 60_000))
def test_deep_and_repeated_openings(piece: str, times: int) -> None:
    _parse((piece * times).encode())


def test_the_valid_example_parses() -> None:
    assert bundles.parse_bundle(json.dumps(VALID).encode()).turns[0].payload == TURN["payload"]


@fuzz_settings(6)
@given(mutated())
def test_import_of_mutated_bundles_is_all_or_nothing(
    coach: Coach, tmp_path_factory, bundle: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("fuzz-bundle") / "bundle.json"
    path.write_text(json.dumps(bundle))
    before = db_state(coach.settings.home)
    with within(120.0):
        try:
            result = replay.import_bundle(coach, path)
        except InputError:
            assert db_state(coach.settings.home) == before
            return
    assert result["thread"].startswith("import-")
