"""Plans a person can act on: the trim flag survives a rebuild, projects come after their
skills start, the first two weeks are tasks, hours say where they come from, and a plan
that cannot fit comes with its closest variants."""

from __future__ import annotations

from typing import Any

from agent.coaching.plan import Plan, build_plan
from agent.coaching.render import option_markdown, plan_markdown
from evals.plans import action_failures
from tools.gap import compare_plans, month_weeks
from tools.models import Profile, Target

PROJECTS = [
    {
        "id": "p1",
        "source": "genai.md",
        "section": "Projects",
        "lines": [1, 6],
        "text": "- Build a RAG chatbot over your docs with hybrid search\n"
        "- An agent with LangGraph that books meetings\n"
        "- Containerize a model server with Docker and ship it",
        "score": 1.0,
    }
]


def fitting() -> Profile:
    return Profile(
        current_role="Senior backend engineer",
        hours_per_week=15,
        plan_a=Target(position="Backend engineer", industry="high-growth tech"),
        plan_b=Target(position="GenAI engineer", industry="high-growth tech"),
        skills={"Python": 4, "REST APIs": 4, "RAG": 1, "agents": 1, "llm apis": 2},
    )


def missing() -> Profile:
    return Profile(
        current_role="Backend engineer",
        hours_per_week=6,
        plan_a=Target(position="GenAI engineer", industry="fintech"),
        plan_b=Target(position="MLOps engineer", industry="fintech"),
        skills={"Python": 4, "SQL": 3, "Docker": 2},
    )


def plan_for(profile: Profile, passages: list[dict[str, Any]] | None = None) -> Plan:
    return build_plan(profile, compare_plans(profile), passages or [], [])


def test_a_fitting_plan_rebuilt_from_state_never_mentions_a_trim() -> None:
    plan = plan_for(fitting())
    assert plan.a.report.attainable and not plan.a.trimmed
    # The graph keeps the draft as JSON and rebuilds it: object identity does not survive.
    rebuilt = Plan.model_validate(plan.model_dump(mode="json"))
    text = option_markdown(rebuilt.a, 12)
    assert "trim" not in text.lower() and "following the full plan" in text


def test_a_plan_that_misses_follows_its_trim_and_offers_variants() -> None:
    plan = Plan.model_validate(plan_for(missing()).model_dump(mode="json"))
    assert not plan.a.report.attainable and plan.a.trimmed
    v = plan.a.variant
    assert v is not None and v.hours_per_week_needed == plan.a.report.hours_per_week_needed
    assert v.nearer is None or (v.nearer.attainable and v.nearer.target.position != "Backend engineer")
    text = plan_markdown(plan)
    assert "following the best trim" in text and "Closest realistic variants of Plan A" in text
    assert plan.b.variant is None


def test_projects_come_after_the_study_of_their_skills_starts() -> None:
    plan = plan_for(missing(), PROJECTS)
    placed = [m for m in plan.a.milestones if m.project]
    assert placed, "roadmap projects should be placed"
    starts = {s.name: s.start_week for s in plan.a.scheduled.skills}
    for m in placed:
        assert m.project_skills
        assert all(starts[n] < month_weeks(m.month)[1] for n in m.project_skills)
    rag = next(m for m in placed if "RAG" in (m.project or ""))
    rag_line = next(s for s in plan.a.scheduled.skills if s.skill_id == "rag")
    assert month_weeks(rag.month)[1] >= rag_line.finish_week
    for option in ("a", "b"):
        opt = getattr(plan, option)
        assert action_failures(opt.model_dump(mode="json"), opt.report) == []


def test_first_two_weeks_and_hours_sources() -> None:
    plan = plan_for(missing(), PROJECTS)
    tasks = plan.a.first_weeks
    assert {t.week for t in tasks} == {1, 2}
    for week in (1, 2):
        assert abs(sum(t.hours for t in tasks if t.week == week) - 6) < 0.11
    assert all("start with" in t.do for t in tasks)
    guide = plan.a.guides[0]
    line = next(s for s in plan.a.scheduled.skills if s.name == guide.name)
    assert guide.hours_source == (
        f"level {line.current}->{line.target} at ease {line.ease}: {line.hours:g} h, see `coach explain`"
    )
    assert guide.resources
    assert any(g.passages == [1] for g in plan.a.guides)  # the projects passage names RAG and agents


def test_eval_flags_trim_wording_on_a_fitting_plan() -> None:
    plan = plan_for(fitting())
    bad = plan.a.model_copy(update={"trimmed": True})
    failures = action_failures(bad.model_dump(mode="json"), bad.report)
    assert any("trim" in f for f in failures)
