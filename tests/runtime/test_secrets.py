"""Secrets: credentials out of everything printable (`_secrets.py`, `MaskingHeaders`).

The topic's one home, in three parts. First the runtime's pieces in-process (`Secret`, `Redactor`,
`display_url`, masked headers, the filter on httpx's loggers). Then the generated client
(`ravan_client`) against a careless server that echoes the key (`httpx.MockTransport`, through the
fault suite's `mock_client`): redaction at the edges of an excerpt, in escaped spellings, in the
values an envelope mismatch quotes, and in pickles. Last, the same client against the fault
server's real sockets (fixtures and helpers from `tests/faults`): the API key stays secret under
faults, not in any repr or str, message, traceback, pickle or log line, not in the provenance
stamp, not sent to another origin (see test_redirects.py), never sent over plain http to a remote
host unless the caller says so, nor through a proxy the environment names. A password in
`base_url` is kept as secret, and so are the other credentials of a request (`Authorization`,
`Proxy-Authorization`, `Cookie`) in the repr of its headers. Those errors come from real faults
(timeouts, resets, 5xx, bad bodies, a server that echoes the key back, a response head that quotes
it where the HTTP parser quotes it back, the pager trap), so what is checked is what a user would
actually hold, print, pickle and log.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import pickle
import re
import socket
import subprocess
import sys
import traceback
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from ravan_runtime._base_client import MaskingHeaders
from ravan_runtime._secrets import (
    HTTP_LOGGERS,
    MASK,
    SENSITIVE_HEADERS,
    Redactor,
    Secret,
    _http_log_redaction,
    display_url,
    masked_header_items,
)

import ravan_client
from ravan_client import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncRavanClient,
    AuthenticationError,
    InternalServerError,
    RateLimitError,
    RavanClient,
    RepeatedPageError,
)
from ravan_client import _secrets as client_secrets
from tests.faults import conftest as faults
from tests.faults.conftest import (
    FAST_TIMEOUT,
    PATIENT_TIMEOUT,
    SLASHED_KEY,
    AnyPage,
    Flavor,
    Handler,
    fault_client,
    mock_client,
)
from tests.faults.fault_server import LIST_PATH, FaultServer
from tests.runtime.harness import API_KEY, Harness, json_response, session
from tests.runtime.harness import RavanClient as GoldenClient
from tests.support.target import current_target

# Async tests run on asyncio (the root conftest's anyio_backend).
pytestmark = pytest.mark.anyio

# A credential with every character that has another spelling in JSON or in a URL.
AWKWARD = 'pa/ss"wo\\rd é+&='


def test_a_secret_never_shows_itself() -> None:
    secret = Secret(API_KEY)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret]), "%s" % secret):  # noqa: UP031
        assert text in ("<redacted>", "[<redacted>]")
    assert secret.reveal() == API_KEY
    with pytest.raises(TypeError, match="a credential cannot be pickled"):
        pickle.dumps(secret)


@pytest.mark.parametrize(
    "spelling",
    [
        AWKWARD,
        json.dumps(AWKWARD, ensure_ascii=False)[1:-1],  # JSON-escaped
        json.dumps(AWKWARD, ensure_ascii=False)[1:-1].replace("/", "\\/"),  # JSON with \/
        json.dumps(AWKWARD)[1:-1],  # JSON-escaped, ASCII only
        json.dumps(AWKWARD)[1:-1].replace("/", "\\/"),  # ASCII only, with \/
        quote(AWKWARD, safe=""),  # percent-encoded
        quote_plus(AWKWARD, safe=""),  # form-encoded
    ],
    ids=["raw", "json", "json-slash", "json-ascii", "json-ascii-slash", "percent", "plus"],
)
def test_the_redactor_replaces_every_spelling_a_server_might_echo(spelling: str) -> None:
    redact = Redactor([AWKWARD])
    assert redact(f"before {spelling} after {spelling}") == f"before {MASK} after {MASK}"


def test_the_redactor_handles_several_secrets_and_leaves_short_ones() -> None:
    redact = Redactor([API_KEY, "pw", "hunter22"])
    assert redact(f"{API_KEY}|hunter22|pw") == f"{MASK}|{MASK}|pw"
    assert Redactor([])("nothing to hide") == "nothing to hide"


def test_a_secret_that_contains_another_is_replaced_whole() -> None:
    redact = Redactor(["abcd", "abcdefgh"])
    assert redact("xabcdefghx") == f"x{MASK}x"


def test_an_excerpt_is_redacted_before_it_is_cut() -> None:
    redact = Redactor([API_KEY])
    text = "x" * 10 + API_KEY + "y" * 50
    excerpt = redact.excerpt(text, 14)
    assert excerpt == "x" * 10 + MASK[:4]
    assert API_KEY[:4] not in excerpt  # cutting first would have left the key's start


def test_the_redactor_shows_nothing_and_does_not_pickle() -> None:
    redact = Redactor([API_KEY])
    assert API_KEY not in repr(redact)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(redact)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa55word@api.example.com/v1?x=1", "https://user:[secure]@api.example.com/v1?x=1"),
        ("https://:pa55word@api.example.com", "https://:[secure]@api.example.com"),
        ("https://us%40er:p%40ss@api.example.com/", "https://us%40er:[secure]@api.example.com/"),
        ("https://user@api.example.com/", "https://user@api.example.com/"),
        ("https://api.example.com:8443/v1", "https://api.example.com:8443/v1"),
    ],
)
def test_display_url_masks_the_password_only(url: str, shown: str) -> None:
    assert display_url(url) == shown
    assert display_url(httpx.URL(url)) == shown


def test_masking_headers_mask_every_credential_in_their_repr() -> None:
    raw = httpx.Headers(
        {
            "X-Api-Key": API_KEY,
            "Authorization": "Bearer token-123",
            "Proxy-Authorization": "Basic cHJveHk=",
            "Cookie": "sid=cookie-456",
            "Accept": "application/json",
        }
    )
    headers = MaskingHeaders(raw, sensitive=SENSITIVE_HEADERS | {"x-api-key"})
    text = repr(headers)
    for value in (API_KEY, "token-123", "cHJveHk=", "cookie-456"):
        assert value not in text
    assert text.count(MASK) == 4
    assert "application/json" in text
    assert headers["X-Api-Key"] == API_KEY  # only the repr masks: the request still carries the key
    assert masked_header_items(raw, ["X-API-KEY"])[0] == ("x-api-key", MASK)


def test_the_requests_the_client_sends_mask_their_headers(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, session("s1"))
    harness.client.agents.get("s1", extra_headers={"Cookie": "sid=cookie-456"})
    sent = harness.server.requests[0]
    assert sent.headers["X-Api-Key"] == API_KEY
    assert isinstance(sent.headers, MaskingHeaders)
    assert API_KEY not in repr(sent.headers)
    assert "cookie-456" not in repr(sent.headers)


def test_importing_the_runtime_puts_no_filter_on_httpxs_loggers() -> None:
    """Importing a module changes no logger: the redaction filter comes with the first client."""
    check = (
        "import logging, ravan_runtime._secrets, ravan_runtime._base_client\n"
        "from ravan_runtime._secrets import HTTP_LOGGERS\n"
        "assert all(not logging.getLogger(name).filters for name in HTTP_LOGGERS), 'a filter at import'\n"
        "print('clean')\n"
    )
    spec_client = Path(__file__).resolve().parents[2] / "spec" / "client"
    done = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "PYTHONPATH": str(spec_client)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "clean"), done.stderr


def test_each_client_puts_the_redaction_filter_on_httpxs_loggers_once() -> None:
    for name in HTTP_LOGGERS:  # as if no client had been made in this process yet
        logging.getLogger(name).removeFilter(_http_log_redaction)
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    with (
        GoldenClient(api_key="first-key-0001", transport=transport),
        GoldenClient(api_key="second-key-02", transport=transport),
    ):
        for name in HTTP_LOGGERS:
            assert logging.getLogger(name).filters.count(_http_log_redaction) == 1, name
        record = logging.LogRecord(
            "httpx", logging.DEBUG, __file__, 1, "echo %s %s", ("first-key-0001", "second-key-02"), None
        )
        assert logging.getLogger("httpx").filter(record)
        assert record.getMessage() == f"echo {MASK} {MASK}"


# === the generated client and a careless server, in-process ============================================


# --- a careless server that echoes the key, in-process (`mock_client`) ----------------------------

KEY_TAIL = "5f0c93e1d2a84b7c"
"""The end of `SLASHED_KEY`: in a text only if (a part of) the key is."""


async def provoke_echo(flavor: Flavor, handler: Handler, **settings: Any) -> APIError:
    under_test = mock_client(flavor, handler, **settings)
    try:
        with pytest.raises(APIError) as caught:
            await under_test.all_items(page_size=1)
    finally:
        await under_test.close()
    return caught.value


def texts_of(error: APIError) -> list[str]:
    """What a user sees of an error: its message, str, repr, excerpt, and its cause's."""
    texts = [error.message, str(error), repr(error), str(error.__cause__), repr(error.__cause__)]
    if isinstance(error, APIResponseValidationError):
        texts.append(error.body_excerpt)
    return texts


