"""`coach sessions`, `coach replay` and `coach slack`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from agent.interfaces.cli.common import coach as _coach
from agent.interfaces.cli.common import out
from agent.interfaces.cli.output import JsonFlag, as_data, emit_json, line, show_table
from tools.errors import InputError


def _days(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhw]?)\s*", text)
    if not m:
        raise InputError(f"--purge-older-than takes a duration such as 30d, 12h or 2w, not {text!r}.")
    return float(m.group(1)) * {"": 1, "d": 1, "h": 1 / 24, "w": 7}[m.group(2)]


def sessions(
    user: Annotated[
        str | None, typer.Option("--user", help="Whose sessions (default: local, as for every command).")
    ] = None,
    all_users: Annotated[bool, typer.Option("--all-users", help="Every user's sessions.")] = False,
    as_json: JsonFlag = False,
    purge: Annotated[
        str | None, typer.Option("--purge-older-than", help="Delete sessions idle longer, e.g. 30d.")
    ] = None,
) -> None:
    """List your sessions (user, interface, started, last turn, turns, committed plans)."""
    if all_users and user is not None:
        raise InputError("Give --user NAME or --all-users, not both.")
    coach = _coach("cli")
    if purge is not None:
        from agent.replay.runner import purge as purge_sessions

        gone = purge_sessions(coach, _days(purge))
        if as_json:
            emit_json({"purged": gone})
        else:
            line(f"Purged {len(gone)} sessions idle for more than {purge}.")
        return
    # The same user as every other command by default (`--user`, else local).
    who = None if all_users else (user or coach.user_id)
    rows = [as_data(row) for row in coach.persistence.sessions.list(who)]
    for row in rows:
        outcomes = [
            as_data(o).get("committed") for o in coach.persistence.recordings.outcomes(row["thread_id"])
        ]
        row["committed_plans"] = len({as_data(c)["version"] for c in outcomes if c})
    if as_json:
        emit_json(rows)
        return
    if not rows:
        line(
            "No sessions yet."
            if who is None
            else f"No sessions for {who} yet (--all-users lists everyone's)."
        )
        return
    keys = ("thread_id", "user_id", "interface", "started", "last_turn", "turns", "committed_plans")
    show_table(
        ["session", "user", "interface", "started", "last turn", "turns", "plans"],
        [[r[k] for k in keys] for r in rows],
    )


def _sets(pairs: list[str]) -> dict[str, str]:
    out_: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set takes key=value (for example profile.hours_per_week=12), not {pair!r}.")
        out_[key.strip()] = value.strip()
    return out_


def replay(
    thread: Annotated[str | None, typer.Argument(help="The session id (see `coach sessions`).")] = None,
    step: Annotated[int | None, typer.Option("--step", help="Show the full state at this step.")] = None,
    as_json: JsonFlag = False,
    rerun_: Annotated[
        bool, typer.Option("--rerun", help="Re-run with the recorded model outputs; report divergences.")
    ] = False,
    from_step: Annotated[
        int | None, typer.Option("--from", help="Start the re-run or fork at this step.")
    ] = None,
    live: Annotated[
        bool, typer.Option("--live", help="With --rerun: call the configured model instead.")
    ] = False,
    fork_: Annotated[bool, typer.Option("--fork", help="Fork from --from STEP with --set changes.")] = False,
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="key=value for --fork (repeatable).")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Write a replay bundle to this file.")
    ] = None,
    redact: Annotated[bool, typer.Option("--redact", help="With --export: replace personal data.")] = False,
    import_: Annotated[
        Path | None, typer.Option("--import", help="Replay a bundle as a new session here.")
    ] = None,
    langfuse_session: Annotated[
        str | None,
        typer.Option(
            "--langfuse-session",
            help="Show a Langfuse session's observations (with --rerun: re-run it from them).",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Whose session: THREAD must be theirs (default: any). With --import: who imports it (local).",
        ),
    ] = None,
) -> None:
    """Debug a past session: its timeline, a deterministic re-run, a fork, or a bundle."""
    from agent.replay import runner as rp

    coach = _coach("replay", user or "local")
    if import_ is not None:
        imported = rp.import_bundle(coach, import_)
        _show(imported, as_json)
        if imported["divergences"]:  # a check that failed, as a diverging re-run
            raise typer.Exit(1)
        return
    if langfuse_session is not None:
        from agent.replay import langfuse_pull

        if rerun_:  # from the Langfuse traces alone: no database needed
            result = langfuse_pull.rerun(coach, langfuse_session)
            _show(result, as_json)
            if result["divergences"]:
                raise typer.Exit(1)
            return
        _show_timeline(langfuse_pull.observations(langfuse_session), as_json)
        return
    if not thread:
        raise InputError(
            "Name a session: `coach replay THREAD` (see `coach sessions`), or use --import FILE."
        )
    if user is not None:
        _check_owner(coach, thread, user)
    if export is not None:
        _show(rp.export_bundle(coach, thread, export, redact), as_json)
    elif fork_:
        if from_step is None or not sets:
            raise InputError("--fork needs --from STEP and at least one --set key=value.")
        _show(rp.fork(coach, thread, from_step, _sets(sets)), as_json)
    elif rerun_:
        result = rp.rerun(coach, thread, from_step, live)
        _show(result, as_json)
        if result["divergences"]:
            raise typer.Exit(1)
    elif step is not None:
        emit_json(rp.state_at(coach, thread, step))
    else:
        _show_timeline(rp.timeline(coach, thread), as_json)


def _check_owner(coach: Any, thread: str, user: str) -> None:
    """With --user, the session must be that person's (as `coach sessions --user` lists)."""
    owner = coach.persistence.sessions.owner(thread)
    if owner is None:
        raise InputError(f"No session {thread}; `coach sessions --user {user}` lists {user}'s.")
    if owner != user:
        raise InputError(
            f"Session {thread} is not {user}'s: `coach sessions --user {user}` lists theirs "
            "(`--all-users`: everyone's), and without --user any session can be replayed."
        )


