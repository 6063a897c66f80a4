"""`mistral-embed` through the official `mistralai` SDK (needs MISTRAL_API_KEY and network).

Texts go in batches of `EMBEDDING_BATCH_SIZE`; the SDK retries 429 and 5xx answers with
exponential backoff (honouring Retry-After), and what still fails becomes an
`EmbeddingError` that says what to check.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.config import Settings
from rag.embeddings import EmbeddingError, normalize_rows
from rag.errors import ConfigError
from rag.relevance import USE_RELEVANCE

KNOWN_DIMENSIONS = {"mistral-embed": 1024, "codestral-embed": 1536}
RETRY_INITIAL_MS = 500
RETRY_MAX_MS = 10_000
RETRY_TOTAL_MS = 120_000


class MistralEmbedder:
    # Not tuned for mistral-embed yet (it needs the network): USE's profile; re-tune on
    # the dev split before relying on its refusals.
    relevance = USE_RELEVANCE

    def __init__(
        self,
        api_key: str,
        model: str = "mistral-embed",
        server_url: str | None = None,
        batch_size: int = 64,
        timeout: float = 30.0,
    ) -> None:
        from mistralai.client import Mistral
        from mistralai.client.utils import BackoffStrategy, RetryConfig

        retry = RetryConfig(
            "backoff",
            BackoffStrategy(RETRY_INITIAL_MS, RETRY_MAX_MS, 2.0, RETRY_TOTAL_MS, jitter_ms=250),
            retry_connection_errors=True,
        )
        self._client = Mistral(
            api_key=api_key,
            server_url=server_url,
            retry_config=retry,
            timeout_ms=int(timeout * 1000),
        )
        self.model = model
        self.batch_size = batch_size
        self.id = model if model.startswith("mistral") else f"mistral-{model}"
        self._dimension = KNOWN_DIMENSIONS.get(model)

    @classmethod
    def from_settings(cls, settings: Settings) -> MistralEmbedder:
        if settings.mistral_api_key is None or not settings.mistral_api_key.get_secret_value():
            raise ConfigError(
                "EMBEDDING_PROVIDER=mistral needs MISTRAL_API_KEY (set it in .env), "
                "or use EMBEDDING_PROVIDER=local to embed offline"
            )
        return cls(
            settings.mistral_api_key.get_secret_value(),
            model=settings.embedding_model,
            server_url=settings.mistral_server_url,
            batch_size=settings.embedding_batch_size,
            timeout=settings.http_timeout,
        )

    @property
    def dimension(self) -> int:
        """Known for Mistral's models; asked once from the API for any other model."""
        if self._dimension is None:
            self._dimension = int(self._embed(["dimension"]).shape[1])
        return self._dimension

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        batches = [
            self._embed(texts[i : i + self.batch_size])
            for i in range(0, len(texts), self.batch_size)
        ]
        if not batches:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(batches)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from httpx2 import TransportError
        from mistralai.client.errors import MistralError, NoResponseError

        try:
            response = self._client.embeddings.create(model=self.model, inputs=list(texts))
        except MistralError as exc:
            raise EmbeddingError(_explain(exc.status_code, self.model)) from exc
        except (NoResponseError, TransportError) as exc:
            raise EmbeddingError(
                f"could not reach the Mistral API ({exc}); check the network or MISTRAL_SERVER_URL"
            ) from exc
        rows = sorted(response.data, key=lambda d: d.index or 0)
        if len(rows) != len(texts) or any(not r.embedding for r in rows):
            raise EmbeddingError(
                f"the Mistral API returned {len(rows)} embeddings for {len(texts)} texts; retry"
            )
        return normalize_rows(np.asarray([r.embedding for r in rows], dtype=np.float32))


def _explain(status: int, model: str) -> str:
    if status == 401:
        return "the Mistral API rejected MISTRAL_API_KEY (401): check the key in .env"
    if status == 429:
        return "the Mistral API kept answering 429 (rate limit); wait and run `rag build` again"
    if status in (400, 404, 422):
        return f"the Mistral API refused the request ({status}): check EMBEDDING_MODEL={model}"
    return f"the Mistral API failed ({status}); try again later"
