"""Reading a session back from Langfuse, into the same timeline shape `coach replay` prints."""

from __future__ import annotations

from typing import Any

from agent.tracing import langfuse_enabled
from tools.errors import ConfigError


def observations(session_id: str, limit: int = 500) -> list[dict[str, Any]]:
    """The session's observations, oldest first, as timeline entries."""
    if not langfuse_enabled():
        raise ConfigError(
            "--langfuse-session needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL for a "
            "self-hosted Langfuse) in the environment or .env."
        )
    from langfuse import get_client

    client = get_client()
    try:
        page = client.api.observations.get_many(session_id=session_id, limit=limit)
    except Exception as exc:  # the API's own errors: one line naming what to check
        raise ConfigError(
            f"Could not read Langfuse session {session_id}: {exc}. Check LANGFUSE_BASE_URL and the keys."
        ) from None
    rows = sorted(page.data, key=lambda o: str(getattr(o, "start_time", "")))
    return [
        {
            "step": None,
            "turn": getattr(o, "trace_id", None),
            "nodes": [f"{getattr(o, 'type', '')} {getattr(o, 'name', '')}".strip()],
            "time": str(getattr(o, "start_time", "")),
            "changes": {},
            "calls": [
                {
                    "kind": str(getattr(o, "type", "")).lower(),
                    "name": getattr(o, "name", ""),
                    "input": str(getattr(o, "input", ""))[:300],
                    "output": str(getattr(o, "output", ""))[:300],
                    "latency_ms": getattr(o, "latency", None),
                    "tokens_in": (getattr(o, "usage_details", None) or {}).get("input"),
                    "tokens_out": (getattr(o, "usage_details", None) or {}).get("output"),
                }
            ],
            "interrupts": [],
        }
        for o in rows
    ]
