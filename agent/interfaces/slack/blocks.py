"""Slack Block Kit for the coach's replies: Markdown tables become aligned code blocks,
the plan review becomes sections with Approve / Edit / Reject buttons."""

from __future__ import annotations

import json
import re
from typing import Any

from agent.coaching.review import ReviewRequest

SECTION_LIMIT = 2900  # Slack caps a section's text at 3,000 characters
REVIEW_ACTIONS = ("approve", "edit", "reject")


def _table_to_text(lines: list[str]) -> str:
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in lines
        if not re.match(r"^\|[\s:|-]+\|$", line.strip())
    ]
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(max(len(r) for r in rows))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows)


def escape_mrkdwn(text: str) -> str:
    """Slack reads <...> as links or mentions and &...; as entities: escape the three."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    """Markdown to Slack mrkdwn: escaped, headings bold, **bold** single-starred, tables in code blocks."""
    markdown = escape_mrkdwn(markdown)
    out: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if table:
            out.append("```\n" + _table_to_text(table) + "\n```")
            table.clear()

    for line in markdown.splitlines():
        if line.strip().startswith("|"):
            table.append(line)
            continue
        flush()
        if m := re.match(r"^#{1,6}\s+(.*)$", line):
            out.append(f"*{m.group(1)}*")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"*\1*", line))
    flush()
    return "\n".join(out)


def sections(markdown: str) -> list[dict[str, Any]]:
    """mrkdwn sections, split on paragraphs to stay under Slack's size limit."""
    blocks: list[dict[str, Any]] = []
    current = ""
    for part in to_mrkdwn(markdown).split("\n\n"):
        if current and len(current) + len(part) + 2 > SECTION_LIMIT:
            blocks.append(_section(current))
            current = ""
        current = f"{current}\n\n{part}" if current else part
        while len(current) > SECTION_LIMIT:  # one huge paragraph: cut on lines
            cut = current.rfind("\n", 0, SECTION_LIMIT)
            cut = cut if cut > 0 else SECTION_LIMIT
            blocks.append(_section(current[:cut]))
            current = current[cut:].lstrip("\n")
    if current.strip():
        blocks.append(_section(current))
    return blocks


def _section(text: str) -> dict[str, Any]:
    if text.count("```") % 2:  # a code block cut in two: close it and reopen it
        text += "\n```"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def review_blocks(review: ReviewRequest, thread_id: str) -> list[dict[str, Any]]:
    """The plan, then the verdicts as fields, then the three buttons."""
    value = json.dumps({"thread": thread_id, "draft": review.draft_id})
    a, b = review.plan["a"]["report"], review.plan["b"]["report"]

    def verdict(r: dict[str, Any]) -> str:
        fits = (
            f"fits, {r['margin_weeks']} wk spare" if r["attainable"] else f"misses by {-r['margin_weeks']} wk"
        )
        return f"*{r['target']['position']}* in {r['target']['industry']}\n{r['total_hours']:g} h, {r['total_weeks']} wk: {fits}"

    styles = {"approve": "primary", "reject": "danger"}
    buttons = [
        {
            "type": "button",
            "action_id": f"review_{action}",
            "text": {"type": "plain_text", "text": action.capitalize()},
            "value": value,
            **({"style": styles[action]} if action in styles else {}),
        }
        for action in REVIEW_ACTIONS
    ]
    return [
        *sections(review.markdown),
        {"type": "divider"},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Plan A*\n{verdict(a)}"},
                {"type": "mrkdwn", "text": f"*Plan B*\n{verdict(b)}"},
            ],
        },
        {"type": "actions", "block_id": "review", "elements": buttons},
    ]


def outcome_blocks(text: str) -> list[dict[str, Any]]:
    """What replaces the buttons once a review is answered, so it cannot be clicked twice."""
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]


def edit_modal(private_metadata: str) -> dict[str, Any]:
    """The modal an Edit click opens."""
    return {
        "type": "modal",
        "callback_id": "review_edit",
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "Edit the plan"},
        "submit": {"type": "plain_text", "text": "Redraft"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "feedback",
                "label": {"type": "plain_text", "text": "What should change?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "placeholder": {
                        "type": "plain_text",
                        "text": "e.g. 12 hours a week, rag 2, Plan B: data engineer in fintech",
                    },
                },
            }
        ],
    }
