"""Fuzzing the profile file loader (`coach plan --profile FILE`): any text, any YAML,
any mutation of a valid profile is a Profile or one InputError, quickly."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PROFILE_YAML
from fuzzing import fuzz_settings, within
from hypothesis import given
from hypothesis import strategies as st

from agent.coaching.profile_file import load_profile
from tools.errors import CoachError
from tools.models import Profile

pytestmark = pytest.mark.fuzz

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)
KEYS = st.sampled_from(
    ["current_role", "industry", "hours_per_week", "horizon_months", "plan_a", "plan_b", "skills", "extra"]
)
# YAML that expands (aliases of aliases), tags, anchors and odd scalars.
YAML_PIECES = st.sampled_from(
    [
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n"
        "skills: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n",
        "!!python/object/apply:os.system ['echo hi']\n",
        "hours_per_week: .inf\n",
        "hours_per_week: true\n",
        "skills: {Python: 9999999999999999999999}\n",
        "? [a, b]\n: c\n",
        "%YAML 1.1\n---\n",
        "<<: *undefined\n",
        "\t- tab\n",
    ]
)


def _load(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "profile.yaml"
        path.write_text(text, "utf-8", errors="surrogatepass")
        with within(5.0):
            try:
                profile = load_profile(path)
            except CoachError as exc:
                assert str(exc)
                return
        assert isinstance(profile, Profile)


@fuzz_settings(100)
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    _load(text)


@fuzz_settings(60)
@given(st.lists(st.one_of(YAML_PIECES, st.text(max_size=40)), max_size=6).map("".join))
def test_yaml_constructs(text: str) -> None:
    _load(text)


@fuzz_settings(150)
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_any_mapping(data: dict[str, Any]) -> None:
    _load(yaml.safe_dump(data, allow_unicode=True))


@fuzz_settings(150)
@given(KEYS, VALUES)
def test_one_field_of_a_valid_profile_changed(key: str, value: Any) -> None:
    data = yaml.safe_load(PROFILE_YAML)
    data[key] = value
    _load(yaml.safe_dump(data, allow_unicode=True))


def test_devices_and_fifos_are_refused_unread(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "profile.fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(2 * 1024 * 1024)
    for path in (Path("/dev/zero"), fifo, big):
        result: dict[str, BaseException] = {}

        def attempt(p: Path = path, into: dict[str, BaseException] = result) -> None:
            try:
                load_profile(p)
            except BaseException as exc:
                into["error"] = exc

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(20)
        assert not worker.is_alive(), f"{path} was read without end or blocked"
        assert isinstance(result.get("error"), CoachError) and "regular file" in str(result["error"])
