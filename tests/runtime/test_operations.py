"""From a generated method's arguments to the request on the wire (`_operations.py`, `_build_request`).

Path parameters are one segment whatever they hold; None means "not sent" for query and header
parameters and for body properties that cannot be null; `NOT_GIVEN` is "not sent" where None
would mean JSON null; the extra_* arguments add what the spec does not list, but never the key.
"""

from __future__ import annotations

import datetime
import enum
import io
import json
import logging
import os
import pickle
import threading
from functools import partial
from typing import Any

import httpx
import pytest
from ravan_runtime._exceptions import APIResponseValidationError, APIStatusError
from ravan_runtime._operations import BodySpec, OperationSpec, Parameter, query_string
from ravan_runtime._types import NOT_GIVEN
from ravan_runtime._validation import (
    AnyRule,
    ArrayRule,
    BooleanRule,
    ChoiceRule,
    DateRule,
    DateTimeRule,
    IntegerRule,
    NumberRule,
    ObjectField,
    ObjectRule,
    StringRule,
    UnionRule,
)

from tests.runtime.harness import (
    API_KEY,
    CREATE_CALL_PATH,
    LIST_PATH,
    AsyncRavanClient,
    Harness,
    RavanClient,
    Server,
    json_response,
    make_async_client,
    make_client,
    page_body,
    paged,
    session,
)
from tests.support.golden import golden_module

UTC = datetime.UTC
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


CALL: dict[str, Any] = {"agent_id": "agt_1", "call_type": "web_call"}
"""The required arguments of `calls.create`."""
CALL_BODY = {"agentId": "agt_1", "callType": "web_call"}

# The argument shapes the grown spec has no operation for (an array in the query, a wire name unlike
# the argument's, a date, a whole-body argument, a GET with a header parameter), described as the
# generator describes them and sent through the client: `_operations.py` is under test here.
FILTERS = (
    Parameter("page", "page", "query", IntegerRule(minimum=1)),
    Parameter("page_size", "page_size", "query", IntegerRule(minimum=1)),
    Parameter("search", "search", "query", StringRule()),
    Parameter("tags", "tag", "query", ArrayRule(StringRule(min_length=1))),
    Parameter("include_deleted", "includeDeleted", "query", BooleanRule()),
    Parameter("sort_order", "sort_order", "query", ChoiceRule(("asc", "desc"))),
    Parameter("started_after", "started_after", "query", DateTimeRule()),
    Parameter("day", "day", "query", DateRule()),
)
FILTERED_LIST = OperationSpec(method="GET", path=LIST_PATH, parameters=FILTERS)
SEARCH = OperationSpec(
    method="POST", path="/v1/search", body=BodySpec(AnyRule(nullable=False), flattened=False), retry_after_send=True
)
NOTE_BODY = BodySpec(
    ObjectRule(
        fields=(
            ObjectField("name", StringRule(min_length=1), required=True),
            ObjectField("note", StringRule(nullable=True)),
            ObjectField("priority", IntegerRule(minimum=0)),
            ObjectField("labels", ArrayRule(StringRule())),
        )
    ),
    flattened=True,
    properties=(("name", "name"), ("note", "note"), ("priority", "priority"), ("labels", "labels")),
)
CREATE_NOTE = OperationSpec(method="POST", path="/v1/notes", body=NOTE_BODY, retry_after_send=False)


def call(client: Any, operation: OperationSpec, **arguments: Any) -> Any:
    return client.call(operation.build(arguments), lambda body: body)


@pytest.fixture
def answered(harness: Harness) -> Harness:
    """Every request answered with what its operation answers: a page, a started call, a record."""

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == LIST_PATH and request.method == "GET":
            return json_response(200, page_body([]))
        if request.url.path == CREATE_CALL_PATH:
            return json_response(201, {"success": True, "data": {"sessionId": "s1"}})
        return json_response(200, session("s1"))

    harness.server.respond = respond
    return harness


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


# --- path parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent_id", "raw_path"),
    [
        ("a/b?c", b"/api/v1/agents/a%2Fb%3Fc"),
        ("x#y", b"/api/v1/agents/x%23y"),
        ("100% sure", b"/api/v1/agents/100%25%20sure"),
        (".", b"/api/v1/agents/%2E"),
        ("..", b"/api/v1/agents/%2E%2E"),
        ("../../admin", b"/api/v1/agents/..%2F..%2Fadmin"),
        ("café", b"/api/v1/agents/caf%C3%A9"),
    ],
)
def test_a_path_parameter_is_one_encoded_segment(answered: Harness, agent_id: str, raw_path: bytes) -> None:
    answered.client.agents.get(agent_id)
    assert answered.server.requests[0].url.raw_path == raw_path


@pytest.mark.parametrize(
    ("agent_id", "error", "message"),
    [
        ("", ValueError, "agent_id must not be empty: it is a segment of the URL path"),
        (None, TypeError, "agent_id must be a string, got None"),
        (5, TypeError, "agent_id must be a string, got int 5"),
    ],
)
def test_a_path_parameter_that_cannot_be_a_segment_is_refused(
    answered: Harness, agent_id: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        answered.client.agents.get(agent_id)
    assert answered.server.requests == []


def test_a_base_url_path_prefix_is_kept(server: Server) -> None:
    server.respond = lambda request: json_response(200, session("s1"))
    with make_client(server, base_url="https://gw.example.com/demo/").client as client:
        client.agents.get("s1")
    assert server.requests[0].url.raw_path == b"/demo/api/v1/agents/s1"


# --- query and header parameters -----------------------------------------------------------------


def test_query_parameters_are_encoded_and_none_is_not_sent(answered: Harness) -> None:
    call(
        answered.client,
        FILTERED_LIST,
        page=3,
        page_size=50,
        search="refund & return #2 50%",
        tags=["vip", "new"],
        include_deleted=False,
        sort_order="desc",
        started_after=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=IST),
        day=datetime.date(2026, 11, 1),
    )
    params = answered.server.requests[0].url.params
    # The pager sets the page number last; otherwise the spec's order.
    assert sorted(params.multi_items()) == sorted(
        [
            ("page", "3"),
            ("page_size", "50"),
            ("search", "refund & return #2 50%"),
            ("tag", "vip"),
            ("tag", "new"),
            ("includeDeleted", "false"),
            ("sort_order", "desc"),
            ("started_after", "2026-12-01T09:30:00+05:30"),
            ("day", "2026-11-01"),
        ]
    )
    assert params.get_list("tag") == ["vip", "new"]


def test_a_path_and_a_query_parameter_of_one_wire_name_each_go_to_their_place() -> None:
    # The generator names the query one `query_param` (openapi-python-client's end-to-end document).
    operation = OperationSpec(
        method="GET",
        path="/common/{param}",
        parameters=(
            Parameter("param", "param", "path", StringRule(), required=True),
            Parameter("query_param", "param", "query", StringRule()),
        ),
    )
    options = operation.build({"param": "in-path", "query_param": "in-query"})
    assert (options.path, options.params) == ("/common/in-path", (("param", "in-query"),))


def test_none_for_a_nullable_parameter_is_never_sent_as_the_text_none() -> None:
    # A path parameter that is a union with null (anyOf [string, null]) or a required parameter
    # marked nullable passes its check with None; its text was Python's 'None': /things/None, q=None.
    nullable = StringRule(nullable=True)
    operation = OperationSpec(
        method="GET",
        path="/things/{id}",
        parameters=(
            Parameter("id", "id", "path", nullable, required=True),
            Parameter("q", "q", "query", nullable, required=True),
            Parameter("x_h", "X-H", "header", nullable, required=True),
            Parameter("c", "c", "cookie", nullable, required=True),
        ),
    )
    with pytest.raises(ValueError, match=r"^id must not be None: it is a segment of the URL path"):
        operation.build({"id": None})
    options = operation.build({"id": "t1", "q": None, "x_h": None, "c": None})
    assert (options.path, options.params, options.headers, options.cookie) == ("/things/t1", (), {}, None)


