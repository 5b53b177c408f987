"""Faults a server answers with: HTML error pages, bodies that are not the envelope, rate limits
with Retry-After (seconds and HTTP date), 5xx that clear up, and the cap on retries.

Attempts are counted on the server. Backoff is recorded without sleeping, except in the tests
named "in real time", which sleep for real and bound the total time from both sides.
"""

from __future__ import annotations

import time

import pytest

from ravan_client import APIResponseValidationError, InternalServerError, RateLimitError
from tests.faults.conftest import Flavor, fault_client
from tests.faults.fault_server import FaultServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


# --- bodies that are not a page ----------------------------------------------------------------------


async def test_an_html_502_page_is_retried_then_raised_as_internal_server_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "bad-gateway-html", token, max_retries=2) as under_test:
        with pytest.raises(InternalServerError) as caught:
            await under_test.first_page()
    assert caught.value.status_code == 502
    assert str(caught.value) == "502 Bad Gateway"  # the status line, not the proxy's markup
    assert fault_server.attempts(token) == 3
    assert under_test.sleeps == [0.5, 1.0]


async def test_a_200_with_an_html_body_raises_response_validation_error_with_an_excerpt(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "html-200", token, max_retries=2) as under_test:
        with pytest.raises(APIResponseValidationError) as caught:
            await under_test.first_page()
    assert caught.value.status_code == 200
    assert caught.value.body_excerpt.startswith("<!DOCTYPE html>")
    assert "text/html" in str(caught.value)
    assert fault_server.attempts(token) == 1  # a body that is not JSON is not worth asking again for


async def test_truncated_json_raises_response_validation_error_with_an_excerpt(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "truncated-json", token, max_retries=2) as under_test:
        with pytest.raises(APIResponseValidationError) as caught:
            await under_test.first_page()
    assert caught.value.body_excerpt.startswith('{"success": true')
    assert "not JSON" in str(caught.value)
    assert fault_server.attempts(token) == 1


async def test_a_200_saying_success_false_raises_response_validation_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "success-false", token) as under_test:
        with pytest.raises(APIResponseValidationError, match="success is false: Organization is suspended"):
            await under_test.first_page()
    assert fault_server.attempts(token) == 1


# --- rate limits -----------------------------------------------------------------------------------


async def test_429_with_retry_after_in_seconds_waits_that_long_then_succeeds(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "retry-after-seconds", token, 1, 3, max_retries=2) as under_test:
        page = await under_test.first_page()
    assert [item.id for item in page.items] == ["after-rate-limit"]
    assert under_test.sleeps == [3.0]
    assert fault_server.attempts(token) == 2


async def test_retry_after_in_seconds_is_honoured_in_real_time(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(
        flavor, fault_server, "retry-after-seconds", token, 99, 1, max_retries=1, real_sleep=True
    ) as under_test:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert caught.value.retry_after == 1.0
    assert under_test.sleeps == [1.0]
    assert fault_server.attempts(token) == 2
    assert elapsed >= 1.0  # slept for real (the wait asked for is recorded above: no upper bound)


async def test_retry_after_as_an_http_date_is_honoured_in_real_time(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """The server asks for 2 s as an HTTP date, which has whole seconds: the wait is 1 to 2 s."""
    async with fault_client(
        flavor, fault_server, "retry-after-date", token, 99, 2, max_retries=1, real_sleep=True
    ) as under_test:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            await under_test.first_page()
        elapsed = time.monotonic() - started
    assert caught.value.retry_after is not None
    assert 0.5 < caught.value.retry_after <= 2.0
    assert len(under_test.sleeps) == 1
    assert 0.9 < under_test.sleeps[0] <= 2.0
    assert fault_server.attempts(token) == 2
    assert elapsed >= under_test.sleeps[0]  # slept for real


async def test_429_with_an_http_date_then_200_succeeds(flavor: Flavor, fault_server: FaultServer, token: str) -> None:
    async with fault_client(flavor, fault_server, "retry-after-date", token, 1, 5, max_retries=1) as under_test:
        page = await under_test.first_page()
    assert [item.id for item in page.items] == ["after-rate-limit"]
    assert len(under_test.sleeps) == 1
    assert 3.9 < under_test.sleeps[0] <= 5.0
    assert fault_server.attempts(token) == 2


# --- 5xx that clear up, and the cap ------------------------------------------------------------------


async def test_503_twice_then_200_succeeds_on_the_third_attempt(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "flaky", token, 2, 503, max_retries=2) as under_test:
        page = await under_test.first_page()
    assert [item.id for item in page.items] == ["after-2-failures"]
    assert under_test.sleeps == [0.5, 1.0]
    assert fault_server.attempts(token) == 3


async def test_503_twice_then_200_in_real_time_sleeps_the_jittered_backoff(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "flaky", token, 2, 503, max_retries=2, real_sleep=True) as under_test:
        started = time.monotonic()
        await under_test.first_page()
        elapsed = time.monotonic() - started
    assert fault_server.attempts(token) == 3
    # 0.5 s then 1 s, each shortened by up to 25% jitter.
    assert 0.375 <= under_test.sleeps[0] <= 0.5
    assert 0.75 <= under_test.sleeps[1] <= 1.0
    assert elapsed >= sum(under_test.sleeps)  # slept for real


@pytest.mark.parametrize("max_retries", [0, 1, 4])
async def test_the_retry_cap_allows_exactly_max_retries_plus_one_attempts(
    flavor: Flavor, fault_server: FaultServer, token: str, max_retries: int
) -> None:
    async with fault_client(flavor, fault_server, "flaky", token, 99, 503, max_retries=max_retries) as under_test:
        with pytest.raises(InternalServerError) as caught:
            await under_test.first_page()
    assert caught.value.status_code == 503
    assert fault_server.attempts(token) == max_retries + 1
    assert under_test.sleeps == [0.5, 1.0, 2.0, 4.0][:max_retries]
