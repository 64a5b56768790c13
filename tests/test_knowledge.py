"""Chunking, mojibake repair, the index on disk and its checks."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from knowledge.chunking import chunk_markdown
from knowledge.embeddings import make_embeddings
from knowledge.index import KnowledgeIndex
from knowledge.retriever import Retriever
from knowledge.text import repair_text
from tools.errors import KnowledgeError

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_chunks_carry_section_path_and_lines() -> None:
    text = "# Doc\n\nIntro line.\n\n## Phase 1\n\nLearn SQL.\n\n### Projects\n\n- Build a pipeline with tests\n- Another project idea here\n"
    chunks = chunk_markdown(text, "doc.md")
    sections = [c.section for c in chunks]
    assert sections == ["Doc", "Doc > Phase 1", "Doc > Phase 1 > Projects"]
    projects = chunks[-1]
    assert projects.line_start == 9 and projects.line_end == 12
    assert "Another project" in projects.text


def test_long_sections_split_with_overlap() -> None:
    paras = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(12))
    chunks = chunk_markdown("# T\n\n" + paras, "t.md", max_chars=800)
    assert len(chunks) > 2
    assert all(len(c.text) <= 800 for c in chunks)
    for a, b in itertools.pairwise(chunks):
        assert b.line_start <= a.line_end  # one block of overlap


def test_seed_mojibake_is_repaired(seeds: Path) -> None:
    assert seeds == SEEDS
    for name in ("001_994e70ccc3bb6af5.txt", "002_e4edaf3ffc0ec289.txt"):
        raw = (SEEDS / name).read_text("utf-8")
        fixed = repair_text(raw)
        assert "√ó" not in fixed and "â€" not in fixed
    assert "×" in repair_text((SEEDS / "001_994e70ccc3bb6af5.txt").read_text("utf-8"))
    assert "—" in repair_text((SEEDS / "002_e4edaf3ffc0ec289.txt").read_text("utf-8"))


def test_index_round_trip_and_hybrid_search(tmp_path: Path) -> None:
    emb = make_embeddings("local")
    chunks = chunk_markdown(
        "# A\n\n## Kubernetes\n\nDeploy models on k8s clusters.\n\n## Baking\n\nSourdough needs a starter.\n",
        "a.md",
    )
    index = KnowledgeIndex.build(chunks, emb)
    index.save(tmp_path)
    loaded = KnowledgeIndex.load(tmp_path, emb.model_id)
    q = "kubernetes deployment"
    hits = loaded.search(q, emb.embed_array([q])[0], k=2)
    assert hits[0].chunk.section == "A > Kubernetes"
    assert hits[0].to_dict()["lines"] == [hits[0].chunk.line_start, hits[0].chunk.line_end]
    assert not any(p.suffix == ".pkl" for p in tmp_path.rglob("*"))


def test_index_checks_model_and_integrity(tmp_path: Path) -> None:
    emb = make_embeddings("local")
    KnowledgeIndex.build(chunk_markdown("# A\n\nText here.\n", "a.md"), emb).save(tmp_path)
    with pytest.raises(KnowledgeError, match="built with"):
        KnowledgeIndex.load(tmp_path, "openai:text-embedding-3-small")
    folder = tmp_path / (tmp_path / "CURRENT").read_text()
    for name in ("chunks.sqlite", "vectors.npy", "bm25_vocab.json", "bm25_data.npy"):
        path = folder / name
        original = path.read_bytes()
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        with pytest.raises(KnowledgeError, match="coach kb rebuild"):
            KnowledgeIndex.load(tmp_path, emb.model_id)
        path.write_bytes(original)
    assert KnowledgeIndex.load(tmp_path, emb.model_id).chunks[0].text == "# A\n\nText here."


def test_old_index_format_asks_for_a_rebuild_that_keeps_ingested_files(tmp_path: Path) -> None:
    """An index written by the previous release (chunks.json + vectors.faiss, format 1)."""
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nKafka consumer groups need rebalancing care.\n")
    root = tmp_path / "home" / "index"
    folder = root / "index-old"
    folder.mkdir(parents=True)
    (folder / "chunks.json").write_text("[]")
    manifest = {
        "version": 1,
        "embedding_model": "all-MiniLM-L6-v2-onnx-int8",
        "chunks": 0,
        "sources": {str(doc.resolve()): {"sha256": "x", "kind": "user"}},
        "files": {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (root / "CURRENT").write_text("index-old")
    with pytest.raises(KnowledgeError, match=r"older version.*coach kb rebuild"):
        KnowledgeIndex.load(root, "all-MiniLM-L6-v2-onnx-int8")
    r = Retriever(tmp_path / "home")
    index, _ = r.rebuild()
    assert any(c.source == str(doc.resolve()) for c in index.chunks), "the ingested file came back"
    assert r.search("kafka rebalancing", k=1)[0].chunk.source == str(doc.resolve())


def test_rebuild_after_a_damaged_manifest_keeps_ingested_files(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nKafka consumer groups need rebalancing care.\n")
    r = Retriever(tmp_path / "home")
    r.ingest([doc])
    root = tmp_path / "home" / "index"
    folder = root / (root / "CURRENT").read_text().strip()
    (folder / "manifest.json").write_text("{ not json")
    with pytest.raises(KnowledgeError, match="coach kb rebuild"):
        KnowledgeIndex.load(root, r.embeddings.model_id)
    index, _ = Retriever(tmp_path / "home").rebuild()
    assert any(c.source == str(doc.resolve()) for c in index.chunks), "the ingested file came back"


def test_retriever_builds_bundled_index_on_first_use(tmp_path: Path) -> None:
    r = Retriever(tmp_path)
    hits = r.search("Which projects show Kubernetes skills?", k=3)
    assert hits and all(h.chunk.source.startswith("bundled/") for h in hits)
    assert (tmp_path / "index" / "CURRENT").exists()
    assert r.relevant("underwater basket weaving", k=3) == []


def test_tables_and_checklists_stay_whole() -> None:
    table = "\n".join(["| skill | level |", "|---|---|"] + [f"| skill {i} | {i % 5} |" for i in range(12)])
    checklist = "\n".join(f"- [ ] task number {i} to do" for i in range(10))
    text = "# T\n\n## S\n\n" + "Intro sentence. " * 30 + "\n\n" + table + "\n\n" + checklist + "\n"
    chunks = chunk_markdown(text, "t.md", max_chars=500)
    holding_table = [c for c in chunks if "| skill 0 |" in c.text]
    assert len(holding_table) == 1 and "| skill 11 |" in holding_table[0].text
    holding_list = [c for c in chunks if "task number 0" in c.text]
    assert len(holding_list) == 1 and "task number 9" in holding_list[0].text


def test_heading_only_sections_make_no_chunk_and_paths_are_indexed() -> None:
    chunks = chunk_markdown("# Doc\n\n## Phase 1\n\n### Core\n\nLearn SQL.\n", "d.md")
    assert [c.section for c in chunks] == ["Doc > Phase 1 > Core"]
    assert chunks[0].indexed_text.startswith("Doc > Phase 1 > Core\n")


def test_format_2_index_without_unit_vectors_asks_for_a_rebuild(tmp_path: Path) -> None:
    """An index the previous release wrote (format 2: no unit vectors) is refused with the
    way out, and `rebuild` gives a format-3 index with a unit vector set per chunk."""
    home = tmp_path / "home"
    r = Retriever(home)
    folder = r.index.save(home / "index")
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in ("unit_codes.npy", "unit_scales.npy", "unit_offsets.npy"):
        (folder / name).unlink()
        del manifest["files"][name]
    manifest["version"] = 2
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(KnowledgeError, match=r"format 2, this one reads 3.*coach kb rebuild"):
        Retriever(home).search("projects", k=1)
    index, _ = Retriever(home).rebuild()
    loaded = KnowledgeIndex.load(home / "index", index.model_id)
    assert loaded.units is not None and loaded.units.chunks == len(loaded.chunks) and len(loaded.units.codes)
