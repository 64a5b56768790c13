"""Load and fault figures for the Slack app, served as in production.

    python -m evals.bench_load [--users 50] [--workers 4] [--backend postgres|sqlite] [--faults 20]

The real `coach slack --http --workers N` command, simulated people sending signed HTTP
requests (mentions, then an Approve click) to it, and a local mock of Slack's Web API that
receives every answer. Each person has their own hours a week, so a plan saved under the
wrong person shows. With `--faults K` a killer sends SIGKILL to a random worker K times
during the load (uvicorn starts a new one); a person whose turn gets no answer within a
patience window says it again, as people do, and a review that got no outcome is clicked again.

Counted, and expected to be 0: lost turns (no answer even after retries), lost approvals
(approved, yet no plan saved), duplicate versions (more than one version for one draft),
plans under the wrong person, and error replies.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from evals.slack_mock import Call, MockSlack

SECRET = "bench-signing-secret"
PG_SERVER = os.environ.get("COACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
PATIENCE_S = 30.0  # how long a person waits for an answer before saying it again
GIVE_UP_S = 180.0


def conversation(hours: int) -> list[str]:
    """What one person types until a plan waits for review: their own hours a week."""
    return [
        "<@UBOT> I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2",
        f"{hours} hours a week",
        "Plan A: GenAI engineer in fintech",
        "MLOps engineer in fintech",
        "skip",
    ]


def _sign(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _post(port: int, body: bytes, kind: str) -> int:
    headers = {"Content-Type": kind, **_sign(body)}
    request = Request(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers)
    try:
        with urlopen(request, timeout=30) as response:
            return int(response.status)
    except OSError:
        return 0  # a worker killed mid-request: the person will say it again


@dataclass
class Person:
    """One simulated Slack user and what happened to them."""

    n: int
    hours: int
    thread_ts: str
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    lost_turns: int = 0
    approved: bool = False
    errors: int = 0
    lost_at: str = ""  # what the person was waiting on when they gave up

    @property
    def user(self) -> str:
        return f"U{self.n:03d}"


def _answers(mock: MockSlack, thread_ts: str) -> list[Call]:
    return [c for c in mock.in_thread(thread_ts) if c.method == "chat.update"]


def _review_value(mock: MockSlack, thread_ts: str) -> tuple[str, str] | None:
    for call in reversed(mock.in_thread(thread_ts)):
        for block in call.args.get("blocks") or []:
            if block.get("block_id") == "review":
                value = block["elements"][0]["value"]
                ts = call.args.get("ts") or ""
                return value, str(ts)
    return None


def _wait(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def run_person(person: Person, port: int, mock: MockSlack) -> None:
    """Say each line and wait for its answer (again after a silence); then approve."""
    for text in conversation(person.hours):
        answered = len(_answers(mock, person.thread_ts))
        started = time.monotonic()
        while True:
            event = {"type": "app_mention", "user": person.user, "text": text, "channel": "C1"}
            event |= {"ts": f"{time.time():.6f}", "thread_ts": person.thread_ts}
            body = {"team_id": "T1", "type": "event_callback", "event_id": f"Ev{uuid.uuid4().hex}"}
            _post(port, json.dumps(body | {"event": event}).encode(), "application/json")
            if _wait(lambda n=answered: len(_answers(mock, person.thread_ts)) > n, PATIENCE_S):
                person.latencies.append(time.monotonic() - started)
                break
            person.retries += 1
            if time.monotonic() - started > GIVE_UP_S:
                person.lost_turns += 1
                person.lost_at = f"an answer to {text!r}"
                return
    if not _wait(lambda: _review_value(mock, person.thread_ts) is not None, PATIENCE_S):
        person.lost_turns += 1
        said = [str(c.args.get("text"))[:80] for c in _answers(mock, person.thread_ts)[-2:]]
        person.lost_at = f"the review; last answers {said}"
        return
    started = time.monotonic()
    while time.monotonic() - started < GIVE_UP_S:
        found = _review_value(mock, person.thread_ts)
        if found is None:
            break
        value, _ = found
        review_ts = f"{person.n}.5"
        outcomes = len([c for c in mock.of("chat.update") if c.args.get("ts") == review_ts])
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": person.user, "team_id": "T1"},
            "channel": {"id": "C1"},
            "trigger_id": "trig",
            "message": {"ts": review_ts, "thread_ts": person.thread_ts},
            "actions": [{"action_id": "review_approve", "value": value}],
        }
        _post(port, urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")

        def outcome(before: int = outcomes, ts: str = review_ts) -> bool:
            # "Approved by ..." or "already answered": either way the review is settled.
            return len([c for c in mock.of("chat.update") if c.args.get("ts") == ts]) > before

        if _wait(outcome, PATIENCE_S):
            person.approved = True
            person.latencies.append(time.monotonic() - started)
            return
        person.retries += 1
    person.lost_turns += 1
    person.lost_at = "the approval's outcome"


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(p) for p in children.read_text().split()]
    except OSError:
        return []


def killer(master: int, count: int, stop: threading.Event, kills: list[float]) -> None:
    """SIGKILL a random worker `count` times at random moments of the load."""
    rng = random.Random(7)
    while len(kills) < count and not stop.is_set():
        stop.wait(rng.uniform(0.5, 3.0))
        pool = _workers(master)
        if len(pool) > 1 and not stop.is_set():
            os.kill(rng.choice(pool), signal.SIGKILL)
            kills.append(time.monotonic())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fresh_database() -> str:
    import psycopg

    name = f"coach_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def _drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _check_saved(people: list[Person], home: Path, database_url: str | None) -> dict[str, int]:
    from agent.runtime.session import Coach, Settings
    from agent.storage.plans import list_plans

    coach = Coach(Settings(home=home, model="local", database_url=database_url), interface="test")
    wrong = duplicates = lost = 0
    for person in people:
        plans = list_plans(coach.persistence.store, f"slack-T1-{person.user}")
        drafts = [p.draft_id for p in plans]
        duplicates += len(drafts) - len(set(drafts))
        wrong += sum(1 for p in plans if p.plan["profile"]["hours_per_week"] != person.hours)
        lost += int(person.approved and not plans)
    return {"duplicate_versions": duplicates, "wrong_user_plans": wrong, "lost_approvals": lost}


def run(users: int, workers: int, backend: str, faults: int) -> dict[str, Any]:
    """One load run; the figures and the counts that must be 0."""
    home = Path(tempfile.mkdtemp(prefix="coach-load-"))
    database_url = _fresh_database() if backend == "postgres" else None
    port = _free_port()
    with MockSlack() as mock:
        env = {**os.environ, "COACH_HOME": str(home), "COACH_MODEL": "local", "SLACK_API_URL": mock.url}
        env |= {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET}
        env.pop("COACH_DATABASE_URL", None)
        if database_url:
            env["COACH_DATABASE_URL"] = database_url
        coach_cmd = str(Path(sys.executable).parent / "coach")
        # Build the index once before the workers start, so they only load it.
        subprocess.run([coach_cmd, "kb", "list"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [coach_cmd, "slack", "--http", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            if not _wait(lambda: _listening(port), 120):
                raise RuntimeError("the Slack server did not start")
            people = [Person(n, hours=4 + n % 17, thread_ts=f"{1000 + n}.1") for n in range(users)]
            stop = threading.Event()
            kills: list[float] = []
            chaos = threading.Thread(target=killer, args=(server.pid, faults, stop, kills), daemon=True)
            started = time.monotonic()
            if faults:
                chaos.start()
            threads = [threading.Thread(target=run_person, args=(p, port, mock)) for p in people]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
            stop.set()
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        errors = sum(1 for c in mock.of("chat.update") if "Something went wrong" in str(c.args.get("text")))
    saved = _check_saved(people, home, database_url)
    if database_url:
        _drop_database(database_url)
    shutil.rmtree(home, ignore_errors=True)
    latencies = sorted(x for p in people for x in p.latencies)
    turns = len(latencies)
    return {
        "backend": backend,
        "workers": workers,
        "users": users,
        "faults": len(kills),
        "turns": turns,
        "turns_per_s": turns / elapsed if elapsed else 0.0,
        "p50_s": statistics.median(latencies) if latencies else None,
        "p95_s": latencies[int(0.95 * (turns - 1))] if latencies else None,
        "approved": sum(p.approved for p in people),
        "retries": sum(p.retries for p in people),
        "lost_turns": sum(p.lost_turns for p in people),
        "errors": errors,
        "lost": [f"{p.user}: {p.lost_at}" for p in people if p.lost_at],
        **saved,
    }


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


MUST_BE_ZERO = ("lost_turns", "lost_approvals", "duplicate_versions", "wrong_user_plans", "errors")


def table(results: list[dict[str, Any]]) -> str:
    """The runs side by side, Markdown."""
    head = "| run | turns/s | p50 | p95 | approved | retries | " + " | ".join(MUST_BE_ZERO) + " |"
    rows = [head, "|---" * (6 + len(MUST_BE_ZERO)) + "|"]
    for r in results:
        name = f"{r['users']} users, {r['workers']} workers, {r['backend']}" + (
            f", {r['faults']} SIGKILLs" if r["faults"] else ""
        )
        p50 = f"{r['p50_s']:.2f} s" if r["p50_s"] is not None else "-"
        p95 = f"{r['p95_s']:.2f} s" if r["p95_s"] is not None else "-"
        zeros = " | ".join(str(r[k]) for k in MUST_BE_ZERO)
        rows.append(
            f"| {name} | {r['turns_per_s']:.1f} | {p50} | {p95} | {r['approved']}/{r['users']} | {r['retries']} | {zeros} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--faults", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.users, args.workers, args.backend, args.faults)
    print(json.dumps(result, indent=2) if args.json else table([result]))
    return 0 if all(result[k] == 0 for k in MUST_BE_ZERO) else 1


if __name__ == "__main__":
    raise SystemExit(main())
