"""The typed errors: which response raises which class, strict JSON, redaction, and pickling."""

from __future__ import annotations

import base64
import pickle
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from ravan_runtime import _exceptions
from ravan_runtime._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RavanError,
    RepeatedPageError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ravan_runtime._operations import OperationSpec

from tests.runtime.harness import (
    API_KEY,
    Harness,
    Server,
    json_response,
    make_async_client,
    make_client,
    page_body,
    sessions,
)

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
    harness: Harness, status: int, error_class: type[APIStatusError]
) -> None:
    harness.server.respond = lambda request: json_response(status, {"success": False, "message": f"reason {status}"})
    with pytest.raises(error_class) as caught:
        harness.client.call_sessions.list(max_retries=0)
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.response.status_code == status
    assert error.request.url.path == "/api/v1/calling/call-sessions"
    assert error.message == f"{status} {httpx.codes.get_reason_phrase(status)}: reason {status}"
    assert str(error) == error.message


def test_every_error_class_is_in_the_tree_and_says_when_it_is_raised() -> None:
    for name in _exceptions.__all__:
        error_class = getattr(_exceptions, name)
        assert issubclass(error_class, RavanError)
        assert error_class.__doc__, f"{name} needs a docstring saying when it is raised"
    for _, error_class in STATUS_ERRORS:
        assert issubclass(error_class, APIStatusError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(ResponseTooLargeError, APIResponseValidationError)
    assert issubclass(RepeatedPageError, APIError)


@pytest.mark.parametrize("key", ["detail", "error", "title"])
def test_other_envelope_keys_give_the_message(harness: Harness, key: str) -> None:
    harness.server.respond = lambda request: json_response(400, {key: "missing agent"})
    with pytest.raises(BadRequestError, match="400 Bad Request: missing agent"):
        harness.client.call_sessions.list()


def test_an_html_error_page_gives_a_short_message_without_markup(harness: Harness) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 5000 + "</body></html>"
    harness.server.respond = lambda request: httpx.Response(502, text=html, headers={"Content-Type": "text/html"})
    with pytest.raises(InternalServerError) as caught:
        harness.client.call_sessions.list(max_retries=0)
    assert str(caught.value) == "502 Bad Gateway"


def test_a_plain_text_error_body_is_quoted_in_the_message(harness: Harness) -> None:
    harness.server.respond = lambda request: httpx.Response(400, text="missing agent")
    with pytest.raises(BadRequestError, match="missing agent"):
        harness.client.call_sessions.list()


def test_a_long_error_body_is_cut_to_an_excerpt(harness: Harness) -> None:
    harness.server.respond = lambda request: httpx.Response(400, text="y" * 10_000)
    with pytest.raises(BadRequestError) as caught:
        harness.client.call_sessions.list()
    assert len(str(caught.value)) < 300


# --- 2xx bodies that are not what the spec documents ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>maintenance</html>", "not JSON"),
        (b'{"success": true, "data": {"callSess', "not JSON"),
        (b'{"value": NaN}', "not JSON (NaN is not a JSON number)"),
        (b'{"value": Infinity}', "not JSON (Infinity is not a JSON number)"),
        (b'{"value": -Infinity}', "not JSON (-Infinity is not a JSON number)"),
        (b'{"value": 1e999}', "not JSON (1e999 is too large for a number)"),
        (b'{"value": -2.5E+1000}', "not JSON (-2.5E+1000 is too large for a number)"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    ],
    ids=["html", "truncated", "NaN", "Infinity", "-Infinity", "1e999", "-2.5E+1000", "too-deep"],
)
def test_a_body_that_is_not_strict_json_is_a_validation_error(harness: Harness, body: bytes, reason: str) -> None:
    harness.server.respond = lambda request: httpx.Response(200, content=body, headers={"Content-Type": "text/x"})
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.agents.get("s1")
    error = caught.value
    assert reason in str(error)
    assert "text/x" in str(error)
    assert error.status_code == 200
    assert error.body_excerpt == body.decode()[:200]
    assert len(harness.server.requests) == 1, "a malformed 2xx is not retried"


