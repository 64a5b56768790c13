"""Markdown for people: the skill matrix, the side-by-side verdict and the whole plan."""

from __future__ import annotations

from agent.coaching.plan import Plan, PlanOption
from tools.models import GapReport


def matrix_markdown(report: GapReport) -> str:
    """The 10-skill matrix of one target as a Markdown table."""
    rows = [
        "| Skill | Kind | Priority | Current | Target | Gap | Hours | Weeks | Quadrant |",
        "|---|---|:-:|:-:|:-:|:-:|--:|:-:|---|",
    ]
    for s in report.skills:
        flag = " *" if s.assumed else ""
        rows.append(
            f"| {s.name}{flag} | {s.kind} | {s.priority} | {s.current} | {s.target} | {s.gap} | "
            f"{s.hours:g} | {f'{s.start_week}-{s.finish_week}' if s.gap else '-'} | {s.quadrant} |"
        )
    out = "\n".join(rows)
    if any(s.assumed for s in report.skills):
        out += "\n\n\\* level not given: assumed 0. Tell me your level to sharpen the numbers."
    if report.unknown_skills:
        out += "\n\nNot in the catalog (kept, not counted in this role's 10): " + ", ".join(
            report.unknown_skills
        )
    return out


def verdict_table(a: GapReport, b: GapReport) -> str:
    """Plan A and Plan B totals side by side."""

    def fit(r: GapReport) -> str:
        return f"yes, {r.margin_weeks} wk spare" if r.attainable else f"no, {-r.margin_weeks} wk over"

    def need(r: GapReport) -> str:
        return "-" if r.attainable else f"{r.hours_per_week_needed:g}"

    return "\n".join(
        [
            "| | Plan A | Plan B |",
            "|---|---|---|",
            f"| Target | {a.target.label()} | {b.target.label()} |",
            f"| Total study | {a.total_hours:g} h | {b.total_hours:g} h |",
            f"| Weeks at {a.hours_per_week:g} h/week | {a.total_weeks} | {b.total_weeks} |",
            f"| Horizon | {a.horizon_weeks} weeks | {b.horizon_weeks} weeks |",
            f"| Attainable | {fit(a)} | {fit(b)} |",
            f"| h/week to fit | {need(a)} | {need(b)} |",
        ]
    )


def gaps_markdown(a: GapReport, b: GapReport) -> str:
    """The gap view: verdicts side by side, then each matrix."""
    parts = ["## Skill gap", verdict_table(a, b)]
    for label, r in (("A", a), ("B", b)):
        parts += [f"### Plan {label}: {r.target.label()}", matrix_markdown(r), f"_{r.verdict()}_"]
    return "\n\n".join(parts)


def _option_markdown(opt: PlanOption, horizon_months: int) -> str:
    r = opt.report
    lines = [f"### Plan {opt.label}: {r.target.label()}", matrix_markdown(r), f"**Verdict:** {r.verdict()}"]
    if r.trim is not None:
        cut = [c for c in r.trim.choices if c.target < c.full_target]
        lines.append(
            f"**Best trim at {r.hours_per_week:g} h/week** ({r.trim.hours:g} of {r.trim.budget_hours:g} h budget): "
            + ", ".join(f"{c.name} to {c.target} (not {c.full_target})" for c in cut)
            + f". Or raise study time to {r.hours_per_week_needed:g} h/week for the full plan."
        )
    if opt.milestones:
        followed = "the full plan" if opt.scheduled is r else "the best trim"
        lines.append(f"**Monthly milestones** (following {followed}, {horizon_months} months):")
        for m in opt.milestones:
            text = "; ".join(m.goals)
            if m.project:
                text += f". Project: {m.project} [{m.cite}]"
            lines.append(f"- Month {m.month}: {text}")
    return "\n\n".join(lines)


def plan_markdown(plan: Plan) -> str:
    """The whole plan for review or saving."""
    p = plan.profile
    parts = [
        f"# Career plan for a {p.current_role}",
        f"{p.hours_per_week:g} h/week over {p.horizon_months} months. Draft `{plan.draft_id}`.",
        verdict_table(plan.a.report, plan.b.report),
        "## Why Plan A",
        "\n".join(f"- {c.text} ({c.ref})" for c in plan.rationale),
    ]
    if plan.coach_note:
        parts += ["## Coach's note", plan.coach_note]
    parts += [
        "## The plans",
        _option_markdown(plan.a, p.horizon_months),
        _option_markdown(plan.b, p.horizon_months),
    ]
    if plan.citations:
        parts += [
            "## Sources",
            "\n".join(
                f"- [{c.n}] {c.source} > {c.section}, lines {c.lines[0]}-{c.lines[1]}" for c in plan.citations
            ),
        ]
    return "\n\n".join(parts)
