"""The API key stays secret under faults: not in any repr or str, message, traceback or log line,
not in the provenance stamp, not sent to another origin (see test_redirects.py), and never sent
over plain http to a remote host unless the caller says so.

The errors come from real faults (timeouts, resets, 5xx, bad bodies, a server that echoes the key
back, the pager trap), so what is checked is what a user would actually hold, print and log.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import traceback
import types
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import ravan_client
from ravan_client import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncRavanClient,
    AuthenticationError,
    InternalServerError,
    RateLimitError,
    RavanClient,
    RepeatedPageError,
)
from ravan_client._base_client import _SecretKey
from tests.faults.conftest import API_KEY, AnyPage, Flavor, fault_client
from tests.faults.fault_server import FaultServer

REPOSITORY = Path(__file__).resolve().parents[2]

# Each route with the error it provokes; "echo-key" is a server that repeats the key it received.
FAULTS: list[tuple[tuple[str, ...], type[APIError]]] = [
    (("stall-headers",), APITimeoutError),
    (("reset-before-headers",), APIConnectionError),
    (("bad-gzip",), APIConnectionError),
    (("bad-gateway-html",), InternalServerError),
    (("html-200",), APIResponseValidationError),
    (("success-false",), APIResponseValidationError),
    (("echo-key",), AuthenticationError),
    (("retry-after-seconds", "99", "1"), RateLimitError),
    (("pager-trap",), RepeatedPageError),
]


async def provoke(flavor: Flavor, server: FaultServer) -> tuple[list[AnyPage], list[APIError]]:
    """Pages from well-behaved routes (direct and through a cross-origin redirect), and one
    error from each route of FAULTS."""
    pages: list[AnyPage] = []
    for route in (("ok",), ("redirect", "localhost")):
        async with fault_client(flavor, server, route[0], uuid.uuid4().hex, *route[1:]) as under_test:
            pages.append(await under_test.first_page())
    errors: list[APIError] = []
    for (route_name, *arguments), error_class in FAULTS:
        async with fault_client(flavor, server, route_name, uuid.uuid4().hex, *arguments) as under_test:
            with pytest.raises(error_class) as caught:
                await under_test.all_items(page_size=3)
        errors.append(caught.value)
    return pages, errors


def reachable(*roots: object, depth: int = 8) -> Iterator[object]:
    """Every object reachable from `roots` through containers, exceptions (with their causes and
    context) and the attributes of this package's objects. httpx objects are leaves: their repr
    and str are what users see of them. The key holder itself is a leaf too (its repr is checked)."""
    seen: set[int] = set()
    pending: list[tuple[object, int]] = [(root, 0) for root in roots]
    while pending:
        item, level = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if level < depth:
            pending.extend((child, level + 1) for child in _children(item))


def _children(item: object) -> list[object]:
    if isinstance(item, dict):
        return [*item.keys(), *item.values()]
    if isinstance(item, list | tuple | set | frozenset):
        return list(item)
    children: list[object] = []
    if isinstance(item, httpx.Response):
        children.append(item.request)
    if isinstance(item, BaseException):
        children += [item.__cause__, item.__context__, *item.args]
    if isinstance(item, BaseException) or (
        type(item).__module__.startswith("ravan_client") and not isinstance(item, _SecretKey)
    ):
        children += list(getattr(item, "__dict__", {}).values())
        for klass in type(item).__mro__:
            slots = getattr(klass, "__slots__", ())
            for slot in [slots] if isinstance(slots, str) else slots:
                if slot != "__weakref__" and hasattr(item, slot):
                    children.append(getattr(item, slot))
    return children


# --- repr, str, messages, tracebacks -------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.timeout(30)
async def test_the_key_is_in_no_repr_or_str_reachable_from_clients_pages_and_errors(
    flavor: Flavor, fault_server: FaultServer
) -> None:
    pages, errors = await provoke(flavor, fault_server)
    client_class = RavanClient if flavor == "sync" else AsyncRavanClient
    client = client_class(api_key=API_KEY, base_url=fault_server.base_url("ok", "unused"))
    roots: list[object] = [client, client.call_sessions, *pages, *errors]
    checked = 0
    for item in reachable(*roots):
        assert API_KEY not in repr(item), f"the key is in repr() of a {type(item).__name__}"
        assert API_KEY not in str(item), f"the key is in str() of a {type(item).__name__}"
        checked += 1
    assert checked > 100  # the walk went deep: pages, items, responses, requests, errors, causes
    if isinstance(client, RavanClient):
        client.close()
    else:
        await client.close()


@pytest.mark.anyio
@pytest.mark.timeout(30)
async def test_the_key_is_not_in_the_repr_of_the_headers_of_a_request_users_hold(
    flavor: Flavor, fault_server: FaultServer
) -> None:
    """`error.request` and `page.response.request` are public; printing their headers while
    debugging is common. httpx masks only Authorization and Proxy-Authorization in that repr."""
    pages, errors = await provoke(flavor, fault_server)
    for request in [page.response.request for page in pages] + [error.request for error in errors]:
        assert API_KEY not in repr(request.headers)
        assert API_KEY not in str(request.headers)


@pytest.mark.anyio
@pytest.mark.timeout(30)
async def test_the_key_is_not_in_messages_or_tracebacks_not_even_in_the_library_frames_locals(
    flavor: Flavor, fault_server: FaultServer
) -> None:
    """format_exception is what a crash prints; capture_locals is what error trackers such as
    Sentry record: the locals of every frame of the client, httpx and httpcore."""
    _, errors = await provoke(flavor, fault_server)
    for error in errors:
        assert API_KEY not in error.message
        assert API_KEY not in "".join(traceback.format_exception(error))
        for frame, name, value in _library_frame_locals(error):
            assert API_KEY not in _safe_repr(value), f"the key is in local {name} of {frame.f_code.co_qualname}"
    echoed = next(error for error in errors if isinstance(error, AuthenticationError))
    assert "<redacted>" in str(echoed)  # the server did send the key back: the client redacted it


def _library_frame_locals(error: BaseException) -> Iterator[tuple[types.FrameType, str, object]]:
    libraries = ("ravan_client", "httpx", "httpcore", "h11", "anyio")
    pending: list[BaseException | None] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        pending += [current.__cause__, current.__context__]
        for frame, _ in traceback.walk_tb(current.__traceback__):
            if any(f"{os.sep}{library}{os.sep}" in frame.f_code.co_filename for library in libraries):
                for name, value in frame.f_locals.items():
                    yield frame, name, value


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # some library objects cannot be shown once closed; they show nothing then
        return ""


# --- logs ----------------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.timeout(30)
async def test_the_key_is_not_logged_at_debug_by_the_client_httpx_or_httpcore(
    flavor: Flavor, fault_server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ravan_client")
    await provoke(flavor, fault_server)
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"ravan_client", "httpx", "httpcore"} <= loggers  # all three did log at DEBUG
    for record in caplog.records:
        assert API_KEY not in record.getMessage(), f"{record.name} logged the key"
    assert API_KEY not in caplog.text


LOGGING_SCRIPT = """
import logging, sys, traceback
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
from ravan_client import APIError, RavanClient
for base_url in sys.argv[1:]:
    with RavanClient(base_url=base_url, timeout=0.3, max_retries=1) as client:
        client._sleep = lambda seconds: None
        try:
            page = client.call_sessions.list()
            print(repr(client), repr(page), page.items, repr(page.response.request))
        except APIError as error:
            traceback.print_exc()
            print(repr(error), error)
