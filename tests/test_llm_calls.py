"""The bounded model calls with the scripted model (tests/test_openai_server.py runs the
same against a real server)."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from langchain_core.outputs import ChatResult
from pydantic import BaseModel, Field

from agent.llm.calls import (
    CallLimits,
    ModelCallError,
    invoke_bounded,
    invoke_structured,
    stream_bounded,
)
from agent.llm.models import ScriptedChatModel

ASK = [HumanMessage("how long will RAG take me?")]


def test_the_token_cap_reaches_the_model() -> None:
    model = ScriptedChatModel(default="one two three four five six seven eight")
    assert invoke_bounded(model, ASK, max_tokens=3).content == "one two three"
    assert "".join(stream_bounded(model, ASK, max_tokens=2)) == "one two"


def test_limits_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("COACH_MAX_TOKENS", "64")
    monkeypatch.setenv("COACH_MODEL_TIMEOUT", "7.5")
    assert CallLimits.from_env() == CallLimits(max_tokens=64, deadline_s=7.5)
    monkeypatch.setenv("COACH_MAX_TOKENS", "lots")
    assert CallLimits.from_env().max_tokens == 512


def test_a_slow_stream_is_cut_at_its_deadline() -> None:
    model = ScriptedChatModel(default=" ".join(["word"] * 50), token_delay_s=0.05)
    pieces: list[str] = []
    with pytest.raises(ModelCallError, match=r"did not finish within 0.3 s"):
        for piece in stream_bounded(model, ASK, deadline_s=0.3):
            pieces.append(piece)
    assert 0 < len(pieces) < 50, "some words arrived, the rest was cut"


def test_a_slow_invoke_is_cut_at_its_deadline() -> None:
    model = ScriptedChatModel(default=" ".join(["word"] * 50), token_delay_s=0.05)
    with pytest.raises(ModelCallError, match=r"did not finish within 0.2 s"):
        invoke_bounded(model, ASK, deadline_s=0.2)


class Broken(BaseChatModel):
    """A model whose provider fails the way a dead server does."""

    error: Any = None

    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(
        self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise self.error


def test_provider_errors_are_one_line_without_their_text() -> None:
    import httpx

    dead = Broken(error=httpx.RemoteProtocolError("peer closed connection; key sk-abcdefghijkl"))
    with pytest.raises(ModelCallError) as caught:
        invoke_bounded(dead, ASK)
    message = str(caught.value)
    assert "mid-reply" in message and "\n" not in message and "sk-" not in message
    with pytest.raises(ModelCallError, match="Could not reach"):
        invoke_bounded(Broken(error=httpx.ConnectError("refused")), ASK)
    with pytest.raises(ModelCallError, match="ValueError"):
        list(stream_bounded(Broken(error=ValueError("boom")), ASK))


class Hours(BaseModel):
    hours_per_week: int = Field(ge=0, le=80)


def test_structured_reading_validates_or_is_refused() -> None:
    good = ScriptedChatModel(replies=[{"tool": "Hours", "args": {"hours_per_week": 8}}])
    assert invoke_structured(good, Hours, ASK) == Hours(hours_per_week=8)
    out_of_range = ScriptedChatModel(replies=[{"tool": "Hours", "args": {"hours_per_week": 900}}])
    assert invoke_structured(out_of_range, Hours, ASK) is None
    prose = ScriptedChatModel(replies=["eight hours I think"])
    assert invoke_structured(prose, Hours, ASK) is None
