"""The tree stays clean: ruff (lint and format) and mypy report nothing.

CI runs only `uv run pytest`, so the checks run from here, like hadolint in
test_container.py; each prints what it found when it fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("check", [("ruff", "check", "."), ("ruff", "format", "--check", ".")])
def test_ruff_is_clean(check: tuple[str, ...]) -> None:
    result = run(*check)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    """The files and options are in pyproject.toml ([tool.mypy])."""
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
