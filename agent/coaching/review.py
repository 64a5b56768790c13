"""The plan review contract: what the graph shows when it stops, and the answers it takes.

The interrupt value is LangChain's human-in-the-loop request (what LangGraph Studio and
LangChain front ends render): one action request, `save_plan`, whose args carry the typed
plan. It is answered with `{"decisions": [{"type": "approve" | "edit" | "reject", ...}]}`,
with plain text (read by `agent.coaching.review_answers`), or with the older
`{"action": "approve" | "edit" | "reject", ...}` shape. Every answer is validated strictly
here; an answer that fails is refused with one message and the review stays open.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from tools.errors import ReviewError
from tools.models import TargetSkill

ReviewAction = Literal["approve", "edit", "reject"]
ALLOWED: list[ReviewAction] = ["approve", "edit", "reject"]
ACTION_NAME = "save_plan"
MAX_ANSWER_CHARS = 2000
MAX_SKILL_CHANGES = 20

SkillName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
StrictLevel = Annotated[int, Field(strict=True, ge=0, le=5)]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]


class TargetChange(BaseModel):
    """A new Plan A or Plan B: a position in an industry, optionally with its own 10
    skills (a custom role's list edited at review: "replace A with B")."""

    model_config = ConfigDict(extra="forbid", strict=True)

    position: Words
    industry: Words
    # Not strict: the skills arrive as JSON objects from Studio, Slack or a checkpoint.
    skills: list[TargetSkill] | None = Field(
        default=None, strict=False, description="5 general + 5 specific skills, replacing the target's list"
    )
    note: Annotated[str, StringConstraints(max_length=300)] = Field(
        default="", description="what changed in the skill list, in words"
    )

    def describe(self, label: str) -> str:
        """'Plan A Customer success manager in SaaS' or "Plan A's skills: replace A with B"."""
        if self.skills is not None and self.note:
            return f"Plan {label}'s skills: {self.note}"
        return f"Plan {label} {self.position} in {self.industry}"


class ReviewChanges(BaseModel):
    """Direct changes an edit can make; each recomputes the numbers. Strict: `true` is
    not an hour, a name is at most 60 characters, at most 20 skills change at once."""

    model_config = ConfigDict(extra="forbid", strict=True)

    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    horizon_months: int | None = Field(default=None, ge=1, le=36)
    targets: dict[SkillName, StrictLevel] = Field(
        default_factory=dict, max_length=MAX_SKILL_CHANGES, description="skill name -> target level"
    )
    levels: dict[SkillName, StrictLevel] = Field(
        default_factory=dict,
        max_length=MAX_SKILL_CHANGES,
        description="skill name -> corrected current level ('my statistics is 3, not 0')",
    )
    plan_a: TargetChange | None = None
    plan_b: TargetChange | None = None
    current_role: str | None = Field(
        default=None, min_length=1, max_length=80, description="the person's role now ('change my role to X')"
    )
    forget: list[SkillName] = Field(
        default_factory=list,
        max_length=MAX_SKILL_CHANGES,
        description="skills to take out of the person's profile ('drop sundays from my skills')",
    )

    def empty(self) -> bool:
        """True when nothing is changed."""
        return not (
            self.hours_per_week
            or self.horizon_months
            or self.targets
            or self.levels
            or self.plan_a
            or self.plan_b
            or self.current_role
            or self.forget
        )

    def describe(self) -> str:
        """'12 hours a week; rag target 2' - what the edit changes, in one line."""
        parts: list[str] = [f"your role: {self.current_role}"] if self.current_role else []
        if self.hours_per_week:
            parts.append(f"{self.hours_per_week:g} hours a week")
        if self.horizon_months:
            parts.append(f"a horizon of {self.horizon_months} months")
        parts += [f"{name} now {level}" for name, level in self.levels.items()]
        parts += [
            f"{name} target {level}" if level else f"no {name} beyond what you have"
            for name, level in self.targets.items()
        ]
        for key in ("plan_a", "plan_b"):
            target = getattr(self, key)
            if target is not None:
                parts.append(target.describe(key[-1].upper()))
        parts += [f"{name} taken out of your skills" for name in self.forget]
        return "; ".join(parts)


class ReviewResponse(BaseModel):
    """A person's answer to a plan review."""

    model_config = ConfigDict(extra="forbid", strict=True)

    action: ReviewAction
    feedback: Annotated[str, StringConstraints(max_length=MAX_ANSWER_CHARS)] = ""
    changes: ReviewChanges = Field(default_factory=ReviewChanges)


class ReviewRequest(BaseModel):
    """What the reader of an interrupt sees: the draft, its Markdown, the answers allowed,
    and the coach's last word on a refused or unclear answer (`notice`)."""

    kind: Literal["plan_review"] = "plan_review"
    draft_id: str
    markdown: str
    plan: dict[str, Any]
    allowed: list[ReviewAction] = Field(default_factory=lambda: list(ALLOWED))
    question: str = "Approve this plan, edit it, or reject it?"
    notice: str = ""

    def to_interrupt(self) -> dict[str, Any]:
        """The interrupt value in LangChain's human-in-the-loop shape."""
        return {
            "action_requests": [
                {
                    "name": ACTION_NAME,
                    "args": {"draft_id": self.draft_id, "plan": self.plan},
                    "description": self.markdown,
                }
            ],
            "review_configs": [{"action_name": ACTION_NAME, "allowed_decisions": list(self.allowed)}],
            "kind": self.kind,
            "draft_id": self.draft_id,  # also at the top, for readers that only need which draft
            "question": self.question,
            "notice": self.notice,
        }

    @classmethod
    def from_interrupt(cls, value: Any) -> ReviewRequest | None:
        """The review in an interrupt value, or None when the value is not a plan review."""
        if not isinstance(value, dict) or value.get("kind") != "plan_review":
            return None
        requests = value.get("action_requests") or []
        if not requests or not isinstance(requests[0], dict):
            return None
        args = requests[0].get("args") or {}
        configs = value.get("review_configs") or [{}]
        return cls(
            draft_id=args.get("draft_id", ""),
            markdown=requests[0].get("description", ""),
            plan=args.get("plan") or {},
            allowed=configs[0].get("allowed_decisions", list(ALLOWED)),
            question=value.get("question", ""),
            notice=value.get("notice", ""),
        )


HOW_TO_ANSWER = (
    "Answer 'approve' to save the plan, say what to change (for example '10 hours a week' or 'rag 2'), "
    "or 'reject' with a reason."
)


def _short(value: object, limit: int = 40) -> str:
    text = " ".join(str(value).split())  # one line, whatever was sent
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_error(exc: ValidationError) -> str:
    """The first problem as 'where: what', on one short line (a 10,000-character key
    is not echoed back)."""
    first = exc.errors()[0]
    where = ".".join(_short(x) for x in first["loc"]) or "answer"
    return f"{where}: {_short(first['msg'], 160)}"


def _refusal(exc: ValidationError) -> ReviewError:
    return ReviewError(f"That is not a review answer ({describe_error(exc)}). {HOW_TO_ANSWER}")


def _from_decisions(value: dict[str, Any]) -> ReviewResponse:
    decisions = value.get("decisions")
    if set(value) != {"decisions"} or not isinstance(decisions, list) or len(decisions) != 1:
        raise ReviewError(
            f"Send exactly one decision: {{'decisions': [{{'type': 'approve'}}]}}. {HOW_TO_ANSWER}"
        )
    decision = decisions[0]
    if not isinstance(decision, dict):
        raise ReviewError(f"A decision is an object with a 'type'. {HOW_TO_ANSWER}")
    kind = decision.get("type")
    if kind == "approve" and set(decision) == {"type"}:
        return ReviewResponse(action="approve")
    if kind == "reject" and set(decision) <= {"type", "message"}:
        return _validated({"action": "reject", "feedback": decision.get("message", "")})
    if kind == "edit" and set(decision) == {"type", "edited_action"}:
        action = decision["edited_action"]
        if not isinstance(action, dict) or action.get("name", ACTION_NAME) != ACTION_NAME:
            raise ReviewError(f"An edit's edited_action is {{'name': '{ACTION_NAME}', 'args': {{...}}}}.")
        args = action.get("args")
        if not isinstance(args, dict):
            raise ReviewError(
                "An edit's edited_action needs args: {'changes': {...}} or {'feedback': '...'}."
            )
        # The request's own args (draft_id, plan) may come back unchanged with the edit.
        edit = {k: v for k, v in args.items() if k not in ("draft_id", "plan")}
        return _validated({"action": "edit", **edit})
    raise ReviewError(f"A decision's type is approve, edit or reject, with its own fields. {HOW_TO_ANSWER}")


def _validated(value: Any) -> ReviewResponse:
    try:
        return ReviewResponse.model_validate(value)
    except ValidationError as exc:
        raise _refusal(exc) from exc


def parse_response(value: Any) -> ReviewResponse | str:
    """A resume value as a validated answer, or the text to classify; raises ReviewError
    (one message saying what a valid answer is) for anything else."""
    if isinstance(value, ReviewResponse):
        return value
    if isinstance(value, str):
        if len(value) > MAX_ANSWER_CHARS:
            raise ReviewError(f"That answer is {len(value)} characters; keep it under {MAX_ANSWER_CHARS}.")
        return value
    if isinstance(value, dict) and "decisions" in value:
        return _from_decisions(value)
    if isinstance(value, dict):
        return _validated(value)
    raise ReviewError(f"That is not a review answer (a {type(value).__name__}). {HOW_TO_ANSWER}")


def resume_value(answer: ReviewResponse | dict[str, Any] | str) -> dict[str, Any] | str:
    """What to send as `Command(resume=...)`: JSON-able, and checked for shape first so
    an interface can tell a person at once; the review node validates it again."""
    parse_response(answer)
    # Sent as given (the node reads a decision again, with the draft at hand); a typed
    # response as its JSON form.
    return answer.model_dump() if isinstance(answer, ReviewResponse) else answer
