"""The storage under many real processes, on every backend: a fresh data directory
opened by 30 at once, plan versions allocated by two approvers at once, and one
thread's lock held across processes."""

from __future__ import annotations

import json
from pathlib import Path

from procs import results, spawn, start_together

from agent.storage import open_storage
from agent.storage.migrations import MIGRATIONS

OPEN = """
from pathlib import Path
from agent.storage import open_storage
"""


def test_thirty_processes_open_a_fresh_data_directory_at_once(
    tmp_path: Path, database_url: str | None
) -> None:
    body = """
    s = open_storage(Path(ARGS["home"]), ARGS["url"])
    s.sessions.touch(f"t{ARGS['n']}", "ana", "test")
    assert s.events.first_time(f"e{ARGS['n']}")
    s.close()
    print("ok")
    """
    home = tmp_path / "fresh"
    procs = [spawn(OPEN, body, {"home": str(home), "url": database_url, "n": n}) for n in range(30)]
    start_together(procs)
    done = results(procs)
    failed = [err.strip().splitlines()[-1] for rc, _, err in done if rc != 0]
    assert not failed, f"{len(failed)} of 30 failed: {failed[:3]}"
    storage = open_storage(home, database_url)
    try:
        versions = storage.backend.read("SELECT version FROM coach_schema ORDER BY version")
        assert [v[0] for v in versions] == [m.version for m in MIGRATIONS], "each migration applied once"
        assert len(storage.sessions.list("ana")) == 30
    finally:
        storage.close()


APPROVER = """
from pathlib import Path
from agent.storage import open_storage
from agent.storage.plans import save_plan_version
from agent.storage.records import ApprovalRecord
s = open_storage(Path(ARGS["home"]), ARGS["url"])
"""


def test_two_processes_approving_at_once_never_share_a_version(
    tmp_path: Path, database_url: str | None
) -> None:
    # Both approve the same 25 drafts, in opposite orders: every round has two
    # approvals racing (of different drafts, and of one draft twice).
    body = """
    got = {}
    for d in ARGS["drafts"]:
        approval = ApprovalRecord(draft_id=d, by="ana", interface="test")
        got[d] = save_plan_version(s.store, "ana", d, {"draft_id": d}, "md " + d, approval)
    s.close()
    print(json.dumps(got))
    """
    home = tmp_path / "data"
    open_storage(home, database_url).close()
    drafts = [f"d{i:02d}" for i in range(25)]
    procs = [
        spawn(APPROVER, body, {"home": str(home), "url": database_url, "drafts": order})
        for order in (drafts, drafts[::-1])
    ]
    start_together(procs)
    outs = []
    for rc, stdout, stderr in results(procs):
        assert rc == 0, stderr[-2000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    for d in drafts:
        (v1, new1), (v2, new2) = outs[0][d], outs[1][d]
        assert v1 == v2, f"{d} was told two versions: {v1} and {v2}"
        assert new1 != new2, f"{d} saved {'twice' if new1 else 'never'}"
    storage = open_storage(home, database_url)
    try:
        from agent.storage.plans import list_plans

        saved = list_plans(storage.store, "ana")
        assert [p.version for p in saved] == list(range(1, 26))
        assert sorted(p.draft_id for p in saved) == drafts
        assert all(p.markdown == "md " + p.draft_id for p in saved)
    finally:
        storage.close()


LOCKER = """
import os, time
from pathlib import Path
from agent.storage import open_storage
s = open_storage(Path(ARGS["home"]), ARGS["url"])
"""


def test_a_thread_lock_holds_across_processes(tmp_path: Path, database_url: str | None) -> None:
    body = """
    log = Path(ARGS["log"])
    for _ in range(15):
        with s.thread_lock("shared-thread"):
            with log.open("a") as f:
                f.write(f"enter {os.getpid()}\\n")
            time.sleep(0.005)  # widen the window another holder would have to slip into
            with log.open("a") as f:
                f.write(f"exit {os.getpid()}\\n")
    s.close()
    """
    home, log = tmp_path / "data", tmp_path / "lock.log"
    open_storage(home, database_url).close()
    procs = [spawn(LOCKER, body, {"home": str(home), "url": database_url, "log": str(log)}) for _ in range(3)]
    start_together(procs)
    for rc, _, stderr in results(procs):
        assert rc == 0, stderr[-2000:]
    lines = log.read_text().split()
    events = list(zip(lines[0::2], lines[1::2], strict=True))
    assert len(events) == 90
    for (kind, pid), (next_kind, next_pid) in zip(events[0::2], events[1::2], strict=True):
        assert (kind, next_kind) == ("enter", "exit") and pid == next_pid, "two holders at once"
