"""Plan eval: every golden persona through the graph, each plan checked.

    python -m evals.plans        (or `coach eval plans`)

Checks, with the scripted model: Plan A and Plan B present; 5 general + 5 specific
skills each (custom positions too); numbers equal to the gap engine's; every citation
resolves to a real chunk; milestones inside the horizon; evidence on every skill of a
plan whose priorities come from job postings; no trim wording on a plan that fits;
every project placed after the study of the skills it exercises has started. With a capable model configured
(COACH_MODEL=openai:...), an LLM judge also scores the rationale.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from evals.golden import persona_profile, personas
from tools.gap import compare_plans, month_weeks
from tools.models import GapReport, Profile

JUDGE_SYSTEM = (
    "You grade a career plan's rationale from 1 (poor) to 5 (excellent) on three criteria: "
    "grounding (every claim is tied to a cited passage or a computed figure), actionability "
    "(the person knows what to do next), honesty (it says plainly whether the target is attainable "
    "within the horizon and what it would take). Give a one-sentence reason."
)


class JudgeScore(BaseModel):
    """The judge's scores for one plan."""

    grounding: int = Field(ge=1, le=5)
    actionability: int = Field(ge=1, le=5)
    honesty: int = Field(ge=1, le=5)
    reason: str


@dataclass
class PlanResult:
    """One persona's plan and what failed about it."""

    persona: str
    failures: list[str] = field(default_factory=list)
    judge: JudgeScore | None = None


def check_plan(plan: dict[str, Any], profile: Profile, chunk_exists: Any) -> list[str]:
    """Every failed check of one drafted plan."""
    failures: list[str] = []
    expected = compare_plans(profile)
    for label, key, want in (("A", "a", expected[0]), ("B", "b", expected[1])):
        option = plan.get(key)
        if not option:
            failures.append(f"Plan {label} missing")
            continue
        report = GapReport.model_validate(option["report"])
        kinds = [s.kind for s in report.skills]
        if kinds.count("general") != 5 or kinds.count("specific") != 5:
            failures.append(
                f"Plan {label}: {kinds.count('general')} general / {kinds.count('specific')} specific skills"
            )
        for name in ("total_hours", "total_weeks", "attainable", "margin_weeks", "hours_per_week_needed"):
            if getattr(report, name) != getattr(want, name):
                failures.append(
                    f"Plan {label}: {name} {getattr(report, name)} != gap engine {getattr(want, name)}"
                )
        if [(s.skill_id, s.hours, s.target) for s in report.skills] != [
            (s.skill_id, s.hours, s.target) for s in want.skills
        ]:
            failures.append(f"Plan {label}: skill rows differ from the gap engine")
        late = [m["month"] for m in option["milestones"] if m["month"] > profile.horizon_months]
        if late:
            failures.append(f"Plan {label}: milestones past the horizon (months {late})")
        failures += [f"Plan {label}: {f}" for f in action_failures(option, report)]
        if report.attainable:
            said = " ".join(c["text"] for c in plan.get("rationale" if key == "a" else "rationale_b") or [])
            if "trim" in said.lower():
                failures.append(f"Plan {label}: fits, yet the rationale mentions a trim")
    for cite in plan.get("citations", []):
        if not chunk_exists(cite["id"]):
            failures.append(f"citation [{cite['n']}] {cite['id']} does not resolve")
    if not plan.get("citations"):
        failures.append("no citations")
    return failures


def action_failures(option: dict[str, Any], report: GapReport) -> list[str]:
    """The issue-12 checks of one plan option: evidence on posting-derived priorities, no
    trim wording on a plan that fits (review text and export), and every roadmap project
    placed no earlier than the study of the skills it exercises (read again from its text)."""
    from agent.coaching.actions import project_skills
    from agent.coaching.export import option_export_markdown
    from agent.coaching.plan import PlanOption
    from agent.coaching.render import option_markdown

    failures: list[str] = []
    if any(s.evidence for s in report.skills):
        bare = [s.name for s in report.skills if s.evidence is None and s.source != "you"]
        if bare:
            failures.append(f"posting-derived priorities without evidence: {', '.join(bare)}")
    opt = PlanOption.model_validate(option)
    shown = option_markdown(opt, 36) + "\n" + option_export_markdown(opt)
    if report.attainable and "trim" in shown.lower():
        failures.append("fits, yet its text mentions a trim")
    for m in opt.milestones:
        if not m.project:
            continue
        exercised = project_skills(m.project, opt.scheduled)
        early = [s.name for s in exercised if s.start_week >= month_weeks(m.month)[1]]
        if early or not exercised:
            failures.append(
                f"month {m.month} project before its skills start ({', '.join(early) or 'none of the plan named'})"
            )
    return failures


