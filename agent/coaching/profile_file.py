"""Loading the hand-written profile YAML, with one clear message for each mistake."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

import yaml
from pydantic import ValidationError

from tools.errors import InputError
from tools.models import Profile

EXAMPLE = "see the profile example in the README"
MAX_PROFILE_BYTES = 1024 * 1024


def _where(loc: tuple[int | str, ...]) -> str:
    """'plan_a.skills[9].priority': list items counted from 1, as a person counts them."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe_validation(exc: ValidationError, what: str) -> str:
    """Each problem of a pydantic error as 'field: what is wrong'."""
    parts = []
    for err in exc.errors():
        loc = _where(err["loc"]) or what
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


class _DuplicateKey(yaml.YAMLError):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping: the plain loader
    keeps the last silently, so 'hours_per_week: 6' then 'hours_per_week: 9' planned 9."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the safe loader refuses it with its own message
            if key in seen:
                raise _DuplicateKey(f"gives '{key}' twice (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except _DuplicateKey as exc:
        raise InputError(f"The profile file {path} {exc}; keep one of them.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"The profile file {path} is not valid YAML{where}; {EXAMPLE}.") from None
    if not isinstance(data, dict):
        raise InputError(f"The profile file {path} must be a YAML mapping of keys to values; {EXAMPLE}.")
    profile = profile_from_data(data, f"The profile file {path}")
    if twice := repeated_skills(profile.skills):
        raise InputError(
            f"The profile file {path} names a skill twice under skills: {twice}; keep one of each "
            "(a skill given twice counts once, at the higher level)."
        )
    return profile


def repeated_skills(skills: dict[str, int]) -> str:
    """Pairs of skill names that are one skill written twice ('Python' and 'pyton', 'SQL'
    and 'sql'): the same name but for case and spacing, or a misspelling of a skill another
    name gives correctly. Two exact names of one skill ('AWS', 'GCP': both cloud platforms)
    are the person's own two words for it and are left alone. '' when there are none."""
    from tools.catalog import normalize
    from tools.held import read_skill

    said: dict[str, list[tuple[str, bool]]] = {}
    for name in skills:
        found = read_skill(name)
        key = found.id if found is not None else "own:" + normalize(name)
        said.setdefault(key, []).append((name, found is None or found.exact))
    pairs = []
    for key, names in said.items():
        if len(names) < 2:
            continue
        folded = {normalize(n) for n, _ in names}
        if len(folded) < len(names) or not all(exact for _, exact in names):
            listed = " and ".join(f"'{n}'" for n, _ in names)
            what = "" if key.startswith("own:") else f" (both read as {_skill_name(key)})"
            pairs.append(listed + what)
    return "; ".join(pairs)


def _skill_name(skill_id: str) -> str:
    from tools.catalog import load_catalog

    return load_catalog().skill(skill_id).name


def profile_from_data(data: dict[str, object], source: str = "The profile") -> Profile:
    """Validate profile keys and values as a profile file's are (the same checks for
    `coach plan --profile`, `coach profile import` and `coach profile set`), or raise
    InputError starting with `source` and naming each field that is wrong (unknown keys
    and the other keys' problems together, so one fix-up round is enough)."""
    unknown = sorted(set(map(str, data)) - set(Profile.model_fields))
    known = {k: v for k, v in data.items() if str(k) in Profile.model_fields}
    problems = ""
    try:
        profile = Profile.model_validate(known)
    except ValidationError as exc:
        problems = describe_validation(exc, "profile")
    if unknown:
        raise InputError(
            f"{source} has unknown keys: {', '.join(unknown)}. Valid keys: {', '.join(Profile.model_fields)}."
            + (f" Its other problems: {problems}." if problems else "")
        )
    if problems:
        raise InputError(f"{source} has problems: {problems}.")
    # Any position is a valid target (issue 12): a catalog role gives its 10 skills, a
    # target's own `skills: [{name, kind, priority, target}]` overrides them, and any
    # other position gets a proposal from the nearest catalog roles and postings.
    return profile
