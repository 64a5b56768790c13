"""Loading the hand-written profile YAML, with one clear message for each mistake."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from tools.errors import InputError
from tools.models import Profile

EXAMPLE = "see the profile example in the README"
MAX_PROFILE_BYTES = 1024 * 1024


def describe_validation(exc: ValidationError, what: str) -> str:
    """Each problem of a pydantic error as 'field: what is wrong'."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or what
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key; remove it or check its spelling"
        elif err["type"] == "missing":
            msg = "missing; add it"
        elif err["type"] == "string_pattern_mismatch":
            msg = "use letters, digits, spaces and . , & / + # ( ) ' - only, starting with a letter or digit"
        elif "less_than_equal" in err["type"] or "greater_than" in err["type"]:
            msg += f" (got {err.get('input')!r})"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def load_profile(path: Path) -> Profile:
    """Read and validate a profile file, or raise InputError naming what is wrong."""
    try:
        # A device or a FIFO would be read without end, or block: only small regular files.
        if path.exists() and (not path.is_file() or path.stat().st_size > MAX_PROFILE_BYTES):
            raise InputError(f"The profile file {path} is not a regular file of at most 1 MB; {EXAMPLE}.")
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"No profile file at {path}; create one ({EXAMPLE}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the profile file {path}: {exc}.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"The profile file {path} is not valid YAML{where}; {EXAMPLE}.") from None
    if not isinstance(data, dict):
        raise InputError(f"The profile file {path} must be a YAML mapping of keys to values; {EXAMPLE}.")
    return profile_from_data(data, f"The profile file {path}")


def profile_from_data(data: dict[str, object], source: str = "The profile") -> Profile:
    """Validate profile keys and values as a profile file's are (the same checks for
    `coach plan --profile`, `coach profile import` and `coach profile set`), or raise
    InputError starting with `source` and naming each field that is wrong."""
    unknown = sorted(set(map(str, data)) - set(Profile.model_fields))
    if unknown:
        raise InputError(
            f"{source} has unknown keys: {', '.join(unknown)}. Valid keys: {', '.join(Profile.model_fields)}."
        )
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source} has problems: {describe_validation(exc, 'profile')}.") from None
    # Any position is a valid target (issue 12): a catalog role gives its 10 skills, a
    # target's own `skills: [{name, kind, priority, target}]` overrides them, and any
    # other position gets a proposal from the nearest catalog roles and postings.
    return profile
