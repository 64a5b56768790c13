"""`coach`: the command line. Commands are thin: they parse arguments, call the
coach, and print. Errors become one line; --debug shows the traceback."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown

from tools.errors import CoachError, InputError

app = typer.Typer(
    help="A career coach: a realistic target, the skill gap in hours, and a plan you approve.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plans_app = typer.Typer(help="Your saved plans.", invoke_without_command=True)
kb_app = typer.Typer(help="The knowledge index.")
eval_app = typer.Typer(help="Evaluations with their figures.")
app.add_typer(plans_app, name="plans")
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")
out = Console()
err = Console(stderr=True)
DEBUG = False


def _settings():  # type: ignore[no-untyped-def]
    from dotenv import load_dotenv

    from agent.session import Settings

    load_dotenv()  # secrets and settings from .env, never from arguments
    return Settings.from_env()


def _coach(interface: str = "cli", user: str = "local"):  # type: ignore[no-untyped-def]
    from agent.session import Coach

    return Coach(_settings(), user_id=user, interface=interface)  # type: ignore[arg-type]


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context) -> None:
    """With no command, open the chat."""
    if ctx.invoked_subcommand is None:
        chat()


@app.command()
def chat(
    new: Annotated[bool, typer.Option("--new", help="Start a new session.")] = False,
    thread: Annotated[str | None, typer.Option("--thread", help="Resume this session id.")] = None,
    user: Annotated[str, typer.Option("--user", help="Whose profile and plans.")] = "local",
) -> None:
    """Talk with the coach (starts on your last session)."""
    from agent.repl import Repl, plain_reader, terminal_reader

    if new and thread:
        raise InputError("Pass --new or --thread, not both.")
    coach = _coach("repl", user)
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    reader = terminal_reader(coach.settings.home / "history") if tty else plain_reader
    Repl(coach, out, reader, thread_id=thread, debug=DEBUG, new=new).run()


@app.command()
def plan(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    approve: Annotated[bool, typer.Option("--approve", help="Approve without asking.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject without asking.")] = False,
    user: Annotated[str, typer.Option("--user")] = "local",
) -> None:
    """Draft a plan from a profile file, then approve or reject it."""
    from agent.profile_file import load_profile

    if approve and reject:
        raise InputError("Pass --approve or --reject, not both.")
    prof = load_profile(profile)
    coach = _coach("cli", user)
    thread_id = coach.new_thread_id()
    turn = coach.plan_from_profile(thread_id, prof)
    if turn.review is None:
        raise CoachError("The coach did not produce a plan for review; run with --debug to see why.")
    if as_json:
        out.print_json(json.dumps(turn.review.plan))
    else:
        out.print(Markdown(turn.review.markdown))
    if approve or reject:
        action = "approve" if approve else "reject"
    elif sys.stdin.isatty():
        action = typer.prompt("Approve, edit or reject?", default="approve").strip().lower()
    else:
        err.print(
            f"No terminal to ask for approval; the plan waits in session {thread_id}. "
            "Pass --approve or --reject, or answer it with `coach chat --thread " + thread_id + "`."
        )
        return
    payload: dict[str, object] = {"action": action}
    if action in ("edit", "e"):
        payload = {"action": "edit", "feedback": typer.prompt("What should change?")}
    elif action in ("a", "r"):
        payload = {"action": {"a": "approve", "r": "reject"}[action]}
    result = coach.resume(thread_id, payload)
    while result.review is not None:  # an edit loops back through review
        out.print(Markdown(result.review.markdown))
        answer = typer.prompt("Approve, edit or reject?", default="approve").strip().lower()
        payload = (
            {"action": answer}
            if answer != "edit"
            else {"action": "edit", "feedback": typer.prompt("What should change?")}
        )
        result = coach.resume(thread_id, payload)
    for text in result.messages:
        (err if as_json else out).print(text, highlight=False)


@app.command()
def gaps(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, one object per plan.")] = False,
) -> None:
    """The skill-gap matrix, totals and verdict for Plan A and Plan B side by side."""
    from agent.profile_file import load_profile
    from agent.render import gaps_markdown
    from tools.gap import compare_plans

    a, b = compare_plans(load_profile(profile))
    if as_json:
        out.print_json(json.dumps([r.model_dump(mode="json") for r in (a, b)]))
    else:
        out.print(Markdown(gaps_markdown(a, b)))


@app.command()
def explain(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    skill: Annotated[str | None, typer.Argument(help="One skill to explain (default: every figure).")] = None,
    which: Annotated[str, typer.Option("--plan", help="a or b.")] = "a",
) -> None:
    """Explain every figure of a gap report: hours, weeks, verdict and trim."""
    from agent.profile_file import load_profile
    from tools.explain import explain_model, explain_report
    from tools.gap import gap_report

    if which.lower() not in ("a", "b"):
        raise InputError(f"--plan takes a or b, not {which!r}.")
    prof = load_profile(profile)
    report = gap_report(prof, prof.plan_a if which.lower() == "a" else prof.plan_b)
    out.print(f"[bold]Plan {which.upper()}: {report.target.label()}[/bold]", highlight=False)
    for line in ([] if skill else explain_model()) + explain_report(report, skill):
        out.print(line, highlight=False)


@plans_app.callback()
def plans_list(ctx: typer.Context, user: Annotated[str, typer.Option("--user")] = "local") -> None:
    """List saved plan versions."""
    if ctx.invoked_subcommand is not None:
        return
    from agent.plans import list_plans

    coach = _coach("cli", user)
    records = list_plans(coach.persistence.store, user)
    if not records:
        out.print("No saved plans yet. Draft one with `coach chat` or `coach plan --profile FILE`.")
        return
    for r in records:
        a = r["plan"]["a"]["report"]["target"]
        b = r["plan"]["b"]["report"]["target"]
        out.print(
            f"v{r['version']}  {r['saved_at']}  A: {a['position']} in {a['industry']}  B: {b['position']} in {b['industry']}",
            highlight=False,
        )


@plans_app.command("show")
def plans_show(
    version: Annotated[int, typer.Argument(help="The version number from `coach plans`.")],
    user: Annotated[str, typer.Option("--user")] = "local",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print one saved plan."""
    from agent.plans import get_plan

    record = get_plan(_coach("cli", user).persistence.store, user, version)
    if as_json:
        out.print_json(json.dumps(record))
    else:
        out.print(Markdown(record["markdown"]))


