"""Runtime settings for one run of the graph (LangGraph's `context_schema`).

Every type named here is importable at run time: LangGraph Server builds the context's
JSON schema from it (`get_context_jsonschema`). Under `langgraph dev` a client sends the
context with each run; what it leaves out comes from the environment (COACH_HOME,
COACH_MODEL, COACH_EMBEDDINGS) - except the user, which has no default: plans are stored
per user, and a shared default user would mix everyone's plans.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Literal

# Imported at run time, not under TYPE_CHECKING: the server builds the context's schema.
from langchain_core.language_models import BaseChatModel
from pydantic.json_schema import SkipJsonSchema

Interface = Literal["repl", "cli", "slack", "replay", "test", "server"]
_USER = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def default_home() -> str:
    """COACH_HOME, or the user data directory."""
    from platformdirs import user_data_dir

    return str(os.path.expanduser(_env("COACH_HOME", user_data_dir("career-coach"))))


class MissingUserError(ValueError):
    """A run with no user: the server was sent no `user_id` in the run's context."""


@dataclass(kw_only=True)
class Context:
    """Who is talking, through what, and which models and knowledge to use."""

    user_id: str = field(
        default="",
        metadata={"description": "Required: the person; profiles and plans are stored per user."},
    )
    interface: Interface = field(default="server", metadata={"description": "Where the turn came from."})
    model: str = field(
        default_factory=lambda: _env("COACH_MODEL", "local"),
        metadata={"description": "local, openai:<model> or fake; default COACH_MODEL."},
    )
    embeddings: str = field(
        default_factory=lambda: _env("COACH_EMBEDDINGS", "local"),
        metadata={"description": "local or openai:<model>; default COACH_EMBEDDINGS."},
    )
    home: str = field(
        default_factory=default_home,
        metadata={"description": "Where the index and database live; default COACH_HOME."},
    )
    k: int = field(default=4, metadata={"description": "Passages to retrieve for a question or plan."})
    side_effects: bool = field(
        default=True, metadata={"description": "False in replay: never commit a plan."}
    )
    # In-process objects, left out of the JSON schema: a client cannot send them.
    chat_model: SkipJsonSchema[BaseChatModel | None] = field(
        default=None,
        metadata={"description": "A LangChain chat model instance overriding `model` (tests, replay)."},
    )
    retriever: SkipJsonSchema[Any] = field(
        default=None, metadata={"description": "A knowledge.retriever.Retriever overriding the default."}
    )
    postings: SkipJsonSchema[Any] = field(
        default=None,
        metadata={
            "description": "user id -> that person's job posting records (evidence for their targets)."
        },
    )

    def __post_init__(self) -> None:
        if not isinstance(self.user_id, str) or not self.user_id.strip():
            raise MissingUserError(
                'No user for this run: send the run\'s context as {"user_id": "<who is talking>"} '
                "(plans and profiles are stored per user; there is no shared default user)."
            )
        if not _USER.match(self.user_id):
            raise MissingUserError("user_id must be 1-128 printable characters.")
        self.home = self.home or default_home()


def run_user(runtime: Any) -> str:
    """The user of this run: the server's authenticated user when LangGraph Server has
    one (a client cannot name somebody else in its context), else the context's."""
    ctx: Context = runtime.context
    info = getattr(runtime, "server_info", None)
    user = getattr(info, "user", None) if info is not None else None
    identity = str(getattr(user, "identity", "") or "") if user is not None else ""
    if not identity:
        return ctx.user_id
    if ctx.user_id != identity:
        raise MissingUserError(
            f"The run's user_id '{ctx.user_id[:40]}' is not the authenticated user; send your own user_id."
        )
    return identity
