"""Audience, price and accessibility: read in questions, read on events, one home for both.

`rag.query` reads the cues of a question (`read_cues`), `rag.retrieval` ranks the events that
fit them first (`age_fits`, `is_free_for_all`, `access_fit`), and the answer writer states them.

- Ages: "mon bébé de 18 mois", "les tout-petits", "ma fille de 9 ans", "pour les 6-10 ans",
  "my 5 year old" become an age range in years, compared with the event's declared
  `age_min`/`age_max` (an age fits when it is inside the declared range).
- Price: "gratuit", "sans payer", "free" ask for events free for everyone as the organiser
  states it; a reduced rate or free entry for some ("gratuit pour les moins de 18 ans") is
  not free. A ceiling ("moins de 10 €", "under 15 euros") is met by an event whose lowest
  stated price is at most that (a free one too); one stating no price is not known to.
- Accessibility: the OpenAgenda codes `mi` (motor), `hi` (hearing), `vi` (visual), `ii`
  (intellectual) and `pi` (psychic), from the event's `accessibility` field or its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.dates import calendar_words, number_words
from rag.models import Event
from rag.text import fold

AccessCode = str  # "mi", "hi", "vi", "ii", "pi"
ACCESS_CODES = ("mi", "hi", "vi", "ii", "pi")
ACCESS_LABELS = {
    "mi": "handicap moteur",
    "hi": "handicap auditif",
    "vi": "handicap visuel",
    "ii": "handicap intellectuel",
    "pi": "handicap psychique",
}
AUDIENCE_PHRASES = {
    "fr": {
        "enfants": "pour les enfants",
        "famille": "en famille",
        "ados": "pour les adolescents",
        "adultes": "pour les adultes",
        "seniors": "pour les personnes âgées",
    },
    "en": {
        "enfants": "for children",
        "famille": "for families",
        "ados": "for teenagers",
        "adultes": "for adults",
        "seniors": "for seniors",
    },
}
"""Each audience in words: what the answer says it understood, and what the dense query adds."""
OPEN_AGE = 99  # OpenAgenda's "no upper age"
CHILD_AGE = 13  # under this, "enfants"; under ADULTS.low, "ados"


@dataclass(frozen=True, slots=True)
class AgeRange:
    """Ages in years, both ends included (18 months is 1.5)."""

    low: float
    high: float

    def label(self, english: bool = False) -> str:
        """'18 mois', '9 ans', '6 à 10 ans' (or '18 months', '9 years', '6 to 10 years')."""
        years, months, to = ("years", "months", "to") if english else ("ans", "mois", "à")

        def one(age: float) -> str:
            return (
                f"{round(age * 12)} {months}" if age < 2 and age != int(age) else f"{age:g} {years}"
            )

        if self.low == self.high:
            return one(self.low)
        if self.low == int(self.low) and self.high == int(self.high):
            return f"{self.low:g} {to} {self.high:g} {years}"
        return f"{one(self.low)} {to} {one(self.high)}"


ADULTS = AgeRange(18, OPEN_AGE)  # "pour les adultes": from 18, no upper age


@dataclass(frozen=True, slots=True)
class Cues:
    """What a question says about its public, its price and the accessibility it needs."""

    audience: list[str]  # among "enfants", "famille", "ados", "adultes", "seniors"
    ages: AgeRange | None
    free: bool
    access: tuple[AccessCode, ...]  # empty when not asked; every code for "handicap"
    spans: list[tuple[int, int]]  # where they were read in the text (to leave out of the topic)
    max_price: float | None = None  # "moins de 10 €", "under 15 euros": the most one pays


GENERATIONS = "intergénérationnel"
"""What events call old and young together, which a question asks in its own words."""
_YOUNG = frozenset({"enfants", "ados", "famille"})
_YOUNG_WORDS = frozenset({"jeun", "young", "youth", "generation", "generational"})


def generations_together(audience: list[str], words: list[str]) -> bool:
    """Whether the question asks for seniors with young people: "ma grand-mère et mes
    enfants", "des jeunes et des personnes âgées" (`words`: the topic's analyzed words)."""
    return "seniors" in audience and bool(set(audience) & _YOUNG or set(words) & _YOUNG_WORDS)


