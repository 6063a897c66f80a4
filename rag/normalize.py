"""Raw records from any source → `Event`, the one shape the rest of the pipeline reads.

Opendatasoft flattens OpenAgenda events into `*_fr` columns with JSON strings inside
(timings, status, registration); the OpenAgenda v2 API nests them; our own processed
JSONL is `Event.to_dict`. Real records are messy, so every field is parsed defensively
and a record that cannot make a usable event raises `SkipRecord` with a short reason
that the ingest report counts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from rag.cues import ACCESS_CODES
from rag.french import PARIS, describe_occurrences
from rag.models import Event, Occurrence
from rag.places import canonical_region, relocated
from rag.text import clean_html, fold, normalize_space

RecordKind = Literal["ods", "openagenda", "event"]
T = TypeVar("T")

# Keys that only one record shape has, to tell shapes apart without trusting file names.
_ODS_KEYS = frozenset(
    {
        "title_fr",
        "description_fr",
        "firstdate_begin",
        "lastdate_end",
        "daterange_fr",
        "canonicalurl",
        "updatedat",
        "location_city",
        "originagenda_uid",
        "keywords_fr",
    }
)
_OPENAGENDA_KEYS = frozenset(
    {
        "firstTiming",
        "lastTiming",
        "longDescription",
        "updatedAt",
        "dateRange",
        "attendanceMode",
        "originAgenda",
        "location",
    }
)
_EVENT_KEYS = frozenset({"occurrences", "date_label", "long_description", "agenda_uid"})
_EVENT_FIELDS = frozenset(f.name for f in dataclasses.fields(Event))

# OpenAgenda v2 enumerations (ODS stores the same ids with their labels).
STATUS_LABELS = {
    1: "Programmé",
    2: "Reprogrammé",
    3: "Déplacé en ligne",
    4: "Reporté",
    5: "Complet",
    6: "Annulé",
}
ATTENDANCE_LABELS = {1: "Sur place", 2: "En ligne", 3: "Mixte"}

_COUNTRIES = {"FR": "France", "BE": "Belgique", "CH": "Suisse", "LU": "Luxembourg"}
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]|â€")
# Unicode line breaks would split a JSONL line for any reader using str.splitlines().
_LINE_BREAKS = re.compile("[\u0085\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
# Bounds far above real data (longest real field ~7,000 characters, most timings ~800): a
# record beyond them is junk or hostile, and would cost seconds and megabytes per event.
MAX_TEXT_CHARS = 100_000
MAX_TIMINGS = 20_000
# Links kept in events: only web pages (no javascript:, data:, file: ...); a booking contact
# may also be an e-mail or a phone number, with or without its scheme.
_WEB_LINK = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:\S", re.IGNORECASE)
_CONTACT_SCHEMES = ("mailto:", "tel:")
Dropped = Counter[str]
"""Links dropped by normalization, by field (the ingest report's `links_dropped`)."""


class SkipRecord(ValueError):
    """This record cannot become an event; `reason` is the ingest report's bucket."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def detect_kind(records: Iterable[Any]) -> RecordKind | None:
    """Which normalizer fits these records, judged on the keys of the first few objects."""
    votes = {"ods": 0, "openagenda": 0, "event": 0}
    for seen, record in enumerate(records):
        if seen >= 20:
            break
        if not isinstance(record, Mapping):
            continue
        keys = set(record)
        if keys & _EVENT_KEYS and "uid" in keys:
            votes["event"] += 1
        elif keys & _ODS_KEYS or any(k.startswith("location_") for k in keys):
            votes["ods"] += 1
        elif keys & _OPENAGENDA_KEYS or ("timings" in keys and "title" in keys):
            votes["openagenda"] += 1
    kind, count = max(votes.items(), key=lambda item: item[1])
    return kind if count else None  # type: ignore[return-value]


def normalize_record(
    kind: RecordKind,
    record: Any,
    tz: ZoneInfo = PARIS,
    agenda_uid: str | None = None,
    dropped: Dropped | None = None,
) -> Event:
    """Dispatch to the normalizer for `kind`; raises `SkipRecord`. Links that are not
    http(s) are left out and counted in `dropped`."""
    if not isinstance(record, Mapping):
        raise SkipRecord("not an object")
    if kind == "ods":
        return from_ods_record(record, tz, dropped)
    if kind == "openagenda":
        return from_openagenda_event(record, tz, agenda_uid, dropped)
    return from_processed(record, dropped)


def from_ods_record(
    record: Mapping[str, Any], tz: ZoneInfo = PARIS, dropped: Dropped | None = None
) -> Event:
    """An Opendatasoft `evenements-publics-openagenda` record (export, v2.1, v1 or CSV row)."""
    uid = _uid(record.get("uid"))
    timings = _json(record.get("timings"))
    fallback = [
        (record.get("firstdate_begin"), record.get("firstdate_end")),
        (record.get("lastdate_begin"), record.get("lastdate_end")),
    ]
    occurrences = _occurrences(timings, fallback, tz)
    lat, lon = _coordinates(record)
    country_label = _text(record.get("country_fr"))
    return relocated(
        Event(
            uid=uid,
            title=_title(record.get("title_fr"), record.get("slug")),
            description=_text(record.get("description_fr")),
            long_description=_text(record.get("longdescription_fr")),
            keywords=_keywords(record.get("keywords_fr")),
            occurrences=occurrences,
            date_label=_text(record.get("daterange_fr")) or describe_occurrences(occurrences, tz),
            venue=_field(record.get("location_name")),
            address=_field(record.get("location_address")),
            city=_field(record.get("location_city")),
            postal_code=_field(record.get("location_postalcode")),
            insee=_field(record.get("location_insee")),
            department=_field(record.get("location_department")),
            region=_region(record.get("location_region")),
            country=re.sub(r"\s*\(.*\)$", "", country_label)
            or _country(record.get("location_countrycode")),
            latitude=lat,
            longitude=lon,
            age_min=_int(record.get("age_min")),
            age_max=_int(record.get("age_max")),
            accessibility=_accessibility(record.get("accessibility")),
            conditions=_field(record.get("conditions_fr")),
            registration=_registration(record.get("registration"), dropped),
            url=_web_link(record.get("canonicalurl"), "url", dropped),
            image=_web_link(record.get("image") or record.get("originalimage"), "image", dropped),
            agenda_uid=_field(record.get("originagenda_uid")),
            agenda_title=_field(record.get("originagenda_title")),
            status=_label(record.get("status"), STATUS_LABELS),
            attendance_mode=_label(record.get("attendancemode"), ATTENDANCE_LABELS),
            updated_at=_datetime(record.get("updatedat"), tz),
        )
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    """A nested object of a record, or an empty one when it is missing or not an object."""
    return value if isinstance(value, Mapping) else {}


def from_openagenda_event(
    record: Mapping[str, Any],
    tz: ZoneInfo = PARIS,
    agenda_uid: str | None = None,
    dropped: Dropped | None = None,
) -> Event:
    """An event from the OpenAgenda v2 API (`detailed=1`, ideally `monolingual=fr`)."""
    uid = _uid(record.get("uid"))
    fallback = [
        (_get(record, "firstTiming", "begin"), _get(record, "firstTiming", "end")),
        (_get(record, "lastTiming", "begin"), _get(record, "lastTiming", "end")),
    ]
    occurrences = _occurrences(_json(record.get("timings")), fallback, tz)
    location, origin, age = (_mapping(record.get(k)) for k in ("location", "originAgenda", "age"))
    agenda = _field(origin.get("uid")) or agenda_uid
    slug = _field(record.get("slug"))
    url = _web_link(record.get("canonicalUrl"), "url", dropped) or (
        f"https://openagenda.com/agendas/{agenda}/events/{slug}" if agenda and slug else None
    )
    lat, lon = _lat_lon(location.get("latitude"), location.get("longitude"))
    return relocated(
        Event(
            uid=uid,
            title=_title(record.get("title"), slug),
            description=_text(record.get("description")),
            long_description=_text(record.get("longDescription")),
            keywords=_keywords(record.get("keywords")),
            occurrences=occurrences,
            date_label=_text(record.get("dateRange")) or describe_occurrences(occurrences, tz),
            venue=_field(location.get("name")),
            address=_field(location.get("address")),
            city=_field(location.get("city")),
            postal_code=_field(location.get("postalCode")),
            insee=_field(location.get("insee")),
            department=_field(location.get("department")),
            region=_region(location.get("region")),
            country=_country(location.get("countryCode")),
            latitude=lat,
            longitude=lon,
            age_min=_int(age.get("min")),
            age_max=_int(age.get("max")),
            accessibility=_accessibility(record.get("accessibility")),
            conditions=_field(record.get("conditions")),
            registration=_registration(record.get("registration"), dropped),
            url=url,
            image=_web_link(_image(record.get("image")), "image", dropped),
            agenda_uid=agenda,
            agenda_title=_field(origin.get("title")),
            status=_label(record.get("status"), STATUS_LABELS),
            attendance_mode=_label(record.get("attendanceMode"), ATTENDANCE_LABELS),
            updated_at=_datetime(record.get("updatedAt"), tz),
        )
    )


def from_processed(record: Mapping[str, Any], dropped: Dropped | None = None) -> Event:
    """A line of our own `events.jsonl`, so processed files can be ingested again (and
    older files lose the links that normalization no longer keeps)."""
    values = {k: v for k, v in record.items() if k in _EVENT_FIELDS}
    for name in ("url", "image"):
        if values.get(name) is not None:
            values[name] = _web_link(values[name], name, dropped)
    if isinstance(values.get("registration"), list):
        values["registration"] = _registration(values["registration"], dropped)
    if any(isinstance(v, str) and len(v) > MAX_TEXT_CHARS for v in values.values()):
        raise SkipRecord("oversized text field")
    occurrences = values.get("occurrences")
    if isinstance(occurrences, list) and len(occurrences) > MAX_TIMINGS:
        raise SkipRecord("too many dates")
    if not _field(values.get("uid")):
        raise SkipRecord("missing uid")
    if not _field(values.get("title")):
        raise SkipRecord("missing title")
    try:
        event = Event.from_dict(values)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise SkipRecord("invalid processed event") from exc
    if not event.occurrences:
        raise SkipRecord("no usable date")
    if any(o.start.tzinfo is None or o.end.tzinfo is None for o in event.occurrences):
        raise SkipRecord("unparseable dates")
    return event


class Latest(Generic[T]):
    """One item per uid, the event most recently updated winning (later input wins ties);
    the item is the event itself, or where it was put (ingest keeps events on disk)."""

    def __init__(self) -> None:
        self._best: dict[str, tuple[float, T]] = {}
        self.dropped = 0

    def add(self, event: Event, item: T) -> None:
        updated = event.updated_at.timestamp() if event.updated_at else float("-inf")
        current = self._best.get(event.uid)
        if current is not None:
            self.dropped += 1
            if updated < current[0]:
                return
        self._best[event.uid] = (updated, item)

    def __len__(self) -> int:
        return len(self._best)

    def items(self) -> list[T]:
        """The kept items in uid order."""
        return [self._best[uid][1] for uid in sorted(self._best)]


# --- field parsers ----------------------------------------------------------------------


def _uid(value: Any) -> str:
    uid = _field(value)
    if not uid:
        raise SkipRecord("missing uid")
    return uid


def _title(value: Any, slug: Any) -> str:
    """The French title; a few real records have none, but their slug reads well enough."""
    title = " ".join(_text(value).split())  # one line: some titles carry line breaks
    if title:
        return title
    # OpenAgenda suffixes repeated slugs with a long number ("...-6106253"): not a title word.
    words = re.sub(r"-\d{5,}$", "", _field(slug) or "").replace("-", " ").strip()
    if not words:
        raise SkipRecord("missing title")
    return words[0].upper() + words[1:]


def _localized(value: Any) -> Any:
    """`{"fr": ..., "en": ...}` → the French value (else any), as non-monolingual v2 gives."""
    if isinstance(value, Mapping):
        for key in ("fr", *value.keys()):
            if value.get(key):
                return value[key]
        return None
    return value


def _text(value: Any) -> str:
    """Clean text from HTML-ish input, repairing double-encoded UTF-8 and stray controls."""
    value = _localized(value)
    if value is None or isinstance(value, Mapping | list):
        return ""
    text = str(value)
    if len(text) > MAX_TEXT_CHARS:
        raise SkipRecord("oversized text field")
    if _MOJIBAKE.search(text):
        with contextlib.suppress(UnicodeError):
            text = text.encode("cp1252").decode("utf-8")
    return clean_html(_CONTROL.sub("", _LINE_BREAKS.sub("\n", text)))


def _field(value: Any) -> str | None:
    """A short single-line field (city, uid, URL); None when empty."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    text = _text(value)
    return normalize_space(text.replace("\n", " ")) or None


def _json(value: Any) -> Any:
    """ODS keeps nested values as JSON strings; v2 and our files keep them as JSON."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("[", "{"):
            try:
                return json.loads(stripped)
            except (ValueError, RecursionError):
                return value
    return value


def _keywords(value: Any) -> list[str]:
    value = _localized(_json(value))
    if isinstance(value, str):
        separator = ";" if ";" in value else ","
        value = value.split(separator)
    if not isinstance(value, list):
        return []
    seen: dict[str, str] = {}
    for item in value:
        keyword = _field(item)
        if keyword and fold(keyword) not in seen:
            seen[fold(keyword)] = keyword
    return list(seen.values())


def _datetime(value: Any, tz: ZoneInfo) -> datetime | None:
    """ISO-8601 (with `Z` or offset); a naive time is taken as local to `tz`."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def _occurrences(timings: Any, fallback: list[tuple[Any, Any]], tz: ZoneInfo) -> list[Occurrence]:
    """Every timing; else the first/last dates. Skips the record when neither is usable."""
    pairs: list[tuple[Any, Any]] = []
    if isinstance(timings, list):
        pairs = [(t.get("begin"), t.get("end")) for t in timings if isinstance(t, Mapping)]
    if len(pairs) > MAX_TIMINGS:
        raise SkipRecord("too many dates")
    if not any(begin for begin, _ in pairs):
        pairs = fallback
    found: set[Occurrence] = set()
    given = False
    for begin, end in pairs:
        if not begin:
            continue
        given = True
        start = _datetime(begin, tz)
        if start is None:
            continue
        stop = _datetime(end, tz) or start
        found.add(Occurrence(start, max(start, stop)))
    if not found:
        raise SkipRecord("unparseable dates" if given else "no usable date")
    return sorted(found, key=lambda o: (o.start, o.end))


def _lat_lon(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    try:
        latitude, longitude = float(lat), float(lon)
    except (TypeError, ValueError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (
        0,
        0,
    ):
        return None, None
    return latitude, longitude


def _coordinates(record: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """ODS `{lon, lat}`, the CSV export's "lat, lon" string, or flattened `.lat`/`.lon`."""
    value = _json(record.get("location_coordinates"))
    if isinstance(value, Mapping):
        return _lat_lon(value.get("lat"), value.get("lon"))
    if isinstance(value, str) and "," in value:
        lat, _, lon = value.partition(",")
        return _lat_lon(lat, lon)
    if isinstance(value, list) and len(value) == 2:
        return _lat_lon(value[1], value[0])  # GeoJSON order
    return _lat_lon(record.get("location_coordinates.lat"), record.get("location_coordinates.lon"))


def _int(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number == number and 0 <= number < 200 else None


def _web_link(value: Any, name: str, dropped: Dropped | None) -> str | None:
    """An http(s) URL, else None (counted in `dropped` under `name` when there was one)."""
    link = _field(value)
    if link is None or _WEB_LINK.fullmatch(link):
        return link
    if dropped is not None:
        dropped[name] += 1
    return None


def _registration(value: Any, dropped: Dropped | None = None) -> list[str]:
    """Booking contacts: v2/ODS give `[{type, value}]`; older data gives plain strings.
    An e-mail, a phone number or an http(s) link; another kind of link is dropped."""
    value = _json(value)
    if isinstance(value, str | Mapping):
        value = [value]
    if not isinstance(value, list):
        return []
    found = [_field(item.get("value") if isinstance(item, Mapping) else item) for item in value]
    kept = []
    for contact in found:
        if not contact:
            continue
        if _SCHEME.match(contact) and not contact.lower().startswith(_CONTACT_SCHEMES):
            contact = _web_link(contact, "registration", dropped)
        if contact:
            kept.append(contact)
    return list(dict.fromkeys(kept))


def _label(value: Any, labels: Mapping[int, str]) -> str | None:
    """A French label from ODS `{"id": 1, "label": {"fr": ...}}`, a v2 id, or plain text."""
    value = _json(value)
    if isinstance(value, Mapping):
        label = _field(value.get("label"))
        return label or _label(value.get("id"), labels)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return labels.get(int(value))
    if isinstance(value, str) and value.strip().isdigit():
        return labels.get(int(value))
    return _field(value)


def _region(value: Any) -> str | None:
    return canonical_region(_field(value))


def _accessibility(value: Any) -> list[str]:
    """OpenAgenda codes: ODS "hi;vi", a list of codes, or v2 `{"mi": true, "hi": false}`."""
    value = _json(value)
    if isinstance(value, Mapping):
        value = [code for code, present in value.items() if present is True]
    elif isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list):
        return []
    codes = (fold(str(code)).strip() for code in value if isinstance(code, str | int))
    return list(dict.fromkeys(code for code in codes if code in ACCESS_CODES))


def _country(code: Any) -> str | None:
    text = _field(code)
    return _COUNTRIES.get(text.upper(), text.upper()) if text else None


def _image(value: Any) -> str | None:
    """v2 images are `{base, filename, variants}`; the base + filename is the full image."""
    if isinstance(value, Mapping):
        if value.get("base") and value.get("filename"):
            return f"{value['base']}{value['filename']}"
        return _field(value.get("url"))
    return _field(value)


def _get(record: Mapping[str, Any], key: str, sub: str) -> Any:
    value = record.get(key)
    return value.get(sub) if isinstance(value, Mapping) else None
