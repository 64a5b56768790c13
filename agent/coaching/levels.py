"""Skills with levels, as people write them.

"SQL really well (I'd say 4/5)", "Java (5/5), Python (3), AWS (4)", "python maybe 2",
"a 3 for statistics", "Communication is good, maybe 4", "3-4 in docker" (the lower,
said so). Filler words are never skills. Patterns are linear (see numbers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from agent.coaching.matching import is_catalog_skill
from agent.coaching.numbers import taken_back
from tools.catalog import load_catalog

_LEVEL = re.compile(
    r"(?<![\w.])(?:(?P<paren>\()\s{0,2})?(?P<lo>\d{1,3}(?:\.\d{1,2})?)(?![\d])"
    r"(?:\s{0,2}(?:/|out\s{1,3}of|of)\s{0,2}(?P<scale>5|10)(?![\d.])"
    r"|\s{0,2}(?:-|–|~|to|or|/|,?\s{0,2}maybe|,?\s{0,2}perhaps|,?\s{0,2}possibly)\s{0,2}(?P<hi>\d{1,2}(?:\.\d)?)(?![\d])"
    r"(?:\s{0,2}(?:/|out\s{1,3}of)\s{0,2}(?P<scale2>5|10)(?![\d.]))?)?"
    r"(?:\s{0,2}\))?",
    re.I,
)
# A number followed by one of these is a count, not a level ("3 years", "team of 20").
_NOT_A_LEVEL = re.compile(
    r"(?:ish)?\s{0,3}(?:\+\s{0,2})?(?:years?|yrs?|y/?o|months?|mos?|weeks?|wks?|days?|hours?|hrs?|h\b|people|"
    r"persons?|reports|%|k\b|x\b|times|projects?|courses?|jobs?|companies|teams?|am\b|pm\b|yoe|"
    r"(?:st|nd|rd|th)\b)",  # "7th grade": an ordinal
    re.I,
)
_WORD = re.compile(r"\.net|c\+\+|c#|ci/cd|a/b|[A-Za-z][\w+#'’-]{0,60}(?:\.(?:js|net|io|py))?", re.I)
SPLIT = re.compile(
    r"[,;\n•]|\s\+\s|\s-\s|\b(?:and|plus|with|also|but|while|though|then|besides|as well as)\b", re.I
)
FILLER = frozenset(
    """
    i i'd i'm im id i've ive me my myself mine say said would could should rate rating rated give
    gave put guess think feel know knew have has had got am is are was were be been being at about
    around roughly approximately approx maybe perhaps probably possibly like a an the level levels
    lvl pretty quite really very fairly so ok okay good great decent solid strong weak well bad
    fine not too bit little kind sort of more less still now currently actually honestly also just
    only in on for to it that this its it's hmm um uh lol haha yeah yes no oh mostly somewhat skill
    skills out comfortable experienced experience expert beginner intermediate knowledge score self
    between new old lower raise reduce drop bump increase decrease set aim aiming target
    targets targeting goal goals want wanted need needed reach get go up down from by we you your
    our their they he she his her them us do does did doing done can cant can't cannot as when
    where what which who how why if then than there here sure correction correct update updated
    oops sorry typo mean meant instead rather though nope nah yep yup ish most least best worst
    things thing stuff something anything everything somewhere today lately these days moment right
    these those i'll only basically generally overall tbh imo probs prob atm rn def definitely pls
    call dabbled dabble idea clue touched used tried played never ever once demo built jk lmao
    please thanks plan current currently hours hour week weeks month months year years day days
    time times weaker stronger better worse rusty shaky higher decent alright average meh some went
    moved gone got bit little bits lot lots super extremely kinda sorta fair fairly reasonably
    reasonable average-ish ish weekend weekends weekday weekdays evening evenings morning mornings
    night nights monday mondays tuesday tuesdays wednesday wednesdays thursday thursdays friday
    fridays saturday saturdays sunday sundays btw fyi ps wait typed wrong earlier
    """.split()  # noqa: SIM905 - a word list is easier to read and extend as text
)
_MAX_NAME_WORDS = 4
_REMAINING = re.compile(
    r"(?:all\s{1,3})?(?:the\s{1,3})?(?:others?|else|remaining(?:\s{1,3}ones?)?|other\s{1,3}ones?|"
    r"everything\s{1,3}else|anything\s{1,3}else)|(?:all\s{1,3})?the\s{1,3}rest",
    re.I,
)


def _remaining(words: str) -> bool:
    """'others', 'the rest', a lone lowercase 'rest' ('rest 0 i guess'): the skills left,
    never a name; 'REST 4' and 'rest apis 3' rate REST APIs."""
    return bool(_REMAINING.fullmatch(words)) or words in ("rest", "Rest")


_SELF_ASSESSMENT = re.compile(r"\bself[- ]{1,2}assess(?:ment|ed)\b", re.I)
_POSSESSIVE = re.compile(r"['’]s$", re.I)  # "python's fine" rates python
# "never touched docker", "no experience with kubernetes": level 0 said in words.
_NEVER = re.compile(
    r"\b(?:never(?:\s{1,3}(?:really|ever))?|haven'?t(?:\s{1,3}(?:ever|really|yet))?|have\s{1,3}not|not\s{1,3}yet)"
    r"\s{1,3}(?:touched|used|tried|done|learned|learnt|worked\s{1,3}(?:with|on)|seen|played\s{1,3}with)"
    r"|\b(?:no|zero)\s{1,3}(?:experience|exposure|knowledge)\s{1,3}(?:with|in|of|on)"
    # "dbt no idea what that is", "never heard of airflow": unaware, the scale's 0.
    r"|\b(?:no\s{1,3}(?:idea|clue)|(?:i\s{1,3})?(?:don'?t|do\s{1,3}not|dunno)(?:\s{1,3}know)?)\s{1,3}what"
    r"\s{1,3}(?:that|it|this|those|they)(?:'s|\s{1,3}(?:is|are))(?:\s{1,3}(?:even|tbh))?"
    r"|\bnever\s{1,3}(?:even\s{1,3})?heard\s{1,3}of",
    re.I,
)
_NEVER_NAME = re.compile(
    r"\s{1,3}(?:any\s{1,3}|the\s{1,3})?(?P<name>[A-Za-z][\w+#./-]{0,30}(?:\s{1,3}[A-Za-z][\w+#./-]{0,30}){0,3})"
)


def _catalog_prefix(words: str) -> bool:
    parts = words.split()
    return any(is_catalog_skill(" ".join(parts[:n]).strip(".,;:!?")) for n in range(len(parts), 0, -1))


def never_used(text: str) -> list[str]:
    """The skills a text says were never used ('never touched docker', 'dbt: never used it'):
    a current level of 0, whatever question it answers."""
    found: list[str] = []
    _never_to_zero(text, found)
    return found


# Where a name after 'never touched' ends, and words that name nothing ('never done this before').
_NAME_END = re.compile(r"\s(?:and|but|because|since|though|so|yet|lol|either|at)\b|[,;.!?()]", re.I)
_NOT_NAMES = frozenset(
    [
        "before",
        "anything",
        "much",
        "either",
        "properly",
        "seriously",
        "professionally",
        "yet",
        "it",
        "this",
        "that",
    ]
)


def _unknown_names(said: str) -> list[str]:
    """The names a 'never touched X (or Y)' gives that the catalog lacks ('articulate storyline')."""
    found = []
    for part in re.split(r"\s(?:or|nor)\s", _NAME_END.split(said, maxsplit=1)[0], flags=re.I):
        words = _trim(_words(part))[:3]
        if any(w.lower() not in _NOT_NAMES and len(w) >= 3 for w in words):
            found.append(" ".join(words))
    return found


def _never_to_zero(text: str, found: list[str] | None = None, unknown: list[str] | None = None) -> str:
    """'never touched docker' -> 'docker 0': only for a name the catalog knows, so
    'never touched it' or 'never done this before' rate nothing; a name the catalog lacks
    goes to `unknown` (a target's own list may hold it)."""
    out, pos = [], 0
    for m in _NEVER.finditer(text):
        if m.start() < pos:
            continue
        after = _NEVER_NAME.match(text, m.end())
        if after is None or not _catalog_prefix(after.group("name")):
            # "dbt: never used it": the name comes before the words.
            words = list(re.finditer(r"[^\s,;:()-]+", text[max(pos, m.start() - 60) : m.start()]))
            base = max(pos, m.start() - 60)
            for size in range(min(3, len(words)), 0, -1):
                name = " ".join(w.group(0) for w in words[-size:])
                if is_catalog_skill(name):
                    it = re.match(r"\s{1,3}(?:it|that|them|before)\b", text[m.end() :])
                    out += [text[pos : base + words[-size].start()], f"{name} 0"]
                    if found is not None:
                        found.append(name)
                    pos = m.end() + (it.end() if it else 0)
                    break
            else:
                if after is not None and unknown is not None:
                    unknown += _unknown_names(after.group("name"))
            continue
        spans = [
            (w.group(0), after.start("name") + w.end()) for w in re.finditer(r"\S+", after.group("name"))
        ]
        for size in range(len(spans), 0, -1):
            name = " ".join(w for w, _ in spans[:size]).strip(".,;:!?")
            if is_catalog_skill(name):
                out += [text[pos : m.start()], f"{name} 0"]
                if found is not None:
                    found.append(name)
                pos = spans[size - 1][1] - (
                    len(spans[size - 1][0]) - len(spans[size - 1][0].rstrip(".,;:!?"))
                )
                break
    return "".join(out) + text[pos:] if out else text


MAX_CANDIDATES = 60


@dataclass
class SkillRead:
    """Skills found in a text, with notes on narrowed values and problems to tell."""

    levels: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    unrated: list[str] = field(default_factory=list)  # skills named without a level
    never: list[str] = field(default_factory=list)  # "never touched X", X not in the catalog
    spent: int = 0  # level candidates looked at


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(text)]


