"""Every CLI entry point: one clear line on bad input, no traceback, no lost state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROFILE_YAML, converse

from agent.interfaces.cli import app as cli


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["coach", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_commands(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "--help")
    assert code == 0
    for name in ("chat", "plan", "gaps", "plans", "search"):
        assert name in out


def test_unknown_command(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, "frobnicate")
    assert code == 2 and "No such command" in err + out and "Traceback" not in err


def test_plan_one_shot_approve_then_plans(monkeypatch, capsys, home, profile_file: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "plan", "--profile", str(profile_file), "--approve")
    assert code == 0 and "Plan saved as version 1" in out and "Why Plan A" in out
    code, out, _ = run(monkeypatch, capsys, "plans")
    assert "v1" in out and "GenAI engineer" in out
    code, out, _ = run(monkeypatch, capsys, "plans", "show", "1")
    assert "Career plan" in out
    code, _, err = run(monkeypatch, capsys, "plans", "show", "7")
    assert code == 2 and "no plan version 7" in err


def test_plan_json_and_reject(monkeypatch, capsys, home, profile_file: Path) -> None:
    code, out, err = run(monkeypatch, capsys, "plan", "--profile", str(profile_file), "--json", "--reject")
    assert code == 0
    data = json.loads(out)
    assert data["a"]["report"]["target"]["position"] == "GenAI engineer"
    assert "nothing was saved" in err
    _, out, _ = run(monkeypatch, capsys, "plans")
    assert "No saved plans" in out


def test_gaps_json_fields(monkeypatch, capsys, profile_file: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "gaps", "--profile", str(profile_file), "--json")
    plans = json.loads(out)
    assert code == 0 and len(plans) == 2
    for p in plans:
        assert {"target", "skills", "total_hours", "total_weeks", "horizon_weeks", "attainable"} <= set(p)
        assert {"name", "kind", "priority", "current", "target", "gap", "hours", "finish_week"} <= set(
            p["skills"][0]
        )
        if not p["attainable"]:
            assert p["trim"] and p["hours_per_week_needed"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("current_role: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("current_role: X\nfavourite_colour: blue\n", "unknown keys: favourite_colour"),
        (
            "current_role: Dev\nhours_per_week: -3\nplan_a: {position: ML engineer, industry: tech}\n"
            "plan_b: {position: Data engineer, industry: tech}\n",
            "hours_per_week",
        ),
        (
            "current_role: Dev\nhours_per_week: 5\nplan_a: {position: ML engineer, industry: tech}\n"
            "plan_b: {position: Data engineer, industry: tech}\nskills: {Python: 7}\n",
            "skills.Python",
        ),
        (
            "current_role: Dev\nhours_per_week: 5\nplan_a: {position: X, industry: space}\n"
            "plan_b: {position: Data engineer, industry: tech}\n",
            "plan_a.position",
        ),
    ],
)
def test_bad_profile_files(monkeypatch, capsys, tmp_path: Path, content: str, expected: str) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(content)
    code, _, err = run(monkeypatch, capsys, "gaps", "--profile", str(f))
    assert code == 2
    assert expected in " ".join(err.split())
    assert "Traceback" not in err


def test_missing_profile_file(monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run(monkeypatch, capsys, "plan", "--profile", str(tmp_path / "nope.yaml"), "--approve")
    assert code == 2 and "No profile file" in err


def test_bad_model_setting_is_one_line(monkeypatch, capsys, home, profile_file: Path) -> None:
    monkeypatch.setenv("COACH_MODEL", "openai:gpt-4o-mini")
    code, _, err = run(monkeypatch, capsys, "plan", "--profile", str(profile_file), "--approve")
    assert code == 2 and "OPENAI_API_KEY" in err and "Traceback" not in err
    monkeypatch.setenv("COACH_MODEL", "banana")
    code, _, err = run(monkeypatch, capsys, "plan", "--profile", str(profile_file), "--approve")
    assert code == 2 and "not a valid choice" in err


def test_debug_shows_traceback(monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run(monkeypatch, capsys, "--debug", "gaps", "--profile", str(tmp_path / "nope.yaml"))
    assert code == 2 and "Traceback" in err


def test_unreachable_server_is_one_line(monkeypatch, capsys, home, profile_file: Path) -> None:
    monkeypatch.setenv("COACH_MODEL", "openai:some-model")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens on port 9
    code, _, err = run(monkeypatch, capsys, "plan", "--profile", str(profile_file), "--approve")
    assert code == 2
    assert "Could not reach http://127.0.0.1:9/v1" in " ".join(err.split())
    assert "sk-test-not-real" not in err and "Traceback" not in err


def test_explain_every_figure_and_one_skill(monkeypatch, capsys, profile_file: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "explain", "--profile", str(profile_file))
    text = " ".join(out.split())
    assert code == 0 and "Hours per level step" in text and "Best trim" in text and "Weeks: ceil(" in text
    code, out, _ = run(monkeypatch, capsys, "explain", "--profile", str(profile_file), "rag", "--plan", "a")
    assert "Retrieval-augmented generation" in out and "Total:" not in out
    code, out, _ = run(monkeypatch, capsys, "explain", "--profile", str(profile_file), "rag", "--json")
    data = json.loads(out)
    assert code == 0 and data["plan"] == "a" and data["target"]["position"] == "GenAI engineer"
    assert any("Retrieval-augmented generation" in text for text in data["lines"])
    code, _, err = run(monkeypatch, capsys, "explain", "--profile", str(profile_file), "--plan", "c")
    assert code == 2 and "--plan takes a or b" in err


def test_bad_input_loses_no_saved_state(
    monkeypatch, capsys, home, profile_file: Path, tmp_path: Path
) -> None:
    run(monkeypatch, capsys, "plan", "--profile", str(profile_file), "--approve")
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills: [\n")
    assert run(monkeypatch, capsys, "plan", "--profile", str(bad), "--approve")[0] == 2
    assert run(monkeypatch, capsys, "nonsense")[0] == 2
    _, out, _ = run(monkeypatch, capsys, "plans")
    assert "v1" in out


def test_slack_without_tokens_is_one_line(monkeypatch, capsys) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(monkeypatch, capsys, "slack")
    assert (
        code == 2
        and "Socket Mode needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN"
        in " ".join(err.split())
    )
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    code, _, err = run(monkeypatch, capsys, "slack", "--http")
    assert code == 2 and "HTTP mode needs SLACK_SIGNING_SECRET" in " ".join(err.split())


def test_brackets_in_error_messages_are_printed_as_written(monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run(monkeypatch, capsys, "gaps", "--profile", str(tmp_path / "[draft] profile.yaml"))
    assert code == 2 and "[draft] profile.yaml" in " ".join(err.split())


# ---- the real `coach` command as a subprocess: conventions, pipes, exit codes ----------------

COACH = str(Path(sys.executable).with_name("coach"))
LONG_INDUSTRY = "renewable energy infrastructure and utilities"
LONG_SKILL = "Distributed systems observability engineering"


def cmd(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`coach ARGS` with stdin and stdout piped (never a terminal), in this test's COACH_HOME."""
    environ = {
        k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE")
    }
    return subprocess.run(
        [COACH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**environ, **(env or {})},
        timeout=300,
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}:\n{text}"
    return lines[0]


