"""Golden personas: the verdict each story implies, and the frozen figures."""

import json
from importlib import resources

import pytest

from evals.golden import compute, personas

EXPECTED = json.loads(resources.files("evals").joinpath("data/golden_expected.json").read_text())
GOT = compute()
IDS = [p["id"] for p in personas()]


def test_enough_personas_of_each_kind() -> None:
    cats = [c for p in personas() for c in p["expect"].values()]
    assert len(IDS) >= 12
    assert {"fits", "barely_misses", "far"} <= set(cats)


@pytest.mark.parametrize("persona", personas(), ids=IDS)
def test_story_verdict(persona) -> None:
    assert GOT[persona["id"]]["category"] == persona["expect"]


@pytest.mark.parametrize("pid", IDS)
def test_frozen_figures(pid) -> None:
    assert GOT[pid] == EXPECTED[pid], (
        "regenerate with `python -m evals.golden --update` if the change is deliberate"
    )
