"""Job postings as evidence for a target's skills: parsing, skill mentions, repeated phrases.

The user's assessment template asks for 5-10 postings per target and the requirements
they repeat; priority 1 is "required by most postings", 2 "frequently mentioned",
3 "nice to have". Here the share of postings that mention a skill sets it:
at least 60% -> 1, at least 30% -> 2, otherwise 3.

Pure functions: files in, records out. Storage is agent/storage/postings.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tools.catalog import load_catalog, match_industry, normalize
from tools.errors import InputError
from tools.models import Evidence

PRIORITY_1_SHARE = 0.6
PRIORITY_2_SHARE = 0.3
# A phrase that names no catalog skill becomes a candidate skill when at least this many
# postings, and at least PRIORITY_2_SHARE of them, repeat it.
MIN_CANDIDATE_POSTINGS = 2
MAX_POSTING_CHARS = 60_000
_SEPARATOR = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.M)
# Aliases that are ordinary words in a posting ("the rest of the team", "delivery",
# "report churn risk to leadership").
_AMBIGUOUS = {
    "rest",
    "leadership",
    "execution",
    "planning",
    "delivery",
    "serving",
    "apis",
    "research",
    "publishing",
    "math",
    # "compliance training" is a course, not application security.
    "compliance",
}
_STOP = frozenset(
    re.split(
        r"\s+",
        """
    a an and or the of to in on for with at by from
    as is are be will you your we our us they their this that
    these those it its who what which how about into across within per via
    etc e.g i.e experience years year strong excellent good great solid proven ability able
    understanding knowledge familiarity familiar plus bonus preferred required requirements responsibilities role team teams work
    working skills skill including include includes such using use new other all any more
    most well must should can have has having including across job company candidate candidates
    ideal looking help own ownership day days based level senior junior degree bachelor master
    phd field related equivalent opportunity benefits salary remote hybrid office location apply
    tools qualifications duties summary overview description perks compensation nice
""".strip(),
    )
)


def priority_from_share(share: float) -> int:
    """The template's priority from the share of postings asking for a skill."""
    if share >= PRIORITY_1_SHARE:
        return 1
    if share >= PRIORITY_2_SHARE:
        return 2
    return 3


def split_postings(text: str) -> list[str]:
    """Postings in one file: separated by a line of three or more dashes."""
    parts = [p.strip() for p in _SEPARATOR.split(text)]
    return [p[:MAX_POSTING_CHARS] for p in parts if re.search(r"\w", p)]


