"""Query expansion from the catalog's names and aliases.

A question that names a skill or role in one of its forms ("k8s", "DSA", "A/B
testing") also matches, with a smaller BM25 weight, passages that use another form
("Kubernetes", "data structures and algorithms", "experiments"). Only the sparse side
is expanded: the embedding already places such synonyms near each other.
"""

from __future__ import annotations

from functools import cache

from knowledge.terms import STOP_WORDS, terms, words

# An expansion term counts this much of a term the person wrote.
EXPANSION_WEIGHT = 0.3


@cache
def _table() -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """(word sequence of one name, stemmed terms of all the entry's names) for every name
    of every catalog skill, role and industry."""
    from tools.catalog import load_catalog

    catalog = load_catalog()
    groups = [[s.name, *s.aliases] for s in catalog.skills]
    groups += [[r.title, *r.aliases] for r in catalog.roles]
    groups += [[i.name, *i.aliases] for i in catalog.industries]
    rows = []
    for names in groups:
        all_terms = frozenset(t for n in names for t in terms(n))
        for name in names:
            seq = tuple(words(name))
            # A name made only of stop words ("it") would fire on every question.
            if seq and not all(w in STOP_WORDS for w in seq):
                rows.append((seq, all_terms))
    return tuple(rows)


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(tuple(haystack[i : i + n]) == needle for i in range(len(haystack) - n + 1))


def expand(query: str, weight: float = EXPANSION_WEIGHT) -> dict[str, float]:
    """Extra BM25 terms for the catalog entries the query names, with their weight."""
    seq = words(query)
    own = set(terms(query))
    extra: dict[str, float] = {}
    for name, entry_terms in _table():
        if _contains(seq, name):
            for t in entry_terms - own:
                extra[t] = weight
    return extra
