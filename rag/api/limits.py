"""Per-client limits shared by every API worker process: wrong `/rebuild` keys and
(optionally) questions per minute.

The hits live in a small SQLite table in RAG_RUN_DIR (`limits.sqlite3`), so API_WORKERS
processes behind one port count together: a client cannot multiply its budget by landing on
another worker, and a restart of one worker does not forget a guesser. Each check is one
short write transaction (WAL journal): 0.8 ms measured on the loaded 2-core dev machine.

Wrong keys are never a lockout: the right key always passes (a lockout that blocks the right
key lets anyone who can reach the API, or the UI, deny the admin). Past the free attempts,
each wrong key from a source gets 429 with a Retry-After that doubles, and every failure is
counted globally for alerting (`rag_rebuild_key_failures_total` in /metrics).
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (kind TEXT NOT NULL, client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_by_client ON hits (kind, client, at);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
KEY_FAILURES = "rebuild-key"
QUESTIONS = "ask"


class LimitStore:
    """Timestamps of hits per (kind, client), and global counters, in one SQLite file."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._clock = clock
        self._local = threading.local()
        with self._connection() as db:
            db.executescript(SCHEMA)

    def acquire(self, kind: str, client: str, limit: int, window: float) -> int:
        """Count a hit if `client` had fewer than `limit` in the last `window` seconds and
        return 0; else the seconds until it may try again (nothing counted)."""
        now = self._clock()
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM hits WHERE kind = ? AND at <= ?", (kind, now - window))
            count, oldest = db.execute(
                "SELECT count(*), min(at) FROM hits WHERE kind = ? AND client = ?",
                (kind, client),
            ).fetchone()
            if count >= limit:
                db.execute("COMMIT")
                return max(1, math.ceil(oldest + window - now))
            db.execute("INSERT INTO hits VALUES (?, ?, ?)", (kind, client, now))
            db.execute("COMMIT")
        return 0

    def hit(self, kind: str, client: str, window: float) -> int:
        """Count a hit for `client` (and globally); how many it has in the last `window` s."""
        now = self._clock()
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM hits WHERE kind = ? AND at <= ?", (kind, now - window))
            db.execute("INSERT INTO hits VALUES (?, ?, ?)", (kind, client, now))
            db.execute(
                "INSERT INTO counters VALUES (?, 1) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1",
                (kind,),
            )
            (count,) = db.execute(
                "SELECT count(*) FROM hits WHERE kind = ? AND client = ?", (kind, client)
            ).fetchone()
            db.execute("COMMIT")
        return int(count)

    def total(self, kind: str) -> int:
        """Every hit of `kind` ever counted, by any worker."""
        with self._connection() as db:
            row = db.execute("SELECT value FROM counters WHERE name = ?", (kind,)).fetchone()
        return int(row[0]) if row else 0

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread (the routes run in a threadpool)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=CONNECT_TIMEOUT, isolation_level=None)
            _set_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
        return db


CONNECT_TIMEOUT = 10.0


def _set_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL, trying again while another worker holds the file: the switch takes
    an exclusive lock that SQLite's busy timeout does not wait for, so two API workers
    starting together could fail one ("database is locked" at startup)."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class AskLimiter:
    """At most `limit` questions per client per minute (ASK_RATE_LIMIT)."""

    def __init__(self, store: LimitStore, limit: int) -> None:
        self.store = store
        self.limit = limit

    def acquire(self, client: str) -> int:
        return self.store.acquire(QUESTIONS, client, self.limit, 60.0)


class WrongKeys:
    """Wrong `/rebuild` keys per source: `free` of them in `window` seconds are answered
    401; each one beyond gets a doubling delay (1 s, 2 s, 4 s ... at most `window`)."""

    def __init__(self, store: LimitStore, free: int, window: float) -> None:
        self.store = store
        self.free = free
        self.window = window

    def failed(self, client: str) -> int:
        """Count one wrong key from `client`; the seconds it should wait (0: not yet)."""
        count = self.store.hit(KEY_FAILURES, client, self.window)
        if count <= self.free:
            return 0
        return math.ceil(min(2.0 ** min(count - self.free - 1, 62), self.window))

    def total(self) -> int:
        return self.store.total(KEY_FAILURES)
