"""Running the `coach` command in tests: in-process through its entry point, or as the
real installed program with stdin and stdout piped (never a terminal)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from agent.interfaces.cli import app as cli


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["coach", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


COACH = str(Path(sys.executable).with_name("coach"))


def cmd(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`coach ARGS` with stdin and stdout piped (never a terminal), in this test's COACH_HOME."""
    environ = {
        k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE")
    }
    return subprocess.run(
        [COACH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**environ, **(env or {})},
        timeout=300,
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}:\n{text}"
    return lines[0]


def command_paths() -> list[list[str]]:
    """Every command and sub-command of the real command tree, as argv lists."""
    paths: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:
        paths.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(cli.command(), [])
    return paths
