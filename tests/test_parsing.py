"""The deterministic understanding of what people type."""

import pytest

from agent.coaching.parsing import parse_message


@pytest.mark.parametrize(
    ("text", "asking", "field", "value"),
    [
        ("I'm a backend engineer in fintech with Python 4", None, "current_role", "Backend engineer"),
        ("I'm a backend engineer in fintech with Python 4", None, "industry", "fintech"),
        ("about 8 hours a week", None, "hours_per_week", 8.0),
        ("10", "hours_per_week", "hours_per_week", 10.0),
        (
            "Plan A: LLM engineer at a bank",
            None,
            "plan_a",
            {"position": "GenAI engineer", "industry": "fintech"},
        ),
        ("Data scientist", "plan_b", "plan_b", {"position": "Data scientist", "industry": "fintech"}),
        ("in 9 months", None, "horizon_months", 9),
        ("Python 4, SQL: 3 and k8s=2", None, "skills", {"Python": 4, "SQL": 3, "k8s": 2}),
    ],
)
def test_facts(text, asking, field, value) -> None:
    parsed = parse_message(text, asking, default_industry="fintech")
    assert getattr(parsed, field) == value


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Python 7", "Python: level 7"),
        ("-2 hours a week", "hours a week: -2"),
        ("Plan A: astronaut in space", "don't know the role"),
    ],
)
def test_problems_are_named(text, needle) -> None:
    assert any(needle in p for p in parse_message(text).problems)
