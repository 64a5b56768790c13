"""Approved plans, versioned per user in the LangGraph store. A version is never
overwritten, two approvals never share a number, and a draft is saved at most once.

Versions are allocated under the store's lock for that user, which holds across
processes and hosts (a file lock on SQLite, an advisory lock on PostgreSQL): the
read of the existing versions, the check for the draft and the write happen while
no other writer of that user's plans can run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent.storage.base import LockingStore
from agent.storage.records import ApprovalRecord, PlanRecord
from tools.errors import CoachError

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

# Stores without a cross-process lock (the in-memory store of tests and `langgraph
# dev`) live in one process: a process lock is enough for them.
_LOCAL = threading.Lock()


def namespace(user_id: str) -> tuple[str, str]:
    """Each user's plans live under their own namespace, so they never mix."""
    return ("plans", user_id)


def _key(version: int) -> str:
    return f"v{version:05d}"


@contextmanager
def _plans_locked(store: BaseStore, user_id: str) -> Iterator[None]:
    if isinstance(store, LockingStore):
        with store.locked(f"plans:{user_id}"):
            yield
    else:
        with _LOCAL:
            yield


def list_plans(store: BaseStore, user_id: str) -> list[PlanRecord]:
    """Saved plan records, oldest version first."""
    items = store.search(namespace(user_id), limit=10_000)
    return sorted((PlanRecord.model_validate(item.value) for item in items), key=lambda r: r.version)


def has_plans(store: BaseStore, user_id: str) -> bool:
    """Whether the person has any saved plan: one item read, however many versions there
    are (routing asks on every turn; list_plans reads and validates every version)."""
    return bool(store.search(namespace(user_id), limit=1))


def get_plan(store: BaseStore, user_id: str, version: int) -> PlanRecord:
    """One saved plan record, or an error naming the versions there are."""
    item = store.get(namespace(user_id), _key(version))
    if item is None:
        have = [p.version for p in list_plans(store, user_id)]
        listing = ", ".join(map(str, have)) if have else "none yet"
        raise CoachError(f"There is no plan version {version}; saved versions: {listing}.")
    return PlanRecord.model_validate(item.value)


def save_plan_version(
    store: BaseStore,
    user_id: str,
    draft_id: str,
    plan: dict[str, Any],
    markdown: str,
    approval: ApprovalRecord,
) -> tuple[int, bool]:
    """Save an approved draft as the user's next version; (version, newly saved).

    Idempotent on `draft_id`: a draft already saved (a double click, a retried request,
    a commit resumed after a crash) answers with the version it got.
    """
    with _plans_locked(store, user_id):
        existing = list_plans(store, user_id)
        for record in existing:
            if record.draft_id == draft_id:
                return record.version, False
        version = (existing[-1].version if existing else 0) + 1
        if store.get(namespace(user_id), _key(version)) is not None:  # never overwrite a version
            raise CoachError(f"Plan version {version} already exists; not overwriting it.")
        record = PlanRecord(
            version=version,
            draft_id=draft_id,
            saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
            approval=approval,
            plan=plan,
            markdown=markdown,
        )
        store.put(namespace(user_id), _key(version), record.model_dump(mode="json"))
    return version, True


def save_approved(
    store: BaseStore,
    user_id: str,
    plan: dict[str, Any],
    markdown: str,
    approval: dict[str, Any],
) -> tuple[int, bool]:
    """Save a plan that carries an approval record of that very draft; (version, newly saved)."""
    if approval.get("action") != "approve" or approval.get("draft_id") != plan.get("draft_id"):
        raise CoachError("A plan can only be saved with an approval of that very draft.")
    record = ApprovalRecord.model_validate(approval)
    return save_plan_version(store, user_id, str(plan["draft_id"]), plan, markdown, record)