# --- reading a question (folded text: accents removed, lower case) ------------------------

# grandparents by name, other relatives by an age said old enough to be a senior
_ELDERS = (
    r"grands?[-\s]meres?|grands?[-\s]peres?|mamie|mamy|papi|papy|grand(?:mothers?|fathers?|mas?"
    r"|pas?)|grann(?:y|ies)"
)
_RELATIVES = (
    r"meres?|peres?|maman|papa|parents?|mari|femme|epou(?:x|se)|tante|oncle|voisine?|amie?"
    r"|mothers?|fathers?|mum|mom|dad|husband|wife|aunt|uncle|neighbou?r|friend|partner"
)
_OLD = r"(?:[6-9]\d|1[01]\d)"
_ELDER_AGE = rf"\s*(?:de\s+|d'|\(|is\s+|aged\s+|,\s*)?{_OLD}\s*(?:ans|years?(?:[-\s]old)?)?\)?"
_AUDIENCES = [
    (
        "enfants",
        r"\b(?:(?:enfants?|kids?|children|child)(?:[-\s]friendly)?|gamins?|gamines?|bambins?"
        r"|marmots?|jeune\s+public|toddlers?(?:[-\s]friendly)?|grand(?:kids|children)"
        r"|(?:tout[-\s]?)?petits|(?:mon|ma|mes|nos|notre)\s+(?:fils|filles?|petits?[-\s]enfants?"
        r"|neveux?|nieces?|filleule?s?|petite?s?[-\s](?:fille|fils)s?)"
        r"|(?:my|our)\s+(?:sons?|daughters?|nephews?|nieces?|grand(?:son|daughter|child)(?:s|ren)?)"
        r"|little\s+ones?)\b",
    ),
    (  # "belle-famille" is the in-laws, not a family outing
        "famille",
        r"\b(?:en\s+famille|(?<!-)familles?|familia(?:l|le|les|ux)|family(?:[-\s]friendly)?|families)\b",
    ),
    (
        "ados",
        r"\b(?:ados?|adolescent(?:e|s|es)?|teens?|teenagers?|teenage|tweens?)\b",
    ),
    ("adultes", r"\b(?:adultes?|majeurs?|adults?|grown[-\s]ups?)\b"),
    (
        "seniors",
        r"\b(?:seniors?|personnes\s+agees|retraite(?:e|s|es)?|aines|troisieme\s+age|elderly"
        r"|(?:mes|my)\s+grands?[-\s]parents|grandparents"
        rf"|(?:ma|mon|mes|nos|notre|my|our)\s+(?:{_ELDERS})(?:{_ELDER_AGE})?"
        # an age said of a person, old enough: "ma mère de 78 ans", "my dad (82)", "I'm 72"
        rf"|(?:{_RELATIVES}|{_ELDERS}){_ELDER_AGE}|(?:j'ai|i'?\s?m|i\s+am)\s+{_OLD}"
        r"(?:\s*(?:ans|years?(?:[-\s]old)?)\b|(?=\s+(?:and|et)\b|\s*[,.;!?]|$)))",
    ),
]
_AUDIENCE_RES = [(name, re.compile(pattern)) for name, pattern in _AUDIENCES]
_WITHOUT = re.compile(  # "sans enfants", "no kids", "on laisse les enfants": not wanted
    r"\b(?:sans|without|no|pas\s+d(?:e\s+|')|not\s+for|laiss\w*|leav\w*|fai\w*\s+garder)"
    r"\s*(?:les\s+|the\s+|des\s+|nos\s+|mes\s+|our\s+|my\s+)?$"
)
# "une pièce pour adultes, pas un spectacle pour enfants": the audience of what is set
# aside, left in the question for the negation to take whole (rag.query)
_OF_SET_ASIDE = re.compile(
    r"\b(?:pas|not|non|plutot\s+que|rather\s+than)\s+(?:un|une|de|des|d'|a|an|any)?\s*"
    r"[a-z]+\s+(?:pour|for)\s+(?:les\s+|the\s+|des\s+)?$"
)
_NUMBER = r"\d{1,2}(?:[.,]5)?"
_UNIT = r"(?P<unit>ans|mois|years?(?:[-\s]olds?)?|yo|months?(?:[-\s]olds?)?)"
_PERSON = (  # who may be given an age without its unit: "a teenager (14)", "my daughter is 3"
    r"teens?|teenagers?|ados?|adolescente?s?|kids?|children|child|sons?|daughters?|boys?"
    r"|girls?|fils|filles?|enfants?|garcons?|brothers?|sisters?|freres?|soeurs?|twins?"
    r"|grandkids?|grandchildren|grandchild|grandsons?|granddaughters?|nephews?|nieces?"
    r"|neveux?|jumeaux|jumelles?|petits?[-\s]enfants?|petite?s?[-\s]fille?s?"
)
MAX_ASKED_AGE = 18  # "les 30 ans du festival" is an anniversary, not a public
# Ages spelled out (dates.toml's number words; "a" is an article), read only where they
# cannot be a duration: "a four-year-old", "ma fille de sept ans" ("tous les deux ans",
# "two years ago" are none).
_SPELLED = {w: n for w, n in number_words().items() if n <= MAX_ASKED_AGE and len(w) > 1}
_SPELLED_NUMBER = "|".join(sorted(map(re.escape, _SPELLED), key=len, reverse=True))
_PERSON_RE = re.compile(_PERSON)