def test_large_but_finite_numbers_and_number_like_strings_are_json(harness: Harness) -> None:
    body = b'{"id": "s1", "a": 1e308, "b": "1e999", "c": 12e-999}'
    harness.server.respond = lambda request: httpx.Response(200, content=body)
    assert harness.client.agents.get("s1").additional_properties == {"a": 1e308, "b": "1e999", "c": 0.0}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([1, 2], "Agent must be a JSON object, got list"),
        ("a string", "Agent must be a JSON object, got str"),
        (None, "Agent must be a JSON object, got NoneType"),
    ],
)
def test_a_body_that_does_not_match_the_model_is_a_validation_error(harness: Harness, body: Any, reason: str) -> None:
    harness.server.respond = lambda request: json_response(200, body)
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.agents.get("s1")
    assert "does not match the documented envelope" in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        {"success": True},
        {"success": True, "data": None},
        {"success": True, "data": {"callSessions": 5}},
        {"success": True, "data": {"callSessions": ["x"]}},
    ],
)
def test_a_2xx_that_is_not_a_page_is_a_validation_error(harness: Harness, body: dict[str, Any]) -> None:
    harness.server.respond = lambda request: json_response(200, body)
    with pytest.raises(APIResponseValidationError):
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 1


def test_success_false_on_a_2xx_is_a_validation_error_with_its_message(harness: Harness) -> None:
    body = {"success": False, "message": "quota exceeded", "data": {"callSessions": []}}
    harness.server.respond = lambda request: json_response(200, body)
    with pytest.raises(APIResponseValidationError, match="The API answered 200 but success is false: quota exceeded"):
        harness.client.call_sessions.list()
    assert len(harness.server.requests) == 1


def test_validation_messages_and_excerpts_are_redacted(harness: Harness) -> None:
    echoes = [
        f'{{"echo": "{API_KEY}", "value": NaN}}'.encode(),
        f'{{"success": false, "message": "bad key {API_KEY}"}}'.encode(),
        f'[{{"echo": "{API_KEY}"}}]'.encode(),  # not an object: does not match the model
    ]
    for body in echoes:
        harness.server.respond = lambda request, body=body: httpx.Response(200, content=body)
        with pytest.raises(APIResponseValidationError) as caught:
            harness.client.agents.get("s1")
        rendered = "".join(traceback.format_exception(caught.value))
        assert API_KEY not in rendered
        assert API_KEY not in caught.value.body_excerpt
        assert "[secure]" in caught.value.body_excerpt


@pytest.mark.parametrize("body", [{"status": "done"}, {"id": None}, {"id": "s1", "max_call_minutes": "twelve"}])
def test_a_record_with_a_field_that_does_not_fit_parses_and_lists_it(harness: Harness, body: dict[str, Any]) -> None:
    harness.server.respond = lambda request: json_response(200, body)
    session = harness.client.agents.get("s1")
    assert session.model_invalid_fields
    assert session.to_dict() == body


def test_one_odd_record_keeps_the_rest_of_the_page(harness: Harness) -> None:
    records = [{"id": "a"}, {"status": "no id"}, {"id": "c", "startedAt": "yesterday"}, {"id": "d"}]
    harness.server.respond = lambda request: json_response(200, {"success": True, "data": {"callSessions": records}})
    sessions = list(harness.client.call_sessions.list())
    assert [session.id for session in sessions] == ["a", None, "c", "d"]
    assert sessions[1].model_invalid_fields["id"].problem == "required, missing"
    assert sessions[2].model_invalid_fields["started_at"].value == "yesterday"


