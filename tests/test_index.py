"""The versioned index: build, reuse of embeddings, loading checks, CLI, and a killed build;
on the demo corpus (tests/corpus.py) and on the real shared events when present."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np
import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.embeddings.e5 import E5Embedder
from rag.embeddings.use import USEEmbedder
from rag.exact import SLOTS, Int8Rows, IVFCodes
from rag.index import (
    FORMAT,
    IndexCorrupt,
    IndexIncompatible,
    IndexNotFound,
    _files,
    build_index,
    load_index,
)
from rag.models import Event
from rag.normalize import from_ods_record
from rag.passages import event_passages
from rag.sources.files import read_records
from rag.store import STORE, Store
from rag.versions import CURRENT, active_version, outdated


@pytest.fixture(scope="module")
def events(corpus_files: list[Path]) -> list[Event]:
    return [from_ods_record(r) for path in corpus_files for r in read_records(path)]


def test_build_then_load(data_dir: Path, use: USEEmbedder, events: list[Event]) -> None:
    settings = Settings()
    stages: set[str] = set()
    report = build_index(settings, events[:30], use, lambda s, d, t: stages.add(s))
    assert report.events == 30 and report.passages > 30
    assert report.embedded + report.reused == report.passages
    assert {"embed", "lexical", "dense", "write"} <= stages
    assert active_version(settings) == report.version

    index = load_index(settings, use)
    assert index.manifest.version == report.version
    assert index.manifest.embedder == "use-multilingual-v3" and index.manifest.dimension == 512
    assert index.manifest.faiss_index == "IndexFlatIP"
    assert [e.uid for e in index.events] == [e.uid for e in events[:30]]
    assert index.events.position(events[7].uid) == 7
    assert isinstance(index.exact, Int8Rows) and index.exact.shape == (report.passages, 512)
    for row in (0, report.passages - 1):
        event = index.events[index.passage_event[row]]
        assert index.passages[row].event_uid == event.uid
        ids, scores = index.dense_search(index.vector(row), 3)
        assert ids[0] == row and scores[0] == pytest.approx(1, abs=1e-3)  # 8-bit copy
    assert index.lexical.size == report.passages


def test_rebuilds_embed_only_new_passages_and_keep_two_versions(
    data_dir: Path, use: USEEmbedder, events: list[Event]
) -> None:
    settings = Settings()
    first = build_index(settings, events[:20], use)
    same = build_index(settings, events[:20], use)
    assert (same.embedded, same.reused) == (0, first.passages)
    more = build_index(settings, events[:30], use)
    new_passages = more.passages - first.passages
    assert more.embedded == new_passages and more.reused == first.passages
    versions = sorted(p.name for p in settings.indexes_dir.iterdir() if p.is_dir())
    assert versions == sorted([same.version, more.version])
    assert load_index(settings, use).manifest.events == 30


def test_a_build_in_chunks_from_an_iterator_writes_the_index_of_one_chunk(
    data_dir: Path, use: USEEmbedder, events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streaming build (events read once, a few at a time, BM25 merged by parts) gives
    the files of a build that sees all events in one chunk."""
    settings = Settings()
    whole = build_index(settings, events[:30], use)
    monkeypatch.setattr("rag.index.EVENT_CHUNK", 4)
    monkeypatch.setattr("rag.lexical.PART_POSTINGS", 100)
    chunked = build_index(settings, iter(events[:30]), use)
    one, other = (settings.indexes_dir / r.version for r in (whole, chunked))
    for name in _files("IndexFlatIP"):
        if name != STORE:  # its pages depend on the order of writes: compared by content
            assert (one / name).read_bytes() == (other / name).read_bytes(), name
    assert _store_content(one / STORE) == _store_content(other / STORE)
    manifests = [json.loads((path / "manifest.json").read_text()) for path in (one, other)]
    assert manifests[0]["corpus_hash"] == manifests[1]["corpus_hash"]
    assert manifests[0]["files"] == {**manifests[1]["files"], STORE: manifests[0]["files"][STORE]}


