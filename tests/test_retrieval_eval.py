"""The retrieval eval: an honest question set, its metrics, and the figures it reports."""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from evals.retrieval import as_json, first_rank, ndcg, questions, run
from knowledge.loaders import load_text
from knowledge.retriever import bundled_documents
from knowledge.terms import overlap

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_question_set_is_large_and_mostly_paraphrases() -> None:
    items = questions()
    assert len(items) >= 150
    kinds = {i["kind"] for i in items}
    assert {"para", "nested", "table", "deep"} <= kinds
    assert sum(i["kind"] != "original" for i in items) > len(items) / 2
    assert {i["source"] for i in items if i["source"][:3].isdigit()}, "seed questions are included"
    assert len({i["q"] for i in items}) == len(items), "no question asked twice"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not beside the repository")
def test_every_answer_phrase_is_in_its_source_and_questions_share_few_words_with_it() -> None:
    texts = {name.removeprefix("bundled/"): text for name, text in bundled_documents().items()}
    texts.update({p.name: load_text(p) for p in SEEDS.iterdir()})
    overlaps = []
    for item in questions():
        text = texts[item["source"]]
        assert item["phrase"].lower() in text.lower(), item
        assert item["q"].lower() not in text.lower(), "questions are not copied from the sources"
        line = next(x for x in text.split("\n") if item["phrase"].lower() in x.lower())
        overlaps.append(overlap(item["q"], line))
    assert statistics.median(overlaps) < 0.5


def test_rank_and_ndcg() -> None:
    item = {"q": "x", "source": "a.md", "phrase": "Kafka"}
    assert first_rank(item, [("b.md", "kafka"), ("/x/a.md", "learn KAFKA")]) == 2
    assert first_rank(item, [("a.md", "nothing")]) is None
    assert ndcg(item, [("a.md", "kafka")], relevant=1) == 1.0
    assert ndcg(item, [("b.md", "x"), ("a.md", "kafka")], relevant=1) == pytest.approx(1 / 1.5849625)
    assert ndcg(item, [("a.md", "kafka"), ("b.md", "x")], relevant=2) == pytest.approx(
        1 / (1 + 1 / 1.5849625)
    )


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not beside the repository")
def test_full_eval_hybrid_beats_each_method_and_the_report_is_complete() -> None:
    result = run(SEEDS, baseline=False)
    by = {s.mode: s for s in result["overall"]}
    assert by["hybrid"].questions >= 150
    assert by["hybrid"].hit5 >= max(by["dense"].hit5, by["bm25"].hit5), result["table"]
    assert by["hybrid"].mrr >= max(by["dense"].mrr, by["bm25"].mrr), result["table"]
    # A floor under today's figures (see README), so that a regression shows.
    assert by["hybrid"].hit5 >= 0.70 and by["hybrid"].ndcg10 >= 0.55, result["table"]
    assert result["quote_hit3"] >= 0.40
    data = json.loads(as_json(result))
    assert set(data["overall"]) == {"dense", "bm25", "hybrid"}
    assert "000_ac12889233aed00e.txt" in data["per_source"] and "nested" in data["per_kind"]
    assert data["overlap_median"] < 0.5


def test_cli_json_on_the_bundled_roadmaps(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_SEEDS": str(tmp_path / "no-seeds"), "COACH_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "agent.interfaces.cli.app", "eval", "retrieval", "--json"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    assert data["questions"] == len([i for i in questions() if not i["source"][:3].isdigit()])
    assert {"dense", "bm25", "hybrid"} <= set(data["overall"])
    assert any("seeds not found" in n for n in data["notes"])
