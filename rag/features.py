"""What ranking needs to know about every event, worked out once at build time.

Folding the title, keywords and description of every event, reading its price and
accessibility at each API start took seconds at 10k events and minutes at 1M; the index
stores these figures as arrays (rag/candidates.py) and retrieval reads them only for the
events a question considers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.cues import (
    ACCESS_CODES,
    age_bounds,
    event_access,
    is_attendable,
    is_free_for_all,
    lowest_price,
    stated_access,
)
from rag.models import Event
from rag.text import fold

YOUNG_AGE = 12
CHILD_MAX_AGE = 14

_YOUNG_WORDS = ("enfant", "famille", "jeune public", "petits", "bambin", "kids", "ados")


def youngness(event: Event) -> float:
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


STATED_SHIFT = 8  # `event_access`: the codes an event has, and above these the ones it states


def access_bits(codes: frozenset[str]) -> int:
    """Accessibility codes (`rag.cues.ACCESS_CODES`) as one bit each."""
    return sum(1 << i for i, code in enumerate(ACCESS_CODES) if code in codes)


def event_access_bits(event: Event) -> int:
    """`access_bits` of the codes an event has (declared or stated), and shifted by
    STATED_SHIFT those its text states (`rag.cues.stated_access`)."""
    return access_bits(event_access(event)) | access_bits(stated_access(event)) << STATED_SHIFT


def kind(event: Event) -> str:
    """What sort of event it is, for diversity (its first keyword, folded)."""
    return fold(event.keywords[0]) if event.keywords else ""


def event_features(events: Sequence[Event], kinds: dict[str, int]) -> dict[str, np.ndarray]:
    """Per-event arrays; `event_kind` holds ids in `kinds` (kind name → id), which gains
    the kinds it did not have, so that chunks of a corpus share one numbering."""
    n = len(events)
    age_min, age_max = age_bounds(events)
    arrays = {
        "event_young": np.fromiter(map(youngness, events), dtype=np.float32, count=n),
        "event_free": np.fromiter(map(is_free_for_all, events), dtype=bool, count=n),
        "event_price": np.fromiter(map(_price, events), dtype=np.float32, count=n),
        "event_attendable": np.fromiter(map(is_attendable, events), dtype=bool, count=n),
        "event_access": np.fromiter(map(event_access_bits, events), dtype=np.uint16, count=n),
        "event_age_min": age_min.astype(np.float32),
        "event_age_max": age_max.astype(np.float32),
        "event_kind": np.fromiter(
            (kinds.setdefault(kind(e), len(kinds)) for e in events), dtype=np.int32, count=n
        ),
    }
    return arrays


def _price(event: Event) -> float:
    """`rag.cues.lowest_price` of the event's conditions, or else of its title ("Échecs &
    Jam ! Entrée à prix libre"); NaN when neither states one."""
    price = lowest_price(event.conditions)
    if price is None:
        price = lowest_price(event.title)
    return np.nan if price is None else price


def _has_any(folded: str, words: tuple[str, ...]) -> bool:
    """Folds once per text, not once per word: this runs for every event at build."""
    return any(word in folded for word in words)
