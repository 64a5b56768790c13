"""Hostile input to the issue-12 parsers: postings text and proposal edits never crash
and stay fast (generous per-input bounds; regexes must not backtrack)."""

from __future__ import annotations

import contextlib
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.errors import InputError
from tools.models import TargetSkill
from tools.postings import analyse_postings, split_postings
from tools.proposal import Proposal
from tools.skill_edits import apply_skill_edits

TEXT = st.text(
    alphabet=st.sampled_from(list(" \t\n-:;.,/#+*1234567890abcAB()priorityreplacewith")), max_size=3000
)
PROPOSAL = Proposal(
    position="Developer advocate",
    industry="devtools",
    skills=[TargetSkill(name=f"General {i}", kind="general") for i in range(5)]
    + [TargetSkill(name=f"Specific {i}", kind="specific") for i in range(5)],
)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_postings_parsing_is_total_and_fast(text: str) -> None:
    start = time.perf_counter()
    posts = split_postings(text)
    seen = analyse_postings(posts)
    assert seen.of >= 1
    assert time.perf_counter() - start < 2.0


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_skill_edits_are_total_and_fast(text: str) -> None:
    start = time.perf_counter()
    try:
        edited = apply_skill_edits(PROPOSAL, text)
    except InputError:
        pass
    else:
        assert len(edited.skills) == 10
    assert time.perf_counter() - start < 1.0


def test_long_whitespace_runs_do_not_backtrack() -> None:
    for text in (
        "priority " + " " * 5000 + "x",
        "General 1" + " " * 3000 + ":" + " " * 3000 + "priority 9",
        "\n" * 20000 + "---",
    ):
        start = time.perf_counter()
        with contextlib.suppress(InputError):
            apply_skill_edits(PROPOSAL, text)
        split_postings(text)
        assert time.perf_counter() - start < 1.0
