"""French date expressions in a question, resolved to a time window in Python.

Relative words ("ce week-end", "samedi soir", "pendant les vacances de Noël") depend on the
day the question is asked, so they are resolved here, deterministically and testably, and
never left to a language model. Conventions:

- a window is [start, end) in the given time zone; whole days run from 00:00 to 00:00;
- "ce week-end" is Saturday 00:00 → Monday 00:00 (Friday evening is not included); on a
  Saturday or a Sunday it is the current one, from today. "le prochain week-end" is the
  next one to come (the same); "le week-end prochain" is the one after it;
- a bare weekday ("samedi", "ce samedi") is the next such day, today included;
  "samedi prochain" is the next one strictly after today;
- parts of the day: matin 6 h–12 h, après-midi 12 h–18 h, soir 18 h → 5 h the next morning,
  nuit 21 h → 6 h;
- seasons are meteorological (hiver = December to February, counted in the year of its
  December; printemps = March to May; été = June to August; automne = September to November);
- a day, month, season or feast without a year is its next occurrence that has not ended on
  `as_of` (a month includes the current one); a period that contains `as_of` starts at `as_of`;
- school holidays are those of zone C (Paris, Créteil, Versailles): an official table up to
  summer 2027, estimated after that (and labelled "dates estimées").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from rag.french import MONTHS, WEEKDAYS, date_range, day_name
from rag.text import fold


@dataclass(frozen=True)
class DateWindow:
    """When the question asks about: the retriever keeps events that overlap it."""

    start: datetime  # tz-aware, inclusive
    end: datetime  # tz-aware, exclusive
    expression: str  # the words matched in the question, e.g. "ce week-end"
    label: str  # French words for the user: "ce week-end (du samedi 28 au dimanche 29 …)"
    occasion: str | None = None  # a feast named in the question ("Saint-Valentin"): worth searching


def fold_aligned(text: str) -> str:
    """`rag.text.fold`, one character for one, so that a match maps back onto the question."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded[0] if folded else " ")
    return "".join(out)


# --- vocabulary (folded) ------------------------------------------------------------------

_MONTH_NUMBERS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "trente": 30,
}  # fmt: skip
_FOLDED_WEEKDAYS = [fold(d) for d in WEEKDAYS]

WD_NAMES = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
WD = rf"(?:{WD_NAMES})\b"
MONTH = "(?:" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\b"
DAY = r"(?:1er|premier|\d{1,2})"
YEAR = r"20\d\d\b"
NUM = r"(?:\d{1,3}|" + "|".join(_NUMBERS) + r")\b"
WE = r"(?:week-?\s?end|w-?e)\b"
PART = (
    r"(?:\s+(?:au\s+|en\s+|dans\s+l'|dans\s+la\s+|l')?"
    r"(?P<part>soir|soiree|matin|matinee|apres-?\s?midi|aprem|nuit)\b)?"
)

# part of the day -> (first hour, end hour from that day's midnight, after "demain", after a date)
_PARTS = {
    "matin": (6, 12, "matin", "au matin"),
    "apres-midi": (12, 18, "après-midi", "après-midi"),
    "soir": (18, 29, "soir", "au soir"),
    "nuit": (21, 30, "dans la nuit", "dans la nuit"),
}
_PART_ALIASES = {"soiree": "soir", "matinee": "matin", "aprem": "apres-midi"}
_THIS_PART = {
    "matin": "ce matin",
    "apres-midi": "cet après-midi",
    "soir": "ce soir",
    "nuit": "cette nuit",
}


def _part_key(part: str) -> str:
    return _PART_ALIASES.get(part, "apres-midi" if part.startswith("apres") else part)


def _date_re(tag: str, month_optional: bool = False) -> str:
    """One calendar day: '14 juillet [2027]', 'samedi 28 novembre', '14/07[/2026]'."""
    month = rf"(?:\s+(?P<{tag}m>{MONTH})(?:\s+(?P<{tag}y>{YEAR}))?)"
    return (
        rf"(?:{WD}\s+)?(?:(?P<{tag}d>{DAY})\b{month}{'?' if month_optional else ''}"
        rf"|(?P<{tag}nd>\d{{1,2}})/(?P<{tag}nm>\d{{1,2}})(?:/(?P<{tag}ny>\d{{4}}|\d{{2}}))?"
        rf"(?![/\d])(?!\s*ans\b))"
    )


