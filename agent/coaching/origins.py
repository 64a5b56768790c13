"""Where a target's 10 skills come from, said in the plan's rationale: a proposal's nearest
catalog roles (and how close they are), the person's postings, their own list, and the
industry (as written, or as the catalog industry it was read as)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.coaching.relevance import industry_note_applies
from tools.catalog import industry
from tools.industry_swap import not_for_role_line, standing_swaps
from tools.models import GapReport
from tools.proposal import CLOSE_ROLE, NEAREST_K, borrowed, shown


class Claim(BaseModel):
    """One sentence of the rationale and what it stands on."""

    text: str
    basis: Literal["passage", "figure"]
    ref: str = Field(description="'[n]' for a passage, or the gap-engine figure it quotes")


def target_claims(report: GapReport) -> list[Claim]:
    """Where a target's skills come from: a proposal's nearest roles, postings, the industry."""
    claims: list[Claim] = []
    if report.custom and report.nearest_roles:
        claims.append(
            Claim(
                text=proposal_origin(report), basis="figure", ref="similarity of titles, summaries and skills"
            )
        )
    elif report.custom:
        # A list agreed in chat or given in a profile: say so, and how much of it postings back.
        of = max((s.evidence.of for s in report.skills if s.evidence), default=0)
        asked = sum(1 for s in report.skills if s.evidence and s.evidence.postings)
        claims.append(
            Claim(
                text=f"{report.target.position} is not in the catalog: it uses the 10 skills listed for it "
                "(a proposal kept, or your own list; change them at review with 'replace A with B')"
                + (
                    f"; {asked} of them {'is' if asked == 1 else 'are'} asked for in your {of} job postings."
                    if of
                    else "."
                )
                + ("" if of else _unbacked(report.target.position)),
                basis="figure",
                ref="your skill list" + (", job postings" if of else ", similarity of titles"),
            )
        )
    written = report.target.industry
    ind = industry(written)
    # Say which catalog industry the person's word was read as, when it is not the same name.
    read_as = (
        "" if ind is None or ind.name.lower() == written.lower() else f" (read as the catalog's {ind.name})"
    )
    if standing := standing_swaps(report.industry_swaps, [s.name for s in report.skills]):
        swaps = "; ".join(f"{s.skill_in} in place of {s.skill_out}" for s in standing)
        claims.append(
            Claim(text=f"For {written}{read_as}: {swaps}.", basis="figure", ref="catalog: industry")
        )
    if line := not_for_role_line(report.industry_not_for_role, written, report.target.position):
        claims.append(Claim(text=f"{line}.", basis="figure", ref="catalog: industry"))
    if report.industry_note and industry_note_applies(report):
        claims.append(
            Claim(
                text=f"In {written}{read_as}: {report.industry_note}", basis="figure", ref="catalog: industry"
            )
        )
    if not report.industry_known:
        claims.append(
            Claim(
                text=f"{written} is not an industry in my catalog: kept as you wrote it, with no domain skills "
                "borrowed from a look-alike.",
                basis="figure",
                ref="catalog: industry",
            )
        )
    return claims


def _unbacked(position: str) -> str:
    """For a list no posting backs: how close the catalog comes to the position, when not close."""
    from tools.similarity import nearest_roles

    near = nearest_roles(position, k=NEAREST_K)
    sims = ", ".join(f"{n.title} {n.similarity:.2f}" for n in near)
    add = f'add job postings with `coach postings add FILE... --role "{position}"` to check it.'
    if not borrowed(near):
        return f" No catalog role is close to it ({sims}) and no job posting backs the list: the evidence is thin; {add}"
    if max(shown(n.similarity) for n in near) < CLOSE_ROLE:
        return f" The nearest catalog roles are only somewhat similar ({sims}) and no job posting backs the list: {add}"
    return ""


def proposal_origin(report: GapReport) -> str:
    """Where a custom position's skills came from, saying so plainly when the evidence is thin."""
    position = report.target.position
    lent = borrowed(report.nearest_roles)
    posts = any(s.evidence for s in report.skills)
    if lent:
        near = ", ".join(f"{n.title} ({n.similarity:.2f})" for n in lent)
        somewhat = not posts and max(shown(n.similarity) for n in lent) < CLOSE_ROLE
        return (
            f"{position} is not in the catalog: its 10 skills were proposed from the nearest catalog roles, "
            f"{near}"
            + (", and your job postings" if posts else "")
            + (
                f", only somewhat similar: add job postings with `coach postings add FILE... --role "
                f'"{position}"` to check them.'
                if somewhat
                else "."
            )
        )
    near = ", ".join(f"{n.title} ({n.similarity:.2f})" for n in report.nearest_roles)
    if posts:
        return (
            f"{position} is not in the catalog and no catalog role is close enough to borrow from (nearest: "
            f"{near}): its skills come from your job postings and how close skill names are in meaning to it."
        )
    return (
        f"{position} is not in the catalog, no catalog role is close enough to borrow from (nearest: {near}) "
        "and you have no job postings for it: its skills are picked by how close their names are in meaning "
        f'to the title, so the evidence is thin. Add postings with `coach postings add FILE... --role "{position}"`.'
    )
