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


PROFILE = """\
current_role: Backend engineer
industry: fintech
hours_per_week: 8
plan_a: {position: Data engineer, industry: fintech}
plan_b: {position: Backend engineer, industry: fintech}
skills:
  Python: 4
"""


def test_3_an_option_before_the_sub_command_is_honoured_or_refused(monkeypatch, capsys, tmp_path) -> None:
    # `coach plans --user maria show 1` said "There is no plan version 1; saved versions: none
    # yet." (exit 2): --user before `show` was silently dropped, and local's plans were read.
    from cli_helpers import run

    f = tmp_path / "maria.yaml"
    f.write_text(PROFILE)
    code, out, err = run(monkeypatch, capsys, "plan", "--profile", str(f), "--approve", "--user", "maria")
    assert code == 0, err
    code, out, err = run(monkeypatch, capsys, "plans", "--user", "maria", "show", "1")
    assert code == 0, err
    assert "Career plan for a Backend engineer" in out
    code, out, _ = run(monkeypatch, capsys, "plans", "--user", "maria", "--json", "show", "1")
    assert code == 0 and '"version": 1' in out
    # Two different names, one before and one after: refused, nothing read.
    code, out, err = run(monkeypatch, capsys, "plans", "--user", "maria", "show", "1", "--user", "bob")
    assert code == 2 and "give it once" in err
    # The same for `coach profile`: `set` writes maria's profile, not local's.
    code, out, err = run(monkeypatch, capsys, "profile", "--user", "maria", "import", str(f))
    assert code == 0, err
    code, out, err = run(monkeypatch, capsys, "profile", "--user", "maria", "set", "hours_per_week", "9")
    assert code == 0 and "for maria" in out, err
    # An option the sub-command has no use for is refused, not dropped.
    code, out, err = run(monkeypatch, capsys, "profile", "--user", "maria", "--json", "clear", "--yes")
    assert code == 2 and "has no --json" in err
    code, out, _ = run(monkeypatch, capsys, "profile", "--user", "maria")
    assert "hours_per_week: 9" in out


def test_4_an_industry_skill_about_models_is_only_for_roles_that_build_them() -> None:
    # "Clinical validation of models" was swapped into a Nurse educator's and a Healthcare
    # project manager's lists, and "Model risk management (SR 11-7)" guessed for the latter.
    from tools.proposal import proposal_markdown, propose_skills

    for position in ("Nurse educator", "Healthcare project manager"):
        proposal = propose_skills(position, "healthcare")
        names = [s.name for s in proposal.skills]
        assert "Clinical validation of models" not in names
        assert "Model risk management (SR 11-7)" not in names
        assert proposal.not_for_role == ["Clinical validation of models"]
        assert not any(s.skill_in == "Clinical validation of models" for s in proposal.swaps)
        # One line says why, and the industry's other skill is still there, as the industry's.
        text = proposal_markdown(proposal)
        assert "Not swapped in for healthcare: Clinical validation of models (about models" in text
        privacy = next(s for s in proposal.skills if s.name.startswith("Privacy"))
        assert not privacy.reason.startswith("weak guess")
    # The gap report (and the plan's table notes) carry it too.
    profile = _nurse()
    report = gap_report(profile, profile.plan_a)
    assert report.industry_not_for_role == ["Clinical validation of models"]
    # A position a catalog ML role lends to, and a catalog role, still get it.
    # (here left out only when no skill could make way: every other is critical, as before)
    ml = propose_skills("Clinical ML engineer", "healthcare")
    assert "Clinical validation of models" in [*(s.name for s in ml.skills), *ml.not_swapped]
    assert not ml.not_for_role
    ds = propose_skills("Data scientist", "healthcare")
    assert "Clinical validation of models" in [s.name for s in ds.skills]


def test_5_a_count_of_one_takes_a_singular_verb() -> None:
    # "1 are the industry's domain skills", "1 are picked by how close ...".
    from tools.proposal import propose_skills
    from tools.proposal_evidence import said_as

    thin = propose_skills("Healthcare project manager", "healthcare").thin
    assert "1 are " not in thin
    assert "1 is the industry's domain skill " in thin or "1 is the industry's domain skill," in thin
    assert "1 is picked by how close its name is in meaning to the title" in thin
    assert said_as("weak", 1) == "1 is a weak guess (optional, priority 3)"
    assert said_as("weak", 8) == "8 are weak guesses (optional, priority 3)"
    assert said_as("own", 1) == "1 comes from your own rated skills"


def test_6_the_swap_line_describes_the_list_as_it_stands() -> None:
    # After 'drop clinical validation of models, add Adult learning theory (specific)' the
    # footer still said "Swapped in for healthcare: ... Clinical validation of models (for
    # Time-series forecasting)".
    from tools.proposal import proposal_markdown, propose_skills
    from tools.skill_edits import apply_skill_edits

    proposal = propose_skills("Nurse educator", "healthcare")
    swap = proposal.swaps[0]
    assert swap.skill_in.startswith("Privacy")
    assert f"Swapped in for healthcare: {swap.skill_in} (for {swap.skill_out})" in proposal_markdown(proposal)
    dropped = apply_skill_edits(proposal, "drop privacy; add Adult learning theory (specific)")
    assert swap.skill_in not in [s.name for s in dropped.skills]
    assert "Swapped in for" not in proposal_markdown(dropped)
    # The skill it replaced put back: no longer a swap either.
    other = next(s.name for s in proposal.skills if s.kind == "specific" and s.name != swap.skill_in)
    back = apply_skill_edits(proposal, f"replace {other} with {swap.skill_out}")
    assert "Swapped in for" not in proposal_markdown(back)
    # A left-out skill added since is no longer said to be left out.
    assert "Not swapped in for healthcare: Clinical validation" in proposal_markdown(proposal)
    added = apply_skill_edits(proposal, f"replace {other} with Clinical validation of models")
    assert "Not swapped in for healthcare: Clinical validation" not in proposal_markdown(added)


def test_2_a_role_named_in_the_plural_gates_the_answer() -> None:
    # 'wait before that - do healthcare project managers usually need a PMP cert?' got two
    # Tech Lead lines: a role named without an article set no role gate.
    from knowledge.retriever import role_filter
    from knowledge.subject import named_role

    about = role_filter("wait before that - do healthcare project managers usually need a PMP cert?")
    assert about is not None
    role, ids = about
    assert role.text == "healthcare project managers" and ids == ()
    assert role_filter("what do data engineers need?") is not None
    # Things and a bare kind of role name no role to gate on.
    for question in (
        "do containers need much memory?",
        "do i need python for this?",
        "Where should secrets for model providers live?",
        "what are the best projects for beginners",
    ):
        assert named_role(question) is None, question


def test_2_a_question_at_the_proposal_returns_to_the_proposal(monkeypatch) -> None:
    # A question asked while a proposed list waited got its answer and no way back to it.
    from langchain_core.messages import AIMessage

    from agent.graph.nodes import answers

    monkeypatch.setattr(
        answers, "_answer", lambda state, runtime: {"messages": [AIMessage("I found nothing.")]}
    )
    state = {"asking": "proposal", "proposal": {"key": "a", "proposal": {"position": "Nurse educator"}}}
    text = str(answers.answer(state, None)["messages"][-1].content)  # type: ignore[arg-type]
    assert text.startswith("I found nothing.")
    assert (
        "Back to my question: the skills proposed for Nurse educator above - accept them, or write changes"
        in text
    )
    # With a draft out, nothing is added.
    state["draft"] = {"x": 1}
    assert str(answers.answer(state, None)["messages"][-1].content) == "I found nothing."  # type: ignore[arg-type]
