"""The Coach under concurrency, on every backend: turns on one thread are serialised
and different threads run side by side; a thread belongs to whoever wins its first
message; `--thread` of someone else's session is refused; and a worker killed between
an approval and its commit leaves a thread that finishes the commit when it resumes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import converse
from procs import spawn, start_together

from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, NotYourThread, Settings
from agent.storage.plans import list_plans
from tools.models import Profile, Target


class SlowModel(ScriptedChatModel):
    """Counts how many calls run at once. Each call waits (up to `wait` seconds) for a
    second one to join it, so two turns that may overlap do, however loaded the machine."""

    active: int = 0
    peak: int = 0
    wait: float = 0.3

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        with CHANGED:
            self.active += 1
            self.peak = max(self.peak, self.active)
            CHANGED.notify_all()
            CHANGED.wait_for(lambda: self.active >= 2, timeout=self.wait)
            self.active -= 1
        return super()._generate(messages, stop, run_manager, **kwargs)


CHANGED = threading.Condition()


def ready(coach: Coach) -> str:
    thread = coach.new_thread_id()
    converse(coach, thread)
    coach.resume(thread, "approve")
    return thread


def run_together(coach: Coach, threads: list[str]) -> None:
    workers = [
        threading.Thread(
            target=coach.send, args=(t, "How long does the statistics phase take for data scientists?")
        )
        for t in threads
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)


def test_same_thread_serialised_other_threads_concurrent(home, database_url) -> None:
    model = SlowModel(default="Two to three months [1].")
    coach = Coach(
        Settings(home=home, model="fake", database_url=database_url), chat_model=model, interface="test"
    )
    a, b = ready(coach), ready(coach)
    model.peak = 0
    run_together(coach, [a, a])
    assert model.peak == 1
    model.peak, model.wait = 0, 30.0
    run_together(coach, [a, b])
    assert model.peak == 2


def _first_message(
    coach: Coach, user: str, thread: str, text: str, gate: threading.Barrier, outcome: dict[str, str]
) -> None:
    gate.wait(timeout=30)
    try:
        coach.send(thread, text, user_id=user)
        outcome[user] = "answered"
    except NotYourThread as exc:
        outcome[user] = f"refused:{exc.owner}"


def test_two_first_messages_racing_in_a_new_thread_have_one_owner(home, database_url, model) -> None:
    settings = Settings(home=home, model="fake", database_url=database_url)
    # Two workers (each its own coach and connections), as two Slack deliveries would be.
    workers = [Coach(settings, chat_model=model, interface="slack") for _ in range(2)]
    said = {
        "slack-T1-UA": "I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2",
        "slack-T1-UB": "I'm a data analyst in healthcare with Excel 5",
    }
    for round_ in range(4):
        thread = f"slack-T1-C1-{round_}"
        gate = threading.Barrier(2)
        outcome: dict[str, str] = {}

        runs = [
            threading.Thread(target=_first_message, args=(c, u, thread, said[u], gate, outcome))
            for c, u in zip(workers, said, strict=True)
        ]
        for r in runs:
            r.start()
        for r in runs:
            r.join(timeout=120)
        owner = workers[0].persistence.sessions.owner(thread)
        other = next(u for u in said if u != owner)
        assert outcome == {owner: "answered", other: f"refused:{owner}"}
        profile = workers[0].values(thread, user_id=owner)["profile"]
        assert profile["current_role"] == ("Backend engineer" if owner.endswith("UA") else "Data analyst")
        with pytest.raises(NotYourThread):
            workers[1].values(thread, user_id=other)
    for c in workers:
        c.persistence.close()


COACH = str(Path(sys.executable).with_name("coach"))  # the installed command of this venv


def _coach_cli(
    home: Path, database_url: str | None, *args: str, stdin: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_HOME": str(home), "COACH_MODEL": "fake"}
    env.pop("COACH_DATABASE_URL", None)
    if database_url:
        env["COACH_DATABASE_URL"] = database_url
    return subprocess.run([COACH, *args], input=stdin, capture_output=True, text=True, env=env, timeout=180)


def test_chat_refuses_the_thread_of_another_user(home, database_url, model) -> None:
    alice = Coach(
        Settings(home=home, model="fake", database_url=database_url), chat_model=model, user_id="alice"
    )
    thread = alice.new_thread_id()
    alice.send(thread, "I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2")
    alice.persistence.close()
    mallory = _coach_cli(
        home, database_url, "chat", "--user", "mallory", "--thread", thread, stdin="/profile\n"
    )
    assert mallory.returncode == 2, mallory.stdout + mallory.stderr
    assert "belongs to someone else" in mallory.stderr
    assert "Backend engineer" not in mallory.stdout + mallory.stderr, "nothing of Alice's is shown"
    owner = _coach_cli(home, database_url, "chat", "--user", "alice", "--thread", thread, stdin="/profile\n")
    assert owner.returncode == 0, owner.stderr
    assert "Backend engineer" in owner.stdout


KILLABLE = """
import os, time
from pathlib import Path
import agent.storage.plans as plans
from agent.runtime.session import Coach, Settings

