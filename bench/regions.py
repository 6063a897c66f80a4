"""The "regions" evaluation corpus: events in other regions, published in other formats.

The towns, venues, source formats and generation settings are data (`eval/regions.toml`);
the events themselves are dressed by `rag.demo` (its themes, texts, audiences, prices and
schedules), placed around a pinned day plus a smaller batch around an earlier day, so the
corpus has past events, multi-week exhibitions, age ranges, free and paid entry. On top of
the demo's fields each record gets what real regional agendas carry: numeric uids, INSEE
codes, accessibility codes per venue, and, for about a third of the records, no department
and no region (only the postal code says where it is), as many real sources do.

`generate_regions` returns the events as the generator knows them (`Facts`, the truth the
question rules are resolved against); `write_regions` writes each region's agenda in its
format (OpenAgenda v2 JSON, Opendatasoft `;` CSV or JSON Lines) for `rag ingest` to read.
The same file always gives the same corpus.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import random
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import Any, Literal

from rag.demo import City, Venue, generate_demo_events, is_free, slugify
from rag.evaluation import Facts
from rag.normalize import ATTENDANCE_LABELS, STATUS_LABELS

ROOT = Path(__file__).resolve().parents[1]
REGIONS_FILE = ROOT / "eval" / "regions.toml"
ACCESS_CODES = ("mi", "hi", "vi", "pi", "ii")
ACCESS_LABELS = {
    "mi": "handicap moteur",
    "hi": "handicap auditif",
    "vi": "handicap visuel",
    "pi": "handicap psychique",
    "ii": "handicap intellectuel",
}
JITTER_DEGREES = 0.008
"""A venue is its town centre moved by up to this much in latitude and longitude (~1 km)."""
URL = "https://example.org/regions"

Format = Literal["openagenda-json", "ods-csv", "ods-jsonl", "openagenda-jsonl"]
SUFFIX: dict[Format, str] = {
    "openagenda-json": ".json",
    "ods-csv": ".csv",
    "ods-jsonl": ".jsonl",
    "openagenda-jsonl": ".jsonl",
}


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    postal_code: str
    insee: str
    department: str
    region: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    format: Format
    agenda: str
    towns: tuple[Town, ...]


@dataclass(frozen=True, slots=True)
class Settings:
    seed: int
    today: date
    events: int
    past_today: date
    past_events: int
    drop_department: float
    uid_base: int


@dataclass(frozen=True, slots=True)
class RegionalEvent:
    """One generated event: the truth, and how its record is published."""

    facts: Facts
    region: Region
    town: Town
    published_place: bool  # False: the record has no department and no region


@dataclass(frozen=True, slots=True)
class Catalogue:
    settings: Settings
    regions: tuple[Region, ...]
    cities: tuple[City, ...]
    access: dict[str, frozenset[str]]  # venue name -> its accessibility codes

    def town(self, name: str) -> Town:
        for region in self.regions:
            for town in region.towns:
                if town.name == name:
                    return town
        raise KeyError(f"no town {name!r} in {REGIONS_FILE.name}")


def load_catalogue(path: Path = REGIONS_FILE) -> Catalogue:
    """Towns, venues and settings from the TOML file, venues placed and equipped."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    g = data["generation"]
    settings = Settings(
        seed=int(g["seed"]),
        today=date.fromisoformat(g["today"]),
        events=int(g["events"]),
        past_today=date.fromisoformat(g["past_today"]),
        past_events=int(g["past_events"]),
        drop_department=float(g["drop_department"]),
        uid_base=int(g["uid_base"]),
    )
    chances: dict[str, dict[str, float]] = data["accessibility"]
    regions: list[Region] = []
    cities: list[City] = []
    access: dict[str, frozenset[str]] = {}
    for entry in data["region"]:
        towns: list[Town] = []
        for t in entry["town"]:
            town = Town(
                t["name"],
                t["postal_code"],
                t["insee"],
                t["department"],
                entry["name"],
                float(t["lat"]),
                float(t["lon"]),
            )
            towns.append(town)
            venues = []
            for v in t["venues"]:
                rng = _rng(settings.seed, v["name"])
                lat = town.latitude + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES)
                lon = town.longitude + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES)
                venues.append(Venue(v["kind"], v["name"], v["address"], town.postal_code, lat, lon))
                odds = chances.get(v["kind"], {})
                access[v["name"]] = frozenset(
                    code for code in ACCESS_CODES if rng.random() < odds.get(code, 0.0)
                )
            cities.append(
                City(town.name, town.department, town.region, int(t["weight"]), tuple(venues))
            )
        regions.append(Region(entry["name"], entry["format"], entry["agenda"], tuple(towns)))
    return Catalogue(settings, tuple(regions), tuple(cities), access)


