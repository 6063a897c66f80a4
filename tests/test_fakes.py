"""The shared test helpers behave as the tests relying on them assume."""

from __future__ import annotations

import numpy as np

from rag.embeddings import Embedder
from tests.factories import make_event, make_settings
from tests.fakes.hash_embedder import HashEmbedder


def test_hash_embedder_is_deterministic_normalized_and_word_sensitive() -> None:
    embedder: Embedder = HashEmbedder()
    first = embedder.embed_passages(["concert de jazz", "atelier de poterie", "concert de jazz"])
    again = HashEmbedder().embed_query("concert de jazz")
    assert first.shape == (3, embedder.dimension) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(first[0], again, rtol=1e-6)
    assert first[0] @ first[2] > 0.99 > first[0] @ first[1]
    assert embedder.embed_query("jazz") @ first[0] > embedder.embed_query("poterie") @ first[0]


def test_make_event_fills_every_fact_and_takes_overrides() -> None:
    event = make_event("x9", title="Bal folk", hour=20)
    assert event.uid == "x9" and event.title == "Bal folk" and event.city == "Paris"
    assert event.start is not None and event.start.hour == 20
    assert event.url == "https://openagenda.com/e/x9"


def test_make_settings_ignores_the_environment_file() -> None:
    assert make_settings(RAG_TOP_K=3).top_k == 3
