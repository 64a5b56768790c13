"""Reading a session back from Langfuse: as the timeline `coach replay` prints, and as
recorded turns that `coach replay --langfuse-session ID --rerun` re-runs with no
database at all.

A turn's trace carries what a re-run needs (agent.runtime.trace_content): each graph
run's root span has the turn's input (a message, a review answer or a profile) and its
outcome (route, figures, review, saved version); generations have the model's output;
tool observations have the hash of their arguments and the summary of their result.
Sessions traced with COACH_TRACE_CONTENT=metadata keep no messages or model outputs,
so they can be shown but not re-run.
"""

from __future__ import annotations

import json
from typing import Any

from agent.runtime.tracing import langfuse_client
from agent.storage.records import RecordedCall, RecordedTurn, TurnOutcome
from tools.errors import ConfigError, InputError

# The observations API returns only the field groups asked for (core and basic by default).
FIELDS = "core,basic,io,metadata,model,usage,metrics"
PAGE = 500
MAX_PAGES = 40  # 20,000 observations: far past any session, and a stop for a cursor that loops


def _get(obs: Any, key: str, snake: str) -> Any:
    if isinstance(obs, dict):
        return obs.get(key)
    return getattr(obs, snake, None)


def _client() -> Any:
    client = langfuse_client()
    if client is None:
        raise ConfigError(
            "--langfuse-session needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL for a "
            "self-hosted Langfuse) in the environment or .env."
        )
    return client


def fetch(session_id: str) -> list[Any]:
    """Every observation of a Langfuse session, oldest first (all pages)."""
    client = _client()
    rows: list[Any] = []
    cursor = None
    for _ in range(MAX_PAGES):
        try:
            page = client.api.observations.get_many(
                session_id=session_id, limit=PAGE, fields=FIELDS, cursor=cursor
            )
        except Exception as exc:  # the API's own errors: one line naming what to check
            raise ConfigError(
                f"Could not read Langfuse session {session_id} ({type(exc).__name__}). "
                "Check LANGFUSE_BASE_URL and the keys."
            ) from None
        rows += list(page.data)
        cursor = getattr(page.meta, "cursor", None)
        if not cursor:
            break
    return sorted(rows, key=lambda o: (str(_get(o, "startTime", "start_time") or ""), _get(o, "id", "id")))


def _parse(raw: Any) -> Any:
    # The API returns input and output as raw strings; the SDK wrote them as JSON.
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def observations(session_id: str) -> list[dict[str, Any]]:
    """The session's observations, oldest first, as timeline entries."""
    entries = []
    for o in fetch(session_id):
        usage = _get(o, "usageDetails", "usage_details") or {}
        entries.append(
            {
                "step": None,
                "turn": _get(o, "traceId", "trace_id"),
                "nodes": [f"{_get(o, 'type', 'type') or ''} {_get(o, 'name', 'name') or ''}".strip()],
                "time": str(_get(o, "startTime", "start_time") or ""),
                "changes": {},
                "calls": [
                    {
                        "kind": str(_get(o, "type", "type") or "").lower(),
                        "name": _get(o, "name", "name"),
                        "input": str(_get(o, "input", "input") or "")[:300],
                        "output": str(_get(o, "output", "output") or "")[:300],
                        "latency_ms": _get(o, "latency", "latency"),
                        "tokens_in": usage.get("input"),
                        "tokens_out": usage.get("output"),
                    }
                ],
                "interrupts": [],
            }
        )
    return entries


def _model_output(raw: Any) -> Any:
    """A generation's output as the replay recording keeps it: text, or the tool call."""
    out = _parse(raw)
    if isinstance(out, dict):
        calls = out.get("tool_calls") or []
        if calls:
            return {"tool": calls[0].get("name"), "args": calls[0].get("args") or {}}
        return str(out.get("content") or "")
    return "" if out is None else str(out)


