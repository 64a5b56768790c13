"""What every `coach` command shares: the consoles, settings from the environment, the coach."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:  # a type only: importing the graph's context pulls in LangChain (about 1 s)
    from agent.graph.context import Interface

# Control characters (terminal escapes, carriage returns) and bidirectional overrides
# could rewrite or disguise what is on screen; tab and newline are kept.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """Text from a person, a file or a bundle made safe for a terminal: control and
    bidirectional-override characters, and the lone surrogates that stand for the bytes
    of an undecodable file name, shown as \\uXXXX escapes (valid inside JSON too)."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class SafeConsole(Console):
    """A console that prints strings as text, never as Rich markup: "[/red]" in a chat
    message, a user id or a file path is shown as typed, and cannot break the command.
    Styling is given with `style=` or `Text` objects, never inside a string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, highlight=False, **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Console.print with every string made printable and read literally."""
        kwargs.pop("markup", None)
        if not self.is_terminal:
            # Not a terminal: Rich would wrap at 80 columns; a pipe or a file gets lines whole.
            kwargs.setdefault("soft_wrap", True)
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects), markup=False, **kwargs)


def styled(text: str, style: str) -> Text:
    """A printable, literal line in one style (for headings)."""
    return Text(printable(text), style=style)


def error_line(message: str) -> Text:
    """'Error: <message>' with the label in red and the message literal (it may quote input)."""
    return Text.assemble(("Error:", "red"), " ", printable(message))


out = SafeConsole()
err = SafeConsole(stderr=True)


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
