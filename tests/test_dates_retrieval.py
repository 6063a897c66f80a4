"""Date windows end to end: past windows, daily bands and English, through the assistant."""

from __future__ import annotations

from datetime import datetime

import pytest

from rag.config import Settings
from rag.embeddings import create_embedder
from rag.engine import Assistant
from rag.generation import create_generator
from rag.index import build_index, load_index
from rag.schemas import AskRequest, AskResponse
from tests.test_retrieval import CORPUS, PARIS, TODAY


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(
        RAG_DATA_DIR=tmp_path_factory.mktemp("dates-data"), LLM_PROVIDER="extractive"
    )
    embedder = create_embedder(settings)
    build_index(settings, CORPUS, embedder)
    return Assistant(settings, embedder, create_generator(settings), load_index(settings, embedder))


def ask(assistant: Assistant, question: str) -> AskResponse:
    return assistant.ask(AskRequest(question=question, as_of=TODAY))


@pytest.mark.parametrize(
    ("question", "over"),
    [
        ("Un festival de jazz l'année dernière ?", "terminé"),
        ("A jazz festival last year?", "already over"),
    ],
)
def test_a_past_window_finds_past_events_and_says_they_are_over(
    assistant: Assistant, question: str, over: str
) -> None:
    response = ask(assistant, question)
    assert [s.uid for s in response.sources] == ["jazz-past"]
    assert response.understood.past and response.understood.date_to == datetime(
        2026, 1, 1, tzinfo=PARIS
    )
    assert over in response.answer


@pytest.mark.parametrize(
    "question", ["Que faire ce week-end en soirée ?", "What to do this weekend in the evening?"]
)
def test_a_part_of_the_day_filters_the_showings(assistant: Assistant, question: str) -> None:
    uids = {s.uid for s in ask(assistant, question).sources}
    assert "jazz-sat" in uids  # Saturday 20 h
    assert not uids & {"puppets", "yoga"}  # Sunday 15 h, Sunday 10 h


def test_an_english_question_gets_an_english_answer(assistant: Assistant) -> None:
    response = ask(assistant, "Any jazz concerts this weekend?")
    assert response.understood.language == "en" and not response.no_answer
    assert {s.uid for s in response.sources} >= {"jazz-sat"}
    assert response.understood.dates == (
        "this weekend (from Saturday 28 to Sunday 29 November 2026)"
    )
    assert "Check times and conditions with the organiser." in response.answer
    assert "on Saturday 28 November 2026 at 8 pm" in response.answer


def test_understood_states_the_school_holiday_zones(assistant: Assistant) -> None:
    response = ask(assistant, "Que faire pendant les vacances de février ?")
    dates = response.understood.dates or ""
    assert "zone C" in dates and "zone A" in dates and "précisez votre ville" in dates
    assert not response.understood.past
