"""HTML to Markdown-ish text in linear time.

libxml2 (through lxml) parses in C, in one pass; the tree is then walked with
`iterwalk` (iterative: no recursion to exhaust) and each text node is read once.
The walk before this one called `get_text()` on every block element, which
re-read every nested block: 100,000 nested `<li>` took about 23 minutes. Python's
own `html.parser` is no escape: on this Python it is quadratic on some malformed
input (20,000 `<!--` take 5 s).
"""

from __future__ import annotations

from lxml import etree

# Never content: code, styling, navigation chrome, embedded objects.
SKIP = frozenset(
    {"script", "style", "nav", "footer", "noscript", "head", "template", "svg", "math", "iframe", "object"}
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements whose start and end break the text into separate lines or paragraphs.
BLOCKS = frozenset(
    {
        "html", "body", "main", "article", "section", "header", "aside", "div", "p", "blockquote",
        "pre", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "li", "form", "fieldset", "figure", "figcaption", "address", "center", "br", "hr",
        *HEADINGS,
    }
)  # fmt: skip
MAX_DEPTH = 2048  # libxml2's limit with XML_PARSE_HUGE (256 without; files are capped at 20 MB)


class HtmlTooDeep(ValueError):
    """The document nests deeper than the parser follows: its text would be lost silently."""


class _Writer:
    """Collects lines; the text of the innermost open block goes out when a block opens or closes."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.open: list[str] = ["p"]
        self.row: list[str] | None = None

    def flush(self) -> None:
        text = " ".join(" ".join(self.buf).split())
        self.buf.clear()
        if not text:
            return
        kind = self.open[-1]
        if kind in HEADINGS:
            self.lines += ["", "#" * HEADINGS[kind] + " " + text, ""]
        elif kind == "li":
            self.lines.append(f"- {text}")
        elif kind in ("td", "th") and self.row is not None:
            self.row.append(text.replace("|", "/"))
        else:
            self.lines += [text, ""]

    def start(self, tag: str) -> None:
        self.flush()
        if tag == "tr":
            self.row = []
        if tag not in ("br", "hr"):
            self.open.append(tag)

    def end(self, tag: str) -> None:
        self.flush()
        if len(self.open) > 1:
            self.open.pop()
        if tag == "tr":
            if self.row:
                self.lines.append("| " + " | ".join(self.row) + " |")
            self.row = None


def html_to_markdown(html: str) -> str:
    """Headings as `#` lines, list items as `- ` lines, table rows as `| a | b |`,
    other blocks as paragraphs; scripts, styles and navigation dropped.

    Raises HtmlTooDeep when the nesting passes MAX_DEPTH (libxml2 would drop the rest)."""
    # The text is decoded already (UTF-8, else cp1252): a <meta charset> must not
    # make libxml2 decode it again differently.
    raw = html.encode("utf-8", "replace")
    parser = etree.HTMLParser(
        encoding="utf-8",
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=False,
        # Lifts the 10 MB limit on one text run (the loader caps files at 20 MB);
        # the nesting limit stays, at MAX_DEPTH.
        huge_tree=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        root = None
    for error in parser.error_log:
        if error.type_name == "ERR_NO_MEMORY":
            raise MemoryError("libxml2 ran out of memory")
        if error.type_name == "ERR_RESOURCE_LIMIT" and "depth" in error.message:
            raise HtmlTooDeep(
                f"its HTML nests deeper than {MAX_DEPTH} elements (unclosed tags?); fix or convert it"
            )
    if root is None:
        return ""
    out = _Writer()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in SKIP:
                walker.skip_subtree()
                continue
            if tag in BLOCKS:
                out.start(tag)
            if el.text:
                out.buf.append(el.text)
        else:
            if tag in BLOCKS and tag not in ("br", "hr"):
                out.end(tag)
            elif tag in ("br", "hr"):
                out.flush()
            if el.tail:
                out.buf.append(el.tail)
    out.flush()
    return "\n".join(out.lines).strip() + "\n"
