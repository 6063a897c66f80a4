"""Date expressions in a question (French or English), resolved to a time window in Python.

Relative words ("ce week-end", "samedi soir", "next week", "pendant les vacances de
février") depend on the day the question is asked, so they are resolved here,
deterministically and testably, and never left to a language model. What each language
says is data (`rag/resources/dates.toml`: words, patterns, labels, keyed by what they
mean); this module computes what each meaning resolves to. Conventions:

- a window is [start, end) in the given time zone; whole days run from 00:00 to 00:00;
- "ce week-end" / "this weekend" is Saturday 00:00 → Monday 00:00; on a Saturday or a
  Sunday it is the current one, from today. "le prochain week-end", "le week-end
  prochain" and "next weekend" are the coming one on a weekday, the following one when
  asked on a Saturday or a Sunday; "le week-end du 6 juin" is the weekend of that day;
- a bare weekday ("samedi", "on Saturday") is the next such day, today included;
  "samedi prochain" / "next Saturday" is the next one strictly after today;
- parts of the day: matin / morning 6 h–12 h, après-midi / afternoon 12 h–18 h,
  soir / evening / night 18 h–24 h, nuit 21 h–6 h. On one day they shape the window; over
  several days ("ce week-end en soirée") they are a daily filter (`DateWindow.hours`);
- seasons are astronomical (printemps 20 March–20 June, été 21 June–22 September,
  automne 23 September–20 December, hiver 21 December–19 March);
- "début", "mi-", "fin" of a month are its first half (1–15), its middle (10–20) and its
  second half (16 to the end): the widest common reading;
- a day, month, season or feast without a year is its next occurrence that has not ended
  on `as_of` (a month includes the current one); a period that contains `as_of` starts at
  `as_of`; "dernier" / "last" and "hier" / "yesterday" name a past window, flagged `past`;
  a question told in the past ("c'était quoi le 1er mai ?", "what did I miss on
  Saturday?") takes the last occurrence instead, unless the expression looks ahead;
- a range ("entre Pâques et la fin avril", "du 20 au 27", "from May 3 to 5") runs from
  the start of its first end to the end of its last one, never its last day only;
- school holidays come from the data table of `rag.holidays`, in the zone the question's
  place implies, else zone C (Paris); the label states the other zones' dates when they
  differ.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Literal, TypeVar, cast
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import TypeAdapter

from rag.french import (
    EN_WEEKDAYS,
    WEEKDAYS,
    date_range,
    day_name,
    month_name,
    on_day,
    until_day,
    weekday_name,
)
from rag.holidays import Holiday, default_zone, next_holiday, same_holiday, zone_cities
from rag.language import Language, detect_language
from rag.text import fold


@dataclass(frozen=True)
class DateWindow:
    """When the question asks about: the retriever keeps events that overlap it."""

    start: datetime  # tz-aware, inclusive
    end: datetime  # tz-aware, exclusive
    expression: str  # the words matched in the question, e.g. "ce week-end"
    label: str  # words for the user: "ce week-end (du samedi 28 au dimanche 29 …)"
    occasion: str | None = None  # a feast named in the question ("Saint-Valentin"): worth searching
    past: bool = False  # the window is over on the day asked ("hier soir", "last week")
    hours: tuple[int, int] | None = None  # a daily band: (18, 24) for "ce week-end en soirée"
    weekdays: tuple[int, ...] | None = None  # only these days (Monday 0): "les lundis de juillet"
    restated: tuple[str, ...] = ()  # the same dates said again in other words, as written
    # "le lendemain", "the following Wednesday": after the dates of the question before,
    # when there is one (rag.query reads them again from its start); else after today
    following: bool = False

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) meets the window (its daily band, when it has one)."""
        return any(start < band_end and end > band_start for band_start, band_end in self.bands())

    def bands(self) -> list[tuple[datetime, datetime]]:
        """The window as disjoint intervals: itself, or its daily `hours` band each day
        (of its `weekdays` only, when it names some)."""
        if self.hours is None and self.weekdays is None:
            return [(self.start, self.end)]
        tz = self.start.tzinfo
        assert isinstance(tz, ZoneInfo)
        first_hour, end_hour = self.hours or (0, 24)
        bands = []
        day = self.start.date() - timedelta(days=1)  # a night band may start the day before
        while _at(day, 0, tz) < self.end:
            first = max(self.start, _at(day, first_hour, tz))
            end = min(self.end, _at(day, end_hour, tz))
            if first < end and (self.weekdays is None or day.weekday() in self.weekdays):
                bands.append((first, end))
            day += timedelta(days=1)
        return bands


def occurrence_overlap(window: DateWindow, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which occurrences ([start, end) as POSIX seconds) overlap the window's bands."""
    bands = window.bands()
    band_start = np.asarray([b[0].timestamp() for b in bands], dtype=np.float64)
    band_end = np.asarray([b[1].timestamp() for b in bands], dtype=np.float64)
    if not len(bands):
        return np.zeros(len(starts), dtype=bool)
    first = np.searchsorted(band_end, starts, side="right")  # first band ending after start
    inside = first < len(bands)
    return inside & (band_start[np.minimum(first, len(bands) - 1)] < ends)


def fold_aligned(text: str) -> str:
    """`rag.text.fold`, one character for one, so that a match maps back onto the question."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded[0] if folded else " ")
    return "".join(out)


# --- vocabulary: rag/resources/dates.toml, keyed by meaning, in each language's words --------

Step = Literal["next", "last"]
Unit = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class _Words:
    """One language's date words (folded), each mapped to what it means."""

    weekday: tuple[str, ...]  # Monday first
    month: dict[str, int]
    ordinal: dict[str, int]  # day numbers in words ("1er")
    rank: dict[str, int]  # of a week in its month ("premiere", "last" = -1)
    number: dict[str, int]
    step: dict[str, Step]
    part: dict[str, str]  # a key of `parts`
    season: dict[str, str]  # a key of `seasons`
    holiday: dict[str, str]  # a kind of rag.holidays
    position: dict[str, str]  # in a month: debut, mi, fin
    unit: dict[str, Unit]
    feast: dict[str, str]  # a feast named alone: a key of `feasts`
    # months that are dates on their own ("concerts juillet"); "mars", "may" need more
    alone: list[str] = dataclass_field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _PartWords:
    name: str  # after a name: "demain soir"
    date: str  # after a date: "le samedi 28 novembre au soir"
    this: str  # today: "ce soir"
    daily: str  # every day: "ce week-end, le soir"


@dataclass(frozen=True, slots=True)
class _Part:
    hours: tuple[int, int]  # first hour, end hour from that day's midnight (30 = 6 h next day)
    words: dict[Language, _PartWords]


@dataclass(frozen=True, slots=True)
class _SeasonWords:
    this: str
    next: str
    last: str
    year: str  # "{year}"


@dataclass(frozen=True, slots=True)
class _Feast:
    names: dict[Language, str]
    occasion: str | None = None  # searched in the corpus when the day's events are themed


@dataclass(frozen=True, slots=True)
class _Table:
    words: dict[Language, _Words]
    fragments: dict[Language, dict[str, str | list[str]]]
    rules: dict[str, dict[Language, str | list[str]]]  # meaning -> its pattern in each language
    labels: dict[str, dict[Language, str]]
    parts: dict[str, _Part]
    seasons: dict[str, dict[Language, _SeasonWords]]
    feasts: dict[str, _Feast]
    holidays: dict[str, dict[Language, str]]  # kind ("" for any) -> its name
    joins: dict[str, dict[Language, str]]  # the words that combine expressions
    tense: dict[str, dict[Language, str]]  # "past": a question told in the past; "ahead"
    hours: dict[Language, dict[str, str]]  # "after", "before", "around" -> a clock time


_FILE = Path(__file__).parent / "resources" / "dates.toml"
_TABLE = TypeAdapter(_Table).validate_python(tomllib.loads(_FILE.read_text(encoding="utf-8")))
T = TypeVar("T")


def _merged(pick: Callable[[_Words], dict[str, T]]) -> dict[str, T]:
    """One map of every language's words (a word means the same wherever it is found)."""
    return {
        word: meaning for words in _TABLE.words.values() for word, meaning in pick(words).items()
    }


_WEEKDAYS = {day: n for words in _TABLE.words.values() for n, day in enumerate(words.weekday)}
_MONTHS = _merged(lambda w: w.month)
_ORDINALS = _merged(lambda w: w.ordinal)
_NUMBERS = _merged(lambda w: w.number)
_RANKS = _merged(lambda w: w.rank)
_STEPS = _merged(lambda w: w.step)
_PART_WORDS = _merged(lambda w: w.part)
_SEASON_WORDS = _merged(lambda w: w.season)
_HOLIDAY_WORDS = _merged(lambda w: w.holiday)


def calendar_words(language: Language | None = None) -> frozenset[str]:
    """The names of weekdays, months and seasons in one language or all, folded ("sunday",
    "aout", "hiver"; the English "march" is no French word's stem then)."""
    tables = [_TABLE.words[language]] if language else list(_TABLE.words.values())
    return frozenset(word for w in tables for word in (*w.weekday, *w.month, *w.season))


_ALONE = frozenset(month for words in _TABLE.words.values() for month in words.alone)
_NUMBER_BEFORE = re.compile(r"\d\s*$")  # "le 31 février": no such day, and no month either
_POSITIONS = _merged(lambda w: w.position)
_UNITS = _merged(lambda w: w.unit)
_FEAST_WORDS = _merged(lambda w: w.feast)
_PARTS = _TABLE.parts
_THIS_PARTS = {lang: {p.words[lang].this for p in _PARTS.values()} for lang in _TABLE.words}

YEAR = r"20\d\d\b"
_SLOT = re.compile(r"\$\{(\w+)(?::(\w+))?\}")


def _joined(pattern: str | list[str]) -> str:
    return pattern if isinstance(pattern, str) else "".join(pattern)


def _fragments(language: Language) -> dict[str, str]:
    """The pattern pieces of a language: made from its words, then its own."""
    words = _TABLE.words[language]
    made = {
        "WEEKDAY": "|".join(words.weekday),
        "MONTH": "(?:" + "|".join(sorted(words.month, key=len, reverse=True)) + r")\b",
        "NUM": r"(?:\d{1,3}|" + "|".join(sorted(words.number, key=len, reverse=True)) + r")\b",
        "RANK": "(?:" + "|".join(sorted(words.rank, key=len, reverse=True)) + r")\b",
        "YEAR": YEAR,
    }
    return made | {name: _joined(p) for name, p in _TABLE.fragments.get(language, {}).items()}


def _expand(pattern: str, fragments: dict[str, str], tag: str = "") -> str:
    """`pattern` with its `${NAME}` and `${NAME:tag}` fragments inserted (`${t}`: the tag)."""

    def insert(m: re.Match[str]) -> str:
        if m[1] == "t":
            return tag
        return _expand(fragments[m[1]], fragments, m[2] or tag)

    return _SLOT.sub(insert, pattern)


def _part_key(part: str) -> str:
    return _PART_WORDS[part.replace(" ", "").replace("-", "")]


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    n = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * n) // 451
    month, day = divmod(h + n - 7 * m + 114, 31)
    return date(year, month, day + 1)


