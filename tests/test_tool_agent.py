"""With a capable model, questions go through a small tool-calling agent over the coach's
own tools, at most six calls a turn, each traced and recorded; the person's identity never
passes through the model. Tested with a scripted tool-calling model."""

from __future__ import annotations

from conftest import converse

from agent.graph.tool_agent import MAX_CALLS, make_tools
from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings


def _coach(home, replies) -> tuple[Coach, ScriptedChatModel]:
    model = ScriptedChatModel(replies=replies, default="Done.", structured=True, calls=[])
    return Coach(Settings(home=home, model="fake"), chat_model=model, interface="test"), model


def _drafted(coach: Coach, model: ScriptedChatModel) -> str:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, {"action": "approve"})
    model.position = len(model.replies)  # the conversation used the default replies only
    return thread


def test_a_question_is_answered_through_the_tools(home) -> None:
    coach, model = _coach(home, [])
    thread = _drafted(coach, model)
    model.replies += [
        {"tool": "Extraction", "args": {"intent": "question"}},  # the route's structured reading
        {"tool": "what_if", "args": {"plan": "a", "hours_per_week": 20}},
        {"tool": "gap_report", "args": {"plan": "a"}},
        "At 20 hours a week Plan A fits. It would take 99999 weeks otherwise.",
    ]
    text = coach.send(thread, "would plan a fit if I could study more?").messages[-1]
    assert text.startswith("At 20 hours a week Plan A fits."), text
    assert "99999" not in text and "left out 1 sentence" in text, "a figure no tool gave is dropped"
    tool_msgs = [m for m in model.calls[-1] if m.type == "tool"]  # the prompt of the final answer
    assert len(tool_msgs) == 2 and '"hours_per_week": 20' in tool_msgs[0].content


def test_a_seventh_call_is_refused_and_the_model_must_answer(home) -> None:
    coach, model = _coach(home, [])
    thread = _drafted(coach, model)
    model.replies += [{"tool": "Extraction", "args": {"intent": "question"}}]
    model.replies += [{"tool": "gap_report", "args": {"plan": "a"}}] * (MAX_CALLS + 1) + [
        "Here is what I found."
    ]
    text = coach.send(thread, "what should I know about plan a?").messages[-1]
    last_prompt = model.calls[-1]
    results = [m for m in last_prompt if m.type == "tool"]
    assert sum('"error"' not in m.content for m in results) == MAX_CALLS
    assert any("no more tool calls" in m.content for m in results)
    assert text == "Here is what I found.", text


def test_no_tool_takes_the_person_from_the_model() -> None:
    tools = make_tools(None, {}, retriever=None, saved_plan=lambda: None)  # type: ignore[arg-type]
    for tool in tools:
        fields = (
            set(tool.args_schema.model_json_schema().get("properties", {})) if tool.args_schema else set()
        )
        assert not fields & {"user", "user_id", "store", "runtime"}, tool.name
