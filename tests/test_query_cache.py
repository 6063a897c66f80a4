"""QUERY_CACHE_SIZE: a topic asked again reuses its vector, the very one the model gives."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embeddings.queries import QueryCache, with_query_cache
from rag.embeddings.use import USEEmbedder


def test_a_topic_asked_again_gets_the_models_vector_without_embedding_it_again(
    use: USEEmbedder,
) -> None:
    cache = QueryCache(use, size=2)
    assert (cache.id, cache.dimension) == (use.id, use.dimension)
    first = cache.embed_query("concert de jazz")
    assert np.array_equal(first, use.embed_query("concert de jazz"))
    assert cache.embed_query("concert de jazz") is first  # remembered, not recomputed
    with pytest.raises(ValueError):
        first[0] = 0.0  # shared by every request: nobody may change it
    cache.embed_query("exposition")
    cache.embed_query("concert de jazz")  # the most recent again
    cache.embed_query("atelier")  # over the size: the least recent ("exposition") goes
    assert cache.embed_query("concert de jazz") is first
    assert list(cache._vectors) == ["atelier", "concert de jazz"]
    passages = cache.embed_passages(["un concert", "une exposition"])
    assert np.array_equal(passages, use.embed_passages(["un concert", "une exposition"]))


def test_a_size_of_zero_keeps_no_cache(use: USEEmbedder) -> None:
    assert with_query_cache(use, 0) is use
    assert isinstance(with_query_cache(use, 10), QueryCache)
