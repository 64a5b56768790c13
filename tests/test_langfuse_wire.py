"""Langfuse for real: the installed `coach` command as a subprocess, keys in its
environment, LANGFUSE_BASE_URL at a local server that decodes what arrives on the wire
(OTLP protobuf, gzip) - and the same command when Langfuse is down."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONVERSATION
from langfuse_stub import OTLP_PATH, LangfuseStub, serve

COACH = str(Path(sys.executable).parent / "coach")
PUBLIC, SECRET = "pk-lf-wiretest-0001", "sk-lf-wiretest-secret-0001"


def _env(home: Path, base_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "OPENAI_", "COACH_"))}
    env |= {"COACH_HOME": str(home), "COACH_MODEL": "fake", "COACH_EMBEDDINGS": "local", **extra}
    if base_url is not None:
        env |= {"LANGFUSE_PUBLIC_KEY": PUBLIC, "LANGFUSE_SECRET_KEY": SECRET, "LANGFUSE_BASE_URL": base_url}
    return env


def _coach(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COACH, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=240
    )


@pytest.fixture
def stub():
    state = LangfuseStub()
    server = serve(state)
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _assert_no_keys(proc: subprocess.CompletedProcess[str]) -> None:
    both = proc.stdout + proc.stderr
    assert SECRET not in both and PUBLIC not in both, "a key was printed"
    assert "has been initialized" not in both


def test_coach_plan_sends_its_spans_with_session_and_user(stub, home, profile_file, tmp_path) -> None:
    state, url = stub
    proc = _coach(
        ["plan", "--profile", str(profile_file), "--approve", "--user", "ana"], _env(home, url), tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    _assert_no_keys(proc)
    assert "Warning" not in proc.stderr
    assert state.spans, "nothing arrived on the wire"
    posts = [r for r in state.requests if r[0] == "POST" and r[1] == OTLP_PATH]
    assert posts and all(h.get("authorization", "").startswith("Basic ") for _, _, h in posts)
    assert state.gzipped, "the SDK sends gzip by default"

    roots = [s for s in state.spans if s.name == "career-coach"]
    assert len(roots) == 2, "the drafting run and the approval that resumes it"
    assert len({s.trace_id for s in roots}) == 1, "an interrupted turn and its resume share one trace"
    sessions = {s.attributes.get("session.id") for s in roots}
    assert len(sessions) == 1 and None not in sessions
    assert {s.attributes.get("user.id") for s in roots} == {"ana"}
    assert {"route", "retrieve", "analyze_gaps", "draft_plan", "review", "commit"} <= {
        s.name for s in state.spans
    }
    assert {"skill_gap_report", "search_roadmaps"} <= {
        s.name for s in state.spans if s.attributes.get("langfuse.observation.type") == "tool"
    }
    # Every span of the run belongs to the turn's trace.
    assert {s.trace_id for s in state.spans} == {roots[0].trace_id}


def test_coach_chat_over_stdin_traces_each_turn(stub, home, tmp_path) -> None:
    state, url = stub
    script = "\n".join([*CONVERSATION, "a", "/quit"]) + "\n"
    proc = _coach(["chat", "--new", "--user", "ben"], _env(home, url), tmp_path, stdin=script)
    assert proc.returncode == 0, proc.stderr
    _assert_no_keys(proc)
    assert "version 1" in proc.stdout, proc.stdout[-2000:]
    roots = [s for s in state.spans if s.name == "career-coach"]
    assert len(roots) == len(CONVERSATION) + 1, [
        s.attributes.get("langfuse.observation.input") for s in roots
    ]
    # One trace per message; the approval joins the trace of the turn it resumes.
    assert len({s.trace_id for s in roots}) == len(CONVERSATION)
    assert {s.attributes.get("user.id") for s in roots} == {"ben"}
    assert len({s.attributes.get("session.id") for s in roots}) == 1
    assert all(s.attributes.get("langfuse.trace.tags") == ["repl"] for s in roots)


def _black_hole() -> tuple[socket.socket, str]:
    """A port that accepts connections and never answers: the worst Langfuse outage."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


def _exit_seconds(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str, int]:
    """Run the command and time its exit: from its last line of output to the end of the
    process (the turn itself varies by seconds on a shared machine; the exit is what
    tracing adds to)."""
    proc = subprocess.Popen(
        [COACH, *args], env=env | {"PYTHONUNBUFFERED": "1"}, cwd=cwd,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    last = time.monotonic()
    assert proc.stdout is not None and proc.stderr is not None
    for _ in proc.stdout:
        last = time.monotonic()
    code = proc.wait(240)
    ended = time.monotonic()
    return ended - last, proc.stderr.read(), code


@pytest.mark.parametrize("outage", ["refused", "black hole"])
def test_langfuse_down_costs_one_warning_and_a_bounded_wait(outage, home, profile_file, tmp_path) -> None:
    sock = None
    if outage == "refused":
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        probe.close()  # nothing listens there now
    else:
        sock, url = _black_hole()
    args = ["plan", "--profile", str(profile_file), "--approve"]
    try:
        down, stderr, code = _exit_seconds(args, _env(home, url), tmp_path)
    finally:
        if sock is not None:
            sock.close()
    assert code == 0, stderr
    assert SECRET not in stderr and PUBLIC not in stderr
    warnings = [line for line in stderr.splitlines() if "Langfuse" in line]
    assert len(warnings) == 1, stderr
    assert url in warnings[0] and "unaffected" in warnings[0]
    plain, plain_err, plain_code = _exit_seconds(args, _env(home, None), tmp_path)
    assert plain_code == 0 and "Langfuse" not in plain_err
    # The budget is 0.5 s (measured in `make bench`); this bound only catches a regression
    # to the SDK's own 3-5 s wait, with room for a loaded machine.
    assert down - plain < 3.0, (down, plain)
