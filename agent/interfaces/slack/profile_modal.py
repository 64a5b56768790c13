"""The "Set up my profile" modal: the profile file's fields as Block Kit inputs, the
alternative to typing them one message at a time. What it submits is validated exactly
as a profile file is, and a mistake is shown under the field it belongs to."""

from __future__ import annotations

import json
from typing import Any

from agent.coaching.levels import parse_skills
from agent.coaching.profile_file import profile_from_data
from tools.errors import InputError
from tools.models import Profile

OPEN_ACTION = "profile_open"
CALLBACK = "profile_setup"
BUTTON_TEXT = "Set up my profile"

# block id -> (label, placeholder, max length) for the text inputs, in the profile file's order
_TEXT_FIELDS: dict[str, tuple[str, str, int]] = {
    "current_role": ("Your current role", "Backend engineer", 80),
    "plan_a_position": ("Plan A: position", "GenAI engineer", 80),
    "plan_a_industry": ("Plan A: industry", "fintech", 80),
    "plan_b_position": ("Plan B: position", "MLOps engineer", 80),
    "plan_b_industry": ("Plan B: industry", "fintech", 80),
}


def open_button(thread_id: str) -> dict[str, Any]:
    """An actions block with the button that opens the modal."""
    button = {
        "type": "button",
        "action_id": OPEN_ACTION,
        "text": {"type": "plain_text", "text": BUTTON_TEXT},
        "value": json.dumps({"thread": thread_id}),
    }
    return {"type": "actions", "block_id": "profile", "elements": [button]}


def _text_input(block_id: str, label: str, hint: str, limit: int, initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": limit,
        "placeholder": {"type": "plain_text", "text": hint},
    }
    if initial:
        element["initial_value"] = initial[:limit]
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def profile_modal(private_metadata: str, saved: Profile | None = None) -> dict[str, Any]:
    """The modal, pre-filled with the saved profile when there is one."""
    initial = {
        "current_role": saved.current_role if saved else None,
        "plan_a_position": saved.plan_a.position if saved else None,
        "plan_a_industry": saved.plan_a.industry if saved else None,
        "plan_b_position": saved.plan_b.position if saved else None,
        "plan_b_industry": saved.plan_b.industry if saved else None,
    }
    blocks = [_text_input(k, *spec, initial[k]) for k, spec in list(_TEXT_FIELDS.items())[:1]]
    hours: dict[str, Any] = {
        "type": "number_input",
        "action_id": "value",
        "is_decimal_allowed": True,
        "min_value": "0.5",
        "max_value": "80",
    }
    if saved:
        hours["initial_value"] = f"{saved.hours_per_week:g}"
    blocks.append(
        {
            "type": "input",
            "block_id": "hours_per_week",
            "label": {"type": "plain_text", "text": "Hours a week you can study"},
            "element": hours,
        }
    )
    blocks += [_text_input(k, *spec, initial[k]) for k, spec in list(_TEXT_FIELDS.items())[1:]]
    skills = ", ".join(f"{name} {level}" for name, level in saved.skills.items()) if saved else None
    skills_block = _text_input("skills", "Your skills, 0-5 each", "Python 4, SQL 3, Docker 2", 2000, skills)
    skills_block["element"]["multiline"] = True
    skills_block["hint"] = {
        "type": "plain_text",
        "text": "0 unaware, 1 with guidance, 2 independently, 3 trade-offs, 4 edge cases, 5 can teach it",
    }
    blocks.append(skills_block)
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "Your profile"},
        "submit": {"type": "plain_text", "text": "Draft my plan"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _value(values: dict[str, Any], block_id: str) -> str:
    entry = values.get(block_id, {}).get("value", {})
    return str(entry.get("value") or "").strip() if isinstance(entry, dict) else ""


def profile_from_submission(values: dict[str, Any]) -> tuple[Profile | None, dict[str, str]]:
    """The submitted profile, or the errors to show under their fields (block id -> message)."""
    errors: dict[str, str] = {}
    read = parse_skills(_value(values, "skills"))
    if read.problems:
        errors["skills"] = "; ".join(read.problems)[:150]
    data: dict[str, Any] = {
        "current_role": _value(values, "current_role"),
        "hours_per_week": _value(values, "hours_per_week"),
        "plan_a": {
            "position": _value(values, "plan_a_position"),
            "industry": _value(values, "plan_a_industry"),
        },
        "plan_b": {
            "position": _value(values, "plan_b_position"),
            "industry": _value(values, "plan_b_industry"),
        },
        "skills": read.levels,
    }
    try:
        profile = profile_from_data(data, "The profile")
    except InputError as exc:
        message = str(exc)
        for block_id in ("hours_per_week", "current_role", "skills"):
            if block_id in message:
                errors.setdefault(block_id, message[:150])
        for plan in ("plan_a", "plan_b"):
            if f"{plan}.position" in message or f"{plan}:" in message:
                errors.setdefault(f"{plan}_position", message[:150])
            if f"{plan}.industry" in message:
                errors.setdefault(f"{plan}_industry", message[:150])
        errors.setdefault("current_role", message[:150])
        return None, errors
    return (None, errors) if errors else (profile, {})
