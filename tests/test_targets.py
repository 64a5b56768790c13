"""Any target (issue 12): custom positions, strict matching, industry swaps, priors,
postings as evidence, and the person's edits to a proposal."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tools.catalog import match_industry, match_role
from tools.errors import InputError
from tools.gap import gap_report
from tools.models import Profile, Target
from tools.postings import (
    analyse_postings,
    priority_from_share,
    read_postings,
    skill_mentions,
    split_postings,
)
from tools.proposal import propose_skills
from tools.skill_edits import apply_skill_edits, parse_skill_edits

DATA = Path(__file__).parent.parent / "evals" / "data" / "postings"


def person(
    a: Target,
    b: Target | None = None,
    skills: dict[str, int] | None = None,
    role: str = "Backend engineer",
    hours: float = 8,
) -> Profile:
    return Profile(
        current_role=role,
        hours_per_week=hours,
        plan_a=a,
        plan_b=b or Target(position="Data engineer", industry="fintech"),
        skills=skills if skills is not None else {"Python": 4, "REST APIs": 4},
    )


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("LLM engineer", "genai_engineer"),
        ("Senior backend engineer", "backend_engineer"),
        ("ML enginer", "ml_engineer"),
        ("AI product manager", None),
        ("Developer advocate", None),
        ("Astronaut", None),
    ],
)
def test_roles_match_strictly(name: str, role: str | None) -> None:
    found = match_role(name)
    assert (found.id if found else None) == role


@pytest.mark.parametrize(
    ("name", "industry"),
    [
        ("banking", "fintech"),
        ("retail banking", "fintech"),
        ("helthcare", "healthcare"),
        ("edtech", None),
        ("agritech", None),
    ],
)
def test_industries_match_strictly(name: str, industry: str | None) -> None:
    found = match_industry(name)
    assert (found.id if found else None) == industry


def test_any_position_is_a_target_but_names_stay_names() -> None:
    assert Target(position="AI product manager", industry="edtech").position == "AI product manager"
    assert Target(position="C++ developer (R&D)", industry="e-commerce").position == "C++ developer (R&D)"
    for bad in ("x", "a" * 81, "<script>alert(1)</script>", "-- drop", "PM\nignore"):
        with pytest.raises(ValidationError):
            Target(position=bad, industry="fintech")


def test_custom_position_gets_five_and_five_with_reasons() -> None:
    target = Target(position="AI product manager", industry="edtech")
    r = gap_report(person(target), target)
    assert r.custom and r.target.position == "AI product manager" and r.role_title == "AI product manager"
    kinds = [s.kind for s in r.skills]
    assert kinds.count("general") == 5 and kinds.count("specific") == 5
    assert len(r.nearest_roles) == 3 and all(0 < n.similarity <= 1 for n in r.nearest_roles)
    # edtech is not in the catalog: kept as written, nothing borrowed from healthcare
    assert r.industry_note == "" and not r.industry_known and not r.industry_swaps
    assert "HIPAA" not in r.model_dump_json()
    proposal = propose_skills("AI product manager", "edtech")
    assert all(s.reason.startswith("in ") for s in proposal.skills)


def test_industry_swaps_domain_skills_for_least_important_specific() -> None:
    fin = gap_report(
        person(Target(position="ML engineer", industry="fintech")),
        Target(position="ML engineer", industry="fintech"),
    )
    health = gap_report(
        person(Target(position="ML engineer", industry="healthcare")),
        Target(position="ML engineer", industry="healthcare"),
    )
    names_fin = {s.name for s in fin.skills}
    names_health = {s.name for s in health.skills}
    assert names_fin != names_health
    assert "Model risk management (SR 11-7)" in names_fin and "Auditability and explainability" in names_fin
    assert "Privacy and health data protection (HIPAA, GDPR)" in names_health
    # ML engineer's least important specific skills are docker and experiment tracking (priority 2)
    assert {s.skill_out for s in fin.industry_swaps} == {
        "Containerizing applications with Docker",
        "Experiment tracking and model registry (MLflow)",
    }
    for r in (fin, health):
        kinds = [s.kind for s in r.skills]
        assert kinds.count("general") == 5 and kinds.count("specific") == 5
    plain = gap_report(
        person(Target(position="ML engineer", industry="edtech")),
        Target(position="ML engineer", industry="edtech"),
    )
    assert not plain.industry_swaps and "Containerizing applications with Docker" in {
        s.name for s in plain.skills
    }


def test_priors_from_current_role_are_marked_and_never_hide_a_miss() -> None:
    target = Target(position="GenAI engineer", industry="high-growth tech")
    r = gap_report(person(target), target)
    design = next(s for s in r.skills if s.skill_id == "system_design")
    assert design.assumed and design.current == 3 and design.held and "assumed from your role" in design.prior
    junior = gap_report(person(target, role="Junior backend developer"), target)
    assert next(s for s in junior.skills if s.skill_id == "system_design").current == 2
    bare = gap_report(person(target), target, use_priors=False)
    assert next(s for s in bare.skills if s.skill_id == "system_design").current == 0
    assert r.total_hours < bare.total_hours
    assert r.assumed_weeks == bare.total_weeks
    if r.attainable and not bare.attainable:
        assert "Only if the levels assumed from your role hold" in r.verdict()


def test_assumed_fit_is_stated() -> None:
    target = Target(position="Backend engineer", industry="high-growth tech")
    p = person(target, role="Senior backend engineer", skills={"Python": 4}, hours=6)
    r = gap_report(p, target)
    assert r.assumed_weeks is not None
    assert r.attainable and not r.attainable_without_assumptions()
    assert "Only if the levels assumed from your role hold" in r.verdict()


def test_skills_at_target_are_held_not_quick_wins() -> None:
    target = Target(position="Backend engineer", industry="high-growth tech")
    r = gap_report(person(target, skills={"Python": 5, "fastapi": 4}), target)
    python = next(s for s in r.skills if s.skill_id == "python")
    assert python.gap == 0 and python.held and python.quadrant == "held"


def test_priority_thresholds() -> None:
    assert [priority_from_share(x) for x in (1.0, 0.6, 0.59, 0.3, 0.29, 0.0)] == [1, 1, 2, 2, 3, 3]


def test_postings_split_mentions_and_candidates() -> None:
    posts = read_postings(DATA / "ai_product_manager.md")
    assert len(posts) == 8 and len(split_postings("a\n---\n\n---\nb")) == 2
    assert {"success_metrics", "llm_apis"} <= skill_mentions(posts[0])
    assert "api_design" not in skill_mentions("the rest of the team")
    seen = analyse_postings(posts)
    assert seen.of == 8 and seen.skills["success_metrics"] >= 7
    names = [c.name.lower() for c in seen.candidates]
    assert "product roadmap" in names and "product requirements documents" in names
    assert all(c.count >= 3 for c in seen.candidates)  # at least 30% of 8, and at least 2


def test_postings_set_priority_and_evidence() -> None:
    posts = read_postings(DATA / "ai_product_manager.md")
    target = Target(position="AI product manager", industry="high-growth tech")
    r = gap_report(person(target), target, postings=posts)
    assert all(s.evidence is not None and s.evidence.of == 8 for s in r.skills)
    for s in r.skills:
        if s.source != "industry: high-growth tech":
            assert s.priority == priority_from_share(s.evidence.share())  # type: ignore[union-attr]
    data = r.model_dump(mode="json")
    roadmap = next(s for s in data["skills"] if s["name"].lower() == "product roadmap")
    assert roadmap["evidence"] == {"postings": 7, "of": 8} and roadmap["priority"] == 1


def test_profile_skills_override_the_proposal(tmp_path: Path) -> None:
    from agent.coaching.profile_file import load_profile

    skills = "\n".join(
        f"      - {{name: {n}, kind: {k}, priority: {p}, target: 3}}"
        for n, k, p in [
            ("Product roadmapping", "general", 1),
            ("Stakeholder management", "general", 1),
            ("Success metrics", "general", 1),
            ("User research", "general", 2),
            ("Communication", "general", 2),
            ("LLM APIs", "specific", 1),
            ("SQL", "specific", 2),
            ("A/B testing platforms", "specific", 2),
            ("Figma", "specific", 3),
            ("RAG", "specific", 2),
        ]
    )
    path = tmp_path / "p.yaml"
    path.write_text(
        "current_role: Data analyst\nhours_per_week: 8\nskills: {SQL: 3}\n"
        f"plan_a:\n  position: AI product manager\n  industry: edtech\n  skills:\n{skills}\n"
        "plan_b: {position: Developer advocate, industry: developer tools}\n",
        "utf-8",
    )
    p = load_profile(path)
    r = gap_report(p, p.plan_a)
    assert [s.name for s in r.skills if s.name == "Figma"] == ["Figma"]
    assert {s.source for s in r.skills} == {"you"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        path.read_text("utf-8").replace("kind: specific, priority: 3", "kind: general, priority: 3"), "utf-8"
    )
    with pytest.raises(InputError, match="5 general and 5 specific"):
        load_profile(bad)


def test_apply_skill_edits() -> None:
    proposal = propose_skills("AI product manager", "edtech")
    first_specific = next(s for s in proposal.skills if s.kind == "specific")
    edited = apply_skill_edits(
        proposal, f"replace {first_specific.name} with Figma; priority Figma 1; target #1 4"
    )
    figma = next(s for s in edited.skills if s.name == "Figma")
    assert figma.kind == "specific" and figma.priority == 1 and "your choice" in figma.reason
    assert edited.skills[0].target == 4
    assert apply_skill_edits(proposal, "looks good").skills == proposal.skills
    with pytest.raises(InputError, match="could not read"):
        parse_skill_edits("make it better")
    with pytest.raises(InputError, match="not one of the listed skills"):
        apply_skill_edits(proposal, "priority Underwater welding 1")
    with pytest.raises(InputError, match="1-3"):
        apply_skill_edits(proposal, "priority #2 7")
    r = gap_report(person(edited.target()), edited.target())
    assert "Figma" in {s.name for s in r.skills}


def test_rated_custom_skills_count_and_explain_names_sources() -> None:
    from tools.explain import explain_report

    proposal = apply_skill_edits(
        propose_skills("AI product manager", "edtech"), "replace #10 with Stakeholder management"
    )
    target = proposal.target()
    p = person(target, skills={"Python": 4, "Stakeholder management": 3})
    r = gap_report(p, target)
    row = next(s for s in r.skills if s.name == "Stakeholder management")
    assert row.skill_id.startswith("custom:") and row.current == 3 and not row.assumed
    assert "Stakeholder management" not in r.unknown_skills
    lines = explain_report(gap_report(p, Target(position="AI product manager", industry="fintech")))
    assert any("nearest roles" in line for line in lines) and any("swapped in for" in line for line in lines)


def test_the_positions_own_title_is_not_a_candidate_skill() -> None:
    from tools.postings import analyse_postings

    posts = ["We are hiring a Developer Advocate.\n- Developer Advocate experience\n- public speaking"] * 3
    names = [c.name.lower() for c in analyse_postings(posts, "Developer advocate").candidates]
    assert "developer advocate" not in names and "public speaking" in names


def test_a_tool_named_after_a_comma_is_a_candidate_and_a_sentence_start_is_not() -> None:
    posts = [
        "Own renewals. Tools: Salesforce, Gainsight, Looker. Great communication.",
        "Drive adoption. Must know Salesforce and Gainsight. Great stakeholder skills.",
        "Reduce churn. Tools: Gainsight. Great writing.",
    ]
    seen = analyse_postings(posts, "Customer success manager")
    names = {c.name.lower(): c.count for c in seen.candidates}
    assert names.get("gainsight") == 3 and names.get("salesforce") == 2
    assert "great" not in names and "tools" not in names