def assert_no_part_of_the_key(error: APIError) -> None:
    for text in texts_of(error):
        assert KEY_TAIL not in text, f"the key is in {text!r}"
        assert SLASHED_KEY[:4] not in text, f"the start of the key is in {text!r}"


# --- the excerpt's cut ---------------------------------------------------------------------------------

# The body excerpt is 200 characters; the key (31) straddles the cut when it starts in 170..199.
STRADDLING_OFFSETS = range(165, 205)


def echoing_at(offset: int, status: int, kind: str) -> Handler:
    """A server that writes the key it received `offset` characters into its body: plain text, or
    a JSON object with no message field (the client shows an excerpt of either)."""

    def handler(request: httpx.Request) -> httpx.Response:
        text = "x" * offset + request.headers["x-api-key"] + " and more" * 10
        if kind == "text":
            return httpx.Response(status, text=text, headers={"Content-Type": "text/plain"})
        return httpx.Response(status, json={"detail_text_that_is_not_a_message": text})

    return handler


@pytest.mark.parametrize(("status", "kind"), [(200, "text"), (500, "text"), (500, "json")])
async def test_a_key_straddling_the_excerpt_cut_does_not_survive_in_part(
    flavor: Flavor, status: int, kind: str
) -> None:
    for offset in STRADDLING_OFFSETS:
        error = await provoke_echo(flavor, echoing_at(offset, status, kind))
        assert isinstance(error, APIResponseValidationError if status == 200 else InternalServerError)
        assert_no_part_of_the_key(error)
    assert client_secrets.MASK in str(
        await provoke_echo(flavor, echoing_at(10, status, kind))
    )  # the control: shown, redacted


