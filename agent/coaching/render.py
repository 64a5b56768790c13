"""Markdown for people: the skill matrix, the side-by-side verdict and the whole plan."""

from __future__ import annotations

from agent.coaching.citations import citation_order, renumbered
from agent.coaching.origins import proposal_origin
from agent.coaching.plan import Milestone, Plan, PlanOption
from agent.coaching.quoting import quote_document_text
from tools.catalog import load_catalog
from tools.gap import priority_origin
from tools.industry_swap import not_for_role_line, standing_swaps
from tools.models import GapReport, SkillLine
from tools.postings import priority_from_share


def _article(noun: str) -> str:
    """'an' before a vowel sound as written ("an Agronomist", "an ML engineer"), else 'a'."""
    word = noun.split()[0] if noun.split() else ""
    initialism = word.isupper() and len(word) > 1
    return "an" if (word[:1].lower() in "aeiou" or (initialism and word[:1] in "AEFHILMNORSX")) else "a"


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def _evidence_cell(s: SkillLine) -> str:
    """'4 of 5 postings', and the priority when the postings' rule would give another."""
    if s.evidence is None:
        return "-"
    by_share = priority_from_share(s.evidence.share())
    if by_share == s.priority:
        return s.evidence.text()
    return f"{s.evidence.text()} (priority {s.priority} {priority_origin(s.source)}, not {by_share})"


def matrix_markdown(report: GapReport, elsewhere: frozenset[str] = frozenset()) -> str:
    """The 10-skill matrix of one target as a Markdown table; `elsewhere` names the skills
    of the other plan's list (a custom skill of Plan A is not 'unknown' in Plan B)."""
    evidence = any(s.evidence for s in report.skills)
    rows = [
        "| Skill | Kind | Priority | Current | Target | Gap | Hours | Weeks | Quadrant |"
        + (" Evidence |" if evidence else ""),
        "|---|---|:-:|:-:|:-:|:-:|--:|:-:|---|" + ("---|" if evidence else ""),
    ]
    for s in report.skills:
        flag = " *" if s.assumed else ""
        rows.append(
            f"| {_cell(s.name)}{flag} | {s.kind} | {s.priority} | {s.current} | {s.target} | {s.gap} | "
            f"{s.hours:g} | {s.weeks()} | {s.quadrant} |" + (f" {_evidence_cell(s)} |" if evidence else "")
        )
    out = "\n".join(rows)
    out += (
        "\n\nWeeks count from 1, one skill after another in whole weeks: no week is in two ranges. "
        "*held*: already at or above the target as set, nothing to study."
    )
    if any(s.assumed and s.current > 0 for s in report.skills):
        out += (
            "\n\n\\* level not given: assumed from your role (tell me if this is wrong), or 0 where your role "
            "says nothing about it."
        )
    elif any(s.assumed for s in report.skills):
        out += "\n\n\\* level not given: assumed 0. Tell me your level to sharpen the numbers."
    if swaps := standing_swaps(report.industry_swaps, [s.name for s in report.skills]):
        named = swaps[0].industry
        read_as = (
            "" if named.lower() == report.target.industry.lower() else f" (read as the catalog's {named})"
        )
        out += (
            f"\n\nFor {report.target.industry}{read_as}: "
            + "; ".join(f"{s.skill_in} swapped in for {s.skill_out}" for s in swaps)
            + "."
        )
    if report.industry_not_swapped:
        out += (
            f"\n\nNot swapped in for {report.target.industry}: "
            + ", ".join(report.industry_not_swapped)
            + " (every other specific skill is critical or one you rated 2 or more)."
        )
    if line := not_for_role_line(
        report.industry_not_for_role, report.target.industry, report.target.position
    ):
        out += f"\n\n{line}."
    if report.custom and report.nearest_roles:
        out += "\n\n" + proposal_origin(report)
    # A skill of the other plan's list is the person's, not an unknown: say where it belongs.
    theirs = [n for n in report.unknown_skills if n.lower() in {x.lower() for x in elsewhere}]
    unknown = [n for n in report.unknown_skills if n not in theirs]
    if theirs:
        out += "\n\nIn your other plan's skills, not this role's 10: " + ", ".join(theirs)
    if unknown:
        out += "\n\nNot in the catalog (kept, not counted in this role's 10): " + ", ".join(unknown)
    return out


