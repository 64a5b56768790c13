"""What a proposal made again says: what it was made from, and that earlier changes are gone.

Split from `tools.skill_edits` (which re-exports it) to keep that module under 400 lines.
"""

from __future__ import annotations

from tools.proposal import Proposal


def redone_note(redone: Proposal, earlier: Proposal) -> str:
    """What a proposal made again says it was made from, and that the changes made to the
    earlier list are not in it."""
    position = redone.position
    said = (
        f"Made again from your {redone.postings} job posting(s) for {position}."
        if redone.postings
        else f"I have no job postings for {position}, so the list is as the catalog roles make it: add "
        f'them with `coach postings add FILE... --role "{position}"` and ask again.'
    )
    if any(s.reason.startswith("your choice") for s in earlier.skills):
        said += (
            " The changes you made to the earlier list are not in it: say them again if you still want them."
        )
    return said
