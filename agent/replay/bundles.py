"""Replay bundles from elsewhere, refused cleanly unless they are well formed.

A bundle is a file someone sends with a bug report: nothing in it is trusted. It is
read with a size cap from a regular file only (never a device or a FIFO), parsed
with a depth limit, and validated against a schema (types, lengths, counts) before
anything is written. It is then replayed in a scratch data directory first; only
when that succeeds is it replayed here, as a new session of the importing user
(the user id in the bundle is never used). A refused bundle changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from agent.replay.index_diff import MAX_INDEX_SOURCES, IndexSource
from agent.replay.person import PersonData, StoreSection, imported_path
from agent.storage.records import PlanRecord, PostingRecord, RecordedTurn, TurnOutcome
from tools.errors import CoachError, InputError

BUNDLE_VERSION = 1
MAX_BUNDLE_BYTES = 8 * 1024 * 1024
MAX_TURNS = 200
MAX_CALLS_PER_TURN = 200
MAX_DEPTH = 16  # an exported bundle nests 7 levels deep at most
MAX_TEXT = 20_000
MAX_MESSAGE_CHARS = 4000  # what a person may send in one message (agent.runtime.session)
MAX_PROFILE_SKILLS = 100
HOW = "export one with `coach replay THREAD --export FILE`"
_SURROGATES = re.compile("[\ud800-\udfff]")

Short = Field(default=None, max_length=200)


class ToolReply(BaseModel):
    """A recorded model output that was a tool call (how structured output is answered)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    tool: str = Field(min_length=1, max_length=200)
    args: dict[str, JsonValue]


class BundleCall(BaseModel):
    """One recorded model or tool call."""

    model_config = ConfigDict(extra="forbid", strict=True)

    seq: int | None = Field(default=None, ge=0)
    n: int | None = Field(default=None, ge=0)
    kind: Literal["model", "tool"]
    name: str | None = Short
    node: str | None = Short
    step: int | None = Field(default=None, ge=-1, le=1_000_000)
    input_hash: str | None = Field(default=None, max_length=128)
    input: str | None = Field(default=None, max_length=MAX_TEXT)
    output: JsonValue = None
    tokens_in: int | None = Field(default=None, ge=0)
    tokens_out: int | None = Field(default=None, ge=0)
    latency_ms: float | int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _model_output(self) -> BundleCall:
        # The recorded outputs of model calls are fed back to the replay model:
        # text, or a tool call {"tool": name, "args": {...}}.
        if self.kind == "model":
            if isinstance(self.output, str):
                if len(self.output) > MAX_TEXT:
                    raise ValueError(f"a model output is longer than {MAX_TEXT} characters")
            elif isinstance(self.output, dict):
                ToolReply.model_validate(self.output)
            else:
                raise ValueError("a model output must be text or {'tool': name, 'args': {...}}")
        return self


class BundleTurn(BaseModel):
    """One recorded turn: its input, its outcome, its calls."""

    model_config = ConfigDict(extra="forbid", strict=True)

    seq: int = Field(ge=1, le=1_000_000)
    kind: Literal["message", "resume", "profile"]
    payload: JsonValue
    capable: bool = False
    trace_id: str | None = Field(default=None, max_length=64)
    started: str | None = Field(default=None, max_length=64)
    outcome: dict[str, JsonValue] = Field(default_factory=dict)
    calls: list[BundleCall] = Field(default_factory=list, max_length=MAX_CALLS_PER_TURN)

    @model_validator(mode="after")
    def _payload_fits_kind(self) -> BundleTurn:
        _check_payload(self.kind, self.payload)
        try:
            TurnOutcome.model_validate(self.outcome)
        except ValidationError as exc:
            raise ValueError(f"a turn's outcome is not one the coach records ({_describe(exc)})") from None
        return self


