"""Turning files into clean text: Markdown and text as they are, HTML and PDF converted.

Each loader returns Markdown-ish text (headings as `#` lines where the format has
them) so the structural chunker works the same on every format. Files are
untrusted: anything that is not a regular file of a sane size with a UTF-8 name is
skipped before a byte is read, and every failure becomes a `Skip` with its reason.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from knowledge.html import HtmlTooDeep, html_to_markdown
from knowledge.text import repair_text

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_BYTES = 20 * 1024 * 1024


class Skip(Exception):
    """A file that is not ingested, with the reason to show the person."""


def display_path(path: Path | str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def check_file(path: Path) -> os.stat_result:
    """Skip anything that is not a regular file of a sane size with a UTF-8 name, before
    a byte of it is read (a FIFO would block the read, /dev/zero would never end it)."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        raise Skip("its name is not valid UTF-8; rename the file") from None
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise Skip("not a regular file (a device, FIFO or socket)")
    if info.st_size == 0:
        raise Skip("empty file")
    if info.st_size > MAX_BYTES:
        raise Skip(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return info


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:  # it grew after it was checked
        raise Skip(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return raw


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise Skip("binary content (NUL bytes), not a text document")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: cp1252 decodes any byte; ftfy then repairs what it can.
        return raw.decode("cp1252", errors="replace")


def _pdf_to_text(path: Path) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise Skip("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Skip:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a damaged PDF makes pypdf raise almost anything
        raise Skip(f"unreadable PDF ({type(exc).__name__}: {str(exc)[:120]})") from None
    # Page breaks become blank lines so paragraphs do not run across pages.
    return "\n\n".join(pages)


def load_text(path: Path) -> str:
    """The repaired text of one file, or Skip with the reason."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise Skip(
            f"unsupported type '{display_path(suffix) or 'no extension'}' (use .md, .txt, .html or .pdf)"
        )
    check_file(path)
    if suffix == ".pdf":
        text = _pdf_to_text(path)
    else:
        text = _decode(_read_capped(path))
        if suffix in (".html", ".htm"):
            try:
                text = html_to_markdown(text)
            except HtmlTooDeep as exc:
                raise Skip(str(exc)) from None
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
                        skipped.append(
                            (child, f"unsupported type '{display_path(child.suffix) or 'no extension'}'")
                        )
        else:
            found.append(path)
    return found, skipped
