"""Langfuse tracing, attached only when keys are configured: otherwise nothing is
attached, nothing is sent and nothing is logged."""

from __future__ import annotations

import os
from typing import Any

KEYS = ("LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY")


def langfuse_enabled() -> bool:
    """True when both Langfuse keys are in the environment (or .env)."""
    return all(os.environ.get(k) for k in KEYS)


def run_config(thread_id: str, user_id: str, interface: str, trace_seed: str | None = None) -> dict[str, Any]:
    """The RunnableConfig of one turn: thread, tracing callbacks and trace metadata.

    `trace_seed` makes the Langfuse trace id deterministic, so an interrupted turn
    and its resume land in one trace.
    """
    config: dict[str, Any] = {
        "configurable": {"thread_id": thread_id},
        "metadata": {
            "langfuse_session_id": thread_id,
            "langfuse_user_id": user_id,
            "langfuse_tags": [interface],
        },
        "recursion_limit": 50,
    }
    if langfuse_enabled():
        from langfuse import Langfuse
        from langfuse.langchain import CallbackHandler

        trace_context = None
        if trace_seed is not None:
            trace_context = {"trace_id": Langfuse.create_trace_id(seed=trace_seed)}
        public_key = os.environ["LANGFUSE_PUBLIC_KEY"]
        config["callbacks"] = [CallbackHandler(public_key=public_key, trace_context=trace_context)]  # type: ignore[arg-type]
    return config


def trace_id_for(seed: str) -> str:
    """The Langfuse trace id a turn's seed gives (the same for a turn and its resume)."""
    from langfuse import Langfuse

    return Langfuse.create_trace_id(seed=seed)


def flush() -> None:
    """Send buffered spans before the process exits."""
    if langfuse_enabled():
        from langfuse import get_client

        get_client().flush()
