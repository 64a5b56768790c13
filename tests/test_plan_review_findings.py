"""What a tester found in plans, each fixed: the rationale lists every cut of the trim; a
week-2 task never repeats a level step finished in week 1; a custom Plan A skill is the
person's in Plan B too, not an unknown (nor fuzzily another skill); an industry says which
catalog industry it was read as; a thin proposal says so; the export words milestones as
the review does."""

from __future__ import annotations

import re
from typing import Any

from agent.coaching.actions import first_weeks
from agent.coaching.export import export_html, export_markdown
from agent.coaching.plan import Plan, build_plan
from agent.coaching.render import milestone_line, plan_markdown
from tools.gap import compare_plans, gap_report
from tools.models import Evidence, Profile, SkillLine, Target, TargetSkill
from tools.proposal import propose_skills

PROJECTS: list[Any] = [
    {
        "id": "p1",
        "source": "genai.md",
        "section": "Projects",
        "lines": [1, 6],
        "text": "- Build a RAG chatbot over your docs with *hybrid* search\n"
        "- An agent with LangGraph that books meetings",
        "score": 1.0,
    }
]


def own_list() -> list[TargetSkill]:
    rows = [
        ("Product roadmap", "general", 1, 3),
        ("success metrics", "general", 1, 3),
        ("communication", "general", 2, 3),
        ("a/b testing", "general", 2, 3),
        ("evaluation", "general", 2, 3),
        ("llm apis", "specific", 1, 3),
        ("sql", "specific", 2, 3),
        ("rag", "specific", 3, 2),
        ("python", "specific", 3, 3),
        ("Figma", "specific", 3, 2),
    ]
    return [TargetSkill(name=n, kind=k, priority=p, target=t) for n, k, p, t in rows]  # type: ignore[arg-type]


def analyst(plan_b: Target, hours: float = 10) -> Profile:
    return Profile(
        current_role="Data analyst",
        hours_per_week=hours,
        plan_a=Target(position="AI product manager", industry="SaaS", skills=own_list()),
        plan_b=plan_b,
        skills={"SQL": 4, "Product roadmap": 2, "storytelling": 3},
    )


def plan_for(profile: Profile, passages: list[Any] | None = None) -> Plan:
    return build_plan(profile, compare_plans(profile), passages or [], [])


def test_why_plan_a_lists_every_cut_of_the_trim() -> None:
    profile = Profile(
        current_role="Developer advocate",
        hours_per_week=2,
        plan_a=Target(position="AI product manager", industry="edtech"),
        plan_b=Target(position="Data engineer", industry="education"),
        skills={"python": 3, "communication": 4},
    )
    plan = plan_for(profile)
    cut = [c for c in plan.a.report.trim.choices if c.target < c.full_target]  # type: ignore[union-attr]
    assert len(cut) > 4
    claim = next(c.text for c in plan.rationale if "best trim" in c.text)
    assert all(f"{c.name} to {c.target}" in claim for c in cut)


def test_a_week_two_task_never_repeats_a_step_finished_in_week_one() -> None:
    # Level 1->3 at ease 3: 24.5 h for 1->2, then 52.5 h for 2->3. At 30 h a week, 1->2 is
    # done in week 1, so week 2 is on 2->3 (a share of hours is not a share of levels).
    line = SkillLine(
        name="Python engineering",
        skill_id="python",
        kind="specific",
        priority=1,
        ease=3,
        current=1,
        target=3,
        gap=2,
        hours=77.0,
        start_week=0,
        finish_week=3,
        quadrant="quick win",
    )
    profile = Profile(
        current_role="Data analyst",
        hours_per_week=30,
        plan_a=Target(position="Data scientist", industry="fintech"),
        plan_b=Target(position="Data engineer", industry="fintech"),
    )
    report = gap_report(profile, profile.plan_a).model_copy(update={"skills": [line], "hours_per_week": 30.0})
    week1, week2 = first_weeks(report, {})
    assert "level 1->3" in week1.do and "then build real projects" in week1.do
    assert "level 2->3" in week2.do and "1->2" not in week2.do


def test_a_custom_plan_a_skill_is_the_persons_in_plan_b_too() -> None:
    profile = analyst(Target(position="Data scientist", industry="fintech"))
    a, b = compare_plans(profile)
    roadmap = next(s for s in a.skills if s.name == "Product roadmap")
    assert roadmap.current == 2 and not roadmap.assumed, "the person's own rating of a custom skill"
    # Not read as a catalog skill it only resembles ("Defining success metrics with product teams").
    assert all(
        s.matched_from != "Product roadmap" for s in a.skills + b.skills if s.name != "Product roadmap"
    )
    text = plan_markdown(plan_for(profile))
    assert "In your other plan's skills, not this role's 10: Product roadmap" in text
    assert not re.search(r"Not in the catalog[^\n]*Product roadmap", text)


