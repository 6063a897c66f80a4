"""Hybrid retrieval and the assistant on a small hand-written corpus, real model and FAISS."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rag.config import Settings
from rag.embeddings import create_embedder
from rag.engine import Assistant, NotReady
from rag.generation import create_generator
from rag.index import build_index, load_index
from rag.models import Event, Occurrence
from rag.schemas import AskRequest, HistoryMessage

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 11, 26)  # a Thursday: "ce week-end" is 28-29 November


def _at(day: date, hour: int, hours: int = 2) -> Occurrence:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
    return Occurrence(start, start + timedelta(hours=hours))


def _event(uid: str, title: str, description: str, city: str, *days: date, **extra) -> Event:
    region = {"Paris": "Île-de-France", "Lyon": "Auvergne-Rhône-Alpes"}.get(city, "Bretagne")
    return Event(
        uid=uid,
        title=title,
        description=description,
        long_description=extra.pop("long_description", ""),
        occurrences=[_at(d, extra.pop("hour", 20)) for d in days],
        venue=extra.pop("venue", "Salle des fêtes"),
        city=city,
        region=region,
        country="France",
        url=f"https://example.org/{uid}",
        **extra,
    )


SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
NEXT_MONTH = date(2026, 12, 19)
LAST_YEAR = date(2025, 11, 29)

CORPUS = [
    _event(
        "jazz-sat",
        "Soirée jazz au Caveau",
        "Un quartet de jazz manouche pour une soirée swing.",
        "Paris",
        SATURDAY,
        keywords=["jazz", "concert"],
        conditions="12 €",
    ),
    _event(
        "jazz-dec",
        "Big band de jazz",
        "Le grand orchestre de jazz de la ville joue Duke Ellington.",
        "Paris",
        NEXT_MONTH,
        keywords=["jazz", "concert"],
    ),
    _event(
        "jazz-past",
        "Festival de jazz 2025",
        "Trois jours de concerts de jazz, édition passée.",
        "Paris",
        LAST_YEAR,
        keywords=["jazz", "festival"],
    ),
    _event(
        "jazz-lyon",
        "Jazz sur les quais",
        "Concert de jazz en plein air au bord du Rhône.",
        "Lyon",
        SATURDAY,
        keywords=["jazz"],
    ),
    _event(
        "puppets",
        "Guignol et ses amis",
        "Un spectacle de marionnettes pour les petits, dès 3 ans.",
        "Lyon",
        SUNDAY,
        hour=15,
        age_min=3,
        age_max=10,
        conditions="Gratuit",
    ),
    _event(
        "expo",
        "Impressionnistes en Normandie",
        "Exposition de peintures de Monet et Boudin.",
        "Paris",
        *[TODAY + timedelta(days=d) for d in range(0, 40, 3)],
        hour=10,
        keywords=["exposition", "peinture"],
        long_description=(
            "Une grande exposition consacrée aux paysages de la côte normande. " * 20
            + "\n\nLes toiles de Claude Monet dialoguent avec celles d'Eugène Boudin. " * 15
        ),
    ),
    _event(
        "yoga",
        "Yoga au jardin",
        "Séance de yoga en plein air, enchaînements de postures et respiration.",
        "Rennes",
        SUNDAY,
        hour=10,
        keywords=["yoga", "bien-être"],
    ),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("retrieval-data")
    return Settings(RAG_DATA_DIR=data, LLM_PROVIDER="extractive")


@pytest.fixture(scope="module")
def assistant(settings: Settings) -> Assistant:
    embedder = create_embedder(settings)
    build_index(settings, CORPUS, embedder)
    return Assistant(settings, embedder, create_generator(settings), load_index(settings, embedder))


def _ask(assistant: Assistant, question: str, **fields) -> list[str]:
    response = assistant.ask(AskRequest(question=question, as_of=TODAY, **fields))
    return [source.uid for source in response.sources]


def test_date_window_excludes_events_outside_it(assistant: Assistant) -> None:
    uids = _ask(assistant, "Un concert de jazz ce week-end ?")
    assert set(uids) == {"jazz-sat", "jazz-lyon"}


def test_place_excludes_events_elsewhere(assistant: Assistant) -> None:
    assert _ask(assistant, "Un concert de jazz ce week-end à Lyon ?") == ["jazz-lyon"]
    assert "jazz-lyon" not in _ask(assistant, "Du jazz à Paris")


def test_upcoming_events_rank_above_past_ones(assistant: Assistant) -> None:
    uids = _ask(assistant, "Des concerts de jazz à Paris")
    assert uids.index("jazz-past") == len(uids) - 1
    assert set(uids[:2]) == {"jazz-sat", "jazz-dec"}


def test_results_are_distinct_events(assistant: Assistant) -> None:
    uids = _ask(assistant, "exposition Monet Boudin paysages normands", k=10)
    assert uids.count("expo") == 1


def test_paraphrase_finds_the_event(assistant: Assistant) -> None:
    assert _ask(assistant, "des tableaux de la côte normande")[0] == "expo"
    assert _ask(assistant, "des postures et de la respiration dehors")[0] == "yoga"


def test_nothing_relevant_is_refused_with_an_explanation(assistant: Assistant) -> None:
    response = assistant.ask(AskRequest(question="Un match de rugby ce week-end ?", as_of=TODAY))
    assert response.no_answer
    assert response.sources == []
    assert "rugby" in response.answer
    assert "week-end" in response.answer


def test_a_place_the_corpus_lacks_is_refused(assistant: Assistant) -> None:
    response = assistant.ask(AskRequest(question="Quels concerts à Marseille ?", as_of=TODAY))
    assert response.no_answer
    assert "Marseille" in response.answer
    assert response.understood.city == "Marseille"


def test_explicit_filters_override_the_question(assistant: Assistant) -> None:
    uids = _ask(assistant, "Du jazz ce week-end à Paris", city="Lyon")
    assert uids == ["jazz-lyon"]
    uids = _ask(assistant, "Du jazz", date_from=date(2026, 12, 1), date_to=date(2026, 12, 31))
    assert uids == ["jazz-dec"]


def test_contract_and_understood(assistant: Assistant) -> None:
    response = assistant.ask(AskRequest(question="Que faire ce week-end à Paris ?", as_of=TODAY))
    assert not response.no_answer
    assert response.understood.city == "Paris"
    assert response.understood.date_from == datetime(2026, 11, 28, tzinfo=PARIS)
    assert response.understood.date_to == datetime(2026, 11, 30, tzinfo=PARIS)
    assert response.provider.generator == "extractive"
    assert response.provider.embedder == "use-multilingual-v3"
    assert not response.provider.fallback
    first = response.sources[0]
    assert first.start is not None and first.start.date() in (TODAY, SATURDAY, SUNDAY)
    assert first.url and first.snippet
    assert "[1]" in response.answer
    assert response.timings_ms.total >= response.timings_ms.retrieve


def test_source_dates_are_the_showing_in_the_window(assistant: Assistant) -> None:
    response = assistant.ask(
        AskRequest(question="une exposition de peinture", as_of=TODAY, date_from=NEXT_MONTH)
    )
    source = next(s for s in response.sources if s.uid == "expo")
    assert source.start is not None and source.start.date() >= NEXT_MONTH


def test_family_cue_prefers_young_audiences(assistant: Assistant) -> None:
    uids = _ask(assistant, "Que faire dimanche à Lyon avec des enfants ?")
    assert uids[0] == "puppets"


def test_follow_up_uses_history(assistant: Assistant) -> None:
    first = "Un concert de jazz samedi à Paris ?"
    history = [HistoryMessage(role="user", content=first)]
    assert _ask(assistant, first) == ["jazz-sat"]
    assert _ask(assistant, "et à Lyon ?", history=history) == ["jazz-lyon"]


def test_stream_gives_sources_then_text_then_the_full_answer(assistant: Assistant) -> None:
    request = AskRequest(question="Du jazz ce week-end ?", as_of=TODAY)
    events = list(assistant.stream(request))
    assert events[0].type == "sources"
    assert {s["uid"] for s in events[0].data["sources"]} == {"jazz-sat", "jazz-lyon"}
    deltas = [e.data["text"] for e in events if e.type == "delta"]
    assert len(deltas) > 1
    assert events[-1].type == "done"
    assert events[-1].data["answer"] == "".join(deltas)
    assert events[-1].data == {
        **assistant.ask(request).model_dump(mode="json"),
        "timings_ms": events[-1].data["timings_ms"],
    }


def test_no_index_is_a_status_not_a_crash(tmp_path: Path) -> None:
    settings = Settings(RAG_DATA_DIR=tmp_path, LLM_PROVIDER="extractive")
    empty = Assistant.from_settings(settings)
    status = empty.status()
    assert not status.ready
    assert "rag demo" in (status.reason or "")
    with pytest.raises(NotReady):
        empty.ask(AskRequest(question="jazz"))


def test_swap_while_answering_keeps_every_request_whole(
    assistant: Assistant, settings: Settings
) -> None:
    """Requests in flight finish on the version they started with; none fails."""
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask_forever() -> Iterator[None]:
        while not stop.is_set():
            try:
                assert _ask(assistant, "Du jazz ce week-end ?")
            except BaseException as exc:
                errors.append(exc)
                return

    workers = [threading.Thread(target=ask_forever) for _ in range(3)]
    for worker in workers:
        worker.start()
    before = assistant.status().version
    build_index(
        settings,
        [*CORPUS, _event("new", "Nouveau concert de jazz", "Jazz.", "Paris", SATURDAY)],
        assistant.embedder,
    )
    assert assistant.reload()
    stop.set()
    for worker in workers:
        worker.join()
    assert not errors
    assert assistant.status().version != before
    assert "new" in _ask(assistant, "Un concert de jazz ce week-end à Paris ?")


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        ("classik", "classiqu"),
        ("teatr", "theatr"),
        ("konsert", "concert"),
        ("fotografi", "photographi"),
    ],
)
def test_words_written_as_they_sound_meet_the_corpus_spelling(heard: str, written: str) -> None:
    from rag.retrieval import sound_key

    assert sound_key(heard) == sound_key(written)
    assert sound_key("concert") != sound_key("conserv")
