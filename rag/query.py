"""What a question asks: when, where, for whom, whether free, and about what.

Dates and places are read in Python (`rag.dates`, `rag.places`) so that the retriever can
filter exactly; audience, price and accessibility cues (`rag.cues`) rank the events that
fit first. The topic is what is left once those are gone, word by word: grammar, generic
outing words ("activités", "things to do") and ways of asking ("que faire", "je cherche")
are in data files (`rag/resources/no-topic-*.txt`), and the retriever then also sets aside
the words most events of its corpus contain. A short follow-up ("et dimanche ?", "et à
Lyon ?", "et là-bas ?") keeps what the conversation already said.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from rag.common_words import rare_word, zipf
from rag.config import NEAR_KM
from rag.cues import (
    ACCESS_LABELS,
    AUDIENCE_PHRASES,
    GENERATIONS,
    AccessCode,
    AgeRange,
    Cues,
    generations_together,
    names_person,
    read_cues,
)
from rag.dates import (
    DateWindow,
    HourLimit,
    calendar_words,
    explicit_window,
    fold_aligned,
    from_then_on,
    hour_limit,
    is_bare_weekday,
    on_weekdays_of,
    on_weekends_of,
    parse_dates,
    part_alone,
    said_now,
    said_same_hours,
    with_hour_limit,
)
from rag.holidays import zone_of
from rag.language import Language, detect_language, stop_words
from rag.lemmas import lemmas
from rag.lexical import STOP_WORDS, stem
from rag.places import (
    POSTAL_CODE_SAID,
    VICINITY,
    Gazetteer,
    PlaceMatch,
    VenueMatch,
    department_region,
    place_phrase,
    unknown_place,
)
from rag.text import fold, normalize_space


@dataclass
class Understanding:
    question: str
    as_of: date
    window: DateWindow | None
    place: PlaceMatch | None
    audience: list[str]  # among "enfants", "famille", "ados", "adultes", "seniors"
    free: bool  # "gratuit", "sans payer", "entrée libre", "free"
    topic: str  # what to search for; "" for "Que faire ce week-end à Paris ?"
    language: Language = "fr"  # the question's language, which the answer speaks
    ages: AgeRange | None = None  # "ma fille de 9 ans", "mon bébé de 18 mois"
    access: tuple[AccessCode, ...] = ()  # accessibility asked for (rag.cues codes)
    factual: bool = False  # "Quelle est la capitale de la France ?": not about outings
    names: frozenset[str] = frozenset()  # analyzed terms written as names ("Saint-Eustache")
    venue: VenueMatch | None = None  # "au Zénith": the events at these venues of the corpus
    # analyzed words that need not match: the asker's verbs ("je bosse"), the feast of a date
    incidental: frozenset[str] = frozenset()
    excluded: str = ""  # what the question sets aside, as written: "pas une expo" -> "expo"
    outside: PlaceMatch | None = None  # "en dehors de Paris": its events are left out
    max_price: float | None = None  # "moins de 10 €": the most one pays (rag.cues)
    also: tuple[PlaceMatch, ...] = ()  # "dans le 15e ou le 17e": more places, searched too


_RESOURCES = Path(__file__).parent / "resources"
_WORD = re.compile(r"[a-z0-9]+")
# words that point back at the answer: "lesquels conviennent ?", "which of those…"
_POINTS_BACK = (
    r"\b(?:lesquel(?:le)?s|lequel|laquelle|parmi\s+(?:eux|elles|ceux|celles|ces)"
    r"|la[-\s]dedans|dans\s+le\s+lot|(?:which|any|one)\s+of\s+(?:those|these|them)"
    r"|(?:ceux|celles)\s+(?:qui|que|du|de)|(?:those|the\s+ones)\s+(?:that|which|on)"
    # "y en a un demain ?", "free ones?", "the cheapest one?": some of what was answered
    r"|y\s+en\s+a|ones|(?:the|which)\s+(?:\w+est\s+)?one"
    r"|in\s+there|among\s+(?:those|these|them))\b"
    # a person the question does not name opens it: "il a 11 ans, il pourra entrer ?"
    r"|^\W*(?:(?:ok|merci|thanks)\W+)?"
    r"(?:(?:il|elle|ils|elles)\s+(?!y\b|faut\b|fait\b|pleut\b|reste\b)|(?:he|she|they)\s+(?!say\b))"
)
_FOLLOW_UP = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|d'accord|super|parfait|merci|great|thanks)\W+)?"
    r"(?:et|plutot|sinon|mais|ou\s+bien|aussi|pareil|meme\s+chose|juste|seulement|uniquement"
    r"|and|or|what\s+about|how\s+about|just|only)\b"
    rf"|{_POINTS_BACK}"
    r"|\b(?:seulement|uniquement|only)\W*$"  # "en soirée uniquement", "Sundays only"
)
# in a follow-up, a person after its first clause too: "Et en dehors de Paris, il joue où ?"
_BACK = re.compile(
    rf"{_POINTS_BACK}|[,;:]\W*(?:(?:il|elle|ils|elles)\s+(?!y\b|faut\b|fait\b|pleut\b|reste\b)"
    r"|(?:he|she|they)\s+(?!say\b))"
)
_CLAUSE = re.compile(r"\W*([^,:;?!.]*?)\s*[,:;?!.]+")
_PREAMBLE_ROLES = frozenset({"function", "greeting", "asking", "outing", "context", "preference"})


def _after_preamble(folded: str) -> str:
    """The question after the clauses it opens with that ask for nothing ("Coucou,",
    "Petite question :", "Tell me,"): "Coucou, et en juillet ?" follows up."""
    while (
        not _FOLLOW_UP.match(folded)
        and (m := _CLAUSE.match(folded))
        and folded[m.end() :].strip()  # never the last clause
        and (tokens := list(_WORD.finditer(m[1])))
        and set(_roles(m[1], m[1], tokens)) <= _PREAMBLE_ROLES
    ):
        folded = folded[m.end() :]
    return folded


_PREPOSITION = re.compile(  # before a name: "au", "à la", "at the", "en dehors de"...
    r"^(?:(?:en\s+)?dehors\s+d(?:e\s+|')|hors\s+d(?:e\s+|')|outside\s+of\s+"
    r"|(?:aux|au|à\s+la|à\s+l'|a\s+la|a\s+l'|dans\s+(?:le|la|les|l')|at\s+the|in\s+the|the"
    r"|at|in|à|a|de|d'|du|of|hors|outside)(?:\s+|(?<=')|$))",
    re.IGNORECASE,
)


def _set_aside_before(folded: str, start: int, expression: str) -> bool:
    """Whether a negation of the no-topic lexicons ends where a name is said, its
    preposition included: "mais pas au Grand Rex", "sauf à la Cigale", "not at the Rex"."""
    lexicon = _lexicon()
    said = fold(expression)
    preposition = _WORD.findall(said[: len(said) - len(_PREPOSITION.sub("", said))])
    before = _WORD.findall(folded[:start])[-3:]
    for lead in (before + preposition, before):  # "pas au", "hors de", or "sauf" before "au"
        for n in range(1, len(lead) + 1):
            words = tuple(lead[-n:])
            section = lexicon.phrases.get(words) if n > 1 else lexicon.section(words[0], words[0])
            if section == "negation":
                return True
    return False


_THERE = re.compile(r"\b(?:la[-\s]bas|sur\s+place|(?:over|down)\s+there)\b")
# A question about facts ("Quelle est la capitale… ?", "Who is…?") rather than outings.
_FACTUAL = re.compile(
    r"^\W*(?:(?:quel(?:le)?s?|qui|que|qu)\s*(?:est|sont|etait|a|ont|fut)\b|combien\b|pourquoi\b"
    r"|(?:what|who|which)\s+(?:is|are|was|were)\b|how\s+(?:many|much|old|far)\b|why\b)"
)


# Questions about something else than outings, whatever place or day they name: the way
# somewhere, the time, the weather; and what the assistant cannot do for the asker (book,
# buy, pay: it reads events, it sells nothing).
_ELSEWHERE = re.compile(
    r"^\W*(?:comment\s+(?:aller|se\s+rendre|venir|y\s+aller)|quel(?:le)?\s+(?:heure|temps|meteo)"
    r"|(?:il\s+va|va[-\s]t[-\s]il|est[-\s]ce\s+qu'?\s?il\s+va)\s+(?:pleuvoir|neiger|faire\s+beau)"
    r"|(?:will|is)\s+it\s+(?:going\s+to\s+)?(?:rain|snow)"
    r"|(?:(?:peux|pourrais|pouvez|pourriez)[-\s](?:tu|vous)|tu\s+(?:peux|pourrais)|vous\s+pouvez)"
    r"\s+(?:me\s+|nous\s+)?(?:reserver|acheter|commander|payer)"
    r"|(?:can|could|would)\s+you\s+(?:please\s+)?(?:book|reserve|buy|order|pay)"
    r"|quel(?:le)?s?\s+(?:ligne|bus|metro|train|tram|rer|itineraire)"
    r"|(?:which|what)\s+(?:line|bus|metro|subway|train|tram|route)\b(?!.*\b(?:events?|shows?))"
    r"|how\s+(?:do|can|could)\s+(?:i|we)\s+get\s+(?:to|there)|what\s+time\s+is\s+it"
    r"|what'?\s?s\s+the\s+(?:time|weather)|what\s+is\s+the\s+(?:time|weather))\b"
)


# in this order when a word is in two
SECTIONS = ("outing", "asking", "context", "negation", "dislike", "preference", "greeting")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The no-topic words of `rag/resources/no-topic-*.txt`, by section, and the grammar.

    Sections: "outing" (outings in general: "activités", "things"), "asking" (ways of
    asking: "faire", "cherche", "recommend"), "context" (the asker's situation: "en
    déplacement", "ma mère"), "negation" (what sets the words after it aside: "sauf",
    "except"), "dislike" (what sets the words before it aside: "ne m'intéressent pas",
    "not my thing"), "preference" (what makes the words beside it a wish, `_wished`:
    "idéalement", "if possible"), "greeting" (politeness, which asks for nothing: "bonjour",
    "merci")."""

    by_stem: dict[str, str]  # stems of the single words -> section (the first in SECTIONS)
    by_lemma: dict[str, str]  # dictionary forms of the single words -> section ("vouloir")
    function: frozenset[str]  # folded words: grammar of both languages
    phrases: dict[tuple[str, ...], str]  # folded words -> section

    def section(self, word: str, written: str) -> str | None:
        """The no-topic section of a folded word (`written` as the question has it): by its
        stem, else by its dictionary form, so "veut" is asking as "veux" is."""
        if (stemmed := self.by_stem.get(stem(word))) is not None:
            return stemmed
        found = next((self.by_lemma[f] for f in lemmas(written) if f in self.by_lemma), None)
        if found is None and len(word) > 3 and word[0] == "j" and word[1] not in "aeiouyh":
            return self.section(word[1:], written[1:])  # texted "jcherche", "jveux"
        return found


