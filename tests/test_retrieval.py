"""Ranking: stems, chunk context, alias expansion, own documents first, the sentence stage,
the lazily read index on disk and the HNSW path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import dense as dense_module
from knowledge.chunking import Chunk, chunk_markdown
from knowledge.dense import DenseIndex
from knowledge.embeddings import make_embeddings
from knowledge.expansion import expand
from knowledge.index import MIN_DENSE_SCORE, Hit, KnowledgeIndex
from knowledge.retriever import Retriever, bundled_documents
from knowledge.sentences import Quote, best_sentences, units
from knowledge.store import ChunkTable
from knowledge.terms import overlap, terms
from knowledge.units import UnitVectors


def test_stems_and_stop_words_meet_across_word_forms() -> None:
    assert terms("retries") == terms("retry")
    assert terms("tracing") == terms("traces") == terms("trace")
    assert terms("How should I do the testing?") == terms("tests")
    assert set(terms("fine-tuning")) >= set(terms("finetuning")) | set(terms("fine tuning"))
    assert overlap("Which tools trace requests?", "Tracing with Langfuse for requests") == pytest.approx(
        2 / 3
    )


def _index(texts: dict[str, str]) -> KnowledgeIndex:
    chunks = [c for source, text in texts.items() for c in chunk_markdown(text, source)]
    return KnowledgeIndex.build(chunks, make_embeddings("local"))


def test_bm25_matches_a_question_in_other_word_forms_and_catalog_aliases() -> None:
    index = _index(
        {
            "a.md": "# A\n\n## Reliability\n\nWrap external calls in retries with exponential backoff.\n",
            "b.md": "# B\n\n## Clusters\n\nRun the service on Kubernetes with autoscaling.\n",
            "c.md": "# C\n\n## Cooking\n\nBake bread with a sourdough starter.\n",
        }
    )
    top = index.sparse_search("how do I retry a call", 3)
    assert top and index.chunks[top[0][0]].source == "a.md"
    assert "kubernet" in expand("is k8s worth learning?")
    hit = index.search("is k8s worth learning?", np.zeros(384, np.float32), k=1, mode="bm25")[0]
    assert hit.chunk.source == "b.md"
    assert (
        index.search(
            "is k8s worth learning?", np.zeros(384, np.float32), k=1, mode="bm25", expand_query=False
        )
        == []
    )


def test_a_piece_cut_from_a_long_list_carries_its_parent_items_and_exact_lines() -> None:
    lines = ["# Plan", "", "## Track B", "", "- Build a RAG system", "    - Ingestion pipeline:"]
    lines += [f"        - step {i} loads and chunks document set number {i} with care" for i in range(40)]
    text = "\n".join(lines) + "\n"
    chunks = chunk_markdown(text, "plan.md", max_chars=600)
    assert len(chunks) > 2
    later = chunks[-1]
    assert later.context == "Build a RAG system > Ingestion pipeline:"
    assert later.indexed_text.startswith("Plan > Track B\nBuild a RAG system > Ingestion pipeline:\n")
    source_lines = text.split("\n")
    for c in chunks:
        for i, line in enumerate(c.text.split("\n")):
            assert source_lines[c.line_start - 1 + i] == line


def test_a_table_cut_in_the_middle_carries_its_header() -> None:
    rows = ["| Level | Label | Description |", "|---|---|---|"]
    rows += [f"| {i} | label {i} | a fairly long description of level {i} for the test |" for i in range(30)]
    chunks = chunk_markdown("# T\n\n" + "\n".join(rows) + "\n", "t.md", max_chars=500)
    assert len(chunks) > 1 and chunks[-1].context == "| Level | Label | Description |"


def test_own_document_outranks_a_bundled_roadmap_saying_the_same(home: Path, tmp_path: Path) -> None:
    bundled = bundled_documents()["bundled/data_scientist.md"]
    section = bundled.split("## Phase 2")[1].split("## Phase 3")[0]
    mine = tmp_path / "my_plan.md"
    mine.write_text(
        "# My plan\n\n## Experiments\n\n" + section.split("\n", 1)[1].replace("Design", "I will design")
    )
    r = Retriever(home)
    question = "How do I design an A/B test and pick the sample size?"
    before = r.search(question, k=3)
    assert before[0].chunk.source == "bundled/data_scientist.md"
    r.ingest([mine])
    after = r.search(question, k=3)
    assert after[0].chunk.source == str(mine.resolve())
    assert "bundled/data_scientist.md" in [h.chunk.source for h in after], "the roadmap stays, just below"
    unrelated = r.search("Which project uses Kafka with exactly-once output?", k=1)
    assert unrelated[0].chunk.source.startswith("bundled/"), "only restatements move"


DOC = """# Roadmap

