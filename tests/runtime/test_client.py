"""SyncAPIClient / AsyncAPIClient settings: key, base URL, timeouts, retries, copies, pools, logs, caps."""

from __future__ import annotations

import dataclasses
import gzip
import logging
import math
import os
import pickle
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from ravan_runtime import _base_client as base
from ravan_runtime._exceptions import (
    APITimeoutError,
    ClientSettingError,
    InsecureBaseURLError,
    InternalServerError,
    MissingAPIKeyError,
    RavanError,
    ResponseTooLargeError,
)
from ravan_runtime._identity import ClientIdentity, Credential, SecurityScheme
from ravan_runtime._operations import OperationSpec, Parameter
from ravan_runtime._validation import ObjectRule

from tests.runtime.harness import (
    API_KEY,
    BASE_URL,
    IDENTITY,
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
    sessions,
)

ERROR_BODY = {"success": False, "message": "nope"}


def no_transport() -> httpx.MockTransport:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    return httpx.MockTransport(refuse)


# --- key and base URL ----------------------------------------------------------------------------


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, server: Server) -> None:
    monkeypatch.setenv("RAVAN_API_KEY", "from-env-key")
    monkeypatch.setenv("RAVAN_BASE_URL", "https://eu.api.example.com")
    server.respond = lambda request: json_response(200, session("s1"))
    with RavanClient(transport=httpx.MockTransport(server)) as client:
        client.agents.get("s1")
    assert server.requests[0].headers["X-Api-Key"] == "from-env-key"
    assert str(server.requests[0].url) == "https://eu.api.example.com/api/v1/agents/s1"


def test_agni_api_key_is_accepted_when_ravan_api_key_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGNI_API_KEY", "agni-key")
    with RavanClient(transport=no_transport()) as client:
        assert client._api_key.reveal() == "agni-key"


def test_the_default_base_url_is_the_production_api() -> None:
    with RavanClient(api_key="k", transport=no_transport()) as client:
        assert str(client.base_url) == IDENTITY.default_base_url == "https://api.ravan.ai"


def test_without_a_server_in_the_spec_a_base_url_is_required_and_no_host_is_guessed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RAVAN_BASE_URL", raising=False)
    serverless = dataclasses.replace(IDENTITY, default_base_url=None)
    monkeypatch.setattr(RavanClient, "__init__", _with_identity(serverless))
    with pytest.raises(ClientSettingError, match=r"No base URL: .* pass base_url=\.\.\. or set RAVAN_BASE_URL"):
        RavanClient(api_key="k", transport=no_transport())
    monkeypatch.setenv("RAVAN_BASE_URL", "https://elsewhere.example")
    with RavanClient(api_key="k", transport=no_transport()) as client:
        assert str(client.base_url) == "https://elsewhere.example"


def _with_identity(identity: ClientIdentity) -> Any:
    def init(self: RavanClient, **settings: Any) -> None:
        base.SyncAPIClient.__init__(
            self,
            http_client=settings.pop("http_client", None),
            transport=settings.pop("transport", None),
            credentials={"api_key": settings.pop("api_key", None)},
            base_url=settings.pop("base_url", None),
            timeout=base.DEFAULT_TIMEOUT,
            max_retries=base.DEFAULT_MAX_RETRIES,
            default_headers=None,
            allow_insecure_http=False,
            identity=identity,
            max_response_bytes=base.DEFAULT_MAX_RESPONSE_BYTES,
        )

    return init


def test_a_missing_key_fails_at_construction_saying_what_to_do() -> None:
    with pytest.raises(ValueError, match=r"No API key: pass api_key=\.\.\. or set the RAVAN_API_KEY") as caught:
        RavanClient(transport=no_transport())
    assert isinstance(caught.value, MissingAPIKeyError)
    assert caught.value.env_vars == ("RAVAN_API_KEY", "AGNI_API_KEY")


