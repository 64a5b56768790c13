"""Reading untrusted files within a per-file time and memory budget.

Parsers of PDF, HTML and text can be driven into pathological time or memory by a
crafted file, and no in-process check can stop a C parser or a regular expression
midway. So files are loaded and chunked in a child process with an address-space
limit; a file that overruns its time is skipped and the child replaced, and the
ingest goes on with the next file.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from knowledge.chunking import Chunk, chunk_markdown
from knowledge.loaders import Skip, load_text

# A 20 MB text file (the size cap) loads and chunks in a few seconds; ten times
# that is a broken or hostile file, not a slow one.
FILE_SECONDS = 30.0
FILE_MEMORY_MB = 1024
MAX_CHUNKS = 5_000  # ~6 MB of text: about five minutes of embedding on two cores
START_SECONDS = 60.0


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost."""

    seconds: float = FILE_SECONDS
    memory_mb: int = FILE_MEMORY_MB
    max_chunks: int = MAX_CHUNKS


def load_chunks(path: Path, source: str, max_chunks: int = MAX_CHUNKS) -> list[Chunk]:
    """One file's chunks, or Skip with the reason (in whichever process calls it)."""
    chunks = chunk_markdown(load_text(path), source)
    if not chunks:
        raise Skip("no text in it")
    if len(chunks) > max_chunks:
        raise Skip(f"{len(chunks)} chunks, more than the {max_chunks} a file may add; split it")
    return chunks


def _virtual_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _serve(inbox: Connection, outbox: Connection, memory_mb: int, max_chunks: int) -> None:
    """The child: load the files sent on `inbox` until it closes, answering on `outbox`."""
    try:
        # On top of what the child already maps, so the limit means the same on any machine.
        limit = _virtual_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass  # no /proc or no rlimit: the time budget still holds
    outbox.send(("ready", None))
    while True:
        try:
            path, source = inbox.recv()
        except EOFError:
            return
        reply: tuple[str, Any]
        try:
            reply = ("ok", load_chunks(Path(path), source, max_chunks))
        except Skip as why:
            reply = ("skip", str(why))
        except MemoryError:
            reply = ("skip", f"reading it needed more than {memory_mb} MB (the per-file limit)")
        except RecursionError:
            reply = ("skip", "it nests too deeply to read")
        except OSError as exc:
            reply = ("skip", f"could not read it ({exc.strerror or exc})")
        except Exception as exc:  # one bad file must never stop the others
            reply = ("skip", f"could not read it ({type(exc).__name__}: {str(exc)[:120]})")
        try:
            outbox.send(reply)
        except MemoryError:
            outbox.send(("skip", f"its chunks needed more than {memory_mb} MB (the per-file limit)"))


class Reader:
    """Loads files in a child process within a budget; use as a context manager."""

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget or Budget()
        self._proc: subprocess.Popen[bytes] | None = None
        self._inbox: Connection | None = None
        self._outbox: Connection | None = None

    def _start(self) -> tuple[Connection, Connection]:
        # A fresh interpreter (`python -m knowledge.budget`), not fork: the parent may
        # hold onnxruntime and FAISS threads, and multiprocessing's spawn would re-run
        # the parent's __main__.
        to_child_r, to_child_w = os.pipe()
        to_parent_r, to_parent_w = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        args = [str(to_child_r), str(to_parent_w), str(self.budget.memory_mb), str(self.budget.max_chunks)]
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "knowledge.budget", *args],
                pass_fds=(to_child_r, to_parent_w),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(to_parent_w)
        self._inbox = Connection(to_parent_r, writable=False)
        self._outbox = Connection(to_child_w, readable=False)
        # Start-up (an interpreter importing the parsers) is not the file's time.
        if not self._inbox.poll(START_SECONDS) or self._inbox.recv()[0] != "ready":
            self._stop()
            raise OSError("the file reader process did not start")
        return self._inbox, self._outbox

    def _stop(self) -> int | None:
        code = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            code = self._proc.wait(10)
        for conn in (self._inbox, self._outbox):
            if conn is not None:
                conn.close()
        self._proc, self._inbox, self._outbox = None, None, None
        return code

    def read(self, path: Path, source: str) -> list[Chunk]:
        """The file's chunks, or Skip: with the parser's reason, or the budget's."""
        inbox, outbox = (self._inbox, self._outbox) if self._inbox and self._outbox else self._start()
        outbox.send((os.fspath(path), source))
        if not inbox.poll(self.budget.seconds):
            self._stop()
            raise Skip(f"reading it took longer than {self.budget.seconds:g} s (the per-file limit)")
        try:
            status, value = inbox.recv()
        except (EOFError, OSError):
            code = self._stop()
            raise Skip(f"the reader stopped on it (exit code {code}); the file is damaged") from None
        if status == "skip":
            raise Skip(value)
        return list(value)

    def close(self) -> None:
        """Stop the child process."""
        self._stop()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    _in, _out, _memory, _chunks = sys.argv[1:5]
    _serve(
        Connection(int(_in), writable=False),
        Connection(int(_out), readable=False),
        int(_memory),
        int(_chunks),
    )