def _retriever():  # type: ignore[no-untyped-def]
    from knowledge.retriever import Retriever

    settings = _settings()
    return Retriever(settings.home, settings.embeddings)


class _Bar:
    """A Rich progress bar over embedding, shown only on a terminal."""

    def __init__(self, label: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=True,
        )
        self.label = label
        self.task: object = None

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done, total=total)  # type: ignore[arg-type]


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md, .txt, .html, .pdf).")],
    prune: Annotated[
        bool, typer.Option("--prune", help="Drop the chunks of files that no longer exist.")
    ] = False,
) -> None:
    """Add roadmaps to what the coach knows (unchanged files are not embedded again)."""
    retriever = _retriever()
    with _Bar("embedding chunks") as bar:
        report = retriever.ingest(paths, prune=prune, progress=bar)
    for source, why in report.skipped:
        out.print(f"skipped {source}: {why}", highlight=False)
    out.print(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; {report.chunks_embedded} chunks embedded "
        f"in {report.seconds:.1f} s; {report.total_chunks} chunks in the index.",
        highlight=False,
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for in the roadmaps.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of hits.")] = False,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or bm25.")] = "hybrid",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    role: Annotated[str | None, typer.Option("--role", help="Only passages about this role.")] = None,
    diversity: Annotated[float, typer.Option("--mmr", min=0.0, max=1.0, help="MMR diversity, 0-1.")] = 0.0,
) -> None:
    """Show the roadmap passages the coach would retrieve, with citations and scores."""
    from tools.catalog import require_role

    if not query.strip():
        raise InputError("The query is empty; give some words to search for.")
    if mode not in ("hybrid", "dense", "bm25"):
        raise InputError(f"--mode takes hybrid, dense or bm25, not {mode!r}.")
    role_id = require_role(role).id if role else None
    hits = _retriever().search(query, k=k, mode=mode, sources=source, role=role_id, diversity=diversity)
    if as_json:
        out.print_json(json.dumps([h.to_dict() for h in hits]))
        return
    if not hits:
        out.print("No passages found.")
    for i, h in enumerate(hits, start=1):
        out.print(f"[bold][{i}][/bold] {h.chunk.citation()}  score {h.score:.4f}", highlight=False)
        out.print(h.chunk.text[:400], highlight=False)
        out.print()


