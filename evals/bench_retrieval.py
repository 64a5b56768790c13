"""Retrieval figures for `make bench`: ingest throughput, query latency, memory, and
LangChain's EnsembleRetriever side by side.

Synthetic corpora are made of sentences in the bundled roadmaps' vocabulary, about
85 tokens a chunk. Ingest is measured on real embeddings (1k chunks by default; 10k
with --full, about 4 minutes here). Query speed does not depend on what the vectors
say, so the 10k and 100k indexes use random unit vectors and real query vectors.
"""

from __future__ import annotations

import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.chunking import Chunk
from knowledge.embeddings import make_embeddings
from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest_paths
from knowledge.retriever import bundled_documents

TARGETS = {
    "ingest_ratio": 0.80,
    "reingest_speedup": 20.0,
    "query_embed_ms": 8.0,
    "hybrid_10k_ms": 3.0,
    "hybrid_100k_vs_floor": 1.5,
    "vs_ensemble_100k": 10.0,
}


def _vocabulary() -> list[str]:
    words = re.findall(r"[A-Za-z][a-z]{2,}", " ".join(bundled_documents().values()))
    return sorted(set(w.lower() for w in words))


def synthetic_texts(n: int, seed: int = 11) -> list[str]:
    """n chunk texts of about 85 tokens each."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    out = []
    for i in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(55, 70))]
        out.append(f"Topic {i % 97}: " + " ".join(words) + ".")
    return out


def synthetic_docs(folder: Path, n_chunks: int, per_doc: int = 10) -> None:
    """Markdown files whose sections each make one chunk."""
    texts = synthetic_texts(n_chunks)
    for d in range(0, n_chunks, per_doc):
        body = [f"# Synthetic roadmap {d // per_doc}"]
        for j, text in enumerate(texts[d : d + per_doc]):
            body += ["", f"## Section {j}", "", text]
        (folder / f"doc{d // per_doc:05d}.md").write_text("\n".join(body) + "\n")


def _ms(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s), s[int(len(s) * 0.9) - 1]


def row(what: str, figure: float, unit: str, target: str = "", ok: bool | None = None) -> str:
    """One figure with its target."""
    mark = "" if ok is None else ("  ok" if ok else "  MISSES")
    return f"  {what:<58} {figure:10.2f} {unit:<9} {target}{mark}"


def bench_ingest(n: int) -> list[str]:
    """Ingest throughput against raw embedding throughput on the same chunks."""
    emb = make_embeddings("local")
    lines = [f"Ingest, {n} chunks (real embeddings)"]
    with tempfile.TemporaryDirectory() as tmp:
        docs, root = Path(tmp) / "docs", Path(tmp) / "index"
        docs.mkdir()
        synthetic_docs(docs, n)
        emb.embed_array(["warm up"])
        built, report = ingest_paths([docs], root, emb, None)
        assert built is not None
        texts = [c.indexed_text for c in built.chunks]
        t0 = time.perf_counter()
        emb.embed_array(texts)
        raw_s = time.perf_counter() - t0
        tokens = report.tokens_embedded
        ingest_tps, raw_tps = tokens / report.seconds, tokens / raw_s
        t1 = time.perf_counter()
        _, again = ingest_paths([docs], root, emb, built)
        re_s = time.perf_counter() - t1
    ratio = ingest_tps / raw_tps
    lines += [
        row("raw embedding throughput", raw_tps, "tokens/s"),
        row("ingest throughput (read, chunk, embed, BM25, save)", ingest_tps, "tokens/s"),
        row("ingest / raw", ratio, "x", f">= {TARGETS['ingest_ratio']:g}", ratio >= TARGETS["ingest_ratio"]),
        row("first ingest", report.seconds, "s", f"({report.chunks_embedded} chunks, {tokens} tokens)"),
        row("re-ingest unchanged", re_s * 1000, "ms", f"({again.chunks_embedded} chunks embedded)"),
        row(
            "re-ingest speed-up",
            report.seconds / re_s,
            "x",
            f">= {TARGETS['reingest_speedup']:g}",
            report.seconds / re_s >= TARGETS["reingest_speedup"],
        ),
    ]
    return lines


def _query_vectors(queries: list[str]) -> np.ndarray:
    return make_embeddings("local").embed_array(queries)


def bench_query_embedding(queries: list[str]) -> list[str]:
    """Single-query embedding latency."""
    emb = make_embeddings("local")
    emb.embed_array(["warm up"])
    samples = []
    for q in queries * 3:
        t0 = time.perf_counter()
        emb.embed_array([q])
        samples.append((time.perf_counter() - t0) * 1000)
    p50, p90 = _ms(samples)
    return [
        "Query embedding (MiniLM on onnxruntime, 2 threads)",
        row("p50", p50, "ms", f"<= {TARGETS['query_embed_ms']:g} ms", p50 <= TARGETS["query_embed_ms"]),
        row("p90", p90, "ms"),
    ]


def random_index(texts: list[str], seed: int = 3) -> KnowledgeIndex:
    """An index of synthetic texts with random unit vectors."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [Chunk(f"s{i}", "synthetic.md", "Synthetic", 1, 1, t) for i, t in enumerate(texts)]
    return KnowledgeIndex(chunks=chunks, vectors=vectors, model_id="random")