"""


@pytest.mark.timeout(30)
def test_ravan_log_debug_in_a_fresh_process_never_prints_the_key(fault_server: FaultServer) -> None:
    """As a user would run it: the key from RAVAN_API_KEY, RAVAN_LOG=debug, and every library's
    DEBUG logging on, against good routes and faults."""
    routes = [("ok",), ("flaky", "1", "503"), ("redirect", "localhost"), ("stall-headers",), ("echo-key",)]
    base_urls = [fault_server.base_url(route[0], uuid.uuid4().hex, *route[1:]) for route in routes]
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("RAVAN_", "AGNI_"))},
        "RAVAN_API_KEY": API_KEY,
        "RAVAN_LOG": "debug",
        "PYTHONPATH": os.pathsep.join(
            str(REPOSITORY / "generated" / name) for name in ("ravan-client", "ravan-models")
        ),
    }
    finished = subprocess.run(
        [sys.executable, "-c", LOGGING_SCRIPT, *base_urls],
        env=environment,
        capture_output=True,
        text=True,
        timeout=25,
        check=True,
    )
    output = finished.stdout + finished.stderr
    assert "ravan_client DEBUG GET http://127.0.0.1" in output  # the client's own log is on
    assert "(attempt 2/2" in output
    assert "httpcore.http11 DEBUG" in output
    assert "AuthenticationError" in output
    assert "APITimeoutError" in output
    assert API_KEY not in output


# --- the provenance stamp ----------------------------------------------------------------------------


def test_the_provenance_stamp_holds_no_key() -> None:
    keys = {API_KEY} | {os.environ[name] for name in ("RAVAN_API_KEY", "AGNI_API_KEY") if os.environ.get(name)}
    stamp = (REPOSITORY / "generated" / "provenance.json").read_text(encoding="utf-8")
    json.loads(stamp)
    package_stamps = [
        (REPOSITORY / "generated" / package / module / "_provenance.py").read_text(encoding="utf-8")
        for package, module in (("ravan-client", "ravan_client"), ("ravan-models", "ravan_models"))
    ]
    runtime_stamp = repr(vars(ravan_client._provenance)) + ravan_client.__version__
    for text in [stamp, *package_stamps, runtime_stamp]:
        assert not any(key in text for key in keys)


# --- plain http ------------------------------------------------------------------------------------------

REMOTE_PLAIN_HTTP_URLS = [
    "http://api.ravan.ai",
    "http://10.0.0.5:8080",
    "http://127.0.0.1.nip.io",
    "http://127.0.0.1@evil.example",
    "http://localhost.evil.example",
    "http://[::ffff:7f00:1]",
    "HTTP://API.RAVAN.AI",
]


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
@pytest.mark.parametrize("url", REMOTE_PLAIN_HTTP_URLS)
def test_plain_http_to_a_remote_host_is_refused(client_class: type[RavanClient | AsyncRavanClient], url: str) -> None:
    with pytest.raises(ValueError, match="allow_insecure_http=True"):
        client_class(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
def test_plain_http_from_the_environment_is_refused_too(
    client_class: type[RavanClient | AsyncRavanClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAVAN_BASE_URL", "http://api.ravan.ai")
    with pytest.raises(ValueError, match="allow_insecure_http=True"):
        client_class(api_key=API_KEY)


@pytest.mark.anyio
async def test_plain_http_to_a_remote_host_works_when_explicitly_allowed() -> None:
    sync_client = RavanClient(api_key=API_KEY, base_url="http://10.0.0.5:8080", allow_insecure_http=True)
    async_client = AsyncRavanClient(api_key=API_KEY, base_url="http://10.0.0.5:8080", allow_insecure_http=True)
    assert sync_client.base_url.host == async_client.base_url.host == "10.0.0.5"
    sync_client.close()
    await async_client.close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"])
def test_plain_http_to_loopback_needs_no_opt_in(url: str) -> None:
    with RavanClient(api_key=API_KEY, base_url=url) as client:
        assert client.base_url.scheme == "http"


MALFORMED_BASE_URLS = {
    "unclosed-ipv6-bracket": "http://[::1",
    "nul-in-host": "https://api.ravan\x00.ai",
    "bad-punycode": "https://xn--/",
}


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
@pytest.mark.parametrize("url", MALFORMED_BASE_URLS.values(), ids=MALFORMED_BASE_URLS.keys())
def test_a_malformed_base_url_is_refused_with_value_error(
    client_class: type[RavanClient | AsyncRavanClient], url: str
) -> None:
    """Invalid arguments raise ValueError naming the argument (the documented contract), not
    httpx.InvalidURL (which is not a ValueError) nor a bare idna error."""
    with pytest.raises(ValueError, match="base_url"):
        client_class(api_key=API_KEY, base_url=url)
