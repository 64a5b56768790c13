"""`coach`: the command line. Commands are thin: they parse arguments, call the
coach, and print. Errors become one line; --debug shows the traceback.

Conventions every command follows (tests/test_cli.py checks them on the real command):
`-h`/`--help` and `--version` on every command and sub-command (added to the whole
command tree in `command()`, so a new command gets them too); `--json` on every command
that lists or reports (agent.interfaces.cli.output); exit codes 0 ok, 1 unexpected error
or a failed check, 2 user error (bad input, a missing file, a setting to fix).
"""

from __future__ import annotations

import atexit
import gc
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.interfaces.cli.common import coach as _coach
from agent.interfaces.cli.common import err, error_line, out, styled
from agent.interfaces.cli.knowledge import eval_app, ingest, kb_app, search
from agent.interfaces.cli.output import (
    JsonFlag,
    UserOpt,
    as_data,
    emit_json,
    line,
    pass_down,
    show_markdown,
    show_table,
)
from agent.interfaces.cli.postings import postings_app
from agent.interfaces.cli.profiles import profile_app
from agent.interfaces.cli.sessions import replay, sessions, slack
from agent.interfaces.hints import user_flag, with_terminal_hint
from tools.errors import CoachError, InputError

HELP_OPTIONS = ["-h", "--help"]
app = typer.Typer(
    help="A career coach: a realistic target, the skill gap in hours, and a plan you approve.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": HELP_OPTIONS},
)
plans_app = typer.Typer(help="Your saved plans.", invoke_without_command=True)
app.add_typer(plans_app, name="plans")
app.add_typer(profile_app, name="profile")
app.add_typer(postings_app, name="postings")
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")
DEBUG = False


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context) -> None:
    """With no command, open the chat."""
    if ctx.invoked_subcommand is None:
        chat()


@app.command()
def chat(
    new: Annotated[bool, typer.Option("--new", help="Start a new session.")] = False,
    thread: Annotated[str | None, typer.Option("--thread", help="Resume this session id.")] = None,
    profile: Annotated[
        Path | None,
        typer.Option("--profile", "-p", help="Start a new session from this profile file and draft at once."),
    ] = None,
    user: UserOpt = "local",
) -> None:
    """Talk with the coach (starts on your last session)."""
    from agent.coaching.profile_file import load_profile
    from agent.interfaces.repl import Repl, plain_reader, terminal_reader
    from agent.runtime.warmup import warming

    if new and thread:
        raise InputError("Pass --new or --thread, not both.")
    if profile is not None and thread:
        raise InputError("Pass --profile or --thread, not both: --profile starts a new session.")
    start = load_profile(profile) if profile is not None else None  # refused before anything opens
    coach = _coach("repl", user)
    if start is not None:
        from agent.storage.profiles import save_profile

        save_profile(coach.persistence.store, user, start)  # the file is now the person's profile
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    reader = terminal_reader(coach.settings.home / "history") if tty else plain_reader
    repl = Repl(coach, out, reader, thread_id=thread, debug=DEBUG, new=new, profile=start)
    with warming(coach):  # LangChain, LangGraph and the graph load while the person types
        repl.run()


@app.command()
def plan(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    approve: Annotated[bool, typer.Option("--approve", help="Approve without asking.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject without asking.")] = False,
    user: UserOpt = "local",
) -> None:
    """Draft a plan from a profile file, then approve or reject it."""
    from agent.coaching.profile_file import load_profile

    if approve and reject:
        raise InputError("Pass --approve or --reject, not both.")
    prof = load_profile(profile)
    coach = _coach("cli", user)
    thread_id = coach.new_thread_id()
    turn = coach.plan_from_profile(thread_id, prof)
    if turn.review is None:
        raise CoachError("The coach did not produce a plan for review; run with --debug to see why.")
    if as_json:
        emit_json(turn.review.plan)
    else:
        show_markdown(turn.review.markdown)
    if approve or reject:
        answer = "approve" if approve else "reject"
    elif sys.stdin.isatty():
        answer = typer.prompt("Approve, edit (say what to change) or reject?")
    else:
        err.print(
            f"No terminal to ask for approval; the plan waits in session {thread_id}. "
            f"Pass --approve or --reject, or answer it with `coach chat{user_flag(user)} --thread {thread_id}`."
        )
        return
    # Typed answers are read as in the chat (agent.coaching.review_answers): only a clear
    # approval saves; an unclear answer or a question is answered and the plan waits.
    shown = turn.review.draft_id
    result = coach.resume(thread_id, answer)
    while result.review is not None:  # an edit loops back through review
        for text in result.messages:
            # A redraft's reply carries the gap tables: rendered like the first draft.
            show_markdown(text, err if as_json else out)
        if result.review.draft_id != shown:
            show_markdown(result.review.markdown)
            shown = result.review.draft_id
        result = coach.resume(thread_id, typer.prompt("Approve, edit (say what to change) or reject?"))
    for text in result.messages:
        line(with_terminal_hint(text, repl=False, user=user), err if as_json else out)


