"""The previous release's code, for benches that run it side by side with this one.

A figure copied from an old README was measured on another day under another load;
this machine is shared and its load swings from 2 to 40, so a comparison is only fair
when both releases run in the same bench run. `previous_tree()` extracts the previous
release from git into a scratch folder; the benches run it with this checkout's
virtualenv (the packages are the same), in a subprocess whose PYTHONPATH puts the old
tree first.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The last commit of the previous release (2026-11-22), before the storage interface,
# migrations, thread locks and the saved-profile look-ups of issue 10.
PREVIOUS_RELEASE = "362ca3b"
REPO = Path(__file__).resolve().parent.parent


@contextmanager
def previous_tree(commit: str = PREVIOUS_RELEASE) -> Iterator[Path | None]:
    """The previous release's files in a temporary folder, or None when git or the
    commit is not available (a source archive without history)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="coach-previous-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def env_for(tree: Path | None, **extra: str) -> dict[str, str]:
    """The environment of a subprocess running `tree`'s code (this checkout's with None)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
    env["PYTHONPATH"] = str(tree or REPO)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.update(extra)
    return env
