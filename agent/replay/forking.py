"""What `coach replay THREAD --fork --from STEP --set key=value` may change, checked
before the graph runs: the profile's fields, each validated as a profile file's are.
An unknown key or a value the profile would refuse is one InputError naming the key and
what it takes; nothing runs."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from tools.errors import InputError
from tools.models import Profile

_TARGETS = ("plan_a", "plan_b")
# What each settable key takes, said when a value is refused.
EXPECTED = {
    "current_role": "a role name of 2-80 characters",
    "industry": "an industry name, or null",
    "hours_per_week": "a number of hours above 0 and at most 80",
    "horizon_months": "a whole number of months from 1 to 36",
    "plan_a": 'a target such as {"position": "ML engineer", "industry": "fintech"}',
    "plan_b": 'a target such as {"position": "ML engineer", "industry": "fintech"}',
    "position": "a position name (letters, digits, spaces and . , & / + # ( ) ' -)",
    "skills": 'skills and levels such as {"Python": 4, "SQL": 3}',
    "skills.NAME": "a level from 0 to 5",
}
SETTABLE = ", ".join(
    [f"profile.{f}" for f in Profile.model_fields]
    + [f"profile.{t}.{p}" for t in _TARGETS for p in ("position", "industry")]
    + ["profile.skills.NAME"]
)


def _parse_value(raw: str) -> Any:
    """JSON when the text is JSON (20, null, {...}), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _path(key: str) -> list[str]:
    """The profile path a --set key names, or InputError listing the keys there are."""
    head, _, rest = key.partition(".")
    parts = rest.split(".") if rest else []
    if head == "profile" and parts and parts[0] in Profile.model_fields:
        top = parts[0]
        if len(parts) == 1:
            return parts
        if top in _TARGETS and len(parts) == 2 and parts[1] in ("position", "industry"):
            return parts
        if top == "skills" and len(parts) >= 2:
            return [top, ".".join(parts[1:])]  # a skill name may hold a dot ("Node.js")
    raise InputError(f"--set cannot change {key!r}; the keys that can be set are: {SETTABLE}.")


def _expected(parts: list[str]) -> str:
    if parts[0] == "skills" and len(parts) == 2:
        return EXPECTED["skills.NAME"]
    return EXPECTED.get(parts[-1], EXPECTED.get(parts[0], "a valid value"))


def fork_update(values: dict[str, Any], sets: dict[str, str], check_only: bool = False) -> dict[str, Any]:
    """The state update the --set pairs make to `values` (a step's state): the profile
    with each key changed and checked. `check_only` checks the keys alone."""
    paths = {key: _path(key) for key in sets}
    if check_only:
        return {}
    profile = json.loads(json.dumps(values.get("profile") or {}))
    for key, raw in sets.items():
        parts = paths[key]
        value = _parse_value(raw)
        if parts[0] == "skills" and len(parts) == 2:
            skills = dict(profile.get("skills") or {})
            # An existing skill keeps its spelling: skills.python changes "Python".
            name = next((n for n in skills if n.lower() == parts[1].lower()), parts[1])
            skills[name] = value
            profile["skills"] = skills
        elif len(parts) == 2:
            profile[parts[0]] = {**(profile.get(parts[0]) or {}), parts[1]: value}
        else:
            profile[parts[0]] = value
        _check(profile, key, raw, parts)
    return {"profile": profile}


def _check(profile: dict[str, Any], key: str, raw: str, parts: list[str]) -> None:
    """Refuse a value the profile would not take. The profile at a step may still be
    partial (intake): only problems with the key being set count."""
    try:
        Profile.model_validate({k: v for k, v in profile.items() if k in Profile.model_fields})
        return
    except ValidationError as exc:
        problems = [
            e
            for e in exc.errors()
            if e["type"] != "missing" and [str(x) for x in e["loc"][: len(parts)]][:1] == parts[:1]
        ]
    if problems:
        shown = raw if len(raw) <= 60 else raw[:57] + "..."
        first = problems[0]
        # A pattern's regex says nothing to a person; what the key takes says it all.
        why = "" if first["type"] == "string_pattern_mismatch" else f" ({str(first['msg']).rstrip('.')})"
        raise InputError(f"--set {key}={shown!r} refused: {key} takes {_expected(parts)}{why}.")


