"""Fixtures for the generate-step tests: fresh scratch copies of the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generate.scratch import make_scratch_repo


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A copy of the repository for one test to regenerate or break as it likes."""
    return make_scratch_repo(tmp_path / "repo")
