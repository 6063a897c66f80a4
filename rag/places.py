"""Places named in a question: cities, departments, regions and countries, as the corpus
spells them, and "près de X" as a radius around X.

The gazetteer is built once per index from the events themselves, so it knows exactly the
cities that can be filtered on. French departments and regions are closed lists: they are
always known (an event-less "en Corse" still becomes a filter, which then honestly finds
nothing), and the spelling variants found in real OpenAgenda data ("Ile de France", "IDF",
"Brittany", "Bourgogne – Franche-Comté", "Upper Savoy") map to one French name, and a
department can be named by its number ("dans le 92"). Records that lack their department or
region get them from the postal code, else the INSEE code. "près de / autour de / à côté
de X", "near X" is every event within `NEAR_KM` of X: the centre of the corpus's events in
X, else X in `rag/resources/fr-towns.tsv` (French towns of 1,000+ people, from GeoNames);
towns of that table that the corpus lacks are known too, so "à marseille" finds nothing
honestly instead of answering with events elsewhere.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from statistics import median
from typing import Any, Literal

import numpy as np

from rag.common_words import zipf
from rag.config import NEAR_KM
from rag.dates import calendar_words, fold_aligned
from rag.language import detect_language
from rag.lexical import STOP_WORDS
from rag.models import Event
from rag.text import normalize_space

PlaceKind = Literal["city", "department", "region", "country"]
EARTH_KM = 6371.0
MAX_VENUES = 10  # a name fitting more venues than this names a kind of venue, not one
WHOLE_VENUE_WORDS = 3
BIG_CITY = 50_000  # towns this large are recognised in lower case too ("a marseille")
_TOWNS = Path(__file__).parent / "resources" / "fr-towns.tsv"
_QUARTERS = Path(__file__).parent / "resources" / "paris-quarters.tsv"
_COUNTRIES = Path(__file__).parent / "resources" / "countries-en-fr.tsv"
_ABROAD = Path(__file__).parent / "resources" / "abroad-en-fr.tsv"


@dataclass(frozen=True)
class PlaceMatch:
    """Where the question asks about; `matches` tells whether an event is there."""

    kind: PlaceKind
    name: str  # canonical as in the corpus: "Paris", "Calvados", "Bretagne", "Île-de-France"
    expression: str  # as found in the question, e.g. "à Paris"
    arrondissement: int | None = None  # Paris only: 15 for "Paris 15e" or "75015"
    radius_km: float | None = None  # "près de X": events this close to (latitude, longitude)
    latitude: float | None = None
    longitude: float | None = None
    quarter: str | None = None  # a neighbourhood of `name` said instead of it ("Montmartre")

    def matches(self, event: Event) -> bool:
        if self.radius_km is not None and event.latitude is not None:
            return self.distance_km(event.latitude, event.longitude or 0.0) <= self.radius_km
        return self.matches_name(event)

    def matches_name(self, event: Event) -> bool:
        """Whether the event is in the named place, whatever its coordinates."""
        place = event_place(event)
        if self.kind == "country":
            return _key(event.country or "") == _key(self.name)
        if self.kind == "city":
            return _key(place.city or "") == _key(self.name) and (
                self.arrondissement is None or place.arrondissement == self.arrondissement
            )
        value = place.department if self.kind == "department" else place.region
        return _key(value or "") == _key(self.name)

    def distance_km(self, latitude: float, longitude: float) -> float:
        """Great-circle distance from the centre of a "près de" place."""
        return float(haversine_km(self.latitude or 0.0, self.longitude or 0.0, latitude, longitude))


@dataclass(frozen=True, slots=True)
class VenueMatch:
    """The venues of the corpus a question names ("au Zénith": every venue whose name
    starts with "Zénith"), and the words that named them."""

    names: tuple[str, ...]
    expression: str


def venue_key(name: str) -> str:
    """'Le Zénith', 'ZENITH' -> 'zenith': a venue's name without its leading article."""
    return " ".join(_venue_words(name))


def _venue_words(name: str) -> tuple[str, ...]:
    words = _words(name)
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return words


