"""Which events a question may show, found without looking at every event.

Built once per index version (`candidate_arrays`, at build time) and memory-mapped at
load; every lookup costs what it returns, not the size of the corpus:

- date windows: occurrences split by duration (up to a day, a week, a month, a year,
  longer), each bucket sorted by start. An occurrence of at most D seconds overlaps
  [a, b) only if it starts in (a - D, b): two `searchsorted` per bucket;
- places: the distinct (city, postal code, department, region, country) of the corpus
  are *groups* with inverted lists group -> events, looked up by the names a `PlaceMatch`
  compares, then confirmed with `PlaceMatch.matches` on one event of the group;
- radius ("près de"): a 0.1° grid of event coordinates, cell -> events, then the exact
  great-circle distance for the events of the cells that touch the circle;
- passages of events, the next showing and the last end of events, and the ranking
  features of rag/features.py, as arrays indexed by event position.

Event sets are sorted int64 arrays of event positions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from rag.features import event_features
from rag.models import Event, Passage
from rag.places import EARTH_KM, PlaceMatch, _key, event_place, haversine_km
from rag.store import PlaceKey, place_key

BUCKETS = (86_400, 7 * 86_400, 31 * 86_400, 366 * 86_400)
"""Upper bounds (seconds) of the occurrence duration buckets; a last bucket takes the rest."""
GRID_DEGREES = 0.1
_LON_CELLS = 3600  # cells per row of the grid key (360 / GRID_DEGREES)
NO_END = -(2**62)

ARRAYS = (
    "passage_summary",  # bool per passage: a summary passage (rag/passages.py)
    "event_passages",  # int64 (n+1): passages of event e are rows [p[e], p[e+1])
    "event_occurrences",  # int64 (n+1): occurrences of e are [o[e], o[e+1]) in occ_*
    "occ_start",  # int64 seconds, event order
    "occ_end",
    "event_last_end",  # int64: end of the last occurrence (NO_END without any)
    "date_start",  # int64: occurrence starts, sorted within each duration bucket
    "date_end",
    "date_event",  # int32: event of each sorted occurrence
    "date_buckets",  # int64 (b, 2): end offset of each bucket in date_*, its longest duration
    "event_group",  # int32: place group of each event
    "group_events",  # int32: events sorted by group
    "group_offsets",  # int64 (groups+1)
    "event_lat",  # float32, NaN when unknown
    "event_lon",
    "grid_cells",  # int64: sorted distinct cell keys
    "grid_offsets",  # int64 (cells+1)
    "grid_events",  # int32: events sorted by cell
    "event_young",  # rag/features.py
    "event_free",
    "event_price",  # float32: the lowest price stated (0 free or pay what you want), NaN none
    "event_attendable",
    "event_access",
    "event_age_min",
    "event_age_max",
    "event_kind",
)


def candidate_arrays(
    events: Sequence[Event], passages: Sequence[Passage], passage_event: np.ndarray
) -> tuple[dict[str, np.ndarray], list[tuple[PlaceKey, int]], list[str]]:
    """`CandidateBuilder` over a corpus held in memory, in one chunk."""
    builder = CandidateBuilder()
    builder.add(
        events,
        np.bincount(passage_event, minlength=len(events)),
        np.fromiter((p.kind == "summary" for p in passages), dtype=bool, count=len(passages)),
    )
    return builder.finish()


class CandidateBuilder:
    """The arrays of `ARRAYS` from events given in chunks (in index order).

    `add` keeps only numbers per event and per occurrence (a few dozen bytes an event);
    `finish` sorts them into buckets, groups and cells once all events are known.
    """

    def __init__(self) -> None:
        self._groups: dict[PlaceKey, int] = {}
        self._kinds: dict[str, int] = {}
        self._columns: dict[str, list[np.ndarray]] = {}

    def add(self, events: Sequence[Event], passages: np.ndarray, summary: np.ndarray) -> None:
        """The next events, with their passage counts and a summary flag per passage."""
        n = len(events)
        counts = np.fromiter((len(e.occurrences) for e in events), dtype=np.int64, count=n)
        total = int(counts.sum())
        occurrences = [o for e in events for o in e.occurrences]
        start = np.fromiter((int(o.start.timestamp()) for o in occurrences), np.int64, total)
        end = np.fromiter((int(o.end.timestamp()) for o in occurrences), np.int64, total)
        groups = self._groups
        columns = {
            "passage_summary": summary,
            "event_passage_count": np.asarray(passages, dtype=np.int64),
            "event_occurrence_count": counts,
            "occ_start": start,
            "occ_end": np.maximum(end, start),
            "event_group": np.fromiter(
                (groups.setdefault(place_key(e), len(groups)) for e in events), np.int32, n
            ),
            "event_lat": np.fromiter((_coordinate(e.latitude, 90) for e in events), np.float32, n),
            "event_lon": np.fromiter(
                (_coordinate(e.longitude, 180) for e in events), np.float32, n
            ),
            **event_features(events, self._kinds),
        }
        for name, column in columns.items():
            self._columns.setdefault(name, []).append(column)

    def finish(self) -> tuple[dict[str, np.ndarray], list[tuple[PlaceKey, int]], list[str]]:
        """The arrays, the place groups (with event counts) and the kind names."""
        columns = {name: np.concatenate(parts) for name, parts in self._columns.items()}
        self._columns = {}
        arrays = {
            name: columns.pop(name)
            for name in ("passage_summary", "occ_start", "occ_end", "event_lat", "event_lon")
        }
        arrays["event_passages"] = _offsets(columns.pop("event_passage_count"))
        counts = columns.pop("event_occurrence_count")
        n = len(counts)
        arrays["event_occurrences"] = _offsets(counts)
        start, end = arrays["occ_start"], arrays["occ_end"]
        owner = np.repeat(np.arange(n, dtype=np.int32), counts)
        last_end = np.full(n, NO_END, dtype=np.int64)
        np.maximum.at(last_end, owner, end)
        arrays["event_last_end"] = last_end
        duration = end - start
        bucket = np.searchsorted(np.asarray(BUCKETS), duration, side="left")
        order = np.lexsort((start, bucket))
        arrays["date_start"], arrays["date_end"] = start[order], end[order]
        arrays["date_event"] = owner[order]
        bounds = []
        for b in range(len(BUCKETS) + 1):
            members = bucket == b
            longest = int(duration[members].max()) if members.any() else 0
            bounds.append((int(np.count_nonzero(bucket <= b)), longest))
        arrays["date_buckets"] = np.asarray(bounds, dtype=np.int64).reshape(-1, 2)
        group = columns.pop("event_group")
        arrays["event_group"] = group
        arrays["group_events"] = np.argsort(group, kind="stable").astype(np.int32)
        group_counts = np.bincount(group, minlength=len(self._groups))
        arrays["group_offsets"] = _offsets(group_counts)
        lat, lon = arrays["event_lat"], arrays["event_lon"]
        located = np.flatnonzero(~np.isnan(lat) & ~np.isnan(lon))
        keys = _cell_key(_cell(lat[located], 90), _cell(lon[located], 180))
        by_cell = np.argsort(keys, kind="stable")
        cells, cell_counts = np.unique(keys[by_cell], return_counts=True)
        arrays["grid_cells"] = cells.astype(np.int64)
        arrays["grid_offsets"] = _offsets(cell_counts)
        arrays["grid_events"] = located[by_cell].astype(np.int32)
        arrays.update(columns)  # the ranking features
        places = [(key, int(group_counts[g])) for key, g in self._groups.items()]
        return arrays, places, list(self._kinds)


def _offsets(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _coordinate(value: float | None, limit: float) -> float:
    if value is None or not math.isfinite(value) or abs(value) > limit:
        return math.nan
    return value


def _cell(values: np.ndarray | float, limit: float) -> np.ndarray:
    return np.floor((np.asarray(values, dtype=np.float64) + limit) / GRID_DEGREES).astype(np.int64)


def _cell_key(lat_cell: np.ndarray, lon_cell: np.ndarray) -> np.ndarray:
    return lat_cell * _LON_CELLS + lon_cell


def ranges(offsets: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The concatenated ranges [offsets[i], offsets[i+1]) of the given ids (int64)."""
    ids = np.asarray(ids, dtype=np.int64)
    starts = np.asarray(offsets[ids], dtype=np.int64)
    lengths = np.asarray(offsets[ids + 1], dtype=np.int64) - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + shift


