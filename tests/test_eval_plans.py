"""The plan eval: every golden persona's plan passes its checks; the checks can fail; the judge runs."""

from __future__ import annotations

import copy

from test_plan_review_findings import PROJECTS, analyst, plan_for

from agent.llm.models import ScriptedChatModel
from evals.golden import personas
from evals.plans import action_failures, check_plan, report_lines, run
from tools.models import GapReport, Profile, Target


def test_every_persona_passes_and_judge_is_skipped_without_a_capable_model(home) -> None:
    outcome = run(home=home)
    assert outcome["failed"] == 0, report_lines(outcome)
    assert outcome["passed"] == len(personas())
    assert outcome["judge"].startswith("skipped")


def test_checks_catch_a_wrong_plan(home, coach) -> None:
    persona = personas()[0]
    profile = Profile.model_validate(persona["profile"])
    plan = coach.plan_from_profile(coach.new_thread_id(), profile).review.plan
    assert check_plan(plan, profile, lambda cid: True) == []
    bad = copy.deepcopy(plan)
    bad["a"]["report"]["total_hours"] += 10
    bad["b"]["report"]["skills"].pop()
    bad["a"]["milestones"].append({"month": 40, "goals": ["x"], "project": None, "cite": None})
    failures = check_plan(bad, profile, lambda cid: False)
    text = " ".join(failures)
    assert "total_hours" in text and "Plan B: 4 general / 5 specific" in text
    assert "past the horizon" in text and "does not resolve" in text


def test_judge_scores_with_a_capable_model(home) -> None:
    score = {
        "tool": "JudgeScore",
        "args": {"grounding": 4, "actionability": 3, "honesty": 5, "reason": "cited"},
    }
    judge = ScriptedChatModel(replies=[score] * len(personas()), structured=True)
    outcome = run(home=home, judge_model=judge, judge_name="scripted judge")
    assert all(r.judge and r.judge.honesty == 5 for r in outcome["results"])
    assert "judge means: grounding 4.00, actionability 3.00, honesty 5.00" in report_lines(outcome)


def test_eval_plans_fails_each_issue_12_check() -> None:
    profile = Profile(
        current_role="Senior backend engineer",
        hours_per_week=15,
        plan_a=Target(position="Backend engineer", industry="high-growth tech"),
        plan_b=Target(position="GenAI engineer", industry="high-growth tech"),
        skills={"Python": 4, "REST APIs": 4, "RAG": 1, "agents": 1, "llm apis": 2},
    )
    plan = plan_for(profile, PROJECTS).model_dump(mode="json")
    assert plan["a"]["report"]["attainable"]
    assert [f for f in check_plan(plan, profile, lambda _: True) if "citation" not in f] == []

    trimmed = copy.deepcopy(plan)  # trim wording in the rationale of a plan that fits
    trimmed["rationale"].append({"text": "Or aim lower (the best trim).", "basis": "figure", "ref": "x"})
    assert any("rationale mentions a trim" in f for f in check_plan(trimmed, profile, lambda _: True))

    early = copy.deepcopy(plan["b"])  # a project in month 1 whose skill starts later
    last = max(early["scheduled"]["skills"], key=lambda s: s["start_week"])
    early["milestones"][0].update(project=f"Ship something with {last['name']}", cite=1, project_skills=[])
    assert last["start_week"] > 5, "starts after month 1"
    assert any("before its skills start" in f for f in action_failures(early, plan_for(profile).b.report))

    none = copy.deepcopy(plan["a"])  # a project that exercises none of the plan's skills
    none["milestones"][0].update(
        project="Knit a scarf for the team", cite=1, project_skills=["Python engineering"]
    )
    assert any("none of the plan named" in f for f in action_failures(none, plan_for(profile).a.report))

    custom = analyst(Target(position="Data scientist", industry="fintech"))
    six = plan_for(custom).model_dump(mode="json")
    six["a"]["report"]["skills"][-1]["kind"] = "general"  # 6 general / 4 specific
    assert any("Plan A: 6 general / 4 specific" in f for f in check_plan(six, custom, lambda _: True))

    posted = copy.deepcopy(plan["b"])  # postings evidence on some rows, none on another
    posted["report"]["skills"][0]["evidence"] = {"postings": 3, "of": 4}
    posted["report"]["skills"][1]["source"] = "proposal"
    failures = action_failures(posted, GapReport.model_validate(posted["report"]))
    assert any("posting-derived priorities without evidence" in f for f in failures)
