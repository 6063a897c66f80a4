"""How an embedder's cosines read as relevance: each embedder carries its own profile
(`Embedder.relevance`), since cosine scales differ between models."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Relevance:
    """When an event is relevant enough to be shown at all, and how signals are mixed.

    Tuned per embedder on the dev split of eval/ (docs/retrieval.md has the figures and how
    to re-tune); `rag.retrieval` applies it.
    """

    strong_dense: float  # this close in meaning is enough on its own
    min_dense: float  # a weaker meaning match needs words in common too...
    min_dense_coverage: float  # ...this share of the question's words (IDF-weighted)
    min_coverage: float  # or, this share of the words with any meaning match...
    coverage_dense: float  # ...a cosine at least this high ("cours" and "crochet" of a play)
    dense_weight: float  # ranking: dense * w + coverage * (1 - w)
    summary_offset: float  # short summary passages score higher by nature: level them
    # When the evidence is relative to few candidates: the place or dates left at most
    # NARROW_SHARE of the corpus, or an English question meets a French corpus (its words
    # are unknown there, not absent).
    relaxed_dense: float


USE_RELEVANCE = Relevance(0.35, 0.20, 0.40, 0.60, 0.05, 0.65, 0.03, 0.25)
"""Grid-searched on the dev split of eval/ with multilingual USE (docs/retrieval.md); the
profile of the embedders not tuned yet, which say so."""