def stall(*args, **kwargs):
    # The window under test: the approval is recorded, the plan not yet written.
    Path(ARGS["marker"]).write_text(str(os.getpid()))
    time.sleep(600)

plans.save_plan_version = stall
coach = Coach(Settings(home=Path(ARGS["home"]), model="fake", database_url=ARGS["url"]), interface="test")
_ = coach.graph
"""


def _kill_in_the_commit_window(home: Path, database_url: str | None, thread: str, tmp_path: Path) -> None:
    marker = tmp_path / "in-window"
    marker.unlink(missing_ok=True)
    child = spawn(
        KILLABLE,
        'coach.resume(ARGS["thread"], "approve")\n',
        {"home": str(home), "url": database_url, "thread": thread, "marker": str(marker)},
    )
    start_together([child])
    deadline = time.monotonic() + 180
    while not marker.exists():  # waiting for the child to reach the window, not for time to pass
        assert child.poll() is None, child.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "the child never reached the commit"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)


@pytest.mark.parametrize("come_back_with", ["approve again", "a new message"])
def test_a_kill_between_approval_and_commit_is_finished_on_return(
    home, database_url, model, tmp_path, come_back_with
) -> None:
    settings = Settings(home=home, model="fake", database_url=database_url)
    coach = Coach(settings, chat_model=model, interface="test")
    thread = coach.new_thread_id()
    draft = converse(coach, thread).review.draft_id
    _kill_in_the_commit_window(home, database_url, thread, tmp_path)

    back = Coach(settings, chat_model=model, interface="test")
    assert list_plans(back.persistence.store, "local") == [], "the plan was not written before the kill"
    if come_back_with == "approve again":
        turn = back.resume(thread, "approve")
        assert turn.messages[0].startswith("Plan saved as version 1.")
    else:
        turn = back.send(thread, "hi")
        assert turn.messages[0].startswith("Plan saved as version 1."), turn.messages
    assert back.pending_review(thread) is None
    assert [(p.version, p.draft_id) for p in list_plans(back.persistence.store, "local")] == [(1, draft)]
    again = back.resume(thread, "approve")
    assert again.messages == ["There is no plan waiting for review on this thread."]
    for c in (coach, back):
        c.persistence.close()


PROFILE = Profile(
    current_role="Backend engineer",
    industry="fintech",
    hours_per_week=8,
    plan_a=Target(position="GenAI engineer", industry="fintech"),
    plan_b=Target(position="MLOps engineer", industry="fintech"),
    skills={"Python": 4, "SQL": 3, "Docker": 2},
)

RESUMER = """
from pathlib import Path
from agent.runtime.session import Coach, Settings
coach = Coach(Settings(home=Path(ARGS["home"]), model="fake", database_url=ARGS["url"]), interface="test")
_ = coach.graph
"""


def test_killed_at_random_points_of_an_approval_the_plan_is_saved_exactly_once(
    home, database_url, model
) -> None:
    settings = Settings(home=home, model="fake", database_url=database_url)
    coach = Coach(settings, chat_model=model, interface="test")
    rng = random.Random(14)
    drafts = []
    for hours in (8, 9, 10):  # three different drafts
        thread = coach.new_thread_id()
        profile = PROFILE.model_copy(update={"hours_per_week": hours})
        drafts.append(coach.plan_from_profile(thread, profile).review.draft_id)
        child = spawn(
            RESUMER,
            'coach.resume(ARGS["thread"], "approve")\n',
            {"home": str(home), "url": database_url, "thread": thread},
        )
        start_together([child])
        time.sleep(rng.uniform(0.0, 1.5))  # a random point of the approval turn (or after it)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
        # The person comes back and approves again: whatever the kill interrupted, the
        # draft ends up saved exactly once.
        back = Coach(settings, chat_model=model, interface="test")
        turn = back.resume(thread, "approve")
        saved = [p for p in list_plans(back.persistence.store, "local") if p.draft_id == drafts[-1]]
        assert len(saved) == 1, turn.messages
        v = saved[0].version
        told = turn.messages[0]
        # Killed before the approval: saved now. Between approval and commit: finished now
        # (or found already written). After the turn: nothing is waiting any more.
        assert told.startswith(
            (f"Plan saved as version {v}.", f"This plan was already saved as version {v}.")
        ) or (turn.messages == ["There is no plan waiting for review on this thread."]), told
        back.persistence.close()
    plans = list_plans(coach.persistence.store, "local")
    assert [p.draft_id for p in plans] == drafts and [p.version for p in plans] == [1, 2, 3]
    coach.persistence.close()