def judge(model: Any, markdown: str) -> JudgeScore | None:
    """The LLM judge's scores, or None if it could not answer in schema."""
    try:
        result = model.with_structured_output(JudgeScore, method="function_calling").invoke(
            [SystemMessage(JUDGE_SYSTEM), HumanMessage(markdown[:12_000])]
        )
    except Exception:
        return None
    return result if isinstance(result, JudgeScore) else None


def configured_judge() -> tuple[Any, str]:
    """The capable model COACH_MODEL names, if any, and its name."""
    from agent.llm.models import is_capable, make_chat_model

    spec = os.environ.get("COACH_MODEL", "local")
    return (make_chat_model(spec), spec) if is_capable(spec) else (None, spec)


def run(home: Path | None = None, judge_model: Any = None, judge_name: str = "") -> dict[str, Any]:
    """Run every persona; the scripted model drafts, `judge_model` (if any) judges."""
    from agent.llm.models import ScriptedChatModel
    from agent.runtime.session import Coach, Settings
    from knowledge.retriever import Retriever

    results: list[PlanResult] = []
    with tempfile.TemporaryDirectory(prefix="coach-eval-plans-") as tmp:
        where = home or Path(tmp)
        retriever = Retriever(where)
        scripted = ScriptedChatModel(default="Keep going: the plan is grounded in the cited roadmaps.")
        coach = Coach(
            Settings(home=where, model="fake"), chat_model=scripted, interface="test", retriever=retriever
        )
        for persona in personas():
            profile = persona_profile(persona)
            thread = coach.new_thread_id()
            result = PlanResult(persona["id"])
            turn = coach.plan_from_profile(thread, profile)
            if turn.review is None:
                result.failures.append("no plan reached review")
            else:
                result.failures += check_plan(
                    turn.review.plan, profile, lambda cid: retriever.chunk(cid) is not None
                )
                if judge_model is not None:
                    result.judge = judge(judge_model, turn.review.markdown)
                coach.resume(thread, "reject")
            results.append(result)
    passed = sum(not r.failures for r in results)
    return {
        "results": results,
        "passed": passed,
        "failed": len(results) - passed,
        "judge": "skipped: no capable model configured (set COACH_MODEL=openai:<model>)"
        if judge_model is None
        else f"scored by {judge_name or 'the configured model'}",
    }


def report_lines(outcome: dict[str, Any]) -> list[str]:
    """The table of personas, checks and judge scores."""
    lines = ["| persona | checks | grounding | actionability | honesty |", "|---|---|:-:|:-:|:-:|"]
    for r in outcome["results"]:
        checks = "ok" if not r.failures else "; ".join(r.failures)
        j = r.judge
        scores = f"{j.grounding} | {j.actionability} | {j.honesty}" if j else "- | - | -"
        lines.append(f"| {r.persona} | {checks} | {scores} |")
    judged = [r.judge for r in outcome["results"] if r.judge]
    lines.append("")
    lines.append(f"{outcome['passed']} passed, {outcome['failed']} failed")
    if judged:
        mean = {
            k: sum(getattr(j, k) for j in judged) / len(judged)
            for k in ("grounding", "actionability", "honesty")
        }
        lines.append("judge means: " + ", ".join(f"{k} {v:.2f}" for k, v in mean.items()))
    lines.append(f"judge: {outcome['judge']}")
    return lines


def main() -> None:
    """Print the table; exit 1 if any plan failed its checks."""
    argparse.ArgumentParser(description=__doc__).parse_args()
    model, name = configured_judge()
    outcome = run(judge_model=model, judge_name=name)
    print("\n".join(report_lines(outcome)))
    raise SystemExit(1 if outcome["failed"] else 0)


if __name__ == "__main__":
    main()
