"""Tracing with the real Langfuse SDK and an in-memory OpenTelemetry exporter: what each
span carries (tests/test_langfuse_wire.py checks the real command on the wire)."""

from __future__ import annotations

import json
import uuid

import pytest
from conftest import CONVERSATION
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings
from agent.runtime.tracing import content_mode, run_config
from tools.errors import ConfigError

OUTPUT = "langfuse.observation.output"
INPUT = "langfuse.observation.input"


@pytest.fixture
def traced(monkeypatch):
    """A fresh Langfuse client (unique key: clients are singletons per key) whose spans
    stay in memory."""
    from langfuse import Langfuse

    public, secret = f"pk-lf-{uuid.uuid4().hex}", f"sk-lf-{uuid.uuid4().hex}"
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", public)
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", secret)
    monkeypatch.setenv("LANGFUSE_BASE_URL", "http://127.0.0.1:9")
    exporter = InMemorySpanExporter()
    client = Langfuse(
        public_key=public, secret_key=secret, base_url="http://127.0.0.1:9", span_exporter=exporter
    )

    def spans():
        client.flush()  # spans reach the exporter in batches
        return exporter.get_finished_spans()

    return spans, exporter, secret


def _roots(spans):
    return [s for s in spans if s.name == "career-coach"]


def test_no_keys_attach_nothing() -> None:
    config = run_config("t1", "u1", "repl")
    assert "callbacks" not in config
    assert config["metadata"]["langfuse_session_id"] == "t1"


def test_bad_trace_content_value_is_one_line(monkeypatch) -> None:
    monkeypatch.setenv("COACH_TRACE_CONTENT", "everything")
    with pytest.raises(ConfigError, match="COACH_TRACE_CONTENT"):
        content_mode()


def test_turns_are_traced_with_session_user_and_one_trace_across_resume(traced, home, model) -> None:
    from langfuse import Langfuse

    spans, exporter, secret = traced
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="repl", user_id="ana")
    thread = coach.new_thread_id()
    for line in CONVERSATION:
        coach.send(thread, line)
    before = {format(s.context.trace_id, "032x") for s in spans()}
    exporter.clear()  # keep only the resume of the interrupted turn
    coach.resume(thread, "approve")
    resume_spans = spans()

    assert {"review", "commit"} <= {s.name for s in resume_spans}
    roots = _roots(resume_spans)
    assert roots and all(r.attributes["session.id"] == thread for r in roots)
    assert all(r.attributes["user.id"] == "ana" for r in roots)
    assert all("repl" in r.attributes["langfuse.trace.tags"] for r in roots)
    # The interrupted turn (the last message) and its resume land in one trace.
    interrupted_turn = Langfuse.create_trace_id(seed=f"{thread}:{len(CONVERSATION)}")
    assert interrupted_turn in before
    assert {format(s.context.trace_id, "032x") for s in resume_spans} == {interrupted_turn}
    for span in resume_spans:
        assert secret not in repr(dict(span.attributes or {}))


def test_root_spans_carry_the_turn_input_and_a_compact_outcome(traced, home, model) -> None:
    spans, _, _ = traced
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="cli", user_id="ana")
    thread = coach.new_thread_id()
    for line in CONVERSATION:
        coach.send(thread, line)
    coach.resume(thread, {"action": "approve"})
    roots = sorted(_roots(spans()), key=lambda s: s.start_time)
    assert len(roots) == len(CONVERSATION) + 1

    first = json.loads(roots[0].attributes[INPUT])
    assert first == {"kind": "message", "payload": CONVERSATION[0]}
    drafted = json.loads(roots[-2].attributes[OUTPUT])
    assert drafted["route"] in ("intake", "plan") and drafted["review"], (
        drafted
    )  # the last fact drafts the plan
    assert set(drafted["totals"]) == {"a", "b"} and len(drafted["totals"]["a"]) == 3
    resumed_in = json.loads(roots[-1].attributes[INPUT])
    assert resumed_in["kind"] == "resume" and resumed_in["payload"]["action"] == "approve"
    saved = json.loads(roots[-1].attributes[OUTPUT])
    assert saved["committed"]["version"] == 1
    # Compact: the outcome, not the 50 KB state; node spans get a state summary.
    assert all(len(r.attributes[OUTPUT]) < 1500 for r in roots), [len(r.attributes[OUTPUT]) for r in roots]
    state = coach.values(thread)
    whole = len(json.dumps(state, default=str))
    nodes = [s for s in spans() if s.name in ("draft_plan", "review", "analyze_gaps")]
    assert nodes and all(len(s.attributes.get(INPUT, "")) < whole / 4 for s in nodes)


def test_streamed_generations_carry_model_name_and_usage(traced, home) -> None:
    spans, _, _ = traced
    model = ScriptedChatModel(replies=[], default="Start with the retrieval phase [1].", calls=[])
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="repl")
    thread = coach.new_thread_id()
    tokens: list[str] = []
    for line in CONVERSATION:
        coach.send(thread, line)
    coach.resume(thread, {"action": "approve"})
    coach.send(thread, "what does the retrieval phase cover?", on_token=tokens.append)
    assert tokens, "the answer streamed"
    generations = [s for s in spans() if s.attributes.get("langfuse.observation.type") == "generation"]
    assert generations, "a model call is a generation"
    for gen in generations:
        assert gen.attributes["langfuse.observation.model.name"] == "scripted"
        usage = json.loads(gen.attributes["langfuse.observation.usage_details"])
        assert usage["input"] > 0 and usage["output"] > 0, usage
    tools = {s.name: s for s in spans() if s.attributes.get("langfuse.observation.type") == "tool"}
    assert {"search_roadmaps", "skill_gap_report"} <= set(tools)
    assert "GenAI engineer" in tools["skill_gap_report"].attributes[INPUT]
    assert tools["skill_gap_report"].attributes["langfuse.observation.metadata.coach_input_hash"]


def test_metadata_mode_keeps_words_out_of_traces(traced, monkeypatch, home) -> None:
    spans, _, _ = traced
    monkeypatch.setenv("COACH_TRACE_CONTENT", "metadata")
    answer = "Begin with the retrieval phase, then evaluation [1]."
    model = ScriptedChatModel(replies=[], default=answer, calls=[])
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="repl")
    thread = coach.new_thread_id()
    for line in CONVERSATION:
        coach.send(thread, line)
    coach.resume(thread, {"action": "edit", "feedback": "my secret pet project needs 12 hours a week"})
    coach.resume(thread, {"action": "approve"})
    coach.send(thread, "what does the retrieval phase cover?")
    every = spans()
    text = " ".join(json.dumps(dict(s.attributes or {})) for s in every)
    # People's own sentences; a bare catalog role ("MLOps engineer") may appear as a tool argument.
    said = [line for line in CONVERSATION[1:] if line != "MLOps engineer"]
    for words in (*said, "secret pet project", answer, "retrieval phase cover"):
        assert words not in text, words
    assert "withheld" in text
    roots = _roots(every)
    outcomes = [json.loads(r.attributes[OUTPUT]) for r in roots]
    assert any(o["totals"] for o in outcomes) and any(o.get("committed") for o in outcomes)
    generations = [s for s in every if s.attributes.get("langfuse.observation.type") == "generation"]
    assert generations and all("langfuse.observation.usage_details" in g.attributes for g in generations)
