"""What the demo writes with: its dataclasses, filled from two JSON files beside this one.

`cities.json` holds the cities, their venues and the words that put a venue in a sentence;
`vocabulary.json` holds the French prose: themes with their titles and paragraphs,
audiences, prices, invented names and the values of every `{placeholder}`. Editing a
sentence never touches code; both files are validated into these frozen dataclasses (a
wrong kind, a missing field or a malformed season fails when the package loads).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import Literal, TypeVar

from pydantic import TypeAdapter

Kind = Literal[
    "scène", "club", "musée", "médiathèque", "centre", "cinéma", "église", "nature", "place"
]
Schedule = Literal["single", "twice", "days", "weekly", "run"]


@dataclass(frozen=True, slots=True)
class Venue:
    kind: Kind
    name: str
    address: str
    postal_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class City:
    name: str
    department: str
    region: str
    weight: int
    venues: tuple[Venue, ...]


@dataclass(frozen=True, slots=True)
class VenueGrammar:
    """Venue names in a sentence: "le Théâtre…", "au Théâtre…", "sur la Place Carnot"."""

    articles: dict[str, str]
    """A name's own article → the preposition that replaces it ("Le " → "au ")."""
    feminine_heads: frozenset[str]
    open_air_heads: dict[str, str]
    """First words of open-air venues → their preposition ("Place" → "sur ")."""


@dataclass(frozen=True, slots=True)
class Places:
    cities: tuple[City, ...]
    venue_grammar: VenueGrammar


@dataclass(frozen=True, slots=True)
class Audience:
    key: str
    keywords: tuple[str, ...]
    ages: tuple[tuple[int, int], ...]
    """(age_min, age_max) choices; 99 means "and older", as in OpenAgenda; empty: no age."""
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    """One kind of event and everything needed to write one: where, when, for whom, what."""

    key: str
    weight: int
    kinds: tuple[Kind, ...]
    keywords: tuple[str, ...]
    audiences: tuple[str, ...]
    prices: tuple[str, ...]
    hours: tuple[str, ...]
    minutes: int
    schedules: tuple[Schedule, ...]
    titles: tuple[str, ...]
    teasers: tuple[str, ...]
    intros: tuple[str, ...]
    details: tuple[str, ...]
    extras: tuple[str, ...] = ()
    online: bool = False
    """May be held online ("En ligne") or both ("Mixte")."""
    closed_on: tuple[int, ...] = ()
    """Weekdays (0 = Monday) without opening, for runs."""
    season: tuple[tuple[int, int], tuple[int, int]] | None = None
    """((month, day), (month, day)): only happens then, and a run ends by the second."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    audiences: tuple[Audience, ...]
    prices: dict[str, tuple[str, ...]]
    """Price category ("free", "cheap", "show", "premium") → conditions as organisers write them."""
    themes: tuple[Theme, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    people: frozenset[str]
    """Placeholders that stand for a person: each gets an invented first and last name."""
    placeholders: dict[str, tuple[str, ...]]
    pairs: dict[str, tuple[tuple[str, str], ...]]
    """Placeholders that come with a companion `<name>_about` (a play and its author...)."""
    venue_lines: dict[Kind, tuple[str, ...]]
    online_lines: dict[str, str]
    status_lines: dict[str, str]


T = TypeVar("T")


def load(kind: type[T], name: str) -> T:
    """The JSON file `name` of this package, validated as `kind`."""
    return TypeAdapter(kind).validate_json((files(__package__) / name).read_bytes())


PLACES = load(Places, "cities.json")
WORDS = load(Vocabulary, "vocabulary.json")
