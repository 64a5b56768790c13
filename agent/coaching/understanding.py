"""Free-form understanding with a capable model: intent and profile facts as structured output.

The deterministic parsers always run; a capable model (structured output through
function calling) adds what they missed and decides the intent. If the model fails
or answers out of schema, the parsers' reading stands, and the state says so.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from agent.coaching.parsing import Parsed, parse_target
from tools.catalog import role_titles
from tools.models import Level

ModelIntent = Literal["profile", "question", "plan", "checkin", "chitchat"]

EXTRACT_SYSTEM = (
    "You read one message from a person talking to a career coach and return what it says. "
    "intent: profile (they give facts about themselves or their targets), question (they ask about "
    "a role, skill or roadmap), plan (they ask for a plan or the skill gap), checkin (they report "
    "progress on a saved plan), chitchat (anything else). Fill only the facts the message states; "
    "skill levels are 0-5 (0 unaware, 5 can teach it). Known positions: {roles}."
)


class TargetIn(BaseModel):
    """A position in an industry, as the person said it."""

    position: str
    industry: str | None = None


class Extraction(BaseModel):
    """What one message says, read by a capable model."""

    intent: ModelIntent
    current_role: str | None = None
    industry: str | None = None
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    horizon_months: int | None = Field(default=None, ge=1, le=36)
    plan_a: TargetIn | None = None
    plan_b: TargetIn | None = None
    skills: dict[str, Level] = Field(default_factory=dict)


def extract(model: BaseChatModel, text: str, asking: str | None, summary: str = "") -> Extraction | None:
    """The model's reading of a message, or None when it could not give a valid one."""
    context = f"The coach last asked about: {asking}.\n" if asking else ""
    if summary:
        context += f"Earlier in the conversation: {summary}\n"
    prompt = [
        SystemMessage(EXTRACT_SYSTEM.format(roles=", ".join(role_titles()))),
        HumanMessage(f"{context}Message: {text}"),
    ]
    try:
        result = model.with_structured_output(Extraction, method="function_calling").invoke(prompt)
    except Exception:  # a provider error or an answer out of schema: the parsers stand
        return None
    return result if isinstance(result, Extraction) else None


def merge(parsed: Parsed, extraction: Extraction, default_industry: str | None) -> Parsed:
    """The parsers' facts, completed by the model's where the parsers found none."""
    for name in ("current_role", "industry", "hours_per_week", "horizon_months"):
        if getattr(parsed, name) is None and getattr(extraction, name) is not None:
            setattr(parsed, name, getattr(extraction, name))
    for key in ("plan_a", "plan_b"):
        said: TargetIn | None = getattr(extraction, key)
        if getattr(parsed, key) is None and said is not None:
            text = said.position + (f" in {said.industry}" if said.industry else "")
            target, problem = parse_target(text, parsed.industry or default_industry)
            if target is not None:
                setattr(parsed, key, target)
            elif problem:
                parsed.problems.append(f"Plan {key[-1].upper()}: {problem}")
    for name, level in extraction.skills.items():
        parsed.skills.setdefault(name, level)
    return parsed


def as_state(extraction: Extraction | None) -> dict[str, Any]:
    """What the route node records about how the message was understood."""
    if extraction is None:
        return {"understood_by": "parser", "extraction": None}
    return {"understood_by": "model", "extraction": extraction.model_dump()}
