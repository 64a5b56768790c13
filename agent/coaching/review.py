"""The plan review contract: what the graph shows when it stops, and the answers it takes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.errors import ReviewError
from tools.models import Level, Target

ReviewAction = Literal["approve", "edit", "reject"]
ALLOWED: list[ReviewAction] = ["approve", "edit", "reject"]


class ReviewChanges(BaseModel):
    """Direct changes an edit can make; each recomputes the numbers."""

    model_config = ConfigDict(extra="forbid")

    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    horizon_months: int | None = Field(default=None, ge=1, le=36)
    targets: dict[str, Level] = Field(default_factory=dict, description="skill name -> target level")
    plan_a: Target | None = None
    plan_b: Target | None = None

    def empty(self) -> bool:
        """True when nothing is changed."""
        return not (self.hours_per_week or self.horizon_months or self.targets or self.plan_a or self.plan_b)


class ReviewResponse(BaseModel):
    """A person's answer to a plan review."""

    model_config = ConfigDict(extra="forbid")

    action: ReviewAction
    feedback: str = Field(default="", max_length=2000)
    changes: ReviewChanges = Field(default_factory=ReviewChanges)


class ReviewRequest(BaseModel):
    """The interrupt payload: the draft, its matrix and the answers allowed."""

    kind: Literal["plan_review"] = "plan_review"
    draft_id: str
    markdown: str
    plan: dict[str, Any]
    allowed: list[ReviewAction] = Field(default_factory=lambda: list(ALLOWED))
    question: str = "Approve this plan, edit it, or reject it?"


_SHORT = {
    "a": "approve",
    "yes": "approve",
    "ok": "approve",
    "lgtm": "approve",
    "e": "edit",
    "r": "reject",
    "no": "reject",
}


def response_from_text(text: str) -> dict[str, Any]:
    """A review answer typed as text: 'a' or 'approve'; 'r [reason]' or 'reject [reason]';
    'e ...' or 'edit ...'; anything else is taken as edit feedback."""
    word, _, rest = text.strip().partition(" ")
    action = _SHORT.get(word.lower(), word.lower())
    if action in ("approve", "reject", "edit"):
        return {"action": action, **({"feedback": rest.strip()} if action != "approve" else {})}
    return {"action": "edit", "feedback": text.strip()}


def parse_response(value: Any) -> ReviewResponse:
    """Validate a resume value, or raise ReviewError saying what a valid answer is."""
    if isinstance(value, ReviewResponse):
        return value
    if isinstance(value, str):
        value = {"action": value.strip().lower()}
    try:
        return ReviewResponse.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "answer"
        raise ReviewError(
            f"That is not a review answer ({where}: {first['msg']}). Answer approve, edit (with feedback or "
            "changes such as hours_per_week or target levels) or reject (with an optional reason)."
        ) from exc
