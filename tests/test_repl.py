"""The REPL end to end with scripted input, and once as a real terminal program."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CONVERSATION
from rich.console import Console

from agent.interfaces.repl import Repl
from agent.runtime.session import Coach
from agent.storage.plans import list_plans


def run_repl(
    coach: Coach,
    lines: list[str],
    thread: str | None = None,
    new: bool = False,
    width: int = 120,
    **kwargs: Any,
) -> tuple[str, Repl]:
    """Run the REPL on scripted input; what it printed, and the REPL."""
    feed = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False)
    repl = Repl(coach, console, read, thread_id=thread, new=new, **kwargs)
    repl.run()
    return buf.getvalue(), repl


def test_full_session_with_commands(coach: Coach) -> None:
    out, _ = run_repl(
        coach,
        [
            "/help",
            "",
            *CONVERSATION,
            "/gaps",
            "/approve",
            "/plans",
            "/plans 1",
            "/profile",
            "/nonsense",
            "/quit",
        ],
    )
    assert "/resume" in out  # help lists commands
    assert "Type a message" in out
    assert "Review: [a]pprove, [e]dit" in out and "[r]eject" in out
    assert "Plan saved as version 1" in out
    assert "Unknown command /nonsense" in out
    assert len(list_plans(coach.persistence.store, "local")) == 1


def test_review_by_key_and_edit_text(coach: Coach) -> None:
    out, _ = run_repl(coach, [*CONVERSATION, "I can do 20 hours a week", "r too ambitious"])
    assert "Recomputing with your changes" in out
    assert "Plan discarded (too ambitious)" in out
    assert list_plans(coach.persistence.store, "local") == []


def test_starts_on_last_session_and_says_so(coach: Coach) -> None:
    _, first = run_repl(coach, CONVERSATION[:3])
    out, second = run_repl(coach, [])
    assert second.thread_id == first.thread_id
    assert f"resumed session {first.thread_id}" in out
    out, fresh = run_repl(coach, [], new=True)
    assert fresh.thread_id != first.thread_id and "new session" in out


def test_a_crashing_turn_does_not_end_the_session(coach: Coach, monkeypatch) -> None:
    calls = {"n": 0}
    original = coach.send

    def flaky(thread: str, text: str, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(thread, text, **kwargs)

    monkeypatch.setattr(coach, "send", flaky)
    out, _ = run_repl(coach, ["hello", "I'm a data analyst"])
    assert "Something went wrong in that turn" in out
    assert "Noted: role Data analyst" in out


@pytest.mark.skipif(sys.platform != "linux", reason="pty")
def test_real_terminal_program(home: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    exe = Path(sys.executable).with_name("coach")
    env = {**os.environ, "COACH_HOME": str(home), "COACH_MODEL": "fake", "TERM": "dumb", "COLUMNS": "120"}
    child = pexpect.spawn(
        str(exe),
        ["chat", "--new"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 120),
        use_poll=True,
    )
    child.expect("you> ")
    child.sendline("I'm a backend engineer with Python 4")
    child.expect("hours a week")
    child.expect("you> ")
    child.sendline("/quit")
    child.expect("Bye")
    child.expect(pexpect.EOF)


def test_answers_stream_token_by_token(coach: Coach, model) -> None:
    pieces: list[str] = []
    thread = coach.new_thread_id()
    turn = coach.send(
        thread, "How long does the statistics phase take for data scientists?", on_token=pieces.append
    )
    assert len(pieces) > 3 and "".join(pieces) == model.default
    assert turn.messages[-1].startswith(model.default) and "Sources:" in turn.messages[-1]
    out, _ = run_repl(coach, ["How long does the statistics phase take for data scientists?"], thread=thread)
    assert out.count(model.default) == 1, "streamed once, not printed again"
    assert "Sources:" in out