def test_strict_responses_raise_naming_the_record_and_the_field(server: Server) -> None:
    records = [{"id": "a"}, {"id": "b", "durationSec": 12.5}]
    server.respond = lambda request: json_response(200, {"success": True, "data": {"callSessions": records}})
    with (
        make_client(server, strict_responses=True).client as client,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        list(client.call_sessions.list())
    assert "data.callSessions[1] (id 'b')" in str(caught.value)
    assert "'durationSec' (duration_sec): expected int, got float" in str(caught.value)


def test_strict_responses_can_be_switched_per_copy_and_never_quote_the_value(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, {"id": "s1", "voice": 5})
    assert harness.client.agents.get("s1").voice is None
    strict = harness.client.with_options(strict_responses=True)
    harness.server.respond = lambda request: json_response(200, {"id": "s1", "max_call_minutes": API_KEY})
    with pytest.raises(APIResponseValidationError, match=r"record at the top level \(id 's1'\)") as caught:
        strict.agents.get("s1")
    assert API_KEY not in "".join(traceback.format_exception(caught.value))
    assert API_KEY not in caught.value.body_excerpt
    with pytest.raises(TypeError, match="strict_responses must be a bool"):
        harness.client.with_options(strict_responses="yes")


def test_status_error_messages_are_redacted(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(401, {"success": False, "message": f"key {API_KEY} revoked"})
    with pytest.raises(AuthenticationError) as caught:
        harness.client.call_sessions.list()
    assert str(caught.value) == "401 Unauthorized: key [secure] revoked"
    assert API_KEY not in "".join(traceback.format_exception(caught.value))


# --- the causes: redacted copies, never the originals --------------------------------------------------


def test_a_connection_error_cause_is_a_redacted_copy(harness: Harness) -> None:
    harness.server.responses = [httpx.RemoteProtocolError(f"illegal status line: b'HTTP/1.1 {API_KEY}'")] * 3
    with pytest.raises(APIConnectionError) as caught:
        harness.client.call_sessions.list()
    error = caught.value
    cause = error.__cause__
    assert isinstance(cause, httpx.RemoteProtocolError)
    assert str(cause) == "illegal status line: b'HTTP/1.1 [secure]'"
    assert cause.request is error.request
    assert cause.__traceback__ is None
    assert cause.__cause__ is None
    assert error.__suppress_context__
    assert API_KEY not in str(error)
    assert API_KEY not in "".join(traceback.format_exception(error))


def test_a_parser_failure_cause_is_a_redacted_copy(harness: Harness) -> None:
    def parse(data: Any) -> Any:
        raise ValueError(f"cannot read {data['echo']}")

    harness.server.respond = lambda request: json_response(200, {"echo": API_KEY})
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.call(OperationSpec("GET", "/v1/x").build({}), parse)
    cause = caught.value.__cause__
    assert isinstance(cause, ValueError)
    assert str(cause) == "cannot read [secure]"
    assert cause.__traceback__ is None
    assert "ValueError: cannot read [secure]" in str(caught.value)
    assert API_KEY not in "".join(traceback.format_exception(caught.value))


def test_a_cause_whose_class_cannot_be_rebuilt_becomes_a_runtime_error(harness: Harness) -> None:
    class Picky(Exception):
        def __init__(self, a: str, b: str) -> None:
            super().__init__(f"{a} {b}")

    def parse(data: Any) -> Any:
        raise Picky("leaked", API_KEY)

    harness.server.respond = lambda request: json_response(200, {})
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.call(OperationSpec("GET", "/v1/x").build({}), parse)
    cause = caught.value.__cause__
    assert isinstance(cause, RuntimeError)
    assert str(cause) == "Picky: leaked [secure]"


# --- pickling ------------------------------------------------------------------------------------------

ECHO = {"success": False, "message": f"no such key {API_KEY}", "echo": API_KEY}
ECHO_HEADERS = {"Set-Cookie": f"k={API_KEY}", "X-Debug-Echo": API_KEY}


def status(code: int, **headers: str) -> Callable[[Harness], APIError]:
    def make(harness: Harness) -> APIError:
        harness.server.respond = lambda request: json_response(code, ECHO, {**ECHO_HEADERS, **headers})
        return raised(lambda: harness.client.agents.get("s1", max_retries=0))

    return make


def failure(error: Exception) -> Callable[[Harness], APIError]:
    def make(harness: Harness) -> APIError:
        harness.server.responses = [error]
        return raised(lambda: harness.client.agents.get("s1", max_retries=0))

    return make


def not_json(harness: Harness) -> APIError:
    harness.server.respond = lambda request: httpx.Response(200, text=f"debug: key={API_KEY}", headers=ECHO_HEADERS)
    return raised(lambda: harness.client.agents.get("s1"))


def too_large(harness: Harness) -> APIError:
    harness.server.respond = lambda request: httpx.Response(200, text=API_KEY * 100, headers=ECHO_HEADERS)
    with make_client(harness.server, max_response_bytes=100).client as capped:
        return raised(lambda: capped.agents.get("s1"))


def repeated_page(harness: Harness) -> APIError:
    harness.server.respond = lambda request: json_response(200, page_body(sessions(API_KEY, 2)), ECHO_HEADERS)
    return raised(lambda: list(harness.client.call_sessions.list(page_size=2)))


def raised(call: Callable[[], object]) -> APIError:
    with pytest.raises(APIError) as caught:
        call()
    return caught.value


PICKLED: list[tuple[Callable[[Harness], APIError], type[APIError]]] = [
    (status(400), BadRequestError),
    (status(401), AuthenticationError),
    (status(403), PermissionDeniedError),
    (status(404), NotFoundError),
    (status(409), ConflictError),
    (status(418), APIStatusError),
    (status(422), UnprocessableEntityError),
    (status(429, **{"Retry-After": "7"}), RateLimitError),
    (status(500), InternalServerError),
    (failure(httpx.ConnectError(f"refused {API_KEY}")), APIConnectionError),
    (failure(httpx.ReadTimeout("slow")), APITimeoutError),
    (not_json, APIResponseValidationError),
    (too_large, ResponseTooLargeError),
    (repeated_page, RepeatedPageError),
]


@pytest.mark.parametrize(
    ("make", "error_class"), PICKLED, ids=[cls.__name__ + str(i) for i, (_, cls) in enumerate(PICKLED)]
)
def test_every_error_pickles_without_any_credential(
    harness: Harness, make: Callable[[Harness], APIError], error_class: type[APIError]
) -> None:
    error = make(harness)
    assert type(error) is error_class
    assert API_KEY in error.request.headers["X-Api-Key"]  # the live error still has the real request

    data = pickle.dumps(error)
    assert API_KEY.encode() not in data
    copy: Any = pickle.loads(data)

    same_class = type(copy) is error_class
    assert same_class
    assert str(copy) == str(error)
    assert copy.message == error.message
    assert copy.request.method == error.request.method
    assert copy.request.url == error.request.url
    assert copy.request.headers["X-Api-Key"] == "[secure]"
    if isinstance(error, APIStatusError | APIResponseValidationError):
        assert copy.status_code == error.status_code
        assert copy.response.status_code == error.response.status_code
        assert API_KEY not in copy.response.text
        assert copy.response.headers.get("Set-Cookie") in (None, "[secure]")
    if isinstance(error, RateLimitError):
        assert copy.retry_after == 7.0
    if isinstance(error, APIResponseValidationError):
        assert copy.body_excerpt == error.body_excerpt
    if isinstance(error, ResponseTooLargeError):
        assert copy.limit == 100
    if isinstance(error, RepeatedPageError):
        assert copy.page_number == 2
    # A second round trip (a process pool passing it on) changes nothing.
    assert str(pickle.loads(pickle.dumps(copy))) == str(error)


def test_a_request_built_with_base_url_credentials_pickles_without_them(server: Server) -> None:
    server.respond = lambda request: json_response(500, {})
    with make_client(server, base_url="https://user:pa55-word@api.example.com", max_retries=0).client as client:
        error = raised(lambda: client.agents.get("s1"))
    data = pickle.dumps(error)
    assert b"pa55-word" not in data
    assert API_KEY.encode() not in data
    assert pickle.loads(data).request.headers["Authorization"] == "[secure]"


# --- async -----------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_errors_are_the_same_classes(server: Server) -> None:
    async with make_async_client(server).client as client:
        server.respond = lambda request: json_response(401, {"success": False, "message": f"bad key {API_KEY}"})
        with pytest.raises(AuthenticationError, match=r"bad key \[secure\]"):
            await client.agents.get("s1")
        server.respond = lambda request: httpx.Response(200, text='{"x": NaN}')
        with pytest.raises(APIResponseValidationError, match="NaN is not a JSON number"):
            await client.agents.get("s1")
        server.respond = lambda request: json_response(200, {"success": False, "message": "no"})
        with pytest.raises(APIResponseValidationError, match="success is false: no"):
            await client.agents.get("s1")
        server.respond = lambda request: json_response(200, [1])
        with pytest.raises(APIResponseValidationError, match="must be a JSON object"):
            await client.agents.get("s1")
        server.responses, server.respond = [httpx.ConnectError(f"refused {API_KEY}")], None
        with pytest.raises(APIConnectionError) as caught:
            await client.calls.create(agent_id="a", call_type="web_call", max_retries=0)
    assert API_KEY not in pickle.dumps(caught.value).decode("latin-1")
    assert str(caught.value.__cause__) == "refused [secure]"


# --- what an error tracker records: the locals of every frame ----------------------------------------


def _frame_locals_text(error: BaseException) -> str:
    """The repr of every local of every frame of the traceback, as error trackers record them."""
    shown: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            shown.extend(repr(value) for value in tb.tb_frame.f_locals.values())
            tb = tb.tb_next
        pending += [current.__cause__, current.__context__]
    return "\n".join(shown)


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": {"callSessions": [["KEY"]]}}',  # an envelope mismatch
        b'{"success": false, "message": "KEY is revoked"}',
        b"plain text that echoes KEY",
    ],
    ids=["envelope-mismatch", "success-false", "not-json"],
)
def test_a_2xx_body_echoing_the_key_leaves_it_in_no_frame_local(harness: Harness, body: bytes) -> None:
    harness.server.respond = lambda request: httpx.Response(200, content=body.replace(b"KEY", API_KEY.encode()))
    with pytest.raises(APIResponseValidationError) as caught:
        list(harness.client.call_sessions.list())
    assert API_KEY not in _frame_locals_text(caught.value)


