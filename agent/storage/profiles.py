"""The saved profile of each person, in the LangGraph store under their own namespace.

Every reader and writer of the saved profile goes through this module (the CLI's
`coach profile`, intake, "welcome back" in a new session):

    from agent.storage.profiles import clear_profile, load_profile, save_profile

    load_profile(store: BaseStore, user_id: str) -> Profile | None
    saved_at(store: BaseStore, user_id: str) -> str | None
    save_profile(store: BaseStore, user_id: str, profile: Profile) -> None
    clear_profile(store: BaseStore, user_id: str) -> bool

The stored value is exactly `Profile.model_dump(mode="json")`, the profile file's
keys, at namespace ("profiles", user_id), key "current". `tools/lc_tools.py` reads
the same place for the model's tools (tools never import agent, so it keeps its own
copy of the address; tests/test_cli.py checks that the two agree).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agent.storage.files import DB_FILE
from tools.errors import CoachError
from tools.models import Profile

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

KEY = "current"


def namespace(user_id: str) -> tuple[str, str]:
    """Where one person's saved profile lives; nobody else's profile is ever under it."""
    return ("profiles", user_id)


def load_profile(store: BaseStore, user_id: str) -> Profile | None:
    """The person's saved profile, or None when there is none.

    Raises CoachError when what is stored no longer validates (saved by an older
    version), with a message saying how to replace or clear it.
    """
    item = store.get(namespace(user_id), KEY)
    return None if item is None else _validated(item.value, user_id)


def peek_profile(home: Path, user_id: str) -> Profile | None:
    """`load_profile` on the SQLite file under `home`, read directly, without opening
    LangGraph's store (whose import alone takes about a second): for the start of
    `coach chat`, which says "welcome back" before the first prompt. Reads the row
    LangGraph's SqliteStore writes (prefix = the namespace joined with ".", key, JSON
    value); tests/test_storage_turns.py checks that the two agree. None when there is
    no database, no store table yet or no profile; sqlite3.Error when the file cannot
    be read this way (the caller then opens the storage)."""
    path = home / DB_FILE
    if not path.exists():
        return None
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        rows = conn.execute(
            "SELECT value FROM store WHERE prefix = ? AND key = ?", (".".join(namespace(user_id)), KEY)
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a data directory the store has not set up yet
            return None
        raise
    finally:
        conn.close()
    return _validated(json.loads(rows[0][0]), user_id) if rows else None


def _validated(value: Any, user_id: str) -> Profile:
    try:
        return Profile.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "profile"
        raise CoachError(
            f"The saved profile of {user_id} is not valid any more ({field}: {first['msg']}); "
            "replace it with `coach profile import FILE` or remove it with `coach profile clear`."
        ) from None


def saved_at(store: BaseStore, user_id: str) -> str | None:
    """When the profile was last saved (ISO 8601, seconds), or None."""
    item = store.get(namespace(user_id), KEY)
    return item.updated_at.isoformat(timespec="seconds") if item is not None else None


def save_profile(store: BaseStore, user_id: str, profile: Profile) -> None:
    """Keep this as the person's profile, replacing the one before."""
    store.put(namespace(user_id), KEY, profile.model_dump(mode="json"))


def clear_profile(store: BaseStore, user_id: str) -> bool:
    """Forget the person's saved profile; True if there was one. Saved plans stay."""
    if store.get(namespace(user_id), KEY) is None:
        return False
    store.delete(namespace(user_id), KEY)
    return True
