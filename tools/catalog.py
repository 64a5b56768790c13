"""Career catalog lookups: roles, skills and industries by name, alias or near miss."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, PrivateAttr
from rapidfuzz import fuzz, process

from tools.errors import UnknownRoleError
from tools.models import Industry, RoleDef, SkillDef

# Below this rapidfuzz score a name is not taken as a match: "kubernetes basics"
# (token_set 100 with "kubernetes") passes, "cooking" against "docker" does not.
MATCH_THRESHOLD = 84.0
# Words that name no skill of their own: "kubernetes basics" -> "kubernetes".
_FILLER = re.compile(r"\b(basics?|fundamentals?|advanced|intro(duction)?( to)?|skills?|the)\b")
# Seniority says nothing about which role it is: "Senior backend engineer" -> backend engineer.
_SENIORITY = re.compile(
    r"\b(senior|sr\.?|junior|jr\.?|mid-level|mid|entry-level|associate|graduate|trainee)\b"
)
# Roles and industries are matched strictly: WRatio's partial matching turned "AI product
# manager" into GenAI engineer and "edtech" into healthcare (via "medtech"). A near miss
# counts only as a typo of a whole name (plain ratio), and only for long names, where one
# letter is not a different word.
TYPO_THRESHOLD = 90.0
TYPO_MIN_LENGTH = 8


def normalize(name: str) -> str:
    """Lower-case a name and fold punctuation, so aliases compare cleanly."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9+#/.\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


class Catalog(BaseModel):
    """Everything the catalog file holds, validated."""

    skills: list[SkillDef]
    roles: list[RoleDef]
    industries: list[Industry]
    # Built once: the gap engine looks skills up many times per report.
    _skills_by_id: dict[str, SkillDef] = PrivateAttr(default_factory=dict)
    _roles_by_id: dict[str, RoleDef] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        """Index skills and roles by id."""
        self._skills_by_id = {s.id: s for s in self.skills}
        self._roles_by_id = {r.id: r for r in self.roles}

    def skill(self, skill_id: str) -> SkillDef:
        """The skill with this id; KeyError if the catalog has none."""
        return self._skills_by_id[skill_id]

    def role(self, role_id: str) -> RoleDef:
        """The role with this id; KeyError if the catalog has none."""
        return self._roles_by_id[role_id]


@dataclass(frozen=True)
class Match:
    """A catalog entry found for a user's name for it."""

    id: str
    name: str
    score: float
    exact: bool


@cache
def load_catalog() -> Catalog:
    """Load and validate the bundled catalog (cached: it never changes at run time)."""
    text = resources.files("knowledge").joinpath("data/catalog.yaml").read_text("utf-8")
    catalog = Catalog.model_validate(yaml.safe_load(text))
    _check_references(catalog)
    return catalog


def _check_references(catalog: Catalog) -> None:
    ids = {s.id for s in catalog.skills}
    for role in catalog.roles:
        for rs in role.general + role.specific:
            if rs.skill not in ids:
                raise ValueError(f"catalog role {role.id} names unknown skill {rs.skill}")
    for ind in catalog.industries:
        for rs in ind.domain_skills:
            if rs.skill not in ids:
                raise ValueError(f"catalog industry {ind.id} names unknown skill {rs.skill}")
    for skill in catalog.skills:
        for pre in skill.prereqs:
            if pre not in ids:
                raise ValueError(f"catalog skill {skill.id} has unknown prerequisite {pre}")


def _alias_table(entries: list[tuple[str, str, list[str]]]) -> dict[str, str]:
    """normalized alias -> id, for (id, display name, aliases) entries."""
    table: dict[str, str] = {}
    for entry_id, name, aliases in entries:
        for alias in [name, entry_id.replace("_", " "), *aliases]:
            table.setdefault(normalize(alias), entry_id)
    return table


def _strip(key: str, pattern: re.Pattern[str]) -> str:
    return re.sub(r"\s+", " ", pattern.sub(" ", key)).strip()


def _strict_lookup(
    query: str, table: dict[str, str], names: dict[str, str], filler: re.Pattern[str], words: bool
) -> Match | None:
    """Exact alias, alias without filler words, (`words`) an alias inside the name, or a typo."""
    key = normalize(query)
    if not key:
        return None
    for candidate, score in ((key, 100.0), (_strip(key, filler), 99.0)):
        if candidate and candidate in table:
            return Match(table[candidate], names[table[candidate]], score, True)
    if words:
        inside = [
            alias for alias in table if len(alias) > 3 and re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", key)
        ]
        if inside:
            alias = max(inside, key=len)
            return Match(table[alias], names[table[alias]], 95.0, False)
    if len(key) < TYPO_MIN_LENGTH:
        return None
    choices = [alias for alias in table if len(alias) >= TYPO_MIN_LENGTH]
    best = process.extractOne(key, choices, scorer=fuzz.ratio)
    if best is None or best[1] < TYPO_THRESHOLD:
        return None
    return Match(table[best[0]], names[table[best[0]]], float(best[1]), False)


