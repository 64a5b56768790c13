"""Approved plans, versioned per user in the LangGraph store. A version is never overwritten."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from langgraph.store.base import BaseStore

from tools.errors import CoachError


def namespace(user_id: str) -> tuple[str, str]:
    """Each user's plans live under their own namespace, so they never mix."""
    return ("plans", user_id)


def list_plans(store: BaseStore, user_id: str) -> list[dict[str, Any]]:
    """Saved plan records, oldest version first."""
    items = store.search(namespace(user_id), limit=10_000)
    return sorted((item.value for item in items), key=lambda v: v["version"])


def get_plan(store: BaseStore, user_id: str, version: int) -> dict[str, Any]:
    """One saved plan record, or an error naming the versions there are."""
    item = store.get(namespace(user_id), f"v{version:05d}")
    if item is None:
        have = [p["version"] for p in list_plans(store, user_id)]
        listing = ", ".join(map(str, have)) if have else "none yet"
        raise CoachError(f"There is no plan version {version}; saved versions: {listing}.")
    return item.value


def save_approved(
    store: BaseStore,
    user_id: str,
    plan: dict[str, Any],
    markdown: str,
    approval: dict[str, Any],
) -> tuple[int, bool]:
    """Save a plan that carries an approval record; (version, newly saved).

    Idempotent on the draft id: approving the same draft twice (a double click, a
    retried request) returns the version already saved.
    """
    if approval.get("action") != "approve" or approval.get("draft_id") != plan.get("draft_id"):
        raise CoachError("A plan can only be saved with an approval of that very draft.")
    existing = list_plans(store, user_id)
    for record in existing:
        if record["draft_id"] == plan["draft_id"]:
            return record["version"], False
    version = (existing[-1]["version"] if existing else 0) + 1
    key = f"v{version:05d}"
    if store.get(namespace(user_id), key) is not None:  # never overwrite a version
        raise CoachError(f"Plan version {version} already exists; not overwriting it.")
    store.put(
        namespace(user_id),
        key,
        {
            "version": version,
            "draft_id": plan["draft_id"],
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "approval": approval,
            "plan": plan,
            "markdown": markdown,
        },
    )
    return version, True
