"""The versioned, persistent search index: events, passages, vectors, FAISS and BM25.

Each build writes a complete new directory `data/indexes/<version>/` under a temporary
name, fsyncs it, renames it into place and only then points `data/indexes/CURRENT` at it
(atomic `os.replace`). A build that fails or is killed therefore leaves the previous
version active; the two newest good versions are kept. Loading checks the manifest
(embedder, dimension, file sizes, FAISS checksum) so a wrong or damaged index becomes a
clear error instead of wrong answers or a crash in native code.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from rag.config import Settings
from rag.embeddings import Embedder
from rag.embeddings.cache import EmbeddingCache, cache_path
from rag.embeddings.distributed import Runner, embed_corpus
from rag.errors import NoEvents, RagError
from rag.lexical import BM25
from rag.models import Event, Passage, ProgressFn, no_progress
from rag.passages import corpus_passages

FORMAT = 1
HNSW_THRESHOLD = 100_000
"""From this many passages the dense index is HNSW (approximate) instead of exact search.

Measured on the 2 shared cores with 512 dimensions (docs/embeddings.md): exact search costs
~12 ms per query at 10k passages and ~35 ms at 50k–100k; HNSW answers in 1–11 ms but takes
35 s to build at 50k and 3 minutes at 100k. Below 100k exact search is fast enough, exact,
and free to build; retrieval also scores filtered subsets exactly from `vectors`."""
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
KEEP_VERSIONS = 2
CURRENT = "CURRENT"
LOCK = ".build.lock"
TMP_PREFIX = ".tmp-"
_VERSION = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}$")
_FILES = (
    "events.jsonl",
    "passages.jsonl",
    "passage_event.npy",
    "vectors.npy",
    "dense.faiss",
    "lexical.npz",
    "lexical.vocab.json",
)
log = logging.getLogger(__name__)
NO_INDEX = "no index yet: run `rag demo` or `rag ingest ... && rag build`"


class IndexUnavailable(RagError):
    """The active index cannot be served; the message says what to run."""

    exit_code = 2


class IndexNotFound(IndexUnavailable):
    pass


class IndexIncompatible(IndexUnavailable):
    pass


class IndexCorrupt(IndexUnavailable):
    pass


class BuildInProgress(RagError):
    """Another build holds the lock on `data/indexes/`."""


@dataclass(frozen=True, slots=True)
class Manifest:
    version: str
    embedder: str
    dimension: int
    events: int
    passages: int
    corpus_hash: str
    created_at: str
    faiss_index: str
    files: dict[str, int] = field(default_factory=dict)
    """Byte size of each file, so a truncated copy is caught before parsing."""
    faiss_sha256: str = ""
    format: int = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        return cls(**data)


@dataclass(slots=True)
class BuildReport:
    events: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    version: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Index:
    """One loaded version; read-only once built, so it can be swapped in atomically."""

    manifest: Manifest
    path: Path
    events: list[Event]
    event_pos: dict[str, int]
    passages: list[Passage]
    passage_event: np.ndarray  # int32, passage → event ordinal
    vectors: np.ndarray  # float32 (n_passages, d), L2-normalized, memory-mapped
    dense: faiss.Index
    lexical: BM25

    def dense_search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids (int64) and cosine scores of the k nearest passages, best first."""
        k = min(k, self.dense.ntotal)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        # One query is too small to split; OpenMP workers left spinning after it steal the
        # cores that the query embedder and concurrent requests need (bench/latency.py:
        # 26 ms → 2.5 ms at 34k passages on 2 busy cores). Applies to this thread only.
        faiss.omp_set_num_threads(1)
        scores, ids = self.dense.search(query, k)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]


# -- building -------------------------------------------------------------------------------


