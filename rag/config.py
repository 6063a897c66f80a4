"""All settings in one place, read from the environment and `.env`.

Every field here is documented in README.md and `.env.example`; the CLI, the API and the
UI build their objects from one `Settings` instance instead of reading os.environ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rag.errors import ConfigError
from rag.factory import check_name

NameList = Annotated[list[str], NoDecode]
# Largest event file `rag ingest` reads (files are streamed, so this bounds time and disk,
# not memory); a bigger one is skipped with the reason.
DEFAULT_INGEST_MAX_FILE_BYTES = 4 * 1024**3


NEAR_KM = 15.0
"""Default radius of "près de X" / "near X" (RAG_NEAR_KM), stated in `understood`."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    # Storage
    data_dir: Path = Field(default=Path("data"), alias="RAG_DATA_DIR")
    # A data directory to copy into an empty RAG_DATA_DIR at `rag up` (the container image's
    # demo index, built at build time: /app/seed); none outside the image.
    seed_dir: Path | None = Field(default=None, alias="RAG_SEED_DIR")

    # Embeddings
    embedding_provider: str = Field(default="local", alias="EMBEDDING_PROVIDER")
    embedding_model: str = Field(default="mistral-embed", alias="EMBEDDING_MODEL")
    embedding_batch_size: int = Field(default=64, ge=1, le=1024, alias="EMBEDDING_BATCH_SIZE")
    # Processes embedding the passages of a build (each loads the model, one core each);
    # `rag build --ray` hands the same step to a Ray cluster instead.
    embed_workers: int = Field(default=1, ge=1, le=256, alias="EMBED_WORKERS")
    # Topic vectors the API keeps in memory (rag/embeddings/queries.py); 0: none.
    query_cache_size: int = Field(default=4096, ge=0, le=1_000_000, alias="QUERY_CACHE_SIZE")

    # Generation
    llm_provider: str = Field(default="auto", alias="LLM_PROVIDER")
    llm_model: str = Field(default="mistral-small-latest", alias="LLM_MODEL")
    llm_base_url: str | None = Field(default=None, alias="LLM_BASE_URL")
    llm_api_key: SecretStr | None = Field(default=None, alias="LLM_API_KEY")
    llm_timeout: float = Field(default=30.0, gt=0, alias="LLM_TIMEOUT")
    llm_temperature: float = Field(default=0.2, ge=0, le=2, alias="LLM_TEMPERATURE")

    # Mistral (chat and embeddings); MISTRAL_SERVER_URL points the SDK elsewhere (tests).
    mistral_api_key: SecretStr | None = Field(default=None, alias="MISTRAL_API_KEY")
    mistral_server_url: str | None = Field(default=None, alias="MISTRAL_SERVER_URL")

    # Sources
    openagenda_api_key: SecretStr | None = Field(default=None, alias="OPENAGENDA_API_KEY")
    openagenda_base_url: str = Field(
        default="https://api.openagenda.com", alias="OPENAGENDA_BASE_URL"
    )
    openagenda_agendas: NameList = Field(default_factory=list, alias="OPENAGENDA_AGENDAS")
    opendatasoft_base_url: str = Field(
        default="https://public.opendatasoft.com", alias="OPENDATASOFT_BASE_URL"
    )
    opendatasoft_dataset: str = Field(
        default="evenements-publics-openagenda", alias="OPENDATASOFT_DATASET"
    )
    opendatasoft_where: str | None = Field(default=None, alias="OPENDATASOFT_WHERE")
    http_timeout: float = Field(default=30.0, gt=0, alias="HTTP_TIMEOUT")
    http_retries: int = Field(default=4, ge=0, le=10, alias="HTTP_RETRIES")
    ingest_max_file_bytes: int = Field(
        default=DEFAULT_INGEST_MAX_FILE_BYTES, ge=1, alias="INGEST_MAX_FILE_BYTES"
    )
    # Raw pulls kept per source in data/raw/ (older ones are deleted after each ingest).
    raw_keep: int = Field(default=3, ge=1, alias="RAW_KEEP")

    # Retrieval
    timezone: str = Field(default="Europe/Paris", alias="RAG_TIMEZONE")
    top_k: int = Field(default=5, ge=1, le=20, alias="RAG_TOP_K")
    near_km: float = Field(default=NEAR_KM, gt=0, le=200, alias="RAG_NEAR_KM")

    # Service
    api_host: str = Field(default="0.0.0.0", alias="API_HOST")
    api_port: int = Field(default=8000, alias="API_PORT")
    # API processes of `rag serve` (and so `rag up` and the image); they share the index
    # files on disk and the rebuild jobs in data/jobs/. Set it to the number of cores.
    api_workers: int = Field(default=1, ge=1, le=64, alias="API_WORKERS")
    ui_port: int = Field(default=8501, alias="UI_PORT")
    # Where `rag ui` listens; 0.0.0.0 so a container publishes it, 127.0.0.1 to keep it local.
    ui_host: str = Field(default="0.0.0.0", alias="UI_HOST")
    api_url: str = Field(default="http://127.0.0.1:8000", alias="API_URL")
    # Map tiles under the UI's map: empty draws only the background shipped in ui/ (offline);
    # a Carto style name (light, dark, road) or a style.json URL draws those tiles under it.
    ui_map_style: str | None = Field(default=None, alias="UI_MAP_STYLE")
    rebuild_api_key: SecretStr | None = Field(default=None, alias="REBUILD_API_KEY")
    cors_origins: NameList = Field(default_factory=list, alias="CORS_ORIGINS")
    # How often (seconds) the API looks for an index version built by another process
    # (`rag build` by hand, another replica); 0 checks before every request.
    index_reload_interval: float = Field(default=5.0, ge=0, alias="INDEX_RELOAD_INTERVAL")
    # supervisord's pidfile, socket and log (`rag up`), and the API's per-client limits
    # (limits.sqlite3, shared by its worker processes); must be writable.
    run_dir: Path = Field(default=Path("/tmp/rag-events"), alias="RAG_RUN_DIR")
    # Largest request body the API reads (bytes); a bigger one gets 413 before any parsing.
    api_max_body_bytes: int = Field(default=64 * 1024, ge=1024, alias="API_MAX_BODY_BYTES")
    # Largest total size of a request's headers (bytes); bigger gets 431.
    api_max_header_bytes: int = Field(default=16 * 1024, ge=1024, alias="API_MAX_HEADER_BYTES")
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's list:
    # addresses or networks, comma-separated, `*` for any); unset: none, the client address
    # is the TCP peer's.
    forwarded_allow_ips: str | None = Field(default=None, alias="FORWARDED_ALLOW_IPS")
    # Questions per minute per client IP on /ask and /ask/stream (429 beyond); 0: no limit.
    ask_rate_limit: int = Field(default=0, ge=0, alias="ASK_RATE_LIMIT")
    # Wrong X-API-Key attempts on /rebuild per client IP within REBUILD_FAILURE_WINDOW
    # seconds answered 401; beyond, each wrong key gets 429 with a Retry-After that doubles
    # (1 s, 2 s, 4 s ... up to the window). The right key is always accepted.
    rebuild_max_failures: int = Field(default=5, ge=1, alias="REBUILD_MAX_FAILURES")
    rebuild_failure_window: float = Field(default=900.0, gt=0, alias="REBUILD_FAILURE_WINDOW")

    @field_validator("openagenda_agendas", "cors_origins", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """Accept `a,b` as well as a JSON list, so .env files stay readable."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("embedding_provider")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        """Refuse an unknown name now, with the valid ones (the table lives with the providers)."""
        from rag.embeddings import PROVIDERS

        return check_name(PROVIDERS, value, "EMBEDDING_PROVIDER")

    @field_validator("llm_provider")
    @classmethod
    def _known_generator(cls, value: str) -> str:
        from rag.generation import AUTO, PROVIDERS

        return check_name({AUTO: AUTO} | PROVIDERS, value, "LLM_PROVIDER")

    @cached_property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @cached_property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @cached_property
    def indexes_dir(self) -> Path:
        return self.data_dir / "indexes"

    @cached_property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def events_file(self) -> Path:
        """The normalized, deduplicated corpus that `rag build` indexes."""
        return self.processed_dir / "events.jsonl"


def load_settings() -> Settings:
    """`Settings()` from the environment, a bad value reported as one `ConfigError` line."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(problems) from None


def _describe(error: Mapping[str, Any]) -> str:
    variable = ".".join(str(part) for part in error["loc"]) or "settings"
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, ConfigError):
        return str(cause)
    return f"{variable}={error.get('input')!r}: {error['msg']}"
