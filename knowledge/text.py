"""Reading documents into clean text: mojibake repair and odd Unicode folded."""

from __future__ import annotations

import ftfy

# ftfy's defaults repair "√ó" -> "×" (UTF-8 read as Mac Roman) and "â€”" -> "—"
# (UTF-8 read as cp1252); we also fold the odd spaces that chat tools paste in.
_FTFY = ftfy.TextFixerConfig(normalization="NFC", unescape_html=False)


def repair_text(text: str) -> str:
    """Fix mojibake, stray control characters and non-breaking spaces; keep line breaks."""
    fixed = ftfy.fix_text(text, config=_FTFY)
    return fixed.replace("\u00a0", " ").replace("\u200b", "").replace("\r\n", "\n")
