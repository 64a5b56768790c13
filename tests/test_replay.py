"""Replay: timeline, deterministic re-run, divergence at the right step, forks, bundles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CONVERSATION, converse

import tools.learning_time as learning_time
from agent.llm.models import ScriptedChatModel
from agent.replay import runner as replay
from agent.runtime.session import Coach, Settings
from agent.storage.plans import list_plans


@pytest.fixture
def recorded(coach: Coach) -> str:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    coach.send(thread, "How long does the statistics phase take for data scientists?")
    return thread


def test_timeline_shows_steps_calls_interrupts_and_inputs(coach: Coach, recorded: str) -> None:
    steps = replay.timeline(coach, recorded)
    nodes = [n for e in steps for n in e["nodes"]]
    assert {"route", "intake", "retrieve", "analyze_gaps", "draft_plan", "review", "commit", "answer"} <= set(
        nodes
    )
    gaps = next(e for e in steps if e["nodes"] == ["analyze_gaps"])
    assert [c["name"] for c in gaps["calls"]] == ["skill_gap_report", "skill_gap_report"]
    assert "reports" in gaps["changes"]
    assert any(e["interrupts"] for e in steps)
    kinds = [e["input"]["kind"] for e in steps if "input" in e]
    assert kinds.count("message") == len(CONVERSATION) + 1 and kinds.count("resume") == 1
    model_calls = [c for e in steps for c in e["calls"] if c["kind"] == "model"]
    assert model_calls and all(c["latency_ms"] is not None and c["input_hash"] for c in model_calls)
    state = replay.state_at(coach, recorded, gaps["step"])
    assert state["reports"]["a"]["role_id"] == "genai_engineer"


def test_rerun_is_identical_and_never_saves(coach: Coach, recorded: str) -> None:
    result = replay.rerun(coach, recorded)
    assert result["turns"] == len(CONVERSATION) + 2
    assert result["divergences"] == []
    assert [p.version for p in list_plans(coach.persistence.store, "local")] == [1], (
        "no plan saved by the replay"
    )


def test_changed_constant_diverges_at_the_gap_step(coach: Coach, recorded: str, monkeypatch) -> None:
    gap_step = next(e["step"] for e in replay.timeline(coach, recorded) if e["nodes"] == ["analyze_gaps"])
    monkeypatch.setattr(learning_time, "STEP_HOURS", (10.0, 35.0, 90.0, 130.0, 200.0))
    result = replay.rerun(coach, recorded)
    first_call = next(d for d in result["divergences"] if d["step"] is not None)
    assert first_call["step"] == gap_step and first_call["node"] == "analyze_gaps"
    assert first_call["what"] == "skill_gap_report result"
    assert first_call["recorded"]["total_hours"] != first_call["now"]["total_hours"]


def test_rerun_from_a_step(coach: Coach, recorded: str) -> None:
    retrieve_step = next(e["step"] for e in replay.timeline(coach, recorded) if e["nodes"] == ["retrieve"])
    result = replay.rerun(coach, recorded, from_step=retrieve_step - 1)
    assert result["divergences"] == [] and result["turns"] >= 1


def test_fork_changes_state_and_leaves_the_original(coach: Coach, recorded: str) -> None:
    before_gap = next(e["step"] for e in replay.timeline(coach, recorded) if e["nodes"] == ["retrieve"])
    result = replay.fork(coach, recorded, before_gap, {"profile.hours_per_week": "20"})
    assert result["totals"]["a"]["hours_per_week"] == 20.0
    assert result["totals"]["a"]["total_weeks"] < 117
    assert coach.values(recorded)["profile"]["hours_per_week"] == 8.0


def test_exported_bundle_replays_in_a_fresh_data_directory(
    coach: Coach, recorded: str, tmp_path: Path, built_index
) -> None:
    import shutil

    bundle = tmp_path / "bug.json"
    coach.send(recorded, "I'm reachable at ana@example.com, what about the statistics phase?")
    replay.export_bundle(coach, recorded, bundle, redact=True)
    text = bundle.read_text()
    assert "ana@example.com" not in text and "[email]" in text
    fresh_home = tmp_path / "elsewhere"
    fresh_home.mkdir()
    shutil.copytree(built_index, fresh_home / "index")
    elsewhere = Coach(Settings(home=fresh_home, model="fake"), interface="test")
    result = replay.import_bundle(elsewhere, bundle)
    # Retrieval sees "[email]" where the person wrote an address: it may find other
    # passages at that turn, and only there.
    redacted = {t["seq"] for t in json.loads(text)["turns"] if "[email]" in json.dumps(t["payload"])}
    assert all(d["turn"] in redacted for d in result["divergences"]), result["divergences"]
    assert replay.timeline(elsewhere, result["thread"])
    whole = tmp_path / "whole.json"
    replay.export_bundle(coach, recorded, whole)
    assert replay.import_bundle(elsewhere, whole)["divergences"] == []
    assert list_plans(elsewhere.persistence.store, json.loads(text)["user"]) == []


def test_replay_never_posts_to_slack(home, model) -> None:
    from slack_sdk import WebClient
    from test_slack import CONVERSATION as SLACK_LINES
    from test_slack import click, mention, signed

    from agent.interfaces.slack.app import build_app, coach_ids
    from evals.slack_mock import MockSlack

    with MockSlack() as mock:
        coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="slack")
        app = build_app(
            coach, signing_secret="test-signing-secret", client=WebClient(token="x", base_url=mock.url)
        )
        for i, line in enumerate(SLACK_LINES, start=1):
            app.dispatch(signed(mention(line), "application/json"))
            mock.wait(lambda i=i: len(mock.of("chat.update")) >= i)
        thread, _ = coach_ids("T1", "C1", "100.1", "U1")
        mock.wait(lambda: coach.pending_review(thread) is not None)
        value = {"thread": thread, "draft": coach.pending_review(thread).draft_id}
        app.dispatch(signed(click("approve", value), "application/x-www-form-urlencoded"))
        mock.wait(lambda: any("Approved" in c.args.get("text", "") for c in mock.of("chat.update")))
        posted = len(mock.calls)
        result = replay.rerun(coach, thread)
        assert result["divergences"] == []
        assert len(mock.calls) == posted, "a replay sends nothing to Slack"


def test_purge_removes_old_sessions_but_keeps_plans(coach: Coach, recorded: str) -> None:
    assert replay.purge(coach, 1.0) == []
    gone = replay.purge(coach, -1.0)
    assert gone == [recorded]
    assert coach.persistence.sessions.list() == [] and coach.persistence.recordings.turns(recorded) == []
    assert list_plans(coach.persistence.store, "local"), "saved plans are the person's own record"


def test_cli_replay_and_sessions(monkeypatch, capsys, coach: Coach, recorded: str) -> None:
    from test_cli import run

    code, out, _ = run(monkeypatch, capsys, "sessions")
    # The sessions table: this session, its user and interface, and one committed plan (last column).
    assert code == 0 and re.search(rf"^\| {recorded} \| local \| test \|.*\| 1 \|$", out, re.M), out
    code, out, _ = run(monkeypatch, capsys, "replay", recorded)
    assert code == 0 and "analyze_gaps" in out and "skill_gap_report" in out
    code, out, _ = run(monkeypatch, capsys, "replay", recorded, "--rerun")
    assert code == 0 and "No divergence" in out
    code, out, _ = run(monkeypatch, capsys, "replay", recorded, "--json")
    assert json.loads(out)[0]["step"] is not None
    code, _, err = run(monkeypatch, capsys, "replay", "no-such-thread")
    assert code == 2 and "No session no-such-thread" in err
    code, _, err = run(monkeypatch, capsys, "sessions", "--purge-older-than", "soon")
    assert code == 2 and "30d" in err


def test_scripted_model_records_tool_call_outputs(home) -> None:
    model = ScriptedChatModel(
        replies=[{"tool": "Extraction", "args": {"intent": "question"}}], structured=True
    )
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    thread = coach.new_thread_id()
    coach.send(thread, "statistics phase duration?")
    calls = coach.persistence.recordings.turns(thread)[0].calls
    assert calls[0].kind == "model" and calls[0].output == {
        "tool": "Extraction",
        "args": {"intent": "question"},
    }
    assert replay.rerun(coach, thread)["divergences"] == []
