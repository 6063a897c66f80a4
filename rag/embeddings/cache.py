"""A persistent embedding cache, so rebuilding an index only embeds new or changed text.

One sqlite file per embedder under `data/cache/`, keyed by (embedder id, sha256 of the
passage text). Writes commit per batch, so even a build killed midway keeps what it paid for.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.embeddings import Embedder

_LOOKUP_CHUNK = 500  # stays under sqlite's bound-parameter limit


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_path(cache_dir: Path, embedder_id: str) -> Path:
    return cache_dir / f"embeddings-{embedder_id}.sqlite"


class EmbeddingCache:
    """Vectors by (embedder id, text hash); safe to share between processes (sqlite WAL)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (embedder TEXT NOT NULL, key TEXT NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (embedder, key)) WITHOUT ROWID"
        )
        self._db.commit()

    def get_many(
        self, embedder_id: str, keys: Sequence[str], dimension: int
    ) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[i : i + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE embedder = ? AND key IN ({marks})",
                [embedder_id, *chunk],
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (dimension,):  # a row of another size is ignored, re-embedded
                    found[key] = vector
        return found

    def known(self, embedder_id: str, keys: Sequence[str], dimension: int) -> set[str]:
        """Which of `keys` have a vector of `dimension` here (without reading the vectors)."""
        found: set[str] = set()
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[i : i + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key FROM vectors WHERE embedder = ? AND key IN ({marks})"
                " AND length(vector) = ?",
                [embedder_id, *chunk, 4 * dimension],
            )
            found.update(key for (key,) in rows)
        return found

    def put_many(self, embedder_id: str, items: dict[str, np.ndarray]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO vectors (embedder, key, vector) VALUES (?, ?, ?)",
            [(embedder_id, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
        )
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        self._db.close()


class CachedEmbedder:
    """Any embedder, with passages looked up in the cache first; counts embedded vs reused."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.id = inner.id
        self.relevance = inner.relevance
        self.dimension = inner.dimension
        self.embedded = 0
        self.reused = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        known = self.cache.get_many(self.id, keys, self.dimension)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
        if missing:
            vectors = self.inner.embed_passages(list(missing.values()))
            fresh = dict(zip(missing, vectors, strict=True))
            self.cache.put_many(self.id, fresh)
            known.update(fresh)
        self.embedded += len(missing)
        self.reused += len(texts) - len(missing)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = known[key]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)
