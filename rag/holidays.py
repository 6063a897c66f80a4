"""French school holidays by zone (A, B, C), read from `rag/resources/school-holidays.toml`.

The dates are data, not code: the official calendar for the years the corpora span, plus
rows marked estimated beyond what is published. A place implies its zone through its
department or region; without one, zone C (Paris) is the default and the label says so.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

_FILE = Path(__file__).parent / "resources" / "school-holidays.toml"

KINDS = ("toussaint", "noel", "hiver", "printemps", "ete")


@dataclass(frozen=True, slots=True)
class Holiday:
    kind: str  # one of KINDS
    zone: str  # "A", "B" or "C"
    first: date  # first day without classes
    resume: date  # classes start again (excluded)
    estimated: bool


@dataclass(frozen=True, slots=True)
class _Calendar:
    holidays: tuple[Holiday, ...]
    default_zone: str
    zone_names: dict[str, str]
    department_zone: dict[str, str]
    region_zone: dict[str, str]


@cache
def _calendar() -> _Calendar:
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    holidays = [
        Holiday(row["kind"], zone, row["first"], row["resume"], bool(row.get("estimated")))
        for row in data["holiday"]
        for zone in row["zones"]
    ]
    return _Calendar(
        tuple(sorted(holidays, key=lambda h: (h.first, h.zone))),
        data["default_zone"],
        dict(data["zone_names"]),
        {name: zone for zone, names in data["departments"].items() for name in names},
        {name: zone for zone, names in data["regions"].items() for name in names},
    )


def default_zone() -> str:
    return _calendar().default_zone


def zone_cities(zone: str) -> str:
    """A few cities of a zone, to tell the user which one is meant: 'Paris, Toulouse…'."""
    return _calendar().zone_names[zone]


def zone_of(department: str | None = None, region: str | None = None) -> str | None:
    """The zone of a department or region (canonical French names), if it has one."""
    calendar = _calendar()
    if department and department in calendar.department_zone:
        return calendar.department_zone[department]
    return calendar.region_zone.get(region or "")


def next_holiday(kind: str | None, zone: str, as_of: date) -> Holiday | None:
    """The current or next holiday of that kind (any kind for None) in a zone."""
    for holiday in _calendar().holidays:
        if holiday.zone == zone and kind in (None, holiday.kind) and holiday.resume > as_of:
            return holiday
    return None


def same_holiday(holiday: Holiday) -> list[Holiday]:
    """That holiday in every zone (the same kind in the same school year), zone order."""
    return sorted(
        (
            h
            for h in _calendar().holidays
            if h.kind == holiday.kind and abs((h.first - holiday.first).days) < 60
        ),
        key=lambda h: h.zone,
    )
