"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.embeddings.use import USEEmbedder
from tests.corpus import write_demo_files

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data" / "openagenda"
SHARED_FILES = sorted(SHARED_DATA.glob("*.json"))
REQUIRE_SHARED_DATA = os.environ.get("RAG_REQUIRE_SHARED_DATA", "") not in ("", "0")
"""`.ci/run` sets RAG_REQUIRE_SHARED_DATA=1: there a missing ../shared fails instead of
skipping, so CI never passes without the tests on real events."""


@pytest.fixture(scope="session")
def shared_files() -> list[Path]:
    """The 1,000 real OpenAgenda events from ../shared (never copied into the repo): tests
    that need them skip, with the reason, in a clone without that folder."""
    if len(SHARED_FILES) != 3:
        reason = f"needs the 3 shared OpenAgenda files in {SHARED_DATA}"
        if REQUIRE_SHARED_DATA:
            pytest.fail(f"{reason} (RAG_REQUIRE_SHARED_DATA is set)")
        pytest.skip(reason)
    return SHARED_FILES


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The project's own corpus (tests/corpus.py): 150 generated events in three ODS files
    shaped like the shared ones, so ingestion, retrieval and answers are tested anywhere."""
    return write_demo_files(tmp_path_factory.mktemp("demo-files"))


@pytest.fixture(scope="session", params=["demo", "shared"])
def corpus_files(request: pytest.FixtureRequest) -> list[Path]:
    """Each test corpus in turn: the demo files always, the shared files when present."""
    return request.getfixturevalue(f"{request.param}_files")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty RAG_DATA_DIR for one test."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("RAG_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def use() -> USEEmbedder:
    """The real default embedder, loaded once for the whole run (about 1 s and 300 MB)."""
    return USEEmbedder()
