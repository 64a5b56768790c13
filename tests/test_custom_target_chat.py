"""A position the catalog lacks, in chat: its 10 skills are proposed with their reasons,
changed and agreed before any gap, and the plan keeps the position's own name."""

from __future__ import annotations

from agent.coaching.proposals import answer, needs_proposal
from agent.runtime.session import Coach
from tools.proposal import propose_skills

START = [
    "hey, developer advocate here, 3 years. python 3, public speaking 4, writing 4",
    "about 5h/wk",
    "I'd love to be an AI product manager in edtech. if that fails, data engineer in education",
]


def test_a_custom_position_is_proposed_changed_agreed_and_planned(coach: Coach) -> None:
    thread = coach.new_thread_id()
    turn = None
    for line in START:
        turn = coach.send(thread, line)
    assert turn is not None
    shown = turn.messages[-1]
    assert "I don't have AI product manager in my catalog" in shown
    assert shown.count("| specific |") == 5 and shown.count("| general |") == 5
    assert "nearest catalog roles" in shown
    changed = coach.send(thread, "replace deep learning with product sense").messages[-1]
    assert "in place of Deep learning with PyTorch" in changed
    assert coach.pending_review(thread) is None, "no gap before the skills are agreed"
    agreed = coach.send(thread, "ok looks good").messages[-1]
    assert "Using these 10 skills for AI product manager" in agreed
    final = coach.send(thread, "skip")
    assert final.review is not None
    plan_a = final.review.plan["a"]["report"]
    assert plan_a["target"]["position"] == "AI product manager"
    names = [s["name"] for s in plan_a["skills"]]
    assert not any("Deep learning" in n for n in names)
    assert len(names) == 10


def test_catalog_positions_need_no_proposal_and_a_pinned_list_is_done() -> None:
    catalog = {"position": "Data engineer", "industry": "education"}
    custom = {"position": "Developer advocate", "industry": "saas"}
    assert needs_proposal({"plan_a": catalog, "plan_b": catalog}) is None
    assert needs_proposal({"plan_a": catalog, "plan_b": custom}) == "plan_b"
    proposal = propose_skills("Developer advocate", "saas")
    pinned = {**custom, "skills": [s.model_dump() for s in proposal.skills]}
    assert needs_proposal({"plan_a": catalog, "plan_b": pinned}) is None


def test_an_unreadable_change_keeps_the_list_and_says_how() -> None:
    proposal = propose_skills("Developer advocate", "saas")
    reply = answer("hmm I wonder", proposal)
    assert not reply.accepted and reply.proposal == proposal
    assert "Say 'ok' to keep the list" in reply.text
    assert answer("fine by me, thanks", proposal).accepted


def test_no_to_a_near_catalog_name_keeps_the_persons_own_title(coach: Coach) -> None:
    thread = coach.new_thread_id()
    for line in START[:2]:
        coach.send(thread, line)
    asked = coach.send(thread, "solutions architect in agritech").messages[-1]
    assert "Did you mean AI architect" in asked
    kept = coach.send(thread, "no").messages[-1]
    assert "Plan A is Solutions architect in agritech" in kept, kept
    assert coach.values(thread)["profile"]["plan_a"] == {
        "position": "Solutions architect",
        "industry": "agritech",
    }


CS_POSTINGS = [
    "Own onboarding and renewals. Requirements: churn reduction, stakeholder communication, "
    "SQL or Looker for health scores. Tools: Salesforce, Gainsight.",
    "Drive adoption. Must have: customer onboarding, churn reduction, health scores in Gainsight, "
    "communication with executives.",
    "Enterprise accounts: onboarding and renewals. Requirements: churn reduction, Salesforce, "
    "Looker dashboards. Stakeholder management and communication.",
    "Lead onboarding; build health scores; reduce churn. Tools: Gainsight, Salesforce. Strong communication.",
]


def _add_postings(coach: Coach, position: str, texts: list[str], user: str = "local") -> None:
    import hashlib

    from agent.storage.records import PostingRecord

    coach.persistence.postings.add(
        [
            PostingRecord(
                posting_id=hashlib.sha256(f"{position}{t}".encode()).hexdigest()[:10],
                user_id=user,
                position=position,
                source=f"test#{i}",
                sha256=hashlib.sha256(t.encode()).hexdigest(),
                text=t,
            )
            for i, t in enumerate(texts)
        ]
    )


def test_the_chat_proposes_from_the_persons_postings(coach: Coach) -> None:
    _add_postings(coach, "Customer success manager", CS_POSTINGS)
    _add_postings(coach, "Customer success manager", CS_POSTINGS, user="someone-else")
    thread = coach.new_thread_id()
    for line in ["I'm a teacher, communication 4, sql 1", "8 hours a week"]:
        coach.send(thread, line)
    shown = coach.send(thread, "plan A: customer success manager in SaaS, plan B: data engineer in edtech")
    text = shown.messages[-1]
    assert "from 4 job posting(s)" in text and "Evidence is thin" not in text
    assert "| Gainsight | specific | 1 |" in text and "in 4 of 4 postings" in text
    # The industry's wish (no posting asks for experimentation) displaces no skill the postings rank first.
    assert "Experimentation at scale" not in text
    coach.send(thread, "ok")
    review = coach.send(thread, "skip").review
    assert review is not None
    rows = {s["name"]: s for s in review.plan["a"]["report"]["skills"]}
    assert rows["Gainsight"]["evidence"] == {"postings": 3, "of": 4}


def test_without_postings_a_far_off_title_says_its_evidence_is_thin(coach: Coach) -> None:
    thread = coach.new_thread_id()
    for line in ["I'm a teacher, communication 4, sql 1", "8 hours a week"]:
        coach.send(thread, line)
    text = coach.send(
        thread, "plan A: customer success manager in SaaS, plan B: data engineer in edtech"
    ).messages[-1]
    assert (
        "Evidence is thin" in text and 'coach postings add FILE... --role "Customer success manager"' in text
    )
    assert "filler" not in text and "weak guess" in text


def test_a_skill_the_person_added_to_a_list_gets_its_postings_evidence() -> None:
    from tools.gap import gap_report
    from tools.models import Profile, Target, TargetSkill

    names = {
        "general": [
            "communication",
            "Customer onboarding",
            "project management",
            "success metrics",
            "storytelling",
        ],
        "specific": ["Salesforce", "Gainsight", "sql", "looker", "Underwater welding"],
    }
    listed = [TargetSkill(name=n, kind=k) for k, ns in names.items() for n in ns]  # type: ignore[arg-type]
    target = Target(position="Customer success manager", industry="SaaS", skills=listed)
    person = Profile(current_role="Teacher", hours_per_week=8, plan_a=target, plan_b=target)
    rows = {s.name: s for s in gap_report(person, target, postings=CS_POSTINGS).skills}
    assert rows["Salesforce"].evidence is not None and rows["Salesforce"].evidence.text() == "3 of 4 postings"
    assert rows["Underwater welding"].evidence.text() == "0 of 4 postings"  # type: ignore[union-attr]
    assert rows["communication"].evidence.postings == 4  # type: ignore[union-attr]
    assert all(s.evidence is None for s in gap_report(person, target).skills), "no postings, no evidence"
