"""The benchmark helpers: baseline chunking and answers, corpus synthesis, metric plumbing.

Timings are never asserted here; the benches print them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from bench.baseline import CHUNK_OVERLAP, CHUNK_SIZE, BaselinePipeline, chunk_text, event_text
from bench.common import Report, Target, bench_settings, ingest_shared, markdown_table
from bench.robustness import flattened, slipped
from bench.synthetic import (
    CITIES,
    ReplayEmbedder,
    clustered_vectors,
    source_uid,
    synthesize_events,
)
from rag.embeddings.use import USEEmbedder
from rag.evaluation import DevQuestion, evaluate
from rag.models import Event
from rag.passages import event_passages
from rag.schemas import AskRequest


@pytest.fixture(scope="module")
def shared_events(
    shared_files: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> list[Event]:
    return ingest_shared(bench_settings(tmp_path_factory.mktemp("data")))


def test_chunks_are_800_characters_overlapping_by_100() -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(2000))
    chunks = chunk_text(text)
    assert [len(c) for c in chunks] == [800, 800, 600]
    for first, second in itertools.pairwise(chunks):
        assert first[-CHUNK_OVERLAP:] == second[:CHUNK_OVERLAP]
    assert chunks[0] + "".join(c[CHUNK_OVERLAP:] for c in chunks[1:]) == text
    assert chunk_text("court") == ["court"]
    assert chunk_text("x" * CHUNK_SIZE) == ["x" * CHUNK_SIZE]
    assert chunk_text("") == []


def test_synthesis_keeps_the_originals_and_gives_distinct_uids(shared_events: list[Event]) -> None:
    events = synthesize_events(shared_events, 2_500)
    assert len(events) == 2_500
    assert len({e.uid for e in events}) == 2_500
    assert events[: len(shared_events)] == shared_events
    by_uid = {e.uid: e for e in shared_events}
    cities = {c[0] for c in CITIES}
    for copy in events[len(shared_events) :]:
        base, number = source_uid(copy.uid)
        original = by_uid[base]
        assert number >= 1 and copy.city in cities
        assert copy.title != original.title
        assert len(copy.occurrences) == len(original.occurrences)
        # Same passages in the same order (what replayed vectors rely on), other texts.
        mine, theirs = event_passages(copy), event_passages(original)
        assert [p.kind for p in mine] == [p.kind for p in theirs]
        assert not {p.text for p in mine} & {p.text for p in theirs}


def test_replayed_vectors_stay_close_to_the_original(
    shared_events: list[Event], use: USEEmbedder
) -> None:
    originals = shared_events[:3]
    real = {e.uid: use.embed_passages([p.text for p in event_passages(e)]) for e in originals}
    replay = ReplayEmbedder(use, real)
    events = synthesize_events(originals, 6)
    replay.register(events)
    for event in events:
        texts = [p.text for p in event_passages(event)]
        vectors = replay.embed_passages(texts)
        original = real[source_uid(event.uid)[0]]
        cosines = np.sum(vectors * original, axis=1)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        assert np.all(cosines > 0.9)
        assert source_uid(event.uid)[1] == 0 or np.all(cosines < 0.999)
    assert replay.id == use.id


def test_clustered_vectors_are_unit_and_neighbourly() -> None:
    corpus, queries = clustered_vectors(5_000, 512, seed=0), clustered_vectors(50, 512, seed=1)
    assert corpus.shape == (5_000, 512) and corpus.dtype == np.float32
    assert np.allclose(np.linalg.norm(corpus, axis=1), 1, atol=1e-5)
    # Same topics, other draws: nearly every query has a close neighbour (uniform random
    # unit vectors in 512 dimensions would stay under ~0.2).
    assert np.mean((queries @ corpus.T).max(axis=1) > 0.35) >= 0.9


def test_baseline_is_scored_by_the_same_evaluation(
    shared_events: list[Event], use: USEEmbedder
) -> None:
    events = shared_events[:40]
    pipeline = BaselinePipeline.build(events, use)
    assert len(pipeline.chunks) >= len(events)
    assert all(len(c) <= CHUNK_SIZE for c in pipeline.chunks)
    target = events[7]
    questions = [
        DevQuestion(
            id="topical-x",
            question=target.title,
            category="topical",
            as_of=dt.date(2025, 1, 1),
            expected_uids=[target.uid],
        ),
        DevQuestion(
            id="none-x",
            question="Un match de rugby ?",
            category="no_answer",
            as_of=dt.date(2025, 1, 1),
        ),
    ]
    report = evaluate(pipeline.ask, questions, events={e.uid: e for e in events}.get)
    assert report.by_category["topical"].hit == 1.0
    assert report.no_answer_recall == 0.0  # the typical pipeline never refuses
    assert report.by_category["no_answer"].score == 0.0
    response = pipeline.ask(AskRequest(question="Un match de rugby ?", k=3))
    uids = [s.uid for s in response.sources]
    assert not response.no_answer and 1 <= len(uids) <= 3 and len(set(uids)) == len(uids)


def test_event_text_holds_what_a_typical_pipeline_indexes(shared_events: list[Event]) -> None:
    event = next(e for e in shared_events if e.city and e.long_description)
    text = event_text(event)
    assert event.title in text and event.city in text


def test_targets_and_reports_print_marks() -> None:
    assert Target("latency", 12.0, 20).mark == "✓"
    assert Target("latency", 25.0, 20).mark == "✗"
    assert Target("req/s", 160.0, 150, higher_is_better=True).met is True
    assert Target("missing", None, 1).mark == "?"
    report = Report("demo", targets=[Target("latency", 12.0, 20, unit=" ms")])
    report.table("t", [{"a": 1, "b": 0.5}, {"a": 2, "c": None}])
    text = report.markdown()
    assert "| a | b | c |" in text and "| ✓ | latency | 12.0 ms | ≤ 20 ms |" in text
    assert markdown_table([{"x": 1_000_000}]).splitlines()[-1] == "| 1,000,000 |"
    assert report.to_dict()["targets"][0]["met"] is True


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@pytest.mark.parametrize("seed", range(20))
def test_a_slipped_question_has_one_slip_in_one_long_word(seed: int) -> None:
    question = "Des concerts de jazz ce week-end à Toulouse ?"
    changed = slipped(question, random.Random(seed))
    assert changed is not None and changed != question
    pairs = [(a, b) for a, b in zip(question.split(" "), changed.split(" "), strict=True) if a != b]
    assert len(pairs) == 1
    before, after = pairs[0]
    assert sum(map(str.isalpha, before)) >= 6 and before[0] == after[0]
    assert _edits(before, after) == 1
    assert slipped(question, random.Random(seed)) == changed  # seeded


def test_short_questions_have_nothing_to_slip_and_flattened_drops_accents() -> None:
    assert slipped("Et le 14 ?", random.Random(1)) is None
    assert (
        flattened("Qu'y a-t-il à la Comédie-Française ?") == "qu'y a-t-il a la comedie-francaise ?"
    )