@dataclass(slots=True)
class Candidates:
    """Lookups over one loaded index (arrays memory-mapped, place groups from the store)."""

    arrays: dict[str, np.ndarray]
    places: list[tuple[PlaceKey, int]]
    kinds: list[str]
    _groups_by_name: dict[tuple[str, str], list[int]] = field(default_factory=dict, init=False)
    _representatives: list[Event] = field(default_factory=list, init=False)
    _last_end_max: int = field(default=NO_END, init=False)

    def __post_init__(self) -> None:
        ends = self.arrays["event_last_end"]
        self._last_end_max = int(ends.max()) if len(ends) else NO_END
        for grp, (key, _) in enumerate(self.places):
            city, postal_code, department, region, country = key
            event = Event(
                uid="",
                title="",
                city=city,
                postal_code=postal_code,
                department=department,
                region=region,
                country=country,
            )
            self._representatives.append(event)
            place = event_place(event)
            names = (("city", place.city), ("department", place.department))
            for kind, value in (*names, ("region", place.region), ("country", country)):
                if value:
                    self._groups_by_name.setdefault((kind, _key(value)), []).append(grp)

    @property
    def size(self) -> int:
        return len(self.arrays["event_last_end"])

    @property
    def last_end_max(self) -> int:
        """When the last occurrence of the corpus ends."""
        return self._last_end_max

    # -- event sets ---------------------------------------------------------------------

    def in_window(self, start: float, end: float) -> np.ndarray:
        """Events with an occurrence overlapping [start, end) (timestamps)."""
        a = self.arrays
        starts, ends, owners = a["date_start"], a["date_end"], a["date_event"]
        # Integer bounds: a float against the int64 starts would convert the whole array.
        # For whole seconds s: s > x ⟺ s > floor(x), and s < y ⟺ s < ceil(y).
        after, before = math.floor(start), math.ceil(end)
        found = []
        lo = 0
        for hi, longest in a["date_buckets"]:
            bound = np.int64(after - int(longest))
            first = lo + int(np.searchsorted(starts[lo:hi], bound, side="right"))
            last = lo + int(np.searchsorted(starts[lo:hi], np.int64(before), side="left"))
            if last > first:
                hit = np.flatnonzero(ends[first:last] > np.int64(after))
                found.append(np.asarray(owners[first:last][hit], dtype=np.int64))
            lo = int(hi)
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def in_bands(self, bands: Sequence[tuple[float, float]]) -> np.ndarray:
        """Events with an occurrence overlapping any of the intervals (daily bands)."""
        if len(bands) == 1:
            return self.in_window(*bands[0])
        found = [self.in_window(start, end) for start, end in bands]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def at_place(self, place: PlaceMatch) -> np.ndarray:
        """Events where `place.matches_name` holds, reading only the groups that can match.

        For "près de" (`radius_km`): the events within the radius by their coordinates,
        and those without coordinates by their place names.
        """
        groups = self._groups_by_name.get((place.kind, _key(place.name)), [])
        matched = [g for g in groups if place.matches_name(self._representatives[g])]
        ids = np.asarray(matched, dtype=np.int64)
        events = self.arrays["group_events"][ranges(self.arrays["group_offsets"], ids)]
        events = np.sort(events.astype(np.int64))
        if place.radius_km is None or place.latitude is None or place.longitude is None:
            return events
        unlocated = events[np.isnan(self.arrays["event_lat"][events])]
        near = self.near(place.latitude, place.longitude, place.radius_km)
        return np.union1d(near, unlocated)

    def near(self, latitude: float, longitude: float, km: float) -> np.ndarray:
        """Events within `km` of a point (great-circle distance), via the grid."""
        a = self.arrays
        lat_span = math.degrees(km / EARTH_KM)
        cos = max(math.cos(math.radians(min(abs(latitude) + lat_span, 89.9))), 1e-6)
        lon_span = min(180.0, lat_span / cos)
        rows = range(int(_cell(latitude - lat_span, 90)), int(_cell(latitude + lat_span, 90)) + 1)
        lon_lo = max(int(_cell(longitude - lon_span, 180)), 0)
        lon_hi = min(int(_cell(longitude + lon_span, 180)), _LON_CELLS - 1)
        cells = a["grid_cells"]
        found = []
        for row in rows:
            first = int(np.searchsorted(cells, row * _LON_CELLS + lon_lo, side="left"))
            last = int(np.searchsorted(cells, row * _LON_CELLS + lon_hi, side="right"))
            if last > first:
                span = np.arange(first, last, dtype=np.int64)
                found.append(np.asarray(a["grid_events"][ranges(a["grid_offsets"], span)]))
        if not found:
            return np.zeros(0, dtype=np.int64)
        events = np.concatenate(found).astype(np.int64)
        lats, lons = a["event_lat"][events], a["event_lon"][events]
        return np.sort(events[haversine_km(latitude, longitude, lats, lons) <= km])

    # -- per-event figures --------------------------------------------------------------

    def passages_of(self, events: np.ndarray) -> np.ndarray:
        """Passage rows of the given events, in event order."""
        return ranges(self.arrays["event_passages"], events)

    def passage_count(self, events: np.ndarray) -> int:
        offsets = self.arrays["event_passages"]
        return int((offsets[events + 1] - offsets[events]).sum())

    def first_passage(self, events: np.ndarray) -> np.ndarray:
        return np.asarray(self.arrays["event_passages"][events], dtype=np.int64)

    def _upcoming(
        self, events: np.ndarray, now: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The occurrences of `events` not over at `now`: owner (index into `events`),
        start and end."""
        a = self.arrays
        offsets = a["event_occurrences"]
        rows = ranges(offsets, events)
        counts = np.asarray(offsets[events + 1] - offsets[events], dtype=np.int64)
        owner = np.repeat(np.arange(len(events)), counts)
        begins = np.asarray(a["occ_start"][rows], dtype=np.float64)
        ends = a["occ_end"][rows]  # compared and subtracted as float64 with `begins`
        later = ends >= now
        return owner[later], begins[later], ends[later]

    def next_start(self, events: np.ndarray, now: float) -> np.ndarray:
        """Per event, when it is next on from `now` (`now` if on now, inf when over)."""
        owner, begins, _ = self._upcoming(events, now)
        out = np.full(len(events), np.inf)
        np.minimum.at(out, owner, np.maximum(begins, now))
        return out

    def next_on(self, events: np.ndarray, now: float) -> tuple[np.ndarray, np.ndarray]:
        """`next_start`, and how long that occurrence lasts, in seconds (inf when over)."""
        owner, begins, ends = self._upcoming(events, now)
        starts = np.maximum(begins, now)
        order = np.lexsort((starts, owner))  # per event, its next occurrence first
        owner, begins, ends, starts = owner[order], begins[order], ends[order], starts[order]
        first = np.r_[True, owner[1:] != owner[:-1]] if len(owner) else np.zeros(0, dtype=bool)
        start, lasting = np.full(len(events), np.inf), np.full(len(events), np.inf)
        start[owner[first]] = starts[first]
        lasting[owner[first]] = ends[first] - begins[first]
        return start, lasting

    def passage_feature(self, name: str, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.arrays[name][rows])

    def feature(self, name: str, events: np.ndarray) -> np.ndarray:
        """One of the per-event arrays (`event_young`, `event_last_end`...) for `events`."""
        return np.asarray(self.arrays[name][events])
