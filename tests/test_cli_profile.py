"""`coach profile` (show, set, import, clear) and `coach chat --profile`, on the real command."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from cli_helpers import COACH, cmd, one_line, run
from conftest import PROFILE_YAML, converse


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
        ("skills.kubernetes", "3", ("skills", {"Python": 4, "SQL": 3, "Kubernetes": 3})),
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
        child = pexpect.spawn(
            COACH, ["profile", "clear"], env=env, encoding="utf-8", timeout=120, use_poll=True
        )
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


def test_profile_file_mistakes_are_said_in_one_round(home: Path, tmp_path: Path, profile_file: Path) -> None:
    """A key given twice is refused (YAML would keep the last silently), list items are
    counted from 1, and unknown keys come with the other keys' problems."""
    twice = tmp_path / "twice.yaml"
    twice.write_text(profile_file.read_text("utf-8") + "hours_per_week: 9\n", "utf-8")
    done = cmd("plan", "--profile", str(twice))
    assert done.returncode == 2 and "gives 'hours_per_week' twice" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "current_role: Data analyst\nhours_per_week: -2\nfavourite: blue\n"
        "plan_a:\n  position: AI product manager\n  industry: agritech\n  skills:\n"
        "    - {name: Roadmaps, kind: general, priority: 1, target: 3}\n"
        "    - {name: Pricing, kind: general, priority: 9, target: 3}\n"
        "plan_b: {position: Data engineer, industry: agritech}\nskills: {SQL: 7}\n",
        "utf-8",
    )
    done = cmd("plan", "--profile", str(bad))
    err = one_line(done.stderr)
    assert done.returncode == 2, err
    assert "unknown keys: favourite" in err and "hours_per_week: Input should be greater than 0" in err
    assert "plan_a.skills[2].priority" in err and "skills.SQL" in err, err
    assert cmd("profile", "--json").stdout.strip() == "null", "nothing saved"


def test_chat_greets_a_returning_person_with_their_targets(home: Path, profile_file: Path) -> None:
    """The first thing a returning person sees names who they are and where they are going
    (read before LangGraph loads), not a bare 'welcome back'."""
    assert cmd("profile", "import", str(profile_file)).returncode == 0
    done = cmd("chat", "--new", stdin="/quit\n")
    assert done.returncode == 0, done.stderr
    greeting = next(line for line in done.stdout.splitlines() if line.startswith("Welcome back"))
    assert "Backend engineer" in greeting and "GenAI engineer in fintech" in greeting, greeting
    assert "MLOps engineer in fintech" in greeting
