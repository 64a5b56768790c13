"""LangChain's EnsembleRetriever (BM25Retriever + FAISS, equal weights) over our chunks:
the baseline the retrieval eval and the bench compare with.

It gets the same chunk texts our index matches (section path included) and the same
vectors, so the comparison is of ranking, not of chunking or embedding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.chunking import Chunk


class LookupEmbeddings(Embeddings):
    """Vectors looked up, not computed: the comparison excludes query embedding."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def embed_query(self, text: str) -> list[float]:
        """The stored vector of a query."""
        return self.table[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """The stored vectors of texts."""
        return [self.table[t] for t in texts]


def ensemble(texts: list[str], vectors: np.ndarray, queries: list[str], qvecs: np.ndarray, k: int) -> Any:
    """An EnsembleRetriever over texts with known vectors, answering the given queries."""
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    table = {q: v.tolist() for q, v in zip(queries, qvecs, strict=True)}
    ids = [str(i) for i in range(len(texts))]
    meta = [{"row": i} for i in range(len(texts))]
    bm25 = BM25Retriever.from_texts(texts, metadatas=meta, ids=ids)
    bm25.k = k
    store = FAISS.from_embeddings(
        list(zip(texts, np.asarray(vectors, dtype=np.float32).tolist(), strict=True)),
        LookupEmbeddings(table),
        metadatas=meta,
        ids=ids,
    )
    return EnsembleRetriever(
        retrievers=[bm25, store.as_retriever(search_kwargs={"k": k})], weights=[0.5, 0.5]
    )


def ensemble_rankings(
    chunks: Sequence[Chunk], vectors: np.ndarray, items: list[dict[str, str]], qvecs: np.ndarray, k: int = 10
) -> list[list[tuple[str, str]]]:
    """(source, text) rankings of the EnsembleRetriever for each eval item."""
    queries = [i["q"] for i in items]
    retriever = ensemble([c.indexed_text for c in chunks], vectors, queries, qvecs, k)
    out = []
    for q in queries:
        docs = retriever.invoke(q)[:k]
        out.append([(chunks[d.metadata["row"]].source, chunks[d.metadata["row"]].text) for d in docs])
    return out
