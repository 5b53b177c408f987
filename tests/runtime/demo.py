"""A hand-written stand-in for what scripts/generate makes, built on `ravan_runtime` alone.

The runtime tests need an API client, but not the generated one: they must run before (and
without) any regeneration, so `ravan_client` is never imported here. This module writes by hand
what the generator would write for a small "call sessions" API: attrs response models derived
from `WireModel`, one `OperationSpec` per operation, a resource whose methods build requests and
hand them to the client, sync and async clients, and a CLI `Program`. Beside them are the pieces
the tests drive them with: a recording `Server` for `httpx.MockTransport` and response builders.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Self

import attrs
import httpx
from ravan_runtime._base_client import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncAPIClient,
    SyncAPIClient,
)
from ravan_runtime._commands import Column, Command, Group, Option, Program
from ravan_runtime._identity import ClientIdentity, Credential, SecurityScheme
from ravan_runtime._models import InvalidField, WireModel, present
from ravan_runtime._operations import BodySpec, OperationSpec, Parameter, RequestOptions
from ravan_runtime._pagination import (
    AsyncPager,
    PageNumber,
    PageNumberWithTotal,
    Pagination,
    SyncPage,
    async_pager,
    sync_first_page,
)
from ravan_runtime._resource import AsyncResource, SyncResource, as_received
from ravan_runtime._types import NOT_GIVEN, NotGiven, TimeoutTypes
from ravan_runtime._validation import (
    AnyRule,
    ArrayRule,
    BooleanRule,
    ChoiceRule,
    DateRule,
    DateTimeRule,
    IntegerRule,
    ObjectField,
    ObjectRule,
    StringRule,
)

API_KEY = "sk-test-0123456789abcdef"
"""Distinctive enough that finding it in any text is never a coincidence."""
API_KEY_HEADER = "X-Api-Key"
IDENTITY = ClientIdentity(
    schemes=(
        SecurityScheme(
            "ApiKeyAuth",
            "api-key-header",
            (Credential("api_key", ("RAVAN_API_KEY", "AGNI_API_KEY")),),
            header=API_KEY_HEADER,
        ),
    ),
    default_security=(("ApiKeyAuth",),),
    base_url_env_var="RAVAN_BASE_URL",
    default_base_url="https://api.ravan.ai",
    log_env_var="RAVAN_LOG",
    cli_name="ravan-calls",
    vendor="Ravan AI",
)
"""As the generated `_client.py` defines it from the plan (the product's names)."""
BASE_URL = "https://api.example.com"
LIST_PATH = "/v1/sessions"
COUNTED_PATH = "/v1/counted-sessions"

# --- models (what the generator writes for each schema) ------------------------------------------


def _require_object(name: str, src_dict: object) -> None:
    if not isinstance(src_dict, Mapping):
        raise TypeError(f"{name} must be a JSON object, got {type(src_dict).__name__}")


# The generated models have a fast path in front of the base class's general parser
# (`_parse_checked`); these use the general parser alone, which decides every value.


@attrs.define(repr=False)
class CreditBreakdown(WireModel):
    """A nested object whose wire keys are snake_case (as the real API's creditBreakdown)."""

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("total_credits", "total_credits", "float"),
        ("provider_managed", "provider_managed", "bool"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)

    total_credits: float | None = None
    provider_managed: bool | None = None
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = attrs.field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = attrs.field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _require_object("CreditBreakdown", src_dict)
        return cls._parse_checked(src_dict)


@attrs.define(repr=False)
class Session(WireModel):
    """One call session: only `id` is required (missing or null, it reads None and is listed)."""

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("id", "id", "str"),
        ("status", "status", "str"),
        ("callerName", "caller_name", "str"),
        ("durationSec", "duration_sec", "int"),
        ("startedAt", "started_at", "datetime"),
        ("metadata", "metadata", "object"),
        ("creditBreakdown", "credit_breakdown", "model:CreditBreakdown"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset({"id"})
    _not_null: ClassVar[frozenset[str]] = frozenset({"id"})

    id: str | None
    status: str | None = None
    caller_name: str | None = None
    duration_sec: int | None = None
    started_at: datetime.datetime | None = None
    metadata: dict[str, Any] | None = None
    credit_breakdown: CreditBreakdown | None = None
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = attrs.field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = attrs.field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _require_object("Session", src_dict)
        return cls._parse_checked(src_dict)


@attrs.define(repr=False)
class SessionListData(WireModel):
    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("callSessions", "call_sessions", "model_list:Session"),
        ("total", "total", "int"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset({"call_sessions"})
    _not_null: ClassVar[frozenset[str]] = frozenset({"call_sessions"})
    _envelope_fields: ClassVar[frozenset[str]] = frozenset({"call_sessions"})  # on the pager's items path

    call_sessions: list[Session]
    total: int | None = None
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = attrs.field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = attrs.field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _require_object("SessionListData", src_dict)
        return cls._parse_checked(src_dict)


@attrs.define(repr=False)
class SessionListResponse(WireModel):
    """The envelope: `data.callSessions` is its only required part."""

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("data", "data", "model:SessionListData"),
        ("success", "success", "bool"),
        ("message", "message", "str"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset({"data"})
    _not_null: ClassVar[frozenset[str]] = frozenset({"data"})
    _envelope_fields: ClassVar[frozenset[str]] = frozenset({"data"})

    data: SessionListData
    success: bool | None = None
    message: str | None = None
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = attrs.field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = attrs.field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _require_object("SessionListResponse", src_dict)
        return cls._parse_checked(src_dict)


# --- operations (what the generator writes for each operation) -----------------------------------

LIST_PARAMETERS = (
    Parameter("page", "page", "query", IntegerRule(minimum=1)),
    Parameter("page_size", "page_size", "query", IntegerRule(minimum=1)),
    Parameter("status", "status", "query", StringRule()),
    Parameter("search", "search", "query", StringRule()),
    Parameter("tags", "tag", "query", ArrayRule(StringRule(min_length=1))),
    Parameter("include_deleted", "includeDeleted", "query", BooleanRule()),
    Parameter("sort_order", "sort_order", "query", ChoiceRule(("asc", "desc"))),
    Parameter("started_after", "started_after", "query", DateTimeRule()),
    Parameter("day", "day", "query", DateRule()),
)
LIST_SESSIONS = OperationSpec(method="GET", path=LIST_PATH, parameters=LIST_PARAMETERS)
LIST_COUNTED = OperationSpec(method="GET", path=COUNTED_PATH, parameters=LIST_PARAMETERS[:2])
SESSION_ID = Parameter("session_id", "sessionId", "path", StringRule(), required=True)
RETRIEVE_SESSION = OperationSpec(
    method="GET",
    path="/v1/sessions/{sessionId}",
    parameters=(SESSION_ID, Parameter("request_id", "X-Request-Id", "header", StringRule())),
)
SESSION_BODY = ObjectRule(
    fields=(
        ObjectField("name", StringRule(min_length=1), required=True),
        ObjectField("note", StringRule(nullable=True)),
        ObjectField("priority", IntegerRule(minimum=0)),
        ObjectField("labels", ArrayRule(StringRule())),
    )
)
SESSION_PROPERTIES = (("name", "name"), ("note", "note"), ("priority", "priority"), ("labels", "labels"))
# POST without x-idempotent: retried only when it never reached the server.
CREATE_SESSION = OperationSpec(
    method="POST",
    path=LIST_PATH,
    body=BodySpec(SESSION_BODY, flattened=True, properties=SESSION_PROPERTIES),
    retry_after_send=False,
)
# POST marked x-idempotent: retried as a GET is.
TAG_SESSION = OperationSpec(
    method="POST",
    path="/v1/sessions/{sessionId}/tags",
    parameters=(SESSION_ID,),
    body=BodySpec(
        ObjectRule(fields=(ObjectField("labels", ArrayRule(StringRule()), required=True),)),
        flattened=True,
        properties=(("labels", "labels"),),
    ),
    retry_after_send=True,
)
# PATCH without x-idempotent; every property optional.
UPDATE_SESSION = OperationSpec(
    method="PATCH",
    path="/v1/sessions/{sessionId}",
    parameters=(SESSION_ID,),
    body=BodySpec(
        ObjectRule(fields=(ObjectField("name", StringRule()),)), flattened=True, properties=(("name", "name"),)
    ),
    retry_after_send=False,
)
DELETE_SESSION = OperationSpec(method="DELETE", path="/v1/sessions/{sessionId}", parameters=(SESSION_ID,))
SEARCH = OperationSpec(
    method="POST", path="/v1/search", body=BodySpec(AnyRule(nullable=False), flattened=False), retry_after_send=True
)
PING = OperationSpec(method="GET", path="/v1/ping")

SESSION_PAGES: Pagination[SessionListResponse, Session] = Pagination(
    style=PageNumber,
    page_parameter="page",
    first_page=1,
    parse=SessionListResponse.from_dict,
    items=lambda body: present(present(body.data).call_sessions),
    item_key=lambda item: item.id,
    items_path=("data", "callSessions"),
)
COUNTED_PAGES: Pagination[SessionListResponse, Session] = Pagination(
    style=PageNumberWithTotal,
    page_parameter="page",
    first_page=1,
    parse=SessionListResponse.from_dict,
    items=lambda body: present(present(body.data).call_sessions),
    item_key=lambda item: item.id,
    items_path=("data", "callSessions"),
    body_paths={"total": ("data", "total")},
)
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class CallSettings:
    """The per-call keyword arguments every generated method takes."""

    extra_query: Mapping[str, Any] | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_body: Mapping[str, Any] | None = None
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN

    def build(self, operation: OperationSpec, arguments: Mapping[str, Any]) -> RequestOptions:
        return operation.build(
            arguments,
            extra_query=self.extra_query,
            extra_headers=self.extra_headers,
            extra_body=self.extra_body,
            timeout=self.timeout,
            max_retries=self.max_retries,
        )


def _list_arguments(page: int | None, page_size: int, filters: Mapping[str, Any]) -> dict[str, Any]:
    return {"page": page, "page_size": page_size, **filters}


class Sessions(SyncResource):
    """`client.sessions`: the methods a generated sync resource has, written out by hand."""

    _client: SyncAPIClient

    def list(
        self,
        *,
        page: int | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        prefetch: int = 0,
        extra_query: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        **filters: Any,
    ) -> SyncPage[Session]:
        settings = CallSettings(extra_query, extra_headers, None, timeout, max_retries)
        return self._pages(LIST_SESSIONS, SESSION_PAGES, page, page_size, max_items, prefetch, settings, filters)

    def list_counted(
        self,
        *,
        page: int | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        prefetch: int = 0,
    ) -> SyncPage[Session]:
        return self._pages(LIST_COUNTED, COUNTED_PAGES, page, page_size, max_items, prefetch, CallSettings(), {})

    def _pages(
        self,
        operation: OperationSpec,
        pagination: Pagination[SessionListResponse, Session],
        page: int | None,
        page_size: int | None,
        max_items: int | None,
        prefetch: int,
        settings: CallSettings,
        filters: Mapping[str, Any],
    ) -> SyncPage[Session]:
        # The page size the pager assumes is the one sent, even when the caller left it unset.
        page_size_sent = DEFAULT_PAGE_SIZE if page_size is None else page_size
        options = settings.build(operation, _list_arguments(page, page_size_sent, filters))
        return sync_first_page(
            self._client,
            options,
            pagination,
            first_page=1 if page is None else page,
            page_size=page_size_sent,
            max_items=max_items,
            prefetch=prefetch,
        )

    def retrieve(self, session_id: str, *, request_id: str | None = None, **settings: Any) -> Session:
        options = CallSettings(**settings).build(RETRIEVE_SESSION, {"session_id": session_id, "request_id": request_id})
        return self._client.call(options, Session.from_dict)

    def create(
        self,
        *,
        name: str,
        note: str | NotGiven | None = NOT_GIVEN,
        priority: int | None = None,
        labels: Sequence[str] | None = None,
        **settings: Any,
    ) -> Session:
        arguments = {"name": name, "note": note, "priority": priority, "labels": labels}
        return self._client.call(CallSettings(**settings).build(CREATE_SESSION, arguments), Session.from_dict)

    def tag(self, session_id: str, *, labels: Sequence[str], **settings: Any) -> Session:
        arguments = {"session_id": session_id, "labels": labels}
        return self._client.call(CallSettings(**settings).build(TAG_SESSION, arguments), Session.from_dict)

    def update(self, session_id: str, *, name: str | None = None, **settings: Any) -> Session:
        arguments = {"session_id": session_id, "name": name}
        return self._client.call(CallSettings(**settings).build(UPDATE_SESSION, arguments), Session.from_dict)

    def delete(self, session_id: str, **settings: Any) -> None:
        self._client.call_no_content(CallSettings(**settings).build(DELETE_SESSION, {"session_id": session_id}))

    def search(self, body: Any = NOT_GIVEN, **settings: Any) -> Any:
        return self._client.call(CallSettings(**settings).build(SEARCH, {"body": body}), as_received)

    def ping(self, **settings: Any) -> Any:
        return self._client.call(CallSettings(**settings).build(PING, {}), as_received)


class AsyncSessions(AsyncResource):
    """`async_client.sessions`: the async twin of `Sessions`."""

    _client: AsyncAPIClient

    def list(
        self,
        *,
        page: int | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        prefetch: int = 0,
        extra_query: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **filters: Any,
    ) -> AsyncPager[Session]:
        page_size_sent = DEFAULT_PAGE_SIZE if page_size is None else page_size
        settings = CallSettings(extra_query, extra_headers)
        options = settings.build(LIST_SESSIONS, _list_arguments(page, page_size_sent, filters))
        return async_pager(
            self._client,
            options,
            SESSION_PAGES,
            first_page=1 if page is None else page,
            page_size=page_size_sent,
            max_items=max_items,
            prefetch=prefetch,
        )

    def list_counted(self, *, page_size: int | None = None) -> AsyncPager[Session]:
        page_size_sent = DEFAULT_PAGE_SIZE if page_size is None else page_size
        options = LIST_COUNTED.build({"page_size": page_size_sent})
        return async_pager(
            self._client, options, COUNTED_PAGES, first_page=1, page_size=page_size_sent, max_items=None, prefetch=0
        )

    async def retrieve(self, session_id: str, **settings: Any) -> Session:
        options = CallSettings(**settings).build(RETRIEVE_SESSION, {"session_id": session_id})
        return await self._client.call(options, Session.from_dict)

    async def create(self, *, name: str, note: str | NotGiven | None = NOT_GIVEN, **settings: Any) -> Session:
        options = CallSettings(**settings).build(CREATE_SESSION, {"name": name, "note": note})
        return await self._client.call(options, Session.from_dict)

    async def tag(self, session_id: str, *, labels: Sequence[str], **settings: Any) -> Session:
        options = CallSettings(**settings).build(TAG_SESSION, {"session_id": session_id, "labels": labels})
        return await self._client.call(options, Session.from_dict)

    async def delete(self, session_id: str, **settings: Any) -> None:
        await self._client.call_no_content(CallSettings(**settings).build(DELETE_SESSION, {"session_id": session_id}))


# --- clients (what the generator writes in _client.py) -------------------------------------------


class DemoClient(SyncAPIClient):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        allow_insecure_http: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        strict_responses: bool = False,
    ) -> None:
        super().__init__(
            http_client=http_client,
            transport=transport,
            credentials={"api_key": api_key},
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            identity=IDENTITY,
            max_response_bytes=max_response_bytes,
            strict_responses=strict_responses,
        )

    @cached_property
    def sessions(self) -> Sessions:
        return Sessions(self)


class AsyncDemoClient(AsyncAPIClient):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_insecure_http: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        strict_responses: bool = False,
    ) -> None:
        super().__init__(
            http_client=http_client,
            transport=transport,
            credentials={"api_key": api_key},
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            identity=IDENTITY,
            max_response_bytes=max_response_bytes,
            strict_responses=strict_responses,
        )

    @cached_property
    def sessions(self) -> AsyncSessions:
        return AsyncSessions(self)


# --- the command line (what the generator writes in cli.py) --------------------------------------

TABLE_COLUMNS = (
    Column("id", ("id",), whole=True),
    Column("started at", ("startedAt",), whole=True),
    Column("duration", ("durationSec",)),
    Column("status", ("status",)),
    Column("caller name", ("callerName",)),
    Column("credits", ("creditBreakdown", "total_credits")),
)
EXPORT_COLUMNS = (
    Column("id", ("id",)),
    Column("status", ("status",)),
    Column("callerName", ("callerName",)),
    Column("durationSec", ("durationSec",)),
    Column("startedAt", ("startedAt",)),
    Column("metadata", ("metadata",), json_encoded=True),
    Column("creditBreakdown.total_credits", ("creditBreakdown", "total_credits")),
    Column("creditBreakdown.provider_managed", ("creditBreakdown", "provider_managed")),
)
NOUN = ("call session", "call sessions")
LIST_OPTIONS = (
    Option("page", help="The page number.", server_default=1),
    Option("page_size", help="Sessions per page.", server_default=20),
    Option("status", help="Only sessions with this status."),
    Option("sort_order", help="The sort direction."),
    Option("started_after", help="Only sessions that started after this."),
)
PROGRAM = Program(
    name="demo-calls",
    help="The demo API from the command line.",
    groups=(
        Group(
            "sessions",
            "sessions",
            "Call sessions.",
            (
                Command(
                    "list",
                    "list",
                    "List call sessions. One page of them.",
                    LIST_SESSIONS,
                    LIST_OPTIONS,
                    "object",
                    paginated=True,
                    export_name="export",
                    page_option="page",
                    size_option="page_size",
                    export_page_size=100,
                    table_columns=TABLE_COLUMNS,
                    export_columns=EXPORT_COLUMNS,
                    item_noun=NOUN,
                ),
                Command(
                    "list-counted",
                    "list_counted",
                    "List call sessions, with a total.",
                    LIST_COUNTED,
                    LIST_OPTIONS[:2],
                    "object",
                    paginated=True,
                    export_name="export-counted",
                    export_page_size=100,
                    page_option="page",
                    size_option="page_size",
                    table_columns=TABLE_COLUMNS,
                    export_columns=EXPORT_COLUMNS,
                    item_noun=NOUN,
                ),
                Command(
                    "retrieve",
                    "retrieve",
                    "Retrieve one call session.",
                    RETRIEVE_SESSION,
                    (Option("session_id"),),
                    "object",
                ),
                Command(
                    "create",
                    "create",
                    "Create a call session.",
                    CREATE_SESSION,
                    (Option("name"), Option("note"), Option("priority")),
                    "object",
                ),
                Command(
                    "delete",
                    "delete",
                    "Delete a call session.",
                    DELETE_SESSION,
                    (Option("session_id"),),
                    "empty",
                ),
            ),
        ),
    ),
    top_level_group="sessions",
    version="1.2.3",
    spec_version="2.0.0",
    spec_sha256="0123456789abcdef" * 4,
    install_hint="pip install 'demo-client[cli]'",
    identity=IDENTITY,
)

# --- the server side ----------------------------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


def session(session_id: str | None, **fields: Any) -> dict[str, Any]:
    """A call session as the API sends it: only the id is required."""
    return {"id": session_id, **fields}


def sessions(prefix: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [session(f"{prefix}{i}") for i in range(start, start + count)]


def page_body(items: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    return {"success": True, "message": "ok", "data": {"callSessions": items, **data}}


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )


def one_page(items: list[dict[str, Any]]) -> Handler:
    """A server holding exactly `items`: page 1 has them all, every later page is empty."""

    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return json_response(200, page_body(items if page == 1 else []))

    return respond


def paged(total: int, make: Callable[[int], dict[str, Any]] | None = None) -> Handler:
    """A server holding `total` sessions `s0`, `s1`, ..., paged honestly by page and page_size."""

    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        start = (page - 1) * size
        made = make or (lambda i: session(f"s{i}"))
        return json_response(200, page_body([made(i) for i in range(start, min(start + size, total))]))

    return respond


@dataclass
class Server:
    """Answers requests from a list of responses (or a function) and keeps every request.

    Thread-safe: the prefetching pager calls it from worker threads."""

    responses: list[httpx.Response | BaseException] = field(default_factory=list)
    respond: Handler | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            self.requests.append(request)
            respond = self.respond
            answer = self.responses.pop(0) if respond is None and self.responses else None
        if respond is not None:
            return respond(request)
        if answer is None:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(answer, BaseException):
            raise answer
        return answer

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)

    @property
    def pages_requested(self) -> list[int]:
        return [int(request.url.params["page"]) for request in self.requests]


@dataclass
class Harness:
    """A sync client wired to `server`, whose waits between attempts are recorded, not slept."""

    client: DemoClient
    server: Server
    sleeps: list[float]


@dataclass
class AsyncHarness:
    client: AsyncDemoClient
    server: Server
    sleeps: list[float]


def make_client(server: Server, **settings: Any) -> Harness:
    settings.setdefault("api_key", API_KEY)
    settings.setdefault("base_url", BASE_URL)
    client = DemoClient(transport=httpx.MockTransport(server), **settings)
    sleeps: list[float] = []
    client._sleep = sleeps.append
    client._random = lambda: 0.0  # no jitter: the schedule is exact
    return Harness(client, server, sleeps)


def make_async_client(server: Server, **settings: Any) -> AsyncHarness:
    settings.setdefault("api_key", API_KEY)
    settings.setdefault("base_url", BASE_URL)
    client = AsyncDemoClient(transport=httpx.MockTransport(server.handle_async), **settings)
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client._sleep = record_sleep
    client._random = lambda: 0.0
    return AsyncHarness(client, server, sleeps)


@dataclass
class CliRun:
    """What one command line run did: its exit status, stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Cli:
    """Runs `PROGRAM` as `ravan_runtime._cli.run` would for a user, its client wired to `server`."""

    server: Server
    read_output: Callable[[], tuple[str, str]]
    sleeps: list[float] = field(default_factory=list)
    needs_key: bool = False
    """True to leave the key to the environment (and find out what happens without one)."""

    def client_class(self, **settings: Any) -> DemoClient:
        """What the CLI calls to make its client: the generated client class, in production."""
        if settings.get("api_key") is None and not self.needs_key:
            settings["api_key"] = API_KEY
        if settings.get("base_url") is None:
            settings["base_url"] = BASE_URL
        client = DemoClient(transport=httpx.MockTransport(self.server), **settings)
        client._sleep = self.sleeps.append
        return client

    def __call__(self, *args: str) -> CliRun:
        from ravan_runtime._cli import run  # click and rich: only for the tests that need them

        self.read_output()  # drop what came before
        try:
            run(PROGRAM, self.client_class, list(args))
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        else:  # pragma: no cover - run() always exits
            raise AssertionError("run() returned instead of exiting")
        out, err = self.read_output()
        return CliRun(code, out, err)
