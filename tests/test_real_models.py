"""The real embedded models, offline: their files ship inside their packages."""

from __future__ import annotations

import numpy as np
from langchain_core.messages import HumanMessage, SystemMessage

from agent.graph.prompts import ANSWER_SYSTEM
from agent.llm.models import make_chat_model
from knowledge.embeddings import make_embeddings


def test_embeddings_rank_similar_sentences_higher() -> None:
    emb = make_embeddings("local")
    vecs = emb.embed_array(
        [
            "How do I deploy a model on Kubernetes?",
            "Serving machine learning models with Kubernetes deployments",
            "My grandmother bakes bread every Sunday",
        ]
    )
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    similar = float(vecs[0] @ vecs[1])
    unrelated = float(vecs[0] @ vecs[2])
    assert similar > unrelated + 0.3
    # LangChain interface gives the same vectors
    assert np.allclose(emb.embed_query("How do I deploy a model on Kubernetes?"), vecs[0], atol=1e-5)


def test_embedded_smollm_answers_a_short_grounded_question() -> None:
    model = make_chat_model("local")
    prompt = (
        "Passages:\n[1] (Phase 3: Retrieval-augmented generation)\n"
        "The retrieval phase takes 2-3 months at 10 hours a week.\n\n"
        "Question: How many months does the retrieval phase take?"
    )
    reply = model.invoke([SystemMessage(ANSWER_SYSTEM), HumanMessage(prompt)])
    text = str(reply.content).lower()
    assert text.strip(), "the model said something"
    assert "2" in text or "3" in text or "two" in text or "three" in text
