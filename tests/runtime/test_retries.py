"""Retries, backoff, Retry-After, and which requests may be retried at all.

Driven by an in-process transport and a recorded sleep: the backoff schedule is asserted
exactly, and nothing waits for real.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from ravan_runtime._base_client import parse_retry_after
from ravan_runtime._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    RateLimitError,
)

from tests.runtime.harness import (
    AsyncHarness,
    Harness,
    Server,
    json_response,
    make_client,
    page_body,
    session,
    sessions,
)

ERROR_BODY = {"success": False, "message": "nope"}


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_twice_by_default(harness: Harness, status: int) -> None:
    harness.server.respond = lambda request: json_response(status, ERROR_BODY)
    with pytest.raises(APIStatusError) as caught:
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 3
    assert caught.value.status_code == status
    assert harness.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_are_never_retried(harness: Harness, status: int) -> None:
    harness.server.respond = lambda request: json_response(status, ERROR_BODY)
    with pytest.raises(APIStatusError) as caught:
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 1
    assert caught.value.status_code == status
    assert harness.sleeps == []


def test_a_retry_that_succeeds_returns_the_page(harness: Harness) -> None:
    harness.server.responses = [
        json_response(503, ERROR_BODY),
        json_response(503, ERROR_BODY),
        json_response(200, page_body(sessions("s", 2))),
    ]
    page = harness.client.call_sessions.list()
    assert [s.id for s in page.items] == ["s0", "s1"]
    assert harness.sleeps == [0.5, 1.0]


def test_max_retries_zero_disables_retries(server: Server) -> None:
    server.respond = lambda request: json_response(500, ERROR_BODY)
    harness = make_client(server, max_retries=0)
    with harness.client, pytest.raises(InternalServerError):
        harness.client.call_sessions.list()
    assert len(server.requests) == 1


def test_max_retries_can_be_set_per_call(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(500, ERROR_BODY)
    with pytest.raises(InternalServerError):
        harness.client.call_sessions.list(max_retries=4)
    assert len(harness.server.requests) == 5


def test_backoff_doubles_from_half_a_second_to_an_eight_second_cap(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(500, ERROR_BODY)
    with pytest.raises(InternalServerError):
        harness.client.call_sessions.list(max_retries=7)
    assert harness.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_shortens_each_delay_by_at_most_a_quarter(harness: Harness) -> None:
    harness.client._random = lambda: 1.0  # the largest jitter random.random() can give
    harness.server.respond = lambda request: json_response(500, ERROR_BODY)
    with pytest.raises(InternalServerError):
        harness.client.call_sessions.list(max_retries=3)
    assert harness.sleeps == [0.375, 0.75, 1.5]


def test_connection_errors_are_retried_then_raised_as_api_connection_error(harness: Harness) -> None:
    harness.server.responses = [httpx.ConnectError("refused")] * 3
    with pytest.raises(APIConnectionError) as caught:
        harness.client.call_sessions.list()
    assert not isinstance(caught.value, APITimeoutError)
    assert len(harness.server.requests) == 3
    assert "ConnectError" in str(caught.value)


def test_timeouts_are_retried_then_raised_as_api_timeout_error(harness: Harness) -> None:
    harness.server.responses = [httpx.ReadTimeout("slow")] * 3
    with pytest.raises(APITimeoutError):
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 3
    assert harness.sleeps == [0.5, 1.0]


def test_retry_after_seconds_is_honoured(harness: Harness) -> None:
    harness.server.responses = [json_response(429, ERROR_BODY, {"Retry-After": "3"}), json_response(200, page_body([]))]
    harness.client.call_sessions.list()
    assert harness.sleeps == [3.0]


def test_retry_after_longer_than_a_minute_falls_back_to_backoff(harness: Harness) -> None:
    harness.server.responses = [
        json_response(429, ERROR_BODY, {"Retry-After": "3600"}),
        json_response(200, page_body([])),
    ]
    harness.client.call_sessions.list()
    assert harness.sleeps == [0.5]


def test_rate_limit_error_carries_the_retry_delay(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(429, ERROR_BODY, {"Retry-After": "7"})
    with pytest.raises(RateLimitError) as caught:
        harness.client.call_sessions.list(max_retries=0)
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize("headers", [{"Retry-After": "-5"}, {"retry-after-ms": "nan"}, {"Retry-After": "0"}, {}])
def test_rate_limit_error_has_no_retry_delay_unless_the_server_gave_a_positive_one(
    harness: Harness, headers: dict[str, str]
) -> None:
    harness.server.respond = lambda request: json_response(429, ERROR_BODY, headers)
    with pytest.raises(RateLimitError) as caught:
        harness.client.call_sessions.list(max_retries=0)
    assert caught.value.retry_after is None


def test_a_bad_request_after_a_retry_is_raised_without_more_retries(harness: Harness) -> None:
    harness.server.responses = [json_response(503, ERROR_BODY), json_response(400, ERROR_BODY)]
    with pytest.raises(BadRequestError):
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 2


def test_an_undecodable_body_is_a_typed_error_not_a_raw_httpx_one(harness: Harness) -> None:
    harness.server.respond = lambda request: httpx.Response(
        200, content=b"definitely not gzip", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(APIConnectionError, match="DecodingError"):
        harness.client.call_sessions.list(max_retries=0)


def test_a_request_our_side_cannot_send_is_not_retried(harness: Harness) -> None:
    harness.server.responses = [httpx.LocalProtocolError("Illegal header value")]
    with pytest.raises(APIConnectionError, match="LocalProtocolError"):
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 1
    assert harness.sleeps == []


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
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": email.utils.formatdate(NOW + 5, usegmt=True)}, 5.0),
        ({"Retry-After": email.utils.formatdate(NOW - 5, usegmt=True)}, -5.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00"}, None),  # no zone: unreadable
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "x", "Retry-After": "4"}, 4.0),
        ({"retry-after-ms": "inf", "Retry-After": "4"}, 4.0),
        ({}, None),
    ],
)
def test_parse_retry_after(monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], expected: float | None) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)
    assert parse_retry_after(httpx.Headers(headers)) == expected


@pytest.mark.parametrize(
    ("retry_after", "expected_delay"),
    [("2", 2.0), ("60", 60.0), ("0.25", 0.25), ("0", 0.5), ("-1", 0.5), ("61", 0.5), ("garbage", 0.5)],
)
def test_which_retry_after_values_are_honoured(harness: Harness, retry_after: str, expected_delay: float) -> None:
    response = json_response(429, ERROR_BODY, {"Retry-After": retry_after})
    assert harness.client._retry_delay(0, response) == expected_delay


# --- retry safety: a request that may create something is not sent twice ----------------------------

AFTER_SENDING: list[Callable[[], httpx.Response | Exception]] = [
    lambda: json_response(500, ERROR_BODY),
    lambda: json_response(503, ERROR_BODY, {"Retry-After": "1"}),
    lambda: json_response(429, ERROR_BODY, {"Retry-After": "1"}),
    lambda: json_response(409, ERROR_BODY),
    lambda: json_response(408, ERROR_BODY),
    lambda: httpx.ReadError("connection reset by peer"),
    lambda: httpx.ReadTimeout("no answer"),
    lambda: httpx.RemoteProtocolError("server disconnected without sending a response"),
    lambda: httpx.WriteTimeout("body not accepted in time"),
]
AFTER_SENDING_IDS = [
    *("500", "503", "429", "409", "408"),
    *("ReadError", "ReadTimeout", "RemoteProtocolError", "WriteTimeout"),
]
BEFORE_SENDING: list[Callable[[], Exception]] = [
    lambda: httpx.ConnectError("connection refused"),
    lambda: httpx.ConnectTimeout("no connection in time"),
    lambda: httpx.PoolTimeout("no free connection in the pool"),
]
BEFORE_SENDING_IDS = ["ConnectError", "ConnectTimeout", "PoolTimeout"]


CALL: dict[str, Any] = {"agent_id": "agt_1", "call_type": "web_call"}
"""The arguments of `calls.create` (a POST without x-idempotent: it may ring someone twice)."""


def created(request: httpx.Request) -> httpx.Response:
    """What `calls.create` answers (the call's session at `data.sessionId`) and, since unknown keys
    are kept, what `contacts.search` (a POST marked x-idempotent) answers too (`contacts`)."""
    return json_response(201, {"success": True, "data": {"sessionId": "new"}, "contacts": [session("new")]})


@pytest.mark.parametrize("failure", AFTER_SENDING, ids=AFTER_SENDING_IDS)
@pytest.mark.parametrize("operation", ["create", "update"])
def test_a_post_or_patch_is_not_retried_once_it_may_have_reached_the_server(
    harness: Harness, failure: Callable[[], httpx.Response | Exception], operation: str
) -> None:
    harness.server.responses = [failure(), created(httpx.Request("GET", "/"))]
    client = harness.client
    call: Callable[[], object] = (
        (lambda: client.calls.create(**CALL))
        if operation == "create"
        else (lambda: client.agents.update("a1", active=True))
    )
    with pytest.raises((APIStatusError, APIConnectionError)):
        call()
    assert len(harness.server.requests) == 1
    assert harness.sleeps == []


@pytest.mark.parametrize("failure", BEFORE_SENDING, ids=BEFORE_SENDING_IDS)
def test_a_post_is_retried_when_it_never_reached_the_server(harness: Harness, failure: Callable[[], Exception]) -> None:
    harness.server.responses = [failure(), failure(), created(httpx.Request("GET", "/"))]
    assert harness.client.calls.create(**CALL).data.session_id == "new"
    assert [request.method for request in harness.server.requests] == ["POST"] * 3
    assert harness.sleeps == [0.5, 1.0]


def test_a_post_that_never_connects_ends_as_a_connection_error_after_the_retries(harness: Harness) -> None:
    harness.server.responses = [httpx.ConnectError("refused")] * 3
    with pytest.raises(APIConnectionError):
        harness.client.calls.create(**CALL)
    assert len(harness.server.requests) == 3


def test_a_post_error_status_is_raised_as_its_class(harness: Harness) -> None:
    harness.server.responses = [json_response(409, {"success": False, "message": "exists"})]
    with pytest.raises(ConflictError, match="exists"):
        harness.client.calls.create(**CALL)


@pytest.mark.parametrize("failure", AFTER_SENDING, ids=AFTER_SENDING_IDS)
def test_an_idempotent_post_keeps_the_usual_retry_rules(
    harness: Harness, failure: Callable[[], httpx.Response | Exception]
) -> None:
    harness.server.responses = [failure(), created(httpx.Request("GET", "/"))]
    assert harness.client.contacts.search(query="vip").contacts[0].id == "new"
    assert len(harness.server.requests) == 2
    assert len(harness.sleeps) == 1


def test_an_idempotent_post_honours_retry_after(harness: Harness) -> None:
    harness.server.responses = [
        json_response(429, ERROR_BODY, {"Retry-After": "3"}),
        json_response(503, ERROR_BODY, {"Retry-After": "120"}),
        created(httpx.Request("GET", "/")),
    ]
    harness.client.contacts.search(query="vip")
    assert harness.sleeps == [3.0, 1.0]


# --- async -------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_client_retries_with_the_same_schedule(async_harness: AsyncHarness) -> None:
    async_harness.server.responses = [
        json_response(502, ERROR_BODY),
        httpx.ConnectError("reset"),
        json_response(200, page_body(sessions("a", 1))),
    ]
    page = await async_harness.client.call_sessions.list()
    assert [s.id for s in page.items] == ["a0"]
    assert async_harness.sleeps == [0.5, 1.0]


@pytest.mark.anyio
async def test_async_client_raises_timeout_after_retries(async_harness: AsyncHarness) -> None:
    async_harness.server.responses = [httpx.ConnectTimeout("slow")] * 2
    with pytest.raises(APITimeoutError):
        await async_harness.client.agents.get("s1", max_retries=1)
    assert len(async_harness.server.requests) == 2


@pytest.mark.anyio
@pytest.mark.parametrize("failure", AFTER_SENDING, ids=AFTER_SENDING_IDS)
async def test_async_post_is_not_retried_once_it_may_have_reached_the_server(
    async_harness: AsyncHarness, failure: Callable[[], httpx.Response | Exception]
) -> None:
    async_harness.server.responses = [failure(), created(httpx.Request("GET", "/"))]
    with pytest.raises((APIStatusError, APIConnectionError)):
        await async_harness.client.calls.create(**CALL)
    assert len(async_harness.server.requests) == 1
    assert async_harness.sleeps == []


@pytest.mark.anyio
@pytest.mark.parametrize("failure", BEFORE_SENDING, ids=BEFORE_SENDING_IDS)
async def test_async_post_is_retried_when_it_never_reached_the_server(
    async_harness: AsyncHarness, failure: Callable[[], Exception]
) -> None:
    async_harness.server.responses = [failure(), created(httpx.Request("GET", "/"))]
    assert (await async_harness.client.calls.create(**CALL)).data.session_id == "new"
    assert len(async_harness.server.requests) == 2
    assert async_harness.sleeps == [0.5]


@pytest.mark.anyio
@pytest.mark.parametrize("failure", AFTER_SENDING, ids=AFTER_SENDING_IDS)
async def test_async_idempotent_post_keeps_the_usual_retry_rules(
    async_harness: AsyncHarness, failure: Callable[[], httpx.Response | Exception]
) -> None:
    async_harness.server.responses = [failure(), created(httpx.Request("GET", "/"))]
    assert (await async_harness.client.contacts.search(query="a")).contacts[0].id == "new"
    assert len(async_harness.server.requests) == 2


# --- a request answered with a redirect has reached the server ---------------------------------------


def see_other(request: httpx.Request) -> httpx.Response:
    """A same-origin 303: the POST was received (and perhaps acted on); the result is elsewhere."""
    return httpx.Response(303, headers={"Location": "/api/v1/calling/call-sessions-detail/new"})


@pytest.mark.parametrize("failure", BEFORE_SENDING, ids=BEFORE_SENDING_IDS)
def test_a_post_answered_303_is_not_retried_when_the_next_hop_cannot_connect(
    harness: Harness, failure: Callable[[], Exception]
) -> None:
    """ConnectTimeout is also what the deadline running out while reconnecting for the next hop
    raises (the sync pools clamp the connect to what is left of the attempt)."""
    harness.server.responses = [see_other(httpx.Request("POST", "/")), failure(), created(httpx.Request("GET", "/"))]
    with pytest.raises(APIConnectionError):
        harness.client.calls.create(**CALL)
    assert [request.method for request in harness.server.requests] == ["POST", "GET"]
    assert harness.sleeps == []


@pytest.mark.parametrize("failure", BEFORE_SENDING, ids=BEFORE_SENDING_IDS)
def test_an_idempotent_request_whose_redirect_cannot_connect_is_retried(
    harness: Harness, failure: Callable[[], Exception]
) -> None:
    harness.server.responses = [
        see_other(httpx.Request("POST", "/")),
        failure(),
        see_other(httpx.Request("POST", "/")),
        created(httpx.Request("GET", "/")),
    ]
    assert harness.client.contacts.search(query="vip").contacts[0].id == "new"
    assert [request.method for request in harness.server.requests] == ["POST", "GET", "POST", "GET"]
    assert harness.sleeps == [0.5]


@pytest.mark.anyio
@pytest.mark.parametrize("failure", BEFORE_SENDING, ids=BEFORE_SENDING_IDS)
async def test_async_post_answered_303_is_not_retried_when_the_next_hop_cannot_connect(
    async_harness: AsyncHarness, failure: Callable[[], Exception]
) -> None:
    async_harness.server.responses = [
        see_other(httpx.Request("POST", "/")),
        failure(),
        created(httpx.Request("GET", "/")),
    ]
    with pytest.raises(APIConnectionError):
        await async_harness.client.calls.create(**CALL)
    assert [request.method for request in async_harness.server.requests] == ["POST", "GET"]
    assert async_harness.sleeps == []