## Phase 1: Basics (2 months)

Learn Python well. Write tests with pytest, e.g. for the parser. Use Git every day!

### Projects

- Build a CLI tool:
    - with argument parsing and logging
    - and 80% test coverage in CI

| Level | Meaning |
|---|---|
| 1 | Can follow a tutorial |
"""


def _hits(text: str = DOC) -> list[Hit]:
    return [Hit(c, 1.0, 0.0, 0.0, i) for i, c in enumerate(chunk_markdown(text, "doc.md"))]


def test_units_are_whole_sentences_items_and_rows_with_their_lines() -> None:
    got = [(u.text, u.first, u.last, u.context) for h in _hits() for u in units(h)]
    texts = [g[0] for g in got]
    assert "Learn Python well." in texts
    assert "Write tests with pytest, e.g. for the parser." in texts, "no cut after an abbreviation"
    assert "Use Git every day!" in texts
    assert not any(t.startswith(("#", "Roadmap", "Phase 1", "Projects")) for t in texts), "headings skipped"
    assert not any(t == "Build a CLI tool:" for t in texts), "label-only items skipped"
    item = next(g for g in got if g[0] == "and 80% test coverage in CI")
    assert item[1] == item[2] == 11 and item[3] == "Build a CLI tool"
    row = next(g for g in got if g[0].startswith("1 |"))
    assert row[0] == "1 | Can follow a tutorial" and row[1] == 15 and row[3] == "Level | Meaning"


def test_best_sentences_ranks_the_answer_first_with_or_without_embeddings() -> None:
    quotes = best_sentences(
        "How much test coverage should my command line tool have?", _hits(), None, None, k=2
    )
    assert isinstance(quotes[0], Quote) and quotes[0].text == "and 80% test coverage in CI"
    assert quotes[0].lines == (11, 11) and quotes[0].source == "doc.md"
    assert quotes[0].chunk_id.startswith("doc.md#")
    emb = make_embeddings("local")
    with_vectors = best_sentences(
        "Which version control tool to use daily?",
        _hits(),
        lambda q: emb.embed_array([q])[0],
        emb.embed_array,
        k=3,
    )
    assert with_vectors[0].text == "Use Git every day!"
    assert with_vectors[0].score >= with_vectors[1].score >= with_vectors[2].score
    for q in with_vectors:  # quoted as written: every word of the quote is a word of the source
        assert all(w in DOC for w in q.text.replace("|", " ").split())


def test_retriever_quotes_answer_with_citations_and_nothing_when_irrelevant(home: Path) -> None:
    r = Retriever(home)
    quotes = r.quotes("Which tools show the cost and latency of each LLM request?")
    assert quotes and any("Langfuse" in q.text for q in quotes)
    best = quotes[0]
    assert r.chunk(best.chunk_id) is not None and best.source.startswith("bundled/")
    assert r.quotes("underwater basket weaving techniques") == []


def test_saved_index_reads_chunks_lazily_and_filters(home: Path, tmp_path: Path) -> None:
    r = Retriever(home)
    (tmp_path / "kafka.md").write_text("# Kafka\n\n## Streams\n\nConsumer groups rebalance partitions.\n")
    r.ingest([tmp_path / "kafka.md"])
    fresh = Retriever(home)
    assert isinstance(fresh.index.chunks, ChunkTable)
    hits = fresh.search("consumer group rebalancing", k=3, sources=["kafka.md"])
    assert [h.chunk.source.endswith("kafka.md") for h in hits] == [True]
    assert all(
        "mlops_engineer" in h.chunk.roles for h in fresh.search("projects", k=4, role="mlops_engineer")
    )
    assert fresh.chunk(hits[0].chunk.id) == hits[0].chunk


def test_hnsw_path_finds_what_exact_search_finds_and_survives_a_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dense_module, "HNSW_THRESHOLD", 500)
    rng = np.random.default_rng(1)
    centers = rng.standard_normal((20, 64))
    vectors = (centers[rng.integers(0, 20, 3000)] + 0.4 * rng.standard_normal((3000, 64))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [Chunk(f"v#{i}", "v.md", "V", i + 1, i + 1, f"text number {i}") for i in range(3000)]
    index = KnowledgeIndex(chunks=chunks, vectors=vectors, model_id="test")
    assert index.dense.kind == "hnsw"
    queries = vectors[:50] + 0.05 * rng.standard_normal((50, 64)).astype(np.float32)
    exact = np.argsort(-(vectors @ queries.T), axis=0)[:10].T
    found = sum(
        len({r for r, _ in index.dense.search(q, 10)} & set(e)) for q, e in zip(queries, exact, strict=True)
    )
    assert found / 500 >= 0.95
    index.save(tmp_path)
    loaded = KnowledgeIndex.load(tmp_path, "test")
    assert loaded.dense.kind == "hnsw"
    assert [h.chunk.id for h in loaded.search("text number 7", queries[7], k=3)] == [
        h.chunk.id for h in index.search("text number 7", queries[7], k=3)
    ]
    assert isinstance(DenseIndex.load(tmp_path / (tmp_path / "CURRENT").read_text(), 64).vectors, np.memmap)


def test_lines_ending_in_a_hard_break_are_quoted_one_by_one() -> None:
    text = "# Scale\n\n## Steps\n\n**Level 0 → 1:** Read articles  \n**Level 1 → 2:** Follow tutorials  \n"
    got = [u.text for h in _hits(text) for u in units(h)]
    assert got == ["Level 0 → 1: Read articles", "Level 1 → 2: Follow tutorials"]


def test_unit_vectors_give_each_chunk_its_best_unit_and_survive_take_concat_and_save(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    vecs = rng.standard_normal((7, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    units_ = UnitVectors.encode(vecs, [3, 0, 4])  # chunk 1 has no unit
    q = vecs[4] + 0.1 * vecs[0]
    q /= np.linalg.norm(q)
    best = units_.best(np.array([2, 0, 1]), q)
    assert best[0] == pytest.approx(float((vecs[3:] @ q).max()), abs=0.01)
    assert best[1] == pytest.approx(float((vecs[:3] @ q).max()), abs=0.01)
    assert np.isnan(best[2])
    kept = UnitVectors.concat([units_.take([2, 1]), UnitVectors.encode(vecs[:1], [1])], 16)
    assert kept.chunks == 3 and list(np.diff(kept.offsets)) == [4, 0, 1]
    assert kept.best(np.array([0]), q)[0] == pytest.approx(best[0])
    kept.save(tmp_path)
    loaded = UnitVectors.load(tmp_path)
    assert np.array_equal(loaded.codes, kept.codes) and np.array_equal(loaded.offsets, kept.offsets)


def test_a_chunk_whose_one_unit_answers_outranks_chunks_closer_as_a_whole() -> None:
    """Dense ranking looks at each candidate's best unit, not only its whole-chunk vector."""
    dims = 8
    eye = np.eye(dims, dtype=np.float32)
    chunks = [Chunk(f"d#{i}", "d.md", "D", i + 1, i + 1, f"passage {i}") for i in range(4)]
    # The query is axis 0. Chunks 1-3 lean towards it as a whole; chunk 0 as a whole does
    # not, but one of its units is exactly about it.
    q = eye[0]
    chunk_vecs = np.stack(
        [eye[1], 0.6 * eye[0] + 0.8 * eye[2], 0.5 * eye[0] + 0.87 * eye[3], 0.4 * eye[0] + 0.92 * eye[4]]
    )
    chunk_vecs /= np.linalg.norm(chunk_vecs, axis=1, keepdims=True)
    unit_vecs = np.stack([eye[5], eye[0], eye[2], eye[3], eye[4]])
    with_units = KnowledgeIndex(
        chunks=chunks, vectors=chunk_vecs, model_id="t", units=UnitVectors.encode(unit_vecs, [2, 1, 1, 1])
    )
    without = KnowledgeIndex(chunks=chunks, vectors=chunk_vecs, model_id="t")
    assert without.search("zzz", q, k=4, mode="dense")[0].chunk.id == "d#1"
    assert with_units.search("zzz", q, k=4, mode="dense")[0].chunk.id == "d#0"


