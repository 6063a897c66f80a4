"""`rag build --ray`: the embedding step as a Ray Data job on a local 2-CPU Ray cluster,
over the 1,000 shared events, gives the same index as a local build."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embeddings import create_embedder
from rag.embeddings.distributed import import_ray, ray_cluster, start_ray
from rag.index import build_index, load_index
from rag.ingest import ingest, load_events
from rag.sources.files import file_sources

try:
    ray = import_ray()
except ImportError:
    pytest.skip("the ray extra is not installed: uv sync --extra ray", allow_module_level=True)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def settings_for(data: Path) -> Settings:
    values = {"RAG_DATA_DIR": str(data), "LLM_PROVIDER": "extractive"}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def index_content(settings: Settings) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    index = load_index(settings, create_embedder(settings))
    passages = [(p.event_uid, p.kind, p.text) for p in index.passages]
    return passages, index.dense.reconstruct_n(0, index.dense.ntotal)


def test_a_ray_build_equals_a_local_build(tmp_path: Path, shared_files: list[Path]) -> None:
    local = settings_for(tmp_path / "local")
    ingest(local, file_sources(shared_files))
    embedder = create_embedder(local)
    built_here = build_index(local, load_events(local), embedder)

    on_ray = settings_for(tmp_path / "ray")
    shutil.copytree(local.processed_dir, on_ray.processed_dir)  # same events, empty cache
    start_ray(num_cpus=2)
    try:
        runner = ray_cluster(on_ray, embedder.id)
        built_on_ray = build_index(on_ray, load_events(on_ray), embedder, runner=runner)
    finally:
        ray.shutdown()
    assert built_on_ray.embedded == built_on_ray.passages == built_here.passages > 1000
    passages, vectors = index_content(local)
    ray_passages, ray_vectors = index_content(on_ray)
    assert ray_passages == passages
    np.testing.assert_allclose(ray_vectors, vectors, atol=1e-5)
