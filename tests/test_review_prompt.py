"""The `coach plan` prompt reads review answers like the chat: the installed command on a
real terminal (pexpect), a 'yes but' edit, an unclear answer, then approval."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

COACH = str(Path(sys.executable).with_name("coach"))
PROMPT = r"Approve, edit \(say what to change\) or reject\?"


@pytest.mark.skipif(sys.platform != "linux", reason="pty")
def test_coach_plan_prompt_understands_answers(home: Path, profile_file: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "TERM": "dumb", "COACH_HOME": str(home), "COACH_MODEL": "fake", "COLUMNS": "200"}
    child = pexpect.spawn(
        COACH, ["plan", "--profile", str(profile_file)], env=env, encoding="utf-8", timeout=180, use_poll=True
    )
    try:
        child.expect(PROMPT)
        child.sendline("ok but make it 12 hours")  # an edit, never an approval
        child.expect("Recomputing with your changes: 12 hours a week")
        child.expect(PROMPT)
        child.sendline("dance")  # unclear: asked back, the same draft waits
        child.expect("did not understand")
        child.expect(PROMPT)
        child.sendline("which of my skills transfer best?")
        child.expect("still waiting")
        child.expect(PROMPT)
        child.sendline("looks good, save it")
        child.expect("Plan saved as version 1")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
