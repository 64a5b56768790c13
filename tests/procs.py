"""Real worker processes for the concurrency tests: each child imports what it needs,
says it is ready, and waits for one line on stdin, so that all start their work at
the same moment (imports would otherwise spread them over seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = """
import json, sys
sys.path.insert(0, {root!r})
ARGS = json.loads(sys.argv[1])
{setup}
print("ready", flush=True)
sys.stdin.readline()
"""


def spawn(
    setup: str, body: str, args: dict[str, Any], env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """A child that runs `setup`, reports ready, waits for go, then runs `body`.
    The child's JSON arguments are in ARGS; what it prints is its result."""
    code = PRELUDE.format(root=str(ROOT), setup=textwrap.dedent(setup)) + textwrap.dedent(body)
    return subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
    )


def start_together(procs: list[subprocess.Popen[str]], timeout: float = 120) -> None:
    """Wait until every child is ready, then release them all at once."""
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline()
        if line.strip() != "ready":
            _, err = p.communicate(timeout=timeout)
            raise AssertionError(f"a worker failed before starting: {line}{err[-2000:]}")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()


def results(procs: list[subprocess.Popen[str]], timeout: float = 180) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of each child, in order."""
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=timeout)
        out.append((p.returncode, stdout, stderr))
    return out
