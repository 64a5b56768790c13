"""`coach postings`: job postings a person adds as evidence for a position's skills."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.interfaces.cli.common import coach as _coach
from agent.interfaces.cli.common import err
from agent.interfaces.cli.output import JsonFlag, UserOpt, emit_json, line, show_table
from agent.interfaces.hints import user_flag
from tools.errors import InputError
from tools.models import Profile

postings_app = typer.Typer(help="Job postings: evidence for the skills of a position.", no_args_is_help=True)
MAX_FILES = 200


def _store(user: str) -> Any:
    # The postings table lives behind the storage interface (agent.storage.queries.PostingStore).
    return _coach("cli", user).persistence.postings


def posting_id(position: str, text: str) -> str:
    """A short id for a posting: the same text for the same position is added once."""
    return hashlib.sha256(f"{position.lower()}\n{text}".encode()).hexdigest()[:10]


def profile_postings(user: str, profile: Profile) -> dict[str, list[str]]:
    """A person's posting texts for Plan A's and Plan B's positions (by position as written)."""
    from tools.postings import postings_for

    records = _store(user).list(user)
    return {t.position: postings_for(records, t.position) for t in (profile.plan_a, profile.plan_b)}


@postings_app.command("add")
def add(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files (.md, .txt, .html, .pdf); several postings per file separated by a line of ---."
        ),
    ],
    role: Annotated[str, typer.Option("--role", help="The position these postings are for.")],
    as_json: JsonFlag = False,
    user: UserOpt = "local",
) -> None:
    """Add job postings for a position; prints what they ask for."""
    from agent.storage.records import PostingRecord
    from tools.models import Target
    from tools.postings import analyse_postings, postings_for, read_postings

    try:
        position = Target(position=role, industry="any").position
    except ValueError:
        raise InputError(
            f"--role '{role[:80]}' is not a position name (2-80 letters, digits, spaces, .,&/+#()'-)."
        ) from None
    if len(paths) > MAX_FILES:
        raise InputError(f"At most {MAX_FILES} files at once.")
    records: list[Any] = []
    for path in paths:
        try:
            texts = read_postings(path)
        except InputError as exc:
            line(f"skipped: {exc}", err)
            continue
        for i, text in enumerate(texts, 1):
            records.append(
                PostingRecord(
                    posting_id=posting_id(position, text),
                    user_id=user,
                    position=position,
                    source=f"{path.name}#{i}" if len(texts) > 1 else path.name,
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                    text=text,
                )
            )
    if not records:
        raise InputError("No postings added: no file could be read.")
    store = _store(user)
    added = store.add(records)
    evidence = evidence_rows(analyse_postings(postings_for(store.list(user), position), position))
    if as_json:
        emit_json(
            {
                "position": position,
                "added": added,
                "already_there": len(records) - added,
                "evidence": evidence,
            }
        )
        return
    line(
        f"Added {added} posting(s) for {position}"
        + (f" ({len(records) - added} already there)" if added < len(records) else "")
        + "."
    )
    if evidence:
        line("What they ask for (priority: in at least 60% of postings 1, at least 30% 2, else 3):")
        show_table(
            ["Skill", "Postings", "Priority", "In catalog"],
            [
                [
                    e["skill"],
                    f"{e['evidence']['postings']} of {e['evidence']['of']}",
                    e["priority"],
                    e["catalog"],
                ]
                for e in evidence
            ],
        )


def evidence_rows(evidence: Any, limit: int = 20) -> list[dict[str, Any]]:
    """Catalog skills and candidate phrases the postings ask for, most asked first."""
    from tools.catalog import load_catalog
    from tools.postings import priority_from_share

    cat = load_catalog()
    rows = [
        {"skill": cat.skill(skill_id).name, "count": n, "catalog": "yes"}
        for skill_id, n in evidence.skills.items()
    ] + [{"skill": c.name, "count": c.count, "catalog": "no (candidate)"} for c in evidence.candidates]
    rows.sort(key=lambda r: (-r["count"], r["skill"]))
    return [
        {
            "skill": r["skill"],
            "evidence": {"postings": r["count"], "of": evidence.of},
            "priority": priority_from_share(r["count"] / evidence.of),
            "catalog": r["catalog"],
        }
        for r in rows[:limit]
    ]


@postings_app.command("list")
def list_postings(
    role: Annotated[str | None, typer.Option("--role", help="Only this position.")] = None,
    as_json: JsonFlag = False,
    user: UserOpt = "local",
) -> None:
    """List your postings (id, position, source, first line)."""
    from tools.catalog import normalize

    everyone = _store(user).list(user)
    records = everyone
    if role:
        records = [r for r in records if normalize(r.position) == normalize(role)]
    if as_json:
        emit_json([r.model_dump(exclude={"text", "user_id"}) | {"chars": len(r.text)} for r in records])
        return
    if not records and everyone:  # there are postings, only not for this role
        others = ", ".join(dict.fromkeys(r.position for r in everyone))
        line(f"No postings for '{role}'; you have postings for: {others}.")
        return
    if not records:
        line(f"No postings yet. Add some with `coach postings add FILE... --role POSITION{user_flag(user)}`.")
        return
    show_table(
        ["Id", "Position", "Source", "First line", "Added"],
        [[r.posting_id, r.position, r.source, _first_line(r.text), r.added] for r in records],
    )


def _first_line(text: str) -> str:
    return next((ln.strip(" #") for ln in text.splitlines() if ln.strip()), "")[:60]


@postings_app.command("remove")
def remove(
    ids: Annotated[list[str] | None, typer.Argument(help="Posting ids from `coach postings list`.")] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Remove every posting for this position.")
    ] = None,
    user: UserOpt = "local",
) -> None:
    """Remove postings by id, or all of a position's with --role."""
    from tools.catalog import normalize

    if not ids and not role:
        raise InputError("Name posting ids (see `coach postings list`) or --role POSITION.")
    store = _store(user)
    wanted = list(ids or [])
    if role:
        wanted += [r.posting_id for r in store.list(user) if normalize(r.position) == normalize(role)]
    removed = [pid for pid in dict.fromkeys(wanted) if store.remove(user, pid)]
    missing = [pid for pid in ids or [] if pid not in removed]
    line(f"Removed {len(removed)} posting(s).")
    if missing:
        line(f"Not found among your postings: {', '.join(missing)}", err)
