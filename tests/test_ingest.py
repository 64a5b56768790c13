"""Ingestion: formats, bad files, incremental updates, pruning, atomic writes, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import index as index_module
from knowledge.retriever import Retriever

MD = "# Kafka Roadmap\n\n## Phase 1: Streams (2 months)\n\nLearn Kafka topics, partitions and consumer groups.\n\n### Projects\n\n- Build a click-stream pipeline with exactly-once output\n"
HTML = "<html><body><h1>Chess Coaching</h1><h2>Openings</h2><p>Study the Sicilian defence for three weeks.</p><ul><li>Play 50 blitz games</li></ul><script>x=1</script></body></html>"


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a line of text (Helvetica), written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "kafka.md").write_text(MD)
    (d / "chess.html").write_text(HTML)
    (d / "bio.pdf").write_bytes(minimal_pdf("Protein folding takes patience and GPUs"))
    (d / "empty.txt").write_text("")
    (d / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (d / "image.png").write_bytes(b"\x89PNG")
    return d


def test_formats_and_bad_files(home: Path, docs: Path) -> None:
    r = Retriever(home)
    report = r.ingest([docs])
    assert sorted(Path(s).name for s in report.added) == ["bio.pdf", "chess.html", "kafka.md"]
    reasons = {Path(s).name: why for s, why in report.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["blob.txt"]
    assert "PDF" in reasons["broken.pdf"]
    assert "unsupported" in reasons["image.png"]
    hit = r.search("Sicilian defence openings", k=1)[0]
    assert hit.chunk.source.endswith("chess.html") and hit.chunk.section == "Chess Coaching > Openings"
    assert "x=1" not in hit.chunk.text  # scripts dropped
    assert r.search("protein folding GPUs", k=1)[0].chunk.source.endswith("bio.pdf")


def test_incremental_change_and_prune(home: Path, docs: Path) -> None:
    r = Retriever(home)
    first = r.ingest([docs])
    again = r.ingest([docs])
    assert again.chunks_embedded == 0 and not again.changed and len(again.unchanged) == len(first.added)
    (docs / "kafka.md").write_text(MD.replace("consumer groups", "consumer groups and Schema Registry"))
    changed = r.ingest([docs])
    assert [Path(s).name for s in changed.updated] == ["kafka.md"]
    assert changed.chunks_embedded == len([c for c in r.index.chunks if c.source.endswith("kafka.md")])
    assert any("Schema Registry" in c.text for c in r.index.chunks)
    (docs / "chess.html").unlink()
    kept = r.ingest([docs])
    assert any(c.source.endswith("chess.html") for c in r.index.chunks) and not kept.removed
    pruned = r.ingest([docs], prune=True)
    assert [Path(s).name for s in pruned.removed] == ["chess.html"]
    assert not any(c.source.endswith("chess.html") for c in r.index.chunks)
    assert any(c.source.startswith("bundled/") for c in r.index.chunks), "bundled roadmaps stay"


def test_reload_from_disk_and_remove(home: Path, docs: Path) -> None:
    Retriever(home).ingest([docs / "kafka.md"])
    fresh = Retriever(home)
    assert any(s["source"].endswith("kafka.md") for s in fresh.sources())
    removed = fresh.remove("kafka.md")
    assert removed.endswith("kafka.md")
    assert not any(c.source.endswith("kafka.md") for c in Retriever(home).index.chunks)


def test_crash_during_save_leaves_previous_index(home: Path, docs: Path, monkeypatch) -> None:
    r = Retriever(home)
    before = len(r.index.chunks)

    def crash(*args, **kwargs):
        raise OSError("killed")

    monkeypatch.setattr(index_module.os, "replace", crash)
    with pytest.raises(OSError):
        r.ingest([docs])
    monkeypatch.undo()
    assert len(Retriever(home).index.chunks) == before
    Retriever(home).ingest([docs])
    assert len(list((home / "index").glob("index-*"))) == 1, "stray folders are cleaned on the next save"


def test_role_and_source_filters_and_mmr(home: Path, docs: Path) -> None:
    r = Retriever(home)
    r.ingest([docs])
    only = r.search("projects", k=5, role="mlops_engineer")
    assert only and all("mlops_engineer" in h.chunk.roles for h in only)
    src = r.search("projects", k=3, sources=["kafka.md"])
    assert src and all(h.chunk.source.endswith("kafka.md") for h in src)
    plain = r.search("machine learning projects", k=5)
    diverse = r.search("machine learning projects", k=5, diversity=0.7)
    assert len(diverse) == 5 and len({h.chunk.source for h in diverse}) >= len(
        {h.chunk.source for h in plain}
    )


def test_cli_ingest_and_kb(monkeypatch, capsys, home: Path, docs: Path) -> None:
    from test_cli import run

    code, out, _ = run(monkeypatch, capsys, "ingest", str(docs))
    assert code == 0 and "3 added" in out and "skipped" in out
    code, out, _ = run(monkeypatch, capsys, "kb", "list")
    assert "all-MiniLM-L6-v2-onnx-int8" in out and "kafka.md" in out
    code, _, err = run(monkeypatch, capsys, "kb", "remove", "nothing-like-this.md")
    assert code == 2 and "No source matches" in err
    code, _, err = run(monkeypatch, capsys, "search", "kafka", "--mode", "fuzzy")
    assert code == 2 and "--mode takes" in err