# --- escaped spellings -------------------------------------------------------------------------------


def echoing_escaped(status: int) -> Handler:
    """The key echoed JSON-escaped with `\\/` (as PHP's json_encode writes it), raw in the body."""

    def handler(request: httpx.Request) -> httpx.Response:
        escaped = request.headers["x-api-key"].replace("/", "\\/")
        if status == 200:  # an envelope the client cannot use, so the body is quoted as it came
            body = '{"success": true, "data": {"callSessions": {"echo": "' + escaped + '"}}}'
        else:
            body = "key " + escaped + " is not valid"
        return httpx.Response(status, content=body.encode(), headers={"Content-Type": "application/json"})

    return handler


@pytest.mark.parametrize("status", [200, 401])
async def test_a_key_echoed_json_escaped_with_backslash_slash_is_redacted(flavor: Flavor, status: int) -> None:
    error = await provoke_echo(flavor, echoing_escaped(status))
    assert isinstance(error, APIResponseValidationError if status == 200 else AuthenticationError)
    assert_no_part_of_the_key(error)
    assert client_secrets.MASK in str(error)


# --- the values an envelope mismatch quotes ----------------------------------------------------------


def id_is_a_list_holding_the_key(padding: int) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        session_id = ["x" * padding, request.headers["x-api-key"]] if padding else [request.headers["x-api-key"]]
        return httpx.Response(200, json={"success": True, "data": {"callSessions": [{"id": session_id}]}})

    return handler


async def test_a_strict_record_error_about_a_value_holding_the_key_never_quotes_it(flavor: Flavor) -> None:
    """An id that is a list (holding the key) keeps the record by default (issue 19); with
    strict_responses it raises naming the record and field, never quoting the value, wherever the
    key falls against any cut of the message."""
    for padding in [0, *range(40, 200, 3)]:
        error = await provoke_echo(flavor, id_is_a_list_holding_the_key(padding), strict_responses=True)
        assert isinstance(error, APIResponseValidationError)
        assert "'id'" in str(error)
        assert_no_part_of_the_key(error)


# --- pickles, and errors crossing a process pool -------------------------------------------------


