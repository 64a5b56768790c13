"""`coach profile`: show, set one field, import a file, or clear the saved profile.

The saved profile is read and written only through agent.storage.profiles; every
change is validated as a profile file is (agent.coaching.profile_file) and saved
only when valid, so a refused change leaves the profile as it was.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from agent.interfaces.cli.common import coach as _coach
from agent.interfaces.cli.output import JsonFlag, UserOpt, emit_json, line, pass_down
from agent.interfaces.hints import user_flag
from tools.errors import InputError
from tools.models import Profile

profile_app = typer.Typer(
    help="Your saved profile: show it, set a field, import a profile file, or clear it.",
    invoke_without_command=True,
)

MAX_VALUE_CHARS = 1000
TOP_FIELDS = tuple(Profile.model_fields)
FIELDS_HELP = (
    "current_role, industry, hours_per_week, horizon_months, plan_a, plan_b, "
    "plan_a.position, plan_a.industry, plan_b.position, plan_b.industry, skills, skills.NAME"
)
NOTHING_SAVED = "No saved profile for {user} yet: `coach profile import FILE{flag}`, or tell the coach in `coach chat{flag}`."


def file_data(profile: Profile) -> dict[str, Any]:
    """The profile in the profile file's keys (whole hours shown as 8, not 8.0)."""
    data = profile.model_dump(mode="json")
    hours = data["hours_per_week"]
    if isinstance(hours, float) and hours.is_integer():
        data["hours_per_week"] = int(hours)
    return data


def summary(profile: Profile) -> str:
    """One line: role, hours, horizon, targets and how many skills."""
    return (
        f"{profile.current_role}, {profile.hours_per_week:g} hours a week over {profile.horizon_months} months; "
        f"Plan A {profile.plan_a.label()}; Plan B {profile.plan_b.label()}; {len(profile.skills)} skills rated."
    )


def _store(user: str) -> Any:
    return _coach("cli", user).persistence.store


@profile_app.callback()
def profile_show(ctx: typer.Context, as_json: JsonFlag = False, user: UserOpt = "local") -> None:
    """Show your saved profile in the profile file's keys (YAML; --json for programs)."""
    if ctx.invoked_subcommand is not None:
        pass_down(ctx, as_json=as_json, user=user)
        return
    from agent.storage.profiles import load_profile, saved_at

    store = _store(user)
    profile = load_profile(store, user)
    if as_json:
        emit_json(file_data(profile) if profile else None)
        return
    if profile is None:
        line(NOTHING_SAVED.format(user=user, flag=user_flag(user)))
        return
    # Printed as a profile file: `coach profile > me.yaml` then `coach profile import me.yaml` round-trips.
    text = yaml.safe_dump(file_data(profile), sort_keys=False, allow_unicode=True, width=10_000)
    line(f"# Saved profile of {user}, updated {saved_at(store, user)}\n{text.rstrip()}")


