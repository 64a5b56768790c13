"""A custom role's skill list changed at plan review - replace, rename, priority, target,
drop and add - through the graph (REPL and Slack text replies take this path), each change
recomputing the gap and redrafting; a change that cannot be applied leaves the draft as it was."""

from __future__ import annotations

import json

from conftest import to_review
from test_slack import _buttons, mention, signed, slack  # noqa: F401  (slack: the fixture itself)

from agent.coaching.plan import Plan
from agent.coaching.proposals import review_list_edit
from agent.coaching.review import ReviewChanges
from agent.runtime.session import Coach
from tools.errors import InputError
from tools.proposal import propose_skills
from tools.skill_edits import apply_skill_edits, parse_skill_edits

START = [
    "hey, developer advocate here, 3 years. python 3, public speaking 4, writing 4",
    "about 5h/wk",
    "I'd love to be an AI product manager in edtech. if that fails, data engineer in education",
    "ok",
    "skip",
]
SUCCESS = "Defining success metrics with product teams"


def _to_review(coach: Coach) -> str:
    return to_review(coach, START)


def _rows(coach: Coach, thread: str, plan: str = "a") -> dict[str, dict]:
    review = coach.pending_review(thread)
    assert review is not None, "the review stays open after an edit"
    return {s["name"]: s for s in review.plan[plan]["report"]["skills"]}


def test_replace_priority_target_drop_and_add_at_review_redraft(coach: Coach) -> None:
    thread = _to_review(coach)
    before = _rows(coach, thread)
    assert "Deep learning with PyTorch" in before
    old_draft = coach.pending_review(thread).draft_id

    said = coach.resume(thread, "replace deep learning with product sense").messages
    rows = _rows(coach, thread)
    assert "Deep learning with PyTorch" not in rows and rows[SUCCESS]["priority"] == 1
    assert rows[SUCCESS]["target"] == before["Deep learning with PyTorch"]["target"]
    assert any("Deep learning with PyTorch -> " + SUCCESS in m for m in said)
    assert coach.pending_review(thread).draft_id != old_draft, "a new draft with the new gap"
    assert "Defining success metrics" in coach.pending_review(thread).markdown

    coach.resume(thread, "make product sense priority 2")
    assert _rows(coach, thread)[SUCCESS]["priority"] == 2
    coach.resume(thread, "target for product sense 3")
    assert _rows(coach, thread)[SUCCESS]["target"] == 3

    coach.resume(thread, "drop rag, add user research")
    rows = _rows(coach, thread)
    assert "Retrieval-augmented generation (RAG)" not in rows
    assert rows["User research"]["kind"] == "specific" and rows["User research"]["hours"] > 0
    kinds = [s["kind"] for s in rows.values()]
    assert kinds.count("general") == 5 and kinds.count("specific") == 5

    coach.resume(thread, "rename user research to Interviewing learners")
    assert "Interviewing learners" in _rows(coach, thread)

    # The plan keeps the position's own name and the edited list when saved.
    assert "Plan saved as version 1" in " ".join(coach.resume(thread, "approve").messages)
    profile = coach.values(thread)["profile"]
    assert profile["plan_a"]["position"] == "AI product manager"
    assert "Interviewing learners" in [s["name"] for s in profile["plan_a"]["skills"]]


def test_a_change_that_breaks_the_list_is_refused_and_nothing_changes(coach: Coach) -> None:
    thread = _to_review(coach)
    draft = coach.pending_review(thread).draft_id
    said = " ".join(coach.resume(thread, "drop rag, add user research (general)").messages)
    assert "6 general and 4 specific" in said and "still waiting" in said
    said = " ".join(coach.resume(thread, "make kubernetes priority 1").messages)
    assert "'kubernetes' is not one of the listed skills" in said
    assert coach.pending_review(thread).draft_id == draft


def test_ordinary_review_answers_are_not_taken_for_list_edits(coach: Coach) -> None:
    thread = _to_review(coach)
    drafted = Plan.model_validate(coach.pending_review(thread).plan)
    for text in ("approve", "lgtm", "10 hours a week", "rag 2", "reject", "plan b: data engineer in fintech"):
        assert review_list_edit(text, drafted) is None, text
    # A lone drop is "no need for it", as elsewhere in a review: the list's target goes to 0.
    dropped = review_list_edit("drop python engineering", drafted)
    assert isinstance(dropped, ReviewChanges) and dropped.plan_a is not None
    assert next(s for s in dropped.plan_a.skills if s.name == "Python engineering").target == 0
    # Plan B is a catalog role: a change beyond a target pins its drafted list.
    swapped = review_list_edit("plan b: replace airflow with dbt", drafted)
    assert isinstance(swapped, ReviewChanges) and swapped.plan_b is not None and swapped.plan_a is None
    assert "Transforming data with dbt" in [s.name for s in swapped.plan_b.skills]
    # Targets set earlier in the review are kept in the new list.
    kept = review_list_edit("make rag priority 1", drafted, {"a": {"Python engineering": 2}})
    assert isinstance(kept, ReviewChanges) and kept.plan_a is not None
    assert next(s for s in kept.plan_a.skills if s.name == "Python engineering").target == 2


