"""Events → passages: a complete header, and long texts cut into standalone pieces."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rag.models import Event, Occurrence
from rag.normalize import from_ods_record
from rag.passages import CHUNK_MAX, event_passages, split_text
from rag.sources.files import read_records
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
END = datetime(2026, 11, 28, 16, tzinfo=PARIS)
SENTENCES = [
    f"Phrase numéro {i} qui décrit une partie du programme de la journée." for i in range(40)
]


def make_event(**values: object) -> Event:
    defaults: dict[str, object] = {
        "occurrences": [Occurrence(datetime(2026, 11, 28, 15, tzinfo=PARIS), END)],
        "country": None,
        "url": None,
        "keywords": ["conte", "jeunesse"],
        "age_min": 4,
        "age_max": 8,
        "conditions": "Gratuit, sans réservation",
    }
    return factories.make_event(**(defaults | values))


def test_header_holds_every_fact_in_french() -> None:
    header, summary = event_passages(make_event())
    assert summary.kind == "summary"
    assert summary.text == "Contes au jardin. Des histoires lues en plein air. conte, jeunesse"
    assert header.event_uid == "e1" and header.kind == "header"
    for fact in (
        "Contes au jardin",
        "le samedi 28 novembre 2026 à 15 h",
        "Jardin des Plantes, 57 rue Cuvier 75005 Paris",
        "conte, jeunesse",
        "de 4 à 8 ans",
        "Gratuit, sans réservation",
        "Des histoires lues en plein air.",
    ):
        assert fact in header.text


def test_short_long_description_stays_in_the_header() -> None:
    passages = event_passages(make_event(long_description="Apportez un coussin."))
    assert [p.kind for p in passages] == ["header", "summary"]
    assert "Apportez un coussin." in passages[0].text


def test_long_description_is_cut_into_titled_overlapping_pieces() -> None:
    text = " ".join(SENTENCES[:12]) + "\n" + " ".join(SENTENCES[12:30])
    passages = event_passages(make_event(long_description=text))
    pieces = [p for p in passages if p.kind == "description"]
    assert len(pieces) >= 3
    assert all(p.event_uid == "e1" and p.text.startswith("Contes au jardin. ") for p in pieces)
    bodies = split_text(text)
    assert all(len(b) <= CHUNK_MAX for b in bodies) and all(len(b) >= 200 for b in bodies[:-1])
    assert all(s in " ".join(bodies) for s in SENTENCES[:30])  # nothing lost
    assert bodies[1].split(". ")[0] in bodies[0]  # the last sentence is repeated


def test_a_sentence_longer_than_a_piece_is_cut_at_words() -> None:
    bodies = split_text("mot " * 600)
    assert len(bodies) >= 3 and all(len(b) <= CHUNK_MAX for b in bodies)


def test_every_event_gives_passages(corpus_files: list[Path]) -> None:
    events = [from_ods_record(r) for path in corpus_files for r in read_records(path)]
    passages = [p for e in events for p in event_passages(e)]
    assert {p.event_uid for p in passages} == {e.uid for e in events}
    assert 2 * len(events) < len(passages) < 4 * len(events)
    assert max(len(p.text) for p in passages if p.kind == "description") < CHUNK_MAX + 200