HOBBIES = [
    "Bake sourdough bread with a long cold proof", "Prune tomato plants in early summer",
    "Knit a scarf in garter stitch", "Paint watercolour landscapes on cold-pressed paper",
    "Tune a guitar to drop D", "Brew pour-over coffee at 93 degrees", "Plan a hiking route with contour lines",
    "Sew a button with a shank", "Fold origami cranes from square paper", "Repot succulents in gritty soil",
    "Sharpen kitchen knives on a whetstone", "Wax cross-country skis for cold snow",
    "Use Tenacity to retry failed API calls with exponential backoff", "Press flowers between heavy books",
    "Ferment kimchi for two weeks",
]  # fmt: skip


def test_one_item_of_a_long_unrelated_list_is_found_and_passes_the_relevance_gate(
    home: Path, tmp_path: Path
) -> None:
    """The list's chunk vector is far from the question (a cosine near 0.1, under even the
    BM25-match gate of 0.18); its one relevant item is close. Unit vectors find it and let it
    through `relevant()`."""
    doc = tmp_path / "weekend.md"
    doc.write_text("# Weekend list\n\n## Things to try\n\n" + "\n".join(f"- {i}" for i in HOBBIES) + "\n")
    r = Retriever(home)
    r.ingest([doc])
    question = "Which library retries failed API calls?"
    top = r.search(question, k=3)[0]
    assert top.chunk.source == str(doc.resolve())
    assert top.dense < MIN_DENSE_SCORE * 0.6, "the whole chunk alone would not pass the gate"
    assert str(doc.resolve()) in [h.chunk.source for h in r.relevant(question, k=3)]


