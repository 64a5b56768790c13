"""`coach postings add|list|remove` as a subprocess, and postings reaching `coach gaps`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COACH = str(Path(sys.executable).with_name("coach"))
DATA = Path(__file__).parent.parent / "evals" / "data" / "postings"


def cmd(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_HOME": str(home), "COACH_MODEL": "fake"}
    return subprocess.run([COACH, *args], capture_output=True, text=True, env=env, timeout=300)


def test_postings_add_list_remove_and_gaps(tmp_path: Path) -> None:
    home = tmp_path / "home"
    html = tmp_path / "posting.html"
    html.write_text(
        "<html><body><h1>AI PM</h1><ul><li>Own the product roadmap</li><li>Define success metrics</li>"
        "<li>Stakeholder management</li></ul></body></html>",
        "utf-8",
    )
    added = cmd(
        home,
        "postings",
        "add",
        str(DATA / "ai_product_manager.md"),
        str(html),
        str(tmp_path / "missing.md"),
        "--role",
        "AI product manager",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    assert "missing.md" in added.stderr  # the bad file is named; the good ones are kept
    body = json.loads(added.stdout)
    assert body["added"] == 9
    metrics = next(e for e in body["evidence"] if e["skill"].startswith("Defining success metrics"))
    assert metrics["evidence"] == {"postings": 9, "of": 9} and metrics["priority"] == 1
    again = cmd(home, "postings", "add", str(html), "--role", "ai product manager")
    assert again.returncode == 0 and "already there" in again.stdout

    other = cmd(
        home,
        "postings",
        "add",
        str(DATA / "developer_advocate.txt"),
        "--role",
        "Developer advocate",
        "--user",
        "bob",
    )
    assert other.returncode == 0
    listed = json.loads(cmd(home, "postings", "list", "--json").stdout)
    assert len(listed) == 9 and {p["position"] for p in listed} == {"AI product manager"}
    assert len(json.loads(cmd(home, "postings", "list", "--json", "--user", "bob").stdout)) == 4

    profile = tmp_path / "p.yaml"
    profile.write_text(
        "current_role: Data analyst\nhours_per_week: 10\nskills: {SQL: 4}\n"
        "plan_a: {position: AI product manager, industry: edtech}\n"
        "plan_b: {position: Data scientist, industry: edtech}\n",
        "utf-8",
    )
    gaps = cmd(home, "gaps", "--profile", str(profile), "--json")
    assert gaps.returncode == 0, gaps.stderr
    a, b = json.loads(gaps.stdout)
    assert a["target"]["position"] == "AI product manager" and a["custom"]
    assert all(s["evidence"]["of"] == 9 for s in a["skills"])
    assert all(s["evidence"] is None for s in b["skills"])
    table = cmd(home, "gaps", "--profile", str(profile))
    assert "of 9 postings" in table.stdout

    first = listed[0]["posting_id"]
    removed = cmd(home, "postings", "remove", first, "nope")
    assert removed.returncode == 0 and "Removed 1" in removed.stdout and "nope" in removed.stderr
    gone = cmd(home, "postings", "remove", "--role", "AI product manager")
    assert "Removed 8" in gone.stdout
    assert json.loads(cmd(home, "postings", "list", "--json").stdout) == []
    bad = cmd(home, "postings", "add", str(html), "--role", "<b>x</b>")
    assert bad.returncode == 2 and "not a position name" in bad.stderr
