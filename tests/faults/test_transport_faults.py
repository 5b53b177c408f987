"""Faults below HTTP status codes: stalls, drips, resets, short bodies, broken encodings, timeouts.

Each test points a real client at a misbehaving route of the fault server and asserts the typed
error, the number of attempts the server saw, a bound on the elapsed time, and (through
`fault_client`) that no connection leaked. Every test runs for RavanClient and AsyncRavanClient.
"""

from __future__ import annotations

import time
import types
from typing import Any, cast

import anyio
import httpx
import pytest

from ravan_client import (
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APITimeoutError,
    AsyncRavanClient,
    RavanClient,
)
from tests.faults.conftest import CLIENT_DEFAULT, FAST_TIMEOUT, Flavor, fault_client
from tests.faults.fault_server import FaultServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(20)]


# --- nothing comes back in time ------------------------------------------------------------------


async def test_headers_later_than_the_timeout_raise_api_timeout_error_after_every_retry(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "stall-headers", token, max_retries=2) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 3
    assert under_test.sleeps == [0.5, 1.0]
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    # Three attempts, each cut off by the 0.3 s timeout; the backoff sleeps are recorded, not slept.
    assert 3 * FAST_TIMEOUT <= elapsed < 3 * FAST_TIMEOUT + 2.0


async def test_a_stall_in_real_time_takes_the_timeouts_plus_the_backoff_and_no_more(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "stall-headers", token, max_retries=1, real_sleep=True) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 2
    # One backoff of 0.5 s less up to 25% jitter.
    assert len(under_test.sleeps) == 1
    assert 0.375 <= under_test.sleeps[0] <= 0.5
    assert 2 * FAST_TIMEOUT + 0.375 <= elapsed < 3.0


async def test_a_body_that_stalls_half_way_raises_api_timeout_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "stall-body", token, max_retries=1) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 2
    assert 2 * FAST_TIMEOUT <= elapsed < 2 * FAST_TIMEOUT + 2.0


async def test_a_body_dripping_a_byte_at_a_time_is_cut_off_by_the_timeout(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """The documented timeout is "for each attempt". The server sends one byte every 100 ms for
    4 s: no single read waits longer than the 0.5 s timeout, so only a deadline on the whole
    attempt stops it."""
    async with fault_client(flavor, fault_server, "drip-body", token, 100, 40, timeout=0.5) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert elapsed < 2.0


async def test_cancelling_an_async_call_during_a_stall_leaves_no_connection_behind(
    fault_server: FaultServer, token: str
) -> None:
    async with fault_client("async", fault_server, "stall-headers", token, timeout=10.0) as under_test:
        started = time.monotonic()
        with anyio.move_on_after(0.3) as scope:
            await under_test.first_page()
        assert scope.cancelled_caught
        assert time.monotonic() - started < 2.0


# --- the connection breaks ---------------------------------------------------------------------------


async def test_a_reset_before_the_headers_raises_api_connection_error_after_every_retry(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "reset-before-headers", token, max_retries=2) as under_test:
        with pytest.raises(APIConnectionError) as caught:
            await under_test.first_page()
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert fault_server.attempts(token) == 3
    assert under_test.sleeps == [0.5, 1.0]


async def test_a_reset_after_the_headers_raises_api_connection_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "reset-after-headers", token, max_retries=1) as under_test:
        with pytest.raises(APIConnectionError) as caught:
            await under_test.first_page()
    assert not isinstance(caught.value, APITimeoutError)
    assert fault_server.attempts(token) == 2


async def test_a_body_shorter_than_its_content_length_raises_api_connection_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "short-body", token, max_retries=1) as under_test:
        with pytest.raises(APIConnectionError) as caught:
            await under_test.first_page()
    assert "RemoteProtocolError" in str(caught.value)
    assert fault_server.attempts(token) == 2


async def test_a_body_that_contradicts_its_content_encoding_raises_api_connection_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """`Content-Encoding: gzip` on a plain body: httpx cannot decode it. That surfaces as the
    client's APIConnectionError (retried like any broken transfer), not a bare httpx.DecodingError."""
    async with fault_client(flavor, fault_server, "bad-gzip", token, max_retries=1) as under_test:
        with pytest.raises(APIConnectionError, match="DecodingError"):
            await under_test.first_page()
    assert fault_server.attempts(token) == 2


async def test_a_redirect_to_a_malformed_location_raises_api_connection_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "bad-location", token) as under_test:
        with pytest.raises(APIConnectionError, match="Invalid URL in location header"):
            await under_test.first_page()
    assert fault_server.attempts(token) == 1


# --- the default timeout -----------------------------------------------------------------------------


def test_the_default_timeout_is_finite_and_is_the_constructors_default() -> None:
    assert all(seconds is not None and 0 < seconds <= 60 for seconds in DEFAULT_TIMEOUT.as_dict().values())
    for client_class in (RavanClient, AsyncRavanClient):
        defaults = _constructor(client_class).__kwdefaults__
        assert defaults is not None
        assert defaults["timeout"] is DEFAULT_TIMEOUT


async def test_a_client_built_without_a_timeout_sends_the_default_on_every_request(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    sent_timeouts: list[dict[str, float | None]] = []

    def record(request: httpx.Request) -> None:
        sent_timeouts.append(request.extensions["timeout"])

    async def async_record(request: httpx.Request) -> None:
        record(request)

    async with fault_client(flavor, fault_server, "ok", token, timeout=CLIENT_DEFAULT) as under_test:
        under_test.client._http.event_hooks = {"request": [record if flavor == "sync" else async_record]}
        await under_test.first_page()
    assert sent_timeouts == [DEFAULT_TIMEOUT.as_dict()]


async def test_the_constructors_default_timeout_is_what_cuts_a_stall(
    flavor: Flavor, fault_server: FaultServer, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the constructor's default shortened to FAST_TIMEOUT, a client built without `timeout`
    gives up on a stall within it: the default reaches the socket, it is not only recorded."""
    client_class = RavanClient if flavor == "sync" else AsyncRavanClient
    defaults = _constructor(client_class).__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "timeout", httpx.Timeout(FAST_TIMEOUT))
    async with fault_client(flavor, fault_server, "stall-headers", token, timeout=CLIENT_DEFAULT) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
    assert time.monotonic() - started < FAST_TIMEOUT + 2.0


def _constructor(client_class: type[Any]) -> types.FunctionType:
    return cast(types.FunctionType, vars(client_class)["__init__"])


def test_a_page_response_keeps_httpx_elapsed(fault_server: FaultServer) -> None:
    # The client reads the body itself (for the attempt deadline) and rebuilds the response:
    # .elapsed, which httpx sets only on responses it closes, must survive that.
    with RavanClient(api_key="k", base_url=fault_server.base_url("ok", "elapsed"), max_retries=0) as client:
        page = client.call_sessions.list()
    assert page.response.elapsed.total_seconds() >= 0
