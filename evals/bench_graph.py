"""The coach's own overhead per turn, and a running coach's memory, for `make bench`.

The model's time is excluded by the scripted model; everything else is real: routing,
query embedding (MiniLM on onnxruntime), hybrid retrieval over a 10k-chunk index, the
gap engine, drafting and rendering, and SQLite checkpointing with durability="sync".
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from evals.bench_retrieval import row, synthetic_texts
from evals.previous import PREVIOUS_RELEASE, REPO, env_for, previous_tree
from knowledge.chunking import Chunk
from knowledge.index import KnowledgeIndex

CONVERSATION = [
    "I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2",
    "8 hours a week",
    "Plan A: GenAI engineer in fintech",
    "MLOps engineer",
    "system design 2, evaluation 1, communication 3",
]
QUESTIONS = [
    "How long does the retrieval phase take?",
    "Which projects show Kubernetes skills?",
    "What should I learn first for evaluation?",
]


def index_with_10k(home: Path) -> int:
    """The bundled roadmaps (real vectors) plus 10,000 synthetic chunks (random vectors)."""
    from knowledge.retriever import Retriever

    base = Retriever(home).index
    texts = synthetic_texts(10_000)
    rng = np.random.default_rng(5)
    extra = rng.standard_normal((len(texts), base.vectors.shape[1])).astype(np.float32)
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    chunks = [Chunk(f"synthetic.md#{i}", "synthetic.md", "Synthetic", i, i, t) for i, t in enumerate(texts)]
    sources = {**base.sources, "synthetic.md": {"sha256": "-", "kind": "user", "chunks": len(chunks)}}
    full = KnowledgeIndex(
        chunks=[*base.chunks, *chunks],
        vectors=np.vstack([base.vectors, extra]),
        model_id=base.model_id,
        sources=sources,
    )
    full.save(home / "index")
    return len(full.chunks)


# Run in a subprocess, by this release and by the previous one (evals/previous.py): the
# same conversations through each release's own Coach, each person a new user, so every
# session drafts and approves a plan (with one user for all, the saved profile of the
# first session would make the others "returning" and skip drafting altogether). Each
# process loads everything, says "ready", then runs one session per line it reads and
# prints that session's samples: the parent alternates the two releases session by
# session, so both see the same load (on this shared machine it swings by 2x within
# a minute, more than the difference being measured).
TURNS_PROBE = """
import json, sys, tempfile, time
from pathlib import Path
try:
    from agent.llm.models import ScriptedChatModel
    from agent.runtime.session import Coach, Settings
except ImportError:  # the previous release's layout
    from agent.models import ScriptedChatModel
    from agent.session import Coach, Settings
from evals.bench_graph import CONVERSATION, QUESTIONS, index_with_10k

with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
    home = Path(tmp)
    n_chunks = index_with_10k(home)
    coach = Coach(Settings(home=home, model="fake"), chat_model=ScriptedChatModel(default="ok [1]"), interface="test")
    warm = coach.new_thread_id()  # loads the graph, the embedder and the 10k index before timing
    coach.send(warm, "warm up: I'm a data analyst", user_id="bench-warm")
    coach.send(warm, QUESTIONS[0], user_id="bench-warm")
    print(json.dumps({"ready": n_chunks}), flush=True)
    for s, _ in enumerate(sys.stdin):
        thread, user, samples = coach.new_thread_id(), f"bench-{s}", {}

        def timed(kind, fn, *args):
            t0 = time.perf_counter()
            turn = fn(thread, *args, user_id=user)
            samples.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
            return turn

        for line in CONVERSATION[:-1]:
            timed("intake", coach.send, line)
        if timed("drafting", coach.send, CONVERSATION[-1]).review is None:
            sys.exit("the conversation did not end in a review: the bench no longer drafts")
        if "saved" not in " ".join(timed("approve", coach.resume, {"action": "approve"}).messages):
            sys.exit("the approval did not save a plan: the bench no longer commits")
        for q in QUESTIONS:
            timed("question", coach.send, q)
        print(json.dumps(samples), flush=True)
