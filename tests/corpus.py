"""The project's own test corpus: the demo generator's events as Opendatasoft records.

Tests of ingestion, retrieval and answers must run in any clone, so they do not need the
real events of ../shared: `demo_records` writes generated events (rag.demo, a fixed
"today") in the shape of the `evenements-publics-openagenda` dataset (`*_fr` columns, JSON
strings for timings, status and registration, HTML descriptions, flattened or nested
coordinates), and `write_demo_files` saves them in the file shapes the real exports come
in. The same tests also run on the real files when ../shared is there (`corpus` fixture).
"""

from __future__ import annotations

import html
import json
import zlib
from dataclasses import replace
from datetime import UTC, date
from pathlib import Path
from typing import Any

from rag.demo import generate_demo_events
from rag.models import Event
from rag.normalize import ATTENDANCE_LABELS, STATUS_LABELS

TODAY = date(2026, 11, 26)
DEMO_EVENTS = 150
FILE_SIZES = {"demo-1-export.json": 100, "demo-2-records-v21.json": 40, "demo-3-indented.json": 10}
"""Three files like the three real ones, in the same name order: an export array (flattened
coordinates), a v2.1 `/records` response and an indented array (nested coordinates)."""
UID_BASE = 90_000_000


def demo_events(n: int = DEMO_EVENTS) -> list[Event]:
    """The demo corpus around TODAY, with numeric uids (events, agendas) like OpenAgenda's."""
    return [
        replace(e, uid=str(UID_BASE + number), agenda_uid=_agenda_uid(e.agenda_uid))
        for number, e in enumerate(generate_demo_events(TODAY, n), 1)
    ]


def _agenda_uid(name: str | None) -> str | None:
    return str(zlib.crc32(name.encode()) % 10**8) if name else None


def _utc(moment: Any) -> str:
    return moment.astimezone(UTC).isoformat()


def _enum(value: str | None, labels: dict[int, str]) -> str | None:
    ids = {label: number for number, label in labels.items()}
    if value is None:
        return None
    return json.dumps({"id": ids[value], "label": {"fr": value}})


def ods_record(event: Event, nested_coordinates: bool = False) -> dict[str, Any]:
    """`event` as an `evenements-publics-openagenda` record (see tests/test_normalize.py:
    `from_ods_record` gives the event back)."""
    first, last = event.occurrences[0], event.occurrences[-1]
    paragraphs = event.long_description.split("\n") if event.long_description else []
    record: dict[str, Any] = {
        "uid": event.uid,
        "slug": event.url.rsplit("/", 1)[-1] if event.url else None,
        "canonicalurl": event.url,
        "title_fr": event.title,
        "description_fr": event.description,
        "longdescription_fr": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) or None,
        "conditions_fr": event.conditions,
        "keywords_fr": event.keywords or None,
        "image": event.image,
        "updatedat": _utc(event.updated_at) if event.updated_at else None,
        "daterange_fr": event.date_label,
        "firstdate_begin": _utc(first.start),
        "firstdate_end": _utc(first.end),
        "lastdate_begin": _utc(last.start),
        "lastdate_end": _utc(last.end),
        "timings": json.dumps(
            [{"begin": o.start.isoformat(), "end": o.end.isoformat()} for o in event.occurrences]
        ),
        "location_uid": str(int(event.uid) + 1_000_000),
        "location_name": event.venue,
        "location_address": event.address,
        "location_postalcode": event.postal_code,
        "location_city": event.city,
        "location_department": event.department,
        "location_region": event.region,
        "location_countrycode": "FR" if event.country == "France" else None,
        "country_fr": event.country,
        "attendancemode": _enum(event.attendance_mode, ATTENDANCE_LABELS),
        "status": _enum(event.status, STATUS_LABELS),
        "age_min": event.age_min,
        "age_max": event.age_max,
        "registration": json.dumps(
            [{"type": "email" if "@" in r else "link", "value": r} for r in event.registration]
        )
        if event.registration
        else None,
        "originagenda_uid": event.agenda_uid,
        "originagenda_title": event.agenda_title,
    }
    if nested_coordinates:
        record["location_coordinates"] = {"lon": event.longitude, "lat": event.latitude}
    else:
        record["location_coordinates.lon"] = event.longitude
        record["location_coordinates.lat"] = event.latitude
        record["location_coordinates"] = None
    return record


def demo_records(n: int = DEMO_EVENTS) -> list[dict[str, Any]]:
    """Records in file order: the first 100 flattened, the others nested, as in FILE_SIZES."""
    events = demo_events(n)
    return [ods_record(e, nested_coordinates=i >= 100) for i, e in enumerate(events)]


def write_demo_files(folder: Path) -> list[Path]:
    """The three demo files of FILE_SIZES in `folder`, sorted by name like `shared_files`."""
    folder.mkdir(parents=True, exist_ok=True)
    records = demo_records(sum(FILE_SIZES.values()))
    export, v21, pretty = (folder / name for name in FILE_SIZES)
    export.write_text(json.dumps(records[:100], ensure_ascii=False), encoding="utf-8")
    body = {"total_count": 40, "results": records[100:140]}
    v21.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    pretty.write_text(json.dumps(records[140:], ensure_ascii=False, indent=4), encoding="utf-8")
    return sorted(folder.glob("*.json"))
