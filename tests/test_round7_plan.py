"""Round 7: an independent tester's findings on plans, proposals and the plans CLI."""

from __future__ import annotations

from tools.gap import gap_report
from tools.models import Profile, Target


def _nurse() -> Profile:
    return Profile(
        current_role="Registered nurse",
        hours_per_week=6,
        plan_a=Target(position="Nurse educator", industry="healthcare"),
        plan_b=Target(position="Healthcare project manager", industry="healthcare"),
        skills={"Python": 0},
    )


def test_1_a_weak_guess_does_not_make_a_passage_about_the_target() -> None:
    # "Why Plan A" for a Nurse educator quoted "AI Researcher: from reading to contributing:
    # Linear algebra, calculus and probability at depth ..." through the weak guess Math for ML.
    from agent.coaching.relevance import about_target

    profile = _nurse()
    report = gap_report(profile, profile.plan_a)
    assert any(s.name.startswith("Math for ML") for s in report.skills)
    passage = "Linear algebra, calculus and probability at depth; transformer internals and attention."
    assert not about_target(report, passage, "AI Researcher: from reading to contributing")
    # The position itself, and a skill the person chose, still make a passage about the target.
    assert about_target(report, "A nurse educator designs clinical training for staff.")
    assert about_target(report, "Protect patient data under HIPAA and GDPR.")
    # A catalog role's own skills count as before.
    catalog = Profile(
        current_role="Backend engineer",
        hours_per_week=8,
        plan_a=Target(position="AI researcher", industry="fintech"),
        plan_b=Target(position="Data engineer", industry="fintech"),
        skills={"Python": 4},
    )
    report = gap_report(catalog, catalog.plan_a)
    names = " ".join(s.name for s in report.skills)
    assert "Math for ML" in names
    assert about_target(report, passage)