class Bundle(BaseModel):
    """A whole bundle as `coach replay --export` writes it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    version: Literal[1]
    thread: str = Field(min_length=1, max_length=200)
    user: str | None = Field(default=None, max_length=200, description="shown nowhere, never used")
    model: str | None = Short
    redacted: bool = False
    turns: list[BundleTurn] = Field(min_length=1, max_length=MAX_TURNS)
    store: StoreSection | None = None
    index: list[IndexSource] | None = Field(default=None, max_length=MAX_INDEX_SOURCES)  # at export

    def recorded_turns(self) -> list[RecordedTurn]:
        """The turns as the replay functions read them."""
        return [RecordedTurn.model_validate(t.model_dump(mode="json")) for t in self.turns]

    def person(self) -> PersonData:
        """The store items the session read (none in a bundle from before they were carried)."""
        if self.store is None:
            return PersonData()
        return PersonData(
            profile=dict(self.store.profile) if self.store.profile is not None else None,
            plans=[PlanRecord.model_validate(p) for p in self.store.plans],
            postings=[PostingRecord.model_validate(p) for p in self.store.postings],
        )


def _check_payload(kind: str, payload: Any) -> None:
    """A turn's input must be what that kind of turn takes, within the person's limits."""
    from agent.coaching.review import parse_response
    from tools.models import Profile

    if kind == "message":
        if not isinstance(payload, str) or not payload.strip():
            raise ValueError("a message turn's payload must be non-empty text")
        if len(payload.strip()) > MAX_MESSAGE_CHARS:
            raise ValueError(f"a message is longer than {MAX_MESSAGE_CHARS} characters")
    elif kind == "resume":
        if not isinstance(payload, dict | str):
            raise ValueError("a review answer must be an object or a word")
        try:
            parse_response(payload)
        except CoachError as exc:
            raise ValueError(str(exc)) from None
    else:
        if not isinstance(payload, dict):
            raise ValueError("a profile turn's payload must be an object")
        skills = payload.get("skills")
        if isinstance(skills, dict) and len(skills) > MAX_PROFILE_SKILLS:
            raise ValueError(f"a profile names more than {MAX_PROFILE_SKILLS} skills")
        # Strict: `true` is not 1 hour a week, "3" is not level 3.
        Profile.model_validate(payload, strict=True)


def _read_capped(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file; a device, FIFO or folder is refused unread."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(f"No bundle at {path}; {HOW}.") from None
    except OSError as exc:
        raise InputError(f"Cannot open the bundle {path}: {exc.strerror or exc}.") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(
            f"{path} is not a regular file ({_kind(info.st_mode)}); a bundle is a JSON file ({HOW})."
        )
    with os.fdopen(fd, "rb") as f:
        if info.st_size > limit:
            raise InputError(
                f"The bundle {path} is larger than {limit // (1024 * 1024)} MB; it cannot be one."
            )
        # A file that grows while it is read is still cut at the cap.
        data = f.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"The bundle {path} is larger than {limit // (1024 * 1024)} MB; it cannot be one.")
    return data


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_tree(value: Any) -> None:
    """Refuse nesting past MAX_DEPTH and text that is not valid Unicode (JSON can spell
    lone surrogates, which nothing downstream can store), walking iteratively."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"nests deeper than {MAX_DEPTH} levels; an exported bundle never does")
        if isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str) and _SURROGATES.search(item):
            raise InputError("holds text that is not valid Unicode (a lone surrogate)")


