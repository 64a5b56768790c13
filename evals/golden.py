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

Category = Literal["fits", "barely_misses", "misses", "far"]
EXPECTED = "data/golden_expected.json"


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


def figures(report: GapReport) -> dict[str, Any]:
    """What is frozen for one plan: matrix, totals, verdict, trim."""
    return {
        "target": report.target.label(),
        "skills": [
            {
                k: getattr(s, k)
                for k in ("skill_id", "kind", "priority", "current", "target", "gap", "hours", "finish_week")
            }
            for s in report.skills
        ],
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
        a, b = compare_plans(Profile.model_validate(p["profile"]))
        out[p["id"]] = {"a": figures(a), "b": figures(b), "category": {"a": category(a), "b": category(b)}}
    return out


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
