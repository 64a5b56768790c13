"""Query expansion from the catalog's names and aliases.

A question that names a skill or role in one of its forms ("k8s", "DSA", "A/B
testing") also matches, with a smaller BM25 weight, passages that use another form
("Kubernetes", "data structures and algorithms", "experiments"). Only the sparse side
is expanded: the embedding already places such synonyms near each other.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from knowledge.terms import STOP_WORDS, terms, words

# An expansion term counts this much of a term the person wrote.
EXPANSION_WEIGHT = 0.3


Table = dict[str, list[tuple[tuple[str, ...], frozenset[str]]]]


@cache
def _table() -> Table:
    """First word -> (word sequence of one name, stemmed terms of all the entry's names),
    for every name of every catalog skill, role and industry.

    Read from the catalog's data file directly (plain YAML, no validation): the catalog
    module's imports cost more than a first query may take."""
    text = resources.files("knowledge").joinpath("data/catalog.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader) or {}
    groups = [[e.get("name") or e.get("title") or "", *(e.get("aliases") or [])] for key in (
        "skills", "roles", "industries") for e in data.get(key) or []]  # fmt: skip
    table: Table = {}
    for names in groups:
        all_terms = frozenset(t for n in names if isinstance(n, str) for t in terms(n))
        for name in names:
            seq = tuple(words(name)) if isinstance(name, str) else ()
            # A name made only of stop words ("it") would fire on every question.
            if seq and not all(w in STOP_WORDS for w in seq):
                table.setdefault(seq[0], []).append((seq, all_terms))
    return table


def expand(query: str, weight: float = EXPANSION_WEIGHT) -> dict[str, float]:
    """Extra BM25 terms for the catalog entries the query names, with their weight."""
    seq = words(query)
    table = _table()
    own = set(terms(query))
    extra: dict[str, float] = {}
    for i, word in enumerate(seq):
        for name, entry_terms in table.get(word, ()):
            if tuple(seq[i : i + len(name)]) == name:
                for t in entry_terms - own:
                    extra[t] = weight
    return extra
