"""The vectors of recent questions' topics, kept in memory (QUERY_CACHE_SIZE).

Embedding one topic with the default model is ~4 ms of numpy on one core, half of what an
extractive `/ask` costs at 10k events (docs/benchmarks.md), and the same topics come back
("concert", the empty topic of "Que faire ce week-end ?", a follow-up that keeps the
topic). An embedder is deterministic, so a remembered vector is the one it would compute:
answers do not change, only the time. The vectors are read-only; least recently used
topics are forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from rag.embeddings import Embedder


class QueryCache:
    """An `Embedder` that remembers `embed_query` for the last `size` distinct texts."""

    def __init__(self, embedder: Embedder, size: int) -> None:
        self.embedder = embedder
        self.id = embedder.id
        self.relevance = embedder.relevance
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.embedder.dimension

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = self.embedder.embed_query(text)
        vector.setflags(write=False)  # shared by every request asking this topic
        with self._lock:
            self._vectors[text] = vector
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


def with_query_cache(embedder: Embedder, size: int) -> Embedder:
    """`embedder` with a `QueryCache` of `size` topics in front of it (none when 0)."""
    return QueryCache(embedder, size) if size > 0 else embedder
