"""Scripted people through the real graph, for `coach eval conversations`.

Each persona talks to a real `Coach` (SQLite checkpoints and store in a temporary
COACH_HOME, the bundled index, the real gap engine) with either the scripted fake
model or the embedded default. Every message is scored like a single message (from
the `understood` record the route node leaves in the state); the persona's profile,
turns to a first draft, review answers and saved plans are checked at the end.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from agent.coaching.parsing import Understood
from agent.coaching.targets import default_industry
from agent.runtime.session import Coach, Settings, Turn
from agent.storage.plans import list_plans
from tools.catalog import normalize


def _coach(home: Path, model: str, user: str) -> Coach:
    if model == "fake":
        from agent.llm.models import ScriptedChatModel

        chat = ScriptedChatModel(replies=[], default="Start with the first milestone [1].")
        return Coach(Settings(home=home, model="fake"), user_id=user, interface="test", chat_model=chat)
    return Coach(Settings(home=home, model=model), user_id=user, interface="test")


def _profile_failures(pid: str, want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    out: list[str] = []
    simple = {"current_role": "current_role", "hours": "hours_per_week", "horizon": "horizon_months"}
    for key, field in simple.items():
        same_number = key == "hours" and key in want and float(got.get(field) or 0) == float(want[key])
        if key in want and str(got.get(field)).lower() != str(want[key]).lower() and not same_number:
            out.append(f"{pid}: profile {field} is {got.get(field)!r}, expected {want[key]!r}")
    for key in ("plan_a", "plan_b"):
        if key in want:
            have = got.get(key) or {}
            pair = (normalize(str(have.get("position", ""))), normalize(str(have.get("industry", ""))))
            if pair != (normalize(want[key][0]), normalize(want[key][1])):
                out.append(f"{pid}: profile {key} is {have}, expected {want[key]}")
    for name, level in (want.get("skills") or {}).items():
        levels = {normalize(k): v for k, v in (got.get("skills") or {}).items()}
        if levels.get(normalize(str(name))) != level:
            out.append(f"{pid}: profile skill {name} is {levels.get(normalize(str(name)))}, expected {level}")
    return out


def _say(coach: Coach, thread: str, step: dict[str, Any], tally: Any, pid: str, failures: list[str]) -> Turn:
    before_values = coach.values(thread)
    default = default_industry(before_values.get("profile") or {}, before_values.get("asking"))
    turn = coach.send(thread, step["say"])
    values = coach.values(thread)
    raw = values.get("understood")
    if raw is not None:
        tally.add(f"{pid}", step["say"], Understood.model_validate(raw), step, default)
    reply = "\n".join(turn.messages)
    if "reply_has" in step and step["reply_has"] not in reply:
        failures.append(f"{pid}: reply to {step['say'][:40]!r} lacks {step['reply_has']!r}: {reply[:160]!r}")
    return turn


def run_persona(persona: dict[str, Any], home: Path, model: str, tally: Any) -> dict[str, Any]:
    """One persona end to end; its failures, turns to a first draft and wrong saves."""
    from agent.coaching.review_answers import classify_review_answer

    pid = persona["id"]
    coach = _coach(home, model, pid)
    store = coach.persistence.store
    failures: list[str] = []
    thread = coach.new_thread_id()
    drafted_at = None
    for n, step in enumerate(persona["turns"], start=1):
        turn = _say(coach, thread, step, tally, pid, failures)
        if turn.review is not None:
            drafted_at = n
            break
    if drafted_at is None:
        failures.append(f"{pid}: no draft after {len(persona['turns'])} messages")
    elif drafted_at > persona.get("draft_within", 99):
        failures.append(
            f"{pid}: first draft after {drafted_at} messages, expected <= {persona['draft_within']}"
        )
    failures += _profile_failures(
        pid, persona.get("profile") or {}, coach.values(thread).get("profile") or {}
    )
    saved_wrongly = 0
    for answer in persona.get("review") or [] if drafted_at else []:
        kind = classify_review_answer(answer["say"]).kind
        # An answer to the coach's own ask-back ("where i am now" to "are those your levels
        # now?") means nothing alone: it is judged by what the coach did with it.
        if kind != answer["action"] and not answer.get("after_ask"):
            failures.append(
                f"{pid}: review answer {answer['say']!r} read as {kind}, expected {answer['action']}"
            )
        saved_before = len(list_plans(store, pid))
        if coach.pending_review(thread) is None:
            failures.append(f"{pid}: no review open for {answer['say']!r}")
            break
        reply = "\n".join(coach.resume(thread, answer["say"]).messages)
        if "reply_has" in answer and answer["reply_has"] not in reply:
            failures.append(
                f"{pid}: reply to {answer['say'][:40]!r} lacks {answer['reply_has']!r}: {reply[:160]!r}"
            )
        if answer["action"] != "approve" and len(list_plans(store, pid)) > saved_before:
            saved_wrongly += 1
            failures.append(f"{pid}: {answer['say']!r} ({answer['action']}) saved a plan")
    for step in persona.get("after") or []:
        if step.get("session") == "new":
            thread = coach.new_thread_id()
            continue
        _say(coach, thread, step, tally, pid, failures)
    if "saved" in persona and len(list_plans(store, pid)) != persona["saved"]:
        failures.append(f"{pid}: {len(list_plans(store, pid))} plans saved, expected {persona['saved']}")
    return {"failures": failures, "drafted_at": drafted_at, "saved_wrongly": saved_wrongly}


def run_personas(tally: Any, model: str) -> dict[str, Any]:
    """Every persona in one temporary COACH_HOME (each its own user: stores never mix)."""
    from evals.conversations import load

    personas = load("conversations_personas.yaml")["personas"]
    result: dict[str, Any] = {
        "count": len(personas),
        "turns_to_draft": [],
        "saved_wrongly": 0,
        "failures": [],
    }
    home = Path(tempfile.mkdtemp(prefix="coach-eval-conversations-"))
    built = Settings.from_env().home / "index"
    if built.is_dir():  # reuse the person's built index rather than embed the roadmaps again
        shutil.copytree(built, home / "index")
    try:
        for persona in personas:
            one = run_persona(persona, home, model, tally)
            result["failures"] += one["failures"]
            result["saved_wrongly"] += one["saved_wrongly"]
            if one["drafted_at"] is not None:
                result["turns_to_draft"].append(one["drafted_at"])
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return result