def _trim(words: list[str]) -> list[str]:
    """Drop filler words from both ends: 'my python is now a' -> ['python']."""
    start, end = 0, len(words)
    while start < end and words[start].lower().strip("'’") in FILLER:
        start += 1
    while end > start and words[end - 1].lower().strip("'’") in FILLER:
        end -= 1
    return words[start:end]


def skill_name(text: str, longest: int = 3) -> str:
    """The skill a stretch of words names, or '' when it names none.

    A catalog name inside longer words wins ("working mostly on deep learning" ->
    "deep learning"); otherwise a short name (at most 3 words) is kept as written.
    """
    # "my self-assessment: python 3" rates python; 'assessment design' is a skill's name.
    raw = [_POSSESSIVE.sub("", w) for w in _words(_SELF_ASSESSMENT.sub(" ", text))]
    if _REMAINING.fullmatch(" ".join(raw)):
        return ""  # "others 0", "the rest: no idea": a filler for the remaining skills, never a name
    # A catalog name made of filler words ("time series", "data modeling") is a name:
    # look for one at the end of the untrimmed words before filler is dropped.
    for size in range(min(_MAX_NAME_WORDS, len(raw)), 1, -1):
        tail = " ".join(raw[-size:])
        if is_catalog_skill(tail):
            return tail
    words = _trim(raw)
    if not words:
        return ""
    whole = " ".join(words)
    if _remaining(whole):
        return ""
    if len(words) > 1 and not is_catalog_skill(whole):
        for size in range(min(_MAX_NAME_WORDS, len(words) - 1), 0, -1):
            tail = " ".join(words[-size:])
            if is_catalog_skill(tail):
                return tail
    if len(words) > longest and not is_catalog_skill(whole):
        return ""
    return whole.strip(" :-=")


