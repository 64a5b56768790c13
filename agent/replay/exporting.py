"""Replay bundles out: a session's recorded turns and calls, and the saved profile and
plans it read, as one JSON file (agent.replay.bundles validates it on the way in)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agent.replay.index_diff import index_sources
from agent.replay.person import person_data, plans_used, visible_postings
from agent.replay.runner import BUNDLE_VERSION
from agent.runtime.session import Coach
from agent.storage.records import RecordedTurn
from tools.errors import InputError

# A phone number: 9-15 digits with spaces, dashes or brackets between, standing alone. Not
# part of a longer token: the decimals of a score (0.8123456789), a hash, a date-time or an
# ISO date (8 digits) are data, and redacting them broke the bundle's numbers and dates.
_PHONE = re.compile(r"(?<![\w.:/-])[+(]?\d[\d ()-]{7,}\d(?!\w|[.:/]\d)")
# An absolute or home-relative path (two components at least): it names the person's own
# folders ("/home/nina/docs/cv.md"); only the file name is kept. Stops at quotes, spaces
# and '#' so a chunk id keeps its line range ("cv.md#1-3").
_PATH = re.compile(r"(?<![\w/.~:\\])(?:~|[A-Za-z]:)?(?:(?:/|\\{1,2})[^\s/\\'\"#,;()<>\[\]{}|]+){2,}")
_PERSONAL = [
    (re.compile(r"https?://\S+"), "[url]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "[email]"),
    (re.compile(r"<@[A-Z0-9]+>"), "<@user>"),
]


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return "[phone]" if 9 <= digits <= 15 else match.group()


def _file_name(match: re.Match[str]) -> str:
    return re.split(r"[/\\]", match.group())[-1]


def redact_text(value: str, users: dict[str, str]) -> str:
    """Personal data in one text replaced: the user ids (as whole words: user 'local' is no
    part of 'locally'), URLs, e-mail addresses, Slack mentions, phone numbers, and folder
    paths cut to their file name. Numbers, dates and hashes are left as they are."""
    for user, alias in users.items():
        value = re.sub(rf"(?<![\w-]){re.escape(user)}(?![\w-])", alias, value)
    for pattern, repl in _PERSONAL:
        value = pattern.sub(repl, value)
    return _PHONE.sub(_phone, _PATH.sub(_file_name, value))


def _redact(value: Any, users: dict[str, str]) -> Any:
    if isinstance(value, str):
        return redact_text(value, users)
    if isinstance(value, list):
        return [_redact(v, users) for v in value]
    if isinstance(value, dict):
        return {k: _redact(v, users) for k, v in value.items()}
    return value


def _store_section(coach: Coach, owner: str, thread: str, turns: list[RecordedTurn]) -> dict[str, Any]:
    """What the session read from the person's store: the saved profile, the saved
    plans its turns saw and the postings there were by its last turn (agent.replay.person),
    validated again on import."""
    data = person_data(coach, owner, thread)
    return {
        "profile": data.profile,
        "plans": [p.model_dump(mode="json") for p in plans_used(data.plans, turns)],
        "postings": [p.model_dump(mode="json") for p in visible_postings(data.postings, turns[-1])],
    }


def export_bundle(coach: Coach, thread: str, path: Path, redact: bool = False) -> dict[str, Any]:
    """Write a self-contained bundle: the session's recorded turns and calls, enough to
    replay it anywhere (personal data replaced when `redact`)."""
    from agent.replay.bundles import redact_call_input

    turns = coach.persistence.recordings.turns(thread)
    if not turns:
        raise InputError(f"Session {thread} has no recording to export.")
    owner = coach.persistence.sessions.owner(thread) or coach.user_id
    bundle: dict[str, Any] = {
        "version": BUNDLE_VERSION,
        "thread": thread,
        "user": owner,
        "model": coach.settings.model,
        "redacted": redact,
        "turns": [t.model_dump(mode="json") for t in turns],
        "store": _store_section(coach, owner, thread, turns),
        # The index's sources at export: an import elsewhere names what its index lacks.
        "index": [
            {k: row.get(k) for k in ("source", "sha256", "kind", "chunks", "ingested_at")}
            for row in index_sources(coach.settings.home, coach.settings.embeddings)
        ],
    }
    if redact:
        # Only what people wrote and what was said back: hashes, steps and times stay exact.
        users = {owner: "user-1"}
        bundle["user"] = "user-1"
        bundle["thread"] = "redacted-" + thread[-6:]
        for turn in bundle["turns"]:
            turn["payload"] = _redact(turn["payload"], users)
            for call in turn["calls"]:
                call["output"] = _redact(call["output"], users)
                redact_call_input(call, lambda value: _redact(value, users))
        bundle["store"] = _redact(bundle["store"], users)
        bundle["index"] = _redact(bundle["index"], users)
        for posting in bundle["store"]["postings"]:
            posting["source"] = Path(posting["source"]).name  # a folder path can name its owner
    path.write_text(json.dumps(bundle, indent=1, default=str), "utf-8")
    return {"path": str(path), "turns": len(turns), "redacted": redact}
