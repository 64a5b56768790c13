"""The chat REPL: a conversation with the coach, with slash commands and plan review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from rich.console import Console
from rich.markdown import Markdown
from rich.status import Status
from rich.text import Text

from agent.coaching.review import ReviewRequest
from agent.interfaces.cli.common import printable
from agent.interfaces.hints import with_terminal_hint
from agent.runtime.session import Coach, Turn
from tools.errors import CoachError, InputError
from tools.models import GapReport, Profile

COMMANDS: dict[str, str] = {
    "/help": "show this help",
    "/profile": "show what the coach knows about you",
    "/gaps": "show the latest skill-gap matrix",
    "/plan": "draft a plan from your profile",
    "/plans": "list your saved plans (/plans N shows one)",
    "/approve": "approve the plan under review",
    "/edit": "edit the plan under review: /edit 10 hours a week, rag 2",
    "/reject": "reject the plan under review: /reject [reason]",
    "/checkin": "report progress: /checkin after 8 weeks: python 4, rag 2",
    "/sessions": "list your sessions",
    "/resume": "switch to a session: /resume ID",
    "/new": "start a new session",
    "/export": "write this session's transcript to a file: /export FILE",
    "/quit": "leave (Ctrl-D works too)",
}


def profile_text(profile: dict[str, object]) -> str:
    """The profile as `coach profile` shows it: the profile file's keys as YAML (whole hours
    as 8, not 8.0; empty fields left out), so it reads as what a profile file would hold."""
    keys = ("current_role", "industry", "hours_per_week", "horizon_months", "plan_a", "plan_b", "skills")
    data = {k: profile[k] for k in keys if profile.get(k) not in (None, {}, "")}
    hours = data.get("hours_per_week")
    if isinstance(hours, float) and hours.is_integer():
        data["hours_per_week"] = int(hours)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    return "```yaml\n" + text.rstrip() + "\n```"


def check_resumable(coach: Coach, thread_id: str) -> None:
    """Refuse a session that is someone else's, or none at all, before anything about it
    is shown ('resumed session ID' of a session that does not exist resumed nothing)."""
    from agent.runtime.session import NotYourThread

    owner = coach.persistence.sessions.owner(thread_id)
    if owner is None:
        user = "" if coach.user_id == "local" else f" --user {coach.user_id}"
        raise InputError(
            f"No session {thread_id}: `coach sessions{user}` lists yours, "
            f"and `coach chat{user} --new` starts a new one."
        )
    if owner is not None and owner != coach.user_id:
        raise NotYourThread(thread_id, owner)


class Repl:
    """Reads lines, drives the coach, prints replies. Input and output are injected
    so the whole loop is testable with scripted lines."""

    def __init__(
        self,
        coach: Coach,
        console: Console,
        read_line: Callable[[str], str],
        thread_id: str | None = None,
        debug: bool = False,
        new: bool = False,
        profile: Profile | None = None,
    ) -> None:
        self.coach = coach
        self.console = console
        self.read_line = read_line
        self.debug = debug
        self.profile = profile  # `coach chat --profile FILE`: a new session that drafts at once
        if thread_id is not None and not new and profile is None:
            check_resumable(coach, thread_id)  # before the banner says "resumed"
        resumed = None if new or profile is not None else (thread_id or coach.last_thread())
        self.thread_id = resumed or coach.new_thread_id()
        self.resumed = resumed is not None

    # ---- output ----

    def say(self, text: str) -> None:
        """Print a coach message as Markdown (as written in a pipe, so tables are never cut at 80 columns)."""
        text = printable(text)  # model output and echoed messages: no terminal escapes
        if self.console.is_terminal:
            self.console.print(Markdown(text))
        else:
            self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def note(self, text: str) -> None:
        """Print a short system line."""
        self.console.print(Text(printable(text), style="dim"), soft_wrap=True)  # whole in a pipe

    def show_turn(self, turn: Turn) -> None:
        """Print a turn's messages and any review it stopped for."""
        for text in turn.messages:
            self.say(with_terminal_hint(text, repl=True))
        if turn.review is not None:
            self.show_review(turn.review)

    def show_review(self, review: ReviewRequest) -> None:
        """Print the draft and the choice to make."""
        self.say(review.markdown)
        # markup=False: Rich would read "[a]", "[e]" and "[r]" as style tags and drop them.
        self.console.print(
            "Review: [a]pprove, [e]dit <what to change>, or [r]eject [reason]  (or /approve, /edit ..., /reject ...)",
            markup=False,
            highlight=False,
            style="bold",
            soft_wrap=True,
        )

    # ---- loop ----

    def banner(self) -> None:
        """Say which session this is."""
        how = "resumed" if self.resumed else "new"
        self.note(f"Career coach - {how} session {self.thread_id}. /help lists commands, Ctrl-D leaves.")
        pending = self.coach.pending_review(self.thread_id) if self.resumed else None
        if pending is not None:
            self.note("A plan is waiting for your review:")
            self.show_review(pending)
        elif self.profile is not None:
            self.note("Starting from your profile file; drafting your plan now.")
        elif not self.resumed and (saved := self._saved()) is not None:
            # Read before LangGraph loads (see Coach.saved_profile); the full recap, with the
            # latest saved plan, comes with the coach's first answer.
            self.say(
                f"Welcome back, {saved.current_role} aiming for {saved.plan_a.position} in "
                f"{saved.plan_a.industry} (Plan B {saved.plan_b.position} in {saved.plan_b.industry}). "
                "Say hello for the rest of your profile and your latest plan, or tell me what has changed."
            )
        elif not self.resumed:
            # The coach's own greeting comes with its first answer; this says what it needs.
            self.say(
                "Tell me your current role, your skills with a level 0-5 each, the hours a week you can "
                "study, and your Plan A and Plan B (a position in an industry), in any order."
            )

    def _saved(self) -> Profile | None:
        try:
            return self.coach.saved_profile()  # before LangGraph is loaded (see Coach)
        except CoachError:
            return None

    def run(self) -> None:
        """Loop until /quit or end of input."""
        self.banner()
        if self.profile is not None:
            self.guarded(self.start_from_profile, self.profile)
        while True:
            try:
                line = self.read_line("you> ")
            except EOFError:
                self.note("Bye.")
                return
            except KeyboardInterrupt:
                self.note("(cancelled; Ctrl-D or /quit leaves)")
                continue
            if not self.guarded(self.handle, line):
                return

    def guarded(self, step: Callable[..., bool | None], *args: object) -> bool:
        """Run one turn or command; any error is one line and the session goes on. False to leave."""
        try:
            return step(*args) is not False
        except KeyboardInterrupt:
            self.note("(turn cancelled)")
        except CoachError as exc:
            self.console.print(Text(printable(str(exc)), style="red"), soft_wrap=True)
        except Exception as exc:  # one bad turn must not end the session
            if self.debug:
                self.console.print_exception()
            self.console.print(
                Text(
                    f"Something went wrong in that turn ({type(exc).__name__}); your session is safe. "
                    "Run with --debug for details.",
                    style="red",
                ),
                soft_wrap=True,
            )
        return True

    def start_from_profile(self, profile: Profile) -> None:
        """Draft a plan at once from a complete profile, then wait for its review."""
        with self._busy():
            turn = self.coach.plan_from_profile(self.thread_id, profile)
        self.show_turn(turn)

    def _busy(self) -> Status | _Null:
        """A spinner on a terminal; nothing in a pipe or a test."""
        return self.console.status("thinking...") if self.console.is_terminal else _Null()

    def handle(self, line: str) -> bool:
        """Handle one line; False to leave."""
        text = line.strip()
        if not text:
            self.note("Type a message, or /help.")
            return True
        if text.startswith("/"):
            return self.command(text)
        if self.coach.pending_review(self.thread_id) is not None:
            self.answer_review(text)
            return True
        streamed: list[str] = []

        def token(piece: str) -> None:
            if not streamed:
                status.stop()  # the spinner gives way to the words
            streamed.append(piece)
            self.console.print(printable(piece), end="", highlight=False, markup=False)

        status = self._busy()
        with status:
            turn = self.coach.send(self.thread_id, text, on_token=token)
        if streamed:
            self.console.print()
            # The streamed answer is on screen already; show what the turn added after it.
            done = "".join(streamed).strip()
            turn.messages = [m[len(done) :].lstrip() if m.startswith(done) else m for m in turn.messages]
            turn.messages = [m for m in turn.messages if m]
        self.show_turn(turn)
        return True

    def answer_review(self, text: str) -> None:
        """Answer the plan waiting for review with what was typed (the review node reads it:
        approve, edit, reject, a question, or a question back when it is unclear)."""
        waiting = self.coach.pending_review(self.thread_id)
        with self._busy():
            turn = self.coach.resume(self.thread_id, text)
        if turn.review is not None and waiting is not None and turn.review.draft_id == waiting.draft_id:
            turn.review = None  # the same draft still waits: say why, without printing it again
        self.show_turn(turn)

    def command(self, text: str) -> bool:
        """Run a slash command."""
        name, _, arg = text.partition(" ")
        arg = arg.strip()
        match name.lower():
            case "/quit" | "/exit":
                self.note("Bye.")
                return False
            case "/help":
                table = "\n".join(f"| `{k}` | {v} |" for k, v in COMMANDS.items())
                self.say("| command | what it does |\n|---|---|\n" + table)
            case "/approve" | "/edit" | "/reject":
                if self.coach.pending_review(self.thread_id) is None:
                    self.note("No plan is waiting for review.")
                else:
                    self.answer_review(f"{name[1:]} {arg}")
            case "/profile":
                profile = self.coach.values(self.thread_id).get("profile") or {}
                self.say(profile_text(profile) if profile else "No profile yet.")
            case "/gaps":
                reports = self.coach.values(self.thread_id).get("reports")
                if not reports:
                    self.say("No gap computed yet: finish your profile or say 'plan'.")
                else:
                    from agent.coaching.render import gaps_markdown  # numpy and the gap engine: on use

                    a, b = (GapReport.model_validate(reports[k]) for k in ("a", "b"))
                    self.say(gaps_markdown(a, b))
            case "/plan":
                self.handle("plan")
            case "/checkin":
                self.handle(f"check in {arg}")
            case "/plans":
                self.show_plans(arg)
            case "/sessions":
                rows = self.coach.persistence.sessions.list(self.coach.user_id)
                lines = [
                    f"| {r.thread_id} | {r.interface} | {r.started} | {r.last_turn} | {r.turns} |"
                    for r in rows
                ]
                self.say(
                    "| id | interface | started | last turn | turns |\n|---|---|---|---|---|\n"
                    + "\n".join(lines)
                )
            case "/resume":
                if not arg:
                    self.note("Usage: /resume ID (see /sessions).")
                elif self.coach.persistence.sessions.owner(arg) != self.coach.user_id:
                    raise InputError(f"No session {arg} of yours; /sessions lists them.")
                else:
                    self.thread_id, self.resumed = arg, True
                    self.banner()
            case "/new":
                self.thread_id, self.resumed = self.coach.new_thread_id(), False
                self.banner()
            case "/export":
                self.export(arg)
            case _:
                self.console.print(
                    Text(printable(f"Unknown command {name}; /help lists the commands."), style="red")
                )
        return True

    def show_plans(self, arg: str) -> None:
        """List saved plans, or show one."""
        from agent.storage.plans import get_plan, list_plans

        store = self.coach.persistence.store
        if arg:
            if not arg.isdigit():
                self.note("Usage: /plans N, where N is a version number.")
                return
            self.say(get_plan(store, self.coach.user_id, int(arg)).markdown)
            return
        plans = list_plans(store, self.coach.user_id)
        if not plans:
            self.note("No saved plans yet.")
            return
        # As `coach plans` shows them: "ML engineer in healthcare", not the position alone.
        label = "{position} in {industry}".format_map
        lines = [
            f"| {p.version} | {p.saved_at} | {label(p.target('a'))} | {label(p.target('b'))} |" for p in plans
        ]
        self.say("| version | saved | Plan A | Plan B |\n|---|---|---|---|\n" + "\n".join(lines))

    def export(self, arg: str) -> None:
        """Write the transcript as Markdown."""
        if not arg:
            self.note("Usage: /export FILE")
            return
        messages = self.coach.values(self.thread_id).get("messages", [])
        body = "\n\n".join(f"**{m.type}:** {m.content}" for m in messages)
        try:
            Path(arg).expanduser().write_text(body + "\n", "utf-8")
        except OSError as exc:
            raise InputError(f"Could not write {arg}: {exc.strerror or exc}.") from None
        self.note(f"Wrote {len(messages)} messages to {arg}.")


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None

    def stop(self) -> None:
        return None


def terminal_reader(history: Path) -> Callable[[str], str]:
    """Line editing, history across runs and command completion, on a real terminal."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory

    history.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)),
        completer=WordCompleter(list(COMMANDS), sentence=True),
    )
    return lambda prompt: session.prompt(prompt)


def plain_reader(prompt: str) -> str:
    """input(), for pipes and scripts."""
    return input(prompt)