def test_the_industry_says_where_it_came_from() -> None:
    plan = plan_for(analyst(Target(position="Data scientist", industry="edtech")))
    said = " ".join(c.text for c in plan.rationale + plan.rationale_b)
    assert "In SaaS (read as the catalog's high-growth tech):" in said
    assert "edtech is not an industry in my catalog: kept as you wrote it" in said
    fintech = plan_for(analyst(Target(position="Data scientist", industry="fintech")))
    text = " ".join(c.text for c in fintech.rationale_b)
    assert "For fintech:" in text and "read as" not in text


def test_a_proposal_from_only_somewhat_similar_roles_says_so() -> None:
    proposal = propose_skills("UX researcher", "fintech")  # AI researcher 0.51, Data scientist 0.41
    assert proposal.thin.startswith("Evidence is moderate") and "AI researcher 0.51" in proposal.thin
    assert not propose_skills("Solutions architect", "fintech").thin  # AI architect, 1.00
    profile = Profile(
        current_role="Teacher",
        hours_per_week=8,
        plan_a=Target(position="UX researcher", industry="fintech"),
        plan_b=Target(position="Data analyst", industry="fintech"),
    )
    claims = " ".join(c.text for c in plan_for(profile).rationale)
    assert "only somewhat similar: add job postings" in claims


def test_a_thin_proposal_says_so_and_ties_every_skill_to_its_evidence() -> None:
    for title in ("Customer success manager", "Product marketing manager"):
        proposal = propose_skills(title, "SaaS")
        assert "Evidence is thin" in proposal.thin and f'--role "{title}"' in proposal.thin
        for s in proposal.skills:
            assert s.reason and "filler" not in s.reason
            # Roles this far away lend nothing: no skill is "in ML engineer (0.24)".
            assert not re.search(r"\bin [A-Z][\w ]+ \(0\.[0-3]\d\)", s.reason), s.reason
    near = propose_skills("UX researcher", "fintech")
    assert "thin" not in near.thin and any("in AI researcher" in s.reason for s in near.skills)
    profile = Profile(
        current_role="Teacher",
        hours_per_week=8,
        plan_a=Target(position="Customer success manager", industry="SaaS"),
        plan_b=Target(position="Data analyst", industry="SaaS"),
    )
    claims = " ".join(c.text for c in plan_for(profile).rationale)
    assert "the evidence is thin" in claims and "coach postings add" in claims


def test_the_export_words_milestones_as_the_review_does() -> None:
    profile = Profile(
        current_role="Backend engineer",
        hours_per_week=6,
        plan_a=Target(position="GenAI engineer", industry="fintech"),
        plan_b=Target(position="MLOps engineer", industry="fintech"),
        skills={"Python": 4, "SQL": 3, "Docker": 2},
    )
    plan = plan_for(profile, PROJECTS)
    placed = [m for m in plan.a.milestones if m.project]
    assert placed
    review, md = plan_markdown(plan), export_markdown(plan)
    for m in plan.a.milestones:
        assert f"- {milestone_line(m)}" in review and f"- {milestone_line(m)}" in md
    assert "\u201cBuild a RAG chatbot over your docs with \\*hybrid\\* search\u201d [1]" in md
    page = export_html(plan)
    assert "\u201cBuild a RAG chatbot over your docs with *hybrid* search\u201d [1]" in page
    assert "\\*" not in page


def test_a_custom_list_says_it_is_the_persons_and_how_much_postings_back_it() -> None:
    plan = plan_for(analyst(Target(position="Data scientist", industry="fintech")))
    said = " ".join(c.text for c in plan.rationale)
    assert "AI product manager is not in the catalog: it uses the 10 skills listed for it" in said
    assert "change them at review with 'replace A with B')." in said
    # No posting backs it and the nearest roles are only somewhat similar: said, with what helps.
    assert "The nearest catalog roles are only somewhat similar (AI architect 0.55" in said
    assert 'coach postings add FILE... --role "AI product manager"' in said
    skills = [
        s.model_copy(update={"evidence": Evidence(postings=3, of=5)}) for s in own_list()[:4]
    ] + own_list()[4:]
    posted = analyst(Target(position="Data scientist", industry="fintech"))
    posted = posted.model_copy(update={"plan_a": posted.plan_a.model_copy(update={"skills": skills})})
    said = " ".join(c.text for c in plan_for(posted).rationale)
    assert "4 of them are asked for in your 5 job postings" in said
