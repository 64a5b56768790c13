"""CLI conventions on the real `coach` command: -h and --version everywhere, --json on every
command that lists or reports, whole lines and tables in a pipe, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import cmd, command_paths, one_line, run

from agent.interfaces.cli import app as cli

LONG_INDUSTRY = "renewable energy infrastructure and utilities"
LONG_SKILL = "Distributed systems observability engineering"


def test_every_command_has_short_help_and_version(monkeypatch, capsys) -> None:
    paths = command_paths()
    expected = {
        ("profile", "set"),
        ("profile", "import"),
        ("profile", "clear"),
        ("plans", "show"),
        ("kb", "list"),
    }
    assert expected <= {tuple(p) for p in paths}
    for path in paths:
        code, out, err = run(monkeypatch, capsys, *path, "-h")
        assert code == 0 and "Usage:" in out and "--version" in out, (path, out, err)
        code, out, err = run(monkeypatch, capsys, *path, "--version")
        assert code == 0 and out.strip() == f"coach {cli.coach_version()}", (path, out, err)


def test_version_and_help_as_a_real_command() -> None:
    done = cmd("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"coach {cli.coach_version()}"
    assert cli.coach_version() != "unknown"
    done = cmd("plan", "--version")  # before the required --profile is checked
    assert done.returncode == 0 and done.stdout.startswith("coach ")
    done = cmd("profile", "set", "-h")
    assert done.returncode == 0 and "FIELD" in done.stdout and "hours_per_week" in done.stdout


def test_json_on_every_command_that_lists_or_reports() -> None:
    listing = [
        ["plans"],
        ["plans", "show"],
        ["profile"],
        ["sessions"],
        ["kb", "list"],
        ["kb", "rebuild"],
        ["ingest"],
        ["search"],
        ["gaps"],
        ["plan"],
        ["replay"],
        ["postings", "list"],
        ["explain"],
    ]
    # Every evaluation reports figures: whatever is under `coach eval`, now or later.
    listing += [p for p in command_paths() if p[:1] == ["eval"] and len(p) == 2]
    assert ["eval", "plans"] in listing and ["eval", "retrieval"] in listing
    tree = {tuple(p): p for p in command_paths()}
    root = cli.command()
    for path in listing:
        assert tuple(path) in tree, path
        cmd = root
        for name in path:
            cmd = cmd.commands[name]
        assert any("--json" in getattr(p, "opts", ()) for p in cmd.params), path


def _long_profile(tmp_path: Path) -> Path:
    f = tmp_path / "long.yaml"
    f.write_text(
        "current_role: Senior platform reliability engineer\n"
        f"industry: {LONG_INDUSTRY}\n"
        "hours_per_week: 8\n"
        f"plan_a: {{position: GenAI engineer, industry: {LONG_INDUSTRY}}}\n"
        f"plan_b: {{position: Streaming data engineer, industry: {LONG_INDUSTRY}}}\n"
        f"skills: {{Python: 4, SQL: 3, '{LONG_SKILL}': 3}}\n"
    )
    return f


def _tables_whole(text: str) -> None:
    """Every Markdown table row has as many cells as its header: no row wrapped over lines."""
    cells = None
    for row in text.splitlines():
        if row.startswith("|"):
            n = row.count("|") - row.count("\\|")
            cells = cells or n
            assert n == cells and "…" not in row, f"row cut or wrapped: {row!r}"
        else:
            cells = None


def test_piped_output_keeps_long_names_whole(home: Path, tmp_path: Path) -> None:
    f = _long_profile(tmp_path)
    gaps = cmd("gaps", "--profile", str(f))
    assert gaps.returncode == 0, gaps.stderr
    assert "Streaming data engineer" in gaps.stdout and LONG_INDUSTRY in gaps.stdout
    _tables_whole(gaps.stdout)
    assert any(len(row) > 100 for row in gaps.stdout.splitlines()), "tables take the width they need"

    done = cmd("plan", "--profile", str(f), "--approve")
    assert done.returncode == 0, done.stderr
    assert "Plan saved as version 1" in done.stdout
    _tables_whole(done.stdout)

    plans = cmd("plans")
    assert f"GenAI engineer in {LONG_INDUSTRY}" in plans.stdout
    assert f"Streaming data engineer in {LONG_INDUSTRY}" in plans.stdout
    _tables_whole(plans.stdout)
    listed = json.loads(cmd("plans", "--json").stdout)
    assert [p["version"] for p in listed] == [1]
    assert listed[0]["plan_b"] == {"position": "Streaming data engineer", "industry": LONG_INDUSTRY}

    sessions = cmd("sessions")
    assert "| session | user | interface |" in sessions.stdout
    _tables_whole(sessions.stdout)


def test_exit_codes(home: Path, tmp_path: Path, profile_file: Path) -> None:
    assert cmd("gaps", "--profile", str(profile_file)).returncode == 0
    missing = cmd("plan", "--profile", str(tmp_path / "nope.yaml"), "--approve")
    assert missing.returncode == 2
    assert one_line(missing.stderr).startswith("Error: No profile file at")
    assert missing.stdout == ""
    debug = cmd("--debug", "plan", "--profile", str(tmp_path / "nope.yaml"), "--approve")
    assert debug.returncode == 2 and "Traceback" in debug.stderr and "InputError" in debug.stderr
    usage = cmd("plans", "--frobnicate")
    assert usage.returncode == 2 and "No such option" in usage.stderr and "Traceback" not in usage.stderr
    # Something the coach did not expect (a data file that is not a database): 1, one line.
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "coach.sqlite").write_bytes(b"this is not a database" * 100)
    crash = cmd("plans", env={"COACH_HOME": str(broken)})
    assert crash.returncode == 1
    assert "unexpected" in one_line(crash.stderr) and "--debug" in crash.stderr
