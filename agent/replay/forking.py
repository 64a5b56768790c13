"""What `coach replay THREAD --fork --from STEP --set key=value` may change, checked
before the graph runs: the profile's fields, each validated as a profile file's are.
An unknown key or a value the profile would refuse is one InputError naming the key and
what it takes; nothing runs."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from tools.errors import InputError
from tools.models import Profile

_TARGETS = ("plan_a", "plan_b")
# What each settable key takes, said when a value is refused.
EXPECTED = {
    "current_role": "a role name of 2-80 characters",
    "industry": "an industry name, or null",
    "hours_per_week": "a number of hours above 0 and at most 80",
    "horizon_months": "a whole number of months from 1 to 36",
    "plan_a": 'a target such as {"position": "ML engineer", "industry": "fintech"}',
    "plan_b": 'a target such as {"position": "ML engineer", "industry": "fintech"}',
    "position": "a position name (letters, digits, spaces and . , & / + # ( ) ' -)",
    "skills": 'skills and levels such as {"Python": 4, "SQL": 3}',
    "skills.NAME": "a level from 0 to 5",
}
SETTABLE = ", ".join(
    [f"profile.{f}" for f in Profile.model_fields]
    + [f"profile.{t}.{p}" for t in _TARGETS for p in ("position", "industry")]
    + ["profile.skills.NAME"]
)


def _parse_value(raw: str) -> Any:
    """JSON when the text is JSON (20, null, {...}), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _path(key: str) -> list[str]:
    """The profile path a --set key names, or InputError listing the keys there are."""
    head, _, rest = key.partition(".")
    parts = rest.split(".") if rest else []
    if head == "profile" and parts and parts[0] in Profile.model_fields:
        top = parts[0]
        if len(parts) == 1:
            return parts
        if top in _TARGETS and len(parts) == 2 and parts[1] in ("position", "industry"):
            return parts
        if top == "skills" and len(parts) >= 2:
            return [top, ".".join(parts[1:])]  # a skill name may hold a dot ("Node.js")
    raise InputError(f"--set cannot change {key!r}; the keys that can be set are: {SETTABLE}.")


def _expected(parts: list[str]) -> str:
    if parts[0] == "skills" and len(parts) == 2:
        return EXPECTED["skills.NAME"]
    return EXPECTED.get(parts[-1], EXPECTED.get(parts[0], "a valid value"))


def fork_update(values: dict[str, Any], sets: dict[str, str], check_only: bool = False) -> dict[str, Any]:
    """The state update the --set pairs make to `values` (a step's state): the profile
    with each key changed and checked. `check_only` checks the keys alone."""
    paths = {key: _path(key) for key in sets}
    if check_only:
        return {}
    profile = json.loads(json.dumps(values.get("profile") or {}))
    for key, raw in sets.items():
        parts = paths[key]
        value = _parse_value(raw)
        if parts[0] == "skills" and len(parts) == 2:
            skills = dict(profile.get("skills") or {})
            # An existing skill keeps its spelling: skills.python changes "Python".
            name = next((n for n in skills if n.lower() == parts[1].lower()), parts[1])
            skills[name] = value
            profile["skills"] = skills
        elif len(parts) == 2:
            profile[parts[0]] = {**(profile.get(parts[0]) or {}), parts[1]: value}
        else:
            profile[parts[0]] = value
        _check(profile, key, raw, parts)
    return {"profile": profile}


def _check(profile: dict[str, Any], key: str, raw: str, parts: list[str]) -> None:
    """Refuse a value the profile would not take. The profile at a step may still be
    partial (intake): only problems with the key being set count."""
    try:
        Profile.model_validate({k: v for k, v in profile.items() if k in Profile.model_fields})
        return
    except ValidationError as exc:
        problems = [
            e
            for e in exc.errors()
            if e["type"] != "missing" and [str(x) for x in e["loc"][: len(parts)]][:1] == parts[:1]
        ]
    if problems:
        shown = raw if len(raw) <= 60 else raw[:57] + "..."
        first = problems[0]
        # A pattern's regex says nothing to a person; what the key takes says it all.
        why = "" if first["type"] == "string_pattern_mismatch" else f" ({str(first['msg']).rstrip('.')})"
        raise InputError(f"--set {key}={shown!r} refused: {key} takes {_expected(parts)}{why}.")