def names_person(word: str) -> bool:
    """Whether a folded word names someone who may be given an age ("fille", "sons")."""
    return _PERSON_RE.fullmatch(word) is not None


_AGE_RES = [  # "6-10 ans", "de 6 à 10 ans", "6 to 10 year olds"; "9 ans", "18 mois", "5 year old"
    re.compile(rf"\b(?P<low>{_NUMBER})\s*(?:-|a|/|to|et)\s*(?P<high>{_NUMBER})[-\s]*{_UNIT}\b"),
    re.compile(rf"\b(?P<low>{_NUMBER})[-\s]*{_UNIT}\b"),  # "a 15-year-old" too
    re.compile(rf"\b(?:{_PERSON})\s*\((?P<low>{_NUMBER})(?P<unit>)\)"),
    re.compile(
        rf"\b(?:{_PERSON}|he|she)\s*(?:is|are|turns|aged|'s)\s+(?P<low>{_NUMBER})"
        rf"(?:\s*(?:and|&|,)\s*(?P<high>{_NUMBER}))?(?P<unit>)\b"
        r"(?!\s*(?:h\b|pm|am|%|€|euros?|km|min|:|[.,]\d))"
    ),
    re.compile(rf"\b(?P<low>{_SPELLED_NUMBER})[-\s]+(?P<unit>years?[-\s]+olds?)\b"),
    re.compile(rf"\b(?:{_PERSON})\s+(?:de|d')\s*(?P<low>{_SPELLED_NUMBER})\s+(?P<unit>ans)\b"),
    re.compile(
        rf"\b(?:{_PERSON})\s+(?:aged|is|are|turns)\s+(?P<low>{_SPELLED_NUMBER})(?P<unit>)\b"
    ),
]
# Words that name an age without a number.
_AGE_WORDS = [
    (re.compile(r"\b(?:bebes?|nourrissons?|babies|baby|infants?)\b"), AgeRange(0, 2)),
    (re.compile(r"\b(?:tout[-\s]?petits?|toddlers?|bambins?)\b"), AgeRange(0, 3)),
]
_CURRENCY = r"(?:€|eur(?:os?)?\b)"  # "10 €", "10 euros", "10 eur", "€10"
_FREE = re.compile(
    r"\b(?:gratuite?s?|gratuitement|gratuité|gratuite|sans\s+payer|entree\s+libre|acces\s+libre"
    r"|pas\s+payante?s?|free(?:\s+of\s+charge|\s+entry|\s+admission)?|for\s+free|no\s+charge)\b"
    rf"|\b0\s?{_CURRENCY}"
)
# One pays what one wants: within any budget, though not free; asked, it is a 0 € ceiling
# (free events fit it too). "entrée libre" is free (_FREE), and in an event's conditions too.
_PAY_WHAT_YOU_WANT = re.compile(
    r"\b(?:(?:prix|participation|tarif)\s+libre|au\s+chapeau|pay[\s-]+what[\s-]+you[\s-]+(?:want|can)"
    r"|pay[\s-]+as[\s-]+you[\s-]+(?:wish|like))\b"
)
# A price ceiling, before or after the amount: "moins de 10 €", "max 5 euros", "under
# €15", "20 euros a head max", "pas plus de 12 €", "budget de 15 €"
_AMOUNT = r"\d{1,4}(?:[.,]\d{1,2})?"
_CEILING = re.compile(
    r"\b(?:moins\s+de|pas\s+plus\s+de|max(?:imum)?(?:\s+of)?|maxi|au\s+plus|jusqu'?\s*a"
    r"|budget(?:\s+de)?|under|less\s+than|below|no\s+more\s+than|up\s+to|at\s+most)\s*"
    rf"(?:{_CURRENCY}\s*(?P<before>{_AMOUNT})|(?P<said>{_AMOUNT})\s*{_CURRENCY})"
    rf"|\b(?P<after>{_AMOUNT})\s*{_CURRENCY}(?:\s+(?:(?:a|per|par)\s+(?:head|person(?:ne)?|tete"
    r"|adulte)|(?:la|le)\s+(?:place|billet|personne)))?\s*(?:max(?:imum)?|maxi|au\s+plus|tops?"
    r"|or\s+less|ou\s+moins|grand\s+max)\b"
)
# "I'm free on Tuesday", "Free tonight?", "je suis libre samedi": the asker has time, which
# asks for no price (read before _FREE; "anything free on Saturday?" is a price)
_WHEN = (
    r"(?:on|this|tonight|today|tomorrow|next|all|in\s+the|at\s+\d|le|ce|cet|cette|demain|"
    + "|".join(sorted(calendar_words(), key=len, reverse=True))
    + r")\b"
)
_AVAILABLE = re.compile(
    r"\b(?:(?:i\s*'?\s*m|i\s+am|we\s*'?\s*re|we\s+are|(?:i|we)\s*(?:'\s*ll|\s+will|\s*'\s*d|\s+would)"
    r"\s+be|(?:my|our)|i\s+have\s+(?:some|a)|we\s+have\s+(?:some|a))\s+free"
    r"(?:\s+(?:time|mornings?|afternoons?|evenings?|days?|nights?|weekends?))?"
    r"|(?:suis|sommes|serai|serons|serais|serions|jsuis|chui|on\s+est|on\s+sera)\s+libres?)\b"
    rf"|(?:^|[.!?;:,(]\s*)free(?=\s+{_WHEN})"
)
_MIND = r"(?:mentale?s?|intellectuel(?:le)?s?|psychiques?|cognitifs?|cognitives?)"
# French words a question and an event's own text both use for a need
_SIGNED = r"langue\s+des\s+signes|lsf|boucles?\s+magnetiques?"
_BLIND = r"braille|mal[-\s]?voyante?s?|aveugles?|non[-\s]voyante?s?"
_ACCESS = [
    (
        ("mi",),
        r"\b(?:fauteuils?(?:\s+roulants?)?|pmr|mobilite\s+reduite|handicaps?\s+moteurs?"
        r"|handicapes?\s+moteurs?|(?:uses?\s+an?\s+|using\s+an?\s+)?wheelchairs?(?:\s+users?)?"
        r"|reduced\s+mobility|step[-\s]free)\b",
    ),
    (
        ("hi",),
        rf"\b(?:sourds?|sourdes?|malentendante?s?|handicaps?\s+auditifs?|{_SIGNED}"
        r"|deaf|hard\s+of\s+hearing|hearing\s+(?:loss|disabilit\w*)"
        r"|hearing(?:[-\s]impair\w*)?|sign\s+language|deficien(?:te?s?|ces?)\s+auditi(?:fs?|ves?))\b",
    ),
    (
        ("vi",),
        rf"\b(?:{_BLIND}|handicaps?\s+visuels?|audio[-\s]?descriptions?"
        r"|blind|visually[-\s]impaired|partially\s+sighted|low\s+vision|sight\s+loss"
        r"|deficien(?:te?s?|ces?)\s+visuel(?:le)?s?|visual(?:ly)?\s+(?:impair|disab|handicap)\w*)\b",
    ),
    (
        ("ii", "pi"),
        rf"\b(?:handicaps?\s+{_MIND}(?:\s*(?:/|,|et|ou)\s*{_MIND})*|autis\w*|trisomi\w*|falc"
        r"|facile\s+a\s+lire|intellectual(?:ly)?\s+disab\w*|learning\s+disab\w*"
        r"|neuro\s*atypique\w*|neurodivergent\w*)\b",
    ),
    (
        ACCESS_CODES,
        r"\b(?:handicap(?:e|ee|es|ees)?|situation\s+de\s+handicap|disabled|disabilit(?:y|ies)"
        r"|accessibles?\s+(?:a\s+tous|aux\s+personnes\s+handicapees))\b",
    ),
]
# "adaptée aux personnes malvoyantes", "accessible to wheelchair users": the words leading
# to the need are part of the cue, not a topic.
_ACCESS_LEAD = (
    r"(?:(?:adaptee?s?|accessibles?|destinee?s?|reservee?s?|ouverte?s?|pensee?s?|concue?s?)"
    r"\s+(?:aux|au|a\s+des|a\s+la|pour(?:\s+les|\s+des)?)\s+"
    r"|(?:accessible|adapted|suitable)\s+(?:to|for)\s+(?:the\s+)?)?"
    r"(?:(?:personnes?|publics?|visiteurs?|spectateurs?|people|visitors)\s+(?:with\s+(?:an?\s+)?)?)?"
)
_ACCESS_RES = [(codes, re.compile(rf"\b{_ACCESS_LEAD}(?:{pattern})")) for codes, pattern in _ACCESS]


