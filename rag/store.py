"""Events and passages of one index version, on disk and read on demand (SQLite).

An answer shows five events and five snippets; holding every event and passage of a
100k-event corpus as Python objects cost 1.4 GB per API process (docs/benchmarks.md).
Here they stay in `store.sqlite`, opened read-only and `immutable` (no lock, no journal,
never written after the build), and are decoded only when a question needs them. Several
API workers read the same file through the OS page cache instead of each holding a copy.

The distinct places of the corpus (city, postal code, department, region, country) are a
table too (the place index of rag/candidates.py), and so are the gazetteer and the corpus
summary, worked out at build time: loading never reads every event.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.models import Event, Passage

STORE = "store.sqlite"
EVENT_CACHE = 2048
"""Decoded events kept per process (what a burst of questions shows again and again)."""

PlaceKey = tuple[str | None, str | None, str | None, str | None, str | None]
"""(city, postal code, department, region, country): what the place filters read."""

_SCHEMA = """
CREATE TABLE events (pos INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE passages (row INTEGER PRIMARY KEY, kind TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE places (
    grp INTEGER PRIMARY KEY, city TEXT, postal_code TEXT, department TEXT, region TEXT,
    country TEXT, events INTEGER NOT NULL
);
CREATE TABLE kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def place_key(event: Event) -> PlaceKey:
    return (event.city, event.postal_code, event.department, event.region, event.country)


class StoreWriter:
    """Writes a new store at `path` chunk by chunk: events and passages in index order,
    then (`finish`) the place groups, the kind names and `meta` (JSON-ready figures about
    the whole corpus, computed once at build)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._events = self._passages = 0
        self._db = sqlite3.connect(path)
        with self._errors():
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")  # the caller fsyncs the finished file
            self._db.executescript(_SCHEMA)

    def add(self, events: Sequence[tuple[str, str]], passages: Sequence[tuple[str, str]]) -> None:
        """The next events as (uid, JSON of `Event.to_dict`) and passages as (kind, text)."""
        with self._errors():
            self._db.executemany(
                "INSERT INTO events VALUES (?, ?, ?)",
                ((pos, uid, data) for pos, (uid, data) in enumerate(events, self._events)),
            )
            self._db.executemany(
                "INSERT INTO passages VALUES (?, ?, ?)",
                ((row, kind, text) for row, (kind, text) in enumerate(passages, self._passages)),
            )
            self._db.commit()
        self._events += len(events)
        self._passages += len(passages)

    def texts(self) -> list[str]:
        """The passage texts written so far, in row order (what the embedder gets)."""
        return [text for (text,) in self._db.execute("SELECT text FROM passages ORDER BY row")]

    def finish(
        self, places: Iterable[tuple[PlaceKey, int]], kinds: Iterable[str], meta: dict[str, Any]
    ) -> None:
        with self._errors():
            self._db.executemany(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((grp, *key, count) for grp, (key, count) in enumerate(places)),
            )
            self._db.executemany("INSERT INTO kinds VALUES (?, ?)", enumerate(kinds))
            self._db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                ((key, json.dumps(value, ensure_ascii=False)) for key, value in meta.items()),
            )
            self._db.commit()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """A full disk is said as such (OSError ENOSPC), like any other write of the build."""
        try:
            yield
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                raise OSError(errno.ENOSPC, f"no space left on the device for {self.path}") from exc
            raise


class Store:
    """Read-only access to one `store.sqlite`, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connect()  # fail now, at load time, on a missing or damaged file
        self.event = lru_cache(maxsize=EVENT_CACHE)(self._event)

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                uri=True,
                check_same_thread=False,
            )
            db.execute("SELECT max(pos) FROM events").fetchone()
            self._local.db = db
        return db

    def count(self, table: str) -> int:
        """Rows of `events` or `passages`: positions run from 0, so the last one + 1 (a
        b-tree lookup; count(*) would read the whole file)."""
        key = {"events": "pos", "passages": "row"}[table]
        last = self._connect().execute(f"SELECT max({key}) FROM {table}").fetchone()[0]
        return 0 if last is None else int(last) + 1

    def _event(self, pos: int) -> Event:
        row = self._connect().execute("SELECT data FROM events WHERE pos = ?", (pos,)).fetchone()
        if row is None:
            raise IndexError(f"no event at position {pos}")
        return Event.from_dict(json.loads(row[0]))

    def position(self, uid: str) -> int | None:
        row = self._connect().execute("SELECT pos FROM events WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def iter_events(self) -> Iterator[Event]:
        for (data,) in self._connect().execute("SELECT data FROM events ORDER BY pos"):
            yield Event.from_dict(json.loads(data))

    def passage(self, row: int) -> tuple[str, str]:
        """(kind, text) of passage `row`."""
        found = (
            self._connect()
            .execute("SELECT kind, text FROM passages WHERE row = ?", (row,))
            .fetchone()
        )
        if found is None:
            raise IndexError(f"no passage at row {row}")
        return found[0], found[1]

    def iter_passages(self) -> Iterator[tuple[str, str]]:
        yield from self._connect().execute("SELECT kind, text FROM passages ORDER BY row")

    def places(self) -> list[tuple[PlaceKey, int]]:
        """The distinct places in group order, with how many events each has."""
        rows = self._connect().execute(
            "SELECT city, postal_code, department, region, country, events FROM places ORDER BY grp"
        )
        return [((r[0], r[1], r[2], r[3], r[4]), int(r[5])) for r in rows]

    def meta(self, key: str) -> Any:
        row = self._connect().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise ValueError(f"the store has no {key}")
        return json.loads(row[0])

    def kinds(self) -> list[str]:
        return [name for (name,) in self._connect().execute("SELECT name FROM kinds ORDER BY id")]


@dataclass(frozen=True, slots=True)
class EventTable:
    """The events of an index as a read-only sequence: `events[pos]`, `len`, iteration."""

    store: Store
    size: int

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, pos: int) -> Event:
        if not 0 <= pos < self.size:
            raise IndexError(f"no event at position {pos}")
        return self.store.event(int(pos))

    def __iter__(self) -> Iterator[Event]:
        return self.store.iter_events()

    def position(self, uid: str) -> int | None:
        return self.store.position(uid)


@dataclass(frozen=True, slots=True)
class PassageTable:
    """The passages of an index as a read-only sequence of `Passage`."""

    store: Store
    size: int
    events: EventTable
    passage_event: np.ndarray  # int32, passage row -> event position

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, row: int) -> Passage:
        if not 0 <= row < self.size:
            raise IndexError(f"no passage at row {row}")
        kind, text = self.store.passage(int(row))
        owner = int(self.passage_event[int(row)])
        return Passage(self.events[owner].uid, kind, text)

    def __iter__(self) -> Iterator[Passage]:
        uids = (e.uid for e in self.events)
        uid, owner = next(uids, ""), 0
        for row, (kind, text) in enumerate(self.store.iter_passages()):
            while int(self.passage_event[row]) != owner:
                uid, owner = next(uids), owner + 1
            yield Passage(uid, kind, text)