# --- resolution ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    as_of: date
    tz: ZoneInfo
    language: Language = "fr"
    zone: str | None = None  # school holiday zone the question's place implies

    def label(self, meaning: str, **values: object) -> str:
        """How `meaning` reads in the question's language (`labels` of dates.toml)."""
        return _label(meaning, self.language, **values)


def _label(meaning: str, language: Language, **values: object) -> str:
    text = _TABLE.labels[meaning][language]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class _Span:
    start: datetime
    end: datetime
    label: str
    occasion: str | None = None
    hours: tuple[int, int] | None = None
    loose: bool = False  # only a date as one end of a range ("Pâques", "le 20", "avril")
    day_only: int | None = None  # a day number without its month ("le 20")
    articled: bool = True  # a day number said as a date ("le 20", "the 20th"), not "20"
    awaited: bool = False  # "d'ici l'été" means until it starts (seasons, holidays)
    weekdays: tuple[int, ...] | None = None  # `DateWindow.weekdays`
    following: bool = False  # `DateWindow.following`


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=tz)


def _short_day(value: date, month: bool, language: Language) -> str:
    number = ("1er" if language == "fr" else "1") if value.day == 1 else str(value.day)
    words = f"{weekday_name(value, language)} {number}"
    return f"{words} {month_name(value.month, language)}" if month else words


def describe_days(first: date, last: date, language: Language = "fr") -> str:
    """'le samedi 28 novembre 2026', 'du samedi 28 au dimanche 29 novembre 2026'."""
    if first == last:
        return on_day(first, language)
    if (last - first).days > 14:
        return date_range(first, last, language)
    days = _TABLE.labels["days"][language]
    if first.year != last.year:
        return days.format(first=day_name(first, language), last=day_name(last, language))
    month = first.month != last.month
    return days.format(first=_short_day(first, month, language), last=day_name(last, language))


def _days(
    c: _Ctx, first: date, last: date, name: str | None = None, occasion: str | None = None
) -> _Span:
    """Whole days from `first` to `last` included; a period under way starts today."""
    first = max(first, c.as_of) if last >= c.as_of else first
    words = describe_days(first, last, c.language)
    label = f"{name} ({words})" if name else words
    return _Span(_at(first, 0, c.tz), _at(last, 24, c.tz), label, occasion)


def _day_part(c: _Ctx, day: date, part: str | None, name: str | None = None) -> _Span:
    """One day, or a part of it ('samedi soir', 'Saturday night')."""
    if not part:
        return _days(c, day, day, name)
    p = _PARTS[_part_key(part)]
    words = p.words[c.language]
    on = on_day(day, c.language)
    if not name:
        label = f"{on} {words.date}"
    elif name in _THIS_PARTS[c.language]:
        label = f"{name} ({on})"
    else:
        label = f"{name} {words.name} ({on})"
    first, end = p.hours
    return _Span(_at(day, first, c.tz), _at(day, end, c.tz), label, hours=p.hours)


