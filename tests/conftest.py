"""Shared fixtures: an isolated COACH_HOME per test, a scripted model, and the bundled
index built once per session (with the real embedded embeddings) and copied in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The user's seed documents beside the repository (CI lays shared/ beside the clone).
    Missing seeds fail the tests that need them: a skip would hide that they never ran."""
    if not SEEDS.is_dir():
        pytest.fail(
            f"the seed documents are missing: expected {SEEDS} (shared/ beside the repository)", pytrace=False
        )
    return SEEDS


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
def coach(home: Path, model: ScriptedChatModel) -> Iterator[Coach]:
    with Coach(Settings(home=home, model="fake"), chat_model=model, interface="test") as c:
        yield c


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


def to_review(coach: Coach, lines: list[str]) -> str:
    """A new thread taken through `lines` to a draft waiting for review; its id."""
    thread = coach.new_thread_id()
    turn = converse(coach, thread, lines)
    assert turn is not None and turn.review is not None, turn.messages if turn else lines
    return thread


# ---- storage backends: `--backend sqlite|postgres|both` (default both) ----------------
# Tests that take the `backend` fixture run once per selected backend. PostgreSQL runs
# use a database of their own, created for the test run and dropped after it, and a
# fresh schema per test; when the server is down they fail, saying how to start it.

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_START = "pg_ctlcluster --skip-systemctl-redirect 15 main start"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("both", "sqlite", "postgres"),
        default="both",
        help="storage backends for the tests that take the `backend` fixture (default both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--backend")
        metafunc.parametrize("backend", ["sqlite", "postgres"] if chosen == "both" else [chosen])


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database for this test run (dropped afterwards): its URL."""
    import os
    import uuid

    import psycopg

    server = os.environ.get("COACH_TEST_PG", PG_SERVER)
    name = f"coach_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {server} ({str(exc).strip()[:200]}). Start it with "
            f"`{PG_START}`, or run only the SQLite tests with `pytest --backend sqlite`.",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """None on SQLite; on PostgreSQL the URL of a fresh schema for this test."""
    if backend == "sqlite":
        return None
    import uuid

    import psycopg

    base = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's COACH_DATABASE_URL must not send the suite to their database.
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)


def pytest_configure(config: pytest.Config) -> None:
    # `make fuzz` runs every test marked fuzz with HYPOTHESIS_PROFILE=long (see tests/fuzzing.py).
    config.addinivalue_line(
        "markers", "fuzz: hypothesis fuzz test of a parser or loader (make fuzz runs long)"
    )