# The nodes that compute the figures (the gap reports): a --set changes what comes out only
# when one of them runs after it, in the rest of the turn the fork runs.
FIGURES_NODES = frozenset({"analyze_gaps", "checkin"})


def first_profile_step(entries: list[dict[str, Any]]) -> int | None:
    """The first step at which the session holds a profile (read from the store, told, or
    given with a profile turn's input): before it there is no profile for a --set to change,
    and one made of the --set alone would stand in for the person's (a partial profile)."""
    for e in entries:
        given = (e.get("input") or {}).get("kind") == "profile" and e.get("source") == "input"
        if given or "profile" in (e.get("changes") or {}):
            return e.get("step")
    return None


def figure_ranges(entries: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
    """(turn, first step, last step): the steps of each turn from which a fork still reaches
    a node that computes the figures (those before the turn's last such node) and that hold
    a profile, from a session's timeline (agent.replay.runner.timeline)."""
    start = first_profile_step(entries)
    if start is None:
        return []
    first: dict[int, int] = {}
    last_figures: dict[int, int] = {}
    for e in entries:
        turn, step = e.get("turn"), e.get("step")
        if turn is None or step is None or step < start:
            continue
        first.setdefault(turn, step)
        if FIGURES_NODES & set(e.get("nodes") or []):
            last_figures[turn] = step
    return [(t, first[t], f - 1) for t, f in sorted(last_figures.items()) if f - 1 >= first[t]]


def _ranges_text(ranges: list[tuple[int, int, int]], step: int) -> str:
    nearest = sorted(ranges, key=lambda r: min(abs(step - r[1]), abs(step - r[2])))[:4]
    return ", ".join(
        (f"step {a}" if a == b else f"steps {a} to {b}") + f" (turn {t})" for t, a, b in sorted(nearest)
    )


def check_fork_step(entries: list[dict[str, Any]], step: int, thread: str) -> None:
    """Refuse, before anything runs, a fork from a step after which its turn computes no
    figures: the change would be shown in the profile and reach no figure (the fork runs
    the rest of that turn only). Says from which steps it can apply."""
    ranges = figure_ranges(entries)
    if any(a <= step <= b for _, a, b in ranges):
        return
    turn = next((e.get("turn") for e in entries if e.get("step") == step), None)
    start = first_profile_step(entries)
    if start is not None and step < start and ranges:
        raise InputError(
            f"--fork from step {step} has no profile to change: session {thread} holds one from step "
            f"{start}. A --set applies from {_ranges_text(ranges, step)}."
        )
    if not ranges:
        raise InputError(
            f"--fork from step {step} would change nothing: session {thread} never computed figures "
            "(no gap report or check-in), so no step can take a --set."
        )
    raise InputError(
        f"--fork from step {step} would change no figure: nothing after it in turn {turn} computes "
        f"them (a gap report or a check-in). A --set applies from {_ranges_text(ranges, step)}."
    )


def fork_config(graph: Any, saver: Any, snap: Any, writer: str | None, update: dict[str, Any]) -> Any:
    """Write the --set update at a step's checkpoint keeping what was to run next, and
    return the new checkpoint's config. A plain update_state counts as the step's node
    writing again and loses a goto (a check-in's Command to retrieve) or the turn's input
    (a step where the input waits for __start__): nothing ran after it."""
    from langgraph.types import Command

    if snap.metadata.get("source") == "input":  # the turn's input is still to be read
        pending = saver.get_tuple(snap.config).checkpoint["channel_values"].get("__start__") or {}
        return graph.update_state(snap.config, {**pending, **update}, as_node="__start__")
    goto = [t.name for t in snap.tasks]
    return graph.update_state(snap.config, Command(update=update, goto=goto), as_node=writer)


def base_values(saver: Any, snap: Any) -> dict[str, Any]:
    """The state a --set changes at a step: the checkpoint's values, with a turn's pending
    input over them (a profile turn's own profile)."""
    values = {k: v for k, v in (snap.values or {}).items() if k != "messages"}
    if snap.metadata.get("source") == "input":
        pending = saver.get_tuple(snap.config).checkpoint["channel_values"].get("__start__") or {}
        if isinstance(pending, dict):
            values.update({k: v for k, v in pending.items() if k != "messages"})
    return json.loads(json.dumps(values, default=str))