@pytest.mark.parametrize("status", [401, 404, 500])
async def test_an_error_round_trips_through_pickle_whole_and_without_the_key(flavor: Flavor, status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"success": False, "message": f"key {request.headers['x-api-key']} refused"})

    error = await provoke_echo(flavor, handler)
    assert isinstance(error, APIStatusError)
    pickled = pickle.dumps(error)
    assert KEY_TAIL.encode() not in pickled
    unpickled = pickle.loads(pickled)
    assert type(unpickled) is type(error)
    assert (unpickled.status_code, unpickled.message, str(unpickled)) == (error.status_code, error.message, str(error))
    assert unpickled.request.url == error.request.url
    assert unpickled.request.headers["x-api-key"] == client_secrets.MASK
    assert json.loads(unpickled.response.content)["message"] == f"key {MASK} refused"
    assert pickle.loads(pickle.dumps(unpickled)).message == error.message  # and again


# === the generated client against real sockets =========================================================


REPOSITORY = Path(__file__).resolve().parents[2]
TARGET = current_target()
PASSWORD = "pw-7d2e91c04b5a3f68"
"""A password in base_url: as distinctive as the key."""
SECRET = "cred-3c1f9a7be2d04e58"
"""Another credential (a bearer token, a session cookie)."""

# Each route with the error it provokes. "echo-key" is a server that repeats the key it received;
# "malformed-head" quotes it where the HTTP parser quotes it back in its own error.
FAULTS: list[tuple[tuple[str, ...], type[APIError]]] = [
    (("stall-headers",), APITimeoutError),
    (("reset-before-headers",), APIConnectionError),
    (("bad-gzip",), APIConnectionError),
    (("bad-gateway-html",), InternalServerError),
    (("html-200",), APIResponseValidationError),
    (("success-false",), APIResponseValidationError),
    (("echo-key",), AuthenticationError),
    (("malformed-head", "status-line"), APIConnectionError),
    (("malformed-head", "header-line"), APIConnectionError),
    (("malformed-head", "reason"), InternalServerError),
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
        # A stall needs a short timeout; the others a long one, so that a busy machine never turns
        # them into a timeout.
        timeout = FAST_TIMEOUT if route_name == "stall-headers" else PATIENT_TIMEOUT
        async with fault_client(
            flavor, server, route_name, uuid.uuid4().hex, *arguments, timeout=timeout
        ) as under_test:
            with pytest.raises(error_class) as caught:
                await under_test.all_items(page_size=3)
        errors.append(caught.value)
    return pages, errors


def reachable(*roots: object, depth: int = 8) -> Iterator[object]:
    """Every object reachable from `roots` through containers, exceptions (with their causes and
    context) and the attributes of this package's objects. httpx objects are leaves: their repr
    and str are what users see of them. The key holder (`Secret`) and the redactor (which knows
    every spelling of the key) are leaves too: their repr is checked, their insides are secret."""
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
        type(item).__module__.startswith("ravan_client")
        and not isinstance(item, client_secrets.Secret | client_secrets.Redactor)
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
@pytest.mark.timeout(120)
async def test_the_key_is_in_no_repr_or_str_reachable_from_clients_pages_and_errors(
    flavor: Flavor, fault_server: FaultServer
) -> None:
    pages, errors = await provoke(flavor, fault_server)
    client_class = RavanClient if flavor == "sync" else AsyncRavanClient
    client = client_class(api_key=faults.API_KEY, base_url=fault_server.base_url("ok", "unused"))
    roots: list[object] = [client, client.call_sessions, *pages, *errors]
    checked = 0
    for item in reachable(*roots):
        assert faults.API_KEY not in repr(item), f"the key is in repr() of a {type(item).__name__}"
        assert faults.API_KEY not in str(item), f"the key is in str() of a {type(item).__name__}"
        checked += 1
    assert checked > 100  # the walk went deep: pages, items, responses, requests, errors, causes
    if isinstance(client, RavanClient):
        client.close()
    else:
        await client.close()


@pytest.mark.anyio
@pytest.mark.timeout(120)
async def test_the_key_is_not_in_the_repr_of_the_headers_of_a_request_users_hold(
    flavor: Flavor, fault_server: FaultServer
) -> None:
    """`error.request` and `page.response.request` are public; printing their headers while
    debugging is common. httpx masks only Authorization and Proxy-Authorization in that repr."""
    pages, errors = await provoke(flavor, fault_server)
    for request in [page.response.request for page in pages] + [error.request for error in errors]:
        assert faults.API_KEY not in repr(request.headers)
        assert faults.API_KEY not in str(request.headers)


@pytest.mark.anyio
@pytest.mark.timeout(120)
async def test_the_key_is_not_in_messages_or_tracebacks_not_even_in_the_library_frames_locals(
    flavor: Flavor, fault_server: FaultServer
) -> None:
    """format_exception is what a crash prints; capture_locals is what error trackers such as
    Sentry record: the locals of every frame of the client, httpx and httpcore."""
    _, errors = await provoke(flavor, fault_server)
    for error in errors:
        assert faults.API_KEY not in error.message
        assert faults.API_KEY not in "".join(traceback.format_exception(error))
        for frame, name, value in _library_frame_locals(error):
            # A repr that raises fails the test: it proves nothing about the key.
            assert faults.API_KEY not in repr(value), f"the key is in local {name} of {frame.f_code.co_qualname}"
    echoed = next(error for error in errors if isinstance(error, AuthenticationError))
    assert client_secrets.MASK in str(echoed)  # the server did send the key back: the client redacted it


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


# --- logs ----------------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.timeout(120)
async def test_the_key_is_not_logged_at_debug_by_the_client_httpx_or_httpcore(
    flavor: Flavor, fault_server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ravan_client")
    await provoke(flavor, fault_server)
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"ravan_client", "httpx", "httpcore"} <= loggers  # all three did log at DEBUG
    for record in caplog.records:
        assert faults.API_KEY not in record.getMessage(), f"{record.name} logged the key"
    assert faults.API_KEY not in caplog.text


LOGGING_SCRIPT = """
import logging, sys, traceback
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
from ravan_client import APIError, RavanClient
for argument in sys.argv[1:]:
    timeout, base_url = argument.split(" ", 1)
    with RavanClient(base_url=base_url, timeout=float(timeout), max_retries=1) as client:
        client._sleep = lambda seconds: None
        try:
            page = client.call_sessions.list()
            print(repr(client), repr(page), page.items, repr(page.response.request))
        except APIError as error:
            traceback.print_exc()
            print(repr(error), error)
"""


@pytest.mark.timeout(120)
def test_ravan_log_debug_in_a_fresh_process_never_prints_the_key(fault_server: FaultServer) -> None:
    """As a user would run it: the key from RAVAN_API_KEY, RAVAN_LOG=debug, and every library's
    DEBUG logging on, against good routes and faults."""
    routes = [
        ("ok",),
        ("flaky", "1", "503"),
        ("redirect", "localhost"),
        ("stall-headers",),
        ("echo-key",),
        ("malformed-head", "status-line"),
    ]
    # A short timeout only where a timeout is the outcome wanted (the stall).
    base_urls = [
        f"{FAST_TIMEOUT if route[0] == 'stall-headers' else PATIENT_TIMEOUT} "
        + fault_server.base_url(route[0], uuid.uuid4().hex, *route[1:])
        for route in routes
    ]
    base_urls.append(
        f"{PATIENT_TIMEOUT} "
        + fault_server.base_url("echo-credentials", uuid.uuid4().hex, host=f"user:{PASSWORD}@127.0.0.1")
    )
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("RAVAN_", "AGNI_"))},
        "RAVAN_API_KEY": faults.API_KEY,
        "RAVAN_LOG": "debug",
        "PYTHONPATH": os.pathsep.join(str(directory) for directory in (TARGET.client_dir, TARGET.models_dir)),
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
    assert "RemoteProtocolError" in output
    assert faults.API_KEY not in output
    assert PASSWORD not in output


