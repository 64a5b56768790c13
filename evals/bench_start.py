"""Cold start for `make bench`: `coach chat --new` launched as a person launches it,
timed to its first prompt and to its exit on `/quit`.

Each launch is a new process (so every import, the storage's opening and the start-up
look-ups count) with stdin and stdout on pipes. Two data directories: a fresh one
(created, migrated) and a warm one (used before, with a saved profile, so the
"welcome back" look-up runs). And launch to the coach's first reply, a message sent as
soon as the prompt shows: the prompt now comes before LangChain and LangGraph are loaded
(agent.runtime.warmup), and this says whether the first turn paid for it. The previous
release is launched the same way in the same run, alternating with this one, so both
see the same load (evals/previous.py).
"""

from __future__ import annotations

import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.previous import PREVIOUS_RELEASE, env_for, previous_tree

PROMPT = b"you> "
# The previous release's figure as its README gave it (launch to exit on /quit), for
# when its code cannot be run; each row's target is to be no slower than the previous release.
RECORDED_PREVIOUS_S = 1.05
PROFILE_YAML = """current_role: Backend engineer
industry: fintech
hours_per_week: 8
plan_a: {position: GenAI engineer, industry: fintech}
plan_b: {position: MLOps engineer, industry: fintech}
skills: {Python: 4, SQL: 3, Docker: 2}
"""


def _command(tree: Path | None) -> list[str]:
    if tree is None:  # the installed command, as people type it
        return [str(Path(sys.executable).with_name("coach")), "chat", "--new"]
    # The previous release's own entry point, run from its tree with the same virtualenv.
    return [sys.executable, "-c", "import sys; from agent.cli import main; sys.exit(main())", "chat", "--new"]


def _read_until(proc: subprocess.Popen[bytes], seen: bytes, count: int, deadline: float) -> bytes:
    """Read the child's stdout until PROMPT has appeared `count` times."""
    assert proc.stdout is not None
    while seen.count(PROMPT) < count:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.perf_counter()))
        chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
        if not chunk:
            proc.kill()
            err = proc.communicate()[1].decode(errors="replace")
            raise RuntimeError(f"`coach chat --new` stopped before its prompt: {seen[-300:]!r} {err[-500:]}")
        seen += chunk
    return seen


def launch(tree: Path | None, home: Path, message: str | None = None, timeout: float = 120.0) -> list[float]:
    """Seconds from launch to the first prompt, (with a message: to the prompt after the
    coach's first reply,) and to the process's exit after `/quit`."""
    t0 = time.perf_counter()
    deadline = t0 + timeout
    proc = subprocess.Popen(
        _command(tree),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # The scripted model: a reply's time is the coach's own, as in the graph bench.
        env=env_for(tree, COACH_HOME=str(home), COACH_MODEL="fake"),
        cwd=str(home),  # no .env of the checkout is read
    )
    assert proc.stdin is not None
    seen = _read_until(proc, b"", 1, deadline)
    times = [time.perf_counter() - t0]
    if message is not None:
        proc.stdin.write(message.encode() + b"\n")
        proc.stdin.flush()
        _read_until(proc, seen, 2, deadline)
        times.append(time.perf_counter() - t0)
    proc.communicate(b"/quit\n", timeout=timeout)
    times.append(time.perf_counter() - t0)
    if proc.returncode != 0:
        raise RuntimeError(f"`coach chat --new` exited with {proc.returncode}")
    return times


def _warm_home(tree: Path | None, root: Path, name: str) -> Path:
    """A data directory used once already; this release's also holds a saved profile."""
    home = root / name
    home.mkdir()
    launch(tree, home)
    if tree is None:
        profile = home / "profile.yaml"
        profile.write_text(PROFILE_YAML)
        subprocess.run(
            [str(Path(sys.executable).with_name("coach")), "profile", "import", str(profile)],
            env=env_for(None, COACH_HOME=str(home)),
            cwd=str(home),
            capture_output=True,
            check=True,
        )
    return home


def bench(runs: int = 5) -> list[str]:
    """Median time to the first prompt and to exit, fresh and warm; and to the first
    reply of a warm one; both releases, alternating."""
    from evals.bench_graph import CONVERSATION, side_by_side

    figures: dict[tuple[str, str], list[list[float]]] = {}
    with previous_tree() as old, tempfile.TemporaryDirectory(prefix="coach-start-") as tmp:
        root = Path(tmp)
        trees = {"now": None, **({"before": old} if old is not None else {})}
        warm = {who: _warm_home(tree, root, f"warm-{who}") for who, tree in trees.items()}
        for i in range(runs):
            for who, tree in trees.items():  # alternating: both releases see the same load
                fresh = root / f"fresh-{who}-{i}"
                fresh.mkdir()
                figures.setdefault((who, "fresh"), []).append(launch(tree, fresh))
                figures.setdefault((who, "warm"), []).append(launch(tree, warm[who]))
                reply = root / f"reply-{who}-{i}"
                reply.mkdir()
                figures.setdefault((who, "reply"), []).append(launch(tree, reply, CONVERSATION[0]))

    def median(who: str, home: str, which: int) -> float:
        return statistics.median(f[which] for f in figures[(who, home)])

    label = f"{PREVIOUS_RELEASE}, measured in this run" if old is not None else "its README"
    lines = [
        f"Cold start: `coach chat --new` with stdin and stdout piped (median of {runs}); "
        f"previous release: {label}",
        f"  {'':<44} {'this run':>13} {'previous':>13}  target",
    ]
    rows = [
        ("fresh", 0, "fresh data directory: first prompt"),
        ("fresh", 1, "fresh data directory: exit on /quit"),
        ("warm", 0, "warm data directory: first prompt"),
        ("warm", 1, "warm data directory: exit on /quit"),
        ("reply", 1, "launch to the first reply (intake, fresh)"),
    ]
    for home, which, what in rows:
        now = median("now", home, which)
        before = median("before", home, which) if old is not None else RECORDED_PREVIOUS_S
        lines.append(side_by_side(what, now, before, before, "s"))
    return lines