@cache
def _lexicon() -> _Lexicon:
    sections: dict[str, set[str]] = {name: set() for name in SECTIONS}
    phrases: dict[tuple[str, ...], str] = {}
    by_lemma: dict[str, str] = {}
    for path in sorted(_RESOURCES.glob("no-topic-*.txt")):
        section = "outing"
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("["):
                section = line.strip("[]")
                continue
            for entry in line.split():
                words = tuple(fold(entry).split("_"))
                if len(words) > 1:
                    phrases[words] = section
                else:
                    sections[section].add(stem(words[0]))
                    for form in lemmas(words[0]):
                        by_lemma.setdefault(form, section)
    by_stem: dict[str, str] = {}
    for name in SECTIONS:
        for stemmed in sections[name]:
            by_stem.setdefault(stemmed, name)
    return _Lexicon(by_stem, by_lemma, STOP_WORDS | stop_words("fr") | stop_words("en"), phrases)


def load_tables() -> None:
    """Read the lexicons, the dictionaries behind them and the word frequencies now (about a
    second, once per process), so that the first question does not wait for them."""
    _lexicon()
    for language in ("fr", "en"):
        zipf("", language)
    rare_word("")  # the large lists behind `rag.spelling`


@dataclass(frozen=True)
class _Parsed:
    """One question read on its own, before the conversation fills its gaps."""

    window: DateWindow | None
    place: PlaceMatch | None
    venue: VenueMatch | None
    cues: Cues
    topic: str
    incidental: frozenset[str]  # topic words that need not match (`_asker_verbs`, `understand`)
    excluded: str  # what the question sets aside (`_set_aside`)
    follow_up: bool
    factual: bool
    points_back: bool  # "lesquels…", "which of those…": the earlier answer, narrowed
    outside: PlaceMatch | None = None  # "en dehors de Paris": where not to look
    dates: DateWindow | None = None  # `window` before its hour limit: the days said
    limit: HourLimit | None = None  # "avant 18h": kept on the days a follow-up narrows to
    around_km: float | None = None  # "et 40 km autour ?", "et dans le coin ?": no place said
    part: HourLimit | None = None  # "en soirée", no day said: the hours a follow-up keeps
    also: tuple[PlaceMatch, ...] = ()  # places listed with `place` ("l'Oise ou l'Aisne")
    same_hours: bool = False  # "à la même heure ?": the hours said before, on its own days


