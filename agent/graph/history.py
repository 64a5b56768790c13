"""Keeping a long conversation bounded.

Everything the coach needs to act lives in its own state keys (profile, reports,
draft, committed plan), so old messages can go: past MAX_MESSAGES the oldest are
removed down to KEEP_MESSAGES, and a short digest of the removed questions is kept
as `summary`. A 200-turn session therefore checkpoints, and prompts, a bounded state.
"""

from __future__ import annotations

from langchain_core.messages import AnyMessage, HumanMessage, RemoveMessage

MAX_MESSAGES = 60
KEEP_MESSAGES = 30
DIGEST_TOPICS = 6
TOPIC_CHARS = 60


def trim(messages: list[AnyMessage], summary: str = "") -> tuple[list[RemoveMessage], str]:
    """Removals for the oldest messages past the cap, and the updated summary."""
    if len(messages) <= MAX_MESSAGES:
        return [], summary
    cut = len(messages) - KEEP_MESSAGES
    # Never start the kept history on a coach reply without its question.
    while cut > 0 and not isinstance(messages[cut], HumanMessage):
        cut -= 1
    old = messages[:cut]
    topics = [str(m.content)[:TOPIC_CHARS] for m in old if isinstance(m, HumanMessage)]
    earlier = int(summary.split(" ", 1)[0]) if summary[:1].isdigit() else 0
    total = earlier + len(topics)
    recent = "; ".join(topics[-DIGEST_TOPICS:])
    new_summary = f"{total} earlier messages from the person, most recently: {recent}"
    return [RemoveMessage(id=m.id) for m in old if m.id], new_summary
