"""What an index holds, in a few figures: generated demo events or ingested ones, and from
which agendas, so that the UI can say it ("corpus de démonstration" vs real sources)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rag.demo import UID_PREFIX
from rag.models import Event

TOP_AGENDAS = 5


@dataclass(frozen=True, slots=True)
class CorpusSummary:
    events: int
    demo_events: int  # events of the generated demo corpus (`rag demo`)
    agendas: int  # distinct agendas among the other events
    top_agendas: tuple[tuple[str, int], ...]  # the largest of them: (title, events)

    @classmethod
    def of(cls, events: Iterable[Event]) -> CorpusSummary:
        count = CorpusCount()
        count.add(events)
        return count.summary()


class CorpusCount:
    """A `CorpusSummary` counted from events given in chunks."""

    def __init__(self) -> None:
        self._total = self._demo = 0
        self._agendas: Counter[str] = Counter()

    def add(self, events: Iterable[Event]) -> None:
        for event in events:
            self._total += 1
            if event.uid.startswith(UID_PREFIX):
                self._demo += 1
            elif event.agenda_title:
                self._agendas[event.agenda_title] += 1

    def summary(self) -> CorpusSummary:
        agendas = self._agendas
        return CorpusSummary(
            self._total, self._demo, len(agendas), tuple(agendas.most_common(TOP_AGENDAS))
        )
