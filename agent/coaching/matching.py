"""Names a person wrote, resolved against the catalog without swapping anything silently.

A name the catalog holds (as a title or an alias) is taken. A name that is only
close to one ("ML engeneer") is not taken: the coach asks "Did you mean ML engineer?".
Anything else is either kept as written (industries, skills) or, for positions, goes
to the one unknown-role branch below (`unknown_role_reply`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from rapidfuzz import fuzz, process

from tools.catalog import load_catalog, match_industry, match_role, match_skill, normalize, role_titles
from tools.errors import InputError

How = Literal["exact", "confirm", "unknown"]
# A plain edit-distance ratio, not WRatio: WRatio scores partial matches high
# ("product manager" against "product data scientist"), which is how silent
# substitutions happened. Only typo-close names are offered as a question.
CONFIRM_RATIO = 86.0


@dataclass(frozen=True)
class Resolved:
    """What a written name resolved to: exact, to confirm, or unknown."""

    said: str
    how: How
    name: str = ""  # the catalog name (exact or suggested), or what was written


def _variants(key: str) -> list[str]:
    """'bank' -> bank, banks, banking; 'banks' -> bank: plural and -ing forms people use."""
    out = [key]
    if key.endswith("s"):
        out.append(key[:-1])
    else:
        out += [key + "s", key + "ing"]
    if key.endswith("ing"):
        out.append(key[:-3])
    return out


@cache
def _role_aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for role in load_catalog().roles:
        for alias in [role.title, *role.aliases]:
            table.setdefault(normalize(alias), role.title)
    return table


def resolve_role(said: str) -> Resolved:
    """A target position: exact catalog name or alias, a close name to confirm, or unknown."""
    key = normalize(said)
    for variant in _variants(key):
        found = match_role(variant)
        if found is not None and found.exact:
            return Resolved(said, "exact", found.name)
    table = _role_aliases()
    best = process.extractOne(key, list(table), scorer=fuzz.ratio) if key else None
    if best is not None and best[1] >= CONFIRM_RATIO:
        return Resolved(said, "confirm", table[best[0]])
    return Resolved(said, "unknown", said)


_TITLE_WORDS = (
    "engineer developer analyst scientist manager designer lead architect consultant researcher "
    "specialist director platform infrastructure machine learning data product senior junior staff "
    "principal head applied research analytics software backend frontend security cloud"
)
_ACRONYMS = {"ml": "ML", "ai": "AI", "llm": "LLM", "nlp": "NLP", "bi": "BI", "qa": "QA", "genai": "GenAI"}
SPELLING_RATIO = 85.0


@cache
def _title_vocabulary() -> frozenset[str]:
    words = set(_TITLE_WORDS.split())
    for role in load_catalog().roles:
        for alias in [role.title, *role.aliases]:
            words.update(w for w in normalize(alias).split() if len(w) >= 4)
    return frozenset(words)


def spelling_fix(position: str) -> str:
    """'ml platfrom lead' -> 'ML platform lead': a word one typo away from a word of the
    catalog's titles is corrected (the caller asks before using it); short words and
    words already known are left as written."""
    vocabulary = _title_vocabulary()
    out = []
    for word in position.split():
        low = word.lower()
        if len(low) >= 5 and low.isalpha() and low not in vocabulary:
            best = process.extractOne(low, vocabulary, scorer=fuzz.ratio)
            # A plural or other ending ('products') is a word as meant, not a typo.
            if (
                best is not None
                and best[1] >= SPELLING_RATIO
                and not (low.startswith(best[0]) or best[0].startswith(low))
            ):
                word = best[0]
        out.append(_ACRONYMS.get(word.lower(), word))
    fixed = " ".join(out)
    return fixed[:1].upper() + fixed[1:]


# A field named where a position is expected ('move into instructional design'): kept
# as written, as the person's own name for the position (no silent renaming).
_FIELDS = frozenset(
    """design engineering management training consulting research development writing marketing
    teaching coaching analysis architecture recruiting nursing sales""".split()  # noqa: SIM905
)
_AGENT_END = re.compile(r"(?:[a-z]{2}(?:er|or|ist|ian|ant|ent|eer|naut|ary))s?$")
_NOT_AGENT = frozenset(
    """other rather later never whatever either neither better faster bigger sooner together over under
    after ever number matter paper different important urgent current recent ordinary necessary""".split()  # noqa: SIM905
)
POSITION_WORD = re.compile(r"[A-Za-z][\w/+&.'-]{0,30}")


def practitioner(words: list[str]) -> str | None:
    """The position a short phrase names by its last word, as written: a practitioner
    ('corporate trainer', 'astronaut') or a field ('instructional design'); else None."""
    last = words[-1].lower() if words else ""
    named = last in _FIELDS or (_AGENT_END.search(last) is not None and last not in _NOT_AGENT)
    return " ".join(words) if named else None


def resolve_industry(said: str) -> Resolved:
    """An industry: the catalog's name for an exact alias ('banking' -> fintech), else as
    written. An industry the catalog lacks is never replaced by a near one."""
    for variant in _variants(normalize(said)):
        found = match_industry(variant)
        if found is not None and found.exact:
            return Resolved(said, "exact", found.name)
    return Resolved(said, "unknown", said.strip())


# Words that name no skill of their own ("kubernetes basics" -> "kubernetes"), as the catalog folds them.
_FILLER = re.compile(r"\b(basics?|fundamentals?|advanced|intro(duction)?( to)?|skills?|the)\b")


@cache
def _skill_aliases() -> frozenset[str]:
    return frozenset(
        normalize(alias)
        for s in load_catalog().skills
        for alias in [s.name, s.id.replace("_", " "), *s.aliases]
    )


@cache
def _industry_aliases() -> dict[str, str]:
    return {normalize(a): i.name for i in load_catalog().industries for a in [i.name, *i.aliases]}


def contained_industries(said: str) -> list[str]:
    """Catalog industries named word for word inside a short phrase ('university lab' ->
    research labs and academia). More than one means the phrase is ambiguous."""
    words = f" {normalize(said)} "
    found = {name for alias, name in _industry_aliases().items() if f" {alias} " in words}
    return sorted(found)


def is_catalog_skill(name: str) -> bool:
    """True when a name is a catalog skill or one of its aliases (not a near miss).
    A set lookup, not the fuzzy matcher: the parsers ask this for every candidate."""
    key = normalize(name)
    if key in _skill_aliases():
        return True
    stripped = re.sub(r"\s+", " ", _FILLER.sub(" ", key)).strip()
    return bool(stripped) and stripped in _skill_aliases()


def skill_key(name: str) -> str:
    """One key per skill: the catalog id for a catalog name or alias, else the folded name
    ("SQL" and "sql" and "postgres" are one skill; "Java" and "java" are one)."""
    found = match_skill(name)
    return found.id if found is not None and found.exact else normalize(name)


def merge_skills(old: dict[str, int], new: dict[str, int]) -> dict[str, int]:
    """Skills with new levels replacing old ones of the same skill, whatever the spelling."""
    out = dict(old)
    for name, level in new.items():
        key = skill_key(name)
        for existing in [k for k in out if skill_key(k) == key]:
            del out[existing]
        out[name] = level
    return out


def unknown_role_reply(position: str) -> str:
    """The one place that answers a position the catalog does not know.

    Engineer C is making any position valid (a proposal flow in tools/); when it
    lands, this is the branch that switches to it.
    """
    return f"I don't know the role '{position}' yet. The roles I know: " + ", ".join(role_titles())


# A typo of a listed skill's name ("assesment design"): a plain edit-distance ratio, as for
# roles (agent.coaching.matching), so a near name is taken only when it is a misspelling.
_OWN_TYPO_RATIO = 90.0


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def _word_set(name: str) -> set[str]:
    return {_singular(w) for w in re.findall(r"[\w+#-]+", name)}


def own_skill(name: str, known: Sequence[str]) -> str | None:
    """The draft's or the person's own skill a name refers to, or None: the same name in
    any case, the name a listed one starts with ('Docs-as-code tooling' for 'Docs-as-code
    tooling (Markdown, static site generators)'; only when it picks one), or a typo of it.
    Tried before the catalog: 'user research' in a list is that skill, not the catalog's
    nearest ('Reading and reproducing research')."""
    low = normalize_name(name)
    if not low or not known:
        return None
    names: dict[str, str] = {}
    for k in known:  # the first spelling wins: the draft's lists come before the profile's
        names.setdefault(normalize_name(k), k)
    if low in names:
        return names[low]
    starts = {k for key, k in names.items() if key.startswith(low + " ") or key.split(" (")[0] == low}
    if len(starts) == 1:
        return starts.pop()
    # A short name: each word the start of the listed name's word ('LMS admin' for 'LMS
    # administration'), or words all in one listed name ('storyline' for 'Articulate Storyline').
    said = low.split()
    if all(len(w) >= 3 for w in said):
        short = {k for key, k in names.items() if _word_prefixes(said, key.split(" (")[0].split())}
        if len(short) == 1:
            return short.pop()
        # A plural is the same word: 'pipeline' is in 'Designing reliable data pipelines'.
        within = {k for key, k in names.items() if {_singular(w) for w in said} <= _word_set(key)}
        # One short word picks nothing ('epic' alone); two of a listed name's words do
        # ('epic build' is 'Epic EHR build', which the catalog would read as dbt).
        if len(within) == 1 and (len(said) > 1 or len(said[0]) >= 5) and not set(said) <= GENERIC_SKILL_WORDS:
            return within.pop()
    found = process.extractOne(low, list(names), scorer=fuzz.ratio, score_cutoff=_OWN_TYPO_RATIO)
    return names[found[0]] if found is not None and len(low) >= 6 else None


# Words many skills share: alone they name none of them ('design' is not 'Assessment design').
GENERIC_SKILL_WORDS = frozenset(
    """design analysis management writing data engineering development testing modeling modelling
    systems system research learning analytics tooling skills communication planning review""".split()  # noqa: SIM905
)


# Short forms people write for a listed name's words ('stakeholder mgmt', 'ml ops', 'comms').
_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "mgmt": ("management",),
    "mgt": ("management",),
    "dev": ("development", "developer"),
    "eng": ("engineering", "engineer"),
    "admin": ("administration", "administrator"),
    "ops": ("operations",),
    "comms": ("communication", "communications"),
    "comm": ("communication", "communications"),
    "eval": ("evaluation", "evaluations"),
    "evals": ("evaluation", "evaluations"),
}


def _word_prefixes(said: list[str], listed: list[str]) -> bool:
    return len(said) == len(listed) and all(
        b.startswith(a) or b in _SHORT_FORMS.get(a, ()) for a, b in zip(said, listed, strict=True)
    )


def normalize_name(name: str) -> str:
    """A skill name compared without case, quotes or repeated spaces."""
    return re.sub(r"\s+", " ", name.replace("\u2019", "'").strip(" .,;:-").lower())


def forget_skills(skills: dict[str, int], names: Sequence[str]) -> dict[str, int]:
    """The profile's skills without the named ones (any case or spelling of the same
    skill); raises InputError naming a skill the profile does not hold."""
    out = dict(skills)
    for name in names:
        key, low = skill_key(name), normalize_name(name)
        found = [k for k in out if normalize_name(k) == low or skill_key(k) == key]
        if not found:
            held = ", ".join(out) or "none yet"
            raise InputError(f"'{name}' is not among your skills (yours: {held})")
        for k in found:
            del out[k]
    return out


def read_as_another_job(said: str, role: Resolved) -> list[str]:
    """A note when a title resolved to a catalog job of another name ('data analyst' is the
    catalog's Analytics engineer): said like an industry read otherwise, never silently.
    A synonym of the same job ('machine learning engineer' for ML engineer) needs none."""
    words = said.lower().split()
    if role.how != "exact" or len(words) < 2 or words[-1] == role.name.lower().split()[-1]:
        return []
    return [f"{said[:1].upper()}{said[1:]}: read as the catalog's {role.name}"]
