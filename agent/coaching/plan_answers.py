"""Questions about a person's own plan, answered from the gap engine's figures.

"How long will RAG take me?", "what should I learn first?", "which of my skills transfer?",
"when does Plan B fit?", "what does the trim give up?", "why is SQL critical?": the plan
holds every answer, so these never go to the roadmaps or to a model. Each answer is built
from the report's own numbers; nothing here invents a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from tools.catalog import load_catalog, match_skill
from tools.gap import hours_needed
from tools.models import PRIORITY_LABELS, GapReport, SkillLine

Topic = Literal["skill_time", "first", "transfer", "attainable", "trim", "priority", "total"]

# Each topic is recognised by a few words a person uses for it. Patterns are plain
# alternations of literals (no nested quantifiers), so they run in linear time.
_TOPICS: list[tuple[Topic, re.Pattern[str]]] = [
    ("trim", re.compile(r"\b(trim|trimmed|give up|gives up|giving up|drop|cut|left out|leave out)\b", re.I)),
    ("transfer", re.compile(r"\b(transfer|transferable|carry over|already have|reuse|strengths?)\b", re.I)),
    ("first", re.compile(r"\b(first|start with|begin with|start on|priorit[iy]s?e|next|order)\b", re.I)),
    (
        "attainable",
        re.compile(
            r"\b(attainable|achievable|realistic|feasible|fit|fits|doable|possible|make it|in time|on track|"
            r"on schedule|behind|ahead)\b",
            re.I,
        ),
    ),
    ("priority", re.compile(r"\b(why|critical|important|priority|matter|matters)\b", re.I)),
    ("skill_time", re.compile(r"\b(how long|how many (hours|weeks|months)|time|take me|takes)\b", re.I)),
    ("total", re.compile(r"\b(total|overall|whole plan|altogether|in all|left|remaining|to go)\b", re.I)),
]
_PLAN_WORDS = re.compile(r"\b(my|me|i|plan a|plan b|my plan|the plan|left|remaining|to go)\b", re.I)
_ABOUT_TIME = re.compile(r"\b(long|hours?|weeks?|months?|time)\b", re.I)
_WHICH_PLAN = re.compile(r"\bplan\s+(a|b)\b", re.I)
_MAX_QUESTION = 2_000


@dataclass(frozen=True)
class Labelled:
    """A gap report with the plan it belongs to."""

    label: Literal["A", "B"]
    report: GapReport


@dataclass(frozen=True)
class PlanAnswer:
    """An answer drawn from the plan, and the figures it quotes (for the claim check)."""

    topic: Topic
    text: str
    figures: list[str] = field(default_factory=list)


def _skill_in(question: str, plans: list[Labelled]) -> tuple[Labelled, SkillLine] | None:
    """The plan skill the question names: by the catalog's aliases, else by its own words."""
    lowered = question.lower()
    for plan in plans:
        for line in plan.report.skills:
            names = {line.name.lower(), (line.matched_from or "").lower()} - {""}
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", lowered) for n in names):
                return plan, line
    words = re.findall(r"[\w+#.-]+", question)[:60]
    # Catalog aliases such as "rag" or "k8s" are single words or short phrases.
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            match = match_skill(" ".join(words[i : i + size]))
            if (
                match is None or match.score < 99
            ):  # exact aliases only: a fuzzy hit would answer the wrong skill
                continue
            for plan in plans:
                for line in plan.report.skills:
                    if line.skill_id == match.id:
                        return plan, line
    # "why is monitoring only priority 3": a word that starts one plan skill's name alone.
    starts = {w.lower() for w in words if len(w) > 4}
    named = {(p.label, ln.name): (p, ln) for p in plans for ln in p.report.skills}
    first = [v for v in named.values() if v[1].name.split()[0].lower() in starts]
    return first[0] if len({ln.name for _, ln in first}) == 1 else None


def _topic(question: str, has_skill: bool) -> Topic | None:
    for topic, pattern in _TOPICS:
        if pattern.search(question):
            if topic == "priority" and not has_skill:
                continue
            return topic
    return None


def _skill_time(plan: Labelled, line: SkillLine) -> PlanAnswer:
    report = plan.report
    # A level the person never gave is the role's estimate: say so, so it can be corrected.
    at = (
        f"your level is taken as {line.current} ({line.prior})"
        if line.assumed
        else f"you are already at {line.current}"
    )
    if line.gap == 0:
        text = (
            f"{line.name}: {at}, the target for {report.target.label()} "
            f"is {line.target}, so it needs no study time."
        )
        if line.assumed:
            text += f" If that is not right, tell me your level (for example 'my {line.name.split()[0].lower()} is 1')."
        return PlanAnswer("skill_time", text, [str(line.current), str(line.target)])
    text = (
        f"{line.name} in Plan {plan.label}: level {line.current} to {line.target}, {line.hours:g} h of study at "
        f"{report.hours_per_week:g} h/week, scheduled in {_shown_weeks(line)}. "
        f"({line.notes})"
    )
    return PlanAnswer(
        "skill_time", text, [str(line.current), str(line.target), f"{line.hours:g}", *line.weeks().split("-")]
    )


