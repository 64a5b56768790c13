"""REPL commands that fail say so in one line, and the session goes on; `--profile` drafts at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import CONVERSATION, PROFILE_YAML
from test_repl import run_repl as scripted_repl

from agent.coaching.profile_file import load_profile
from agent.runtime.session import Coach
from agent.storage.plans import list_plans


def run_repl(coach: Coach, lines: list[str], **kwargs: Any) -> str:
    """What the REPL printed on scripted input, at 80 columns."""
    return scripted_repl(coach, lines, width=80, **kwargs)[0]


def lines_of(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip()]


def test_command_errors_are_one_line_and_the_session_goes_on(coach: Coach, tmp_path: Path) -> None:
    out = run_repl(
        coach,
        [
            "/plans 7",
            "/plans seven",
            f"/export {tmp_path / 'no-such-folder' / 'chat.md'}",
            "/resume not-a-session",
            "/approve",
            "/nonsense",
            "I'm a backend engineer with Python 4",
            f"/export {tmp_path / 'chat.md'}",
        ],
        new=True,
    )
    got = lines_of(out)
    assert "There is no plan version 7; saved versions: none yet." in got
    assert "Usage: /plans N, where N is a version number." in got
    assert any(
        line.startswith(f"Could not write {tmp_path / 'no-such-folder' / 'chat.md'}: No such file")
        for line in got
    )
    assert "No session not-a-session of yours; /sessions lists them." in got
    assert "No plan is waiting for review." in got
    assert "Unknown command /nonsense; /help lists the commands." in got
    assert "Something went wrong" not in out and "Traceback" not in out
    # ... and the session went on: the message after the errors was understood and exported.
    assert any(line.startswith("Noted: ") and "Python 4" in line for line in got)
    assert "Wrote 2 messages to" in out and (tmp_path / "chat.md").exists()


def test_resume_switches_only_to_your_own_sessions(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, CONVERSATION[1], user_id="bob")
    out = run_repl(coach, [f"/resume {thread}"], new=True)
    assert f"No session {thread} of yours; /sessions lists them." in lines_of(out)
    mine = coach.new_thread_id()
    coach.send(mine, CONVERSATION[1])
    out = run_repl(coach, [f"/resume {mine}"], new=True)
    assert f"resumed session {mine}" in out


def test_profile_start_drafts_at_once_and_tables_stay_whole(coach: Coach, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(PROFILE_YAML)
    out = run_repl(coach, ["a"], profile=load_profile(f))
    got = lines_of(out)
    assert "Starting from your profile file; drafting your plan now." in got
    assert any(line.startswith("Review: [a]pprove, [e]dit") for line in got)
    assert "Plan saved as version 1." in out
    # Not a terminal: Markdown as written, each table row on one line even at 80 columns.
    rows = [line for line in got if line.startswith("|")]
    assert rows and any(len(row) > 80 for row in rows)
    assert not any("…" in row for row in rows)
    assert "| Python engineering |" in out
    assert len(list_plans(coach.persistence.store, "local")) == 1
