"""CLI and REPL details an independent tester tripped over (issue 11 #10): unknown names
exit non-zero naming what is known, and nothing is narrowed or kept without a word."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run
from conftest import CONVERSATION
from test_repl import run_repl

from agent.runtime.session import Coach


def test_explain_an_unknown_skill_exits_2_naming_the_plans_skills(
    monkeypatch, capsys, home: Path, profile_file: Path
) -> None:
    code, out, err = run(monkeypatch, capsys, "explain", "--profile", str(profile_file), "ragg")
    assert code == 2, (out, err)
    assert "No skill called 'ragg'" in err and "Nearest: Retrieval-augmented generation (RAG)" in err, err
    assert "The plan's skills:" in err and "Agentic workflows" in err
    # A catalog alias of one of the plan's skills is that skill.
    code, out, err = run(
        monkeypatch, capsys, "explain", "--profile", str(profile_file), "rag", "--user", "ana"
    )
    assert code == 0, err
    assert out.count("Retrieval-augmented generation (RAG) (") == 1 and "Scheduled" in out


def test_profile_set_a_target_without_industry_says_which_it_kept(
    monkeypatch, capsys, home: Path, profile_file: Path
) -> None:
    assert run(monkeypatch, capsys, "profile", "import", str(profile_file))[0] == 0
    code, out, err = run(monkeypatch, capsys, "profile", "set", "plan_b", "Data engineer")
    assert code == 0, err
    assert "plan_b keeps its industry, fintech" in out and "'Data engineer in INDUSTRY'" in out
    code, out, _ = run(monkeypatch, capsys, "profile", "set", "plan_b", "Data engineer in insurance")
    assert code == 0 and "keeps its industry" not in out and "Data engineer in insurance" in out


def test_search_role_says_the_role_it_used_or_refuses(monkeypatch, capsys, home: Path) -> None:
    code, _out, err = run(
        monkeypatch, capsys, "search", "feature pipelines", "--role", "datascientist", "--k", "1"
    )
    assert code == 0, err
    assert "--role 'datascientist': using Data scientist, the nearest catalog role." in err
    code, _out, err = run(
        monkeypatch, capsys, "search", "feature pipelines", "--role", "MLOps engineer", "--k", "1"
    )
    assert code == 0 and "nearest" not in err
    code, _out, err = run(monkeypatch, capsys, "search", "feature pipelines", "--role", "astronaut")
    assert code == 2 and "I don't know the role 'astronaut'" in err and "GenAI engineer" in err


def test_repl_profile_is_readable_not_json(coach: Coach) -> None:
    out, _ = run_repl(coach, [*CONVERSATION[:3], "/profile", "/quit"])
    assert "current_role: Backend engineer" in out and "hours_per_week: 8" in out
    assert '"current_role"' not in out and "{" not in out.split("current_role")[1][:200]


def test_explain_takes_a_part_of_exactly_one_skill_name(
    monkeypatch, capsys, home: Path, profile_file: Path
) -> None:
    code, out, err = run(monkeypatch, capsys, "explain", "--profile", str(profile_file), "scalable sys")
    assert code == 0, err
    assert out.count("Designing scalable systems (") == 1
