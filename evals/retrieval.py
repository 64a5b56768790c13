"""Retrieval eval: hit@1, hit@5 and MRR for dense only, BM25 only and hybrid.

    python -m evals.retrieval [--seeds DIR]      (or `coach eval retrieval`)

The bundled roadmaps are indexed, the seeds (../shared/seeds by default) ingested,
and every question of data/retrieval_eval.yaml asked in each mode.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

MODES = ("dense", "bm25", "hybrid")
DEPTH = 10  # ranks looked at for MRR


@dataclass(frozen=True)
class Scores:
    """One mode's figures over the question set."""

    mode: str
    questions: int
    hit1: float
    hit5: float
    mrr: float


def questions() -> list[dict[str, str]]:
    """The eval questions with the source and phrase of their answer."""
    return list(
        yaml.safe_load(resources.files("evals").joinpath("data/retrieval_eval.yaml").read_text("utf-8"))
    )


def default_seeds() -> Path:
    """The user's seed documents: COACH_SEEDS, else ../shared/seeds beside the repository."""
    env = os.environ.get("COACH_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"


def answers(item: dict[str, str], source: str, text: str) -> bool:
    """Whether a passage answers the question."""
    return source.endswith(item["source"]) and item["phrase"].lower() in text.lower()


def first_rank(item: dict[str, str], ranked: Sequence[tuple[str, str]]) -> int | None:
    """1-based rank of the first answering passage among (source, text) pairs."""
    for rank, (source, text) in enumerate(ranked, start=1):
        if answers(item, source, text):
            return rank
    return None


def score(
    mode: str, items: list[dict[str, str]], search: Callable[[str], Sequence[tuple[str, str]]]
) -> Scores:
    """hit@1, hit@5 and MRR of one search function over the items."""
    ranks = [first_rank(item, search(item["q"])) for item in items]
    n = len(items) or 1
    return Scores(
        mode=mode,
        questions=len(items),
        hit1=sum(r == 1 for r in ranks) / n,
        hit5=sum(r is not None and r <= 5 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
    )


def evaluate(home: Path, seeds: Path | None) -> tuple[list[Scores], list[str]]:
    """Index, ingest the seeds, and score each mode; (scores, notes)."""
    from knowledge.retriever import Retriever

    retriever = Retriever(home)
    items = questions()
    notes: list[str] = []
    if seeds is not None and seeds.is_dir():
        report = retriever.ingest([seeds])
        notes.append(f"seeds ingested from {seeds}: {len(report.added) + len(report.unchanged)} files")
    else:
        bundled = [i for i in items if not i["source"][:3].isdigit()]
        notes.append(
            f"seeds not found at {seeds}: only the {len(bundled)} bundled-roadmap questions are scored"
        )
        items = bundled

    def searcher(mode: str) -> Callable[[str], list[tuple[str, str]]]:
        return lambda q: [(h.chunk.source, h.chunk.text) for h in retriever.search(q, k=DEPTH, mode=mode)]

    return [score(mode, items, searcher(mode)) for mode in MODES], notes


def table(scores: list[Scores]) -> str:
    """The figures as a Markdown table."""
    rows = ["| mode | questions | hit@1 | hit@5 | MRR |", "|---|--:|--:|--:|--:|"]
    rows += [f"| {s.mode} | {s.questions} | {s.hit1:.3f} | {s.hit5:.3f} | {s.mrr:.3f} |" for s in scores]
    return "\n".join(rows)


def verdict(scores: list[Scores]) -> tuple[bool, str]:
    """Hybrid must be at least as good as the better single method on hit@5."""
    by = {s.mode: s for s in scores}
    best_single = max(by["dense"].hit5, by["bm25"].hit5)
    ok = by["hybrid"].hit5 >= best_single
    word = "ok" if ok else "FAILS"
    return ok, f"hybrid hit@5 {by['hybrid'].hit5:.3f} vs best single {best_single:.3f}: {word}"


def run(seeds: Path | None = None, home: Path | None = None) -> dict[str, Any]:
    """Run the eval in a scratch home (or `home`) and return scores, table and verdict."""
    with tempfile.TemporaryDirectory(prefix="coach-eval-") as tmp:
        scores, notes = evaluate(home or Path(tmp), seeds if seeds is not None else default_seeds())
    ok, line = verdict(scores)
    return {"scores": scores, "table": table(scores), "notes": notes, "ok": ok, "verdict": line}


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=None, help="folder of seed documents to ingest first")
    args = parser.parse_args()
    result = run(args.seeds)
    print("\n".join(result["notes"]))
    print(result["table"])
    print(result["verdict"])
    raise SystemExit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
