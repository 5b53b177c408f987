"""Faults below HTTP status codes: stalls, drips (of the body, and of the status line and headers),
endless `100 Continue`, resets, short bodies, broken encodings, gzip bombs, timeouts.

Each test points a real client at a misbehaving route of the fault server and asserts the typed
error, the number of attempts the server saw, a bound on the elapsed time, and (through
`fault_client`) that no connection leaked. Every test runs for RavanClient and AsyncRavanClient.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import time
import types
import warnings
from typing import Any, cast

import anyio
import httpx
import pytest

from ravan_client import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncRavanClient,
    RavanClient,
    ResponseTooLargeError,
)
from tests.faults.conftest import (
    API_KEY,
    CLIENT_DEFAULT,
    CUT_MARGIN,
    FAST_TIMEOUT,
    PATIENT_TIMEOUT,
    Flavor,
    fault_client,
)
from tests.faults.fault_server import GZIP_BOMB_MIB, STALL_LIMIT_SECONDS, FaultServer, gzip_bomb

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(20)]


# --- nothing comes back in time ------------------------------------------------------------------


async def test_headers_later_than_the_timeout_raise_api_timeout_error_after_every_retry(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(
        flavor, fault_server, "stall-headers", token, max_retries=2, timeout=FAST_TIMEOUT
    ) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 3
    assert under_test.sleeps == [0.5, 1.0]
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    # Three attempts, each cut off by the 0.3 s timeout; the backoff sleeps are recorded, not slept.
    assert 3 * FAST_TIMEOUT <= elapsed < 3 * FAST_TIMEOUT + CUT_MARGIN


async def test_a_stall_in_real_time_takes_the_timeouts_plus_the_backoff_and_no_more(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(
        flavor, fault_server, "stall-headers", token, max_retries=1, real_sleep=True, timeout=FAST_TIMEOUT
    ) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 2
    # One backoff of 0.5 s less up to 25% jitter.
    assert len(under_test.sleeps) == 1
    assert 0.375 <= under_test.sleeps[0] <= 0.5
    assert 2 * FAST_TIMEOUT + under_test.sleeps[0] <= elapsed < 2 * FAST_TIMEOUT + 0.5 + CUT_MARGIN


async def test_a_body_that_stalls_half_way_raises_api_timeout_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(
        flavor, fault_server, "stall-body", token, max_retries=1, timeout=FAST_TIMEOUT
    ) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 2
    assert 2 * FAST_TIMEOUT <= elapsed < 2 * FAST_TIMEOUT + CUT_MARGIN


async def test_a_body_dripping_a_byte_at_a_time_is_cut_off_by_the_timeout(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """The documented timeout is "for each attempt". The server sends one byte every 100 ms for
    30 s: no single read waits longer than the 0.5 s timeout, so only a deadline on the whole
    attempt stops it."""
    async with fault_client(flavor, fault_server, "drip-body", token, 100, 300, timeout=0.5) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert elapsed < 0.5 + CUT_MARGIN


# A head dripped at 20 ms a byte takes over 80 s; 100 Continue every 20 ms never ends.
ENDLESS_HEADS = {"status-line-and-headers-dripped": ("drip-head", 20), "endless-100-continue": ("continue-forever", 20)}


@pytest.mark.parametrize("route", ENDLESS_HEADS.values(), ids=ENDLESS_HEADS.keys())
async def test_a_status_line_and_headers_that_never_end_are_cut_off_by_the_timeout(
    flavor: Flavor, fault_server: FaultServer, token: str, route: tuple[str, int]
) -> None:
    """Every read gets bytes well within the read timeout, so only a deadline on the whole attempt,
    status line and headers included, stops these."""
    name, interval_ms = route
    async with fault_client(flavor, fault_server, name, token, interval_ms, timeout=0.5) as under_test:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 1
    assert elapsed < 0.5 + CUT_MARGIN  # about the 0.5 s timeout; far from the 80 s (or forever) the head takes


async def test_cancelling_an_async_call_during_a_stall_leaves_no_connection_behind(
    fault_server: FaultServer, token: str
) -> None:
    # The client's own timeout outlasts the stall: only the cancellation can end the call early.
    async with fault_client(
        "async", fault_server, "stall-headers", token, timeout=2 * STALL_LIMIT_SECONDS
    ) as under_test:
        started = time.monotonic()
        with anyio.move_on_after(0.3) as scope:
            await under_test.first_page()
        assert scope.cancelled_caught
        assert time.monotonic() - started < 0.3 + CUT_MARGIN


async def test_cancelling_async_calls_at_any_moment_leaves_no_connection_busy(
    fault_server: FaultServer, token: str
) -> None:
    """`task.cancel()` at every point of a call, from before the connection to after the body: a
    cancellation landing where httpcore hands a fresh connection to the request used to leave that
    connection in the pool, busy, for good (encode/httpcore#1093)."""
    async with fault_client("async", fault_server, "ok", token, timeout=PATIENT_TIMEOUT) as under_test:
        client = under_test.client
        assert isinstance(client, AsyncRavanClient)
        for steps_before_cancel in range(40):
            call = asyncio.ensure_future(client.call_sessions.list())
            for _ in range(steps_before_cancel):
                await asyncio.sleep(0)
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await call
            assert under_test.busy_connections() == [], f"busy after a cancel at step {steps_before_cancel}"
        await under_test.first_page()  # the pool still works


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


# --- a body too large -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _gzip_bomb_built() -> None:
    """Builds the bomb before the test starts, so its time (and memory) is not the test's."""
    gzip_bomb()


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("_gzip_bomb_built")
@pytest.mark.parametrize("max_response_bytes", [1024 * 1024, CLIENT_DEFAULT], ids=["1-MiB", "default"])
async def test_a_gzip_bomb_raises_response_too_large_without_being_inflated(
    flavor: Flavor, fault_server: FaultServer, token: str, max_response_bytes: Any
) -> None:
    """Half a MB on the wire, 512 MiB once inflated. The client stops decoding past its cap: the
    process never holds anything near the inflated size (its peak memory grows by far less)."""
    assert len(gzip_bomb()) < 2 * 1024 * 1024
    limit = DEFAULT_MAX_RESPONSE_BYTES if max_response_bytes is CLIENT_DEFAULT else max_response_bytes
    peak_before = _peak_memory_bytes()
    async with fault_client(
        flavor, fault_server, "gzip-bomb", token, timeout=PATIENT_TIMEOUT, max_response_bytes=max_response_bytes
    ) as under_test:
        with pytest.raises(ResponseTooLargeError) as caught:
            await under_test.first_page()
    growth = _peak_memory_bytes() - peak_before
    assert isinstance(caught.value, APIResponseValidationError)
    assert caught.value.limit == limit
    assert f"max_response_bytes={limit:,}" in str(caught.value)
    assert fault_server.attempts(token) == 1  # not retried: the same body would come again
    assert growth < GZIP_BOMB_MIB * 1024 * 1024 / 2, f"peak memory grew by {growth / 2**20:.0f} MiB"


def _peak_memory_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


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
    assert time.monotonic() - started < FAST_TIMEOUT + CUT_MARGIN


def _constructor(client_class: type[Any]) -> types.FunctionType:
    return cast(types.FunctionType, vars(client_class)["__init__"])


def test_a_page_response_keeps_httpx_elapsed(fault_server: FaultServer) -> None:
    # The client reads the body itself (for the attempt deadline) and rebuilds the response:
    # .elapsed, which httpx sets only on responses it closes, must survive that.
    with RavanClient(api_key="k", base_url=fault_server.base_url("ok", "elapsed"), max_retries=0) as client:
        page = client.call_sessions.list()
    assert page.response.elapsed.total_seconds() >= 0


# --- after fork ------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_after_fork_the_child_uses_connections_of_its_own_and_the_parents_stays_usable(
    fault_server: FaultServer, token: str
) -> None:
    """Parent and child share the sockets of the pool after `os.fork()`: a child reading one could
    take the parent's response. The child of a RavanClient (and of its `with_options` copy) opens
    connections of its own; the parent's pooled connection keeps working."""
    base_url = fault_server.base_url("ok", token)
    with RavanClient(api_key=API_KEY, base_url=base_url, timeout=PATIENT_TIMEOUT, max_retries=0) as client:
        copy = client.with_options(max_retries=0)
        client.call_sessions.list()
        reader, writer = os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork of a threaded process
            pid = os.fork()
        if pid == 0:  # the child: a call on each client, what came back down the pipe, and out
            outcome = 1
            try:
                os.close(reader)
                sessions = [client.call_sessions.list().items[0].id, copy.call_sessions.list().items[0].id]
                client.close()  # closes the child's own pool only
                os.write(writer, json.dumps(sessions).encode())
                outcome = 0
            except BaseException as error:
                os.write(writer, repr(error).encode())
            finally:
                os._exit(outcome)
        os.close(writer)
        exit_code = _wait_for_child(pid, seconds=30)
        with os.fdopen(reader, "rb") as pipe:
            report = pipe.read().decode()
        assert exit_code == 0, f"the child failed: {report}"
        assert json.loads(report) == [f"ok-{token}"] * 2
        client.call_sessions.list()  # the parent, after the child is gone
    in_parent, from_child, from_child_copy, in_parent_again = fault_server.requests_for(token)
    assert from_child.connection != in_parent.connection  # the child did not use the parent's socket
    assert from_child_copy.connection == from_child.connection  # the copy shares the child's new pool
    assert in_parent_again.connection == in_parent.connection  # the parent's pooled connection still works
    assert fault_server.connections_for(token) == 2


def _wait_for_child(pid: int, *, seconds: float) -> int:
    """The child's exit code; kills it (and fails) if it has not exited within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the forked child did not finish within {seconds} s")
