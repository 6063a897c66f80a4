"""The demo corpus: what rag-events serves out of the box, with no key and no network.

Events are generated, not copied: real venue *kinds* in real cities (public landmarks keep
their names, everything else is invented), French texts assembled from the templates and
vocabulary of `vocabulary.json`, dates placed around "today" so that "ce week-end" always
has answers. One seeded `random.Random` drives every choice, so a (today, seed, n) triple
always gives the same corpus and the same index. `rag demo` writes it through the ingest
pipeline (raw and processed copies, like any source) and builds the index.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from rag.config import Settings
from rag.cues import free_for_all
from rag.demo.places import at_venue, the_venue
from rag.demo.vocabulary import PLACES, WORDS, Audience, City, Theme, Venue
from rag.demo_record import DEMO_SOURCE, DemoRecord, local_today, write_record
from rag.french import MONTHS, PARIS, WEEKDAYS, date_range, day_name
from rag.models import Event, Occurrence, ProgressFn, no_progress
from rag.sources import RawBatch
from rag.text import fold
from rag.typography import french_grammar

if TYPE_CHECKING:
    from rag.index import BuildReport

DEFAULT_EVENTS = 360
DEFAULT_SEED = 7
UID_PREFIX = "demo-"
"""Every generated event's uid starts with it (`rag.corpus` tells demo events apart by it)."""
TITLE_DRAWS = 12
REDRAFTS = 10
"""A title repeating one already taken is drawn again, then the event is drafted again;
after that a repeat is accepted (a corpus of thousands runs out of fresh subjects)."""
DEMO_URL = "https://example.org/demo"
"""example.org is reserved for documentation: a demo link can never reach a real page."""

CITIES = PLACES.cities
THEMES = WORDS.themes
AUDIENCES = {audience.key: audience for audience in WORDS.audiences}
PRICES = WORDS.prices


def is_free(conditions: str) -> bool:
    """Whether the generator drew this price from its "free" category: the ground truth of
    the demo's own events (`rag.cues.free_for_all` reads the same text and must agree)."""
    return conditions in PRICES["free"]


# --- placeholders ----------------------------------------------------------------------------


def _french(text: str) -> str:
    """Elisions and contractions that only appear once placeholders are filled."""
    return french_grammar(text)


class _Slots(dict[str, str]):
    """The values of one event's {placeholders}, each drawn once on first use, so that its
    title, teaser and paragraphs all speak of the same artist, play or venue."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self._rng = rng

    def fill(self, template: str) -> str:
        return _french(template.format_map(self))

    def __missing__(self, key: str) -> str:
        base = key.removesuffix("_about")
        if base in WORDS.pairs:
            name, about = self._rng.choice(WORDS.pairs[base])
            self[base], self[f"{base}_about"] = self.fill(name), self.fill(about)
            return self[key]
        if key in WORDS.people:
            value = f"{self._rng.choice(WORDS.first_names)} {self._rng.choice(WORDS.last_names)}"
        elif key.endswith("2"):  # a second, different one: "{dj} + {dj2}"
            value = self[key[:-1]]
            while value == self[key[:-1]]:
                value = self.fill(self._rng.choice(WORDS.placeholders[key[:-1]]))
        else:
            value = self.fill(self._rng.choice(WORDS.placeholders[key]))
        self[key] = value
        return value


# --- dates ---------------------------------------------------------------------------------


def weekend_start(today: date) -> date:
    """The Saturday of "ce week-end": the coming one, or the current one on Sat/Sun."""
    if today.weekday() >= 5:
        return today - timedelta(days=today.weekday() - 5)
    return today + timedelta(days=5 - today.weekday())


@dataclass(frozen=True, slots=True)
class _Window:
    weight: int
    days: tuple[date, ...]


def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def date_windows(today: date) -> list[_Window]:
    """Where events start: a few in the past, many this week-end and the next, most later."""
    saturday = weekend_start(today)
    windows = [
        _Window(6, _days(today - timedelta(days=14), today - timedelta(days=1))),
        _Window(12, _days(today, saturday - timedelta(days=1))),  # empty on a week-end
        _Window(22, _days(max(today, saturday), saturday + timedelta(days=1))),
        _Window(12, _days(saturday + timedelta(days=2), saturday + timedelta(days=6))),
        _Window(14, _days(saturday + timedelta(days=7), saturday + timedelta(days=8))),
        _Window(34, _days(saturday + timedelta(days=9), today + timedelta(days=90))),
    ]
    return [w for w in windows if w.days]


def _in_season(day: date, season: tuple[tuple[int, int], tuple[int, int]] | None) -> bool:
    return season is None or season[0] <= (day.month, day.day) <= season[1]


def _pick_day(rng: random.Random, windows: Sequence[_Window], theme: Theme) -> date | None:
    """A start day in a weighted window, within the theme's season (None: out of season)."""
    fitting = [
        _Window(w.weight, days)
        for w in windows
        if (days := tuple(d for d in w.days if _in_season(d, theme.season)))
    ]
    if not fitting:
        return None
    window = rng.choices(fitting, weights=[w.weight for w in fitting])[0]
    return rng.choice(window.days)


