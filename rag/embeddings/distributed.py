"""The embedding step of a build, over one process, several (`EMBED_WORKERS`) or a Ray cluster.

Only the passages the embedding cache lacks are embedded, in batches of
`EMBEDDING_BATCH_SIZE`; every batch is written to the cache as soon as it comes back, so a
build killed at passage 2,000,000 of 3,000,000 restarts at 2,000,000. The vectors of the
whole corpus are then read back from the cache in passage order. The rest of the build
(BM25, FAISS, the switch of `CURRENT`) does not depend on where the vectors were computed.

A runner turns batches of (keys, texts) into (keys, vectors), in any order:
- `in_process`: the build's own embedder (EMBED_WORKERS=1, the default);
- `processes`: a pool of EMBED_WORKERS spawned processes, one model and one core each;
- `ray_cluster`: a Ray Data `map_batches` job, one model per actor (`rag build --ray`).
  Ray is imported only there; the extra is `uv sync --extra ray`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.config import Settings
from rag.embeddings import Embedder, EmbeddingError, create_embedder
from rag.embeddings.cache import EmbeddingCache, text_key
from rag.models import ProgressFn

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

Batch = tuple[list[str], list[str]]
"""Cache keys and their texts."""
Runner = Callable[[Sequence[Batch]], Iterable[tuple[list[str], np.ndarray]]]
"""Embeds batches, yielding each one's keys with its vectors as it finishes."""

READ_BACK = 4096
"""Vectors read from the cache per query when assembling the corpus."""


@dataclass(frozen=True, slots=True)
class Embedded:
    vectors: np.ndarray
    """(passages, dimension) float32, in passage order."""
    embedded: int
    """Passages embedded by this build (the others came from the cache)."""
    reused: int


def embed_corpus(
    settings: Settings,
    embedder: Embedder,
    cache: EmbeddingCache,
    texts: Sequence[str],
    progress: ProgressFn,
    runner: Runner | None = None,
    out: Path | None = None,
) -> Embedded:
    """Vectors for `texts`: those missing from `cache` embedded by `runner` (by default
    `default_runner(settings, embedder)`) and stored batch by batch, then all read back
    (into a memory-mapped .npy file at `out` when given: a corpus's vectors need not fit
    in memory)."""
    keys = [text_key(text) for text in texts]
    known = cache.known(embedder.id, keys, embedder.dimension)
    missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in known}
    size = settings.embedding_batch_size
    pending = list(missing.items())
    batches = [
        ([key for key, _ in pending[i : i + size]], [text for _, text in pending[i : i + size]])
        for i in range(0, len(pending), size)
    ]
    progress("embed", 0, len(missing))
    done = 0
    if batches:
        for batch_keys, vectors in (runner or default_runner(settings, embedder))(batches):
            cache.put_many(embedder.id, dict(zip(batch_keys, vectors, strict=True)))
            done += len(batch_keys)
            progress("embed", done, len(missing))
    shape = (len(keys), embedder.dimension)
    vectors = (
        np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=shape)
        if out is not None
        else np.empty(shape, dtype=np.float32)
    )
    for start in range(0, len(keys), READ_BACK):
        chunk = keys[start : start + READ_BACK]
        found = cache.get_many(embedder.id, chunk, embedder.dimension)
        if len(found) < len(set(chunk)):
            raise EmbeddingError("the embedding cache lost vectors meanwhile; run the build again")
        for row, key in enumerate(chunk):
            vectors[start + row] = found[key]
    embedded = sum(key in missing for key in keys)
    return Embedded(vectors, embedded, len(keys) - embedded)


def default_runner(settings: Settings, embedder: Embedder) -> Runner:
    """EMBED_WORKERS=1: this process with the build's embedder; more: a process pool."""
    if settings.embed_workers <= 1:
        return in_process(embedder)
    return processes(settings, embedder.id, settings.embed_workers)


def in_process(embedder: Embedder) -> Runner:
    def run(batches: Sequence[Batch]) -> Iterator[tuple[list[str], np.ndarray]]:
        for keys, texts in batches:
            yield keys, embedder.embed_passages(texts)

    return run


# -- processes ------------------------------------------------------------------------------

_worker: Embedder | EmbeddingError | None = None
"""The model of this pool process, or why it could not be the build's."""