def command_paths() -> list[list[str]]:
    """Every command and sub-command of the real command tree, as argv lists."""
    paths: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:
        paths.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(cli.command(), [])
    return paths


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


# ---- coach profile ------------------------------------------------------------------------


def profile_json(monkeypatch, capsys, *args: str):
    code, out, err = run(monkeypatch, capsys, "profile", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def test_profile_show_import_set(monkeypatch, capsys, home: Path, tmp_path: Path, profile_file: Path) -> None:
    assert one_line(cmd("profile").stdout).startswith("No saved profile for local yet")
    assert profile_json(monkeypatch, capsys) is None

    done = cmd("profile", "import", str(profile_file))
    assert done.returncode == 0 and "Saved the profile of local" in done.stdout
    saved = json.loads(cmd("profile", "--json").stdout)
    assert saved == {
        "current_role": "Backend engineer",
        "industry": "fintech",
        "hours_per_week": 8,
        "horizon_months": 12,
        "plan_a": {"position": "GenAI engineer", "industry": "fintech"},
        "plan_b": {"position": "MLOps engineer", "industry": "fintech"},
        "skills": {"Python": 4, "SQL": 3, "Docker": 2},
    }

    # The text form is a profile file: it imports back to the same profile.
    shown = cmd("profile").stdout
    assert shown.startswith("# Saved profile of local") and "current_role: Backend engineer" in shown
    again = tmp_path / "again.yaml"
    again.write_text(shown)
    assert run(monkeypatch, capsys, "profile", "import", str(again))[0] == 0
    assert profile_json(monkeypatch, capsys) == saved

    for field, value, (key, want) in [
        ("hours_per_week", "12", ("hours_per_week", 12)),
        (
            "plan_b",
            "Data engineer in insurance",
            ("plan_b", {"position": "Data engineer", "industry": "insurance"}),
        ),
        ("plan_a.industry", "banking", ("plan_a", {"position": "GenAI engineer", "industry": "banking"})),
        ("skills.Docker", "none", ("skills", {"Python": 4, "SQL": 3})),
        ("skills.Kubernetes", "2", ("skills", {"Python": 4, "SQL": 3, "Kubernetes": 2})),
        ("horizon_months", "18", ("horizon_months", 18)),
        ("skills", "Python 5, SQL: 4, rag 1", ("skills", {"Python": 5, "SQL": 4, "rag": 1})),
    ]:
        code, out, err = run(monkeypatch, capsys, "profile", "set", field, value)
        assert code == 0 and one_line(out).startswith(f"Saved {field} for local"), (field, out, err)
        assert profile_json(monkeypatch, capsys)[key] == want
    done = cmd("profile", "set", "industry", "insurance")
    assert done.returncode == 0 and "Backend engineer, 12 hours a week over 18 months" in done.stdout
    assert json.loads(cmd("profile", "--json").stdout)["industry"] == "insurance"


BAD_CHANGES = [
    ("hours_per_week", "-3", "hours_per_week"),
    ("hours_per_week", "lots", "hours_per_week"),
    ("horizon_months", "99", "horizon_months"),
    ("skills.Python", "9", "skills.Python"),
    ("skills", "Python", "skills"),
    ("plan_a", "x in space", "plan_a.position"),
    ("plan_b.industry", "y" * 90, "plan_b.industry"),
    ("current_role", "A" * 200, "current_role"),
    ("favourite_colour", "blue", "favourite_colour"),
    ("skills.Rust", "none", "skills.Rust"),
]


def test_profile_set_refuses_bad_values_and_changes_nothing(
    monkeypatch, capsys, home: Path, profile_file: Path
) -> None:
    assert run(monkeypatch, capsys, "profile", "import", str(profile_file))[0] == 0
    before = run(monkeypatch, capsys, "profile", "--json")[1]
    for field, value, named in BAD_CHANGES:
        code, out, err = run(monkeypatch, capsys, "profile", "set", field, value)
        assert code == 2 and out == "", (field, out, err)
        assert named in one_line(err) and len(one_line(err)) < 400, err
        assert run(monkeypatch, capsys, "profile", "--json")[1] == before
    # The same through the real command: one line on stderr, exit 2, nothing changed.
    done = cmd("profile", "set", "hours_per_week", "-3")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert one_line(done.stderr).startswith("Error: Refused hours_per_week = '-3'")
    assert "hours_per_week: Input should be greater than 0" in done.stderr
    assert cmd("profile", "--json").stdout == before


def test_profile_set_without_a_profile_and_import_validates_like_plan(
    monkeypatch, capsys, home: Path, tmp_path: Path
) -> None:
    code, _, err = run(monkeypatch, capsys, "profile", "set", "hours_per_week", "10")
    assert code == 2 and "No saved profile for local yet" in one_line(err)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "current_role: Dev\nhours_per_week: 5\nplan_a: {position: ML engineer, industry: tech}\n"
        "plan_b: {position: Data engineer, industry: tech}\nskills: {Python: 7}\n"
    )
    imported = cmd("profile", "import", str(bad))
    planned = cmd("plan", "--profile", str(bad), "--approve")
    assert imported.returncode == planned.returncode == 2
    assert one_line(imported.stderr) == one_line(planned.stderr)
    assert "skills.Python" in imported.stderr
    assert profile_json(monkeypatch, capsys) is None


