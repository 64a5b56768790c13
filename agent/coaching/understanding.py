"""Free-form understanding with a capable model, checked against the message and catalog.

The deterministic parsers always run first. A capable model (structured output
through a tool call) may add what they missed, but only what the message itself
supports: a position, skill or number the model reports must appear in the words
the person wrote, a position must resolve in the catalog exactly (a near name is
asked about, never taken), and a command such as "draft my plan" keeps its parser
intent, so it can never become a Plan A. If the model fails or answers out of
schema, the parsers' reading stands and the record says who read the message.
"""

from __future__ import annotations

import re
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError

from agent.coaching.matching import resolve_industry, resolve_role
from agent.coaching.numbers import words_to_digits
from agent.coaching.parsing import Understood
from agent.coaching.targets import MAX_INDUSTRY, MAX_ROLE, PLAN_MARK, industry_name
from tools.catalog import normalize, role_titles
from tools.models import Level

ModelIntent = Literal["profile", "question", "plan", "checkin", "chitchat"]

EXTRACT_SYSTEM = (
    "You read one message from a person talking to a career coach and return what it says. "
    "intent: profile (they give facts about themselves or their targets), question (they ask about "
    "a role, skill or roadmap), plan (they ask for a plan or the skill gap), checkin (they report "
    "progress on a saved plan), chitchat (anything else). Fill only the facts the message states, in "
    "the person's own words; skill levels are 0-5 (0 unaware, 5 can teach it). Known positions: {roles}."
)
# Words too common in titles to show that a title was said ("engineer" alone proves nothing).
_GENERIC = frozenset(
    [
        "engineer",
        "engineers",
        "developer",
        "scientist",
        "manager",
        "lead",
        "senior",
        "junior",
        "the",
        "a",
        "an",
        "of",
        "and",
        "in",
        "at",
        "for",
    ]
)


class TargetIn(BaseModel):
    """A position in an industry, as the person said it."""

    position: str = Field(max_length=80)
    industry: str | None = Field(default=None, max_length=80)


class Extraction(BaseModel):
    """What one message says, read by a capable model."""

    intent: ModelIntent
    current_role: str | None = Field(default=None, max_length=80)
    industry: str | None = Field(default=None, max_length=80)
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    horizon_months: int | None = Field(default=None, ge=1, le=36)
    plan_a: TargetIn | None = None
    plan_b: TargetIn | None = None
    skills: dict[str, Level] = Field(default_factory=dict)


def extract(model: BaseChatModel, text: str, asking: str | None, summary: str = "") -> Extraction | None:
    """The model's reading of a message, or None when it could not give a valid one.

    A plain, non-streamed call (`stream=False` wins over a streaming callback): streamed tool calls from some
    OpenAI-compatible servers repeat the function name in every chunk (design.md).
    """
    context = f"The coach last asked about: {asking}.\n" if asking else ""
    if summary:
        context += f"Earlier in the conversation: {summary[:800]}\n"
    prompt = [
        SystemMessage(EXTRACT_SYSTEM.format(roles=", ".join(role_titles()))),
        HumanMessage(f"{context}Message: {text}"),
    ]
    try:
        bound = model.bind_tools([Extraction], tool_choice="Extraction")
        reply = bound.invoke(prompt, stream=False)
        calls = getattr(reply, "tool_calls", None) or []
        if not calls:
            return None
        return Extraction.model_validate(calls[0]["args"])
    except ValidationError:
        return None
    except Exception:  # a provider error: the parsers' reading stands
        return None


def _tokens(text: str) -> set[str]:
    return set(normalize(words_to_digits(text)).replace("/", " ").split())


def said(value: str, message: str) -> bool:
    """True when a name the model reported was written in the message (a distinctive word of it)."""
    words = _tokens(value) - _GENERIC
    return bool(words) and bool(words & _tokens(message))


def _number_said(value: float, message: str) -> bool:
    return f"{value:g}" in re.findall(r"\d+(?:\.\d+)?", words_to_digits(message))


def _as_asked(extraction: Extraction, text: str, asking: str | None) -> Extraction:
    """A target answering the question asked goes where it was asked: a bare position
    given to "And your Plan B?" is Plan B, whichever slot the model filled."""
    if asking not in ("plan_a", "plan_b") or PLAN_MARK.search(text):
        return extraction
    other = "plan_b" if asking == "plan_a" else "plan_a"
    if getattr(extraction, asking) is None and getattr(extraction, other) is not None:
        return extraction.model_copy(update={asking: getattr(extraction, other), other: None})
    return extraction


def merge(
    parsed: Understood,
    extraction: Extraction,
    text: str,
    default_industry: str | None,
    asking: str | None = None,
) -> Understood:
    """The parsers' reading, completed by the model's where the parsers found nothing
    and the message supports it. Returns a new record; `by` says the model helped."""
    extraction = _as_asked(extraction, text, asking)
    out = parsed.model_copy(deep=True)
    if out.intent in ("chitchat", "question") and not out.found_anything():
        out.intent = extraction.intent
    if out.intent in ("plan", "checkin", "question"):
        return out.model_copy(update={"by": "model"})
    role = (extraction.current_role or "").strip()
    if out.current_role is None and role and said(role, text):
        if len(role) > MAX_ROLE:  # refused, never cut: a cut value would be one nobody said
            out.problems.append(
                f"current role is too long ({len(role)} characters); keep it under {MAX_ROLE}"
            )
        else:
            out.current_role = role
    if out.industry is None and extraction.industry and said(extraction.industry, text):
        out.industry = resolve_industry(extraction.industry).name
    if (
        out.hours_per_week is None
        and extraction.hours_per_week
        and _number_said(extraction.hours_per_week, text)
    ):
        out.hours_per_week = extraction.hours_per_week
    if (
        out.horizon_months is None
        and extraction.horizon_months
        and _number_said(extraction.horizon_months, text)
    ):
        out.horizon_months = extraction.horizon_months
    for key in ("plan_a", "plan_b"):
        target: TargetIn | None = getattr(extraction, key)
        if getattr(out, key) is not None or target is None or not said(target.position, text):
            continue
        resolved = resolve_role(target.position)
        industry = target.industry if target.industry and said(target.industry, text) else None
        place = (
            industry_name(industry, default_industry)
            if industry
            else (out.industry or default_industry or "")
        )
        if place and not 2 <= len(place) <= MAX_INDUSTRY:
            out.problems.append(
                f"Plan {key[-1].upper()} industry '{place[:40]}' must be 2-{MAX_INDUSTRY} characters"
            )
            continue
        if resolved.how == "exact" and place:
            setattr(out, key, {"position": resolved.name, "industry": place})
        elif resolved.how == "confirm" and out.confirm is None:
            out.confirm = {"field": key, "name": resolved.name, "industry": place, "said": target.position}
    for name, level in extraction.skills.items():
        if name in out.skills or not said(name, text):
            continue
        out.skills[name] = level
        if not _number_said(level, text):
            out.notes.append(f"{name} {level}: my estimate from your words; correct me if it is off")
    if out.found_anything() and out.intent == "chitchat":
        out.intent = "profile"
    return out.model_copy(update={"by": "model"})
