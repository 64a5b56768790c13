"""The plan a person approves: Plan A and Plan B side by side, grounded and scheduled.

Everything here is a pure function of the profile, the gap reports and the
retrieved passages; the model only adds a short coach's note on top.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, Field

from agent.coaching.actions import (
    SkillGuide,
    Task,
    Variant,
    closest_variant,
    first_weeks,
    project_month,
    project_skills,
    skill_guides,
)
from agent.coaching.citations import citation_order, renumbered
from agent.coaching.origins import Claim, target_claims
from agent.coaching.passages import Passage
from agent.coaching.quoting import looks_like_instruction, quote_document_text
from agent.coaching.relevance import about_target, set_elsewhere, stated_time, stated_total
from tools.gap import gap_report, month_weeks
from tools.models import GapReport, Profile, Target, TargetSkill, weeks_text


class Citation(BaseModel):
    """A retrieved passage a plan cites as [n]."""

    n: int
    id: str
    source: str
    section: str
    lines: list[int]
    excerpt: str


class Milestone(BaseModel):
    """What to have done by the end of a month."""

    month: int = Field(ge=1)
    goals: list[str]
    project: str | None = None
    cite: int | None = None
    project_skills: list[str] = Field(
        default_factory=list, description="the plan's skills the project exercises"
    )


class PlanOption(BaseModel):
    """One target with its numbers and schedule."""

    label: Literal["A", "B"]
    report: GapReport
    scheduled: GapReport = Field(description="what the milestones follow: the full plan, or its best trim")
    trimmed: bool = Field(default=False, description="the milestones follow the best trim, not the full plan")
    milestones: list[Milestone]
    first_weeks: list[Task] = Field(default_factory=list, description="the first two weeks as tasks")
    guides: list[SkillGuide] = Field(default_factory=list, description="per skill: hours' source, resources")
    variant: Variant | None = Field(default=None, description="Plan A only, when it does not fit")


class Plan(BaseModel):
    """A drafted plan, as reviewed and, once approved, saved."""

    draft_id: str
    profile: Profile
    a: PlanOption
    b: PlanOption
    rationale: list[Claim]
    rationale_b: list[Claim] = Field(default_factory=list, description="why Plan B, from the figures")
    coach_note: str = ""
    citations: list[Citation]


def _first_sentence(text: str, limit: int = 160) -> str:
    body = " ".join(
        line.strip(" -*#>|") for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    sentence = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _projects(citations: list[Citation], passages: list[Passage]) -> list[tuple[str, int]]:
    """Project ideas (bullet lines under a Projects heading) with the citation they came from."""
    found: list[tuple[str, int]] = []
    for cite, passage in zip(citations, passages, strict=True):
        if "project" not in passage["section"].lower():
            continue
        for line in passage["text"].splitlines():
            m = re.match(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[.\]\s*)?(.+)$", line)
            if m and len(m.group(1)) > 12 and not looks_like_instruction(m.group(1)):
                found.append((m.group(1).strip().rstrip("."), cite.n))
    return found


def milestones(report: GapReport, horizon_months: int, projects: list[tuple[str, int]]) -> list[Milestone]:
    """Monthly milestones from the schedule. Each roadmap project goes in the month the
    last skill it exercises is finished, never before those skills are studied; a
    project that exercises none of the plan's skills is left out."""
    placed: dict[int, tuple[str, int, list[str]]] = {}
    for text, cite in projects:
        skills = project_skills(text, report)
        if not skills:
            continue
        month = min(project_month(skills), horizon_months)
        while month in placed and month < horizon_months:  # one project a month
            month += 1
        if month not in placed:
            placed[month] = (text, cite, [s.name for s in skills])
    out: list[Milestone] = []
    for month in range(1, horizon_months + 1):
        lo, hi = month_weeks(month)
        goals: list[str] = []
        for line in report.skills:
            if line.gap == 0 or line.finish_week <= lo or line.start_week >= hi:
                continue
            if line.finish_week <= hi:
                goals.append(f"{line.name}: reach level {line.target}")
            else:
                goals.append(f"{line.name}: keep going toward level {line.target}")
        if not goals and month not in placed:
            if lo >= report.total_weeks:
                break
            continue
        text, cite, exercised = placed.get(month, ("", 0, []))
        out.append(
            Milestone(
                month=month, goals=goals, project=text or None, cite=cite or None, project_skills=exercised
            )
        )
    return out


def pinned_target(report: GapReport, fallback: Target) -> Target:
    """The report's own 10 skills as a target, so a recomputation (the trim, a check-in)
    keeps a proposal's or the postings' skills instead of proposing again."""
    if not report.custom and not any(s.evidence for s in report.skills):
        return fallback
    return report_target(report)