@cache
def _venue_types() -> frozenset[str]:
    text = (Path(__file__).parent / "resources" / "venue-types.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(word for line in lines for word in line.split())


@cache
def _generic_venue_words() -> frozenset[str]:
    """Words that never say which venue: its kinds and grammar."""
    return _venue_types() | STOP_WORDS


def haversine_km(
    lat: float, lon: float, lats: float | np.ndarray, lons: float | np.ndarray
) -> np.ndarray:
    """Great-circle distances (km) from one point to one or many: the one formula that
    "près de", the candidate grid and the evaluation rules all measure with."""
    p1, p2 = math.radians(lat), np.radians(np.asarray(lats, dtype=np.float64))
    dl = np.radians(np.asarray(lons, dtype=np.float64)) - math.radians(lon)
    h = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


@dataclass(frozen=True, slots=True)
class EventPlace:
    """An event's place with department and region in their canonical French names."""

    city: str | None
    department: str | None
    region: str | None
    arrondissement: int | None


# --- French departments and regions -------------------------------------------------------

_REGIONS = {  # canonical name -> how to say "in it"
    "Auvergne-Rhône-Alpes": "en",
    "Bourgogne-Franche-Comté": "en",
    "Bretagne": "en",
    "Centre-Val de Loire": "en",
    "Corse": "en",
    "Grand Est": "dans le",
    "Hauts-de-France": "dans les",
    "Île-de-France": "en",
    "Normandie": "en",
    "Nouvelle-Aquitaine": "en",
    "Occitanie": "en",
    "Pays de la Loire": "dans les",
    "Provence-Alpes-Côte d'Azur": "en",
    "Guadeloupe": "en",
    "Martinique": "en",
    "Guyane": "en",
    "La Réunion": "à",
    "Mayotte": "à",
}
# English names found in the data, abbreviations, and the pre-2016 regions they absorbed.
_REGION_ALIASES = {
    "idf": "Île-de-France", "region parisienne": "Île-de-France",
    "brittany": "Bretagne", "normandy": "Normandie", "occitania": "Occitanie",
    "corsica": "Corse", "reunion": "La Réunion", "paca": "Provence-Alpes-Côte d'Azur",
    "provence": "Provence-Alpes-Côte d'Azur", "cote d azur": "Provence-Alpes-Côte d'Azur",
    "burgundy franche comte": "Bourgogne-Franche-Comté", "bourgogne": "Bourgogne-Franche-Comté",
    "franche comte": "Bourgogne-Franche-Comté", "auvergne": "Auvergne-Rhône-Alpes",
    "rhone alpes": "Auvergne-Rhône-Alpes", "alsace": "Grand Est", "lorraine": "Grand Est",
    "champagne ardenne": "Grand Est", "aquitaine": "Nouvelle-Aquitaine",
    "limousin": "Nouvelle-Aquitaine", "poitou charentes": "Nouvelle-Aquitaine",
    "midi pyrenees": "Occitanie", "languedoc roussillon": "Occitanie", "languedoc": "Occitanie",
    "picardie": "Hauts-de-France", "nord pas de calais": "Hauts-de-France",
    "basse normandie": "Normandie", "haute normandie": "Normandie",
    "centre val de loire": "Centre-Val de Loire", "aura": "Auvergne-Rhône-Alpes",
    "ara": "Auvergne-Rhône-Alpes", "naq": "Nouvelle-Aquitaine", "bfc": "Bourgogne-Franche-Comté",
    "hdf": "Hauts-de-France", "cvl": "Centre-Val de Loire", "pdl": "Pays de la Loire",
    "burgundy": "Bourgogne-Franche-Comté", "auvergne rhone alpes": "Auvergne-Rhône-Alpes",
}  # fmt: skip
# Spellings of the data only: "Centre" in a question is rarely the region.
_DATA_REGION_ALIASES = {"centre": "Centre-Val de Loire"}
_ARA, _BFC, _BRE, _CVL, _GE, _HDF = (
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire",
    "Grand Est", "Hauts-de-France",
)  # fmt: skip
_IDF, _NOR, _NAQ, _OCC, _PDL, _PACA = (
    "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
)  # fmt: skip
_DEPARTMENTS = {  # code -> (name, region)
    "01": ("Ain", _ARA), "02": ("Aisne", _HDF), "03": ("Allier", _ARA),
    "04": ("Alpes-de-Haute-Provence", _PACA), "05": ("Hautes-Alpes", _PACA),
    "06": ("Alpes-Maritimes", _PACA), "07": ("Ardèche", _ARA), "08": ("Ardennes", _GE),
    "09": ("Ariège", _OCC), "10": ("Aube", _GE), "11": ("Aude", _OCC), "12": ("Aveyron", _OCC),
    "13": ("Bouches-du-Rhône", _PACA), "14": ("Calvados", _NOR), "15": ("Cantal", _ARA),
    "16": ("Charente", _NAQ), "17": ("Charente-Maritime", _NAQ), "18": ("Cher", _CVL),
    "19": ("Corrèze", _NAQ), "2A": ("Corse-du-Sud", "Corse"), "2B": ("Haute-Corse", "Corse"),
    "21": ("Côte-d'Or", _BFC), "22": ("Côtes-d'Armor", _BRE), "23": ("Creuse", _NAQ),
    "24": ("Dordogne", _NAQ), "25": ("Doubs", _BFC), "26": ("Drôme", _ARA), "27": ("Eure", _NOR),
    "28": ("Eure-et-Loir", _CVL), "29": ("Finistère", _BRE), "30": ("Gard", _OCC),
    "31": ("Haute-Garonne", _OCC), "32": ("Gers", _OCC), "33": ("Gironde", _NAQ),
    "34": ("Hérault", _OCC), "35": ("Ille-et-Vilaine", _BRE), "36": ("Indre", _CVL),
    "37": ("Indre-et-Loire", _CVL), "38": ("Isère", _ARA), "39": ("Jura", _BFC),
    "40": ("Landes", _NAQ), "41": ("Loir-et-Cher", _CVL), "42": ("Loire", _ARA),
    "43": ("Haute-Loire", _ARA), "44": ("Loire-Atlantique", _PDL), "45": ("Loiret", _CVL),
    "46": ("Lot", _OCC), "47": ("Lot-et-Garonne", _NAQ), "48": ("Lozère", _OCC),
    "49": ("Maine-et-Loire", _PDL), "50": ("Manche", _NOR), "51": ("Marne", _GE),
    "52": ("Haute-Marne", _GE), "53": ("Mayenne", _PDL), "54": ("Meurthe-et-Moselle", _GE),
    "55": ("Meuse", _GE), "56": ("Morbihan", _BRE), "57": ("Moselle", _GE),
    "58": ("Nièvre", _BFC), "59": ("Nord", _HDF), "60": ("Oise", _HDF), "61": ("Orne", _NOR),
    "62": ("Pas-de-Calais", _HDF), "63": ("Puy-de-Dôme", _ARA),
    "64": ("Pyrénées-Atlantiques", _NAQ), "65": ("Hautes-Pyrénées", _OCC),
    "66": ("Pyrénées-Orientales", _OCC), "67": ("Bas-Rhin", _GE), "68": ("Haut-Rhin", _GE),
    "69": ("Rhône", _ARA), "70": ("Haute-Saône", _BFC), "71": ("Saône-et-Loire", _BFC),
    "72": ("Sarthe", _PDL), "73": ("Savoie", _ARA), "74": ("Haute-Savoie", _ARA),
    "75": ("Paris", _IDF), "76": ("Seine-Maritime", _NOR), "77": ("Seine-et-Marne", _IDF),
    "78": ("Yvelines", _IDF), "79": ("Deux-Sèvres", _NAQ), "80": ("Somme", _HDF),
    "81": ("Tarn", _OCC), "82": ("Tarn-et-Garonne", _OCC), "83": ("Var", _PACA),
    "84": ("Vaucluse", _PACA), "85": ("Vendée", _PDL), "86": ("Vienne", _NAQ),
    "87": ("Haute-Vienne", _NAQ), "88": ("Vosges", _GE), "89": ("Yonne", _BFC),
    "90": ("Territoire de Belfort", _BFC), "91": ("Essonne", _IDF),
    "92": ("Hauts-de-Seine", _IDF), "93": ("Seine-Saint-Denis", _IDF),
    "94": ("Val-de-Marne", _IDF), "95": ("Val-d'Oise", _IDF), "971": ("Guadeloupe", "Guadeloupe"),
    "972": ("Martinique", "Martinique"), "973": ("Guyane", "Guyane"),
    "974": ("La Réunion", "La Réunion"), "976": ("Mayotte", "Mayotte"),
}  # fmt: skip
_DEPARTMENT_ALIASES = {
    "departement de paris": "Paris", "upper savoy": "Haute-Savoie", "savoy": "Savoie",
    "corsica south": "Corse-du-Sud", "upper corsica": "Haute-Corse",
}  # fmt: skip

# Place names that are also everyday French words: they only count after "à", "en", "dans"...
_COMMON_WORDS = {
    "ain", "apt", "auch", "aube", "bar", "cher", "cluses", "die", "dole", "eure", "gard", "gers",
    "ham", "indre", "jura", "landes", "lens", "loire", "lot", "manche", "marne", "mans", "meuse",
    "nord", "nuit", "oise", "orange", "orne", "pau", "persan", "sens", "somme", "tarn", "tours",
    "var", "vienne", "vire", "aura", "la madeleine", "la fleche",
}  # fmt: skip
_PREPOSITIONS = {
    "a", "au", "aux", "en", "dans", "sur", "vers", "pres", "autour", "cote", "proximite", "region",
    "departement", "ville", "alentours", "environs", "abords", "in", "at", "near", "around",
    "dehors", "hors", "outside",  # a place set aside is read as one: "en dehors de Lyon"
}  # fmt: skip
# Prepositions that ask for a radius around the place rather than the place itself.
_NEAR = frozenset(["pres", "autour", "cote", "proximite", "alentours", "environs", "abords",
                   "near", "around", "vers"])  # fmt: skip
# Words elsewhere in the question that also ask for the surroundings of the place named
# ("je bosse à Nantes, des trucs dans le coin ?", "in Lyon and around"), folded.
# a place's surroundings said after it: "Nantes et environs", "Lille and surroundings"
_SURROUNDINGS = (
    r"(?:et|ou)\s+(?:ses\s+|les\s+)?(?:alentours|environs)"
    r"|(?:and|or)\s+(?:its\s+|the\s+)?(?:surroundings|around)"
)
VICINITY = re.compile(
    r"\b(?:dans\s+(?:le\s+coin|les\s+(?:alentours|environs|parages))|aux\s+alentours"
    r"|a\s+proximite|pas\s+(?:tres\s+)?loin|nearby|close\s+by"
    rf"|in\s+the\s+(?:area|vicinity|surroundings)|{_SURROUNDINGS})\b"
)
# ...said right after a name, which it makes a place without a preposition
_SURROUNDINGS_AFTER = re.compile(rf"\s+(?:{_SURROUNDINGS})\b")
# A kind of place said after its name ("the Centre-Val de Loire region", "the Lyon area").
_KIND_AFTER = frozenset(["region", "department", "departement", "area", "county"])
_AREA = frozenset(["area"])  # ...of which these ask for the surroundings
_DEPARTMENT_NUMBER = re.compile(
    r"\b(?:dans\s+le|departement(?:\s+d[eu])?|dept\.?|dpt)\s+(?P<code>\d{2}|2a|2b|97[1-6])\b"
    r"(?!\s*(?:e|er|eme|ieme|ans?|h|heures?|mois|jours?|km)\b|\s*(?:%|€|[:/.,]\d))"
    r"|\((?P<paren>\d{2}|2a|2b|97[1-6])\)"
)
_POSTAL_CODE = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-5])\d{3}|97[1-6]\d{2}")
# a postal code in a question, with what may introduce it; not an amount or a count
POSTAL_CODE_SAID = re.compile(
    r"(?:\b(?:(?P<near>near|pres\s+de|près\s+de|around|autour\s+de|vers)"
    r"|a|à|au|dans\s+le|in|cp)\s+)?"
    rf"\b(?P<code>{_POSTAL_CODE.pattern})\b"
    r"(?!\s*(?:€|eur|euros?|personnes|people|km|m\b|ans|habitants|visiteurs))",
    re.IGNORECASE,
)
_GENITIVE = frozenset(["de", "du", "des", "d", "of"])
_STOPS = frozenset(["metro", "station", "gare", "arret", "rer", "tram", "stop", "subway", "tube"])
NEAR_QUARTER_KM = 1.5  # "near" a neighbourhood or a square: about a twenty-minute walk
_DISTANCES = frozenset(
    [
        "km",
        "kms",
        "kilometres",
        "kilometers",
        "minutes",
        "min",
        "miles",
        "h",
        "heures",
        "hours",
        "loin",
    ]
)
_ARTICLES = frozenset(["le", "la", "les", "l", "the"])
_TOKEN = re.compile(r"[a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(fold_aligned(text)))


def _words(text: str) -> tuple[str, ...]:
    return tuple(_ABBREVIATIONS.get(m.group(0), m.group(0)) for m in _tokens(text))


def _key(name: str) -> str:
    """'Saint-Étienne', 'st etienne', 'SAINT ETIENNE' -> 'saint etienne'."""
    return " ".join(_words(name))


_REGION_KEYS = {_key(name): name for name in _REGIONS} | {
    _key(alias): name for alias, name in (_REGION_ALIASES | _DATA_REGION_ALIASES).items()
}
_DEPARTMENT_KEYS = {_key(name): name for name, _ in _DEPARTMENTS.values()} | {
    _key(alias): name for alias, name in _DEPARTMENT_ALIASES.items()
}
_DEPARTMENT_REGION = dict(_DEPARTMENTS.values())


def department_region(name: str) -> str | None:
    """The region of a department given by its canonical name ('Orne' -> 'Normandie')."""
    return next((region for dep, region in _DEPARTMENTS.values() if dep == name), None)


def canonical_region(value: str | None) -> str | None:
    """The French region name for any spelling seen in the data; others kept as written."""
    if not value or not value.strip():
        return None
    return _REGION_KEYS.get(_key(value), normalize_space(value))


def canonical_department(value: str | None) -> str | None:
    if not value or not value.strip() or value.strip().isdigit():
        return None
    return _DEPARTMENT_KEYS.get(_key(value), normalize_space(value))


def _department_from_postal_code(postal_code: str | None) -> str | None:
    code = (postal_code or "").strip()
    if not re.fullmatch(r"\d{5}", code):
        return None
    if code.startswith("97"):
        return _DEPARTMENTS.get(code[:3], (None,))[0]
    if code.startswith("20"):
        return "Corse-du-Sud" if code < "20200" else "Haute-Corse"
    return _DEPARTMENTS.get(code[:2], (None,))[0]


def _department_from_insee(insee: str | None) -> str | None:
    """INSEE commune codes start with the department: 35238 Rennes, 2A004 Ajaccio."""
    code = (insee or "").strip().upper()
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        return None
    return _DEPARTMENTS.get(code[:3] if code.startswith("97") else code[:2], (None,))[0]


# "... Huppy 80140": a town and its postal code ending a venue's name or address
_TOWN_AND_CODE = re.compile(
    r"(?:^|\s)((?:(?:le|la|les)\s+|l')?[^\W\d][\w'’-]*)\s+(\d{5})\s*$", re.I
)


def relocated(event: Event) -> Event:
    """An event the geocoder put in another department than its postal code, when its
    venue's name or address names the town of that code ("Place Charles De Gaulle Huppy
    80140", geocoded on the Paris square): in that town, its department and region, with
    no coordinates (they point at the other town). Postal codes of a neighbouring
    department ("94410" for the Bois de Vincennes, in Paris) name no town: left as they are."""
    by_code = _department_from_postal_code(event.postal_code)
    by_commune = _department_from_insee(event.insee)
    if by_code is None or by_commune is None or by_code == by_commune:
        return event
    for text in (event.venue, event.address):
        m = _TOWN_AND_CODE.search(text or "")
        if m and m[2] == event.postal_code and _key(m[1]) != _key(event.city or ""):
            town = normalize_space(m[1])
            return replace(
                event,
                city=town[0].upper() + town[1:],
                insee=None,
                department=by_code,
                region=_DEPARTMENT_REGION.get(by_code),
                latitude=None,
                longitude=None,
            )
    return event


def _is_french(event: Event) -> bool:
    country = fold_aligned(event.country or "fr").strip()
    return country.startswith("fr")


def event_place(event: Event) -> EventPlace:
    """Department and region fall back on the postal code when the source left them out."""
    french = _is_french(event)
    department = canonical_department(event.department)
    if department not in _DEPARTMENT_REGION and french:
        department = (
            _department_from_postal_code(event.postal_code)
            or _department_from_insee(event.insee)
            or department
        )
    region = canonical_region(event.region)
    if region not in _REGIONS and department in _DEPARTMENT_REGION:
        region = _DEPARTMENT_REGION[department]
    arrondissement = None
    code = (event.postal_code or "").strip()
    if french and re.fullmatch(r"75(0(0[1-9]|1\d|20)|116)", code):
        arrondissement = 16 if code == "75116" else int(code[3:])
    city = normalize_space(event.city) if event.city and event.city.strip() else None
    return EventPlace(city, department, region, arrondissement)


# --- finding places in a question ---------------------------------------------------------

_ARRONDISSEMENT = re.compile(
    r"\b(?:(?P<pre>a|dans|sur|vers)\s+)?(?:"
    r"paris\s*(?P<a>\d{1,2})\s*(?:e|er|eme|ieme)?\b(?:\s+arr(?:\w*\b|\.))?"
    r"|(?:le\s+)?(?P<b>\d{1,2})\s*(?:e|er|eme|ieme)\s+arr(?:\w*\b|\.)"  # "arrdt", "arrondissment"
    r"|dans\s+le\s+(?P<c>\d{1,2})\s*(?:e|er|eme|ieme)\b(?!\s+(?:siecle|edition|age))"
    r"|(?:in\s+)?(?:the\s+)?(?P<e>\d{1,2})(?:st|nd|rd|th)\s+(?:arr(?:\w*\b|\.)|district)"
    r"|paris(?:'s)?\s*(?P<f>\d{1,2})(?:st|nd|rd|th)\b(?:\s+(?:arrondissement|district)\b)?"
    r"|75(?P<d>0(?:0[1-9]|1\d|20)|116)\b)"
)


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: PlaceKind
    name: str
    needs_preposition: bool
    in_corpus: bool = True  # False for towns known only from rag/resources/fr-towns.tsv
    quarter: _Quarter | None = None


@dataclass(frozen=True, slots=True)
class _Quarter:
    """A neighbourhood of rag/resources/paris-quarters.tsv."""

    name: str
    city: str
    latitude: float
    longitude: float
    radius_km: float
    needs_preposition: bool


@cache
def _quarters() -> list[tuple[str, _Quarter]]:
    """paris-quarters.tsv: every spelling with its neighbourhood."""
    found: list[tuple[str, _Quarter]] = []
    for line in _QUARTERS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        names, city, lat, lon, radius, preposition = line.split("\t")
        spellings = names.split("|")
        quarter = _Quarter(
            spellings[0], city, float(lat), float(lon), float(radius), preposition == "yes"
        )
        found += [(spelling, quarter) for spelling in spellings]
    return found


@cache
def _other_names(table: Path) -> dict[str, list[str]]:
    """countries-en-fr.tsv, abroad-en-fr.tsv: the key of a French name -> its other names."""
    names: dict[str, list[str]] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        other, french = line.split("\t")
        names.setdefault(_key(french), []).append(other)
    return names


@cache
def _towns() -> dict[str, tuple[str, float, float, int]]:
    """fr-towns.tsv by key: name, latitude, longitude, population."""
    towns: dict[str, tuple[str, float, float, int]] = {}
    for line in _TOWNS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, lat, lon, population = line.split("\t")
        towns.setdefault(_key(name), (name, float(lat), float(lon), int(population)))
    return towns


@dataclass
class Gazetteer:
    """The places of one corpus, with how many events each has."""

    cities: Counter[str] = field(default_factory=Counter)
    departments: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    city_departments: dict[str, Counter[str]] = field(default_factory=dict)
    city_abroad: dict[str, list[str]] = field(default_factory=dict)  # city key -> region, country
    countries: Counter[str] = field(default_factory=Counter)
    centres: dict[str, tuple[float, float]] = field(default_factory=dict)  # city key -> lat, lon
    venues: dict[str, list[str]] = field(default_factory=dict)  # venue_key + " " -> names
    postal_codes: dict[str, str] = field(default_factory=dict)  # code -> its city in the corpus
    _venue_keys: list[str] = field(default_factory=list, init=False, repr=False)  # sorted
    _entries: dict[tuple[str, ...], _Entry] = field(default_factory=dict, init=False, repr=False)
    _longest: int = field(default=1, init=False, repr=False)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Gazetteer:
        builder = GazetteerBuilder()
        builder.add(events)
        return builder.build()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what an index stores so that loading it never reads every event."""
        return {
            "cities": dict(self.cities),
            "departments": dict(self.departments),
            "regions": dict(self.regions),
            "city_departments": {k: dict(v) for k, v in self.city_departments.items()},
            "city_abroad": self.city_abroad,
            "countries": dict(self.countries),
            "centres": {k: list(v) for k, v in self.centres.items()},
            "venues": self.venues,
            "postal_codes": self.postal_codes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gazetteer:
        gazetteer = cls(
            cities=Counter(data["cities"]),
            departments=Counter(data["departments"]),
            regions=Counter(data["regions"]),
            city_departments={k: Counter(v) for k, v in data["city_departments"].items()},
            city_abroad=data.get("city_abroad", {}),  # older indexes: French places only
            countries=Counter(data["countries"]),
            centres={k: (float(v[0]), float(v[1])) for k, v in data["centres"].items()},
            venues=data.get("venues", {}),  # indexes built before venues: none
            postal_codes=data.get("postal_codes", {}),  # older indexes: departments only
        )
        gazetteer._index()
        return gazetteer

    def _index(self) -> None:
        self._venue_keys = sorted(self.venues)
        # Later kinds never replace earlier ones: "Paris" is the city before the department.
        names: list[tuple[PlaceKind, str, str]] = [("city", c, c) for c in self.cities]
        departments = set(self.departments) | set(_DEPARTMENT_REGION)
        names += [("department", d, d) for d in departments]
        names += [("department", n, a) for a, n in _DEPARTMENT_ALIASES.items()]
        names += [("region", r, r) for r in set(self.regions) | set(_REGIONS)]
        names += [("region", n, a) for a, n in _REGION_ALIASES.items()]
        names += [("country", c, c) for c in self.countries]
        # "events in Italy", "in Aosta", "in London": a country, city or region of the
        # corpus abroad by its English or local name too
        countries, abroad = _other_names(_COUNTRIES), _other_names(_ABROAD)
        names += [("country", c, e) for c in self.countries for e in countries.get(_key(c), [])]
        names += [("city", c, e) for c in self.cities for e in abroad.get(_key(c), [])]
        names += [("region", r, e) for r in self.regions for e in abroad.get(_key(r), [])]
        for kind, name, spelling in names:
            words = _words(spelling)
            if not words:
                continue
            key = " ".join(words)
            common = key in _COMMON_WORDS or (len(words) == 1 and len(key) < 4)
            self._add(words, _Entry(kind, name, common))
            if len(words) > 1 and words[0] in ("le", "les"):
                self._add(words[1:], _Entry(kind, name, True))  # "au Mans", "aux Sables"
        # "Clermont" for Clermont-Ferrand, "Cagnes" for Cagnes-sur-Mer: the first word of
        # one corpus city only, when it is a word of its own (not "Saint", "Le").
        heads = Counter(_words(c)[0] for c in self.cities if len(_words(c)) > 1)
        for city in self.cities:
            words = _words(city)
            if len(words) > 1 and heads[words[0]] == 1 and len(words[0]) >= 5:
                self._add(words[:1], _Entry("city", city, True))
        for spelling, quarter in _quarters():  # before the towns: not Saint-Germain-des-Prés (45)
            if quarter.city in self.cities:
                entry = _Entry("city", quarter.city, quarter.needs_preposition, quarter=quarter)
                words = _words(spelling)
                self._add(words, entry)
                if len(words) > 1 and words[0] in _ARTICLES:  # "le quartier des Halles"
                    self._add(words[1:], replace(entry, needs_preposition=True))
        for key, (name, *_) in _towns().items():
            words = tuple(key.split())
            if len(key) >= 3 and not (
                len(words) == 1 and (key in STOP_WORDS or key in _NOT_PLACES)
            ):
                self._add(words, _Entry("city", name, True, in_corpus=False))

    def event_count(self, place: PlaceMatch) -> int:
        """How many events of the corpus the place has by name (0 for a town only
        fr-towns.tsv knows, a radius or quarter counts its city's)."""
        table = {
            "city": self.cities,
            "department": self.departments,
            "region": self.regions,
            "country": self.countries,
        }[place.kind]
        return table.get(place.name, 0)

    def centre(self, name: str) -> tuple[float, float] | None:
        """Where a city is: the median of its events' coordinates, else the towns table."""
        key = _key(name)
        if key in self.centres:
            return self.centres[key]
        town = _towns().get(key)
        return (town[1], town[2]) if town else None

    def _plausible_town(
        self, text: str, tokens: list[re.Match[str]], words: list[str], i: int, n: int, start: int
    ) -> bool:
        """A town the corpus lacks is only taken when it reads as a name: capitalized, after
        "près de", or a city people type in lower case ("a marseille"); and never as the
        head of a longer name ("au Jardin des Plantes")."""
        if n < len(words) - i and words[i + n] in _GENITIVE:
            return False
        if text[tokens[i].start()].isupper() or words[start] in _NEAR:
            return True
        town = _towns().get(" ".join(words[i : i + n]))
        return bool(town and town[3] >= BIG_CITY)

    def _add(self, words: tuple[str, ...], entry: _Entry) -> None:
        if words not in self._entries:
            self._entries[words] = entry
            self._longest = max(self._longest, len(words))

    canonical_region = staticmethod(canonical_region)
    canonical_department = staticmethod(canonical_department)

    def city_areas(self, name: str) -> list[str]:
        """The region and country of a city abroad ('Aoste' -> Vallée d'Aoste, Italie)."""
        return self.city_abroad.get(_key(name), [])

    def city_department(self, name: str) -> str | None:
        """The department most of a city's events are in ('Lyon' -> 'Rhône')."""
        counts = self.city_departments.get(_key(name))
        return counts.most_common(1)[0][0] if counts else None

    def canonical_city(self, name: str) -> str | None:
        """The corpus spelling of a city given by a caller ('st etienne' -> 'Saint-Étienne')."""
        entry = self._entries.get(_words(name))
        if entry is None or entry.kind != "city":
            return None
        return entry.name

    def find(self, text: str, near_km: float = NEAR_KM) -> PlaceMatch | None:
        """The place the question names: the longest name, the first one on ties; "près de
        X" is every event within `near_km` of X.

        Names that are also common words ('Tours', 'Nord', 'pas cher') need a preposition.
        """
        district = self._arrondissement(text)
        if district is not None:
            return district
        folded = fold_aligned(text)
        numbered = _DEPARTMENT_NUMBER.search(folded)
        if numbered is not None:
            code = (numbered["code"] or numbered["paren"]).upper()
            if code in _DEPARTMENTS:
                expression = text[numbered.start() : numbered.end()]
                return PlaceMatch("department", _DEPARTMENTS[code][0], expression)
        tokens = _tokens(text)
        words = [_ABBREVIATIONS.get(t.group(0), t.group(0)) for t in tokens]
        if detect_language(text) == "en":  # "a lot of jazz": an article, not "à" (Lot)
            written = [text[t.start() : t.end()].lower() for t in tokens]
            words = ["" if a == "a" else w for a, w in zip(written, words, strict=True)]
        # Best: introduced by a preposition ("à Paris" beats "Fête de la Bretagne"), then
        # the longest name, then the first one.
        best: tuple[tuple[bool, int, int], int, int, _Entry, int] | None = None
        for i in range(len(words)):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                entry = self._entries.get(tuple(words[i : i + n]))
                if entry is None:
                    continue
                end = tokens[i + n - 1].end()
                if _inside_compound(text, tokens, i) or text[end : end + 1] == "-":
                    continue  # "Provence" in "Aix-en-Provence", "Paris" in "Paris-Saclay"
                start = _preposition_start(words, i)
                possessive = text[end : end + 2] in ("'s", "’s")  # "Paris's churches"
                if (
                    start == i
                    and not possessive
                    and (entry.needs_preposition or _after_genitive(words, i))
                    # "Nantes et environs", "Lille and surroundings": a place all the same
                    and not _SURROUNDINGS_AFTER.match(folded, end)
                ):
                    continue
                if not entry.in_corpus and not self._plausible_town(
                    text, tokens, words, i, n, start
                ):
                    continue
                rank = (start != i, n, -i)
                if best is None or rank > best[0]:
                    best = (rank, i, i + n, entry, start)
                break
        if best is None:
            return self._postal_place(text, near_km)
        _, i, j, entry, start = best
        kind_after = j < len(words) and words[j] in _KIND_AFTER
        expression = text[tokens[start].start() : tokens[j - 1 + kind_after].end()]
        if entry.quarter is not None:
            q = entry.quarter
            # "près de la place d'Italie": around it, walking distance
            radius = max(q.radius_km * 2, NEAR_QUARTER_KM) if words[start] in _NEAR else q.radius_km
            return PlaceMatch(
                "city", q.city, expression, None, radius, q.latitude, q.longitude, q.name
            )
        centre = self.centre(entry.name) if entry.kind == "city" else None
        around = words[start] in _NEAR or (kind_after and words[j] in _AREA)
        if centre is not None and (around or VICINITY.search(fold_aligned(text))):
            lat, lon = centre
            return PlaceMatch(entry.kind, entry.name, expression, None, near_km, lat, lon)
        return PlaceMatch(entry.kind, entry.name, expression)

    def _postal_place(self, text: str, near_km: float) -> PlaceMatch | None:
        """A French postal code said alone ("events in 35000", "69003 ce week-end"): the
        corpus's town with that code, else its department (rag.places, so that a
        department without events is an honest "nothing there")."""
        m = POSTAL_CODE_SAID.search(text)
        if m is None:
            return None
        code = m["code"]
        expression = text[m.start() : m.end()]
        city = self.postal_codes.get(code)
        if city is not None:
            centre = self.centre(city)
            if centre is not None and m["near"]:  # "près de 92100": around that town
                return PlaceMatch("city", city, expression, None, near_km, *centre)
            return PlaceMatch("city", city, expression)
        department = _department_from_postal_code(code)
        return PlaceMatch("department", department, expression) if department else None

    def find_venue(self, text: str) -> VenueMatch | None:
        """The venue the question names after a preposition ("au Théâtre de la Petite
        France", "at the Zénith"): the longest run of words that starts venue names of the
        corpus and holds a word saying which venue, not what kind (rag/resources/
        venue-types.txt), capitalized or in a whole name of several words; None when it
        would fit more than MAX_VENUES of them."""
        tokens = _tokens(text)
        words = [_ABBREVIATIONS.get(t.group(0), t.group(0)) for t in tokens]
        generic = _generic_venue_words()
        uncased = text == text.lower()
        best: tuple[int, int, int, list[str]] | None = None
        keys = self._venue_keys
        for i in range(len(words)):
            start = _preposition_start(words, i)
            bare = False  # "Que propose le musée Rodin ?": an article, no preposition
            if start == i and words[max(i - 2, 0) : i] == ["at", "the"]:
                start = i - 2
            elif start == i and i and words[i - 1] == "chez":
                start = i - 1
            elif start == i and i and words[i - 1] in _ARTICLES | {"the", "du", "des"}:
                start, bare = i - 1, True  # "la programmation du Théâtre Mandapa"
            elif start == i:
                continue
            lo, hi, n = 0, len(keys), 0  # the venues whose words start with the run
            for length in range(1, len(words) - i + 1):
                prefix = " ".join(words[i : i + length]) + " "
                first = bisect_left(keys, prefix, lo, hi)
                last = bisect_left(keys, prefix + "\uffff", first, hi)
                if first == last:
                    break
                lo, hi, n = first, last, length
            named = [j for j in range(i, i + n) if words[j] not in generic]
            # A proper name is written as one ("au Zénith"); lower case, only a whole name
            # of several words ("au parc de la tete d or"): "à la belle étoile" is no venue
            # even where one is called "La Belle Étoile".
            complete = n > 0 and keys[lo].count(" ") == n  # the run is a whole name
            # ...or a whole name written as one, its kind word capitalized: "à l'Institut
            # suédois", where "suédois" is an adjective
            titled = complete and text[tokens[i].start()].isupper()
            proper = titled or any(text[tokens[j].start()].isupper() for j in named)
            if uncased and complete and not proper:
                # Written all in lower case, capitals say nothing: a whole name is one when
                # it says its kind ("musee rodin"), is hyphenated ("comedie-francaise") or
                # holds a word no everyday language has ("guimet"); "la belle etoile" is not.
                span = text[tokens[i].start() : tokens[i + n - 1].end()]
                proper = (
                    any(words[j] in generic - STOP_WORDS for j in range(i, i + n))
                    or "-" in span
                    or any(not (zipf(words[j], "fr") or zipf(words[j], "en")) for j in named)
                )
            whole = n >= WHOLE_VENUE_WORDS and complete
            longest = best is None or n > best[2]
            said = (proper and complete) if bare else (proper or whole)
            if named and said and hi - lo <= MAX_VENUES and longest:
                best = (start, i, n, keys[lo:hi])
        if best is None:
            return None
        start, i, n, fitting = best
        names = tuple(name for key in fitting for name in self.venues[key])
        return VenueMatch(names, text[tokens[start].start() : tokens[i + n - 1].end()])

    def _arrondissement(self, text: str) -> PlaceMatch | None:
        if "Paris" not in self.cities:
            return None
        m = _ARRONDISSEMENT.search(fold_aligned(text))
        if m is None:
            return None
        if m["d"]:
            number = 16 if m["d"] == "116" else int(m["d"])
        else:
            number = int(m["a"] or m["b"] or m["c"] or m["e"] or m["f"])
        if not 1 <= number <= 20:
            return None
        return PlaceMatch("city", "Paris", text[m.start() : m.end()], number)


class GazetteerBuilder:
    """A `Gazetteer` counted from events given in chunks (what a streaming build needs)."""

    def __init__(self) -> None:
        self._spellings: dict[str, Counter[str]] = {}
        self._points: dict[str, list[tuple[float, float]]] = {}
        self._venues: dict[str, None] = {}
        self._postal: dict[str, Counter[str]] = {}
        self._abroad: dict[str, Counter[tuple[str, ...]]] = {}
        self._gazetteer = Gazetteer()

    def add(self, events: Iterable[Event]) -> None:
        gazetteer, spellings, points = self._gazetteer, self._spellings, self._points
        for event in events:
            place = event_place(event)
            if event.country and event.country.strip():
                gazetteer.countries[normalize_space(event.country)] += 1
            if place.city:
                spellings.setdefault(_key(place.city), Counter())[place.city] += 1
                if event.latitude is not None and event.longitude is not None:
                    points.setdefault(_key(place.city), []).append(
                        (event.latitude, event.longitude)
                    )
                if place.department:
                    counts = gazetteer.city_departments.setdefault(_key(place.city), Counter())
                    counts[place.department] += 1
                if not _is_french(event):
                    areas = (place.region, normalize_space(event.country or ""))
                    found = self._abroad.setdefault(_key(place.city), Counter())
                    found[tuple(a for a in areas if a)] += 1
            if place.department:
                gazetteer.departments[place.department] += 1
            if place.region:
                gazetteer.regions[place.region] += 1
            if event.venue and event.venue.strip():
                self._venues.setdefault(normalize_space(event.venue), None)
            code = (event.postal_code or "").strip()
            if place.city and _POSTAL_CODE.fullmatch(code):
                self._postal.setdefault(code, Counter())[place.city] += 1

    def build(self) -> Gazetteer:
        gazetteer = self._gazetteer
        for variants in self._spellings.values():
            # The usual spelling, and "Paris" rather than "PARIS" when they tie.
            best = max(variants, key=lambda s: (variants[s], not s.isupper(), s))
            gazetteer.cities[best] = sum(variants.values())
        for name in self._venues:
            if key := venue_key(name):
                gazetteer.venues.setdefault(key + " ", []).append(name)
        for code, cities in self._postal.items():
            gazetteer.postal_codes[code] = cities.most_common(1)[0][0]
        for key, areas in self._abroad.items():
            gazetteer.city_abroad[key] = list(areas.most_common(1)[0][0])
        for key, found in self._points.items():  # the median resists a few misplaced records
            gazetteer.centres[key] = (median(p[0] for p in found), median(p[1] for p in found))
        gazetteer._index()
        return gazetteer


def _preposition_start(words: list[str], i: int) -> int:
    """Index of the preposition that introduces the name at `i`, or `i` when there is none."""
    j = i
    if j > 0 and words[j - 1] in _STOPS:  # "près du métro Place d'Italie"
        j -= 1
    while j > 0 and words[j - 1] in _ARTICLES and i - j < 3:
        j -= 1
    if j > 1 and words[j - 1] in _GENITIVE and words[j - 2] in _PREPOSITIONS | _DISTANCES:
        return j - 2  # "près de", "autour de", "région de", "à 10 km de", "within 20 km of"
    if j > 1 and words[j - 1] == "from" and words[j - 2] in _DISTANCES:
        return j - 2  # "30 km from Lille"
    if j > 0 and words[j - 1] in _PREPOSITIONS:
        return j - 1
    return i


def _inside_compound(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """True when word `i` continues a hyphenated name that started before it."""
    start = tokens[i].start()
    if start == 0 or text[start - 1] != "-":
        return False
    j = i - 1
    # "Aix-en-Provence": the hyphen chain reaches back to a capitalized word.
    while j >= 0 and tokens[j].start() > 0 and text[tokens[j].start() - 1] == "-":
        j -= 1
    return j >= 0 and text[tokens[j].start()].isupper()


def _after_genitive(words: list[str], i: int) -> bool:
    """'Fête de la Bretagne', 'Gare de Lyon': a name that qualifies another, not a place."""
    j = i
    while j > 0 and words[j - 1] in _ARTICLES and i - j < 2:
        j -= 1
    return j > 0 and words[j - 1] in _GENITIVE


_UNKNOWN_PLACE = re.compile(
    # one or two spaces: a longer gap is a blanked cue ("ma fille a 18 mois Merci")
    r"(?:^|[\s,(])(?P<prep>à|a|en)\s{1,2}(?P<name>[A-ZÀÂÉÈÊÎÔÛÇ][\w'’-]+"
    r"(?:[\s-](?:sur|sous|en|lès|les|le|la|de|du|des)[\s-][A-ZÀÂÉÈÊÎÔÛÇ][\w'’-]+"
    r"|[\s-][A-ZÀÂÉÈÊÎÔÛÇ][\w'’-]+)*)"
)
# "de Dalida à Aya Nakamura": after "de" and a name, "à" ends a range of names, not a place
_RANGE_FROM = re.compile(
    r"\b(?:de|d'|d’)\s*[A-ZÀÂÉÈÊÎÔÛÇ][\w'’-]+(?:\s[A-ZÀÂÉÈÊÎÔÛÇ][\w'’-]+)*\s*$"
)
_NOT_PLACES = (
    frozenset(
        [
            "famille",
            "noel",
            "paques",
            "toussaint",
            "pentecote",
            "ascension",
            "halloween",
            "carnaval",
        ]
    )
    | calendar_words()
)  # "à Noël", "en Mars", "on a Sunday" (the English article "a")


def unknown_place(text: str) -> PlaceMatch | None:
    """A place the corpus does not know ("à Marseille" when no event is there).

    Keeping it lets the search honestly find nothing there, instead of answering with
    events from elsewhere. Only capitalized names after "à"/"en" count, so ordinary
    words never look like places.
    """
    for m in _UNKNOWN_PLACE.finditer(text):
        name = m["name"].rstrip("'’-")
        if _key(name.split()[0]) in _NOT_PLACES or _RANGE_FROM.search(text[: m.start()]):
            continue
        kind: PlaceKind = "region" if m["prep"] == "en" else "city"
        return PlaceMatch(kind, name, text[m.start("prep") : m.end("name")])
    return None


def place_phrase(place: PlaceMatch) -> str:
    """'à Paris', 'au Mans', 'en Bretagne', 'dans le département Calvados', 'à moins de 15 km
    de Lyon', 'pays : Italie'."""
    if place.quarter is not None:
        return f"quartier {place.quarter} ({place.name})"
    if place.radius_km is not None:
        return f"à moins de {place.radius_km:g} km de {place.name}"
    if place.kind == "country":
        return f"pays : {place.name}"
    if place.kind == "region":
        return f"{_REGIONS.get(place.name, 'en')} {place.name}"
    if place.kind == "department":
        return f"dans le département {place.name}"
    name = place.name
    if name.startswith("Le "):
        phrase = f"au {name[3:]}"
    elif name.startswith("Les "):
        phrase = f"aux {name[4:]}"
    else:
        phrase = f"à {name}"
    if place.arrondissement:
        suffix = "er" if place.arrondissement == 1 else "e"
        phrase += f" ({place.arrondissement}{suffix} arrondissement)"
    return phrase
