"""Against a real OpenAI-compatible server on localhost: llama-cpp-python's server
serving the bundled SmolLM2 GGUF, reached as COACH_MODEL=openai:smollm2 with
OPENAI_BASE_URL. Token caps, deadlines that hold while streaming, usage on streamed
calls, structured extraction as a plain call, and a server that dies mid-answer."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from agent.llm.calls import ModelCallError, invoke_bounded, invoke_structured, stream_bounded
from agent.storage.recordings import Recorder

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None,
        reason="needs the dev extra (llama-cpp-python[server])",
    ),
]

ALIAS = "smollm2"


def _die_with_parent() -> None:
    """In the server's process: end it when the test process dies, even by SIGKILL
    (Linux prctl PR_SET_PDEATHSIG), so an interrupted run leaves no server behind."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """llama-cpp-python's OpenAI-compatible server in a subprocess."""

    def __init__(self) -> None:
        from agent.llm.models import smollm_path

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.args = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(smollm_path()), "--model_alias", ALIAS,
            "--host", "127.0.0.1", "--port", str(self.port),
            # One thread: on a shared 2-core machine two spinning threads ran 50x slower.
            "--n_ctx", "2048", "--n_threads", "1", "--n_threads_batch", "1", "--verbose", "false",
        ]  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # Its log goes to a file: a pipe nobody reads fills up and stalls the server.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        self.proc = subprocess.Popen(
            self.args, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited: {self.log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=1) as r:
                    if ALIAS in r.read().decode():
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the llama-cpp server did not start within 90 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture(scope="module")
def server():
    srv = Server()
    srv.start()
    try:
        yield srv
    finally:
        srv.kill()


@pytest.fixture
def chat_model(server, monkeypatch):
    from agent.llm import models

    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    models._models.pop(f"openai:{ALIAS}", None)  # a fresh client for this server's port
    model = models.make_chat_model(f"openai:{ALIAS}")
    models._models.pop(f"openai:{ALIAS}", None)
    return model


PROMPT = [
    SystemMessage("You are a helpful assistant."),
    HumanMessage("Write a long story about a data engineer."),
]


def test_a_call_is_capped_and_records_usage(chat_model) -> None:
    recorder = Recorder()
    reply = invoke_bounded(chat_model, PROMPT, max_tokens=8, deadline_s=60, config={"callbacks": [recorder]})
    assert reply.usage_metadata and 0 < reply.usage_metadata["output_tokens"] <= 8
    assert recorder.calls[0]["tokens_out"] <= 8


def test_a_streamed_call_yields_tokens_and_records_usage(chat_model) -> None:
    recorder = Recorder()
    pieces = list(
        stream_bounded(chat_model, PROMPT, max_tokens=12, deadline_s=60, config={"callbacks": [recorder]})
    )
    assert len(pieces) > 1, "tokens arrive one by one"
    assert len(pieces) <= 12, "the cap holds on a stream too"
    # The coach asks for usage on streams (stream_options.include_usage, which OpenAI, vLLM
    # and Ollama honour); llama-cpp-python's server ignores it and sends no counts.
    assert chat_model._should_stream_usage()
    call = recorder.calls[0]
    if call["tokens_out"] is not None:
        assert 0 < call["tokens_out"] <= 12, call


def test_the_deadline_holds_while_streaming(chat_model, server) -> None:
    pieces: list[str] = []
    t0 = time.monotonic()
    with pytest.raises(ModelCallError, match=r"did not finish within 0\.5 s"):
        for piece in stream_bounded(chat_model, PROMPT, max_tokens=2000, deadline_s=0.5):
            pieces.append(piece)
    elapsed = time.monotonic() - t0
    assert elapsed < 5, elapsed  # generous: the bound itself is 0.5 s
    # The server is still there and answers the next call.
    assert invoke_bounded(chat_model, PROMPT, max_tokens=4, deadline_s=60).content


class Hours(BaseModel):
    """How many hours a week the person can study."""

    hours_per_week: int = Field(ge=0, le=80)


def test_structured_extraction_is_a_plain_call(chat_model, server) -> None:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.tracers._streaming import _StreamingCallbackHandler

    class StreamingWatcher(BaseCallbackHandler, _StreamingCallbackHandler):  # as LangGraph's messages mode
        tokens = 0

        def on_llm_new_token(self, token, **kwargs) -> None:  # type: ignore[override]
            StreamingWatcher.tokens += 1

        def tap_output_iter(self, run_id, output):  # type: ignore[override]
            return output

    messages = [HumanMessage("I can study 8 hours a week.")]
    result = invoke_structured(
        chat_model, Hours, messages, max_tokens=40, deadline_s=60, config={"callbacks": [StreamingWatcher()]}
    )
    # A 135M model may read it wrong, but the call is one plain request that either
    # validates or is refused - never "ExtractionExtraction" from streamed chunks.
    assert result is None or isinstance(result, Hours)
    assert StreamingWatcher.tokens == 0, "the call was not streamed"


def test_a_server_dying_mid_answer_is_one_clear_line(chat_model, server) -> None:
    pieces: list[str] = []
    try:
        with pytest.raises(ModelCallError) as caught:
            for piece in stream_bounded(chat_model, PROMPT, max_tokens=400, deadline_s=60):
                pieces.append(piece)
                if len(pieces) == 2:
                    server.kill()
        message = str(caught.value)
        assert "\n" not in message and ("mid-reply" in message or "Could not reach" in message), message
        with pytest.raises(ModelCallError, match="Could not reach"):
            invoke_bounded(chat_model, PROMPT, max_tokens=4, deadline_s=30)
    finally:
        server.start()  # the module's other tests keep their server


def test_coach_chat_on_the_server_survives_its_death(server, home, tmp_path) -> None:
    """The real REPL on openai:smollm2: a session completes on the server; when the server
    dies, a turn that needs the model fails in one line and the session goes on."""
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "OPENAI_", "COACH_"))}
    env |= {
        "COACH_HOME": str(home),
        "COACH_MODEL": f"openai:{ALIAS}",
        "OPENAI_BASE_URL": server.url,
        "COACH_MODEL_TIMEOUT": "60",
        "COACH_MAX_TOKENS": "48",
        "COLUMNS": "200",
    }
    from pexpect.popen_spawn import PopenSpawn

    coach = str(Path(sys.executable).parent / "coach")
    # Piped, as a script drives it: one plain "you> " prompt per line read.
    child = PopenSpawn([coach, "chat", "--new"], env=env, cwd=str(tmp_path), encoding="utf-8", timeout=180)
    try:
        child.expect("you>")
        for line in ("I'm a backend engineer with Python 4, SQL 3 and Docker 2", "8 hours a week"):
            child.sendline(line)
            child.expect("you>")
        server.kill()
        child.sendline("what should a GenAI engineer learn first?")
        child.expect("you>")
        failed = child.before
        child.sendline("/profile")
        child.expect("you>")
        profile = child.before
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        if child.proc.poll() is None:
            child.kill(signal.SIGTERM)
        server.start()
    assert "Traceback" not in failed
    lines = [line for line in failed.splitlines() if "Could not reach" in line or "mid-reply" in line]
    assert len(lines) == 1 and server.url in lines[0], failed
    assert "Backend engineer" in profile and "8" in profile, profile
