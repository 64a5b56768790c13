"""A sixth tester's findings at the review and proposal stages of the installed `coach chat`,
each taken as typed: filler after a list edit, a check-in typed while a draft waits, levels
said after a correction, a dropped skill's target, redoing a proposal from new postings, and
a question asked beside a list edit."""

from __future__ import annotations

import pytest

from tools.models import TargetSkill
from tools.proposal import Proposal
from tools.skill_edits import apply_skill_edits

GENERAL = [
    "Telling stories with data",
    "Defining success metrics",
    "Deciding under ambiguity",
    "Writing",
    "Ops",
]
SPECIFIC = ["Python engineering", "SQL for analytics", "Statistics", "Clinical validation", "Privacy"]


def _proposal() -> Proposal:
    skills = [
        TargetSkill(name=n, kind="general", priority=1, target=2, reason="in Data scientist") for n in GENERAL
    ]
    skills += [
        TargetSkill(name=n, kind="specific", priority=1, target=2, reason="in Data scientist")
        for n in SPECIFIC
    ]
    return Proposal(position="Clinical informatics specialist", industry="healthcare", skills=skills)


# ---- 1. filler after a change is no part of a skill's name ----------------------------


@pytest.mark.parametrize(
    "said",
    [
        "swap python for excel pls, rest is fine",
        "replace python with excel please",
        "swap python for excel thx",
        "replace #6 with excel, the rest looks good",
        "swap python for excel and keep the rest",
        "replace python with excel, everything else is fine thanks",
        "can you swap python for excel?",
        "swap python for excel pls. rest is ok",
        "replace python with excel, otherwise looks good",
    ],
)
def test_filler_after_a_list_edit_is_not_part_of_the_new_name(said: str) -> None:
    edited = apply_skill_edits(_proposal(), said)
    names = [s.name for s in edited.skills]
    assert names[5] == "Excel", names
    assert edited.skills[5].reason == "your choice, in place of Python engineering"
    assert names[:5] == GENERAL and names[6:] == SPECIFIC[1:], "nothing else changes"


def test_a_name_starting_with_rest_is_still_a_name() -> None:
    # Only 'the rest is fine' is acceptance: 'rest apis' names a skill (the catalog's).
    edited = apply_skill_edits(_proposal(), "replace python with rest apis, rest is fine")
    assert edited.skills[5].name == "Building APIs (FastAPI, REST)"


def test_renaming_your_own_choice_keeps_what_it_replaced() -> None:
    # The saved profile said 'renamed from Excel pls, rest is fine': a rename of a skill the
    # person chose corrects its name; the reason still says what it took the place of.
    once = apply_skill_edits(_proposal(), "replace python with exel")
    twice = apply_skill_edits(once, "rename exel to Excel")
    assert twice.skills[5].name == "Excel"
    assert twice.skills[5].reason == "your choice, in place of Python engineering"
