"""The cost of Langfuse tracing, for `make bench`: per turn (tracing off, endpoint up,
endpoint down) and at the exit of the real `coach` command.

Everything is real: the Langfuse SDK, its OTLP exporter and HTTP; the endpoint is a
local server that accepts the spans ("up"), or a port that accepts connections and
never answers ("down", the worst outage: a refused connection fails faster).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from evals.bench_graph import CONVERSATION
from evals.bench_retrieval import row

PROFILE = """\
current_role: Backend engineer
industry: fintech
hours_per_week: 8
plan_a: {position: GenAI engineer, industry: fintech}
plan_b: {position: MLOps engineer, industry: fintech}
skills: {Python: 4, SQL: 3, Docker: 2}
"""
TURN_TARGET_MS = 10.0  # what tracing may add to a turn's p50
EXIT_TARGET_S = 0.5  # what tracing may add to a command's exit, endpoint down


class _Sink(BaseHTTPRequestHandler):
    """Accepts OTLP posts, as Langfuse does (the spans are not decoded here)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@contextmanager
def endpoint(state: str) -> Iterator[str | None]:
    """The base URL of a Langfuse that is `up`, `down` (never answers), or None for `off`."""
    if state == "off":
        yield None
    elif state == "up":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
    else:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(256)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            sock.close()


def _keys(url: str | None) -> dict[str, str]:
    if url is None:
        return {}
    # Clients are one per public key: a fresh key gives each run its own client.
    return {
        "LANGFUSE_PUBLIC_KEY": f"pk-lf-bench-{uuid.uuid4().hex[:8]}",
        "LANGFUSE_SECRET_KEY": "sk-lf-bench",
        "LANGFUSE_BASE_URL": url,
    }


def bench_turns(home: Path, rounds: int = 6) -> list[str]:
    """Median turn time with tracing off, endpoint up and endpoint down, in one process;
    sessions alternate between the three so that the machine's drift hits all alike."""
    from agent.runtime.session import Coach, Settings

    times: dict[str, list[float]] = {"off": [], "up": [], "down": []}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("LANGFUSE_")}
    with endpoint("up") as up, endpoint("down") as down:
        keys = {"off": {}, "up": _keys(up), "down": _keys(down)}
        coach = Coach(Settings(home=home, model="fake"), interface="test")
        try:
            for n in range(rounds):
                for state in ("off", "up", "down"):
                    for k in [k for k in os.environ if k.startswith("LANGFUSE_")]:
                        del os.environ[k]
                    os.environ.update(keys[state])
                    thread = coach.new_thread_id()
                    # Each session a new person: with one user for all, every session after the
                    # first met a returning person's saved plan and never drafted or approved.
                    user = f"bench-{state}-{n}"
                    for line in CONVERSATION:
                        t0 = time.perf_counter()
                        coach.send(thread, line, user_id=user)
                        times[state].append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    done = coach.resume(thread, {"action": "approve"}, user_id=user)
                    times[state].append((time.perf_counter() - t0) * 1000)
                    if not any("saved as version" in m for m in done.messages):
                        raise RuntimeError(f"bench session {thread} did not save its plan: {done.messages}")
        finally:
            for k in [k for k in os.environ if k.startswith("LANGFUSE_")]:
                del os.environ[k]
            os.environ.update(saved)
    off = statistics.median(times["off"])
    lines = [f"Tracing, per turn (scripted model; {rounds} sessions of 6 turns per setting, interleaved)"]
    lines.append(row("turn p50, tracing off", off, "ms"))
    for state in ("up", "down"):
        p50 = statistics.median(times[state])
        added = p50 - off
        lines.append(row(f"turn p50, endpoint {state}", p50, "ms"))
        lines.append(
            row(
                f"  added by tracing, endpoint {state}",
                added,
                "ms",
                f"<= {TURN_TARGET_MS:g} ms",
                added <= TURN_TARGET_MS,
            )
        )
    return lines


FLUSH_PROBE = """
import json, sys, time
from pathlib import Path
from agent.runtime import tracing
from agent.runtime.session import Coach, Settings
coach = Coach(Settings(home=Path(sys.argv[1]), model="fake"), interface="test")
coach.send(coach.new_thread_id(), "I'm a backend engineer with Python 4")
t0 = time.perf_counter()
tracing.flush()
print(json.dumps({"flush_s": time.perf_counter() - t0}))
"""


def _exit_phase(args: list[str], env: dict[str, str]) -> float:
    """Seconds from the command's last line of output to the end of its process."""
    proc = subprocess.Popen(
        args,
        env=env | {"PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    last = time.monotonic()
    assert proc.stdout is not None
    for _ in proc.stdout:
        last = time.monotonic()
    proc.wait(300)
    return time.monotonic() - last


def bench_exit(home: Path, repeats: int = 5) -> list[str]:
    """What tracing adds when a command ends: the bounded flush, and the whole exit of
    `coach plan --approve` (median of `repeats`)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "COACH_"))}
    base |= {"COACH_HOME": str(home), "COACH_MODEL": "fake"}
    lines = ["Tracing, at exit (the real command; budget 0.5 s, one warning when Langfuse is down)"]
    for state in ("up", "down"):
        flushes = []
        for _ in range(repeats):
            with endpoint(state) as url:
                out = subprocess.run(
                    [sys.executable, "-c", FLUSH_PROBE, str(home)],
                    env=base | _keys(url),
                    capture_output=True,
                    text=True,
                    check=True,
                )
            flushes.append(json.loads(out.stdout.strip().splitlines()[-1])["flush_s"])
        figure = statistics.median(flushes)
        lines.append(
            row(
                f"flush at exit, endpoint {state}",
                figure,
                "s",
                f"<= {EXIT_TARGET_S:g} s",
                figure <= EXIT_TARGET_S,
            )
        )
    profile = home / "bench-profile.yaml"
    profile.write_text(PROFILE)
    coach = str(Path(sys.executable).parent / "coach")
    args = [coach, "plan", "--profile", str(profile), "--approve"]
    phases: dict[str, list[float]] = {}
    for _ in range(repeats):
        for state in ("off", "down"):
            with endpoint(state) as url:
                phases.setdefault(state, []).append(_exit_phase(args, base | _keys(url)))
    off, down = statistics.median(phases["off"]), statistics.median(phases["down"])
    lines.append(row("`coach plan --approve` exit, tracing off", off, "s"))
    lines.append(row("`coach plan --approve` exit, endpoint down", down, "s"))
    added = down - off
    lines.append(
        row(
            "  added by an endpoint that is down",
            added,
            "s",
            f"<= {EXIT_TARGET_S:g} s",
            added <= EXIT_TARGET_S,
        )
    )
    return lines


def bench() -> list[str]:
    """Every tracing figure."""
    from knowledge.retriever import Retriever

    with tempfile.TemporaryDirectory(prefix="coach-bench-tracing-") as tmp:
        home = Path(tmp)
        _ = Retriever(home).index  # the bundled roadmaps, built once
        return [*bench_turns(home), "", *bench_exit(home)]


if __name__ == "__main__":
    print("\n".join(bench()))
