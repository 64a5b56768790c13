"""The role a question is about, and whether a passage covers it.

"What does an AI product manager need to know?" is about AI product managers: a
passage about AI architects shares its words ("AI") and sits close to it in MiniLM's
space (cosine 0.5, above what many answered questions get), yet does not answer it.
Cosine and BM25 cannot tell the two apart; the role the question names can. A
question names a role when an article after a cue ("become a", "as an", "does a",
"for a") starts a run of words ending in a word for a person ("manager", "designer",
"hygienist"). A passage covers the role when its text or section path holds the
role's last two words (stemmed, in order: "product manag" also meets "Product
Management"), or its chunk is tagged with the catalog role the phrase names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.terms import STOP_WORDS, terms

# Words that start a role phrase: "become a ...", "as an ...", "what does a ... need".
_CUE = re.compile(
    r"\b(?:become|becoming|as|does|do|did|is|be|being|for|hire|hiring|hired|of|like|should|would|can|could|will)\s+(?:a|an)\s+"
    r"([a-z0-9][\w+#/-]*(?:\s+[a-z0-9][\w+#/-]*){0,3})",
    re.I,
)
# How words for a person end ("manager", "editor", "pharmacist", "attendant",
# "electrician", "engineer", "analyst"), and a few that do not end so.
_PERSON = re.compile(r"(?:er|or|ist|yst|ant|ian|eer)$")
_PERSON_WORDS = frozenset(
    [
        "manager",
        "engineer",
        "designer",
        "developer",
        "scientist",
        "analyst",
        "architect",
        "researcher",
        "lead",
        "tester",
        "teacher",
        "consultant",
        "specialist",
        "administrator",
        "director",
        "officer",
        "coordinator",
        "technician",
        "representative",
        "pilot",
        "chef",
        "nurse",
        "agent",
        "writer",
        "editor",
        "owner",
        "partner",
        "master",
        "clerk",
        "paralegal",
    ]
)
# Things, not people, that end like a person's word: a phrase ending in one names no role.
_THINGS = frozenset(
    [
        "computer",
        "container",
        "transformer",
        "paper",
        "number",
        "layer",
        "cluster",
        "parameter",
        "order",
        "user",
        "answer",
        "vector",
        "tensor",
        "error",
        "monitor",
        "operator",
        "wrapper",
        "adapter",
        "encoder",
        "decoder",
        "tracker",
        "scheduler",
        "classifier",
        "router",
        "folder",
        "filter",
        "buffer",
        "server",
        "driver",
        "browser",
        "compiler",
        "interpreter",
        "trigger",
        "header",
        "footer",
        "poster",
        "letter",
        "chapter",
        "register",
        "marker",
        "parser",
        "loader",
        "reader",
        "factor",
        "sector",
        "detector",
        "generator",
        "evaluator",
        "indicator",
        "selector",
        "connector",
        "processor",
        "interval",
        "signal",
        "portal",
        "journal",
        "terminal",
        "manual",
        "tutorial",
        "proposal",
        "trial",
        "approval",
        "removal",
        "arrival",
        "retrieval",
        "perspective",
        "objective",
        "directive",
        "narrative",
        "initiative",
        "alternative",
        "incentive",
        "robot",
        "slot",
        "spot",
        "snapshot",
        "plot",
        "dot",
        "pivot",
        "shot",
        "chatbot",
        "hotspot",
        "plant",
        "constant",
        "variant",
        "instant",
        "restaurant",
        "assistant",
        "better",
        "faster",
        "larger",
        "smaller",
        "bigger",
        "higher",
        "lower",
        "easier",
        "harder",
        "longer",
        "shorter",
        "deeper",
        "cheaper",
        "newer",
        "older",
        "other",
        "rather",
        "together",
        "whether",
        "either",
        "never",
        "ever",
        "over",
        "under",
        "after",
        "later",
        "earlier",
        "power",
        "water",
        "matter",
        "member",
    ]
)
_STOP_AFTER = frozenset(
    [
        "need",
        "needs",
        "do",
        "does",
        "learn",
        "learns",
        "put",
        "know",
        "study",
        "studies",
        "use",
        "uses",
        "buy",
        "spend",
        "spends",
        "work",
        "works",
        "earn",
        "earns",
        "make",
        "makes",
        "get",
        "gets",
        "take",
        "takes",
        "start",
        "starts",
        "have",
        "has",
        "with",
        "in",
        "at",
        "on",
        "about",
        "from",
    ]
)


# Words a question about a career is made of whatever it is about ("what do I need to
# know to become ..."): they say nothing of its subject.
_GENERIC = frozenset(
    terms(
        "need know learn get help take best good start become way thing make use want like much many "
        "long month week year hour day someone people job career role work first quick"
    )
)


def subject_terms(question: str) -> set[str]:
    """The stemmed content words of a question that say what it is about."""
    return set(terms(question[:2_000])) - _GENERIC


@dataclass(frozen=True)
class Role:
    """A role a question names: its words as written, and the stems a passage must hold."""

    text: str
    stems: tuple[str, ...]


# A role named in the plural with no article: "do healthcare project managers usually need
# a PMP cert?", "are nurse educators ...", "hiring data analysts". Only a run that ends in a
# plural word for a person counts ("do containers need ..." names no one).
_PLURAL_CUE = re.compile(
    r"\b(?:do|are|become|becoming|hire|hiring)\s+([a-z0-9][\w+#/-]*(?:\s+[a-z0-9][\w+#/-]*){0,3})",
    re.I,
)


def named_role(question: str) -> Role | None:
    """The role the question is about ("AI product manager"), or None when it names none."""
    return _role_after(_CUE, question) or _role_after(_PLURAL_CUE, question, plural=True)


def _role_after(cue: re.Pattern[str], question: str, plural: bool = False) -> Role | None:
    for match in cue.finditer(question[:2_000]):
        run: list[str] = []
        for word in match.group(1).split():
            low = word.lower().strip("?.,!;:")
            if low in _STOP_AFTER or low in STOP_WORDS:
                break
            run.append(low)
            if not word.isalnum() and word[-1] in "?.,!;:":
                break
        # The role ends at its last word for a person ("real estate agent in Texas").
        while run and not _is_person(run[-1]):
            run.pop()
        if plural and run and not run[-1].endswith("s"):
            continue
        if run:
            return Role(" ".join(run), tuple(terms(" ".join(run[-2:]))))
    return None


def _is_person(word: str) -> bool:
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    if singular in _THINGS:
        return False
    return singular in _PERSON_WORDS or (len(singular) > 4 and bool(_PERSON.search(singular)))


def covers(role: Role, text: str) -> bool:
    """Whether a passage's stemmed content words hold the role's stems in order, side by side."""
    stems = terms(text)
    n = len(role.stems)
    if n == 0:
        return True
    return any(tuple(stems[i : i + n]) == role.stems for i in range(len(stems) - n + 1))
