"""`make bench`: speed figures with their targets, measured side by side in one run.

Timed here, never in unit tests: these machines are shared and noisy, so each figure
is a median over repeats and is printed beside its target rather than asserted.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import time
from collections.abc import Callable

# One thread for BLAS: on 2 cores thread pools fight (see ../shared/design.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from tools.catalog import load_catalog
from tools.gap import HeldSkills, Want, best_trim_report, gap_report, schedule
from tools.models import Profile, SkillDef, Target
from tools.optimize import best_trim


def median_ms(fn: Callable[[], object], repeats: int = 30, warmup: int = 3) -> float:
    """Median wall time of fn() in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def synthetic_wants(n: int, seed: int = 7) -> tuple[list[Want], HeldSkills]:
    """n skills cycled from the catalog (prerequisites remapped within each cycle),
    with deterministic random current levels."""
    rng = random.Random(seed)
    base = load_catalog().skills
    wants: list[Want] = []
    levels: dict[str, int] = {}
    for i in range(n):
        src = base[i % len(base)]
        cycle = i // len(base)
        skill = SkillDef(
            id=f"{src.id}_{cycle}",
            name=f"{src.name} #{cycle}",
            kind=src.kind,
            ease=src.ease,
            prereqs={f"{p}_{cycle}": lvl for p, lvl in src.prereqs.items()},
        )
        wants.append(Want(skill, rng.randint(1, 3), rng.randint(2, 4), src.kind))
        levels[skill.id] = rng.randint(0, 2)
    return wants, HeldSkills(levels=levels, said_as={k: k for k in levels}, unknown=[])


def row(what: str, figure: float, unit: str, target: float | None) -> str:
    """One line: figure, target and the ratio between them."""
    if target is None:
        return f"  {what:<46} {figure:9.2f} {unit:<4}"
    verdict = "ok" if figure <= target else "OVER"
    return f"  {what:<46} {figure:9.2f} {unit:<4} target <= {target:g} {unit}  ({figure / target:5.2f}x of target, {verdict})"


def bench_gap() -> list[str]:
    """The gap engine: full report (catalog profile) and schedule + optimiser for 10/50/200 skills."""
    lines = ["Gap engine (median of 30 runs)"]
    profile = Profile(
        current_role="Backend engineer",
        hours_per_week=8,
        plan_a=Target(position="GenAI engineer", industry="fintech"),
        plan_b=Target(position="MLOps engineer", industry="fintech"),
        skills={"Python": 4, "SQL": 3, "Docker": 2, "k8s": 1},
    )
    lines.append(
        row(
            "gap_report, catalog role (10 skills, with trim)",
            median_ms(lambda: gap_report(profile, profile.plan_a)),
            "ms",
            None,
        )
    )
    for n in (10, 50, 200):
        wants, held = synthetic_wants(n)
        plan = schedule(wants, held, 8.0, {}, lambda s: s)
        budget = plan.total_hours * 0.4
        report_ms = median_ms(functools.partial(schedule, wants, held, 8.0, {}, str))
        opt_ms = median_ms(functools.partial(best_trim, plan.items, budget), repeats=15 if n == 200 else 30)
        lines.append(row(f"schedule + matrix, {n} skills", report_ms, "ms", None))
        lines.append(
            row(
                f"optimiser (exact trim), {n} skills, budget {budget:.0f} h",
                opt_ms,
                "ms",
                50.0 if n == 50 else None,
            )
        )
        if n == 10:
            trim = best_trim_report(plan.lines, plan.items, budget)
            lines.append(f"  {'':<46} (trim keeps {trim.value:g} of {trim.full_value:g} weighted levels)")
    return lines


def bench_knowledge() -> list[str]:
    """Retrieval: ingest, query latency, memory, LangChain side by side (see bench_retrieval)."""
    from evals.bench_retrieval import bench

    return bench(full=os.environ.get("BENCH_FULL") == "1")


def bench_coach() -> list[str]:
    """The graph: overhead per turn and a running coach's memory (see bench_graph)."""
    from evals.bench_graph import bench

    return bench()


def bench_start() -> list[str]:
    """Cold start of `coach chat --new`, fresh and warm data directory (see bench_start)."""
    from evals.bench_start import bench

    return bench()


def bench_load() -> list[str]:
    """The Slack app under load and faults (see bench_load): 50 people, 4 workers on
    PostgreSQL, the same on SQLite with one worker, then 4 workers with 20 SIGKILLs."""
    from evals.bench_load import MUST_BE_ZERO, run, table

    runs = [run(50, 4, "postgres", 0), run(50, 1, "sqlite", 0), run(50, 4, "postgres", 20)]
    failing = [f"{k}={r[k]}" for r in runs for k in MUST_BE_ZERO if r[k]]
    verdict = "every must-be-zero count is 0" if not failing else "NOT ZERO: " + ", ".join(failing)
    return [
        "Slack app under load (signed HTTP to `coach slack --http`, mock Web API)",
        table(runs),
        f"  {verdict}",
    ]


def bench_conversations() -> list[str]:
    """Understanding people: fact F1, intents, substitutions, review answers, parse time (see conversations)."""
    from evals.conversations import bench_lines

    return bench_lines()


def bench_tracing() -> list[str]:
    """Langfuse tracing: what it adds to a turn and to a command's exit, endpoint up and down."""
    from evals.bench_tracing import bench

    return bench()


SECTIONS: dict[str, Callable[[], list[str]]] = {
    "gap": bench_gap,
    "retrieval": bench_knowledge,
    "graph": bench_coach,
    "start": bench_start,
    "load": bench_load,
    "conversations": bench_conversations,
    "tracing": bench_tracing,
}


def main() -> None:
    """Run the chosen sections (default: all) and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"sections to run: {', '.join(SECTIONS)} (default: all)")
    args = parser.parse_args()
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for name in args.sections or list(SECTIONS):
        print("\n".join(SECTIONS[name]()))
        print()


if __name__ == "__main__":
    main()
