"""The French analyzer and BM25, checked against the textbook formula, the demo corpus
(tests/corpus.py) and the real events when ../shared is there."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rag import lexical
from rag.lexical import BM25, BM25Builder, analyze
from rag.normalize import from_ods_record
from rag.passages import corpus_passages
from rag.sources.files import read_records
from tests.corpus import demo_events


def test_analyzer_folds_stems_and_drops_stop_words() -> None:
    assert analyze("les enfants") == analyze("l'enfant") == ["enfant"]
    assert analyze("Concerts") == analyze("concert")
    assert analyze("Théâtre") == analyze("theatres")
    assert analyze("Musées gratuits") == analyze("musée gratuite")
    assert analyze("Que faire avec des enfants ?") == ["enfant"]
    assert analyze("festivaux") == analyze("festival")
    # a noun in "-ie" and its person or adjective: "des événements francophones" finds the
    # Francophonie; short words keep theirs ("sortie" is not "sort", "partie" not "part")
    assert analyze("Francophonie") == analyze("francophones")
    assert analyze("photographies") == analyze("photographe")
    assert analyze("boulangerie") == analyze("boulanger")
    assert analyze("sortie") != analyze("sort") and analyze("partie") != analyze("part")


def test_analyzed_terms_analyze_to_themselves(corpus_files: list[Path]) -> None:
    texts = [p.text for p in _passages(corpus_files)[:500]]
    terms = {term for text in texts for term in analyze(text)}
    assert terms and all(analyze(term) == [term] for term in terms)


CORPUS = [
    "Concert de jazz au parc pour les enfants",
    "Exposition de photographies anciennes",
    "Concert symphonique, concert de Noël et chorale d'enfants",
    "Atelier de cuisine",
]


def textbook_bm25(query: str, docs: list[str], k1: float = 1.2, b: float = 0.75) -> list[float]:
    tokenized = [analyze(d) for d in docs]
    average = sum(map(len, tokenized)) / len(docs)
    out = []
    for tokens in tokenized:
        counts, score = Counter(tokens), 0.0
        for term in set(analyze(query)):
            n = sum(term in t for t in tokenized)
            idf = math.log(1 + (len(docs) - n + 0.5) / (n + 0.5))
            tf = counts[term]
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(tokens) / average))
        out.append(score)
    return out


def test_scores_match_the_formula_and_are_zero_without_match() -> None:
    bm25 = BM25.build(CORPUS)
    scores = bm25.scores("concerts pour enfants")
    assert np.allclose(scores, textbook_bm25("concerts pour enfants", CORPUS), rtol=1e-5)
    assert scores[1] == scores[3] == 0
    assert scores[2] > scores[0] > 0  # "concert" twice beats once
    assert not bm25.scores("mot inconnu").any()
    assert bm25.idf("concert") > 0 and bm25.idf("inconnu") == 0
    terms = analyze("concerts enfants")
    assert np.array_equal(bm25.term_scores(terms), bm25.scores("concert enfant"))


def test_write_and_load_give_the_same_scores(tmp_path: Path) -> None:
    bm25 = BM25.build(CORPUS)
    builder = BM25Builder(tmp_path / "runs")
    builder.add(CORPUS)
    builder.write(tmp_path / "lexical")
    loaded = BM25.load(tmp_path / "lexical")
    assert loaded.size == 4 and loaded.vocabulary == bm25.vocabulary
    assert not (tmp_path / "runs").exists()
    for query in ("concert", "photographie ancienne", "cuisine enfants"):
        assert np.array_equal(loaded.scores(query), bm25.scores(query))


def test_a_build_in_chunks_and_parts_writes_the_files_of_one_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs spilled per chunk and merged a few terms at a time give the same bytes as one
    chunk merged at once (term ids, posting order, weights)."""
    texts = [p.text for p in corpus_passages(demo_events())]
    whole = BM25Builder(tmp_path / "runs")
    whole.add(texts)
    whole.write(tmp_path / "whole")
    monkeypatch.setattr(lexical, "PART_POSTINGS", 50)
    chunked = BM25Builder(tmp_path / "runs")
    for start in range(0, len(texts), 7):
        chunked.add(texts[start : start + 7])
    chunked.write(tmp_path / "chunked")
    assert len(lexical._parts(BM25.load(tmp_path / "whole").indptr)) > 10
    for one, other in zip(
        BM25.files(tmp_path / "whole"), BM25.files(tmp_path / "chunked"), strict=True
    ):
        assert one.read_bytes() == other.read_bytes(), one.name


def test_finds_a_named_event_in_real_data(shared_files: list[Path]) -> None:
    passages = _passages(shared_files)
    bm25 = BM25.build([p.text for p in passages])
    best = int(np.argmax(bm25.scores("planétarium système solaire")))
    assert passages[best].event_uid == "12616484"  # "Voyage dans le système solaire"


def test_finds_each_demo_event_by_its_title_and_venue() -> None:
    events = demo_events()
    passages = corpus_passages(events)
    bm25 = BM25.build([p.text for p in passages])
    for event in events[:40]:
        query = f"{event.title} {event.venue}"
        best = int(np.argmax(bm25.scores(query)))
        assert passages[best].event_uid == event.uid, query


def _passages(files: list[Path]):
    records = [r for path in files for r in read_records(path)]
    return corpus_passages(from_ods_record(r) for r in records)
