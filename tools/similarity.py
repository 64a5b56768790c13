"""Which catalog roles are nearest to a position the catalog lacks, by embedding similarity.

Each role is embedded twice: its title with aliases, and its profile (summary and the
names of its 10 skills). A position's similarity to a role is the mean cosine of the
position's vector with those two, so "AI product manager" is near roles whose titles
*and* work resemble it. Role vectors are computed once per process and embedding model.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

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


def role_vectors(embeddings: ArrayEmbeddings) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Role ids with their title and profile vectors, cached per embedding model."""
    with _LOCK:
        cached = _ROLE_VECTORS.get(embeddings.model_id)
        if cached is None:
            ids, titles, profiles = role_texts()
            vectors = embeddings.embed_array(titles + profiles)
            cached = (ids, vectors[: len(ids)], vectors[len(ids) :])
            _ROLE_VECTORS[embeddings.model_id] = cached
        return cached


def nearest_roles(
    text: str, k: int = 3, embeddings: ArrayEmbeddings | None = None, exclude: str | None = None
) -> list[NearRole]:
    """The `k` catalog roles most similar to `text` (a position), most similar first."""
    emb = embeddings or default_embeddings()
    ids, titles, profiles = role_vectors(emb)
    query = emb.embed_array([text])[0]
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
            cached = ([s.id for s in skills], emb.embed_array(texts))
            _SKILL_VECTORS[emb.model_id] = cached
    ids, vectors = cached
    sims = vectors @ emb.embed_array([text])[0]
    return {skill_id: float(s) for skill_id, s in zip(ids, sims, strict=True)}


def closest_skill(text: str, embeddings: ArrayEmbeddings | None = None) -> tuple[str, float]:
    """The catalog skill nearest in meaning to a phrase, and the similarity."""
    sims = skill_similarities(text, embeddings)
    best = max(sims, key=lambda k: sims[k])
    return best, sims[best]
