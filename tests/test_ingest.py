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


# ---- hostile and broken files: each one skipped with its reason, the others added ----


def _ingest_in_thread(r: Retriever, paths: list[Path], seconds: float = 120.0, **kwargs):
    """Ingest on a thread, so a hang fails the test instead of stopping the suite."""
    import threading

    result: dict[str, object] = {}

    def work() -> None:
        result["report"] = r.ingest(paths, **kwargs)

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"ingest did not finish in {seconds} s"
    return result["report"]


def test_undecodable_file_name_is_skipped_and_the_others_added(home: Path, tmp_path: Path) -> None:
    import os

    d = tmp_path / "names"
    d.mkdir()
    (d / "kafka.md").write_text(MD)
    bad = os.fsdecode(os.path.join(os.fsencode(d), b"road\xffmap.md"))
    Path(bad).write_text(MD.replace("Kafka", "Flink"))
    report = Retriever(home).ingest([d])
    assert [Path(s).name for s in report.added] == ["kafka.md"]
    (shown, why), *_ = report.skipped
    assert shown.endswith("road\\xffmap.md") and "not valid UTF-8" in why
    shown.encode("utf-8")  # printable as it is


def test_fifo_and_device_are_skipped_unread(home: Path, tmp_path: Path) -> None:
    import os

    d = tmp_path / "special"
    d.mkdir()
    (d / "kafka.md").write_text(MD)
    os.mkfifo(d / "pipe.md")
    (d / "zero.md").symlink_to("/dev/zero")
    r = Retriever(home)
    report = _ingest_in_thread(r, [d, d / "pipe.md", d / "zero.md"])
    assert [Path(s).name for s in report.added] == ["kafka.md"]
    reasons = {Path(s).name: why for s, why in report.skipped}
    assert "not a regular file" in reasons["pipe.md"] and "not a regular file" in reasons["zero.md"]


def test_deeply_nested_html_is_read_in_linear_time(home: Path, tmp_path: Path) -> None:
    import time

    from knowledge.html import html_to_markdown

    nested = "<html><body><h1>Deep</h1><ul>" + "<li>step" * 100_000 + "</ul></body></html>"
    started = time.perf_counter()
    text = html_to_markdown(nested)
    # Generous bound: about 1 s here; the old walk took about 23 minutes.
    assert time.perf_counter() - started < 30
    assert text.count("- step") == 100_000
    d = tmp_path / "html"
    d.mkdir()
    (d / "kafka.md").write_text(MD)
    (d / "deep.html").write_text("<h1>Deep</h1><ul>" + "<li>step" * 2_000 + "</ul>")
    (d / "deeper.html").write_text("<div>" * 5_000 + "text")
    report = _ingest_in_thread(Retriever(home), [d])
    assert sorted(Path(s).name for s in report.added) == ["deep.html", "kafka.md"]
    assert "nests deeper than 2048" in dict(report.skipped)[str(d / "deeper.html")]


def test_per_file_time_budget_skips_with_a_clear_reason(home: Path, tmp_path: Path) -> None:
    from knowledge.budget import Budget

    d = tmp_path / "slow"
    d.mkdir()
    (d / "kafka.md").write_text(MD)
    # Every line needs ftfy (non-ASCII): about 30 s of repair, far past a 2 s budget.
    (d / "slow.txt").write_text("é\n" * 1_000_000)
    r = Retriever(home)
    with r._lock:  # the retriever's ingest with a small budget, as the CLI's with the default
        from knowledge.ingest import ingest_paths

        _built, report = ingest_paths([d], r.root, r.embeddings, r.index, budget=Budget(seconds=2))
    assert [Path(s).name for s in report.added] == ["kafka.md"]
    assert dict(report.skipped)[str(d / "slow.txt")] == "reading it took longer than 2 s (the per-file limit)"


def test_per_file_memory_budget_skips_with_a_clear_reason(tmp_path: Path) -> None:
    from knowledge.budget import Budget, Reader
    from knowledge.loaders import Skip

    big = tmp_path / "big.html"
    big.write_text("<p>" + "word " * 3_000_000)  # 15 MB: libxml2 and the text need far more than 40 MB
    small = tmp_path / "kafka.md"
    small.write_text(MD)
    with Reader(Budget(memory_mb=40)) as reader:
        with pytest.raises(Skip) as why:
            reader.read(big, str(big))
        assert "40 MB" in str(why.value) or "reader stopped" in str(why.value)
        assert reader.read(small, str(small)), "the next file is read by a fresh reader"


def test_a_million_one_character_lines(home: Path, tmp_path: Path) -> None:
    import resource
    import time

    from knowledge.text import repair_text

    lines = "a\n" * 1_000_000
    started = time.perf_counter()
    assert repair_text(lines) == lines
    assert time.perf_counter() - started < 20, "ftfy line by line took 30 s; printable ASCII skips it"
    d = tmp_path / "lines"
    d.mkdir()
    (d / "kafka.md").write_text(MD)
    (d / "lines.txt").write_text(lines)
    report = _ingest_in_thread(Retriever(home), [d], seconds=150)
    assert "kafka.md" in [Path(s).name for s in report.added]
    # Added in seconds: the repair skips ASCII lines, and the 1,667 identical chunks are embedded once.
    assert "lines.txt" in [Path(s).name for s in report.added], report.skipped
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_500_000  # KB: the parent stays small


def test_repair_is_unchanged_by_the_ascii_fast_path() -> None:
    import ftfy

    from knowledge import text as text_module

    samples = [
        "plain\r\nwindows\r\nlines\n",
        "√ó and â€” and \x1b[31mred\x1b[0m\n\nok\n",
        "mixed é line\nascii line\n\x00ctrl\n\u00a0nbsp\u200b\n",
        (Path(__file__).parents[2] / "shared/seeds/001_994e70ccc3bb6af5.txt").read_text("utf-8")
        if (Path(__file__).parents[2] / "shared/seeds/001_994e70ccc3bb6af5.txt").exists()
        else "",
    ]
    for s in samples:
        whole = ftfy.fix_text(s, config=text_module._FTFY)
        whole = text_module._NON_ASCII_RUN.sub(text_module._undo_mac_roman, whole)
        whole = whole.replace("\u00a0", " ").replace("\u200b", "").replace("\r\n", "\n")
        assert text_module.repair_text(s) == whole
