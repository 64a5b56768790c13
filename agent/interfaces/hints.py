"""What each interface adds to the graph's interface-neutral text: where to find things.

The graph says "Plan saved as version 3."; a terminal user is told the command that
shows it, a Slack user is not told about commands they cannot run.
"""

from __future__ import annotations

import re
import shlex

_SAVED = re.compile(r"^(?:Plan saved as version|This plan was already saved as version) (\d{1,6})\.")


def user_flag(user: str | None) -> str:
    """' --user NAME' for a command hint when the command was run for someone other than
    the default user ('' for local): a hint without it points at the wrong person's data."""
    return "" if user in (None, "local") else f" --user {shlex.quote(str(user))}"


def with_terminal_hint(text: str, repl: bool, user: str | None = None) -> str:
    """The text, with how to see a saved plan from the REPL (in the session, so for its
    user already) or the shell (`--user` carried when one was given)."""
    m = _SAVED.match(text)
    if m is None:
        return text
    version = m.group(1)
    how = f"/plans {version}" if repl else f"`coach plans show {version}{user_flag(user)}`"
    return f"{text} See it with {how}."