def _parse(
    question: str, as_of: date, gazetteer: Gazetteer, tz: ZoneInfo, near_km: float = NEAR_KM
) -> _Parsed:
    question = _unshouted(question)
    folded = fold_aligned(question)
    keep = [True] * len(question)

    def drop(start: int, end: int) -> None:
        if start >= 0:  # found: an expression read off a blanked copy may not be
            keep[start:end] = [False] * (end - start)

    cues = read_cues(folded)
    # what a cue reads is no place: "des visites en LSF" asks for sign language
    unread = "".join(
        " " if any(a <= i < b for a, b in cues.spans) else c for i, c in enumerate(question)
    )
    place = gazetteer.find(unread, near_km) or unknown_place(unread)
    place, home, second = _destination(unread, place, gazetteer, near_km)
    venue = gazetteer.find_venue(question)
    unwanted = ""  # "mais pas au Grand Rex": a venue set aside, not asked
    if venue is not None:
        v0 = question.find(venue.expression)
        v1 = v0 + len(venue.expression)
        if place is not None:
            p0 = question.find(place.expression)
            p1 = p0 + len(place.expression)
            if p0 < v1 and v0 < p1:
                # "au Théâtre de la Petite France" is a venue, not France; "à Paris" stays
                # Paris where a venue's name starts with "Paris"
                if v0 <= p0 and p1 <= v1 and (v1 - v0 > p1 - p0 or place.quarter):
                    place = None  # a venue named like its neighbourhood is the venue
                else:
                    venue = None
        drop(v0, v1)
        if venue is not None and _set_aside_before(folded, v0, venue.expression):
            unwanted, venue = _PREPOSITION.sub("", venue.expression), None
        asked = _asked_sentence(folded, _sentences(folded))
        if (
            venue is not None
            and place is not None
            and asked is not None
            and not asked[0] <= v0 < asked[1]
            and asked[0] <= question.find(place.expression) < asked[1]
        ):
            # "I'm a regular at the JASS Club. Any stand-up in English in Paris?": the
            # question names its own place, the venue is where the asker goes, told
            venue = None
    language = detect_language(question)
    window = _window(question, as_of, tz, language, _school_zone(place, gazetteer))
    if window is not None:
        for said in (window.expression, *window.restated):
            start = question.find(said)
            drop(start, start + len(said))
    for span in said_now(folded):
        drop(*span)
    same_hours = said_same_hours(folded)
    for span in same_hours:
        drop(*span)
    dates, limit = window, hour_limit(question)
    # "en soirée uniquement": the evenings of the days a follow-up narrows; alone, no date
    part = part_alone(question) if window is None and limit is None else None
    if limit is not None:  # "après 20h": today's, unless a day was said
        day = window or explicit_window(as_of, as_of, as_of, tz, language)
        window = with_hour_limit(day, limit)
        drop(limit.start, limit.end)
    outside = None  # "en dehors de Paris", "not in Lyon": the place set aside
    also: list[PlaceMatch] = []  # "dans le 15e ou le 17e": the places listed after it
    if place is not None:
        start = question.find(place.expression)
        if _set_aside_before(folded, start, place.expression):
            drop(start, start + len(place.expression))
            outside, place = place, None
    if place is not None:
        start = question.find(place.expression)
        drop(start, start + len(place.expression))
        within = _containing_place(place, second, gazetteer)
        if within is not None:  # "à L'Aigle dans l'Orne": the town's own department
            start = question.find(within.expression)
            drop(start, start + len(within.expression))
        for span in _named_again(folded, place, gazetteer):  # "Jura : des événements à Dole ?"
            drop(*span)
        for code in POSTAL_CODE_SAID.finditer(question):  # "Rennes 35000": the same place
            drop(code.start("code"), code.end("code"))
        distance = _DISTANCE.search(folded)
        if distance is not None:  # "dans un rayon de 20 km", "1,5 km max"
            place = _within(place, _km(distance), gazetteer)
            drop(*distance.span())
        rest = "".join(c if k else " " for c, k in zip(unread, keep, strict=True))
        after = question.find(place.expression) + len(place.expression)
        # "dans l'Oise ou l'Aisne", "à Caen, Rouen ou au Havre": places listed are asked too
        while (listed := _listed_place(rest, place, after, gazetteer, near_km)) is not None:
            more, start, after = listed
            drop(start, after)
            if more != place and (more.name == place.name or not _one_area(place, more, gazetteer)):
                also.append(more)  # "Rennes, en Bretagne" says where Rennes is: no second one
        # "Montmartre (18e)", "Rennes, en Bretagne", "Aoste (Aosta, in Italy)": the same
        # place said again, or where it is, as often as it is
        while (other := gazetteer.find(rest, near_km)) is not None and _one_area(
            place, other, gazetteer
        ):
            start = rest.find(other.expression)
            drop(start, start + len(other.expression))
            rest = (
                rest[:start] + " " * len(other.expression) + rest[start + len(other.expression) :]
            )
            if _set_aside_before(folded, question.find(other.expression), other.expression):
                outside = other  # "en Île-de-France hors Paris": the region, Paris left out
            elif place.kind != "city" and other.kind == "city":
                place = other  # "Visiting Caen in Normandy": Caen, the narrower
    for span in cues.spans:
        drop(*span)
    if (
        place is not None
        and place.kind == "city"
        and place.radius_km is None
        and place.arrondissement is None
        and not gazetteer.event_count(place)
    ):  # a town without events of its own: its surroundings ("à Valence" has none here)
        place = _within(place, near_km, gazetteer)
    if place is not None and place.radius_km is None and VICINITY.search(folded):
        # "je loge à Caen, un truc sympa pas loin ?": around the place said, apart from it
        if place.arrondissement is None and place.quarter is None:
            place = _within(place, near_km, gazetteer)
        else:  # an arrondissement or a neighbourhood is near enough as it is
            for m in VICINITY.finditer(folded):
                drop(*m.span())
    if place is not None and place.radius_km is not None:
        for m in VICINITY.finditer(folded):  # "dans le coin": said by the radius
            drop(*m.span())
    around_km = None  # no place said: a follow-up widens the one asked before
    if place is None and venue is None:
        distance = _DISTANCE.search(folded)
        vicinity = VICINITY.search(folded)
        if distance is not None:  # "et 40 km autour ?"
            around_km = _km(distance)
            drop(*distance.span())
        elif vicinity is not None:  # "et dans le coin ?"
            around_km = near_km
        if vicinity is not None:
            drop(*vicinity.span())
    there = False  # "là-bas": the place of the earlier question
    for m in _THERE.finditer(folded):
        drop(*m.span())
        there = True
    topic, outing, asking, incidental, excluded = _topic(question, folded, keep, language)
    if home is not None:  # "étudiante à Grenoble": ranks, need not match ("from Réunion" may)
        incidental |= frozenset(topic_terms(question[home[0] : home[1]]))
    excluded = ", ".join(filter(None, [excluded, unwanted]))
    if window is not None:
        # "on passe l'hiver près de Chartres — d'ici fin février ?": a season or day said
        # beside the dates read is context, the window already holds the dates
        incidental |= frozenset(t for t in topic_terms(topic) if t in _calendar_terms(language))
    if generations_together(cues.audience, topic_terms(topic)):
        # "ma grand-mère et ma fille", "jeunes et anciens": the events say it in one word,
        # which ranks them first
        incidental |= frozenset(topic_terms(GENERATIONS))
        topic = f"{topic} {GENERATIONS}".strip()
    if window is not None and window.occasion:
        # the occasion ranks the events that name it first; the day itself was asked:
        # when none names it, the day's events answer ("le soir de la Saint-Valentin",
        # "a show on Valentine's night"), but "une soirée Halloween" names no date and
        # still needs a Halloween party
        incidental |= frozenset(topic_terms(window.occasion))
        topic = f"{topic} {window.occasion}".strip()
    short = len(folded.split()) <= 4 and not topic and not asking
    follow_up = bool(_FOLLOW_UP.search(_after_preamble(folded))) or short or there
    asks_events = outing or window or part or place or cues.audience or cues.free or cues.access
    # "Bonjour, ça va ?", "merci !": politeness and grammar only ask for no outing
    idle = not (topic or asking or asks_events or venue or there or _FOLLOW_UP.search(folded))
    follow_up = follow_up and not idle
    asks_facts = bool(_FACTUAL.match(folded)) and not asks_events
    elsewhere = bool(_ELSEWHERE.match(folded))
    if elsewhere:  # the way to the station, the weather: nothing of the events to search
        topic = ""
    factual = asks_facts or idle or elsewhere
    points_back = follow_up and bool(_BACK.search(folded))
    return _Parsed(
        window,
        place,
        venue,
        cues,
        topic,
        incidental,
        excluded,
        follow_up,
        factual,
        points_back,
        outside,
        dates,
        limit,
        around_km,
        part,
        tuple(also),
        bool(same_hours),
    )


