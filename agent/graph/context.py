"""Runtime settings for one run of the graph (LangGraph's `context_schema`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Interface = Literal["repl", "cli", "slack", "replay", "test"]


@dataclass(kw_only=True)
class Context:
    """Who is talking, through what, and which models and knowledge to use."""

    user_id: str = field(default="local", metadata={"description": "The person; plans are stored per user."})
    interface: Interface = field(default="repl", metadata={"description": "Where the turn came from."})
    model: str = field(default="local", metadata={"description": "COACH_MODEL: local, openai:<model>, fake."})
    embeddings: str = field(
        default="local", metadata={"description": "COACH_EMBEDDINGS: local or openai:<model>."}
    )
    home: str = field(default="", metadata={"description": "COACH_HOME: where the index and database live."})
    k: int = field(default=4, metadata={"description": "Passages to retrieve for a question or plan."})
    side_effects: bool = field(
        default=True, metadata={"description": "False in replay: never commit a plan."}
    )
    chat_model: BaseChatModel | None = field(
        default=None, metadata={"description": "A model instance overriding `model` (tests, replay)."}
    )
    retriever: Any = field(
        default=None, metadata={"description": "A knowledge.retriever.Retriever overriding the default."}
    )
