"""Chunk markdown and text by document structure, keeping citations.

Headings give each chunk its section path (document > phase > heading); a long
section is split on paragraph boundaries with an overlap of one block; a table or
a checklist is never cut in the middle where it fits in one chunk. A chunk's text is
the exact run of source lines it covers (line N of the text is source line
line_start + N), so a sentence found in it can be cited by its own lines. A piece cut
out of a long list or table carries what gives it meaning as `context`: the parent
items of its first nested item, or the table's header row.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# About 1,200 characters is ~250 MiniLM tokens: within its 256-token window, and
# short enough that a few chunks keep the embedded model's prompt small.
MAX_CHARS = 1200
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^([-*+\u2022]|\d+[.)])\s")


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
    context: str = ""

    @property
    def indexed_text(self) -> str:
        """What is embedded and matched: the section path, the context of a piece cut from
        a long list or table, then the text. Parent headings carry context ("GenAI roadmap
        > Phase 3") that the passage itself leaves out."""
        if self.context:
            return f"{self.section}\n{self.context}\n{self.text}"
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
        return cls(**{**data, "roles": tuple(data.get("roles") or ()), "context": data.get("context") or ""})  # type: ignore[arg-type]


@dataclass
class _Block:
    lines: list[str]
    numbers: list[int]  # 1-based source line number of each line (blank lines in lists skipped)

    @property
    def start(self) -> int:
        return self.numbers[0]

    @property
    def end(self) -> int:
        return self.numbers[-1]

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
    numbers: list[int] = []
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
                blocks.append(_Block(current, numbers))
                current, numbers, kind = [], [], ""
            continue
        if (
            current
            and line_kind != kind
            and not (kind == "list" and line_kind == "text" and line.startswith(" "))
        ):
            blocks.append(_Block(current, numbers))
            current, numbers = [], []
        current.append(line)
        numbers.append(offset + i)
        kind = line_kind
    if current:
        blocks.append(_Block(current, numbers))
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
        for _, first, last in _split(section_lines, start, max_chars):
            # The exact source lines, so that line numbers inside the text stay true.
            text_part = "\n".join(section_lines[first - start : last - start + 1])
            chunks.append(
                Chunk(
                    id=f"{source}#{first}-{last}",
                    source=source,
                    section=name,
                    line_start=first,
                    line_end=last,
                    text=_cap_long_lines(text_part, max_chars * 2),
                    context=_context(section_lines, first - start),
                )
            )
    return chunks


def _cap_long_lines(text: str, limit: int) -> str:
    """A line longer than `limit` (a wall of text with no breaks) is cut at a word boundary."""
    if len(text) <= limit or all(len(x) <= limit for x in text.split("\n")):
        return text
    out = []
    for line in text.split("\n"):
        if len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            line = line[: cut if cut > limit // 2 else limit]
        out.append(line)
    return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _item_text(line: str) -> str:
    """A list item without its bullet, checkbox and emphasis marks."""
    text = _ITEM.sub("", line.strip(), count=1)
    text = re.sub(r"^\[[ xX]\]\s*|^[\u2610\u2611\u2612]\s*", "", text)
    return re.sub(r"[*_`]+", "", text).strip()


def _context(lines: list[str], idx: int) -> str:
    """What the piece starting at lines[idx] needs to make sense: the parent items of a
    nested list item, or the header row of a table cut in the middle."""
    if idx <= 0 or idx >= len(lines):
        return ""
    first = lines[idx]
    if first.lstrip().startswith("|"):
        j = idx
        while j > 0 and lines[j - 1].lstrip().startswith("|"):
            j -= 1
        return lines[j].strip() if j < idx else ""
    indent = _indent(first)
    parents: list[str] = []
    for j in range(idx - 1, -1, -1):
        line = lines[j]
        stripped = line.strip()
        if not stripped:
            continue
        if _HEADING.match(line):
            break
        if _indent(line) < indent and _ITEM.match(stripped):
            parents.append(_item_text(line))
            indent = _indent(line)
            if indent == 0:
                break
        elif _indent(line) == 0 and not _ITEM.match(stripped):
            break
    return " > ".join(reversed(parents))


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
            pieces.append((text, group[0].start, group[-1].end))
        if j >= len(blocks):
            break
        # Overlap: the next piece starts with this piece's last block, unless that
        # block alone was the whole piece (no progress otherwise).
        i = j - 1 if j - 1 > i else j
    return pieces


def _split_lines(block: _Block, max_chars: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    buf: list[str] = []
    size = 0  # buf's length so far: summing it again for every line was quadratic on short lines
    first = block.start
    for k, line in enumerate(block.lines):
        if buf and size + len(line) > max_chars:
            out.append(("\n".join(buf).strip(), first, block.numbers[k - 1]))
            buf, first, size = [], block.numbers[k], 0
        buf.append(line[: max_chars * 2])
        size += len(buf[-1]) + 1
    if buf:
        out.append(("\n".join(buf).strip(), first, block.end))
    return out
