"""`coach replay --langfuse-session`: the real Langfuse SDK reading from a local stand-in API."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

OBSERVATIONS = [
    {
        "id": "o2",
        "traceId": "t1",
        "projectId": "p1",
        "endTime": "2026-11-22T05:00:03Z",
        "type": "GENERATION",
        "name": "ChatOpenAI",
        "startTime": "2026-11-22T05:00:02Z",
        "input": "prompt",
        "output": "answer",
        "usageDetails": {"input": 120, "output": 30},
        "latency": 0.8,
    },
    {
        "id": "o1",
        "traceId": "t1",
        "projectId": "p1",
        "endTime": "2026-11-22T05:00:01Z",
        "type": "SPAN",
        "name": "route",
        "startTime": "2026-11-22T05:00:01Z",
    },
]


def test_langfuse_session_is_shown_as_a_timeline(monkeypatch, capsys) -> None:
    from langfuse import Langfuse
    from test_cli import run

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.path)
            body = json.dumps({"data": OBSERVATIONS, "meta": {"cursor": None}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        public = f"pk-lf-{uuid.uuid4().hex}"
        monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", public)
        monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-test")
        monkeypatch.setenv("LANGFUSE_BASE_URL", base)
        Langfuse(public_key=public, secret_key="sk-test", base_url=base, tracing_enabled=False)
        code, out, err = run(monkeypatch, capsys, "replay", "--langfuse-session", "thread-42")
    finally:
        server.shutdown()
    assert code == 0, err
    query = parse_qs(urlparse(seen[0]).query)
    assert query["sessionId"] == ["thread-42"] and "io" in query["fields"][0]
    assert out.index("SPAN route") < out.index("GENERATION ChatOpenAI"), "oldest first"
    assert "120->30 tokens" in out


def test_langfuse_session_without_keys_is_one_line(monkeypatch, capsys) -> None:
    from test_cli import run

    code, _, err = run(monkeypatch, capsys, "replay", "--langfuse-session", "x")
    assert code == 2 and "LANGFUSE_PUBLIC_KEY" in err


# ---- round trip: a real run's spans on the wire, served back, re-run without the database ----


def _subprocess_env(home, url: str, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "OPENAI_", "COACH_"))}
    return env | {
        "COACH_HOME": str(home),
        "COACH_MODEL": "fake",
        "LANGFUSE_PUBLIC_KEY": "pk-lf-roundtrip",
        "LANGFUSE_SECRET_KEY": "sk-lf-roundtrip",
        "LANGFUSE_BASE_URL": url,
        **extra,
    }


def _coach(args, env, cwd, stdin=""):
    import subprocess
    import sys
    from pathlib import Path

    coach = str(Path(sys.executable).parent / "coach")
    return subprocess.run(
        [coach, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=240
    )


def _traced_chat(home, tmp_path, url, state, **extra):
    from conftest import CONVERSATION

    script = (
        "\n".join([*CONVERSATION, "e 12 hours a week", "a", "how long is the retrieval phase?", "/quit"])
        + "\n"
    )
    proc = _coach(["chat", "--new"], _subprocess_env(home, url, **extra), tmp_path, stdin=script)
    assert proc.returncode == 0, proc.stderr
    sessions = {s.attributes.get("session.id") for s in state.spans if s.name == "career-coach"}
    assert len(sessions) == 1
    return sessions.pop()


def _fresh_home(tmp_path, built_index):
    import shutil

    other = tmp_path / "laptop"
    other.mkdir()
    shutil.copytree(built_index, other / "index")  # the knowledge index, but no database
    return other


def test_rerun_a_session_from_its_langfuse_traces_alone(home, built_index, tmp_path) -> None:
    from langfuse_stub import LangfuseStub, serve

    state = LangfuseStub()
    server = serve(state)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        session = _traced_chat(home, tmp_path, url, state)
        laptop = _fresh_home(tmp_path, built_index)
        proc = _coach(
            ["replay", "--langfuse-session", session, "--rerun"], _subprocess_env(laptop, url), tmp_path
        )
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No divergence" in proc.stdout, proc.stdout
    assert "from its traces: 9 turns" in proc.stdout, proc.stdout
    reads = [path for method, path, _ in state.requests if method == "GET"]
    assert reads and all("sessionId=" + session in path for path in reads)
    assert not (laptop / "coach.sqlite").exists(), "the re-run needed no database"


def test_rerun_from_langfuse_reports_a_changed_engine(monkeypatch, capsys, home, tmp_path) -> None:
    """The comparison is not vacuous: a change to the gap engine shows as a divergence."""
    import json
    import uuid

    from conftest import CONVERSATION
    from langfuse import Langfuse
    from langfuse_stub import LangfuseStub, serve

    from agent.graph.nodes import planning
    from agent.replay import langfuse_pull
    from agent.runtime.session import Coach, Settings

    state = LangfuseStub()
    server = serve(state)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    public = f"pk-lf-{uuid.uuid4().hex}"
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", public)
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf-x")
    monkeypatch.setenv("LANGFUSE_BASE_URL", url)
    try:
        client = Langfuse(public_key=public, secret_key="sk-lf-x", base_url=url)
        coach = Coach(Settings(home=home, model="fake"), interface="test")
        thread = coach.new_thread_id()
        for line in CONVERSATION:
            coach.send(thread, line)
        client.flush()
        same = langfuse_pull.rerun(coach, thread)
        assert same["divergences"] == [], same

        real = planning.gap_report

        def slower(profile, target, *args, **kwargs):
            return real(
                profile.model_copy(update={"hours_per_week": profile.hours_per_week / 2}),
                target,
                *args,
                **kwargs,
            )

        monkeypatch.setattr(planning, "gap_report", slower)
        changed = langfuse_pull.rerun(coach, thread)
    finally:
        server.shutdown()
        server.server_close()
    whats = {d["what"] for d in changed["divergences"]}
    assert "totals" in whats or "skill_gap_report result" in whats, json.dumps(changed, default=str)[:2000]


def test_metadata_mode_sessions_cannot_be_rerun(home, built_index, tmp_path) -> None:
    from langfuse_stub import LangfuseStub, serve

    state = LangfuseStub()
    server = serve(state)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        session = _traced_chat(home, tmp_path, url, state, COACH_TRACE_CONTENT="metadata")
        proc = _coach(
            ["replay", "--langfuse-session", session, "--rerun"], _subprocess_env(home, url), tmp_path
        )
        shown = _coach(["replay", "--langfuse-session", session], _subprocess_env(home, url), tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 2 and "COACH_TRACE_CONTENT=metadata" in proc.stderr, proc.stderr
    assert proc.stderr.count("Error:") == 1 and "Traceback" not in proc.stderr
    assert shown.returncode == 0 and "GENERATION" in shown.stdout
