"""A local stand-in for Slack's Web API that records every call (as slack-bolt's own tests do)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = 0.0  # time.monotonic() when it arrived


class MockSlack:
    """Answers auth.test, chat.*, views.open and friends with ok, and keeps the calls."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._ts = 1000
        self._thread_of: dict[str, str] = {}  # message ts -> the thread it was posted in
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = dict(parse_qsl(raw))
                    for key in ("blocks", "view"):
                        if isinstance(args.get(key), str):
                            args[key] = json.loads(args[key])
                method = self.path.strip("/")
                body = mock.answer(method, args)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append(Call(method, args, time.monotonic()))
            self._ts += 1
            ts = f"{self._ts}.000100"
            if method == "chat.postMessage":
                self._thread_of[ts] = str(args.get("thread_ts") or ts)
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "coach"}
        if method == "chat.postMessage":
            return {"ok": True, "ts": ts, "channel": args.get("channel")}
        return {"ok": True, "ts": args.get("ts", ts)}

    def __enter__(self) -> MockSlack:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def in_thread(self, thread_ts: str) -> list[Call]:
        """Messages posted in a thread, and updates of them, in arrival order."""
        with self._lock:
            return [
                c
                for c in self.calls
                if (c.method == "chat.postMessage" and str(c.args.get("thread_ts")) == thread_ts)
                or (c.method == "chat.update" and self._thread_of.get(str(c.args.get("ts"))) == thread_ts)
            ]

    def wait(self, predicate: Any, timeout: float = 30.0) -> None:
        """Poll until predicate() is true: listeners run after the ack, in Bolt's threads."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
