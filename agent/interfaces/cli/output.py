"""How every `coach` command prints what it lists or reports: `--json` for programs,
Rich on a terminal, and whole lines or plain Markdown in a pipe.

When stdout is not a terminal Rich assumes 80 columns, cuts table cells
("Python enginee...") and wraps rows one word per line. So in a pipe nothing goes
through Rich's layout: lines are printed whole and tables as Markdown.

The pattern for a command that lists or reports (`coach eval conversations`,
`coach postings list`, ...):

    from agent.interfaces.cli.output import JsonFlag, emit_json, show_markdown

    @eval_app.command("conversations")
    def eval_conversations(as_json: JsonFlag = False) -> None:
        result = run()
        if as_json:
            emit_json(result)
        else:
            show_markdown(result["table"])
        if not result["ok"]:
            raise typer.Exit(1)   # a failed check exits 1, as the README says
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from agent.interfaces.cli.common import out

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of text.")]


def _user_once(ctx: typer.Context, value: str) -> str:
    """A --user given both before and after a sub-command, with two different names, is refused."""
    parent = ctx.parent
    if (
        parent is not None
        and _on_command_line(ctx, "user")
        and "user" in parent.params
        and _on_command_line(parent, "user")
        and parent.params["user"] != value
    ):
        raise typer.BadParameter(
            f"given as {parent.params['user']!r} before '{ctx.info_name}' and {value!r} after it; give it once.",
            param_hint="--user",
        )
    return value


UserOpt = Annotated[
    str, typer.Option("--user", help="Whose profile, plans and sessions.", callback=_user_once)
]


def pass_down(ctx: typer.Context, **values: Any) -> None:
    """Options given before a sub-command (`coach plans --user maria show 1`) are the
    sub-command's: each becomes its default; one it has no use for, or given again with
    another value (`--user a show 1 --user b`), is refused (exit 2), never ignored."""
    sub = ctx.invoked_subcommand
    group = ctx.command
    command = group.get_command(ctx, sub) if sub and isinstance(group, typer.core.TyperGroup) else None
    if sub is None or command is None:
        return
    given = {k: v for k, v in values.items() if _on_command_line(ctx, k)}
    params = {p.name: p for p in command.params}
    for name in given:
        flag = next(iter(o for o in getattr(ctx.command, "params", []) if o.name == name)).opts[0]
        if name not in params:
            raise typer.BadParameter(
                f"`{ctx.command_path} {sub}` has no {flag}; give it as `{ctx.command_path} {flag}` alone or drop it.",
                param_hint=flag,
            )
    ctx.default_map = {**(ctx.default_map or {}), sub: given}


def _on_command_line(ctx: Any, name: str) -> bool:
    # By name, and ctx untyped: typer carries its own copy of click (its Context and
    # ParameterSource are not the ones `typer.Context` and `click` name).
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def as_data(value: Any) -> Any:
    """A record (pydantic model) or mapping as plain JSON-able data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return dict(value) if isinstance(value, Mapping) else value


def _json_default(value: Any) -> Any:
    data = as_data(value)
    return str(value) if data is value else data  # dates, paths: as text


def emit_json(data: Any, console: Console | None = None) -> None:
    """Print data (records included) as JSON: coloured on a terminal, plain and whole in a pipe."""
    console = console or out
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    if console.is_terminal:
        console.print_json(text)
    else:
        console.print(text, markup=False, highlight=False, soft_wrap=True)


def line(text: str, console: Console | None = None) -> None:
    """One line printed exactly as written: no markup, never wrapped or cut in a pipe."""
    (console or out).print(text, markup=False, highlight=False, soft_wrap=True)


def show_markdown(text: str, console: Console | None = None) -> None:
    """Markdown rendered on a terminal, printed as it is (tables whole) in a pipe."""
    console = console or out
    if console.is_terminal:
        console.print(Markdown(text))
    else:
        line(text, console)


def _cell(value: object) -> str:
    # A "|" inside a cell would end it; a newline would end the row.
    return " ".join(str("" if value is None else value).split()).replace("|", "\\|")


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, each cell on the row's one line."""
    head = "| " + " | ".join(_cell(c) for c in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def show_table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], console: Console | None = None
) -> None:
    """A table: Rich on a terminal (long cells fold, never cut), Markdown in a pipe."""
    console = console or out
    if not console.is_terminal:
        line(markdown_table(columns, rows), console)
        return
    table = Table(*columns, show_edge=False, header_style="bold")
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(*(Text(_cell(v)) for v in row))  # Text: a "[" in a name is not markup
    console.print(table)
