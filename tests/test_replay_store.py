"""Replays see what the original turns saw in the person's store (a check-in needs the
saved plan), bundles carry it, and `--fork --set` refuses what it cannot set, all
through the installed `coach` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_helpers import cmd

CHECKIN = "check in after 8 weeks: python 4, rag 2"


def _sessions(env: dict[str, str] | None = None) -> list[dict[str, object]]:
    done = cmd("sessions", "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _checkin_session(profile_file: Path) -> str:
    """An approved plan in one session, then a check-in in a new session; the check-in's id."""
    done = cmd("plan", "--profile", str(profile_file), "--approve")
    assert done.returncode == 0 and "Plan saved as version 1" in done.stdout, done.stderr
    before = {s["thread_id"] for s in _sessions()}
    done = cmd("chat", "--new", stdin=CHECKIN + "\n")
    assert done.returncode == 0 and "Check-in after 8 weeks" in done.stdout, done.stdout + done.stderr
    (thread,) = {s["thread_id"] for s in _sessions()} - before
    return str(thread)


def test_a_checkin_session_reruns_and_imports_without_divergence(
    home: Path, profile_file: Path, tmp_path: Path, built_index: Path
) -> None:
    thread = _checkin_session(profile_file)
    done = cmd("replay", thread, "--rerun")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No divergence" in done.stdout and "DIVERGES" not in done.stdout

    bundle = tmp_path / "bug.json"
    assert cmd("replay", thread, "--export", str(bundle)).returncode == 0
    carried = json.loads(bundle.read_text())["store"]
    assert [p["version"] for p in carried["plans"]] == [1] and carried["profile"]["hours_per_week"] == 8

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copytree(built_index, fresh / "index")
    env = {"COACH_HOME": str(fresh)}
    done = cmd("replay", "--import", str(bundle), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No divergence" in done.stdout
    # The bundle's plan and profile were read, never written into the importer's store.
    assert "No saved plans yet" in cmd("plans", env=env).stdout
    assert "No saved profile" in cmd("profile", env=env).stdout
    # The imported session re-runs there too, and exports with what its bundle carried.
    (imported,) = _sessions(env)
    done = cmd("replay", str(imported["thread_id"]), "--rerun", env=env)
    assert done.returncode == 0 and "No divergence" in done.stdout, done.stdout + done.stderr
    again = tmp_path / "again.json"
    assert cmd("replay", str(imported["thread_id"]), "--export", str(again), env=env).returncode == 0
    assert [p["version"] for p in json.loads(again.read_text())["store"]["plans"]] == [1]

    redacted = tmp_path / "redacted.json"
    assert cmd("replay", thread, "--export", str(redacted), "--redact").returncode == 0
    done = cmd("replay", "--import", str(redacted), env=env)
    assert done.returncode == 0 and "No divergence" in done.stdout, done.stdout + done.stderr


def test_an_import_that_diverges_says_so_and_exits_1(
    home: Path, profile_file: Path, tmp_path: Path, built_index: Path
) -> None:
    thread = _checkin_session(profile_file)
    bundle = tmp_path / "bug.json"
    assert cmd("replay", thread, "--export", str(bundle)).returncode == 0
    data = json.loads(bundle.read_text())
    data["store"]["plans"] = []  # a bundle without the plan its check-in used
    bundle.write_text(json.dumps(data))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copytree(built_index, fresh / "index")
    done = cmd("replay", "--import", str(bundle), env={"COACH_HOME": str(fresh)})
    assert done.returncode == 1 and "DIVERGES at turn 1" in done.stdout, done.stdout + done.stderr


def test_fork_set_refuses_bad_values_and_unknown_keys_in_one_line(home: Path, profile_file: Path) -> None:
    assert cmd("plan", "--profile", str(profile_file), "--reject").returncode == 0
    (session,) = _sessions()
    thread = str(session["thread_id"])
    done = cmd("replay", thread, "--fork", "--from", "1", "--set", "profile.hours_per_week=abc")
    assert done.returncode == 2, done.stderr
    (message,) = done.stderr.strip().splitlines()
    assert "profile.hours_per_week" in message and "a number of hours above 0" in message
    assert "pydantic" not in message and "ValidationError" not in message

    done = cmd("replay", thread, "--fork", "--from", "1", "--set", "hours=20")
    assert done.returncode == 2
    (message,) = done.stderr.strip().splitlines()
    assert "'hours'" in message and "profile.hours_per_week" in message and "profile.skills.NAME" in message

    done = cmd("replay", thread, "--fork", "--from", "1", "--set", "profile.skills.python=9")
    assert done.returncode == 2 and "a level from 0 to 5" in done.stderr

    done = cmd("replay", thread, "--fork", "--from", "1", "--set", "profile.hours_per_week=20", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["a"]["hours_per_week"] == 20.0


def test_a_checkin_counted_from_the_plans_date_reruns_the_same_weeks_later(coach, monkeypatch) -> None:
    """'Check-in after N weeks (from the date the plan was saved)': a re-run three weeks
    later still counts the weeks there were when the turn ran."""
    import importlib
    from datetime import UTC, datetime, timedelta

    import agent.replay.person as person
    from agent.replay import runner as replay

    plan_thread = coach.new_thread_id()
    from conftest import converse

    converse(coach, plan_thread)
    coach.resume(plan_thread, "approve")
    thread = coach.new_thread_id()
    turn = coach.send(thread, "quick update: python is now 5, rag 2, evaluation 2")
    assert "Check-in after 0 weeks (from the date the plan was saved)" in turn.messages[-1]

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime.now(tz or UTC) + timedelta(days=21)

    # The module, not the node function the package exports under the same name.
    monkeypatch.setattr(importlib.import_module("agent.graph.nodes.checkin"), "datetime", Later)
    monkeypatch.setattr(person, "datetime", Later)
    result = replay.rerun(coach, thread)
    assert result["divergences"] == [], result["divergences"]
    forked = replay.fork(coach, thread, 1, {"profile.hours_per_week": "8"})
    assert "after 0 weeks" in forked["changes"]["messages"], forked["changes"]["messages"]


def test_a_bundle_carries_the_postings_its_session_counted(
    home: Path, tmp_path: Path, built_index: Path
) -> None:
    """A plan for a position the catalog lacks takes its skills and priorities from the
    person's postings: imported elsewhere without them, the totals and the verdict changed."""
    postings = Path(__file__).parent.parent / "evals" / "data" / "postings" / "ai_product_manager.md"
    assert cmd("postings", "add", str(postings), "--role", "AI product manager").returncode == 0
    profile = tmp_path / "pm.yaml"
    profile.write_text(
        "current_role: Data analyst\nhours_per_week: 6\n"
        "plan_a: {position: AI product manager, industry: edtech}\n"
        "plan_b: {position: Data scientist, industry: edtech}\nskills: {SQL: 3, Python: 2}\n",
        "utf-8",
    )
    done = cmd("plan", "--profile", str(profile), "--approve")
    assert done.returncode == 0 and "postings" in done.stdout, done.stdout + done.stderr
    (session,) = _sessions()
    bundle = tmp_path / "pm.json"
    assert cmd("replay", str(session["thread_id"]), "--export", str(bundle), "--redact").returncode == 0
    carried = json.loads(bundle.read_text())["store"]["postings"]
    mine = json.loads(cmd("postings", "list", "--json").stdout)
    assert len(carried) == len(mine) > 1 and {p["position"] for p in carried} == {"AI product manager"}
    assert all("/" not in p["source"] for p in carried), "a redacted bundle names files, not folders"

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copytree(built_index, fresh / "index")
    env = {"COACH_HOME": str(fresh)}
    done = cmd("replay", "--import", str(bundle), env=env)
    assert done.returncode == 0 and "No divergence" in done.stdout, done.stdout + done.stderr
    assert "No postings" in cmd("postings", "list", env=env).stdout, "read, never written to the importer's"