def test_profile_clear_and_users_apart(monkeypatch, capsys, home: Path, profile_file: Path) -> None:
    assert run(monkeypatch, capsys, "profile", "import", str(profile_file), "--user", "ana")[0] == 0
    assert profile_json(monkeypatch, capsys, "--user", "bob") is None
    refused = cmd("profile", "clear", "--user", "ana")  # stdin is a pipe: no terminal to confirm on
    assert refused.returncode == 2 and "--yes" in one_line(refused.stderr)
    assert profile_json(monkeypatch, capsys, "--user", "ana")["current_role"] == "Backend engineer"
    code, out, _ = run(monkeypatch, capsys, "profile", "clear", "--yes", "--user", "ana")
    assert code == 0 and "Cleared the saved profile of ana" in out
    assert profile_json(monkeypatch, capsys, "--user", "ana") is None
    assert "nothing to clear" in run(monkeypatch, capsys, "profile", "clear", "-y", "--user", "ana")[1]


@pytest.mark.skipif(sys.platform != "linux", reason="pty")
def test_profile_clear_asks_on_a_terminal(monkeypatch, capsys, home: Path, profile_file: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    run(monkeypatch, capsys, "profile", "import", str(profile_file))
    env = {**os.environ, "TERM": "dumb"}
    for answer, kept in (("n", True), ("y", False)):
        child = pexpect.spawn(COACH, ["profile", "clear"], env=env, encoding="utf-8", timeout=120)
        child.expect(r"Clear the saved profile of local\? Saved plans are kept\. \[y/N\]")
        child.sendline(answer)
        child.expect("Nothing changed" if kept else "Cleared the saved profile of local")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        assert (profile_json(monkeypatch, capsys) is not None) is kept


def test_saved_profile_module_and_the_tools_agree(tmp_path: Path) -> None:
    from langgraph.store.memory import InMemoryStore

    from agent.coaching.profile_file import load_profile as load_file
    from agent.storage.profiles import clear_profile, load_profile, save_profile
    from tools.lc_tools import stored_profile

    store = InMemoryStore()
    f = tmp_path / "p.yaml"
    f.write_text(PROFILE_YAML)
    profile = load_file(f)
    assert load_profile(store, "ana") is None
    save_profile(store, "ana", profile)
    assert load_profile(store, "ana") == profile == stored_profile(store, "ana")
    assert load_profile(store, "bob") is None
    assert clear_profile(store, "ana") and not clear_profile(store, "ana")
    assert load_profile(store, "ana") is None


def test_profile_from_a_conversation_is_shown(coach) -> None:
    converse(coach, coach.new_thread_id())
    shown = json.loads(cmd("profile", "--json").stdout)
    assert shown["current_role"] == "Backend engineer"
    assert shown["plan_a"] == {"position": "GenAI engineer", "industry": "fintech"}


# ---- coach chat --profile -----------------------------------------------------------------


def test_chat_from_a_profile_file_drafts_at_once(home: Path, profile_file: Path) -> None:
    done = cmd("chat", "--profile", str(profile_file), stdin="a\n/quit\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Starting from your profile file" in out
    assert "Review: [a]pprove, [e]dit" in out
    assert out.index("Review: [a]pprove") < out.index("Plan saved as version 1")
    assert "Bye." in out and "Something went wrong" not in out
    assert [p["version"] for p in json.loads(cmd("plans", "--json").stdout)] == [1]
    assert json.loads(cmd("profile", "--json").stdout)["plan_a"]["position"] == "GenAI engineer"


def test_chat_profile_refusals(home: Path, tmp_path: Path, profile_file: Path) -> None:
    done = cmd("chat", "--profile", str(tmp_path / "nope.yaml"), stdin="/quit\n")
    assert done.returncode == 2 and one_line(done.stderr).startswith("Error: No profile file")
    done = cmd("chat", "--profile", str(profile_file), "--thread", "abc", stdin="/quit\n")
    assert done.returncode == 2 and "--profile or --thread" in one_line(done.stderr)
