"""A saved plan as the assessment template's deliverable, in Markdown or a self-contained
HTML page with a timeline chart and the priority x ease matrix drawn as inline SVG."""

from __future__ import annotations

import re
from html import escape
from typing import Literal

from agent.coaching.citations import citation_order, renumbered
from agent.coaching.plan import Claim, Plan, PlanOption
from agent.coaching.render import kind_note, milestone_line
from tools.models import PRIORITY_LABELS, GapReport, SkillLine

Format = Literal["md", "html"]
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]<>|~])")


def _notes(s: SkillLine) -> str:
    parts = []
    if s.evidence is not None:
        parts.append(s.evidence.text())
    if s.assumed:
        parts.append(f"level {s.prior}" if s.current > 0 else "level not given: assumed 0")
    if s.source.startswith("industry:"):
        parts.append(f"asked for in {s.source.split(': ', 1)[1]}")
    parts.append(
        (f"held: at {s.current}, target {s.target}" if s.target < s.current else f"held at {s.current}")
        if s.gap == 0
        else f"level {s.current}->{s.target} at ease {s.ease}: {s.hours:g} h"
    )
    return "; ".join(parts)


def _unmarkdown(text: str) -> str:
    """A Markdown line's escapes undone (the HTML page escapes it as HTML instead)."""
    return _MD_ESCAPE.sub(r"\1", text)


def _time(s: SkillLine, hpw: float) -> str:
    return "held" if s.gap == 0 else f"{s.hours:g} h (~{s.hours / hpw:.1f} wk)"


def skill_table_md(r: GapReport) -> str:
    """The 10-skill assessment table: skill, priority, current, target, gap, time to target, notes."""
    rows = [
        "| Skill | Priority | Current | Target | Gap | Time to target | Notes |",
        "|---|:-:|:-:|:-:|:-:|---|---|",
    ]
    for s in r.skills:
        rows.append(
            f"| {s.name} ({s.kind}) | {s.priority} ({PRIORITY_LABELS[s.priority]}) | {s.current} | {s.target} | "
            f"{s.gap} | {_time(s, r.hours_per_week)} | {_notes(s).replace('|', '/')} |"
        )
    return "\n".join(rows)


def _claims_md(claims: list[Claim]) -> str:
    return "\n".join(f"- {c.text} ({c.ref})" for c in claims)


def option_export_markdown(opt: PlanOption, other: GapReport | None = None) -> str:
    """One plan option as the deliverable's section: table, total, verdict, milestones;
    `other` is the other option's report (to say a skill it counts as another kind)."""
    r = opt.report
    parts = [
        f"## Plan {opt.label}: {r.target.label()}",
        skill_table_md(r),
        *filter(None, [kind_note(r, other, "B" if opt.label == "A" else "A")]),
        f"**Total time:** {r.total_hours:g} h, {r.total_weeks} weeks at {r.hours_per_week:g} h/week "
        f"(horizon {r.horizon_weeks} weeks).",
        f"**Attainable within the horizon:** {r.verdict()}",
    ]
    if trim := trim_note(opt):
        parts.append(trim)
    if opt.milestones:
        parts.append("**Milestones:**")
        parts.append("\n".join(f"- {milestone_line(m)}" for m in opt.milestones))
    return "\n\n".join(parts)


def trim_note(opt: PlanOption) -> str:
    """Which trim the milestones (and the HTML's charts) follow when the plan does not fit;
    empty when it fits. The table and the total are the full plan."""
    r = opt.report
    if not opt.trimmed or r.trim is None:
        return ""
    cut = ", ".join(f"{c.name} to {c.target}" for c in r.trim.choices if c.target < c.full_target)
    return (
        f"Milestones follow the best trim: {cut} ({r.trim.hours:g} h, {opt.scheduled.total_weeks} weeks at "
        f"{r.hours_per_week:g} h/week); the table and the total above are the full plan."
    )


def cited_in_export(plan: Plan) -> Plan:
    """The plan with only the sources the export's own text cites (its rationale and
    milestones: it shows no first weeks or guides), numbered in the order it cites them."""
    return renumbered(plan, citation_order(plan, guides=False))


def export_markdown(plan: Plan) -> str:
    """The plan as the template's deliverable, in Markdown."""
    plan = cited_in_export(plan)
    p = plan.profile
    parts = [
        f"# Career plan: {plan.a.report.target.label()}",
        f"Today: {p.current_role}. Study budget {p.hours_per_week:g} h/week over {p.horizon_months} months.",
        "## Goal",
        f"**Plan A:** {plan.a.report.target.position}, industry {plan.a.report.target.industry}.",
        _claims_md(plan.rationale),
        f"**Plan B:** {plan.b.report.target.position}, industry {plan.b.report.target.industry}.",
        _claims_md(plan.rationale_b),
        option_export_markdown(plan.a, plan.b.report),
        option_export_markdown(plan.b, plan.a.report),
    ]
    if plan.citations:
        parts += [
            "## Sources",
            "\n".join(
                f"- [{c.n}] {c.source} > {c.section}, lines {c.lines[0]}-{c.lines[1]}" for c in plan.citations
            ),
        ]
    return "\n\n".join(parts) + "\n"