def _rng(seed: int, key: str) -> random.Random:
    digest = hashlib.sha256(f"rag-events regions {seed} {key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def generate_regions(catalogue: Catalogue | None = None) -> list[RegionalEvent]:
    """Every event of the corpus, in uid order; the same for the same catalogue."""
    catalogue = catalogue or load_catalogue()
    s = catalogue.settings
    batches = (
        generate_demo_events(s.today, s.events, s.seed, catalogue.cities),
        generate_demo_events(s.past_today, s.past_events, s.seed + 1, catalogue.cities),
    )
    towns = {town.name: (region, town) for region in catalogue.regions for town in region.towns}
    found: list[RegionalEvent] = []
    for number, event in enumerate((e for batch in batches for e in batch), 1):
        region, town = towns[event.city or ""]
        uid = str(s.uid_base + number)
        slug = slugify(event.title)
        agenda_uid = str(s.uid_base // 1000 + catalogue.regions.index(region) + 1)
        truth = dataclasses.replace(
            event,
            uid=uid,
            url=f"{URL}/{slug}-{uid}",
            registration=[
                r.replace(event.url or "", f"{URL}/{slug}-{uid}") for r in event.registration
            ],
            agenda_uid=agenda_uid,
            agenda_title=region.agenda,
        )
        access = catalogue.access.get(event.venue or "", frozenset())
        facts = Facts(truth, access, is_free(event.conditions or ""))
        published = _rng(s.seed, uid).random() >= s.drop_department
        found.append(RegionalEvent(facts, region, town, published))
    return found


def write_regions(directory: Path, events: Sequence[RegionalEvent]) -> list[Path]:
    """One agenda file per region, in its format; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    regions = list(dict.fromkeys(e.region for e in events))
    for region in regions:
        mine = [e for e in events if e.region == region]
        path = directory / f"{slugify(region.name)}{SUFFIX[region.format]}"
        path.write_text(_render(region.format, mine), encoding="utf-8")
        paths.append(path)
    return paths


def _render(fmt: Format, events: Sequence[RegionalEvent]) -> str:
    if fmt == "openagenda-json":
        page = {"total": len(events), "events": [openagenda_record(e) for e in events]}
        return json.dumps(page, ensure_ascii=False, indent=1)
    if fmt == "openagenda-jsonl":
        return "".join(json.dumps(openagenda_record(e), ensure_ascii=False) + "\n" for e in events)
    if fmt == "ods-jsonl":
        return "".join(json.dumps(ods_record(e), ensure_ascii=False) + "\n" for e in events)
    return _csv(ods_record(e, flat=True) for e in events)


def _csv(rows: Iterator[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), delimiter=";", lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def _codes(labels: Mapping[int, str]) -> dict[str, int]:
    return {label: code for code, label in labels.items()}


def openagenda_record(item: RegionalEvent) -> dict[str, Any]:
    """The event as the OpenAgenda API v2 returns it (`detailed=1`, not monolingual)."""
    e, town = item.facts.event, item.town
    timings = [{"begin": o.start.isoformat(), "end": o.end.isoformat()} for o in e.occurrences]
    return {
        "uid": int(e.uid),
        "slug": f"{slugify(e.title)}-{e.uid}",
        "canonicalUrl": e.url,
        "title": {"fr": e.title},
        "description": {"fr": e.description},
        "longDescription": {"fr": e.long_description},
        "keywords": {"fr": e.keywords},
        "conditions": {"fr": e.conditions},
        "dateRange": {"fr": e.date_label},
        "timings": timings,
        "firstTiming": timings[0],
        "lastTiming": timings[-1],
        "location": {
            "uid": int(_rng(0, e.venue or "").random() * 10**8),
            "name": e.venue,
            "address": e.address,
            "city": e.city,
            "postalCode": e.postal_code,
            "insee": town.insee,
            "department": e.department if item.published_place else None,
            "region": e.region if item.published_place else None,
            "countryCode": "FR",
            "latitude": round(e.latitude or 0, 6),
            "longitude": round(e.longitude or 0, 6),
        },
        "age": {"min": e.age_min, "max": e.age_max},
        "accessibility": {code: code in item.facts.accessibility for code in ACCESS_CODES},
        "status": _codes(STATUS_LABELS).get(e.status or "", 1),
        "attendanceMode": _codes(ATTENDANCE_LABELS).get(e.attendance_mode or "", 1),
        "registration": [_contact(r) for r in e.registration],
        "originAgenda": {"uid": e.agenda_uid, "title": e.agenda_title},
        "updatedAt": e.updated_at.isoformat() if e.updated_at else None,
    }


def ods_record(item: RegionalEvent, flat: bool = False) -> dict[str, Any]:
    """The event as an Opendatasoft `evenements-publics-openagenda` record; `flat` gives
    the CSV export's cells (lists joined by ";", nested values as JSON strings)."""
    e, town = item.facts.event, item.town
    timings = [{"begin": o.start.isoformat(), "end": o.end.isoformat()} for o in e.occurrences]
    status = {"id": _codes(STATUS_LABELS).get(e.status or "", 1), "label": {"fr": e.status}}
    attendance = {
        "id": _codes(ATTENDANCE_LABELS).get(e.attendance_mode or "", 1),
        "label": {"fr": e.attendance_mode},
    }
    access = sorted(item.facts.accessibility)
    first, last = e.occurrences[0], e.occurrences[-1]
    record: dict[str, Any] = {
        "uid": e.uid,
        "slug": f"{slugify(e.title)}-{e.uid}",
        "canonicalurl": e.url,
        "title_fr": e.title,
        "description_fr": e.description,
        "longdescription_fr": "".join(f"<p>{p}</p>" for p in e.long_description.split("\n")),
        "conditions_fr": e.conditions,
        "keywords_fr": ";".join(e.keywords) if flat else e.keywords,
        "updatedat": e.updated_at.astimezone(UTC).isoformat() if e.updated_at else None,
        "daterange_fr": e.date_label,
        "firstdate_begin": first.start.astimezone(UTC).isoformat(),
        "firstdate_end": first.end.astimezone(UTC).isoformat(),
        "lastdate_begin": last.start.astimezone(UTC).isoformat(),
        "lastdate_end": last.end.astimezone(UTC).isoformat(),
        "timings": json.dumps(timings),
        "accessibility": ";".join(access) if flat else (access or None),
        "accessibility_label_fr": ";".join(ACCESS_LABELS[c] for c in access)
        if flat
        else ([ACCESS_LABELS[c] for c in access] or None),
        "location_name": e.venue,
        "location_address": e.address,
        "location_insee": town.insee,
        "location_postalcode": e.postal_code,
        "location_city": e.city,
        "location_department": e.department if item.published_place else None,
        "location_region": e.region if item.published_place else None,
        "location_countrycode": "FR",
        "location_coordinates": f"{e.latitude:.6f}, {e.longitude:.6f}"
        if flat
        else {"lon": round(e.longitude or 0, 6), "lat": round(e.latitude or 0, 6)},
        "attendancemode": json.dumps(attendance, ensure_ascii=False),
        "status": json.dumps(status, ensure_ascii=False),
        "age_min": e.age_min,
        "age_max": e.age_max,
        "originagenda_title": e.agenda_title,
        "originagenda_uid": e.agenda_uid,
        "country_fr": "France (Métropole)",
        "registration": json.dumps([_contact(r) for r in e.registration], ensure_ascii=False),
    }
    return record


def _contact(value: str) -> dict[str, str]:
    kind = "link" if value.startswith("http") else "email" if "@" in value else "phone"
    return {"type": kind, "value": value}