def build_index(
    settings: Settings,
    events: Sequence[Event],
    embedder: Embedder,
    progress: ProgressFn = no_progress,
    runner: Runner | None = None,
) -> BuildReport:
    """Index `events` as a new version and make it the active one; `runner` embeds what the
    cache lacks (default: EMBED_WORKERS processes; see rag.embeddings.distributed)."""
    started = time.perf_counter()
    events = list({e.uid: e for e in reversed(events)}.values())[::-1]  # first wins on dup uid
    if not events:
        raise NoEvents("no events to index: run `rag ingest ...` (or `rag demo`) first")
    root = settings.indexes_dir
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock(root):
        _drop_temporaries(root)  # a killed build's leftovers: free their space first
        passages = corpus_passages(events)
        progress("passages", len(passages), len(passages))
        event_pos = {e.uid: i for i, e in enumerate(events)}
        passage_event = np.fromiter(
            (event_pos[p.event_uid] for p in passages), dtype=np.int32, count=len(passages)
        )
        cache = EmbeddingCache(cache_path(settings.cache_dir, embedder.id))
        try:
            texts = [p.text for p in passages]
            embedding = embed_corpus(settings, embedder, cache, texts, progress, runner)
        finally:
            cache.close()
        vectors = embedding.vectors
        progress("lexical", 0, 1)
        lexical = BM25.build([p.text for p in passages])
        progress("lexical", 1, 1)
        progress("dense", 0, 1)
        dense, kind = _dense_index(vectors)
        progress("dense", 1, 1)
        rows = [e.to_dict() for e in events]
        corpus_hash = _corpus_hash(embedder.id, rows)
        version = _new_version(corpus_hash)
        progress("write", 0, 1)
        tmp = root / f"{TMP_PREFIX}{version}"
        try:
            _write_version(tmp, rows, passages, passage_event, vectors, dense, lexical)
            manifest = Manifest(
                version=version,
                embedder=embedder.id,
                dimension=embedder.dimension,
                events=len(events),
                passages=len(passages),
                corpus_hash=corpus_hash,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                faiss_index=kind,
                files={name: (tmp / name).stat().st_size for name in _FILES},
                faiss_sha256=_sha256(tmp / "dense.faiss"),
            )
            _write_file(tmp / "manifest.json", json.dumps(manifest.to_dict(), indent=2).encode())
            _fsync_dir(tmp)
            os.rename(tmp, root / version)
        except BaseException:
            # a full disk or a write error: give the space back, keep serving the old version
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _fsync_dir(root)
        _write_file(root / f".{CURRENT}.tmp", f"{version}\n".encode())
        os.replace(root / f".{CURRENT}.tmp", root / CURRENT)
        _fsync_dir(root)
        _prune(root, version)
        progress("write", 1, 1)
    return BuildReport(
        events=len(events),
        passages=len(passages),
        embedded=embedding.embedded,
        reused=embedding.reused,
        seconds=round(time.perf_counter() - started, 2),
        version=version,
    )


def _dense_index(vectors: np.ndarray) -> tuple[faiss.Index, str]:
    """Exact inner product (cosine on unit vectors) below the threshold, HNSW above."""
    dimension = vectors.shape[1]
    if len(vectors) < HNSW_THRESHOLD:
        index: faiss.Index = faiss.IndexFlatIP(dimension)
        kind = "IndexFlatIP"
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        kind = f"IndexHNSWFlat(M={HNSW_M})"
    index.add(vectors)
    return index, kind


def _corpus_hash(embedder_id: str, rows: Sequence[dict[str, Any]]) -> str:
    digest = hashlib.sha256(embedder_id.encode())
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _new_version(corpus_hash: str) -> str:
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{corpus_hash[:8]}"


def _write_version(
    path: Path,
    events: Sequence[dict[str, Any]],
    passages: Sequence[Passage],
    passage_event: np.ndarray,
    vectors: np.ndarray,
    dense: faiss.Index,
    lexical: BM25,
) -> None:
    path.mkdir()
    _write_lines(path / "events.jsonl", iter(events))
    _write_lines(
        path / "passages.jsonl",
        ({"event": p.event_uid, "kind": p.kind, "text": p.text} for p in passages),
    )
    for name, array in (("passage_event.npy", passage_event), ("vectors.npy", vectors)):
        with (path / name).open("wb") as fh:
            np.save(fh, array)
            _sync(fh)
    faiss.write_index(dense, str(path / "dense.faiss"))
    lexical.save(path / "lexical.npz")
    for name in ("dense.faiss", "lexical.npz", "lexical.vocab.json"):
        with (path / name).open("rb+") as fh:
            _sync(fh)


