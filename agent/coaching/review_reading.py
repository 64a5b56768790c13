"""Reading the skill changes in a review answer: corrected levels, targets, drops, hours.

"no, epic ehr build is 1 and dbt is 0" corrects two levels (a level said after a correction
is one too); "lower rag to 2", "i still want to learn it to 2" set targets ('it' is the skill
named before it); "no need for kubernetes" drops one; "12 hours a week", "15 months" change
the budget. Split from `agent.coaching.review_answers`, which decides what the whole answer
is. Every pattern is bounded (no nested quantifiers over the same characters), so it runs
in linear time on the bounded answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.coaching.levels import FORGET
from agent.coaching.matching import own_skill
from tools.catalog import match_skill_strict

# A word may hold a dot ('node.js', 'ci/cd') but never end with one: a sentence ends there
# ('I write our eng blog. sql is 3 not 2' names sql, not 'our eng blog. sql').
_SK_WORD = r"[a-z][\w+#/&-]{0,30}(?:\.[\w+#/&-]{1,30})?"
_SK = rf"(?P<skill>{_SK_WORD}(?: {_SK_WORD}){{0,3}}?)"
_LVL = r"(?P<n>[0-5])(?:\s*/\s*5|\s+out\s+of\s+5)?"
_LEVEL_FIXES = (
    re.compile(
        rf"\bmy {_SK} (?:level )?(?:is|'s|are) (?:actually |already |really |more like |now |currently )?(?:a |at |level )?{_LVL}\b"
    ),
    re.compile(
        rf"\b{_SK} (?:is|'s) (?:actually|already|really|currently|more like) (?:a |at |level )?{_LVL}\b"
    ),
    re.compile(rf"\b{_SK} (?:is|'s|=) (?:a |at )?{_LVL},? (?:and )?not (?:a |an )?[0-5]\b"),
    re.compile(rf"\b{_SK} (?:more like|closer to|at most|only) (?:a |level )?{_LVL}\b"),
    re.compile(rf"^(?:no|nope|actually|correction)\b[ ,.:;-]*{_SK} (?:is|'s|=) (?:a |at |level )?{_LVL}\b"),
    # "rag is 2", "dbt is 0, i want to get it to 2": a message that starts by saying a level.
    re.compile(rf"^{_SK} (?:is|'s) (?:a |at |level )?{_LVL}(?: now| already)?(?=$|[,.;!]| and | but )"),
    re.compile(
        rf"\bi(?:'m| am) (?:already |actually |currently )?(?:a |at |level )*{_LVL} (?:in|on|at|for|with) {_SK}\b"
    ),
    re.compile(rf"\bi (?:already )?(?:have|know) {_SK} at (?:level )?{_LVL}\b"),
    re.compile(rf"\bcurrent(?:ly)? {_SK} (?:is |at |level )*{_LVL}\b"),
)
_TARGET_SET = re.compile(
    rf"\b(?:lower|reduce|raise|increase|set|aim for|target|bump|change|put|only need|just need) "
    rf"(?:the |my )?(?:target (?:for |of )?)?{_SK} (?:target )?(?:to |at |=|of )?(?:level )?{_LVL}\b"
)
_TARGET_AFTER = re.compile(rf"\b{_SK} (?:target|goal) (?:to |of |at |=|is )?(?:level )?{_LVL}\b")
_DROP = re.compile(
    rf"\b(?:no need (?:for|of|to learn)|(?:i )?(?:don'?t|do not) (?:need|want|care about)|drop|remove|skip|"
    rf"without|forget(?: about)?|leave out|cut|not interested in|no more) (?:the |any |learning )?{_SK}"
    rf"(?= *$|[,.;!]| and | please| for now| entirely| altogether| at all| \d)"
)
# More skills named after a drop: "drop docker and kubernetes", "skip docker, k8s".
_DROP_MORE = re.compile(
    rf"(?:,? and |, | & )(?:the |also )?{_SK}(?= *$|[,.;!]| and | please| for now| entirely| altogether| at all)"
)
_DROP_AFTER = re.compile(rf"\b{_SK} (?:is not|isn'?t|is) (?:needed|necessary|required|relevant|important)")
_HOURS_AFTER = re.compile(
    r"\bhours?(?: a week| per week| weekly)? ?(?:to |=|: ?|at |of )?(?P<n>\d{1,3}(?:\.\d{1,2})?)\b"
)
_MONTHS = re.compile(r"\b(?P<n>\d{1,2}) ?-?months?\b")
_YEARS = re.compile(r"\b(?P<n>[1-3](?:\.5)?) ?-?years?\b")
_FILLER_NAMES = re.compile(
    r"^(?:the|my|a|an|it|that|this|not|also|and|but|so|yes|ok|hours?|months?|plan [ab]?|thats|that's|"
    r"its|it's|dont|don't|im|i'm|i|maybe|probably|like|more|less|about|around|only|just|really)$"
)


# More levels said after a correction: "no, epic ehr build is 1 and dbt is 0", "my sql is
# now a 3 and python 2". They continue the correction: levels now, never targets.
_LEVEL_MORE = re.compile(
    rf"(?:[,.;]? and |, |; | & )(?:my |the )?{_SK}(?: level)?(?: (?:is|'s|=|at|are))?"
    rf"(?: (?:now|actually|already|really|currently))?(?: a| at| level)? {_LVL}\b"
    r"(?! ?(?:h\b|hrs?\b|hours?|months?|weeks?|years?|/10))"
)
# "my sql is 2, not 0. and python is 1": the level it corrects is part of the correction.
_NOT_LEVEL = re.compile(r",? (?:and )?not (?:a |an )?[0-5]\b(?:\s*/\s*5)?")
_TARGETISH = re.compile(r"\b(?:target|goal|aim)s?\b")
# "i still want to learn it to 2", "get dbt up to 3", "take sql to 4": where to get to.
_TARGET_TO = re.compile(
    rf"\b(?:learn|get|take|bring|push|level up|grow|build) (?:(?P<it>it|that|this|them)|{_SK}) "
    rf"(?:up |all the way )?to (?:a |level )?{_LVL}\b"
    r"(?! ?(?:h\b|hrs?\b|hours?|months?|weeks?|years?))"  # "take it to 3 months" is the horizon
)
# How long a check-in has been going is no review change: "after 8 weeks", "it's been 2 months".
ELAPSED = re.compile(
    r"\b(?:after|it'?s been|its been|been|for|over the (?:last|past)|in the (?:last|past)) (?:about |around )?"
    r"(?:\d{1,2}|a|an|a couple of|a few) (?:weeks?|months?)(?: now| in)?\b[,:;.]?"
)


def read_skill(raw: str, problems: list[str], known: Sequence[str] = ()) -> str | None:
    """A skill of the draft or the person's own, or one the catalog knows, or None (and a
    problem to tell the person, once)."""
    name = raw.strip(" .,;:-")
    # Joining words are not part of a name: "and rag" is RAG, never a near miss of another skill.
    name = re.sub(
        r"^(?:(?:and|also|plus|but|oh|ok|so|then|wait|sorry|i meant|i mean|actually),?\s+)+", "", name
    )
    name = re.sub(r"^(?:my|the|your|current|level of|skill)\s+", "", name)
    name = re.sub(r"\s+(?:level|skills?|target)$", "", name)
    if not name or _FILLER_NAMES.match(name):
        return None
    if (own := own_skill(name, known)) is not None:
        return own
    found = match_skill_strict(name)
    if found is None:
        problem = f"I don't know the skill '{name[:60]}'"
        if problem not in problems:
            problems.append(problem)
        return None
    return found.name


def extract_changes(
    body: str, changes: dict[str, object], problems: list[str], known: Sequence[str] = ()
) -> str:
    """Read review-specific phrasings into `changes`; returns the text left for the parsers."""
    rest = body
    levels: dict[str, int] = {}
    targets: dict[str, int] = {}
    forget: list[str] = []
    for pattern in _LEVEL_FIXES:
        src = rest
        for m in pattern.finditer(src):
            if _TARGETISH.search(m.group("skill")):
                continue  # "my rag target is 2" says where to get to
            if name := read_skill(m.group("skill"), problems, known):
                levels[name] = int(m.group("n"))
                said, end = m.group(0), m.end()
                if skipped := _NOT_LEVEL.match(src, end):
                    said, end = src[m.start() : skipped.end()], skipped.end()
                while (more := _LEVEL_MORE.match(src, end)) and not _TARGETISH.search(more.group("skill")):
                    if (also := read_skill(more.group("skill"), [], known)) is None:
                        break
                    levels[also] = int(more.group("n"))
                    said, end = src[m.start() : more.end()], more.end()
                rest = rest.replace(said, " ")
    for pattern in (_TARGET_SET, _TARGET_AFTER):
        src = rest
        for m in pattern.finditer(src):
            if name := read_skill(m.group("skill"), problems, known):
                targets[name] = int(m.group("n"))
                rest = rest.replace(m.group(0), " ")
    src = rest
    for m in _TARGET_TO.finditer(src):
        # 'it' is the skill named before it in the message ("my dbt is 0 not 1, i still want
        # to learn it to 2"); with none, nothing is guessed.
        named = [*levels, *targets]
        name = (
            (named[-1] if named else None) if m.group("it") else read_skill(m.group("skill"), problems, known)
        )
        if name is not None:
            targets[name] = int(m.group("n"))
            rest = rest.replace(m.group(0), " ")
    for m in FORGET.finditer(rest):
        name = m.group("name").strip()
        forget.append(own_skill(name, known) or name)
        rest = rest.replace(m.group(0), " ")
    for pattern in (_DROP, _DROP_AFTER):
        src = rest
        for m in pattern.finditer(src):
            if name := read_skill(m.group("skill"), problems, known):
                targets[name] = 0
                said = m.group(0)
                end = m.end()
                while pattern is _DROP and (more := _DROP_MORE.match(src, end)):
                    also = read_skill(more.group("skill"), [], known)
                    if also is None:
                        break  # "drop docker and make it 10 hours": the rest is another change
                    targets[also] = 0
                    said, end = src[m.start() : more.end()], more.end()
                rest = rest.replace(said, " ")
    if hours := _HOURS_AFTER.search(rest):
        changes["hours_per_week"] = float(hours.group("n"))
        rest = rest.replace(hours.group(0), " ")
    if years := _YEARS.search(rest):
        changes["horizon_months"] = round(float(years.group("n")) * 12)
        rest = rest.replace(years.group(0), " ")
    elif months := _MONTHS.search(rest):
        changes["horizon_months"] = int(months.group("n"))
        rest = rest.replace(months.group(0), " ")
    if forget:
        changes["forget"] = forget
    if levels:
        changes["levels"] = levels
    if targets:
        changes["targets"] = targets
    return rest