def _withheld(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[withheld:")


def turns(session_id: str) -> list[RecordedTurn]:
    """The session's turns, rebuilt from its traces in the shape of the local recording
    (`agent.storage.recordings.RecordingStore.turns`): one per graph run."""
    rows = fetch(session_id)
    if not rows:
        raise InputError(f"Langfuse has no observations for session {session_id}.")
    by_id = {_get(o, "id", "id"): o for o in rows}

    def root_of(o: Any) -> Any:
        seen = 0
        while (parent := _get(o, "parentObservationId", "parent_observation_id")) in by_id and seen < 1000:
            o, seen = by_id[parent], seen + 1
        return o

    # A graph run's root span has the turn's input {"kind", "payload"} (trace_content.turn_input).
    roots = [
        o
        for o in rows
        if _get(o, "parentObservationId", "parent_observation_id") not in by_id
        and isinstance(_parse(_get(o, "input", "input")), dict)
        and "kind" in _parse(_get(o, "input", "input"))
    ]
    if not roots:
        raise InputError(
            f"Langfuse session {session_id} has no coach turns (no graph runs with a turn input); "
            "was it traced by this coach?"
        )
    calls: dict[str, list[dict[str, Any]]] = {_get(r, "id", "id"): [] for r in roots}
    for o in rows:
        root_id = _get(root_of(o), "id", "id")
        kind = str(_get(o, "type", "type") or "").upper()
        if root_id not in calls or kind not in ("GENERATION", "TOOL"):
            continue
        if kind == "GENERATION":
            calls[root_id].append(
                {
                    "kind": "model",
                    "name": _get(o, "name", "name"),
                    "step": None,
                    "node": None,
                    "output": _model_output(_get(o, "output", "output")),
                }
            )
        else:
            out = _parse(_get(o, "output", "output"))
            meta = _get(o, "metadata", "metadata") or {}
            calls[root_id].append(
                {
                    "kind": "tool",
                    "name": _get(o, "name", "name"),
                    "step": None,
                    "node": None,
                    "input_hash": _parse(meta.get("coach_input_hash")),
                    "input": _get(o, "input", "input"),
                    "output": out.get("summary") if isinstance(out, dict) else out,
                }
            )
    result: list[RecordedTurn] = []
    for seq, root in enumerate(roots, start=1):
        given = _parse(_get(root, "input", "input"))
        outcome = _parse(_get(root, "output", "output"))
        made = [RecordedCall.model_validate(c) for c in calls[_get(root, "id", "id")]]
        result.append(
            RecordedTurn(
                seq=seq,
                kind=str(given["kind"]),
                payload=given.get("payload"),
                capable=any(c.kind == "model" and isinstance(c.output, dict) for c in made),
                trace_id=_get(root, "traceId", "trace_id"),
                started=str(_get(root, "startTime", "start_time") or ""),
                outcome=TurnOutcome.model_validate(outcome if isinstance(outcome, dict) else {}),
                calls=made,
            )
        )
    return result


def rerunnable(recorded: list[RecordedTurn]) -> str | None:
    """Why these turns cannot be re-run, or None when they can."""
    for turn in recorded:
        payload = turn.payload
        hidden = (
            _withheld(payload)
            or (
                isinstance(payload, (dict, list))
                and any(_withheld(v) for v in (payload.values() if isinstance(payload, dict) else payload))
            )
            or (turn.kind == "profile" and isinstance(payload, list))
        )
        outputs = [c.output for c in turn.calls if c.kind == "model"]
        if hidden or any(_withheld(o) for o in outputs):
            return (
                "it was traced with COACH_TRACE_CONTENT=metadata, which keeps messages, review answers "
                "and model outputs out of traces; drop --rerun to see its timeline."
            )
        if turn.kind == "other":
            return f"turn {turn.seq} has an input the coach does not know how to replay."
    return None


def rerun(coach: Any, session_id: str) -> dict[str, Any]:
    """Re-run a Langfuse session with the current code from its traces alone (inputs,
    review answers, recorded model outputs), in a scratch data directory, and report
    where it departs from what was traced."""
    from agent.replay.runner import compare, play_turn, recorded_model, scratch_coach

    recorded = turns(session_id)
    why = rerunnable(recorded)
    if why is not None:
        raise InputError(f"Cannot re-run Langfuse session {session_id}: {why}")
    thread = f"langfuse-{session_id[-12:]}"
    with scratch_coach(coach, recorded_model(recorded), copy_db=False) as replayer:
        for turn in recorded:
            play_turn(replayer, thread, turn)
        replayed = replayer.persistence.recordings.turns(thread)
    return {
        "langfuse_session": session_id,
        "turns": len(recorded),
        "traces": len({t.trace_id for t in recorded}),
        "divergences": compare(recorded, replayed),
    }
