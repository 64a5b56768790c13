"""`coach plans show N --format md|html`: a saved plan as the assessment template's deliverable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.interfaces.cli.output import line
from tools.errors import InputError

FORMATS = ("md", "html")


def export_record(record: dict[str, Any], fmt: str | None, output: Path | None) -> None:
    """Write (or print) a saved plan record as Markdown or HTML.

    The format defaults to the output file's suffix (.html or .htm: html), else md."""
    from agent.coaching.export import export_plan
    from agent.coaching.plan import Plan

    chosen = (
        fmt or ("html" if output is not None and output.suffix.lower() in (".html", ".htm") else "md")
    ).lower()
    if chosen not in FORMATS:
        raise InputError(f"--format takes md or html, not {fmt!r}.")
    text = export_plan(Plan.model_validate(record["plan"]), chosen)  # type: ignore[arg-type]
    if output is None:
        line(text.rstrip("\n"))
        return
    if not output.parent.is_dir():
        raise InputError(f"No folder {output.parent} to write {output.name} into.")
    try:
        output.write_text(text, "utf-8")
    except OSError as exc:
        raise InputError(f"Cannot write {output}: {exc.strerror or exc}.") from None
    line(f"Wrote plan v{record['version']} as {chosen} to {output}.")