def test_the_role_a_question_names_decides_which_passages_can_answer_it(home: Path) -> None:
    from knowledge.retriever import role_filter
    from knowledge.subject import covers, named_role

    role = named_role("What does an AI product manager need to know?")
    assert role is not None and role.stems == ("product", "manag")
    assert covers(role, "3. Product Track: AI Product Manager, translating AI capabilities")
    assert not covers(role, "AI Architect: system design at scale; governance and responsible AI")
    for question in ("What does a good dbt project structure contain?", "When is a basic regression better?"):
        assert named_role(question) is None, question  # things, not people
    # Roles the roadmaps are written for pass by their tag or their kind ("a pipeline engineer").
    architect = role_filter("What does an AI architect need to know about governance?")
    assert architect is not None and "ai_architect" in architect[1]
    assert role_filter("Does a pipeline engineer need to go as deep on dbt?") is None
    retriever = Retriever(home)
    assert retriever.relevant("What does an AI product manager need to know?") == []
    assert retriever.relevant("How do I learn Mandarin quickly?") == []  # no passage has a word of it
    assert retriever.relevant("What does an AI architect need to know about governance in banking?")


def test_the_sentence_stage_reuses_the_index_unit_vectors_and_embeds_only_the_question(home: Path) -> None:
    retriever = Retriever(home)
    question = "Which tools show the cost and latency of each LLM request?"
    hits = retriever.relevant(question, k=4)
    assert hits
    fresh = best_sentences(question, hits, retriever._embed_one, retriever._embed_many, k=3)
    embedded: list[str] = []
    real = retriever.embeddings.embed_array

    def counting(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return real(texts)

    retriever.embeddings.embed_array = counting  # type: ignore[method-assign]
    retriever._vec_cache.clear()
    stored = retriever.rank_sentences(question, hits, k=3)
    assert embedded == [question], embedded[:3]
    # The stored vectors are the index's 8-bit codes of the same texts: same quotes.
    assert [q.text for q in stored] == [q.text for q in fresh]
    assert any("Langfuse" in q.text for q in stored)


def test_search_marks_what_the_relevance_gate_would_not_quote(home: Path) -> None:
    """`coach search` ranks within its results (the best scores about 1 even off-topic), so it
    marks the passages the coach would not quote; the marks agree with `relevant()`."""
    from tests.cli_helpers import cmd

    retriever = Retriever(home)
    on_topic = "how many hours a week for algorithm practice"
    hits = retriever.search(on_topic, k=5)
    kept = {h.chunk.id for h in retriever.relevant(on_topic, k=5)}
    marks = retriever.passes_gate(on_topic, hits)
    assert any(marks)
    assert all(h.chunk.id in kept for h, ok in zip(hits, marks, strict=True) if ok and h in hits[:5])
    off = "how long to become a nurse educator"
    assert not any(retriever.passes_gate(off, retriever.search(off, k=3)))

    shown = cmd("search", off, "--k", "3")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("below the coach's relevance gate") == 3
    assert "it would say it found nothing" in shown.stdout
    good = cmd("search", on_topic, "--k", "2", "--json")
    assert '"relevant": true' in good.stdout
