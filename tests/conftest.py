"""Shared fixtures: an isolated COACH_HOME per test, a scripted model, and the bundled
index built once per session (with the real embedded embeddings) and copied in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings

PROFILE_YAML = """\
current_role: Backend engineer
industry: fintech
hours_per_week: 8
horizon_months: 12
plan_a: {position: GenAI engineer, industry: fintech}
plan_b: {position: MLOps engineer, industry: fintech}
skills:
  Python: 4
  SQL: 3
  Docker: 2
"""

CONVERSATION = [
    "hi",
    "I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2",
    "8 hours a week",
    "Plan A: GenAI engineer in fintech",
    "MLOps engineer",
    "system design 2, evaluation 1, communication 3",
]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("COACH_MODEL", "fake")
    monkeypatch.setenv("COACH_EMBEDDINGS", "local")
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from knowledge.retriever import Retriever

    home = tmp_path_factory.mktemp("index-home")
    _ = Retriever(home).index
    return home / "index"


@pytest.fixture
def home(tmp_path: Path, built_index: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir(exist_ok=True)
    shutil.copytree(built_index, h / "index")
    return h


@pytest.fixture
def model() -> ScriptedChatModel:
    return ScriptedChatModel(replies=[], default="Start with the retrieval phase [1].", calls=[])


@pytest.fixture
def coach(home: Path, model: ScriptedChatModel) -> Coach:
    return Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    p = tmp_path / "profile.yaml"
    p.write_text(PROFILE_YAML)
    return p


def converse(coach: Coach, thread: str, lines: list[str] = CONVERSATION):
    turn = None
    for line in lines:
        turn = coach.send(thread, line)
    return turn