def test_a_long_key_echoed_many_times_survives_in_no_excerpt(server: Server) -> None:
    """Redacted copies shrink the text: cut before redacting, a later copy would be split by the
    cut and half survive."""
    long_key = "K" + "abcdefghijklmnopqrstuvwxyz0123456789" * 3
    body = (" ".join([long_key] * 40)).encode()
    server.responses = [httpx.Response(500, content=body), httpx.Response(200, content=body)]
    harness = make_client(server, api_key=long_key, max_retries=0)
    for error_class in (APIStatusError, APIResponseValidationError):
        with pytest.raises(error_class) as caught:
            harness.client.agents.get("s1")
        text = str(caught.value) + getattr(caught.value, "body_excerpt", "")
        assert "abcdefghijklmnopqrstuvwxyz0123" not in text, text
    harness.client.close()


def test_the_basic_token_made_from_base_url_credentials_is_redacted(server: Server) -> None:
    """A server that echoes the Authorization header shows base64(user:password), not the password."""
    token = base64.b64encode(b"user:hunter2-password").decode()
    server.respond = lambda request: json_response(400, {"message": f"bad header Authorization: Basic {token}"})
    harness = make_client(server, base_url="https://user:hunter2-password@api.example.com")
    with pytest.raises(APIStatusError) as caught:
        harness.client.agents.get("s1")
    assert token not in str(caught.value)
    assert token.encode() not in pickle.dumps(caught.value)
    assert "Basic [secure]" in str(caught.value)
    harness.client.close()