def test_setting_errors_are_typed_value_errors_that_pickle() -> None:
    """Typed, so callers (the CLI) never match message text; still ValueErrors, as they were."""
    with pytest.raises(InsecureBaseURLError) as caught:
        RavanClient(api_key="k", base_url="http://user:hunter2-pass@10.0.0.5/", transport=no_transport())
    error = caught.value
    assert isinstance(error, ClientSettingError)
    assert isinstance(error, ValueError)
    assert isinstance(error, RavanError)
    assert error.base_url == "http://user:[secure]@10.0.0.5/"
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.base_url) == (InsecureBaseURLError, str(error), error.base_url)
    assert b"hunter2" not in pickle.dumps(error)
    missing = pickle.loads(pickle.dumps(MissingAPIKeyError("none", ("A_KEY",))))
    assert missing.env_vars == ("A_KEY",)


@pytest.mark.parametrize("key", ["sk-secret\n", " sk-secret", "sk secret", "sk-sécret", "sk-\r\nX-Evil: 1"])
def test_a_key_that_cannot_be_a_header_value_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ValueError, match="printable ASCII") as caught:
        RavanClient(api_key=key, transport=no_transport())
    assert "secret" not in str(caught.value)
    assert "Evil" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.example.com", "plain http to a non-loopback host"),
        ("http://10.0.0.5:8080", "plain http to a non-loopback host"),
        ("ftp://api.example.com", "must be an http(s) URL with a host"),
        ("not a url", "must be an http(s) URL with a host"),
        ("https://api.example.com/?tenant=1", "must not have a query or a fragment"),
        ("https://api.example.com/#top", "must not have a query or a fragment"),
    ],
)
def test_insecure_or_odd_base_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        RavanClient(api_key="k", base_url=url, transport=no_transport())
    assert message in str(caught.value)


