"""The real embedded models, offline: their files ship inside their packages."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from agent.graph.prompts import ANSWER_SYSTEM
from agent.llm.models import ScriptedChatModel, make_chat_model
from knowledge.embeddings import make_embeddings
from tools.errors import ConfigError


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


def test_local_has_no_generative_model() -> None:
    from agent.llm.models import is_capable, is_generative

    assert make_chat_model("local") is None
    assert not is_generative("local") and not is_capable("local")
    assert (
        is_generative("smollm2") and is_generative("openai:x") and is_generative("local", ScriptedChatModel())
    )


def test_smollm2_without_the_extra_says_how_to_install_it(monkeypatch) -> None:
    import importlib.util

    from agent.llm import models

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "llama_cpp" else real(name, *a)
    )
    monkeypatch.setattr(models, "_models", {})
    with pytest.raises(ConfigError, match=r"career-coach\[local-llm\]"):
        make_chat_model("smollm2")


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="needs the local-llm extra")
def test_embedded_smollm_answers_a_short_grounded_question() -> None:
    model = make_chat_model("smollm2")
    assert model is not None
    prompt = (
        "Passages:\n[1] (Phase 3: Retrieval-augmented generation)\n"
        "The retrieval phase takes 2-3 months at 10 hours a week.\n\n"
        "Question: How many months does the retrieval phase take?"
    )
    reply = model.invoke([SystemMessage(ANSWER_SYSTEM), HumanMessage(prompt)])
    text = str(reply.content).lower()
    assert text.strip(), "the model said something"
    assert "2" in text or "3" in text or "two" in text or "three" in text
