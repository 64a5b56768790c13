"""A person's changes to a target's skill list, read and applied: "replace Fine-tuning with
Kotlin; make Kotlin priority 1; target for #3 4; drop Figma, add Roadmapping (general)".

The same reading serves a proposal before the gap is computed and a custom list at plan
review. Every change names a skill of the list (by name, catalog alias or number); the
list must still hold 5 general and 5 specific skills afterwards, or nothing changes.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from tools.catalog import load_catalog, match_skill
from tools.errors import InputError
from tools.models import SkillKind, TargetSkill
from tools.proposal import HOW, Proposal, thin_evidence
from tools.skill_redo import redone_note as redone_note  # moved; importers keep this path

EditOp = Literal["replace", "rename", "priority", "target", "drop", "add"]


class SkillChange(BaseModel):
    """One edit of a skill list, from a form or a capable model's structured output."""

    op: EditOp
    skill: str = Field(
        description="the listed skill's name or its number in the list (1-10); for add, the new skill"
    )
    value: str = Field(
        default="",
        description="the new skill or name, the priority (1-3) or target level (0-5); for add, general or specific",
    )
    said: str = Field(default="", description="a replace as written, when 'with' occurs more than once")

    def describe(self) -> str:
        """'replace A with B', 'B priority 1' - the change in one phrase."""
        match self.op:
            case "replace":
                return f"replace {self.skill} with {self.value}"
            case "rename":
                return f"rename {self.skill} to {self.value}"
            case "priority" | "target":
                return f"{self.skill} {self.op} {self.value}"
            case "drop":
                return f"drop {self.skill}"
        return f"add {self.skill}" + (f" ({self.value})" if self.value else "")