def _destination(
    text: str, place: PlaceMatch | None, gazetteer: Gazetteer, near_km: float
) -> tuple[PlaceMatch | None, tuple[int, int] | None, PlaceMatch | None]:
    """Of two unrelated places said apart, the one with events when the other has none,
    where that other one is said, and the second place named (for `_containing_place`):
    "Étudiante à Grenoble, je serai à Paris en juillet" asks about Paris, where the corpus
    has events; the asker's town is context. When both or neither have events, the place
    read first stays."""
    if place is None:
        return place, None, None
    start = text.find(place.expression)
    end = start + len(place.expression)
    other = gazetteer.find(text[:start] + " " * (end - start) + text[end:], near_km)
    if other is None or _one_area(place, other, gazetteer):
        return place, None, other
    at = text.find(other.expression)
    gap = fold(text[min(end, at + len(other.expression)) : max(start, at)])
    if _LISTED.fullmatch(gap):  # "à Lyon ou à Villeurbanne": both are asked
        return place, None, other
    here, there = gazetteer.event_count(place), gazetteer.event_count(other)
    if here or not there:
        return place, (at, at + len(other.expression)) if here and not there else None, other
    return other, (start, end), place


def _containing_place(
    place: PlaceMatch, other: PlaceMatch | None, gazetteer: Gazetteer
) -> PlaceMatch | None:
    """The second place the question names (`_destination`'s), when it is named only to say
    where the first one is, or to name it again: the town's department ("L'Aigle dans
    l'Orne"), a department's number or region ("Ille-et-Vilaine (35)"), the two old
    regions of one ("en Franche-Comté ou en Bourgogne")."""
    if other is None or other.kind not in ("department", "region"):
        return None
    return other if other.name in _around(place, gazetteer) else None


# a distance said with the place ("within 20 km of Lyon", "à 10 km de Rennes", "1,5 km
# max", "40 km autour"), not a length ("une course de 10 km")
_DISTANCE = re.compile(
    r"\b(?:(?:within|less\s+than|under|up\s+to|dans\s+un\s+rayon\s+de|a\s+moins\s+de|moins\s+de"
    r"|rayon\s+de)\s+(?P<km>\d+(?:[.,]\d+)?)\s*(?:km|kms|kilomet(?:er|re)s?)\b(?:\s+(?:of|from|de|d'|du|des))?"
    r"|(?P<km2>\d+(?:[.,]\d+)?)\s*(?:km|kms)\s+(?:max(?:imum)?|au\s+plus|tops|around|from|away"
    r"|autour|aux\s+alentours|alentour)"
    r"|\ba\s+(?P<km3>\d+(?:[.,]\d+)?)\s*(?:km|kms)\s+(?:de|d'|du|des)\b)"
)


_LISTED = re.compile(r"[\s,;/]*(?:(?:ou|et|voire|or|and)\b)?[\s,;/]*")


def _km(distance: re.Match[str]) -> float:
    """The distance `_DISTANCE` read, in km ("1,5 km max" is 1.5)."""
    km = distance["km"] or distance["km2"] or distance["km3"]
    return float(km.replace(",", "."))


def _listed_place(
    rest: str, place: PlaceMatch, after: int, gazetteer: Gazetteer, near_km: float
) -> tuple[PlaceMatch, int, int] | None:
    """The other place `rest` (the question, what was read blanked) names right after the
    place asked (ending at `after`), joined by "ou", "et" or a comma, and where: "dans
    l'Oise ou l'Aisne", "à Lyon ou à Villeurbanne". The first place's preposition holds for
    the second when it has none ("l'Aisne")."""
    joined = _LISTED.match(rest, after)
    if joined is None or joined.end() == after or not rest[joined.end() :].strip():
        return None
    preposition = place.expression.split()[0]
    for lead in ("", f"{preposition} "):  # "à Lyon ou à Villeurbanne", "ou l'Aisne"
        found = gazetteer.find(lead + rest[joined.end() :], near_km)
        said = found.expression.removeprefix(lead) if found else ""
        if found is not None and rest.find(said, joined.end()) == joined.end():
            return found, joined.end(), joined.end() + len(said)
    return None


def _within(place: PlaceMatch, km: float, gazetteer: Gazetteer) -> PlaceMatch:
    """The place as a radius of `km` around its centre (a city, a neighbourhood)."""
    if place.kind != "city":
        return place
    latitude, longitude = place.latitude, place.longitude
    if latitude is None or longitude is None:
        centre = gazetteer.centre(place.name)
        if centre is None:
            return place
        latitude, longitude = centre
    return replace(place, radius_km=km, latitude=latitude, longitude=longitude)


def _named_again(folded: str, place: PlaceMatch, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """Where the question names the place's department or region again, bare, to say
    where it is ("Jura : des événements à Dole ?", "Dole, Jura"): not a topic."""
    spans = []
    for name in _around(place, gazetteer):
        pattern = r"\b" + r"[\s'-]+".join(map(re.escape, fold(name).split())) + r"\b"
        spans += [m.span() for m in re.finditer(pattern, folded)]
    return spans


def _around(place: PlaceMatch, gazetteer: Gazetteer) -> set[str]:
    """The place's own name and those of the department and region it is in (of a city
    abroad: its region and country)."""
    department = {
        "department": place.name,
        "city": gazetteer.city_department(place.name),
    }.get(place.kind)
    region = department_region(department) if department else None
    abroad = gazetteer.city_areas(place.name) if place.kind == "city" else []
    return {name for name in (place.name, department, region, *abroad) if name}


def _one_area(a: PlaceMatch, b: PlaceMatch, gazetteer: Gazetteer) -> bool:
    """Whether one of the places is in the other, or is it: "Rennes" and "Bretagne"."""
    return b.name in _around(a, gazetteer) or a.name in _around(b, gazetteer)


def _school_zone(place: PlaceMatch | None, gazetteer: Gazetteer) -> str | None:
    """The school holiday zone of the place asked about, when it implies one."""
    if place is None:
        return None
    if place.kind == "region":
        return zone_of(region=place.name)
    if place.kind == "department":
        return zone_of(department=place.name)
    return zone_of(department=gazetteer.city_department(place.name))


def _roles(question: str, folded: str, tokens: list[re.Match[str]]) -> list[str]:
    """Each token's role: grammar ("function"), the no-topic section of the word or phrase
    it is part of, or "topic"."""
    lexicon = _lexicon()
    role = ["topic"] * len(tokens)
    longest = max((len(p) for p in lexicon.phrases), default=1)
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 1, -1):
            run = tokens[i : i + n]
            section = lexicon.phrases.get(tuple(t.group(0) for t in run))
            if section and _contiguous(folded, run):
                role[i : i + n] = [section] * n
                i += n
                break
        else:
            word = tokens[i].group(0)
            written = question[tokens[i].start() : tokens[i].end()]
            grammar = word in lexicon.function or _misspelled_grammar(word, lexicon.function)
            if grammar and not _initials(written, question):
                role[i] = "function"  # but initials are no grammar: "an AI summit"
            elif (section := lexicon.section(word, written)) is not None:
                role[i] = section
            else:  # "my 4-year-old daughter": a person the cues did not take is no topic
                person = names_person(word) and written.islower()
                role[i] = "context" if person else "topic"
            i += 1
    return role