def _time_queries(fn: Any, queries: list[str], qvecs: np.ndarray, rounds: int = 3) -> tuple[float, float]:
    for q, v in zip(queries[:5], qvecs[:5], strict=True):
        fn(q, v)
    samples = []
    for _ in range(rounds):
        for q, v in zip(queries, qvecs, strict=True):
            t0 = time.perf_counter()
            fn(q, v)
            samples.append((time.perf_counter() - t0) * 1000)
    return _ms(samples)


def bench_queries(
    queries: list[str], sizes: tuple[int, ...], with_ensemble: bool
) -> tuple[list[str], Path | None]:
    """Hybrid query latency per corpus size, the flat-search floor, and the LangChain ensemble."""
    import faiss

    faiss.omp_set_num_threads(1)  # single queries: threads only fight on 2 cores
    qvecs = _query_vectors(queries)
    lines = ["Hybrid query, query embedding excluded (dense + BM25 + RRF fusion, k=5)"]
    saved: Path | None = None
    for n in sizes:
        texts = synthetic_texts(n)
        t0 = time.perf_counter()
        index = random_index(texts)
        build_s = time.perf_counter() - t0
        kind = type(index._faiss).__name__
        p50, p90 = _time_queries(lambda q, v, ix=index: ix.search(q, v, k=5), queries, qvecs)
        target, ok = "", None
        if n == 10_000:
            target, ok = f"<= {TARGETS['hybrid_10k_ms']:g} ms", p50 <= TARGETS["hybrid_10k_ms"]
        lines.append(row(f"{n:>7} chunks ({kind}, built in {build_s:.1f} s) p50", p50, "ms", target, ok))
        lines.append(row(f"{n:>7} chunks p90", p90, "ms"))
        if n >= 100_000:
            flat_index = faiss.IndexFlatIP(384)
            flat_index.add(index.vectors)
            floor, _ = _time_queries(
                lambda q, v, fx=flat_index: fx.search(v.reshape(1, -1), 50), queries, qvecs
            )
            ratio = p50 / floor
            lines.append(row(f"{n:>7} flat search alone (memory-bandwidth floor) p50", floor, "ms"))
            lines.append(
                row(
                    f"{n:>7} hybrid / flat floor",
                    ratio,
                    "x",
                    f"<= {TARGETS['hybrid_100k_vs_floor']:g}",
                    ratio <= TARGETS["hybrid_100k_vs_floor"],
                )
            )
            if with_ensemble:
                lines += _ensemble_speed(index, queries, qvecs, p50)
            tmp = Path(tempfile.mkdtemp(prefix="coach-bench-"))
            index.save(tmp)
            saved = tmp
    return lines, saved


