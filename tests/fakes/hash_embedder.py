"""A deterministic embedder for plumbing tests that do not need the real model.

Each word is hashed (sha256) to a fixed random direction and a text is the normalized sum
of its words' directions, so texts sharing words are close and every run gives the same
vectors, in microseconds, with no model to load. Tests of retrieval quality keep USE.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from rag.embeddings import normalize_rows
from rag.relevance import USE_RELEVANCE

WORD = re.compile(r"\w+")


class HashEmbedder:
    id = "hash-test-v1"
    relevance = USE_RELEVANCE  # its cosines are not USE's, but plumbing tests never gate on them

    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension
        self._words: dict[str, np.ndarray] = {}

    @property
    def dimension(self) -> int:
        return self._dimension

    def _word(self, word: str) -> np.ndarray:
        if word not in self._words:
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            self._words[word] = np.random.default_rng(seed).standard_normal(self._dimension)
        return self._words[word]

    def _text(self, text: str) -> np.ndarray:
        words = WORD.findall(text.lower())
        total = np.zeros(self._dimension)
        for word in words:
            total += self._word(word)
        return total

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return normalize_rows(np.stack([self._text(t) for t in texts]).astype(np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]
