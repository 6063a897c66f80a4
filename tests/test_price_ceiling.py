"""A price ceiling ("moins de 10 €", "under €10") ranks the events within it first, in French
and English and in a follow-up; real model and FAISS on a small hand-written corpus."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from rag.engine import Assistant
from rag.features import event_features
from rag.models import Event
from rag.schemas import AskRequest, AskResponse, HistoryMessage
from tests.factories import indexed_assistant, make_event

TODAY = date(2026, 11, 26)  # a Thursday
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
# a jazz concert on each day at each price: stated above the ceiling, within it, pay what
# you want, and no price stated
PRICES = {"dear": "Plein tarif 25 €, réduit 18 €", "cheap": "Tarif unique : 5 €"}
PRICES |= {"hat": "Participation au chapeau", "unsaid": ""}


def _concert(uid: str, day: date, conditions: str) -> Event:
    return make_event(
        uid,
        title=f"Concert de jazz ({uid})",
        description="Un quartet de jazz joue ses compositions, concert debout.",
        days=[day],
        hour=20,
        venue="Le Caveau",
        conditions=conditions,
        keywords=["jazz", "concert"],
    )


CORPUS = [
    _concert(f"{name}-{day:%a}", day, conditions)
    for day in (SATURDAY, SUNDAY)
    for name, conditions in PRICES.items()
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return indexed_assistant(tmp_path_factory.mktemp("price"), CORPUS)


def _ask(assistant: Assistant, question: str, *history: str) -> AskResponse:
    messages = [HistoryMessage(role="user", content=text) for text in history]
    return assistant.ask(AskRequest(question=question, as_of=TODAY, history=messages))


def _first_two(response: AskResponse) -> set[str]:
    return {source.uid.split("-")[0] for source in response.sources[:2]}


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Un concert de jazz à moins de 10 € samedi à Paris ?", "moins de 10 €"),
        ("Du jazz samedi, pas plus de 10 euros", "moins de 10 €"),
        ("A jazz concert under €10 on Saturday in Paris?", "under €10"),
    ],
)
def test_the_events_within_the_ceiling_come_first(
    assistant: Assistant, question: str, said: str
) -> None:
    response = _ask(assistant, question)
    assert _first_two(response) == {"cheap", "hat"}
    assert response.understood.max_price == 10
    assert all(s.uid.endswith("Sat") for s in response.sources)
    assert said in response.answer  # what was understood is said back


def test_a_follow_up_keeps_the_ceiling(assistant: Assistant) -> None:
    first = "Un concert de jazz à moins de 10 € samedi à Paris ?"
    response = _ask(assistant, "Et dimanche ?", first)
    assert response.understood.max_price == 10
    assert _first_two(response) == {"cheap", "hat"}
    assert all(s.uid.endswith("Sun") for s in response.sources)


def test_without_a_ceiling_no_price_is_preferred(assistant: Assistant) -> None:
    response = _ask(assistant, "Un concert de jazz samedi à Paris ?")
    assert response.understood.max_price is None
    assert len(response.sources) == len(PRICES)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Un concert de jazz à prix libre samedi ?", "à prix libre"),
        ("Any pay-what-you-want jazz on Saturday?", "pay what you want"),
    ],
)
def test_pay_what_you_want_asked_comes_first(
    assistant: Assistant, question: str, said: str
) -> None:
    response = _ask(assistant, question)
    assert response.sources[0].uid == "hat-Sat"
    assert response.understood.max_price == 0
    assert said in response.answer


def test_a_price_stated_in_the_title_counts_when_the_conditions_say_none() -> None:
    events = [
        Event(uid="a", title="Échecs & Jam ! Entrée à prix libre"),
        Event(uid="b", title="Concert de jazz", conditions="Tarif unique : 8 €"),
        Event(uid="c", title="Concert de jazz"),
    ]
    prices = event_features(events, {})["event_price"]
    assert prices[0] == 0 and prices[1] == 8 and np.isnan(prices[2])