def _built_on(line: SkillLine, rows: list[SkillLine]) -> list[str]:
    """The rows whose catalog prerequisites include `line`'s skill."""
    catalog = load_catalog()
    out = []
    for row in rows:
        try:
            if line.skill_id in catalog.skill(row.skill_id).prereqs:
                out.append(row.name)
        except KeyError:  # a skill of the person's own list: the catalog knows no prerequisites
            continue
    return out


def _shown_weeks(line: SkillLine) -> str:
    """The weeks as the plan's table shows them (counted from 1): 'weeks 1-8', 'week 9'."""
    shown = line.weeks()
    return f"weeks {shown}" if "-" in shown else f"week {shown}"


def _first(plan: Labelled) -> PlanAnswer:
    report = plan.report
    todo = sorted((s for s in report.skills if s.gap > 0), key=lambda s: (s.start_week, s.priority))
    if not todo:
        return PlanAnswer("first", f"Every skill of {report.target.label()} is already at its target.")
    first = todo[0]
    rest = ", ".join(f"{s.name} (from week {s.weeks().split('-')[0]})" for s in todo[1:4])
    text = (
        f"Start with {first.name}: it comes first in Plan {plan.label}'s schedule ({_shown_weeks(first)}, "
        f"{first.hours:g} h), priority {first.priority} ({PRIORITY_LABELS[first.priority]}), "
        f"quadrant '{first.quadrant}'."
    )
    # Say it is a foundation only when something in the plan really builds on it.
    if after := _built_on(first, todo[1:]):
        text += f" {', '.join(after)} build{'s' if len(after) == 1 else ''} on it, so it comes first."

    if rest:
        text += f" Then: {rest}."
    return PlanAnswer("first", text, [*first.weeks().split("-"), f"{first.hours:g}"])


def _transfer(plans: list[Labelled]) -> PlanAnswer:
    held: dict[str, SkillLine] = {}
    for plan in plans:
        for line in plan.report.skills:
            if line.current > 0 and not line.assumed:
                held.setdefault(line.name, line)
    if not held:
        return PlanAnswer(
            "transfer", "None of the skills you rated is among your targets' ten, so nothing transfers yet."
        )
    ranked = sorted(held.values(), key=lambda s: (-min(s.current, s.target) / max(s.target, 1), s.priority))
    parts = [
        f"{s.name} ({s.current} of {s.target} needed" + (", already there" if s.gap == 0 else "") + ")"
        for s in ranked[:5]
    ]
    text = "The skills you bring that your targets need: " + "; ".join(parts) + "."
    return PlanAnswer("transfer", text, [str(s.current) for s in ranked[:5]])


def _attainable(plan: Labelled) -> PlanAnswer:
    report = plan.report
    text = f"Plan {plan.label}, {report.target.label()}: {report.verdict()}"
    figures = [str(report.total_weeks), str(report.horizon_weeks), f"{report.hours_per_week:g}"]
    if not report.attainable:
        needed = report.hours_per_week_needed or hours_needed(report.total_hours, report.horizon_weeks)
        text += f" At {needed:g} h/week it fits in {report.horizon_weeks} weeks."
        figures.append(f"{needed:g}")
    return PlanAnswer("attainable", text, figures)


def _trim(plan: Labelled) -> PlanAnswer:
    report = plan.report
    if report.trim is None:
        return PlanAnswer(
            "trim",
            f"Plan {plan.label} fits as it is, so nothing is trimmed: every skill reaches its target.",
        )
    cuts = [c for c in report.trim.choices if c.target < c.full_target]
    listed = ", ".join(f"{c.name} to {c.target} instead of {c.full_target}" for c in cuts)
    text = (
        f"Plan {plan.label} does not fit in {report.horizon_weeks} weeks at {report.hours_per_week:g} h/week, "
        f"so the best trim stops short on: {listed}. It uses {report.trim.hours:g} h of the "
        f"{report.trim.budget_hours:g} h budget."
    )
    return PlanAnswer("trim", text, [f"{report.trim.hours:g}", f"{report.trim.budget_hours:g}"])


