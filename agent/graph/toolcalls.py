"""Engine and retrieval calls made by graph nodes, run as LangChain tool calls.

A node calls the pure function through `call_tool`, so tracing (Langfuse "tool"
observations) and any callback records the tool's name, arguments and result,
with no change to what the function computes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from langchain_core.tools import BaseTool

T = TypeVar("T")


class _Call(BaseTool):
    """A one-off tool around a function call."""

    description: str = "internal call of the coach"
    fn: Callable[..., Any]

    def _run(self, **kwargs: Any) -> Any:
        return self.fn(**kwargs)


def call_tool(name: str, fn: Callable[..., T], **kwargs: Any) -> T:
    """fn(**kwargs), run as the tool `name` in the current run's callbacks."""
    result: T = _Call(name=name, fn=fn).invoke(kwargs)
    return result
