"""Hostile text through the real `coach` command: markup, control characters and odd
file names in messages, user ids, file paths and bundles are printed as text, and
every command keeps working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COACH = str(Path(sys.executable).with_name("coach"))
MD = "# Kafka Roadmap\n\n## Phase 1: Streams (2 months)\n\nLearn Kafka topics, partitions and consumer groups.\n"


def coach(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`coach ARGS` in this test's COACH_HOME (from the environment), piped, fake model."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    return subprocess.run(
        [COACH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env=env | {"COACH_MODEL": "fake"},
        timeout=300,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert "Error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def sessions() -> list[dict[str, object]]:
    return json.loads(ok(coach("sessions", "--json", "--all-users")))


def test_markup_and_escapes_in_messages_and_user_ids(home: Path) -> None:
    ok(
        coach(
            "chat", "--new", "--user", "[/x]", stdin="I'm a backend engineer [/red] with Python 4 \x1b[2J\n"
        )
    )
    (row,) = sessions()
    assert row["user_id"] == "[/x]"
    listing = ok(coach("sessions", "--user", "[/x]"))
    assert "[/x]" in listing
    timeline = ok(coach("replay", str(row["thread_id"])))
    assert "[/red]" in timeline, "the message is shown as typed"
    assert "\x1b" not in timeline, "a terminal escape in a message is shown, not sent to the terminal"


def test_markup_in_file_paths_for_ingest_kb_and_search(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notes[" / "oops]"  # a path holding "[/oops]"
    folder.mkdir(parents=True)
    (folder / "kafka.md").write_text(MD)
    bad = os.fsdecode(os.path.join(os.fsencode(folder), b"road\xffmap.md"))
    Path(bad).write_text(MD)
    out = ok(coach("ingest", str(folder)))
    assert "1 added" in out and "road\\xffmap.md" in out and "not valid UTF-8" in out
    listing = ok(coach("kb", "list"))
    assert "[/oops]/kafka.md" in listing
    found = ok(coach("search", "Kafka consumer groups", "--k", "1"))
    assert "[/oops]/kafka.md" in found
    removed = ok(coach("kb", "remove", "kafka.md"))
    assert "Removed" in removed and "[/oops]" in removed
    assert "[/oops]" not in ok(coach("kb", "list"))


def _bundle(thread: str, user: str) -> dict[str, object]:
    turn = {
        "seq": 1,
        "kind": "message",
        "payload": "I'm a backend engineer in fintech with Python 4",
        "capable": False,
        "trace_id": None,
        "started": "2026-01-01T00:00:00.000+00:00",
        "outcome": {"route": "intake", "replies": 1},  # what the coach does with it: no divergence
        "calls": [],
    }
    return {"version": 1, "thread": thread, "user": user, "model": "fake", "redacted": False, "turns": [turn]}


def test_bundles_through_the_real_command(home: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_bundle("[/x]", "../../../etc/passwd")))
    imported = ok(coach("replay", "--import", str(good)))
    assert "import-x-" in imported
    (row,) = sessions()
    assert row["user_id"] == "local" and str(row["thread_id"]).startswith("import-x-")
    ok(coach("sessions"))
    before = sessions()
    fifo = tmp_path / "bundle.fifo"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    for path, why in ((Path("/dev/zero"), "character device"), (fifo, "FIFO"), (deep, "nests too deeply")):
        done = coach("replay", "--import", str(path))
        assert done.returncode == 2 and why in done.stderr and len(done.stderr.strip().splitlines()) == 1, (
            done
        )
    assert sessions() == before, "a refused bundle changes nothing"


def test_markup_in_an_error_is_printed_as_written(tmp_path: Path) -> None:
    text = "[/red] [bold]x [link=x]y[/link]"
    done = coach("gaps", "--profile", str(tmp_path / f"{text}.yaml"))
    assert done.returncode == 2 and text in done.stderr and "unexpected" not in done.stderr
