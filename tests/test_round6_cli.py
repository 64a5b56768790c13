"""Round 6 tester findings on the command line (replay, chat, gaps, plan hints), each
checked through the installed `coach` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import cmd

ROADMAP = """\
# Instructional Designer Roadmap

Teachers already hold much of what instructional design needs. From a teaching background,
plan on 6-9 months at 6-8 hours a week.

## Phase 2: Authoring tools (2-3 months)

Articulate Storyline and Rise 360 are the most requested authoring tools; expect about 40 hours
to become productive in Storyline. Camtasia covers screen-recorded video.
"""
QUESTION = "how many hours to get productive in articulate storyline?"


def _sessions(env: dict[str, str], user: str = "local") -> list[dict[str, object]]:
    done = cmd("sessions", "--user", user, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def question_home(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> tuple[dict[str, str], str]:
    """A data directory with a roadmap ingested from a folder under a person's home and a
    chat session whose question retrieved from it (scored passages with decimals)."""
    root = tmp_path_factory.mktemp("r6cli")
    home = root / "home"
    home.mkdir()
    shutil.copytree(built_index, home / "index")
    docs = root / "home-of-tomas" / "mydocs"
    docs.mkdir(parents=True)
    (docs / "id_roadmap.md").write_text(ROADMAP)
    env = {"COACH_HOME": str(home), "COACH_MODEL": "local"}  # quoted answers: scored sentences
    done = cmd("ingest", str(docs / "id_roadmap.md"), env=env)
    assert done.returncode == 0, done.stderr
    done = cmd("chat", "--new", "--user", "tomas", stdin=QUESTION + "\n", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    (session,) = _sessions(env, "tomas")
    return env, str(session["thread_id"])


# ---- 2: --redact keeps numbers and cuts folder paths to the file name ----------------


def test_redacted_bundle_keeps_scores_and_dates_and_cuts_ingested_paths(
    question_home: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, thread = question_home
    plain, redacted = tmp_path / "plain.json", tmp_path / "redacted.json"
    assert cmd("replay", thread, "--export", str(plain), env=env).returncode == 0
    done = cmd("replay", thread, "--export", str(redacted), "--redact", env=env)
    assert done.returncode == 0, done.stderr
    text = redacted.read_text()
    assert "home-of-tomas" in plain.read_text()  # the path was there to redact
    assert "[phone]" not in text, "decimals of scores were taken for phone numbers"
    assert "home-of-tomas" not in text and "mydocs" not in text
    assert "id_roadmap.md" in text  # the file name stays: it says which document
    assert "score=0." in text and "tomas" not in text


def test_redaction_replaces_personal_data_but_no_numbers() -> None:
    from agent.replay.exporting import redact_text

    said = (
        "tomas here, call +1 555 123 4567 or (555) 123-4567, mail tomas@example.com; "
        "score=0.8123456789 on 2026-11-29, saved 2026-11-29T18:49:38+00:00, "
        "hash d175e8f573c1d4ba0a561e28e8bef1234567890da76, C:\\Users\\tomas\\cv.md, ~/docs/cv.md, "
        "I work locally; CI/CD and/or /plans 3"
    )
    got = redact_text(said, {"tomas": "user-1"})
    assert got == (
        "user-1 here, call [phone] or [phone], mail [email]; "
        "score=0.8123456789 on 2026-11-29, saved 2026-11-29T18:49:38+00:00, "
        "hash d175e8f573c1d4ba0a561e28e8bef1234567890da76, cv.md, cv.md, "
        "I work locally; CI/CD and/or /plans 3"
    )


# ---- 3, 4: `coach chat --thread` checks the session before announcing it -------------


def test_chat_refuses_someone_elses_session_before_announcing_it(
    question_home: tuple[dict[str, str], str],
) -> None:
    env, thread = question_home
    done = cmd("chat", "--user", "mallory", "--thread", thread, stdin="hello\n", env=env)
    assert done.returncode == 2
    assert "belongs to someone else" in done.stderr
    assert "resumed session" not in done.stdout, "announced before the ownership check"
    assert "Traceback" not in done.stderr


def test_chat_refuses_a_session_that_does_not_exist(question_home: tuple[dict[str, str], str]) -> None:
    env, _ = question_home
    done = cmd("chat", "--thread", "doesnotexist", stdin="/quit\n", env=env)
    assert done.returncode == 2
    assert "resumed session" not in done.stdout
    (message,) = done.stderr.strip().splitlines()
    assert "No session doesnotexist" in message and "`coach sessions`" in message
    done = cmd("chat", "--user", "nina", "--thread", "doesnotexist", stdin="/quit\n", env=env)
    assert done.returncode == 2 and "`coach sessions --user nina`" in done.stderr


# ---- 5: `coach replay --user` -----------------------------------------------------------


def test_replay_takes_user_as_every_command_does(
    question_home: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, thread = question_home
    done = cmd("replay", thread, "--user", "tomas", env=env)
    assert done.returncode == 0 and "step" in done.stdout, done.stderr
    done = cmd("replay", thread, "--user", "nina", env=env)
    assert done.returncode == 2
    (message,) = done.stderr.strip().splitlines()
    assert f"Session {thread} is not nina's" in message and "coach sessions --user nina" in message
    bundle = tmp_path / "bug.json"
    assert cmd("replay", thread, "--export", str(bundle), "--user", "tomas", env=env).returncode == 0
    done = cmd("replay", "--import", str(bundle), "--user", "nina", env=env)
    assert "No such option" not in done.stderr and "Traceback" not in done.stderr
    (imported,) = _sessions(env, "nina")
    assert str(imported["thread_id"]).startswith("import-")


# ---- 9: a hint after a command run with --user carries --user ---------------------------


def test_hints_carry_the_user_they_were_given(home: Path, profile_file: Path) -> None:
    done = cmd("plan", "--profile", str(profile_file), "--approve", "--user", "raj")
    assert done.returncode == 0, done.stderr
    assert "See it with `coach plans show 1 --user raj`." in done.stdout
    shown = cmd("plans", "show", "1", "--user", "raj")  # the hint works as printed
    assert shown.returncode == 0 and "Plan A" in shown.stdout
    done = cmd("plan", "--profile", str(profile_file), "--user", "raj")  # no terminal: it waits
    assert "`coach chat --user raj --thread " in done.stderr
    assert "`coach plans show 1`." in cmd("plan", "--profile", str(profile_file), "--approve").stdout
    assert "`coach chat --user nina`" in cmd("plans", "--user", "nina").stdout
    assert "`coach profile import FILE --user nina`" in cmd("profile", "--user", "nina").stdout


# ---- 1: a fork applies its change, or says from which step it can ----------------------


@pytest.fixture(scope="module")
def checkin_home(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> tuple[dict[str, str], str]:
    """An approved plan, then a session whose second turn is a check-in that re-plans."""
    from conftest import PROFILE_YAML

    root = tmp_path_factory.mktemp("r6checkin")
    home = root / "home"
    home.mkdir()
    shutil.copytree(built_index, home / "index")
    env = {"COACH_HOME": str(home), "COACH_MODEL": "fake"}
    (root / "me.yaml").write_text(PROFILE_YAML)
    assert cmd("plan", "--profile", str(root / "me.yaml"), "--approve", env=env).returncode == 0
    said = "hi\ncheck in after 20 weeks: agents 1, evaluation 1\n"
    done = cmd("chat", "--new", stdin=said, env=env)
    assert "Re-planning" in done.stdout, done.stdout + done.stderr
    thread = next(str(s["thread_id"]) for s in _sessions(env) if s["turns"] == 2)
    return env, thread


def _steps(env: dict[str, str], thread: str) -> list[dict[str, object]]:
    done = cmd("replay", thread, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_fork_from_a_checkin_turns_input_or_checkin_step_recomputes(
    checkin_home: tuple[dict[str, str], str],
) -> None:
    env, thread = checkin_home
    steps = _steps(env, thread)
    checkin = next(e for e in steps if e["nodes"] == ["checkin"])
    start = next(e for e in steps if e["turn"] == checkin["turn"] and e.get("source") == "input")
    for step in (start["step"], checkin["step"]):  # the turn's input, and the check-in's goto
        done = cmd(
            "replay",
            thread,
            "--fork",
            "--from",
            str(step),
            "--set",
            "profile.hours_per_week=20",
            "--json",
            env=env,
        )
        assert done.returncode == 0, done.stderr
        totals = json.loads(done.stdout)["totals"]
        assert totals["a"]["hours_per_week"] == 20.0 and totals["b"]["hours_per_week"] == 20.0, (step, totals)


def test_fork_from_a_step_no_figure_follows_is_refused_naming_where_it_applies(
    checkin_home: tuple[dict[str, str], str],
) -> None:
    env, thread = checkin_home
    steps = _steps(env, thread)
    draft = next(e for e in steps if e["nodes"] == ["draft_plan"])
    done = cmd(
        "replay",
        thread,
        "--fork",
        "--from",
        str(draft["step"]),
        "--set",
        "profile.hours_per_week=20",
        env=env,
    )
    assert done.returncode == 2
    (message,) = done.stderr.strip().splitlines()
    assert f"--fork from step {draft['step']} would change no figure" in message
    analyze = next(e for e in steps if e["nodes"] == ["analyze_gaps"])
    assert f"to {analyze['step'] - 1} (turn {analyze['turn']})" in message, message
    done = cmd("replay", thread, "--fork", "--from", "-1", "--set", "profile.hours_per_week=20", env=env)
    assert done.returncode == 2 and "has no profile to change" in done.stderr


# ---- 6: replay's text output reads as sentences, not Python ----------------------------


def _no_python(text: str) -> None:
    for raw in ("None", "{'", "['", "True", "False", ": {"):
        assert raw not in text, f"{raw!r} in:\n{text}"


def test_replay_text_is_for_people_and_json_for_programs(
    checkin_home: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, thread = checkin_home
    steps = _steps(env, thread)
    checkin = next(e for e in steps if e["nodes"] == ["checkin"])
    done = cmd("replay", thread, "--rerun", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"Re-ran session {thread} from the start: 2 turns, with the recorded")
    _no_python(done.stdout)
    fork = ["replay", thread, "--fork", "--from", str(checkin["step"]), "--set", "profile.hours_per_week=20"]
    done = cmd(*fork, env=env)
    assert done.returncode == 0, done.stderr
    _no_python(done.stdout)
    assert f"at step {checkin['step']} with profile.hours_per_week = 20" in done.stdout
    assert "Plan A: " in done.stdout and " at 20 h/week, " in done.stdout
    assert json.loads(cmd(*fork, "--json", env=env).stdout)["set"] == {"profile.hours_per_week": "20"}
    done = cmd("replay", thread, "--export", str(tmp_path / "b.json"), env=env)
    assert done.stdout.startswith(f"Wrote the bundle {tmp_path / 'b.json'}: 2 turns, not redacted")
    _no_python(done.stdout)


def test_a_divergence_shows_totals_in_words() -> None:
    from agent.interfaces.cli.replay_text import divergence_lines

    lines = divergence_lines(
        [
            {
                "turn": 12,
                "step": None,
                "node": None,
                "what": "totals",
                "recorded": {"a": [685.0, 86, False]},
                "now": {"a": [730.0, 92, True]},
            }
        ]
    )
    assert lines == [
        "DIVERGES at turn 12: totals",
        "  recorded: Plan A: 685 h, 86 weeks, does not fit the horizon",
        "  now:      Plan A: 730 h, 92 weeks, fits the horizon",
    ]


# ---- 8: a skill given twice, and rated skills outside a plan's 10 ------------------------

RAJ = """\
current_role: Backend engineer
industry: e-commerce
hours_per_week: 10
plan_a: {position: ML engineer, industry: e-commerce}
plan_b: {position: Data engineer, industry: e-commerce}
skills:
  Python: 4
  SQL: 3
  Docker: 3
  k8s: 2
  Go: 3
  statistics: 1
