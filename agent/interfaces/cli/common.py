"""What every `coach` command shares: the consoles, settings from the environment, the coach."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from agent.graph.context import Interface

out = Console()
err = Console(stderr=True)


def settings() -> Any:
    """Settings from the environment and `.env` (secrets only ever come from there)."""
    from dotenv import load_dotenv

    from agent.runtime.session import Settings

    load_dotenv()
    return Settings.from_env()


def coach(interface: Interface = "cli", user: str = "local") -> Any:
    """A coach for one command."""
    from agent.runtime.session import Coach

    return Coach(settings(), user_id=user, interface=interface)


def retriever() -> Any:
    """The knowledge retriever of the configured home and embeddings."""
    from knowledge.retriever import Retriever

    s = settings()
    return Retriever(s.home, s.embeddings)


class Bar:
    """A Rich progress bar over embedding, shown only on a terminal."""

    def __init__(self, label: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=True,
        )
        self.label = label
        self.task: object = None

    def __enter__(self) -> Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done, total=total)  # type: ignore[arg-type]