def read_cues(folded: str) -> Cues:
    """The cues of a folded question (see `rag.dates.fold_aligned`), and where they are."""
    spans: list[tuple[int, int]] = []
    audience: list[str] = []
    ages: AgeRange | None = None
    for pattern in _AGE_RES:
        for m in pattern.finditer(folded):
            if any(m.start() < end and start < m.end() for start, end in spans):
                continue
            months = m["unit"].startswith(("mois", "month"))
            low = _years(m["low"], months)
            high = _years(m.groupdict().get("high") or m["low"], months)
            if max(low, high) > MAX_ASKED_AGE:
                continue
            found = AgeRange(min(low, high), max(low, high))
            ages = (
                found
                if ages is None
                else AgeRange(min(ages.low, found.low), max(ages.high, found.high))
            )
            spans.append((m.start("low"), m.end()))
    for pattern, age_range in _AGE_WORDS:
        for m in pattern.finditer(folded):
            spans.append(m.span())
            if ages is None:
                ages = age_range
    for name, pattern in _AUDIENCE_RES:
        for m in pattern.finditer(folded):
            if _OF_SET_ASIDE.search(folded, 0, m.start()):
                continue
            spans.append(m.span())
            if name not in audience and not _WITHOUT.search(folded, 0, m.start()):
                audience.append(name)  # but "sans enfants", "no kids" want none there
    if ages is not None:
        name = "enfants" if ages.low < CHILD_AGE else "ados" if ages.low < ADULTS.low else "adultes"
        if name not in audience:
            audience.append(name)
    available = [m.span() for m in _AVAILABLE.finditer(folded)]
    spans += available
    free = False
    for m in _FREE.finditer(folded):
        if any(start <= m.start() < end for start, end in available):
            continue
        spans.append(m.span())
        free = True
    max_price = None
    for m in _PAY_WHAT_YOU_WANT.finditer(folded):
        spans.append(m.span())
        max_price = 0.0
    for m in _CEILING.finditer(folded):
        spans.append(m.span())
        amount = float((m["before"] or m["said"] or m["after"]).replace(",", "."))
        max_price = amount if max_price is None else min(max_price, amount)
    access: list[AccessCode] = []
    for codes, pattern in _ACCESS_RES:
        for m in pattern.finditer(folded):
            spans.append(m.span())
            if codes != ACCESS_CODES or not access:  # "handicap" alone: any need
                access += [c for c in codes if c not in access]
    return Cues(audience, ages, free, tuple(access), spans, max_price)


