"""Understanding a typed answer to a plan review, never guessing.

Only an unambiguous approval ("a", "approve", "yes", "lgtm", "looks good, save it") is an
approval; "yes but ...", "ok, 12 hours" or "lgtm except hours 10" are edits; "reject. this is
wrong" is a rejection; "no need for kubernetes" lowers that skill's target; "my statistics is
3, not 0" corrects a current level; a question is answered while the review stays open; and
anything else gets a one-line question back with the draft left as it was.

Facts (hours, horizon, Plan A/B, skill levels) come from `agent.coaching.parsing`; the
patterns here only read what is particular to a review answer. Every pattern is bounded
(input cut at MAX_ANSWER_CHARS, no nested quantifiers) so it runs in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from agent.coaching.levels import never_used
from agent.coaching.parsing import parse_message
from agent.coaching.review import (
    MAX_ANSWER_CHARS,
    ReviewChanges,
    ReviewResponse,
    TargetChange,
    describe_error,
)
from agent.coaching.review_questions import ask_levels_or_targets
from agent.coaching.review_reading import ELAPSED, extract_changes, read_skill

ReviewKind = Literal["approve", "edit", "reject", "question", "unclear"]

ASK_WHAT = (
    "What should change before I save it? For example '10 hours a week', 'rag 2', 'a 15-month horizon' "
    "or 'Plan B: data engineer in fintech' (or 'approve' / 'reject')."
)
ASK_HOURS = "How many hours a week should the plan use (for example '6 hours a week')?"
ASK_HORIZON = "How many months should the plan take (for example '15 months')?"
ASK_HOW_MUCH = "How much exactly? Say the new figure, for example '6 hours a week', '15 months' or 'rag 2'."
ASK_UNCLEAR = (
    "I did not understand that as an answer to the review: say 'approve' to save the plan, what to change "
    "(for example '10 hours a week' or 'rag 2'), or 'reject' with a reason."
)
ASK_CHECKIN = (
    "A draft is waiting for your review, and a check-in compares your levels with a saved plan: answer "
    "this review first ('approve' or 'reject'), then check in. To correct a level in this draft, say it "
    "('my sql is 3')."
)
CHECKIN_NOTE = (
    "A draft is waiting for your review, so I took the levels in your check-in as your levels now in this "
    "draft (a check-in compares with a saved plan: answer this review first, then check in)."
)
ASK_NO = "Should I discard this draft ('reject'), or what should change (for example '10 hours a week')?"


class ReviewAnswer(BaseModel):
    """What a person's review answer means.

    approve: save the draft. edit: `changes` to apply (when `ask` is set, the person wants a
    change but did not say how much: ask back, change nothing). reject: discard, with
    `reason`. question: answer `question` from the plan, keep the review open. unclear:
    reply `ask`, keep the review open.
    """

    kind: ReviewKind
    text: str = Field(description="the answer as given (bounded)")
    changes: ReviewChanges = Field(default_factory=ReviewChanges)
    reason: str = ""
    question: str = ""
    ask: str = ""
    problems: list[str] = Field(
        default_factory=list, description="parts of the answer that could not be used"
    )

    def to_response(self) -> ReviewResponse | None:
        """The validated review response, or None when the answer decides nothing."""
        match self.kind:
            case "approve":
                return ReviewResponse(action="approve")
            case "reject":
                return ReviewResponse(action="reject", feedback=self.reason)
            case "edit" if not self.ask and not self.changes.empty():
                return ReviewResponse(action="edit", feedback=self.text, changes=self.changes)
        return None


# ---- approval: every word must be an approval word ---------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_APPROVE_CORE = _words(
    "approve approved approving accept accepted yes yep yeah yup yea ok okay lgtm sgtm good great fine "
    "perfect awesome excellent nice save ship commit confirm confirmed sure agreed agree love works go do "
    "alright cool brilliant lovely wonderful amazing solid happy deal correct right"
)
_APPROVE_FILLER = _words(
    "it this that the plan please pls plz thanks thank you thx ty lets let's let us with all to me i is "
    "looks look sounds seems ahead for just now really very so totally absolutely definitely quite pretty "
    "and that's it's its as am by one version draft super much ready we're done oh well hey i'm can could "
    "would will thats im lets ya"
)
_SINGLE_LETTER = frozenset({"a", "y", "k", "kk"})
_EMOJI_OK = re.compile("[\U0001f44d\u2705\U0001f44c\U0001f680\U0001f64c]")
_EMOJI_NO = re.compile("[\U0001f44e\u274c\U0001f6ab]")
# "Can you save it?" asks for the save itself: the one question that approves.
_SAVE_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you (?:please )?(?:save|approve|commit) (?:it|this|that|the plan)\b"
)
_WORD = re.compile(r"[a-z][a-z']{0,30}|\d{1,6}")


def _is_approval(low: str) -> bool:
    if _SAVE_REQUEST.search(low):
        low = low.replace("?", " ")
    if "?" in low or re.search(r"\d", low) or _EMOJI_NO.search(low):
        return False
    words = _WORD.findall(_EMOJI_OK.sub(" ok ", low.replace("\u2019", "'")))
    if len(words) == 1 and words[0] in _SINGLE_LETTER:
        return True
    if not words or len(words) > 12:
        return False
    return all(w in _APPROVE_CORE or w in _APPROVE_FILLER for w in words) and any(
        w in _APPROVE_CORE for w in words
    )


# ---- review-specific patterns ------------------------------------------------------

_REJECT_CMD = re.compile(
    r"^(?:(?:no|nope|nah|ok(?:ay)?|fine|then)[\s,.;:!\-]{1,3})?"  # "nah, reject - ...": the lead says no
    r"/?(?:r|reject(?:ed)?|discard(?:\s+it)?|scrap(?:\s+it)?|bin\s+it|throw\s+it\s+away|start\s+over)\b"
    r"[\s.,:;!\-]*(?P<rest>.*)$",
    re.S | re.I,
)
_REJECT_WHOLE = re.compile(
    r"^(?:no|nope|nah|no thanks|no thank you|not good|not for me|no way|hard pass|pass|cancel|wrong|"
    r"(?:this|that|it) is (?:all )?wrong|(?:this|that|it)'?s (?:all )?wrong|i don'?t like (?:it|this|that))"
    r"[\s.!]*$"
)
_CHECKIN_LEAD = re.compile(r"^/?(?:check[- ]?in|progress(?: update)?)\b[\s:,.\-]*(?P<rest>.*)$", re.S)
_NO_LEAD = re.compile(r"^(?:no|nope|nah)\b[\s,.;:!\-]*(?P<rest>.*)$", re.S)
_EDIT_CMD = re.compile(r"^/?(?:e|edit|change)\b[\s:,\-]*(?P<rest>.*)$", re.S)
_YES_BUT = re.compile(
    r"^(?:(?:yes|yeah|yep|ok|okay|sure|lgtm|approve|looks good|sounds good|good|great|fine|nice)[\s,.!]*)+"
    r"(?:but|except|though|however|if|only if|just|although|apart from|other than)\b[\s,:]*(?P<rest>.*)$",
    re.S,
)
_EDIT_MARKER = re.compile(
    r"\b(?:but|except|instead|what if|how about|what about|make it|change|set|switch|lower|raise|reduce|"
    r"increase|drop|stretch|extend|shorten|bump|cut|can (?:i|we|you)|could (?:i|we|you)|let'?s|"
    r"i'?d (?:rather|prefer|like)|i want|i can|go with|update|please|no need)\b"
)
_QUESTION = re.compile(
    r"^(?:(?:hmm+|um+|uh+|so|ok|okay|well|and|but|also|btw|wait|oh)[,.!]{0,3} )?(?:what|how|why|which|when|where|who|should|is|are|will|would|does|do|can|could|tell me|explain)\b"
)
# A sentence that asks ("why is sql 3?"): up to its question mark, from the sentence's start.
_STATEMENTS = re.compile(r"(?:^|(?<=[.!?] ))[^.!?]{0,300}\?+")
# A role changes at review only when the answer says it is the role ("change my role to X",
# "my title is X", "i work as X"): "i'm a nurse so clinical stuff is fine" changes nothing.
_ROLE_SAID = re.compile(r"\b(?:my (?:current |job )?(?:role|title|job|position)\b|i work as\b)")
_HOURS_RELATIVE = re.compile(
    r"\b(?:\d{1,3}|a|an|one|two|three|few|couple of) (?:more|fewer|less|extra) hours?\b"
)
_HOURS_VAGUE = re.compile(
    r"\b(?:fewer|less|more|lower|reduce|increase|cut|too many|too few|not enough|lighter) (?:\w+ )?hours?\b|\bhours?\b"
    r"|\b(?:time|study|hours?) (?:per|a|each|every) week\b|\bweekly\b"
)
_MORE_LESS = re.compile(r"\b(?:fewer|less|more|lower|higher|smaller|bigger|reduce|increase|shorter|longer)\b")
_HORIZON_VAGUE = re.compile(r"\b(?:more time|longer|shorter|faster|stretch|extend|horizon|deadline|sooner)\b")
_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_NUMBERS.split())}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def _normalise(text: str) -> str:
    low = text.strip()[:MAX_ANSWER_CHARS].lower().replace("\u2019", "'")
    low = re.sub(r"\s+", " ", low)
    return _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1)], low)


def _read_changes(
    body: str, *, explicit: bool = False, known: Sequence[str] = (), levels_now: bool = False
) -> tuple[ReviewChanges, list[str], str]:
    """The changes an edit asks for, what could not be used, and a question back when a
    change is wanted without its figure ('a bit fewer hours'). `levels_now`: bare levels
    are where the person is (a check-in reports them), never targets."""
    problems: list[str] = []
    found: dict[str, object] = {}
    rest = extract_changes(body, found, problems, known)
    ask = ""
    if _HOURS_RELATIVE.search(body) and "hours_per_week" not in found:
        ask = ASK_HOURS
    parsed = parse_message(
        rest, "hours_per_week" if re.search(r"\bh(?:ou)?rs?\b", rest) else None, what_if=True
    )
    if parsed.hours_per_week is not None and "hours_per_week" not in found and not ask:
        found["hours_per_week"] = parsed.hours_per_week
    if parsed.horizon_months is not None and "horizon_months" not in found:
        found["horizon_months"] = parsed.horizon_months
    if parsed.current_role and _ROLE_SAID.search(body):  # "change my role to ICU nurse"
        found["current_role"] = parsed.current_role[:80]
    for key in ("plan_a", "plan_b"):
        target = getattr(parsed, key)
        if target:
            found[key] = TargetChange(position=target["position"][:80], industry=target["industry"][:80])
    targets = dict(found.get("targets") or {})  # type: ignore[call-overload]
    bare = {
        name: level
        for raw, level in parsed.skills.items()
        if (name := read_skill(raw.lower(), problems, known))
    }
    # "dbt: never used it" says where the person is (0), not where to get to.
    for raw in never_used(rest) if re.search(r"never|n't|not|no ", rest) else []:
        if (name := read_skill(raw.lower(), [], known)) is not None and bare.pop(name, None) == 0:
            found["levels"] = {**dict(found.get("levels") or {}), name: 0}  # type: ignore[call-overload]
    if levels_now and bare:
        found["levels"] = {**dict(found.get("levels") or {}), **bare}  # type: ignore[call-overload]
    elif len(bare) > 1 and not targets and "levels" not in found and not explicit:
        # "communication 5, system design 1, rag 1": the rating prompt's own format, so as
        # likely where the person is now as where they want to get. Ask; never guess.
        ask = ask_levels_or_targets(bare)
    else:
        for name, level in bare.items():
            targets.setdefault(name, level)
    if targets:
        found["targets"] = targets
    problems += [p for p in parsed.problems if not p.lower().startswith("hours a week")] if not ask else []
    try:
        changes = ReviewChanges.model_validate(found)
    except ValidationError as exc:
        problems.append(describe_error(exc))
        changes = ReviewChanges()
    if changes.empty() and not ask:
        if _HOURS_VAGUE.search(body):
            ask = ASK_HOURS
        elif _HORIZON_VAGUE.search(body):
            ask = ASK_HORIZON
        elif _MORE_LESS.search(body):
            ask = ASK_HOW_MUCH
    return changes, problems, ask


def is_checkin(text: str) -> bool:
    """Whether a review answer is a check-in ('check in my sql is now a 3', '/checkin ...')."""
    return bool(_CHECKIN_LEAD.match(_normalise(text)))


def _edit(text: str, body: str, *, explicit: bool, known: Sequence[str] = ()) -> ReviewAnswer:
    changes, problems, ask = _read_changes(body, explicit=explicit, known=known)
    if not changes.empty() and not ask:
        return ReviewAnswer(kind="edit", text=text, changes=changes, problems=problems)
    if not ask:
        ask = ASK_WHAT if explicit or not problems else f"I could not use: {'; '.join(problems)}. {ASK_WHAT}"
    return ReviewAnswer(kind="edit" if explicit else "unclear", text=text, ask=ask, problems=problems)


def classify_review_answer(text: str, known: Sequence[str] = ()) -> ReviewAnswer:
    """What a typed review answer means: approve, edit (with its changes), reject (with a
    reason), a question about the plan, or unclear (with a one-line question back).
    `known` names the draft's skills and the person's own, read before the catalog's."""
    answer = _classify(text, known)
    role = answer.changes.current_role
    if role and (at := (text or "").lower().find(role.lower())) >= 0:  # as typed: 'ICU nurse'
        said = (text or "")[at : at + len(role)]
        answer.changes = answer.changes.model_copy(update={"current_role": said[:1].upper() + said[1:]})
    return answer


