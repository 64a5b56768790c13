"""Words to match on: lower-cased, stop words dropped, Snowball-stemmed (PyStemmer).

One tokenizer serves the passage index, the sentence scorer and query expansion, so
"retries" in a passage meets "retry" in a question and "tracing" meets "trace".
Compounds count both ways: "fine-tuning" gives "fine", "tune" and "finetun", so
"finetuning", "fine tuning" and "fine-tuning" all meet.
"""

from __future__ import annotations

import re
import threading
from functools import cache

import Stemmer

# The English list bm25s ships as STOPWORDS_EN_PLUS (NLTK's), written out here because
# importing bm25s pulls scipy: seconds before a first query, and queries never need it.
_ENGLISH = """a about above after again against ain all am an and any are aren aren't as at be because been
before being below between both but by can couldn couldn't d did didn didn't do does doesn doesn't doing
don don't down during each few for from further had hadn hadn't has hasn hasn't have haven haven't having
he her here hers herself him himself his how i if in into is isn isn't it it's its itself just ll m ma me
mightn mightn't more most mustn mustn't my myself needn needn't no nor not now o of off on once only or
other our ours ourselves out over own re s same shan shan't she she's should should've shouldn shouldn't
so some such t than that that'll the their theirs them themselves then there these they this those
through to too under until up ve very was wasn wasn't we were weren weren't what when where which while
who whom why will with won won't wouldn wouldn't y you you'd you'll you're you've your yours yourself
yourselves"""
# Words a question is made of rather than what it is about ("how should I ..."),
# on top of the usual English list.
_QUESTION_WORDS = {"would", "could"}
STOP_WORDS = frozenset(_ENGLISH.split()) | _QUESTION_WORDS
# Words joined by - / . + (ci/cd, a/b, roc-auc, node.js) or with a trailing + or # (c++, c#).
_TOKEN = re.compile(r"[a-z0-9]+(?:[-/.'][a-z0-9]+)*[+#]*")
_SPLIT = re.compile(r"[-/.']")
_LOCK = threading.Lock()


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball stem of one lower-case word (cached: corpora repeat words a lot)."""
    got = _STEMS.get(word)
    if got is None:
        with _LOCK:  # PyStemmer objects are not thread-safe
            got = _stemmer().stemWord(word)
        if len(_STEMS) < 500_000:
            _STEMS[word] = got
    return got


def words(text: str) -> list[str]:
    """Lower-case word tokens, compounds split into parts plus the joined form."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        token = token.rstrip("'")
        if _SPLIT.search(token):
            parts = [p for p in _SPLIT.split(token) if p]
            out.extend(parts)
            if len(parts) > 1 and not token.endswith(("'s", "'t")):
                out.append("".join(parts))
        else:
            out.append(token)
    return out


def terms(text: str) -> list[str]:
    """Stemmed content terms of a text, in order, repeats kept (BM25 counts them)."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


def term_set(text: str) -> set[str]:
    """The distinct stemmed content terms of a text."""
    return set(terms(text))


def overlap(question: str, passage: str) -> float:
    """Share of the question's content terms that also occur in the passage (0..1)."""
    q = term_set(question)
    return len(q & term_set(passage)) / len(q) if q else 0.0
