"""Every CLI entry point: one clear line on bad input, no traceback, no lost state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run


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
