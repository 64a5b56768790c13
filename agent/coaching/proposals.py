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

from agent.coaching.plan import Plan, pinned_target, report_target
from agent.coaching.review import ReviewChanges, TargetChange
from tools.catalog import catalog_role, match_skill_strict
from tools.errors import InputError
from tools.models import Target, TargetSkill
from tools.postings import postings_for
from tools.proposal import Proposal, proposal_markdown, propose_skills
from tools.skill_edits import SkillChange, apply_skill_edits, edit_skills, locate, parse_skill_edits

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
        # "ok that looks better, accept", "nice, this works now"
        "better",
        "now",
        "much",
        "this",
        "those",
        "works",
        "nice",
        "agreed",
        "agree",
        "done",
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
    skills = profile.get("skills") or {}
    return propose_skills(target.position, target.industry, postings=texts or None, rated=skills)


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


# ---- a custom list changed at plan review -------------------------------------------

_PLAN_PREFIX = re.compile(r"^\s*(?:for\s+)?plan\s*(?P<label>[ab])\b\s*[:,\-]?\s*", re.I)


def own_list(plan: Plan, label: Literal["A", "B"]) -> Target | None:
    """The target's own 10 skills (a proposal agreed, a profile's list, postings' evidence),
    or None for a catalog role planned with the catalog's skills."""
    given = plan.profile.plan_a if label == "A" else plan.profile.plan_b
    if given.skills is not None:
        return given
    report = (plan.a if label == "A" else plan.b).report
    pinned = pinned_target(report, given)
    return pinned if pinned.skills is not None else None


def review_list_edit(
    text: str, plan: Plan, overrides: dict[str, dict[str, int]] | None = None
) -> ReviewChanges | str | None:
    """A review answer that changes a target's own skill list ("replace A with B", "make B
    priority 1", "target for B 3", "drop A, add C (general)"), as the review changes that
    pin the edited list; a line to say back when the change cannot be applied; or None when
    the answer is not such a change (it is then read as any other review answer).

    The list edited is the first target with its own list (or, for a change beyond a
    target level, a catalog role's list as drafted) that names every skill the answer
    refers to ("plan b: ..." picks Plan B). A drop with nothing added means "no
    need for it", as elsewhere in a review: its target becomes 0. Targets set earlier in
    the review ("rag 2") are kept in the new list."""
    said = _PLAN_PREFIX.match(text[:2000])
    body = text[said.end() : 2000] if said else text[:2000]
    try:
        changes = parse_skill_edits(body)
    except InputError:
        return None
    if not changes:
        return None
    levels_only = all(c.op == "target" for c in changes)
    if not any(c.op == "add" for c in changes):
        changes = [
            SkillChange(op="target", skill=c.skill, value="0") if c.op == "drop" else c for c in changes
        ]
    labels: list[Literal["A", "B"]] = [said["label"].upper()] if said else ["A", "B"]  # type: ignore[list-item]
    # Only targets and "no need for" can also be said of a catalog role's skills as review
    # overrides; replacing, renaming, adding and priorities need a list of the plan's own.
    listing = any(c.op != "target" for c in changes)
    if levels_only and not said:
        # Target levels said of no one plan are the review's targets, for both plans (as
        # "python 4" is), whether a list is the plan's own or the catalog's: as a pinned
        # list's edit they changed Plan A only, and only in a session after an approval.
        return _listed_targets(plan, labels, changes)
    first_error = ""
    for label in labels:
        # "plan b: ..." changes that plan's list only, the catalog's as drafted included.
        target = own_list(plan, label) or (catalog_list(plan, label) if listing or said else None)
        if target is None or target.skills is None:
            continue
        try:
            for change in changes:
                if change.op != "add":
                    locate(target.skills, change)
        except InputError as exc:
            first_error = first_error or f"Plan {label}: {exc}"
            continue  # not this list's skills: maybe the other plan's, or an ordinary edit
        skills = _with_overrides(target.skills, (overrides or {}).get(label.lower(), {}))
        start = Proposal(position=target.position, industry=target.industry, skills=skills)
        try:
            edited, done = edit_skills(start, changes)
        except InputError as exc:
            return f"I could not change Plan {label}'s skills: {exc}"
        pinned = TargetChange(
            position=target.position[:80],
            industry=target.industry[:80],
            skills=edited.skills,
            note="; ".join(done)[:300],
        )
        return ReviewChanges(plan_a=pinned) if label == "A" else ReviewChanges(plan_b=pinned)
    if not listing and not said and (drafted := _listed_targets(plan, labels, changes)) is not None:
        # "drop dbt" of a catalog role's drafted skill, when the other plan has a list of its
        # own that lacks it: the review's target, not that list's "not one of the listed skills".
        return drafted
    return first_error or None


def _listed_targets(
    plan: Plan, labels: list[Literal["A", "B"]], changes: list[SkillChange]
) -> ReviewChanges | str | None:
    """Target levels said of a plan's drafted skills ("make python's target 4", "target for
    rag 2") as the review's target changes, by the names the list shows; None when a skill
    is in no drafted list (the answer is then read as any other review answer)."""
    for label in labels:
        skills = catalog_list(plan, label).skills or []
        try:
            targets = {skills[locate(skills, c)[0]].name: c.value for c in changes}
        except InputError:
            continue
        try:
            return ReviewChanges.model_validate({"targets": {k: int(v) for k, v in targets.items()}})
        except ValueError:
            return f"A target is a level from 0 to 5 ({', '.join(f'{k} {v}' for k, v in targets.items())})."
    return None


def catalog_list(plan: Plan, label: Literal["A", "B"]) -> Target:
    """A catalog role's 10 skills as drafted (industry swaps and review targets included),
    as a list of the person's own to change."""
    return report_target((plan.a if label == "A" else plan.b).report)


def _with_overrides(skills: list[TargetSkill], targets: dict[str, int]) -> list[TargetSkill]:
    """The list with the review's earlier target changes folded in (they are by skill name)."""
    out = []
    for s in skills:
        level = next((v for k, v in targets.items() if _same_skill(k, s.name)), None)
        out.append(s if level is None else s.model_copy(update={"target": level}))
    return out


def _same_skill(a: str, b: str) -> bool:
    if a.lower() == b.lower():
        return True
    x, y = match_skill_strict(a), match_skill_strict(b)
    return x is not None and y is not None and x.id == y.id
