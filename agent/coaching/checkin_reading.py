"""What a check-in says did not move: 'havent touched epic build stuff yet', 'no progress on
dbt', 'data modelling still the same'.

At intake 'never touched docker' is a level (0: the person has never used it). At a
check-in the same words about a skill of the plan mean it has not moved since the plan
(or the last check-in): the skill is reported, at the level it had, so it is compared
with where the plan expected it by now. Read here, from the message, because the intake
parsers read such words as level 0 or as nothing. Bounded patterns, linear time.
"""

from __future__ import annotations

import re

# '<lead> X': the name follows.
_LEAD = re.compile(
    r"\b(?:(?:have|has|did)\s{0,3}n[o'’]?t|have\s{1,3}not|has\s{1,3}not|did\s{1,3}not|not|never)"
    r"(?:\s{1,3}(?:yet|really|even|actually|ever))?\s{1,3}"
    r"(?:touched|start(?:ed)?(?:\s{1,3}(?:on|with))?|begun|begin|worked\s{1,3}on|(?:gotten|got|get)\s{1,3}to|"
    r"looked\s{1,3}at|studied|practi[cs]ed|done\s{1,3}(?:anything|much|any\s{1,3}work)\s{1,3}(?:on|with|for|in))"
    r"|\bno\s{1,3}(?:progress|movement|change|work|time)(?:\s{1,3}yet)?\s{1,3}(?:on|with|for|in)"
    r"|\bnothing(?:\s{1,3}(?:new|yet))?\s{1,3}(?:on|for|with)",
    re.I,
)
# 'X <trail>': the name comes before.
_TRAIL = re.compile(
    r"\s{1,3}(?:(?:is|are|'s)\s{1,3})?(?:still\s{1,3}(?:the\s{1,3}same|where\s{1,3}it\s{1,3}was|unchanged|untouched|"
    r"not\s{1,3}started)|(?:has|have)\s{0,3}n[o'’]?t\s{1,3}(?:moved|changed|budged|started)|"
    r"(?:has|have)\s{1,3}not\s{1,3}(?:moved|changed|budged|started)|unchanged|untouched|same\s{1,3}as\s{1,3}before|"
    r"not\s{1,3}started(?:\s{1,3}yet)?)\b",
    re.I,
)
# Where a name ends after a lead, or starts before a trail.
_END = re.compile(
    r"[,;.!?()]|\s[-–]\s|\s(?:yet|but|tbh|lol|because|since|either|though|so|at\s{1,3}all)\b", re.I
)
_START = re.compile(r"[,;.!?()]|\s[-–]\s|\b(?:and|but|so|also|plus|though|while)\s", re.I)
_FILLER = frozenset(
    "stuff things thing much really any the my on with at all yet properly anything "  # noqa: SIM905
    "i i'm im think guess honestly tbh lol it that this them those".split()
)
_STOP = frozenset("is are was were now i im i'm it's its got went".split())  # noqa: SIM905


def _clean(words: list[str], whole: bool = False) -> str:
    """A name from the words around a phrase, without filler at either end. With `whole`,
    words that go on into a level ('sql is 3' after 'and') name nothing: that skill has one."""
    kept: list[str] = []
    for word in words:
        if word.lower() in _STOP or any(ch.isdigit() for ch in word):
            if whole:
                return ""
            break
        kept.append(word)
    while kept and kept[0].lower() in _FILLER:
        kept.pop(0)
    while kept and kept[-1].lower() in _FILLER:
        kept.pop()
    return " ".join(kept[:4])


def unchanged_names(text: str) -> list[str]:
    """The names a check-in says have not moved, as written ('epic build', 'dbt')."""
    text = text[:2000]
    found: list[str] = []
    for m in _LEAD.finditer(text):
        tail = text[m.end() : m.end() + 120]
        end = _END.search(tail)
        said = tail[: end.start()] if end else tail
        for part in re.split(r"\s(?:or|and|nor)\s|/", said, flags=re.I):
            name = _clean(part.split(), whole=True)
            if name and name not in found:
                found.append(name)
    for m in _TRAIL.finditer(text):
        head = text[max(0, m.start() - 80) : m.start()]
        starts = list(_START.finditer(head))
        name = _clean(head[starts[-1].end() if starts else 0 :].split())
        if name and name not in found:
            found.append(name)
    return found


def says_unchanged(text: str) -> bool:
    """Whether a message reports a skill of a plan as not moved ('quick update, havent started
    the epic build stuff yet'): a check-in, even with no level in it. 'never touched docker'
    is not one: after a plan it is a correction (level 0), as at intake."""
    text = text[:2000]
    leads = [m for m in _LEAD.finditer(text) if not m.group(0).lower().startswith("never")]
    return bool(unchanged_names(text)) and (bool(leads) or _TRAIL.search(text) is not None)