def test_a_refused_base_url_with_a_password_does_not_show_it() -> None:
    with pytest.raises(ValueError, match="plain http") as caught:
        RavanClient(api_key="k", base_url="http://user:hunter2-pass@10.0.0.5/", transport=no_transport())
    assert "hunter2-pass" not in str(caught.value)
    assert "[secure]" in str(caught.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"])
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    with RavanClient(api_key="k", base_url=url, transport=no_transport()) as client:
        assert client.base_url.scheme == "http"


def test_plain_http_elsewhere_needs_an_explicit_opt_in() -> None:
    with RavanClient(
        api_key="k", base_url="http://10.0.0.5:8080", allow_insecure_http=True, transport=no_transport()
    ) as client:
        assert client.base_url.host == "10.0.0.5"


def test_the_key_is_in_no_repr_of_the_client() -> None:
    with RavanClient(api_key=API_KEY, base_url="https://u:hunter2-pass@api.example.com", transport=no_transport()) as c:
        for text in (repr(c), str(c), repr(vars(c)), repr(c._api_key), repr(c._redactor), repr(c.call_sessions)):
            assert API_KEY not in text
            assert "hunter2-pass" not in text
        assert repr(c) == "RavanClient(base_url='https://u:[secure]@api.example.com', max_retries=2)"


# --- timeouts and max_retries ----------------------------------------------------------------------


def test_the_default_timeout_is_finite(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, page_body([]))
    harness.client.call_sessions.list()
    timeout = harness.server.requests[0].extensions["timeout"]
    assert timeout == {"connect": 5.0, "read": 60.0, "write": 60.0, "pool": 60.0}


def test_the_timeout_can_be_set_per_client_and_per_call(server: Server) -> None:
    server.respond = lambda request: json_response(200, page_body([]))
    with make_client(server, timeout=10).client as client:
        client.call_sessions.list()
        client.call_sessions.list(timeout=httpx.Timeout(2.0, connect=1.0))
        client.call_sessions.list(timeout=None)
        client.call_sessions.list(timeout=2)
    timeouts = [request.extensions["timeout"] for request in server.requests]
    assert timeouts == [
        {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 10.0},
        {"connect": 1.0, "read": 2.0, "write": 2.0, "pool": 2.0},
        {"connect": None, "read": None, "write": None, "pool": None},
        {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0},
    ]


BAD_TIMEOUTS: list[tuple[Any, type[Exception], str]] = [
    (math.nan, ValueError, "timeout must be more than 0 and at most 86,400 seconds (a day), got nan"),
    (math.inf, ValueError, "timeout must be more than 0 and at most 86,400 seconds (a day), got inf"),
    (1e300, ValueError, "timeout must be more than 0 and at most 86,400 seconds (a day), got 1e+300"),
    (86_401, ValueError, "timeout must be more than 0"),
    (0, ValueError, "timeout must be more than 0"),
    (-1, ValueError, "timeout must be more than 0"),
    (httpx.Timeout(-1), ValueError, "timeout (connect) must be more than 0"),
    (httpx.Timeout(5, read=math.nan), ValueError, "timeout (read) must be more than 0"),
    (True, TypeError, "timeout must be a number of seconds, an httpx.Timeout or None, got bool True"),
    ("5", TypeError, "timeout must be a number of seconds, an httpx.Timeout or None, got str '5'"),
]
BAD_TIMEOUT_IDS = ["nan", "inf", "1e300", "over-a-day", "0", "-1", "Timeout(-1)", "read-nan", "bool", "str"]


@pytest.mark.parametrize(("timeout", "error", "message"), BAD_TIMEOUTS, ids=BAD_TIMEOUT_IDS)
def test_a_bad_timeout_is_refused_at_construction(timeout: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        RavanClient(api_key="k", timeout=timeout, transport=no_transport())
    assert message in str(caught.value)


@pytest.mark.parametrize(("timeout", "error", "message"), BAD_TIMEOUTS, ids=BAD_TIMEOUT_IDS)
def test_a_bad_timeout_is_refused_per_call_before_any_request(
    harness: Harness, timeout: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        harness.client.call_sessions.list(timeout=timeout)
    assert message in str(caught.value)
    with pytest.raises(error):
        harness.client.with_options(timeout=timeout)
    assert harness.server.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("timeout", "error", "message"), BAD_TIMEOUTS, ids=BAD_TIMEOUT_IDS)
async def test_a_bad_timeout_is_refused_by_the_async_client(
    server: Server, timeout: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match="timeout"):
        AsyncRavanClient(api_key="k", timeout=timeout)
    async with make_async_client(server).client as client:
        with pytest.raises(error) as caught:
            await client.agents.get("s1", timeout=timeout)
    assert message in str(caught.value)
    assert server.requests == []


def test_a_timeout_of_a_day_or_none_per_phase_is_accepted() -> None:
    with RavanClient(api_key="k", timeout=86_400, transport=no_transport()) as client:
        assert client.timeout == httpx.Timeout(86_400, connect=5.0)
    with RavanClient(api_key="k", timeout=httpx.Timeout(None, connect=3), transport=no_transport()) as client:
        assert client.timeout == httpx.Timeout(None, connect=3)


@pytest.mark.parametrize("max_retries", [-1, 101, True, 1.5, "2", None])
def test_a_bad_max_retries_is_refused(harness: Harness, max_retries: Any) -> None:
    with pytest.raises(ValueError, match="max_retries must be an integer from 0 to 100"):
        RavanClient(api_key="k", max_retries=max_retries, transport=no_transport())
    with pytest.raises(ValueError, match="max_retries must be an integer from 0 to 100"):
        harness.client.call_sessions.list(max_retries=max_retries)
    with pytest.raises(ValueError, match="max_retries must be an integer from 0 to 100"):
        harness.client.with_options(max_retries=max_retries)
    assert harness.server.requests == []


@pytest.mark.parametrize("size", [0, -1, True, 1.5])
def test_a_bad_max_response_bytes_is_refused(size: Any) -> None:
    with pytest.raises(ValueError, match="max_response_bytes must be a positive integer"):
        RavanClient(api_key="k", max_response_bytes=size, transport=no_transport())


# --- with_options ----------------------------------------------------------------------------------


def test_with_options_returns_a_copy_that_shares_the_pool(server: Server) -> None:
    server.respond = lambda request: json_response(500, ERROR_BODY)
    harness = make_client(server)
    client = harness.client
    original_sessions = client.call_sessions
    copy = client.with_options(timeout=5, max_retries=0)
    assert copy is not client
    assert isinstance(copy, RavanClient)
    assert copy._pool is client._pool
    assert (copy.timeout, copy.max_retries) == (httpx.Timeout(5, connect=5), 0)
    assert (client.timeout, client.max_retries) == (base.DEFAULT_TIMEOUT, 2)
    assert copy.call_sessions is not original_sessions
    assert copy.call_sessions._client is copy
    assert client.call_sessions is original_sessions

    with pytest.raises(InternalServerError):
        copy.call_sessions.list()
    assert len(server.requests) == 1  # max_retries=0 on the copy
    assert server.requests[0].extensions["timeout"]["read"] == 5

    copy.close()
    assert not client._http.is_closed
    server.respond = lambda request: json_response(200, page_body([]))
    client.call_sessions.list()
    client.close()
    assert client._http.is_closed


def test_with_options_keeps_what_is_not_given(harness: Harness) -> None:
    copy = harness.client.with_options(max_retries=5)
    assert copy.timeout is harness.client.timeout
    assert copy.max_retries == 5
    assert copy.with_options(timeout=None).timeout is None


@pytest.mark.anyio
async def test_async_with_options_shares_the_pool(server: Server) -> None:
    server.respond = lambda request: json_response(200, session("s1"))
    client = make_async_client(server).client
    copy = client.with_options(max_retries=0, timeout=3)
    assert copy._async_http is client._async_http
    assert copy.call_sessions._client is copy
    await copy.close()
    assert not client._async_http.is_closed
    await client.agents.get("s1")
    await client.close()
    assert client._async_http.is_closed


# --- the connection pool ---------------------------------------------------------------------------


def test_a_custom_httpx_client_is_used_and_not_closed(server: Server) -> None:
    server.respond = lambda request: json_response(200, page_body(sessions("s", 1)))
    own = httpx.Client(transport=httpx.MockTransport(server), headers={"X-Proxy-Auth": "p"})
    with RavanClient(api_key="k", http_client=own) as client:
        assert [s.id for s in client.call_sessions.list().items] == ["s0"]
    assert not own.is_closed
    assert server.requests[0].headers["X-Proxy-Auth"] == "p"
    own.close()


def test_http_client_and_transport_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"), httpx.Client() as own:
        RavanClient(api_key="k", http_client=own, transport=no_transport())


@pytest.mark.anyio
async def test_async_http_client_and_transport_are_exclusive() -> None:
    async with httpx.AsyncClient() as own:
        with pytest.raises(ValueError, match="not both"):
            AsyncRavanClient(api_key="k", http_client=own, transport=httpx.MockTransport(lambda r: httpx.Response(200)))


def test_after_a_fork_the_child_gets_a_new_pool_and_leaves_the_inherited_one(
    monkeypatch: pytest.MonkeyPatch, server: Server
) -> None:
    server.respond = lambda request: json_response(200, session("s1"))
    client = make_client(server).client
    inherited = client._http
    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)  # as if in a forked child
    fresh = client._http
    assert fresh is not inherited
    assert client._http is fresh
    assert not inherited.is_closed  # closing it could close the parent's TLS sessions
    client.agents.get("s1")
    client.close()
    assert fresh.is_closed
    assert not inherited.is_closed
    inherited.close()


def test_a_custom_httpx_client_is_kept_after_a_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    own = httpx.Client(transport=no_transport())
    client = RavanClient(api_key="k", http_client=own)
    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)
    assert client._http is own
    own.close()


