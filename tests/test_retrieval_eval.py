"""The retrieval eval on the bundled roadmaps and the seeds: hybrid is no worse than either method."""

from pathlib import Path

import pytest

from evals.retrieval import first_rank, questions, run

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_question_set_is_large_enough() -> None:
    items = questions()
    assert len(items) >= 40
    assert {i["source"] for i in items if i["source"][:3].isdigit()}, "seed questions are included"


def test_rank_matching() -> None:
    item = {"q": "x", "source": "a.md", "phrase": "Kafka"}
    assert first_rank(item, [("b.md", "kafka"), ("/x/a.md", "learn KAFKA")]) == 2
    assert first_rank(item, [("a.md", "nothing")]) is None


def test_hybrid_at_least_as_good_as_best_single_method(seeds: Path) -> None:
    result = run(seeds)
    by = {s.mode: s for s in result["scores"]}
    assert by["hybrid"].questions >= 40
    assert result["ok"], result["verdict"]
    assert by["hybrid"].hit5 >= 0.85 and by["hybrid"].mrr >= 0.65, result["table"]
