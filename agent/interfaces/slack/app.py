"""The coach in Slack (slack-bolt): mentions and DMs in, replies and plan reviews out.

Each Slack thread is one coach thread and each Slack user one coach user, so
profiles and plans never mix. Bolt acknowledges an event at once and runs the
listener afterwards in its thread pool; turns on one thread are serialised by the
Coach, different threads run side by side.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from agent.interfaces.slack.blocks import edit_modal, outcome_blocks, review_blocks, sections
from agent.interfaces.slack.profile_modal import (
    CALLBACK,
    OPEN_ACTION,
    open_button,
    profile_from_submission,
    profile_modal,
)
from agent.runtime.session import Coach, Turn
from agent.storage.profiles import load_profile as load_saved_profile
from tools.errors import CoachError, ConfigError
from tools.models import Profile

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
THINKING = ":hourglass_flowing_sand: thinking..."


def coach_ids(team: str, channel: str, thread_ts: str, user: str) -> tuple[str, str]:
    """The coach thread of a Slack thread, and the coach user of a Slack user."""
    return f"slack-{team}-{channel}-{thread_ts}", f"slack-{team}-{user}"


def slack_user(coach_user: str) -> str:
    """The Slack user id inside a coach user id, for mentions."""
    return coach_user.rsplit("-", 1)[-1]


class SlackCoach:
    """The listeners' logic, kept apart from Bolt's wiring so each step reads plainly."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    # ---- messages ----

    def on_message(self, event: dict[str, Any], team: str, client: WebClient) -> None:
        """A mention or DM: one turn of the conversation, answered in the thread."""
        channel, user = event["channel"], event["user"]
        thread_ts = event.get("thread_ts") or event["ts"]
        thread, coach_user = coach_ids(team, channel, thread_ts, user)
        owner = self.coach.claim(thread, coach_user)  # atomic: of two first messages, one wins
        if owner != coach_user:
            client.chat_postEphemeral(
                channel=channel,
                user=user,
                thread_ts=thread_ts,
                text=f"This coaching thread belongs to <@{slack_user(owner)}>. Mention me in a new thread to start your own.",
            )
            return
        text = _MENTION.sub("", event.get("text", "")).strip()
        placeholder = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=THINKING)
        try:
            if self.coach.pending_review(thread) is not None:
                # The buttons come again with the answer: after a worker died between saving the
                # review and posting it, they are the only way the person can see and answer it.
                turn = self.coach.resume(thread, text, user_id=coach_user)
            else:
                turn = self.coach.send(thread, text, user_id=coach_user)
        except CoachError as exc:
            client.chat_update(channel=channel, ts=placeholder["ts"], text=str(exc))
            return
        except Exception:  # one bad turn must not take the app down
            log.exception("turn failed on %s", thread)
            client.chat_update(
                channel=channel,
                ts=placeholder["ts"],
                text="Something went wrong in that turn; your session is safe. Try again.",
            )
            return
        self.post_turn(client, channel, thread_ts, thread, turn, placeholder["ts"])

    def post_turn(
        self, client: WebClient, channel: str, thread_ts: str, thread: str, turn: Turn, first_ts: str | None
    ) -> None:
        """The turn's messages (the first replacing the placeholder), then any review."""
        for i, text in enumerate(turn.messages):
            if i == 0 and first_ts:
                client.chat_update(channel=channel, ts=first_ts, text=text[:3000], blocks=sections(text))
            else:
                client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, text=text[:3000], blocks=sections(text)
                )
        if not turn.messages and first_ts:
            client.chat_delete(channel=channel, ts=first_ts)
        if turn.review is None and turn.values.get("asking"):
            # Slack's own alternative to answering question by question: the profile form.
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text="Or fill in your profile in one form.",
                blocks=[open_button(thread)],
            )
        if turn.review is not None:
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text="A plan is ready for your review: approve, edit or reject.",
                blocks=review_blocks(turn.review, thread),
            )

    # ---- review buttons and the edit modal ----

    def _owner_or_refuse(
        self, client: WebClient, thread: str, team: str, user: str, channel: str
    ) -> str | None:
        owner = self.coach.persistence.sessions.owner(thread)
        if owner != f"slack-{team}-{user}":
            who = f"<@{slack_user(owner)}>" if owner else "the person who asked for it"
            client.chat_postEphemeral(
                channel=channel, user=user, text=f"Only {who} can answer this plan review."
            )
            return None
        return owner

    def on_review_action(self, body: dict[str, Any], client: WebClient) -> None:
        """Approve, Edit or Reject clicked on a review message."""
        action = body["actions"][0]
        choice = action["action_id"].removeprefix("review_")
        value = json.loads(action["value"])
        thread, draft = value["thread"], value["draft"]
        team = body.get("team", {}).get("id") or body["user"].get("team_id", "")
        user, channel = body["user"]["id"], body["channel"]["id"]
        message = body["message"]
        owner = self._owner_or_refuse(client, thread, team, user, channel)
        if owner is None:
            return
        pending = self.coach.pending_review(thread)
        if pending is None or pending.draft_id != draft:
            text = "This review was already answered."
            if pending is None and choice == "approve":
                # An approval a crashed worker took but never committed: resuming finishes it.
                said = " ".join(self.coach.resume(thread, {"action": choice}, user_id=owner).messages)
                if "saved as version" in said:
                    text = f"Approved by <@{user}>. {said}"
            client.chat_update(channel=channel, ts=message["ts"], text=text, blocks=outcome_blocks(text))
            return
        if choice == "edit":
            meta = {
                "thread": thread,
                "draft": draft,
                "channel": channel,
                "ts": message["ts"],
                "thread_ts": message.get("thread_ts", message["ts"]),
            }
            client.views_open(trigger_id=body["trigger_id"], view=edit_modal(json.dumps(meta)))
            return
        turn = self.coach.resume(thread, {"action": choice}, user_id=owner)
        said = turn.messages[-1] if turn.messages else ""
        verb = "Approved" if choice == "approve" else "Rejected"
        if said.startswith("There is no plan waiting"):
            verb, said = "Already answered", ""
        text = f"{verb} by <@{user}>. {said}".strip()
        client.chat_update(channel=channel, ts=message["ts"], text=text, blocks=outcome_blocks(text))

    def on_profile_open(self, body: dict[str, Any], client: WebClient) -> None:
        """'Set up my profile' clicked: the form, pre-filled with the saved profile."""
        thread = json.loads(body["actions"][0]["value"])["thread"]
        team = body.get("team", {}).get("id") or body["user"].get("team_id", "")
        user, channel = body["user"]["id"], body["channel"]["id"]
        owner = self._owner_or_refuse(client, thread, team, user, channel)
        if owner is None:
            return
        message = body.get("message", {})
        meta = {
            "thread": thread,
            "channel": channel,
            "thread_ts": message.get("thread_ts", message.get("ts")),
        }
        saved = load_saved_profile(self.coach.persistence.store, owner)
        client.views_open(trigger_id=body["trigger_id"], view=profile_modal(json.dumps(meta), saved))

    def on_profile_submitted(
        self, meta: dict[str, Any], profile: Profile, team: str, user: str, client: WebClient
    ) -> None:
        """A valid form: draft the plan from it in the thread, then the review."""
        owner = self._owner_or_refuse(client, meta["thread"], team, user, meta["channel"])
        if owner is None:
            return
        if self.coach.pending_review(meta["thread"]) is not None:
            client.chat_postEphemeral(
                channel=meta["channel"], user=user, text="A plan is waiting for your review: answer it first."
            )
            return
        placeholder = client.chat_postMessage(
            channel=meta["channel"], thread_ts=meta["thread_ts"], text=THINKING
        )
        try:
            turn = self.coach.plan_from_profile(meta["thread"], profile, user_id=owner)
        except CoachError as exc:
            client.chat_update(channel=meta["channel"], ts=placeholder["ts"], text=str(exc))
            return
        self.post_turn(client, meta["channel"], meta["thread_ts"], meta["thread"], turn, placeholder["ts"])

    def on_edit_submitted(self, body: dict[str, Any], client: WebClient) -> None:
        """The edit modal's feedback: redraft, and post the new plan for review."""
        view = body["view"]
        meta = json.loads(view["private_metadata"])
        feedback = view["state"]["values"]["feedback"]["text"]["value"] or ""
        team = body.get("team", {}).get("id") or body["user"].get("team_id", "")
        user = body["user"]["id"]
        owner = self._owner_or_refuse(client, meta["thread"], team, user, meta["channel"])
        if owner is None:
            return
        pending = self.coach.pending_review(meta["thread"])
        if pending is None or pending.draft_id != meta["draft"]:
            return
        text = f"Edit requested by <@{user}>: {feedback}"
        client.chat_update(channel=meta["channel"], ts=meta["ts"], text=text, blocks=outcome_blocks(text))
        turn = self.coach.resume(meta["thread"], {"action": "edit", "feedback": feedback}, user_id=owner)
        self.post_turn(client, meta["channel"], meta["thread_ts"], meta["thread"], turn, None)


