"""Replay a past session: its timeline step by step, a deterministic re-run with the
model's recorded outputs (reporting where the current code diverges), forks with
changed state, and self-contained bundles for bug reports.

Re-runs and forks happen in a scratch data directory: the original thread is never
touched, and side effects are off (no plan is saved, nothing is posted to Slack).
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage

from agent.llm.models import ScriptedChatModel
from agent.replay.forking import base_values, check_fork_step, fork_config, fork_update
from agent.replay.person import PersonData, ReplayCoach, imported_path, person_data
from agent.runtime.session import Coach, Settings
from agent.storage.records import RecordedTurn
from agent.storage.threads import copy_checkpoints
from tools.errors import InputError
from tools.models import Profile

BUNDLE_VERSION = 1


def _brief(value: Any, limit: int = 140) -> str:
    if isinstance(value, BaseMessage):
        return f"{value.type}: {str(value.content)[:limit]}"
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."


def state_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """What a step changed, key by key, briefly."""
    diff: dict[str, str] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "messages":
            seen = {m.id for m in old or []}
            added = [m for m in new or [] if m.id not in seen]
            diff[key] = (
                " / ".join(_brief(m, 90) for m in added) or f"{len(old or [])} -> {len(new or [])} messages"
            )
        elif isinstance(old, dict) and isinstance(new, dict):
            changed = [k for k in set(old) | set(new) if old.get(k) != new.get(k)]
            diff[key] = "changed: " + ", ".join(sorted(changed))
        else:
            diff[key] = _brief(new)
    return diff


def _snapshots(coach: Coach, thread: str) -> list[Any]:
    history = list(coach.graph.get_state_history({"configurable": {"thread_id": thread}}))
    if not history:
        raise InputError(f"No session {thread}; `coach sessions` lists them.")
    return history[::-1]


def timeline(coach: Coach, thread: str) -> list[dict[str, Any]]:
    """Every step of a session: node, time, state diff, calls, interrupts, turn and trace id."""
    snaps = _snapshots(coach, thread)
    turns = coach.persistence.recordings.turns(thread)
    calls_by_step: dict[int | None, list[dict[str, Any]]] = {}
    for turn in turns:
        for call in turn.calls:
            calls_by_step.setdefault(call.step, []).append(call.model_dump(mode="json"))
    out: list[dict[str, Any]] = []
    turn_index = -1
    if snaps[0].metadata.get("source") == "input" and turns:
        # The very first snapshot is the first turn's input.
        turn_index = 0
        first = turns[0]
        out.append(
            {
                "step": snaps[0].metadata.get("step"),
                "turn": first.seq,
                "source": "input",
                "nodes": ["input"],
                "time": snaps[0].created_at,
                "changes": {},
                "calls": [],
                "interrupts": [],
                "input": {"kind": first.kind, "payload": first.payload},
                "trace_id": first.trace_id,
            }
        )
    for prev, snap in itertools.pairwise(snaps):
        source = snap.metadata.get("source")
        resumed = any(t.interrupts for t in prev.tasks) and source == "loop"
        if source == "input" or resumed:
            turn_index += 1
        current = turns[turn_index] if 0 <= turn_index < len(turns) else None
        step = snap.metadata.get("step")
        entry: dict[str, Any] = {
            "step": step,
            "turn": current.seq if current else None,
            "source": source,
            "nodes": [t.name for t in prev.tasks] if source == "loop" else ["input"],
            "time": snap.created_at,
            "changes": state_diff(prev.values or {}, snap.values or {}),
            "calls": calls_by_step.get(step, []) if step is not None else [],
            "interrupts": [
                i.value.get("draft_id") for t in snap.tasks for i in t.interrupts if isinstance(i.value, dict)
            ],
        }
        if current and (source == "input" or resumed):
            entry["input"] = {"kind": current.kind, "payload": current.payload}
            entry["trace_id"] = current.trace_id
        out.append(entry)
    return out


def state_at(coach: Coach, thread: str, step: int) -> dict[str, Any]:
    """The full state after a step, as JSON-able data."""
    for snap in _snapshots(coach, thread):
        if snap.metadata.get("step") == step:
            return json.loads(json.dumps(snap.values, default=lambda v: _brief(v, 10_000)))
    raise InputError(f"Session {thread} has no step {step}; `coach replay {thread}` lists the steps.")


@contextmanager
def scratch_coach(
    coach: Coach,
    model: Any,
    copy_db: bool,
    thread: str | None = None,
    turns: list[RecordedTurn] | None = None,
) -> Iterator[ReplayCoach]:
    """A coach on a throwaway data directory (with a copy of the database when asked),
    reading the original's knowledge index, run as the session's owner with the owner's
    saved profile, plans and postings (staged turn by turn), side effects off. Without a
    thread (a Langfuse session, from its traces alone) the store starts empty."""
    from knowledge.retriever import Retriever

    owner = (coach.persistence.sessions.owner(thread) if thread else None) or coach.user_id
    data = person_data(coach, owner, thread) if thread else PersonData()
    with tempfile.TemporaryDirectory(prefix="coach-replay-") as tmp:
        home = Path(tmp)
        settings = Settings(home=home, model=coach.settings.model, embeddings=coach.settings.embeddings)
        retriever = Retriever(coach.settings.home, coach.settings.embeddings)
        replayer = ReplayCoach(
            settings,
            data,
            turns or [],
            user_id=owner,
            interface="replay",
            chat_model=model,
            retriever=retriever,
        )
        if copy_db:  # the checkpoints, from SQLite or PostgreSQL alike, into the scratch SQLite
            copy_checkpoints(coach.persistence.saver, replayer.persistence.saver)
        try:
            yield replayer
        finally:
            replayer.persistence.close()


def recorded_model(turns: list[RecordedTurn], after_step: int = -1) -> ScriptedChatModel:
    """A model that gives back the recorded outputs, in order, for calls after `after_step`."""
    outputs = [c.output for t in turns for c in t.calls if c.kind == "model" and (c.step or 0) > after_step]
    capable = any(t.capable for t in turns)
    return ScriptedChatModel(replies=outputs, default="(no recorded output)", structured=capable)


def play_turn(coach: Coach, thread: str, turn: RecordedTurn) -> None:
    """Feed one recorded turn's input to a coach."""
    match turn.kind:
        case "message":
            coach.send(thread, turn.payload)
        case "resume":
            coach.resume(thread, turn.payload)
        case "profile":
            coach.plan_from_profile(thread, Profile.model_validate(turn.payload))


