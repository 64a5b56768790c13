"""With a capable model the router and extractor use structured output; without, the parsers."""

from __future__ import annotations

from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings


def capable(home, replies) -> Coach:
    model = ScriptedChatModel(replies=replies, default="A short note.", structured=True)
    return Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")


def test_free_form_facts_are_read_by_the_model(home) -> None:
    coach = capable(
        home,
        [
            {
                "tool": "Extraction",
                "args": {
                    "intent": "profile",
                    "current_role": "Backend engineer",
                    "industry": "fintech",
                    "skills": {"Python": 4, "SQL": 3},
                    "plan_a": {"position": "LLM engineer", "industry": "a bank"},
                },
            }
        ],
    )
    thread = coach.new_thread_id()
    turn = coach.send(
        thread,
        "Five years writing Python services for a bank; SQL is fine; I want to build LLM products there",
    )
    values = coach.values(thread)
    assert values["understood_by"] == "model" and values["route"] == "intake"
    profile = values["profile"]
    assert profile["current_role"] == "Backend engineer"
    assert profile["skills"] == {"Python": 4, "SQL": 3}
    assert profile["plan_a"] == {"position": "GenAI engineer", "industry": "fintech"}
    assert "hours a week" in turn.messages[-1]  # the next missing fact


def test_model_intent_routes_a_question(home) -> None:
    coach = capable(home, [{"tool": "Extraction", "args": {"intent": "question"}}, "Three months [1]."])
    thread = coach.new_thread_id()
    turn = coach.send(thread, "statistics phase duration for data scientists")
    assert coach.values(thread)["route"] == "question"
    assert "Sources:" in turn.messages[-1]


def test_out_of_schema_answer_falls_back_to_the_parsers(home) -> None:
    coach = capable(home, [{"tool": "Extraction", "args": {"intent": "dance", "hours_per_week": -4}}])
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a data analyst with SQL 3")
    values = coach.values(thread)
    assert values["understood_by"] == "parser"
    assert values["profile"]["current_role"] == "Data analyst" and values["profile"]["skills"] == {"SQL": 3}


def test_embedded_model_never_gets_structured_calls(coach, model) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a data analyst with SQL 3")
    assert coach.values(thread)["understood_by"] == "parser"
    assert model.calls == []
