"""Turning files into clean text: Markdown and text as they are, HTML and PDF converted.

Each loader returns Markdown-ish text (headings as `#` lines where the format has
them) so the structural chunker works the same on every format.
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.text import repair_text

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_BYTES = 20 * 1024 * 1024


class Skip(Exception):
    """A file that is not ingested, with the reason to show the person."""


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise Skip("binary content (NUL bytes), not a text document")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: cp1252 decodes any byte; ftfy then repairs what it can.
        return raw.decode("cp1252", errors="replace")


def _html_to_markdown(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript"]):
        tag.decompose()
    lines: list[str] = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre"]):
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        name = el.name or ""
        if name.startswith("h"):
            lines += ["", "#" * int(name[1]) + " " + text, ""]
        elif name == "li":
            lines.append(f"- {text}")
        elif name == "tr":
            cells = [c.get_text(" ", strip=True) for c in el.find_all(["td", "th"])]
            lines.append("| " + " | ".join(cells) + " |")
        else:
            lines += [text, ""]
    return "\n".join(lines)


def _pdf_to_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise Skip("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise Skip(f"unreadable PDF ({exc})") from None
    # Page breaks become blank lines so paragraphs do not run across pages.
    return "\n\n".join(pages)


def load_text(path: Path) -> str:
    """The repaired text of one file, or Skip with the reason."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise Skip(f"unsupported type '{suffix or 'no extension'}' (use .md, .txt, .html or .pdf)")
    size = path.stat().st_size
    if size == 0:
        raise Skip("empty file")
    if size > MAX_BYTES:
        raise Skip(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    if suffix == ".pdf":
        text = _pdf_to_text(path)
    else:
        text = _decode(path.read_bytes())
        if suffix in (".html", ".htm"):
            text = _html_to_markdown(text)
    text = repair_text(text)
    if not re.search(r"\w", text):
        raise Skip("no text in it")
    return text


def find_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to ingest under the given paths, and paths skipped with a reason."""
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            skipped.append((path, "does not exist"))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    if child.suffix.lower() in SUFFIXES:
                        found.append(child)
                    else:
                        skipped.append((child, f"unsupported type '{child.suffix or 'no extension'}'"))
        else:
            found.append(path)
    return found, skipped
