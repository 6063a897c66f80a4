"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.embeddings.use import USEEmbedder

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data" / "openagenda"
SHARED_FILES = sorted(SHARED_DATA.glob("*.json"))


@pytest.fixture(scope="session")
def shared_files() -> list[Path]:
    """The 1,000 real OpenAgenda events from ../shared (never copied into the repo)."""
    if len(SHARED_FILES) != 3:
        pytest.fail(f"expected the 3 shared OpenAgenda files in {SHARED_DATA}")
    return SHARED_FILES


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
