"""The dev set is valid against the real data, and the metrics compute what they claim."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from rag.evaluation import (
    CATEGORIES,
    LEGACY_CATEGORIES,
    DevQuestion,
    Facts,
    assign_splits,
    evaluate,
    load_devset,
    load_questions,
    score_response,
    split_of,
)
from rag.models import Event, Occurrence
from rag.normalize import from_ods_record
from rag.schemas import AskRequest, AskResponse, ProviderInfo, Source, Timings, Understood
from rag.sources.files import read_records
from rag.text import fold

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "eval" / "devset.jsonl"
PARIS = ZoneInfo("Europe/Paris")
MINIMUMS = {"topical": 15, "entity": 10, "city": 10, "temporal": 12, "audience": 8, "no_answer": 12}


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
    legacy = {new: old for old, new in LEGACY_CATEGORIES.items()}
    assert all(
        q.id.startswith((q.category + "-", legacy.get(q.category, "?") + "-")) for q in devset
    )


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
            assert question.category != "temporal", f"{question.id} needs a window"
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
        if question.category == "temporal":
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
    assert by_id["named-1"].question.category == "entity"  # the first dev set's name
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


def test_fit_checks_window_and_city() -> None:
    report = evaluate(_fake_ask, QUESTIONS, k=5)
    assert report.by_category["temporal"].fit == pytest.approx(1 / 3)
    assert report.by_category["topical"].fit is None
    assert report.overall.fit == pytest.approx(1 / 3)


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

    assert evaluate(ask, [question]).overall.fit == 1.0
    assert evaluate(ask, [question], events={"v": event}.get).overall.fit == 0.0
    # no list of events: the score is the share of the k slots filled by fitting sources
    assert evaluate(ask, [question]).overall.score == pytest.approx(1 / 5)


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
    assert data["false_refusals"] == 1 and data["answerable"] == 5

    console = Console(record=True, width=160)
    console.print(report)
    console.print(report.failures_table())
    text = console.export_text()
    assert "overall" in text and "false refusals" in text and "1 of 5 answerable" in text
    assert "question named-1" in text and "g Event g" in text


# --- the public scorer's per-question figures ---------------------------------------------


def test_score_is_recall_over_at_most_k_or_precision_over_k() -> None:
    few = _question("topical-9", "topical", ["a", "b"])
    many = _question("temporal-9", "temporal", [f"e{i}" for i in range(8)])
    assert many.metric == "precision" and few.metric == "recall"
    seven = _question("city-9", "city", [f"c{i}" for i in range(7)], metric="recall")
    got = _response([_source("a"), _source("e1"), _source("e2"), _source("c1"), _source("x")])
    assert score_response(few, got).score == pytest.approx(1 / 2)
    assert score_response(many, got).score == pytest.approx(2 / 5)
    # a recall question with more than k events is over k, as the public scorer does
    assert score_response(seven, got).score == pytest.approx(1 / 5)
    assert score_response(few, _response([], no_answer=True)).score == 0.0


def test_no_answer_scores_refusals_and_empty_answers() -> None:
    question = _question("no_answer-9", "no_answer", [])
    assert score_response(question, _response([], no_answer=True)).score == 1.0
    assert score_response(question, _response([])).score == 1.0  # nothing returned
    assert score_response(question, _response([_source("q")])).score == 0.0


def test_follow_ups_send_the_earlier_questions_as_history() -> None:
    question = _question("city-8", "city", ["a"], history=["Que faire à Lyon ce week-end ?"])
    seen: list[AskRequest] = []

    def ask(request: AskRequest) -> AskResponse:
        seen.append(request)
        return _response([_source("a")])

    evaluate(ask, [question])
    assert [(m.role, m.content) for m in seen[0].history] == [
        ("user", "Que faire à Lyon ce week-end ?")
    ]


def test_splits_are_stable_stratified_and_load_from_old_lines() -> None:
    ids = [(f"q{i}", "demo", "topical") for i in range(20)] + [
        (f"r{i}", "demo", "city") for i in range(5)
    ]
    splits = assign_splits(ids)
    assert sum(splits[f"q{i}"] == "dev" for i in range(20)) == 12
    assert sum(splits[f"r{i}"] == "dev" for i in range(5)) == 3
    assert assign_splits(ids) == splits
    old = DevQuestion.model_validate(
        {"id": "date-7", "question": "q", "category": "date", "as_of": "2026-01-01"}
    )
    assert (old.category, old.corpus, old.split) == ("temporal", "shared", split_of("date-7"))


def test_load_questions_filters_and_rejects_ids_repeated_across_files(tmp_path: Path) -> None:
    def line(qid: str, split: str, corpus: str = "demo") -> str:
        return json.dumps(
            {"id": qid, "question": "q", "category": "city", "as_of": "2026-12-02",
             "corpus": corpus, "split": split}
        )  # fmt: skip

    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(line("a", "dev") + "\n" + line("b", "heldout") + "\n")
    second.write_text(line("c", "dev", "regions") + "\n")
    assert [q.id for q in load_questions([first, second], splits=["dev"])] == ["a", "c"]
    assert [q.id for q in load_questions([first, second], corpora=["demo"])] == ["a", "b"]
    second.write_text(line("a", "dev") + "\n")
    with pytest.raises(ValueError, match="'a' is also in"):
        load_questions([first, second])


# --- rules: relevance from structured data ------------------------------------------------


def _facts(**fields: object) -> Facts:
    access = fields.pop("access", frozenset())
    free = bool(fields.pop("free", False))
    values: dict[str, object] = {
        "uid": "e",
        "title": "e",
        "occurrences": [Occurrence(_at("2026-07-04", 20), _at("2026-07-04", 22))],
        "city": "Nice",
        "latitude": 43.70,
        "longitude": 7.26,
        "keywords": ["Concert", "Jazz"],
        **fields,
    }
    return Facts(Event(**values), access, free)  # type: ignore[arg-type]


def _ruled(rule: dict[str, object], window: tuple[str, str] | None = None) -> DevQuestion:
    extra: dict[str, object] = {"rule": rule, "corpus": "regions"}
    if window:
        extra["window"] = {"from": window[0], "to": window[1]}
    return _question("city-7", "city", [], **extra)


@pytest.mark.parametrize(
    ("rule", "window", "facts", "relevant"),
    [
        ({"keywords": ["jazz"]}, None, {}, True),  # case and accents folded
        ({"keywords": ["Théâtre"]}, None, {}, False),
        ({"cities": ["nice"]}, ("2026-07-04", "2026-07-05"), {}, True),
        ({}, ("2026-07-05", "2026-07-06"), {}, False),  # no occurrence in the window
        ({"hours": [18, 24]}, ("2026-07-04", "2026-07-04"), {}, True),  # 20-22 h is "soir"
        ({"hours": [12, 18]}, ("2026-07-04", "2026-07-04"), {}, False),
        ({"weekdays": [5]}, ("2026-07-01", "2026-07-31"), {}, True),  # a Saturday
        ({"weekdays": [6]}, ("2026-07-01", "2026-07-31"), {}, False),
        ({"near": {"of": "Nice", "lat": 43.71, "lon": 7.26, "km": 15}}, None, {}, True),
        # Saint-Laurent-du-Var is 7 km from Nice, Antibes 18 km
        ({"near": {"of": "Nice", "lat": 43.71, "lon": 7.26, "km": 15}}, None,
         {"latitude": 43.58, "longitude": 7.12}, False),
        ({"age": 9}, None, {"age_min": 6, "age_max": 12}, True),
        ({"age": 9}, None, {"age_min": 10, "age_max": None}, False),
        ({"age": 9}, None, {}, False),  # no declared range
        ({"free": True}, None, {"free": True}, True),
        ({"free": True}, None, {}, False),
        ({"accessibility": ["mi", "hi"]}, None, {"access": frozenset({"mi", "hi", "vi"})}, True),
        ({"accessibility": ["vi"]}, None, {"access": frozenset({"mi"})}, False),
        ({"postal_codes": ["75011"]}, None, {"postal_code": "75011"}, True),
        ({}, None, {"status": "Complet"}, False),  # full, cancelled, postponed: not attendable
        ({}, None, {"attendance_mode": "En ligne"}, False),
        ({"online": True}, None, {"attendance_mode": "En ligne"}, True),
        ({"department": "Alpes-Maritimes"}, None, {"department": "Alpes-Maritimes"}, True),
        ({"department": "Var"}, None, {"department": "Alpes-Maritimes"}, False),
    ],
)  # fmt: skip
def test_rules_select_events_from_structured_data(
    rule: dict[str, object],
    window: tuple[str, str] | None,
    facts: dict[str, object],
    relevant: bool,
) -> None:
    question = _ruled(rule, window)
    assert question.rule is not None
    assert question.rule.matches(_facts(**facts), question, PARIS) is relevant


def test_without_a_window_a_rule_wants_events_not_over_at_as_of() -> None:
    question = _ruled({}).model_copy(update={"as_of": dt.date(2026, 7, 5)})
    assert question.rule is not None
    assert not question.rule.matches(_facts(), question, PARIS)
    assert question.rule.matches(
        _facts(), question.model_copy(update={"as_of": dt.date(2026, 7, 4)}), PARIS
    )