class _LookupEmbeddings(Embeddings):
    """Query vectors looked up, not computed: the comparison excludes query embedding."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def embed_query(self, text: str) -> list[float]:
        return self.table[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.table[t] for t in texts]


def _ensemble(texts: list[str], vectors: np.ndarray, queries: list[str], qvecs: np.ndarray, k: int) -> Any:
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    table = {q: v.tolist() for q, v in zip(queries, qvecs, strict=True)}
    ids = [str(i) for i in range(len(texts))]
    bm25 = BM25Retriever.from_texts(texts, metadatas=[{"row": i} for i in range(len(texts))], ids=ids)
    bm25.k = k
    store = FAISS.from_embeddings(
        list(zip(texts, vectors.tolist(), strict=True)),
        _LookupEmbeddings(table),
        metadatas=[{"row": i} for i in range(len(texts))],
        ids=ids,
    )
    return EnsembleRetriever(
        retrievers=[bm25, store.as_retriever(search_kwargs={"k": k})], weights=[0.5, 0.5]
    )


def _ensemble_speed(
    index: KnowledgeIndex, queries: list[str], qvecs: np.ndarray, ours_p50: float
) -> list[str]:
    texts = [c.text for c in index.chunks]
    t0 = time.perf_counter()
    ensemble = _ensemble(texts, index.vectors, queries, qvecs, k=5)
    build_s = time.perf_counter() - t0
    sample = queries[:15]
    p50, _ = _time_queries(lambda q, v: ensemble.invoke(q), sample, qvecs[: len(sample)], rounds=1)
    speedup = p50 / ours_p50
    return [
        row(
            f"{len(texts):>7} LangChain EnsembleRetriever (BM25Retriever + FAISS) p50",
            p50,
            "ms",
            f"(built in {build_s:.0f} s)",
        ),
        row(
            f"{len(texts):>7} ours vs EnsembleRetriever",
            speedup,
            "x faster",
            f">= {TARGETS['vs_ensemble_100k']:g}",
            speedup >= TARGETS["vs_ensemble_100k"],
        ),
    ]


def bench_ensemble_quality() -> list[str]:
    """hit@5 on the eval set: ours (hybrid) against the LangChain ensemble on the same chunks."""
    from evals.retrieval import default_seeds, first_rank, questions
    from knowledge.retriever import Retriever

    with tempfile.TemporaryDirectory() as tmp:
        retriever = Retriever(Path(tmp))
        seeds = default_seeds()
        items = questions()
        if seeds.is_dir():
            retriever.ingest([seeds])
        else:
            items = [i for i in items if not i["source"][:3].isdigit()]
        index = retriever.index
        qs = [i["q"] for i in items]
        qvecs = retriever.embeddings.embed_array(qs)
        # The same texts our index embeds and matches, so the comparison is like for like.
        ensemble = _ensemble([c.indexed_text for c in index.chunks], index.vectors, qs, qvecs, k=5)
        row_of = {c.indexed_text: c for c in index.chunks}
        ours = theirs = 0
        for item, q, v in zip(items, qs, qvecs, strict=True):
            mine = [(h.chunk.source, h.chunk.text) for h in index.search(q, v, k=5)]
            docs = ensemble.invoke(q)[:5]
            other = [(row_of[d.page_content].source, row_of[d.page_content].text) for d in docs]
            ours += (first_rank(item, mine) or 99) <= 5
            theirs += (first_rank(item, other) or 99) <= 5
    n = len(items)
    return [
        f"Quality on the eval set ({n} questions, hit@5)",
        row("ours (hybrid, RRF)", ours / n, ""),
        row("LangChain EnsembleRetriever", theirs / n, "", "(ours must be no worse)", ours >= theirs),
    ]


def bench_memory(index_root: Path) -> list[str]:
    """Peak RSS of a fresh process that loads the saved 100k index and answers a query."""
    code = (
        "import json, sys, numpy as np\n"
        "from knowledge.index import KnowledgeIndex\n"
        "ix = KnowledgeIndex.load(__import__('pathlib').Path(sys.argv[1]), 'random')\n"
        "v = np.ones(384, dtype=np.float32) / np.sqrt(384)\n"
        "ix.search('kubernetes projects roadmap', v, k=5)\n"
        # ru_maxrss survives execve on Linux (it would report the parent's peak); VmHWM
        # belongs to this process's own address space.
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(json.dumps({'chunks': len(ix.chunks), 'rss_mb': int(hwm) / 1024}))\n"
    )
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(index_root)], capture_output=True, text=True, check=True
    )
    load_s = time.perf_counter() - t0
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        "Memory",
        row(f"peak RSS, fresh process with the {data['chunks']}-chunk index loaded", data["rss_mb"], "MB"),
        row("load + first query in that process", load_s, "s"),
    ]


def bench(full: bool = False) -> list[str]:
    """Every retrieval figure."""
    from evals.retrieval import questions

    queries = [i["q"] for i in questions()]
    lines = bench_ingest(10_000 if full else 1_000)
    lines += ["", *bench_query_embedding(queries)]
    query_lines, saved = bench_queries(queries, (1_000, 10_000, 100_000), with_ensemble=True)
    lines += ["", *query_lines]
    lines += ["", *bench_ensemble_quality()]
    if saved is not None:
        lines += ["", *bench_memory(saved)]
    lines.append(
        f"  (bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )
    return lines
