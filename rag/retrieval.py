"""Hybrid retrieval: dense (FAISS) + lexical (BM25), filtered by date window and place.

Filters exclude events (an event outside the window or the place never appears), ranking
fuses both signals per event (not per passage, so one event is one result), and a
relevance gate decides whether anything is worth answering with at all. Only the topic's
informative words count: a word most events of the corpus contain says nothing, and a
question whose topic is only such words is answered with the events the filters leave.
Events that fit the audience, price and accessibility cues (`rag.cues`) come first.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from rag.cues import (
    ACCESS_CODES,
    age_bounds,
    age_fits,
    event_access,
    is_attendable,
    is_free_for_all,
)
from rag.dates import occurrence_overlap
from rag.embeddings import Embedder
from rag.index import Index
from rag.models import Event, Hit
from rag.places import EARTH_KM, Gazetteer, PlaceMatch
from rag.query import Understanding, alternatives, topic_terms
from rag.text import fold


@dataclass(frozen=True, slots=True)
class Relevance:
    """When an event is relevant enough to be shown at all, and how signals are mixed.

    Cosine scales differ between embedders, so each has its own, tuned on
    eval/devset.jsonl (docs/retrieval.md has the figures and how to re-tune).
    """

    strong_dense: float  # this close in meaning is enough on its own
    min_dense: float  # a weaker meaning match needs words in common too...
    min_dense_coverage: float  # ...this share of the question's words (IDF-weighted)
    min_coverage: float  # or, this share of the words with any meaning match
    dense_weight: float  # ranking: dense * w + coverage * (1 - w)
    summary_offset: float  # short summary passages score higher by nature: level them
    # When the evidence is relative to few candidates: the place or dates left at most
    # NARROW_SHARE of the corpus (a word in common is then enough with this closeness), or
    # an English question meets a French corpus (its words are unknown there, not absent).
    relaxed_dense: float


RELEVANCE = {  # by embedder id prefix
    "use-": Relevance(0.35, 0.20, 0.40, 0.60, 0.65, 0.03, 0.25),
}
# Embedders not tuned yet (e5, mistral-embed) get the USE profile; their cosines run
# higher, so they refuse less: re-tune with `rag eval` before relying on refusals.
DEFAULT_RELEVANCE = RELEVANCE["use-"]
DENSE_CANDIDATES = 400
EXACT_SEARCH_SHARE = 0.35
AUDIENCE_BONUS = 0.15
AGE_BONUS = 0.1  # times rag.cues.age_fit: made for these ages > open to all > not said
COMMON_SHARE = 0.5  # a word more than half of the events contain tells none of them apart
COMMON_MIN_EVENTS = 50  # below this, shares say little: every topic word counts
YOUNG_AGE = 12
CHILD_MAX_AGE = 14
DIVERSITY_POOL = 4
DIVERSITY_PENALTY = 0.08
PLACE_CACHE_SIZE = 256
TERM_CACHE_SIZE = 4096
NARROW_SHARE = 0.35  # filters leaving at most this share of the corpus narrow the question
TAIL_SHARE = 0.5  # hits scoring under this share of the answer's best one are left out
ABBREVIATION_MIN_LENGTH = 3
ABBREVIATED_BY = 3  # "expo" for "exposition", but "coup" is not short for "couper"
PREFIX_CANDIDATES = 200
TYPO_MIN_LENGTH = 7  # shorter words are too often another word one letter away

_YOUNG_WORDS = ("enfant", "famille", "jeune public", "petits", "bambin", "kids", "ados")


class Retriever:
    """Searches one loaded index; built once per index version, then read-only."""

    def __init__(
        self, index: Index, embedder: Embedder, gazetteer: Gazetteer, tz: ZoneInfo
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.gazetteer = gazetteer
        self.tz = tz
        self.relevance = next(
            (r for prefix, r in RELEVANCE.items() if embedder.id.startswith(prefix)),
            DEFAULT_RELEVANCE,
        )
        events = index.events
        occ_event, occ_start, occ_end = [], [], []
        for pos, event in enumerate(events):
            for occ in event.occurrences:
                occ_event.append(pos)
                occ_start.append(occ.start.timestamp())
                occ_end.append(occ.end.timestamp())
        self._occ_event = np.asarray(occ_event, dtype=np.int64)
        self._occ_start = np.asarray(occ_start, dtype=np.float64)
        self._occ_end = np.asarray(occ_end, dtype=np.float64)
        self._last_end = np.full(len(events), -np.inf)
        np.maximum.at(self._last_end, self._occ_event, self._occ_end)
        self._place_masks: dict[PlaceMatch, np.ndarray] = {}
        # Events share few distinct places: a place is matched once per distinct
        # (city, postal code, department, region, country), the fields `event_place` reads,
        # instead of once per event (400 ms → 15 ms for a new place at 10k events).
        groups: dict[tuple[str | None, ...], int] = {}
        self._place_group = np.fromiter(
            (
                groups.setdefault((e.city, e.postal_code, e.department, e.region, e.country), pos)
                for pos, e in enumerate(events)
            ),
            dtype=np.int64,
            count=len(events),
        )
        self._place_representatives = np.asarray(list(groups.values()), dtype=np.int64)
        self._young = np.asarray([_youngness(e) for e in events], dtype=np.float64)
        self._kind = [fold(e.keywords[0]) if e.keywords else "" for e in events]
        self._free = np.asarray([is_free_for_all(e) for e in events], dtype=bool)
        self._attendable = np.asarray([is_attendable(e) for e in events], dtype=bool)
        self._access = np.asarray([_access_bits(event_access(e)) for e in events], dtype=np.uint8)
        self._age_min, self._age_max = age_bounds(events)
        self._lat = np.asarray([np.nan if e.latitude is None else e.latitude for e in events])
        self._lon = np.asarray([np.nan if e.longitude is None else e.longitude for e in events])
        self._event_counts: dict[str, int] = {}
        self._by_prefix: dict[str, list[str]] | None = None  # vocabulary, for typos
        self._sorted: list[str] | None = None  # vocabulary, for abbreviations
        self._passage_offset = np.asarray(
            [self.relevance.summary_offset if p.kind == "summary" else 0.0 for p in index.passages],
            dtype=np.float32,
        )
        self._first_passage = np.full(len(events), -1, dtype=np.int64)
        self._first_passage[index.passage_event[::-1]] = np.arange(len(index.passages))[::-1]

    def allowed(self, u: Understanding) -> np.ndarray:
        """Events that meet the window and the place: the others are never shown."""
        mask = np.ones(len(self.index.events), dtype=bool)
        if u.window is not None:
            overlap = occurrence_overlap(u.window, self._occ_start, self._occ_end)
            in_window = np.zeros_like(mask)
            in_window[self._occ_event[overlap]] = True
            mask &= in_window
        if u.place is not None:
            mask &= self._place_mask(u.place)
        return mask

    def _place_mask(self, place: PlaceMatch) -> np.ndarray:
        """Events at `place`, computed once per place asked about (places are few)."""
        mask = self._place_masks.get(place)
        if mask is None:
            if len(self._place_masks) >= PLACE_CACHE_SIZE:
                self._place_masks.clear()
            events = self.index.events
            matched = np.zeros(len(events), dtype=bool)
            for pos in self._place_representatives:
                matched[pos] = place.matches_name(events[pos])
            mask = matched[self._place_group]
            if place.radius_km is not None:  # "près de": by distance where coordinates exist
                near = _haversine_km(place, self._lat, self._lon) <= place.radius_km
                mask = np.where(np.isnan(self._lat), mask, near)
            self._place_masks[place] = mask
        return mask

    def search(self, u: Understanding, k: int) -> list[Hit]:
        """The k best distinct events, or [] when nothing relevant meets the filters."""
        mask = self.allowed(u)
        now = self._reference_time(u)
        terms = self.informative_terms(u.topic)
        if terms:
            dense, dense_passage = self._dense(_dense_query(u), mask)
            known = self._known(terms, u)
            coverage, lexical_passage = self._coverage(known, alternatives(u.topic))
            relevant = self._relevant(u, terms, mask, dense, coverage)
            if not (mask & relevant).any() and _only_occasion(u, terms):
                # "le week-end de Pâques": the feast dates the question, nothing need name it
                return self.search(replace(u, topic=""), k)
            mask &= relevant
            gate = self.relevance
            score = gate.dense_weight * np.maximum(dense, 0) + (1 - gate.dense_weight) * coverage
            passage = np.where(
                (dense >= gate.strong_dense) | (lexical_passage < 0), dense_passage, lexical_passage
            )
        elif u.factual:
            return []
        else:
            score = self._soonness(now)
            passage = self._first_passage
        if not mask.any():
            return []
        score = score + self._cue_bonus(u)
        fit = self._cue_fit(u)
        upcoming = self._last_end >= now
        candidates = np.flatnonzero(mask)
        # Upcoming before over, then those one can attend (not cancelled, full or online
        # only), then those fitting the cues, then the score.
        keys = (-score, -fit, ~self._attendable, ~upcoming)
        ranked = candidates[np.lexsort(tuple(key[candidates] for key in keys))]
        if terms:
            ranked = ranked[:k]
            # Fewer, better: a hit far below the best of the answer is padding.
            ranked = ranked[score[ranked] >= TAIL_SHARE * score[ranked].max()]
        else:
            tier = (upcoming * 2 + self._attendable) * (fit.max() + 1) + fit
            ranked = self._diversify(ranked, score, tier, k)
        return [
            Hit(
                event=self.index.events[pos],
                score=round(float(score[pos]), 4),
                passage=self.index.passages[int(passage[pos])].text,
            )
            for pos in ranked[:k]
        ]

    def _relevant(
        self,
        u: Understanding,
        terms: list[str],
        mask: np.ndarray,
        dense: np.ndarray,
        coverage: np.ndarray,
    ) -> np.ndarray:
        """Events with enough evidence for the topic: close in meaning, or sharing its words,
        or both a little; relative to the candidates when the filters left few of them."""
        gate = self.relevance
        relevant = dense >= gate.strong_dense
        vocabulary = self.index.lexical.vocabulary
        unknown_names = [t for t in terms if t in u.names and t not in vocabulary]
        if u.factual or unknown_names:
            # A name the corpus has never seen ("Saint-Eustache") is not covered by the
            # other words of the question: only a close meaning can stand for it.
            return relevant
        if not self._known(terms, u):  # an English question whose words the corpus lacks
            return relevant | (dense >= gate.relaxed_dense)
        relevant |= coverage >= gate.min_coverage
        relevant |= (dense >= gate.min_dense) & (coverage >= gate.min_dense_coverage)
        narrowed = mask.sum() <= NARROW_SHARE * len(mask)
        if narrowed or u.language == "en":
            relevant |= (dense >= gate.relaxed_dense) & (coverage > 0)
        if all(t in vocabulary for t in terms):
            # Every word exists in the corpus, so nothing says the topic is absent: a
            # paraphrase ("fabriquer une lanterne") may share none of the event's words.
            relevant |= dense >= gate.relaxed_dense
        return relevant

    def _known(self, terms: list[str], u: Understanding) -> list[str]:
        """The terms coverage counts: all of them in French (a word the corpus lacks weighs
        most: "rugby"), only the corpus's own in English (an English word is not absent)."""
        if u.language != "en":
            return terms
        vocabulary = self.index.lexical.vocabulary
        return [t for t in terms if t in vocabulary]

    def informative_terms(self, topic: str) -> list[str]:
        """The analyzed words of the topic that tell events apart in this corpus."""
        terms = list(dict.fromkeys(self._abbreviated(self._spelled(t)) for t in topic_terms(topic)))
        n_events = len(self.index.events)
        if n_events < COMMON_MIN_EVENTS:
            return terms
        return [t for t in terms if self._event_count(t) <= COMMON_SHARE * n_events]

    def _spelled(self, term: str) -> str:
        """A long word the corpus lacks, one letter away from one it has ("expositon"), is
        that word; other unknown words stay unknown (and weigh most: "curling")."""
        lexical = self.index.lexical
        if len(term) < TYPO_MIN_LENGTH or term in lexical.vocabulary or term.isdigit():
            return term
        if self._by_prefix is None:
            by_prefix: dict[str, list[str]] = {}
            for known in lexical.vocabulary:
                if len(known) >= TYPO_MIN_LENGTH - 1:
                    by_prefix.setdefault(known[:2], []).append(known)
            self._by_prefix = by_prefix
        near = [k for k in self._by_prefix.get(term[:2], ()) if _one_edit(term, k)]
        return max(near, key=self._event_count) if near else term

    def _abbreviated(self, term: str) -> str:
        """An unknown word that starts a corpus word is short for it ("expo", "rando"),
        one letter short of a doubled one is it ("jaz"); other unknown words stay."""
        vocabulary = self.index.lexical.vocabulary
        if len(term) < ABBREVIATION_MIN_LENGTH or term in vocabulary or term.isdigit():
            return term
        doubled = [term[:i] + term[i - 1] + term[i:] for i in range(1, len(term) + 1)]
        known = [d for d in doubled if d in vocabulary]
        if not known and len(term) > ABBREVIATION_MIN_LENGTH:
            known = [k for k in self._prefixed(term) if len(k) >= len(term) + ABBREVIATED_BY]
        return max(known, key=self._event_count) if known else term

    def _prefixed(self, term: str) -> list[str]:
        vocabulary = sorted(self.index.lexical.vocabulary) if self._sorted is None else self._sorted
        self._sorted = vocabulary
        start = bisect_left(vocabulary, term)
        end = bisect_left(vocabulary, term + "\uffff")
        return vocabulary[start:end][:PREFIX_CANDIDATES]

    def _event_count(self, term: str) -> int:
        """How many events contain an analyzed term (cached: questions reuse few words)."""
        count = self._event_counts.get(term)
        if count is None:
            if len(self._event_counts) >= TERM_CACHE_SIZE:
                self._event_counts.clear()
            passages = self.index.lexical.passages_with(term)
            count = len(np.unique(self.index.passage_event[passages]))
            self._event_counts[term] = count
        return count

    def _diversify(
        self, ranked: np.ndarray, score: np.ndarray, tier: np.ndarray, k: int
    ) -> np.ndarray:
        """'Que faire ce week-end ?' wants a concert, a show, a workshop: not five exhibitions.

        Greedy: each pick lowers the score of the remaining events of the same kind, within
        a tier (upcoming, then fitting the cues) that diversity never overrides.
        """
        pool = [int(pos) for pos in ranked[: k * DIVERSITY_POOL]]
        chosen: list[int] = []
        seen: dict[str, int] = {}
        while pool and len(chosen) < k:
            best = max(
                pool,
                key=lambda p: (tier[p], score[p] - DIVERSITY_PENALTY * seen.get(self._kind[p], 0)),
            )
            pool.remove(best)
            chosen.append(best)
            seen[self._kind[best]] = seen.get(self._kind[best], 0) + 1
        return np.asarray(chosen + [int(p) for p in ranked[len(chosen) :] if p not in chosen])

    def _reference_time(self, u: Understanding) -> float:
        """Start of the window, else the start of the reference day."""
        if u.window is not None:
            return u.window.start.timestamp()
        return datetime.combine(u.as_of, time.min, tzinfo=self.tz).timestamp()

    def _dense(self, topic: str, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per event, the best cosine of its passages with the topic, and that passage."""
        query = self.embedder.embed_query(topic)
        n_passages = len(self.index.passages)
        allowed_passages = mask[self.index.passage_event]
        if allowed_passages.mean() <= EXACT_SEARCH_SHARE:
            rows = np.flatnonzero(allowed_passages)
            sims = self.index.vectors[rows] @ query
        else:
            rows, sims = self.index.dense_search(query, min(DENSE_CANDIDATES, n_passages))
            keep = rows >= 0
            rows, sims = rows[keep], sims[keep]
        sims = sims - self._passage_offset[rows]
        return _best_per_event(self.index.passage_event, rows, sims, len(self.index.events))

    def _coverage(
        self, terms: list[str], choices: Sequence[frozenset[str]] = ()
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per event, the IDF-weighted share of the topic's words it contains; words offered
        as a choice ("peinture ou photo") count once, as the heaviest of them, when any is there.

        Also returns, per event, the passage with the best BM25 score (-1 if none), so
        the snippet shows where the words matched.
        """
        n_events = len(self.index.events)
        coverage = np.zeros(n_events, dtype=np.float32)
        lexical = self.index.lexical
        # A word no passage has weighs most: asking for "rugby" in a corpus without it
        # must not look covered by the other words of the question.
        unknown = float(np.log(1 + (lexical.size + 0.5) / 0.5))
        weights = {t: lexical.idf(t) or unknown for t in terms}
        # One slot per word, or per choice of words: (weight, words that fill it).
        slots: list[tuple[float, list[str]]] = []
        chosen: set[str] = set()
        for choice in choices:
            members = [t for t in terms if t in choice]
            if len(members) > 1:
                slots.append((max(weights[t] for t in members), members))
                chosen.update(members)
        slots += [(weights[t], [t]) for t in terms if t not in chosen]
        total = sum(weight for weight, _ in slots)
        for weight, members in slots:
            present = np.zeros(n_events, dtype=bool)
            for term in members:
                present[self.index.passage_event[lexical.passages_with(term)]] = True
            coverage[present] += weight / total
        full = lexical.term_scores(terms)
        rows = np.flatnonzero(full > 0)
        _, best = _best_per_event(self.index.passage_event, rows, full[rows], n_events)
        return coverage, best

    def _soonness(self, now: float) -> np.ndarray:
        """With no topic, the next events come first (a score in [0, 0.5])."""
        next_start = np.full(len(self.index.events), np.inf)
        later = self._occ_end >= now
        np.minimum.at(next_start, self._occ_event[later], np.maximum(self._occ_start[later], now))
        days = (next_start - now) / 86400
        return np.where(np.isfinite(days), 0.5 / (1.0 + days / 7), 0.0)

    def _cue_bonus(self, u: Understanding) -> np.ndarray:
        bonus = np.zeros(len(self.index.events), dtype=np.float64)
        if any(a in ("enfants", "famille") for a in u.audience):
            bonus += AUDIENCE_BONUS * self._young
        if u.ages is not None:
            bonus += AGE_BONUS * self._age_fit(u)
        return bonus

    def _cue_fit(self, u: Understanding) -> np.ndarray:
        """How many of the asked cues (free, accessibility, ages) each event meets."""
        fit = np.zeros(len(self.index.events), dtype=np.int64)
        if u.free:
            fit += self._free
        if u.access:
            fit += (self._access & _access_bits(frozenset(u.access))) > 0
        if u.ages is not None:
            fit += self._age_fit(u) >= 0
        return fit

    def _age_fit(self, u: Understanding) -> np.ndarray:
        """`rag.cues.age_fit` for every event at once."""
        if u.ages is None:
            return np.zeros(len(self.index.events))
        return age_fits(self._age_min, self._age_max, u.ages)


_AUDIENCE_PHRASES = {
    "enfants": "pour les enfants",
    "famille": "en famille",
    "ados": "pour les adolescents",
    "adultes": "pour les adultes",
    "seniors": "pour les personnes âgées",
}


def _only_occasion(u: Understanding, terms: list[str]) -> bool:
    """Whether the topic's words all come from a feast that dates the question."""
    occasion = u.window.occasion if u.window else None
    return bool(occasion) and set(terms) <= set(topic_terms(occasion or ""))


def _dense_query(u: Understanding) -> str:
    """The topic, with the audience back in: "for children" is part of what is meant."""
    return " ".join([u.topic.strip(), *(_AUDIENCE_PHRASES.get(a, a) for a in u.audience)])


def _best_per_event(
    passage_event: np.ndarray, rows: np.ndarray, scores: np.ndarray, n_events: int
) -> tuple[np.ndarray, np.ndarray]:
    """Max score per event over the given passages, and the passage that holds it."""
    best = np.full(n_events, -1.0, dtype=np.float32)
    best_row = np.full(n_events, -1, dtype=np.int64)
    order = np.argsort(scores, kind="stable")
    events = passage_event[rows[order]]
    best[events] = scores[order]
    best_row[events] = rows[order]
    return best, best_row


def _youngness(event: Event) -> float:
    """How clearly an event is meant for children: 1 made for them, 0.3 open to them."""
    if event.age_max is not None and event.age_max <= CHILD_MAX_AGE:
        return 1.0
    if _has_any(fold(event.title), _YOUNG_WORDS):
        return 0.9
    if _has_any(fold(" ".join(event.keywords)), _YOUNG_WORDS):
        return 0.7
    if _has_any(fold(event.description), _YOUNG_WORDS):
        return 0.5
    if event.age_min is not None and 0 < event.age_min <= YOUNG_AGE:
        return 0.3
    return 0.0


def _one_edit(a: str, b: str) -> bool:
    """One letter inserted, deleted, replaced, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    return short[i:] == long[i + 1 :]


def _haversine_km(place: PlaceMatch, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """`PlaceMatch.distance_km` for arrays of coordinates."""
    p1, p2 = np.radians(place.latitude or 0.0), np.radians(lat)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon - (place.longitude or 0.0)) / 2) ** 2
    )
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def _access_bits(codes: frozenset[str]) -> int:
    return sum(1 << i for i, code in enumerate(ACCESS_CODES) if code in codes)


def _has_any(folded: str, words: tuple[str, ...]) -> bool:
    """Folds once per text, not once per word: this runs for every event at index load."""
    return any(word in folded for word in words)