# --- school holidays, zone C --------------------------------------------------------------

# (kind, first day, day classes resume); from the official calendar (education.gouv.fr).
_HOLIDAYS_ZONE_C: list[tuple[str, date, date]] = [
    ("toussaint", date(2024, 10, 19), date(2024, 11, 4)),
    ("noel", date(2024, 12, 21), date(2025, 1, 6)),
    ("hiver", date(2025, 2, 15), date(2025, 3, 3)),
    ("printemps", date(2025, 4, 12), date(2025, 4, 28)),
    ("ete", date(2025, 7, 5), date(2025, 9, 1)),
    ("toussaint", date(2025, 10, 18), date(2025, 11, 3)),
    ("noel", date(2025, 12, 20), date(2026, 1, 5)),
    ("hiver", date(2026, 2, 21), date(2026, 3, 9)),
    ("printemps", date(2026, 4, 18), date(2026, 5, 4)),
    ("ete", date(2026, 7, 4), date(2026, 9, 1)),
    ("toussaint", date(2026, 10, 17), date(2026, 11, 2)),
    ("noel", date(2026, 12, 19), date(2027, 1, 4)),
    ("hiver", date(2027, 2, 6), date(2027, 2, 22)),
    ("printemps", date(2027, 4, 3), date(2027, 4, 19)),
    ("ete", date(2027, 7, 3), date(2027, 9, 1)),
]
# The table stops here: later holidays are estimated from the usual pattern
# (a Saturday in the given week, 16 days; summer from the first Saturday of July).
_HOLIDAYS_TABLE_END = date(2027, 9, 1)
_HOLIDAY_PATTERN = {  # kind -> (month, earliest day of the starting Saturday)
    "toussaint": (10, 17),
    "noel": (12, 18),
    "hiver": (2, 14),
    "printemps": (4, 11),
    "ete": (7, 1),
}
_HOLIDAY_NAMES = {
    "toussaint": "les vacances de la Toussaint",
    "noel": "les vacances de Noël",
    "hiver": "les vacances d'hiver",
    "printemps": "les vacances de printemps",
    "ete": "les grandes vacances",
    None: "les vacances scolaires",
}
_HOLIDAY_ALIASES = {"fevrier": "hiver", "paques": "printemps", "automne": "toussaint"}


def _estimated_holidays(year: int) -> list[tuple[str, date, date]]:
    """Zone C holidays starting in `year` when the official table does not cover them."""
    found = []
    for kind, (month, day) in _HOLIDAY_PATTERN.items():
        first = date(year, month, day)
        first += timedelta(days=(5 - first.weekday()) % 7)
        resume = date(year, 9, 1) if kind == "ete" else first + timedelta(days=16)
        found.append((kind, first, resume))
    return sorted(found, key=lambda h: h[1])


def _holidays(kind: str | None, as_of: date) -> tuple[date, date, bool] | None:
    """The current or next holiday of that kind: (first day, resume day, estimated)."""
    candidates = [(*h, False) for h in _HOLIDAYS_ZONE_C]
    for year in range(_HOLIDAYS_TABLE_END.year, as_of.year + 2):
        candidates += [(*h, True) for h in _estimated_holidays(year) if h[1] > _HOLIDAYS_TABLE_END]
    for name, first, resume, estimated in candidates:
        if (kind is None or name == kind) and resume > as_of:
            return first, resume, estimated
    return None


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


@dataclass(frozen=True)
class _Span:
    start: datetime
    end: datetime
    label: str
    occasion: str | None = None


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=tz)


def _short_day(value: date, month: bool) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    words = f"{WEEKDAYS[value.weekday()]} {day}"
    return f"{words} {MONTHS[value.month - 1]}" if month else words


