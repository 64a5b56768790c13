"""Levels a person did not give, estimated from their current role instead of taken as 0.

The model: someone working as role R is assumed at R's typical level in the catalog
for each of R's 10 skills (one level lower when the title says junior, graduate,
trainee, intern or associate), and at the level R's skills need of their
prerequisites (a backend engineer whose role needs databases at 3 holds the SQL that
databases builds on). A current role the catalog lacks uses its nearest catalog
role when the titles are close enough (similarity at least NEAREST_MIN); otherwise
nothing is assumed and unrated skills stay at 0. Every assumed level is marked so the
person can correct it, and the verdict says when a plan fits only because of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.catalog import catalog_role, load_catalog
from tools.models import NearRole, RoleDef

# Below this similarity a catalog role is not taken as the person's own ("Maths teacher"
# is not a data scientist); measured on the bundled roles, see the README.
NEAREST_MIN = 0.6
ASSUMED_TEXT = "assumed from your role: tell me if this is wrong"
_JUNIOR = re.compile(
    r"\b(junior|jr|graduate|grad|trainee|intern|apprentice|associate|entry[- ]level)\b", re.I
)


@dataclass(frozen=True)
class Prior:
    """An assumed level and where it comes from."""

    level: int
    source: str


# Short forms people write their job in ("devops eng", "sr data eng", "sw dev"), spelled out
# before the title is compared with the catalog's: "Devops eng" was 0.58 from MLOps engineer,
# under NEAREST_MIN, where "DevOps engineer" is 0.66.
_SHORT_FORMS = {
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "devs": "developers",
    "mgr": "manager",
    "sw": "software",
    "swe": "software engineer",
    "sre": "site reliability engineer",
    "ds": "data scientist",
    "de": "data engineer",
}
# Seniority says how far along, not what the work is; it only lowers a prior (_JUNIOR).
_RANK = re.compile(
    r"\b(?:senior|sr|junior|jr|lead|principal|staff|mid|mid-level|entry[- ]level|graduate|grad|trainee|intern)\b\.?",
    re.I,
)


def spelled_out(title: str) -> str:
    """A job title with its short forms written out and its seniority words dropped,
    as the catalog's titles are written ('Sr. devops eng' -> 'devops engineer')."""
    words = _RANK.sub(" ", title).split()
    out = " ".join(_SHORT_FORMS.get(w.lower().strip(".,"), w) for w in words)
    return out or title


def _role_for(current_role: str, nearest: list[NearRole] | None) -> tuple[RoleDef | None, str]:
    role = catalog_role(current_role)
    if role is not None:
        return role, role.title
    if nearest is None:
        from tools.similarity import nearest_roles

        nearest = nearest_roles(spelled_out(current_role), k=1)
    if nearest and nearest[0].similarity >= NEAREST_MIN:
        top = nearest[0]
        return load_catalog().role(
            top.role_id
        ), f"{top.title}, the catalog role nearest yours ({top.similarity:.2f})"
    return None, ""


def role_priors(current_role: str, nearest: list[NearRole] | None = None) -> dict[str, Prior]:
    """Assumed levels by catalog skill id for someone in `current_role` (may be empty)."""
    role, named = _role_for(current_role, nearest)
    if role is None:
        return {}
    cat = load_catalog()
    out: dict[str, Prior] = {}

    def assume(skill_id: str, level: int, why: str) -> None:
        if level > 0 and level > out.get(skill_id, Prior(0, "")).level:
            out[skill_id] = Prior(level, why)

    junior = 1 if _JUNIOR.search(current_role) else 0
    for rs in role.general + role.specific:
        level = rs.target - junior
        why = f"{named} typically at {rs.target}" + ("; one lower for a junior title" if junior else "")
        assume(rs.skill, level, f"{ASSUMED_TEXT} ({why})")
    # Prerequisites of what the role holds, transitively: databases -> sql -> ...
    frontier = list(out)
    while frontier:
        skill_id = frontier.pop()
        for pre, level in cat.skill(skill_id).prereqs.items():
            before = out.get(pre)
            assume(
                pre,
                min(level, out[skill_id].level),
                f"{ASSUMED_TEXT} ({named}: {cat.skill(skill_id).name} builds on it)",
            )
            if out.get(pre) is not before:
                frontier.append(pre)
    return out