# --- response size and deadline ------------------------------------------------------------------


def test_a_body_over_the_cap_is_refused_without_reading_on(server: Server) -> None:
    server.respond = lambda request: httpx.Response(200, content=b"[" + b"1," * 1000 + b"1]")
    with make_client(server, max_response_bytes=100).client as client, pytest.raises(ResponseTooLargeError) as caught:
        client.agents.list()
    assert caught.value.limit == 100
    assert "larger than max_response_bytes=100 once decoded" in str(caught.value)
    assert len(server.requests) == 1  # a body too large is not retried


def test_the_cap_applies_to_the_decoded_body(server: Server) -> None:
    bomb = gzip.compress(b"[" + b"0," * 50_000 + b"0]")
    assert len(bomb) < 1000
    server.respond = lambda request: httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})
    with make_client(server, max_response_bytes=10_000).client as client, pytest.raises(ResponseTooLargeError):
        client.agents.list()


@pytest.mark.anyio
async def test_the_async_client_caps_the_body_too(server: Server) -> None:
    server.respond = lambda request: httpx.Response(200, content=b"x" * 500)
    async with make_async_client(server, max_response_bytes=100).client as client:
        with pytest.raises(ResponseTooLargeError):
            await client.agents.get("s1")


class DrippingStream(httpx.SyncByteStream):
    """A body that arrives in chunks, each taking `seconds` of a fake clock."""

    def __init__(self, clock: list[float], seconds: float) -> None:
        self.clock = clock
        self.seconds = seconds

    def __iter__(self) -> Iterator[bytes]:
        for chunk in (b'{"id":', b' "s1"', b"}"):
            self.clock[0] += self.seconds
            yield chunk


