"""The versioned, persistent search index: events, passages, vectors, FAISS and BM25.

Everything is on disk and read on demand (format 4): events and passage texts in a
read-only SQLite store (rag/store.py), the lookup arrays of rag/candidates.py and the BM25
postings memory-mapped, FAISS memory-mapped (`IO_FLAG_MMAP`), and one copy of the vectors
for exact scoring (rag/exact.py: 8-bit rows beside a flat index, the IVF's own codes above
`IVF_THRESHOLD`). Files are never written once a version is complete, so
every API worker maps the same pages and the page cache holds one copy.

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
import itertools
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import faiss
import numpy as np

from rag.candidates import ARRAYS, CandidateBuilder, Candidates
from rag.config import Settings
from rag.corpus import CorpusCount, CorpusSummary
from rag.embeddings import Embedder
from rag.embeddings.cache import EmbeddingCache, cache_path
from rag.embeddings.distributed import Runner, embed_corpus
from rag.errors import NoEvents, RagError
from rag.exact import SLOTS, ExactVectors, Int8Rows, IVFCodes, ivf_slots, quantize
from rag.lexical import BM25, BM25Builder
from rag.models import Event, ProgressFn, no_progress
from rag.npyfile import NpyWriter
from rag.passages import event_passages
from rag.places import Gazetteer, GazetteerBuilder
from rag.store import STORE, EventTable, PassageTable, Store, StoreWriter
from rag.versions import CURRENT, FORMAT, active_version

IVF_THRESHOLD = 100_000
"""From this many passages the dense index is IVF over 8-bit codes instead of exact search.

Exact search costs ~12 ms per query at 10k passages and ~35 ms at 100k (docs/embeddings.md).
HNSW answers in 1–11 ms but took 3 minutes to build at 100k vectors and keeps a float32
copy of every vector in RAM; `IndexIVFScalarQuantizer` (8 bits a dimension, a quarter of
float32) trains in seconds, is memory-mapped and answers in 2–3 ms at 338k passages
(docs/benchmarks.md has its recall@10). Retrieval scores small filtered subsets exactly
from the IVF's own codes (rag/exact.py)."""
IVF_NPROBE = 96  # recall@10 0.966 at 338k passages (16: 0.82, 48: 0.90; bench.recall)
IVF_TRAIN_PER_LIST = 40
EXACT_CHUNK = 2048
EVENT_CHUNK = 10_000
"""Events read, cut into passages and written per step of a build: the build holds one
chunk of events and passages, never the corpus (docs/benchmarks.md, 1M events)."""
VECTOR_BLOCK = 65_536
"""Passage vectors quantized and added to FAISS per step."""
ARRAYS_DIR = "arrays"
KEEP_VERSIONS = 2
LOCK = ".build.lock"
TMP_PREFIX = ".tmp-"
_VERSION = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}$")
LEXICAL = "lexical"
_FILES = (
    STORE,
    "passage_event.npy",
    "dense.faiss",
    *(path.name for path in BM25.files(Path(LEXICAL))),
    *(f"{ARRAYS_DIR}/{name}.npy" for name in ARRAYS),
)
_FLAT_FILES = ("vectors.npy", "vector_scale.npy")
_IVF_FILES = (SLOTS,)
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
    store: Store
    events: EventTable  # read on demand: events[pos], events.position(uid)
    passages: PassageTable
    passage_event: np.ndarray  # int32, passage → event ordinal, memory-mapped
    exact: ExactVectors  # every passage's vector, for exact scores of subsets
    dense: faiss.Index
    lexical: BM25
    candidates: Candidates
    gazetteer: Gazetteer  # the places of the corpus, for understanding questions
    corpus: CorpusSummary

    def dense_search(
        self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids (int64) and cosine scores of the k nearest passages, best first.

        `allowed` (passage ids) restricts the search to them inside FAISS; an IVF index
        then probes more lists the smaller the share, so that enough of them are seen.
        """
        k = min(k, self.dense.ntotal)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        # One query is too small to split; OpenMP workers left spinning after it steal the
        # cores that the query embedder and concurrent requests need (bench/latency.py:
        # 26 ms → 2.5 ms at 34k passages on 2 busy cores). Applies to this thread only.
        faiss.omp_set_num_threads(1)
        params = None
        if allowed is not None:
            # A bitmap costs n/8 bytes and one bit set per allowed passage, less than the
            # hash set of IDSelectorBatch (measured) for every size of `allowed`.
            bitmap = np.zeros((self.dense.ntotal + 7) // 8, dtype=np.uint8)
            np.bitwise_or.at(bitmap, allowed >> 3, (1 << (allowed & 7)).astype(np.uint8))
            selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
            ivf = _ivf(self.dense)
            if ivf is None:
                params = faiss.SearchParameters()
                params.sel = selector
            else:
                # As many allowed passages probed as an unfiltered search probes passages.
                share = max(len(allowed) / max(self.dense.ntotal, 1), 1e-9)
                nprobe = min(ivf.nlist, max(IVF_NPROBE, round(IVF_NPROBE / share)))
                params = faiss.SearchParametersIVF()
                params.sel, params.nprobe = selector, nprobe
        scores, found = self.dense.search(query, k, params=params)
        keep = found[0] >= 0
        return found[0][keep].astype(np.int64), scores[0][keep]

    def dense_scores(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosines of the given passages with a query, from their 8-bit codes (by chunks)."""
        query = np.asarray(vector, dtype=np.float32)
        out = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), EXACT_CHUNK):
            chunk = rows[start : start + EXACT_CHUNK]
            out[start : start + len(chunk)] = self.exact.scores(query, chunk)
        return out

    def vector(self, row: int) -> np.ndarray:
        """The (dequantized, float32) vector of one passage."""
        return self.exact.vector(row)


