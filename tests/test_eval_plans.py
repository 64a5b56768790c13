"""The plan eval: every golden persona's plan passes its checks; the checks can fail; the judge runs."""

from __future__ import annotations

import copy

from agent.llm.models import ScriptedChatModel
from evals.golden import personas
from evals.plans import check_plan, report_lines, run
from tools.models import Profile


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
