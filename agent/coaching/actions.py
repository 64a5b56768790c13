"""What makes a plan something to act on tomorrow: the first two weeks as tasks, each
skill's resources and the passages that teach it, where its hours come from, projects
placed where their skills are studied, and the closest variant when Plan A cannot fit."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from tools.catalog import load_catalog
from tools.gap import gap_report, month_of_week
from tools.learning_time import STEP_HOURS, STEP_REASONS
from tools.models import GapReport, Profile, SkillLine, Target
from tools.postings import skill_mentions

FIRST_WEEKS = 2


class Task(BaseModel):
    """One concrete thing to do in one of the first weeks."""

    week: int = Field(ge=1)
    skill: str
    hours: float
    do: str


class SkillGuide(BaseModel):
    """How to learn one skill of the plan: where its hours come from, and what teaches it."""

    name: str
    hours_source: str
    resources: list[str]
    passages: list[int] = Field(default_factory=list, description="citations [n] that teach it")
    stated: str = Field(default="", description="a cited passage's own time for it, quoted with its [n]")


class Variant(BaseModel):
    """The closest realistic alternative when Plan A does not fit the horizon."""

    best_trim: str
    hours_per_week_needed: float
    nearer: GapReport | None = Field(default=None, description="a nearer position whose plan fits")
    nearer_similarity: float | None = None


def hours_source(line: SkillLine) -> str:
    """'level 1->3 at ease 2: 96 h, see `coach explain`'."""
    if line.gap == 0:
        return f"held at level {line.current}: 0 h"
    return f"level {line.current}->{line.target} at ease {line.ease}: {line.hours:g} h, see `coach explain`"


# A skill with no catalog resource and no cited passage (a posting's "ADDIE").
NOTHING_TO_START_WITH = (
    "I have no resource or roadmap passage for it yet: `coach ingest` a roadmap that covers it"
)


def first_weeks(report: GapReport, citations_by_skill: dict[str, list[int]]) -> list[Task]:
    """The first two weeks as tasks: the skills studied in each week, in learning order,
    with that week's hours for each, the step being taken and where to start."""
    hpw = report.hours_per_week
    tasks: list[Task] = []
    elapsed = 0.0
    for line in report.skills:
        if line.gap == 0:
            continue
        begin, end = elapsed, elapsed + line.hours
        elapsed = end
        for week in range(1, FIRST_WEEKS + 1):
            lo, hi = (week - 1) * hpw, week * hpw
            share = min(end, hi) - max(begin, lo)
            if share <= 0:
                continue
            # The level steps this week's hours fall in, from the hours already spent on the skill.
            step = _step_at(line, max(begin, lo) - begin)
            last = max(step, _step_at(line, min(end, hi) - begin - 1e-6))
            why = ", then ".join(STEP_REASONS[step : last + 1])
            # A different resource each week when the catalog has several; with none, the
            # passages cited for it, and with neither, say so rather than point at nothing.
            cites = citations_by_skill.get(line.name, [])
            if line.resources:
                start = f"start with {line.resources[(week - 1) % len(line.resources)]}"
            elif cites:
                start = "start with the roadmap passages cited for it"
            else:
                start = NOTHING_TO_START_WITH
            ref = f" (see [{cites[0]}])" if cites else ""
            tasks.append(
                Task(
                    week=week,
                    skill=line.name,
                    hours=round(share, 1),
                    do=f"{line.name}, level {step}->{last + 1}: {why}; {start}{ref}",
                )
            )
        if elapsed >= FIRST_WEEKS * hpw:
            break
    return tasks


def _step_at(line: SkillLine, spent: float) -> int:
    """The level a skill's study is at after `spent` of its hours. Steps cost more as they
    go up (tools.learning_time), so a share of the hours is not the same share of the levels:
    a week that begins as the 0->1 step ends is already on 1->2."""
    steps = STEP_HOURS[line.current : line.target]
    scale = line.hours / sum(steps) if sum(steps) else 0.0
    done = 0.0
    for i, hours in enumerate(steps):
        done += hours * scale
        if spent < done - 1e-6:
            return line.current + i
    return line.target - 1


def skill_guides(report: GapReport, citations: list[Any], texts: dict[int, str]) -> list[SkillGuide]:
    """Per skill to study: its hours' source, the catalog's resources, the passages naming it."""
    guides = []
    # Each passage is read once, not once per skill (a hundred patterns each time).
    mentions = {c.n: skill_mentions(texts.get(c.n, "")) for c in citations}
    catalog_ids = {s.id for s in load_catalog().skills}
    for line in report.skills:
        if line.gap == 0:
            continue
        # A skill the catalog lacks is found by its own name ("ADDIE" in an ingested roadmap).
        named = _name_pattern(line.name) if line.skill_id not in catalog_ids else None
        teach = [
            c.n
            for c in citations
            if line.skill_id in mentions[c.n] or (named is not None and named.search(texts.get(c.n, "")))
        ]
        guides.append(
            SkillGuide(
                name=line.name, hours_source=hours_source(line), resources=line.resources, passages=teach
            )
        )
    return guides


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w+#]){re.escape(name)}(?![\w+#])", re.I)


def project_skills(project: str, report: GapReport) -> list[SkillLine]:
    """The plan's skills a project exercises (named by catalog name or alias in it)."""
    named = skill_mentions(project)
    low = project.lower()
    return [
        s
        for s in report.skills
        if s.gap > 0
        and (
            s.skill_id in named
            # A custom skill by its whole name, however many words ("Product roadmap").
            or (
                s.skill_id.startswith("custom:")
                and re.search(rf"(?<!\w){re.escape(s.name.lower())}(?!\w)", low)
            )
        )
    ]


def project_month(skills: list[SkillLine]) -> int:
    """The month a project belongs in: when the last skill it exercises is finished
    (so it never comes before the study of any of them has started)."""
    week = max(s.finish_week for s in skills)
    return month_of_week(week)


def closest_variant(profile: Profile, report: GapReport) -> Variant | None:
    """For a plan that does not fit: its best trim, the hours a week it needs, and the
    nearest catalog position (by embedding similarity) whose plan fits at these hours."""
    if report.attainable or report.trim is None or report.hours_per_week_needed is None:
        return None
    cut = [c for c in report.trim.choices if c.target < c.full_target]
    trim = ", ".join(f"{c.name} to {c.target} (not {c.full_target})" for c in cut) or "no level cut"
    nearer, similarity = _nearer_fitting(profile, report.target)
    return Variant(
        best_trim=trim,
        hours_per_week_needed=report.hours_per_week_needed,
        nearer=nearer,
        nearer_similarity=similarity,
    )


def _nearer_fitting(profile: Profile, target: Target) -> tuple[GapReport | None, float | None]:
    from tools.catalog import catalog_role
    from tools.similarity import nearest_roles

    own = catalog_role(target.position)
    # The role they hold fits trivially: no news. "backend dev" is Backend engineer too, so
    # when the title is not a catalog name, the catalog role it is closest to counts as theirs.
    today = catalog_role(profile.current_role)
    if today is None:
        close = nearest_roles(profile.current_role, k=1)
        today = load_catalog().role(close[0].role_id) if close and close[0].similarity >= 0.6 else None
    roles = nearest_roles(target.position, k=len(load_catalog().roles), exclude=own.id if own else None)
    for near in roles:
        if today is not None and near.role_id == today.id:
            continue
        candidate = Target(position=near.title, industry=target.industry)
        report = gap_report(profile, candidate)
        if report.attainable:
            return report, near.similarity
    return None, None
