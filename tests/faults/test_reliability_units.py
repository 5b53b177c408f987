"""Reliability promises that need no socket: errors that cross a process pool, and timeouts that
cannot be honoured (redaction of a key a server echoes lives with the secrets, in
tests/runtime/test_secrets.py).

The server is an `httpx.MockTransport` (`mock_client`), behind the same `ClientUnderTest` as the
rest of the suite, so every test runs for the sync and the async client.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import httpx
import pytest
from hypothesis import settings

from ravan_client import (
    AsyncRavanClient,
    NotFoundError,
    RavanClient,
)
from ravan_client._secrets import MASK
from tests.faults._workers import WORKER_API_KEY, list_call_sessions
from tests.faults.conftest import SLASHED_KEY, Flavor, mock_client

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]


@pytest.mark.timeout(120)
def test_an_api_status_error_raised_in_a_process_pool_worker_reaches_the_parent_as_itself(flavor: Flavor) -> None:
    """concurrent.futures pickles a worker's exception for the parent: it must arrive as the same
    error type (not break the pool), and without the key."""
    context = multiprocessing.get_context("spawn")  # no fork of a process running the fault server
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        with pytest.raises(NotFoundError) as caught:
            pool.submit(list_call_sessions, 404, flavor).result(timeout=90)
        assert pool.submit(list_call_sessions, 200, flavor).result(timeout=90) == 0  # the pool still works
    error = caught.value
    assert error.status_code == 404
    assert MASK in error.message
    for text in [str(error), repr(error), str(error.__cause__), error.response.text]:  # __cause__: the remote traceback
        assert WORKER_API_KEY not in text


# --- timeouts that cannot be honoured ---------------------------------------------------------------

IMPOSSIBLE_TIMEOUTS: dict[str, object] = {
    "nan": math.nan,
    "inf": math.inf,
    "1e300": 1e300,
    "negative": -1.0,
    "httpx-timeout-negative": httpx.Timeout(-1),
    "httpx-timeout-nan-read": httpx.Timeout(5.0, read=math.nan),
    "httpx-timeout-inf-connect": httpx.Timeout(5.0, connect=math.inf),
}


def never_reached(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent: {request.method} {request.url}")


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
@pytest.mark.parametrize("timeout", IMPOSSIBLE_TIMEOUTS.values(), ids=IMPOSSIBLE_TIMEOUTS.keys())
def test_an_impossible_timeout_is_refused_at_construction_naming_it(
    client_class: type[RavanClient | AsyncRavanClient], timeout: Any
) -> None:
    with pytest.raises(ValueError, match="timeout"):
        client_class(api_key=SLASHED_KEY, base_url="https://api.ravan.ai", timeout=timeout)


@pytest.mark.parametrize("timeout", IMPOSSIBLE_TIMEOUTS.values(), ids=IMPOSSIBLE_TIMEOUTS.keys())
async def test_an_impossible_timeout_is_refused_per_call_and_by_with_options_naming_it(
    flavor: Flavor, timeout: Any
) -> None:
    under_test = mock_client(flavor, never_reached)
    try:
        with pytest.raises(ValueError, match="timeout"):
            await under_test.first_page(timeout=timeout)
        with pytest.raises(ValueError, match="timeout"):
            under_test.client.with_options(timeout=timeout)
    finally:
        await under_test.close()


def test_the_ci_profile_makes_property_tests_reproducible() -> None:
    """With CI set, the fault suite's property tests run derandomized, without deadline or example
    database (tests/faults/conftest.py)."""
    profile = settings.get_profile("ci")
    assert profile.derandomize is True
    assert profile.deadline is None
    assert profile.database is None
