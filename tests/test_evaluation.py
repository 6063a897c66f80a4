"""The dev set is valid against the real data, and the metrics compute what they claim."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from rag.evaluation import CATEGORIES, DevQuestion, evaluate, load_devset
from rag.models import Event, Occurrence
from rag.normalize import from_ods_record
from rag.schemas import AskRequest, AskResponse, ProviderInfo, Source, Timings, Understood
from rag.sources.files import read_records
from rag.text import fold

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "eval" / "devset.jsonl"
PARIS = ZoneInfo("Europe/Paris")
MINIMUMS = {"topical": 15, "named": 10, "city": 10, "date": 12, "audience": 8, "no_answer": 12}


# --- the dev set against the real data ---------------------------------------------------


@pytest.fixture(scope="module")
def devset() -> list[DevQuestion]:
    return load_devset(DEVSET)


@pytest.fixture(scope="module")
def real_events(shared_files: list[Path]) -> dict[str, Event]:
    events = [from_ods_record(record) for path in shared_files for record in read_records(path)]
    return {event.uid: event for event in events}


def _overlaps(event: Event, start: dt.date, end: dt.date) -> bool:
    return any(
        o.start.astimezone(PARIS).date() <= end and o.end.astimezone(PARIS).date() >= start
        for o in event.occurrences
    )


def test_devset_meets_category_minimums(devset: list[DevQuestion]) -> None:
    counts = Counter(question.category for question in devset)
    assert len(devset) >= 70
    for category, minimum in MINIMUMS.items():
        assert counts[category] >= minimum, f"{category}: {counts[category]} < {minimum}"


def test_devset_ids_are_unique_and_named_after_their_category(devset: list[DevQuestion]) -> None:
    ids = [question.id for question in devset]
    assert len(ids) == len(set(ids))
    assert all(q.id.startswith(q.category + "-") for q in devset)


def test_every_expected_uid_is_a_real_event_that_fits_the_question(
    devset: list[DevQuestion], real_events: dict[str, Event]
) -> None:
    for question in devset:
        assert question.category == "no_answer" or question.expected_uids or question.window
        for uid in question.expected_uids:
            event = real_events.get(uid)
            assert event is not None, f"{question.id}: {uid} is not in the shared data"
            assert event.end is not None and event.end.date() >= question.as_of, (
                f"{question.id}: {uid} is over before as_of {question.as_of}"
            )
            if question.window:
                assert _overlaps(event, question.window.start, question.window.end), (
                    f"{question.id}: {uid} has no occurrence in the window"
                )
            if question.city:
                assert fold(event.city or "") == fold(question.city), f"{question.id}: {uid}"


def test_windows_are_valid_and_date_questions_have_matching_events(
    devset: list[DevQuestion], real_events: dict[str, Event]
) -> None:
    for question in devset:
        if question.window is None:
            assert question.category != "date", f"{question.id} needs a window"
            continue
        window = question.window
        assert window.start <= window.end
        assert window.end >= question.as_of, f"{question.id}: window is in the past"
        matching = [
            e
            for e in real_events.values()
            if _overlaps(e, window.start, window.end)
            and (question.city is None or fold(e.city or "") == fold(question.city))
        ]
        if question.category == "date":
            assert matching, f"{question.id}: no event in its window"


def test_no_answer_places_and_empty_windows_are_really_absent(
    devset: list[DevQuestion], real_events: dict[str, Event]
) -> None:
    cities = {fold(e.city or "") for e in real_events.values()}
    assert {"marseille", "lyon"}.isdisjoint(cities)
    assert not any("corse" in fold(e.region or "") for e in real_events.values())
    empty = [q for q in devset if q.id in {"no_answer-10", "no_answer-11", "no_answer-12"}]
    assert len(empty) == 3
    for question in empty:
        assert question.window is not None
        assert not any(
            _overlaps(e, question.window.start, question.window.end) for e in real_events.values()
        ), question.id


def test_load_devset_rejects_duplicates_and_reversed_windows(tmp_path: Path) -> None:
    line = {
        "id": "date-01",
        "question": "Que faire ce week-end ?",
        "category": "date",
        "as_of": "2026-11-26",
        "expected_uids": [],
        "window": {"from": "2026-11-28", "to": "2026-11-29"},
        "city": None,
    }
    path = tmp_path / "devset.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(line) + "\n")
    with pytest.raises(ValueError, match="duplicate id 'date-01'"):
        load_devset(path)
    path.write_text(json.dumps({**line, "window": {"from": "2026-11-29", "to": "2026-11-28"}}))
    with pytest.raises(ValueError, match=r"devset\.jsonl:1: invalid"):
        load_devset(path)


# --- the metrics on hand-made responses ---------------------------------------------------


def _at(day: str, hour: int = 20) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def _source(uid: str, day: str = "2026-07-01", city: str = "Paris") -> Source:
    return Source(
        uid=uid,
        title=f"Event {uid}",
        url=None,
        venue=None,
        city=city,
        start=_at(day),
        end=_at(day, 22),
        score=1.0,
        snippet="",
    )


def _response(sources: list[Source], no_answer: bool = False) -> AskResponse:
    return AskResponse(
        answer="",
        no_answer=no_answer,
        sources=sources,
        understood=Understood(
            as_of=dt.date(2026, 6, 1), date_from=None, date_to=None, city=None, region=None
        ),
        provider=ProviderInfo(embedder="test", generator="test", fallback=False),
        timings_ms=Timings(retrieve=0, generate=0, total=0),
    )


def _question(qid: str, category: str, expected: list[str], **extra: object) -> DevQuestion:
    return DevQuestion.model_validate(
        {
            "id": qid,
            "question": f"question {qid}",
            "category": category,
            "as_of": "2026-06-01",
            "expected_uids": expected,
            **extra,
        }
    )


QUESTIONS = [
    # expected a, b; got x, b, a: hit 1, recall 1, RR 1/2
    _question("topical-1", "topical", ["a", "b"]),
    # expected c, d, e; got c only: hit 1, recall 1/3, RR 1
    _question("topical-2", "topical", ["c", "d", "e"]),
    # expected f; got g, h: miss
    _question("named-1", "named", ["f"]),
    # window 4-5 July in Lyon; got 3 sources, 1 in window and city: P = 1/3; expected w at rank 3
    _question(
        "date-1", "date", ["w"], window={"from": "2026-07-04", "to": "2026-07-05"}, city="Lyon"
    ),
    # answerable but refused
    _question("audience-1", "audience", ["z"]),
    # no answer, refused (correct)
    _question("no_answer-1", "no_answer", []),
    # no answer, answered (wrong)
    _question("no_answer-2", "no_answer", []),
]

RESPONSES = {
    "topical-1": _response([_source("x"), _source("b"), _source("a")]),
    "topical-2": _response([_source("c")]),
    "named-1": _response([_source("g"), _source("h")]),
    "date-1": _response(
        [
            _source("u", "2026-07-04", city="Paris"),
            _source("v", "2026-07-10", city="Lyon"),
            _source("w", "2026-07-05", city="lyon"),
        ]
    ),
    "audience-1": _response([], no_answer=True),
    "no_answer-1": _response([], no_answer=True),
    "no_answer-2": _response([_source("q")]),
}


def _fake_ask(request: AskRequest) -> AskResponse:
    assert request.as_of == dt.date(2026, 6, 1) and request.k == 5
    return RESPONSES[request.question.removeprefix("question ")]


def test_ranking_metrics_per_question_and_overall() -> None:
    report = evaluate(_fake_ask, QUESTIONS, k=5)
    by_id = {r.question.id: r for r in report.results}
    assert (by_id["topical-1"].hit, by_id["topical-1"].recall) == (1.0, 1.0)
    assert by_id["topical-1"].reciprocal_rank == pytest.approx(0.5)
    assert by_id["topical-2"].recall == pytest.approx(1 / 3)
    assert by_id["named-1"].reciprocal_rank == 0.0
    assert by_id["date-1"].reciprocal_rank == pytest.approx(1 / 3)
    assert by_id["no_answer-1"].hit is None

    topical = report.by_category["topical"]
    assert topical.hit == 1.0
    assert topical.recall == pytest.approx((1 + 1 / 3) / 2)
    assert topical.mrr == pytest.approx(0.75)
    # hit over the 5 questions with expected events: topical x2, date hit; named, audience miss
    assert report.overall.hit == pytest.approx(3 / 5)
    assert report.overall.recall == pytest.approx((1 + 1 / 3 + 0 + 1 + 0) / 5)
    assert report.overall.mrr == pytest.approx((0.5 + 1 + 0 + 1 / 3 + 0) / 5)


def test_precision_checks_window_and_city() -> None:
    report = evaluate(_fake_ask, QUESTIONS, k=5)
    assert report.by_category["date"].precision == pytest.approx(1 / 3)
    assert report.by_category["topical"].precision is None
    assert report.overall.precision == pytest.approx(1 / 3)


def test_precision_uses_real_occurrences_when_events_are_given() -> None:
    # "v" spans 1 July - 31 July in the source, but its occurrences skip the window
    question = _question("date-2", "date", [], window={"from": "2026-07-04", "to": "2026-07-05"})
    long_run = _source("v", "2026-07-01").model_copy(update={"end": _at("2026-07-31")})
    event = Event(
        uid="v",
        title="v",
        occurrences=[
            Occurrence(_at("2026-07-01"), _at("2026-07-01", 22)),
            Occurrence(_at("2026-07-31"), _at("2026-07-31", 22)),
        ],
    )

    def ask(request: AskRequest) -> AskResponse:
        return _response([long_run])

    assert evaluate(ask, [question]).overall.precision == 1.0
    assert evaluate(ask, [question], events={"v": event}.get).overall.precision == 0.0


def test_refusal_metrics() -> None:
    report = evaluate(_fake_ask, QUESTIONS, k=5)
    # refused: audience-1 (wrongly) and no_answer-1 (rightly)
    assert report.no_answer_precision == pytest.approx(1 / 2)
    assert report.no_answer_recall == pytest.approx(1 / 2)
    assert report.false_refusal_rate == pytest.approx(1 / 5)
    assert report.by_category["no_answer"].refused == 1


def test_top_k_cuts_the_sources() -> None:
    report = evaluate(lambda request: RESPONSES["topical-1"], QUESTIONS[:1], k=2)
    assert [s.uid for s in report.results[0].got] == ["x", "b"]
    assert report.results[0].recall == pytest.approx(0.5)


def test_report_lists_failures_and_renders(tmp_path: Path) -> None:
    report = evaluate(_fake_ask, QUESTIONS, k=5)
    failing = {r.question.id: r.failure for r in report.failures}
    assert failing == {
        "named-1": "no expected event in the top k",
        "audience-1": "refused an answerable question",
        "no_answer-2": "answered a no-answer question",
    }
    data = json.loads(json.dumps(report.to_dict()))
    assert data["by_category"]["topical"]["mrr"] == pytest.approx(0.75)
    assert [f["id"] for f in data["failures"]] == ["named-1", "audience-1", "no_answer-2"]
    assert data["failures"][0]["got"][0] == {"uid": "g", "title": "Event g", "city": "Paris"}
    assert set(data["by_category"]) == set(CATEGORIES) - {"city"}

    console = Console(record=True, width=160)
    console.print(report)
    console.print(report.failures_table())
    text = console.export_text()
    assert "overall" in text and "false-refusal rate" in text and "0.200" in text
    assert "question named-1" in text and "g Event g" in text
