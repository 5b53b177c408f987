"""Fixtures shared by every test package, and the choice of the generated client under test.

The target's packages (`ravan_client`, `ravan_models`) go first on `sys.path` here, before any test
module imports them: the product's by default, another generation's with RAVAN_TEST_TARGET (see
tests/support/target.py). The hand-written runtime is importable where it lives, as
`ravan_runtime` (spec/client is on the path, from pyproject.toml).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests.support.target import put_target_on_path

TARGET = put_target_on_path()

# Specs and the grown spec's golden record: generated code, never collected as tests (whatever its
# modules are called).
collect_ignore = ["data"]

# Property tests: in CI the examples are derandomized (the same on every run, so a failure
# reproduces and a busy machine cannot make one flaky) and have no deadline (CI machines are busy).
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Async tests run on asyncio (the loop AsyncRavanClient users have)."""
    return "asyncio"
