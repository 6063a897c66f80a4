"""Bigger corpora than the 1,000 real events: varied copies, and vectors without a model.

`synthesize_events` makes N events from the real ones: copy c of an event gets its own uid,
an edition in its title, another city and dates shifted by whole weeks, so every passage
text differs (nothing comes from the embedding cache) while the language stays real.

Embedding 100k events with the real model takes hours on 2 cores, so `prepare_index` builds
the 10k and 100k corpora of the latency and startup benches from *replayed* vectors: a
copy's passage gets the real USE vector of the same passage of its original event plus a
little noise. Queries are still embedded by the real model; only indexing is shortcut.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np

from bench.common import WORK_DIR, bench_settings, ingest_shared, progress_printer
from rag.config import Settings
from rag.embeddings import Embedder, create_embedder, normalize_rows
from rag.index import IndexUnavailable, active_manifest, build_index, load_index
from rag.models import Event, Occurrence
from rag.passages import corpus_passages, event_passages

CITIES = (  # (city, postal code, department, region): none of the dev set's absent places
    ("Bordeaux", "33000", "Gironde", "Nouvelle-Aquitaine"),
    ("Nantes", "44000", "Loire-Atlantique", "Pays de la Loire"),
    ("Lille", "59000", "Nord", "Hauts-de-France"),
    ("Rennes", "35000", "Ille-et-Vilaine", "Bretagne"),
    ("Montpellier", "34000", "Hérault", "Occitanie"),
    ("Grenoble", "38000", "Isère", "Auvergne-Rhône-Alpes"),
    ("Dijon", "21000", "Côte-d'Or", "Bourgogne-Franche-Comté"),
    ("Tours", "37000", "Indre-et-Loire", "Centre-Val de Loire"),
    ("Reims", "51100", "Marne", "Grand Est"),
    ("Nancy", "54000", "Meurthe-et-Moselle", "Grand Est"),
    ("Angers", "49000", "Maine-et-Loire", "Pays de la Loire"),
    ("Clermont-Ferrand", "63000", "Puy-de-Dôme", "Auvergne-Rhône-Alpes"),
)
REPLAY_NOISE = 0.3
"""Noise norm relative to the unit vector: a copy keeps a cosine of ~0.96 with its original."""


def synthesize_events(base: Sequence[Event], n: int) -> list[Event]:
    """The base events, then varied copies of them, until there are `n` (distinct uids)."""
    events = list(base[:n])
    copy = 0
    while len(events) < n:
        copy += 1
        for event in base[: n - len(events)]:
            events.append(vary(event, copy))
    return events


def vary(event: Event, copy: int) -> Event:
    """Copy number `copy` of `event`; the long description is kept, so are its passages."""
    city, postal, department, region = CITIES[(copy + zlib.crc32(event.uid.encode())) % len(CITIES)]
    shift = timedelta(weeks=copy % 52)
    return dataclasses.replace(
        event,
        uid=f"{event.uid}-syn{copy}",
        title=f"{event.title} (édition {copy + 1})",
        occurrences=[Occurrence(o.start + shift, o.end + shift) for o in event.occurrences],
        address=None,
        city=city,
        postal_code=postal,
        department=department,
        region=region,
        latitude=None,
        longitude=None,
        url=f"{event.url}#syn{copy}" if event.url else None,
    )


def source_uid(uid: str) -> tuple[str, int]:
    """('123', 4) for the copy '123-syn4'; ('123', 0) for an original."""
    base, _, copy = uid.partition("-syn")
    return base, int(copy or 0)


class ReplayEmbedder:
    """Passage vectors of copies from their original's real vectors (see module docstring).

    It carries the real embedder's id, so the API serves the index with the real model;
    only `embed_passages` is replayed, `embed_query` is the real model's.
    """

    def __init__(self, real: Embedder, originals: dict[str, np.ndarray], seed: int = 0) -> None:
        self.id = real.id
        self.relevance = real.relevance
        self.dimension = real.dimension
        self._real = real
        self._vectors: dict[str, np.ndarray] = {}
        self._originals = originals
        self._rng = np.random.default_rng(seed)

    def register(self, events: Sequence[Event]) -> None:
        """Work out the vector of every passage of `events` (texts are the keys)."""
        for event in events:
            base, copy = source_uid(event.uid)
            originals = self._originals[base]
            for passage, vector in zip(event_passages(event), originals, strict=True):
                if copy:
                    noise = self._rng.standard_normal(self.dimension).astype(np.float32)
                    vector = vector + REPLAY_NOISE * noise / np.sqrt(self.dimension)
                self._vectors[passage.text] = vector

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return normalize_rows(np.stack([self._vectors[t] for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return self._real.embed_query(text)


def prepare_index(n_events: int, root: Path = WORK_DIR) -> Settings:
    """A data dir under `root` whose active index holds `n_events` events (kept for reuse).

    1,000 is the real shared corpus embedded for real (rebuilt each time, which the
    embedding cache makes quick, so it follows the current passage code); bigger sizes
    replay its vectors and are rebuilt only when their passages changed.
    """
    real = bench_settings(root / "corpus-1000")
    embedder = create_embedder(real)
    events = ingest_shared(real)
    build_index(real, events, embedder, progress_printer("corpus-1000"))
    if n_events == 1000:
        return real
    settings = bench_settings(root / f"corpus-{n_events}")
    copies = synthesize_events(events, n_events)
    if has_index(settings, len(copies), len(corpus_passages(copies))):
        return settings
    index = load_index(real, embedder)
    originals: dict[str, list[np.ndarray]] = {}
    for row, passage in enumerate(index.passages):
        originals.setdefault(passage.event_uid, []).append(index.vector(row))
    replay = ReplayEmbedder(embedder, {uid: np.stack(v) for uid, v in originals.items()})
    replay.register(copies)
    build_index(settings, copies, replay, progress_printer(f"corpus-{n_events}"))
    return settings


def has_index(settings: Settings, n_events: int, n_passages: int) -> bool:
    try:
        manifest = active_manifest(settings)
    except IndexUnavailable:
        return False
    return (manifest.events, manifest.passages) == (n_events, n_passages)


def clustered_vectors(n: int, dimension: int = 512, seed: int = 0) -> np.ndarray:
    """Unit vectors around 1,000 fixed random topics (cosine ~0.7 to their topic).

    Uniform random vectors would be the worst case for HNSW (no neighbourhoods at all);
    real embeddings cluster by topic. Every seed draws around the same topics, so one
    seed gives the corpus and another the queries.
    """
    centers = normalize_rows(
        np.random.default_rng(0).standard_normal((1000, dimension), dtype=np.float32)
    )
    rng = np.random.default_rng(seed + 1)
    out = np.empty((n, dimension), dtype=np.float32)
    step = 65_536
    for start in range(0, n, step):
        size = min(step, n - start)
        noise = rng.standard_normal((size, dimension), dtype=np.float32) / np.sqrt(dimension)
        block = centers[rng.integers(0, len(centers), size)] + noise
        out[start : start + size] = normalize_rows(block)
    return out