def kind_note(report: GapReport, other: GapReport | None, other_label: str) -> str:
    """One line for the catalog skills this list counts as another kind than the other
    plan's list or the catalog does ("add SQL (general)" where the catalog says specific):
    each list needs 5 general and 5 specific, so the difference is said, never left to look
    like a mistake; '' when every kind agrees."""
    theirs = {s.skill_id: s.kind for s in (other.skills if other else [])}
    said = []
    for s in report.skills:
        try:
            catalog = load_catalog().skill(s.skill_id).kind
        except KeyError:
            continue  # a skill of the person's own: its kind is theirs alone
        there = theirs.get(s.skill_id)
        if there is not None and there != s.kind:
            whose = " (the catalog's kind)" if there == catalog else ""
            said.append(
                f"{s.name} counts as {s.kind} in this list and as {there} in Plan {other_label}'s{whose}"
            )
        elif s.kind != catalog:
            said.append(f"{s.name} counts as {s.kind} in this list; the catalog counts it as {catalog}")
    if not said:
        return ""
    return (
        "Kind: "
        + "; ".join(said)
        + ". Each list needs 5 general and 5 specific skills, so a skill can count as either; its hours are the same."
    )


def verdict_table(a: GapReport, b: GapReport) -> str:
    """Plan A and Plan B totals side by side."""

    def fit(r: GapReport) -> str:
        if r.attainable and not r.attainable_without_assumptions():
            return f"yes, {r.margin_weeks} wk spare, only with assumed levels ({r.assumed_weeks} wk without)"
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
    for label, r, other in (("A", a, b), ("B", b, a)):
        parts += [
            f"### Plan {label}: {r.target.label()}",
            matrix_markdown(r, _names(other)),
            f"_{r.verdict()}_",
        ]
        if note := kind_note(r, other, "B" if label == "A" else "A"):
            parts.insert(-1, note)
    return "\n\n".join(parts)


def _names(report: GapReport) -> frozenset[str]:
    return frozenset(s.name for s in report.skills)


def option_markdown(
    opt: PlanOption,
    horizon_months: int,
    elsewhere: frozenset[str] = frozenset(),
    other: GapReport | None = None,
) -> str:
    """One plan option: matrix, verdict, trim or variants, first weeks, guides, milestones;
    `other` is the other option's report (to say a skill it counts as another kind)."""
    r = opt.report
    lines = [f"### Plan {opt.label}: {r.target.label()}", matrix_markdown(r, elsewhere)]
    if note := kind_note(r, other, "B" if opt.label == "A" else "A"):
        lines.append(note)
    lines.append(f"**Verdict:** {r.verdict()}")
    # A plan that fits never mentions a trim: the trim is decided by the plan's own
    # `trimmed` field and verdict, which survive the plan being rebuilt from state.
    if r.trim is not None and not r.attainable:
        cut = [c for c in r.trim.choices if c.target < c.full_target]
        lines.append(
            f"**Best trim at {r.hours_per_week:g} h/week** ({r.trim.hours:g} of {r.trim.budget_hours:g} h budget): "
            + ", ".join(f"{c.name} to {c.target} (not {c.full_target})" for c in cut)
            + f". Or raise study time to {r.hours_per_week_needed:g} h/week for the full plan."
        )
    if opt.variant is not None:
        lines.append(variant_markdown(opt))
    # The first weeks and the guides follow what the milestones follow: with a trim, the
    # heading says so (the first of them also that the table above is the full plan).
    follows = [
        "following the best trim; the table and the total above are the full plan",
        "following the best trim",
    ]
    if opt.first_weeks:
        lines.append(_heading("The first two weeks", follows.pop(0) if opt.trimmed else ""))
        lines.append("\n".join(f"- Week {t.week} ({t.hours:g} h): {t.do}" for t in opt.first_weeks))
    if opt.guides:
        lines.append(_heading("How to learn each skill", follows.pop(0) if opt.trimmed else ""))
        lines.append(
            "\n".join(
                f"- {g.name}: {g.hours_source}."
                + (f" Resources: {'; '.join(g.resources)}." if g.resources else "")
                + (f" Passages: {', '.join(f'[{n}]' for n in g.passages)}." if g.passages else "")
                + (
                    f" The roadmap says {g.stated}; my hours are the catalog's per level step, not the roadmap's."
                    if g.stated
                    else ""
                )
                for g in opt.guides
            )
        )
    if opt.milestones:
        followed = "the best trim" if opt.trimmed else "the full plan"
        lines.append(f"**Monthly milestones** (following {followed}, {horizon_months} months):")
        lines += [f"- {milestone_line(m)}" for m in opt.milestones]
    return "\n\n".join(lines)