def _level_of(m: re.Match[str], name: str, out: SkillRead) -> int | None:
    raw = m.group(0).strip(" ()")
    lo = float(m.group("lo"))
    start = m.start("lo")
    if start > 0 and m.string[start - 1] == "-" and (start < 2 or not m.string[start - 2].isdigit()):
        # "sql -2" is a negative level, not 2: refuse it rather than drop the sign.
        out.problems.append(f"{name}: level -{m.group('lo')} is out of range; use a whole number 0-5")
        return None
    hi = m.group("hi")
    scale = m.group("scale") or m.group("scale2")
    value = lo
    if hi is not None:
        value = min(lo, float(hi))
        out.notes.append(f"{name} {raw}: took the lower, {value:g}")
    if scale == "10":
        value = value / 2
        out.notes.append(f"{name} {raw}: read as {int(value)} on the 0-5 scale")
    if value != int(value) and hi is None and scale != "10":
        out.notes.append(f"{name} {raw}: took the lower, {int(value)}")
    if not 0 <= value <= 5:
        out.problems.append(
            f"{name}: level {raw} is out of range; use a whole number 0-5 (0 unaware ... 5 can teach it)"
        )
        return None
    return int(value)


def _name_after(segment: str, end: int) -> str:
    """'a 3 for python' / '4 in SQL' -> the name after the level."""
    m = re.match(r"\s{0,3}(?:in|at|for|on|with)\s{1,3}(?P<rest>[^()]{1,60})", segment[end:], re.I)
    return skill_name(m.group("rest")) if m else ""


@cache
def _joined_aliases() -> re.Pattern[str] | None:
    """Catalog names with 'and' or '&' inside ('weights & biases'): kept whole before splitting."""
    names = sorted(
        {a for s in load_catalog().skills for a in [s.name, *s.aliases] if re.search(r"\band\b|&", a)},
        key=len,
        reverse=True,
    )
    if not names:
        return None
    alternatives = "|".join(
        re.escape(n)
        .replace(r"\ and\ ", r"\s{1,3}(?:and|&)\s{1,3}")
        .replace(r"\ \&\ ", r"\s{1,3}(?:and|&)\s{1,3}")
        for n in names
    )
    return re.compile(rf"\b(?:{alternatives})\b", re.I)