# -- building -------------------------------------------------------------------------------


class Vectors(Protocol):
    """Passage vectors given to a build (an array, a memory map or a generator of rows):
    read by slices of rows and by arrays of row numbers, never whole."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, rows: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class _Written:
    """What the streaming pass over the events wrote into a version directory."""

    events: int
    passages: int
    corpus_hash: str
    texts: list[str] | None  # the passage texts, read back only when they are to be embedded


def build_index(
    settings: Settings,
    events: Iterable[Event],
    embedder: Embedder,
    progress: ProgressFn = no_progress,
    vectors: Vectors | None = None,
    runner: Runner | None = None,
) -> BuildReport:
    """Index `events` as a new version and make it the active one.

    `events` is read once, `EVENT_CHUNK` at a time (an iterator over `events.jsonl` keeps
    the build's memory bounded); of events sharing a uid the first one wins. `vectors` are
    the passage vectors when already known (benchmarks replay them for corpora too big to
    embed); otherwise `runner` embeds what the cache lacks (default: EMBED_WORKERS
    processes; see rag.embeddings.distributed).
    """
    started = time.perf_counter()
    root = settings.indexes_dir
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock(root):
        _drop_temporaries(root)  # a killed build's leftovers: free their space first
        # named once the corpus hash is known, at the end of the pass over the events
        tmp = root / f"{TMP_PREFIX}build-{os.getpid()}"
        # the embedded vectors on disk until the dense files are written (7 GB at 3.4M
        # passages is no longer in memory)
        scratch = root / f"{TMP_PREFIX}vectors-{os.getpid()}"
        try:
            written = _write_corpus(tmp, events, embedder.id, progress, vectors is None)
            embedded = reused = 0
            if vectors is None:
                assert written.texts is not None
                cache = EmbeddingCache(cache_path(settings.cache_dir, embedder.id))
                scratch.mkdir()
                try:
                    embedding = embed_corpus(
                        settings,
                        embedder,
                        cache,
                        written.texts,
                        progress,
                        runner,
                        out=scratch / "vectors.npy",
                    )
                finally:
                    cache.close()
                vectors = embedding.vectors
                embedded, reused = embedding.embedded, embedding.reused
            elif tuple(vectors.shape) != (written.passages, embedder.dimension):
                raise ValueError(f"{vectors.shape} vectors for {written.passages} passages")
            progress("dense", 0, 1)
            kind = _write_dense(tmp, vectors)
            files = _files(kind)
            progress("dense", 1, 1)
            progress("write", 0, 1)
            version = _new_version(written.corpus_hash)
            for name in files:
                with (tmp / name).open("rb+") as fh:
                    _sync(fh)
            _fsync_dir(tmp / ARRAYS_DIR)
            manifest = Manifest(
                version=version,
                embedder=embedder.id,
                dimension=embedder.dimension,
                events=written.events,
                passages=written.passages,
                corpus_hash=written.corpus_hash,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                faiss_index=kind,
                files={name: (tmp / name).stat().st_size for name in files},
                faiss_sha256=_sha256(tmp / "dense.faiss"),
            )
            _write_file(tmp / "manifest.json", json.dumps(manifest.to_dict(), indent=2).encode())
            _fsync_dir(tmp)
            os.rename(tmp, root / version)
        except BaseException:
            # a full disk or a write error: give the space back, keep serving the old version
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _fsync_dir(root)
        _write_file(root / f".{CURRENT}.tmp", f"{version}\n".encode())
        os.replace(root / f".{CURRENT}.tmp", root / CURRENT)
        _fsync_dir(root)
        _prune(root, version)
        progress("write", 1, 1)
    return BuildReport(
        events=written.events,
        passages=written.passages,
        embedded=embedded,
        reused=reused,
        seconds=round(time.perf_counter() - started, 2),
        version=version,
    )


def _write_corpus(
    path: Path, events: Iterable[Event], embedder_id: str, progress: ProgressFn, texts: bool
) -> _Written:
    """One pass over the events, a chunk at a time: the store, the BM25 files, the arrays
    of rag/candidates.py and `passage_event`; the gazetteer, the corpus summary and the
    corpus hash are counted on the way. `texts`: read the passage texts back at the end."""
    path.mkdir()
    (path / ARRAYS_DIR).mkdir()
    store = StoreWriter(path / STORE)
    try:
        lexical = BM25Builder(path / ".lexical-runs")
        candidates = CandidateBuilder()
        gazetteer = GazetteerBuilder()
        summary = CorpusCount()
        digest = hashlib.sha256(embedder_id.encode())
        n_events = n_passages = 0
        for chunk in _chunks(_first_of_each_uid(events), EVENT_CHUNK):
            per_event = [event_passages(e) for e in chunk]
            passages = [p for ps in per_event for p in ps]
            counts = np.fromiter(map(len, per_event), dtype=np.int64, count=len(chunk))
            rows = [(e.uid, e.to_dict()) for e in chunk]  # once, for the hash and the store
            for _, row in rows:
                digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode())
            store.add(
                [(uid, json.dumps(row, ensure_ascii=False)) for uid, row in rows],
                [(p.kind, p.text) for p in passages],
            )
            lexical.add(p.text for p in passages)
            summary_flags = np.fromiter(
                (p.kind == "summary" for p in passages), dtype=bool, count=len(passages)
            )
            candidates.add(chunk, counts, summary_flags)
            gazetteer.add(chunk)
            summary.add(chunk)
            n_events += len(chunk)
            n_passages += len(passages)
            progress("passages", n_passages, n_passages)
        if not n_events:
            raise NoEvents("no events to index: run `rag ingest ...` (or `rag demo`) first")
        progress("lexical", 0, 1)
        lexical.write(path / LEXICAL)
        progress("lexical", 1, 1)
        arrays, places, kinds = candidates.finish()
        arrays = {f"{ARRAYS_DIR}/{name}": array for name, array in arrays.items()}
        passage_counts = np.diff(arrays[f"{ARRAYS_DIR}/event_passages"])
        arrays["passage_event"] = np.repeat(np.arange(n_events, dtype=np.int32), passage_counts)
        for name, array in arrays.items():
            with (path / f"{name}.npy").open("wb") as fh:
                np.save(fh, array)
        meta = {"gazetteer": gazetteer.build().to_dict(), "corpus": asdict(summary.summary())}
        store.finish(places, kinds, meta)
        return _Written(n_events, n_passages, digest.hexdigest(), store.texts() if texts else None)
    finally:
        store.close()


def _first_of_each_uid(events: Iterable[Event]) -> Iterator[Event]:
    """Events sharing a uid: the first one, at its place (a set of uids, not of events)."""
    seen: set[str] = set()
    for event in events:
        if event.uid not in seen:
            seen.add(event.uid)
            yield event


def _chunks(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    iterator = iter(events)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _write_dense(path: Path, vectors: Vectors) -> str:
    """`dense.faiss` in one pass over the vectors by blocks, with the vectors for exact
    scores: `vectors.npy` (8-bit) and `vector_scale.npy` beside a flat index, where the
    IVF's codes are (`dense_slots.npy`) beside an IVF one. Returns the index's description."""
    if _uses_ivf(vectors.shape[0]):
        dense, kind = _dense_index(vectors)
        np.save(path / SLOTS, ivf_slots(dense))
    else:
        scales: list[np.ndarray] = []
        with NpyWriter(path / "vectors.npy", np.int8, tuple(vectors.shape)) as codes:

            def write(block: np.ndarray) -> None:
                block_codes, scale = quantize(block)
                codes.write(block_codes)
                scales.append(scale)

            dense, kind = _dense_index(vectors, write)
        np.save(path / "vector_scale.npy", np.concatenate(scales))  # a build has passages
    faiss.write_index(dense, str(path / "dense.faiss"))
    return kind


def _dense_index(
    vectors: Vectors, each_block: Callable[[np.ndarray], None] = lambda block: None
) -> tuple[faiss.Index, str]:
    """Exact inner product (cosine on unit vectors) below the threshold, IVF-SQ8 above
    (trained on a sample); filled by blocks of VECTOR_BLOCK rows, each also given to
    `each_block` (float32)."""
    n, dimension = vectors.shape
    index: faiss.Index
    if not _uses_ivf(n):
        index, kind = faiss.IndexFlatIP(dimension), "IndexFlatIP"
    else:
        nlist = max(1, round(n**0.5))
        quantizer = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        sample = min(n, nlist * IVF_TRAIN_PER_LIST)
        rows = np.sort(np.random.default_rng(0).choice(n, sample, replace=False))
        index.train(np.ascontiguousarray(vectors[rows], dtype=np.float32))
        index.nprobe = IVF_NPROBE
        kind = f"IndexIVFScalarQuantizer(nlist={nlist},SQ8)"
    for start in range(0, n, VECTOR_BLOCK):
        block = np.ascontiguousarray(vectors[start : start + VECTOR_BLOCK], dtype=np.float32)
        index.add(block)
        each_block(block)
    return index, kind


def _uses_ivf(passages: int) -> bool:
    return passages >= IVF_THRESHOLD


def _files(kind: str) -> tuple[str, ...]:
    """The files of a version whose dense index is `kind` (`Manifest.faiss_index`)."""
    return (*_FILES, *(_IVF_FILES if kind.startswith("IndexIVF") else _FLAT_FILES))


def _ivf(index: faiss.Index) -> Any:
    """The IVF part of an index, None for a flat one."""
    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:
        return None


def _new_version(corpus_hash: str) -> str:
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{corpus_hash[:8]}"


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


def active_manifest(settings: Settings) -> Manifest:
    """The manifest of the active version, without loading the index (for `rag info`)."""
    version = active_version(settings)
    if version is None:
        raise IndexNotFound(NO_INDEX)
    return _read_manifest(settings.indexes_dir / version)


def load_index(settings: Settings, embedder: Embedder) -> Index:
    """Load the active version for queries embedded by `embedder`."""
    return open_index(settings, check_active(settings), embedder)


def check_active(settings: Settings) -> Manifest:
    """The active version's manifest, once its files have the sizes and the FAISS checksum
    it records. It needs no model and hashlib releases the GIL, so it can run while the
    model loads (the checksum reads all of `dense.faiss`: 1.7 GB at 1M events)."""
    manifest = active_manifest(settings)
    path = settings.indexes_dir / manifest.version
    for name, size in manifest.files.items():
        actual = (path / name).stat().st_size if (path / name).exists() else -1
        if actual != size:
            raise _corrupt(path, f"{name} has {actual} bytes, expected {size}")
    if _sha256(path / "dense.faiss") != manifest.faiss_sha256:
        raise _corrupt(path, "dense.faiss does not match its checksum")
    return manifest


def open_index(settings: Settings, manifest: Manifest, embedder: Embedder) -> Index:
    """Read a version that `check_active` accepted, for queries embedded by `embedder`."""
    if manifest.embedder != embedder.id or manifest.dimension != embedder.dimension:
        raise IndexIncompatible(
            f"the index {manifest.version} was built with {manifest.embedder} "
            f"({manifest.dimension} dimensions) but this embedder is {embedder.id} "
            f"({embedder.dimension}); run `rag build` to rebuild it"
        )
    path = settings.indexes_dir / manifest.version
    try:
        index = _read_index(path, manifest)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, sqlite3.Error) as exc:
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
    if set(manifest.files) != set(_files(manifest.faiss_index)):
        raise IndexIncompatible(
            f"the index {manifest.version} was written by another version of rag-events "
            "(its files differ); run `rag build` to rebuild it"
        )
    return manifest


def _read_index(path: Path, manifest: Manifest) -> Index:
    store = Store(path / STORE)
    passage_event = _mapped(path / "passage_event.npy")
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
    dense = faiss.read_index(str(path / "dense.faiss"), flags)
    ivf = _ivf(dense)
    exact: ExactVectors
    if ivf is None:
        exact = Int8Rows(_mapped(path / "vectors.npy"), _mapped(path / "vector_scale.npy"))
    else:
        ivf.nprobe = IVF_NPROBE
        exact = IVFCodes(dense, _mapped(path / SLOTS))
    lexical = BM25.load(path / LEXICAL)
    arrays = {name: _mapped(path / ARRAYS_DIR / f"{name}.npy") for name in ARRAYS}
    candidates = Candidates(arrays, store.places(), store.kinds())
    n, n_events = manifest.passages, manifest.events
    if (
        store.count("events") != n_events
        or store.count("passages") != n
        or passage_event.shape != (n,)
        or passage_event.dtype != np.int32
        or exact.shape != (n, manifest.dimension)
        or dense.ntotal != n
        or dense.d != manifest.dimension
        or lexical.size != n
        or candidates.size != n_events
        or arrays["event_passages"][-1] != n
        or (n and int(passage_event.max()) >= n_events)
    ):
        raise ValueError("its files do not agree with the manifest")
    events = EventTable(store, n_events)
    return Index(
        manifest=manifest,
        path=path,
        store=store,
        events=events,
        passages=PassageTable(store, n, events, passage_event),
        passage_event=passage_event,
        exact=exact,
        dense=dense,
        lexical=lexical,
        candidates=candidates,
        gazetteer=Gazetteer.from_dict(store.meta("gazetteer")),
        corpus=_corpus_summary(store.meta("corpus")),
    )


def _corpus_summary(data: dict[str, Any]) -> CorpusSummary:
    top = tuple((str(title), int(count)) for title, count in data["top_agendas"])
    return CorpusSummary(data["events"], data["demo_events"], data["agendas"], top)


def _mapped(path: Path) -> np.ndarray:
    """A read-only memory map of an `.npy` file: pages are read when touched, and shared.

    Viewed as a plain ndarray: `np.memmap` wraps every slice in a new memmap object, which
    cost more than the lookups themselves (bench/capacity.py, in-process profile)."""
    return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)


def _corrupt(path: Path, detail: str) -> IndexCorrupt:
    """Said to unauthenticated callers (/ready, 503s): the version name, never the path."""
    log.error("the index at %s is damaged (%s)", path, detail)
    return IndexCorrupt(
        f"the index version {path.name} is damaged ({detail}); run `rag build` to rebuild it"
    )
