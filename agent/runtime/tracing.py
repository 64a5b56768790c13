"""Langfuse tracing, attached only when both keys are configured: otherwise nothing is
attached, nothing is sent and nothing is logged.

The client is initialised once per process from the environment, as the SDK documents
(`Langfuse()` reads LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_BASE_URL),
before any CallbackHandler is built: a handler only looks up an initialised client.
The SDK's own log lines are kept out of the conversation (they would repeat every
export, and one of them names the public key); what went wrong is said once, at exit.
Spans are sent in the background; at exit the coach waits at most `FLUSH_BUDGET_S`
for them, so a Langfuse that is down costs a command under half a second and one warning.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys
import threading
from typing import Any, Literal, cast

from tools.errors import ConfigError

KEYS = ("LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY")
# What the exit waits for spans: under the 0.5 s a command may lose to tracing, with room
# for the thread start and the warning (an endpoint that is up takes about 0.06 s).
FLUSH_BUDGET_S = 0.3
ContentMode = Literal["full", "metadata"]
_SDK_LOGGERS = ("langfuse", "opentelemetry")
_KEYLIKE = re.compile(r"\b(?:pk|sk)-lf-[\w-]+|\bsk-[\w-]{8,}")

_lock = threading.Lock()
_clients: dict[str, Any] = {}  # by public key: the SDK keeps one client per key
_problems: list[str] = []  # what the SDK complained about, first one reported at exit
_flushed = False
_base_url: list[str] = []  # where the first client sends, for the warning


def langfuse_enabled() -> bool:
    """True when both Langfuse keys are in the environment (or .env)."""
    return all(os.environ.get(k) for k in KEYS)


def content_mode() -> ContentMode:
    """COACH_TRACE_CONTENT: `full` (default) or `metadata` (no prompts, answers or
    people's messages in traces; routes, figures, models, tokens and timings stay)."""
    value = (os.environ.get("COACH_TRACE_CONTENT") or "full").strip().lower()
    if value not in ("full", "metadata"):
        raise ConfigError(f"COACH_TRACE_CONTENT={value!r} is not valid; use 'full' or 'metadata'.")
    return cast(ContentMode, value)


class _Collect(logging.Handler):
    """Keeps the SDK's warnings for one line at exit instead of printing each."""

    def emit(self, record: logging.LogRecord) -> None:
        if len(_problems) < 20:
            _problems.append(_KEYLIKE.sub("[key]", record.getMessage().splitlines()[0])[:200])


def _quiet_sdk_logs() -> None:
    handler = _Collect(level=logging.WARNING)
    for name in _SDK_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.propagate = False


def langfuse_client() -> Any:
    """The process's Langfuse client, created from the environment on first use; None
    when the keys are not set."""
    if not langfuse_enabled():
        return None
    key = os.environ["LANGFUSE_PUBLIC_KEY"]
    with _lock:
        if key not in _clients:
            content_mode()  # a bad value is one line before anything is traced
            if not _clients:
                _quiet_sdk_logs()
                # atexit runs last-registered first: this runs before the SDK's own hooks.
                atexit.register(flush)
            from langfuse import Langfuse

            # The coach sends no images or audio: skip the SDK's recursive scan of every
            # input and output for media (a fifth of tracing's cost per turn).
            os.environ.setdefault("LANGFUSE_MEDIA_UPLOAD_ENABLED", "false")
            _clients[key] = Langfuse()
            if not _base_url:
                _base_url.append(_safe_url())
        return _clients[key]


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
    client = langfuse_client()
    if client is not None:
        from agent.runtime.trace_content import CoachCallbackHandler

        trace_context = None
        if trace_seed is not None:
            trace_context = {"trace_id": client.create_trace_id(seed=trace_seed)}
        handler = CoachCallbackHandler(
            mode=content_mode(),
            public_key=os.environ["LANGFUSE_PUBLIC_KEY"],
            trace_context=trace_context,
        )
        config["callbacks"] = [handler]
    return config


def trace_id_for(seed: str) -> str:
    """The Langfuse trace id a turn's seed gives (the same for a turn and its resume)."""
    from langfuse import Langfuse

    return Langfuse.create_trace_id(seed=seed)


def _safe_url() -> str:
    url = (
        os.environ.get("LANGFUSE_BASE_URL") or os.environ.get("LANGFUSE_HOST") or "https://cloud.langfuse.com"
    )
    return re.sub(r"//[^/@]*@", "//", url)  # never print credentials in a URL


def _reason(finished: bool, budget_s: float) -> str:
    text = " ".join(_problems).lower()
    if "refused" in text:
        return "connection refused"
    if "401" in text or "unauthorized" in text:
        return "the keys were refused"
    if not finished:
        return f"no answer within {budget_s:g} s"
    return _problems[0][:120]


def flush(budget_s: float = FLUSH_BUDGET_S) -> None:
    """Send buffered spans, waiting at most `budget_s`; then stop the SDK's exit hooks
    from waiting again. One warning line when spans could not be delivered."""
    global _flushed
    if not _clients or _flushed:
        return
    _flushed = True
    resources = [r for r in (getattr(c, "_resources", None) for c in _clients.values()) if r is not None]
    providers = {id(p): p for r in resources if (p := getattr(r, "tracer_provider", None)) is not None}
    done = threading.Event()

    def work() -> None:
        try:
            for r in resources:
                r.shutdown()  # flushes spans and stops the SDK's threads
            for p in providers.values():
                if hasattr(p, "shutdown"):
                    p.shutdown()
        except Exception as exc:  # reported once below
            _problems.append(type(exc).__name__)
        finally:
            done.set()

    threading.Thread(target=work, name="langfuse-flush", daemon=True).start()
    finished = done.wait(budget_s)
    if not finished:
        # The SDK registered its own exit hooks, which would wait for the same export
        # again (3-5 s against an endpoint that is down).
        for r in resources:
            atexit.unregister(r.shutdown)
        for p in providers.values():
            atexit.unregister(p.shutdown)
    if not finished or _problems:
        print(
            f"Warning: Langfuse traces were not delivered to {_base_url[0] if _base_url else _safe_url()} "
            f"({_reason(finished, budget_s)}); "
            "the coach itself is unaffected.",
            file=sys.stderr,
        )
