"""`coach replay --langfuse-session`: the real Langfuse SDK reading from a local stand-in API."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

OBSERVATIONS = [
    {
        "id": "o2",
        "traceId": "t1",
        "projectId": "p1",
        "endTime": "2026-11-22T05:00:03Z",
        "type": "GENERATION",
        "name": "ChatOpenAI",
        "startTime": "2026-11-22T05:00:02Z",
        "input": "prompt",
        "output": "answer",
        "usageDetails": {"input": 120, "output": 30},
        "latency": 0.8,
    },
    {
        "id": "o1",
        "traceId": "t1",
        "projectId": "p1",
        "endTime": "2026-11-22T05:00:01Z",
        "type": "SPAN",
        "name": "route",
        "startTime": "2026-11-22T05:00:01Z",
    },
]


def test_langfuse_session_is_shown_as_a_timeline(monkeypatch, capsys) -> None:
    from langfuse import Langfuse
    from test_cli import run

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.path)
            body = json.dumps({"data": OBSERVATIONS, "meta": {"cursor": None}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        public = f"pk-lf-{uuid.uuid4().hex}"
        monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", public)
        monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-test")
        monkeypatch.setenv("LANGFUSE_BASE_URL", base)
        Langfuse(public_key=public, secret_key="sk-test", base_url=base, tracing_enabled=False)
        code, out, err = run(monkeypatch, capsys, "replay", "--langfuse-session", "thread-42")
    finally:
        server.shutdown()
    assert code == 0, err
    query = parse_qs(urlparse(seen[0]).query)
    assert query["sessionId"] == ["thread-42"] and "io" in query["fields"][0]
    assert out.index("SPAN route") < out.index("GENERATION ChatOpenAI"), "oldest first"
    assert "120->30 tokens" in out


def test_langfuse_session_without_keys_is_one_line(monkeypatch, capsys) -> None:
    from test_cli import run

    code, _, err = run(monkeypatch, capsys, "replay", "--langfuse-session", "x")
    assert code == 2 and "LANGFUSE_PUBLIC_KEY" in err
