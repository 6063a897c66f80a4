"""Text → vectors: one small protocol, several providers, chosen by `EMBEDDING_PROVIDER`.

Every embedder returns float32, L2-normalized vectors, so cosine similarity is a dot
product and FAISS can use inner-product indexes. Models load once, when the embedder is
built at startup; the object is then handed to whoever needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from rag.config import Settings
from rag.errors import RagError
from rag.factory import load
from rag.relevance import Relevance

LOCAL_DEFAULT = "use"
"""What `EMBEDDING_PROVIDER=local` means; chosen by bench/embedders.py (docs/embeddings.md)."""


class Embedder(Protocol):
    id: str
    """Stable name of model and version; an index only serves queries from the same id."""
    relevance: Relevance
    """How this model's cosines read as relevance (its own profile: scales differ)."""

    @property
    def dimension(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32, rows L2-normalized."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dimension,) float32, L2-normalized."""
        ...


class EmbeddingError(RagError):
    """The embedder cannot be built or cannot embed; the message says what to do."""


PROVIDERS: dict[str, str] = {
    "local": f"rag.embeddings.{LOCAL_DEFAULT}:USEEmbedder",
    "use": "rag.embeddings.use:USEEmbedder",
    "e5": "rag.embeddings.e5:E5Embedder",
    "mistral": "rag.embeddings.mistral:MistralEmbedder",
}
"""`EMBEDDING_PROVIDER` → embedder class (each has `from_settings`); `local` is the default."""


def create_embedder(settings: Settings) -> Embedder:
    """The embedder `EMBEDDING_PROVIDER` names; an unknown name is a `ConfigError`."""
    cls = load(PROVIDERS, settings.embedding_provider, "EMBEDDING_PROVIDER")
    embedder: Embedder = cls.from_settings(settings)
    return embedder


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Unit rows in float32 (a zero row stays zero instead of becoming NaN)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