def compare(recorded: list[RecordedTurn], rerun: list[RecordedTurn]) -> list[dict[str, Any]]:
    """Where the re-run departs from the recording: route, tool calls and results, figures."""
    out: list[dict[str, Any]] = []
    for old, new in zip(recorded, rerun, strict=False):
        # The review's draft id is new on every run; whether one is pending shows in replies.
        for key in ("route", "totals", "replies"):
            was, now = getattr(old.outcome, key), getattr(new.outcome, key)
            if was != now:
                out.append(
                    {"turn": old.seq, "step": None, "node": None, "what": key, "recorded": was, "now": now}
                )
        old_calls = [c for c in old.calls if c.kind == "tool"]
        new_calls = [c for c in new.calls if c.kind == "tool"]
        for a, b in zip(old_calls, new_calls, strict=False):
            if (a.name, a.input_hash) != (b.name, b.input_hash):
                what, was, now = f"{b.name} arguments", a.input, b.input
            elif a.output != b.output:
                what, was, now = f"{b.name} result", a.output, b.output
            else:
                continue
            out.append(
                {"turn": old.seq, "step": b.step, "node": b.node, "what": what, "recorded": was, "now": now}
            )
        if len(old_calls) != len(new_calls):
            out.append(
                {
                    "turn": old.seq,
                    "step": None,
                    "node": None,
                    "what": "tool calls",
                    "recorded": len(old_calls),
                    "now": len(new_calls),
                }
            )
    if len(recorded) != len(rerun):
        out.append(
            {
                "turn": None,
                "step": None,
                "node": None,
                "what": "turns",
                "recorded": len(recorded),
                "now": len(rerun),
            }
        )
    return out


def rerun(coach: Coach, thread: str, from_step: int | None = None, live: bool = False) -> dict[str, Any]:
    """Re-execute a session with the current code; the recorded model outputs are fed
    back (unless `live`), and every divergence from the recording is reported."""
    turns = coach.persistence.recordings.turns(thread)
    if not turns:
        raise InputError(
            f"Session {thread} has no recording to re-run; `coach sessions` lists recorded ones."
        )
    start = -1 if from_step is None else from_step
    model = None if live else recorded_model(turns, start)
    with scratch_coach(coach, model, from_step is not None, thread, turns) as replayer:
        if from_step is None:
            todo = turns
        else:
            snap = next(
                (s for s in _snapshots(replayer, thread) if s.metadata.get("step") == from_step), None
            )
            if snap is None:
                raise InputError(f"Session {thread} has no step {from_step}.")
            # The rest of the turn holding that step runs from the checkpoint; later turns are fed.
            holding = next((e["turn"] for e in timeline(coach, thread) if e["step"] == from_step), None)
            todo = [t for t in turns if holding is not None and t.seq > holding]
            replayer.stage(_index_of(turns, holding))
            replayer.graph.invoke(None, snap.config, context=replayer.context(), durability="sync")
        for turn in todo:
            replayer.stage(turns.index(turn))
            play_turn(replayer, thread, turn)
        replayed = replayer.persistence.recordings.turns(thread)[-len(todo) :] if todo else []
    divergences = compare(todo, replayed)
    if divergences:  # a retrieval that departs: name what changed in the index since the turn ran
        from agent.replay.index_diff import explain, index_sources

        current = index_sources(coach.settings.home, coach.settings.embeddings)
        explain(divergences, {t.seq: t.started for t in turns}, current)
    return {
        "thread": thread,
        "turns": len(todo),
        "from_step": from_step,
        "live": live,
        "divergences": divergences,
    }


