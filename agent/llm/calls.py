"""Every model call the coach makes goes through here: a token cap, and a deadline that
holds while the answer streams.

`ChatOpenAI` has no token cap by default, and its `timeout` bounds each network read,
not a whole call: a server that trickles tokens keeps a stream alive for minutes. So
the call runs in a worker thread (with the caller's context, so callbacks, tracing and
LangGraph's token stream still see it) and the caller waits for it no longer than the
deadline. A model error, a server that dies mid-answer or a deadline that passes is one
`ModelCallError` whose message is a single line; the turn ends and the session goes on.

Structured extraction runs as a plain, non-streamed call: llama-cpp-python's server
repeats the function name in every streamed tool-call chunk, which LangChain then
concatenates ("ExtractionExtraction").
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, BaseMessageChunk
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, ValidationError

from tools.errors import CoachError

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

DEFAULT_MAX_TOKENS = 512
DEFAULT_DEADLINE_S = 60.0


class ModelCallError(CoachError):
    """A model call that failed, was cut off by its deadline, or lost its server."""


@dataclass(frozen=True)
class CallLimits:
    """The cap and deadline of one call; `COACH_MAX_TOKENS` and `COACH_MODEL_TIMEOUT`
    set the defaults."""

    max_tokens: int = DEFAULT_MAX_TOKENS
    deadline_s: float = DEFAULT_DEADLINE_S

    @classmethod
    def from_env(cls) -> CallLimits:
        """The limits from the environment, falling back to the defaults on bad values."""

        def number(name: str, default: float) -> float:
            try:
                value = float(os.environ.get(name, "") or default)
            except ValueError:
                return default
            return value if value > 0 else default

        return cls(
            max_tokens=int(number("COACH_MAX_TOKENS", DEFAULT_MAX_TOKENS)),
            deadline_s=number("COACH_MODEL_TIMEOUT", DEFAULT_DEADLINE_S),
        )


def _limits(deadline_s: float | None, max_tokens: int | None) -> CallLimits:
    env = CallLimits.from_env()
    return CallLimits(max_tokens=max_tokens or env.max_tokens, deadline_s=deadline_s or env.deadline_s)


def cap_kwargs(model: BaseChatModel, max_tokens: int) -> dict[str, Any]:
    """The call arguments that cap a model's answer at `max_tokens`. ChatOpenAI sends the
    cap as `max_completion_tokens`, which llama-cpp-python's server ignores: for a
    server other than OpenAI's, `max_tokens` goes in the request body too."""
    kwargs: dict[str, Any] = {"max_tokens": max_tokens}
    base = getattr(model, "openai_api_base", None)
    if base and "api.openai.com" not in base:
        extra = dict(getattr(model, "extra_body", None) or {})
        kwargs["extra_body"] = extra | {"max_tokens": max_tokens}
    return kwargs


def _where() -> str:
    return os.environ.get("OPENAI_BASE_URL") or "the model provider"


def describe_failure(exc: BaseException) -> ModelCallError:
    """One line for a model call that raised: what happened and what to check. Only the
    error's type and status are named, never its text (which may quote a key)."""
    if isinstance(exc, ModelCallError):
        return exc
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"APIConnectionError", "ConnectError", "ConnectionError", "ConnectTimeout"}:
        return ModelCallError(
            f"Could not reach {_where()} ({type(exc).__name__}); check that the server is running "
            "and OPENAI_BASE_URL, then try again."
        )
    if names & {
        "RemoteProtocolError",
        "ReadError",
        "ProtocolError",
        "IncompleteRead",
        "ChunkedEncodingError",
    }:
        return ModelCallError(
            f"The model server at {_where()} stopped answering mid-reply ({type(exc).__name__}); "
            "nothing was saved from this turn. Check the server, then try again."
        )
    if names & {"APITimeoutError", "ReadTimeout", "TimeoutException"}:
        return ModelCallError(
            f"The model server at {_where()} did not answer in time ({type(exc).__name__}); try again, "
            "or raise COACH_MODEL_TIMEOUT."
        )
    if names & {"AuthenticationError", "PermissionDeniedError"}:
        return ModelCallError("The provider refused the key; check OPENAI_API_KEY.")
    if "NotFoundError" in names:
        return ModelCallError("The provider does not know the model named in COACH_MODEL; check its name.")
    status = getattr(exc, "status_code", None)
    detail = f"{type(exc).__name__}" + (f", HTTP {status}" if status else "")
    return ModelCallError(f"The model call failed ({detail}); the turn was stopped and nothing was saved.")