def build_app(
    coach: Coach, *, signing_secret: str, token: str | None = None, client: WebClient | None = None
) -> App:
    """The Bolt app. Pass `client` to talk to another Web API (a local mock in tests)."""
    app = App(
        token=None if client else token,
        client=client,
        signing_secret=signing_secret,
        process_before_response=False,
    )
    slack = SlackCoach(coach)
    events = coach.persistence.events

    @app.middleware
    def skip_retries(body: dict[str, Any], next_: Any) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not events.first_time(str(event_id)):
            return BoltResponse(status=200, body="")
        return next_()

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        slack.on_message(event, body.get("team_id", ""), client)

    @app.event("message")
    def on_dm(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # Direct messages only; channel messages arrive as app_mention. Ignore bots and edits.
        if event.get("channel_type") == "im" and not event.get("bot_id") and not event.get("subtype"):
            slack.on_message(event, body.get("team_id", ""), client)

    @app.action(re.compile(r"^review_(approve|edit|reject)$"))
    def on_review(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        slack.on_review_action(body, client)

    @app.action(OPEN_ACTION)
    def on_profile_button(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        slack.on_profile_open(body, client)

    @app.view(CALLBACK)
    def on_profile_form(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        profile, errors = profile_from_submission(body["view"]["state"]["values"])
        if profile is None:
            ack(response_action="errors", errors=errors)  # shown under the fields; the form stays open
            return
        ack()
        team = body.get("team", {}).get("id") or body["user"].get("team_id", "")
        meta = json.loads(body["view"]["private_metadata"])
        slack.on_profile_submitted(meta, profile, team, body["user"]["id"], client)

    @app.view("review_edit")
    def on_edit(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        slack.on_edit_submitted(body, client)

    return app


def settings_from_env(http: bool) -> dict[str, str]:
    """SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and, for Socket Mode, SLACK_APP_TOKEN."""
    needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"] + ([] if http else ["SLACK_APP_TOKEN"])
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        mode = "HTTP mode" if http else "Socket Mode"
        raise ConfigError(
            f"{mode} needs {', '.join(missing)} in the environment or .env (see the README's Slack section)."
        )
    return {name: os.environ[name] for name in needed}


def run(coach: Coach) -> None:
    """Serve over Socket Mode until interrupted (development; `coach slack --http` serves
    production traffic through `agent.interfaces.slack.server`)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    env = settings_from_env(http=False)
    app = build_app(coach, token=env["SLACK_BOT_TOKEN"], signing_secret=env["SLACK_SIGNING_SECRET"])
    SocketModeHandler(app, env["SLACK_APP_TOKEN"]).start()
