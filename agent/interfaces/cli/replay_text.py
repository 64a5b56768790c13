"""What `coach replay` prints for a person: re-runs, imports, forks and bundles in sentences,
never Python's repr of the result (`from_step: None`, `{'a': {...}}`). `--json` keeps the
result's own fields for programs."""

from __future__ import annotations

import json
from typing import Any

LIMIT = 300  # characters of a recorded or current value shown in a divergence


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _text(value: Any, limit: int = LIMIT) -> str:
    """A value as a person reads it: text as it is, anything else as compact JSON."""
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def totals_lines(totals: dict[str, Any]) -> list[str]:
    """'Plan A: 180 h, 9 weeks at 20 h/week, fits the horizon' for each plan's totals."""
    out = []
    for key, t in sorted(totals.items()):
        if not isinstance(t, dict):
            continue
        attainable = t.get("attainable")
        fits = "" if attainable is None else ("fits" if attainable else "does not fit") + " the horizon"
        figures = [
            f"{t['total_hours']:g} h" if isinstance(t.get("total_hours"), int | float) else None,
            f"{_plural(int(t['total_weeks']), 'week')}" if isinstance(t.get("total_weeks"), int) else None,
        ]
        head = ", ".join(f for f in figures if f)
        if isinstance(t.get("hours_per_week"), int | float):
            head += f" at {t['hours_per_week']:g} h/week"
        out.append(f"Plan {str(key).upper()}: {head}" + (f", {fits}" if fits else ""))
    return out


def _divergence_value(value: Any) -> str:
    """A divergence's recorded or current value: a turn's totals in words (a recorded outcome
    keeps them as [hours, weeks, fits] per plan), anything else compact."""
    if isinstance(value, dict) and value:
        plans = {}
        for key, v in value.items():
            if isinstance(v, list) and len(v) == 3:
                v = {"total_hours": v[0], "total_weeks": v[1], "attainable": v[2]}
            if not isinstance(v, dict) or "total_hours" not in v:
                return _text(value)
            plans[key] = v
        return "; ".join(totals_lines(plans))
    return _text(value)


def divergence_lines(divergences: list[dict[str, Any]]) -> list[str]:
    """Each divergence as 'DIVERGES at turn T, step S (node): what' with both values."""
    if not divergences:
        return ["No divergence: the same routes, tool calls and numbers as recorded."]
    out = []
    for d in divergences:
        where = "the session" if d.get("turn") is None else f"turn {d['turn']}"
        if d.get("step") is not None:
            where += f", step {d['step']} ({d['node']})"
        out.append(f"DIVERGES at {where}: {d['what']}")
        out.append(f"  recorded: {_divergence_value(d.get('recorded'))}")
        out.append(f"  now:      {_divergence_value(d.get('now'))}")
        if d.get("why"):
            out.append(f"  why:      {d['why']}")
    return out


def _changes(changes: dict[str, str]) -> str:
    """'profile (hours_per_week), reports (a, b), draft': what the fork changed, by key."""
    parts = []
    for key, change in sorted(changes.items()):
        detail = change[len("changed: ") :] if change.startswith("changed: ") else ""
        parts.append(f"{key} ({detail})" if detail else key)
    return ", ".join(parts) or "nothing"


def result_lines(result: dict[str, Any]) -> list[str]:
    """A replay result (re-run, import, Langfuse re-run, fork, export) in sentences."""
    if "path" in result:  # an export
        how = (
            "redacted (user id, e-mail addresses, phone numbers, URLs, Slack mentions and folder paths)"
            if result.get("redacted")
            else "not redacted: it holds what was said (--redact replaces personal data)"
        )
        return [f"Wrote the bundle {result['path']}: {_plural(int(result['turns']), 'turn')}, {how}."]
    if "set" in result:  # a fork
        sets = ", ".join(f"{k} = {v}" for k, v in result["set"].items())
        return [
            f"Forked session {result['thread']} at step {result['step']} with {sets}; "
            "the original session is unchanged.",
            f"Changed from that step: {_changes(result.get('changes') or {})}.",
            *totals_lines(result.get("totals") or {}),
        ]
    turns = _plural(int(result.get("turns") or 0), "turn")
    if "langfuse_session" in result:
        head = (
            f"Re-ran Langfuse session {result['langfuse_session']} from its traces: {turns} "
            f"({_plural(int(result.get('traces') or 0), 'trace')})."
        )
    elif "from_step" in result:
        start = "from the start" if result["from_step"] is None else f"from step {result['from_step']}"
        model = "the configured model (live)" if result.get("live") else "the recorded model outputs"
        head = f"Re-ran session {result['thread']} {start}: {turns}, with {model}."
    else:  # an import
        head = f"Imported the bundle as session {result['thread']}: {turns} replayed here."
    return [head, *divergence_lines(result.get("divergences") or [])]