"""


def test_a_skill_written_twice_is_refused_naming_both(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "raj.yaml"
    path.write_text(RAJ.replace("  Go: 3\n", "  Go: 3\n  pyton: 4\n  sql: 2\n"))
    for args in (["gaps", "--profile"], ["plan", "--reject", "--profile"], ["profile", "import"]):
        done = cmd(*args, str(path))
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        (message,) = done.stderr.strip().splitlines()
        assert "'Python' and 'pyton' (both read as Python engineering)" in message, message
        assert "'SQL' and 'sql'" in message and "keep one of each" in message
    aliases = tmp_path / "aliases.yaml"  # two exact names of one catalog skill are the person's words
    aliases.write_text(RAJ.replace("  Go: 3\n", "  AWS: 3\n  GCP: 2\n"))
    assert cmd("gaps", "--profile", str(aliases)).returncode == 0


def test_gaps_names_rated_skills_outside_each_plans_ten(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "raj.yaml"
    path.write_text(RAJ)
    done = cmd("gaps", "--profile", str(path), "--user", "raj")
    assert done.returncode == 0, done.stderr
    assert (
        "Rated by you, not among Plan A's 10 skills (ML engineer in e-commerce): Python 4, SQL 3, k8s 2, statistics 1."
        in done.stdout
    )
    assert (
        "not among Plan B's 10 skills (Data engineer in e-commerce): Python 4, Docker 3, k8s 2" in done.stdout
    )
    assert "Go 3" not in done.stdout  # said already: not in the catalog
    reports = json.loads(cmd("gaps", "--profile", str(path), "--json").stdout)
    assert reports[0]["not_counted"] == {"Python": 4, "SQL": 3, "k8s": 2, "statistics": 1}


# ---- 7: a retrieval divergence names the change in the knowledge index ------------------


def test_rerun_after_ingest_says_the_index_changed(home: Path, tmp_path: Path) -> None:
    env = {"COACH_MODEL": "local"}
    done = cmd("chat", "--new", stdin=QUESTION + "\n", env=env)
    assert done.returncode == 0, done.stderr
    (session,) = _sessions({})
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "id_roadmap.md").write_text(ROADMAP)
    assert cmd("ingest", str(docs / "id_roadmap.md")).returncode == 0
    done = cmd("replay", str(session["thread_id"]), "--rerun", env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "search_roadmaps result" in done.stdout
    assert (
        f"why:      the knowledge index changed: {docs / 'id_roadmap.md'} was ingested after this turn ran"
        in (done.stdout)
    )


def test_import_without_the_ingested_documents_says_so(
    question_home: tuple[dict[str, str], str], tmp_path: Path, built_index: Path
) -> None:
    env, thread = question_home
    bundle = tmp_path / "bug.json"
    assert cmd("replay", thread, "--export", str(bundle), "--redact", env=env).returncode == 0
    assert [s["source"] for s in json.loads(bundle.read_text())["index"] if s["kind"] == "user"] == [
        "id_roadmap.md"
    ]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(built_index, elsewhere / "index")
    done = cmd("replay", "--import", str(bundle), env={**env, "COACH_HOME": str(elsewhere)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the recording cites id_roadmap.md, not in this index" in done.stdout
    assert "a bundle carries no ingested documents" in done.stdout