def test_a_header_array_travels_comma_joined_and_an_item_holding_a_comma_is_refused(answered: Harness) -> None:
    # OpenAI's `openai-beta` (a list of beta names): OpenAPI's `simple` style, the only one for headers.
    operation = OperationSpec(
        method="GET",
        path="/things",
        parameters=(
            Parameter("betas", "OpenAI-Beta", "header", ArrayRule(StringRule())),
            Parameter("ids", "X-Ids", "header", ArrayRule(IntegerRule())),
        ),
    )
    call(answered.client, operation, betas=["assistants=v2", "files"], ids=[1, 2])
    (request,) = answered.server.requests
    assert (request.headers["OpenAI-Beta"], request.headers["X-Ids"]) == ("assistants=v2,files", "1,2")
    with pytest.raises(ValueError, match=r"betas\[1\].*a comma"):
        operation.build({"betas": ["a", "b,c"]})
    with pytest.raises(ValueError, match="control characters"):
        operation.build({"betas": ["a\r\nX-Injected: 1"]})


def test_an_empty_header_array_is_not_sent_and_a_required_one_is_refused() -> None:
    # RFC 6570 (OpenAPI's `simple` style) takes an empty list as undefined; `X-Ids: ` would read as
    # one empty item.
    optional = Parameter("ids", "X-Ids", "header", ArrayRule(IntegerRule()))
    assert OperationSpec(method="GET", path="/t", parameters=(optional,)).build({"ids": []}).headers == {}
    required = Parameter("ids", "X-Ids", "header", ArrayRule(IntegerRule()), required=True)
    with pytest.raises(ValueError, match="ids must hold at least one item"):
        OperationSpec(method="GET", path="/t", parameters=(required,)).build({"ids": []})


@pytest.mark.parametrize("value", [["a", "b"], {"a": 1}, ("a",)])
def test_a_list_or_an_object_for_a_header_of_any_value_is_refused_not_sent_as_python_text(value: object) -> None:
    # A header whose schema is a union with an array variant is planned as any value.
    operation = OperationSpec(method="GET", path="/t", parameters=(Parameter("tags", "X-Tags", "header", AnyRule()),))
    with pytest.raises(TypeError, match=r"tags must be a single value \(it is sent as a header\)"):
        operation.build({"tags": value})
    assert operation.build({"tags": "a"}).headers == {"X-Tags": "a"}


@pytest.mark.parametrize("value", [["a", "b"], {"a": 1}, ("a",)])
def test_a_list_or_an_object_for_a_query_parameter_of_any_value_is_refused_not_sent_as_python_text(
    value: object,
) -> None:
    # Found by the attack on header arrays: the query had the same gap (`tags=['a', 'b']`).
    operation = OperationSpec(method="GET", path="/t", parameters=(Parameter("tags", "tags", "query", AnyRule()),))
    with pytest.raises(TypeError, match=r"tags must be a single value \(it is sent in the query\)"):
        operation.build({"tags": value})
    assert operation.build({"tags": "a"}).params == (("tags", "a"),)


COOKIES = OperationSpec(
    method="GET",
    path="/auth",
    parameters=(
        Parameter("my_token", "MyToken", "cookie", StringRule(min_length=8), required=True),
        Parameter("theme", "theme", "cookie", StringRule()),
    ),
)


def test_cookie_parameters_travel_in_one_cookie_header_and_none_is_not_sent(answered: Harness) -> None:
    call(answered.client, COOKIES, my_token="tok-12345", theme="dark")
    call(answered.client, COOKIES, my_token="tok-12345")
    answered.client.call(COOKIES.build({"my_token": "tok-12345"}, extra_headers={"X-Trace": "1"}), lambda body: body)
    assert [request.headers.get_list("Cookie") for request in answered.server.requests] == [
        ["MyToken=tok-12345; theme=dark"],
        ["MyToken=tok-12345"],
        ["MyToken=tok-12345"],
    ]


def test_a_cookie_parameter_is_in_no_repr_or_pickle_of_the_request_built_for_it() -> None:
    # The built request is held by pagers (their fetcher) and sits in the frames error trackers
    # record with their locals' reprs: a cookie is often a session token.
    options = COOKIES.build({"my_token": "tok-SECRET-9"})
    assert "tok-SECRET-9" not in repr(options)
    assert "tok-SECRET-9" not in repr(options.with_param("page", 2))
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(options)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tok-1; admin=1", "my_token cannot be sent as a cookie"),
        ("tok-1\r\nX-Admin: 1", "my_token cannot be sent as a cookie"),
        ("SECRET", "my_token must be a string of at least 8 characters (a cookie: its value is not shown)"),
    ],
)
def test_a_cookie_that_cannot_be_sent_is_refused_without_showing_it(value: str, message: str) -> None:
    # A `;` would add a cookie the caller did not give; and a cookie is often a session token: the
    # refusal names the argument, never the value.
    with pytest.raises(ValueError, match=r"^my_token") as refusal:
        COOKIES.build({"my_token": value})
    assert message in str(refusal.value)
    assert value not in str(refusal.value)
    assert refusal.value.__cause__ is None
    shown_context = None if refusal.value.__suppress_context__ else refusal.value.__context__
    assert shown_context is None  # the rule's own message, which may quote the value, is not chained


def test_a_cookie_parameter_is_masked_in_the_requests_repr(answered: Harness) -> None:
    call(answered.client, COOKIES, my_token="tok-SECRET-9")
    request = answered.server.requests[0]
    assert request.headers["Cookie"] == "MyToken=tok-SECRET-9"
    assert "tok-SECRET-9" not in repr(request.headers)


@pytest.mark.anyio
@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_a_cookie_parameter_echoed_by_the_server_is_in_no_message_repr_or_pickle_of_the_error(
    flavor: str, server: Server
) -> None:
    # Servers echo what they were sent ("bad session MyToken=..."), as they echo an API key: the
    # error shows the cookie masked, as it shows the key.
    server.respond = lambda request: json_response(
        400, {"message": f"bad session {request.headers['Cookie']}"}, {"X-Echo": request.headers["Cookie"]}
    )
    options = COOKIES.build({"my_token": "tok-SECRET-9"})

    async def send() -> None:
        if flavor == "sync":
            make_client(server, max_retries=0).client.call(options, lambda body: body)
            return
        async with make_async_client(server, max_retries=0).client as client:
            await client.call(options, lambda body: body)

    with pytest.raises(APIStatusError) as raised:
        await send()
    error = raised.value
    assert "bad session MyToken=[secure]" in str(error)
    for shown in (str(error), repr(error), error.message):
        assert "tok-SECRET-9" not in shown
    assert error.__context__ is None or "tok-SECRET-9" not in str(error.__context__)
    copy = pickle.loads(pickle.dumps(error))
    assert b"tok-SECRET-9" not in pickle.dumps(error)
    assert "tok-SECRET-9" not in copy.response.text
    assert "tok-SECRET-9" not in copy.response.headers["X-Echo"]