# ---- HTML ------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2433;padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:2px solid #e3e7ef;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.8rem 0}
th,td{border:1px solid #d6dbe6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f4f9}td.n{text-align:center}.verdict{padding:.6rem .8rem;border-radius:6px}
.fits{background:#e6f6ec}.misses{background:#fdecea}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}
"""
_PRIORITY_COLOUR = {1: "#c0392b", 2: "#e08e0b", 3: "#4a7bd0"}


def timeline_svg(r: GapReport) -> str:
    """One bar per skill by week, with the horizon marked."""
    rows = [s for s in r.skills if s.gap > 0]
    weeks = max([r.horizon_weeks, r.total_weeks, 1])
    # Wide enough for a 38-character name at 12 px (names longer than that are cut).
    left, width, bar, gap = 280, 620, 18, 6
    height = 40 + len(rows) * (bar + gap) + 30
    scale = width / weeks
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="timeline" width="{left + width + 30}" '
        f'height="{height}" viewBox="0 0 {left + width + 30} {height}" font-size="12">',
        f"<title>Timeline: {escape(r.target.label())}</title>",
    ]
    for w in range(0, weeks + 1, 4 if weeks <= 60 else 8):
        x = left + w * scale
        out.append(f'<line x1="{x:.1f}" y1="24" x2="{x:.1f}" y2="{height - 26}" stroke="#eceff4"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#667">{w}</text>')
    for i, s in enumerate(rows):
        y = 30 + i * (bar + gap)
        x0, x1 = left + s.start_week * scale, left + max(s.finish_week, s.start_week + 1) * scale
        out.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{escape(_short(s.name, 38))}</text>')
        out.append(
            f'<rect class="bar" x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{bar}" rx="3" '
            f'fill="{_PRIORITY_COLOUR[s.priority]}"><title>{escape(s.name)}: weeks {s.weeks()}, '
            f"{s.hours:g} h</title></rect>"
        )
    hx = left + r.horizon_weeks * scale
    out.append(
        f'<line x1="{hx:.1f}" y1="18" x2="{hx:.1f}" y2="{height - 26}" stroke="#1d2433" stroke-dasharray="5,3"/>'
    )
    out.append(f'<text x="{hx:.1f}" y="14" text-anchor="end">horizon: week {r.horizon_weeks}</text>')
    out.append("</svg>")
    return "".join(out)


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def matrix_svg(r: GapReport, full: GapReport | None = None) -> str:
    """The priority x ease matrix: four quadrants with the skills in each; held skills below.
    For a trim (`r`) of a plan (`full`), a skill the trim leaves at its level is said so,
    not called held."""
    cells = {
        "quick win": (0, 0, "Quick wins: important, easier"),
        "major project": (1, 0, "Major projects: important, hard"),
        "fill-in": (0, 1, "Fill-ins: nice to have, easier"),
        "defer": (1, 1, "Defer: nice to have, hard"),
    }
    most = max([sum(1 for s in r.skills if s.quadrant == q) for q in cells] + [1])
    cw, ch, top, left = 330, max(170, 50 + 20 * most), 30, 104
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="matrix" width="{left + 2 * cw + 10}" '
        f'height="{top + 2 * ch + 60}" font-size="12">',
        f"<title>Priority x ease: {escape(r.target.label())}</title>",
        f'<text x="{left + cw / 2}" y="18" text-anchor="middle" font-weight="bold">easier (ease 2-3)</text>',
        f'<text x="{left + 1.5 * cw}" y="18" text-anchor="middle" font-weight="bold">hard (ease 1)</text>',
        f'<text x="6" y="{top + ch / 2}" font-weight="bold">priority 1-2</text>',
        f'<text x="12" y="{top + 1.5 * ch}" font-weight="bold">priority 3</text>',
    ]
    fills = {"quick win": "#e6f6ec", "major project": "#fff3df", "fill-in": "#eef3fb", "defer": "#f3f3f3"}
    for quad, (cx, cy, label) in cells.items():
        x, y = left + cx * cw, top + cy * ch
        out.append(
            f'<rect class="quadrant" x="{x}" y="{y}" width="{cw}" height="{ch}" fill="{fills[quad]}" stroke="#9aa5b8"/>'
        )
        out.append(f'<text x="{x + 8}" y="{y + 18}" font-weight="bold">{label}</text>')
        for j, s in enumerate(s for s in r.skills if s.quadrant == quad):
            out.append(
                f'<circle cx="{x + 16}" cy="{y + 38 + j * 20}" r="6" fill="{_PRIORITY_COLOUR[s.priority]}"/>'
                f'<text class="skill" x="{x + 28}" y="{y + 42 + j * 20}">{escape(_short(s.name, 36))} ({s.current}->{s.target})</text>'
            )
    wanted = {s.name for s in full.skills if s.gap > 0} if full is not None else set()
    held = [s.name for s in r.skills if s.quadrant == "held" and s.name not in wanted]
    kept = [s.name for s in r.skills if s.quadrant == "held" and s.name in wanted]
    groups = [("Held at target:", held or ["none"])] + ([("Not studied in this trim:", kept)] if kept else [])
    # Every name, on as many lines as it takes (one line of 140 characters cut them off).
    rows: list[str] = []
    for label, names in groups:
        row = label
        for name in names:
            if len(row) + len(name) > 100:
                rows.append(row + ",")
                row = name
            else:
                row = f"{row}{' ' if row.endswith(':') else ', '}{name}"
        rows.append(row)
    for k, text in enumerate(rows):
        out.append(f'<text x="{left}" y="{top + 2 * ch + 24 + 18 * k}">{escape(text)}</text>')
    out[0] = out[0].replace(f'height="{top + 2 * ch + 60}"', f'height="{top + 2 * ch + 42 + 18 * len(rows)}"')
    out.append("</svg>")
    return "".join(out)


def _table_html(r: GapReport) -> str:
    head = "".join(
        f"<th>{h}</th>" for h in ("Skill", "Priority", "Current", "Target", "Gap", "Time to target", "Notes")
    )
    body = "".join(
        f"<tr><td>{escape(s.name)} <small>({s.kind})</small></td><td class=n>{s.priority}</td>"
        f"<td class=n>{s.current}{'*' if s.assumed else ''}</td><td class=n>{s.target}</td><td class=n>{s.gap}</td>"
        f"<td>{escape(_time(s, r.hours_per_week))}</td><td>{escape(_notes(s))}</td></tr>"
        for s in r.skills
    )
    return f"<table class=skills><tr>{head}</tr>{body}</table>"


def _option_html(opt: PlanOption, other: GapReport) -> str:
    r = opt.report
    kinds = kind_note(r, other, "B" if opt.label == "A" else "A")
    shown = opt.scheduled
    ms = "".join(f"<li>{escape(_unmarkdown(milestone_line(m)))}</li>" for m in opt.milestones)
    # The charts follow what the milestones follow (the trim when the plan does not fit),
    # and the page says so: the table is the full assessment.
    note = trim_note(opt).replace("Milestones follow", "The timeline, the matrix and the milestones follow")
    trim = " (the best trim)" if opt.trimmed else ""
    return (
        f"<section id=plan-{opt.label.lower()}><h2>Plan {opt.label}: {escape(r.target.label())}</h2>"
        f"{_table_html(r)}"
        + (f"<p>{escape(kinds)}</p>" if kinds else "")
        + f"<p><b>Total time:</b> {r.total_hours:g} h, {r.total_weeks} weeks at "
        f"{r.hours_per_week:g} h/week (horizon {r.horizon_weeks} weeks).</p>"
        f"<p class='verdict {'fits' if r.attainable else 'misses'}'><b>Attainable:</b> {escape(r.verdict())}</p>"
        + (f"<p class=trim>{escape(note)}</p>" if note else "")
        + f"<figure>{timeline_svg(shown)}<figcaption>Timeline by week{trim}; colour = priority "
        f"(red 1, amber 2, blue 3).</figcaption></figure>"
        f"<figure>{matrix_svg(shown, r)}<figcaption>Priority x ease of learning{trim}.</figcaption></figure>"
        f"<h3>Milestones</h3><ul>{ms}</ul></section>"
    )


def export_html(plan: Plan) -> str:
    """The plan as a self-contained HTML page (no scripts, no external files)."""
    plan = cited_in_export(plan)
    p = plan.profile

    def claims(cs: list[Claim]) -> str:
        return (
            "<ul>"
            + "".join(f"<li>{escape(_unmarkdown(c.text))} <small>({escape(c.ref)})</small></li>" for c in cs)
            + "</ul>"
        )

    sources = "".join(
        f"<li>[{c.n}] {escape(c.source)} &gt; {escape(c.section)}, lines {c.lines[0]}-{c.lines[1]}</li>"
        for c in plan.citations
    )
    a, b = plan.a.report.target, plan.b.report.target
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Career plan: {escape(a.label())}</title><style>{_CSS}</style></head><body>"
        f"<h1>Career plan: {escape(a.label())}</h1>"
        f"<p>Today: {escape(p.current_role)}. Study budget {p.hours_per_week:g} h/week over {p.horizon_months} months.</p>"
        f"<h2>Goal</h2><p><b>Plan A:</b> {escape(a.position)}, industry {escape(a.industry)}.</p>{claims(plan.rationale)}"
        f"<p><b>Plan B:</b> {escape(b.position)}, industry {escape(b.industry)}.</p>{claims(plan.rationale_b)}"
        f"{_option_html(plan.a, plan.b.report)}{_option_html(plan.b, plan.a.report)}"
        + (f"<h2>Sources</h2><ul>{sources}</ul>" if sources else "")
        + "</body></html>\n"
    )


def export_plan(plan: Plan, fmt: Format) -> str:
    """The plan in `fmt`: "md" or "html"."""
    return export_html(plan) if fmt == "html" else export_markdown(plan)