def _start_worker(settings: Settings, embedder_id: str, cores: Queue[int]) -> None:
    """Pool initializer: this process keeps to one core (so a model's threads do not fight
    the other workers') and loads its own model, which must be the build's. It never
    raises (a failing initializer makes a pool respawn forever): batches raise instead."""
    global _worker
    core = cores.get()
    if core >= 0:
        os.sched_setaffinity(0, {core})
    try:
        embedder = create_embedder(settings)
    except Exception as exc:
        _worker = EmbeddingError(f"an EMBED_WORKERS process could not load the model: {exc}")
        return
    if embedder.id != embedder_id:
        _worker = EmbeddingError(
            f"EMBED_WORKERS: the workers build {embedder.id}, the build uses {embedder_id}; "
            "set EMBED_WORKERS=1 for an embedder that EMBEDDING_PROVIDER does not name"
        )
        return
    _worker = embedder


def _embed_batch(batch: Batch) -> tuple[list[str], np.ndarray]:
    if isinstance(_worker, EmbeddingError):
        raise _worker
    assert _worker is not None, "the pool initializer did not run"
    keys, texts = batch
    return keys, _worker.embed_passages(texts)


def processes(settings: Settings, embedder_id: str, workers: int) -> Runner:
    """`workers` spawned processes, each with its model, pinned one per core in turn."""

    def run(batches: Sequence[Batch]) -> Iterator[tuple[list[str], np.ndarray]]:
        context = multiprocessing.get_context("spawn")
        cores = context.Queue()
        available = sorted(os.sched_getaffinity(0))
        for worker in range(workers):
            # more workers than cores: leave them unpinned rather than stacked on one core
            cores.put(available[worker] if workers <= len(available) else -1)
        with context.Pool(workers, _start_worker, (settings, embedder_id, cores)) as pool:
            yield from pool.imap_unordered(_embed_batch, batches)

    return run


# -- Ray ------------------------------------------------------------------------------------


class _RayEmbedder:
    """A Ray Data actor: loads one model, embeds the batches it is given."""

    def __init__(self, settings: Settings, embedder_id: str) -> None:
        self.embedder = create_embedder(settings)
        if self.embedder.id != embedder_id:
            raise EmbeddingError(
                f"the Ray workers build {self.embedder.id}, the build uses {embedder_id}"
            )

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        texts = [str(text) for text in batch["text"]]
        return {"key": batch["key"], "vector": self.embedder.embed_passages(texts)}


def import_ray() -> Any:
    """Ray, set up so that its workers run in this environment: Ray reads at import that
    the driver runs under `uv run` and would start them with `uv run` too, in a fresh
    environment without the ray extra."""
    os.environ["RAY_ENABLE_UV_RUN_RUNTIME_ENV"] = "0"
    import ray

    return ray


def start_ray(address: str | None = None, **options: Any) -> None:
    """`ray.init` for a build: the cluster at `address`, else a local one."""
    import_ray().init(address=address, include_dashboard=False, log_to_driver=False, **options)


def ray_cluster(settings: Settings, embedder_id: str, address: str | None = None) -> Runner:
    """The batches as one Ray Data job on the cluster at `address` (None or "local": a
    local one on this machine's cores; "auto": the one `ray start` runs here), with as many
    model actors as the cluster has CPUs. The nodes need rag-events installed."""

    def run(batches: Sequence[Batch]) -> Iterator[tuple[list[str], np.ndarray]]:
        try:
            import pyarrow as pa

            ray = import_ray()
        except ImportError as exc:
            raise EmbeddingError(
                "`rag build --ray` needs the ray extra: uv sync --extra ray"
            ) from exc
        started = not ray.is_initialized()
        if started:
            start_ray(None if address in (None, "", "local") else address)
        try:
            actors = max(1, int(ray.cluster_resources().get("CPU", 1)))
            table = pa.table(
                {
                    "key": [key for keys, _ in batches for key in keys],
                    "text": [text for _, texts in batches for text in texts],
                }
            )
            size = len(batches[0][0])
            embedded = ray.data.from_arrow(table).map_batches(
                _RayEmbedder,
                fn_constructor_kwargs={"settings": settings, "embedder_id": embedder_id},
                batch_size=size,
                batch_format="numpy",
                concurrency=actors,
                num_cpus=1,
            )
            for out in embedded.iter_batches(batch_size=size, batch_format="numpy"):
                yield [str(key) for key in out["key"]], np.asarray(out["vector"], np.float32)
        finally:
            if started:
                ray.shutdown()

    return run
