"""The evaluation question files are valid against their corpora, and the regional corpus
generator writes every format the ingester reads."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from bench import quality
from bench.common import Report
from bench.corpora import QUESTION_FILES, TIMEZONE, all_questions, corpus_facts, resolve
from bench.quality import public_outputs
from bench.regions import generate_regions, load_catalogue, write_regions
from rag.config import Settings
from rag.evaluation import CATEGORIES, CORPORA, DevQuestion, Facts, score_response
from rag.ingest import ingest, load_events
from rag.normalize import from_ods_record
from rag.places import event_place
from rag.schemas import AskRequest, AskResponse, ProviderInfo, Source, Timings, Understood
from rag.sources.files import file_sources, read_records


@pytest.fixture(scope="module")
def questions() -> list[DevQuestion]:
    return all_questions()


@pytest.fixture(scope="module")
def facts() -> dict[str, list[Facts]]:
    return {corpus: corpus_facts(corpus) for corpus in ("demo", "regions")}


def test_at_least_300_questions_over_three_corpora_in_every_category(
    questions: list[DevQuestion],
) -> None:
    assert len(questions) >= 300
    counts = Counter((q.corpus, q.category) for q in questions)
    for corpus in CORPORA:
        for category in CATEGORIES:
            assert counts[(corpus, category)] >= 5, (corpus, category, counts)


def test_every_line_names_its_corpus_and_split() -> None:
    for path in [p for p in QUESTION_FILES if p.exists()]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            data = json.loads(line)
            assert data.get("corpus") in CORPORA and data.get("split") in ("dev", "heldout"), (
                f"{path.name}:{number}"
            )


def test_generated_corpora_are_split_about_60_40_per_category(
    questions: list[DevQuestion],
) -> None:
    for corpus in ("demo", "regions"):
        for category in CATEGORIES:
            mine = [q for q in questions if (q.corpus, q.category) == (corpus, category)]
            dev = sum(q.split == "dev" for q in mine) / len(mine)
            assert 0.5 <= dev <= 0.7, (corpus, category, dev)


def test_rule_questions_expect_exactly_what_their_rule_selects(
    questions: list[DevQuestion], facts: dict[str, list[Facts]]
) -> None:
    for question in questions:
        if question.corpus == "shared":
            assert question.rule is None, f"{question.id}: shared events are judged by reading"
            continue
        assert question.rule is not None or question.category == "no_answer", question.id
        if question.rule is None:
            continue
        uids = resolve(question, facts[question.corpus])
        assert uids == question.expected_uids, f"{question.id}: run `python -m bench.corpora`"
        if question.category == "no_answer":
            assert not uids, question.id
        else:
            assert uids, f"{question.id}: nothing answers it"
            assert question.metric == ("precision" if len(uids) > 5 else "recall"), question.id


def test_shared_questions_reference_real_events(
    questions: list[DevQuestion], shared_files: list[Path]
) -> None:
    uids = {from_ods_record(r).uid for path in shared_files for r in read_records(path)}
    for question in questions:
        if question.corpus == "shared":
            missing = set(question.expected_uids) - uids
            assert not missing, f"{question.id}: {missing} not in the shared data"


def test_every_failure_class_is_asked_in_english_too(questions: list[DevQuestion]) -> None:
    english = [q for q in questions if "english" in q.tags]
    assert len(english) >= 25
    assert {q.category for q in english} == set(CATEGORIES)
    tags = Counter(tag for q in questions for tag in q.tags)
    for tag in ("near", "postcode", "past", "generic", "follow_up", "typo", "no_accents"):
        assert tags[tag] >= 3, tag


# --- the regional corpus ---------------------------------------------------------------------


def test_the_regional_corpus_is_the_same_every_time() -> None:
    first, second = generate_regions(), generate_regions()
    assert [r.facts.event.to_dict() for r in first] == [r.facts.event.to_dict() for r in second]
    assert [r.facts.accessibility for r in first] == [r.facts.accessibility for r in second]


def test_regions_are_written_in_four_formats_and_ingest_back(tmp_path: Path) -> None:
    catalogue = load_catalogue()
    events = generate_regions(catalogue)
    paths = write_regions(tmp_path / "sources", events)
    assert {p.suffix for p in paths} == {".json", ".csv", ".jsonl"}
    assert {r.format for r in catalogue.regions} == {
        "openagenda-json",
        "ods-csv",
        "ods-jsonl",
        "openagenda-jsonl",
    }
    settings = Settings(RAG_DATA_DIR=tmp_path / "data", LLM_PROVIDER="extractive")
    report = ingest(settings, file_sources(paths))
    assert report.events == len(events) and report.skipped == 0
    ingested = {e.uid: e for e in load_events(settings)}
    for item in events:
        truth, got = item.facts.event, ingested[item.facts.event.uid]
        assert (got.title, got.city, got.postal_code) == (
            truth.title,
            truth.city,
            truth.postal_code,
        )
        assert (got.age_min, got.age_max, got.conditions) == (
            truth.age_min,
            truth.age_max,
            truth.conditions,
        )
        assert [(o.start, o.end) for o in got.occurrences] == [
            (o.start, o.end) for o in truth.occurrences
        ]
        assert got.latitude == pytest.approx(truth.latitude, abs=1e-5)
        # published without department and region: the postal code still says where
        assert got.department == (truth.department if item.published_place else None)
        assert event_place(got).department == truth.department
        assert event_place(got).region == truth.region


def test_the_regional_corpus_has_what_the_questions_need() -> None:
    events = generate_regions()
    unpublished = sum(not r.published_place for r in events) / len(events)
    assert 0.25 <= unpublished <= 0.45
    assert sum(bool(r.facts.accessibility) for r in events) > len(events) / 2
    assert any(r.facts.free for r in events) and not all(r.facts.free for r in events)
    assert any(len(r.facts.event.occurrences) > 20 for r in events)  # exhibitions
    today = load_catalogue().settings.today
    past = [r for r in events if (r.facts.event.end or today).astimezone(TIMEZONE).date() < today]
    assert len(past) >= 40
    towns = {r.town.name for r in events}
    assert {"Saint-Laurent-du-Var", "Nice", "Villeneuve-lès-Avignon", "Cesson-Sévigné"} <= towns


def test_shared_questions_fit_their_window_and_date(
    questions: list[DevQuestion], shared_files: list[Path]
) -> None:
    events = {e.uid: e for e in (from_ods_record(r) for p in shared_files for r in read_records(p))}
    for question in questions:
        if question.corpus != "shared" or question.id.split("-")[0] != "sh":
            continue
        for uid in question.expected_uids:
            spans = [
                (o.start.astimezone(TIMEZONE).date(), o.end.astimezone(TIMEZONE).date())
                for o in events[uid].occurrences
            ]
            if question.window is not None:
                window = question.window
                assert any(a <= window.end and b >= window.start for a, b in spans), (
                    f"{question.id}: {uid} has no occurrence in the window"
                )
            else:
                assert max(b for _, b in spans) >= question.as_of, f"{question.id}: {uid} is over"


# --- the runner ------------------------------------------------------------------------------


def test_public_outputs_are_what_the_public_scorer_reads() -> None:
    def ask(request: AskRequest) -> AskResponse:
        refused = request.question == "b"
        sources = [] if refused else [_source("u1"), _source("u2")]
        return AskResponse(
            answer="",
            no_answer=refused,
            sources=sources,
            understood=Understood(
                as_of=request.as_of or dt.date(2026, 1, 1),
                date_from=None,
                date_to=None,
                city=None,
                region=None,
            ),
            provider=ProviderInfo(embedder="t", generator="t", fallback=False),
            timings_ms=Timings(retrieve=0, generate=0, total=0),
        )

    questions = [
        {"id": "p1", "question": "a", "as_of": "2026-07-01"},
        {"id": "p2", "question": "b", "as_of": "2026-07-02"},
    ]
    assert public_outputs(ask, questions) == [
        {"id": "p1", "uids": ["u1", "u2"], "no_answer": False},
        {"id": "p2", "uids": [], "no_answer": True},
    ]


def test_the_public_set_is_skipped_with_the_reason_when_shared_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quality, "PUBLIC_QUESTIONS", tmp_path / "public-questions.jsonl")
    runs = quality.Runs()
    quality._run_public(runs, {})
    assert runs.public == {} and "public set skipped" in runs.notes[0]


def _source(uid: str) -> Source:
    return Source(
        uid=uid, title=uid, url=None, venue=None, city=None, start=None, end=None, score=1.0,
        snippet="",
    )  # fmt: skip


def test_the_report_puts_splits_and_systems_side_by_side() -> None:
    def question(qid: str, split: str, category: str, expected: list[str]) -> DevQuestion:
        return DevQuestion.model_validate(
            {"id": qid, "question": qid, "category": category, "as_of": "2026-07-01",
             "corpus": "demo", "split": split, "expected_uids": expected, "tags": ["english"]}
        )  # fmt: skip

    def response(uids: list[str], refused: bool = False) -> AskResponse:
        return AskResponse(
            answer="",
            no_answer=refused,
            sources=[_source(u) for u in uids],
            understood=Understood(
                as_of=dt.date(2026, 7, 1), date_from=None, date_to=None, city=None, region=None
            ),
            provider=ProviderInfo(embedder="t", generator="t", fallback=False),
            timings_ms=Timings(retrieve=0, generate=0, total=0),
        )

    runs = quality.Runs()
    dev, held = question("a", "dev", "city", ["u"]), question("b", "heldout", "no_answer", [])
    runs.results["rag-events"] = [
        score_response(dev, response(["u"])),
        score_response(held, response([], refused=True)),
    ]
    runs.results["baseline"] = [
        score_response(dev, response(["x"])),
        score_response(held, response(["x"])),
    ]
    report = quality._report(Report("quality"), runs, ["dev", "heldout"], failures=True)
    tables = dict(report.tables)
    side = {row["category"]: row for row in tables["Side by side: score per category (k=5)"]}
    assert side["city"]["dev rag-events"] == 1.0 and side["city"]["dev baseline"] == 0.0
    assert side["no_answer"]["heldout rag-events"] == 1.0
    assert side["overall"]["heldout baseline"] == 0.0
    by_tag = tables["rag-events by tag (register, failure class)"]
    assert by_tag == [
        {"tag": "english", "dev n": 1, "dev score": 1.0, "dev false refusals": "0/1",
         "heldout n": 1, "heldout score": 1.0, "heldout false refusals": "0/0"}
    ]  # fmt: skip
    assert [t.name for t in report.targets][:1] == ["heldout: overall score"]


def test_no_heldout_question_asks_for_the_same_events_as_a_dev_question(
    questions: list[DevQuestion],
) -> None:
    dev = {(q.corpus, frozenset(q.expected_uids)): q.id for q in questions if q.split == "dev"}
    for q in questions:
        key = (q.corpus, frozenset(q.expected_uids))
        if q.split == "heldout" and q.expected_uids and q.metric == "recall":
            assert key not in dev, f"{q.id} asks for the events of {dev[key]}"