@kb_app.command("list")
def kb_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Sources in the index, their chunk counts, and the embedding model."""
    retriever = _retriever()
    rows = retriever.sources()
    if as_json:
        out.print_json(json.dumps({"embedding_model": retriever.embeddings.model_id, "sources": rows}))
        return
    out.print(
        f"Embedding model: {retriever.embeddings.model_id}; {len(retriever.index.chunks)} chunks.",
        highlight=False,
    )
    for r in rows:
        out.print(f"{r['chunks']:5}  {r.get('kind', '?'):7}  {r['source']}", highlight=False, soft_wrap=True)


@kb_app.command("remove")
def kb_remove(
    source: Annotated[str, typer.Argument(help="A source from `coach kb list`, or its file name.")],
) -> None:
    """Remove one source's chunks from the index."""
    removed = _retriever().remove(source)
    out.print(f"Removed {removed}.", highlight=False)


@kb_app.command("rebuild")
def kb_rebuild() -> None:
    """Rebuild the index: the bundled roadmaps and every ingested file that still exists."""
    with _Bar("embedding chunks") as bar:
        index, report = _retriever().rebuild(progress=bar)
    out.print(f"Rebuilt the index: {len(index.chunks)} chunks with {index.model_id}.", highlight=False)
    for source, why in report.skipped:
        out.print(f"skipped {source}: {why}", highlight=False)


def _days(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhw]?)\s*", text)
    if not m:
        raise InputError(f"--purge-older-than takes a duration such as 30d, 12h or 2w, not {text!r}.")
    return float(m.group(1)) * {"": 1, "d": 1, "h": 1 / 24, "w": 7}[m.group(2)]


@app.command()
def sessions(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's sessions.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    purge: Annotated[
        str | None, typer.Option("--purge-older-than", help="Delete sessions idle longer, e.g. 30d.")
    ] = None,
) -> None:
    """List sessions (user, interface, started, last turn, turns, committed plans)."""
    coach = _coach("cli")
    if purge is not None:
        from agent.replay import purge as purge_sessions

        gone = purge_sessions(coach, _days(purge))
        out.print(f"Purged {len(gone)} sessions idle for more than {purge}.", highlight=False)
        return
    rows = coach.persistence.sessions.list(user)
    for row in rows:
        outcomes = [
            t["outcome"].get("committed") for t in coach.persistence.recordings.turns(row["thread_id"])
        ]
        row["committed_plans"] = len({c["version"] for c in outcomes if c})
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        out.print("No sessions yet.")
    for r in rows:
        out.print(
            f"{r['thread_id']}  {r['user_id']}  {r['interface']}  started {r['started']}  last {r['last_turn']}  "
            f"{r['turns']} turns  {r['committed_plans']} plans",
            highlight=False,
            soft_wrap=True,
        )


def _sets(pairs: list[str]) -> dict[str, str]:
    out_: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set takes key=value (for example profile.hours_per_week=12), not {pair!r}.")
        out_[key.strip()] = value.strip()
    return out_


@app.command()
def replay(
    thread: Annotated[str | None, typer.Argument(help="The session id (see `coach sessions`).")] = None,
    step: Annotated[int | None, typer.Option("--step", help="Show the full state at this step.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The whole timeline (or result) as JSON.")] = False,
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
        str | None, typer.Option("--langfuse-session", help="Show a Langfuse session's observations.")
    ] = None,
) -> None:
    """Debug a past session: its timeline, a deterministic re-run, a fork, or a bundle."""
    from agent import replay as rp

    coach = _coach("replay")
    if import_ is not None:
        _show(rp.import_bundle(coach, import_), as_json)
        return
    if langfuse_session is not None:
        from agent.langfuse_pull import observations

        _show_timeline(observations(langfuse_session), as_json)
        return
    if not thread:
        raise InputError(
            "Name a session: `coach replay THREAD` (see `coach sessions`), or use --import FILE."
        )
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
        out.print_json(json.dumps(rp.state_at(coach, thread, step), default=str))
    else:
        _show_timeline(rp.timeline(coach, thread), as_json)


def _show(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(result, default=str))
        return
    divergences = result.get("divergences")
    for key, value in result.items():
        if key != "divergences":
            out.print(f"{key}: {value}", highlight=False, soft_wrap=True)
    if isinstance(divergences, list):
        if not divergences:
            out.print("No divergence: the same routes, tool calls and numbers as recorded.", highlight=False)
        for d in divergences:
            where = f"turn {d['turn']}" + (
                f", step {d['step']} ({d['node']})" if d.get("step") is not None else ""
            )
            out.print(
                f"DIVERGES at {where}: {d['what']}\n  recorded: {d['recorded']}\n  now:      {d['now']}",
                highlight=False,
                soft_wrap=True,
            )


