"""Which catalog roles are nearest to a position the catalog lacks, by embedding similarity.

Each role is embedded twice: its title with aliases, and its profile (summary and the
names of its 10 skills). A position's similarity to a role is the mean cosine of the
position's vector with those two, so "AI product manager" is near roles whose titles
*and* work resemble it. Role vectors are computed once per process and embedding model.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np
from platformdirs import user_cache_dir

from tools.catalog import load_catalog
from tools.models import NearRole


class ArrayEmbeddings(Protocol):
    """What the similarity needs of an embedding model (knowledge.embeddings provides it)."""

    model_id: str

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


_LOCK = threading.Lock()
_ROLE_VECTORS: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
# Positions recur (every gap report of a plan, every re-plan): keep their vectors.
_QUERY_CACHE: dict[tuple[str, str], np.ndarray] = {}
QUERY_CACHE_SIZE = 1024


def query_vectors(texts: list[str], embeddings: ArrayEmbeddings) -> np.ndarray:
    """Vectors of short texts (positions, phrases), embedded once per process and model."""
    missing = [t for t in dict.fromkeys(texts) if (embeddings.model_id, t) not in _QUERY_CACHE]
    if missing:
        fresh = embeddings.embed_array(missing)
        with _LOCK:
            if len(_QUERY_CACHE) + len(missing) > QUERY_CACHE_SIZE:
                _QUERY_CACHE.clear()
            for text, vector in zip(missing, fresh, strict=True):
                _QUERY_CACHE[(embeddings.model_id, text)] = vector
    return np.stack([_QUERY_CACHE[(embeddings.model_id, t)] for t in texts])


def default_embeddings() -> ArrayEmbeddings:
    """The embedded all-MiniLM-L6-v2 model (no network)."""
    from knowledge.embeddings import make_embeddings

    return make_embeddings("local")


def role_texts() -> tuple[list[str], list[str], list[str]]:
    """(role ids, title texts, profile texts) of every catalog role."""
    cat = load_catalog()
    ids, titles, profiles = [], [], []
    for role in cat.roles:
        skills = ", ".join(cat.skill(rs.skill).name for rs in role.general + role.specific)
        ids.append(role.id)
        titles.append(f"{role.title} ({', '.join(role.aliases[:4])})")
        profiles.append(f"{role.title}: {role.summary} Skills: {skills}.")
    return ids, titles, profiles


def _cached_vectors(embeddings: ArrayEmbeddings, texts: list[str], kind: str) -> np.ndarray:
    """Vectors of catalog texts, kept on disk between runs (keyed by model and the texts
    themselves, so a changed catalog or model never reads stale vectors)."""
    key = hashlib.sha256("\n".join([embeddings.model_id, *texts]).encode()).hexdigest()[:20]
    path = Path(user_cache_dir("career-coach")) / f"{kind}-vectors-{key}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape[0] == len(texts):
            return vectors
    except (OSError, ValueError):
        pass
    vectors = embeddings.embed_array(texts)
    try:  # a cache that cannot be written only costs the next run the embedding again
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass
    return vectors


def role_vectors(embeddings: ArrayEmbeddings) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Role ids with their title and profile vectors, cached per embedding model (and on disk)."""
    with _LOCK:
        cached = _ROLE_VECTORS.get(embeddings.model_id)
        if cached is None:
            ids, titles, profiles = role_texts()
            vectors = _cached_vectors(embeddings, titles + profiles, "role")
            cached = (ids, vectors[: len(ids)], vectors[len(ids) :])
            _ROLE_VECTORS[embeddings.model_id] = cached
        return cached


def nearest_roles(
    text: str, k: int = 3, embeddings: ArrayEmbeddings | None = None, exclude: str | None = None
) -> list[NearRole]:
    """The `k` catalog roles most similar to `text` (a position), most similar first."""
    emb = embeddings or default_embeddings()
    ids, titles, profiles = role_vectors(emb)
    query = query_vectors([text], emb)[0]
    scores = (titles @ query + profiles @ query) / 2
    cat = load_catalog()
    order = [i for i in np.argsort(-scores, kind="stable") if ids[i] != exclude]
    return [
        NearRole(role_id=ids[i], title=cat.role(ids[i]).title, similarity=round(float(scores[i]), 3))
        for i in order[:k]
    ]


_SKILL_VECTORS: dict[str, tuple[list[str], np.ndarray]] = {}


def skill_similarities(text: str, embeddings: ArrayEmbeddings | None = None) -> dict[str, float]:
    """Cosine similarity of `text` (a position or a phrase) to every catalog skill's name and aliases."""
    emb = embeddings or default_embeddings()
    with _LOCK:
        cached = _SKILL_VECTORS.get(emb.model_id)
        if cached is None:
            skills = load_catalog().skills
            texts = [f"{s.name} ({', '.join(s.aliases[:5])})" for s in skills]
            cached = ([s.id for s in skills], _cached_vectors(emb, texts, "skill"))
            _SKILL_VECTORS[emb.model_id] = cached
    ids, vectors = cached
    sims = vectors @ query_vectors([text], emb)[0]
    return {skill_id: float(s) for skill_id, s in zip(ids, sims, strict=True)}


def closest_skills(texts: list[str], embeddings: ArrayEmbeddings | None = None) -> list[str]:
    """For each phrase, the id of the catalog skill nearest to it in meaning (one batch)."""
    if not texts:
        return []
    emb = embeddings or default_embeddings()
    skill_similarities("", emb)  # builds the skill vectors once
    ids, vectors = _SKILL_VECTORS[emb.model_id]
    best = np.argmax(query_vectors(texts, emb) @ vectors.T, axis=1)
    return [ids[int(i)] for i in best]


def text_similarities(texts: list[str], query: str, embeddings: ArrayEmbeddings | None = None) -> list[float]:
    """Cosine similarity of each of `texts` (a person's skill names) to `query` (a position)."""
    if not texts:
        return []
    emb = embeddings or default_embeddings()
    vectors = query_vectors([*texts, query], emb)
    return [float(v) for v in vectors[:-1] @ vectors[-1]]
