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
from collections import defaultdict
from pathlib import Path

import numpy as np

from evals.bench_retrieval import row, synthetic_texts
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


def bench_turns(sessions: int = 12) -> list[str]:
    """Per-turn wall time of full sessions with the scripted model."""
    from agent.llm.models import ScriptedChatModel
    from agent.runtime.session import Coach, Settings

    samples: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        home = Path(tmp)
        n_chunks = index_with_10k(home)
        coach = Coach(
            Settings(home=home, model="fake"),
            chat_model=ScriptedChatModel(default="ok [1]"),
            interface="test",
        )
        warm = coach.new_thread_id()  # loads the graph, the embedder and the 10k index before timing
        coach.send(warm, "warm up: I'm a data analyst")
        coach.send(warm, QUESTIONS[0])
        for _ in range(sessions):
            thread = coach.new_thread_id()

            def timed(kind: str, fn: object, *args: object, thread: str = thread) -> None:
                t0 = time.perf_counter()
                fn(thread, *args)  # type: ignore[operator]
                samples[kind].append((time.perf_counter() - t0) * 1000)

            for line in CONVERSATION[:-1]:
                timed("intake", coach.send, line)
            timed("plan (retrieve, gap, draft, review)", coach.send, CONVERSATION[-1])
            timed("approve (commit)", coach.resume, {"action": "approve"})
            for q in QUESTIONS:
                timed("question (retrieve, answer)", coach.send, q)
    everything = sorted(x for xs in samples.values() for x in xs)
    p50 = statistics.median(everything)
    p90 = everything[int(len(everything) * 0.9) - 1]
    lines = [
        f"Graph overhead per turn ({sessions} sessions, {len(everything)} turns, scripted model, {n_chunks} chunks)",
        row("all turns p50", p50, "ms", "<= 25 ms", p50 <= 25),
        row("all turns p90", p90, "ms", "<= 50 ms", p90 <= 50),
    ]
    for kind, xs in samples.items():
        lines.append(row(f"  {kind} p50", statistics.median(xs), "ms"))
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
