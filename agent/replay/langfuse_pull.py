"""Reading a session back from Langfuse, into the same timeline shape `coach replay` prints."""

from __future__ import annotations

from typing import Any

from agent.runtime.tracing import langfuse_enabled
from tools.errors import ConfigError

# The observations API returns only the field groups asked for (core and basic by default).
FIELDS = "core,basic,io,usage,metrics"


def _get(obs: Any, key: str, snake: str) -> Any:
    if isinstance(obs, dict):
        return obs.get(key)
    return getattr(obs, snake, None)


def observations(session_id: str, limit: int = 500) -> list[dict[str, Any]]:
    """The session's observations, oldest first, as timeline entries."""
    if not langfuse_enabled():
        raise ConfigError(
            "--langfuse-session needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL for a "
            "self-hosted Langfuse) in the environment or .env."
        )
    from langfuse import get_client

    try:
        page = get_client().api.observations.get_many(session_id=session_id, limit=limit, fields=FIELDS)
    except Exception as exc:  # the API's own errors: one line naming what to check
        raise ConfigError(
            f"Could not read Langfuse session {session_id}: {exc}. Check LANGFUSE_BASE_URL and the keys."
        ) from None
    rows = sorted(page.data, key=lambda o: str(_get(o, "startTime", "start_time") or ""))
    entries = []
    for o in rows:
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
