"""Recall@10 of what the index stores against exact float32 search.

    uv run python -m bench.recall [--events 100000]

1. Exact scores of a subset (what filtered questions are ranked by): on the 1,000 real
   events, real USE vectors from the embedding cache (float32) against the index's own
   copy (above `IVF_THRESHOLD` the IVF's SQ8 codes, rag/exact.py), for the dev-set
   questions' topics; beside it, the 8-bit rows with one scale per row (`vectors.npy`,
   what a flat index keeps) of the same vectors.
2. The dense index of the capacity corpus (`bench.capacity --events N`, IVF over 8-bit
   codes from 100k passages): its top 10 against exact float32 search over the vectors
   the build was given (real vectors replayed with noise, bench/capacity.py), for the same
   questions, unfiltered and restricted to the events of a city (FAISS selector).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence

import faiss
import numpy as np

from bench.capacity import ReplayedVectors, prepare, synthesize
from bench.common import WORK_DIR, bench_settings, dev_questions, ingest_shared
from rag.embeddings import create_embedder
from rag.embeddings.cache import CachedEmbedder, EmbeddingCache, cache_path
from rag.exact import Int8Rows, quantize
from rag.index import load_index
from rag.passages import event_passages

K = 10


def _recall(found: Sequence[np.ndarray] | np.ndarray, exact: np.ndarray) -> float:
    return float(
        np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)])
    )


def run(n: int) -> dict[str, float | int | str]:
    settings = prepare(n)
    embedder = create_embedder(settings)
    index = load_index(settings, embedder)
    base_settings = bench_settings(WORK_DIR / "capacity-base")
    base = ingest_shared(base_settings)
    cache = EmbeddingCache(cache_path(base_settings.cache_dir, embedder.id))
    try:
        cached = CachedEmbedder(embedder, cache)
        base_vectors = [cached.embed_passages([p.text for p in event_passages(e)]) for e in base]
    finally:
        cache.close()
    topics = [q.question for q in dev_questions()]
    queries = np.stack([embedder.embed_query(t) for t in topics]).astype(np.float32)
    faiss.omp_set_num_threads(1)

    # 1. the index's copy vs float32 on the real vectors (the first 1,000 events are real)
    real = np.concatenate(base_vectors)
    real_rows = np.arange(len(real))
    _, exact = faiss.knn(queries, real, K, metric=faiss.METRIC_INNER_PRODUCT)
    stored = np.stack([index.dense_scores(q, real_rows) for q in queries])
    stored_found = np.argsort(-stored, axis=1)[:, :K]
    rows_8bit = Int8Rows(*quantize(real))
    int8 = np.stack([rows_8bit.scores(q, real_rows) for q in queries])
    int8_found = np.argsort(-int8, axis=1)[:, :K]

    # 2. the dense index vs exact float32 over the vectors the build was given
    events = list(synthesize(base, n))
    vectors = ReplayedVectors(base_vectors[:n], n)[:].astype(np.float32)
    _, exact_all = faiss.knn(queries, vectors, K, metric=faiss.METRIC_INNER_PRODUCT)
    ann = [index.dense_search(q, K)[0] for q in queries]
    # restricted to one city: the one closest to 2% of the events (FAISS selector path)
    counts = Counter(e.city for e in events if e.city)
    city = min(counts, key=lambda c: abs(counts[c] / len(events) - 0.02))
    in_city = np.asarray([i for i, e in enumerate(events) if e.city == city], dtype=np.int64)
    rows = np.flatnonzero(np.isin(index.passage_event, in_city))
    _, exact_sub = faiss.knn(queries, vectors[rows], K, metric=faiss.METRIC_INNER_PRODUCT)
    sub = [index.dense_search(q, K, allowed=rows)[0] for q in queries]
    return {
        "events": n,
        "passages": len(vectors),
        "faiss": index.manifest.faiss_index,
        "exact_subset_recall@10_real": round(_recall(stored_found, exact), 4),
        "int8_rows_recall@10_real": round(_recall(int8_found, exact), 4),
        "index_recall@10": round(_recall(ann, exact_all), 4),
        "filtered_city": city,
        "filtered_share": round(len(rows) / len(vectors), 4),
        "index_recall@10_filtered": round(_recall(sub, rows[exact_sub]), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    print(json.dumps(run(args.events)))


if __name__ == "__main__":
    main()