_ACCEPT = re.compile(r"^\s*(?:accept(?:ed)?|ok(?:ay)?|yes|looks good|lgtm|keep(?: it)?|fine|good)\W*$", re.I)
_SET = r"(?:(?:set|make|change|give)\s+)?(?:the\s+)?"
_OF = r"(?:\s+(?:of|for))?"
_TO = r"\s*(?:to|=|:|at)?\s*"
_KIND = r"(?:\s*\((?P<kind>general|specific)\)|\s+as\s+(?:a\s+)?(?P<kind2>general|specific)(?:\s+skill)?)?"
_PATTERNS: list[tuple[EditOp, re.Pattern[str]]] = [
    ("replace", re.compile(r"^(?:replace|swap)\s+(?P<skill>.+?)\s+(?:with|for|by)\s+(?P<value>.+)$", re.I)),
    ("rename", re.compile(r"^rename\s+(?P<skill>.+?)\s+(?:to|as)\s+(?P<value>.+)$", re.I)),
    ("priority", re.compile(rf"^{_SET}priority{_OF}\s+(?P<skill>.+?){_TO}(?P<value>[0-9])$", re.I)),
    (
        "priority",
        re.compile(rf"^{_SET}(?P<skill>.+?)\s*:?\s+(?:a\s+)?priority{_TO}(?P<value>[0-9])$", re.I),
    ),
    ("target", re.compile(rf"^{_SET}target(?:\s+level)?{_OF}\s+(?P<skill>.+?){_TO}(?P<value>[0-9])$", re.I)),
    (
        "target",
        re.compile(rf"^{_SET}(?P<skill>.+?)\s*:?\s+(?:target|to level|level){_TO}(?P<value>[0-9])$", re.I),
    ),
    ("drop", re.compile(r"^(?:drop|remove|delete)\s+(?P<skill>.+)$", re.I)),
    ("add", re.compile(rf"^add\s+(?P<skill>.+?){_KIND}$", re.I)),
]
_VERBS = r"(?:replace|swap|rename|drop|remove|delete|add|make|set|priority|target)\b"
# Parts are separated by ';' or a new line, or by ',' / 'and' / 'then' before another change
# ("drop Figma, add Roadmapping"), so a name with a comma or an 'and' in it stays whole.
# "rest is fine", "keep the rest", "otherwise looks good": the rest of the list is accepted as
# it is. A clause of its own, never part of the change before it ('Excel pls, rest is fine').
_REST_OK = (
    r"(?:(?:the\s+)?(?:rest|others|other ones|everything else|all else|remaining ones?)(?:\s+(?:is|are|'s|"
    r"looks?|seems?|sounds?))?\s+(?:all\s+)?(?:fine|good|ok(?:ay)?|great|perfect|alright|right)"
    r"|otherwise\s+(?:it'?s\s+|its\s+|it\s+looks\s+|looks\s+|all\s+)?(?:fine|good|ok(?:ay)?|great|perfect)"
    r"|(?:keep|leave)\s+(?:the\s+)?(?:rest|others|other ones|everything else)(?:\s+as\s+(?:is|it\s+is))?)(?![\w-])"
)
_REST_PART = re.compile(rf"^(?:and\s+|but\s+)?{_REST_OK}", re.I)
_SPLIT = re.compile(
    rf"[;\n]+|,\s*(?=(?:and\s+|then\s+)?{_VERBS})|\s+(?:and|then)\s+(?={_VERBS})"
    rf"|[,.!]+\s*(?=(?:and\s+|but\s+)?{_REST_OK})|\s+(?:and|but)\s+(?={_REST_OK})",
    re.I,
)
_LEAD = re.compile(
    r"^(?:(?:and|then|also|please|pls|plz|ok(?:ay)?|so|anyway|anyways|but|btw|oh|well|alright|now),?\s+"
    r"|(?:can|could|would)\s+(?:you|u)\s+)+",
    re.I,
)
# A change ends at its sentence: "replace #3 with X. do they need python though?" names X.
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_THANKS = re.compile(r"^(?:thanks|thank you|thx|ty|cheers|pls|please)(?: (?:so much|a lot))?$", re.I)
# Politeness and laughter after a change are no part of the new name ('excel pls', 'excel thx').
_POLITE_TAIL = re.compile(
    r"(?:[\s,]+(?:pls|plz|please|thanks|thank\s+you|thx|ty|cheers|lol|haha|tbh|if\s+(?:that'?s|thats|it'?s)\s+ok(?:ay)?))+[\s.!?]*$",
    re.I,
)
_REPLACE_SEP = re.compile(r"\s+(?:with|for|by)\s+", re.I)
_REPLACE_VERB = re.compile(r"^(?:replace|swap|rename)\s+", re.I)
_RENAME_SEP = re.compile(r"\s+(?:to|as)\s+", re.I)
_KIND_SUFFIX = re.compile(r"\s*\((general|specific)\)\s*$", re.I)


_CAPPED = re.compile(r"(?:[,;]\s*)?target kept at \d+: the evidence is weak")


def locate(skills: list[TargetSkill], change: SkillChange) -> tuple[int, str]:
    """The listed skill a change is about and its new value. 'replace MLOps with ML with
    Python' is read at the 'with' whose left side is a listed skill, not blindly the first
    ('rename Debugging production issues end to end to X' likewise at its 'to'); of left sides
    naming one listed skill, the longest ('replace math for ML with X')."""
    if change.said:
        body = _REPLACE_VERB.sub("", change.said)
        seps = _RENAME_SEP if change.op == "rename" else _REPLACE_SEP
        splits = [
            (body[: sep.start()].strip(" '\""), body[sep.end() :].strip(" '\""))
            for sep in seps.finditer(body)
        ]
        names = {s.name.lower(): i for i, s in enumerate(skills)}
        # A listed skill's full name first ("Deep learning with PyTorch"), then any reference.
        for left, right in splits:
            if left.lower() in names:
                return names[left.lower()], right
        # A longer left side naming the same skill is more of its name: 'math for ML' in
        # 'replace math for ML with X' is Math for ML (...), never 'math' + 'ML with X'.
        found = [(i, right) for left, right in splits if (i := _index(skills, left)) is not None]
        if found:
            return [f for f in found if f[0] == found[0][0]][-1]
    return find_skill(skills, change.skill), change.value