def test_duplicate_uids_in_other_chunks_keep_the_first_event(
    data_dir: Path, use: USEEmbedder, events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings()
    expected = build_index(settings, events[:8], use)
    monkeypatch.setattr("rag.index.EVENT_CHUNK", 3)
    again = dataclasses.replace(events[1], title="Une autre édition")
    report = build_index(settings, iter([*events[:5], again, *events[5:8]]), use)
    assert (report.events, report.passages) == (8, expected.passages)
    index = load_index(settings, use)
    assert [e.uid for e in index.events] == [e.uid for e in events[:8]]
    assert index.events[1].title == events[1].title
    assert index.manifest.corpus_hash == _corpus_hash(settings, expected.version)


def _corpus_hash(settings: Settings, version: str) -> str:
    manifest = json.loads((settings.indexes_dir / version / "manifest.json").read_text())
    return str(manifest["corpus_hash"])


def _store_content(path: Path) -> tuple[object, ...]:
    store = Store(path)
    meta = {key: store.meta(key) for key in ("gazetteer", "corpus")}
    events, passages = list(store.iter_events()), list(store.iter_passages())
    return events, passages, store.places(), store.kinds(), meta


def test_load_errors_say_what_to_do(data_dir: Path, use: USEEmbedder, events: list[Event]) -> None:
    settings = Settings()
    with pytest.raises(IndexNotFound, match="rag demo"):
        load_index(settings, use)
    report = build_index(settings, events[:5], use)
    with pytest.raises(IndexIncompatible, match="rag build"):
        load_index(settings, E5Embedder())

    path = settings.indexes_dir / report.version
    vectors = (path / "vectors.npy").read_bytes()
    (path / "vectors.npy").write_bytes(vectors[: len(vectors) // 2])
    with pytest.raises(IndexCorrupt, match=r"vectors\.npy"):
        load_index(settings, use)
    (path / "vectors.npy").write_bytes(vectors)

    faiss_bytes = bytearray((path / "dense.faiss").read_bytes())
    faiss_bytes[40:80] = b"\xff" * 40
    (path / "dense.faiss").write_bytes(bytes(faiss_bytes))
    with pytest.raises(IndexCorrupt, match="checksum"):
        load_index(settings, use)

    (path / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorrupt, match="rag build"):
        load_index(settings, use)


def test_cli_build_twice_and_info(data_dir: Path, events: list[Event]) -> None:
    settings = Settings()
    settings.processed_dir.mkdir(parents=True)
    with settings.events_file.open("w", encoding="utf-8") as fh:
        for event in events[:15]:
            fh.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    runner = CliRunner()
    first = runner.invoke(app, ["build", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout.strip().splitlines()[-1])
    second = json.loads(runner.invoke(app, ["build", "--json"]).stdout.strip().splitlines()[-1])
    assert report["events"] == 15 and report["embedded"] == report["passages"]
    assert second["embedded"] == 0 and second["reused"] == report["passages"]
    info = runner.invoke(app, ["info", "--json"])
    manifest = json.loads(info.stdout.strip().splitlines()[-1])
    assert manifest["version"] == second["version"] and manifest["passages"] == report["passages"]
    assert manifest["embedder"] == "use-multilingual-v3" and manifest["dimension"] == 512


def test_cli_info_without_index(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 2 and "rag demo" in result.output


@pytest.mark.slow
def test_killed_build_leaves_the_previous_index(
    data_dir: Path, use: USEEmbedder, events: list[Event]
) -> None:
    settings = Settings()
    before = build_index(settings, events[:5], use)
    settings.processed_dir.mkdir(parents=True)
    with settings.events_file.open("w", encoding="utf-8") as fh:
        for event in events:
            fh.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "build"],
        env={**os.environ, "RAG_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cache = settings.cache_dir / "embeddings-use-multilingual-v3.sqlite"
    wal = cache.with_name(cache.name + "-wal")
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 0:
            break  # the first batches of new passages are embedded and cached
        time.sleep(0.1)
    assert process.poll() is None, "the build ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert (settings.indexes_dir / CURRENT).read_text().strip() == before.version
    assert load_index(settings, use).manifest.events == 5
    after = build_index(settings, events[:5], use)
    assert after.embedded == 0
    leftovers = [p.name for p in settings.indexes_dir.iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []


def test_large_corpora_get_an_ivf_index(
    data_dir: Path, use: USEEmbedder, events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rag.index.IVF_THRESHOLD", 10)
    settings = Settings()
    report = build_index(settings, events[:10], use)
    index = load_index(settings, use)
    assert index.manifest.faiss_index.startswith("IndexIVFScalarQuantizer")
    ids, scores = index.dense_search(index.vector(3), report.passages + 5)
    assert ids[0] == 3 and len(ids) == report.passages and np.all(np.diff(scores) <= 1e-6)


def test_an_ivf_index_is_the_only_copy_of_the_vectors(
    data_dir: Path, use: USEEmbedder, events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the threshold no `vectors.npy` is written or read: exact scores of a subset
    come from the IVF's own 8-bit codes, as FAISS decodes them, within the codes' error of
    float32 (and the flat build below the threshold keeps its 8-bit rows)."""
    monkeypatch.setattr("rag.index.IVF_THRESHOLD", 10)
    settings = Settings()
    report = build_index(settings, events[:20], use)
    path = settings.indexes_dir / report.version
    assert not (path / "vectors.npy").exists() and not (path / "vector_scale.npy").exists()
    assert set(json.loads((path / "manifest.json").read_text())["files"]) == set(
        _files("IndexIVFScalarQuantizer")
    )
    index = load_index(settings, use)
    assert isinstance(index.exact, IVFCodes) and (path / SLOTS).exists()

    texts = [p.text for e in events[:20] for p in event_passages(e)]
    original = use.embed_passages(texts)
    rows = np.arange(report.passages - 1, -1, -3)  # any order, any subset
    query = use.embed_query("un concert de jazz")
    faiss_copy = faiss.read_index(str(path / "dense.faiss"))
    faiss_copy.make_direct_map()
    decoded = faiss_copy.reconstruct_batch(rows)  # FAISS's own decoding of the codes
    np.testing.assert_allclose(index.dense_scores(query, rows), decoded @ query, atol=1e-5)
    np.testing.assert_allclose(index.vector(int(rows[1])), decoded[1], atol=1e-6)
    np.testing.assert_allclose(index.dense_scores(query, rows), original[rows] @ query, atol=0.01)

    (path / SLOTS).unlink()
    with pytest.raises(IndexCorrupt, match=SLOTS):
        load_index(settings, use)


def test_an_index_of_an_older_format_asks_for_a_rebuild(
    data_dir: Path, use: USEEmbedder, events: list[Event]
) -> None:
    settings = Settings()
    report = build_index(settings, events[:5], use)
    manifest_path = settings.indexes_dir / report.version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert not outdated(settings)
    manifest_path.write_text(json.dumps({**manifest, "format": FORMAT - 1}))
    with pytest.raises(IndexIncompatible, match=f"format {FORMAT - 1}.*run `rag build`"):
        load_index(settings, use)
    assert outdated(settings)  # what `rag up` reads to rebuild it before serving


def test_the_active_version_is_read_without_faiss() -> None:
    """`rag up` reads CURRENT before it knows whether to build: no FAISS, no numpy for that."""
    code = (
        "import sys, rag.versions, rag.demo_record, rag.supervisor; "
        "print(sorted({'faiss', 'numpy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
