"""A sixth tester's misreadings at intake, each as the person typed it: a level given to
another skill, a teacher's opening losing her role and plans, a hedged Plan B, ratings asked
for again, a hedged second figure for hours, a 'yes. and plan b ...', a hedged industry,
'never touched' a listed skill, and a deadline inside a position set from the CLI."""

from __future__ import annotations

from agent.graph.nodes.common import unrated_role_skills

TEACHER_A = [
    {"name": name, "kind": kind, "priority": 1, "target": 3}
    for name, kind in [
        ("Curriculum design", "general"),
        ("Assessment design", "general"),
        ("Stakeholder interviews", "general"),
        ("Facilitation", "general"),
        ("Project management", "general"),
        ("Google classroom", "specific"),
        ("Canva", "specific"),
        ("Articulate Storyline", "specific"),
        ("LMS administration", "specific"),
        ("Video editing", "specific"),
    ]
]


def _teacher(skills: dict[str, int]) -> dict[str, object]:
    listed = {"position": "Instructional designer", "industry": "edtech", "skills": TEACHER_A}
    return {
        "current_role": "Science teacher",
        "hours_per_week": 6,
        "plan_a": listed,
        "plan_b": {**listed, "position": "Corporate trainer", "industry": "healthcare"},
        "skills": skills,
    }


def test_skills_rated_on_a_targets_own_list_are_not_asked_for_again() -> None:
    # 'curriculum design' only resembles the catalog's 'Designing scalable systems': it is
    # the listed skill, rated; so are the others rated by their names in any case.
    unrated = unrated_role_skills(_teacher({"google classroom": 4, "Canva": 3, "curriculum design": 4}))
    assert "Curriculum design" not in unrated and "Google classroom" not in unrated
    assert "Canva" not in unrated and "Articulate Storyline" in unrated
