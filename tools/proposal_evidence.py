"""How much a proposal's evidence is worth, said plainly: which near roles lend their
skills, similarities compared as shown, and the thin-evidence note whose counts are the
rows' own reasons (tools.proposal proposes; this module judges and says)."""

from __future__ import annotations

from typing import Literal

from tools.models import NearRole, TargetSkill

# A catalog role lends its skills to a position only from this similarity up: below it the
# roles share words, not work ("Customer success manager" -> ML engineer is 0.24).
NEAR_ROLE_MIN = 0.4
# Below this, roles that do lend skills share the title's words more than its work
# ("UX researcher" -> AI researcher, 0.51): without postings, the proposal says so.
CLOSE_ROLE = 0.6


def shown(similarity: float) -> float:
    """A similarity as it is shown (two decimals): thresholds compare this, so a role shown
    at 0.40 is never said to be under 'I borrow from 0.40 up' (it was 0.397)."""
    return round(similarity, 2)


def borrowed(nearest: list[NearRole]) -> list[NearRole]:
    """The near roles close enough to lend their skills (similarity at least NEAR_ROLE_MIN)."""
    return [n for n in nearest if shown(n.similarity) >= NEAR_ROLE_MIN]


def thin_evidence(position: str, nearest: list[NearRole], postings: int, skills: list[TargetSkill]) -> str:
    """Why a proposal rests on little, and what would help; empty when the evidence is fair.

    Thin: no job postings, and no catalog role close enough to borrow from, so the skills
    were picked only by how close their names are in meaning to the title. Moderate: no
    postings, and the roles lent their skills are under CLOSE_ROLE similar."""
    if postings:
        return ""
    if lent := borrowed(nearest):
        if max(shown(n.similarity) for n in lent) >= CLOSE_ROLE:
            return ""
        sims = ", ".join(f"{n.title} {n.similarity:.2f}" for n in lent)
        return (
            f"Evidence is moderate: I have no job postings for {position}, and the catalog roles these skills "
            f"come from are only somewhat similar ({sims}), so some may be what those roles need rather than "
            f'what {position} needs. Add 5-10 postings with `coach postings add FILE... --role "{position}"` '
            "and I will propose from what they ask for, or change the list yourself."
        )
    counts = dict.fromkeys(_SAID_AS, 0)
    for s in skills:
        counts[origin_of(s.reason)] += 1
    near = ", ".join(f"{n.title} {n.similarity:.2f}" for n in nearest) or "none"
    parts = [said_as(origin, n) for origin, n in counts.items() if n]
    said = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else "none"
    return (
        f"Evidence is thin: I have no job postings for {position}, and no catalog role is close enough "
        f"to borrow skills from (nearest: {near}; I borrow from {NEAR_ROLE_MIN:.2f} up). Of these skills, "
        f"{said}. Add 5-10 postings with "
        f'`coach postings add FILE... --role "{position}"` and I will propose from what they ask for, '
        "or change the list yourself."
    )


Origin = Literal["own", "choice", "industry", "close", "passages", "weak", "other"]
# How the thin-evidence note counts each origin, in the order it says them: said of one
# row, and of several ("1 is a weak guess", "3 are weak guesses").
_SAID_AS: dict[Origin, tuple[str, str]] = {
    "own": ("comes from your own rated skills", "come from your own rated skills"),
    "choice": ("you replaced or renamed", "you replaced or renamed"),
    "industry": ("is the industry's domain skill", "are the industry's domain skills"),
    "close": (
        "is picked by how close its name is in meaning to the title",
        "are picked by how close their names are in meaning to the title",
    ),
    "passages": ("is named in roadmap passages", "are named in roadmap passages"),
    "weak": ("is a weak guess (optional, priority 3)", "are weak guesses (optional, priority 3)"),
    "other": ("comes from other evidence", "come from other evidence"),
}


def said_as(origin: Origin, n: int) -> str:
    """How many rows stand on one kind of evidence, the verb agreeing with the count."""
    one, many = _SAID_AS[origin]
    return f"{n} {one if n == 1 else many}"


def origin_of(reason: str) -> Origin:
    """Which kind of evidence a proposed row stands on, read from the reason it shows, so
    the counts above a proposal are the rows' own words (the count of 'close' picks was
    whatever was left, industry swaps included)."""
    if reason.startswith("your choice"):
        return "choice"
    if reason.startswith("weak guess"):
        return "weak"
    if "(catalog industry)" in reason:
        return "industry"
    if reason.startswith("your own") or "your '" in reason:
        return "own"
    if "close in meaning to '" in reason:
        return "close"
    if "roadmap passage" in reason:
        return "passages"
    return "other"
