"""What a person had in the store when a session ran: their saved profile, saved plans
and job postings. A re-run, a fork or an imported bundle runs in a data directory that
has none of them, yet routing, check-ins and answers read them (a check-in needs the
saved plan): without them a check-in re-runs as intake and "diverges".

Plans carry when they were saved and postings when they were added, so each replayed
turn sees the plans and postings there were when it ran: those saved before the turn
started, and those this very session committed in an earlier turn (a replay never saves
a plan, so later turns are shown the one the recording saved). The store keeps only the
latest profile; the one the session read is in its checkpoints (`profile_read`), and
the current one is given when the session never read one.

The replay's graph reads these from an in-memory store: nothing is ever written to the
person's own store, even when a bundle is imported into this data directory.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from agent.runtime.session import Coach, Settings
from agent.storage import plans as plan_store
from agent.storage import profiles as profile_store
from agent.storage.records import PlanRecord, PostingRecord, RecordedTurn
from tools.errors import CoachError
from tools.postings import MAX_POSTING_CHARS

MAX_PLANS = 50  # saved plans a bundle may carry (a session reads the latest at each turn)
MAX_PLAN_TEXT = 200_000
MAX_POSTINGS = 200  # job postings a bundle may carry (the evidence its proposals and gaps read)


class PersonData(BaseModel):
    """A person's store items as a replay needs them. `seen` and `started`, when set, are
    the plan versions each turn saw and when it first ran (an imported session, whose own
    turns ran at import time)."""

    profile: dict[str, Any] | None = None
    plans: list[PlanRecord] = Field(default_factory=list)
    postings: list[PostingRecord] = Field(default_factory=list)
    seen: list[list[int]] | None = None
    started: list[str | None] | None = None  # when each turn first ran (an imported session)


def imported_path(home: Path, thread: str) -> Path:
    """Where an imported session keeps the store items its bundle carried: beside the
    database, never in anyone's store (thread ids of imports are [A-Za-z0-9_-] only)."""
    return home / "imports" / f"{thread}.json"


def keep_imported(home: Path, thread: str, data: PersonData, turns: list[RecordedTurn]) -> None:
    """Keep a bundle's store items for its imported session, with the plans each turn saw,
    so re-running, forking or exporting that session sees them again."""
    seen = [[p.version for p in visible_plans(data.plans, turns, i)] for i in range(len(turns))]
    path = imported_path(home, thread)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = [t.started for t in turns]
    path.write_text(data.model_copy(update={"seen": seen, "started": started}).model_dump_json(), "utf-8")


def profile_read(coach: Coach, thread: str) -> tuple[bool, dict[str, Any] | None]:
    """The saved profile the session read when it first looked (routing reads it while the
    thread has no profile: a returning person), from the session's own checkpoints:
    (whether it ever looked, what it found). Exact, where the store keeps only the latest."""
    from itertools import pairwise

    history = list(coach.graph.get_state_history({"configurable": {"thread_id": thread}}))[::-1]
    for prev, snap in pairwise(history):
        if snap.metadata.get("source") != "loop" or [t.name for t in prev.tasks] != ["route"]:
            continue
        if (prev.values or {}).get("profile"):
            continue  # a profile in the thread, or given with the turn: the store was not read
        return True, dict((snap.values or {}).get("profile") or {}) or None
    return False, None


def person_data(coach: Coach, user_id: str, thread: str | None = None) -> PersonData:
    """Read a person's saved profile, plans and postings from a coach's storage. With a
    thread, the profile is the one that session read (agent.replay.person.profile_read);
    the current one when it never read one. An imported session has what its bundle carried."""
    kept = imported_path(coach.settings.home, thread) if thread else None
    if kept is not None and kept.is_file():
        try:
            return PersonData.model_validate_json(kept.read_text("utf-8"))
        except (OSError, ValueError):
            pass  # unreadable: the person's own store, as for any session
    store = coach.persistence.store
    try:
        profile = profile_store.load_profile(store, user_id)
    except CoachError:
        profile = None  # one that no longer validates: the session saw none either
    current = profile.model_dump(mode="json") if profile is not None else None
    looked, seen = profile_read(coach, thread) if thread else (False, None)
    return PersonData(
        profile=seen if looked else current,
        plans=plan_store.list_plans(store, user_id),
        postings=list(coach.persistence.postings.list(user_id)),
    )


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def visible_plans(plans: list[PlanRecord], turns: list[RecordedTurn], index: int) -> list[PlanRecord]:
    """The plans turn `index` of a session could see: saved before it started, or
    committed by an earlier turn of the same session."""
    ours: dict[str, int] = {}  # draft id -> the turn that saved it (later turns still show it)
    for i, t in enumerate(turns):
        if t.outcome.committed is not None:
            ours.setdefault(t.outcome.committed.draft_id, i)
    started = _when(turns[index].started) if 0 <= index < len(turns) else None
    seen: list[PlanRecord] = []
    for plan in plans:
        if plan.draft_id in ours:
            if ours[plan.draft_id] < index:
                seen.append(plan)
            continue
        saved = _when(plan.saved_at)
        if started is None or saved is None or saved <= started:
            seen.append(plan)
    return seen


def visible_postings(postings: list[PostingRecord], turn: RecordedTurn | None) -> list[PostingRecord]:
    """The postings there were when a turn started."""
    started = _when(turn.started) if turn is not None else None
    if started is None:
        return list(postings)
    return [p for p in postings if (added := _when(p.added)) is None or added <= started]


