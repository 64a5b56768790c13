"""Export: `coach plans show N --format md|html` on a saved plan, the Markdown golden, and
the HTML page rendered by headless Chromium (a missing browser fails, never skips)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from agent.coaching.export import export_html, matrix_svg, timeline_svg
from agent.coaching.plan import build_plan
from evals.golden import EXPORT, export_golden, persona_profile, personas
from tools.gap import compare_plans

COACH = str(Path(sys.executable).with_name("coach"))
PROFILE = """\
current_role: Backend engineer
hours_per_week: 8
skills: {Python: 4, SQL: 3, Docker: 2, REST APIs: 4}
plan_a: {position: AI product manager, industry: edtech}
plan_b: {position: GenAI engineer, industry: fintech}
"""


def test_markdown_export_matches_golden() -> None:
    expected = resources.files("evals").joinpath(EXPORT).read_text("utf-8")
    got = export_golden()
    assert got == expected, "regenerate with `python -m evals.golden --update` if the change is deliberate"
    assert "| Skill | Priority | Current | Target | Gap | Time to target | Notes |" in got
    assert "7 of 8 postings" in got and "## Goal" in got and "**Milestones:**" in got


def test_svg_pictures_have_a_bar_per_skill_and_four_quadrants() -> None:
    profile = persona_profile(next(p for p in personas() if p["id"] == "backend-to-genai-8h"))
    a, _ = compare_plans(profile)
    timeline = timeline_svg(a)
    assert timeline.count('class="bar"') == sum(1 for s in a.skills if s.gap > 0)
    matrix = matrix_svg(a)
    assert matrix.count('class="quadrant"') == 4
    assert matrix.count('class="skill"') == sum(1 for s in a.skills if s.quadrant != "held")
    page = export_html(build_plan(profile, (a, compare_plans(profile)[1]), [], []))
    assert "<script" not in page and page.count("<svg") == 4


def cmd(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_HOME": str(home), "COACH_MODEL": "fake"}
    return subprocess.run([COACH, *args], capture_output=True, text=True, env=env, timeout=300)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        pytest.fail(
            "chromium is not installed: `apt-get install -y chromium` (make test does it)", pytrace=False
        )
    return found


def test_saved_plan_exports_and_renders_in_headless_chromium(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE, "utf-8")
    saved = cmd(home, "plan", "--profile", str(profile), "--approve")
    assert saved.returncode == 0, saved.stderr
    md = cmd(home, "plans", "show", "1", "--format", "md")
    assert md.returncode == 0, md.stderr
    assert "# Career plan: AI product manager in edtech" in md.stdout
    assert "Time to target" in md.stdout and "HIPAA" not in md.stdout
    page = tmp_path / "plan.html"
    written = cmd(home, "plans", "show", "1", "--format", "html", "--output", str(page))
    assert written.returncode == 0 and page.is_file(), written.stderr
    bad = cmd(home, "plans", "show", "1", "--format", "pdf")
    assert bad.returncode == 2 and "md or html" in bad.stderr

    browser = chromium()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    # The browser parsed the inline SVG into elements: bars, quadrants, the verdict.
    assert len(re.findall(r'<rect class="bar"', dom)) >= 5
    assert len(re.findall(r'<rect class="quadrant"', dom)) == 8  # four per plan
    assert "Attainable:" in dom and "AI product manager" in dom
    shot = tmp_path / "plan.png"
    subprocess.run(
        [browser, *flags, "--window-size=1200,2600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 20_000
    if os.environ.get("COACH_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["COACH_KEEP_SCREENSHOT"])