def _years(number: str, months: bool) -> float:
    value = float(_SPELLED.get(number) or number.replace(",", "."))
    return round(value / 12, 2) if months else value


# --- reading an event ---------------------------------------------------------------------

_FREE_MARK = re.compile(
    r"\b(?:gratuit\w*|gratuite|entree\s+libre|acces\s+libre|libre\s+et\s+gratuit\w*|free)\b"
)
_PRICE = re.compile(rf"(\d+(?:[.,]\d+)?)\s*{_CURRENCY}")
_PAID = re.compile(r"\b(?:tarifs?|tarification|prix|payant\w*|billet\w*|plein|reduit\w*)\b")
_FOR_SOME = re.compile(
    r"\b(?:gratuit\w*|entree\s+libre|acces\s+libre)\s+(?:pour|aux|jusqu|des\s+moins|moins|-\s*\d)"
    r"(?!\s+(?:tous|toutes|tout\s+le\s+monde|tou\w*\s+les\s+publics))"
)


def is_free_for_all(event: Event) -> bool:
    """Free for everyone as the organiser states it: no price, no "free for some"."""
    return free_for_all(event.conditions)


def free_for_all(text: str | None) -> bool:
    """`is_free_for_all` on the conditions text alone (for events still being written)."""
    conditions = fold(text or "")
    return _free_for_all(conditions, _prices(conditions))


