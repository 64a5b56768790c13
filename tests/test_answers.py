"""Answers through the real graph: from the person's plan, quoted on the embedded default,
checked with a capable model. Nothing in an answer is the coach's own invention."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import converse

from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings
from knowledge.retriever import Retriever


def _approved(coach: Coach) -> str:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, {"action": "approve"})
    return thread


def test_questions_about_the_plan_are_answered_from_it(coach: Coach, model: ScriptedChatModel) -> None:
    thread = _approved(coach)
    calls = len(model.calls)
    turn = coach.send(thread, "how long will RAG take me?")
    text = turn.messages[-1]
    assert re.search(r"level \d to \d, [\d.]+ h of study", text), text
    assert "found nothing" not in text
    first = coach.send(thread, "ok and what should I learn first?").messages[-1]
    assert first.startswith("Start with "), first
    assert len(model.calls) == calls, "plan answers never call the model"


def test_a_new_thread_answers_from_the_latest_saved_plan(coach: Coach) -> None:
    _approved(coach)
    other = coach.new_thread_id()
    text = coach.send(other, "is plan B realistic?").messages[-1]
    assert text.startswith("Plan B"), text


def test_embedded_default_quotes_the_roadmaps_and_invents_nothing(home: Path) -> None:
    coach = Coach(Settings(home=home, model="local"), interface="test")
    thread = coach.new_thread_id()
    coach.send(thread, "hi")  # intake asks for the role; a question comes once the profile exists
    text = coach.send(thread, "how should I practise algorithms, and for how long each week?").messages[-1]
    if "found nothing" in text:
        raise AssertionError(f"the bundled roadmaps cover algorithm practice: {text}")
    assert text.startswith("From the roadmaps:"), text
    quotes = re.findall(r"^> (.+) \[(\d+)\]$", text, flags=re.M)
    assert quotes, text
    retriever = Retriever(home)
    corpus = " ".join(c.text for c in retriever.index.chunks)
    flat = re.sub(r"\s+", " ", corpus)
    for quote, _ in quotes:
        assert re.sub(r"\s+", " ", quote) in flat, f"not a sentence of the sources: {quote}"
    assert "Sources:" in text


def test_a_model_answer_loses_sentences_with_figures_nobody_gave(home: Path) -> None:
    model = ScriptedChatModel(
        replies=["Practise a little every week [1]. If you took 1 week off, 360/7 = 58 hours remain."],
        default="",
        calls=[],
    )
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    thread = coach.new_thread_id()
    text = coach.send(thread, "how should I practise algorithms?").messages[-1]
    assert "360/7" not in text and "58 hours" not in text, text
    assert "Practise a little every week [1]." in text
    assert "left out 1 sentence" in text


def test_two_questions_in_one_review_answer_are_both_answered(coach: Coach) -> None:
    thread = coach.new_thread_id()
    first = converse(coach, thread)
    assert first.review is not None
    turn = coach.resume(thread, "which of my skills transfer best? and how long would RAG take me")
    text = turn.messages[0]
    assert turn.review is not None and turn.review.draft_id == first.review.draft_id
    assert "The skills you bring" in text, text
    assert re.search(r"RAG[^.]* in Plan A: level \d to \d, [\d.]+ h of study", text), text
    both = coach.resume(thread, "which skills transfer and how long would RAG take me?").messages[0]
    assert "The skills you bring" in both and "h of study" in both, both


def test_embedded_default_says_it_found_nothing_about_a_role_no_roadmap_covers(home: Path) -> None:
    coach = Coach(Settings(home=home, model="local"), interface="test")
    thread = coach.new_thread_id()
    coach.send(thread, "hi")
    # The AI architect's phase shares "AI" with it and a cosine of 0.5: not an answer.
    text = coach.send(thread, "What does an AI product manager need to know?").messages[-1]
    assert "found nothing" in text, text
    assert "> " not in text, text
    for question in ("How do I learn Mandarin quickly?", "What does a pharmacist study?"):
        assert "found nothing" in coach.send(thread, question).messages[-1]


def test_embedded_default_answers_a_projects_question_with_projects_items(home: Path) -> None:
    coach = Coach(Settings(home=home, model="local"), interface="test")
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, {"action": "approve"})
    text = coach.send(thread, "what portfolio projects would help me get hired?").messages[-1]
    assert text.startswith("From the roadmaps:"), text
    cited = re.findall(r"^- \[\d+\] (.+), lines", text, flags=re.M)
    assert cited and all(c.endswith("> Projects") for c in cited), text


def test_quotes_stay_one_per_line_when_rendered_on_a_terminal(home: Path) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    coach = Coach(Settings(home=home, model="local"), interface="test")
    thread = coach.new_thread_id()
    coach.send(thread, "hi")
    text = coach.send(thread, "how should I practise algorithms, and for how long each week?").messages[-1]
    cited = re.findall(r"^> .+ \[(\d+)\]$", text, flags=re.M)
    assert len(cited) >= 2, text
    console = Console(force_terminal=True, width=400, record=True)
    console.print(Markdown(text))
    shown = console.export_text().splitlines()
    for n in cited:
        assert sum(f"[{n}]" in row for row in shown) >= 1
    assert not any(sum(f"[{n}]" in row for n in set(cited)) > 1 for row in shown if "▌" in row), shown
