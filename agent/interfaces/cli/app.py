"""`coach`: the command line. Commands are thin: they parse arguments, call the
coach, and print. Errors become one line; --debug shows the traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown

from agent.interfaces.cli.common import coach as _coach
from agent.interfaces.cli.common import err, error_line, out, styled
from agent.interfaces.cli.knowledge import eval_app, ingest, kb_app, search
from agent.interfaces.cli.sessions import replay, sessions, slack
from tools.errors import CoachError, InputError

app = typer.Typer(
    help="A career coach: a realistic target, the skill gap in hours, and a plan you approve.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plans_app = typer.Typer(help="Your saved plans.", invoke_without_command=True)
app.add_typer(plans_app, name="plans")
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
    user: Annotated[str, typer.Option("--user", help="Whose profile and plans.")] = "local",
) -> None:
    """Talk with the coach (starts on your last session)."""
    from agent.interfaces.repl import Repl, plain_reader, terminal_reader

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
        out.print_json(json.dumps(turn.review.plan))
    else:
        out.print(Markdown(turn.review.markdown))
    if approve or reject:
        answer = "approve" if approve else "reject"
    elif sys.stdin.isatty():
        answer = typer.prompt("Approve, edit (say what to change) or reject?")
    else:
        err.print(
            f"No terminal to ask for approval; the plan waits in session {thread_id}. "
            "Pass --approve or --reject, or answer it with `coach chat --thread " + thread_id + "`."
        )
        return
    # Typed answers are read as in the chat (agent.coaching.review_answers): only a clear
    # approval saves; an unclear answer or a question is answered and the plan waits.
    shown = turn.review.draft_id
    result = coach.resume(thread_id, answer)
    while result.review is not None:  # an edit loops back through review
        for text in result.messages:
            (err if as_json else out).print(text, highlight=False)
        if result.review.draft_id != shown:
            out.print(Markdown(result.review.markdown))
            shown = result.review.draft_id
        result = coach.resume(thread_id, typer.prompt("Approve, edit (say what to change) or reject?"))
    for text in result.messages:
        (err if as_json else out).print(text, highlight=False)


@app.command()
def gaps(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="The profile YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, one object per plan.")] = False,
) -> None:
    """The skill-gap matrix, totals and verdict for Plan A and Plan B side by side."""
    from agent.coaching.profile_file import load_profile
    from agent.coaching.render import gaps_markdown
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
    from agent.coaching.profile_file import load_profile
    from tools.explain import explain_model, explain_report
    from tools.gap import gap_report

    if which.lower() not in ("a", "b"):
        raise InputError(f"--plan takes a or b, not {which!r}.")
    prof = load_profile(profile)
    report = gap_report(prof, prof.plan_a if which.lower() == "a" else prof.plan_b)
    out.print(styled(f"Plan {which.upper()}: {report.target.label()}", "bold"))
    for line in ([] if skill else explain_model()) + explain_report(report, skill):
        out.print(line, highlight=False)


@plans_app.callback()
def plans_list(ctx: typer.Context, user: Annotated[str, typer.Option("--user")] = "local") -> None:
    """List saved plan versions."""
    if ctx.invoked_subcommand is not None:
        return
    from agent.storage.plans import list_plans

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
    from agent.storage.plans import get_plan

    record = get_plan(_coach("cli", user).persistence.store, user, version)
    if as_json:
        out.print_json(json.dumps(record))
    else:
        out.print(Markdown(record["markdown"]))


# Commands kept in their own modules, listed after the core ones in `coach --help`.
app.command()(ingest)
app.command()(search)
app.command()(sessions)
app.command()(replay)
app.command()(slack)


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