def lowest_price(text: str | None) -> float | None:
    """The lowest price an event's conditions state (0 when free for all), None when they
    state none: what a price ceiling ("moins de 10 €") is checked against."""
    conditions = fold(text or "")
    prices = _prices(conditions)
    if _free_for_all(conditions, prices) or _PAY_WHAT_YOU_WANT.search(conditions):
        return 0.0
    return min(prices) if prices else None


def _prices(folded: str) -> list[float]:
    return [float(p.replace(",", ".")) for p in _PRICE.findall(folded)]


def _free_for_all(folded: str, prices: list[float]) -> bool:
    """`free_for_all` on conditions already folded, with the prices they state."""
    if not _FREE_MARK.search(folded) or _FOR_SOME.search(folded):
        return False
    if any(price > 0 for price in prices):
        return False
    return not _PAID.search(_FREE_MARK.sub(" ", folded))


# Ages an event's own text states, when its age fields say nothing: "pour les 0-3 ans",
# "de 3 à 6 ans", "dès 4 ans", "à partir de 18 ans", "moins de 3 ans", "ages 5-10", "4+".
# Bare numbers of years ("il y a 10 ans", "30 ans de photo"), "des 75 ans" (an article,
# the accent tells "dès") and "plus de" ("depuis plus de 20 ans") state no public.
_YEARS = r"(?:ans|years?(?:\s+old)?|yrs?)"
_STATED_AGES = re.compile(
    rf"\b(?P<low>\d{{1,2}})\s*(?:-|–|_|à|a|to|/)\s*(?P<high>\d{{1,2}})\s*{_YEARS}\b"
    r"|\bages?\s+(?P<low2>\d{1,2})\s*(?:-|–|to)\s*(?P<high2>\d{1,2})\b"
    rf"|(?:\bdès|\b(?:à|a)\s+partir\s+de|\bfrom|\baged)\s+(?P<low3>\d{{1,2}})\s*{_YEARS}\b"
    r"|\b(?:ages?\s+)?(?P<low4>\d{1,2})\s*(?:ans\s*)?\+(?!\s*\d)"
    rf"|\b(?:moins\s+de|under|jusqu'(?:à|a))\s+(?P<high3>\d{{1,2}})\s*{_YEARS}\b"
)


def stated_ages(event: Event) -> tuple[float | None, float | None]:
    """The ages the first of its title, keywords, description and long description to
    state any gives (the first said there)."""
    texts = (event.title, " ".join(event.keywords), event.description, event.long_description)
    for text in texts:
        for m in _STATED_AGES.finditer(text.lower()):
            # low2, high3...: each alternative's own name for the same bound
            found = {k.rstrip("234"): v for k, v in m.groupdict().items() if v}
            low = float(found["low"]) if "low" in found else 0.0
            high = float(found["high"]) if "high" in found else None
            if high is None or low <= high:
                return low, high
    return None, None


