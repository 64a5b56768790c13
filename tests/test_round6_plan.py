"""Round 6: an independent tester's findings on plans and proposals (figures, claims, quotes)."""

from __future__ import annotations

from agent.coaching.plan import build_plan
from tools.gap import compare_plans
from tools.models import Profile, Target


def _profile(a: str, b: str, skills: dict[str, int] | None = None, industry: str = "fintech") -> Profile:
    return Profile(
        current_role="Backend engineer",
        hours_per_week=8,
        plan_a=Target(position=a, industry=industry),
        plan_b=Target(position=b, industry=industry),
        skills=skills or {"Python": 4},
    )


def test_1_equal_totals_are_not_called_the_shorter_path() -> None:
    # "Plan B ... needs 685 h (86 weeks); Plan A is the shorter path." with 685 h against 685 h.
    profile = _profile("Data engineer", "Data engineer")
    a, b = compare_plans(profile)
    assert a.total_hours == b.total_hours
    text = build_plan(profile, (a, b), [], []).rationale[1].text
    assert "shorter path" not in text.replace("neither path is shorter", "")
    assert "the same as Plan A" in text
    # A real difference still says which is shorter, by how much.
    profile = _profile("Backend engineer", "Data scientist", {"Python": 4, "SQL": 3})
    a, b = compare_plans(profile)
    assert a.total_hours < b.total_hours
    text = build_plan(profile, (a, b), [], []).rationale[1].text
    assert f"Plan A is the shorter path, by {round(b.total_hours - a.total_hours, 1):g} h." in text
