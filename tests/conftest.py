"""Shared fixtures: where the project, its samples and the shared seeds are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE_CONTENT = ROOT / "content"


@pytest.fixture
def seeds() -> Path:
    if not (SEEDS / "expected.json").is_file():
        pytest.skip(f"no seeds at {SEEDS} (../shared is not beside the project)")
    return SEEDS


pytest_plugins = ["tests.browser"]
