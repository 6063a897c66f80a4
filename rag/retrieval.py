"""Hybrid retrieval: dense (FAISS) + lexical (BM25), filtered by date window and place.

Filters exclude events (an event outside the window or the place never appears), ranking
fuses both signals per event (not per passage, so one event is one result), and a
relevance gate decides whether anything is worth answering with at all. Only the topic's
informative words count: a word most events of the corpus contain says nothing, and a
question whose topic is only such words is answered with the events the filters leave.
Events that fit the audience, price and accessibility cues (`rag.cues`) come first.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from rag.common_words import english_only, french_too
from rag.cues import ADULTS, AUDIENCE_PHRASES, AgeRange, age_fits
from rag.embeddings import Embedder
from rag.features import STATED_SHIFT, access_bits
from rag.index import Index
from rag.kinds import kind_choices, kind_words
from rag.language import Language
from rag.lexical import analyze
from rag.models import Hit
from rag.places import Gazetteer, PlaceMatch, VenueMatch, venue_key
from rag.query import Understanding, alternatives, no_topic_term, topic_terms, topic_words

DENSE_CANDIDATES = 400
EXACT_MAX_PASSAGES = 4096
"""A filtered question scores its allowed passages exactly up to this many, else FAISS
searches inside them (cost and recall: docs/benchmarks.md)."""
UNFILTERED_POOL = 500
"""A question without a topic ranks at least this many of its allowed events, the soonest."""
AUDIENCE_BONUS = 0.15
OTHER_KIND_PENALTY = 0.05  # `_other_kind`: below the events of the kind asked, not out
STATED_ACCESS_FIT = 0.5  # `_cue_fit`: less than a cue met, more than nothing
AGE_BONUS = 0.1  # times rag.cues.age_fits: made for these ages > open to all > not said
COMMON_SHARE = 0.5  # a word more than half of the events contain tells none of them apart
COMMON_MIN_EVENTS = 50  # below this, shares say little: every topic word counts
LONG_RUN_SHARE = 0.5  # share of a topicless score that an event running for months loses
LONG_RUN_DAYS = 30.0  # ...half of it at an occurrence this many days long (or the window's)
DIVERSITY_POOL = 4
DIVERSITY_PENALTY = 0.08
PLACE_CACHE_SIZE = 256
TERM_CACHE_SIZE = 4096
NARROW_SHARE = 0.35  # filters leaving at most this share of the corpus narrow the question
TAIL_SHARE = 0.5  # hits scoring under this share of the answer's best one are left out
ABBREVIATION_MIN_LENGTH = 3
ABBREVIATED_BY = 3  # "expo" for "exposition", but "coup" is not short for "couper"
LONG_ABBREVIATION = 5
COMPOUND_MIN_PART = 2
ACRONYM_MAX_WORDS = 4  # "langue des signes française" is LSF
PREFIX_CANDIDATES = 200
TYPO_MIN_LENGTH = 7  # shorter words are too often another word one letter away
SOUND_MIN_LENGTH = 5  # "teatr" for "théâtre"; shorter sound keys collide too often
_WEEK = 7 * 86400.0
_KINDS = sorted(kind_words())
_KIND_IDS = {kind: i for i, kind in enumerate(_KINDS)}
UNREAD = -2


class Retriever:
    """Searches one loaded index; built once per index version, then read-only.

    Every question works on a candidate set of events (sorted positions): the events its
    window and place allow (rag/candidates.py), and with a topic only those the dense
    and lexical searches found among them, so its cost follows what it reads, not the
    size of the corpus.
    """

    def __init__(
        self, index: Index, embedder: Embedder, gazetteer: Gazetteer, tz: ZoneInfo
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.gazetteer = gazetteer
        self.tz = tz
        self.relevance = embedder.relevance
        self.candidates = index.candidates
        self._place_events: dict[PlaceMatch, np.ndarray] = {}
        self._venue_events: dict[tuple[str, ...], np.ndarray] = {}
        self._event_counts: dict[str, int] = {}
        self._by_prefix: dict[str, list[str]] | None = None  # vocabulary, for typos
        self._sounds: dict[str, list[str]] | None = None  # vocabulary, for spellings by ear
        self._sorted: list[str] | None = None  # vocabulary, for abbreviations
        self._heads: np.ndarray | None = None  # `_title_kinds`

    def allowed(self, u: Understanding) -> np.ndarray | None:
        """Events that meet the window and the place (sorted positions), None: no filter."""
        allowed = None
        if u.window is not None:
            bands = [(a.timestamp(), b.timestamp()) for a, b in u.window.bands()]
            allowed = self.candidates.in_bands(bands)
        if u.place is not None:
            at = self._at_place(u.place)
            for other in u.also:  # "dans le 15e ou le 17e"
                at = np.union1d(at, self._at_place(other))
            allowed = at if allowed is None else np.intersect1d(allowed, at, assume_unique=True)
        if u.venue is not None:
            at = self._at_venue(u.venue)
            allowed = at if allowed is None else np.intersect1d(allowed, at, assume_unique=True)
        if u.outside is not None:
            every = np.arange(len(self.index.events)) if allowed is None else allowed
            allowed = np.setdiff1d(every, self._at_place(u.outside), assume_unique=True)
        return allowed

    def _at_venue(self, venue: VenueMatch) -> np.ndarray:
        """Events at one of `venue.names`: those whose passages hold every word of the
        names, checked against each event's venue (reads only those events); cached."""
        cached = self._venue_events.get(venue.names)
        if cached is not None:
            return cached
        if len(self._venue_events) >= PLACE_CACHE_SIZE:
            self._venue_events.clear()
        keys = {venue_key(name) for name in venue.names}
        lexical, owner = self.index.lexical, self.index.passage_event
        events = np.zeros(0, dtype=np.int64)
        for key in keys:
            having: np.ndarray | None = None  # the events whose passages hold every word
            for term in analyze(key):
                found = np.unique(np.asarray(owner[lexical.passages_with(term)], dtype=np.int64))
                having = found if having is None else np.intersect1d(having, found)
            if having is not None:
                events = np.union1d(events, having)
        at = [int(e) for e in events if venue_key(self.index.events[int(e)].venue or "") in keys]
        self._venue_events[venue.names] = np.asarray(at, dtype=np.int64)
        return self._venue_events[venue.names]

    def _at_place(self, place: PlaceMatch) -> np.ndarray:
        """Events at `place`, looked up once per place asked about (places are few)."""
        events = self._place_events.get(place)
        if events is None:
            if len(self._place_events) >= PLACE_CACHE_SIZE:
                self._place_events.clear()
            events = self.candidates.at_place(place)
            self._place_events[place] = events
        return events

    def search(self, u: Understanding, k: int) -> list[Hit]:
        """The k best distinct events, or [] when nothing relevant meets the filters."""
        return self.searched(u, k)[0]

    def searched(self, u: Understanding, k: int) -> tuple[list[Hit], Understanding]:
        """`search`, with the question as searched: without the words that needed not match
        when nothing matched with them (the answer then names what it looked for)."""
        allowed = self.allowed(u)
        now = self._reference_time(u)
        terms = self.informative_terms(u.topic)
        named = self._kinds(u, terms)
        terms += [t for choice in named for t in sorted(choice) if t not in terms]
        if terms:
            vector = self.embedder.embed_query(_dense_query(u))
            dense_events, dense, dense_passage = self._dense(vector, allowed)
            known = self._known(terms, u)
            lexical_events, coverage, lexical_passage = self._coverage(
                known, allowed, [*alternatives(u.topic), *self._acronyms(u.topic), *named]
            )
            events = np.union1d(dense_events, lexical_events)
            dense = _lookup(events, dense_events, dense, -1.0)
            dense_passage = _lookup(events, dense_events, dense_passage, -1)
            coverage = _lookup(events, lexical_events, coverage, 0.0)
            lexical_passage = _lookup(events, lexical_events, lexical_passage, -1)
            dense, dense_passage = self._dense_of_lexical(
                vector, dense, dense_passage, lexical_passage
            )
            if u.venue is not None:
                # "une visite au Musée Unterlinden": the venue's events are what was asked,
                # the topic words only order them
                relevant = np.ones(len(events), dtype=bool)
            else:
                relevant = self._relevant(u, terms, known, allowed, dense, coverage, bool(named))
            if not relevant.any() and u.incidental & set(topic_words(u.topic)):
                # "je bosse à Nantes", "on sort où ?": the asker's verb, not what to search;
                # "le week-end de Pâques": the feast dates the question, nothing need name it.
                # Those the corpus lacks go first, the others only if still nothing matches:
                # "je galère à trouver du taf" still wants a job.
                return self.searched(_without_incidental(u, self._absent(u)), k)
            gate = self.relevance
            score = gate.dense_weight * np.maximum(dense, 0) + (1 - gate.dense_weight) * coverage
            # Relative to the candidates: an event scoring at least TAIL_SHARE of the best
            # relevant one, with at least the gate's weaker meaning match, is as good
            # evidence as what the cut below keeps; it comes after the events the gate let
            # in. (Without that floor, an exhibition whose text says "concert" joined "un
            # concert de jazz ce soir".)
            gated = relevant.copy()
            if relevant.any():
                near = score >= TAIL_SHARE * score[relevant].max()
                relevant |= near & (dense >= gate.min_dense)
            passage = np.where(
                (dense >= gate.strong_dense) | (lexical_passage < 0), dense_passage, lexical_passage
            )
            events, score, passage = events[relevant], score[relevant], passage[relevant]
            gated = gated[relevant]
        elif u.factual:
            return [], u
        else:
            events = self._soonest(now, allowed)
            score = self._soonness(events, now, _window_days(u))
            passage = self.candidates.first_passage(events)
            gated = np.ones(len(events), dtype=bool)
        if u.excluded:
            unwanted = [self._named(part, u.language) for part in u.excluded.split(",")]
            kept = ~np.isin(events, np.concatenate(unwanted))
            events, score, passage = events[kept], score[kept], passage[kept]
            gated = gated[kept]
        if not len(events):
            return [], u
        score = score + self._cue_bonus(u, events)
        if terms:
            score = score - OTHER_KIND_PENALTY * self._other_kind(terms, named, events)
        fit = self._cue_fit(u, events)
        upcoming = self.candidates.feature("event_last_end", events) >= now
        attendable = self.candidates.feature("event_attendable", events)
        # Upcoming before over, then those one can attend (not cancelled, full or online
        # only), then those fitting the cues, then the score.
        ranked = np.lexsort((-score, ~gated, -fit, ~attendable, ~upcoming))
        if terms:
            ranked = ranked[:k]
            if u.venue is None:
                # Fewer, better: a hit far below the best of the answer is padding.
                ranked = ranked[score[ranked] >= TAIL_SHARE * score[ranked].max()]
        else:
            kinds = self.candidates.feature("event_kind", events)
            tier = (upcoming * 2 + attendable) * (fit.max() + 1) + fit
            ranked = self._diversify(ranked, score, tier, kinds, k)
        hits = [
            Hit(
                event=self.index.events[int(events[i])],
                score=round(float(score[i]), 4),
                passage=self.index.passages[int(passage[i])].text,
            )
            for i in ranked[:k]
        ]
        return hits, u

    def _relevant(
        self,
        u: Understanding,
        terms: list[str],
        known: list[str],
        allowed: np.ndarray | None,
        dense: np.ndarray,
        coverage: np.ndarray,
        names_kind: bool,
    ) -> np.ndarray:
        """Events with enough evidence for the topic: close in meaning, or sharing its words,
        or both a little; relative to the candidates when the filters left few of them."""
        gate = self.relevance
        relevant = dense >= gate.strong_dense
        vocabulary = self.index.lexical.vocabulary
        written = topic_words(u.topic) if u.language == "en" else {}
        unknown_names = [
            t
            for t in terms
            if t in u.names
            and t not in vocabulary
            # an English word in a name is the French name translated ("the Swedish
            # Institute" is the Institut suédois), not a name the corpus lacks
            and not (u.language == "en" and english_only(written.get(t, t)))
        ]
        if u.factual or unknown_names:
            # A name the corpus has never seen ("Saint-Eustache") is not covered by the
            # other words of the question: only a close meaning can stand for it.
            return relevant
        if not known:  # an English question whose words the corpus lacks
            return relevant | (dense >= gate.relaxed_dense)
        relevant |= (coverage >= gate.min_coverage) & (dense >= gate.coverage_dense)
        relevant |= (dense >= gate.min_dense) & (coverage >= gate.min_dense_coverage)
        narrowed = allowed is not None and len(allowed) <= NARROW_SHARE * len(self.index.events)
        if narrowed:
            # Among few candidates a moderate meaning match stands out on its own: a word
            # the corpus lacks ("auteur", "cooking") is a paraphrase as often as an absence.
            relevant |= dense >= gate.relaxed_dense
            if names_kind:
                # A kind said in one word matches poorly in meaning: every word there,
                # the kind by one of the words events use for it, is enough ("une rando
                # dans la Somme" is the "Balade sur Trinquies", cosine 0.01)
                relevant |= coverage >= 1.0
        elif u.language == "en":
            relevant |= (dense >= gate.relaxed_dense) & (coverage > 0)
        if all(t in vocabulary for t in terms):
            # Every word exists in the corpus, so nothing says the topic is absent: a
            # paraphrase ("fabriquer une lanterne") may share none of the event's words.
            relevant |= dense >= gate.relaxed_dense
        return relevant

    def _absent(self, u: Understanding) -> frozenset[str]:
        """The incidental words none of the corpus's words stand for, when some others are
        there (else none: all of them go together)."""
        vocabulary = self.index.lexical.vocabulary
        written = topic_words(u.topic)
        present = {t for t in u.incidental if t in written}
        absent = frozenset(
            t
            for t in present
            if not any(
                w in vocabulary
                for w in self.informative_terms(written[t])
                + [w for choice in kind_choices(written[t], u.language) for w in choice]
            )
        )
        return absent if absent != present else frozenset()

    def _named(self, words: str, language: Language) -> np.ndarray:
        """The events whose header passage (title, venue, keywords...) has all these words,
        a kind of outing by any of the words events use for it (`rag.kinds`): what "pas
        une expo" and "exhibitions don't interest me" leave out."""
        index = self.index
        found: np.ndarray | None = None
        for term, word in topic_words(words).items():
            choices = kind_choices(word, language, fields=False)
            said = {self._corpus_word(term, word)}.union(*choices)
            rows = np.unique(
                np.concatenate(
                    [np.zeros(0, dtype=np.int64)]
                    + [np.asarray(index.lexical.passages_with(t), dtype=np.int64) for t in said]
                )
            )
            owners = np.asarray(index.passage_event[rows], dtype=np.int64)
            heads = owners[self.candidates.first_passage(owners) == rows]
            found = heads if found is None else np.intersect1d(found, heads)
        return np.unique(found) if found is not None else np.zeros(0, dtype=np.int64)

    def _kinds(self, u: Understanding, terms: list[str]) -> list[frozenset[str]]:
        """The kinds of outings the topic names ("a hike", "un spectacle") with the words
        of this corpus that events use for them (`rag.kinds`), as choices: searched
        lexically only, the meaning stays the question's own."""
        vocabulary = self.index.lexical.vocabulary
        said = set(terms)
        return [
            frozenset(t for t in choice if t in said or t in vocabulary)
            for choice in kind_choices(u.topic, u.language)
        ]

    def _known(self, terms: list[str], u: Understanding) -> list[str]:
        """The terms coverage counts: all of them in French (a word the corpus lacks weighs
        most: "rugby"); in English, the corpus's own and the words French uses as English
        does ("reggae", "sushi"): an English word the corpus lacks ("hiking") is no absence,
        its French events say it in French."""
        if u.language != "en":
            return terms
        vocabulary = self.index.lexical.vocabulary
        written = topic_words(u.topic)
        return [t for t in terms if t in vocabulary or french_too(written.get(t, t))]

    def uses(self, word: str) -> bool:
        """Whether the corpus's events use this folded word (a name, a title word...)."""
        return any(t in self.index.lexical.vocabulary for t in analyze(word))

    def informative_terms(self, topic: str) -> list[str]:
        """The analyzed words of the topic that tell events apart in this corpus."""
        fixed = {t: self._corpus_word(t, w) for t, w in topic_words(topic).items()}
        # a misspelled word may turn out to be no topic at all ("evenemnts")
        words = [w for t, w in fixed.items() if w == t or not no_topic_term(w)]
        terms = list(dict.fromkeys(part for word in words for part in self._split(word)))
        n_events = len(self.index.events)
        if n_events < COMMON_MIN_EVENTS:
            return terms
        return [t for t in terms if self._event_count(t) <= COMMON_SHARE * n_events]

    def _corpus_word(self, term: str, written: str) -> str:
        """The corpus's own word for an analyzed term of the question: its spelling
        fixed, or the word it is short for."""
        spelled = self._spelled(term)
        if english_only(written):  # a whole English word is short for nothing ("tales")
            return spelled
        return self._abbreviated(spelled, written)

    def _spelled(self, term: str) -> str:
        """A long word the corpus lacks, one letter away from one it has ("expositon") or
        written as it sounds ("classik", "teatre"), is that word; other unknown words stay
        unknown (and weigh most: "curling")."""
        lexical = self.index.lexical
        if len(term) < SOUND_MIN_LENGTH or term in lexical.vocabulary or term.isdigit():
            return term
        by_prefix, by_sound = self._spellings()
        near = []
        if len(term) >= TYPO_MIN_LENGTH:
            near = [k for k in by_prefix.get(term[:2], ()) if _one_edit(term, k)]
        near = near or by_sound.get(sound_key(term), [])
        return max(near, key=self._event_count) if near else term

    def _spellings(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The corpus words by their first two letters (for typos) and by `sound_key`, in
        one pass over the vocabulary at the first unknown word that needs them."""
        if self._by_prefix is None or self._sounds is None:
            by_prefix: dict[str, list[str]] = {}
            sounds: dict[str, list[str]] = {}
            for known in self.index.lexical.vocabulary:
                if len(known) >= TYPO_MIN_LENGTH - 1:
                    by_prefix.setdefault(known[:2], []).append(known)
                if len(known) >= SOUND_MIN_LENGTH - 1:
                    sounds.setdefault(sound_key(known), []).append(known)
            self._by_prefix, self._sounds = by_prefix, sounds
        return self._by_prefix, self._sounds

    def _abbreviated(self, term: str, written: str) -> str:
        """An unknown word that starts a corpus word is short for it ("expo", "rando"),
        one letter short of a doubled one is it ("jaz"); other unknown words stay.

        Corpus words are stems ("randonnée" is "randon"): a word of LONG_ABBREVIATION
        letters or more may be short for a stem only one letter longer. An abbreviation
        is written as it is (`written`, folded; a plural "s" aside): "crêpes", whose stem
        "crep" the stemmer made, is a whole word, not short for "crépuscule"."""
        vocabulary = self.index.lexical.vocabulary
        if len(term) < ABBREVIATION_MIN_LENGTH or term in vocabulary or term.isdigit():
            return term
        doubled = [term[:i] + term[i - 1] + term[i:] for i in range(1, len(term) + 1)]
        known = [d for d in doubled if d in vocabulary]
        as_written = written in (term, f"{term}s")
        if not known and len(term) > ABBREVIATION_MIN_LENGTH and as_written:
            longer = 1 if len(term) >= LONG_ABBREVIATION else ABBREVIATED_BY
            known = [k for k in self._prefixed(term) if len(k) >= len(term) + longer]
        return max(known, key=self._event_count) if known else term

    def _acronyms(self, topic: str) -> list[frozenset[str]]:
        """Words of the topic the corpus also writes as their initials ("intelligence
        artificielle" and "IA"), offered as one choice with them; only where some passage
        holds both, so the corpus itself says that the initials stand for them."""
        lexical = self.index.lexical
        words = list(topic_words(topic).items())  # (term, as written), in order
        found = []
        for n in range(ACRONYM_MAX_WORDS, 1, -1):
            for run in (words[i : i + n] for i in range(len(words) - n + 1)):
                initials = "".join(written[0] for _, written in run)
                if initials not in lexical.vocabulary:
                    continue
                both = lexical.passages_with(initials)
                for term, _ in run:
                    both = np.intersect1d(both, lexical.passages_with(term))
                if len(both):
                    found.append(frozenset([*(term for term, _ in run), initials]))
        return found

    def _split(self, term: str) -> list[str]:
        """An unknown word that is two corpus words written together ("standup" for
        "stand-up", "soundpainting"), when some passage holds both; else the word."""
        lexical = self.index.lexical
        if term in lexical.vocabulary or len(term) < 2 * COMPOUND_MIN_PART:
            return [term]
        best: tuple[int, list[str]] = (0, [term])
        for cut in range(COMPOUND_MIN_PART, len(term) - COMPOUND_MIN_PART + 1):
            head, tail = term[:cut], term[cut:]
            if head in lexical.vocabulary and tail in lexical.vocabulary:
                both = np.intersect1d(lexical.passages_with(head), lexical.passages_with(tail))
                if len(both) > best[0]:
                    best = (len(both), [head, tail])
        return best[1]

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
        self, ranked: np.ndarray, score: np.ndarray, tier: np.ndarray, kinds: np.ndarray, k: int
    ) -> np.ndarray:
        """'Que faire ce week-end ?' wants a concert, a show, a workshop: not five exhibitions.

        Greedy: each pick lowers the score of the remaining events of the same kind, within
        a tier (upcoming, then fitting the cues) that diversity never overrides.
        """
        pool = [int(pos) for pos in ranked[: k * DIVERSITY_POOL]]
        chosen: list[int] = []
        seen: dict[int, int] = {}
        while pool and len(chosen) < k:
            best = max(
                pool,
                key=lambda p: (tier[p], score[p] - DIVERSITY_PENALTY * seen.get(int(kinds[p]), 0)),
            )
            pool.remove(best)
            chosen.append(best)
            kind = int(kinds[best])
            seen[kind] = seen.get(kind, 0) + 1
        return np.asarray(chosen + [int(p) for p in ranked[len(chosen) :] if p not in chosen])

    def _reference_time(self, u: Understanding) -> float:
        """Start of the window, else the start of the reference day."""
        if u.window is not None:
            return u.window.start.timestamp()
        return datetime.combine(u.as_of, time.min, tzinfo=self.tz).timestamp()

    def _dense(
        self, query: np.ndarray, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Events with a passage close to the topic's vector, their best cosine and that
        passage."""
        index = self.index
        if allowed is None:
            rows, sims = index.dense_search(query, min(DENSE_CANDIDATES, len(index.passages)))
        elif self.candidates.passage_count(allowed) <= EXACT_MAX_PASSAGES:
            rows = self.candidates.passages_of(allowed)
            sims = index.dense_scores(query, rows)
        else:
            rows = self.candidates.passages_of(allowed)
            rows, sims = index.dense_search(query, DENSE_CANDIDATES, allowed=rows)
        sims = self._levelled(sims, rows)
        return _best_per_event(np.asarray(index.passage_event[rows], dtype=np.int64), rows, sims)

    def _levelled(self, sims: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosines of passages with summary passages levelled (they score higher by nature)."""
        summary = self.candidates.passage_feature("passage_summary", rows)
        return sims - self.relevance.summary_offset * summary

    def _dense_of_lexical(
        self,
        query: np.ndarray,
        dense: np.ndarray,
        dense_passage: np.ndarray,
        lexical_passage: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """`dense` and `dense_passage` with, for the events the dense search did not reach
        (-1 there), the cosine of their best lexical passage and that passage: sharing
        words is no match without some meaning."""
        missing = (dense < -0.5) & (lexical_passage >= 0)
        if not missing.any():
            return dense, dense_passage
        rows = lexical_passage[missing]
        dense, dense_passage = dense.copy(), dense_passage.copy()
        dense[missing] = self._levelled(self.index.dense_scores(query, rows), rows)
        dense_passage[missing] = rows
        return dense, dense_passage

    def _coverage(
        self,
        terms: list[str],
        allowed: np.ndarray | None,
        choices: Sequence[frozenset[str]] = (),
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Events with any of the topic's words, the IDF-weighted share of them they hold,
        and their passage with the best BM25 score (so the snippet shows where they matched).
        Words offered as a choice ("peinture ou photo") fill one share, the heaviest of
        theirs, when any of them is there.

        Reads the postings of the topic's words only.
        """
        lexical = self.index.lexical
        # A word no passage has weighs most: asking for "rugby" in a corpus without it
        # must not look covered by the other words of the question.
        unknown = float(np.log(1 + (lexical.size + 0.5) / 0.5))
        weights = {t: lexical.idf(t) or unknown for t in terms}
        slots: list[tuple[float, list[str]]] = []  # one share per word or choice of words
        chosen: set[str] = set()
        for choice in _joined(choices):
            members = [t for t in terms if t in choice]
            if len(members) > 1:  # an acronym joins the words it stands for
                weight = max(weights[t] for t in members)
                slots.append((weight, members + sorted(choice - set(terms))))
                chosen.update(members)
        slots += [(weights[t], [t]) for t in terms if t not in chosen]
        total = sum(weight for weight, _ in slots)
        owner = self.index.passage_event
        term_events, term_weights, posting_rows, posting_scores = [], [], [], []
        for weight, members in slots:
            slot_events = []
            for term in members:
                rows, scores = lexical.postings_of(term)
                slot_events.append(np.asarray(owner[rows], dtype=np.int64))
                posting_rows.append(np.asarray(rows, dtype=np.int64))
                posting_scores.append(scores)
            events = np.unique(np.concatenate(slot_events))
            term_events.append(events)
            term_weights.append(np.full(len(events), weight / total, dtype=np.float32))
        empty = np.zeros(0, dtype=np.int64)
        events, inverse = np.unique(np.concatenate([empty, *term_events]), return_inverse=True)
        coverage = np.zeros(len(events), dtype=np.float32)
        np.add.at(coverage, inverse, np.concatenate([np.zeros(0, np.float32), *term_weights]))
        if len(posting_rows) == 1:  # one word: its postings are distinct and sorted
            rows, bm25 = posting_rows[0], np.asarray(posting_scores[0], dtype=np.float64)
        else:
            rows, inverse = np.unique(np.concatenate([empty, *posting_rows]), return_inverse=True)
            scores = np.concatenate([np.zeros(0, np.float32), *posting_scores])
            bm25 = np.asarray(
                np.bincount(inverse, weights=scores, minlength=len(rows)), dtype=np.float64
            )  # float64 already with weights: no copy
        owners = np.asarray(owner[rows], dtype=np.int64)
        best_events, best_rows = _best_in_sorted(owners, rows, bm25)
        best = _lookup(events, best_events, best_rows, -1)
        if allowed is not None:
            keep = _member(events, allowed)
            events, coverage, best = events[keep], coverage[keep], best[keep]
        return events, coverage, best

    def _soonest(self, now: float, allowed: np.ndarray | None) -> np.ndarray:
        """With no topic, the allowed events to rank: all of them when they are few, else
        the UNFILTERED_POOL next ones (the soonest score highest, so the others could not
        be among the first): by their own next dates when a filter allowed them, else
        those on within a horizon from `now` doubled from a week until there are enough."""
        if allowed is not None and len(allowed) <= UNFILTERED_POOL:
            return allowed
        if allowed is not None:
            # "à Paris" at a million events: the place's own next dates, never windows of
            # the whole corpus (their cost grows with it)
            start = self.candidates.next_start(allowed, now)
            return np.sort(allowed[np.argpartition(start, UNFILTERED_POOL)[:UNFILTERED_POOL]])
        horizon = _WEEK
        last = float(self.candidates.last_end_max)
        while True:
            events = self.candidates.in_window(now, now + horizon)
            if len(events) >= UNFILTERED_POOL or now + horizon > last:
                break
            horizon *= 2
        if len(events) < UNFILTERED_POOL:  # few events still to come: rank them all
            return np.arange(self.candidates.size)
        return events

    def _soonness(self, events: np.ndarray, now: float, window_days: float) -> np.ndarray:
        """With no topic, the next events come first (a score in [0, 0.5]), and what is on
        for the moment asked before what runs longer than it (a year-long contest is "on"
        any Saturday night, but is not what "samedi soir, on sort où ?" wants; nor is a
        day-long opening what "le soir de la Saint-Valentin" wants)."""
        start, lasting = self.candidates.next_on(events, now)
        days = (start - now) / 86400
        soon = np.where(np.isfinite(days), 0.5 / (1.0 + days / 7), 0.0)
        lasting_days = np.where(np.isfinite(lasting), lasting / 86400, 0.0)
        scale = min(LONG_RUN_DAYS, window_days)
        return soon * (1 - LONG_RUN_SHARE + LONG_RUN_SHARE / (1.0 + lasting_days / scale))

    def _other_kind(
        self, terms: list[str], named: list[frozenset[str]], events: np.ndarray
    ) -> np.ndarray:
        """1 for the events whose title opens on another kind of outing than the one
        asked: "une pièce de théâtre" is no "Visite guidée du Théâtre…", "un spectacle"
        no "Exposition…" (`rag.kinds.kind_words`); 0 for the others, or when no kind
        is asked."""
        asked = {t for t in terms if t in kind_words()}.union(*named)
        if not asked:
            return np.zeros(len(events), dtype=np.float32)
        heads = self._title_kinds(events)
        other = np.isin(heads, [i for i, kind in enumerate(_KINDS) if kind not in asked])
        return other.astype(np.float32)

    def _title_kinds(self, events: np.ndarray) -> np.ndarray:
        """The kind of outing each event's title opens on (its position in `_KINDS`, -1 if
        none), read at the first question that needs it (two bytes per event)."""
        if self._heads is None:
            self._heads = np.full(len(self.index.events), UNREAD, dtype=np.int16)
        unread = events[self._heads[events] == UNREAD]
        for position in unread.tolist():
            title = (self.index.events[position].title or "").split(maxsplit=1)
            words = topic_terms(title[0]) if title else []
            self._heads[position] = _KIND_IDS.get(words[0], -1) if words else -1
        return self._heads[events]

    def _cue_bonus(self, u: Understanding, events: np.ndarray) -> np.ndarray:
        bonus = np.zeros(len(events), dtype=np.float64)
        if any(a in ("enfants", "famille") for a in u.audience):
            bonus += AUDIENCE_BONUS * self.candidates.feature("event_young", events)
        if _asked_ages(u) is not None:
            bonus += AGE_BONUS * self._age_fit(u, events)
        return bonus

    def _cue_fit(self, u: Understanding, events: np.ndarray) -> np.ndarray:
        """How many of the asked cues (free, accessibility, ages) each event meets."""
        fit = np.zeros(len(events), dtype=np.float64)
        if u.free:
            fit += self.candidates.feature("event_free", events)
        if u.access:
            asked = access_bits(frozenset(u.access))
            access = self.candidates.feature("event_access", events).astype(np.int64)
            fit += (access & asked) > 0
            # an event whose own text states it before one whose venue declares it for all
            fit += STATED_ACCESS_FIT * ((access >> STATED_SHIFT & asked) > 0)
        if _asked_ages(u) is not None:
            fit += self._age_fit(u, events)  # made for them > includes them > not said
        if u.max_price is not None:  # no price stated (NaN) is not known to be within it
            fit += self.candidates.feature("event_price", events) <= u.max_price
        return fit

    def _age_fit(self, u: Understanding, events: np.ndarray) -> np.ndarray:
        """`rag.cues.age_fits` for the given events."""
        ages = _asked_ages(u)
        if ages is None:
            return np.zeros(len(events))
        low = self.candidates.feature("event_age_min", events).astype(np.float64)
        high = self.candidates.feature("event_age_max", events).astype(np.float64)
        return age_fits(low, high, ages)


def _asked_ages(u: Understanding) -> AgeRange | None:
    """The ages said, or those of adults when only adults are asked for ("une soirée
    réservée aux adultes"): an 18+ event fits, a children's one does not."""
    if u.ages is None and u.audience == ["adultes"]:
        return ADULTS
    return u.ages


def _window_days(u: Understanding) -> float:
    """How long the moment asked lasts, in days (no window: open-ended)."""
    if u.window is None:
        return float("inf")
    return (u.window.end - u.window.start).total_seconds() / 86400


def _joined(choices: Sequence[frozenset[str]]) -> list[frozenset[str]]:
    """Choices that share a word are one choice: "un spectacle ou un concert" is a concert
    or any of the kinds a spectacle names (`rag.kinds`), not two shares of the topic."""
    groups: list[frozenset[str]] = []
    for choice in choices:
        overlapping = [g for g in groups if g & choice]
        groups = [g for g in groups if not g & choice] + [choice.union(*overlapping)]
    return groups


def _without_incidental(u: Understanding, only: frozenset[str] = frozenset()) -> Understanding:
    """The question with the asker's own verbs (`Understanding.incidental`), or `only` some
    of them, out of its topic."""
    dropped = only or u.incidental
    words = [w for w in u.topic.split() if not set(topic_terms(w)) & dropped]
    return replace(u, topic=" ".join(words), incidental=u.incidental - dropped)


def _dense_query(u: Understanding) -> str:
    """The topic, with the audience back in: "for children" is part of what is meant."""
    return " ".join([u.topic.strip(), *(AUDIENCE_PHRASES["fr"].get(a, a) for a in u.audience)])


_SOUNDS = (("ph", "f"), ("th", "t"), ("qu", "k"), ("ck", "k"), ("cq", "k"), ("y", "i"))
_SOFT_C = re.compile(r"c(?=[eiy])")


def sound_key(word: str) -> str:
    """How a (folded, stemmed) French word is said, roughly: the spellings of one sound
    made one, doubled letters single ("classique", "classik" and "klassik" meet)."""
    for spelling, sound in _SOUNDS:
        word = word.replace(spelling, sound)
    word = _SOFT_C.sub("s", word).replace("c", "k")
    return re.sub(r"(.)\1+", r"\1", word)


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


def _best_per_event(
    owners: np.ndarray, rows: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event (sorted), the max score over the given passages and the passage holding it."""
    order = np.argsort(scores, kind="stable")[::-1]  # on a tie, the later passage
    events, first = np.unique(owners[order], return_index=True)
    return events, scores[order][first], rows[order][first]


def _best_in_sorted(
    owners: np.ndarray, rows: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`_best_per_event` when `owners` is sorted (rows in passage order): the events and
    the row holding each one's max score, the later row on a tie, without a sort."""
    if not len(owners):
        return owners, rows
    starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
    best = np.maximum.reduceat(scores, starts)
    at_best = scores == np.repeat(best, np.diff(np.append(starts, len(scores))))
    index = np.maximum.reduceat(np.where(at_best, np.arange(len(scores)), -1), starts)
    return owners[starts], rows[index]


def _lookup(keys: np.ndarray, known: np.ndarray, values: np.ndarray, default: float) -> np.ndarray:
    """`values` of the sorted `known` keys for each of `keys`, `default` where unknown."""
    out = np.full(len(keys), default, dtype=values.dtype)
    at, found = _find(keys, known)
    out[found] = values[at[found]]
    return out


def _member(keys: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Which of `keys` are in the sorted `allowed`."""
    return _find(keys, allowed)[1]


def _find(keys: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `keys` would sit in the sorted `known`, and whether it is there."""
    if not len(known):
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    return at, known[at] == keys