def _split_items(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


def parse_skills(value: str) -> dict[str, Any]:
    """'Python 4, SQL: 3' or a YAML mapping '{Python: 4, SQL: 3}' -> {name: level}."""
    if value.lstrip().startswith("{"):
        data = _yaml_mapping(value, "skills")
        return {str(k): v for k, v in data.items()}
    skills: dict[str, Any] = {}
    for item in _split_items(value):
        name, _, level = item.replace(":", " ").replace("=", " ").rpartition(" ")
        if not name.strip() or not level.strip():
            raise InputError(
                f"skills: write each skill as 'NAME LEVEL', for example 'Python 4, SQL 3' (got {item!r})."
            )
        skills[name.strip()] = level.strip()  # the level is validated with the profile
    if not skills:
        raise InputError("skills: give at least one skill, for example 'Python 4, SQL 3'.")
    return skills


def _yaml_mapping(value: str, field: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(value)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        raise InputError(
            f"{field}: {value!r} is not a mapping such as {{position: ML engineer, industry: fintech}}."
        )
    return data


def parse_target(value: str, field: str, current: dict[str, Any]) -> dict[str, Any]:
    """'ML engineer in fintech', a YAML mapping, or a position alone (keeping the industry)."""
    if value.lstrip().startswith("{"):
        return _yaml_mapping(value, field)
    from agent.coaching.numbers import find_deadline  # lazy: start-up imports stay small

    if deadline := find_deadline(value):  # "... in e-commerce within a year": the deadline is no industry
        value = value[: deadline.start()].rstrip(" ,;")
    position, sep, industry = value.rpartition(" in ")
    if not sep:
        return {"position": value.strip(), "industry": current.get("industry")}
    return {"position": position.strip(), "industry": industry.strip()}


def split_deadline(value: str, field: str) -> tuple[str, int | None]:
    """A target's value without its deadline, and the horizon in months it gives, as the chat
    reads it ('ML engineer in e-commerce within a year' -> 12); a deadline with no figure ('by
    next summer') is refused, never kept in a name."""
    from agent.coaching.numbers import find_deadline, find_horizon  # lazy: start-up imports stay small

    deadline = find_deadline(value)
    if deadline is None:
        return value, None
    amount, m = find_horizon(value)
    if amount is None or m is None or m.start() != deadline.start():
        raise InputError(
            f"{field}: '{deadline.group(0).strip()}' is a deadline, not part of a position, and gives no "
            "number of months; leave it out and set the horizon: coach profile set horizon_months 9"
        )
    return value[: deadline.start()].rstrip(" ,;"), int(amount.value)


def kept_industry_note(field: str, value: str, profile: dict[str, Any]) -> str | None:
    """'plan_b Data engineer' names no industry: say which one it kept, and how to change it."""
    if field not in ("plan_a", "plan_b", "plan_a.position", "plan_b.position"):
        return None
    if value.lstrip().startswith("{") or " in " in f" {value.strip()} ":
        return None
    target = profile[field.split(".")[0]]
    return (
        f"{field.split('.')[0]} keeps its industry, {target['industry']}: to change it, write "
        f"'{target['position']} in INDUSTRY' (or set {field.split('.')[0]}.industry)."
    )


def apply_change(data: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    """A copy of the profile data with FIELD set from the text VALUE (validated later)."""
    new = {**data, "skills": dict(data.get("skills") or {})}
    head, _, sub = field.partition(".")
    if head not in TOP_FIELDS or (sub and head not in ("plan_a", "plan_b", "skills")):
        raise InputError(f"There is no profile field {field!r}. Fields: {FIELDS_HELP}.")
    if head in ("plan_a", "plan_b"):
        target = dict(new.get(head) or {})
        if sub and sub not in ("position", "industry"):
            raise InputError(f"There is no profile field {field!r}; {head} has position and industry.")
        if not value.lstrip().startswith("{"):
            value, months = split_deadline(value, field)  # "ML engineer by next summer"
            if months:
                new["horizon_months"] = months
        new[head] = {**target, sub: value} if sub else parse_target(value, head, target)
    elif head == "skills" and sub:
        # `skills.python` changes the skill saved as "Python" rather than adding a second one.
        sub = next((name for name in new["skills"] if name.lower() == sub.lower()), sub)
        if value.strip().lower() in ("none", "remove", "-"):
            if sub not in new["skills"]:
                raise InputError(f"skills.{sub}: there is no skill {sub!r} in the profile to remove.")
            del new["skills"][sub]
        else:
            new["skills"][sub] = value
    elif head == "skills":
        new["skills"] = parse_skills(value)
    elif head == "industry" and value.strip().lower() in ("none", "-", ""):
        new["industry"] = None
    else:
        new[head] = value
    return new


# ignore_unknown_options: a value such as -3 is the VALUE (and refused as hours), not an option.
@profile_app.command("set", context_settings={"ignore_unknown_options": True})
def profile_set(
    field: Annotated[str, typer.Argument(metavar="FIELD", help=f"One of: {FIELDS_HELP}.")],
    value: Annotated[
        str,
        typer.Argument(metavar="VALUE", help="The new value, e.g. 12, 'ML engineer in fintech', 'Python 4'."),
    ],
    user: UserOpt = "local",
) -> None:
    """Change one field of your saved profile; a value that does not validate changes nothing."""
    from agent.coaching.profile_file import profile_from_data
    from agent.storage.profiles import load_profile, save_profile

    if len(value) > MAX_VALUE_CHARS:
        raise InputError(f"{field}: the value is {len(value)} characters; keep it under {MAX_VALUE_CHARS}.")
    store = _store(user)
    current = load_profile(store, user)
    if current is None:
        raise InputError(NOTHING_SAVED.format(user=user, flag=user_flag(user)))
    data = apply_change(file_data(current), field.strip(), value.strip())
    shown = value if len(value) <= 60 else value[:57] + "..."
    profile = profile_from_data(data, f"Refused {field} = {shown!r}: the profile")
    save_profile(store, user, profile)
    line(f"Saved {field} for {user}. Now: {summary(profile)}")
    if (note := kept_industry_note(field.strip(), value, profile.model_dump())) is not None:
        line(note)


@profile_app.command("import")
def profile_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A profile YAML file (see the README).")],
    user: UserOpt = "local",
) -> None:
    """Replace your saved profile with a profile file, checked as `coach plan --profile` checks it."""
    from agent.coaching.profile_file import load_profile as load_file
    from agent.storage.profiles import save_profile

    profile = load_file(file)  # validated before anything is opened or changed
    save_profile(_store(user), user, profile)
    line(f"Saved the profile of {user} from {file}: {summary(profile)}")


@profile_app.command("clear")
def profile_clear(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    user: UserOpt = "local",
) -> None:
    """Forget your saved profile (saved plans are kept). Asks first on a terminal."""
    from agent.storage.profiles import clear_profile, saved_at

    store = _store(user)
    if saved_at(store, user) is None:  # not load_profile: a profile that no longer validates can be cleared
        line(f"No saved profile for {user}; nothing to clear.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("No terminal to confirm on: pass --yes to clear the saved profile.")
        if not typer.confirm(f"Clear the saved profile of {user}? Saved plans are kept.", default=False):
            line("Nothing changed.")
            return
    clear_profile(store, user)
    line(f"Cleared the saved profile of {user}. Saved plans are kept.")