def test_the_new_phrasings_read_before_the_gap_too() -> None:
    proposal = propose_skills("AI product manager", "edtech")
    general = next(s for s in proposal.skills if s.kind == "general")
    edited = apply_skill_edits(
        proposal,
        f"drop {general.name}, add Product discovery (general) and make product discovery priority 1",
    )
    road = next(s for s in edited.skills if s.name == "Product discovery")
    assert (
        road.kind == "general" and road.priority == 1 and general.name not in {s.name for s in edited.skills}
    )
    assert [c.op for c in parse_skill_edits("target for #2 4; set the priority of #3 to 1")] == [
        "target",
        "priority",
    ]
    try:
        apply_skill_edits(proposal, f"drop {general.name}")
    except InputError as exc:
        assert "4 general and 5 specific" in str(exc)
    else:
        raise AssertionError("a lone drop before the gap leaves 9 skills: refused")


def test_slack_text_reply_edits_the_custom_list(slack) -> None:  # noqa: F811  (the fixture)
    app, mock, coach = slack
    for i, text in enumerate(START, start=1):
        assert app.dispatch(signed(mention("<@UBOT> " + text), "application/json")).status == 200
        mock.wait(lambda i=i: len(mock.of("chat.update")) >= i)
    mock.wait(lambda: any(_buttons(c.args.get("blocks", [])) for c in mock.of("chat.postMessage")))
    posted = next(c for c in mock.of("chat.postMessage") if _buttons(c.args.get("blocks", [])))
    value = json.loads(_buttons(posted.args["blocks"])[0]["value"])
    sent = app.dispatch(
        signed(mention("<@UBOT> replace deep learning with product sense"), "application/json")
    )
    assert sent.status == 200
    mock.wait(lambda: any(SUCCESS in json.dumps(c.args) for c in mock.of("chat.postMessage")))
    review = coach.pending_review(value["thread"])
    assert review is not None
    assert SUCCESS in {s["name"] for s in review.plan["a"]["report"]["skills"]}


def test_an_edit_form_with_the_change_as_feedback_edits_the_list(coach: Coach) -> None:
    # Slack's Edit modal and Studio send {"action": "edit", "feedback": ...}: the same reading.
    thread = _to_review(coach)
    coach.resume(thread, {"action": "edit", "feedback": "replace deep learning with product sense"})
    rows = _rows(coach, thread)
    assert SUCCESS in rows and "Deep learning with PyTorch" not in rows


def test_a_level_named_by_a_listed_skill_is_that_skills_level(coach: Coach) -> None:
    """A skill of the draft that the catalog lacks is known at review: its level can be
    corrected by its name, a typo of it, or the start of a long name, never read as the
    catalog's nearest skill ('user research' was taken for 'Reading and reproducing research')."""
    thread = _to_review(coach)
    coach.resume(thread, "replace deep learning with User research")
    assert "User research" in _rows(coach, thread)

    said = " ".join(coach.resume(thread, "my user research is 2, not 0").messages)
    assert _rows(coach, thread)["User research"]["current"] == 2, said
    assert "Reading and reproducing research" not in said and "don't know the skill" not in said

    said = " ".join(coach.resume(thread, "no wait, my usr research is 3 not 2").messages)
    assert _rows(coach, thread)["User research"]["current"] == 3, said
    assert said.count("don't know the skill") <= 1


def test_a_target_the_person_sets_drops_the_weak_evidence_cap_note() -> None:
    proposal = propose_skills("AI product manager", "fintech")
    capped = next((s for s in proposal.skills if "target kept at" in s.reason), None)
    assert capped is not None, [s.reason for s in proposal.skills]
    edited = apply_skill_edits(proposal, f"target for {capped.name} 3")
    row = next(s for s in edited.skills if s.name == capped.name)
    assert row.target == 3 and "target kept at" not in row.reason and "target 3: your choice" in row.reason