def _heading(title: str, note: str) -> str:
    """'**Title:**', or '**Title** (note):' with a note."""
    return f"**{title}** ({note}):" if note else f"**{title}:**"


def milestone_line(m: Milestone) -> str:
    """'Month 3: RAG: reach level 3. Project from the roadmap: “...” [2]' (Markdown), the one
    wording of a milestone wherever a plan is shown: review, saved plan, export."""
    text = "; ".join(m.goals) or "apply what you studied"
    if m.project:
        # The roadmap's words, shown as a cited quotation, never as the coach's own.
        text += ". Project from the roadmap: " + quote_document_text(m.project, f"[{m.cite}]")
    return f"Month {m.month}: {text}"


def variant_markdown(opt: PlanOption) -> str:
    """Plan A as set beside its closest realistic variants: the best trim, more hours, a nearer position."""
    v = opt.variant
    r = opt.report
    if v is None:
        return ""
    rows = [
        "**Closest realistic variants of Plan A:**",
        "",
        "| | As set | Best trim | More hours | Nearer position |",
        "|---|---|---|---|---|",
    ]
    nearer = v.nearer
    near_label = f"{nearer.target.label()} (similarity {v.nearer_similarity:.2f})" if nearer else "none fits"
    rows.append(
        f"| What | {r.target.label()} | lower targets: {v.best_trim} | the full plan | {near_label} |"
    )
    rows.append(
        f"| Study | {r.hours_per_week:g} h/week, {r.total_weeks} weeks | {r.hours_per_week:g} h/week, "
        f"{r.trim.hours if r.trim else 0:g} h | {v.hours_per_week_needed:g} h/week | "
        + (f"{nearer.hours_per_week:g} h/week, {nearer.total_weeks} weeks |" if nearer else "- |")
    )
    rows.append(f"| Fits {r.horizon_weeks} weeks | no | yes | yes | " + ("yes |" if nearer else "- |"))
    return "\n".join(rows)


def plan_markdown(plan: Plan) -> str:
    """The whole plan for review or saving."""
    # A plan saved before sources were numbered as cited is shown numbered so too.
    plan = renumbered(plan, citation_order(plan))
    p = plan.profile
    parts = [
        f"# Career plan for {_article(p.current_role)} {p.current_role}",
        f"{p.hours_per_week:g} h/week over {p.horizon_months} months. Draft `{plan.draft_id}`.",
        verdict_table(plan.a.report, plan.b.report),
        "## Why Plan A",
        "\n".join(f"- {c.text} ({c.ref})" for c in plan.rationale),
    ]
    if plan.rationale_b:
        parts += ["## Why Plan B", "\n".join(f"- {c.text} ({c.ref})" for c in plan.rationale_b)]
    if plan.coach_note:
        parts += ["## Coach's note", plan.coach_note]
    parts += [
        "## The plans",
        option_markdown(plan.a, p.horizon_months, _names(plan.b.report), plan.b.report),
        option_markdown(plan.b, p.horizon_months, _names(plan.a.report), plan.a.report),
    ]
    if plan.citations:
        parts += [
            "## Sources",
            "\n".join(
                f"- [{c.n}] {c.source} > {c.section}, lines {c.lines[0]}-{c.lines[1]}" for c in plan.citations
            ),
        ]
    return "\n\n".join(parts)
