"""The embedding step of a build: only what the cache lacks, batch by batch into the cache
(so a killed build resumes), over EMBED_WORKERS processes giving the same vectors."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embeddings import create_embedder
from rag.embeddings.cache import EmbeddingCache, cache_path
from rag.embeddings.distributed import Batch, embed_corpus, in_process
from rag.index import build_index, load_index
from rag.ingest import ingest, load_events
from rag.sources.files import file_sources
from tests.factories import make_event
from tests.fakes.hash_embedder import HashEmbedder

TEXTS = [f"Concert numéro {n} au parc, entrée libre" for n in range(50)]


def settings_for(data: Path, **values: str) -> Settings:
    base = {"RAG_DATA_DIR": str(data), "LLM_PROVIDER": "extractive"}
    return Settings(_env_file=None, **(base | values))  # type: ignore[call-arg]


def test_only_missing_passages_are_embedded_with_progress_over_them(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, EMBEDDING_BATCH_SIZE="8")
    embedder = HashEmbedder()
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    first = embed_corpus(settings, embedder, cache, TEXTS[:20], lambda *_: None)
    assert (first.embedded, first.reused) == (20, 0)
    seen: list[tuple[str, int, int]] = []
    texts = [*TEXTS, TEXTS[30]]  # a repeated text is embedded once, counted twice
    again = embed_corpus(settings, embedder, cache, texts, lambda *a: seen.append(a))
    assert (again.embedded, again.reused) == (31, 20)
    assert seen[0] == ("embed", 0, 30) and seen[-1] == ("embed", 30, 30)
    assert [done for _, done, _ in seen] == [0, 8, 16, 24, 30]
    np.testing.assert_allclose(again.vectors, embedder.embed_passages(texts), atol=1e-6)


def test_the_vectors_of_a_build_wait_on_disk_not_in_memory(tmp_path: Path) -> None:
    """embed_corpus(out=...) reads the vectors back into a memory-mapped file; a build
    gives its space back once the dense files are written."""
    settings = settings_for(tmp_path, EMBEDDING_BATCH_SIZE="8")
    embedder = HashEmbedder()
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    out = tmp_path / "vectors.npy"
    mapped = embed_corpus(settings, embedder, cache, TEXTS, lambda *_: None, out=out)
    assert isinstance(mapped.vectors, np.memmap) and out.stat().st_size >= 50 * 4 * 64
    np.testing.assert_allclose(mapped.vectors, embedder.embed_passages(TEXTS), atol=1e-6)
    built = settings_for(tmp_path / "data")
    build_index(built, [make_event(f"e{i}") for i in range(5)], embedder)
    assert not list(built.indexes_dir.glob(".tmp-*"))


def test_a_build_that_dies_keeps_every_batch_it_finished(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, EMBEDDING_BATCH_SIZE="10")
    embedder = HashEmbedder()
    cache = EmbeddingCache(tmp_path / "cache.sqlite")

    def dies_after_two(batches: Sequence[Batch]) -> Iterator[tuple[list[str], np.ndarray]]:
        for keys, texts in batches[:2]:
            yield keys, embedder.embed_passages(texts)
        raise MemoryError("killed")

    with pytest.raises(MemoryError):
        embed_corpus(settings, embedder, cache, TEXTS, lambda *_: None, dies_after_two)
    assert len(cache) == 20
    resumed = embed_corpus(settings, embedder, cache, TEXTS, lambda *_: None, in_process(embedder))
    assert (resumed.embedded, resumed.reused) == (30, 20)


@pytest.fixture(scope="module")
def multicity(shared_files: list[Path]) -> list[Path]:
    """The 100-event file of the shared data: real records, quick to embed."""
    return [path for path in shared_files if "multicity" in path.name]


def dense_vectors(settings: Settings) -> tuple[list[str], np.ndarray]:
    index = load_index(settings, create_embedder(settings))
    texts = [passage.text for passage in index.passages]
    return texts, index.dense.reconstruct_n(0, index.dense.ntotal)


@pytest.mark.slow
def test_embed_workers_build_the_same_index(tmp_path: Path, multicity: list[Path]) -> None:
    one, two = settings_for(tmp_path / "one"), settings_for(tmp_path / "two", EMBED_WORKERS="2")
    for settings in (one, two):
        ingest(settings, file_sources(multicity))
        report = build_index(settings, load_events(settings), create_embedder(settings))
        assert report.embedded == report.passages > 0
    texts, vectors = dense_vectors(one)
    texts_two, vectors_two = dense_vectors(two)
    assert texts_two == texts
    np.testing.assert_allclose(vectors_two, vectors, atol=1e-5)


@pytest.mark.slow
def test_a_killed_build_restarts_where_the_cache_stopped(
    tmp_path: Path, multicity: list[Path]
) -> None:
    from tests.service import BIN, clean_env

    settings = settings_for(tmp_path / "data")
    ingest(settings, file_sources(multicity))
    env = clean_env(
        RAG_DATA_DIR=str(settings.data_dir), EMBEDDING_PROVIDER="local", EMBEDDING_BATCH_SIZE="4"
    )
    cache = cache_path(settings.cache_dir, create_embedder(settings).id)
    build = [str(BIN / "rag"), "build", "--json"]
    first = subprocess.Popen(build, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stored = 0
    try:
        for _ in range(6000):  # until a few batches are in the cache, then SIGKILL
            if cache.exists():
                with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as db:
                    try:
                        stored = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
                    except sqlite3.OperationalError:  # the table is not there yet
                        stored = 0
            if stored >= 12 or first.poll() is not None:
                break
            threading.Event().wait(0.02)
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(30)
    assert first.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert stored >= 12
    second = subprocess.run(build, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["reused"] >= stored and report["embedded"] > 0
    assert report["embedded"] + report["reused"] == report["passages"]
