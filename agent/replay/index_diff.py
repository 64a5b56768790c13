"""Why a re-run's retrieval departs from the recording: the knowledge index it reads is this
data directory's as it is now, not the one the session read. A document ingested since
(or removed, or ingested elsewhere: a bundle carries no ingested documents) changes what
is retrieved and its ranking (BM25 weighs every word against the whole index), and a
re-run would say only `search_roadmaps result`. This names the difference.

Local sessions are compared by time (each source's `ingested_at` against the turn's start);
bundles carry the index's sources as they were at export (`index`) and are compared by
source and content hash.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_INDEX_SOURCES = 10_000
_CHUNK_ID = re.compile(r"([^'\"\s,\[\]]+)#\d+-\d+")
SHOWN = 4  # sources named per kind of difference; the rest are counted


class IndexSource(BaseModel):
    """One source of the knowledge index, as a bundle carries it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    source: str = Field(min_length=1, max_length=1000)
    sha256: str | None = Field(default=None, max_length=64)
    kind: str | None = Field(default=None, max_length=20)
    chunks: int | None = Field(default=None, ge=0)
    ingested_at: str | None = Field(default=None, max_length=64)


def index_sources(home: Any, embeddings: Any) -> list[dict[str, Any]]:
    """The sources of a data directory's index (`coach kb list`), with when each was ingested."""
    from knowledge.retriever import Retriever

    return [dict(row) for row in Retriever(home, embeddings).sources()]


def _file_name(source: str) -> str:
    return re.split(r"[/\\]", source)[-1]


def cited(output: Any) -> list[str]:
    """The sources a recorded retrieval result cites (its chunk ids 'SOURCE#a-b'), in order."""
    ids = [str(x) for x in output] if isinstance(output, list) else _CHUNK_ID.findall(str(output or ""))
    out: list[str] = []
    for chunk in ids:
        source = chunk.rsplit("#", 1)[0] if "#" in chunk else chunk
        if source not in out:
            out.append(source)
    return out


def _moment(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _names(sources: list[str]) -> str:
    shown = ", ".join(sources[:SHOWN])
    return shown + (f" and {len(sources) - SHOWN} more" if len(sources) > SHOWN else "")


def why(
    recorded: Any,
    now: Any,
    started: str | None,
    current: list[dict[str, Any]],
    recorded_index: list[dict[str, Any]] | None = None,
) -> str:
    """What differs between the index the recorded retrieval read and this one, in a
    sentence; '' when nothing shows (then the retrieval code itself changed)."""
    here = {str(r["source"]): r for r in current}
    by_name = {_file_name(s): r for s, r in here.items()}  # a redacted bundle keeps file names

    def find(source: str) -> dict[str, Any] | None:
        return here.get(source) or by_name.get(_file_name(source))

    notes = []
    missing = [s for s in cited(recorded) if find(s) is None]
    if missing:
        notes.append(
            f"the recording cites {_names(missing)}, not in this index (removed since, or ingested "
            "where the session ran: a bundle carries no ingested documents; `coach ingest` the same "
            "file here to compare)"
        )
    ran = _moment(started)
    if recorded_index is not None:
        # The recording's index when the turn ran: what it held at export, less what came later.
        then = {
            str(r["source"]): r
            for r in recorded_index
            if ran is None or (at := _moment(r.get("ingested_at"))) is None or at <= ran
        }
        added = [s for s in here if s not in then and _file_name(s) not in {_file_name(t) for t in then}]
        gone = [s for s in then if find(s) is None and s not in missing]
        changed = [
            s
            for s, r in then.items()
            if (row := find(s)) is not None and r.get("sha256") and row.get("sha256") != r.get("sha256")
        ]
        if added:
            notes.append(f"this index has {_names(added)}, which the recording's did not when the turn ran")
        if gone:
            notes.append(f"the recording's index had {_names(gone)}, which this one does not")
        if changed:
            notes.append(f"{_names(changed)} differs from the recording's copy")
    elif ran is not None:
        since = [s for s, r in here.items() if (at := _moment(r.get("ingested_at"))) is not None and at > ran]
        if since:
            verb = "was" if len(since) == 1 else "were"
            notes.append(f"{_names(since)} {verb} ingested after this turn ran ({str(started)[:16]})")
    if not notes:
        return ""
    return "the knowledge index changed: " + "; ".join(notes) + "."


def explain(
    divergences: list[dict[str, Any]],
    started: dict[int, str | None],
    current: list[dict[str, Any]],
    recorded_index: list[dict[str, Any]] | None = None,
) -> None:
    """Add 'why' to each retrieval divergence that the index explains (turn seq -> started)."""
    for d in divergences:
        if str(d.get("what", "")).startswith("search_roadmaps"):
            text = why(
                d.get("recorded"), d.get("now"), started.get(d.get("turn") or -1), current, recorded_index
            )
            if text:
                d["why"] = text