def _index(skills: list[TargetSkill], ref: str) -> int | None:
    try:
        return find_skill(skills, ref)
    except InputError:
        return None


# Words that lead into a change after a sentence of something else ("... need python?
# anyway replace #3 with X").
_INTO = r"(?:(?:anyway|anyways|so|ok|okay|but|also|then|and|oh|btw|well|alright|right|now|please|pls)\b,?\s+){0,2}"
_LEAD_IN = re.compile(rf"(?:[^.!?\n]{{0,200}}[.!?]+\s+){{1,3}}?{_INTO}(?={_VERBS})", re.I)


def _without_lead_in(text: str) -> str:
    """The text from its first change on: "i didnt pick it, you did. replace A with B", and
    a question before it ("do they need python? anyway replace #3 with X"), are no part of it."""
    if re.match(rf"\s*{_INTO}{_VERBS}", text, re.I) or not (lead := _LEAD_IN.match(text)):
        return text
    return text[lead.end() :]


def mentions_list_edit(text: str) -> bool:
    """Whether a message holds a change to a skill list that can be read (after any lead-in:
    a question beside it is answered separately)."""
    try:
        return bool(parse_skill_edits(text))
    except InputError:
        return False


# "can u redo the list from them?", "propose the skills again", "use my new postings": the
# proposal made again, from the evidence there is now (postings added since).
_REDO = re.compile(
    r"\b(?:re-?do|refresh|regenerate|rebuild|recompute|re-?propose|re-?make|update|re-?run)\b[^.?!\n]{0,40}?"
    r"\b(?:list|skills|proposal|it|them|that|this)\b"
    r"|\b(?:propose|suggest|build|make|do)\b[^.?!\n]{0,40}?\bagain\b"
    r"|\b(?:from|using|use|with|based on|look at)\s+(?:the\s+|my\s+|those\s+|these\s+)?(?:new\s+)?(?:job\s+)?postings\b"
    r"|\b(?:added|uploaded|put in)\b[^.?!\n]{0,40}?\bpostings\b[^?!\n]{0,40}?\b(?:try again|again|redo)\b",
    re.I,
)


def asks_to_redo(text: str) -> bool:
    """Whether a message asks for the proposal again ('can u redo the list from them?'),
    not for a change to it or a question about it."""
    low = text[:400]
    return bool(_REDO.search(low)) and not mentions_list_edit(low)


# "make X priority 1, target 3": a priority or target with no skill is the last change's skill's.
_BARE_SETTING = re.compile(
    rf"^(?:(?:and|with)\s+)?(?:a\s+)?(?P<op>priority|target)(?:\s+level)?{_TO}(?P<value>[0-9])$", re.I
)


def parse_skill_edits(text: str) -> list[SkillChange]:
    """The changes a person wrote; InputError naming the part that could not be read."""
    changes: list[SkillChange] = []
    text = _without_lead_in(text[:2000])
    asked = False
    parts = [raw for sentence in _SENTENCE.split(text) for raw in _SPLIT.split(sentence)]
    for raw in parts:
        # One space between words and a bounded length keep the patterns below linear.
        line = " ".join((raw or "").split())[:300]
        part = _LEAD.sub("", line).strip(".!?")
        if "?" in line and not re.match(_VERBS, part, re.I):
            asked = True  # "... do they really need python?": answered apart from the change
            continue
        part = _POLITE_TAIL.sub("", part).strip(".!? ")
        if not part or _ACCEPT.match(part) or _REST_PART.fullmatch(part.rstrip(".!")) or _THANKS.match(part):
            continue
        if changes and (bare := _BARE_SETTING.match(part)):  # the new skill of a replace or rename
            last = changes[-1]
            named = last.value if last.op in ("replace", "rename") else last.skill
            op: EditOp = "priority" if bare["op"].lower() == "priority" else "target"
            changes.append(SkillChange(op=op, skill=named, value=bare["value"]))
            continue
        for op, pattern in _PATTERNS:
            m = pattern.match(part)
            if m:
                groups = m.groupdict()
                value = groups.get("value") or groups.get("kind") or groups.get("kind2") or ""
                value = value.strip(" '\"")
                seps = {"replace": _REPLACE_SEP, "rename": _RENAME_SEP}.get(op)
                said = part if seps is not None and len(seps.findall(part)) > 1 else ""
                changes.append(
                    SkillChange(
                        op=op,
                        skill=m["skill"].strip(" '\""),
                        value=value.lower() if op == "add" else value,
                        said=said,
                    )
                )
                break
        else:
            raise InputError(f"I could not read '{part[:80]}': {HOW}.")
    if asked and not changes:
        raise InputError(f"I could not read '{text[:80]}': {HOW}.")  # a question alone changes nothing
    return changes


