"""Tracing with the real Langfuse SDK and an in-memory OpenTelemetry exporter (no server)."""

from __future__ import annotations

import uuid

from conftest import CONVERSATION
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from agent.runtime.session import Coach, Settings
from agent.runtime.tracing import run_config


def test_no_keys_attach_nothing() -> None:
    config = run_config("t1", "u1", "repl")
    assert "callbacks" not in config
    assert config["metadata"]["langfuse_session_id"] == "t1"


def test_turns_are_traced_with_session_user_and_one_trace_across_resume(monkeypatch, home, model) -> None:
    from langfuse import Langfuse

    # Clients are singletons per public key: a unique key keeps this test's exporter its own.
    public, secret = f"pk-lf-{uuid.uuid4().hex}", f"sk-lf-{uuid.uuid4().hex}"
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", public)
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", secret)
    monkeypatch.setenv("LANGFUSE_BASE_URL", "http://127.0.0.1:9")
    exporter = InMemorySpanExporter()
    client = Langfuse(
        public_key=public, secret_key=secret, base_url="http://127.0.0.1:9", span_exporter=exporter
    )

    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="repl", user_id="ana")
    thread = coach.new_thread_id()
    for line in CONVERSATION:
        coach.send(thread, line)
    client.flush()  # spans reach the exporter in batches: flush before clearing
    before = {format(s.context.trace_id, "032x") for s in exporter.get_finished_spans()}
    exporter.clear()  # keep only the resume of the interrupted turn
    coach.resume(thread, "approve")
    client.flush()
    resume_spans = exporter.get_finished_spans()

    names = {s.name for s in resume_spans}
    assert {"review", "commit"} <= names
    roots = [s for s in resume_spans if s.name == "career-coach"]  # the graph run of the turn
    assert roots and all(r.attributes["session.id"] == thread for r in roots)
    assert all(r.attributes["user.id"] == "ana" for r in roots)
    assert all("repl" in r.attributes["langfuse.trace.tags"] for r in roots)

    # The interrupted turn (the last message) and its resume land in one trace.
    interrupted_turn = Langfuse.create_trace_id(seed=f"{thread}:{len(CONVERSATION)}")
    assert interrupted_turn in before
    assert {format(s.context.trace_id, "032x") for s in resume_spans} == {interrupted_turn}

    # Secrets are never traced.
    for span in resume_spans:
        assert secret not in repr(dict(span.attributes or {}))


def test_generations_carry_token_counts(monkeypatch, home, model) -> None:
    from langfuse import Langfuse

    public = f"pk-lf-{uuid.uuid4().hex}"
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", public)
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-x")
    exporter = InMemorySpanExporter()
    client = Langfuse(
        public_key=public, secret_key="sk-x", base_url="http://127.0.0.1:9", span_exporter=exporter
    )
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="cli")
    thread = coach.new_thread_id()
    for line in CONVERSATION:
        coach.send(thread, line)
    client.flush()
    spans = exporter.get_finished_spans()
    generations = [s for s in spans if s.attributes.get("langfuse.observation.type") == "generation"]
    assert generations, "the plan note's model call is a generation"
    assert '"input"' in generations[0].attributes["langfuse.observation.usage_details"]
    nodes = {s.name for s in spans}
    assert {"route", "intake", "retrieve", "analyze_gaps", "draft_plan", "review"} <= nodes
    tools = {s.name: s for s in spans if s.attributes.get("langfuse.observation.type") == "tool"}
    assert {"search_roadmaps", "skill_gap_report"} <= set(tools)
    assert "GenAI engineer" in tools["skill_gap_report"].attributes["langfuse.observation.input"]
