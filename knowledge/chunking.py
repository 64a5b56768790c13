"""Chunk markdown and text by document structure, keeping citations.

Headings give each chunk its section path (document > phase > heading); a long
section is split on paragraph boundaries with an overlap of one block; a table or
a checklist is never cut in the middle where it fits in one chunk.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# About 1,200 characters is ~250 MiniLM tokens: within its 256-token window, and
# short enough that a few chunks keep the embedded model's prompt small.
MAX_CHARS = 1200
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Chunk:
    """A passage with where it came from."""

    id: str
    source: str
    section: str
    line_start: int
    line_end: int
    text: str
    roles: tuple[str, ...] = ()

    @property
    def indexed_text(self) -> str:
        """What is embedded and matched: the section path, then the text. Parent headings
        carry context ("GenAI roadmap > Phase 3") that the passage itself leaves out."""
        return f"{self.section}\n{self.text}"

    def citation(self) -> str:
        """'genai_engineer.md > Phase 2 > Projects, lines 40-52'."""
        return f"{self.source} > {self.section}, lines {self.line_start}-{self.line_end}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        out = asdict(self)
        out["roles"] = list(self.roles)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Chunk:
        """The inverse of to_dict."""
        return cls(**{**data, "roles": tuple(data.get("roles") or ())})  # type: ignore[arg-type]


@dataclass
class _Block:
    lines: list[str]
    start: int  # 1-based line number of the first line

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def _clean_heading(text: str) -> str:
    text = re.sub(r"[*_`]+", "", text)
    # Leading emoji and symbols carry no meaning in a section path.
    return re.sub(r"^[^\w(\"']+", "", text).strip() or text.strip()


def _blocks(lines: list[str], offset: int) -> list[_Block]:
    """Split a section's lines into paragraphs; tables and lists stay one block."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = offset
    kind = ""
    for i, line in enumerate(lines):
        stripped = line.strip()
        line_kind = (
            "table"
            if stripped.startswith("|")
            else (
                "list"
                if re.match(r"^([-*+]|\d+\.)\s", stripped)
                or (kind == "list" and line.startswith((" ", "\t")) and stripped)
                else "text"
            )
        )
        if not stripped:
            if current and kind != "list":
                blocks.append(_Block(current, start))
                current, kind = [], ""
            continue
        if (
            current
            and line_kind != kind
            and not (kind == "list" and line_kind == "text" and line.startswith(" "))
        ):
            blocks.append(_Block(current, start))
            current = []
        if not current:
            start = offset + i
        current.append(line)
        kind = line_kind
    if current:
        blocks.append(_Block(current, start))
    return blocks


def chunk_markdown(text: str, source: str, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunks of a markdown or plain-text document, each with section path and lines."""
    lines = text.split("\n")
    doc_title = source.rsplit("/", 1)[-1]
    path: list[tuple[int, str]] = []
    sections: list[tuple[str, int, list[str]]] = []
    body: list[str] = []
    body_start = 1
    section_name = doc_title

    def flush() -> None:
        # A heading with nothing under it but sub-headings makes no chunk of its own:
        # its title lives on in its children's section paths.
        content = [s for s in body if s.strip() and not _HEADING.match(s)]
        if content:
            sections.append((section_name, body_start, list(body)))

    for number, line in enumerate(lines, start=1):
        m = _HEADING.match(line)
        if m is None:
            if not body:
                body_start = number
            body.append(line)
            continue
        flush()
        level, title = len(m.group(1)), _clean_heading(m.group(2))
        if level == 1 and not path:
            doc_title = title
        path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
        section_name = " > ".join(t for _, t in path)
        # The heading line is part of its section: it carries the words a query matches.
        body = [line]
        body_start = number
    flush()

    chunks: list[Chunk] = []
    for name, start, section_lines in sections:
        for text_part, first, last in _split(section_lines, start, max_chars):
            heading = name if name != doc_title else doc_title
            chunks.append(
                Chunk(
                    id=f"{source}#{first}-{last}",
                    source=source,
                    section=heading,
                    line_start=first,
                    line_end=last,
                    text=text_part,
                )
            )
    return chunks


def _split(lines: list[str], start: int, max_chars: int) -> list[tuple[str, int, int]]:
    """Pack blocks into pieces of at most max_chars, overlapping by one block."""
    blocks = [b for b in _blocks(lines, start) if b.text]
    pieces: list[tuple[str, int, int]] = []
    i = 0
    while i < len(blocks):
        group = [blocks[i]]
        size = len(blocks[i].text)
        j = i + 1
        while j < len(blocks) and size + len(blocks[j].text) + 2 <= max_chars:
            group.append(blocks[j])
            size += len(blocks[j].text) + 2
            j += 1
        text = "\n\n".join(b.text for b in group)
        if len(text) > max_chars and len(group) == 1:
            # One block bigger than a chunk (a huge table or wall of text): cut on lines.
            pieces.extend(_split_lines(group[0], max_chars))
        else:
            last = group[-1]
            pieces.append((text, group[0].start, last.start + len(last.lines) - 1))
        if j >= len(blocks):
            break
        # Overlap: the next piece starts with this piece's last block, unless that
        # block alone was the whole piece (no progress otherwise).
        i = j - 1 if j - 1 > i else j
    return pieces


def _split_lines(block: _Block, max_chars: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    buf: list[str] = []
    first = block.start
    for k, line in enumerate(block.lines):
        if buf and sum(len(x) + 1 for x in buf) + len(line) > max_chars:
            out.append(("\n".join(buf).strip(), first, block.start + k - 1))
            buf, first = [], block.start + k
        buf.append(line[: max_chars * 2])
    if buf:
        out.append(("\n".join(buf).strip(), first, block.start + len(block.lines) - 1))
    return out
