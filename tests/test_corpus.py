"""What an index holds: demo events told apart from ingested ones, agendas counted."""

from __future__ import annotations

from datetime import date

from rag.corpus import CorpusSummary
from rag.demo import generate_demo_events
from rag.models import Event


def test_the_demo_corpus_is_all_demo() -> None:
    events = generate_demo_events(date(2026, 12, 1), 40, 7)
    summary = CorpusSummary.of(events)
    assert (summary.events, summary.demo_events, summary.agendas) == (40, 40, 0)
    assert summary.top_agendas == ()


def test_ingested_events_are_counted_by_agenda() -> None:
    events = [
        Event(uid=f"oa-{i}", title="x", agenda_title="Jardins ouverts" if i < 3 else "JASS CLUB")
        for i in range(5)
    ]
    events.append(Event(uid="ods-1", title="sans agenda"))
    events += generate_demo_events(date(2026, 12, 1), 2, 7)
    summary = CorpusSummary.of(events)
    assert (summary.events, summary.demo_events, summary.agendas) == (8, 2, 2)
    assert summary.top_agendas == (("Jardins ouverts", 3), ("JASS CLUB", 2))
