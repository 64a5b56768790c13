"""Citation numbers as a reader meets them: [1] is the first passage cited, then [2], and
a source list holds only what its text cites.

A plan numbers passages while it is assembled (both targets' retrievals together), then
cites only some of them, so the numbers it kept ran [1]..[5], [7]; an export shows less
than the review (no first weeks, no guides), so its list named sources its text never
cited. Both renumber here, each in the order of its own text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.coaching.origins import Claim
    from agent.coaching.plan import Plan

_CITE = re.compile(r"\[(\d+)\]")


def _numbers(text: str) -> list[int]:
    return [int(n) for n in _CITE.findall(text)]


def citation_order(plan: Plan, *, guides: bool = True) -> list[int]:
    """The plan's citation numbers in the order its text cites them first: why Plan A, why
    Plan B, then each option's first weeks and skill guides (when `guides`: the review and the
    saved plan show them, the export does not) and its milestones."""
    order: list[int] = []
    known = {c.n for c in plan.citations}

    def add(numbers: Iterable[int]) -> None:
        order.extend(n for n in numbers if n in known and n not in order)

    for claim in [*plan.rationale, *plan.rationale_b]:
        add(_numbers(claim.text) + _numbers(claim.ref))
    for opt in (plan.a, plan.b):
        if guides:
            for task in opt.first_weeks:
                add(_numbers(task.do))
            for guide in opt.guides:
                add(guide.passages)
        add(m.cite for m in opt.milestones if m.cite)
    return order


def renumbered(plan: Plan, order: list[int]) -> Plan:
    """The plan with the citations in `order` numbered 1, 2, ... and every other dropped."""
    new = {old: i for i, old in enumerate(order, 1)}

    def sub(text: str) -> str:
        return _CITE.sub(lambda m: f"[{new[int(m[1])]}]" if int(m[1]) in new else m[0], text)

    def claims(items: list[Claim]) -> list[Claim]:
        return [c.model_copy(update={"text": sub(c.text), "ref": sub(c.ref)}) for c in items]

    options = [
        opt.model_copy(
            update={
                "first_weeks": [t.model_copy(update={"do": sub(t.do)}) for t in opt.first_weeks],
                "guides": [
                    g.model_copy(
                        update={"passages": [new[n] for n in g.passages if n in new], "stated": sub(g.stated)}
                    )
                    for g in opt.guides
                ],
                "milestones": [
                    m.model_copy(update={"cite": new.get(m.cite)} if m.cite else {}) for m in opt.milestones
                ],
            }
        )
        for opt in (plan.a, plan.b)
    ]
    cited = sorted(
        (c.model_copy(update={"n": new[c.n]}) for c in plan.citations if c.n in new), key=lambda c: c.n
    )
    return plan.model_copy(
        update={
            "rationale": claims(plan.rationale),
            "rationale_b": claims(plan.rationale_b),
            "a": options[0],
            "b": options[1],
            "citations": cited,
        }
    )
