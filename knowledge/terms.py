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
from bm25s.stopwords import STOPWORDS_EN_PLUS

# Words a question is made of rather than what it is about ("how should I ..."),
# on top of the usual English list.
_QUESTION_WORDS = {"how", "what", "which", "should", "would", "could", "can", "do", "does", "i", "my", "me"}
STOP_WORDS = frozenset(STOPWORDS_EN_PLUS) | _QUESTION_WORDS
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