@app.command()
def gaps(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, one object per plan.")] = False,
    user: UserOpt = "local",
) -> None:
    """The skill-gap matrix, totals and verdict for Plan A and Plan B side by side."""
    from agent.coaching.profile_file import load_profile
    from agent.coaching.render import gaps_markdown
    from agent.interfaces.cli.gap_notes import not_counted, not_counted_markdown
    from agent.interfaces.cli.postings import profile_postings
    from tools.gap import compare_plans

    prof = load_profile(profile)
    a, b = compare_plans(prof, profile_postings(user, prof))
    if as_json:
        emit_json([r.model_dump(mode="json") | {"not_counted": not_counted(prof, r)} for r in (a, b)])
    else:
        notes = not_counted_markdown(prof, {"A": a, "B": b})
        show_markdown(gaps_markdown(a, b) + (f"\n\n{notes}" if notes else ""))


@app.command()
def explain(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    skill: Annotated[str | None, typer.Argument(help="One skill to explain (default: every figure).")] = None,
    which: Annotated[str, typer.Option("--plan", help="a or b.")] = "a",
    as_json: JsonFlag = False,
    user: UserOpt = "local",
) -> None:
    """Explain every figure of a gap report: hours, weeks, verdict and trim."""
    from agent.coaching.profile_file import load_profile
    from agent.interfaces.cli.knowledge import plan_skill
    from agent.interfaces.cli.postings import profile_postings
    from tools.explain import explain_model, explain_report
    from tools.gap import gap_report

    if which.lower() not in ("a", "b"):
        raise InputError(f"--plan takes a or b, not {which!r}.")
    prof = load_profile(profile)
    target = prof.plan_a if which.lower() == "a" else prof.plan_b
    report = gap_report(prof, target, postings=profile_postings(user, prof).get(target.position) or None)
    skill = plan_skill(report, skill) if skill else None  # an unknown skill exits 2, naming the known ones
    lines = ([] if skill else explain_model()) + explain_report(report, skill)
    if as_json:
        emit_json({"plan": which.lower(), "target": report.target.model_dump(), "lines": lines})
        return
    out.print(styled(f"Plan {which.upper()}: {report.target.label()}", "bold"))
    for text in lines:
        line(text)


def plan_summary(saved: Any) -> dict[str, Any]:
    """A saved plan as `coach plans` lists it: version, when, who approved, both targets."""
    record = as_data(saved)
    return {
        "version": record["version"],
        "saved_at": record["saved_at"],
        "draft_id": record["draft_id"],
        "approval": record.get("approval"),
        "plan_a": record["plan"]["a"]["report"]["target"],
        "plan_b": record["plan"]["b"]["report"]["target"],
    }


@plans_app.callback()
def plans_list(ctx: typer.Context, as_json: JsonFlag = False, user: UserOpt = "local") -> None:
    """List saved plan versions."""
    if ctx.invoked_subcommand is not None:
        pass_down(ctx, as_json=as_json, user=user)
        return
    from agent.storage.plans import list_plans

    rows = [plan_summary(r) for r in list_plans(_coach("cli", user).persistence.store, user)]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        who = user_flag(user)
        line(f"No saved plans yet. Draft one with `coach chat{who}` or `coach plan --profile FILE{who}`.")
        return
    label = "{position} in {industry}".format_map
    show_table(
        ["version", "saved", "Plan A", "Plan B"],
        [[f"v{r['version']}", r["saved_at"], label(r["plan_a"]), label(r["plan_b"])] for r in rows],
    )