# --- the provenance stamp ----------------------------------------------------------------------------


def test_the_provenance_stamp_holds_no_key() -> None:
    keys = {faults.API_KEY} | {os.environ[name] for name in ("RAVAN_API_KEY", "AGNI_API_KEY") if os.environ.get(name)}
    stamp = (TARGET.root / "provenance.json").read_text(encoding="utf-8")
    json.loads(stamp)
    package_stamps = [
        (package / module / "_provenance.py").read_text(encoding="utf-8")
        for package, module in ((TARGET.client_dir, "ravan_client"), (TARGET.models_dir, "ravan_models"))
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
        client_class(api_key=faults.API_KEY, base_url=url)


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
def test_plain_http_from_the_environment_is_refused_too(
    client_class: type[RavanClient | AsyncRavanClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAVAN_BASE_URL", "http://api.ravan.ai")
    with pytest.raises(ValueError, match="allow_insecure_http=True"):
        client_class(api_key=faults.API_KEY)


@pytest.mark.anyio
async def test_plain_http_to_a_remote_host_works_when_explicitly_allowed() -> None:
    sync_client = RavanClient(api_key=faults.API_KEY, base_url="http://10.0.0.5:8080", allow_insecure_http=True)
    async_client = AsyncRavanClient(api_key=faults.API_KEY, base_url="http://10.0.0.5:8080", allow_insecure_http=True)
    assert sync_client.base_url.host == async_client.base_url.host == "10.0.0.5"
    sync_client.close()
    await async_client.close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"])
def test_plain_http_to_loopback_needs_no_opt_in(url: str) -> None:
    with RavanClient(api_key=faults.API_KEY, base_url=url) as client:
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
        client_class(api_key=faults.API_KEY, base_url=url)


# --- what the HTTP parser quotes ---------------------------------------------------------------------


def _exception_chain(error: BaseException) -> Iterator[BaseException]:
    pending: list[BaseException | None] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__]


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["status-line", "header-line"])
async def test_a_malformed_head_quoting_the_key_leaves_it_out_of_the_error_its_cause_and_context(
    flavor: Flavor, fault_server: FaultServer, token: str, kind: str
) -> None:
    """The server writes the key into a status line (or a header line) the HTTP parser rejects; the
    parser's error quotes the line. The client's error, the httpx error chained as its cause, and
    what a crash prints hold no key."""
    async with fault_client(flavor, fault_server, "malformed-head", token, kind, timeout=PATIENT_TIMEOUT) as under_test:
        with pytest.raises(APIConnectionError) as caught:
            await under_test.first_page()
    error = caught.value
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)
    assert client_secrets.MASK in str(error.__cause__)  # the parser did quote the line, key and all: redacted
    assert error.__context__ is None  # not raised while the original was being handled
    assert "RemoteProtocolError" in str(error)
    for link in _exception_chain(error):
        assert faults.API_KEY not in str(link)
        assert faults.API_KEY not in repr(link)
        assert all(faults.API_KEY not in repr(argument) for argument in link.args)
    assert faults.API_KEY not in "".join(traceback.format_exception(error))


