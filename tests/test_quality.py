"""The answering targets, measured end to end on the dev set over the 1,000 real events.

Real ingestion, the default embedder, FAISS and BM25, the extractive answers: the same
path as `rag ingest ... && rag build && rag eval` (docs/retrieval.md has the table).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Settings
from rag.engine import Assistant
from rag.evaluation import EvalReport, evaluate, load_devset
from rag.index import build_index
from rag.ingest import ingest, load_events
from rag.sources.files import file_sources

DEVSET = Path(__file__).resolve().parents[1] / "eval" / "devset.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(shared_files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    settings = Settings(RAG_DATA_DIR=tmp_path_factory.mktemp("quality"), LLM_PROVIDER="extractive")
    ingest(settings, file_sources(shared_files))
    assistant = Assistant.from_settings(settings)
    build_index(settings, load_events(settings), assistant.embedder)
    assert assistant.reload()
    return evaluate(assistant.ask, load_devset(DEVSET), events=assistant.event)


@pytest.mark.parametrize("category", ["topical", "entity", "city"])
def test_hit_at_5_on_answerable_questions(report: EvalReport, category: str) -> None:
    failures = [r.question.id for r in report.failures]
    assert report.by_category[category].hit >= 0.9, failures


def test_precision_at_5_on_date_windows(report: EvalReport) -> None:
    assert report.by_category["temporal"].fit >= 0.9


def test_refusals(report: EvalReport) -> None:
    assert report.no_answer_recall >= 0.8
    assert report.false_refusal_rate <= 0.1