_COMMA_HEDGE = re.compile(
    r"(?<![\d.])(\d)\s{0,2},\s{0,2}(maybe|perhaps|possibly)\s{1,2}(\d)(?![\d.])(?!\s{0,3}(?:in|at|for|on)\b)",
    re.I,
)
_THE_REST = re.compile(
    r"\b(?:the|all the|skip|for)\s{1,3}rest\b|\brest\s{1,3}(?:skip|of|idk|0|none|no idea|dunno|not sure|\?)",
    re.I,
)
_STARS = re.compile(r"[★☆]{1,10}")
_NEGATED = re.compile(r"(?:\bnot|\binstead of|\brather than|\bfrom)\s{0,3}(?:a\s{1,3})?$", re.I)


def parse_skills(text: str, *, loose: bool = False, budget: int = MAX_CANDIDATES) -> SkillRead:
    """'Python 4, SQL 3 and Docker: 2' -> {'Python': 4, 'SQL': 3, 'Docker': 2}.

    `loose` (the coach asked for skills) also takes a name that trails its level in a
    separate clause: "Communication is good, maybe 4". At most `budget` numbers are
    looked at: nobody rates sixty skills in a message, and a wall of digits stays cheap.
    """
    out = SkillRead()
    pending = ""
    text = _STARS.sub(lambda m: f" {m.group(0).count('★')} ", text)  # "Python ★★★☆☆" -> 3
    # "sql 2, maybe 3" is one hedged level, not a second number without a name.
    text = _COMMA_HEDGE.sub(r"\1 \2 \3", text)
    if re.search(r"never|n't|not|no |zero", text, re.I):
        text = _never_to_zero(text, unknown=out.never)
    if (joined := _joined_aliases()) is not None:
        text = joined.sub(lambda m: re.sub(r"\W+", "_", m.group(0)), text)
    for segment in SPLIT.split(text):
        if not segment or not segment.strip():
            continue
        found = False
        pos = 0
        skip = 0
        for m in _LEVEL.finditer(segment):
            out.spent += 1
            if out.spent > budget:
                return out
            if m.start() < skip or _NOT_A_LEVEL.match(segment, m.end()):
                continue
            if _NEGATED.search(segment[max(0, m.start() - 20) : m.start()]):
                pos = m.end()  # "python 3 not 4": the old value, named to be replaced
                continue
            # A name is the few words right before its level: bounded, so a long run of
            # numbers without names costs linear time.
            before = segment[max(pos, m.start() - 80) : m.start()].rsplit(")", 1)[-1]
            outer, _, inner = before.rpartition("(")
            # Asked to rate a list, a name may be as long as the list's ('Writing API reference docs 1').
            longest = _MAX_NAME_WORDS if loose else 3
            name = skill_name(inner, longest) or skill_name(outer, longest) or _name_after(segment, m.end())
            if not name and pending:
                name = pending
            if not name:
                if not _remaining(" ".join(_trim(_words(before)))):  # "others 0", "rest are 0": no note
                    out.unused.append(m.group(0).strip())
                pos = m.end()
                continue
            name = name.replace("_", " ")
            if (fix := taken_back(segment, m.end())) and (again := _LEVEL.match(segment, fix.start("n"))):
                m, skip = again, fix.end()  # "python 7 lol jk 3": the figure said last
            level = _level_of(m, name, out)
            if level is not None:
                out.levels[name] = level
            found = True
            pending = ""
            pos = m.end()
        if not found:
            candidate = skill_name(segment)
            if pending and is_catalog_skill(pending):
                out.unrated.append(pending)  # "linear algebra is ok, ...": named without a level
            pending = candidate if candidate and (loose or is_catalog_skill(candidate)) else ""
            if _THE_REST.search(segment):
                pending = ""  # "skip the rest" names no skill (REST APIs is 'rest' too)
    if pending and is_catalog_skill(pending):
        out.unrated.append(pending)
    return out


# "drop sundays from my skills", "remove java from my profile": a skill taken out of the
# profile (not a target lowered, which is what a bare 'drop docker' means at review).
FORGET = re.compile(
    r"\b(?:drop|remove|delete|take|get rid of|forget|scrap|strike)\s{1,3}(?:the\s{1,3}|my\s{1,3})?"
    r"(?:skill\s{1,3})?['\"]?(?P<name>[A-Za-z][\w+#./&'-]{0,30}(?:\s{1,3}[A-Za-z][\w+#./&'-]{0,30}){0,3}?)['\"]?"
    r"\s{1,3}(?:out\s{1,3})?(?:from|off|out\s{1,3}of)\s{1,3}(?:my\s{1,3}|the\s{1,3})?"
    r"(?:skills?|profile|skill\s{1,3}list|list\s{1,3}of\s{1,3}skills)\b",
    re.I,
)