def _occurrence(day: date, start: str, minutes: int) -> Occurrence:
    begin = datetime.combine(day, time.fromisoformat(start), PARIS)
    return Occurrence(begin, begin + timedelta(minutes=minutes))


def schedule(rng: random.Random, theme: Theme, day: date) -> list[Occurrence]:
    """The showings of one event starting around `day`, in the shape its theme allows."""
    kind = rng.choice(theme.schedules)
    hour = rng.choice(theme.hours)
    if kind == "twice":
        first, second = sorted(rng.sample(theme.hours, 2))
        return [_occurrence(day, first, theme.minutes), _occurrence(day, second, theme.minutes)]
    if kind == "days":
        count = rng.randint(2, 4)
        return [_occurrence(day + timedelta(days=i), hour, theme.minutes) for i in range(count)]
    if kind == "weekly":
        count = rng.randint(3, 8)
        return [_occurrence(day + timedelta(weeks=i), hour, theme.minutes) for i in range(count)]
    if kind == "run":
        return _run(rng, theme, day, hour)
    return [_occurrence(day, hour, theme.minutes)]


def _run(rng: random.Random, theme: Theme, day: date, hour: str) -> list[Occurrence]:
    """Daily opening hours over weeks (exhibitions, markets), often begun before `day`."""
    if theme.season is not None:
        (start_month, start_day), (end_month, end_day) = theme.season
        opens = max(
            day - timedelta(days=rng.randint(0, 10)), date(day.year, start_month, start_day)
        )
        closes = date(day.year, end_month, end_day)
    else:
        opens = day - timedelta(days=rng.randint(0, 40))
        closes = opens + timedelta(days=rng.randint(21, 100))
    return [
        _occurrence(d, hour, theme.minutes)
        for d in _days(opens, closes)
        if d.weekday() not in theme.closed_on
    ]


def date_label(occurrences: Sequence[Occurrence]) -> str:
    """OpenAgenda's `daterange_fr` style: 'Samedi 28 novembre 2026, 20h00', 'Du 3 au 5 mai
    2026', 'Du 2 décembre 2026 au 20 janvier 2027, tous les mercredis'."""
    starts = [o.start for o in occurrences]
    days = sorted({s.date() for s in starts})
    if len(days) == 1:
        times = ", ".join(f"{s.hour:02d}h{s.minute:02d}" for s in starts)
        return f"{_capitalize(day_name(days[0]))}, {times}"
    label = _capitalize(date_range(days[0], days[-1]))
    weekly = all((b - a).days == 7 for a, b in pairwise(days))
    return f"{label}, tous les {WEEKDAYS[days[0].weekday()]}s" if weekly else label