def _next_date(c: _Ctx, month: int, day: int, year: int | None = None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        found = date(c.as_of.year, month, day)
        return found if found >= c.as_of else date(c.as_of.year + 1, month, day)
    except ValueError:
        return None


def _next_period(c: _Ctx, period: Callable[[int], tuple[date, date]]) -> tuple[date, date]:
    """The first yearly period (first, last day) that has not ended on `as_of`."""
    for year in (c.as_of.year - 1, c.as_of.year, c.as_of.year + 1):
        first, last = period(year)
        if last >= c.as_of:
            return first, last
    raise AssertionError("a yearly period always recurs within two years")


def _last_period(c: _Ctx, period: Callable[[int], tuple[date, date]]) -> tuple[date, date]:
    """The last yearly period (first, last day) that ended before `as_of`."""
    for year in (c.as_of.year, c.as_of.year - 1, c.as_of.year - 2):
        first, last = period(year)
        if last < c.as_of:
            return first, last
    raise AssertionError("a yearly period always recurs within two years")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def number_words() -> Mapping[str, int]:
    """Numbers said in words, in every language ("deux", "fifteen"): dates.toml's."""
    return MappingProxyType(_NUMBERS)


def _day_number(word: str) -> int:
    return int(word) if word.isdigit() else _ORDINALS[word]


def _day_of(m: re.Match[str], tag: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as written; None where the question leaves them out. Groups:
    `{tag}d`/`{tag}m`/`{tag}y` (or `d2`, `m2`: the other order), `{tag}nd`/`nm`/`ny` (14/07)."""
    g = m.groupdict()
    if g.get(f"{tag}nd"):
        year = g[f"{tag}ny"]
        full = None if not year else int(year) if len(year) == 4 else 2000 + int(year)
        return full, int(g[f"{tag}nm"]), int(g[f"{tag}nd"])
    day = g.get(f"{tag}d") or g.get(f"{tag}d2")
    month, year = g.get(f"{tag}m") or g.get(f"{tag}m2"), g.get(f"{tag}y")
    return (
        int(year) if year else None,
        _MONTHS[month] if month else None,
        _day_number(day) if day else None,
    )


def _single_date(m: re.Match[str], c: _Ctx, tag: str = "p") -> date | None:
    year, month, day = _day_of(m, tag)
    if month is None or day is None or not 1 <= month <= 12:
        return None
    found = _next_date(c, month, day, year)
    weekday = _WEEKDAYS.get(m.groupdict().get(f"{tag}w") or "")
    if found is None or year is not None or weekday is None or found.weekday() == weekday:
        return found
    # "samedi 17 mai" said when the next 17 May is a Sunday: the year whose 17 May is a
    # Saturday, the last one before the next one after
    for other in (found.year - 1, found.year + 1):
        with suppress(ValueError):
            if date(other, month, day).weekday() == weekday:
                return date(other, month, day)
    return found


def _said_date(m: re.Match[str], c: _Ctx) -> date | None:
    """A date as written, or the next day of that number when its month is left out ("le
    week-end du 12")."""
    _, month, day = _day_of(m, "p")
    if month is None and day is not None:
        return _next_day_numbered(c, day)
    return _single_date(m, c)


def _range_dates(m: re.Match[str], c: _Ctx) -> tuple[date, date] | None:
    """'du 28 avril au 2 mai': the end decides the year, the start borrows what it lacks."""
    last = _single_date(m, c, "q")
    if last is None:
        return None
    year, month, day = _day_of(m, "p")
    month = month or last.month
    if day is None:
        return None
    if year is None:
        year = last.year if (month, day) <= (last.month, last.day) else last.year - 1
    try:
        first = date(year, month, day)
    except ValueError:
        return None
    return (first, last) if first <= last else None


def _weekday_date(c: _Ctx, target: int, step: str | None = None) -> date:
    """The next such weekday (today included); 'next': strictly after; 'last': before."""
    if step == "last":
        return c.as_of - timedelta(days=(c.as_of.weekday() - target - 1) % 7 + 1)
    ahead = (target - c.as_of.weekday()) % 7
    if step == "next" and ahead == 0:
        ahead = 7
    return c.as_of + timedelta(days=ahead)


def _weekday(m: re.Match[str], c: _Ctx, step: str | None = None) -> date:
    return _weekday_date(c, _WEEKDAYS[m["wd"]], step)


HABIT_DAYS = 91  # "le dimanche" as a habit: the Sundays of the season to come


def _season_ahead(c: _Ctx) -> _Span:
    """The days a habit spans ("le dimanche", "en semaine", "les week-ends")."""
    return _days(c, c.as_of, c.as_of + timedelta(days=HABIT_DAYS - 1))


# "un samedi", "on a Saturday": any of them, as "le samedi" is
_HABIT_LEADS = frozenset(
    {"le", "les", "tous les", "chaque", "un", "every", "a", "any", "on a", "on any"}
)


def _weekday_rule(m: re.Match[str], c: _Ctx, language: Language) -> _Span:
    """'dimanche', 'next Sunday': that day; 'le dimanche', 'on Sundays': those days for
    HABIT_DAYS, as a follow-up says them of the window asked before (`rag.query`)."""
    lead = " ".join((m["lead"] or "").split())
    if m["step"] or not (lead in _HABIT_LEADS or (language == "en" and m["pl"])):
        return _day_part(c, _weekday(m, c, _STEPS.get(m["step"] or "")), m["part"])
    days = _season_ahead(c)
    hours = _PARTS[_part_key(m["part"])].hours if m["part"] else None
    return _habit(c, days, (_WEEKDAYS[m["wd"]],), hours)


def _working_days(m: re.Match[str], c: _Ctx) -> _Span:
    """'en semaine', 'weekday evenings': Monday to Friday, a habit over the season to come."""
    days = _season_ahead(c)
    part = "soir" if m.groupdict().get("night") else _part_key(m["part"]) if m["part"] else None
    label = f"{c.label('working_days')} ({days.label})"
    if part is not None:
        label = f"{label}, {_PARTS[part].words[c.language].daily}"
    return replace(
        days, label=label, weekdays=(0, 1, 2, 3, 4), hours=_PARTS[part].hours if part else None
    )


def _habit(c: _Ctx, days: _Span, weekdays: tuple[int, ...], hours: tuple[int, int] | None) -> _Span:
    """The span of `days` on these weekdays only: "le samedi et le dimanche (du … au …)"."""
    names = WEEKDAYS if c.language == "fr" else [d.capitalize() for d in EN_WEEKDAYS]
    said = [c.label("habit", day=names[d]) for d in weekdays]
    if len(said) > 1:
        said = [c.label("and", first=", ".join(said[:-1]), last=said[-1])]
    label = f"{said[0]} ({days.label})"
    return replace(days, label=label, weekdays=weekdays, hours=hours)


def _weekend(c: _Ctx, weeks_later: int = 0) -> tuple[date, date]:
    saturday = c.as_of + timedelta(days=(5 - c.as_of.weekday()) % 7)
    if c.as_of.weekday() == 6:
        saturday = c.as_of - timedelta(days=1)
    saturday += timedelta(weeks=weeks_later)
    return saturday, saturday + timedelta(days=1)


def _following_weekend(c: _Ctx) -> tuple[date, date]:
    """'le week-end prochain': the coming one on a weekday, the one after on a weekend."""
    return _weekend(c, 1 if c.as_of.weekday() >= 5 else 0)


def _weekend_of(day: date | None) -> tuple[date, date] | None:
    """'le week-end du 6 juin': the weekend that day is in; a weekday's is the long weekend
    it makes with the nearest one ('le week-end du 14 juillet', a Tuesday: Saturday 11 to
    Tuesday 14; 'le pont du 8 mai', a Friday: Friday to Sunday)."""
    if day is None:
        return None
    if day.weekday() >= 5:
        saturday = day - timedelta(days=day.weekday() - 5)
        return saturday, saturday + timedelta(days=1)
    saturday, sunday = _nearest_weekend(day)
    return min(saturday, day), max(sunday, day)


def _nearest_weekend(day: date) -> tuple[date, date]:
    """The weekend a day is in or next to ("le week-end de la Toussaint" on a Monday 1st
    is the one before it, on a Thursday the one after)."""
    saturday = day + timedelta(days=5 - day.weekday())
    if day.weekday() <= 2:
        saturday -= timedelta(days=7)
    return saturday, saturday + timedelta(days=1)


def _last_weekend(c: _Ctx) -> tuple[date, date]:
    """The weekend before the current one (on a Saturday or Sunday, a week earlier)."""
    saturday = c.as_of - timedelta(days=c.as_of.weekday() + 2)
    return saturday, saturday + timedelta(days=1)


def _week(c: _Ctx, weeks_later: int, name: str) -> _Span:
    monday = c.as_of - timedelta(days=c.as_of.weekday()) + timedelta(weeks=weeks_later)
    return _days(c, monday, monday + timedelta(days=6), name)


def _coming_year(c: _Ctx, month: int) -> int:
    """The year of a month named without one: this year's, or next year's once it is past."""
    return c.as_of.year if month >= c.as_of.month else c.as_of.year + 1


def _month_span(c: _Ctx, month: int, year: int | None, position: str | None) -> _Span | None:
    first = date(year or _coming_year(c, month), month, 1)
    last = add_months(first, 1) - timedelta(days=1)
    name = f"{month_name(month, c.language)} {first.year}"
    if position == "debut":
        last = first.replace(day=15)
    elif position == "mi":
        first, last = first.replace(day=10), first.replace(day=20)
    elif position == "fin":
        first = first.replace(day=16)
    return _days(c, first, last, c.label(f"month_{position}", month=name) if position else name)


def _relative_month(c: _Ctx, months: int) -> _Span | None:
    moved = add_months(c.as_of.replace(day=1), months)
    return _month_span(c, moved.month, moved.year, None)


def add_months(value: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    for day in (value.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


_SEASONS = {  # folded name -> (first (month, day), last (month, day)), astronomical
    "printemps": ((3, 20), (6, 20)),
    "ete": ((6, 21), (9, 22)),
    "automne": ((9, 23), (12, 20)),
    "hiver": ((12, 21), (3, 19)),
}


def _season_period(name: str) -> Callable[[int], tuple[date, date]]:
    (m1, d1), (m2, d2) = _SEASONS[name]

    def period(year: int) -> tuple[date, date]:
        return date(year, m1, d1), date(year + (m2 < m1), m2, d2)

    return period


def _season(c: _Ctx, word: str, step: str | None, year: int | None) -> _Span:
    """'cet été', 'l'été prochain', 'l'été 2027', 'l'été dernier' and English alike."""
    name = _SEASON_WORDS.get(word, word)
    words = _TABLE.seasons[name][c.language]
    period = _season_period(name)
    if year is not None:
        label = words.year.format(year=year)
        first, last = period(year)
    elif step == "last":
        first, last = _last_period(c, period)
        label = words.last
    else:
        first, last = _next_period(c, period)
        if step == "next" and first <= c.as_of:
            first, last = period(first.year + 1)
        label = words.next if step == "next" else words.this
    return replace(_days(c, first, last, label), awaited=True)


SEASON_PART_DAYS = 31  # "fin de l'été": its last month or so


def _season_part(c: _Ctx, word: str, position: str, year: int | None) -> _Span:
    """'fin de l'été', 'début de l'automne 2026', 'late summer': a month at one end of the
    season, or in its middle; not awaited ("d'ici la fin de l'hiver" runs until it ends)."""
    name = _SEASON_WORDS.get(word, word)
    period = _season_period(name)
    first, last = period(year) if year is not None else _next_period(c, period)
    part = timedelta(days=SEASON_PART_DAYS - 1)
    if position == "debut":
        last = min(last, first + part)
    elif position == "fin":
        first = max(first, last - part)
    else:
        middle = first + (last - first) / 2
        first, last = middle - part / 2, middle + part / 2
    season = _TABLE.seasons[name][c.language].year.format(year=first.year)
    return _days(c, first, last, c.label(f"season_{position}", season=season))


def _feast(
    c: _Ctx, name: str, period: Callable[[int], tuple[date, date]], occasion: str | None
) -> _Span:
    first, last = _next_period(c, period)
    return _days(c, first, last, name, occasion)


def _heritage_days(year: int) -> tuple[date, date]:
    """The Journées européennes du patrimoine: the third weekend of September."""
    first = date(year, 9, 1)
    saturday = first + timedelta(days=(5 - first.weekday()) % 7 + 14)
    return saturday, saturday + timedelta(days=1)


def _paques(year: int) -> tuple[date, date]:
    return _easter(year) - timedelta(days=1), _easter(year) + timedelta(days=1)


# The yearly period of each feast of `feasts` (dates.toml has their names and occasions).
_FEAST_PERIODS: dict[str, Callable[[int], tuple[date, date]]] = {
    "noel": lambda y: (date(y, 12, 24), date(y, 12, 25)),
    "noel_jour": lambda y: (date(y, 12, 25), date(y, 12, 25)),
    "jour_an": lambda y: (date(y, 1, 1), date(y, 1, 1)),
    "nouvel_an": lambda y: (date(y - 1, 12, 31), date(y, 1, 1)),
    "valentin": lambda y: (date(y, 2, 14), date(y, 2, 14)),
    "musique": lambda y: (date(y, 6, 21), date(y, 6, 21)),
    "nationale": lambda y: (date(y, 7, 14), date(y, 7, 14)),
    "halloween": lambda y: (date(y, 10, 31), date(y, 10, 31)),
    "paques": _paques,
    "pentecote": lambda y: (_easter(y) + timedelta(days=48), _easter(y) + timedelta(days=50)),
    "ascension": lambda y: (_easter(y) + timedelta(days=39), _easter(y) + timedelta(days=42)),
    "paques_jour": lambda y: (_easter(y), _easter(y) + timedelta(days=1)),
    "paques_dimanche": lambda y: (_easter(y), _easter(y)),
    "paques_lundi": lambda y: (_easter(y) + timedelta(days=1), _easter(y) + timedelta(days=1)),
    "toussaint": lambda y: (date(y, 11, 1), date(y, 11, 1)),
    "armistice": lambda y: (date(y, 11, 11), date(y, 11, 11)),
    "travail": lambda y: (date(y, 5, 1), date(y, 5, 1)),
    "victoire": lambda y: (date(y, 5, 8), date(y, 5, 8)),
    "assomption": lambda y: (date(y, 8, 15), date(y, 8, 15)),
    "patrimoine": _heritage_days,
    "rentree": lambda y: (date(y, 9, 1), date(y, 9, 30)),  # "à la rentrée": September
}


def _named_feast(c: _Ctx, key: str, loose: bool = False) -> _Span:
    feast = _TABLE.feasts[key]
    span = _feast(c, feast.names[c.language], _FEAST_PERIODS[key], feast.occasion)
    return replace(span, loose=loose)


def _holiday_span(
    c: _Ctx, word: str | None, zone: str | None = None, year: int | None = None
) -> _Span | None:
    """The current or next holidays of that kind; of that year when one is said ("les
    vacances d'été 2026": the year is the holidays', not a topic)."""
    kind = _HOLIDAY_WORDS.get(word, word) if word else None
    zone = zone or c.zone
    used = zone or default_zone()
    found = next_holiday(kind, used, c.as_of if year is None else date(year, 1, 1))
    while found is not None and year is not None and found.first.year < year:
        found = next_holiday(kind, used, found.resume)  # Christmas of the year before
    if found is None:
        return None
    last = found.resume - timedelta(days=1)
    first = max(found.first, c.as_of) if found.resume > c.as_of else found.first
    name = c.label("during", holidays=_TABLE.holidays[kind or ""][c.language])
    if found.estimated:
        name += c.label("estimated")
    words = describe_days(first, last, c.language)
    others = [h for h in same_holiday(found) if h.zone != used]
    if all((h.first, h.resume) == (found.first, found.resume) for h in others):
        label = f"{name} ({words})"
    elif zone:
        label = f"{name} (zone {used}{c.label('colon')} {words})"
    else:
        label = _zones_label(c, name, used, words, others)
    span = _Span(_at(first, 0, c.tz), _at(last, 24, c.tz), label)
    return replace(span, awaited=True)


def _zones_label(c: _Ctx, name: str, used: str, words: str, others: list[Holiday]) -> str:
    """The default zone's dates, then the other zones': the user knows which is theirs."""
    colon, semicolon = c.label("colon"), c.label("semicolon")
    parts = [f"zone {used}, {zone_cities(used)}{colon} {words}"]
    parts += [
        f"zone {h.zone}{colon} {date_range(h.first, h.resume - timedelta(days=1), c.language)}"
        for h in others
    ]
    parts.append(c.label("name_your_city"))
    return f"{name} ({f'{semicolon} '.join(parts)})"


# how many when the question does not say; "les prochains mois", "the coming months" ask
# about half a year ahead, as people planning a stay or a move mean it (dev split of eval/)
_UPCOMING = {"day": 7, "week": 4, "month": 6}


def _upcoming(c: _Ctx, count: int | None, word: str) -> _Span:
    """'les 15 prochains jours': today and the 15 days after it."""
    unit = _UNITS[word]
    count = count or _UPCOMING[unit]
    if unit == "month":
        end = add_months(c.as_of, count)
    else:
        end = c.as_of + timedelta(days=count * (7 if unit == "week" else 1))
    return _days(c, c.as_of, end, c.label(f"upcoming_{unit}", n=count))


def _in(c: _Ctx, count: int, unit: str, name: str) -> _Span:
    """'dans 3 jours' is that day; 'dans 2 semaines' is that week, Monday to Sunday."""
    if _UNITS[unit] == "week":
        day = c.as_of + timedelta(weeks=count)
        monday = day - timedelta(days=day.weekday())
        return _days(c, monday, monday + timedelta(days=6), name)
    day = c.as_of + timedelta(days=count)
    return _days(c, day, day, name)


_DAY = timedelta(days=1)


def _earlier_this(m: re.Match[str], c: _Ctx, language: Language) -> _Span:
    """'earlier this month': from its first day to yesterday (today when it is the first)."""
    first = c.as_of.replace(day=1) if m["m"] or m["m2"] else c.as_of - timedelta(c.as_of.weekday())
    last = max(first, c.as_of - _DAY)
    return _Span(_at(first, 0, c.tz), _at(last, 24, c.tz), describe_days(first, last, c.language))


def _following(span: _Span) -> _Span:
    return replace(span, following=True)


def _week_after(c: _Ctx) -> _Span:
    monday = c.as_of + timedelta(days=7 - c.as_of.weekday())
    return _days(c, monday, monday + timedelta(days=6))


def _weekday_day(c: _Ctx, weekday: int, number: int, part: str | None) -> _Span | None:
    """'dimanche 26': the next 26th that falls on a Sunday, within a year ('dimanche 26
    au soir': its evening)."""
    first = c.as_of.replace(day=1)
    for months in range(13):
        with suppress(ValueError):
            day = add_months(first, months).replace(day=number)
            if day >= c.as_of and day.weekday() == weekday:
                return _day_part(c, day, part)
    return None


def _from_today(m: re.Match[str], c: _Ctx, language: Language) -> _Span:
    """'two weeks from today' is that very day; "d'aujourd'hui en huit" (en quinze) a week
    (two) from today."""
    unit = m.groupdict().get("u")
    count = _number(m["n"]) if unit else {"huit": 7, "quinze": 14}[m["n"]]
    days = count * 7 if unit and _UNITS[unit] == "week" else count
    said = m["n"] if unit else str(count)
    day = c.as_of + timedelta(days=days)
    return _days(c, day, day, _label("from_today", language, n=said, unit=unit or ""))


def _ago(c: _Ctx, count: int, unit: str, name: str) -> _Span:
    """'il y a 3 jours' is that day; 'il y a 2 semaines' is that week."""
    return _in(c, -count, unit, name)


def _from_day(c: _Ctx, first: date | None) -> _Span | None:
    if first is None:
        return None
    first = max(first, c.as_of)
    return _Span(
        _at(first, 0, c.tz),
        _at(add_months(first, 12), 0, c.tz),
        c.label("from_day", day=day_name(first, c.language)),
    )


def _until_day(c: _Ctx, last: date | None) -> _Span | None:
    if last is None or last < c.as_of:
        return None
    return _Span(_at(c.as_of, 0, c.tz), _at(last, 24, c.tz), until_day(last, c.language))


def _loose_day(m: re.Match[str], c: _Ctx) -> _Span | None:
    """A day number alone ('le 20', 'the 20th'): only one end of a range or a limit."""
    day = _day_number(m["d"])
    if not 1 <= day <= 31:
        return None
    articled = bool(m["art"] or m.groupdict().get("ord"))
    today = _at(c.as_of, 0, c.tz)
    return _Span(today, today, "", loose=True, day_only=day, articled=articled)


def _next_day_numbered(c: _Ctx, day: int) -> date | None:
    """The next date with that day number, today included."""
    for months in range(3):
        base = add_months(c.as_of.replace(day=1), months)
        try:
            found = base.replace(day=day)
        except ValueError:
            continue
        if found >= c.as_of:
            return found
    return None


def _numbered_day(m: re.Match[str], c: _Ctx, language: Language) -> _Span | None:
    """'le soir du 21', 'le 14', 'on the 3rd': the next day with that number."""
    return _part_of(m, c, _next_day_numbered(c, _day_number(m["d"])))


def _part_of(m: re.Match[str], c: _Ctx, day: date | None) -> _Span | None:
    """'le soir du 14 juillet', 'the evening of July 14'."""
    return _day_part(c, day, m["part"]) if day else None


def _period_part(m: re.Match[str], c: _Ctx) -> _Span | None:
    """'début de la semaine prochaine' (Monday to Wednesday), 'mi-semaine prochaine'
    (Wednesday, Thursday), 'the end of next week' (Friday on); of next month, as a month's."""
    position = _position(m["pos"])
    if _UNITS[m["u"]] == "month":
        moved = add_months(c.as_of.replace(day=1), 1)
        return _month_span(c, moved.month, moved.year, position)
    monday = c.as_of - timedelta(days=c.as_of.weekday()) + timedelta(weeks=1)
    first, last = {"debut": (0, 2), "mi": (2, 3), "fin": (4, 6)}[position]
    return _days(c, monday + timedelta(days=first), monday + timedelta(days=last))


def _end_of(c: _Ctx, unit: Unit) -> _Span:
    """'la fin du mois' / 'the end of the month': its second half; of a week, Friday on."""
    if unit == "month":
        last = add_months(c.as_of.replace(day=1), 1) - timedelta(days=1)
        return _days(c, last.replace(day=16), last, c.label("end_of_month"))
    if unit == "year":
        year = c.as_of.year
        return _days(c, date(year, 12, 16), date(year, 12, 31), c.label("end_of_year"))
    sunday = c.as_of + timedelta(days=6 - c.as_of.weekday())
    return _days(c, sunday - timedelta(days=2), sunday, c.label("end_of_week"))


# --- rules: how each meaning of `rules` in dates.toml resolves ------------------------------
# A resolver gets the match, the context and the language of the pattern that matched (the
# words said are labelled in that language; what is computed, in the question's).

_Resolver = Callable[[re.Match[str], _Ctx, Language], "_Span | None"]


def _said_day(days: int, meaning: str) -> _Resolver:
    """'demain', 'hier soir': a day counted from today, named as said."""
    return lambda m, c, lang: _day_part(
        c, c.as_of + timedelta(days=days), m["part"], _label(meaning, lang)
    )


def _feast_rule(key: str) -> _Resolver:
    return lambda m, c, lang: _named_feast(_in_year(m, c), key)


def _loose_feast(m: re.Match[str], c: _Ctx, lang: Language) -> _Span:
    """A bare feast name dates only one end of a range, unless its year follows: "Noël 2026"."""
    key = _FEAST_WORDS[m["f"].split()[-1]]
    return _named_feast(_in_year(m, c), key, loose=not m["feast_year"])


def _in_year(m: re.Match[str], c: _Ctx) -> _Ctx:
    """The context a feast is read in: from the start of the year said after it, if any."""
    year = m["feast_year"]
    return replace(c, as_of=date(int(year), 1, 1)) if year else c


def _this_week(c: _Ctx, name: str) -> _Span:
    return _days(c, c.as_of, c.as_of + timedelta(days=6 - c.as_of.weekday()), name)


def _year(c: _Ctx, year: int, name: str) -> _Span:
    return _days(c, date(year, 1, 1), date(year, 12, 31), name)


def _holiday_word(m: re.Match[str]) -> str | None:
    found = m.groupdict()
    word = m["k"] or found.get("k2") or found.get("k3") or found.get("k4")
    return " ".join(word.split()).rstrip("'") if word else None


def _upcoming_rule(m: re.Match[str], c: _Ctx, lang: Language) -> _Span:
    found = m.groupdict()
    count = found["n"] or found.get("n2") or found.get("n3")
    unit = found["u"] or found.get("u2") or found["u3"]
    return _upcoming(c, _number(count) if count else None, unit)


_RESOLVERS: dict[str, _Resolver] = {
    "today": _said_day(0, "today"),
    "tonight": lambda m, c, lang: _day_part(c, c.as_of, "soir", _label("tonight", lang)),
    "this_part": lambda m, c, lang: _day_part(
        c, c.as_of, m["part"], _PARTS[_part_key(m["part"])].words[lang].this
    ),
    "day_after_tomorrow": _said_day(2, "day_after_tomorrow"),
    "tomorrow": _said_day(1, "tomorrow"),
    "day_before_yesterday": _said_day(-2, "day_before_yesterday"),
    "yesterday": _said_day(-1, "yesterday"),
    "last_night": lambda m, c, lang: _day_part(
        c, c.as_of - timedelta(days=1), "soir", _label("yesterday", lang)
    ),
    "weekday": _weekday_rule,
    "date": lambda m, c, lang: _dated(m, c),
    "part_of_date": lambda m, c, lang: _part_of(m, c, _single_date(m, c)),
    "part_of_weekday": lambda m, c, lang: _part_of(m, c, _weekday(m, c)),
    "part_of_day_number": _numbered_day,
    "day_number": _numbered_day,  # "le 14 au soir": the same, its part of the day optional
    "this_weekend": lambda m, c, lang: _days(c, *_weekend(c), c.label("this_weekend")),
    "next_weekend": lambda m, c, lang: _days(
        c, *_following_weekend(c), _label("next_weekend", lang)
    ),
    "weekend_after_next": lambda m, c, lang: _days(
        c, *_weekend(c, 2 if c.as_of.weekday() >= 5 else 1), _label("weekend_after_next", lang)
    ),
    "last_weekend": lambda m, c, lang: _days(c, *_last_weekend(c), _label("last_weekend", lang)),
    "weekend_of": lambda m, c, lang: _weekend_span(c, _weekend_of(_said_date(m, c))),
    "week_of": lambda m, c, lang: _week_of(c, _said_date(m, c)),
    "week_of_month": lambda m, c, lang: _week_of_month(m, c),
    "this_week": lambda m, c, lang: _this_week(c, _label("this_week", lang)),
    "next_week": lambda m, c, lang: _week(c, 1, _label("next_week", lang)),
    "week_after_next": lambda m, c, lang: _week(c, 2, _label("week_after_next", lang)),
    "last_week": lambda m, c, lang: _week(c, -1, _label("last_week", lang)),
    "this_month": lambda m, c, lang: _month_span(c, c.as_of.month, c.as_of.year, None),
    "earlier_this": _earlier_this,
    "next_month": lambda m, c, lang: _relative_month(c, 1),
    "last_month": lambda m, c, lang: _relative_month(c, -1),
    "end_of": lambda m, c, lang: _end_of(c, _UNITS[m[0].split()[-1]]),
    "period_part": lambda m, c, lang: _period_part(m, c),
    "working_days": lambda m, c, lang: _working_days(m, c),
    "weekends": lambda m, c, lang: _habit(c, _season_ahead(c), (5, 6), None),
    "month": lambda m, c, lang: _month(m, c),
    "year": lambda m, c, lang: _year(c, int(m["y"]), _label("year", lang, year=m["y"])),
    "this_year": lambda m, c, lang: _days(
        c, c.as_of, date(c.as_of.year, 12, 31), _label("this_year", lang)
    ),
    "last_year": lambda m, c, lang: _year(c, c.as_of.year - 1, _label("last_year", lang)),
    "season": lambda m, c, lang: _season(
        c,
        m["s"] or m["s2"],
        _STEPS.get(m["step"] or ""),
        int(year) if (year := m["y"] or m.groupdict().get("y2")) else None,
    ),
    "season_part": lambda m, c, lang: _season_part(
        c,
        m["s"],
        _position(m["pos"]),
        int(m["y"]) if m["y"] else None,
    ),
    "holidays": lambda m, c, lang: _holiday_span(
        c,
        _holiday_word(m),
        (m["z"] or m["z2"] or "").upper() or None,
        int(year) if (year := m.groupdict().get("y") or m.groupdict().get("y3")) else None,
    ),
    "in_days": lambda m, c, lang: _in(
        c, _number(m["n"]), m["u"], _label("in_days", lang, n=m["n"], unit=m["u"])
    ),
    "in_fortnight": lambda m, c, lang: _in(c, 14, "day", _label("in_fortnight", lang)),
    "weekday_day": lambda m, c, lang: _weekday_day(
        c, _WEEKDAYS[m["wd"]], _day_number(m["d"]), m["part"]
    ),
    "next_day": lambda m, c, lang: _following(_days(c, c.as_of + _DAY, c.as_of + _DAY)),
    "following_weekday": lambda m, c, lang: _following(
        _day_part(c, _weekday_date(c, _WEEKDAYS[m["wd"] or m["wd2"]], "next"), None)
    ),
    "following_week": lambda m, c, lang: _following(_week_after(c)),
    "from_today": _from_today,
    "days_ago": lambda m, c, lang: _ago(
        c, _number(m["n"]), m["u"], _label("days_ago", lang, n=m["n"], unit=m["u"])
    ),
    "upcoming": _upcoming_rule,
    "range": lambda m, c, lang: _range(m, c),
    "between": lambda m, c, lang: _range(m, c),
    "day_range": lambda m, c, lang: _range(m, c),
    **{key: _feast_rule(key) for key in _TABLE.feasts},
    # loose ends: only dates as one end of a range or a limit ("entre Pâques et…")
    "feast_weekend": lambda m, c, lang: _weekend_span(
        c, _nearest_weekend(_next_period(c, _FEAST_PERIODS[_FEAST_WORDS[m["f"].split()[-1]]])[0])
    ),
    "loose_feast": _loose_feast,
    "loose_day": lambda m, c, lang: _loose_day(m, c),
}


def _week_of(c: _Ctx, day: date | None) -> _Span | None:
    """'la semaine du 17 novembre': Monday to Sunday of the week that day is in."""
    if day is None:
        return None
    monday = day - timedelta(days=day.weekday())
    return _days(c, monday, monday + timedelta(days=6), c.label("week"))


def _week_of_month(m: re.Match[str], c: _Ctx) -> _Span:
    """'la première semaine de juillet': days 1 to 7 (the last: the month's last 7 days);
    'le premier week-end de juillet': the month's first Saturday and the Sunday after; 'le
    premier samedi de juillet': that Saturday."""
    month = _MONTHS[m["m"]]
    first = date(int(m["y"]) if m["y"] else _coming_year(c, month), month, 1)
    last = add_months(first, 1) - timedelta(days=1)
    rank = _RANKS[m["rank"]]
    if m["u"] in ("semaine", "week"):
        start = last - timedelta(days=6) if rank < 0 else first + timedelta(days=7 * (rank - 1))
        name = f"{month_name(month, c.language)} {first.year}"
        return _days(c, start, start + timedelta(days=6), name)
    if m["u"] in _WEEKDAYS:  # 'le premier samedi de juillet', 'the last Sunday of August'
        weekday = _WEEKDAYS[m["u"]]
        if rank < 0:
            day = last - timedelta(days=(last.weekday() - weekday) % 7)
        else:
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (rank - 1))
        return _days(c, day, day)  # ranks go to the 4th: always inside the month
    saturday = first + timedelta(days=(5 - first.weekday()) % 7)
    if rank < 0:
        saturday += timedelta(days=7 * ((last - saturday).days // 7))
    else:
        saturday += timedelta(days=7 * (rank - 1))
    return _days(c, saturday, saturday + timedelta(days=1), c.label("weekend"))


def _weekend_span(c: _Ctx, days: tuple[date, date] | None) -> _Span | None:
    return _days(c, *days, c.label("weekend")) if days else None


def _dated(m: re.Match[str], c: _Ctx) -> _Span | None:
    # A bare '14/07' needs two digits on each side: '3/5' is more often a fraction.
    g = m.groupdict()
    day, month = g.get("pnd") or "", g.get("pnm") or ""
    if day and not g.get("le") and not g.get("pny") and (len(day) < 2 or len(month) < 2):
        return None
    day = _single_date(m, c)
    return _day_part(c, day, m["part"]) if day else None


def _position(said: str) -> str:
    """The part of a period a position word names ("fin", "late", "end of"): debut, mi, fin."""
    return _POSITIONS[" ".join(said.split())]


def _month(m: re.Match[str], c: _Ctx) -> _Span | None:
    month = _MONTHS[m["m"]]
    position = _position(m["pos"]) if m["pos"] else None
    if m["last"]:
        year = c.as_of.year if month < c.as_of.month else c.as_of.year - 1
        return _month_span(c, month, year, position)
    span = _month_span(c, month, int(m["y"]) if m["y"] else None, position)
    # A month needs a preposition or a year, unless its name is nothing else ("juillet",
    # "October"): "mai 68", "Mars" the planet, "may I", "sept" are not dates on their own,
    # only as one end of a range ("de mars à mai").
    alone = m["m"] in _ALONE and not _NUMBER_BEFORE.search(m.string, 0, m.start())
    if span is not None and m.group(0).strip() == m["m"] and not alone:
        return replace(span, loose=True)
    return span


def _range(m: re.Match[str], c: _Ctx) -> _Span | None:
    found = _range_dates(m, c)
    return _days(c, *found) if found else None


# --- combining expressions: ranges, limits, joined days, daily bands ------------------------


def _join(name: str) -> str:
    """The alternatives of `joins` in every language, as one regular expression."""
    return "|".join(_TABLE.joins[name].values())


_ARTICLE = rf"(?:(?:{_join('article')})\s+|(?:{_join('article_elided')}))?"
_RANGE_LEAD = re.compile(
    rf"(?:\b(?:{_join('range_lead')})\s+|\b(?:{_join('range_lead_elided')})){_ARTICLE}$"
)
_RANGE_MID = re.compile(rf"^\s*(?:(?:{_join('range_mid')})\s+{_ARTICLE}|[-–]\s*)$")
_UNTIL_LEAD = re.compile(rf"\b(?:{_join('until')})\s+{_ARTICLE}$")
_FROM_LEAD = re.compile(rf"\b(?:{_join('since')})\s+{_ARTICLE}$")
_SINCE_TAIL = re.compile(rf"^\s+(?:{_join('since_tail')})\b")
_DAY_SAID = re.compile(rf"\b(?:{_join('day_said')})\s+$")
_DAY_SAID_MID = re.compile(rf"\b(?:{_join('day_said_mid')})\s+$")
_DAY_SAID_LIMIT = re.compile(rf"\b(?:{_join('day_said_limit')})\s+$")
_DAYS_JOINED = re.compile(rf"^(?:\s|,|&|-|/|{_join('joined')})*$")
_APART = re.compile(r"^[\s,;:.?!]*$")
_INCLUDED = re.compile(rf"^\s*(?:{_join('included')})\b")
_DAILY_PART = re.compile(
    rf"^[\s,]*(?:{_join('daily_after_lead')})?\s*(?P<part>{_join('daily_after')})\b"
)
_DAILY_PART_BEFORE = re.compile(
    rf"\b(?:{_join('daily_before_lead')})?\s*(?P<part>{_join('daily_before')})[\s,]*"
    rf"(?:{_join('daily_before_tail')})?$"
)
_DAILY_PART_APART = re.compile(rf"\b(?:{_join('daily_apart')})\b")
_PART_WORD = re.compile(rf"(?:{_join('daily_after')})$")
_ONLY_AFTER = re.compile(rf"^\s+(?:{_join('only_after')})\b")
_ONLY_BEFORE = re.compile(rf"\b(?:{_join('only_before')})\s+$")

# "les Journées du patrimoine 2026", "Christmas Day 2026": a feast's year said after it
_FEAST_YEAR = r"(?:\s+(?:de\s+|en\s+|in\s+|of\s+)?(?P<feast_year>(?:19|20)\d{2})\b)?"


def _rule_pattern(meaning: str, pattern: str, language: Language) -> re.Pattern[str]:
    expanded = _expand(pattern, _fragments(language))
    if meaning in _TABLE.feasts or meaning == "loose_feast":
        expanded = f"(?:{expanded}){_FEAST_YEAR}"
    return re.compile(expanded)


_COMPILED = [
    (_rule_pattern(meaning, _joined(patterns[lang]), lang), _RESOLVERS[meaning], lang)
    for lang in _TABLE.words
    for meaning, patterns in _TABLE.rules.items()
    if lang in patterns
]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    span: _Span


def _weekdays_after(folded: str, c: _Ctx, chosen: list[_Found]) -> list[_Found]:
    """'samedi 12 avril et dimanche': a bare weekday joined to a calendar date is the
    next one from that date, not from today; "the day after" joined to a date follows it,
    a weekday joined to a weekend is of that weekend."""
    out = chosen[:1]
    for f in chosen[1:]:
        said = folded[f.start : f.end]
        before = out[-1].span.start.date()
        dated = any(w in _MONTHS for w in folded[out[-1].start : out[-1].end].split())
        if f.span.following:
            # "tomorrow or the day after", "next week or the week after": after the other
            last = (out[-1].span.end - timedelta(microseconds=1)).astimezone(c.tz).date()
            read = _read_window(said, replace(c, as_of=last))
            if read is not None:
                f = _Found(f.start, f.end, replace(read.span, following=False))
        elif _is_weekend(out[-1].span) and _WEEKDAY_WORD.search(said) and not _DIGIT.search(said):
            # "the first weekend of September, Friday night included": that weekend's Friday
            read = _read_window(said, replace(c, as_of=before - timedelta(days=3)))
            if read is not None:
                f = _Found(f.start, f.end, read.span)
        elif dated and _BARE_WEEKDAY.match(said) and before > c.as_of:
            read = _read_window(said, replace(c, as_of=before))
            if read is not None:
                f = _Found(f.start, f.end, read.span)
        out.append(f)
    return out


def _is_weekend(span: _Span) -> bool:
    return span.start.weekday() == 5 and span.end - span.start <= timedelta(days=2)


def _whole_days(c: _Ctx, first: datetime, end: datetime) -> _Span:
    """From `first` to `end`, starting today if under way, labelled by its days."""
    today = _at(c.as_of, 0, c.tz)
    if first < today < end:
        first = today
    label = describe_days(first.date(), (end - timedelta(microseconds=1)).date(), c.language)
    return _Span(first, end, label)


def _range_of(c: _Ctx, a: _Span, b: _Span) -> _Span | None:
    """From the start of `a` to the end of `b`; a bare day number borrows the other's month."""
    try:
        if a.day_only and b.day_only:
            last = _next_day_numbered(c, b.day_only)
            if last is None:
                return None
            first = last.replace(day=a.day_only) if a.day_only <= last.day else None
            if first is None:
                first = add_months(last.replace(day=1), -1).replace(day=a.day_only)
            return _whole_days(c, _at(first, 0, c.tz), _at(last, 24, c.tz))
        if a.day_only:
            anchor = b.start.date()
            first = anchor.replace(day=a.day_only)
            if first > anchor:
                first = add_months(anchor.replace(day=1), -1).replace(day=a.day_only)
            return _whole_days(c, _at(first, 0, c.tz), b.end)
        if b.day_only:
            anchor = a.start.date()
            last = anchor.replace(day=b.day_only)
            if last < anchor:
                last = add_months(anchor.replace(day=1), 1).replace(day=b.day_only)
            return _whole_days(c, a.start, _at(last, 24, c.tz))
    except ValueError:
        return None
    start = a.start
    if b.end <= start:  # "entre Noël et le jour de l'an" once this Noël is over
        try:
            start = start.replace(year=start.year - 1)
        except ValueError:
            return None
        if b.end <= start:
            return None
    return _whole_days(c, start, b.end)


def _until(c: _Ctx, a: _Span) -> _Span | None:
    """From today to the end of `a` ('jusqu'au 10 décembre'), or to its start for an
    awaited period ('d'ici l'été' ends when summer begins)."""
    if a.day_only:
        if not a.articled:
            return None
        return _until_day(c, _next_day_numbered(c, a.day_only))
    end = a.start if a.awaited else a.end
    today = _at(c.as_of, 0, c.tz)
    if end <= today:
        return None
    return _Span(today, end, until_day((end - timedelta(microseconds=1)).date(), c.language))


def _since(c: _Ctx, a: _Span) -> _Span | None:
    """From the start of `a` for a year ('à partir du 5 décembre', 'dès samedi')."""
    if a.day_only:
        return _from_day(c, _next_day_numbered(c, a.day_only)) if a.articled else None
    return _from_day(c, a.start.date())


def _article_des(lead: str, expression: str) -> bool:
    """A bare "des" before a plural is its article, not "dès" unaccented: "les visites des
    Journées du patrimoine" are those days, not from them on ("dès samedi", "des les
    vacances" start there)."""
    first = expression.split(maxsplit=1)[0] if expression.strip() else ""
    return lead.split() == ["des"] and first != "les" and first.endswith(("s", "x"))


def _combinations(folded: str, c: _Ctx, found: list[_Found]) -> list[_Found]:
    """Ranges ("entre A et B"), limits ("d'ici A", "à partir de A") built from what was found."""
    combined: list[_Found] = []
    for a in found:
        before = folded[: a.start]
        for lead, make in ((_UNTIL_LEAD, _until), (_FROM_LEAD, _since)):
            m = lead.search(before)
            if m is not None and not _article_des(m[0], folded[a.start : a.end]):
                said = a.span.articled or bool(_DAY_SAID_LIMIT.search(m[0]))
                span = make(c, replace(a.span, articled=said))
                tail = _SINCE_TAIL.match(folded[a.end :]) if make is _since else None
                if span is not None:
                    combined.append(_Found(m.start(), a.end + (tail.end() if tail else 0), span))
        lead_match = _RANGE_LEAD.search(before)
        for b in found:
            if b.start < a.end or b is a:
                continue
            mid = _RANGE_MID.match(folded[a.end : b.start])
            if mid is None or (lead_match is None and "-" not in mid[0] and "–" not in mid[0]):
                continue
            if not _dated_ends(a.span, b.span, before, folded[a.end : b.start]):
                continue
            span = _range_of(c, a.span, b.span)
            if span is not None:
                start = lead_match.start() if lead_match else a.start
                end = b.end
                year = _YEAR_AFTER.match(folded[end:])
                if year is not None:  # "Feb 10-16, 2025": the year said after both ends
                    span, end = _in_year_of(span, int(year["y"])), end + year.end()
                combined.append(_Found(start, end, span))
    return combined


_YEAR_AFTER = re.compile(r",?\s+(?P<y>(?:19|20)\d{2})\b")


def _in_year_of(span: _Span, year: int) -> _Span:
    """The span moved to the year said, its length kept (a range across New Year too)."""
    shift = year - span.start.year
    try:
        return replace(
            span,
            start=span.start.replace(year=span.start.year + shift),
            end=span.end.replace(year=span.end.year + shift),
        )
    except ValueError:  # 29 February of a year without one
        return span


def _dated_ends(a: _Span, b: _Span, before: str, mid: str) -> bool:
    """A bare number is a day only when said as one ("le 20", "du 3", "the 5th") or when
    the other end is a full date ("du 3 au 5 mai"): "entre 20 et 30 personnes" is not."""
    full_a, full_b = not a.day_only, not b.day_only
    said_a = a.articled or bool(_DAY_SAID.search(before))
    said_b = b.articled or bool(_DAY_SAID_MID.search(mid))
    return (said_a or full_b) and (said_b or full_a) and (full_a or full_b or (said_a and said_b))


def parse_dates(
    text: str,
    as_of: date,
    tz: ZoneInfo,
    *,
    language: Language | None = None,
    zone: str | None = None,
) -> DateWindow | None:
    """The time window a question asks about, or None when it names no date.

    Ranges and limits combine what they join ("entre Pâques et la fin avril", "d'ici
    l'été"); several expressions joined by "et", "ou", "à" ("samedi et dimanche") make
    one window that covers them all; otherwise the longest expression wins. `language`
    chooses the words of the label (detected from the text when None); `zone` is the
    school holiday zone the question's place implies.
    """
    folded = fold_aligned(text)
    ctx = _Ctx(as_of, tz, language or detect_language(text), zone)
    read = _read_window(folded, ctx)
    if read is None:
        return None
    span, start, end = read.span, read.start, read.end
    today = _at(as_of, 0, tz)
    if span.start >= today and _PAST.search(folded) and not _AHEAD.search(folded[start:end]):
        span = _last_occurrence(folded, ctx, today) or span
    return DateWindow(
        span.start,
        span.end,
        text[start:end],
        span.label,
        span.occasion,
        past=span.end <= today,
        hours=span.hours,
        weekdays=span.weekdays,
        restated=tuple(text[a:b] for a, b in read.restated),
        following=span.following,
    )


_PAST = re.compile("|".join(_TABLE.tense["past"].values()))
_AHEAD = re.compile("|".join(_TABLE.tense["ahead"].values()))
_NOW_SAID = re.compile(  # "on est vendredi", "ce week-end-là": no window of their own
    "|".join(
        _expand(p, _fragments(lang))
        for key in ("now", "then")
        for lang, p in _TABLE.tense[key].items()
    )
)
_LOOK_BACK = (timedelta(days=7), timedelta(days=366))
"""How far back a past-tense question is re-read: a weekday or a date of the last days,
else the same date, month, season or feast a year earlier."""


def _last_occurrence(folded: str, ctx: _Ctx, today: datetime) -> _Span | None:
    """The window read as if asked earlier, when that puts it before `today`."""
    for back in _LOOK_BACK:
        read = _read_window(folded, replace(ctx, as_of=ctx.as_of - back))
        if read is not None and read.span.end <= today:
            return read.span
    return None


@dataclass(frozen=True, slots=True)
class _Read:
    """The span a question's date expressions make, where they run in the text, and the
    other expressions inside that span: the same dates said again ("easter weekend (fri 26
    to mon 29 march)", "ce week-end, de préférence samedi")."""

    span: _Span
    start: int
    end: int
    restated: tuple[tuple[int, int], ...] = ()


def _read_window(folded: str, ctx: _Ctx) -> _Read | None:
    """The span the question's date expressions make, with where they run in the text."""
    folded = _NOW_SAID.sub(lambda m: " " * len(m[0]), folded)
    found: list[_Found] = []
    for pattern, resolve, language_said in _COMPILED:
        for m in pattern.finditer(folded):
            span = resolve(m, ctx, language_said)
            if span is not None:
                found.append(_Found(m.start(), m.end(), span))
    found = [f for f in found + _combinations(folded, ctx, found) if not f.span.loose]
    chosen: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.start - f.end, f.start)):
        if all(f.end <= o.start or f.start >= o.end for o in chosen):
            chosen.append(f)
    if not chosen:
        return None
    longest = chosen[0]
    chosen.sort(key=lambda f: f.start)
    joined = all(_DAYS_JOINED.match(folded[a.end : b.start]) for a, b in pairwise(chosen))
    if len(chosen) == 2 and _APART.match(folded[chosen[0].end : chosen[1].start]):
        joined = joined or bool(_INCLUDED.match(folded[chosen[1].end :]))
    if joined:
        chosen = _weekdays_after(folded, ctx, chosen)
    restricted = _on_weekdays(folded, ctx, chosen) if len(chosen) > 1 else None
    adjacent = all(_ADJACENT.match(folded[a.end : b.start]) for a, b in pairwise(chosen))
    inner = _inside_widest(folded, ctx, chosen) if len(chosen) > 1 and adjacent else None
    in_week = _weekday_in_week(folded, ctx, chosen) if len(chosen) == 2 and adjacent else None
    bracketed = _bracketed(folded, ctx, chosen)
    apart: tuple[tuple[int, int], ...] = ()  # expressions of the window said apart
    if in_week is not None:
        start, end, span = chosen[0].start, chosen[-1].end, in_week
    elif restricted is not None:
        start, end, span = restricted
        if not (joined or adjacent):  # "le dimanche, une expo photo cet été": the words
            start, end = chosen[0].start, chosen[0].end  # between are no dates
            apart = tuple((f.start, f.end) for f in chosen[1:])
    elif _restated(folded, chosen):  # "la Saint-Valentin (vendredi 14 février)": one day
        start, end = chosen[0].start, chosen[-1].end
        span = next((f.span for f in chosen if f.span.occasion), longest.span)
    elif bracketed is not None:
        start, end, span = chosen[0].start, chosen[-1].end, bracketed
    elif inner is not None:
        start, end = chosen[0].start, chosen[-1].end
        span = inner[0].span if len(inner) == 1 else _union(ctx, inner)
    elif len(chosen) == 1 or not joined:
        start, end, span = longest.start, longest.end, longest.span
    else:
        start, end = chosen[0].start, chosen[-1].end
        span = _union(ctx, chosen)
    span, start, end = _daily_part(ctx, folded, span, start, end)
    start, end = _with_only(folded, start, end)
    restated = apart + tuple(
        (f.start, f.end)
        for f in chosen
        if (f.end <= start or f.start >= end)
        and (f.start, f.end) not in apart
        and span.start <= f.span.start
        and f.span.end <= span.end
    )
    return _Read(span, start, end, restated)


def _union(c: _Ctx, found: list[_Found]) -> _Span:
    """The whole days from the first expression's start to the last one's end."""
    span = _whole_days(c, min(f.span.start for f in found), max(f.span.end for f in found))
    hours = {f.span.hours for f in found}
    if len(hours) == 1:  # "samedi soir et dimanche soir"
        span = replace(span, hours=hours.pop())
    return span


_ADJACENT = re.compile(r"^[\s,]*$")  # "à Pâques, en avril": one date; "ou", "et" join two


def _inside_widest(folded: str, c: _Ctx, chosen: list[_Found]) -> list[_Found] | None:
    """The other expressions when they all fall inside the widest one, which they narrow:
    "le week-end de Pâques en avril 2026", "en juillet, le 14". One the widest does not
    hold is read again from its start: "les Journées du patrimoine en septembre 2026"
    are those of 2026, not the next ones from today."""
    widest = max(chosen, key=lambda f: f.span.end - f.span.start)
    inner: list[_Found] = []
    for f in chosen:
        if f is widest:
            continue
        span = f.span
        if not _holds(widest.span, span):
            again = replace(c, as_of=widest.span.start.date())
            read = _read_window(folded[f.start : f.end], again)
            if read is None:
                return None
            span = read.span
        if not _holds(widest.span, span) or (span.start, span.end) == (
            widest.span.start,
            widest.span.end,
        ):
            return None
        inner.append(_Found(f.start, f.end, span))
    return inner


def _weekday_in_week(folded: str, c: _Ctx, chosen: list[_Found]) -> _Span | None:
    """'Saturday in a fortnight', 'dans quinze jours, le samedi': that weekday of the week
    the other day falls in."""
    bare = [f for f in chosen if _BARE_WEEKDAY.match(folded[f.start : f.end])]
    if len(bare) != 1:
        return None
    weekday, other = bare[0], next(f for f in chosen if f is not bare[0])
    day = other.span.start.date()
    if other.span.end - other.span.start > _DAY or _BARE_WEEKDAY.match(
        folded[other.start : other.end]
    ):
        return None
    target = _WEEKDAY_WORD.search(folded[weekday.start : weekday.end])
    if target is None:
        return None
    found = day + timedelta(days=_WEEKDAYS[target[1]] - day.weekday())
    return weekday.span if found == weekday.span.start.date() else _days(c, found, found)


_BRACKET = re.compile(r"\s*[(\[]\s*")


def _bracketed(folded: str, c: _Ctx, chosen: list[_Found]) -> _Span | None:
    """A date made precise in brackets is the window: "en juillet (du 10 au 14)" asked in
    August is 10–14 July (the earlier days read again from the later ones), "easter
    weekend (fri 26 to mon 29 march)" keeps the Friday. A bracket far wider than the date
    before it is only its frame: "le 12 (septembre 2026)"; a bracket without numbers names
    the occasion ("Feb 10-16 (Valentine's week!)")."""
    if not (
        len(chosen) == 2
        and _BRACKET.fullmatch(folded[chosen[0].end : chosen[1].start])
        and _DIGIT.search(folded[chosen[1].start : chosen[1].end])
    ):
        return None
    first, said = chosen[0].span, chosen[1].span
    if not _meet(first, said):  # one read in the other's frame: "le 9 (janvier 2027)"
        # the earlier days are read again from the later ones' start
        outer, inner = (said, chosen[0]) if said.start > first.start else (first, chosen[1])
        read = _read_window(folded[inner.start : inner.end], replace(c, as_of=outer.start.date()))
        if read is None or not _meet(outer, read.span):
            return None
        first, said = (first, read.span) if inner is chosen[1] else (read.span, said)
    wide = said.end - said.start > 2 * (first.end - first.start)
    return first if wide and _holds(said, first) else said


def _meet(a: _Span, b: _Span) -> bool:
    return a.start < b.end and b.start < a.end


def _holds(outer: _Span, span: _Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


_RESTATING = re.compile(r"[\s,;:()\[\]-]*")


def _restated(folded: str, chosen: list[_Found]) -> bool:
    """Several expressions side by side, with only punctuation between, for the same days:
    a date said again in other words ("le 14 juillet (fête nationale)")."""
    first = chosen[0].span
    return (
        len(chosen) > 1
        and all((f.span.start, f.span.end) == (first.start, first.end) for f in chosen)
        and all(_RESTATING.fullmatch(folded[a.end : b.start]) for a, b in pairwise(chosen))
    )


_WEEKDAY_WORD = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")s?\b")
_PART_WORD = re.compile(r"\b(" + "|".join(sorted(_PART_WORDS, key=len, reverse=True)) + r")\b")
# a weekend said alone, not a feast's ("the Heritage Days weekend")
_WEEKEND_WORD = re.compile(r"^(?:\w+\s+)?" + _expand("${WE}", _fragments("fr")) + "s?$")
_DIGIT = re.compile(r"\d")  # "dimanche 5 juillet" is a date, not a weekday
RESTRICTED_MIN_DAYS = 14  # a window this long or longer can be narrowed to some weekdays


def _on_weekdays(folded: str, c: _Ctx, chosen: list[_Found]) -> tuple[int, int, _Span] | None:
    """'un lundi ou mardi soir en juillet', 'samedi cet été': the widest window, on the
    weekdays (and part of the day) the other expressions name."""
    # a habit ("le mardi soir en décembre") is a weekday there, not a window of its own
    windows = [f for f in chosen if f.span.weekdays is None] or chosen
    longest = max(windows, key=lambda f: f.span.end - f.span.start)
    others = [f for f in chosen if f is not longest]
    length = longest.span.end - longest.span.start
    # a week holds working days: "en semaine la semaine prochaine"
    habits = length >= timedelta(days=7) and any(f.span.weekdays for f in others)
    if length < timedelta(days=RESTRICTED_MIN_DAYS) and not habits:
        return None
    texts = [folded[f.start : f.end] for f in others]
    days = {_WEEKDAYS[m] for text in texts for m in _WEEKDAY_WORD.findall(text)}
    days |= {d for f in others for d in f.span.weekdays or ()}  # "en semaine en juillet"
    if any(_WEEKEND_WORD.search(text) for text in texts):  # "un week-end en juillet"
        days |= {5, 6}
    named = (
        _WEEKDAY_WORD.search(text) or _WEEKEND_WORD.search(text) or f.span.weekdays
        for f, text in zip(others, texts, strict=True)
    )
    if not days or not all(named) or any(_DIGIT.search(text) for text in texts):
        return None
    parts = {_part_key(m) for text in texts for m in _PART_WORD.findall(text)}
    said_hours = next((f.span.hours for f in others if f.span.hours), longest.span.hours)
    hours = _PARTS[parts.pop()].hours if len(parts) == 1 else said_hours
    if longest.span.weekdays is not None:  # "le samedi et le dimanche": habits joined
        days |= set(longest.span.weekdays)
        window = _days(c, longest.span.start.date(), longest.span.end.date() - timedelta(days=1))
        span = _habit(c, window, tuple(sorted(days)), hours)
        return min(f.start for f in chosen), max(f.end for f in chosen), span
    names = ", ".join((EN_WEEKDAYS if c.language == "en" else WEEKDAYS)[d] for d in sorted(days))
    span = replace(
        longest.span,
        weekdays=tuple(sorted(days)),
        hours=hours,
        label=f"{longest.span.label} ({names})",
    )
    return min(f.start for f in chosen), max(f.end for f in chosen), span


def _daily_part(c: _Ctx, folded: str, span: _Span, start: int, end: int) -> tuple[_Span, int, int]:
    """'ce week-end en soirée', 'les soirs de la semaine prochaine': a daily band."""
    if span.hours is not None:
        return span, start, end
    after = _DAILY_PART.match(folded[end:])
    before = _DAILY_PART_BEFORE.search(folded[:start])
    m = after or before
    part = m["part"] if m else _part_apart(folded, start, end)
    if part is None:
        return span, start, end
    p = _PARTS[_part_key(part)]
    banded = replace(span, hours=p.hours, label=f"{span.label}, {p.words[c.language].daily}")
    if after is not None:
        return banded, start, end + after.end()
    return banded, before.start() if before else start, end


def _part_apart(folded: str, start: int, end: int) -> str | None:
    """The part of the day the question says away from its date ("le 8 mai c'est férié :
    une sortie en soirée ?"), if any."""
    for m in _DAILY_PART_APART.finditer(folded):
        if m.end() <= start or m.start() >= end:
            word = _PART_WORD.search(m.group(0))
            return word.group(0) if word else None
    return None


def _with_only(folded: str, start: int, end: int) -> tuple[int, int]:
    """'dimanche seulement', 'only on Sunday': the restriction belongs to the date."""
    after = _ONLY_AFTER.match(folded[end:])
    if after is not None:
        end += after.end()
    before = _ONLY_BEFORE.search(folded[:start])
    if before is not None:
        start = before.start()
    return start, end


_BARE_WEEKDAY = re.compile(
    rf"^(?:(?:{_join('weekday_lead')})\s+)*(?:{'|'.join(_WEEKDAYS)})s?\b[\w\s'-]*$"
)


def from_then_on(window: DateWindow, as_of: date, tz: ZoneInfo, language: Language) -> DateWindow:
    """The window opened at its start for a year, as "à partir du …" reads: "je déménage à
    Rennes début octobre" asks for what is on once there, not during the move."""
    span = _from_day(_Ctx(as_of, tz, language, None), window.start.date())
    assert span is not None  # a day was given
    return replace(
        window, start=span.start, end=span.end, label=span.label, hours=None, weekdays=None
    )


_BARE_WEEKEND = re.compile(
    rf"^(?:(?:{_join('weekday_lead')}|plutot|au|over|at)\s+)*(?:week-?\s?ends?|w-?e)\b"
    rf"(?:\s+(?:{_join('only_after')}))?$"
)


def on_weekends_of(window: DateWindow, said: DateWindow) -> DateWindow | None:
    """'plutôt le week-end' after a long window ("cet été"): its weekends, not the coming
    one; None when `said` is not a weekend said alone or the window is short."""
    if not _BARE_WEEKEND.match(fold_aligned(said.expression).strip()):
        return None
    if window.end - window.start < timedelta(days=RESTRICTED_MIN_DAYS):
        return None
    language = detect_language(said.expression)
    return replace(window, weekdays=(5, 6), label=f"{window.label}, {_label('weekend', language)}")


def on_weekdays_of(window: DateWindow, habit: DateWindow) -> DateWindow | None:
    """'et le dimanche ?' after `window`: its Sundays over a long window, else its Sunday
    (None when it has none); `habit` is the follow-up's own reading."""
    days = habit.weekdays or ()
    tz = window.start.tzinfo
    assert isinstance(tz, ZoneInfo)
    first, end = window.start.date(), window.end
    if end - window.start >= timedelta(days=RESTRICTED_MIN_DAYS):
        said = habit.label.split(" (")[0]  # "le dimanche"
        return replace(
            window,
            weekdays=days,
            hours=habit.hours or window.hours,
            label=f"{window.label}, {said}",
        )
    day = next(
        (
            first + timedelta(days=k)
            for k in range(7)
            if (first + timedelta(days=k)).weekday() in days
        ),
        None,
    )
    if day is None or _at(day, 0, tz) >= end:
        return None
    low, high = habit.hours or (0, 24)
    return replace(
        habit,
        start=max(window.start, _at(day, low, tz)),
        end=min(end, _at(day, high, tz)),
        label=on_day(day, detect_language(habit.expression)),
        weekdays=None,
    )


def said_now(folded: str) -> list[tuple[int, int]]:
    """Where the question says what day it is ("on est le 2 janvier") or points back at a
    day already said ("ce week-end-là"): no dates asked for, no topic either."""
    return [m.span() for m in _NOW_SAID.finditer(folded)]


_SAME_HOURS = re.compile("|".join(_TABLE.tense["same_hours"].values()))


def said_same_hours(folded: str) -> list[tuple[int, int]]:
    """Where a follow-up asks for the hours said before ("à la même heure", "same kind of
    hours?"): no topic, and the earlier hour limit holds on its days."""
    return [m.span() for m in _SAME_HOURS.finditer(folded)]


def is_bare_weekday(expression: str) -> bool:
    """'dimanche', 'Sunday only': a day a follow-up picks inside the window already asked."""
    return bool(_BARE_WEEKDAY.match(fold_aligned(expression)))


HourBound = Literal["after", "before", "around"]
_HOUR_PATTERNS = [
    (cast(HourBound, bound), re.compile(pattern))
    for table in _TABLE.hours.values()
    for bound, pattern in table.items()
]
AROUND_HOURS = (1, 2)  # "vers 17h": from an hour before to two after
_HOUR_WORDS = {"midi": 12, "noon": 12, "midday": 12, "minuit": 24, "midnight": 24}
NIGHT_END = 6  # "après minuit": the small hours, to 6 h
_SAID_HOURS = {"noon": 12, "late": 21}  # "entre midi et deux", "tard le soir"


@dataclass(frozen=True, slots=True)
class HourLimit:
    """A clock time that bounds the day asked ("après 20h", "after 8 pm", "vers 17h")."""

    hours: tuple[int, int]  # the daily band it leaves, as `DateWindow.hours`
    start: int  # where the question says it
    end: int
    words: str  # as the question says it


def hour_limit(text: str) -> HourLimit | None:
    """The clock time the question bounds its day with, if any."""
    folded = fold_aligned(text)
    for bound, pattern in _HOUR_PATTERNS:
        m = pattern.search(folded)
        if m is None:
            continue
        if m["h"]:
            hour = int(m["h"])
        elif m["word"]:
            hour = _HOUR_WORDS[m["word"]]
        else:  # "entre midi et deux", "tard le soir": the hour the words stand for
            hour = next(h for group, h in _SAID_HOURS.items() if m.groupdict().get(group))
        suffix = (m.groupdict().get("ap") or "").strip()
        if suffix == "pm" and hour < 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
        if hour > 24:
            continue
        before, after = AROUND_HOURS
        hours = {
            "after": (hour, 24) if hour < 24 else (24, 24 + NIGHT_END),
            "before": (0, hour),
            "around": (max(0, hour - before), min(24, hour + after)),
        }[bound]
        if hours[0] < hours[1]:
            return HourLimit(hours, m.start(), m.end(), text[m.start() : m.end()])
    return None


def part_alone(text: str) -> HourLimit | None:
    """A part of the day said with no day ("en soirée uniquement", "in the evening"): the
    hours a follow-up keeps of the days asked before (`rag.query`); alone it dates nothing."""
    folded = fold_aligned(text)
    m = _DAILY_PART_APART.search(folded)
    word = _PART_WORD.search(m.group(0)) if m else None
    if m is None or word is None:
        return None
    hours = _PARTS[_part_key(word.group(0))].hours
    return HourLimit(hours, m.start(), m.end(), text[m.start() : m.end()])


def with_hour_limit(window: DateWindow, limit: HourLimit) -> DateWindow:
    """The window kept to the hours the limit leaves (within its own part of the day, if
    it names one: "samedi soir après 21h")."""
    first, end = window.hours or (0, 24)
    hours = (max(first, limit.hours[0]), min(end, limit.hours[1]))
    if hours[0] >= hours[1]:
        hours = limit.hours
    # "samedi soir, après minuit": the band runs into the next morning, past the window's day
    tz = window.start.tzinfo
    assert isinstance(tz, ZoneInfo)
    last_day = (window.end - timedelta(microseconds=1)).astimezone(tz).date()
    until = max(window.end, _at(last_day, hours[1], tz)) if hours[1] > 24 else window.end
    return replace(window, end=until, hours=hours, label=f"{window.label}, {limit.words}")


def explicit_window(
    date_from: date | None,
    date_to: date | None,
    as_of: date,
    tz: ZoneInfo,
    language: Language = "fr",
) -> DateWindow:
    """The window of a caller's date filters: from alone runs a year, to alone starts today."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(
            f"date_from ({date_from}) is after date_to ({date_to}): swap them or drop one"
        )
    if date_to is None:
        first = date_from or as_of
        span = _from_day(_Ctx(first, tz, language), first)
    elif date_from is None:
        span = _until_day(_Ctx(min(as_of, date_to), tz, language), date_to)
    else:
        span = _days(_Ctx(date_from, tz, language), date_from, date_to)
    assert span is not None  # neither end is before the context date
    return DateWindow(span.start, span.end, "", span.label, past=span.end <= _at(as_of, 0, tz))
