"""How many study hours a level step costs, and why.

Calibration. The base cost of each step is for a skill of moderate ease (2) whose
prerequisites are already held. The figures come from the durations the user's own
roadmaps state (../shared/seeds/):

* "5-7 hours per week" of algorithm practice "for the next 6-9 months" (seed 000)
  is about 6 h x 26-39 weeks = 156-234 h, taking a working backend engineer from
  level 1 to level 3 in a hard skill (ease 1, x1.5): (35 + 75) x 1.5 = 165 h.
* Phases of "2-4 months" at "10-20 hours per week" (seed 004) are 87-350 h each; its
  RAG phase (2-4 months) takes a developer from 0 to about 3 in RAG (ease 2, with
  LLM APIs held, x0.85): (10 + 35 + 75) x 0.85 = 102 h plus projects, inside that range.
* One month a topic in a six-month roadmap (seed 003): LangGraph agents from 0 to 2
  at about 10 h/week = 43 h; the model gives (10 + 35) x 0.85 = 38 h.
* A whole 12-18 month roadmap at 10-20 h/week, "10-14 months" for experienced
  developers (seed 004): 430-1,200 h for about ten skills raised by two levels each;
  ten skills 1 -> 3 at ease 2 cost 1,100 h here.

Steps grow because each level asks for more: 0 -> 1 is reading ("understand the
why"), 1 -> 2 following tutorials, 2 -> 3 real projects, 3 -> 4 production debugging
and trade-offs, 4 -> 5 teaching and novel work (the template's key indicators).
"""

from __future__ import annotations

from dataclasses import dataclass

# Hours for the step from level i to level i + 1, at moderate ease (index = from-level).
STEP_HOURS: tuple[float, ...] = (10.0, 35.0, 75.0, 130.0, 200.0)
# Ease 1 (hard) costs half as much again; ease 3 (easy) about two thirds.
EASE_FACTOR: dict[int, float] = {1: 1.5, 2: 1.0, 3: 0.7}
# A skill whose prerequisites are held builds on them; one whose prerequisites are
# missing drags their basics along with it.
PREREQS_HELD_FACTOR = 0.85
PREREQS_MISSING_FACTOR = 1.2
STEP_REASONS: tuple[str, ...] = (
    "read and understand the why",
    "follow tutorials, pair with someone",
    "build real projects, learn independently",
    "optimise, debug production issues, study trade-offs",
    "teach, write, contribute novel insight",
)


@dataclass(frozen=True)
class HoursBreakdown:
    """The hours from one level to another, with each factor that made them."""

    current: int
    target: int
    steps: tuple[float, ...]
    ease: int
    ease_factor: float
    prereq_factor: float
    hours: float

    def explain(self) -> str:
        """A sentence a person can check with a calculator."""
        if self.target <= self.current:
            return "already at or above target: 0 h"
        parts = " + ".join(f"{h:g}" for h in self.steps)
        steps = f"{self.current}->{self.target}: ({parts}) h"
        factors = f" x {self.ease_factor:g} (ease {self.ease})"
        if self.prereq_factor != 1.0:
            why = "prerequisites held" if self.prereq_factor < 1 else "prerequisites missing"
            factors += f" x {self.prereq_factor:g} ({why})"
        return f"{steps}{factors} = {self.hours:g} h"


def prereq_factor(held: dict[str, int], needs: dict[str, int]) -> float:
    """1.0 with no prerequisites; cheaper when all are held, dearer when any is missing."""
    if not needs:
        return 1.0
    if all(held.get(skill, 0) >= level for skill, level in needs.items()):
        return PREREQS_HELD_FACTOR
    return PREREQS_MISSING_FACTOR


def hours_between(current: int, target: int, ease: int, factor: float = 1.0) -> HoursBreakdown:
    """Study hours to go from `current` to `target` for a skill of this ease."""
    if not (0 <= current <= 5 and 0 <= target <= 5):
        raise ValueError(f"levels must be 0-5, got current={current}, target={target}")
    if ease not in EASE_FACTOR:
        raise ValueError(f"ease must be 1, 2 or 3, got {ease}")
    steps = STEP_HOURS[current:target] if target > current else ()
    raw = sum(steps) * EASE_FACTOR[ease] * factor
    return HoursBreakdown(
        current=current,
        target=target,
        steps=tuple(steps),
        ease=ease,
        ease_factor=EASE_FACTOR[ease],
        prereq_factor=factor,
        hours=round(raw, 1),
    )
