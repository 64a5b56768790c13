"""Understanding across turns: what the coach says it understood, confirmations, returning
people, and a capable model's reading checked against the message and the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import CONVERSATION, converse
from pydantic import Field

from agent.graph.nodes.intake import GREETING
from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings


def capable(home: Path, replies: list[Any]) -> Coach:
    model = ScriptedChatModel(replies=replies, default="A short note.", structured=True)
    return Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")


def test_each_message_is_answered_with_what_was_understood(coach: Coach) -> None:
    thread = coach.new_thread_id()
    first = coach.send(thread, "hi")
    assert first.messages[-1].startswith(GREETING)
    turn = coach.send(
        thread,
        "I've been a data analyst. SQL 4, Python maybe 2, Tableau 4, statistics 3. I can do 6 hours a week",
    )
    assert turn.messages[-1].startswith(
        "Noted: role Data analyst; SQL 4, Python 2, Tableau 4, statistics 3; 6 hours a week."
    )
    assert "coach " not in "\n".join(first.messages + turn.messages), "replies name no CLI command"


def test_what_could_not_be_used_is_said_and_nothing_breaks(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION[:3])
    long = "GenAI engineer in " + "a company that builds tutoring products for schools and colleges " * 2
    turn = coach.send(thread, long)
    assert "Plan A industry is too long" in turn.messages[-1]
    assert "plan_a" not in coach.values(thread)["profile"]
    turn = coach.send(
        thread,
        "GenAI engineer in edtech, building AI tutors. If that doesn't work out, data engineer in education",
    )
    profile = coach.values(thread)["profile"]
    assert profile["plan_a"] == {"position": "GenAI engineer", "industry": "edtech"}
    assert profile["plan_b"] == {"position": "Data engineer", "industry": "education"}


def test_a_close_name_is_confirmed_not_taken(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION[:3])
    turn = coach.send(thread, "ML engneer in healthcare")
    assert "Did you mean ML engineer" in turn.messages[-1]
    assert "plan_a" not in coach.values(thread)["profile"]
    coach.send(thread, "yes")
    assert coach.values(thread)["profile"]["plan_a"] == {"position": "ML engineer", "industry": "healthcare"}


def test_a_job_title_the_catalog_lacks_is_kept_and_a_non_title_lists_the_known_ones(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION[:3])
    turn = coach.send(thread, "developer advocate in SaaS")
    assert "Noted: Plan A Developer advocate in" in turn.messages[-1]
    assert coach.values(thread)["profile"]["plan_a"]["position"] == "Developer advocate"
    turn = coach.send(thread, "something with data")
    assert "I don't know the role 'something with data'" in turn.messages[-1]
    assert "GenAI engineer" in turn.messages[-1] and "plan_b" not in coach.values(thread)["profile"]


def test_corrections_change_current_or_target(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, ["hi", "I'm a data analyst with statistics 2 and SQL 3"])
    coach.send(thread, "no, statistics is 3")
    coach.send(thread, "aim for statistics 4")
    values = coach.values(thread)
    assert values["profile"]["skills"] == {"SQL": 3, "statistics": 3}
    assert values["overrides"]["a"] == {"statistics": 4}


def test_a_returning_person_is_welcomed_back(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    again = coach.new_thread_id()
    turn = coach.send(again, "hi, I'm back")
    text = turn.messages[-1]
    assert text.startswith(
        "Welcome back! Last time: Backend engineer; 8 hours a week; Plan A GenAI engineer in fintech"
    )
    assert "latest saved plan is version 1" in text and "What has changed" in text
    assert coach.values(again)["profile"]["current_role"] == "Backend engineer", "'I'm back' is not a role"
    turn = coach.send(again, "I can do 10 hours a week now")
    assert coach.values(again)["profile"]["hours_per_week"] == 10
    turn = coach.send(again, "plan")
    assert turn.review is not None, "a returning person drafts without answering everything again"


def test_a_returning_person_can_open_with_what_changed(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    turn = coach.send(coach.new_thread_id(), "hi, I'm back. I can do 12 hours a week now")
    text = turn.messages[-1]
    assert text.startswith("Welcome back! Last time: Backend engineer; 8 hours a week")
    assert "Noted: 12 hours a week." in text


def test_the_parse_travels_in_state(coach: Coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a nurse, python 1")
    understood = coach.values(thread)["understood"]
    assert understood["current_role"] == "Nurse" and understood["skills"] == {"python": 1}
    assert understood["intent"] == "profile" and understood["by"] == "parser"


# ---- a capable model ------------------------------------------------------------------


def test_the_model_adds_what_the_message_supports(home: Path) -> None:
    coach = capable(
        home,
        [
            {
                "tool": "Extraction",
                "args": {
                    "intent": "profile",
                    "current_role": "Backend engineer",
                    "skills": {"Python": 4, "SQL": 3},
                    "plan_a": {"position": "LLM engineer", "industry": "a bank"},
                },
            }
        ],
    )
    thread = coach.new_thread_id()
    turn = coach.send(
        thread,
        "Backend engineer, five years of Python at a bank; SQL is fine; I want to build LLM products there",
    )
    values = coach.values(thread)
    assert values["understood_by"] == "model" and values["route"] == "intake"
    profile = values["profile"]
    assert profile["current_role"] == "Backend engineer"
    assert profile["skills"] == {"Python": 4, "SQL": 3}
    assert profile["plan_a"] == {"position": "GenAI engineer", "industry": "fintech"}
    assert "my estimate from your words" in turn.messages[-1], "an inferred level is shown, not hidden"


def test_the_model_cannot_invent_facts(home: Path) -> None:
    invented = {
        "intent": "profile",
        "current_role": "Chief data officer",
        "skills": {"Kubernetes": 5},
        "plan_a": {"position": "ML engineer", "industry": "fintech"},
    }
    coach = capable(home, [{"tool": "Extraction", "args": invented}])
    thread = coach.new_thread_id()
    coach.send(thread, "hello there, I'm a nurse")
    profile = coach.values(thread)["profile"]
    assert profile["current_role"] == "Nurse"
    assert "skills" not in profile and "plan_a" not in profile


def test_a_command_never_becomes_a_plan_a(home: Path) -> None:
    reading = {"intent": "profile", "plan_a": {"position": "Draft my plan", "industry": "fintech"}}
    coach = capable(home, [{"tool": "Extraction", "args": reading}] * 8)
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION[:3])
    coach.send(thread, "draft my plan")
    values = coach.values(thread)
    assert "plan_a" not in values["profile"] and values["understood"]["intent"] == "plan"


def test_a_target_goes_where_it_was_asked(home: Path) -> None:
    reading = {"intent": "profile", "plan_a": {"position": "data scientist", "industry": "fintech"}}
    replies: list[Any] = [{"tool": "Extraction", "args": {"intent": "chitchat"}}] * 4
    coach = capable(home, [*replies, {"tool": "Extraction", "args": reading}])
    thread = coach.new_thread_id()
    converse(coach, thread, [*CONVERSATION[:3], "Plan A: GenAI engineer in fintech"])
    assert coach.values(thread)["asking"] == "plan_b"
    coach.send(thread, "probably something with data science, in fintech too")
    profile = coach.values(thread)["profile"]
    assert profile["plan_a"]["position"] == "GenAI engineer"
    assert profile["plan_b"] == {"position": "Data scientist", "industry": "fintech"}


def test_out_of_schema_answer_falls_back_to_the_parsers(home: Path) -> None:
    coach = capable(home, [{"tool": "Extraction", "args": {"intent": "dance", "hours_per_week": -4}}])
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a data analyst with SQL 3")
    values = coach.values(thread)
    assert values["understood_by"] == "parser"
    assert values["profile"]["current_role"] == "Data analyst" and values["profile"]["skills"] == {"SQL": 3}


class _RecordingModel(ScriptedChatModel):
    """Keeps the keyword arguments of each call, to see how the model was called."""

    kwargs_seen: list[dict[str, Any]] = Field(default_factory=list)

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        self.kwargs_seen.append(kwargs)
        return super()._generate(messages, stop, run_manager, **kwargs)


def test_structured_output_is_a_plain_call(home: Path) -> None:
    model = _RecordingModel(replies=[{"tool": "Extraction", "args": {"intent": "chitchat"}}], structured=True)
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    coach.send(coach.new_thread_id(), "hello", on_token=lambda _: None)  # even while streaming the turn
    assert model.kwargs_seen and model.kwargs_seen[0].get("stream") is False


def test_embedded_model_never_gets_structured_calls(coach: Coach, model: ScriptedChatModel) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "I'm a data analyst with SQL 3")
    assert coach.values(thread)["understood_by"] == "parser"
    assert model.calls == []


NASTY = [
    "Plan A: " + "x" * 300,
    "Plan B: data engineer in x",
    "GenAI engineer in " + "a very long description of an industry " * 3,
    "1e9 hours a week",
    "0 hours a week",
    "Python 99999, SQL -3",
    "[bold]rag[/bold] 3",
    "💥" * 200,
    "plan a plan b plan a plan b",
    "\x00\x01 python \x02 3",
    "I'm " + "very " * 100 + "senior engineer",
    "within 0 months",
]


def test_nothing_a_person_types_ends_the_session(coach: Coach) -> None:
    thread = coach.new_thread_id()
    converse(coach, thread, CONVERSATION[:3])
    for text in NASTY:
        turn = coach.send(thread, text)
        assert turn.messages, text
    profile = coach.values(thread)["profile"]
    assert "plan_a" not in profile or len(profile["plan_a"]["industry"]) <= 40
    turn = coach.send(thread, "GenAI engineer in fintech")
    assert coach.values(thread)["profile"]["plan_a"] == {"position": "GenAI engineer", "industry": "fintech"}


def test_a_yes_with_more_facts_answers_did_you_mean_and_keeps_them(coach) -> None:
    thread = coach.new_thread_id()
    first = coach.send(thread, "devops eng, 5 yrs. want ml platfrom lead in ecommerce")
    assert "Did you mean ML platform lead (you wrote 'ml platfrom lead') for Plan A?" in first.messages[-1]
    # Facts without a yes or no: used, and the question is asked again (not dropped).
    again = coach.send(thread, "k8s 4, terraform 4")
    assert (
        "Noted: k8s 4, terraform 4" in again.messages[-1]
        and "Did you mean ML platform lead" in again.messages[-1]
    )
    turn = coach.send(thread, "yes! backup would be mlops engineer. python 3ish")
    profile = coach.values(thread)["profile"]
    assert profile["plan_a"] == {"position": "ML platform lead", "industry": "e-commerce and retail"}
    assert profile["plan_b"] == {"position": "MLOps engineer", "industry": "e-commerce and retail"}, (
        turn.messages
    )
    assert profile["skills"]["python"] == 3 and profile["current_role"] == "Devops eng"


def test_a_skill_named_without_a_level_is_said(coach) -> None:
    thread = coach.new_thread_id()
    turn = coach.send(thread, "mechanical engineer. python 2/5, matlab 4, linear algebra is ok")
    text = "\n".join(turn.messages)
    assert "Noted: role Mechanical engineer; python 2, matlab 4." in text
    assert "No level for linear algebra: give it 0-5, for example 'linear algebra 2'." in text


def test_a_new_target_while_agreeing_a_proposal_replaces_it(coach) -> None:
    thread = coach.new_thread_id()
    for line in ["mech engineer, automotive. python 2, matlab 4", "5 hours a week"]:
        coach.send(thread, line)
    asked = coach.send(thread, "ML engineer in automotive. if that fails product owner same place")
    assert "I don't have Product owner in my catalog" in "\n".join(asked.messages)
    turn = coach.send(thread, "wait no, plan b is just data scientist")
    values = coach.values(thread)
    assert values["profile"]["plan_b"] == {
        "position": "Data scientist",
        "industry": "manufacturing and energy",
    }
    assert values.get("proposal") is None and values.get("asking") != "proposal", turn.messages


def test_asking_to_draft_skips_the_rating_question(coach) -> None:
    thread = coach.new_thread_id()
    coach.send(thread, "backend dev at a bank, python 3, 8 hrs/wk")
    turn = coach.send(thread, "plan a genai engineer, plan b mlops, both fintech. then draft my plan pls")
    text = "\n".join(turn.messages)
    assert "I'll estimate the skills you did not rate from your current role" in text
    assert turn.review is not None, "the person asked for the draft: it is drafted"


def test_a_question_beside_profile_facts_is_not_dropped(coach) -> None:
    """tester3 #7: 'data analyst' is said as read, and the question in the same message is answered
    after the facts are noted (it was said to be left: 'ask it again on its own')."""
    thread = coach.new_thread_id()
    coach.send(thread, "im a nurse")
    turn = coach.send(
        thread,
        "i want to become a data analyst in healthcare. "
        "whats the difference between a data analyst and analytics engineer anyway",
    )
    said = "\n".join(turn.messages)
    assert "Data analyst: read as the catalog's Analytics engineer" in said
    assert (
        'You also asked "whats the difference between a data analyst and analytics engineer anyway"' in said
    )
    assert "ask it again on its own" not in said and "Sources:" in said and "Back to my question:" in said