def test_an_attempt_must_end_within_its_read_timeout_even_if_each_chunk_is_quick(
    monkeypatch: pytest.MonkeyPatch, server: Server
) -> None:
    # Each chunk comes within the read timeout, but the whole body does not: a caller's own
    # transport does not know the deadline, so the client checks it between chunks.
    clock = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    server.respond = lambda request: httpx.Response(200, stream=DrippingStream(clock, seconds=4))
    with make_client(server, timeout=10, max_retries=0).client as client, pytest.raises(APITimeoutError):
        client.agents.get("s1")
    server.respond = lambda request: httpx.Response(200, stream=DrippingStream(clock, seconds=1))
    with make_client(server, timeout=10, max_retries=0).client as client:
        assert client.agents.get("s1").id == "s1"


# --- logging ---------------------------------------------------------------------------------------


def test_debug_logs_show_each_attempt_and_never_the_key(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.server.responses = [json_response(503, {}), json_response(200, page_body([]))]
    with caplog.at_level(logging.DEBUG, logger=base.logger.name):
        harness.client.call_sessions.list(status="completed")
    messages = [record.getMessage() for record in caplog.records if record.name == base.logger.name]
    assert len(messages) == 2
    assert f"GET {BASE_URL}/api/v1/calling/call-sessions?" in messages[0]
    assert "-> 503 (attempt 1/3" in messages[0]
    assert "-> 200 (attempt 2/3" in messages[1]
    assert all(API_KEY not in message for message in messages)
    assert all(API_KEY not in str(record.args) for record in caplog.records)


def test_ravan_log_debug_turns_logging_on(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = base.logger
    monkeypatch.setattr(base, "_logging_configured", False)
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setenv("RAVAN_LOG", "debug")
    RavanClient(api_key="k", transport=no_transport()).close()
    assert logger.level == logging.DEBUG
    assert len(logger.handlers) == 1


def test_logging_is_off_without_ravan_log(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = base.logger
    monkeypatch.setattr(base, "_logging_configured", False)
    monkeypatch.setattr(logger, "handlers", [])
    RavanClient(api_key="k", transport=no_transport()).close()
    assert logger.handlers == []


# --- async -----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_async_client_closes_its_pool_on_exit(server: Server) -> None:
    server.respond = paged(3)
    async with make_async_client(server).client as client:
        assert API_KEY not in repr(client)
        page = await client.call_sessions.list(page_size=10)
        assert page.response.status_code == 200
        assert [s.id for s in page.items] == ["s0", "s1", "s2"]
    assert client._async_http.is_closed


@pytest.mark.anyio
async def test_the_async_client_leaves_a_custom_httpx_client_open(server: Server) -> None:
    server.respond = lambda request: json_response(200, session("s1"))
    own = httpx.AsyncClient(transport=httpx.MockTransport(server.handle_async))
    async with AsyncRavanClient(api_key="k", http_client=own) as client:
        await client.agents.get("s1")
    assert not own.is_closed
    await own.aclose()


# --- a key in the query string (issue 18) -----------------------------------------------------------


QUERY_IDENTITY = dataclasses.replace(
    IDENTITY,
    schemes=(SecurityScheme("queryKey", "api-key-query", (Credential("api_key", ("RAVAN_API_KEY",)),), query="key"),),
    default_security=(("queryKey",),),
)


def test_a_query_key_is_sent_in_the_url_dropped_on_another_origin_and_masked_in_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url)
        if request.url.host == "api.example.com":
            # A careless server copies the key into a redirect to another origin.
            return httpx.Response(302, headers={"Location": f"https://cdn.example.net/x?{request.url.query.decode()}"})
        return httpx.Response(200, json={"ok": True})

    monkeypatch.setattr(RavanClient, "__init__", _with_identity(QUERY_IDENTITY))
    with caplog.at_level(logging.DEBUG, logger=base.logger.name):
        client = RavanClient(
            api_key=API_KEY, base_url="https://api.example.com", transport=httpx.MockTransport(handler)
        )
        client.call(OperationSpec(method="GET", path="/v1/things").build({}), lambda body: body)
    assert sent[0].params["key"] == API_KEY
    assert sent[1].host == "cdn.example.net"
    assert "key" not in sent[1].params
    assert API_KEY not in caplog.text
    with pytest.raises(ValueError, match=r"the query must not set key \(in extra_query or"):
        client.call(OperationSpec(method="GET", path="/v1/things").build({}, extra_query={"key": "x"}), lambda b: b)
    # A query object sent exploded (form) makes its keys query keys: the credential's is refused
    # alike, and the message no longer blames extra_query, which the caller did not use.
    exploded = OperationSpec(
        method="GET", path="/v1/things", parameters=(Parameter("filter", "filter", "query", ObjectRule(())),)
    )
    with pytest.raises(ValueError, match=r"the query must not set key \(in extra_query or a query object's keys\)"):
        client.call(exploded.build({"filter": {"key": "x"}}), lambda b: b)
    assert len(sent) == 2  # nothing more was sent


# --- headers that carry a credential are the client's to set ----------------------------------------


BASIC_AND_HEADER_KEY = dataclasses.replace(
    IDENTITY,
    schemes=(
        SecurityScheme("basicAuth", "basic", (Credential("username", ("U",)), Credential("password", ("P",)))),
        SecurityScheme("headerKey", "api-key-header", (Credential("api_key", ("K",)),), header="X-Api-Key"),
    ),
    default_security=(("basicAuth",), ("headerKey",)),
)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("authorization", "default_headers must not set Authorization: pass username= and password= to the client"),
        ("x-API-key", "default_headers must not set X-Api-Key: pass api_key= to the client"),
    ],
)
def test_a_credential_header_set_by_hand_is_refused_naming_the_spec_header_and_its_arguments(
    header: str, message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        base.SyncAPIClient(
            http_client=None,
            transport=httpx.MockTransport(lambda request: httpx.Response(200)),
            credentials={"api_key": "k"},
            base_url="https://api.example.com",
            timeout=base.DEFAULT_TIMEOUT,
            max_retries=base.DEFAULT_MAX_RETRIES,
            default_headers={header: "by hand", "X-Team": "billing"},
            allow_insecure_http=False,
            identity=BASIC_AND_HEADER_KEY,
            max_response_bytes=base.DEFAULT_MAX_RESPONSE_BYTES,
        )


def test_only_the_headers_a_scheme_sends_in_carry_a_credential() -> None:
    assert BASIC_AND_HEADER_KEY.scheme_sending_header("AUTHORIZATION") is BASIC_AND_HEADER_KEY.schemes[0]
    assert BASIC_AND_HEADER_KEY.scheme_sending_header("x-api-key") is BASIC_AND_HEADER_KEY.schemes[1]
    assert BASIC_AND_HEADER_KEY.scheme_sending_header("X-Team") is None
    assert IDENTITY.scheme_sending_header("Authorization") is None


@pytest.mark.parametrize("key", ["sk,live/key|+", "k+=&/?%7C"])
def test_a_query_key_travels_fully_encoded_so_the_log_redaction_knows_its_spelling(
    key: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The client encodes the query itself and keeps `,` and `|` as they are (OpenAPI's joined
    # styles): a key holding one went out in a spelling the redaction of httpx's log lines did not
    # know (it knows the key raw, percent-encoded and form-encoded), and was logged in the clear.
    sent: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url)
        return httpx.Response(200, json={"ok": True})

    monkeypatch.setattr(RavanClient, "__init__", _with_identity(QUERY_IDENTITY))
    with caplog.at_level(logging.INFO, logger="httpx"):
        client = RavanClient(api_key=key, base_url="https://api.example.com", transport=httpx.MockTransport(handler))
        options = OperationSpec(method="GET", path="/v1/things").build({}, extra_query={"q": "a,b|c"})
        client.call(options, lambda body: body)
    assert sent[0].params["key"] == key
    assert sent[0].query.decode().startswith("q=a,b|c&key=")
    assert "HTTP Request: GET https://api.example.com/v1/things?q=a,b|c&key=" in caplog.text
    for spelling in (key, quote(key, safe=",|"), quote(key, safe=""), quote_plus(key, safe="")):
        assert spelling not in caplog.text
