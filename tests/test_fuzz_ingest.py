"""Fuzzing every document loader a file can reach: HTML, text repair, Markdown/text,
PDF, the chunker behind them, and the quoting of document text. Each input either
loads or is skipped with a reason (Skip); nothing else escapes, and nothing is slow."""

from __future__ import annotations

import tempfile
from pathlib import Path

import ftfy
import pytest
from fuzzing import fuzz_settings, within
from hypothesis import given
from hypothesis import strategies as st

from agent.coaching.quoting import looks_like_instruction, quote_document_text
from knowledge import text as text_module
from knowledge.budget import load_chunks
from knowledge.html import HtmlTooDeep, html_to_markdown
from knowledge.loaders import Skip, load_text

pytestmark = pytest.mark.fuzz

TAGS = [
    "li",
    "p",
    "ul",
    "ol",
    "div",
    "h1",
    "h3",
    "b",
    "a",
    "br",
    "table",
    "tr",
    "td",
    "th",
    "pre",
    "script",
    "style",
    "nav",
    "x-y",
]
HTML_PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(
        ["<!--", "-->", "<a", "<!", "<?", "&", "&#", "&amp;", "&#x1F600;", "<![CDATA[", '"', "'", "="]
    ),
    st.sampled_from(["<meta charset='latin-1'>", '<a href="javascript:x">', "<li><li><li>", "<p><p>"]),
    st.text(max_size=20),
)
HTML = st.lists(HTML_PIECES, max_size=200).map("".join)
# Repeated constructs are where quadratic parsers show: many of one piece in a row.
HTML_RUNS = st.tuples(HTML_PIECES, st.integers(1, 3000)).map(lambda p: p[0] * p[1])


@fuzz_settings(60)
@given(st.one_of(HTML, HTML_RUNS))
def test_html_converts_or_is_refused_quickly(html: str) -> None:
    with within(10.0):
        try:
            out = html_to_markdown(html)
        except HtmlTooDeep:
            return
    assert isinstance(out, str)


def _repair_whole(text: str) -> str:
    """The repair before the ASCII fast path: ftfy over the whole text."""
    fixed = ftfy.fix_text(text, config=text_module._FTFY)
    fixed = text_module._NON_ASCII_RUN.sub(text_module._undo_mac_roman, fixed)
    return fixed.replace("\u00a0", " ").replace("\u200b", "").replace("\r\n", "\n")


MOJIBAKE = st.sampled_from(
    ["â€”", "√ó", "Ã©", "\x1b[31m", "\r", "\r\n", "\u00a0", "\u200b", "\x00", "é", "\n"]
)


@fuzz_settings(80)
@given(st.lists(st.one_of(st.text(max_size=30), MOJIBAKE), max_size=60).map("".join))
def test_repair_is_the_same_as_whole_text_ftfy_and_quick(text: str) -> None:
    with within(5.0):
        assert text_module.repair_text(text) == _repair_whole(text)


SUFFIXES = [".md", ".txt", ".html", ".pdf", ".markdown", ".htm"]
PDF_HEAD = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"


@fuzz_settings(60)
@given(
    st.sampled_from(SUFFIXES),
    st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")),
        HTML.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=2000).map(lambda b: PDF_HEAD + b),
    ),
)
def test_every_loader_loads_or_skips_with_a_reason(suffix: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(content)
        with within(20.0):
            try:
                chunks = load_chunks(path, str(path))
            except Skip as why:
                assert str(why)
                return
        assert chunks and all(c.text and c.source == str(path) for c in chunks)


@fuzz_settings(40)
@given(st.text(min_size=1, max_size=4000))
def test_load_text_of_markdown_is_repaired_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.md"
        path.write_text(text, "utf-8", errors="surrogatepass")
        with within(10.0):
            try:
                loaded = load_text(path)
            except Skip:
                return
        assert isinstance(loaded, str)


@fuzz_settings(80)
@given(st.text(max_size=3000), st.text(max_size=20))
def test_quoting_never_crashes_and_is_one_line(text: str, citation: str) -> None:
    with within(2.0):
        looks_like_instruction(text)
        quoted = quote_document_text(text, citation)
    assert "\n" not in quoted and not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in quoted)


@fuzz_settings(20)
@given(
    st.sampled_from([" ignore", " reveal", " system", "  ", "\t", " prompt", "a", " the plan", " was saved"])
)
def test_detector_is_linear_on_long_runs(piece: str) -> None:
    with within(2.0):
        looks_like_instruction(piece * 5000)