# --- proxies from the environment --------------------------------------------------------------------


@pytest.mark.anyio
async def test_plain_http_to_loopback_ignores_the_proxy_the_environment_names(
    flavor: Flavor, fault_server: FaultServer, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY and ALL_PROXY name a "proxy" (a listening socket here): the request, key in
    clear, must go to the server itself, and the proxy must get nothing."""
    with socket.create_server(("127.0.0.1", 0)) as proxy:
        proxy.setblocking(False)
        proxy_url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy_url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        # The control: an httpx client that trusts the environment does go to the proxy.
        with httpx.Client(timeout=0.5) as trusting, pytest.raises(httpx.HTTPError):
            trusting.get(fault_server.base_url("ok", token) + LIST_PATH)
        assert _connections_accepted(proxy) == 1
        async with fault_client(flavor, fault_server, "ok", token, timeout=PATIENT_TIMEOUT) as under_test:
            page = await under_test.first_page()
        assert _connections_accepted(proxy) == 0
    assert [item.id for item in page.items] == [f"ok-{token}"]
    [received] = fault_server.requests_for(token)
    assert received.headers["x-api-key"] == faults.API_KEY


def _connections_accepted(listener: socket.socket) -> int:
    accepted = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return accepted
        connection.close()
        accepted += 1


# --- the headers of a request users hold ---------------------------------------------------------------


@pytest.mark.anyio
async def test_the_repr_of_request_headers_masks_the_key_authorization_proxy_authorization_and_cookie(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    credentials = {
        "Authorization": f"Bearer {SECRET}",
        "Proxy-Authorization": f"Bearer {SECRET}",
        "Cookie": f"session={SECRET}",
    }
    async with fault_client(
        flavor, fault_server, "ok", token, default_headers=credentials, timeout=PATIENT_TIMEOUT
    ) as under_test:
        page = await under_test.first_page()
    error_token = f"{token}-error"
    async with fault_client(
        flavor, fault_server, "echo-key", error_token, default_headers=credentials, timeout=PATIENT_TIMEOUT
    ) as under_test:
        with pytest.raises(AuthenticationError) as caught:
            await under_test.first_page()
    [received] = fault_server.requests_for(token)
    assert received.headers["cookie"] == f"session={SECRET}"  # sent as given: what is masked is real
    assert received.headers["proxy-authorization"] == f"Bearer {SECRET}"
    held = [page.response.request, caught.value.request, pickle.loads(pickle.dumps(caught.value)).request]
    for request in held:
        shown = repr(request.headers)
        for name in ("x-api-key", "authorization", "proxy-authorization", "cookie"):
            # ('name', '[secure]') in MaskingHeaders' repr, {'name': '[secure]'} in httpx's
            assert re.search(rf"'{name}'[,:] '{re.escape(MASK)}'", shown.lower()), f"{name} is not masked in {shown}"
        assert faults.API_KEY not in shown
        assert SECRET not in shown


# --- a password in base_url ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_password_in_base_url_is_in_no_repr_log_line_message_or_pickle(
    flavor: Flavor, fault_server: FaultServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The server gets the password (Basic auth, to its own origin) and echoes it back in a 401."""
    caplog.set_level(logging.DEBUG, logger="ravan_client")
    host = f"user:{PASSWORD}@127.0.0.1"
    async with fault_client(
        flavor, fault_server, "echo-credentials", token, host=host, timeout=PATIENT_TIMEOUT
    ) as under_test:
        client = under_test.client
        shown = [repr(client), repr(client.call_sessions), str(client.base_url), repr(client.with_options(timeout=5))]
        with pytest.raises(AuthenticationError) as caught:
            await under_test.first_page()
    [received] = fault_server.requests_for(token)
    scheme, encoded = received.headers["authorization"].split()
    assert (scheme, base64.b64decode(encoded).decode()) == ("Basic", f"user:{PASSWORD}")
    error = caught.value
    assert client_secrets.MASK in error.message  # echoed back, and redacted
    assert any(record.name == "ravan_client" for record in caplog.records)  # the client did log
    pickled = pickle.dumps(error)
    unpickled = pickle.loads(pickled)
    shown += [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        str(error.request.url),
        repr(error.request.headers),
        str(unpickled),
        repr(unpickled.request.headers),
        unpickled.response.text,
        caplog.text,
    ]
    for text in shown:
        assert PASSWORD not in text
    assert PASSWORD.encode() not in pickled
    assert faults.API_KEY.encode() not in pickled


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
@pytest.mark.parametrize(
    "base_url",
    [f"http://user:{PASSWORD}@10.0.0.5:8080", f"http://user:{PASSWORD}@[::1"],
    ids=["plain-http-to-a-remote-host", "malformed"],
)
def test_a_refused_base_url_is_not_shown_with_its_password(
    client_class: type[RavanClient | AsyncRavanClient], base_url: str
) -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        client_class(api_key=faults.API_KEY, base_url=base_url)
    assert PASSWORD not in str(caught.value)
    assert faults.API_KEY not in str(caught.value)


# --- pickles -----------------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.timeout(120)
async def test_errors_pickle_without_the_key_and_unpickle_whole(flavor: Flavor, fault_server: FaultServer) -> None:
    """For multiprocessing and concurrent.futures: the pickle holds masked copies of the request
    and the response (the body redacted), never the key; unpickled, the error is the same error."""
    _, errors = await provoke(flavor, fault_server)
    for error in errors:
        pickled = pickle.dumps(error)
        assert faults.API_KEY.encode() not in pickled, f"the key is in the pickle of a {type(error).__name__}"
        unpickled: Any = pickle.loads(pickled)
        assert str(unpickled) == str(error)
        assert unpickled.message == error.message
        assert (unpickled.request.method, unpickled.request.url) == (error.request.method, error.request.url)
        assert unpickled.request.headers["x-api-key"] == client_secrets.MASK
        if isinstance(error, APIStatusError):
            assert unpickled.status_code == error.status_code
            assert faults.API_KEY not in unpickled.response.text
        if isinstance(error, RepeatedPageError):
            assert unpickled.page_number == error.page_number
        if isinstance(error, RateLimitError):
            assert unpickled.retry_after == error.retry_after
        assert type(unpickled) is type(error)
