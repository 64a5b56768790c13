"""The Slack app served for production: Bolt behind uvicorn, several worker processes.

Bolt's own `app.start()` is a single-threaded development server bound to every
interface: one slow client blocks everyone. Here uvicorn serves Bolt's ASGI adapter
with N worker processes, bound to 127.0.0.1 unless told otherwise, and a guard in
front of Bolt refuses what Bolt would choke on before it reaches it: bodies over a
size cap or slower than a deadline, bodies that are not UTF-8 or not JSON, JSON
nested past a depth, and request timestamps that are not whole seconds. Each gets a
4xx and nothing else happens. Workers share nothing but the database, so the storage
backend must be one several processes can share (SQLite with its locks on one host,
PostgreSQL for several hosts).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PATH = "/slack/events"
MAX_BODY = 256 * 1024  # Slack's event and interaction payloads are a few KB
BODY_DEADLINE_S = 10.0  # a client that trickles its body is cut off, not waited on
MAX_DEPTH = 32  # Slack's payloads nest a handful of levels; json.loads recurses per level


class Refused(Exception):
    """A request the guard answers itself: its status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def json_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, in one linear pass (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _check_json(text: str, what: str) -> None:
    if json_depth(text) > MAX_DEPTH:
        raise Refused(400, f"{what} is nested deeper than {MAX_DEPTH} levels")
    try:
        json.loads(text)
    except ValueError as exc:
        raise Refused(400, f"{what} is not valid JSON") from exc


def check_request(headers: dict[str, str], body: bytes) -> None:
    """Refuse what Bolt must never see; Bolt itself then verifies the signature."""
    stamp = headers.get("x-slack-request-timestamp", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise Refused(400, "X-Slack-Request-Timestamp must be whole seconds since the epoch")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, "the body is not UTF-8") from exc
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        _check_json(text, "the body")
    elif kind == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True, max_num_fields=50)
        for payload in form.get("payload", []):
            _check_json(payload, "the payload field")
    else:
        raise Refused(415, "Slack sends application/json or application/x-www-form-urlencoded")


async def _read_body(receive: Receive, declared: int | None) -> bytes:
    if declared is not None and declared > MAX_BODY:
        raise Refused(413, f"the body is over {MAX_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refused(400, "the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, f"the body is over {MAX_BODY} bytes")
        chunks.append(chunk)
        more = bool(message.get("more_body"))
    return b"".join(chunks)


async def _refuse(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"error": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def guard(inner: ASGIApp) -> ASGIApp:
    """Wrap Bolt's ASGI handler with the limits above."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        if scope["path"] != PATH or scope["method"] != "POST":
            await _refuse(send, 404, f"only POST {PATH} is served")
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            length = headers.get("content-length")
            declared = int(length) if length and length.isdigit() else None
            body = await asyncio.wait_for(_read_body(receive, declared), BODY_DEADLINE_S)
            check_request(headers, body)
        except TimeoutError:
            await _refuse(send, 408, f"the body did not arrive within {BODY_DEADLINE_S:g} s")
            return
        except Refused as refused:
            await _refuse(send, refused.status, refused.reason)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await inner(scope, replay, send)

    return app


def create_app() -> ASGIApp:
    """The ASGI app of one worker: its own Coach on the shared database (uvicorn factory)."""
    from slack_bolt.adapter.asgi import SlackRequestHandler
    from slack_sdk import WebClient

    from agent.interfaces.slack.app import build_app, settings_from_env
    from agent.runtime.session import Coach, Settings

    env = settings_from_env(http=True)
    coach = Coach(Settings.from_env(), interface="slack")
    # SLACK_API_URL points the Web API client elsewhere (a local mock in the load bench).
    api_url = os.environ.get("SLACK_API_URL")
    client = WebClient(token=env["SLACK_BOT_TOKEN"], base_url=api_url) if api_url else None
    bolt = build_app(
        coach, token=env["SLACK_BOT_TOKEN"], signing_secret=env["SLACK_SIGNING_SECRET"], client=client
    )
    handler: ASGIApp = SlackRequestHandler(bolt, path=PATH)  # type: ignore[assignment]  # Bolt types scope as a dict
    return guard(handler)


def serve(*, host: str = "127.0.0.1", port: int = 3000, workers: int = 1) -> None:
    """Serve until interrupted: uvicorn with `workers` processes (each with its own Coach)."""
    import uvicorn

    uvicorn.run(
        "agent.interfaces.slack.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Each connection holds a worker's event loop only while its body arrives; past this
        # many at once uvicorn answers 503 instead of queuing without bound.
        limit_concurrency=200,
        timeout_keep_alive=5,
        log_level=os.environ.get("COACH_LOG_LEVEL", "warning").lower(),
    )
