"""Prompts. Short on purpose: the embedded model's prompt speed (~226 tokens/s) makes
every retrieved token cost the person time before the first word."""

from __future__ import annotations

from collections.abc import Sequence

from agent.coaching.passages import Passage

ANSWER_SYSTEM = (
    "You are a career coach. Answer the question in 1-2 sentences using only the numbered "
    "passages. Cite passages like [1]. If the passages do not answer it, say so."
)

NOTE_SYSTEM = (
    "You are a career coach. Write 2-3 encouraging, concrete sentences to the person about "
    "their plan. Use only the facts given. Do not invent numbers."
)

PASSAGE_CHARS = 450


def passages_block(passages: Sequence[Passage]) -> str:
    """Numbered, truncated passages for a prompt."""
    out = []
    for i, p in enumerate(passages, start=1):
        text = str(p["text"])
        if len(text) > PASSAGE_CHARS:
            text = text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " ..."
        out.append(f"[{i}] ({p['section']})\n{text}")
    return "\n\n".join(out)