def _short_day(day: date) -> str:
    """'24 décembre', for "jusqu'au 24 décembre" in a teaser."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"


# --- texts ---------------------------------------------------------------------------------


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def slugify(text: str) -> str:
    """'Marché de Noël — Lyon' → 'marche-de-noel-lyon'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _price_sentence(conditions: str) -> str:
    if conditions[0].isdigit() or conditions.startswith("De "):
        return f"Tarif : {conditions[0].lower()}{conditions[1:]}."
    return f"{conditions}."


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Draft:
    """Where, when and for whom one event happens, before any text is written."""

    number: int
    theme: Theme
    city: City
    venue: Venue
    audience: Audience
    ages: tuple[int, int] | None
    occurrences: list[Occurrence]


def generate_demo_events(
    today: date,
    n: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    cities: Sequence[City] = CITIES,
) -> list[Event]:
    """`n` varied French events around `today` in `cities`, the same ones for the same
    arguments."""
    rng = random.Random(f"rag-events demo {seed}")
    windows = date_windows(today)
    taken: set[tuple[str, ...]] = set()
    events: list[Event] = []
    for number in range(1, n + 1):
        for attempt in range(REDRAFTS + 1):
            draft = _draft(rng, number, windows, cities)
            event = _write(rng, draft, today, taken, strict=attempt < REDRAFTS)
            if event is not None:
                events.append(event)
                break
    return events


def _draft(
    rng: random.Random, number: int, windows: Sequence[_Window], cities: Sequence[City]
) -> _Draft:
    """Place and date one event: every theme once first, then by weight."""
    theme = THEMES[number - 1] if number <= len(THEMES) else _weighted_theme(rng)
    day = _pick_day(rng, windows, theme)
    while day is None:  # out of season (no Christmas market in June)
        theme = _weighted_theme(rng)
        day = _pick_day(rng, windows, theme)
    fitting = [c for c in cities if any(v.kind in theme.kinds for v in c.venues)]
    city = rng.choices(fitting, weights=[c.weight for c in fitting])[0]
    venue = rng.choice([v for v in city.venues if v.kind in theme.kinds])
    audience = AUDIENCES[rng.choice(theme.audiences)]
    ages = rng.choice(audience.ages) if audience.ages else None
    return _Draft(number, theme, city, venue, audience, ages, schedule(rng, theme, day))


def _weighted_theme(rng: random.Random) -> Theme:
    return rng.choices(THEMES, weights=[t.weight for t in THEMES])[0]