def report_target(report: GapReport) -> Target:
    """A report's 10 skills, as drafted, as a target carrying its own list."""
    skills = [
        TargetSkill(
            name=s.name,
            kind=s.kind,
            priority=s.priority,
            target=s.target,
            evidence=s.evidence,
            reason=s.source,
        )
        for s in report.skills
    ]
    return Target(position=report.target.position, industry=report.target.industry, skills=skills)


def scheduled_report(profile: Profile, label: Literal["A", "B"], report: GapReport) -> GapReport:
    """The full plan when it fits; else the optimiser's best trim, rescheduled."""
    if report.attainable or report.trim is None:
        return report
    target = pinned_target(report, profile.plan_a if label == "A" else profile.plan_b)
    by_name = {s.name: s.skill_id for s in report.skills}
    overrides = {by_name[c.name]: c.target for c in report.trim.choices}
    return gap_report(profile, target, overrides)


def _rationale(
    profile: Profile,
    a: GapReport,
    b: GapReport,
    citations: list[Citation],
    said: tuple[int, str] | None = None,
) -> list[Claim]:
    claims = [
        Claim(
            text=(
                f"Plan A ({a.target.label()}) needs {a.total_hours:g} h of study: {a.total_weeks} weeks at "
                f"{a.hours_per_week:g} h/week against your {a.horizon_weeks}-week horizon."
            ),
            basis="figure",
            ref="gap engine: total_hours, total_weeks",
        ),
        Claim(
            text=f"Plan B ({b.target.label()}) needs {b.total_hours:g} h ({b.total_weeks} weeks); "
            + _compared(a.total_hours, b.total_hours),
            basis="figure",
            ref="gap engine: total_hours",
        ),
    ]
    held = [s for s in a.skills if s.gap == 0]
    biggest = max(a.skills, key=lambda s: s.hours)
    claims.append(
        Claim(
            text=(
                f"You already hold {len(held)} of Plan A's 10 skills at target; the largest piece of work is "
                f"{biggest.name} ({biggest.current}->{biggest.target}, {biggest.hours:g} h)."
            ),
            basis="figure",
            ref="gap engine: skills",
        )
    )
    if a.attainable:
        claims.append(
            Claim(
                text=f"It fits with {weeks_text(a.margin_weeks)} to spare.",
                basis="figure",
                ref="gap engine: margin_weeks",
            )
        )
    else:
        trim = a.trim
        text = f"As set it misses by {weeks_text(-a.margin_weeks)}: it needs {a.hours_per_week_needed:g} h/week to fit"
        if trim is not None:
            cut = [c for c in trim.choices if c.target < c.full_target]
            # Every cut the trim makes: the verdict and the trim line list them all.
            names = ", ".join(f"{c.name} to {c.target}" for c in cut)
            text += f", or, at {a.hours_per_week:g} h/week, aim lower on {names} (the best trim)"
        claims.append(Claim(text=text + ".", basis="figure", ref="gap engine: hours_per_week_needed, trim"))
    if a.attainable and not a.attainable_without_assumptions():
        claims.append(
            Claim(
                text=(
                    f"It fits only if the levels assumed from your role hold: with them at 0 it takes "
                    f"{a.assumed_weeks} weeks. Tell me your real levels to be sure."
                ),
                basis="figure",
                ref="gap engine: assumed_weeks",
            )
        )
    for cite in [c for c in citations if said is None or c.n != said[0]][:2]:
        # The claim's ref carries the citation; the quotation itself stays bare.
        quoted = quote_document_text(cite.excerpt, f"[{cite.n}]").removesuffix(f" [{cite.n}]")
        claims.append(Claim(text=f"{cite.section}: {quoted}", basis="passage", ref=f"[{cite.n}]"))
    if said is not None:
        # A roadmap's own estimate for the whole move, beside where the coach's comes from.
        n, sentence = said
        claims.append(
            Claim(
                text=f"The roadmap says {quote_document_text(sentence, f'[{n}]').removesuffix(f' [{n}]')}; "
                f"my {a.total_hours:g} h "
                f"({a.total_weeks} weeks at {a.hours_per_week:g} h/week) adds up the catalog's hours per "
                "level step for each skill, not the roadmap's estimate (see `coach explain`).",
                basis="passage",
                ref=f"[{n}]",
            )
        )
    if not citations:
        claims.append(
            Claim(
                text=f"The roadmaps I have do not cover {a.target.position}: none of the passages found for "
                "it names the position or one of its skills, so nothing is quoted; `coach ingest` a roadmap "
                "that does.",
                basis="figure",
                ref="retrieved passages: none about this target",
            )
        )
    return claims + target_claims(a)