def read_postings(path: Path) -> list[str]:
    """The postings in a .md, .txt, .html or .pdf file, or InputError saying why not."""
    from knowledge.loaders import Skip, load_text

    if not path.is_file():
        raise InputError(f"No file at {path}.")
    try:
        text = load_text(path)
    except Skip as exc:
        raise InputError(f"{path}: {exc}.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    postings = split_postings(text)
    if not postings:
        raise InputError(f"{path}: no posting text in it.")
    return postings


@cache
def _alias_patterns() -> list[tuple[str, re.Pattern[str]]]:
    pairs: list[tuple[str, re.Pattern[str]]] = []
    for skill in load_catalog().skills:
        names = {normalize(a) for a in [skill.name, *skill.aliases]}
        names = {n for n in names if len(n) >= 3 and n not in _AMBIGUOUS}
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        pairs.append((skill.id, re.compile(rf"(?<![\w+#]){'(?:' + alternation + ')'}(?![\w+#])")))
    return pairs


def skill_mentions(text: str) -> set[str]:
    """Catalog skill ids a posting mentions by name or alias."""
    norm = normalize(text)
    return {skill_id for skill_id, pattern in _alias_patterns() if pattern.search(norm)}


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+#./\-]*[A-Za-z0-9+#]|[A-Za-z]")
# A phrase's words: a number may follow a word inside one ("Rise 360" was cut to "Rise").
_WORD = re.compile(rf"{_TOKEN.pattern}|\d[\w+#]*")
# Verbs postings start requirements with: a phrase may not begin or end on one.
_VERBS = frozenset(
    re.split(
        r"\s+",
        "define write communicate drive run partner create gather answer set understand prototype speak "
        "synthesize lead manage design develop deploy deliver support collaborate work own build hands-on "
        "comfortable experienced interpret present mentor ensure improve maintain ship launch",
    )
)
# Verbs that are also nouns at the end of a name ("Assessment design" was cut to "Assessment").
_NOUN_TOO = frozenset({"design", "support", "build"})


def _requirement_lines(text: str) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    bullets = [
        re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", ln)
        for ln in lines
        if re.match(r"^\s*(?:[-*+•]|\d+[.)])\s+", ln)
    ]
    return bullets or lines


def _phrases(text: str) -> tuple[dict[str, str], set[str]]:
    """Normalised 1-3 word phrases of a posting's requirement lines -> how one was written,
    and the single words that only opened a sentence (counted where another posting writes
    them as a name: "Storyboarding and analytics experience preferred.").

    Single words count only when written like a name (capitals inside the line, a clause
    of their own such as a bullet's "Storyboarding", or digits, + or #: 'Kotlin', 'C++');
    longer phrases may not start on a stop word or a number, nor end on a stop word or a
    verb (a verb that is also a noun may end one: "Assessment design")."""
    found: dict[str, str] = {}
    opening: set[str] = set()
    clauses = [
        (k, clause)
        for line in _requirement_lines(text)
        for sentence in re.split(r"(?<=[.!?])\s+", line)
        for k, clause in enumerate(re.split(r"[,;:()]|\band\b|\bor\b", sentence))
    ]
    for k, clause in clauses:
        tokens = _WORD.findall(clause)
        for n in (1, 2, 3):
            for i in range(len(tokens) - n + 1):
                words = tokens[i : i + n]
                low = [w.lower() for w in words]
                if words[0][0].isdigit() or low[0] in _STOP or low[0] in _VERBS or low[-1] in _STOP:
                    continue
                if low[-1] in _VERBS and (n == 1 or low[-1] not in _NOUN_TOO):
                    continue
                key = " ".join(low)
                if n == 1 and (len(low[0]) < 3 or low[0] in _AMBIGUOUS):
                    continue
                # A capital starts every sentence; after a comma or a colon it marks a name
                # ("Tools: Salesforce, Gainsight"), as it does for a clause of one word.
                if n == 1 and not (
                    re.search(r"[0-9+#]", words[0])
                    or (words[0][0].isupper() and (i > 0 or k > 0 or len(tokens) == 1))
                ):
                    if i == 0 and words[0][0].isupper():
                        opening.add(key)
                    continue
                found.setdefault(key, " ".join(words))
    return found, opening - set(found)


@dataclass(frozen=True)
class Candidate:
    """A phrase repeated across postings that names no catalog skill."""

    name: str
    count: int


@dataclass(frozen=True)
class PostingsEvidence:
    """What a set of postings asks for: catalog skills and candidate phrases, with counts."""

    of: int
    skills: dict[str, int] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)

    def evidence(self, skill_id: str) -> Evidence:
        """{"postings": n, "of": N} for a catalog skill."""
        return Evidence(postings=self.skills.get(skill_id, 0), of=self.of)


def _is_industry(phrase: str) -> bool:
    """'SaaS', 'fintech': the industry a posting is in, not a skill it asks for."""
    found = match_industry(phrase)
    return found is not None and found.exact


def analyse_postings(postings: list[str], position: str | None = None) -> PostingsEvidence:
    """Count, over the postings, each catalog skill mentioned and each repeated unknown phrase.
    The position's own title ("Developer advocate" in its own postings) is not a skill."""
    if not postings:
        return PostingsEvidence(of=1)
    skills: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    written: dict[str, Counter[str]] = {}
    openings: list[set[str]] = []
    for text in postings:
        skills.update(skill_mentions(text))
        found, opening = _phrases(text)
        openings.append(opening)
        for key, shown in found.items():
            phrases[key] += 1
            written.setdefault(key, Counter())[shown] += 1
    # A word that only opened a sentence in one posting counts when another writes it as a name.
    for opening in openings:
        for key in opening & set(phrases):
            phrases[key] += 1
    floor = max(MIN_CANDIDATE_POSTINGS, PRIORITY_2_SHARE * len(postings))
    title = f" {' '.join(_TOKEN.findall(position.lower()))} " if position else ""
    repeated = {
        k: c
        for k, c in phrases.items()
        if c >= floor and not skill_mentions(k) and f" {k} " not in title and not _is_industry(k)
    }
    # A phrase inside a longer one that is repeated as often says nothing more.
    kept = [
        k
        for k in repeated
        if not any(k != o and f" {k} " in f" {o} " and repeated[o] >= repeated[k] for o in repeated)
    ]
    kept.sort(key=lambda k: (-repeated[k], -len(k.split()), k))
    candidates = [Candidate(written[k].most_common(1)[0][0], repeated[k]) for k in kept]
    return PostingsEvidence(of=len(postings), skills=dict(skills), candidates=candidates)


def postings_for(records: list[Any], position: str) -> list[str]:
    """The texts of the records (anything with .position and .text) for a position,
    compared as names are ('ML Engineer' == 'ml engineer')."""
    key = normalize(position)
    return [r.text for r in records if normalize(r.position) == key]
