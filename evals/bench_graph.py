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
# first session would make the others "returning" and skip drafting altogether).
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

sessions = int(sys.argv[1])
samples = {}
with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
    home = Path(tmp)
    n_chunks = index_with_10k(home)
    coach = Coach(Settings(home=home, model="fake"), chat_model=ScriptedChatModel(default="ok [1]"), interface="test")
    warm = coach.new_thread_id()  # loads the graph, the embedder and the 10k index before timing
    coach.send(warm, "warm up: I'm a data analyst", user_id="bench-warm")
    coach.send(warm, QUESTIONS[0], user_id="bench-warm")
    for s in range(sessions):
        thread, user = coach.new_thread_id(), f"bench-{s}"

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
print(json.dumps({"chunks": n_chunks, "samples": samples}))
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


def run_turns(tree: Path | None, sessions: int) -> dict[str, float]:
    """p50 and p90 of every turn, and the p50 of each kind, of one release."""
    out = subprocess.run(
        [sys.executable, "-c", TURNS_PROBE, str(sessions)],
        capture_output=True,
        text=True,
        env=env_for(tree),
        cwd=str(tree or REPO),
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(f"turn bench failed ({tree or 'this release'}): {out.stderr.strip()[-800:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    samples: dict[str, list[float]] = data["samples"]
    everything = sorted(x for xs in samples.values() for x in xs)
    figures = {
        "p50": statistics.median(everything),
        "p90": everything[int(len(everything) * 0.9) - 1],
        "turns": float(len(everything)),
        "chunks": float(data["chunks"]),
    }
    return figures | {kind: statistics.median(xs) for kind, xs in samples.items()}


def side_by_side(what: str, now: float, before: float, target: float | None, unit: str = "ms") -> str:
    """One figure: this run, the previous release, the target; WORSE when this release is
    slower than the previous one, MISSES when it is over its target."""
    aim = f"<= {target:.4g} {unit}" if target is not None else ""
    mark = "WORSE" if now > before else "MISSES" if target is not None and now > target else "ok"
    return f"  {what:<44} {now:9.2f} {unit:<3} {before:9.2f} {unit:<3}  {aim:<11} {mark}"


def bench_turns(sessions: int = 12) -> list[str]:
    """Per-turn wall time of full sessions with the scripted model, this release beside
    the previous one (both measured in this run when git has the previous release)."""
    with previous_tree() as old:
        # Previous first, then this one: the later run is never favoured by a quieter machine
        # at the end; each is one subprocess with its own warm-up.
        before = run_turns(old, sessions) if old is not None else RECORDED_PREVIOUS
        now = run_turns(None, sessions)
    label = f"{PREVIOUS_RELEASE}, measured in this run" if before is not RECORDED_PREVIOUS else "its README"
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
    """Peak RSS of a coach process with the embedded chat model, embeddings and a 10k index."""
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        index_with_10k(Path(tmp))
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, tmp], capture_output=True, text=True, check=True
        )
        seconds = time.perf_counter() - t0
    rss = json.loads(out.stdout.strip().splitlines()[-1])["rss_mb"]
    return [
        "Running coach (SmolLM2 + MiniLM + 10k-chunk index, one question answered by the embedded model)",
        row("peak RSS", rss, "MB", "<= 1024 MB", rss <= 1024),
        row("process start to answer", seconds, "s"),
    ]


def bench() -> list[str]:
    """Every graph figure."""
    return [*bench_turns(), "", *bench_memory()]
