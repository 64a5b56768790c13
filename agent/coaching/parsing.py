"""Deterministic understanding of what a person types: profile facts and intents.

The embedded model cannot do reliable structured output, so every fact the coach
needs has a parser here; a capable model only adds to it. Parsers never raise on
odd text: they return what they found and a list of problems to tell the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from tools.catalog import match_industry, match_role, match_skill

ProfileField = Literal[
    "current_role", "skills", "hours_per_week", "plan_a", "plan_b", "role_skills", "industry"
]
Intent = Literal["profile", "question", "plan", "review", "checkin", "chitchat"]

_NUM = r"-?\d+(?:\.\d+)?"
_HOURS = re.compile(
    rf"(?P<n>{_NUM})\s*(?:-|to)?\s*(?:{_NUM}\s*)?(?:h|hrs?|hours?)\b\s*(?:a|per|/|each|every)?\s*(?:week|wk|w)\b",
    re.I,
)
_HOURS_LOOSE = re.compile(rf"(?P<n>{_NUM})\s*(?:h|hrs?|hours?)\b", re.I)
_HORIZON = re.compile(
    rf"(?:horizon|within|in|over|next)\s*(?:of\s*)?(?:the\s*next\s*)?(?P<n>{_NUM})\s*months?|(?P<n2>{_NUM})\s*-?\s*months?\s*horizon",
    re.I,
)
_PLAN = re.compile(
    r"plan\s*(?P<which>[ab])\b\s*(?:is|would be|[:=\-])?\s*(?P<text>.+?)(?=(?:[.;\n]|\bplan\s*[ab]\b|$))",
    re.I | re.S,
)
_ROLE = re.compile(
    r"(?:i'?m|i am|i work as|working as|currently|my (?:current )?(?:role|job|title) is|current role\s*[:=]?|role\s*[:=])"
    r"\s*(?:an?\s+|the\s+)?(?P<role>[a-z][\w /+&-]{1,60}?)"
    r"(?=\s*(?:$|[,.;\n]|\bwith\b|\band\b|\bin\b|\bat\b|\bfor\b|\bwho\b))",
    re.I,
)
_INDUSTRY = re.compile(
    r"\bin\s+(?:the\s+)?(?P<ind>[a-z][\w -]{1,40}?)(?:\s+industry|\s+sector)?(?=$|[,.;\n]|\s+(?:as|with|and)\b)",
    re.I,
)
_SKILL = re.compile(
    rf"(?P<name>[A-Za-z][\w+#./&' -]{{0,40}}?)\s*(?:[:=]|\s-\s|\blevel\b|\bat\b|\bis\b)?\s*(?P<lvl>{_NUM})\s*(?:/\s*5)?\s*$"
)
_SPLIT = re.compile(r"[,;\n]|\band\b|\bwith\b|\bplus\b", re.I)
_QUESTION_START = re.compile(
    r"^\s*(what|how|why|which|when|where|who|should|can|could|do|does|is|are|will|would|tell me|explain)\b",
    re.I,
)
_PLAN_WORDS = re.compile(r"\b(plan|draft|gaps?|matrix|roadmap for me|let'?s go|go ahead|ready|start)\b", re.I)
CHECKIN = re.compile(r"^\s*/?(?:check[- ]?in|progress(?: update)?)\b[:,]?\s*", re.I)
_WEEKS_IN = re.compile(
    r"\b(?:after|it'?s been|been)\s+(?P<n>\d+)\s*weeks?\b|\b(?P<m>\d+)\s*weeks?\s+in\b", re.I
)
_SKIP = re.compile(r"^\s*(skip|none|no|nothing|n/a|later|that'?s all|done)\s*[.!]?\s*$", re.I)
_MAX_SKILL_WORDS = 5


@dataclass
class Parsed:
    """What one message said about the profile, and what was wrong with it."""

    current_role: str | None = None
    industry: str | None = None
    hours_per_week: float | None = None
    horizon_months: int | None = None
    plan_a: dict[str, str] | None = None
    plan_b: dict[str, str] | None = None
    skills: dict[str, int] = field(default_factory=dict)
    skipped: bool = False
    problems: list[str] = field(default_factory=list)

    def found_anything(self) -> bool:
        """True when the message carried at least one profile fact."""
        return bool(
            self.current_role
            or self.industry
            or self.hours_per_week is not None
            or self.horizon_months is not None
            or self.plan_a
            or self.plan_b
            or self.skills
            or self.skipped
        )


def parse_target(text: str, default_industry: str | None = None) -> tuple[dict[str, str] | None, str | None]:
    """'GenAI engineer in fintech' -> ({position, industry}, None) or (None, problem)."""
    text = text.strip().strip(".").strip()
    text = re.sub(r"^(?:to be|become|becoming|an?|the)\s+", "", text, flags=re.I)
    parts = re.split(
        r"\s+(?:in|at|within|for|inside)\s+(?:the\s+|a\s+|an\s+)?|\s*,\s*|\s+-\s+|\s*/\s*",
        text,
        maxsplit=1,
        flags=re.I,
    )
    position = parts[0].strip()
    industry = parts[1].strip() if len(parts) > 1 else (default_industry or "")
    industry = re.sub(r"\s+(?:industry|sector|company|companies)$", "", industry, flags=re.I)
    role = match_role(position)
    if role is None:
        return None, f"I don't know the role '{position}'"
    if not industry:
        return None, f"which industry for {role.name}? Write it as '{role.name} in fintech'"
    ind = match_industry(industry)
    return {"position": role.name, "industry": ind.name if ind else industry}, None


def _level(raw: str, name: str, problems: list[str]) -> int | None:
    value = float(raw)
    if value != int(value) or not 0 <= value <= 5:
        problems.append(
            f"{name}: level {raw} is out of range; use a whole number 0-5 (0 unaware ... 5 can teach it)"
        )
        return None
    return int(value)


def parse_skills(text: str, problems: list[str], *, loose: bool = False) -> dict[str, int]:
    """'Python 4, SQL 3 and Docker: 2' -> {'Python': 4, 'SQL': 3, 'Docker': 2}.

    A name the catalog does not know is kept when it is short enough to be a skill
    name (the gap engine flags it); `loose` accepts any short name, for answers to a
    question about skills.
    """
    skills: dict[str, int] = {}
    for segment in _SPLIT.split(text):
        m = _SKILL.search(segment.strip())
        if not m:
            continue
        name = re.sub(
            r"^(?:i (?:know|have|rate)|my|also|about|maybe|around|level)\s+",
            "",
            m.group("name").strip(),
            flags=re.I,
        )
        name = name.strip(" :-=").strip()
        if not name or len(name.split()) > _MAX_SKILL_WORDS:
            continue
        if not loose and match_skill(name) is None and len(name.split()) > 2:
            continue
        level = _level(m.group("lvl"), name, problems)
        if level is not None:
            skills[name] = level
    return skills


def parse_message(
    text: str, asking: ProfileField | None = None, default_industry: str | None = None
) -> Parsed:
    """All profile facts in one message. `asking` is the question the coach last asked."""
    out = Parsed()
    rest = text

    for m in _PLAN.finditer(text):
        target, problem = parse_target(m.group("text"), default_industry)
        if problem:
            out.problems.append(f"Plan {m.group('which').upper()}: {problem}")
        elif m.group("which").lower() == "a":
            out.plan_a = target
        else:
            out.plan_b = target
        rest = rest.replace(m.group(0), " ")

    if m_h := _HORIZON.search(rest):
        raw = m_h.group("n") or m_h.group("n2")
        months = float(raw)
        if months != int(months) or not 1 <= months <= 36:
            out.problems.append(f"horizon: {raw} months is out of range; use 1-36 months")
        else:
            out.horizon_months = int(months)
        rest = rest.replace(m_h.group(0), " ")

    m_hours = _HOURS.search(rest) or (_HOURS_LOOSE.search(rest) if asking == "hours_per_week" else None)
    if m_hours is None and asking == "hours_per_week":
        m_hours = re.fullmatch(rf"\s*(?P<n>{_NUM})\s*", rest)
    if m_hours:
        hours = float(m_hours.group("n"))
        if not 0 < hours <= 80:
            out.problems.append(
                f"hours a week: {m_hours.group('n')} is out of range; use a number above 0 and at most 80"
            )
        else:
            out.hours_per_week = hours
        rest = rest.replace(m_hours.group(0), " ")

    if m_r := _ROLE.search(rest):
        role = m_r.group("role").strip()
        if not re.match(r"^(?:not|also|looking|trying|hoping|going|interested)\b", role, re.I):
            out.current_role = role[:1].upper() + role[1:]
    if m_i := _INDUSTRY.search(rest):
        ind = match_industry(m_i.group("ind"))
        if ind:
            out.industry = ind.name

    answered = out.plan_a if asking == "plan_a" else out.plan_b
    if (
        asking in ("plan_a", "plan_b")
        and not answered
        and not _QUESTION_START.match(text)
        and not out.problems
    ):
        target, problem = parse_target(rest, default_industry)
        if problem:
            out.problems.append(f"Plan {asking[-1].upper()}: {problem}")
        else:
            setattr(out, asking, target)
            rest = ""
    if asking == "current_role" and not out.current_role and rest.strip() and not _QUESTION_START.match(rest):
        candidate = rest.strip().strip(".")
        if not re.search(r"\d", candidate) and len(candidate.split()) <= 8:
            out.current_role = candidate[:1].upper() + candidate[1:80]
            rest = ""

    if asking in ("skills", "role_skills") and _SKIP.match(text):
        out.skipped = True
        return out
    out.skills = parse_skills(rest, out.problems, loose=asking in ("skills", "role_skills"))
    return out


def parse_checkin(text: str) -> tuple[dict[str, int], int | None, list[str]]:
    """'check in after 8 weeks: python 4, rag 2' -> ({'python': 4, 'rag': 2}, 8, problems)."""
    body = CHECKIN.sub("", text, count=1)
    weeks = None
    if m := _WEEKS_IN.search(body):
        weeks = int(m.group("n") or m.group("m"))
        body = body.replace(m.group(0), " ")
    problems: list[str] = []
    return parse_skills(body, problems, loose=True), weeks, problems


def classify(text: str, parsed: Parsed, reviewing: bool) -> Intent:
    """The intent of a message, from its words and what it carried."""
    lowered = text.strip().lower()
    if CHECKIN.match(text):
        return "checkin"
    if reviewing and re.match(r"^(approve|ok|yes|looks good|lgtm|edit|change|reject|no)\b", lowered):
        return "review"
    if parsed.found_anything() or parsed.problems:
        return "profile"
    if _QUESTION_START.match(text) or text.rstrip().endswith("?"):
        return "question"
    if _PLAN_WORDS.search(text):
        return "plan"
    return "chitchat"