def age_bounds(events: Sequence[Event]) -> tuple[np.ndarray, np.ndarray]:
    """Declared age_min and age_max of each event, else those its text states (NaN when
    not said; 99 means no limit)."""
    bounds = [
        (e.age_min, e.age_max) if e.age_min is not None or e.age_max is not None else stated_ages(e)
        for e in events
    ]
    low = np.asarray([np.nan if a is None else a for a, _ in bounds], dtype=float)
    high = np.asarray([np.nan if b is None or b >= OPEN_AGE else b for _, b in bounds], dtype=float)
    return low, high


AGE_MARGIN = 2.0
AGE_MARGIN_SHARE = 1 / 3
"""A range is made for a child when a bound it declares is within this many years of the
asked ages (at least AGE_MARGIN, a third of the age): 13+ is for a 15-year-old, 3+ is not."""


def age_fits(low: np.ndarray, high: np.ndarray, ages: AgeRange) -> np.ndarray:
    """Per event: 1 when its declared range is made for these ages (a bound near them),
    0.5 when it merely includes them ("dès 3 ans" for a teenager, 0-99), 0 when nothing
    is declared (nor "up to 99" alone), -1 when the declared range excludes them."""
    declared = ~np.isnan(low) | ~np.isnan(high)  # `age_bounds`: 99 is no bound
    low = np.where(np.isnan(low), 0.0, low)
    high = np.where(np.isnan(high), np.inf, high)
    excluded = (low > ages.high) | (high < ages.low)
    margin = max(AGE_MARGIN, AGE_MARGIN_SHARE * ages.low)
    near = ((low > 0) & (ages.low - low <= margin)) | (high - ages.high <= margin)
    fit = np.where(near, 1.0, 0.5)
    return np.where(~declared, 0.0, np.where(excluded, -1.0, fit))


_EVENT_ACCESS = [
    (
        "mi",
        r"\b(?:mobilite\s+reduite|pmr|fauteuils?\s+roulants?|handicap\s+moteur"
        r"|accessible\s+aux\s+personnes\s+handicapees)\b",
    ),
    (
        "hi",
        rf"\b(?:{_SIGNED}|sourds?|malentendants?|sous[-\s]titre\w*\s+pour|handicap\s+auditif)\b",
    ),
    (
        "vi",
        rf"\b(?:audio[-\s]?descri\w*|{_BLIND}|handicap\s+visuel"
        r"|visites?\s+(?:descriptives?\s+et\s+)?tactiles?)\b",
    ),
    ("ii", r"\b(?:falc|facile\s+a\s+lire|handicap\s+(?:mental|intellectuel)|autis\w*)\b"),
    ("pi", r"\b(?:handicap\s+psychique)\b"),
]
_EVENT_ACCESS_RES = [(code, re.compile(pattern)) for code, pattern in _EVENT_ACCESS]


def event_access(event: Event) -> frozenset[AccessCode]:
    """The accessibility codes an event declares, or that its text states."""
    return frozenset(c for c in event.accessibility if c in ACCESS_CODES) | stated_access(event)


def stated_access(event: Event) -> frozenset[AccessCode]:
    """The accessibility its own text states: surer than codes a venue declares for all
    its events (a play "en audiodescription" among plays that all declare `vi`)."""
    text = fold(
        " ".join([event.conditions or "", event.description, event.long_description[:4000]])
    )
    return frozenset(code for code, pattern in _EVENT_ACCESS_RES if pattern.search(text))


def access_fit(codes: frozenset[AccessCode], asked: tuple[AccessCode, ...]) -> bool:
    return bool(codes.intersection(asked))


_NOT_ATTENDABLE = re.compile(r"\b(?:annule|complet|reporte|deplace en ligne)")


def is_attendable(event: Event) -> bool:
    """Whether one can go: not cancelled, full or postponed, and not online only."""
    status = fold(event.status or "")
    return not _NOT_ATTENDABLE.search(status) and fold(event.attendance_mode or "") != "en ligne"
