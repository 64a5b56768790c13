"""The plan a person approves: Plan A and Plan B side by side, grounded and scheduled.

Everything here is a pure function of the profile, the gap reports and the
retrieved passages; the model only adds a short coach's note on top.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.gap import WEEKS_PER_MONTH, gap_report
from tools.models import GapReport, Profile


class Citation(BaseModel):
    """A retrieved passage a plan cites as [n]."""

    n: int
    id: str
    source: str
    section: str
    lines: list[int]
    excerpt: str


class Claim(BaseModel):
    """One sentence of the rationale and what it stands on."""

    text: str
    basis: Literal["passage", "figure"]
    ref: str = Field(description="'[n]' for a passage, or the gap-engine figure it quotes")


class Milestone(BaseModel):
    """What to have done by the end of a month."""

    month: int = Field(ge=1)
    goals: list[str]
    project: str | None = None
    cite: int | None = None


class PlanOption(BaseModel):
    """One target with its numbers and schedule."""

    label: Literal["A", "B"]
    report: GapReport
    scheduled: GapReport = Field(description="what the milestones follow: the full plan, or its best trim")
    milestones: list[Milestone]


class Plan(BaseModel):
    """A drafted plan, as reviewed and, once approved, saved."""

    draft_id: str
    profile: Profile
    a: PlanOption
    b: PlanOption
    rationale: list[Claim]
    coach_note: str = ""
    citations: list[Citation]


def _first_sentence(text: str, limit: int = 160) -> str:
    body = " ".join(
        line.strip(" -*#>|") for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    sentence = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _projects(citations: list[Citation], passages: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Project ideas (bullet lines under a Projects heading) with the citation they came from."""
    found: list[tuple[str, int]] = []
    for cite, passage in zip(citations, passages, strict=True):
        if "project" not in passage["section"].lower():
            continue
        for line in passage["text"].splitlines():
            m = re.match(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[.\]\s*)?(.+)$", line)
            if m and len(m.group(1)) > 12:
                found.append((m.group(1).strip().rstrip("."), cite.n))
    return found


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{3,}", text.lower())) - {"and", "the", "with", "for", "from"}


def milestones(report: GapReport, horizon_months: int, projects: list[tuple[str, int]]) -> list[Milestone]:
    """Monthly milestones from the schedule. A month in which a skill is completed gets
    a project to apply it: the roadmap project that shares the most words with it."""
    out: list[Milestone] = []
    unused = list(projects)
    for month in range(1, horizon_months + 1):
        lo, hi = (month - 1) * WEEKS_PER_MONTH, month * WEEKS_PER_MONTH
        goals: list[str] = []
        finished: set[str] = set()
        for line in report.skills:
            if line.gap == 0 or line.finish_week <= lo or line.start_week >= hi:
                continue
            if line.finish_week <= hi:
                goals.append(f"{line.name}: reach level {line.target}")
                finished |= _words(line.name)
            else:
                goals.append(f"{line.name}: keep going toward level {line.target}")
        if not goals:
            if lo >= report.total_weeks:
                break
            continue
        project, cite = None, None
        if finished and unused:
            best = max(unused, key=lambda p: len(finished & _words(p[0])))
            unused.remove(best)
            project, cite = best
        out.append(Milestone(month=month, goals=goals, project=project, cite=cite))
    return out


def scheduled_report(profile: Profile, label: Literal["A", "B"], report: GapReport) -> GapReport:
    """The full plan when it fits; else the optimiser's best trim, rescheduled."""
    if report.attainable or report.trim is None:
        return report
    target = profile.plan_a if label == "A" else profile.plan_b
    by_name = {s.name: s.skill_id for s in report.skills}
    overrides = {by_name[c.name]: c.target for c in report.trim.choices}
    return gap_report(profile, target, overrides)


def _rationale(profile: Profile, a: GapReport, b: GapReport, citations: list[Citation]) -> list[Claim]:
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
            text=(
                f"Plan B ({b.target.label()}) needs {b.total_hours:g} h ({b.total_weeks} weeks); "
                + (
                    "Plan A is the shorter path."
                    if a.total_hours <= b.total_hours
                    else f"Plan A costs {a.total_hours - b.total_hours:g} h more, kept first because you ranked it first."
                )
            ),
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
                text=f"It fits with {a.margin_weeks} weeks to spare.",
                basis="figure",
                ref="gap engine: margin_weeks",
            )
        )
    else:
        trim = a.trim
        text = (
            f"As set it misses by {-a.margin_weeks} weeks: it needs {a.hours_per_week_needed:g} h/week to fit"
        )
        if trim is not None:
            cut = [c for c in trim.choices if c.target < c.full_target]
            names = ", ".join(f"{c.name} to {c.target}" for c in cut[:4])
            text += f", or, at {a.hours_per_week:g} h/week, aim lower on {names} (the best trim)"
        claims.append(Claim(text=text + ".", basis="figure", ref="gap engine: hours_per_week_needed, trim"))
    for cite in citations[:2]:
        claims.append(Claim(text=f"{cite.section}: {cite.excerpt}", basis="passage", ref=f"[{cite.n}]"))
    if a.industry_note:
        claims.append(
            Claim(text=f"In {a.target.industry}: {a.industry_note}", basis="figure", ref="catalog: industry")
        )
    return claims


def build_plan(
    profile: Profile,
    reports: tuple[GapReport, GapReport],
    passages_a: list[dict[str, Any]],
    passages_b: list[dict[str, Any]],
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
        options.append(
            PlanOption(
                label=label,  # type: ignore[arg-type]
                report=report,
                scheduled=scheduled,
                milestones=milestones(scheduled, profile.horizon_months, _projects(cites, passages)),
            )
        )
    body = {
        "profile": profile.model_dump(),
        "a": options[0].model_dump(),
        "b": options[1].model_dump(),
        "citations": [c.model_dump() for c in citations],
    }
    draft_id = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return Plan(
        draft_id=draft_id,
        profile=profile,
        a=options[0],
        b=options[1],
        rationale=_rationale(profile, reports[0], reports[1], cites_a or citations),
        coach_note=coach_note,
        citations=citations,
    )
