"""Every error class: which response raises it, and what it carries."""

from __future__ import annotations

import httpx
import pytest

from ravan_client import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RavanError,
    UnprocessableEntityError,
)
from tests.unit.conftest import AsyncHarness, SyncHarness, json_response

STATUS_ERRORS: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
    (418, APIStatusError),
]


@pytest.mark.parametrize(("status", "error_class"), STATUS_ERRORS)
def test_each_status_raises_its_error_class_with_the_envelope_message(
    harness: SyncHarness, status: int, error_class: type[APIStatusError]
) -> None:
    harness.recorder.respond = lambda request: json_response(status, {"success": False, "message": f"reason {status}"})
    with pytest.raises(error_class) as caught:
        harness.client.call_sessions.list(max_retries=0)
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.response.status_code == status
    assert error.request.url.path == "/api/v1/calling/call-sessions"
    assert f"reason {status}" in error.message
    assert str(error).startswith(str(status))


def test_error_tree() -> None:
    for _, error_class in STATUS_ERRORS:
        assert issubclass(error_class, APIStatusError)
    assert issubclass(APIStatusError, APIError)
    assert issubclass(APIError, RavanError)
    assert issubclass(APIResponseValidationError, APIError)
    documented: list[type[Exception]] = [RavanError, APIError, APIStatusError, APIResponseValidationError]
    for documented_class in documented + [cls for _, cls in STATUS_ERRORS]:
        assert documented_class.__doc__, f"{documented_class.__name__} needs a docstring saying when it is raised"


def test_an_html_error_page_gives_a_short_message_without_markup(harness: SyncHarness) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 5000 + "</body></html>"
    harness.recorder.respond = lambda request: httpx.Response(502, text=html, headers={"Content-Type": "text/html"})
    with pytest.raises(InternalServerError) as caught:
        harness.client.call_sessions.list(max_retries=0)
    assert str(caught.value) == "502 Bad Gateway"


def test_a_plain_text_error_body_is_quoted_in_the_message(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: httpx.Response(400, text="missing agent")
    with pytest.raises(BadRequestError, match="missing agent"):
        harness.client.call_sessions.list()


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<html>maintenance</html>", "text/html", "not JSON"),
        (b'{"success": true, "data": {"callSess', "application/json", "not JSON"),
        (b"[1, 2]", "application/json", "Expected a JSON object"),
        (b'{"success": true, "message": "ok"}', "application/json", "envelope"),
        (b'{"success": true, "data": null}', "application/json", "envelope"),
        (b'{"success": true, "data": {"callSessions": 5}}', "application/json", "envelope"),
        (b'{"success": true, "data": {"callSessions": ["x"]}}', "application/json", "envelope"),
        (
            b'{"success": false, "message": "quota exceeded", "data": {"callSessions": []}}',
            "application/json",
            "success is false",
        ),
    ],
)
def test_a_2xx_that_is_not_a_page_raises_response_validation_error(
    harness: SyncHarness, body: bytes, content_type: str, reason: str
) -> None:
    harness.recorder.respond = lambda request: httpx.Response(200, content=body, headers={"Content-Type": content_type})
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.call_sessions.list()
    error = caught.value
    assert reason in str(error)
    assert error.status_code == 200
    assert error.body_excerpt == body.decode()[:200]
    assert len(harness.recorder.requests) == 1, "a malformed 2xx is not retried"


def test_success_false_message_is_in_the_error(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(200, {"success": False, "message": "quota exceeded"})
    with pytest.raises(APIResponseValidationError, match="quota exceeded"):
        harness.client.call_sessions.list()


@pytest.mark.anyio
async def test_async_errors_are_the_same_classes(async_harness: AsyncHarness) -> None:
    async_harness.recorder.respond = lambda request: json_response(401, {"success": False, "message": "bad key"})
    with pytest.raises(AuthenticationError, match="bad key"):
        await async_harness.client.call_sessions.list()
    async_harness.recorder.respond = lambda request: httpx.Response(200, text="not json")
    with pytest.raises(APIResponseValidationError):
        await async_harness.client.call_sessions.list()
    await async_harness.client.close()
