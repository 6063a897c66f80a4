"""What `rag up` knows about the demo corpus without generating it: how the served one was
generated (`DemoRecord`, in data/processed/demo.json), whether it is stale, and seeding an
empty data directory from the demo built into the container image.

Kept apart from the generator (rag.demo) so that `rag up`, which checks this before every
start, loads neither the vocabulary nor the models: a container answers sooner.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.versions import CURRENT

DEMO_SOURCE = "demo"
"""The ingest source name of the generated corpus."""
DEMO_RECORD = "demo.json"
"""In data/processed/: the (today, events, seed) the demo corpus was generated with."""


@dataclass(frozen=True, slots=True)
class DemoRecord:
    today: date
    events: int
    seed: int
    embedding_provider: str


def write_record(settings: Settings, record: DemoRecord) -> None:
    fields = asdict(record) | {"today": record.today.isoformat()}
    path = settings.processed_dir / DEMO_RECORD
    path.write_text(json.dumps(fields) + "\n", encoding="utf-8")


def local_today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


def served_demo(settings: Settings) -> DemoRecord | None:
    """How the processed corpus was generated when it is the demo alone (its last ingest
    had the demo as only source), else None: a user's own events are never touched."""
    try:
        report = json.loads((settings.processed_dir / "ingest-report.json").read_text("utf-8"))
        record = json.loads((settings.processed_dir / DEMO_RECORD).read_text("utf-8"))
        if list(report["per_source"]) != [DEMO_SOURCE] or report["appended_to"] is not None:
            return None
        return DemoRecord(
            date.fromisoformat(record["today"]),
            record["events"],
            record["seed"],
            record["embedding_provider"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stale_demo(settings: Settings, today: date | None = None) -> DemoRecord | None:
    """The served demo when it was generated around another day than `today` (its "ce
    week-end" and "ce soir" would answer for that day): a demo built into the container
    image at build time, or a volume from an earlier week."""
    record = served_demo(settings)
    if record is None or record.today == (today or local_today(settings)):
        return None
    return record


def seed_data_dir(settings: Settings) -> bool:
    """Copy RAG_SEED_DIR (the demo built into the container image) into an empty data
    directory, when it was built with the configured EMBEDDING_PROVIDER; True if it did.
    The index's CURRENT pointer is copied last, so an interrupted copy leaves no index
    that `rag up` would trust (the next start builds one)."""
    seed, data = settings.seed_dir, settings.data_dir
    if seed is None or not seed.is_dir() or (data.exists() and any(data.iterdir())):
        return False
    record = served_demo(settings.model_copy(update={"data_dir": seed}))
    if record is None or record.embedding_provider != settings.embedding_provider:
        return False
    current = Path("indexes") / CURRENT
    shutil.copytree(
        seed,
        data,
        dirs_exist_ok=True,
        ignore=lambda folder, names: [CURRENT] if Path(folder) == seed / "indexes" else [],
    )
    shutil.copy2(seed / current, data / current)
    return True