def _write(
    rng: random.Random, draft: _Draft, today: date, taken: set[tuple[str, ...]], strict: bool
) -> Event | None:
    """Dress a draft with a title, texts, prices and links. When `strict`, None rather than
    a title or subject already taken (two "Bestiaire" exhibitions in one city look fake)."""
    theme, venue, city = draft.theme, draft.venue, draft.city
    fixed = _fixed_slots(draft)
    for _ in range(TITLE_DRAWS):
        slots = _Slots(rng, fixed)
        title = _capitalize(slots.fill(rng.choice(theme.titles)))
        subject = tuple(sorted(v for k, v in slots.items() if k not in fixed))
        where = city.name if subject else venue.name  # one market per square
        keys = {("title", title), (theme.key, where, *subject)}
        if not (strict and keys & taken):
            break
    else:
        return None
    taken.update(keys)
    uid = f"{UID_PREFIX}{draft.number:04d}"
    url = f"{DEMO_URL}/{slugify(title)}-{draft.number:04d}"
    conditions = rng.choice(PRICES[rng.choice(theme.prices)])
    attendance = _attendance(rng, theme)
    status = rng.choices(["Programmé", "Reporté", "Complet"], weights=[94, 2, 4])[0]
    registration = _registration(rng, conditions, url, attendance)

    def pick(options: Sequence[str]) -> str:
        return _capitalize(slots.fill(rng.choice(options)))

    paragraphs = [pick(theme.intros), pick(theme.details)]
    if rng.random() < 0.55:
        paragraphs.append(pick(WORDS.venue_lines[venue.kind]))
    if theme.extras and rng.random() < 0.5:
        paragraphs.append(pick(theme.extras))
    practical = [
        pick(draft.audience.lines),
        _price_sentence(conditions),
        WORDS.online_lines.get(attendance, ""),
        WORDS.status_lines.get(status, ""),
    ]
    if rng.random() < 0.85:
        paragraphs.append(" ".join(p for p in practical if p))
    keywords = [*theme.keywords, *draft.audience.keywords]
    if free_for_all(conditions):
        keywords.append("Gratuit")
    updated = datetime.combine(today - timedelta(days=rng.randint(2, 45)), time(9), PARIS)
    return Event(
        uid=uid,
        title=title,
        description=pick(theme.teasers),
        long_description="\n".join(paragraphs),
        keywords=list(dict.fromkeys(keywords)),
        occurrences=draft.occurrences,
        date_label=date_label(draft.occurrences),
        venue=venue.name,
        address=f"{venue.address}, {venue.postal_code} {city.name}",
        city=city.name,
        postal_code=venue.postal_code,
        department=city.department,
        region=city.region,
        country="France",
        latitude=venue.latitude,
        longitude=venue.longitude,
        age_min=draft.ages[0] if draft.ages else None,
        age_max=draft.ages[1] if draft.ages else None,
        conditions=conditions,
        registration=registration,
        url=url,
        agenda_uid=f"demo-agenda-{slugify(city.name)}",
        agenda_title=f"Sortir à {city.name} (démo)",
        status=status,
        attendance_mode=attendance,
        updated_at=updated,
    )


def _fixed_slots(draft: _Draft) -> dict[str, str]:
    last = max(o.end for o in draft.occurrences).date()
    ages = draft.ages or (0, 0)
    return {
        "the_venue": the_venue(draft.venue.name),
        "at_venue": at_venue(draft.venue.name),
        "city": draft.city.name,
        "last_day": _short_day(last),
        "age_min": str(ages[0]),
        "age_max": str(ages[1]),
    }


def _attendance(rng: random.Random, theme: Theme) -> str:
    if not theme.online:
        return "Sur place"
    return rng.choices(["Sur place", "En ligne", "Mixte"], weights=[76, 12, 12])[0]


def _registration(rng: random.Random, conditions: str, url: str, attendance: str) -> list[str]:
    """Where to book: a ticket page for paid or online events, a phone or e-mail when
    booking is asked, nothing for walk-in free events."""
    if attendance != "Sur place" or not free_for_all(conditions):
        return [f"{url}/billetterie"]
    if "réservation" in conditions or "inscription" in conditions:
        # 01 99 00 xx xx is a range that ARCEP reserves for fiction.
        phone = f"01 99 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
        return [rng.choice([phone, "reservation@example.org"])]
    return []


# --- rag demo ------------------------------------------------------------------------------


@dataclass(slots=True)
class DemoSource:
    """The generated corpus as an ingest source, so `rag demo` keeps raw and processed
    copies exactly like any other source."""

    events: list[Event]
    name: str = DEMO_SOURCE
    notes: list[str] = field(default_factory=list)

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]:
        progress("generate", len(self.events), len(self.events))
        yield RawBatch("event", [event.to_dict() for event in self.events])


def build_demo(
    settings: Settings,
    today: date | None = None,
    n: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    progress: ProgressFn = no_progress,
) -> BuildReport:
    """Generate the demo corpus, ingest it (raw + processed) and build its index."""
    from rag.embeddings import create_embedder
    from rag.index import build_index
    from rag.ingest import ingest, iter_events

    today = today or local_today(settings)
    events = generate_demo_events(today, n, seed)
    ingest(settings, [DemoSource(events)], progress=progress)
    write_record(settings, DemoRecord(today, n, seed, settings.embedding_provider))
    embedder = create_embedder(settings)
    return build_index(settings, iter_events(settings), embedder, progress)