def _index_of(turns: list[RecordedTurn], seq: int | None) -> int:
    """The position of the turn numbered `seq` (the last turn when it is not known)."""
    return next((i for i, t in enumerate(turns) if t.seq == seq), len(turns) - 1)


def fork(coach: Coach, thread: str, step: int, sets: dict[str, str]) -> dict[str, Any]:
    """From a step, with some state changed (`profile.hours_per_week=12`), run the rest of
    that turn and show what came out; the original thread is untouched. A step after which
    the turn computes no figures is refused, naming the steps a change applies from."""
    turns = coach.persistence.recordings.turns(thread)
    fork_update({}, sets, check_only=True)  # an unknown key is refused before anything runs
    entries = timeline(coach, thread)
    entry = next((e for e in entries if e["step"] == step), None)
    if entry is None:
        raise InputError(f"Session {thread} has no step {step}; `coach replay {thread}` lists the steps.")
    check_fork_step(entries, step, thread)
    with scratch_coach(coach, recorded_model(turns, step), True, thread, turns) as replayer:
        snap = next((s for s in _snapshots(replayer, thread) if s.metadata.get("step") == step), None)
        if snap is None:
            raise InputError(f"Session {thread} has no step {step}.")
        replayer.stage(_index_of(turns, entry["turn"]))
        saver = replayer.persistence.saver
        update = fork_update(base_values(saver, snap), sets)
        writer = (entry["nodes"] or [None])[0]
        config = fork_config(replayer.graph, saver, snap, writer, update)
        ran: list[str] = []
        computed = False
        for chunk in replayer.graph.stream(
            None, config, context=replayer.context(), durability="sync", stream_mode="updates"
        ):
            for node, wrote in chunk.items():
                ran.append(node)
                computed = computed or (isinstance(wrote, dict) and "reports" in wrote)
        after = replayer.graph.get_state({"configurable": {"thread_id": thread}}).values
    if not computed:  # the path changed on the way: say so rather than show old figures
        raise InputError(
            f"The fork from step {step} ran {', '.join(ran) or 'nothing'} and computed no figures, "
            "so the change reached none; fork from an earlier step of a turn that drafts a plan."
        )
    reports = after.get("reports") or {}
    return {
        "thread": thread,
        "step": step,
        "set": dict(sets),
        "changes": state_diff(snap.values or {}, after or {}),
        "totals": {
            k: {f: r.get(f) for f in ("total_hours", "total_weeks", "attainable", "hours_per_week")}
            for k, r in reports.items()
        },
    }


def export_bundle(coach: Coach, thread: str, path: Path, redact: bool = False) -> dict[str, Any]:
    """Write a self-contained bundle: the session's recorded turns and calls and what it
    read from the person's store, enough to replay it anywhere (personal data replaced
    when `redact`; see exporting.py)."""
    from agent.replay.exporting import export_bundle as export

    return export(coach, thread, path, redact)


def import_bundle(coach: Coach, path: Path) -> dict[str, Any]:
    """Replay a bundle into this data directory as a new session of this user, with its
    recorded model outputs; the new thread can then be inspected like any other. The
    bundle is validated first and a refused one changes nothing (see bundles.py)."""
    from agent.replay import bundles

    return bundles.import_bundle(coach, path)


def purge(coach: Coach, days: float) -> list[str]:
    """Delete sessions (checkpoints, recordings, registry) idle for more than `days`.
    Saved plans are the person's own record and are kept."""
    old = coach.persistence.recordings.purge_older_than(days)
    for thread in old:
        coach.persistence.saver.delete_thread(thread)
        coach.persistence.sessions.forget(thread)
        imported_path(coach.settings.home, thread).unlink(missing_ok=True)
    return old