def _show(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    from agent.interfaces.cli.replay_text import result_lines

    for text in result_lines(result):
        line(text)


def _brief(value: object, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:limit]


def _show_timeline(entries: list[dict[str, object]], as_json: bool) -> None:
    if as_json:
        emit_json(entries)
        return
    for e in entries:
        head = f"step {e.get('step')}  turn {e.get('turn')}  {', '.join(e.get('nodes', []))}  {str(e.get('time', ''))[11:23]}"  # type: ignore[arg-type]
        out.print(Text(head, style="bold"), soft_wrap=True)
        if e.get("input"):
            trace = f"  (Langfuse trace {e['trace_id']})" if e.get("trace_id") else ""
            line(f"  input: {json.dumps(e['input'], default=str)[:300]}{trace}")
        for key, change in (e.get("changes") or {}).items():  # type: ignore[attr-defined]
            line(f"  {key}: {change}")
        for call in e.get("calls") or []:  # type: ignore[attr-defined]
            tokens = (
                f", {call['tokens_in']}->{call['tokens_out']} tokens"
                if call.get("tokens_in") is not None
                else ""
            )
            shown = _brief(call["output"])  # JSON, not Python's repr of a list
            line(
                f"  {call['kind']} {call['name']}({_brief(call['input'])}) -> {shown} [{call['latency_ms']} ms{tokens}]"
            )
        for draft in e.get("interrupts") or []:  # type: ignore[attr-defined]
            line(f"  interrupt: plan review of draft {draft}")


def slack(
    http: Annotated[
        bool, typer.Option("--http", help="Serve HTTP (Events API URL) instead of Socket Mode.")
    ] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port for --http.")] = 3000,
    host: Annotated[
        str, typer.Option("--host", help="Address for --http; 127.0.0.1 unless a proxy needs another.")
    ] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Worker processes for --http.")
    ] = 1,
) -> None:
    """Run the coach in Slack: Socket Mode (SLACK_APP_TOKEN) or HTTP (--http) under uvicorn."""
    from agent.interfaces.slack import app as slack_app

    slack_app.settings_from_env(http)  # one clear line before anything loads
    if http:
        from agent.interfaces.slack.server import serve

        serve(host=host, port=port, workers=workers)
    else:
        slack_app.run(_coach("slack"))