def _classify(text: str, known: Sequence[str]) -> ReviewAnswer:
    original = (text or "").strip()[:MAX_ANSWER_CHARS]
    low = _normalise(original)
    if not low:
        return ReviewAnswer(kind="unclear", text=original, ask=ASK_UNCLEAR)
    if _is_approval(low):
        return ReviewAnswer(kind="approve", text=original)
    if m := _CHECKIN_LEAD.match(low):
        # "/checkin my sql is now a 3 and python 2" while a draft waits: a check-in needs a
        # saved plan, so its levels are taken as this draft's levels now, and the reply says so.
        changes, problems, ask = _read_changes(
            ELAPSED.sub(" ", m.group("rest")), known=known, levels_now=True
        )
        if changes.levels and not ask:
            return ReviewAnswer(kind="edit", text=original, changes=changes, problems=problems)
        return ReviewAnswer(kind="unclear", text=original, ask=ASK_CHECKIN, problems=problems)
    if _REJECT_CMD.match(low):
        said = _REJECT_CMD.match(original.replace("\u2019", "'"))
        return ReviewAnswer(kind="reject", text=original, reason=said.group("rest").strip() if said else "")
    if _REJECT_WHOLE.match(low):
        return ReviewAnswer(kind="reject", text=original, reason=original.strip(" .!"))
    if m := _EDIT_CMD.match(low):
        # "change my role to X" keeps its verb: the role is read from the whole answer.
        return _edit(
            original,
            low if _ROLE_SAID.match(m.group("rest")) else m.group("rest"),
            explicit=True,
            known=known,
        )
    if m := _YES_BUT.match(low):
        return _edit(original, m.group("rest"), explicit=True, known=known)
    asked = "?" in low or bool(_QUESTION.match(low))
    changes, problems, ask = _read_changes(low, known=known)
    wants_change = bool(_EDIT_MARKER.search(low)) or not asked
    if (not changes.empty() or ask) and wants_change:
        return ReviewAnswer(kind="edit", text=original, changes=changes, ask=ask, problems=problems)
    if asked and (stated := _STATEMENTS.sub(" ", low).strip(" ,.;!")) and stated != low:
        # "hmm i said sql 2 already? my sql is 2, not 0": a question beside a change still
        # makes the change, read from the sentences that ask nothing.
        changes, problems, ask = _read_changes(stated, known=known)
        if not changes.empty() and not ask:
            return ReviewAnswer(kind="edit", text=original, changes=changes, problems=problems)
    if asked:
        return ReviewAnswer(kind="question", text=original, question=original)
    if m := _NO_LEAD.match(low):
        return ReviewAnswer(kind="unclear", text=original, ask=ASK_NO)
    if problems:
        return ReviewAnswer(
            kind="unclear",
            text=original,
            ask=f"I could not use: {'; '.join(problems)}. {ASK_WHAT}",
            problems=problems,
        )
    return ReviewAnswer(kind="unclear", text=original, ask=ASK_UNCLEAR)