def _topic(
    question: str, folded: str, keep: list[bool], language: Language
) -> tuple[str, bool, bool, frozenset[str], str]:
    """The words that carry a topic; whether outings in general were named; whether asked;
    the topic words that are the asker's own verbs (`_asker_verbs`); the words the question
    sets aside (`_set_aside`).

    Each word left once dates, places and cues are gone is grammar, a generic outing word,
    a way of asking (the no-topic lexicons) or a topic word. The topic runs from the first
    topic word to the last, keeping the grammar between them ("concerts de jazz") but not
    the other no-topic words.
    """
    tokens = [m for m in _WORD.finditer(folded) if all(keep[m.start() : m.end()])]
    role = _roles(question, folded, tokens)
    outing = "outing" in role
    asking = outing or "asking" in role
    aside = _set_aside(folded, tokens, role)
    excluded = " ".join(question[tokens[i].start() : tokens[i].end()] for i in aside)
    for i in aside:
        role[i] = "excluded"
    kept = [i for i, r in enumerate(role) if r == "topic"]
    if not kept:
        return "", outing, asking, frozenset(), excluded
    after_person = _person_subjects(question, folded, tokens)
    asker = _asker_verbs(folded, tokens, role, language, after_person)
    asker += _told_around_the_question(folded, tokens, role)
    asker += _beside_any_outing(folded, tokens, role)
    asker += _together(tokens, role)
    asker += _label(folded, tokens, role)
    asker += _wished(folded, tokens, role, outing)
    # a word of the story that the request says again is asked: "I'm a huge opera fan: is
    # there any opera in August?"
    told = set(asker)
    asked = {stem(tokens[i].group(0)) for i in kept if i not in told}
    incidental = frozenset(stem(tokens[i].group(0)) for i in asker) - asked
    words = [i for i in range(kept[0], kept[-1] + 1) if role[i] in ("topic", "function")]
    text = []
    for i, j in zip(words, [*words[1:], None], strict=True):
        start = tokens[i].start()
        end = tokens[j].start() if j == i + 1 else tokens[i].end()
        text.append(
            "".join(
                c if k else " " for c, k in zip(question[start:end], keep[start:end], strict=True)
            )
        )
        if j != i + 1:
            text.append(" ")
    topic = re.sub(r"[?!.;:,«»\"()\[\]—–]+|\s-(?=\s)", " ", "".join(text))
    return normalize_space(topic).strip("'’- "), outing, asking, incidental, excluded


_SUBJECTS: dict[Language, frozenset[str]] = {  # the asker; "tu", "you" ask the assistant
    "fr": frozenset({"je", "j", "on", "nous"}),
    "en": frozenset({"i", "we"}),
}
# Before a person of the asker's context ("mes grands-parents", "my wife", "des amis"): a
# noun phrase that is the subject of what follows, as the asker's pronoun is.
_DETERMINERS = frozenset(
    {"mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos",
     "leur", "leurs", "des", "les", "my", "our", "your", "his", "her", "their", "the"}
)  # fmt: skip
# the asker moving somewhere, up to the end of the clause: "je déménage à Rennes début
# octobre", "we're moving to Lyon next week", "Moving to Chartres next week — …"
_MOVE = re.compile(
    r"(?:\b(?:je|j'|on|nous)\s+(?:(?:vais|va|allons|viens|venons)\s+(?:de\s+|d')?)?"
    r"(?:demenag|emmenag|m'install|nous\s+install)\w*"
    r"|\b(?:i|we)(?:'m|'re|\s+am|\s+are|\s+will\s+be|'ll\s+be|\s+have|'ve)?\s+(?:just\s+)?"
    r"(?:moving|moved|relocating|relocated)\b|^\W*(?:just\s+)?(?:moving|relocating)\b)"
    r"(?:[^,.;:!?—–-]|(?<=\w)-(?=\w))*"
)


def _window(
    question: str, as_of: date, tz: ZoneInfo, language: Language, zone: str | None
) -> DateWindow | None:
    """The question's window. A date said of the asker's move opens it, from then on,
    unless the question names dates of its own ("moving to Rennes this month, any events in
    the coming months?")."""
    window = parse_dates(question, as_of, tz, language=language, zone=zone)
    move = _MOVE.search(fold_aligned(question))
    if window is None or move is None:
        return window
    start = question.find(window.expression)
    if not move.start() <= start < move.end():
        return window
    blanked = question[: move.start()] + " " * (move.end() - move.start()) + question[move.end() :]
    own = parse_dates(blanked, as_of, tz, language=language, zone=zone)
    return own if own is not None else from_then_on(window, as_of, tz, language)


# What may stand between a subject and its verb: object pronouns, negation, auxiliaries.
_CLITICS = frozenset({"ne", "n", "me", "m", "te", "t", "se", "s", "y", "en", "le", "la", "les"})
_MODALS = frozenset(
    {"can", "could", "may", "might", "should", "shall", "would", "will", "do", "did",
     "peut", "peux", "puis", "pourrait", "pourrais", "pourrions", "pouvons", "pouvez", "doit",
     "dois", "devrait", "devrais", "sait", "sais"}
)  # fmt: skip
_AUXILIARIES = frozenset(
    {"ai", "as", "a", "avons", "avez", "ont", "suis", "es", "est", "sommes", "etes", "sont",
     "avais", "avait", "etais", "etait", "am", "re", "are", "is", "was", "were", "ve", "have",
     "has", "had", "ll", "will", "d", "would"}
)  # fmt: skip
# adverbs between the subject and its verb: "I just moved to Toulouse", "on a enfin emménagé"
_ADVERBS = frozenset(
    {"just", "really", "also", "only", "still", "already", "actually", "finally", "recently",
     "always", "often", "usually", "never", "sometimes", "juste", "vraiment", "aussi", "deja",
     "enfin", "toujours", "souvent", "jamais", "recemment"}
)  # fmt: skip
_CLAUSE_END = re.compile(r"[,.;:!?—–]|\s-\s")  # a dash apart ends a clause too


def _asker_verbs(
    folded: str,
    tokens: list[re.Match[str]],
    role: list[str],
    language: Language,
    after_person: list[int],
) -> list[int]:
    """Topic words that say what the asker does rather than what to search: a clause
    whose subject is the asker, or a person the asker brings (`after_person`, the tokens
    just after one: `_person_subjects`), and whose verb is not a way of asking ("je bosse
    à Nantes, …", "je rentre de vacances, qu'est-ce que j'ai raté ?", "I work in Lyon, …",
    "mes grands-parents montent à Paris, …"), up to its punctuation. They stay in the
    topic ("on danse où ?" asks for dancing); the retriever sets them aside when nothing
    matches with them. "je cherche un match de rugby" is the request itself: nothing there
    is incidental."""
    subjects, said = _SUBJECTS[language], [t.group(0) for t in tokens]
    found: list[int] = []
    # "Where can I hear jazz?", "Où peut-on écouter du jazz ?": a subject after its verb
    # asks, the verb after it is the request
    asked = {i for i, word in enumerate(said) if word in subjects and i and said[i - 1] in _MODALS}
    told = {i + 1 for i, word in enumerate(said) if word in subjects and i not in asked}
    for j in sorted(told | set(after_person)):
        auxiliary = False  # the last word skipped is an auxiliary: "je suis (juste) de passage"
        while j < len(said) and (
            said[j] in _CLITICS or said[j] in _AUXILIARIES or said[j] in _ADVERBS
        ):
            auxiliary = said[j] in _AUXILIARIES or (auxiliary and said[j] in _ADVERBS)
            j += 1
        if j < len(said) and (role[j] == "context" or (role[j] == "outing" and auxiliary)):
            # "je suis dispo après le taf", "je suis de passage": how the asker is
            found += [k for k in _clause(folded, tokens, j) if role[k] == "topic"]
            continue
        if j == len(said) or role[j] not in ("topic", "function"):
            continue
        clause = _clause(folded, tokens, j)
        if role[j] == "function" and (
            # "je serai à Rennes pour le travail, qu'est-ce qu'il y a ?": being somewhere
            # says why the asker is there, but only as context before the question itself
            clause[-1] + 1 == len(said) or any(role[k] == "asking" for k in clause)
        ):
            continue
        if _leads_to_asking(role, said, clause):
            # "je n'arrive pas à trouver de cours", "I failed to find a class": only the
            # verb is the asker's, what it leads to is asked
            found += [j] if role[j] == "topic" else []
            continue
        found += [k for k in clause if role[k] == "topic"]
    return found


