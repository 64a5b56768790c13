"""Facts as comparable tuples, and the check for silent substitutions.

A fact is ("skill", "python", 3), ("plan_a", "genai engineer", "edtech"), ... Skill
names compare through the catalog when the catalog knows them exactly ("py" and
"Python" are one skill), else as written, so a misread name counts as a miss.
"""

from __future__ import annotations

import re
from typing import Any

from agent.coaching.matching import skill_key
from agent.coaching.parsing import Understood
from tools.catalog import load_catalog, normalize

Fact = tuple[Any, ...]


def facts_of(u: Understood) -> set[Fact]:
    """Everything a reading states, as tuples."""
    out: set[Fact] = set()
    if u.current_role:
        out.add(("role", normalize(u.current_role)))
    if u.industry:
        out.add(("industry", normalize(u.industry)))
    out |= {("skill", skill_key(k), v) for k, v in u.skills.items()}
    out |= {("target", skill_key(k), v) for k, v in u.targets.items()}
    if u.hours_per_week is not None:
        out.add(("hours", float(u.hours_per_week)))
    if u.horizon_months is not None:
        out.add(("horizon", int(u.horizon_months)))
    for key in ("plan_a", "plan_b"):
        if target := getattr(u, key):
            out.add((key, normalize(target["position"]), normalize(target["industry"])))
    if u.confirm:
        out.add(("confirm", u.confirm["field"], normalize(u.confirm["name"])))
    if u.elapsed_weeks is not None:
        out.add(("elapsed", u.elapsed_weeks))
    out |= {("course", normalize(c)) for c in u.courses}
    if u.skipped:
        out.add(("skipped",))
    return out


def expected_facts(spec: dict[str, Any]) -> set[Fact]:
    """The facts a corpus entry expects, in the same shape as `facts_of`."""
    out: set[Fact] = set()
    if "role" in spec:
        out.add(("role", normalize(spec["role"])))
    if "industry" in spec:
        out.add(("industry", normalize(spec["industry"])))
    out |= {("skill", skill_key(str(k)), int(v)) for k, v in (spec.get("skills") or {}).items()}
    out |= {("target", skill_key(str(k)), int(v)) for k, v in (spec.get("targets") or {}).items()}
    if "hours" in spec:
        out.add(("hours", float(spec["hours"])))
    if "horizon" in spec:
        out.add(("horizon", int(spec["horizon"])))
    for key in ("plan_a", "plan_b"):
        if key in spec:
            out.add((key, normalize(spec[key][0]), normalize(spec[key][1])))
    if "confirm" in spec:
        out.add(("confirm", spec["confirm"][0], normalize(spec["confirm"][1])))
    if "elapsed_weeks" in spec:
        out.add(("elapsed", int(spec["elapsed_weeks"])))
    out |= {("course", normalize(c)) for c in spec.get("courses") or []}
    if spec.get("skipped"):
        out.add(("skipped",))
    return out


def _said(phrase: str, text: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(normalize(phrase))}(?![a-z0-9])", normalize(text)) is not None


def _catalog_names(kind: str, name: str) -> list[str] | None:
    """All names of a catalog role or industry with this display name, or None if not one."""
    catalog = load_catalog()
    if kind == "role":
        for role in catalog.roles:
            if role.title == name:
                return [role.title, role.id.replace("_", " "), *role.aliases]
        return None
    for industry in catalog.industries:
        if industry.name == name:
            return [industry.name, *industry.aliases]
    return None


def silent_substitutions(u: Understood, text: str, default_industry: str | None) -> list[str]:
    """Values the coach set that the person did not write: a catalog name none of whose
    names appear in the message, or a free value not in the message. Must stay empty."""
    found: list[str] = []
    for key in ("plan_a", "plan_b"):
        target = getattr(u, key)
        if not target:
            continue
        names = _catalog_names("role", target["position"]) or [target["position"]]
        if not any(_said(n, text) for n in names):
            found.append(f"{key} position {target['position']!r}")
        industry = target["industry"]
        if industry == default_industry or (
            u.plan_a and key == "plan_b" and industry == u.plan_a["industry"]
        ):
            continue
        names = _catalog_names("industry", industry) or [industry]
        forms = [
            f for n in names for f in (n, n + "s", n + "ing", n.removesuffix("ing"), n.removesuffix("s"))
        ]
        if not any(_said(f, text) for f in forms if len(f) > 1):
            found.append(f"{key} industry {industry!r}")
    if u.current_role and not _said(u.current_role, text):
        found.append(f"current role {u.current_role!r}")
    for name in list(u.skills) + list(u.targets):
        if not _said(name, text):
            found.append(f"skill {name!r}")
    return found


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (1.0 when there was nothing to find and nothing found)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
