"""What each interface adds to the graph's interface-neutral text: where to find things.

The graph says "Plan saved as version 3."; a terminal user is told the command that
shows it, a Slack user is not told about commands they cannot run.
"""

from __future__ import annotations

import re

_SAVED = re.compile(r"^(?:Plan saved as version|This plan was already saved as version) (\d{1,6})\.")


def with_terminal_hint(text: str, repl: bool) -> str:
    """The text, with how to see a saved plan from the REPL or the shell."""
    m = _SAVED.match(text)
    if m is None:
        return text
    version = m.group(1)
    how = f"/plans {version}" if repl else f"`coach plans show {version}`"
    return f"{text} See it with {how}."