@plans_app.command("show")
def plans_show(
    version: Annotated[int, typer.Argument(help="The version number from `coach plans`.")],
    user: UserOpt = "local",
    as_json: JsonFlag = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="md or html: the plan as the template's deliverable.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the export to this file.")
    ] = None,
) -> None:
    """Print one saved plan, or export it (--format md|html)."""
    from agent.storage.plans import get_plan

    record = get_plan(_coach("cli", user).persistence.store, user, version)
    if fmt is not None or output is not None:
        from agent.interfaces.cli.exporting import export_record

        export_record(as_data(record), fmt, output)
        return
    if as_json:
        emit_json(record)
    else:
        show_markdown(as_data(record)["markdown"])


# Commands kept in their own modules, listed after the core ones in `coach --help`.
app.command()(ingest)
app.command()(search)
app.command()(sessions)
app.command()(replay)
app.command()(slack)


def coach_version() -> str:
    """The installed package's version."""
    try:
        return package_version("career-coach")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _print_version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        line(f"coach {coach_version()}")
        raise typer.Exit()


def _version_option() -> Any:
    """A `--version` option built by typer itself (its option class is not a public API)."""
    probe = typer.Typer()

    @probe.command()
    def _probe(
        # A name no command uses for its own parameters (`plans show VERSION` has one called version).
        print_coach_version: Annotated[
            bool,
            typer.Option(
                "--version", is_eager=True, callback=_print_version, help="Show the version and exit."
            ),
        ] = False,
    ) -> None:
        """Never run: only its option is taken."""

    option = typer.main.get_command(probe).params[0]
    option.expose_value = False  # the commands never see it: it prints and exits, or does nothing
    return option


def _add_conventions(command: Any, version: Any) -> None:
    """`-h`/`--help` and `--version` on this command and every sub-command under it."""
    command.context_settings = {**(command.context_settings or {}), "help_option_names": HELP_OPTIONS}
    if not any("--version" in getattr(p, "opts", ()) for p in command.params):
        command.params.append(version)
    for sub in (getattr(command, "commands", None) or {}).values():
        _add_conventions(sub, version)


def _plain_help(command: Any) -> None:
    """Help as click's plain text on this command and every sub-command: Rich would draw
    it in boxes 80 columns wide, wrapped, in a pipe or a file."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None
    for sub in (getattr(command, "commands", None) or {}).values():
        _plain_help(sub)


# Help in a pipe: one line per option, however long (click wraps at this width).
PLAIN_WIDTH = 10_000


def command(plain: bool = False) -> Any:
    """The click command tree of `app`, with the conventions every command follows;
    `plain` (output not a terminal) gives help as plain text with lines whole."""
    cmd = typer.main.get_command(app)
    _add_conventions(cmd, _version_option())
    if plain:
        _plain_help(cmd)
        cmd.context_settings = {
            **cmd.context_settings,
            "terminal_width": PLAIN_WIDTH,
            "max_content_width": PLAIN_WIDTH,
        }
    return cmd


def main() -> None:
    """Entry point: run the CLI and turn errors into one friendly line."""
    global DEBUG
    # At exit, once everything is written and flushed (atexit runs last), what is left is
    # freeing about a thousand modules' objects one by one: 0.4 s of every command here.
    # Frozen, the interpreter's last collections skip them; the OS takes the memory back.
    atexit.unregister(gc.freeze)  # once, however often main() runs in one process (tests)
    atexit.register(gc.freeze)
    DEBUG = "--debug" in sys.argv
    if DEBUG:
        sys.argv.remove("--debug")
    try:
        # standalone_mode=False hands errors to us; `raise typer.Exit(n)` comes back as n.
        code = command(plain=not sys.stdout.isatty()).main(prog_name="coach", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CoachError as exc:
        if DEBUG:
            err.print_exception()
        err.print(error_line(str(exc)), soft_wrap=True)
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
            error_line(f"unexpected {type(exc).__name__}: {exc}. Run again with --debug for details."),
            soft_wrap=True,
        )
        sys.exit(1)
    finally:
        from agent.runtime.tracing import flush

        flush()


if __name__ == "__main__":
    main()