def _timeout(limits: CallLimits) -> ModelCallError:
    return ModelCallError(
        f"The model did not finish within {limits.deadline_s:g} s, so the turn was stopped; "
        "try again, or raise COACH_MODEL_TIMEOUT."
    )


def run_with_deadline(fn: Callable[[], T], deadline_s: float) -> T:
    """fn() in a worker thread with the caller's context; raises TimeoutError when it
    has not returned within `deadline_s` (the worker is left to finish on its own)."""
    ctx = contextvars.copy_context()
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = ctx.run(fn)
        except BaseException as exc:  # handed to the caller, raised there
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="coach-model-call", daemon=True).start()
    if not done.wait(deadline_s):
        raise TimeoutError
    if "error" in box:
        raise box["error"]
    result: T = box["value"]
    return result


def invoke_bounded(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    deadline_s: float | None = None,
    max_tokens: int | None = None,
    config: RunnableConfig | None = None,
) -> AIMessage:
    """The model's answer to `messages`, at most `max_tokens` long and within
    `deadline_s` seconds, also when the run streams tokens (LangGraph's messages mode
    makes `invoke` stream). Raises ModelCallError with one line otherwise."""
    limits = _limits(deadline_s, max_tokens)
    bound = model.bind(**cap_kwargs(model, limits.max_tokens))
    reply = _invoke_within(bound, messages, config, limits)
    if not isinstance(reply, AIMessage):
        raise ModelCallError(f"The model answered with {type(reply).__name__}, not a message.")
    return reply


_END = object()


def stream_bounded(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    deadline_s: float | None = None,
    max_tokens: int | None = None,
    config: RunnableConfig | None = None,
) -> Iterator[str]:
    """The model's answer as text pieces while it is written, under the same cap and a
    deadline for the whole stream. When the deadline passes, the stream is closed (the
    server stops generating) and ModelCallError is raised."""
    limits = _limits(deadline_s, max_tokens)
    bound = model.bind(**cap_kwargs(model, limits.max_tokens))
    pieces: queue.Queue[Any] = queue.Queue()
    cancelled = threading.Event()
    ctx = contextvars.copy_context()

    def produce() -> None:
        stream = bound.stream(list(messages), config)
        try:
            for chunk in stream:
                if cancelled.is_set():
                    break
                pieces.put(chunk)
            pieces.put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            pieces.put(exc)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # closes the HTTP response: the server stops generating

    threading.Thread(target=lambda: ctx.run(produce), name="coach-model-stream", daemon=True).start()
    end = time.monotonic() + limits.deadline_s
    try:
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise _timeout(limits)
            try:
                item = pieces.get(timeout=remaining)
            except queue.Empty:
                raise _timeout(limits) from None
            if item is _END:
                return
            if isinstance(item, BaseException):
                if isinstance(item, CoachError):
                    raise item
                raise describe_failure(item) from item
            text = item.content if isinstance(item, BaseMessageChunk) else item
            if isinstance(text, str) and text:
                yield text
    finally:
        cancelled.set()


def invoke_structured(
    model: BaseChatModel,
    schema: type[M],
    messages: Sequence[BaseMessage],
    *,
    deadline_s: float | None = None,
    max_tokens: int | None = None,
    config: RunnableConfig | None = None,
) -> M | None:
    """The model's reading of `messages` as `schema`, through one forced function call
    made as a plain (non-streamed) request; None when the model answered out of schema
    (no call, invalid arguments, cut off by the token cap). Raises ModelCallError when
    the call itself fails or passes its deadline."""
    limits = _limits(deadline_s, max_tokens)
    bound = model.bind_tools(
        [schema], tool_choice=schema.__name__, stream=False, **cap_kwargs(model, limits.max_tokens)
    )
    reply = _invoke_within(bound, messages, config, limits)
    for call in getattr(reply, "tool_calls", None) or []:
        if call.get("name") == schema.__name__:
            try:
                return schema.model_validate(call.get("args") or {})
            except ValidationError:
                return None
    return None


def _invoke_within(
    bound: Any, messages: Sequence[BaseMessage], config: RunnableConfig | None, limits: CallLimits
) -> Any:
    """One call within the deadline; any failure as one ModelCallError line."""
    try:
        return run_with_deadline(lambda: bound.invoke(list(messages), config), limits.deadline_s)
    except TimeoutError:
        raise _timeout(limits) from None
    except CoachError:
        raise
    except Exception as exc:
        raise describe_failure(exc) from exc
