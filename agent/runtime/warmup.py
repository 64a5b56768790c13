"""Loading the coach while the person types: `coach chat` shows its first prompt before
LangChain, LangGraph and the graph are imported (about a second, several under load),
and a background thread loads them meanwhile, so the first turn does not wait either.

The thread loads in steps and checks between them whether the person has left: leaving
at once (/quit, Ctrl-D) waits for one step at most, never for the whole load, and the
thread is joined before the interpreter shuts down (a daemon thread still importing
at shutdown can crash the interpreter).
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.runtime.session import Coach

# What the first turn imports, the slowest parts first in the order they depend on each
# other, each a step of roughly a tenth of the load. Only the steps' size depends on
# this list: a name that no longer exists is skipped, and the last step imports the rest.
STEPS = (
    "numpy",
    "langchain_core.messages",
    "langchain_core.callbacks.manager",
    "langsmith.schemas",
    "langsmith.types",
    "langsmith.client",
    "langsmith.run_trees",
    "langchain_core.tracers.event_stream",
    "langchain_core.runnables",
    "langchain_core.language_models",
    "langgraph.checkpoint.sqlite",
    "langgraph.store.sqlite",
    "langgraph.graph",
    "agent.llm.models",
    "agent.graph.builder",
)


def warm_up(coach: Coach, stop: threading.Event) -> None:
    """Import STEPS one by one, then open the storage and build the graph, unless `stop`
    is set in between. Errors are left for the first turn, which reports them.

    Holds the coach's `open_lock` meanwhile: a turn that starts then waits for the load at
    its first use of the storage, instead of importing the same modules beside it (two
    threads importing modules that import each other can deadlock). The retriever (with
    the ingest code, ftfy and lxml) is not part of it: no intake turn needs it, and the
    first retrieval loads it with the index and the embedding model, as before."""
    with coach.open_lock:
        _load(coach, stop)


def _import(names: tuple[str, ...], stop: threading.Event) -> bool:
    """Import `names` in order; False when stopped before the end."""
    for name in names:
        if stop.is_set():
            return False
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        except Exception:  # the turn that needs it meets the same error and says it properly
            return False
    return True


def _load(coach: Coach, stop: threading.Event) -> None:
    # Importing creates a few hundred thousand long-lived objects, and the collector would
    # scan them again and again as they come (15-20% of the load here): it waits, and the
    # loaded objects are then frozen, so no later collection scans them either.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if _import(STEPS, stop):
            coach.graph  # noqa: B018 - opens the storage (migrating if needed) and compiles the graph
    except Exception:  # the first turn meets the same error and says it properly
        return
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


@contextmanager
def warming(coach: Coach) -> Iterator[None]:
    """Load the coach in the background for the duration of the block; on leaving it,
    stop after the current step and wait for it."""
    stop = threading.Event()
    thread = threading.Thread(target=warm_up, args=(coach, stop), name="coach-warm-up")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