def _leads_to_asking(role: list[str], said: list[str], clause: range) -> bool:
    """Whether the clause's verb leads straight to a way of asking ("arrive pas à
    trouver", "failed to find"): the asker's clause is then the request itself."""
    k = clause.start + 1
    while k < clause.stop and role[k] in ("function", "negation") and said[k] not in _AND:
        k += 1
    return clause.start + 1 < k < clause.stop and role[k] == "asking"


_SENTENCE_END = re.compile(r"[.!?…]+(?=\s)")


def _sentences(folded: str) -> list[tuple[int, int]]:
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(folded)), len(folded)]
    return [(a, b) for a, b in pairwise(bounds) if folded[a:b].strip()]


def _asked_sentence(folded: str, sentences: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where the question itself is (the last sentence asking, "?") when other sentences
    (`_sentences`) tell around it; None for a question of one sentence."""
    asking = [(a, b) for a, b in sentences if "?" in folded[a:b]]
    return asking[-1] if len(sentences) >= 2 and asking else None


def _told_around_the_question(
    folded: str, tokens: list[re.Match[str]], role: list[str]
) -> list[int]:
    """The topic words of the sentences around the question itself (the last one asking,
    "?"): in "My husband is a keen baker. Any bread workshops in Caen? Something
    hands-on." the workshops are asked for; the story and the details rank them but need
    not match. When the question names no topic ("Coming for the cathedral. What's on in
    Chartres?"), only a story is: "Je souhaiterais un cours de salsa. Auriez-vous quelque
    chose ?" asks in its first sentence."""
    sentences = _sentences(folded)
    asked = _asked_sentence(folded, sentences)
    if asked is None:
        return []
    first, last = asked
    inside = [first <= t.start() < last for t in tokens]
    if any(r == "topic" and inside[i] for i, r in enumerate(role)):
        return [i for i, r in enumerate(role) if r == "topic" and not inside[i]]
    told = []
    for a, b in sentences:
        mine = [i for i, t in enumerate(tokens) if a <= t.start() < b]
        if a != first and not any(role[i] in ("asking", "outing") for i in mine):
            told += [i for i in mine if role[i] == "topic"]
    return told


_QUESTION_WORDS = frozenset({"question", "questions", "q"})


def _label(folded: str, tokens: list[re.Match[str]], role: list[str]) -> list[int]:
    """The topic words of an opening label the question is announced by: "Night owl
    question: what's still on after midnight?", "Question de parent débordé : …". They
    say who asks, not what; they rank but need not match."""
    colon = folded.find(":")
    if colon < 0 or not folded[colon + 1 :].strip():
        return []
    mine = [i for i, t in enumerate(tokens) if t.start() < colon]
    if not mine or not {tokens[mine[0]][0], tokens[mine[-1]][0]} & _QUESTION_WORDS:
        return []
    return [i for i in mine if role[i] == "topic"]


_OR = frozenset({"ou", "or"})
_TOGETHER = frozenset({"ensemble", "together"})
_ARTICLES = frozenset({"un", "l", "cet", "bel", "grand", "petit", "the", "an", "a"})


def _together(tokens: list[re.Match[str]], role: list[str]) -> list[int]:
    """ "Ensemble" said of the askers ("qu'est-ce qu'on peut faire ensemble ?", "things to
    do together"): how they go, which ranks but need not match; "un ensemble baroque"
    plays music."""
    said = [t.group(0) for t in tokens]
    return [
        i
        for i, word in enumerate(said)
        if word in _TOGETHER and role[i] == "topic" and (i == 0 or said[i - 1] not in _ARTICLES)
    ]


def _beside_any_outing(folded: str, tokens: list[re.Match[str]], role: list[str]) -> list[int]:
    """Topic words offered as a choice beside outings in general: in "des sorties ou des
    voyages pour les seniors", "a workshop or anything fun", any outing will do; the
    words only rank."""
    found: list[int] = []
    said = [t.group(0) for t in tokens]

    def joined(a: int, b: int) -> bool:
        return not _CLAUSE_END.search(folded[tokens[a].end() : tokens[b].start()])

    def qualified(j: int) -> bool:
        """Whether topic words follow the outing word at `j`: "un truc pour l'épiphanie"
        is no outing in general."""
        k = j + 1
        while k < len(tokens) and joined(k - 1, k) and role[k] == "function":
            k += 1
        return k < len(tokens) and joined(k - 1, k) and role[k] == "topic"

    def side(i: int, step: int) -> list[int]:
        """The words of the choice on one side of "ou" at `i`, grammar skipped."""
        run: list[int] = []
        j = i + step
        while 0 <= j < len(tokens) and joined(min(i, j), max(i, j)):
            if role[j] == "outing" and all(role[k] == "function" for k in run):
                return [] if step > 0 and qualified(j) else [j]
            if role[j] not in ("topic", "function"):
                break
            run.append(j)
            i, j = j, j + step
        return [k for k in run if role[k] == "topic"]

    for i, token in enumerate(tokens):
        if token.group(0) not in _OR:
            continue
        left, right = side(i, -1), side(i, 1)
        for one, other in ((left, right), (right, left)):
            if len(one) == 1 and role[one[0]] == "outing" and said[one[0]] not in _FORMATS:
                found += [k for k in other if role[k] == "topic"]
    return found


# outing words that say how, not "any outing": "une soirée ou un atelier Halloween" asks
# for Halloween either way
_FORMATS = frozenset({"soiree", "soirees", "seance", "seances", "session", "sessions"})


def _person_subjects(question: str, folded: str, tokens: list[re.Match[str]]) -> list[int]:
    """The kept tokens that follow a noun phrase naming a person of the asker's context,
    the subject of what follows as the asker's pronoun is: "mes grands-parents montent à
    Paris", "my grandparents live in Caen", "notre petit-fils de 10 ans vient", "des amis
    de Lyon viennent". Read on every word of the question, since the person is often an
    audience cue already taken out of `tokens` ("mes grands-parents": seniors)."""
    every = list(_WORD.finditer(folded))
    role = _roles(question, folded, every)
    starts = [t.start() for t in tokens]
    found = []
    for i, token in enumerate(every):
        person = role[i] == "context" or names_person(token.group(0))
        if not person or (i + 1 < len(every) and role[i + 1] == "context"):
            continue
        first = i
        while first > 0 and role[first - 1] == "context":
            first -= 1
        if first > 0 and every[first - 1].group(0) in _DETERMINERS:
            after = bisect.bisect_right(starts, token.start())
            if after < len(tokens):
                found.append(after)
    return found


def _clause(folded: str, tokens: list[re.Match[str]], first: int) -> range:
    """The tokens from `first` up to the punctuation that ends its clause, or up to "et
    je", "and we"...: "je suis reconnu travailleur handicapé et je cherche des ateliers"
    asks for workshops in its second clause."""
    for k in range(first, len(tokens) - 1):
        if _CLAUSE_END.search(folded[tokens[k].end() : tokens[k + 1].start()]):
            return range(first, k + 1)
        if k + 2 < len(tokens) and tokens[k + 1][0] in _AND and tokens[k + 2][0] in _ASKER:
            return range(first, k + 1)
    return range(first, len(tokens))


_AND = frozenset({"et", "mais", "and", "but"})
_ASKER = _SUBJECTS["fr"] | _SUBJECTS["en"]


def _wished(folded: str, tokens: list[re.Match[str]], role: list[str], outing: bool) -> list[int]:
    """The topic words a preference makes a wish: the rest of its clause ("idéalement un
    peu éducative", "ideally a set at 7pm"), else the words just before it ("en plein air
    si possible", "yoga outdoors if possible": not the question's first topic word). They
    rank first but need not match (`Understanding.incidental`); never the whole topic,
    unless the question asks for outings in general ("une sortie avec les enfants,
    idéalement éducative"): "du yoga si possible" still asks for yoga."""
    topic = [i for i, r in enumerate(role) if r == "topic"]
    wished: list[int] = []
    for i, r in enumerate(role):
        if r != "preference" or (i and role[i - 1] == "preference"):
            continue
        after = [k for k in _clause(folded, tokens, i + 1) if role[k] == "topic"]
        before: list[int] = []
        k = i - 1
        while (
            k >= 0
            and role[k] in ("topic", "preference")
            and not _CLAUSE_END.search(folded[tokens[k].end() : tokens[k + 1].start()])
        ):
            before += [k] if role[k] == "topic" else []
            k -= 1
        if len(before) > 1 and before[-1] == topic[0]:
            before.pop()  # "yoga outdoors if possible": the first word is what is asked
        wished += after or before
    return wished if outing or not set(topic) <= set(wished) else []


# "il n'y a pas de concert ?", "y a pas de jazz ?" ask for one: no negation there
_THERE_IS = re.compile(r"\b(?:y\s+a|ya|y\s+aura(?:it)?|y\s+avait|avez|as|auriez)\s+$")
_BETWEEN = frozenset({"de", "d", "du", "des", "l", "a", "au", "aux", "en", "pour", "of", "for"})


def _set_aside(folded: str, tokens: list[re.Match[str]], role: list[str]) -> list[int]:
    """The topic words after a negation, in its clause: "un spectacle, pas une expo",
    "sauf le cinéma", "apart from the tower itself". A negation holds its article ("pas
    une", "not a": `[negation]` of the no-topic lexicons), so "ou pas" and "pas trop cher"
    set nothing aside, nor "il n'y a pas de concert ?", which asks for one."""
    aside: list[int] = []
    for i, r in enumerate(role):
        last_of_run = i + 1 == len(role) or role[i + 1] != "negation"
        if r != "negation" or not last_of_run or i + 1 == len(tokens):
            continue
        first = i
        while first and role[first - 1] == "negation":
            first -= 1
        if _THERE_IS.search(folded[: tokens[first].start()]):
            continue
        words: list[int] = []
        for k in _clause(folded, tokens, i + 1):
            if role[k] == "topic" or (
                # "pas un spectacle pour enfants": the show for children only
                role[k] == "context" and words and tokens[k - 1].group(0) in _BETWEEN
            ):
                words.append(k)
            elif role[k] != "function" or (words and tokens[k].group(0) not in _BETWEEN):
                break  # an article may lead the words, "de" join them ("concerts de jazz")
        aside += words
    return aside + _disliked(folded, tokens, role)


# "un concert, mais les expos ne m'intéressent pas": what is disliked starts after these
_BUT = frozenset({"mais", "but", "however", "though", "sinon", "cependant", "pourtant"})


def _disliked(folded: str, tokens: list[re.Match[str]], role: list[str]) -> list[int]:
    """The topic words just before a dislike, in its clause: "les expos ne m'intéressent
    pas", "museums, not my thing". Grammar alone between them and the dislike may cross a
    comma ("les visites guidées, ça m'ennuie")."""
    found: list[int] = []
    for i, r in enumerate(role):
        if r != "dislike" or (i and role[i - 1] == "dislike"):
            continue
        words: list[int] = []
        for k in range(i - 1, -1, -1):
            crossed = bool(_CLAUSE_END.search(folded[tokens[k].end() : tokens[k + 1].start()]))
            if (crossed and words) or tokens[k].group(0) in _BUT:
                break
            if role[k] == "topic":
                words.append(k)
            elif role[k] != "function":
                break
        found += reversed(words)
    return found


_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")


# words people write in capitals to stress them ("gratuite ET accessible", "BOTH of them")
_STRESSED = frozenset({"et", "ou", "ni", "pas", "mais", "aussi", "tous", "and", "or", "nor",
                       "not", "but", "both", "only", "all", "also"})  # fmt: skip


def _initials(written: str, question: str) -> bool:
    """A word in capitals in a question that is not all capitals: initials ("AI", "LSF"),
    unless it is a word people stress that way."""
    return (
        len(written) > 1
        and written.isupper()
        and not question.isupper()
        and written.lower() not in _STRESSED
    )


def _contiguous(folded: str, tokens: list[re.Match[str]]) -> bool:
    """The words of a phrase follow each other (only spaces, hyphens or apostrophes between)."""
    return all(not folded[a.end() : b.start()].strip(" -'’") for a, b in pairwise(tokens))


def understand(
    question: str,
    as_of: date,
    gazetteer: Gazetteer,
    tz: ZoneInfo,
    *,
    city: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    previous_questions: Sequence[str] = (),
    near_km: float = NEAR_KM,
) -> Understanding:
    """Read a question; a follow-up inherits what it leaves out from the earlier turns.

    `previous_questions` are the user's earlier questions, oldest first; the chain of
    follow-ups is read back to the last question that stood on its own. Explicit `city`,
    `date_from` and `date_to` from the caller override what was read; "près de X" is
    within `near_km` of X (RAG_NEAR_KM).
    """
    language = detect_language(question)
    own = _parse(question, as_of, gazetteer, tz, near_km)
    window, place, venue, topic, cues = own.window, own.place, own.venue, own.topic, own.cues
    also = own.also
    incidental = own.incidental
    audience, ages, free, access = cues.audience, cues.ages, cues.free, cues.access
    max_price = cues.max_price
    if own.follow_up and previous_questions:
        chain: list[_Parsed] = []
        for earlier in reversed(previous_questions):
            chain.append(_parse(earlier, as_of, gazetteer, tz, near_km))
            if not chain[-1].follow_up:
                break
        inherited: DateWindow | None = None  # each turn's dates read against the turns before
        for earlier_turn in reversed(chain):
            if earlier_turn.window is not None:
                inherited = (
                    _narrow(earlier_turn.window, inherited, tz, language)
                    if inherited
                    else earlier_turn.window
                )
        limit = own.limit or own.part
        if limit is None and own.same_hours:  # "and Friday, same kind of hours?"
            limit = next((p.limit or p.part for p in chain if p.limit or p.part), None)
        if limit is not None and inherited is not None:
            # "et samedi avant 18h ?", "and after 8pm?": the hours on the days of the talk
            days = _narrow(own.dates, inherited, tz, language) if own.dates else inherited
            window = with_hour_limit(days, limit)
        else:
            window = _narrow(window, inherited, tz, language) if window else inherited
        if place is None and venue is None and own.outside is None:
            placed = next((p for p in chain if p.place), None)
            place, also = (placed.place, placed.also) if placed else (None, ())
            venue = next((p.venue for p in chain if p.venue), None)
            if place is not None and own.around_km is not None:
                place = _within(place, own.around_km, gazetteer)
        said = next((p for p in chain if p.topic), None)
        if not topic:
            topic, incidental = (said.topic, said.incidental) if said else ("", frozenset())
        elif own.points_back and said:
            # "lesquels tombent le 17 ?": the earlier answer's topic, the new words only rank
            incidental = said.incidental | incidental | frozenset(topic_terms(topic))
            topic = f"{said.topic} {topic}"
        audience = audience or next((p.cues.audience for p in chain if p.cues.audience), [])
        ages = ages or next((p.cues.ages for p in chain if p.cues.ages), None)
        free = free or any(p.cues.free for p in chain)
        if max_price is None:
            ceilings = (p.cues.max_price for p in chain if p.cues.max_price is not None)
            max_price = next(ceilings, None)
        access = access or next((p.cues.access for p in chain if p.cues.access), ())
    if city and city.strip():
        name = gazetteer.canonical_city(city) or normalize_space(city)
        place, also = PlaceMatch("city", name, normalize_space(city)), ()
    if date_from is not None or date_to is not None:
        window = explicit_window(date_from, date_to, as_of, tz, language)
    return Understanding(
        question,
        as_of,
        window,
        place,
        list(audience),
        free,
        topic,
        language,
        ages,
        access,
        own.factual,
        _names(question),
        venue,
        incidental,
        own.excluded,
        own.outside,
        max_price,
        also,
    )


def _narrow(
    own: DateWindow, inherited: DateWindow | None, tz: ZoneInfo, language: Language
) -> DateWindow:
    """'et dimanche ?' after 'le week-end prochain' is the Sunday of that week-end; 'le
    lendemain', 'the following Wednesday' follow the dates asked before."""
    if inherited is not None and own.following:
        again = parse_dates(own.expression, inherited.start.date(), tz, language=language)
        return again if again is not None else own
    if inherited is not None and (weekends := on_weekends_of(inherited, own)) is not None:
        return weekends  # "plutôt le week-end" after "cet été": its weekends
    if inherited is None or not is_bare_weekday(own.expression):
        return own
    if own.weekdays is not None:  # "et le dimanche ?": the Sundays of the window asked
        return on_weekdays_of(inherited, own) or own
    within = parse_dates(own.expression, inherited.start.date(), tz, language=language)
    if within is not None and inherited.start <= within.start < inherited.end:
        return within
    return own


def understood_summary(u: Understanding) -> str:
    """'concerts de jazz, ce week-end (du samedi 28 au dimanche 29 novembre 2026), à Paris'.

    Empty when the question set no topic, date, place or cue.
    """
    english = u.language == "en"
    parts = []
    occasion = u.window.occasion if u.window else None
    if u.topic and u.topic != occasion:
        parts.append(u.topic)
    if u.free:
        parts.append("free" if english else "gratuit")
    if u.max_price == 0 and not u.free:  # "prix libre": free or pay what you want
        parts.append("pay what you want" if english else "à prix libre")
    elif u.max_price:
        amount = f"{u.max_price:g}"
        parts.append(f"under €{amount}" if english else f"moins de {amount} €")
    words = AUDIENCE_PHRASES["en" if english else "fr"]
    parts += [words.get(a, a) for a in u.audience]
    if u.ages:
        parts.append(u.ages.label(english))
    if u.access:
        parts.append("accessible (" + ", ".join(_access_labels(u.access)) + ")")
    if u.excluded:
        parts.append(("except " if english else "hors ") + u.excluded)
    if u.window:
        parts.append(u.window.label)
    if u.venue:
        parts.append(u.venue.expression)
    if u.place:
        phrases = [_english_place(p) if english else place_phrase(p) for p in (u.place, *u.also)]
        parts.append((" or " if english else " ou ").join(phrases))
    if u.outside:
        parts.append(("outside " if english else "hors de ") + u.outside.name)
    return ", ".join(parts)


def _access_labels(codes: tuple[AccessCode, ...]) -> list[str]:
    if len(codes) >= len(ACCESS_LABELS) - 1:
        return ["handicap"]
    return [ACCESS_LABELS[c] for c in codes]


@cache
def _calendar_terms(language: Language) -> frozenset[str]:
    return frozenset(t for word in calendar_words(language) for t in topic_terms(word))


def topic_terms(topic: str) -> list[str]:
    """The analyzed words of a topic that can carry it (the grammar of both languages out)."""
    return list(topic_words(topic))


# an ordinal ("the 11th" said again) or a year of these times ("easter weekend 2027"): dates
_ORDINAL_NUMBER = re.compile(r"\d+(?:st|nd|rd|th|e|er|eme|ieme)|20\d\d")


def no_topic_term(term: str) -> bool:
    """Whether an analyzed word is one of the no-topic lexicons' ("evenement"): what a
    misspelled word turns out to be ("evenemnts") is checked again."""
    return _lexicon().by_stem.get(term, "negation") != "negation"


@lru_cache(maxsize=4096)
def topic_words(topic: str) -> Mapping[str, str]:
    """`topic_terms`, each with the folded word it was written as (the first one).

    Read-only and cached: the reader and the retriever ask it of the same topic several
    times per question."""
    function = _lexicon().function
    initials = {fold(w) for w in _CAPITALS.findall(topic) if _initials(w, topic)}
    # "e-sport" is "esport", but the "-t-" of "y a-t-il" only joins a verb to its pronoun
    joined = re.sub(r"\b(?!t-(?:il|elle|on)s?\b)([a-z])-([a-z]{2,})", r"\1\2", fold(topic))
    words: dict[str, str] = {}
    for word in _WORD.findall(joined):
        grammar = (word in function or _misspelled_grammar(word, function)) and word not in initials
        if not grammar and len(word) > 1 and not _ORDINAL_NUMBER.fullmatch(word):
            words.setdefault(stem(word), word)
    return MappingProxyType(words)


MISSPELLED_MIN_LENGTH = 4  # "wiht", "avce": shorter swaps are too often another word


def _misspelled_grammar(word: str, function: frozenset[str]) -> bool:
    """A grammar word with two letters swapped ("wiht", "dnas"), itself no word of either
    language: searching it would demand an absent word."""
    if len(word) < MISSPELLED_MIN_LENGTH:
        return False
    swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    return any(s in function for s in swaps) and not (zipf(word, "fr") or zipf(word, "en"))


def alternatives(topic: str) -> list[frozenset[str]]:
    """Analyzed words the topic offers as a choice: "peinture ou photo", "jazz or blues"."""
    function = _lexicon().function
    words = _WORD.findall(fold(topic))
    groups: list[set[str]] = []
    for i, word in enumerate(words):
        if word not in ("ou", "or"):
            continue
        before = next((w for w in reversed(words[:i]) if w not in function and len(w) > 1), None)
        after = next((w for w in words[i + 1 :] if w not in function and len(w) > 1), None)
        if before and after:
            pair = {stem(before), stem(after)}
            joined = next((g for g in groups if g & pair), None)
            if joined is None:
                groups.append(pair)
            else:
                joined |= pair
    return [frozenset(g) for g in groups]


def _english_place(place: PlaceMatch) -> str:
    if place.quarter is not None:
        return f"in the {place.quarter} area ({place.name})"
    if place.radius_km is not None:
        return f"within {place.radius_km:g} km of {place.name}"
    return f"in {place.name}"


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÀ-ÖØ-Þ][\w'’-]*")


def _unshouted(question: str) -> str:
    """A question all in capitals is shouted, not named: read it as in lower case."""
    return question.lower() if question.isupper() else question


def _names(question: str) -> frozenset[str]:
    """Analyzed terms of the capitalized words inside the question (not its first word);
    none in a question all in capitals."""
    text = _unshouted(question.strip())
    return frozenset(t for m in _NAME.finditer(text) for t in topic_terms(m.group(0)))