"""
KINDS = {
    "intake": "intake",
    "drafting": "plan (retrieve, gap, draft, review)",
    "approve": "approve (commit)",
    "question": "question (retrieve, answer)",
}
# The previous release's figures as its README gave them, for when its code cannot be run.
RECORDED_PREVIOUS = {
    "p50": 11.5,
    "p90": 32.7,
    "intake": 7.4,
    "drafting": 33.9,
    "approve": 8.4,
    "question": 24.1,
}
TARGETS = {"p50": 25.0, "p90": 50.0}


class _Probe:
    """One release's TURNS_PROBE process."""

    def __init__(self, tree: Path | None) -> None:
        self.tree = tree
        self.proc = subprocess.Popen(
            [sys.executable, "-c", TURNS_PROBE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(tree),
            cwd=str(tree or REPO),
        )
        self.samples: dict[str, list[float]] = {}
        self.chunks = int(self._line()["ready"])

    def _line(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.communicate(timeout=60)[1]
            raise RuntimeError(f"turn bench failed ({self.tree or 'this release'}): {err.strip()[-800:]}")
        return dict(json.loads(line))

    def session(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        for kind, xs in self._line().items():
            self.samples.setdefault(kind, []).extend(xs)

    def figures(self) -> dict[str, float]:
        """p50 and p90 of every turn, and the p50 of each kind."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        everything = sorted(x for xs in self.samples.values() for x in xs)
        return {
            "p50": statistics.median(everything),
            "p90": everything[int(len(everything) * 0.9) - 1],
            "turns": float(len(everything)),
            "chunks": float(self.chunks),
        } | {kind: statistics.median(xs) for kind, xs in self.samples.items()}


def run_turns(sessions: int, old: Path | None) -> tuple[dict[str, float], dict[str, float] | None]:
    """This release's figures and the previous one's (None without its tree), their
    sessions interleaved one by one, in alternating order."""
    probes = [_Probe(None)] + ([_Probe(old)] if old is not None else [])
    try:
        for s in range(sessions):
            for probe in probes if s % 2 == 0 else probes[::-1]:
                probe.session()
        figures = [p.figures() for p in probes]
    finally:
        for p in probes:
            if p.proc.poll() is None:
                p.proc.kill()
    return figures[0], (figures[1] if old is not None else None)


def side_by_side(what: str, now: float, before: float, target: float | None, unit: str = "ms") -> str:
    """One figure: this run, the previous release, the target; WORSE when this release is
    slower than the previous one, MISSES when it is over its target."""
    aim = f"<= {target:.4g} {unit}" if target is not None else ""
    mark = "WORSE" if now > before else "MISSES" if target is not None and now > target else "ok"
    return f"  {what:<44} {now:9.2f} {unit:<3} {before:9.2f} {unit:<3}  {aim:<11} {mark}"


def bench_turns(sessions: int = 12) -> list[str]:
    """Per-turn wall time of full sessions with the scripted model, this release beside
    the previous one (both measured in this run, interleaved, when git has the previous
    release)."""
    with previous_tree() as old:
        now, measured = run_turns(sessions, old)
    before = measured or RECORDED_PREVIOUS
    label = f"{PREVIOUS_RELEASE}, measured in this run, sessions interleaved" if measured else "its README"
    lines = [
        f"Graph overhead per turn ({sessions} sessions of a new person each, {now['turns']:g} turns, "
        f"scripted model, {now['chunks']:g} chunks); previous release: {label}",
        f"  {'':<44} {'this run':>13} {'previous':>13}  target",
        side_by_side("all turns p50", now["p50"], before["p50"], TARGETS["p50"]),
        side_by_side("all turns p90", now["p90"], before["p90"], TARGETS["p90"]),
    ]
    for kind, what in KINDS.items():
        lines.append(side_by_side(f"  {what} p50", now[kind], before[kind], None))
    return lines


MEMORY_PROBE = """
import json, sys
from pathlib import Path
from agent.runtime.session import Coach, Settings
coach = Coach(Settings(home=Path(sys.argv[1]), model="local"), interface="test")
t = coach.new_thread_id()
coach.send(t, "How long does the retrieval phase take for a GenAI engineer?")
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
print(json.dumps({"rss_mb": int(hwm) / 1024}))
"""


def bench_memory() -> list[str]:
    """Peak RSS of a coach process on the embedded default (embeddings, a 10k index, no chat model)."""
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        index_with_10k(Path(tmp))
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, tmp], capture_output=True, text=True, check=True
        )
        seconds = time.perf_counter() - t0
    rss = json.loads(out.stdout.strip().splitlines()[-1])["rss_mb"]
    return [
        "Running coach (MiniLM + 10k-chunk index, one question answered on the embedded default: no generative model)",
        row("peak RSS", rss, "MB", "<= 1024 MB", rss <= 1024),
        row("process start to answer", seconds, "s"),
    ]


def bench() -> list[str]:
    """Every graph figure."""
    return [*bench_turns(), "", *bench_memory()]