def _priority(plan: Labelled, line: SkillLine) -> PlanAnswer:
    report = plan.report
    evidence = f"; {line.evidence.text()} ask for it" if line.evidence else ""
    text = (
        f"{line.name} is priority {line.priority} ({PRIORITY_LABELS[line.priority]}) for "
        f"{report.target.label()}: {_origin(line.source)}{evidence}. Its ease is {line.ease} of 3, so it sits in "
        f"'{line.quadrant}'."
    )
    return PlanAnswer("priority", text, [str(line.priority), str(line.ease)])


def _origin(source: str) -> str:
    """Where a row came from, as the person reads it: never 'you' unless they listed it."""
    if not source:
        return "from the catalog's profile of the role"
    if source == "you":
        return "you put it in the list"
    if source.startswith("industry: "):
        return f"the industry asks for it ({source.split(': ', 1)[1]})"
    if source in ("proposal", "catalog + postings"):
        return f"from the {source}"
    return f"the proposal's evidence: {source}"


def _total(plan: Labelled, left: bool = False) -> PlanAnswer:
    report = plan.report
    takes = f"has {report.total_hours:g} h left" if left else f"takes {report.total_hours:g} h in all"
    text = (
        f"Plan {plan.label} {takes}: {report.total_weeks} weeks at "
        f"{report.hours_per_week:g} h/week, against a horizon of {report.horizon_weeks} weeks."
    )
    figures = [f"{report.total_hours:g}", str(report.total_weeks)]
    if report.hours_per_week_needed is not None:
        # "how many hours a week do I need?" lands here: a plan that does not fit says what would.
        text += f" It fits the horizon at {report.hours_per_week_needed:g} h/week."
        figures.append(f"{report.hours_per_week_needed:g}")
    return PlanAnswer("total", text, figures)


# Where one message holds several questions: at a '?', or at an 'and' that starts a new
# question ("which skills transfer and how long would RAG take"); an 'and' inside one
# question ("RAG and LLM evaluation") is left alone.
_NEXT_QUESTION = re.compile(
    r"\?+|\s(?:and|also|plus)\s+(?=(?:how|what|which|when|why|where|who|is|are|can|could|should|"
    r"will|would|do|does|am)\b)",
    re.I,
)


def answer_from_plan(question: str, a: GapReport, b: GapReport) -> PlanAnswer | None:
    """Answer each question about the person's own plan in a message (one answer per
    question, in order), or None when none is one."""
    parts = [p.strip(" ,;.") for p in _NEXT_QUESTION.split(question[:_MAX_QUESTION])]
    parts = [re.sub(r"^(?:and|also|plus)\s+", "", p, flags=re.I) for p in parts if p]
    answers: list[PlanAnswer] = []
    for part in parts or [question]:
        found = _answer_one(part, a, b)
        if found is not None and all(found.text != x.text for x in answers):
            answers.append(found)
    if len(answers) <= 1:
        return answers[0] if answers else None
    return PlanAnswer(
        answers[0].topic, " ".join(x.text for x in answers), [f for x in answers for f in x.figures]
    )


def _answer_one(question: str, a: GapReport, b: GapReport) -> PlanAnswer | None:
    """The answer to one question about the plan, or None when it is not one."""
    which = _WHICH_PLAN.search(question)
    plans = [Labelled("A", a), Labelled("B", b)]
    if which and which.group(1).lower() == "b":
        plans.reverse()
    found = _skill_in(question, plans)
    topic = _topic(question, found is not None)
    if topic == "priority" and found is not None and _ABOUT_TIME.search(question):
        topic = "skill_time"  # "why does deep learning take so long?" asks about its hours
    if topic is None and found is not None and _PLAN_WORDS.search(question):
        topic = "skill_time"
    if topic is None:
        return None
    if topic in ("skill_time", "priority") and found is None:
        if topic == "priority":
            return None
        topic = "total"
    main = plans[0]
    match topic:
        case "skill_time":
            assert found is not None
            return _skill_time(*found)
        case "priority":
            assert found is not None
            return _priority(*found)
        case "first":
            return _first(main)
        case "transfer":
            return _transfer(plans)
        case "attainable":
            if which:
                return _attainable(main)
            both = [_attainable(p) for p in sorted(plans, key=lambda p: p.label)]
            return PlanAnswer(
                "attainable", " ".join(x.text for x in both), [f for x in both for f in x.figures]
            )
        case "trim":
            return _trim(main)
        case "total":
            left = bool(re.search(r"\b(left|remaining|to go)\b", question, re.I))
            return _total(main, left) if _PLAN_WORDS.search(question) else None
