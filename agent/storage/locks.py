"""Locks that hold across processes on one machine: `flock` on a file per key.

The kernel drops a lock when its holder dies (even by SIGKILL), so a crashed worker
never leaves a thread locked. Each acquisition opens its own file description, so
threads of one process exclude each other as well as other processes do.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(folder: Path, kind: str, key: str) -> Path:
    """The lock file of one key (hashed: keys are arbitrary text)."""
    return folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.lock"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) until the block ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock
