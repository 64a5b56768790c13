"""A local stand-in for a Langfuse server, for tests: it receives what the SDK sends
(OTLP protobuf on /api/public/otel/v1/traces, gzip or not) and serves it back through
the public observations API (/api/public/v2/observations), mapping span attributes
to observation fields the way Langfuse documents them."""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

OTLP_PATH = "/api/public/otel/v1/traces"
OBSERVATIONS_PATH = "/api/public/v2/observations"
META = "langfuse.observation.metadata."


def _value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    return getattr(v, kind) if kind else None


@dataclass
class Span:
    """One span as it arrived on the wire."""

    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    scope: str

    def observation(self) -> dict[str, Any]:
        """The span as the public observations API returns it (io as raw strings)."""
        a = self.attributes
        usage = a.get("langfuse.observation.usage_details")
        metadata = {k[len(META) :]: v for k, v in a.items() if k.startswith(META)}

        def iso(ns: int) -> str:
            return datetime.fromtimestamp(ns / 1e9, UTC).isoformat().replace("+00:00", "Z")

        return {
            "id": self.span_id,
            "traceId": self.trace_id,
            "projectId": "p-test",
            "parentObservationId": self.parent_id,
            "type": str(a.get("langfuse.observation.type", "span")).upper(),
            "name": self.name,
            "startTime": iso(self.start_ns),
            "endTime": iso(self.end_ns),
            "level": a.get("langfuse.observation.level", "DEFAULT"),
            "sessionId": a.get("session.id"),
            "userId": a.get("user.id"),
            "input": a.get("langfuse.observation.input"),
            "output": a.get("langfuse.observation.output"),
            "metadata": metadata,
            "model": a.get("langfuse.observation.model.name"),
            "usageDetails": json.loads(usage) if usage else None,
            "latency": (self.end_ns - self.start_ns) / 1e9,
        }


@dataclass
class LangfuseStub:
    """The server's state: every span received, every request seen."""

    spans: list[Span] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    gzipped: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes, encoding: str) -> None:
        if encoding == "gzip":
            body = gzip.decompress(body)
            self.gzipped += 1
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        with self.lock:
            for rs in request.resource_spans:
                for ss in rs.scope_spans:
                    for s in ss.spans:
                        self.spans.append(
                            Span(
                                trace_id=s.trace_id.hex(),
                                span_id=s.span_id.hex(),
                                parent_id=s.parent_span_id.hex() or None,
                                name=s.name,
                                start_ns=s.start_time_unix_nano,
                                end_ns=s.end_time_unix_nano,
                                attributes={kv.key: _value(kv.value) for kv in s.attributes},
                                scope=ss.scope.name,
                            )
                        )

    def observations(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """One page of the observations API, filtered by session or trace, cursor-paged."""
        with self.lock:
            rows = [s.observation() for s in self.spans]
        for param, key in (("sessionId", "sessionId"), ("traceId", "traceId"), ("userId", "userId")):
            if param in query:
                rows = [r for r in rows if r[key] == query[param][0]]
        rows.sort(key=lambda r: (r["startTime"], r["id"]))
        limit = int(query.get("limit", ["50"])[0])
        start = int(query.get("cursor", ["0"])[0])
        page = rows[start : start + limit]
        cursor = str(start + limit) if start + limit < len(rows) else None
        return {"data": page, "meta": {"cursor": cursor}}


def serve(stub: LangfuseStub) -> ThreadingHTTPServer:
    """Start the stand-in on a free localhost port (daemon thread); `.shutdown()` stops it."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, code: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            stub.requests.append(("POST", self.path, {k.lower(): v for k, v in self.headers.items()}))
            if urlparse(self.path).path == OTLP_PATH:
                stub.receive(body, self.headers.get("Content-Encoding", ""))
                self._reply(200, {})
            else:
                self._reply(404, {"message": "not in the stand-in"})

        def do_GET(self) -> None:
            stub.requests.append(("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
            url = urlparse(self.path)
            if url.path == OBSERVATIONS_PATH:
                self._reply(200, stub.observations(parse_qs(url.query)))
            else:
                self._reply(404, {"message": "not in the stand-in"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