def _show_timeline(entries: list[dict[str, object]], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(entries, default=str))
        return
    for e in entries:
        head = f"step {e.get('step')}  turn {e.get('turn')}  {', '.join(e.get('nodes', []))}  {str(e.get('time', ''))[11:23]}"  # type: ignore[arg-type]
        out.print(f"[bold]{head}[/bold]", highlight=False, soft_wrap=True)
        if e.get("input"):
            trace = f"  (Langfuse trace {e['trace_id']})" if e.get("trace_id") else ""
            out.print(
                f"  input: {json.dumps(e['input'], default=str)[:300]}{trace}",
                highlight=False,
                soft_wrap=True,
            )
        for key, change in (e.get("changes") or {}).items():  # type: ignore[attr-defined]
            out.print(f"  {key}: {change}", highlight=False, soft_wrap=True)
        for call in e.get("calls") or []:  # type: ignore[attr-defined]
            tokens = (
                f", {call['tokens_in']}->{call['tokens_out']} tokens"
                if call.get("tokens_in") is not None
                else ""
            )
            out.print(
                f"  {call['kind']} {call['name']}({str(call['input'])[:160]}) -> {str(call['output'])[:160]} [{call['latency_ms']} ms{tokens}]",
                highlight=False,
                soft_wrap=True,
            )
        for draft in e.get("interrupts") or []:  # type: ignore[attr-defined]
            out.print(f"  interrupt: plan review of draft {draft}", highlight=False)


@app.command()
def slack(
    http: Annotated[
        bool, typer.Option("--http", help="Serve HTTP (Events API URL) instead of Socket Mode.")
    ] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port for --http.")] = 3000,
) -> None:
    """Run the coach in Slack: Socket Mode (SLACK_APP_TOKEN) or HTTP (--http --port)."""
    from agent import slack_app

    slack_app.settings_from_env(http)  # one clear line before anything loads
    slack_app.run(_coach("slack"), http=http, port=port)


@eval_app.command("retrieval")
def eval_retrieval(
    seeds: Annotated[Path | None, typer.Option("--seeds", help="Seed documents to ingest first.")] = None,
) -> None:
    """hit@1, hit@5 and MRR of dense, BM25 and hybrid retrieval on the eval questions."""
    from evals.retrieval import run

    if seeds is not None and not seeds.is_dir():
        raise InputError(f"--seeds {seeds} is not a folder.")
    result = run(seeds)
    for note in result["notes"]:
        out.print(note, highlight=False)
    out.print(Markdown(result["table"]))
    out.print(result["verdict"], highlight=False)
    if not result["ok"]:
        raise typer.Exit(1)


@eval_app.command("plans")
def eval_plans() -> None:
    """Every golden persona through the graph; each plan checked, and judged by a capable model if set."""
    from evals.plans import configured_judge, report_lines, run

    model, name = configured_judge()
    outcome = run(judge_model=model, judge_name=name)
    out.print(Markdown("\n".join(report_lines(outcome)[:-3])))
    for line in report_lines(outcome)[-3:]:
        out.print(line, highlight=False)
    if outcome["failed"]:
        raise typer.Exit(1)


def main() -> None:
    """Entry point: run the CLI and turn errors into one friendly line."""
    global DEBUG
    DEBUG = "--debug" in sys.argv
    if DEBUG:
        sys.argv.remove("--debug")
    try:
        app(standalone_mode=False)
    except CoachError as exc:
        if DEBUG:
            err.print_exception()
        err.print(f"[red]Error:[/red] {exc}", highlight=False)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Cancelled.")
        sys.exit(130)
    except Exception as exc:
        # Usage errors (unknown command, bad option) come from the click that typer
        # bundles; they know how to print themselves with a usage hint.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        if DEBUG:
            err.print_exception()
        err.print(
            f"[red]Error:[/red] unexpected {type(exc).__name__}: {exc}. Run again with --debug for details.",
            highlight=False,
        )
        sys.exit(1)
    finally:
        from agent.tracing import flush

        flush()


if __name__ == "__main__":
    main()