def describe_days(first: date, last: date) -> str:
    """'le samedi 28 novembre 2026', 'du samedi 28 au dimanche 29 novembre 2026'."""
    if first == last:
        return f"le {day_name(first)}"
    if (last - first).days > 14:
        return date_range(first, last)
    if first.year != last.year:
        return f"du {day_name(first)} au {day_name(last)}"
    return f"du {_short_day(first, first.month != last.month)} au {day_name(last)}"


def _days(
    c: _Ctx, first: date, last: date, name: str | None = None, occasion: str | None = None
) -> _Span:
    """Whole days from `first` to `last` included; a period under way starts today."""
    first = max(first, c.as_of) if last >= c.as_of else first
    words = describe_days(first, last)
    label = f"{name} ({words})" if name else words
    return _Span(_at(first, 0, c.tz), _at(last, 24, c.tz), label, occasion)


def _day_part(c: _Ctx, day: date, part: str | None, name: str | None = None) -> _Span:
    """One day, or a part of it ('samedi soir')."""
    if not part:
        return _days(c, day, day, name)
    first, end, after_name, after_date = _PARTS[_part_key(part)]
    if not name:
        label = f"le {day_name(day)} {after_date}"
    elif name in _THIS_PART.values():
        label = f"{name} (le {day_name(day)})"
    else:
        label = f"{name} {after_name} (le {day_name(day)})"
    return _Span(_at(day, first, c.tz), _at(day, end, c.tz), label)


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


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _day_of(m: re.Match[str], tag: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as written; None where the question leaves them out."""
    if m.group(f"{tag}nd"):
        year = m.group(f"{tag}ny")
        full = None if not year else int(year) if len(year) == 4 else 2000 + int(year)
        return full, int(m.group(f"{tag}nm")), int(m.group(f"{tag}nd"))
    day = m.group(f"{tag}d")
    month, year = m.group(f"{tag}m"), m.group(f"{tag}y")
    return (
        int(year) if year else None,
        _MONTH_NUMBERS[month] if month else None,
        1 if day in ("1er", "premier") else int(day),
    )


def _single_date(m: re.Match[str], c: _Ctx, tag: str = "p") -> date | None:
    year, month, day = _day_of(m, tag)
    if month is None or not 1 <= month <= 12:
        return None
    return _next_date(c, month, day, year)


def _range_dates(m: re.Match[str], c: _Ctx) -> tuple[date, date] | None:
    """'du 28 avril au 2 mai': the end decides the year, the start borrows what it lacks."""
    last = _single_date(m, c, "q")
    if last is None:
        return None
    year, month, day = _day_of(m, "p")
    month = month or last.month
    if year is None:
        year = last.year if (month, day) <= (last.month, last.day) else last.year - 1
    try:
        first = date(year, month, day)
    except ValueError:
        return None
    return (first, last) if first <= last else None


def _weekday(m: re.Match[str], c: _Ctx, strictly_after: bool = False) -> date:
    target = _FOLDED_WEEKDAYS.index(m.group("wd"))
    ahead = (target - c.as_of.weekday()) % 7
    if strictly_after and ahead == 0:
        ahead = 7
    return c.as_of + timedelta(days=ahead)


def _weekend(c: _Ctx, weeks_later: int = 0) -> tuple[date, date]:
    saturday = c.as_of + timedelta(days=(5 - c.as_of.weekday()) % 7)
    if c.as_of.weekday() == 6:
        saturday = c.as_of - timedelta(days=1)
    saturday += timedelta(weeks=weeks_later)
    return saturday, saturday + timedelta(days=1)


def _month_span(c: _Ctx, month: int, year: int | None, position: str | None) -> _Span | None:
    if year is None:
        year = c.as_of.year if month >= c.as_of.month else c.as_of.year + 1
    first = date(year, month, 1)
    last = add_months(first, 1) - timedelta(days=1)
    name = f"{MONTHS[month - 1]} {year}"
    if position == "debut":
        first, last, name = first, first.replace(day=10), f"début {name}"
    elif position == "mi":
        first, last, name = first.replace(day=11), first.replace(day=20), f"mi-{name}"
    elif position == "fin":
        first, name = first.replace(day=21), f"fin {name}"
    return _days(c, first, last, name)


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


def _season(c: _Ctx, name: str, following: bool, year: int | None) -> _Span | None:
    start_month = {"printemps": 3, "ete": 6, "automne": 9, "hiver": 12}[name]
    words = {"printemps": "printemps", "ete": "été", "automne": "automne", "hiver": "hiver"}[name]

    def period(y: int) -> tuple[date, date]:
        first = date(y, start_month, 1)
        return first, add_months(first, 3) - timedelta(days=1)

    the = "le " if name == "printemps" else "l'"
    if year is not None:
        first, last = period(year)
        return _days(c, first, last, f"{the}{words} {year}")
    first, last = _next_period(c, period)
    if following and first <= c.as_of:
        first, last = period(first.year + 1)
    this = "ce" if name == "printemps" else "cet"
    return _days(c, first, last, f"{the}{words} prochain" if following else f"{this} {words}")


def _feast(c: _Ctx, name: str, period: Callable[[int], tuple[date, date]]) -> _Span:
    first, last = _next_period(c, period)
    return _days(c, first, last, name, re.sub(r"^(?:la|le) ", "", name))


def _holiday_span(c: _Ctx, word: str | None) -> _Span | None:
    kind = _HOLIDAY_ALIASES.get(word, word) if word else None
    found = _holidays(kind, c.as_of)
    if found is None:
        return None
    first, resume, estimated = found
    name = _HOLIDAY_NAMES[kind] + (", dates estimées" if estimated else "")
    return _days(c, first, resume - timedelta(days=1), f"pendant {name}")


def _upcoming(c: _Ctx, count: int | None, unit: str) -> _Span:
    """'les 15 prochains jours': today and the 15 days after it."""
    count = count or {"jours": 7, "semaines": 4, "mois": 3}[unit]
    if unit == "mois":
        end = add_months(c.as_of, count)
    else:
        end = c.as_of + timedelta(days=count * (7 if unit == "semaines" else 1))
    plural = "prochaines" if unit == "semaines" else "prochains"
    return _days(c, c.as_of, end, f"les {count} {plural} {unit}")


def _from(c: _Ctx, first: date | None) -> _Span | None:
    if first is None:
        return None
    first = max(first, c.as_of)
    return _Span(
        _at(first, 0, c.tz),
        _at(add_months(first, 12), 0, c.tz),
        f"à partir du {day_name(first)}",
    )


def _until(c: _Ctx, last: date | None) -> _Span | None:
    if last is None or last < c.as_of:
        return None
    return _Span(_at(c.as_of, 0, c.tz), _at(last, 24, c.tz), f"jusqu'au {day_name(last)}")


# --- rules: (pattern on the folded question, resolver) ------------------------------------

_Resolver = Callable[[re.Match[str], _Ctx], "_Span | None"]
_RULES: list[tuple[str, _Resolver]] = [
    (
        rf"\baujourd'?\s?hui{PART}",
        lambda m, c: _day_part(c, c.as_of, m.group("part"), "aujourd'hui"),
    ),
    (
        r"\b(?:ce|cet|cette)\s+(?P<part>soir|soiree|matin|matinee|apres-?\s?midi|nuit)\b",
        lambda m, c: _day_part(c, c.as_of, m.group("part"), _THIS_PART[_part_key(m["part"])]),
    ),
    (
        rf"\bapres[-\s]demain{PART}",
        lambda m, c: _day_part(c, c.as_of + timedelta(days=2), m.group("part"), "après-demain"),
    ),
    (
        rf"\bdemain{PART}",
        lambda m, c: _day_part(c, c.as_of + timedelta(days=1), m.group("part"), "demain"),
    ),
    (
        rf"\b(?:(?:le|ce)\s+)?(?P<wd>{WD_NAMES})\b(?P<next>\s+prochain)?{PART}",
        lambda m, c: _day_part(c, _weekday(m, c, bool(m.group("next"))), m.group("part")),
    ),
    (
        rf"\b(?P<le>(?:le|ce)\s+)?{_date_re('p')}{PART}",
        lambda m, c: _dated(m, c),
    ),
    (
        rf"\b(?:(?:ce|le|du|au|pour\s+le|pendant\s+le)\s+{WE}|week-?\s?end\b"
        rf"|cette\s+fin\s+de\s+semaine\b|(?:le\s+|du\s+|au\s+)?prochain\s+{WE})",
        lambda m, c: _days(c, *_weekend(c), "ce week-end"),
    ),
    (
        rf"\b(?:(?:le|du|au|ce)\s+)?{WE}\s+prochain\b",
        lambda m, c: _days(c, *_weekend(c, 1), "le week-end prochain"),
    ),
    (
        r"\bcette\s+semaine\b",
        lambda m, c: _days(
            c, c.as_of, c.as_of + timedelta(days=6 - c.as_of.weekday()), "cette semaine"
        ),
    ),
    (
        r"\b(?:la\s+)?semaine\s+(?:prochaine|d'apres)\b",
        lambda m, c: _days(
            c,
            c.as_of + timedelta(days=7 - c.as_of.weekday()),
            c.as_of + timedelta(days=13 - c.as_of.weekday()),
            "la semaine prochaine",
        ),
    ),
    (
        r"\bce\s+mois(?:[-\s]ci)?\b",
        lambda m, c: _month_span(c, c.as_of.month, c.as_of.year, None),
    ),
    (
        r"\b(?:le\s+)?mois\s+prochain\b",
        lambda m, c: _month_span(
            c, add_months(c.as_of, 1).month, add_months(c.as_of, 1).year, None
        ),
    ),
    (
        rf"\b(?:(?:en|courant|pour|durant|pendant)\s+|(?:au\s+|le\s+)?mois\s+d(?:e\s+|')"
        rf"|(?P<pos>debut|fin|mi)(?:-|\s+)(?:de\s+|d')?)?(?P<m>{MONTH})(?:\s+(?P<y>{YEAR}))?",
        lambda m, c: _month(m, c),
    ),
    (
        rf"\b(?:en|pour|courant|durant|pendant)\s+(?:l'annee\s+)?(?P<y>{YEAR})",
        lambda m, c: _days(c, date(int(m["y"]), 1, 1), date(int(m["y"]), 12, 31), f"en {m['y']}"),
    ),
    (
        r"\bcette\s+annee\b",
        lambda m, c: _days(c, c.as_of, date(c.as_of.year, 12, 31), "cette année"),
    ),
    (
        r"\b(?:(?:l'|le\s+)?(?P<s2>ete|hiver|printemps|automne)\s+prochain\b"
        rf"|(?:cet|ce|en|au|l')\s*(?P<s>ete|hiver|printemps|automne)\b(?:\s+(?P<y>{YEAR}))?)",
        lambda m, c: _season(c, m["s"] or m["s2"], bool(m["s2"]), int(m["y"]) if m["y"] else None),
    ),
    (
        r"\b(?:(?:pendant|durant|pour)\s+)?(?:les\s+)?(?:(?P<big>grandes\s+)vacances\b"
        r"|vacances(?:\s+scolaires)?\s+(?:de\s+la\s+|de\s+|d')"
        r"(?P<k>toussaint|noel|hiver|fevrier|printemps|paques|ete|automne)\b)"
        r"|\b(?:(?:pendant|durant|pour)\s+les\s+vacances|les\s+vacances\s+scolaires)\b",
        lambda m, c: _holiday_span(c, "ete" if m["big"] else m["k"]),
    ),
    (
        rf"\bdans\s+(?P<n>{NUM})\s+(?P<u>jours?|semaines?)\b",
        lambda m, c: _in(m, c),
    ),
    (
        rf"\b(?:(?:dans|pendant|durant|sur|pour)\s+)?les\s+(?:(?P<n>{NUM})\s+)?"
        r"prochain(?:e)?s\s+(?P<u>jours|semaines|mois)\b"
        rf"|\b(?:dans|d'?ici|sous)\s+les\s+(?P<n2>{NUM})\s+(?P<u2>jours|semaines|mois)\b"
        r"(?:\s+(?:a\s+venir|qui\s+viennent))?",
        lambda m, c: _upcoming(
            c, _number(m["n"] or m["n2"]) if m["n"] or m["n2"] else None, m["u"] or m["u2"]
        ),
    ),
    (
        rf"\b(?:du|depuis\s+le)\s+{_date_re('p', month_optional=True)}\s+(?:au|jusqu'?au)\s+"
        rf"(?:{_date_re('q')})",
        lambda m, c: _range(m, c),
    ),
    (
        rf"\bentre\s+(?:le\s+)?{_date_re('p', month_optional=True)}\s+et\s+(?:le\s+)?"
        rf"(?:{_date_re('q')})",
        lambda m, c: _range(m, c),
    ),
    (
        rf"\b(?:jusqu'?\s?(?:au|a)|d'?ici(?:\s+(?:au|le))?)\s+(?:le\s+)?{_date_re('p')}",
        lambda m, c: _until(c, _single_date(m, c)),
    ),
    (
        rf"\b(?:jusqu'?\s?a|d'?ici)\s+(?P<wd>{WD_NAMES})\b",
        lambda m, c: _until(c, _weekday(m, c)),
    ),
    (
        rf"\b(?:a\s+partir\s+du|des\s+le|apres\s+le|depuis\s+le)\s+{_date_re('p')}",
        lambda m, c: _from(c, _single_date(m, c)),
    ),
    (
        rf"\b(?:a\s+partir\s+de|des)\s+(?P<wd>{WD_NAMES})\b",
        lambda m, c: _from(c, _weekday(m, c)),
    ),
    (
        r"\b(?:a|pour|pendant|durant|le\s+jour\s+de|le\s+soir\s+de|la\s+veille\s+de|"
        r"au\s+moment\s+de)\s+noel\b",
        lambda m, c: _feast(c, "Noël", lambda y: (date(y, 12, 24), date(y, 12, 25))),
    ),
    (
        r"\b(?:(?:le|au|pour\s+le)\s+)?jour\s+de\s+l'?\s?an\b",
        lambda m, c: _feast(c, "le jour de l'an", lambda y: (date(y, 1, 1), date(y, 1, 1))),
    ),
    (
        r"\b(?:(?:le|au|pour\s+le)\s+)?(?:reveillon\s+du\s+)?nouvel\s+an\b"
        r"(?!\s+(?:chinois|iranien|persan|juif|lunaire|vietnamien|tamoul|berbere|amazigh))"
        r"|\b(?:(?:la|pour\s+la|a\s+la)\s+)?saint[-\s]sylvestre\b",
        lambda m, c: _feast(c, "le Nouvel An", lambda y: (date(y - 1, 12, 31), date(y, 1, 1))),
    ),
    (
        r"\b(?:(?:la|pour\s+la|a\s+la)\s+)?(?:st|saint)[-\s]valentin\b",
        lambda m, c: _feast(c, "la Saint-Valentin", lambda y: (date(y, 2, 14), date(y, 2, 14))),
    ),
    (
        r"\b(?:(?:la|pour\s+la|a\s+la|pendant\s+la)\s+)?fete\s+de\s+la\s+musique\b",
        lambda m, c: _feast(c, "la Fête de la musique", lambda y: (date(y, 6, 21), date(y, 6, 21))),
    ),
    (
        r"\b(?:(?:la|pour\s+la|a\s+la|pendant\s+la)\s+)?fete\s+nationale\b",
        lambda m, c: _feast(c, "la fête nationale", lambda y: (date(y, 7, 14), date(y, 7, 14))),
    ),
    (
        r"\b(?:a|pour|pendant|le\s+soir\s+d')\s*halloween\b",
        lambda m, c: _feast(c, "Halloween", lambda y: (date(y, 10, 31), date(y, 10, 31))),
    ),
    (
        rf"\b(?:a|pour|pendant|(?:le\s+)?(?:{WE}|lundi|dimanche)\s+de)\s+paques\b",
        lambda m, c: _feast(
            c, "Pâques", lambda y: (_easter(y) - timedelta(days=1), _easter(y) + timedelta(1))
        ),
    ),
]


def _dated(m: re.Match[str], c: _Ctx) -> _Span | None:
    # A bare '14/07' needs two digits on each side: '3/5' is more often a fraction.
    if m["pnd"] and not m["le"] and not m["pny"] and (len(m["pnd"]) < 2 or len(m["pnm"]) < 2):
        return None
    day = _single_date(m, c)
    return _day_part(c, day, m["part"]) if day else None


def _month(m: re.Match[str], c: _Ctx) -> _Span | None:
    # A month needs a preposition or a year: "mai 68", "Mars" the planet are not dates.
    if m.group(0).strip() == m["m"]:
        return None
    return _month_span(c, _MONTH_NUMBERS[m["m"]], int(m["y"]) if m["y"] else None, m["pos"])


def _in(m: re.Match[str], c: _Ctx) -> _Span:
    """'dans 3 jours' is that day; 'dans 2 semaines' is that week, Monday to Sunday."""
    name = f"dans {m['n']} {m['u']}"
    if m["u"].startswith("semaine"):
        day = c.as_of + timedelta(weeks=_number(m["n"]))
        monday = day - timedelta(days=day.weekday())
        return _days(c, monday, monday + timedelta(days=6), name)
    day = c.as_of + timedelta(days=_number(m["n"]))
    return _days(c, day, day, name)


def _range(m: re.Match[str], c: _Ctx) -> _Span | None:
    found = _range_dates(m, c)
    return _days(c, *found) if found else None


_COMPILED = [(re.compile(pattern), resolve) for pattern, resolve in _RULES]
_CONNECTOR = re.compile(r"^(?:\s|,|&|-|/|et|ou|puis|voire|a|au|jusqu'au|jusqu'a)*$")


def parse_dates(text: str, as_of: date, tz: ZoneInfo) -> DateWindow | None:
    """The time window a French question asks about, or None when it names no date.

    Several expressions joined by "et", "ou", "à" ("samedi et dimanche") make one window
    that covers them all; otherwise the longest expression wins.
    """
    folded = fold_aligned(text)
    ctx = _Ctx(as_of, tz)
    found: list[tuple[int, int, _Span]] = []
    for pattern, resolve in _COMPILED:
        for m in pattern.finditer(folded):
            span = resolve(m, ctx)
            if span is not None:
                found.append((m.start(), m.end(), span))
    chosen: list[tuple[int, int, _Span]] = []
    for start, end, span in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, span))
    if not chosen:
        return None
    longest = chosen[0]
    chosen.sort(key=lambda f: f[0])
    joined = all(_CONNECTOR.match(folded[a[1] : b[0]]) for a, b in pairwise(chosen))
    if len(chosen) == 1 or not joined:
        start, end, span = longest
        return DateWindow(span.start, span.end, text[start:end], span.label, span.occasion)
    first = min(s.start for _, _, s in chosen)
    last = max(s.end for _, _, s in chosen)
    label = describe_days(first.date(), (last - timedelta(microseconds=1)).date())
    return DateWindow(first, last, text[chosen[0][0] : chosen[-1][1]], label)


def explicit_window(
    date_from: date | None, date_to: date | None, as_of: date, tz: ZoneInfo
) -> DateWindow:
    """The window of a caller's date filters: from alone runs a year, to alone starts today."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(
            f"date_from ({date_from}) is after date_to ({date_to}): swap them or drop one"
        )
    if date_to is None:
        first = date_from or as_of
        span = _from(_Ctx(first, tz), first)
    elif date_from is None:
        span = _until(_Ctx(min(as_of, date_to), tz), date_to)
    else:
        span = _days(_Ctx(date_from, tz), date_from, date_to)
    assert span is not None  # neither end is before the context date
    return DateWindow(span.start, span.end, "", span.label)
