"""Authentication and the error responses of the spec, as the client reports them.

Each error status the spec documents is served by Prism (`Prefer: code=N`, with the spec's own
example body and headers) and must raise its typed exception carrying the right status and the
envelope's message. The 429 carries the spec's `Retry-After` example, which the client must
expose as `retry_after` and honour when it retries.
"""

from __future__ import annotations

import httpx
import pytest

from ravan_client import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    UnprocessableEntityError,
)
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.contract.spec_support import (
    LIST_PATH,
    error_example,
    error_header_example,
    error_responses,
    schema_errors,
)

pytestmark = pytest.mark.contract

ERROR_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
}
SPEC_RETRY_AFTER = float(error_header_example(429, "Retry-After"))


def test_every_error_status_of_the_spec_has_its_error_class_here() -> None:
    assert set(ERROR_CLASSES) == set(error_responses())


@pytest.mark.parametrize("status", list(ERROR_CLASSES))
def test_each_error_example_matches_the_error_schema(status: int) -> None:
    assert schema_errors("ErrorResponse", error_example(status)) == []


def test_a_request_without_an_api_key_gets_401(api_server: ApiServer) -> None:
    response = httpx.get(api_server.base_url + LIST_PATH, timeout=10.0)
    assert response.status_code == 401
    if api_server.is_prism:
        assert response.json() == error_example(401)


def test_a_request_with_an_api_key_is_not_refused_as_unauthenticated(api_server: ApiServer) -> None:
    with sync_client(api_server) as client:
        page = client.call_sessions.list()
    assert page.response.status_code == 200
    assert page.response.request.headers["X-Api-Key"] == api_server.api_key


@pytest.mark.parametrize(("status", "error_class"), ERROR_CLASSES.items())
def test_each_error_status_raises_its_class_with_the_envelope_message(
    prism_server: ApiServer, status: int, error_class: type[APIStatusError]
) -> None:
    with (
        sync_client(prism_server, max_retries=0, default_headers={"Prefer": f"code={status}"}) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        client.call_sessions.list()
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error_example(status)["message"] in error.message
    assert error.response.json() == error_example(status)


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "error_class"), ERROR_CLASSES.items())
async def test_the_async_client_raises_the_same_class_for_each_error_status(
    prism_server: ApiServer, status: int, error_class: type[APIStatusError]
) -> None:
    async with async_client(prism_server, max_retries=0, default_headers={"Prefer": f"code={status}"}) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.call_sessions.list()
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error_example(status)["message"] in error.message


def test_429_exposes_the_retry_after_of_the_spec(prism_server: ApiServer) -> None:
    with (
        sync_client(prism_server, max_retries=0, default_headers={"Prefer": "code=429"}) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.call_sessions.list()
    assert SPEC_RETRY_AFTER == 2.0
    assert caught.value.retry_after == SPEC_RETRY_AFTER


def test_429_is_retried_once_after_the_retry_after_delay(prism_server: ApiServer) -> None:
    attempts: list[httpx.Request] = []
    sleeps: list[float] = []
    http = httpx.Client(timeout=10.0, event_hooks={"request": [attempts.append]})
    with (
        http,
        sync_client(prism_server, max_retries=1, http_client=http, default_headers={"Prefer": "code=429"}) as client,
    ):
        client._sleep = sleeps.append
        with pytest.raises(RateLimitError) as caught:
            client.call_sessions.list()
    assert len(attempts) == 2
    assert sleeps == [SPEC_RETRY_AFTER]
    assert caught.value.retry_after == SPEC_RETRY_AFTER


@pytest.mark.anyio
async def test_the_async_client_retries_429_once_after_the_retry_after_delay(prism_server: ApiServer) -> None:
    attempts: list[httpx.Request] = []
    sleeps: list[float] = []

    async def record_attempt(request: httpx.Request) -> None:
        attempts.append(request)

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    http = httpx.AsyncClient(timeout=10.0, event_hooks={"request": [record_attempt]})
    async with (
        http,
        async_client(prism_server, max_retries=1, http_client=http, default_headers={"Prefer": "code=429"}) as client,
    ):
        client._sleep = record_sleep
        with pytest.raises(RateLimitError):
            await client.call_sessions.list()
    assert len(attempts) == 2
    assert sleeps == [SPEC_RETRY_AFTER]


def test_a_500_is_retried_and_then_raised(prism_server: ApiServer) -> None:
    """5xx is retryable; Prism's 500 carries no Retry-After, so the backoff schedule applies."""
    sleeps: list[float] = []
    with sync_client(prism_server, max_retries=2, default_headers={"Prefer": "code=500"}) as client:
        client._sleep = sleeps.append
        client._random = lambda: 0.0  # no jitter
        with pytest.raises(InternalServerError):
            client.call_sessions.list()
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 422])
def test_client_errors_are_not_retried(prism_server: ApiServer, status: int) -> None:
    sleeps: list[float] = []
    with sync_client(prism_server, max_retries=2, default_headers={"Prefer": f"code={status}"}) as client:
        client._sleep = sleeps.append
        with pytest.raises(ERROR_CLASSES[status]):
            client.call_sessions.list()
    assert sleeps == []
