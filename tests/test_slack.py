"""The real Bolt app, signed requests in, a local mock of Slack's Web API out."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from agent.interfaces.slack.app import build_app, coach_ids
from agent.runtime.session import Coach, Settings
from agent.storage.plans import list_plans
from evals.slack_mock import MockSlack

SECRET = "test-signing-secret"
CONVERSATION = [
    "<@UBOT> I'm a backend engineer in fintech with Python 4, SQL 3 and Docker 2",
    "8 hours a week",
    "Plan A: GenAI engineer in fintech",
    "MLOps engineer",
    "system design 2, evaluation 1, communication 3",
]


@pytest.fixture
def slack(home, model):
    with MockSlack() as mock:
        coach = Coach(Settings(home=home, model="fake"), chat_model=model, interface="slack")
        app = build_app(coach, signing_secret=SECRET, client=WebClient(token="xoxb-test", base_url=mock.url))
        yield app, mock, coach


def signed(
    body: str, content_type: str, timestamp: int | None = None, secret: str = SECRET, retry: int | None = None
) -> BoltRequest:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    headers = {
        "content-type": [content_type],
        "x-slack-request-timestamp": [ts],
        "x-slack-signature": [SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)],
    }
    if retry is not None:
        headers["x-slack-retry-num"] = [str(retry)]
        headers["x-slack-retry-reason"] = ["http_timeout"]
    return BoltRequest(body=body, headers=headers)


_counter = iter(range(10_000))


def mention(text: str, user: str = "U1", thread_ts: str = "100.1", event_id: str | None = None) -> str:
    n = next(_counter)
    return json.dumps(
        {
            "token": "x",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{n}",
            "event_time": int(time.time()),
            "event": {
                "type": "app_mention",
                "user": user,
                "text": text,
                "ts": f"{200 + n}.1",
                "thread_ts": thread_ts,
                "channel": "C1",
            },
        }
    )


def click(action: str, value: dict, user: str = "U1", message_ts: str = "900.1") -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "channel": {"id": "C1"},
        "trigger_id": "trig-1",
        "message": {"ts": message_ts, "thread_ts": "100.1"},
        "actions": [{"action_id": f"review_{action}", "value": json.dumps(value), "type": "button"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def converse(app, mock) -> dict:
    """Mentions through to the review; returns the review button value."""
    for i, text in enumerate(CONVERSATION, start=1):
        assert app.dispatch(signed(mention(text), "application/json")).status == 200
        mock.wait(lambda i=i: len(mock.of("chat.update")) >= i)
    mock.wait(
        lambda: any("blocks" in c.args and _buttons(c.args["blocks"]) for c in mock.of("chat.postMessage"))
    )
    review = next(c for c in mock.of("chat.postMessage") if _buttons(c.args.get("blocks", [])))
    return json.loads(_buttons(review.args["blocks"])[0]["value"])


def _buttons(blocks: list) -> list:
    """The review's buttons (the profile form's button is another actions block)."""
    return [
        e
        for b in blocks
        if b.get("type") == "actions" and b.get("block_id") == "review"
        for e in b["elements"]
    ]


def _placeholders(mock) -> list:
    return [c for c in mock.of("chat.postMessage") if "thinking" in c.args.get("text", "")]


def test_bad_missing_and_stale_signatures_are_refused(slack) -> None:
    app, mock, _ = slack
    body = mention("<@UBOT> hi")
    assert app.dispatch(signed(body, "application/json", secret="wrong")).status == 401
    unsigned = BoltRequest(body=body, headers={"content-type": ["application/json"]})
    assert app.dispatch(unsigned).status == 401
    assert app.dispatch(signed(body, "application/json", timestamp=int(time.time()) - 600)).status == 401
    # Then a good request: once it is answered, it is the only turn there was.
    assert app.dispatch(signed(mention("<@UBOT> hi"), "application/json")).status == 200
    mock.wait(lambda: len(mock.of("chat.update")) >= 1)
    assert len(_placeholders(mock)) == 1


def test_retries_are_deduplicated(slack) -> None:
    app, mock, _ = slack
    body = mention("<@UBOT> I'm a data analyst", event_id="EvSame")
    assert app.dispatch(signed(body, "application/json")).status == 200
    assert app.dispatch(signed(body, "application/json", retry=1)).status == 200
    assert app.dispatch(signed(body, "application/json", retry=2)).status == 200
    # A later message in the same thread waits for the turns before it (one at a time per
    # thread): once it is answered, any retry that got through would have shown.
    assert app.dispatch(signed(mention("<@UBOT> 6 hours a week"), "application/json")).status == 200
    mock.wait(lambda: len(mock.of("chat.update")) >= 2)
    assert len(_placeholders(mock)) == 2, "two turns, two thinking messages"


def test_full_flow_from_mention_to_committed_plan(slack) -> None:
    app, mock, coach = slack
    value = converse(app, mock)
    thinking = _placeholders(mock)[0]
    assert thinking.args["thread_ts"] == "100.1" and "thinking" in thinking.args["text"]
    review = next(c for c in mock.of("chat.postMessage") if _buttons(c.args.get("blocks", [])))
    assert any(
        "```" in b["text"]["text"]
        for b in review.args["blocks"]
        if b.get("type") == "section" and "text" in b
    )
    assert [b["action_id"] for b in _buttons(review.args["blocks"])] == [
        "review_approve",
        "review_edit",
        "review_reject",
    ]
    thread, user = coach_ids("T1", "C1", "100.1", "U1")
    assert value["thread"] == thread

    assert app.dispatch(signed(click("approve", value), "application/x-www-form-urlencoded")).status == 200
    mock.wait(lambda: any("Approved by <@U1>" in c.args.get("text", "") for c in mock.of("chat.update")))
    outcome = next(c for c in mock.of("chat.update") if "Approved by" in c.args.get("text", ""))
    assert not _buttons(outcome.args["blocks"]), "buttons replaced by the outcome"
    # A double click: answered once, saved once.
    app.dispatch(signed(click("approve", value), "application/x-www-form-urlencoded"))
    mock.wait(lambda: any("already answered" in c.args.get("text", "") for c in mock.of("chat.update")))
    assert [p.version for p in list_plans(coach.persistence.store, user)] == [1]


def test_another_users_click_is_refused(slack) -> None:
    app, mock, coach = slack
    value = converse(app, mock)
    app.dispatch(signed(click("approve", value, user="U2"), "application/x-www-form-urlencoded"))
    mock.wait(lambda: len(mock.of("chat.postEphemeral")) == 1)
    refusal = mock.of("chat.postEphemeral")[0].args
    assert refusal["user"] == "U2" and "Only <@U1>" in refusal["text"]
    assert coach.pending_review(value["thread"]) is not None
    assert list_plans(coach.persistence.store, "slack-T1-U2") == []


def test_another_user_in_the_thread_is_refused(slack) -> None:
    app, mock, coach = slack
    app.dispatch(signed(mention("<@UBOT> I'm a data analyst"), "application/json"))
    mock.wait(lambda: len(mock.of("chat.update")) == 1)
    app.dispatch(signed(mention("<@UBOT> I'm a chef with cooking 5", user="U2"), "application/json"))
    mock.wait(lambda: len(mock.of("chat.postEphemeral")) == 1)
    thread, _ = coach_ids("T1", "C1", "100.1", "U1")
    assert coach.values(thread)["profile"]["current_role"] == "Data analyst"


def test_edit_opens_a_modal_and_the_submission_redrafts(slack) -> None:
    app, mock, coach = slack
    value = converse(app, mock)
    app.dispatch(signed(click("edit", value), "application/x-www-form-urlencoded"))
    mock.wait(lambda: len(mock.of("views.open")) == 1)
    view = mock.of("views.open")[0].args["view"]
    assert view["callback_id"] == "review_edit"
    submission = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1", "team_id": "T1"},
        "view": {
            "type": "modal",
            "id": "V1",
            "callback_id": "review_edit",
            "private_metadata": view["private_metadata"],
            "state": {
                "values": {
                    "feedback": {"text": {"type": "plain_text_input", "value": "I can do 20 hours a week"}}
                }
            },
        },
    }
    reviews_before = sum(bool(_buttons(c.args.get("blocks", []))) for c in mock.of("chat.postMessage"))
    resp = app.dispatch(
        signed(urlencode({"payload": json.dumps(submission)}), "application/x-www-form-urlencoded")
    )
    assert resp.status == 200
    mock.wait(
        lambda: (
            sum(bool(_buttons(c.args.get("blocks", []))) for c in mock.of("chat.postMessage"))
            == reviews_before + 1
        )
    )
    pending = coach.pending_review(value["thread"])
    assert pending is not None and pending.draft_id != value["draft"]
    assert pending.plan["a"]["report"]["hours_per_week"] == 20


def test_direct_message_is_answered(slack) -> None:
    app, mock, _ = slack
    body = json.dumps(
        {
            "team_id": "T1",
            "type": "event_callback",
            "event_id": "EvDM1",
            "event": {
                "type": "message",
                "channel_type": "im",
                "user": "U3",
                "text": "hi",
                "ts": "300.1",
                "channel": "D1",
            },
        }
    )
    app.dispatch(signed(body, "application/json"))
    mock.wait(lambda: len(mock.of("chat.update")) == 1)
    assert "current role" in mock.of("chat.update")[0].args["text"]


def test_mrkdwn_conversion_escapes_and_formats() -> None:
    from agent.interfaces.slack.blocks import sections, to_mrkdwn

    text = to_mrkdwn("## Skill gap\n\n**Verdict:** 0->3 for <b> & co\n\n| a | b |\n|---|---|\n| 1 | 22 |")
    assert "*Skill gap*" in text and "*Verdict:*" in text
    assert "0-&gt;3 for &lt;b&gt; &amp; co" in text
    assert "```\na  b\n1  22\n```" in text
    long = sections("para\n\n" + "x" * 7000)
    assert all(len(b["text"]["text"]) <= 3000 for b in long)


def _profile_submission(meta: str, values: dict[str, str], user: str = "U1") -> str:
    state = {
        block: {
            "value": {"type": "number_input" if block == "hours_per_week" else "plain_text_input", "value": v}
        }
        for block, v in values.items()
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "view": {
            "type": "modal",
            "id": "V2",
            "callback_id": "profile_setup",
            "private_metadata": meta,
            "state": {"values": state},
        },
    }
    return urlencode({"payload": json.dumps(payload)})


GOOD_FORM = {
    "current_role": "Data analyst",
    "hours_per_week": "7",
    "plan_a_position": "ML engineer",
    "plan_a_industry": "healthcare",
    "plan_b_position": "Data engineer",
    "plan_b_industry": "healthcare",
    "skills": "Python 3, SQL 4, statistics 3",
}


def test_the_profile_form_is_offered_validated_and_drafts_the_plan(slack) -> None:
    app, mock, coach = slack
    app.dispatch(signed(mention("<@UBOT> hi"), "application/json"))
    mock.wait(
        lambda: any(
            b.get("block_id") == "profile"
            for c in mock.of("chat.postMessage")
            for b in c.args.get("blocks", [])
        )
    )
    offer = next(
        c
        for c in mock.of("chat.postMessage")
        if any(b.get("block_id") == "profile" for b in c.args.get("blocks", []))
    )
    button = offer.args["blocks"][0]["elements"][0]
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1", "team_id": "T1"},
        "channel": {"id": "C1"},
        "trigger_id": "trig-2",
        "message": {"ts": "300.1", "thread_ts": "100.1"},
        "actions": [{"action_id": "profile_open", "value": button["value"], "type": "button"}],
    }
    app.dispatch(signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"))
    mock.wait(lambda: len(mock.of("views.open")) == 1)
    view = mock.of("views.open")[0].args["view"]
    assert view["callback_id"] == "profile_setup"
    assert {b["block_id"] for b in view["blocks"]} == set(GOOD_FORM)

    # A mistake is shown under its field, and nothing is drafted.
    bad = {**GOOD_FORM, "hours_per_week": "200"}
    response = app.dispatch(
        signed(_profile_submission(view["private_metadata"], bad), "application/x-www-form-urlencoded")
    )
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors" and "hours_per_week" in answer["errors"]
    thread, _ = coach_ids("T1", "C1", "100.1", "U1")
    assert coach.pending_review(thread) is None

    # Someone else cannot submit the owner's form.
    app.dispatch(
        signed(
            _profile_submission(view["private_metadata"], GOOD_FORM, user="U2"),
            "application/x-www-form-urlencoded",
        )
    )
    mock.wait(lambda: len(mock.of("chat.postEphemeral")) == 1)
    assert coach.pending_review(thread) is None

    response = app.dispatch(
        signed(_profile_submission(view["private_metadata"], GOOD_FORM), "application/x-www-form-urlencoded")
    )
    assert response.status == 200 and not response.body
    mock.wait(lambda: any(_buttons(c.args.get("blocks", [])) for c in mock.of("chat.postMessage")))
    review = coach.pending_review(thread)
    assert review is not None
    assert review.plan["profile"]["hours_per_week"] == 7
    assert review.plan["a"]["report"]["target"]["position"] == "ML engineer"
