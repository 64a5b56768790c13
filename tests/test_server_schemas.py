"""The graph LangGraph Server loads: schemas that generate, an input schema that says what a
client sends, a required user, and settings from the environment."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from agent.graph.context import Context, MissingUserError


def _server_graph():
    spec = json.loads((Path(__file__).parents[1] / "langgraph.json").read_text())
    path, attr = spec["graphs"]["coach"].split(":")
    module = importlib.import_module(path.removeprefix("./").removesuffix(".py").replace("/", "."))
    return getattr(module, attr)


def test_input_schema_is_messages_and_an_optional_profile() -> None:
    schema = _server_graph().get_input_jsonschema()
    assert set(schema["properties"]) == {"messages", "profile"}
    assert schema["required"] == ["messages"]
    profile = schema["properties"]["profile"]
    profile = schema.get("$defs", {}).get(profile.get("$ref", "").split("/")[-1], profile)
    assert set(profile["properties"]) == {
        "current_role",
        "industry",
        "hours_per_week",
        "horizon_months",
        "plan_a",
        "plan_b",
        "skills",
    }


def test_output_and_context_schemas_generate() -> None:
    graph = _server_graph()
    output = graph.get_output_jsonschema()
    assert {"messages", "profile", "draft", "committed"} <= set(output["properties"])
    context = graph.get_context_jsonschema()
    assert {"user_id", "model", "embeddings", "home"} <= set(context["properties"])
    assert "Required" in context["properties"]["user_id"]["description"]


def test_a_run_without_a_user_is_refused_with_a_clear_message() -> None:
    with pytest.raises(MissingUserError, match="user_id"):
        Context()
    with pytest.raises(MissingUserError):
        Context(user_id="   ")
    with pytest.raises(MissingUserError):
        Context(user_id="bad\nuser")


def test_settings_come_from_the_environment_when_the_context_leaves_them_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("COACH_MODEL", "fake")
    monkeypatch.setenv("COACH_EMBEDDINGS", "openai:text-embedding-3-small")
    ctx = Context(user_id="ana")
    assert (ctx.home, ctx.model, ctx.embeddings) == (
        str(tmp_path / "h"),
        "fake",
        "openai:text-embedding-3-small",
    )
    explicit = Context(user_id="ana", home="/x", model="local")
    assert (explicit.home, explicit.model) == ("/x", "local")


def test_the_server_graph_has_no_checkpointer_and_keeps_the_full_state_inside() -> None:
    graph = _server_graph()
    assert graph.checkpointer is None
    assert {"route", "review", "commit"} <= set(graph.get_graph().nodes)


def test_the_servers_authenticated_user_is_the_user() -> None:
    from types import SimpleNamespace

    from agent.graph.context import run_user

    def runtime(user_id: str, identity: str | None) -> SimpleNamespace:
        info = None if identity is None else SimpleNamespace(user=SimpleNamespace(identity=identity))
        return SimpleNamespace(context=Context(user_id=user_id), server_info=info)

    assert run_user(runtime("ana", None)) == "ana"
    assert run_user(runtime("ana", "")) == "ana"  # `langgraph dev` without auth: no identity
    assert run_user(runtime("ana", "ana")) == "ana"
    with pytest.raises(MissingUserError, match="authenticated"):
        run_user(runtime("bob", "ana"))