def _describe(exc: ValidationError) -> str:
    """The first problems of a validation error as 'turns.0.kind: ...' (bounded: keys come from the file)."""
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(x)[:40] for x in err["loc"][:8]) or "bundle"
        parts.append(f"{loc}: {str(err['msg'])[:200]}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_bundle(data: bytes, name: str = "the bundle") -> Bundle:
    """Validate a bundle's bytes, or raise InputError saying what is wrong with it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text; a bundle is a JSON file ({HOW}).") from None
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise InputError(f"{name} nests too deeply to be a bundle.") from None
    except ValueError as exc:
        raise InputError(f"{name} is not valid JSON ({str(exc)[:120]}); {HOW}.") from None
    if not isinstance(raw, dict):
        raise InputError(f"{name} is not a replay bundle (a JSON object); {HOW}.")
    if raw.get("version") != BUNDLE_VERSION or isinstance(raw.get("version"), bool):
        raise InputError(f"{name} is not a replay bundle of version {BUNDLE_VERSION}; {HOW}.")
    try:
        _check_tree(raw)
    except InputError as exc:
        raise InputError(f"{name} {exc}.") from None
    try:
        return Bundle.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"{name} is not a valid bundle: {_describe(exc)}.") from None
    except RecursionError:
        raise InputError(f"{name} nests too deeply to be a bundle.") from None


def read_bundle(path: Path) -> Bundle:
    """Read and validate a bundle file; InputError for anything that is not one."""
    return parse_bundle(_read_capped(path, MAX_BUNDLE_BYTES), f"The bundle {path}")


def import_thread_id(bundle_thread: str, fresh: str) -> str:
    """The new session's id: 'import-' plus the bundle thread's last 6 safe characters."""
    tail = re.sub(r"[^A-Za-z0-9_-]", "", bundle_thread)[-6:] or "bundle"
    return f"import-{tail}-{fresh[:6]}"


def redact_call_input(call: dict[str, Any], redact: Callable[[Any], Any]) -> None:
    """Redact a recorded call's input in place. A tool call's arguments are redacted as
    data (a URL pattern run over JSON text could cut it) and their hash recomputed, so a
    replay of the redacted bundle, which sees the redacted text, matches the recording."""
    from agent.storage.recordings import digest

    if call.get("kind") == "tool" and isinstance(call.get("input"), str):
        try:
            args = json.loads(call["input"])
        except ValueError:
            call["input"] = redact(call["input"])
            return
        args = redact(args)
        call["input"], call["input_hash"] = json.dumps(args, default=str), digest(args)
    else:
        call["input"] = redact(call.get("input"))


def _play_all(coach: Any, thread: str, turns: list[RecordedTurn]) -> None:
    """Feed every turn, each seeing the store as it was then; any failure becomes one
    InputError naming the turn."""
    from agent.replay.runner import play_turn

    for index, turn in enumerate(turns):
        coach.stage(index)
        try:
            play_turn(coach, thread, turn)
        except CoachError as exc:
            raise InputError(
                f"Turn {turn.seq} of the bundle cannot be replayed here ({exc}); nothing was imported."
            ) from exc
        except Exception as exc:  # the dry run exists to contain exactly this
            raise InputError(
                f"Turn {turn.seq} of the bundle failed when replayed ({type(exc).__name__}); "
                "nothing was imported. Run with --debug for details."
            ) from exc


def _forget(coach: Any, thread: str) -> None:
    """Best effort: remove what a failed import wrote, so the session list is unchanged."""
    persistence = coach.persistence
    for undo in (
        lambda: persistence.saver.delete_thread(thread),
        lambda: persistence.sessions.forget(thread),
        lambda: getattr(persistence.recordings, "forget", lambda _t: None)(thread),
        lambda: imported_path(coach.settings.home, thread).unlink(missing_ok=True),
    ):
        try:
            undo()
        except Exception:  # cleaning up after a failure must not hide the failure
            continue


def import_bundle(coach: Any, path: Path) -> dict[str, Any]:
    """Validate a bundle, replay it in a scratch directory, then replay it here as a new
    session of `coach.user_id`; the divergences from its recording are reported."""
    import tempfile

    from agent.replay.person import ReplayCoach, keep_imported
    from agent.replay.runner import compare, recorded_model
    from agent.runtime.session import Coach, Settings
    from knowledge.retriever import Retriever

    bundle = read_bundle(path)
    turns = bundle.recorded_turns()
    person = bundle.person()
    thread = import_thread_id(bundle.thread, Coach.new_thread_id())
    retriever = Retriever(coach.settings.home, coach.settings.embeddings)

    def replayer(home: Path) -> ReplayCoach:
        # The bundle's profile and plans are read from memory: the importing person's
        # own store is never written or read.
        settings = Settings(home=home, model=coach.settings.model, embeddings=coach.settings.embeddings)
        return ReplayCoach(
            settings,
            person,
            turns,
            user_id=coach.user_id,  # never the bundle's user
            interface="replay",
            chat_model=recorded_model(turns),
            retriever=retriever,
        )

    # A bundle that validates may still fail in the graph: prove it on a throwaway
    # database first, so that a failure leaves this data directory untouched.
    with tempfile.TemporaryDirectory(prefix="coach-import-") as tmp:
        dry = replayer(Path(tmp))
        try:
            _play_all(dry, thread, turns)
        finally:
            dry.persistence.close()
    importer = replayer(coach.settings.home)
    try:
        _play_all(importer, thread, turns)
        replayed = importer.persistence.recordings.turns(thread)
        keep_imported(coach.settings.home, thread, person, turns)
    except BaseException:
        _forget(importer, thread)
        raise
    finally:
        importer.persistence.close()
    divergences = compare(turns, replayed)
    if divergences:  # a bundle carries no ingested documents: say when that is why it departs
        from agent.replay.index_diff import explain, index_sources

        then = [i.model_dump() for i in bundle.index] if bundle.index is not None else None
        started = {t.seq: t.started for t in turns}  # when each turn ran where it was recorded
        explain(divergences, started, index_sources(coach.settings.home, coach.settings.embeddings), then)
    return {"thread": thread, "turns": len(turns), "divergences": divergences}