def _lookup(query: str, table: dict[str, str], names: dict[str, str]) -> Match | None:
    key = normalize(query)
    if not key:
        return None
    if key in table:
        return Match(table[key], names[table[key]], 100.0, True)
    stripped = _strip(key, _FILLER)
    if stripped and stripped in table:
        return Match(table[stripped], names[table[stripped]], 99.0, True)
    # WRatio mixes partial and token-set ratios; short aliases ("ml", "de") are left
    # out of fuzzy matching because they match inside too many unrelated words.
    choices = {alias: entry for alias, entry in table.items() if len(alias) > 3}
    # A one-word name ("Go", "Scala") is found inside longer aliases by WRatio's partial
    # ratio ("al-go-rithms", "scala-ble systems"): it is the catalog's only as a typo of a
    # whole alias ("pyton"), otherwise it stays the person's own skill, as written.
    scorer = fuzz.ratio if " " not in key else fuzz.WRatio
    best = process.extractOne(key, list(choices), scorer=scorer)
    if best is None or best[1] < MATCH_THRESHOLD:
        return None
    entry_id = choices[best[0]]
    return Match(entry_id, names[entry_id], float(best[1]), False)


@cache
def _tables() -> tuple[
    dict[str, str], dict[str, str], dict[str, str], dict[str, str], dict[str, str], dict[str, str]
]:
    cat = load_catalog()
    skills = _alias_table([(s.id, s.name, s.aliases) for s in cat.skills])
    roles = _alias_table([(r.id, r.title, r.aliases) for r in cat.roles])
    inds = _alias_table([(i.id, i.name, i.aliases) for i in cat.industries])
    return (
        skills,
        {s.id: s.name for s in cat.skills},
        roles,
        {r.id: r.title for r in cat.roles},
        inds,
        {i.id: i.name for i in cat.industries},
    )


def match_skill(name: str) -> Match | None:
    """Find the catalog skill a user means ("k8s", "Kubernetes basics"), or None."""
    table, names, *_ = _tables()
    return _lookup(name, table, names)


# A skill a person names in a target's list is the catalog's only when it is the catalog's
# name or alias (or a near-exact spelling of one): a fuzzy match there would silently merge
# "Product requirements documents" into success metrics.
STRICT_SKILL_SCORE = 95.0


def match_skill_strict(name: str) -> Match | None:
    """The catalog skill a name is (exactly, or all but a typo), or None."""
    found = match_skill(name)
    return found if found is not None and (found.exact or found.score >= STRICT_SKILL_SCORE) else None


def match_role(name: str) -> Match | None:
    """Find the catalog role a user means ("LLM engineer", "Senior LLM engineer" -> GenAI
    engineer), or None for a position the catalog lacks ("AI product manager")."""
    _, _, table, names, _, _ = _tables()
    return _strict_lookup(name, table, names, _SENIORITY, words=False)


def match_industry(name: str) -> Match | None:
    """Find the catalog industry a user means ("banking", "retail banking" -> fintech), or None
    for one the catalog lacks ("edtech"), which is then kept as written."""
    *_, table, names = _tables()
    return _strict_lookup(name, table, names, _FILLER, words=True)


def industry(name: str) -> Industry | None:
    """The catalog industry for a name, or None."""
    found = match_industry(name)
    return next(i for i in load_catalog().industries if i.id == found.id) if found else None


def catalog_role(name: str) -> RoleDef | None:
    """The catalog role for a position, or None when the catalog lacks it (a custom position)."""
    found = match_role(name)
    return load_catalog().role(found.id) if found else None


def require_role(name: str) -> RoleDef:
    """The catalog role for a name, or an error listing the roles there are.

    Any position is a valid target (see tools.targets.target_wants); this is for
    callers that need a catalog role, such as tagging ingested roadmaps by role."""
    found = match_role(name)
    if found is None:
        titles = ", ".join(r.title for r in load_catalog().roles)
        raise UnknownRoleError(
            f"I don't know the role '{name}'. Pick one of: {titles} (or a close name such as 'LLM engineer')."
        )
    return load_catalog().role(found.id)


def role_titles() -> list[str]:
    """Titles of every catalog role, for prompts and help."""
    return [r.title for r in load_catalog().roles]