def find_skill(skills: list[TargetSkill], ref: str) -> int:
    """The index of the listed skill a reference means: its number, its name, a catalog
    alias of it, or a part of exactly one name; InputError listing the skills otherwise."""
    number = ref.strip().lstrip("#")
    if number.isdigit() and 1 <= int(number) <= len(skills):
        return int(number) - 1
    low = ref.lower().strip()
    exact = [i for i, s in enumerate(skills) if s.name.lower() == low]
    if exact:
        return exact[0]
    found = match_skill(ref)
    if found is not None:
        name = load_catalog().skill(found.id).name.lower()
        by_id = [i for i, s in enumerate(skills) if s.name.lower() == name]
        if by_id:
            return by_id[0]
    part = [i for i, s in enumerate(skills) if low and low in s.name.lower()]
    if len(part) == 1:
        return part[0]
    names = "; ".join(f"{i + 1}. {s.name}" for i, s in enumerate(skills))
    raise InputError(f"'{ref[:60]}' is not one of the listed skills ({names}).")


def _number(value: str, lo: int, hi: int, what: str) -> int:
    if not value.strip().isdigit() or not lo <= int(value) <= hi:
        raise InputError(f"{what} must be a whole number {lo}-{hi}, not '{value[:20]}'.")
    return int(value)


def _new_name(value: str, skills: list[TargetSkill], keep: int | None, *, canonical: bool) -> str:
    name = value.strip()[:80]
    if not name:
        raise InputError("Give the new skill's name.")
    # Only a catalog name or alias as such becomes the catalog skill: a made-up name close
    # to one ("Kotlin for LLM evaluation") is kept as written, never silently swapped.
    found = match_skill(name) if canonical else None
    exact = found is not None and found.exact
    shown = load_catalog().skill(found.id).name if found and exact else name[:1].upper() + name[1:]
    if any(s.name.lower() == shown.lower() for j, s in enumerate(skills) if j != keep):
        raise InputError(f"{shown} is already in the list.")
    return shown


def _balance(skills: list[TargetSkill]) -> None:
    kinds = [s.kind for s in skills]
    general, specific = kinds.count("general"), kinds.count("specific")
    if (general, specific) != (5, 5):
        raise InputError(
            f"that leaves {general} general and {specific} specific skills; the list needs 5 of each "
            "(drop one and add one in its place, e.g. 'drop A, add B (general)')."
        )


def apply_skill_edits(proposal: Proposal, edits: str | list[SkillChange]) -> Proposal:
    """The list after the person's changes (text or structured); still 5 + 5 skills.

    A replaced skill keeps the kind, priority and target of the one it replaces, and its
    reason says the person chose it; a skill added without a kind takes the kind of the
    one dropped before it (or the kind the list is short of). InputError says what could
    not be applied, and nothing is changed then."""
    return edit_skills(proposal, parse_skill_edits(edits) if isinstance(edits, str) else edits)[0]


