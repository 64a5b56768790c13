"""The skill list of a position the catalog lacks, agreed with the person before any gap.

When Plan A or Plan B names a position the catalog does not know, the coach proposes its
10 skills (5 general, 5 specific) from the evidence it has - the nearest catalog roles and
the person's job postings - and shows each with its reason. The person accepts the list or
changes it ("replace A with B; priority C 1; target D 4"); only then are the skills pinned
to the target and the gap computed. Pure functions: the intake node stores what they return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from tools.catalog import catalog_role
from tools.errors import InputError
from tools.models import Target
from tools.postings import postings_for
from tools.proposal import Proposal, apply_skill_edits, proposal_markdown, propose_skills

PlanKey = Literal["plan_a", "plan_b"]
# An answer made only of these words accepts the list as it is ("ok looks good", "fine by me").
_ACCEPT_WORDS = frozenset(
    [
        "ok",
        "okay",
        "k",
        "yes",
        "yep",
        "yeah",
        "sure",
        "accept",
        "accepted",
        "looks",
        "look",
        "good",
        "fine",
        "great",
        "perfect",
        "lgtm",
        "keep",
        "them",
        "it",
        "these",
        "that",
        "that's",
        "thats",
        "is",
        "are",
        "go",
        "ahead",
        "sounds",
        "thanks",
        "thank",
        "you",
        "please",
        "all",
        "right",
        "alright",
        "cool",
        "by",
        "me",
        "skip",
        "plan",
        "draft",
        "the",
        "list",
    ]
)


@dataclass(frozen=True)
class Reply:
    """What the person's answer did to the proposal, and what to tell them."""

    accepted: bool
    proposal: Proposal
    text: str


def needs_proposal(profile: dict[str, Any]) -> PlanKey | None:
    """The first target whose position the catalog lacks and whose skills are not agreed yet."""
    keys: tuple[PlanKey, PlanKey] = ("plan_a", "plan_b")
    for key in keys:
        target = profile.get(key)
        if isinstance(target, dict) and not target.get("skills") and catalog_role(target["position"]) is None:
            return key
    return None


def propose_for(profile: dict[str, Any], key: PlanKey, postings: list[Any] | None = None) -> Proposal:
    """The proposal for one target, from the nearest roles and the person's postings for it."""
    target = Target.model_validate(profile[key])
    texts = postings_for(postings or [], target.position)
    return propose_skills(target.position, target.industry, postings=texts or None)


def ask(proposal: Proposal, key: PlanKey) -> str:
    """The question: the list with a reason per skill, and how to answer."""
    intro = (
        f"I don't have {proposal.position} in my catalog, so here is what I'd build Plan "
        f"{key[-1].upper()} on. Each skill says where it comes from."
    )
    return f"{intro}\n\n{proposal_markdown(proposal)}"


def given_note(proposal: Proposal, key: PlanKey) -> str:
    """What the coach says when it takes a proposal without asking (a profile given whole)."""
    return (
        f"{proposal.position} is not in my catalog, so Plan {key[-1].upper()} uses these proposed skills; "
        f"to set your own, give the target a `skills` list in the profile file.\n\n"
        + proposal_markdown(proposal).rsplit("\n\n", 1)[0]
    )


def answer(text: str, proposal: Proposal) -> Reply:
    """Accept, or apply the person's changes and show the list again."""
    words = re.findall(r"[a-z']+", text.lower()[:200])
    if words and all(w in _ACCEPT_WORDS for w in words):
        return Reply(True, proposal, f"Using these 10 skills for {proposal.position}.")
    try:
        edited = apply_skill_edits(proposal, text)
    except InputError as exc:
        return Reply(False, proposal, f"I could not use that: {exc} Say 'ok' to keep the list as it is.")
    return Reply(False, edited, f"Changed.\n\n{proposal_markdown(edited)}")


def pinned(profile: dict[str, Any], key: PlanKey, proposal: Proposal) -> dict[str, Any]:
    """The profile with the agreed skills on the target (what the gap report then uses)."""
    return {**profile, key: proposal.target().model_dump(mode="json")}
