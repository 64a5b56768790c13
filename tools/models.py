"""Typed data the gap engine reads and writes: profiles, catalog entries, gap reports.

The level scale is the user's own assessment template: 0 unaware, 1 can implement
with guidance, 2 can execute independently, 3 understands trade-offs and connects
concepts, 4 has found and solved edge cases, 5 can teach and advance the skill.
Priority: 1 critical, 2 important, 3 nice to have. Ease of learning: 1 hard,
2 moderate, 3 easy.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer

Level = Annotated[int, Field(ge=0, le=5, description="Skill level on the 0-5 scale")]
Priority = Annotated[int, Field(ge=1, le=3, description="1 critical, 2 important, 3 nice to have")]
Ease = Annotated[int, Field(ge=1, le=3, description="Ease of learning: 1 hard, 2 moderate, 3 easy")]
SkillKind = Literal["general", "specific"]
Quadrant = Literal["quick win", "major project", "fill-in", "defer", "held"]
# A position or industry is free text, but short and made of name-like characters:
# letters (any script), digits, spaces and the punctuation job titles use.
NAME_PATTERN = r"^[^\W_][\w .,&/+#()'’-]*$"

LEVEL_LABELS: dict[int, str] = {
    0: "unaware",
    1: "can implement with guidance",
    2: "can execute independently",
    3: "understands trade-offs, connects concepts",
    4: "has found and solved edge cases",
    5: "can teach and advance the skill",
}
PRIORITY_LABELS: dict[int, str] = {1: "critical", 2: "important", 3: "nice to have"}


class Evidence(BaseModel):
    """How many of the person's job postings ask for a skill: {"postings": 7, "of": 8}."""

    model_config = ConfigDict(extra="forbid")

    postings: int = Field(ge=0)
    of: int = Field(ge=1)

    def share(self) -> float:
        """The fraction of postings that ask for it."""
        return self.postings / self.of

    def text(self) -> str:
        """'7 of 8 postings'."""
        return f"{self.postings} of {self.of} postings"


class TargetSkill(BaseModel):
    """One of a target's 10 skills when the person (or a proposal) sets them, not the catalog."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    kind: SkillKind
    priority: Priority = 2
    target: Level = 3
    evidence: Evidence | None = None
    reason: str = Field(default="", max_length=400)


class Target(BaseModel):
    """A place to aim for: a position in an industry. Any position is valid; `skills`
    (5 general + 5 specific) replaces the catalog's or the proposed list when given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    position: str = Field(min_length=2, max_length=80, pattern=NAME_PATTERN)
    industry: str = Field(min_length=2, max_length=80, pattern=NAME_PATTERN)
    skills: list[TargetSkill] | None = None

    @field_validator("skills")
    @classmethod
    def _five_and_five(cls, skills: list[TargetSkill] | None) -> list[TargetSkill] | None:
        if skills is None:
            return None
        kinds = [s.kind for s in skills]
        if kinds.count("general") != 5 or kinds.count("specific") != 5:
            raise ValueError(
                f"a target's skills are 5 general and 5 specific; got {kinds.count('general')} general "
                f"and {kinds.count('specific')} specific"
            )
        names = [s.name.lower() for s in skills]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"a skill is listed twice: {', '.join(dupes)}")
        return skills

    @model_serializer(mode="wrap")
    def _omit_empty_skills(self, handler: Any) -> Any:
        # Targets without their own skills serialise as before, so saved plans, draft
        # ids and recordings of catalog targets do not change shape.
        data = handler(self)
        if isinstance(data, dict) and data.get("skills") is None:
            data.pop("skills", None)
        return data

    def label(self) -> str:
        """'GenAI engineer in fintech'."""
        return f"{self.position} in {self.industry}"


class Profile(BaseModel):
    """Where a person is and where they want to be."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    current_role: str = Field(min_length=2, max_length=80)
    industry: str | None = Field(default=None, max_length=80)
    hours_per_week: float = Field(gt=0, le=80, description="Study hours a week, above 0 and at most 80")
    horizon_months: int = Field(default=12, ge=1, le=36, description="Months to reach the target, 1-36")
    plan_a: Target
    plan_b: Target
    skills: dict[str, Level] = Field(default_factory=dict)

    @field_validator("hours_per_week", "horizon_months", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        # pydantic reads true as 1; "hours_per_week: yes" in YAML is a mistake, not 1 hour.
        if isinstance(value, bool):
            raise ValueError("a number is needed, not true or false")
        return value

    @field_validator("skills", mode="before")
    @classmethod
    def _levels_not_booleans(cls, skills: Any) -> Any:
        if isinstance(skills, dict):
            for name, level in skills.items():
                if isinstance(level, bool):
                    raise ValueError(f"{name}: a level 0-5 is needed, not true or false")
        return skills

    @field_validator("skills")
    @classmethod
    def _names_not_blank(cls, skills: dict[str, int]) -> dict[str, int]:
        for name in skills:
            if not name.strip():
                raise ValueError("a skill name is blank; write it as 'Python: 3'")
        return {name.strip(): level for name, level in skills.items()}


class SkillDef(BaseModel):
    """One skill of the catalog."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    kind: SkillKind
    ease: Ease
    aliases: list[str] = Field(default_factory=list)
    prereqs: dict[str, Level] = Field(
        default_factory=dict, description="skill id -> level that must be held before starting"
    )
    resources: list[str] = Field(default_factory=list)


class RoleSkill(BaseModel):
    """A skill as one role needs it."""

    model_config = ConfigDict(extra="forbid")

    skill: str
    priority: Priority
    target: Level


