"""What `coach gaps` adds under the matrices: the skills the person rated that a plan's 10
do not include. The chat says so; the matrices alone left Python 4 or k8s 2 unmentioned."""

from __future__ import annotations

from tools.models import GapReport, Profile


def not_counted(profile: Profile, report: GapReport) -> dict[str, int]:
    """Rated skills (as the person wrote them, with their levels) that are none of the
    report's 10 skills and not already listed as unknown to the catalog."""
    from tools.held import read_skill

    listed = {s.skill_id for s in report.skills}
    own = {(s.matched_from or "").lower() for s in report.skills}
    unknown = {n.lower() for n in report.unknown_skills}
    out: dict[str, int] = {}
    for name, level in profile.skills.items():
        if name.lower() in own or name.lower() in unknown:
            continue
        found = read_skill(name)
        if found is None or found.id not in listed:
            out[name] = level
    return out


def not_counted_markdown(profile: Profile, reports: dict[str, GapReport]) -> str:
    """One line per plan naming its rated skills outside its 10 ('' when there are none)."""
    lines = []
    for label, report in reports.items():
        if rated := not_counted(profile, report):
            named = ", ".join(f"{n} {lvl}" for n, lvl in rated.items())
            # Not "not counted": a rated skill still counts as another skill's prerequisite.
            lines.append(
                f"Rated by you, not among Plan {label}'s 10 skills ({report.target.label()}): {named}."
            )
    return "\n\n".join(lines)