def plans_used(plans: list[PlanRecord], turns: list[RecordedTurn]) -> list[PlanRecord]:
    """The plans a session read: the latest one each turn could see (routing, check-ins and
    answers read only the latest), once each, oldest first. What a bundle carries."""
    used: dict[int, PlanRecord] = {}
    for index in range(len(turns)):
        seen = visible_plans(plans, turns, index)
        if seen:
            used[seen[-1].version] = seen[-1]
    return [used[v] for v in sorted(used)]


class StoreSection(BaseModel):
    """A bundle's "store": what the session read from the person's store, the saved
    profile, the saved plans its turns saw (a check-in needs the plan) and the job
    postings there were (proposals and gaps count them), so a replay elsewhere sees them
    too. From a file, so every item is validated as the coach keeps it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    profile: dict[str, JsonValue] | None = None
    plans: list[dict[str, JsonValue]] = Field(default_factory=list, max_length=MAX_PLANS)
    postings: list[dict[str, JsonValue]] = Field(default_factory=list, max_length=MAX_POSTINGS)

    @model_validator(mode="after")
    def _valid_items(self) -> StoreSection:
        from agent.coaching.plan import Plan
        from agent.replay.bundles import MAX_PROFILE_SKILLS
        from agent.replay.bundles import _describe as describe
        from tools.models import Profile

        if self.profile is not None:
            skills = self.profile.get("skills")
            if isinstance(skills, dict | list) and len(skills) > MAX_PROFILE_SKILLS:
                raise ValueError(f"the saved profile names more than {MAX_PROFILE_SKILLS} skills")
            try:
                Profile.model_validate(self.profile, strict=True)
            except ValidationError as exc:
                raise ValueError(f"the saved profile is not one the coach keeps ({describe(exc)})") from None
        versions: set[int] = set()
        for raw in self.plans:
            try:
                record = PlanRecord.model_validate(raw, strict=True)
                Plan.model_validate(record.plan)
            except ValidationError as exc:
                raise ValueError(f"a saved plan is not one the coach keeps ({describe(exc)})") from None
            if not 1 <= record.version <= 1_000_000 or record.version in versions:
                raise ValueError("saved plans need distinct versions from 1")
            if len(record.markdown) > MAX_PLAN_TEXT:
                raise ValueError(f"a saved plan's text is longer than {MAX_PLAN_TEXT} characters")
            versions.add(record.version)
        for raw in self.postings:
            try:
                posting = PostingRecord.model_validate(raw, strict=True)
            except ValidationError as exc:
                raise ValueError(f"a job posting is not one the coach keeps ({describe(exc)})") from None
            if len(posting.text) > MAX_POSTING_CHARS or len(posting.position) > 200:
                raise ValueError(f"a job posting's text is longer than {MAX_POSTING_CHARS} characters")
        return self


class ReplayCoach(Coach):
    """A coach whose graph reads the person's store items from memory, staged turn by
    turn (see `stage`), and whose postings are the staged ones. Side effects are off."""

    def __init__(
        self, settings: Settings, data: PersonData, turns: list[RecordedTurn], **kwargs: Any
    ) -> None:
        super().__init__(settings, side_effects=False, **kwargs)
        from langgraph.store.memory import InMemoryStore

        self.data = data
        self.recorded = turns
        self.memory = InMemoryStore()
        self._staged: list[PostingRecord] = []
        if data.profile is not None:
            self.memory.put(profile_store.namespace(self.user_id), profile_store.KEY, data.profile)

    @property
    def graph(self) -> Any:
        """The compiled graph on this data directory's checkpoints and the staged store."""
        with self.open_lock:
            if self._graph is None:
                from agent.graph.builder import build_graph

                self._graph = build_graph(checkpointer=self.persistence.saver, store=self.memory)
            return self._graph

    def _postings(self, user_id: str) -> list[Any]:
        return list(self._staged) if user_id == self.user_id else []

    def stage(self, index: int) -> None:
        """Show the store as it was when recorded turn `index` started."""
        space = plan_store.namespace(self.user_id)
        for item in self.memory.search(space, limit=10_000):
            self.memory.delete(space, item.key)
        if self.data.seen is not None and self.data.seen:
            versions = set(self.data.seen[min(max(index, 0), len(self.data.seen) - 1)])
            shown = [p for p in self.data.plans if p.version in versions]
        else:
            shown = visible_plans(self.data.plans, self.recorded, index)
        turn = self.recorded[index] if 0 <= index < len(self.recorded) else None
        ran = self.data.started[index] if self.data.started and 0 <= index < len(self.data.started) else None
        ran_at = _when(ran or (turn.started if turn is not None else None))
        # A check-in without weeks counts them from the plan's date to now: moved by as
        # long ago as the turn ran, each plan is as old as it was then, however late the replay.
        shift = datetime.now(UTC) - ran_at if ran_at is not None else None
        for plan in shown:
            value = plan.model_dump(mode="json")
            if shift is not None and (saved := _when(plan.saved_at)) is not None:
                value["saved_at"] = (saved + shift).isoformat(timespec="seconds")
            self.memory.put(space, f"v{plan.version:05d}", value)
        self._staged = visible_postings(self.data.postings, turn)