@pytest.mark.anyio
@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_a_cookie_parameter_echoed_in_the_reason_phrase_is_not_in_httpxs_log_line(
    flavor: str, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    # httpx logs every response's status line at INFO, the server's reason phrase in it: the log
    # filter masked the client's own key there, not the request's cookie values.
    caplog.set_level(logging.INFO, logger="httpx")
    server.respond = lambda request: httpx.Response(
        200, json={}, extensions={"reason_phrase": f"OK {request.headers['Cookie']}".encode()}
    )
    options = COOKIES.build({"my_token": "tok-SECRET-9"})
    if flavor == "sync":
        make_client(server).client.call(options, lambda body: body)
    else:
        async with make_async_client(server).client as client:
            await client.call(options, lambda body: body)
    (line,) = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert "MyToken=[secure]" in line
    assert "tok-SECRET-9" not in caplog.text


def _refuse(body: Any) -> Any:
    raise ValueError(f"not an envelope: {body!r}")


@pytest.mark.anyio
@pytest.mark.parametrize("flavor", ["sync", "async"])
@pytest.mark.parametrize("answer", ["json the parser refuses", "not json"])
async def test_a_cookie_parameter_echoed_in_a_2xx_body_that_fails_to_parse_is_in_no_message_repr_or_pickle(
    flavor: str, answer: str, server: Server
) -> None:
    # The same echo in a 2xx answer: the parse error quotes the body (its excerpt, the parser's own
    # message, its cause), and was raised after `request` had masked only the errors it raises.
    def respond(request: httpx.Request) -> httpx.Response:
        echoed = f"bad session {request.headers['Cookie']}"
        if answer == "not json":
            return httpx.Response(200, content=echoed.encode(), headers={"Content-Type": "application/json"})
        return json_response(200, {"message": echoed})

    server.respond = respond
    options = COOKIES.build({"my_token": "tok-SECRET-9"})

    async def send() -> None:
        if flavor == "sync":
            make_client(server, max_retries=0).client.call(options, _refuse)
            return
        async with make_async_client(server, max_retries=0).client as client:
            await client.call(options, _refuse)

    with pytest.raises(APIResponseValidationError) as raised:
        await send()
    error = raised.value
    assert "MyToken=[secure]" in error.body_excerpt
    for shown in (str(error), repr(error), error.message, error.body_excerpt, str(error.__cause__)):
        assert "tok-SECRET-9" not in shown
    assert error.__context__ is None or "tok-SECRET-9" not in str(error.__context__)
    assert b"tok-SECRET-9" not in pickle.dumps(error)
    assert "tok-SECRET-9" not in pickle.loads(pickle.dumps(error)).response.text


OCTET_UPLOAD = OperationSpec(
    method="POST",
    path="/v1/uploads",
    body=BodySpec(
        AnyRule(), flattened=False, media_type="application/octet-stream", files=(("body", "body", False, True),)
    ),
)


def test_an_octet_stream_body_is_sent_as_it_is_from_bytes_a_path_or_a_file_object(
    answered: Harness, tmp_path: Any
) -> None:
    # The Swagger petstore's image upload: the body is the file itself, with its length (not chunked).
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG" * 50_000)
    with path.open("rb") as opened:
        opened.seek(4)  # a caller's file object is sent from where it stands
        for body in (b"raw bytes", path, opened, ("image.png", b"typed", "image/png")):
            call(answered.client, OCTET_UPLOAD, body=body)
    sent = [(r.headers["Content-Type"], r.headers.get("Content-Length"), r.content) for r in answered.server.requests]
    assert sent == [
        ("application/octet-stream", "9", b"raw bytes"),
        ("application/octet-stream", "200000", b"\x89PNG" * 50_000),
        ("application/octet-stream", "199996", (b"\x89PNG" * 50_000)[4:]),
        ("image/png", "5", b"typed"),
    ]
    assert all("transfer-encoding" not in r.headers for r in answered.server.requests)


@pytest.mark.parametrize("media_type", ["image/png", "text/csv; charset=utf-8", "audio/wav"])
def test_a_raw_body_of_another_media_type_goes_as_that_type_unless_the_caller_names_one(
    answered: Harness, tmp_path: Any, media_type: str
) -> None:
    upload = OperationSpec(
        method="PUT",
        path="/v1/uploads",
        body=BodySpec(AnyRule(), flattened=False, media_type=media_type, files=(("body", "body", False, True),)),
    )
    path = tmp_path / "upload.bin"
    path.write_bytes(b"a,b\n1,2\n")
    for body in (b"raw", path, ("upload.bin", b"named", "application/x-named")):
        call(answered.client, upload, body=body)
    sent = [(r.headers["Content-Type"], r.content) for r in answered.server.requests]
    assert sent == [(media_type, b"raw"), (media_type, b"a,b\n1,2\n"), ("application/x-named", b"named")]
    assert [r.headers["Content-Length"] for r in answered.server.requests] == ["3", "8", "5"]


def test_an_octet_stream_body_is_required_when_the_document_says_so_and_takes_no_text() -> None:
    with pytest.raises(TypeError, match="body is required"):
        OCTET_UPLOAD.build({})
    with pytest.raises(TypeError, match="not str"):
        OCTET_UPLOAD.build({"body": "image.png"})
    with pytest.raises(TypeError, match="extra_body needs a JSON object body"):
        OCTET_UPLOAD.build({"body": b"x"}, extra_body={"a": 1})


@pytest.mark.anyio
async def test_an_async_octet_stream_upload_streams_a_file(server: Server, tmp_path: Any) -> None:
    path = tmp_path / "export.bin"
    path.write_bytes(bytes(range(256)) * 1000)
    server.respond = lambda request: json_response(200, {})
    async with make_async_client(server).client as client:
        await client.call(OCTET_UPLOAD.build({"body": path}), lambda body: body)
    (request,) = server.requests
    assert (request.headers["Content-Length"], request.content) == ("256000", bytes(range(256)) * 1000)


class _ThreadRecordingFile(io.BytesIO):
    """A file that notes the thread of every read."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.read_in: set[int] = set()

    def read(self, size: int | None = -1) -> bytes:
        self.read_in.add(threading.get_ident())
        return super().read(size)


@pytest.mark.anyio
@pytest.mark.parametrize("media_type", ["application/octet-stream", "multipart/form-data"])
async def test_an_async_upload_reads_its_file_in_a_worker_thread_not_on_the_event_loop(
    media_type: str, server: Server
) -> None:
    # A read from a slow disk or a network file system would stall every task on the loop.
    content = bytes(range(256)) * 1000  # several chunks
    upload = _ThreadRecordingFile(content)
    server.respond = lambda request: json_response(200, {})
    options = (
        OCTET_UPLOAD.build({"body": upload}) if media_type.startswith("application") else UPLOAD.build({"file": upload})
    )
    async with make_async_client(server).client as client:
        await client.call(options, lambda body: body)
    (request,) = server.requests
    assert content in request.content
    assert upload.read_in
    assert threading.get_ident() not in upload.read_in


OCTET_PUT = OperationSpec(
    method="PUT",
    path="/v1/uploads",
    body=BodySpec(
        AnyRule(), flattened=False, media_type="application/octet-stream", files=(("body", "body", False, True),)
    ),
    retry_after_send=True,
)


class _WireTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Reads each request's body from its stream as a socket transport does (MockTransport's
    `request.read()` keeps a copy, which hides a stream that cannot be sent twice): 503 first."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def _answer(self, body: bytes) -> httpx.Response:
        self.bodies.append(body)
        return json_response(503 if len(self.bodies) == 1 else 200, {})

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(b"".join(request.stream))  # type: ignore[arg-type]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(b"".join([chunk async for chunk in request.stream]))  # type: ignore[union-attr]


class _Pipe(io.RawIOBase):
    """A binary stream that cannot seek (a pipe, a socket): once read, it cannot be sent again."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._data.readinto(buffer)


@pytest.mark.anyio
@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_a_retried_octet_stream_upload_sends_the_whole_file_again(flavor: str, tmp_path: Any) -> None:
    # A 503 to an idempotent upload is retried: the retry must send the file again from its start,
    # not fail on a stream the first attempt used up (httpx.StreamConsumed) or send nothing.
    path = tmp_path / "upload.bin"
    path.write_bytes(b"0123456789" * 10_000)
    with path.open("rb") as opened:
        opened.seek(10)
        for body, expected in ((path, b"0123456789" * 10_000), (opened, (b"0123456789" * 10_000)[10:])):
            transport = _WireTransport()
            settings: dict[str, Any] = {
                "api_key": API_KEY,
                "base_url": "https://api.example.com",
                "transport": transport,
            }
            if flavor == "sync":
                client = RavanClient(**settings)
                client._sleep = lambda seconds: None
                client.call(OCTET_PUT.build({"body": body}), lambda answer: answer)
            else:
                async_client = AsyncRavanClient(**settings)

                async def no_sleep(seconds: float) -> None:
                    return None

                async_client._sleep = no_sleep
                async with async_client:
                    await async_client.call(OCTET_PUT.build({"body": body}), lambda answer: answer)
            assert transport.bodies == [expected, expected]


class _GrowingFile(io.BytesIO):
    """A file written to while it is uploaded (a log still being appended to)."""

    grew = False

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if data and not self.grew:
            self.grew = True
            here = self.tell()
            self.seek(0, io.SEEK_END)
            self.write(b"appended later")
            self.seek(here)
        return data


def test_an_octet_stream_upload_sends_exactly_the_length_it_declared(answered: Harness) -> None:
    # The Content-Length is the file's size when the attempt starts: bytes written after it would
    # overrun it (h11 refuses to send them, and the retry fails the same way while the file grows).
    call(answered.client, OCTET_UPLOAD, body=_GrowingFile(b"x" * 200_000))
    (request,) = answered.server.requests
    assert (request.headers["Content-Length"], request.content) == ("200000", b"x" * 200_000)


def test_an_octet_stream_upload_from_a_stream_that_cannot_seek_is_not_retried_once_sent() -> None:
    # A pipe read by the first attempt has nothing left to send: its 503 is the answer, raised as an
    # API error (not an httpx.StreamConsumed from inside the retry loop).
    transport = _WireTransport()
    client = RavanClient(api_key=API_KEY, base_url="https://api.example.com", transport=transport)
    client._sleep = lambda seconds: None
    with pytest.raises(APIStatusError) as raised:
        client.call(OCTET_PUT.build({"body": io.BufferedReader(_Pipe(b"streamed once"))}), lambda answer: answer)
    assert raised.value.status_code == 503
    assert transport.bodies == [b"streamed once"]


@pytest.mark.anyio
@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_a_multipart_upload_from_an_os_pipe_declares_no_length_it_does_not_send(
    flavor: str, server: Server
) -> None:
    # httpx measures a multipart file by its size on disk: a pipe's is 0, so the Content-Length
    # declared the other parts only and h11 refused the file's bytes ("Too much data for declared
    # Content-Length"), a raw LocalProtocolError out of the client.
    content = b"piped " * 5000  # fits in the pipe's buffer: written whole before the upload
    reading, writing = os.pipe()
    os.write(writing, content)
    os.close(writing)
    server.respond = lambda request: json_response(200, {})
    with os.fdopen(reading, "rb") as pipe:
        options = UPLOAD.build({"file": pipe})
        if flavor == "sync":
            make_client(server).client.call(options, lambda body: body)
        else:
            async with make_async_client(server).client as client:
                await client.call(options, lambda body: body)
    (request,) = server.requests
    assert content in request.content
    assert request.headers.get("Content-Length", str(len(request.content))) == str(len(request.content))


def test_an_unexploded_query_array_is_one_comma_separated_value(answered: Harness) -> None:
    # `explode: false` (Resend's `metrics`): OpenAPI's form style sends `metrics=opens,clicks`.
    operation = OperationSpec(
        method="GET",
        path=LIST_PATH,
        parameters=(Parameter("metrics", "metrics", "query", ArrayRule(StringRule()), explode=False),),
    )
    call(answered.client, operation, metrics=["opens", "clicks"])
    assert answered.server.requests[0].url.params.multi_items() == [("metrics", "opens,clicks")]


def test_an_unexploded_query_array_item_holding_a_comma_is_refused_before_sending() -> None:
    # The style has no escape for a comma: the server would read two items where one was meant.
    operation = OperationSpec(
        method="GET",
        path=LIST_PATH,
        parameters=(Parameter("metrics", "metrics", "query", ArrayRule(StringRule()), explode=False),),
    )
    with pytest.raises(ValueError, match=r"metrics\[1\] must not contain a comma"):
        operation.build({"metrics": ["opens", "a,b"]})


def test_none_is_not_sent_by_the_generated_method(answered: Harness) -> None:
    answered.client.call_sessions.list(status=None, sort_order="desc")
    params = answered.server.requests[0].url.params
    assert "status" not in params
    assert params["sort_order"] == "desc"


def test_a_true_boolean_and_a_utc_timestamp(answered: Harness) -> None:
    started = datetime.datetime(2026, 11, 1, tzinfo=UTC)
    call(answered.client, FILTERED_LIST, include_deleted=True, started_after=started)
    params = answered.server.requests[0].url.params
    assert params["includeDeleted"] == "true"
    assert params["started_after"] == "2026-11-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"page": 0}, ValueError, "page must be an integer >= 1, got 0"),
        ({"page": True}, TypeError, "page must be an integer >= 1, got bool True"),
        ({"page": "2"}, TypeError, "page must be an integer >= 1, got str '2'"),
        ({"page_size": 0}, ValueError, "page_size must be an integer >= 1"),
        ({"page_size": 2.5}, TypeError, "page_size must be an integer"),
        ({"page_size": 2**63}, ValueError, "page_size must fit in a 64-bit integer"),
        ({"sort_order": "ASC"}, ValueError, "sort_order must be 'asc' or 'desc', got 'ASC'"),
        ({"started_after": datetime.datetime(2026, 11, 1)}, ValueError, "started_after must be timezone-aware"),
        ({"started_after": "2026-11-01T00:00:00Z"}, TypeError, "started_after must be a datetime.datetime"),
        ({"status": 5}, TypeError, "status must be a string, got int"),
        ({"search": "caf\ud800"}, ValueError, "search must be valid Unicode text"),
        ({"search": "é" * 2000}, ValueError, "search is too long for a URL: 12000 bytes once encoded, at most 8000"),
        ({"tags": "vip"}, TypeError, "tags must be a list of a string"),
        ({"tags": ["vip", ""]}, ValueError, "tags[1] must be a string of at least 1 character"),
        ({"include_deleted": 1}, TypeError, "include_deleted must be True or False"),
        ({"day": datetime.datetime(2026, 11, 1, tzinfo=UTC)}, TypeError, "day must be a datetime.date"),
        ({"prefetch": 33}, ValueError, "prefetch must be an integer from 0 (off) to 32"),
        ({"max_items": -1}, ValueError, "max_items must be None or an integer >= 0"),
    ],
)
def test_invalid_arguments_fail_before_any_request(
    answered: Harness, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    # The generated method where the grown spec has the parameter, else the same description built here.
    generated = {"page", "page_size", "sort_order", "started_after", "status", "prefetch", "max_items"}
    send: Any = (
        answered.client.call_sessions.list
        if set(arguments) <= generated
        else partial(call, answered.client, FILTERED_LIST)
    )
    with pytest.raises(error) as caught:
        send(**arguments)
    assert message in str(caught.value)
    assert answered.server.requests == []


def test_a_header_parameter_is_sent_as_a_header(answered: Harness) -> None:
    answered.client.calls.create(**CALL, idempotency_key="req-42")
    answered.client.calls.create(**CALL, idempotency_key=None)
    first, second = answered.server.requests
    assert first.headers["Idempotency-Key"] == "req-42"
    assert "Idempotency-Key" not in second.headers


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\r\nX-Evil: 1", "idempotency_key must not contain control characters"),
        ("a\x00b", "idempotency_key must not contain control characters"),
        ("☎", "idempotency_key must be Latin-1 text"),
    ],
)
def test_a_header_value_that_cannot_be_sent_is_refused(answered: Harness, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        answered.client.calls.create(**CALL, idempotency_key=value)
    assert answered.server.requests == []


# --- JSON bodies ---------------------------------------------------------------------------------


def test_a_post_sends_its_json_body_with_a_content_type(answered: Harness) -> None:
    created = answered.client.calls.create(agent_id="café", call_type="outbound_call", max_duration_sec=20)
    request = answered.server.requests[0]
    assert request.method == "POST"
    assert request.url.path == CREATE_CALL_PATH
    assert request.headers["Content-Type"] == "application/json"
    assert request.content == '{"agentId":"café","callType":"outbound_call","maxDurationSec":20}'.encode()
    assert created.data.session_id == "s1"


def test_a_request_without_a_body_has_no_content_type(answered: Harness) -> None:
    answered.client.agents.get("s1")
    answered.client.agents.delete("s1")
    for request in answered.server.requests:
        assert "Content-Type" not in request.headers
        assert request.content == b""
    assert answered.server.requests[1].method == "DELETE"


@pytest.mark.parametrize(
    "arguments",
    [{}, {"agent_id": None}, {"agent_id": NOT_GIVEN}, {"agent_id": None, "call_type": "web_call"}],
    ids=["absent", "None", "NOT_GIVEN", "None-beside-another"],
)
def test_a_required_body_property_is_required(arguments: dict[str, Any]) -> None:
    # The generated signature makes `agent_id` a required keyword; a caller passing None (or a
    # wrapper forwarding NOT_GIVEN) still gets a clear error, before anything is sent.
    create_call: OperationSpec = golden_module("resources")._CALLS_CREATE
    with pytest.raises(TypeError, match="agent_id is required"):
        create_call.build(arguments)


def test_a_required_body_property_left_none_in_the_generated_method_is_refused(answered: Harness) -> None:
    with pytest.raises(TypeError, match="agent_id is required"):
        answered.client.calls.create(agent_id=None, call_type="web_call")
    assert answered.server.requests == []


def test_a_nullable_property_sends_null_for_none_and_nothing_when_not_given(answered: Harness) -> None:
    answered.client.agents.update("a1", max_call_minutes=None)
    answered.client.agents.update("a1")
    answered.client.agents.update("a1", max_call_minutes=5)
    bodies = [sent_json(request) for request in answered.server.requests]
    assert bodies == [{"max_call_minutes": None}, {}, {"max_call_minutes": 5}]


def test_a_non_nullable_optional_property_is_not_sent_for_none(answered: Harness) -> None:
    answered.client.calls.create(**CALL, to_number=None, max_duration_sec=None, recording_enabled=None)
    assert sent_json(answered.server.requests[0]) == CALL_BODY


def test_body_properties_are_checked_naming_them(answered: Harness) -> None:
    with pytest.raises(ValueError, match="max_duration_sec must be an integer >= 10 and <= 3600, got 5"):
        answered.client.calls.create(**CALL, max_duration_sec=5)
    with pytest.raises(TypeError, match=r"tags\[0\] must be a string"):
        answered.client.contacts.replace("c1", name="n", phone="+1", tags=[1])
    with pytest.raises(ValueError, match="name must be a string of at least 1 character"):
        answered.client.contacts.replace("c1", name="", phone="+1")
    assert answered.server.requests == []


def test_an_optional_body_left_empty_sends_an_empty_object(answered: Harness) -> None:
    answered.client.agents.update("s1")
    request = answered.server.requests[0]
    assert request.method == "PATCH"
    assert sent_json(request) == {}


def test_a_whole_body_argument(answered: Harness) -> None:
    call(answered.client, SEARCH, body={"query": "refund", "when": datetime.date(2026, 1, 2)})
    assert sent_json(answered.server.requests[0]) == {"query": "refund", "when": "2026-01-02"}
    for missing in (NOT_GIVEN, None):
        with pytest.raises(TypeError, match="body is required"):
            call(answered.client, SEARCH, body=missing)
    with pytest.raises(ValueError, match="body must be a finite number"):
        call(answered.client, SEARCH, body=float("nan"))
    assert len(answered.server.requests) == 1


# --- extra_query, extra_headers, extra_body --------------------------------------------------------


def test_extra_query_adds_what_the_spec_does_not_list(answered: Harness) -> None:
    answered.client.call_sessions.list(status="done", extra_query={"cursor": "c1", "k": ["a", "b"]})
    params = answered.server.requests[0].url.params
    assert params.get_list("status") == ["done"]
    assert params["cursor"] == "c1"
    assert params.get_list("k") == ["a", "b"]


@pytest.mark.parametrize(("key", "argument"), [("page_size", "page_size"), ("page", "page"), ("status", "status")])
def test_extra_query_naming_a_declared_parameter_is_refused(answered: Harness, key: str, argument: str) -> None:
    """`extra_query={"page_size": 5}` sent 5 while the pager assumed 20: every page looked short,
    and iteration ended after the first with the rest of the records cut."""
    with pytest.raises(TypeError, match=rf"extra_query must not set '{key}'.* the {argument}= argument instead"):
        answered.client.call_sessions.list(extra_query={key: 5})
    assert answered.server.requests == []


def test_a_refused_extra_page_size_would_have_cut_the_records(server: Server) -> None:
    """The control for the refusal: what the pager does with the page size the server is sent."""
    server.respond = paged(25)
    client = make_client(server).client
    assert len(list(client.call_sessions.list(page_size=5))) == 25
    with pytest.raises(TypeError, match="page_size"):
        list(client.call_sessions.list(extra_query={"page_size": 5}))


@pytest.mark.parametrize("name", ["Idempotency-Key", "idempotency-key"])
def test_extra_headers_naming_a_declared_header_are_refused(answered: Harness, name: str) -> None:
    with pytest.raises(TypeError, match=r"extra_headers must not set .*the idempotency_key= argument"):
        answered.client.calls.create(**CALL, extra_headers={name: "r-1"})
    assert answered.server.requests == []


def test_extra_headers_add_headers(answered: Harness) -> None:
    answered.client.call_sessions.list(extra_headers={"X-Trace": "t1"})
    assert answered.server.requests[0].headers["X-Trace"] == "t1"
    assert answered.server.requests[0].headers["X-Api-Key"] == API_KEY


@pytest.mark.parametrize("name", ["X-Api-Key", "x-api-key", "X-API-KEY"])
def test_extra_headers_cannot_set_the_api_key(answered: Harness, name: str) -> None:
    with pytest.raises(ValueError, match="extra_headers must not set X-Api-Key"):
        answered.client.call_sessions.list(extra_headers={name: "other"})
    assert answered.server.requests == []


def test_extra_body_adds_keys(answered: Harness) -> None:
    answered.client.calls.create(**CALL, extra_body={"undocumented": [1]})
    assert sent_json(answered.server.requests[0]) == {**CALL_BODY, "undocumented": [1]}


def test_extra_body_naming_a_declared_property_is_refused(answered: Harness) -> None:
    with pytest.raises(TypeError, match=r"extra_body must not set 'agentId'.*the agent_id= argument"):
        answered.client.calls.create(**CALL, extra_body={"agentId": "override"})
    assert answered.server.requests == []


def test_extra_body_naming_a_field_of_a_whole_body_is_refused() -> None:
    rule = ObjectRule(fields=(ObjectField("name", StringRule(), required=True),))
    operation = OperationSpec("POST", "/x", body=BodySpec(rule, flattened=False))
    assert operation.build({"body": {"name": "n"}}, extra_body={"other": 1}).json_body == {"name": "n", "other": 1}
    with pytest.raises(TypeError, match="the body= argument"):
        operation.build({"body": {"name": "n"}}, extra_body={"name": "m"})


def test_extra_body_needs_a_body() -> None:
    operation = OperationSpec("GET", "/x/{id}", parameters=(Parameter("id", "id", "path", StringRule()),))
    with pytest.raises(TypeError, match="extra_body: this operation has no request body"):
        operation.build({"id": "1"}, extra_body={"a": 1})


def test_build_carries_the_method_timeout_retries_and_retry_safety() -> None:
    operation = OperationSpec("post", "/x", retry_after_send=False)
    options = operation.build({}, timeout=3.0, max_retries=1)
    assert (options.method, options.path, options.timeout, options.max_retries) == ("POST", "/x", 3.0, 1)
    assert options.retry_after_send is False
    assert options.json_body is NOT_GIVEN
    assert options.with_param("page", 2).with_param("page", 3).params == (("page", 3),)


# --- what every request carries --------------------------------------------------------------------


def test_requests_carry_the_key_accept_and_default_headers(server: Server) -> None:
    server.respond = lambda request: json_response(200, page_body([]))
    with make_client(server, default_headers={"X-Team": "billing"}).client as client:
        client.call_sessions.list()
    headers = server.requests[0].headers
    assert headers["X-Api-Key"] == API_KEY
    assert headers["Accept"] == "application/json"
    assert headers["X-Team"] == "billing"
    assert "Authorization" not in headers


def test_default_headers_cannot_set_the_api_key(server: Server) -> None:
    with pytest.raises(ValueError, match="default_headers must not set X-Api-Key"):
        make_client(server, default_headers={"x-api-key": "other"})


@pytest.mark.anyio
async def test_async_requests_are_built_the_same_way(server: Server) -> None:
    server.respond = lambda request: json_response(200, {"data": {"sessionId": "a/b"}, **session("a/b")})
    async with make_async_client(server).client as client:
        created = await client.calls.create(**CALL, metadata=None, extra_headers={"X-Trace": "t"})
        await client.agents.get("a/b?c")
        await client.agents.delete("..")
    post, get, delete = server.requests
    assert sent_json(post) == {**CALL_BODY, "metadata": None}
    assert post.headers["Content-Type"] == "application/json"
    assert post.headers["X-Trace"] == "t"
    assert get.url.raw_path == b"/api/v1/agents/a%2Fb%3Fc"
    assert delete.url.raw_path == b"/api/v1/agents/%2E%2E"
    assert created.data.session_id == "a/b"


class _Order(enum.StrEnum):
    DESC = "desc"


class _Status(str, enum.Enum):  # noqa: UP042 (the older spelling of a string enum, which users still write)
    DONE = "completed"


class _Level(enum.IntEnum):
    HIGH = 3


def test_enum_members_are_sent_as_their_values_in_the_query_the_path_and_the_body() -> None:
    operation = OperationSpec(
        method="POST",
        path="/v1/{kind}",
        parameters=(
            Parameter("kind", "kind", "path", StringRule(), required=True),
            Parameter("order", "order", "query", ChoiceRule(("asc", "desc"))),
            Parameter("status", "status", "query", StringRule()),
            Parameter("level", "level", "query", IntegerRule()),
        ),
        body=BodySpec(
            ObjectRule((ObjectField("status", StringRule()), ObjectField("order", ChoiceRule(("asc", "desc"))))),
            flattened=True,
            properties=(("body_status", "status"), ("body_order", "order")),
        ),
    )
    options = operation.build(
        {
            "kind": _Status.DONE,
            "order": _Order.DESC,
            "status": _Status.DONE,
            "level": _Level.HIGH,
            "body_status": _Status.DONE,
            "body_order": _Order.DESC,
        }
    )
    assert options.path == "/v1/completed"
    assert dict(options.params) == {"order": "desc", "status": "completed", "level": "3"}
    assert json.dumps(options.json_body) == '{"status": "completed", "order": "desc"}'
    assert type(options.json_body["order"]) is str


@pytest.mark.anyio
async def test_async_extra_query_naming_a_declared_parameter_is_refused(server: Server) -> None:
    async with make_async_client(server).client as client:
        with pytest.raises(TypeError, match="the page_size= argument"):
            client.call_sessions.list(extra_query={"page_size": 5})  # refused before it is awaited
    assert server.requests == []


# --- form-urlencoded bodies (issue 18) ----------------------------------------------------------


def test_a_form_body_is_sent_as_form_fields(answered: Harness) -> None:
    from dataclasses import replace

    from ravan_runtime._operations import FORM_MEDIA_TYPE

    form = replace(CREATE_NOTE, body=replace(NOTE_BODY, media_type=FORM_MEDIA_TYPE))
    options = form.build({"name": "café & co", "priority": 2, "labels": ["a", "b"], "note": None})
    answered.client.call(options, lambda body: body)
    request = answered.server.requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    # Arrays repeat their key, null is left out, text is percent-encoded as UTF-8.
    assert request.content == b"name=caf%C3%A9+%26+co&priority=2&labels=a&labels=b"
    assert request.headers["X-Api-Key"] == API_KEY


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_binary_response_comes_back_as_bytes_and_a_text_one_as_str(server: Server, flavour: str) -> None:
    recording = OperationSpec(method="GET", path="/v1/recordings/r1", accept="audio/mpeg")
    export = OperationSpec(method="GET", path="/v1/exports/e1", accept="text/csv")
    audio = bytes(range(256))

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("r1"):
            return httpx.Response(200, content=audio, headers={"Content-Type": "audio/mpeg"})
        return httpx.Response(200, content="id,name\n1,Zoë\n".encode(), headers={"Content-Type": "text/csv"})

    server.respond = respond
    if flavour == "sync":
        client = make_client(server).client
        assert client.call_bytes(recording.build({})) == audio
        assert client.call_text(export.build({})) == "id,name\n1,Zoë\n"
    else:
        import asyncio

        async def both() -> tuple[bytes, str]:
            async with make_async_client(server).client as client:
                return await client.call_bytes(recording.build({})), await client.call_text(export.build({}))

        assert asyncio.run(both()) == (audio, "id,name\n1,Zoë\n")
    assert [request.headers["Accept"] for request in server.requests] == ["audio/mpeg", "text/csv"]


# --- multipart bodies and files (issue 18) ---------------------------------------------------------


UPLOAD = OperationSpec(
    method="POST",
    path="/v1/files",
    body=BodySpec(
        ObjectRule(fields=(ObjectField("purpose", StringRule()), ObjectField("meta", ObjectRule()))),
        flattened=True,
        properties=(("purpose", "purpose"), ("meta", "meta")),
        media_type="multipart/form-data",
        files=(("file", "file", False, True), ("extra", "extra", True, False)),
    ),
    retry_after_send=False,
)


def parts_of(request: httpx.Request) -> dict[str, list[tuple[str | None, bytes]]]:
    """The parts of a multipart request: name -> [(filename, content)]."""
    import email.parser
    import email.policy

    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    found: dict[str, list[tuple[str | None, bytes]]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        found.setdefault(str(name), []).append((part.get_filename(), payload if isinstance(payload, bytes) else b""))
    return found


def test_a_multipart_body_sends_files_from_bytes_file_objects_and_paths(answered: Harness, tmp_path: Any) -> None:
    import io
    from pathlib import Path

    recording = Path(tmp_path) / "call.wav"
    recording.write_bytes(b"RIFF\x00\x01")
    stream = io.BytesIO(b"streamed")
    options = UPLOAD.build(
        {
            "file": recording,
            "extra": [b"raw", ("notes.txt", stream, "text/plain")],
            "purpose": "voice",
            "meta": {"a": 1},
        }
    )
    answered.client.call(options, lambda body: body)
    request = answered.server.requests[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert parts_of(request) == {
        "purpose": [(None, b"voice")],
        "meta": [(None, b'{"a":1}')],  # an object part is its JSON text
        "file": [("call.wav", b"RIFF\x00\x01")],
        "extra": [("extra", b"raw"), ("notes.txt", b"streamed")],
    }
    assert request.headers["X-Api-Key"] == API_KEY


def test_a_multipart_file_object_is_sent_from_where_it_stands(answered: Harness) -> None:
    # As an octet-stream body is: the caller may have read a header off it already.
    stream = io.BytesIO(b"HEADERpayload")
    stream.seek(6)
    answered.client.call(UPLOAD.build({"file": ("data.bin", stream)}), lambda body: body)
    assert parts_of(answered.server.requests[0])["file"] == [("data.bin", b"payload")]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("call.wav", TypeError, "file must be bytes, a binary file object or a path .*not str"),
        (123, TypeError, "file must be bytes, a binary file object or a path, got int"),
        (("a", "b", "c", "d"), TypeError, r"file must be \(filename, content\)"),
    ],
)
def test_a_file_argument_that_is_not_a_file_is_refused_before_sending(
    answered: Harness, value: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        UPLOAD.build({"file": value})
    with pytest.raises(TypeError, match="file is required"):
        UPLOAD.build({"purpose": "voice"})
    assert answered.server.requests == []


def test_a_path_is_opened_for_the_request_and_closed_after_it_even_when_it_fails(server: Server, tmp_path: Any) -> None:
    from pathlib import Path

    recording = Path(tmp_path) / "call.wav"
    recording.write_bytes(b"audio")
    handles: list[Any] = []
    real_open = Path.open

    def tracking_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        handles.append(handle)
        return handle

    server.respond = lambda request: json_response(500, {"success": False, "message": "boom"})
    harness = make_client(server, max_retries=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", tracking_open)
        with pytest.raises(Exception, match="500"):
            harness.client.call(UPLOAD.build({"file": recording}), lambda body: body)
    assert len(handles) == 1
    assert handles[0].closed


# --- servers per path or operation (issue 18, item 6) ---------------------------------------------


def test_an_operation_with_its_own_server_is_sent_there_unless_the_caller_chose_a_base_url(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.runtime.harness import RavanClient

    monkeypatch.delenv("RAVAN_BASE_URL", raising=False)
    uploads = OperationSpec(method="GET", path="/v2/files/f1", server="https://uploads.example.com/root")
    server.respond = lambda request: json_response(200, session("s1"))
    with RavanClient(api_key=API_KEY, transport=httpx.MockTransport(server)) as client:
        client.call(uploads.build({}), lambda body: body)
        client.call(OperationSpec(method="GET", path="/api/v1/agents/s1").build({}), lambda body: body)
    with RavanClient(api_key=API_KEY, base_url="http://127.0.0.1:4010", transport=httpx.MockTransport(server)) as mock:
        mock.call(uploads.build({}), lambda body: body)
    sent = [str(request.url) for request in server.requests]
    assert sent == [
        "https://uploads.example.com/root/v2/files/f1",  # the operation's own server
        "https://api.ravan.ai/api/v1/agents/s1",  # the document's
        "http://127.0.0.1:4010/v2/files/f1",  # a base URL the caller chose wins for every operation
    ]
    assert server.requests[0].headers["X-Api-Key"] == API_KEY


def test_a_plain_http_operation_server_is_refused_before_sending(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ravan_runtime._exceptions import InsecureBaseURLError

    from tests.runtime.harness import RavanClient

    monkeypatch.delenv("RAVAN_BASE_URL", raising=False)
    insecure = OperationSpec(method="GET", path="/x", server="http://files.example.com")
    with (
        RavanClient(api_key=API_KEY, transport=httpx.MockTransport(server)) as client,
        pytest.raises(InsecureBaseURLError, match="plain http"),
    ):
        client.call(insecure.build({}), lambda body: body)
    assert server.requests == []


def test_a_multipart_body_without_files_is_still_multipart(answered: Harness) -> None:
    # httpx sends `data=` alone form-urlencoded: a server that takes only multipart refused it (415).
    optional = OperationSpec(
        method="PUT",
        path="/v1/files/f1",
        body=BodySpec(
            ObjectRule(fields=(ObjectField("purpose", StringRule()),)),
            flattened=True,
            properties=(("purpose", "purpose"),),
            media_type="multipart/form-data",
            files=(("file", "file", False, False),),
        ),
    )
    answered.client.call(optional.build({"purpose": "voice"}), lambda body: body)
    answered.client.call(optional.build({}), lambda body: body)
    with_values, empty = answered.server.requests
    assert with_values.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert parts_of(with_values) == {"purpose": [(None, b"voice")]}
    assert empty.headers["Content-Type"] == "multipart/form-data; boundary=empty"
    assert parts_of(empty) == {}


def test_each_argument_of_an_operation_is_found_with_its_rule_wherever_it_goes() -> None:
    """`OperationSpec.argument`: what the command line types its options by (issue 17)."""
    note = StringRule(nullable=True)
    body = ObjectRule((ObjectField("Note", note), ObjectField("Count", IntegerRule(minimum=0), required=True)))
    page = IntegerRule(minimum=1)
    operation = OperationSpec(
        "POST",
        "/things/{thingId}",
        (
            Parameter("thing_id", "thingId", "path", StringRule(), required=True),
            Parameter("page", "page", "query", page),
            Parameter("trace", "X-Trace", "header", StringRule()),
        ),
        BodySpec(
            body,
            flattened=True,
            properties=(("note", "Note"), ("count", "Count")),
            files=(("scans", "Scans", True, False),),
        ),
    )
    found = {name: operation.argument(name) for name in ("thing_id", "page", "trace", "note", "count", "scans")}
    assert {name: (a.location, a.required) for name, a in found.items()} == {
        "thing_id": ("path", True),
        "page": ("query", False),
        "trace": ("header", False),
        "note": ("body", False),
        "count": ("body", True),
        "scans": ("file", False),
    }
    assert found["page"].rule is page
    assert found["note"].rule is note
    assert found["scans"].many
    assert [name for name, a in found.items() if a.null_is_sent] == ["note"]  # only a nullable body value
    whole = OperationSpec("POST", "/search", body=BodySpec(ChoiceRule(("a", "b"), nullable=True), flattened=False))
    assert whole.argument("body").null_is_sent
    with pytest.raises(KeyError, match="no argument 'nothing'"):
        operation.argument("nothing")


# OpenAPI 3.x's style table, exactly as it spells each row (its own example: color = ["blue",
# "black", "brown"] and {"R": 100, "G": 200, "B": 150}): the delimiters and deepObject's brackets
# as they are, a space as %20. The client encodes the query itself (`query_string`); httpx would
# send `,` as %2C, `|` as %7C, `[` as %5B and a space as `+`.
COLOR = ObjectRule(
    (ObjectField("R", IntegerRule(), required=True), ObjectField("G", IntegerRule()), ObjectField("B", IntegerRule())),
    closed=True,
)
COLORS = ArrayRule(StringRule())
STYLE_TABLE = [
    ("form", True, COLORS, "color=blue&color=black&color=brown"),
    ("form", False, COLORS, "color=blue,black,brown"),
    ("spaceDelimited", False, COLORS, "color=blue%20black%20brown"),
    ("pipeDelimited", False, COLORS, "color=blue|black|brown"),
    ("form", True, COLOR, "R=100&G=200&B=150"),
    ("form", False, COLOR, "color=R,100,G,200,B,150"),
    ("deepObject", True, COLOR, "color[R]=100&color[G]=200&color[B]=150"),
    ("spaceDelimited", False, COLOR, "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, COLOR, "color=R|100|G|200|B|150"),
]


@pytest.mark.anyio
@pytest.mark.parametrize("flavor", ["sync", "async"])
@pytest.mark.parametrize(
    ("style", "explode", "rule", "query"),
    STYLE_TABLE,
    ids=[
        f"{style}-{'exploded' if explode else 'joined'}-{type(rule).__name__}"
        for style, explode, rule, _ in STYLE_TABLE
    ],
)
async def test_a_query_array_or_object_travels_as_the_openapi_style_table_spells_it(
    flavor: str, style: str, explode: bool, rule: Any, query: str, server: Server
) -> None:
    operation = OperationSpec(
        method="GET",
        path=LIST_PATH,
        parameters=(Parameter("color", "color", "query", rule, explode=explode, style=style),),
    )
    value = ["blue", "black", "brown"] if isinstance(rule, ArrayRule) else {"R": 100, "G": 200, "B": 150}
    server.respond = lambda request: json_response(200, {})
    options = operation.build({"color": value})
    if flavor == "sync":
        make_client(server).client.call(options, lambda body: body)
    else:
        async with make_async_client(server).client as client:
            await client.call(options, lambda body: body)
    (request,) = server.requests
    assert request.url.query.decode() == query


def test_a_query_object_is_checked_against_its_rule_before_sending() -> None:
    operation = OperationSpec(
        method="GET", path=LIST_PATH, parameters=(Parameter("color", "color", "query", COLOR, style="deepObject"),)
    )
    with pytest.raises(ValueError, match=r"color must have the key 'R'"):
        operation.build({"color": {"G": 1}})
    with pytest.raises(ValueError, match=r"color has the key 'A', which is not allowed"):
        operation.build({"color": {"R": 1, "A": 2}})
    with pytest.raises(TypeError, match=r"color\['R'\] must be an integer"):
        operation.build({"color": {"R": "red"}})


def test_a_query_object_sends_its_other_keys_as_text_and_leaves_out_none() -> None:
    # An open object: keys the schema does not name go as given, a single value each.
    rule = ObjectRule((ObjectField("on", BooleanRule(nullable=True)),))
    operation = OperationSpec(
        method="GET", path=LIST_PATH, parameters=(Parameter("filter", "filter", "query", rule, style="deepObject"),)
    )
    options = operation.build({"filter": {"on": True, "day": datetime.date(2026, 1, 2), "n": 2.5, "off": None}})
    assert options.params == (("filter[on]", "true"), ("filter[day]", "2026-01-02"), ("filter[n]", "2.5"))
    with pytest.raises(TypeError, match=r"filter\['deep'\] must be a single value \(it is sent in the query\)"):
        operation.build({"filter": {"deep": {"a": 1}}})
    with pytest.raises(ValueError, match=r"filter has the key 'a\]b': a deepObject key cannot hold"):
        operation.build({"filter": {"a]b": 1}})


@pytest.mark.parametrize(
    ("style", "value", "message"),
    [
        ("pipeDelimited", ["a", "b|c"], r"color\[1\] must not contain a '\|'"),
        ("spaceDelimited", ["a b"], r"color\[0\] must not contain a space"),
        ("form", {"R": 1, "G,": 2}, r"color\['G,'\] must not contain a comma"),
    ],
)
def test_a_joined_item_holding_its_delimiter_is_refused_before_sending(style: str, value: Any, message: str) -> None:
    rule = COLORS if isinstance(value, list) else ObjectRule((ObjectField("R", IntegerRule()),))
    operation = OperationSpec(
        method="GET",
        path=LIST_PATH,
        parameters=(Parameter("color", "color", "query", rule, explode=False, style=style),),
    )
    with pytest.raises(ValueError, match=message):
        operation.build({"color": value})


def test_a_query_union_travels_as_the_variant_it_fits() -> None:
    # Stripe's `created`: an integer (`created=5`), or an object of bounds (`created[gte]=5`);
    # openapi-python-client's `union_prop`: `type: [number, string]`, sent as its text.
    bounds = ObjectRule((ObjectField("gte", IntegerRule()), ObjectField("lt", IntegerRule())), closed=True)
    created = UnionRule((IntegerRule(), bounds))
    operation = OperationSpec(
        method="GET",
        path=LIST_PATH,
        parameters=(
            Parameter("created", "created", "query", created, style="deepObject"),
            Parameter("union_prop", "union_prop", "query", UnionRule((NumberRule(), StringRule()))),
        ),
    )
    assert operation.build({"created": 5, "union_prop": 0.5}).params == (("created", "5"), ("union_prop", "0.5"))
    assert operation.build({"created": {"gte": 1, "lt": 9}, "union_prop": "not a float"}).params == (
        ("created[gte]", "1"),
        ("created[lt]", "9"),
        ("union_prop", "not a float"),
    )
    with pytest.raises(TypeError, match="union_prop fits none of the shapes"):
        operation.build({"union_prop": [1]})


def test_a_query_value_is_sent_as_httpx_would_read_it_back() -> None:
    # The client encodes the query itself: what httpx (any server) decodes is the text given, a
    # `+`, `&`, `=` or `%` in a value included; a space is %20, True `true`, None empty.
    pairs = [("q", "a+b & c=d%"), ("flag", True), ("empty", None), ("n", 2), ("é", "ü/?")]
    encoded = query_string(pairs)
    assert encoded == "q=a%2Bb%20%26%20c%3Dd%25&flag=true&empty=&n=2&%C3%A9=%C3%BC%2F%3F"
    assert httpx.URL("https://api.example.com/", query=encoded.encode()).params.multi_items() == [
        ("q", "a+b & c=d%"),
        ("flag", "true"),
        ("empty", ""),
        ("n", "2"),
        ("é", "ü/?"),
    ]


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        # A list of untyped items, or of nullable ones: an object, a list or None inside went out
        # as Python's text (`ids={'a': 1}`, `ids=None`), which no server reads as what was meant.
        (
            ArrayRule(AnyRule()),
            ["a", {"a": 1}],
            r"ids\[1\] must be a single value \(it is sent in the query\), got \{'a': 1\}",
        ),
        (ArrayRule(AnyRule()), [[1, 2]], r"ids\[0\] must be a single value"),
        (ArrayRule(StringRule(nullable=True)), ["a", None], r"ids\[1\] must be a single value .*got None"),
    ],
)
@pytest.mark.parametrize("explode", [True, False])
def test_a_query_array_item_that_is_not_a_single_value_is_refused_before_sending(
    rule: Any, value: Any, message: str, explode: bool
) -> None:
    operation = OperationSpec(
        method="GET", path=LIST_PATH, parameters=(Parameter("ids", "ids", "query", rule, explode=explode),)
    )
    with pytest.raises(TypeError, match=message):
        operation.build({"ids": value})


def test_a_deep_object_key_that_is_empty_is_refused_before_sending() -> None:
    # `filter[]=1` is how PHP, Rails and qs spell an array's item: the server would read a list.
    operation = OperationSpec(
        method="GET",
        path=LIST_PATH,
        parameters=(Parameter("filter", "filter", "query", ObjectRule(()), style="deepObject"),),
    )
    with pytest.raises(ValueError, match=r"filter has an empty key: `filter\[\]=` would be read as an array"):
        operation.build({"filter": {"": 1}})


@pytest.mark.parametrize(
    ("rule", "style"), [(ObjectRule(()), "deepObject"), (ObjectRule(()), "form"), (AnyRule(), "form")]
)
def test_a_key_holding_a_lone_surrogate_is_refused_before_sending(rule: Any, style: str) -> None:
    # A value's text was checked so, a key's was not: the request failed as it was encoded, with a
    # UnicodeEncodeError that named no argument (a query object's key, or a JSON body's).
    query = OperationSpec(
        method="GET", path=LIST_PATH, parameters=(Parameter("filter", "filter", "query", ObjectRule(()), style=style),)
    )
    body = OperationSpec(method="POST", path=LIST_PATH, body=BodySpec(rule, flattened=False))
    message = r"has a key that is not valid Unicode text \(it contains a lone surrogate\)"
    with pytest.raises(ValueError, match=rf"^filter {message}"):
        query.build({"filter": {"k\ud800": "v"}})
    with pytest.raises(ValueError, match=rf"^body {message}"):
        body.build({"body": {"k\udfff": 1}})
