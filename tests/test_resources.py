"""Files a long-lived process keeps open: a Coach closes its storage, and the default
retrievers of many homes do not each keep their index's files open for good (a test
run makes a home per test; it once held over 1,024 descriptors late in the suite)."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

from agent.graph.nodes.common import _default_retriever
from agent.llm.models import ScriptedChatModel
from agent.runtime.session import Coach, Settings


def open_files_under(folder: Path) -> int:
    """How many of this process's descriptors point at a file under `folder`."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith(str(folder))
    return count


def test_closing_a_coach_closes_its_storage(home: Path) -> None:
    coach = Coach(
        Settings(home=home, model="fake"),
        chat_model=ScriptedChatModel(replies=[], default="ok", calls=[]),
        interface="test",
    )
    coach.send(coach.new_thread_id(), "I'm a backend engineer, 6 hours a week")
    assert open_files_under(home / "coach.sqlite") > 0
    coach.close()
    assert open_files_under(home / "coach.sqlite") == 0
    # Used again after closing, it opens the storage again rather than failing.
    assert coach.last_thread() is not None
    coach.close()


def test_default_retrievers_of_many_homes_do_not_all_stay_open(tmp_path: Path, built_index: Path) -> None:
    homes = []
    for i in range(7):
        h = tmp_path / f"home{i}"
        shutil.copytree(built_index, h / "index")
        homes.append(h)
        assert len(_default_retriever(str(h), "local").index.chunks) > 0
    gc.collect()
    still_open = [h for h in homes if open_files_under(h) > 0]
    assert homes[-1] in still_open
    assert len(still_open) <= 4, still_open
