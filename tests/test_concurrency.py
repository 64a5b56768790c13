"""Turns on one thread are serialised; turns on different threads run side by side."""

from __future__ import annotations

import threading
from typing import Any

from conftest import converse

from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings


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


def test_same_thread_serialised_other_threads_concurrent(home) -> None:
    model = SlowModel(default="Two to three months [1].")
    coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="test")
    a, b = ready(coach), ready(coach)
    model.peak = 0
    run_together(coach, [a, a])
    assert model.peak == 1
    model.peak, model.wait = 0, 30.0
    run_together(coach, [a, b])
    assert model.peak == 2