def _compared(a_hours: float, b_hours: float) -> str:
    """How Plan A's total compares with Plan B's, said as the figures are (equal totals are
    the same cost: neither is 'the shorter path')."""
    if round(a_hours, 1) == round(b_hours, 1):
        return "the same as Plan A: neither path is shorter."
    if a_hours < b_hours:
        return f"Plan A is the shorter path, by {round(b_hours - a_hours, 1):g} h."
    return f"Plan A costs {round(a_hours - b_hours, 1):g} h more, kept first because you ranked it first."


def _rationale_b(a: GapReport, b: GapReport) -> list[Claim]:
    fit = (
        f"it fits with {weeks_text(b.margin_weeks)} to spare"
        if b.attainable
        else f"it misses by {weeks_text(-b.margin_weeks)} at {b.hours_per_week:g} h/week"
    )
    shared = {s.skill_id for s in a.skills} & {s.skill_id for s in b.skills}
    return [
        Claim(
            text=f"Plan B ({b.target.label()}) needs {b.total_hours:g} h, {b.total_weeks} weeks: {fit}.",
            basis="figure",
            ref="gap engine: total_hours, total_weeks, margin_weeks",
        ),
        Claim(
            text=f"It shares {len(shared)} of its 10 skills with Plan A, so study for one counts toward the other.",
            basis="figure",
            ref="gap engine: skills",
        ),
        *target_claims(b),
    ]


def build_plan(
    profile: Profile,
    reports: tuple[GapReport, GapReport],
    passages_a: list[Passage],
    passages_b: list[Passage],
    coach_note: str = "",
) -> Plan:
    """Assemble the plan; `passages_*` are hit dicts retrieved for each target."""
    seen: dict[str, Citation] = {}
    for p in passages_a + passages_b:
        if p["id"] not in seen:
            seen[p["id"]] = Citation(
                n=len(seen) + 1,
                id=p["id"],
                source=p["source"],
                section=p["section"],
                lines=list(p["lines"]),
                excerpt=_first_sentence(p["text"]),
            )
    citations = list(seen.values())
    cites_a = [seen[p["id"]] for p in passages_a]
    cites_b = [seen[p["id"]] for p in passages_b]
    options = []
    for label, report, cites, passages in (
        ("A", reports[0], cites_a, passages_a),
        ("B", reports[1], cites_b, passages_b),
    ):
        scheduled = scheduled_report(profile, label, report)  # type: ignore[arg-type]
        texts = {seen[p["id"]].n: p["text"] for p in passages}
        guides = [_with_stated(g, texts) for g in skill_guides(scheduled, cites, texts)]
        options.append(
            PlanOption(
                label=label,  # type: ignore[arg-type]
                report=report,
                scheduled=scheduled,
                trimmed=scheduled is not report,
                milestones=milestones(
                    scheduled,
                    profile.horizon_months,
                    # A project set in another industry is not this person's (an e-commerce
                    # star schema for a healthcare analyst).
                    [
                        p
                        for p in _projects(cites, passages)
                        if not set_elsewhere(p[0], report.target.industry)
                    ],
                ),
                first_weeks=first_weeks(scheduled, {g.name: g.passages for g in guides}),
                guides=guides,
                variant=closest_variant(profile, report) if label == "A" else None,
            )
        )
    body = {
        "profile": profile.model_dump(),
        "a": options[0].model_dump(),
        "b": options[1].model_dump(),
        "citations": [c.model_dump() for c in citations],
    }
    draft_id = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:16]
    # The rationale quotes passages about Plan A (its skills or its position), never one
    # about another job or a skill the person replaced, nor Plan B's passages in its place.
    texts = {seen[p["id"]].n: p["text"] for p in passages_a}
    quoted = [c for c in cites_a if about_target(reports[0], texts[c.n], c.section)]
    said = next(((c.n, t) for c in quoted if (t := stated_total(texts[c.n]))), None)
    rationale = _rationale(profile, reports[0], reports[1], quoted, said)
    plan = Plan(
        draft_id=draft_id,
        profile=profile,
        a=options[0],
        b=options[1],
        rationale=rationale,
        rationale_b=_rationale_b(reports[0], reports[1]),
        coach_note=coach_note,
        citations=citations,
    )
    # Sources are numbered as the plan cites them, and only those it cites are listed.
    return renumbered(plan, citation_order(plan))


def _with_stated(guide: SkillGuide, texts: dict[int, str]) -> SkillGuide:
    """A guide with the first time a passage cited for the skill states for it, quoted, so
    the coach's hours stand beside the roadmap's ("about 40 hours ... in Storyline")."""
    for n in guide.passages:
        if sentence := stated_time(texts.get(n, ""), guide.name):
            return guide.model_copy(update={"stated": quote_document_text(sentence, f"[{n}]")})
    return guide
