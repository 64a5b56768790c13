"""Golden personas for the gap engine: their stories' expected verdicts, and frozen figures.

python -m evals.golden            # check every persona, print a table
python -m evals.golden --update   # re-freeze golden_expected.json after a deliberate change
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from typing import Any, Literal

import yaml

from tools.gap import compare_plans
from tools.models import GapReport, Profile
from tools.postings import read_postings
from tools.proposal import propose_skills

Category = Literal["fits", "barely_misses", "misses", "far"]
EXPECTED = "data/golden_expected.json"
EXPORT = "data/golden_export.md"
EXPORT_PERSONA = "analyst-to-ai-pm-postings"


def category(report: GapReport) -> Category:
    """fits; barely_misses (over by at most a quarter of the horizon); far (over 1.5 horizons)."""
    if report.attainable:
        return "fits"
    if report.total_weeks <= report.horizon_weeks * 1.25:
        return "barely_misses"
    if report.total_weeks > report.horizon_weeks * 1.5:
        return "far"
    return "misses"


def personas() -> list[dict[str, Any]]:
    """The golden personas with their hand-written expectations."""
    text = resources.files("evals").joinpath("data/golden_profiles.yaml").read_text("utf-8")
    return list(yaml.safe_load(text))


def persona_profile(persona: dict[str, Any]) -> Profile:
    """A persona's profile; a target with `postings` (a file under evals/data/) carries the
    skills proposed from them, as a person who accepted the proposal would have."""
    profile = Profile.model_validate(persona["profile"])
    for key, name in (persona.get("postings") or {}).items():
        target = getattr(profile, f"plan_{key}")
        with resources.as_file(resources.files("evals").joinpath(f"data/{name}")) as path:
            posts = read_postings(path)
        pinned = propose_skills(target.position, target.industry, postings=posts).target()
        profile = profile.model_copy(update={f"plan_{key}": pinned})
    return profile


def figures(report: GapReport) -> dict[str, Any]:
    """What is frozen for one plan: matrix (with evidence and assumed levels), totals,
    verdict, trim, industry swaps and, for a custom position, its nearest roles."""
    return {
        "target": report.target.label(),
        "skills": [
            {
                k: getattr(s, k)
                for k in (
                    "name",
                    "skill_id",
                    "kind",
                    "priority",
                    "current",
                    "assumed",
                    "target",
                    "gap",
                    "hours",
                    "finish_week",
                )
            }
            | {"evidence": s.evidence.text() if s.evidence else None}
            for s in report.skills
        ],
        "swaps": [f"{w.skill_in} for {w.skill_out}" for w in report.industry_swaps],
        "not_swapped": report.industry_not_swapped,
        "nearest": [f"{n.title} {n.similarity:.2f}" for n in report.nearest_roles],
        "assumed_weeks": report.assumed_weeks,
        "total_hours": report.total_hours,
        "total_weeks": report.total_weeks,
        "attainable": report.attainable,
        "margin_weeks": report.margin_weeks,
        "hours_per_week_needed": report.hours_per_week_needed,
        "trim_targets": [c.target for c in report.trim.choices] if report.trim else None,
    }


def compute() -> dict[str, dict[str, Any]]:
    """Every persona's figures for Plan A and Plan B."""
    out = {}
    for p in personas():
        a, b = compare_plans(persona_profile(p))
        out[p["id"]] = {"a": figures(a), "b": figures(b), "category": {"a": category(a), "b": category(b)}}
    return out


def export_golden() -> str:
    """The Markdown export of one persona's plan (figures only, no retrieval), frozen in EXPORT."""
    from agent.coaching.export import export_markdown
    from agent.coaching.plan import build_plan

    profile = persona_profile(next(p for p in personas() if p["id"] == EXPORT_PERSONA))
    return export_markdown(build_plan(profile, compare_plans(profile), list(EXPORT_PASSAGES), []))


# One roadmap passage with projects, so the frozen export shows a milestone's project as
# the review does: a cited quotation of the roadmap's words (markup escaped), placed in the
# month the skills it exercises are done.
EXPORT_PASSAGES: tuple[Any, ...] = (
    {
        "id": "golden-projects",
        "source": "ai_pm_roadmap.md",
        "section": "Projects",
        "lines": [40, 44],
        "text": "## Projects\n"
        "- Write a product roadmap for an *LLM feature* and its success metrics\n"
        "- Build a RAG prototype with the OpenAI API and an evaluation harness for it",
        "score": 1.0,
    },
)


def main() -> None:
    """Check (or re-freeze) the golden figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="re-freeze golden_expected.json")
    args = parser.parse_args()
    got = compute()
    path = resources.files("evals").joinpath(EXPECTED)
    if args.update:
        with resources.as_file(path) as file:
            file.write_text(json.dumps(got, indent=1) + "\n", "utf-8")
        with resources.as_file(resources.files("evals").joinpath(EXPORT)) as file:
            file.write_text(export_golden(), "utf-8")
    expected = json.loads(path.read_text("utf-8"))
    bad = 0
    for p in personas():
        g = got[p["id"]]
        ok = g == expected.get(p["id"]) and g["category"] == p["expect"]
        bad += not ok
        print(
            f"{'ok ' if ok else 'BAD'} {p['id']:36} A {g['a']['total_weeks']:4} wk {g['category']['a']:13} "
            f"B {g['b']['total_weeks']:4} wk {g['category']['b']}"
        )
    print(f"{len(got) - bad} passed, {bad} failed")
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
