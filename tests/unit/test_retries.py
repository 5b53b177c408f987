"""Retries, backoff and Retry-After, driven by an in-process transport and a recorded sleep."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from ravan_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
)
from ravan_client._base_client import parse_retry_after
from tests.unit.conftest import (
    AsyncHarness,
    Recorder,
    SyncHarness,
    ids,
    json_response,
    make_sync_harness,
    page_body,
)

ERROR_BODY = {"success": False, "message": "nope"}


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_twice_by_default(harness: SyncHarness, status: int) -> None:
    harness.recorder.respond = lambda request: json_response(status, ERROR_BODY)
    with pytest.raises(APIStatusError) as caught:
        harness.client.call_sessions.list()
    assert len(harness.recorder.requests) == 3
    assert caught.value.status_code == status


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_are_never_retried(harness: SyncHarness, status: int) -> None:
    harness.recorder.respond = lambda request: json_response(status, ERROR_BODY)
    with pytest.raises(APIStatusError) as caught:
        harness.client.call_sessions.list()
    assert len(harness.recorder.requests) == 1
    assert caught.value.status_code == status
    assert harness.sleeps == []


def test_a_retry_that_succeeds_returns_the_page(harness: SyncHarness) -> None:
    harness.recorder.responses = [
        json_response(503, ERROR_BODY),
        json_response(503, ERROR_BODY),
        json_response(200, page_body(ids("s", 2))),
    ]
    page = harness.client.call_sessions.list()
    assert [s.id for s in page.items] == ["s0", "s1"]
    assert harness.sleeps == [0.5, 1.0]


def test_max_retries_zero_disables_retries(recorder: Recorder) -> None:
    recorder.respond = lambda request: json_response(500, ERROR_BODY)
    for harness in make_sync_harness(recorder, max_retries=0):
        with pytest.raises(InternalServerError):
            harness.client.call_sessions.list()
        assert len(recorder.requests) == 1


def test_max_retries_can_be_set_per_call(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(500, ERROR_BODY)
    with pytest.raises(InternalServerError):
        harness.client.call_sessions.list(max_retries=4)
    assert len(harness.recorder.requests) == 5


def test_backoff_doubles_from_half_a_second_to_an_eight_second_cap(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(500, ERROR_BODY)
    with pytest.raises(InternalServerError):
        harness.client.call_sessions.list(max_retries=7)
    assert harness.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_shortens_each_delay_by_at_most_a_quarter(harness: SyncHarness) -> None:
    harness.client._random = lambda: 1.0  # the largest jitter random.random() can give
    harness.recorder.respond = lambda request: json_response(500, ERROR_BODY)
    with pytest.raises(InternalServerError):
        harness.client.call_sessions.list(max_retries=3)
    assert harness.sleeps == [0.375, 0.75, 1.5]


def test_connection_errors_are_retried_then_raised_as_api_connection_error(harness: SyncHarness) -> None:
    harness.recorder.responses = [httpx.ConnectError("refused")] * 3
    with pytest.raises(APIConnectionError) as caught:
        harness.client.call_sessions.list()
    assert not isinstance(caught.value, APITimeoutError)
    assert len(harness.recorder.requests) == 3
    assert "ConnectError" in str(caught.value)


def test_timeouts_are_retried_then_raised_as_api_timeout_error(harness: SyncHarness) -> None:
    harness.recorder.responses = [httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow")]
    with pytest.raises(APITimeoutError):
        harness.client.call_sessions.list()
    assert len(harness.recorder.requests) == 3
    assert harness.sleeps == [0.5, 1.0]


def test_retry_after_seconds_is_honoured(harness: SyncHarness) -> None:
    harness.recorder.responses = [
        json_response(429, ERROR_BODY, {"Retry-After": "3"}),
        json_response(200, page_body([])),
    ]
    harness.client.call_sessions.list()
    assert harness.sleeps == [3.0]


def test_retry_after_longer_than_a_minute_falls_back_to_backoff(harness: SyncHarness) -> None:
    harness.recorder.responses = [
        json_response(429, ERROR_BODY, {"Retry-After": "3600"}),
        json_response(200, page_body([])),
    ]
    harness.client.call_sessions.list()
    assert harness.sleeps == [0.5]


def test_rate_limit_error_carries_the_retry_delay(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(429, ERROR_BODY, {"Retry-After": "7"})
    with pytest.raises(RateLimitError) as caught:
        harness.client.call_sessions.list(max_retries=0)
    assert caught.value.retry_after == 7.0


def test_a_bad_request_after_a_retry_is_raised_without_more_retries(harness: SyncHarness) -> None:
    harness.recorder.responses = [json_response(503, ERROR_BODY), json_response(400, ERROR_BODY)]
    with pytest.raises(BadRequestError):
        harness.client.call_sessions.list()
    assert len(harness.recorder.requests) == 2


@pytest.mark.anyio
async def test_async_client_retries_with_the_same_schedule(async_harness: AsyncHarness) -> None:
    async_harness.recorder.responses = [
        json_response(502, ERROR_BODY),
        httpx.ConnectError("reset"),
        json_response(200, page_body(ids("a", 1))),
    ]
    page = await async_harness.client.call_sessions.list()
    assert [s.id for s in page.items] == ["a0"]
    assert async_harness.sleeps == [0.5, 1.0]
    await async_harness.client.close()


@pytest.mark.anyio
async def test_async_client_raises_timeout_after_retries(async_harness: AsyncHarness) -> None:
    async_harness.recorder.responses = [httpx.ConnectTimeout("slow")] * 2
    with pytest.raises(APITimeoutError):
        await async_harness.client.call_sessions.list(max_retries=1)
    assert len(async_harness.recorder.requests) == 2
    await async_harness.client.close()


NOW = 1_800_000_000.0  # a fixed "now" so HTTP-date delays are exact


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "-3"}, -3.0),
        ({"Retry-After": "120"}, 120.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": email.utils.formatdate(NOW + 5, usegmt=True)}, 5.0),
        ({"Retry-After": email.utils.formatdate(NOW - 5, usegmt=True)}, -5.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "x", "Retry-After": "4"}, 4.0),
        ({}, None),
    ],
)
def test_parse_retry_after(monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], expected: float | None) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)
    assert parse_retry_after(httpx.Headers(headers)) == expected


@pytest.mark.parametrize(
    ("retry_after", "expected_delay"),
    [("2", 2.0), ("60", 60.0), ("0", 0.5), ("-1", 0.5), ("61", 0.5), ("garbage", 0.5)],
)
def test_which_retry_after_values_are_honoured(harness: SyncHarness, retry_after: str, expected_delay: float) -> None:
    response = json_response(429, ERROR_BODY, {"Retry-After": retry_after})
    assert harness.client._retry_delay(0, response) == expected_delay


def test_an_undecodable_body_is_a_typed_error_not_a_raw_httpx_one(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: httpx.Response(
        200, content=b"definitely not gzip", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(APIConnectionError, match="DecodingError"):
        harness.client.call_sessions.list(max_retries=0)


def test_a_request_our_side_cannot_send_is_not_retried(harness: SyncHarness) -> None:
    harness.recorder.responses = [httpx.LocalProtocolError("Illegal header value")]
    with pytest.raises(APIConnectionError, match="LocalProtocolError"):
        harness.client.call_sessions.list()
    assert len(harness.recorder.requests) == 1
    assert harness.sleeps == []


@pytest.mark.parametrize("headers", [{"Retry-After": "-5"}, {"retry-after-ms": "nan"}, {"Retry-After": "0"}])
def test_rate_limit_error_has_no_retry_delay_unless_the_server_gave_a_positive_one(
    harness: SyncHarness, headers: dict[str, str]
) -> None:
    harness.recorder.respond = lambda request: json_response(429, ERROR_BODY, headers)
    with pytest.raises(RateLimitError) as caught:
        harness.client.call_sessions.list(max_retries=0)
    assert caught.value.retry_after is None
