"""The gap engine: unit tests and properties that must hold for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tools.catalog import load_catalog, match_role, match_skill
from tools.gap import gap_report, horizon_weeks, hours_needed, quadrant
from tools.learning_time import STEP_HOURS, hours_between
from tools.models import Profile, Target
from tools.optimize import Item, best_trim, brute_force

ROLES = [r.title for r in load_catalog().roles]


def profile(
    hours: float = 8,
    skills: dict[str, int] | None = None,
    a: str = "GenAI engineer",
    b: str = "MLOps engineer",
) -> Profile:
    return Profile(
        current_role="Backend engineer",
        hours_per_week=hours,
        plan_a=Target(position=a, industry="fintech"),
        plan_b=Target(position=b, industry="fintech"),
        skills=skills if skills is not None else {"Python": 4, "SQL": 3, "Docker": 2},
    )


def test_catalog_roles_have_five_and_five() -> None:
    cat = load_catalog()
    assert len(cat.roles) >= 10
    for role in cat.roles:
        kinds = [cat.skill(s.skill).kind for s in role.general] + [
            cat.skill(s.skill).kind for s in role.specific
        ]
        assert kinds == ["general"] * 5 + ["specific"] * 5, role.id


@pytest.mark.parametrize(
    ("name", "skill"),
    [
        ("k8s", "kubernetes"),
        ("Kubernetes", "kubernetes"),
        ("kubernetes basics", "kubernetes"),
        ("PySpark", "spark"),
        ("leetcode", "problem_solving"),
    ],
)
def test_skill_aliases_and_fuzzy(name: str, skill: str) -> None:
    found = match_skill(name)
    assert found is not None and found.id == skill


def test_unknown_names_do_not_match() -> None:
    assert match_skill("underwater welding") is None
    assert match_role("Astronaut") is None


def test_validation_messages_name_field_and_range() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 5"):
        profile(skills={"Python": 7})
    with pytest.raises(ValidationError, match="hours_per_week"):
        profile(hours=0)


def test_hours_and_explanation() -> None:
    b = hours_between(1, 3, ease=1)
    assert b.hours == (STEP_HOURS[1] + STEP_HOURS[2]) * 1.5
    assert "x 1.5 (ease 1)" in b.explain()
    assert hours_between(3, 3, ease=2).hours == 0


def test_report_totals_and_verdict() -> None:
    r = gap_report(profile(), profile().plan_a)
    assert len(r.skills) == 10
    assert r.total_hours == pytest.approx(sum(s.hours for s in r.skills), abs=0.2)
    assert r.total_weeks == max(s.finish_week for s in r.skills)
    assert r.horizon_weeks == 52
    assert r.attainable == (r.total_weeks <= 52)
    assert r.margin_weeks == 52 - r.total_weeks
    if not r.attainable:
        assert math.ceil(r.total_hours / r.hours_per_week_needed) <= 52
        assert r.trim is not None and r.trim.hours <= r.trim.budget_hours


def test_prerequisites_are_scheduled_first() -> None:
    cat = load_catalog()
    r = gap_report(profile(skills={}), Target(position="MLOps engineer", industry="tech"))
    finish = {s.skill_id: s for s in r.skills}
    for s in r.skills:
        for pre in cat.skill(s.skill_id).prereqs:
            if pre in finish and finish[pre].gap:
                assert finish[pre].finish_week <= s.start_week + 1


def test_quadrants() -> None:
    assert quadrant(1, 3) == "quick win"
    assert quadrant(1, 1) == "major project"
    assert quadrant(3, 3) == "fill-in"
    assert quadrant(3, 1) == "defer"


levels = st.dictionaries(
    st.sampled_from(["Python", "SQL", "Docker", "k8s", "rag", "system design", "statistics"]),
    st.integers(0, 5),
    max_size=7,
)


@settings(max_examples=40, deadline=None)
@given(levels, st.floats(1, 40), st.floats(1, 40), st.sampled_from(ROLES))
def test_more_hours_never_lengthen(skills, h1, h2, role) -> None:
    lo, hi = sorted((h1, h2))
    p = profile(skills=skills)
    t = Target(position=role, industry="tech")
    assert gap_report(p, t, hours_per_week=hi).total_weeks <= gap_report(p, t, hours_per_week=lo).total_weeks


@settings(max_examples=40, deadline=None)
@given(levels, st.sampled_from(ROLES), st.integers(0, 9), st.integers(0, 5))
def test_raising_a_target_never_shortens(skills, role, index, bump) -> None:
    p = profile(skills=skills)
    t = Target(position=role, industry="tech")
    base = gap_report(p, t)
    line = base.skills[index]
    raised = gap_report(p, t, {line.skill_id: min(5, line.target + bump)})
    assert raised.total_hours >= base.total_hours
    assert all(s.gap >= 0 for s in raised.skills)
    assert raised.total_weeks == max([0] + [s.finish_week for s in raised.skills])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.lists(st.floats(1, 80), min_size=1, max_size=3)),
        min_size=1,
        max_size=5,
    ),
    st.floats(0, 300),
)
def test_optimiser_matches_brute_force(raw, budget) -> None:
    items = []
    for i, (priority, steps) in enumerate(raw):
        cumulative = [0.0]
        for s in steps:
            cumulative.append(round(cumulative[-1] + s, 1))
        items.append(Item(name=f"s{i}", priority=priority, hours=cumulative))
    got = best_trim(items, budget)
    want = brute_force(items, budget)
    assert got.value == want.value
    assert sum(math.ceil(items[i].hours[g] - 1e-9) for i, g in enumerate(got.gains)) <= math.floor(
        budget + 1e-9
    )


def test_hours_needed_and_horizon() -> None:
    assert horizon_weeks(12) == 52 and horizon_weeks(6) == 26
    assert hours_needed(930.5, 52) == 18.0


def test_priority_and_kind_are_validated_with_their_ranges() -> None:
    from tools.models import RoleSkill, SkillDef

    with pytest.raises(ValidationError, match=r"priority[\s\S]*greater than or equal to 1"):
        RoleSkill(skill="python", priority=0, target=3)
    with pytest.raises(ValidationError, match=r"kind[\s\S]*'general' or 'specific'"):
        SkillDef(id="x", name="X", kind="other", ease=2)  # type: ignore[arg-type]


def test_unknown_skills_get_default_estimates() -> None:
    p = profile(skills={"Python": 4, "underwater welding": 1})
    r = gap_report(p, p.plan_a)
    assert r.unknown_skills == ["underwater welding"]
    extra = r.extras[0]
    assert extra.target == 3 and extra.hours == 110.0 and "not in the catalog" in extra.notes
    assert len(r.skills) == 10