def edit_skills(proposal: Proposal, changes: list[SkillChange]) -> tuple[Proposal, list[str]]:
    """`apply_skill_edits` for changes already read, with what each did in the list's own
    names ("Deep learning with PyTorch -> Figma (specific, priority 1, target 4)")."""
    skills = [s.model_copy() for s in proposal.skills]
    dropped: list[TargetSkill] = []
    done: list[str] = []
    for change in changes:
        if change.op == "add":
            new = _added(change, skills, dropped)
            skills.append(new)
            done.append(f"added {new.name} ({new.kind}, priority {new.priority}, target {new.target})")
            continue
        i, value = locate(skills, change)
        old = skills[i]
        if change.op == "drop":
            dropped.append(skills.pop(i))
            done.append(f"dropped {old.name}")
        elif change.op in ("replace", "rename"):
            # "replace #3 with X (general)": the bracket is the new skill's kind, not its name.
            said_kind = _KIND_SUFFIX.search(value)
            kind = said_kind.group(1).lower() if said_kind else old.kind
            value = value[: said_kind.start()] if said_kind else value
            name = _new_name(value, skills, i, canonical=change.op == "replace")
            replaced = change.op == "replace"
            # A renamed skill is the person's choice too: "weak guess: only 0.27 close in
            # meaning" stayed on a skill they had named themselves.
            kept = (
                ""
                if replaced or old.reason.startswith("weak guess") or not old.reason
                else f" ({old.reason})"
            )
            reason = (
                f"your choice, in place of {old.name}"
                if replaced
                # Renaming a skill the person chose corrects its name: what it took the place
                # of still holds ('renamed from Excel pls, rest is fine' was saved).
                else old.reason
                if old.reason.startswith("your choice")
                else f"your choice, renamed from {old.name}{kept}"
            )
            skills[i] = old.model_copy(
                update={
                    "name": name,
                    "reason": reason,
                    "evidence": None if replaced else old.evidence,
                    "kind": kind,
                }
            )
            done.append(f"{old.name} -> {name} ({kind}, priority {old.priority}, target {old.target})")
        elif change.op == "priority":
            skills[i] = old.model_copy(update={"priority": _number(change.value, 1, 3, "A priority")})
            done.append(f"{old.name} priority {skills[i].priority}")
        else:
            level = _number(change.value, 0, 5, "A target level")
            # The proposal's "target kept at 2: the evidence is weak" no longer holds once the
            # person sets the target (a tester saw it beside their own 3).
            reason = _CAPPED.sub("", old.reason).strip(" ,;")
            reason = "; ".join(filter(None, [reason, f"target {level}: your choice"]))
            skills[i] = old.model_copy(update={"target": level, "reason": reason})
            done.append(f"{old.name} target {level}" if level else f"no {old.name} beyond what you have")
    _balance(skills)
    # The header's account of the evidence ("10 of them weak guesses") follows the edits.
    thin = (
        thin_evidence(proposal.position, proposal.nearest, proposal.postings, skills) if proposal.thin else ""
    )
    return proposal.model_copy(update={"skills": skills, "thin": thin}), done


def _added(change: SkillChange, skills: list[TargetSkill], dropped: list[TargetSkill]) -> TargetSkill:
    """A new skill; it takes the place (kind, priority, target) of a skill dropped before it."""
    name = _new_name(change.skill, skills, None, canonical=True)
    kind: SkillKind | None = change.value if change.value in ("general", "specific") else None  # type: ignore[assignment]
    if change.value and kind is None:
        raise InputError(f"A skill is general or specific, not '{change.value[:20]}'.")
    place = next((d for d in dropped if kind is None or d.kind == kind), None)
    if place is not None:
        dropped.remove(place)
        return TargetSkill(
            name=name,
            kind=place.kind,
            priority=place.priority,
            target=place.target,
            reason=f"your choice, in place of {place.name}",
        )
    if kind is None:
        kinds = [s.kind for s in skills]
        short = [k for k in ("general", "specific") if kinds.count(k) < 5]
        if len(short) != 1:
            raise InputError(f"Say whether {name} is a general or a specific skill: 'add {name} (general)'.")
        kind = short[0]  # type: ignore[assignment]
    return TargetSkill(name=name, kind=kind or "general", reason="your choice")
