"""What `coach chat` needs before its first prompt: no LangChain or LangGraph import, the
saved profile read straight from the SQLite file (agreeing with LangGraph's store), and
a background load that stops when the person leaves at once."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from conftest import PROFILE_YAML

from agent.runtime.session import Coach, Settings
from agent.runtime.warmup import warm_up
from agent.storage import open_storage
from agent.storage.profiles import KEY, load_profile, namespace, peek_profile, save_profile
from tools.errors import CoachError
from tools.models import Profile

PROFILE = Profile.model_validate(yaml.safe_load(PROFILE_YAML))


def test_the_chat_prompt_imports_neither_langchain_nor_langgraph() -> None:
    probe = (
        "import sys, agent.interfaces.cli.app, agent.interfaces.repl, agent.runtime.session, "
        "agent.storage.profiles\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(('langchain', 'langgraph'))}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_peek_profile_reads_what_the_store_saved(tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert peek_profile(home, "ana") is None, "no database yet"
    storage = open_storage(home)
    try:
        assert peek_profile(home, "ana") is None, "no profile yet"
        save_profile(storage.store, "ana", PROFILE)
        assert peek_profile(home, "ana") == load_profile(storage.store, "ana") == PROFILE
        assert peek_profile(home, "an") is None and peek_profile(home, "bo") is None
        storage.store.put(namespace("bo"), KEY, {"hours_per_week": "lots"})
        with pytest.raises(CoachError, match="not valid any more"):
            peek_profile(home, "bo")
    finally:
        storage.close()


def test_saved_profile_at_start_leaves_the_storage_closed(tmp_path: Path) -> None:
    home = tmp_path / "data"
    first = Coach(Settings(home=home, model="fake"), user_id="ana")
    save_profile(first.persistence.store, "ana", PROFILE)
    first.persistence.close()
    coach = Coach(Settings(home=home, model="fake"), user_id="ana")
    assert coach.saved_profile() == PROFILE and coach.saved_profile("bo") is None
    assert coach._persistence is None, "read without opening the storage"
    coach.persistence  # noqa: B018 - once open, the store answers
    assert coach.saved_profile() == PROFILE


def test_warm_up_builds_the_graph_unless_stopped(tmp_path: Path) -> None:
    stopped = Coach(Settings(home=tmp_path / "a", model="fake"))
    stop = threading.Event()
    stop.set()
    warm_up(stopped, stop)
    assert stopped._graph is None and stopped._persistence is None
    coach = Coach(Settings(home=tmp_path / "b", model="fake"))
    warm_up(coach, threading.Event())
    assert coach._graph is not None and coach._persistence is not None
    coach.persistence.close()
