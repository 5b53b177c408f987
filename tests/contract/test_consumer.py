"""The natural consumer (tests/data/consumer/natural_consumer.py) type-checks and runs as written.

The script is what a new user writes: optional fields read as `X | None`, filters passed as values
or None, the escape hatches and `with_options`. It must pass `mypy --strict` unchanged against the
generated package and run against Prism. It uses the product's call sessions, so it is defined
for the product target only (the grown spec has other filters).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.contract.conftest import ApiServer
from tests.support.target import REPO_ROOT, current_target

pytestmark = pytest.mark.contract

CONSUMER = REPO_ROOT / "tests" / "data" / "consumer" / "natural_consumer.py"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(current_target().client_dir), "MYPYPATH": str(current_target().client_dir)}


if current_target().is_product:

    def test_the_natural_consumer_passes_mypy_strict_unchanged() -> None:
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", os.devnull, str(CONSUMER)],
            env=_env(),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_natural_consumer_runs_against_the_api(prism_server: ApiServer) -> None:
        result = subprocess.run(
            [sys.executable, str(CONSUMER), prism_server.base_url, prism_server.api_key],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 1, lines  # Prism's first example: one completed session
        assert lines[0].startswith("cs_01JD7ZK3W1N5P2 +14157774444 3.6 min from 2026-11-24T16:02:11+00:00")
