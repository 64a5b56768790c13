"""Through the installed `coach` command, piped as a script would run it: lines printed
whole (never wrapped at 80 columns), plain help, consistent exit codes for what did
nothing, and `coach sessions` scoped to one user like every other command."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import cmd


def test_a_long_line_is_printed_whole_in_a_pipe(home: Path, profile_file: Path) -> None:
    done = cmd("plan", "--profile", str(profile_file))
    assert done.returncode == 0, done.stderr
    waiting = [ln for ln in done.stderr.splitlines() if "No terminal to ask for approval" in ln]
    assert len(waiting) == 1 and "Pass --approve or --reject, or answer it with" in waiting[0], done.stderr
    assert len(waiting[0]) > 80


def test_help_in_a_pipe_is_plain_text_with_whole_lines() -> None:
    for args in (["--help"], ["replay", "--help"], ["plan", "-h"]):
        done = cmd(*args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Usage: coach"), done.stdout[:200]
        assert not any(c in done.stdout for c in "╭│╰─"), "no boxes in a pipe"
    replay_help = cmd("replay", "--help").stdout
    (rerun,) = [ln for ln in replay_help.splitlines() if ln.strip().startswith("--rerun")]
    assert rerun.rstrip().endswith("report divergences."), "the option's help on its one line"
    listing = cmd("--help").stdout
    assert any(len(ln) > 80 for ln in listing.splitlines()), "lines are not cut at 80 columns"


def test_ingest_that_ingests_nothing_exits_2_with_each_reason(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_text("not a roadmap")
    empty = tmp_path / "empty.md"
    empty.write_text("")
    done = cmd("ingest", str(bad), str(empty))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"skipped {bad}: unsupported type '.docx'" in done.stderr
    assert f"skipped {empty}:" in done.stderr
    assert "Error: Nothing was ingested: 2 files skipped" in done.stderr
    as_json = cmd("ingest", str(bad), "--json")
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["skipped"][0]["source"] == str(bad)

    good = tmp_path / "rust.md"
    good.write_text(
        "# Rust roadmap\n\n## Phase 1: Basics (2 months)\n\n"
        "Learn ownership, borrowing and lifetimes. Build a command line tool with clap and serde.\n"
    )
    done = cmd("ingest", str(good), str(bad))
    assert done.returncode == 0 and "1 added" in done.stdout, done.stdout + done.stderr


def test_search_refuses_an_unknown_source_naming_the_sources(home: Path) -> None:
    done = cmd("search", "kafka consumer groups", "--source", "nothere.md")
    assert done.returncode == 2, done.stdout + done.stderr
    (message,) = done.stderr.strip().splitlines()
    assert "no source matches 'nothere.md'" in message and "bundled/genai_engineer.md" in message
    done = cmd("search", "retrieval", "--source", "genai_engineer.md", "--k", "1")
    assert done.returncode == 0 and "bundled/genai_engineer.md" in done.stdout


def test_postings_list_for_another_role_names_the_roles_there_are(home: Path, tmp_path: Path) -> None:
    posting = tmp_path / "acme.md"
    posting.write_text("ML Engineer at Acme\n\nWe need Python, PyTorch, Kubernetes and MLflow.\n")
    assert cmd("postings", "add", str(posting), "--role", "ML engineer").returncode == 0
    done = cmd("postings", "list", "--role", "devrel engineer")
    assert done.returncode == 0
    assert "No postings for 'devrel engineer'; you have postings for: ML engineer." in done.stdout


def test_sessions_lists_the_current_users_unless_all_users(home: Path) -> None:
    assert cmd("chat", "--new", stdin="hi\n").returncode == 0
    assert cmd("chat", "--new", "--user", "bob", stdin="hi\n").returncode == 0
    mine = json.loads(cmd("sessions", "--json").stdout)
    assert [r["user_id"] for r in mine] == ["local"]
    assert [r["user_id"] for r in json.loads(cmd("sessions", "--json", "--user", "bob").stdout)] == ["bob"]
    everyone = json.loads(cmd("sessions", "--json", "--all-users").stdout)
    assert sorted(r["user_id"] for r in everyone) == ["bob", "local"]
    none = cmd("sessions", "--user", "carol")
    assert none.returncode == 0 and "No sessions for carol yet" in none.stdout
    both = cmd("sessions", "--user", "bob", "--all-users")
    assert both.returncode == 2 and "not both" in both.stderr