class RoleDef(BaseModel):
    """A target role of the catalog: exactly 5 general and 5 specific skills."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    aliases: list[str] = Field(default_factory=list)
    summary: str
    general: list[RoleSkill] = Field(min_length=5, max_length=5)
    specific: list[RoleSkill] = Field(min_length=5, max_length=5)


class Industry(BaseModel):
    """An industry and what it asks of people on top of the role."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    note: str
    domain_skills: list[RoleSkill] = Field(
        default_factory=list,
        description="specific skills this industry asks of every role, most important first",
    )


def weeks_text(n: int) -> str:
    """'1 week', '3 weeks'."""
    return f"{n} week" if n == 1 else f"{n} weeks"


class SkillLine(BaseModel):
    """One row of the skill matrix."""

    name: str
    skill_id: str
    kind: SkillKind
    priority: Priority
    ease: Ease
    current: Level
    target: Level = Field(description="the target as set; one at or under `current` is held")
    gap: int = Field(ge=0)
    hours: float = Field(ge=0, description="Study hours from current to target")
    start_week: int = Field(ge=0, description="weeks [start_week, finish_week): half-open, whole weeks")
    finish_week: int = Field(ge=0)
    quadrant: Quadrant
    notes: str = ""
    matched_from: str | None = Field(default=None, description="the user's own name for it")
    assumed: bool = Field(
        default=False, description="current level not given: estimated from the current role (see `prior`)"
    )
    prior: str = Field(default="", description="where an assumed level comes from")
    held: bool = Field(default=False, description="already at or above target: nothing to study")
    evidence: Evidence | None = Field(default=None, description="job postings that ask for it")
    source: str = Field(
        default="", description="why this skill is in the target's 10: catalog, proposal, you"
    )
    resources: list[str] = Field(default_factory=list, description="the catalog's resources for it")

    def weeks(self) -> str:
        """The weeks it is studied in, counted from 1 ("1-27", "27" for a skill that ends in
        the week it starts), '-' when held; consecutive skills' ranges never overlap."""
        if self.gap == 0:
            return "-"
        if self.finish_week <= self.start_week:
            return str(max(self.finish_week, 1))
        first = self.start_week + 1
        return str(first) if first == self.finish_week else f"{first}-{self.finish_week}"


class TrimChoice(BaseModel):
    """The optimiser's target level for one skill when the full plan does not fit."""

    name: str
    target: Level
    full_target: Level
    hours: float


class Trim(BaseModel):
    """The best plan that fits the budget, and what it gives up."""

    budget_hours: float
    hours: float
    value: float
    full_value: float
    choices: list[TrimChoice]


class NearRole(BaseModel):
    """A catalog role close to a custom position, by embedding similarity."""

    role_id: str
    title: str
    similarity: float


class Swap(BaseModel):
    """An industry's domain skill taken in for one of the role's least important specific skills."""

    skill_in: str
    skill_out: str
    industry: str


class GapReport(BaseModel):
    """The skill-gap matrix for one target, with its totals and verdict."""

    target: Target
    role_id: str
    role_title: str
    industry_note: str = ""
    industry_known: bool = Field(default=True, description="the catalog knows the industry")
    custom: bool = Field(default=False, description="a position the catalog lacks: skills proposed")
    nearest_roles: list[NearRole] = Field(default_factory=list)
    industry_swaps: list[Swap] = Field(default_factory=list)
    industry_not_swapped: list[str] = Field(
        default_factory=list,
        description="the industry's domain skills left out: every specific skill left is critical or yours at 2+",
    )
    industry_not_for_role: list[str] = Field(
        default_factory=list,
        description="the industry's domain skills about models, left out: no catalog role lends to the position",
    )
    assumed_weeks: int | None = Field(
        default=None, description="total weeks with every assumed level at 0 instead (None: nothing assumed)"
    )
    hours_per_week: float
    horizon_weeks: int
    skills: list[SkillLine]
    total_hours: float
    total_weeks: int
    attainable: bool
    margin_weeks: int = Field(description="horizon minus total weeks: >= 0 fits, < 0 misses")
    hours_per_week_needed: float | None = None
    trim: Trim | None = None
    unknown_skills: list[str] = Field(default_factory=list)
    extras: list[SkillLine] = Field(
        default_factory=list,
        description="skills the person named that the catalog does not know: default estimates, not scheduled",
    )

    def attainable_without_assumptions(self) -> bool:
        """Whether the plan fits with every assumed level taken as 0."""
        return self.attainable if self.assumed_weeks is None else self.assumed_weeks <= self.horizon_weeks

    def verdict(self) -> str:
        """One sentence on whether the plan fits; says so when it fits only on assumed levels."""
        if self.attainable:
            text = (
                f"Attainable: {self.total_weeks} weeks of {self.horizon_weeks}, "
                f"{weeks_text(self.margin_weeks)} to spare at {self.hours_per_week:g} h/week."
            )
            if not self.attainable_without_assumptions():
                text += (
                    f" Only if the levels assumed from your role hold: with them at 0 it takes "
                    f"{weeks_text(self.assumed_weeks or 0)} and does not fit."
                )
            return text
        return (
            f"Not attainable as set: {self.total_weeks} weeks against a horizon of "
            f"{self.horizon_weeks}, {weeks_text(-self.margin_weeks)} over at "
            f"{self.hours_per_week:g} h/week; it would need {self.hours_per_week_needed:g} h/week."
        )
