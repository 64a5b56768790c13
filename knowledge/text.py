"""Reading documents into clean text: mojibake repair and odd Unicode folded."""

from __future__ import annotations

import re

import ftfy

# ftfy's defaults repair "â€”" -> "—" (UTF-8 read as cp1252) and most other damage.
_FTFY = ftfy.TextFixerConfig(normalization="NFC", unescape_html=False, uncurl_quotes=False)
# ftfy's heuristics leave UTF-8 read as Mac Roman ("√ó" for "×", "üö´" for an emoji)
# alone, because those characters are plausible on their own. A run of non-ASCII
# characters that encodes to Mac Roman and decodes as UTF-8 is that mojibake: it is
# restored run by run, so correct text around it is never touched.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")
# ftfy works line by line at about 30 µs a line: a million short lines took 30 s.
# A line of printable ASCII is something ftfy never changes (with these settings), so
# only runs of lines holding anything else go through it. Anchored at line starts
# and each line scanned once, the pattern is linear.
_NEEDS_FTFY = re.compile(r"(?:^[^\n]*[^\t\n\x20-\x7e][^\n]*(?:\n|\Z))+", re.MULTILINE)


def _undo_mac_roman(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        fixed = run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    return fixed if len(fixed) < len(run) else run


def _fix_lines(match: re.Match[str]) -> str:
    return ftfy.fix_text(match.group(0), config=_FTFY)


def repair_text(text: str) -> str:
    """Fix mojibake, stray control characters and non-breaking spaces; keep line breaks."""
    fixed = _NEEDS_FTFY.sub(_fix_lines, text.replace("\r\n", "\n"))
    fixed = _NON_ASCII_RUN.sub(_undo_mac_roman, fixed)
    return fixed.replace("\u00a0", " ").replace("\u200b", "").replace("\r\n", "\n")