def _write_lines(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        _sync(fh)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        _sync(fh)


def _sync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """One build at a time; the OS drops the lock if the build is killed."""
    with (root / LOCK).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildInProgress(
                "another `rag build` is running on this data directory; wait for it to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _drop_temporaries(root: Path) -> None:
    """Half-written versions of killed builds (called under the build lock)."""
    for tmp in root.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(tmp, ignore_errors=True)


def _prune(root: Path, current: str) -> None:
    """Keep the active version and the newest other one."""
    versions = sorted(
        (p.name for p in root.iterdir() if p.is_dir() and _VERSION.match(p.name)), reverse=True
    )
    keep = {current, *[v for v in versions if v != current][: KEEP_VERSIONS - 1]}
    for name in versions:
        if name not in keep:
            shutil.rmtree(root / name, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- loading --------------------------------------------------------------------------------


def active_version(settings: Settings) -> str | None:
    """The version CURRENT points at (cheap: one small read), None before the first build."""
    try:
        name = (settings.indexes_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def active_manifest(settings: Settings) -> Manifest:
    """The manifest of the active version, without loading the index (for `rag info`)."""
    version = active_version(settings)
    if version is None:
        raise IndexNotFound(NO_INDEX)
    return _read_manifest(settings.indexes_dir / version)


def load_index(settings: Settings, embedder: Embedder) -> Index:
    """Load the active version for queries embedded by `embedder`."""
    manifest = active_manifest(settings)
    if manifest.embedder != embedder.id or manifest.dimension != embedder.dimension:
        raise IndexIncompatible(
            f"the index {manifest.version} was built with {manifest.embedder} "
            f"({manifest.dimension} dimensions) but this embedder is {embedder.id} "
            f"({embedder.dimension}); run `rag build` to rebuild it"
        )
    path = settings.indexes_dir / manifest.version
    for name, size in manifest.files.items():
        actual = (path / name).stat().st_size if (path / name).exists() else -1
        if actual != size:
            raise _corrupt(path, f"{name} has {actual} bytes, expected {size}")
    if _sha256(path / "dense.faiss") != manifest.faiss_sha256:
        raise _corrupt(path, "dense.faiss does not match its checksum")
    try:
        index = _read_index(path, manifest)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        # the error text may hold server paths (faiss, numpy): logged, not shown to callers
        log.error("cannot read the index at %s: %s", path, exc)
        raise _corrupt(path, f"its files cannot be read: {type(exc).__name__}") from exc
    return index


def _read_manifest(path: Path) -> Manifest:
    try:
        manifest = Manifest.from_dict(json.loads((path / "manifest.json").read_text("utf-8")))
    except FileNotFoundError as exc:
        raise _corrupt(path, "manifest.json is missing") from exc
    except (OSError, ValueError, TypeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else exc
        raise _corrupt(path, f"manifest.json is unreadable ({detail})") from exc
    if manifest.format != FORMAT:
        raise IndexIncompatible(
            f"the index {manifest.version} uses format {manifest.format}, this version of "
            f"rag-events reads format {FORMAT}; run `rag build` to rebuild it"
        )
    return manifest


def _read_index(path: Path, manifest: Manifest) -> Index:
    with (path / "events.jsonl").open(encoding="utf-8") as fh:
        events = [Event.from_dict(json.loads(line)) for line in fh]
    with (path / "passages.jsonl").open(encoding="utf-8") as fh:
        passages = [Passage(row["event"], row["kind"], row["text"]) for row in map(json.loads, fh)]
    passage_event = np.load(path / "passage_event.npy", allow_pickle=False)
    vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
    dense = faiss.read_index(str(path / "dense.faiss"))
    if hasattr(dense, "hnsw"):
        dense.hnsw.efSearch = HNSW_EF_SEARCH
    lexical = BM25.load(path / "lexical.npz")
    n = manifest.passages
    if (
        len(events) != manifest.events
        or len(passages) != n
        or passage_event.shape != (n,)
        or vectors.shape != (n, manifest.dimension)
        or vectors.dtype != np.float32
        or dense.ntotal != n
        or dense.d != manifest.dimension
        or lexical.size != n
        or (n and int(passage_event.max()) >= len(events))
    ):
        raise ValueError("its files do not agree with the manifest")
    return Index(
        manifest=manifest,
        path=path,
        events=events,
        event_pos={e.uid: i for i, e in enumerate(events)},
        passages=passages,
        passage_event=passage_event.astype(np.int32, copy=False),
        vectors=vectors,
        dense=dense,
        lexical=lexical,
    )


def _corrupt(path: Path, detail: str) -> IndexCorrupt:
    """Said to unauthenticated callers (/ready, 503s): the version name, never the path."""
    log.error("the index at %s is damaged (%s)", path, detail)
    return IndexCorrupt(
        f"the index version {path.name} is damaged ({detail}); run `rag build` to rebuild it"
    )
