"""Hybrid retrieval: dense (FAISS) + lexical (BM25), filtered by date window and place.

Filters exclude events (an event outside the window or the place never appears), ranking
fuses both signals per event (not per passage, so one event is one result), and a
relevance gate decides whether anything is worth answering with at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from rag.dates import occurrence_overlap
from rag.embeddings import Embedder
from rag.index import Index
from rag.lexical import analyze
from rag.models import Event, Hit
from rag.places import Gazetteer, PlaceMatch
from rag.query import Understanding
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


RELEVANCE = {  # by embedder id prefix
    "use-": Relevance(0.35, 0.20, 0.40, 0.60, 0.65, 0.03),
}
# Embedders not tuned yet (e5, mistral-embed) get the USE profile; their cosines run
# higher, so they refuse less: re-tune with `rag eval` before relying on refusals.
DEFAULT_RELEVANCE = RELEVANCE["use-"]
DENSE_CANDIDATES = 400
EXACT_SEARCH_SHARE = 0.35
AUDIENCE_BONUS = 0.15
FREE_BONUS = 0.06
YOUNG_AGE = 12
CHILD_MAX_AGE = 14
DIVERSITY_POOL = 4
DIVERSITY_PENALTY = 0.08
PLACE_CACHE_SIZE = 256

_YOUNG_WORDS = ("enfant", "famille", "jeune public", "petits", "bambin", "kids", "ados")
_FREE_WORDS = ("gratuit", "entree libre", "libre et gratuit", "sans reservation gratuite")


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
        self._free = np.asarray([_is_free(e) for e in events], dtype=bool)
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
                matched[pos] = place.matches(events[pos])
            mask = matched[self._place_group]
            self._place_masks[place] = mask
        return mask

    def search(self, u: Understanding, k: int) -> list[Hit]:
        """The k best distinct events, or [] when nothing relevant meets the filters."""
        mask = self.allowed(u)
        now = self._reference_time(u)
        topic = u.topic.strip()
        if topic:
            dense, dense_passage = self._dense(_dense_query(u), mask)
            coverage, lexical_passage = self._coverage(topic)
            gate = self.relevance
            relevant = (dense >= gate.strong_dense) | (coverage >= gate.min_coverage)
            relevant |= (dense >= gate.min_dense) & (coverage >= gate.min_dense_coverage)
            mask &= relevant
            score = gate.dense_weight * np.maximum(dense, 0) + (1 - gate.dense_weight) * coverage
            passage = np.where(
                (dense >= gate.strong_dense) | (lexical_passage < 0), dense_passage, lexical_passage
            )
        else:
            score = self._soonness(now)
            passage = self._first_passage
        if not mask.any():
            return []
        score = score + self._cue_bonus(u)
        upcoming = self._last_end >= now
        candidates = np.flatnonzero(mask)
        ranked = candidates[np.lexsort((-score[candidates], ~upcoming[candidates]))]
        if not topic:
            ranked = self._diversify(ranked, score, k)
        return [
            Hit(
                event=self.index.events[pos],
                score=round(float(score[pos]), 4),
                passage=self.index.passages[int(passage[pos])].text,
            )
            for pos in ranked[:k]
        ]

    def _diversify(self, ranked: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
        """'Que faire ce week-end ?' wants a concert, a show, a workshop: not five exhibitions.

        Greedy: each pick lowers the score of the remaining events of the same kind.
        """
        pool = [int(pos) for pos in ranked[: k * DIVERSITY_POOL]]
        chosen: list[int] = []
        seen: dict[str, int] = {}
        while pool and len(chosen) < k:
            best = max(
                pool, key=lambda p: score[p] - DIVERSITY_PENALTY * seen.get(self._kind[p], 0)
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

    def _coverage(self, topic: str) -> tuple[np.ndarray, np.ndarray]:
        """Per event, the IDF-weighted share of the topic's words it contains.

        Also returns, per event, the passage with the best BM25 score (-1 if none), so
        the snippet shows where the words matched.
        """
        n_events = len(self.index.events)
        coverage = np.zeros(n_events, dtype=np.float32)
        terms = list(dict.fromkeys(analyze(topic)))
        lexical = self.index.lexical
        # A word no passage has weighs most: asking for "rugby" in a corpus without it
        # must not look covered by the other words of the question.
        unknown = float(np.log(1 + (lexical.size + 0.5) / 0.5))
        weights = np.asarray([lexical.idf(t) or unknown for t in terms], dtype=np.float32)
        total = float(weights.sum())
        for term, weight in zip(terms, weights, strict=True):
            present = np.zeros(n_events, dtype=bool)
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
        if u.free:
            bonus += FREE_BONUS * self._free
        return bonus


_AUDIENCE_PHRASES = {
    "enfants": "pour les enfants",
    "famille": "en famille",
    "ados": "pour les adolescents",
    "adultes": "pour les adultes",
    "seniors": "pour les personnes âgées",
}


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


def _is_free(event: Event) -> bool:
    return _has_any(fold(event.conditions or ""), _FREE_WORDS)


def _has_any(folded: str, words: tuple[str, ...]) -> bool:
    """Folds once per text, not once per word: this runs for every event at index load."""
    return any(word in folded for word in words)
