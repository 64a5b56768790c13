"""'My roadmap says about 40 hours for Storyline, you say 120 h: which is right?'

A person's own roadmap can state a time the coach's figure does not match. The coach cannot
tell which is right for them; it can say where its own figure comes from (the catalog's hours
per level step, the same for everyone at a skill's ease: `coach explain`), beside what the
roadmap says when the plan cites it (a skill guide's `stated`, a "Why Plan A" claim). Pure
functions over the plan's own figures: nothing here invents one.
"""

from __future__ import annotations

import re

from agent.coaching.plan import Plan, PlanOption
from agent.coaching.plan_answers import PlanAnswer
from tools.models import GapReport, SkillLine

_MAX_QUESTION = 2_000
# A time in the question and a comparison with another source: both are needed.
_TIME = re.compile(r"\b\d+(?:\.\d+)?\s*(?:h|hrs?|hours?|weeks?|months?)\b", re.I)
_COMPARE = re.compile(
    r"\b(?:roadmap|guide|course|article|which (?:one )?is (?:right|correct)|who is right|"
    r"which should i (?:trust|believe)|says|said|claims?|differs?|conflicts?|contradicts?)\b",
    re.I,
)


def _named(line: SkillLine, question: str) -> bool:
    """The question names the skill: whole, or by one of its longer words ("Storyline" for
    Articulate Storyline), or by the name the person rated it as."""
    low = question.lower()
    names = [line.name, line.matched_from or ""]
    words = [w for w in re.findall(r"[a-z][\w+#]*", line.name.lower()) if len(w) >= 6]
    return any(n and re.search(rf"(?<![\w+#]){re.escape(n.lower())}(?![\w+#])", low) for n in names + words)


def _skill(
    question: str, options: list[tuple[str, GapReport, PlanOption | None]]
) -> tuple[str, SkillLine, str] | None:
    for label, report, opt in options:
        for line in report.skills:
            if _named(line, question):
                guide = next((g for g in opt.guides if g.name == line.name), None) if opt else None
                return label, line, guide.stated if guide else ""
    return None


def roadmap_time_answer(
    question: str, a: GapReport, b: GapReport, plan: Plan | None = None
) -> PlanAnswer | None:
    """Where the coach's time for a skill (or the whole plan) comes from, when the question
    sets another source's time against it; None when it does not. With the drafted or saved
    `plan`, the roadmap's own sentence is quoted beside it when the plan cites one."""
    text = question[:_MAX_QUESTION]
    if not (_TIME.search(text) and _COMPARE.search(text)):
        return None
    options = [("A", a, plan.a if plan else None), ("B", b, plan.b if plan else None)]
    if re.search(r"\bplan\s+b\b", text, re.I):
        options.reverse()
    why = (
        "it is the catalog's hours per level step, the same estimate for everyone at that skill's ease, "
        "not taken from any roadmap"
    )
    after = (
        " I cannot tell which is right for you: a roadmap's time is its author's estimate of what it calls "
        "productive, not a level on this scale. If you trust it, tell me your level once you get there, or "
        "set a lower target for the skill."
    )
    found = _skill(text, options)
    if found is not None:
        label, line, stated = found
        said = f" The roadmap the plan cites says {stated}." if stated else ""
        answer = (
            f"{line.name} in Plan {label}: my {line.hours:g} h for level {line.current} to {line.target} "
            f"({line.notes}): {why}; see `coach explain`.{said}{after}"
        )
        return PlanAnswer("skill_time", answer, [f"{line.hours:g}", str(line.current), str(line.target)])
    report = options[0][1]
    claims = (plan.rationale if plan else []) if options[0][0] == "A" else []
    stated = next((c.text.split(";", 1)[0] for c in claims if c.text.startswith("The roadmap says")), "")
    answer = (
        f"Plan {options[0][0]} ({report.target.label()}): my {report.total_hours:g} h, {report.total_weeks} weeks "
        f"at {report.hours_per_week:g} h/week, adds up each skill's hours; each is {why}; see `coach explain`."
        + (f" {stated}." if stated else "")
        + after.replace(" for the skill", " for a skill")
    )
    return PlanAnswer(
        "total", answer, [f"{report.total_hours:g}", str(report.total_weeks), f"{report.hours_per_week:g}"]
    )
