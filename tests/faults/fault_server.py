"""A deliberately misbehaving HTTP/1.1 server for the fault-injection tests.

One asyncio server on 127.0.0.1, in a background thread, started once per test session. It speaks
just enough HTTP/1.1 by hand to misbehave at the byte level, which `http.server` cannot do: stall
before or inside a response, drip a body one byte at a time, reset the connection (RST, through
SO_LINGER 0), send a body shorter than its Content-Length, truncated or non-JSON bodies, rate-limit,
redirect (to another origin, with any 3xx, setting cookies), ignore the page number, send a page of
tens of MB or a gzip bomb, drip its status line and headers, send `100 Continue` forever, write a
malformed status or header line, echo the query or the credentials it received, or serve pages a
test scripted (and stall past them).

Every URL is `/<route>/<token>[/<argument>...]/api/v1/calling/call-sessions`: a client's base_url is
`http://127.0.0.1:<port>/<route>/<token>/...` and the client appends the operation's path. The route
picks the misbehaviour; the token, unique per test, keys the per-test state (attempt counters,
recorded requests and headers, connections), so tests never see each other's traffic.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.utils
import enum
import functools
import json
import socket
import struct
import threading
import time
import urllib.parse
import zlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

LIST_PATH = "/api/v1/calling/call-sessions"
# Long enough for the longest fuzzed query string (tens of thousands of percent-encoded characters).
MAX_REQUEST_HEAD_BYTES = 16 * 1024 * 1024
# A stalled route waits for the client to hang up, but never longer than this, so a client that
# never gives up cannot keep a socket open for the rest of the session.
STALL_LIMIT_SECONDS = 30.0
# The pager trap answers an empty page after this many requests of one test, so that a client whose
# repeated-page guard is broken fails its test quickly instead of paging until the per-test timeout.
PAGER_TRAP_SAFETY_VALVE = 50
# The "very large page": sessions of realistic size (~540 bytes of JSON each, ~54 MB in all).
LARGE_PAGE_SESSIONS = 100_000
# The gzip bomb: this many MiB of zeros once inflated, about a thousandth of that on the wire.
GZIP_BOMB_MIB = 512

ERROR_BODY = {"success": False, "message": "Something went wrong"}

HTML_502_PAGE = b"""<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>
"""

HTML_200_PAGE = b"""<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form action="/login"><input name="user"></form></body></html>
"""


class Outcome(enum.Enum):
    """What a route did with the connection after its response."""

    KEEP_ALIVE = "keep-alive"
    """A complete response: the connection may carry the client's next request."""
    CLOSED = "closed"
    """The route ended the connection (FIN, RST, or after the client hung up)."""


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the server parsed it."""

    route: str
    token: str
    arguments: tuple[str, ...]
    method: str
    target: str
    query: tuple[tuple[str, str], ...]
    """The query string decoded as application/x-www-form-urlencoded UTF-8, in order."""
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes = b""
    """The request body (read by its Content-Length)."""
    connection: int = 0
    """Which connection carried it: a number unique for the server's lifetime."""

    def query_values(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    @property
    def page(self) -> int:
        values = self.query_values("page")
        return int(values[0]) if values else 1

    @property
    def page_size(self) -> int:
        values = self.query_values("page_size")
        return int(values[0]) if values else 20


@dataclass
class _ConnectionRecord:
    """One accepted connection: the tests whose requests it carried, and whether it has ended."""

    number: int
    tokens: set[str] = field(default_factory=set)
    closed: bool = False


Route = Callable[["FaultServer", ReceivedRequest, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[Outcome]]


class FaultServer:
    """The server and its per-test bookkeeping. Its methods are safe to call from any thread."""

    def __init__(self) -> None:
        self.port = 0
        self._lock = threading.Lock()
        self._requests: defaultdict[str, list[ReceivedRequest]] = defaultdict(list)
        self._connections: list[_ConnectionRecord] = []
        self._scripts: dict[str, list[bytes]] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-server", daemon=True)
        self._server: asyncio.Server | None = None
        self._connection_tasks: set[asyncio.Task[None]] = set()

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._serve_connection, "127.0.0.1", 0, limit=MAX_REQUEST_HEAD_BYTES)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._connection_tasks):
            task.cancel()
        await asyncio.gather(*self._connection_tasks, return_exceptions=True)
        await self._server.wait_closed()

    # --- what tests ask -------------------------------------------------------------------

    def base_url(self, route: str, token: str, *arguments: object, host: str = "127.0.0.1") -> str:
        """The base_url to give a client so that its requests hit `route` for this test."""
        path = "/".join([route, token, *(str(argument) for argument in arguments)])
        return f"http://{host}:{self.port}/{path}"

    def requests_for(self, token: str) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests[token])

    def attempts(self, token: str) -> int:
        """How many requests of this test reached the server (every route, every host)."""
        with self._lock:
            return len(self._requests[token])

    def connections_for(self, token: str) -> int:
        """How many connections carried a request of this test (open or closed)."""
        with self._lock:
            return sum(1 for record in self._connections if token in record.tokens)

    def script_pages(self, token: str, bodies: Sequence[Any]) -> None:
        """What the `scripted` route answers this test: page N gets `bodies[N - 1]` (JSON-encoded
        unless it is bytes), any later page an empty page."""
        encoded = [body if isinstance(body, bytes) else json.dumps(body).encode() for body in bodies]
        with self._lock:
            self._scripts[token] = encoded

    def scripted_page(self, token: str, page: int) -> bytes:
        bodies = self.scripted_pages(token)
        return bodies[page - 1] if 0 < page <= len(bodies) else json.dumps(page_body([])).encode()

    def scripted_pages(self, token: str) -> list[bytes]:
        """The bodies `script_pages` set for this test, encoded."""
        with self._lock:
            return list(self._scripts.get(token, []))

    def open_connections(self, token: str) -> int:
        """Connections that carried a request of this test and that the client has not closed."""
        with self._lock:
            return sum(1 for record in self._connections if token in record.tokens and not record.closed)

    def wait_for_connections_closed(self, token: str, timeout: float = 3.0) -> int:
        """Wait until the client has closed every connection of this test; return how many are
        still open when `timeout` runs out (0 when all closed)."""
        deadline = time.monotonic() + timeout
        while (still_open := self.open_connections(token)) and time.monotonic() < deadline:
            time.sleep(0.01)
        return still_open

    # --- HTTP/1.1, by hand -------------------------------------------------------------------

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connection_tasks.add(task)
        # Small writes (the drip route) go out at once instead of waiting for the client's ACK.
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            record = _ConnectionRecord(number=len(self._connections) + 1)
            self._connections.append(record)
        try:
            while (request := await self._read_request(reader, writer, record)) is not None:
                route = ROUTES.get(request.route)
                if route is None:
                    outcome = await respond_json(writer, 404, {"success": False, "message": "no such route"})
                else:
                    outcome = await route(self, request, reader, writer)
                if outcome is Outcome.CLOSED:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up or reset: the end of this connection either way
        except asyncio.CancelledError:
            pass  # the server is stopping; ending quietly keeps asyncio from logging the cancellation
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()
            with self._lock:
                record.closed = True
            self._connection_tasks.discard(task)

    async def _read_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: _ConnectionRecord
    ) -> ReceivedRequest | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None  # the client closed the connection between requests
        except asyncio.LimitOverrunError:
            await respond_json(writer, 431, {"success": False, "message": "request head too large"})
            return None
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        url = urllib.parse.urlsplit(target)
        if not url.path.endswith(LIST_PATH):
            await respond_json(writer, 404, {"success": False, "message": f"unknown path {url.path}"})
            return None
        segments = url.path[: -len(LIST_PATH)].strip("/").split("/")
        query = urllib.parse.parse_qsl(url.query, keep_blank_values=True, encoding="utf-8", errors="strict")
        body = await reader.readexactly(int(headers["content-length"])) if "content-length" in headers else b""
        request = ReceivedRequest(
            route=segments[0],
            token=segments[1] if len(segments) > 1 else "",
            arguments=tuple(segments[2:]),
            method=method,
            target=target,
            query=tuple(query),
            headers=headers,
            body=body,
            connection=record.number,
        )
        with self._lock:
            self._requests[request.token].append(request)
            record.tokens.add(request.token)
        return request


# --- response helpers --------------------------------------------------------------------------


def response_head(status: int, headers: Sequence[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def respond(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: Sequence[tuple[str, str]] = (),
) -> Outcome:
    head = response_head(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers])
    writer.write(head + body)
    await writer.drain()
    return Outcome.KEEP_ALIVE


async def respond_json(
    writer: asyncio.StreamWriter, status: int, body: Any, *, headers: Sequence[tuple[str, str]] = ()
) -> Outcome:
    return await respond(writer, status, json.dumps(body).encode(), headers=headers)


def page_body(sessions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"success": True, "message": "Call sessions fetched successfully", "data": {"callSessions": sessions}}


def reset_connection(writer: asyncio.StreamWriter) -> Outcome:
    """Close with SO_LINGER 0: the kernel sends RST instead of FIN."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
    return Outcome.CLOSED


async def wait_for_client_to_hang_up(reader: asyncio.StreamReader) -> Outcome:
    """Send nothing more; return once the client closes its side (or after STALL_LIMIT_SECONDS)."""
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(STALL_LIMIT_SECONDS):
            while await reader.read(65536):
                pass
    return Outcome.CLOSED


def realistic_session(index: int) -> dict[str, Any]:
    """A completed call with the fields the API sends for one (~540 bytes of JSON)."""
    started = 1_795_000_000 + index * 7
    return {
        "id": f"cs_{index:010d}",
        "agentId": "agt_7f3c2a",
        "organizationId": "org_51b0e9",
        "roomId": f"room_{index:08x}",
        "callerNumber": f"+1415{index % 10_000_000:07d}",
        "calleeNumber": "+14155550100",
        "channel": "voice",
        "status": "completed",
        "summary": "Moved the appointment to Friday.",
        "metadata": {"crm_contact_id": f"0031U{index:010d}"},
        "callLatencyMs": 800 + index % 200,
        "startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "endedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started + 216)),
        "durationSec": 216,
        "costTotal": "0.1250",
        "agentName": "Support line",
        "creditBreakdown": {"channel": "voice", "total_credits": 5},
    }


@functools.cache
def large_page_body() -> bytes:
    """The very large page, built once per session."""
    return json.dumps(page_body([realistic_session(index) for index in range(LARGE_PAGE_SESSIONS)])).encode()


def page_of_one(session_id: str) -> dict[str, Any]:
    return page_body([{"id": session_id, "status": "completed"}])


# --- routes ---------------------------------------------------------------------------------------


async def route_ok(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A valid page of one session: the well-behaved control, and the target of redirects."""
    return await respond_json(writer, 200, page_of_one(f"ok-{request.token}"))


async def route_stall_headers(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Reads the request and never answers: the first byte comes later than any timeout."""
    return await wait_for_client_to_hang_up(reader)


async def route_stall_body(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Sends the headers and half of the JSON body, then silence."""
    body = json.dumps(page_of_one("stalled")).encode()
    writer.write(response_head(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]))
    writer.write(body[: len(body) // 2])
    await writer.drain()
    return await wait_for_client_to_hang_up(reader)


async def route_drip_body(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Sends the headers, then a valid body one byte every `interval_ms` (argument 0), padded with
    leading whitespace to `length` bytes (argument 1): no single read ever waits long, but the
    whole body takes length x interval."""
    interval = int(request.arguments[0]) / 1000
    payload = json.dumps({"data": {"callSessions": []}}).encode()
    body = payload.rjust(max(int(request.arguments[1]), len(payload)))
    writer.write(response_head(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]))
    await writer.drain()
    for index in range(len(body)):
        if reader.at_eof() or writer.is_closing():
            return Outcome.CLOSED
        writer.write(body[index : index + 1])
        await writer.drain()
        await asyncio.sleep(interval)
    return Outcome.KEEP_ALIVE


async def route_reset_before_headers(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Reads the request, then resets the connection without a byte of response."""
    return reset_connection(writer)


async def route_reset_after_headers(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Sends the headers and a part of the body, lets the client read them, then resets."""
    body = json.dumps(page_of_one("reset")).encode()
    writer.write(response_head(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]))
    writer.write(body[:10])
    await writer.drain()
    await asyncio.sleep(0.05)
    return reset_connection(writer)


async def route_short_body(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Announces the full Content-Length, sends half the body, then closes normally (FIN)."""
    body = json.dumps(page_of_one("short")).encode()
    writer.write(response_head(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]))
    writer.write(body[: len(body) // 2])
    await writer.drain()
    return Outcome.CLOSED


async def route_truncated_json(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A complete HTTP response whose JSON body is cut in half (Content-Length matches the cut)."""
    body = json.dumps(page_of_one("truncated")).encode()
    return await respond(writer, 200, body[: len(body) // 2])


async def route_bad_gateway_html(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A proxy's HTML 502 page, every time."""
    return await respond(writer, 502, HTML_502_PAGE, content_type="text/html")


async def route_html_200(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A 200 whose body is an HTML page (a captive portal or a login wall)."""
    return await respond(writer, 200, HTML_200_PAGE, content_type="text/html; charset=utf-8")


async def route_success_false(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A 200 whose envelope says the request failed."""
    return await respond_json(writer, 200, {"success": False, "message": "Organization is suspended", "data": None})


async def route_bad_gzip(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Claims `Content-Encoding: gzip` for a body that is plain JSON (a misconfigured proxy)."""
    body = json.dumps(page_of_one("not-gzip")).encode()
    return await respond(writer, 200, body, headers=[("Content-Encoding", "gzip")])


async def route_bad_location(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A redirect whose Location is not a URL."""
    return await respond_json(writer, 302, {}, headers=[("Location", "http://[::1")])


async def route_flaky(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """The first `failures` requests (argument 0) of the test get `status` (argument 1), then a page."""
    failures, status = int(request.arguments[0]), int(request.arguments[1])
    if server.attempts(request.token) <= failures:
        return await respond_json(writer, status, ERROR_BODY)
    return await respond_json(writer, 200, page_of_one(f"after-{failures}-failures"))


async def route_retry_after_seconds(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """429 with `Retry-After: <seconds>` (argument 1) for the first `failures` (argument 0) requests."""
    failures, seconds = int(request.arguments[0]), request.arguments[1]
    if server.attempts(request.token) <= failures:
        return await respond_json(writer, 429, ERROR_BODY, headers=[("Retry-After", seconds)])
    return await respond_json(writer, 200, page_of_one("after-rate-limit"))


async def route_retry_after_date(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """429 with `Retry-After` as an HTTP date `seconds` (argument 1) from now, for the first
    `failures` (argument 0) requests. HTTP dates have whole seconds, so the wait the client
    computes is between seconds - 1 and seconds."""
    failures, seconds = int(request.arguments[0]), float(request.arguments[1])
    if server.attempts(request.token) <= failures:
        when = email.utils.formatdate(time.time() + seconds, usegmt=True)
        return await respond_json(writer, 429, ERROR_BODY, headers=[("Retry-After", when)])
    return await respond_json(writer, 200, page_of_one("after-rate-limit"))


async def route_redirect(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A redirect to the `ok` route of the same test on `host` (argument 0), same port, same query;
    302 unless argument 1 names another status."""
    status = int(request.arguments[1]) if len(request.arguments) > 1 else 302
    query = urllib.parse.urlsplit(request.target).query
    location = server.base_url("ok", request.token, host=request.arguments[0]) + LIST_PATH + f"?{query}"
    return await respond_json(writer, status, {}, headers=[("Location", location)])


async def route_redirect_to_port(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A redirect (`status`, argument 1) to the `ok` route of the same test on 127.0.0.1 but on
    `port` (argument 0): another origin, where a test keeps a port that refuses connections."""
    port, status = int(request.arguments[0]), int(request.arguments[1])
    location = f"http://127.0.0.1:{port}/ok/{request.token}{LIST_PATH}"
    return await respond_json(writer, status, {}, headers=[("Location", location)])


async def route_cookie_redirect(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Sets the cookie `origin_a=<argument 1>` and redirects (302) to the `cookie-b` route of the
    same test on `host` (argument 0), which sets a cookie of its own."""
    location = server.base_url("cookie-b", request.token, host=request.arguments[0]) + LIST_PATH
    cookie = f"origin_a={request.arguments[1]}; Path=/"
    return await respond_json(writer, 302, {}, headers=[("Location", location), ("Set-Cookie", cookie)])


async def route_cookie_b(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A valid page that sets the cookie `origin_b=b-own`."""
    return await respond_json(writer, 200, page_of_one("cookie-b"), headers=[("Set-Cookie", "origin_b=b-own; Path=/")])


async def route_pager_trap(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Ignores `page`: always the same full page of `page_size` sessions."""
    if server.attempts(request.token) > PAGER_TRAP_SAFETY_VALVE:
        return await respond_json(writer, 200, page_body([]))
    return await respond_json(writer, 200, page_body([{"id": f"trap-{i}"} for i in range(request.page_size)]))


async def route_pager_trap_growing(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Ignores `page` while one new call arrives per request: every page is a new session, then the
    same `page_size - 1` sessions as every other page."""
    attempts = server.attempts(request.token)
    if attempts > PAGER_TRAP_SAFETY_VALVE:
        return await respond_json(writer, 200, page_body([]))
    sessions = [{"id": f"new-{attempts}"}, *({"id": f"trap-{i}"} for i in range(request.page_size - 1))]
    return await respond_json(writer, 200, page_body(sessions))


async def route_stall_after(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """The first `pages` pages (argument 0) are full (`page_size` sessions each); a later page never
    comes (until the client hangs up, or STALL_LIMIT_SECONDS)."""
    if request.page <= int(request.arguments[0]):
        sessions = [{"id": f"page-{request.page}-{i}"} for i in range(request.page_size)]
        return await respond_json(writer, 200, page_body(sessions))
    return await wait_for_client_to_hang_up(reader)


async def route_scripted(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """The pages the test scripted with `FaultServer.script_pages`."""
    return await respond(writer, 200, server.scripted_page(request.token, request.page))


async def route_scripted_then_stall(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """The pages the test scripted, each after a delay (argument 0, in ms: a server taking its
    time); a page past them never comes (until the client hangs up, or STALL_LIMIT_SECONDS)."""
    bodies = server.scripted_pages(request.token)
    if not 0 < request.page <= len(bodies):
        return await wait_for_client_to_hang_up(reader)
    await asyncio.sleep(int(request.arguments[0]) / 1000)
    return await respond(writer, 200, bodies[request.page - 1])


async def route_large_page(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Page 1 is LARGE_PAGE_SESSIONS realistic sessions (tens of MB); later pages are empty."""
    if request.page == 1:
        return await respond(writer, 200, large_page_body())
    return await respond_json(writer, 200, page_body([]))


async def route_echo(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A page of one session whose metadata maps each query parameter to the values the server
    decoded for it, in order."""
    received: dict[str, list[str]] = {}
    for name, value in request.query:
        received.setdefault(name, []).append(value)
    return await respond_json(writer, 200, page_body([{"id": "echo", "metadata": received}]))


async def route_echo_key(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """401 whose message repeats the X-Api-Key it received (a careless server)."""
    key = request.headers.get("x-api-key", "")
    return await respond_json(writer, 401, {"success": False, "message": f"API key {key} is not valid"})


async def route_echo_credentials(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """401 whose message repeats the X-Api-Key and the Basic credentials (user:password, decoded)
    it received."""
    key = request.headers.get("x-api-key", "")
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    credentials = base64.b64decode(encoded).decode("utf-8", "replace") if scheme.lower() == "basic" else ""
    message = f"API key {key} with credentials {credentials} is not valid"
    return await respond_json(writer, 401, {"success": False, "message": message})


async def route_malformed_head(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A response head that quotes the X-Api-Key it received where the client's HTTP parser will
    quote it back in its error: argument 0 is `status-line` (a status code that is not a number),
    `header-line` (a header line without a colon) or `reason` (a valid 500 whose reason phrase is
    the key)."""
    key = request.headers.get("x-api-key", "")
    kind = request.arguments[0]
    if kind == "status-line":
        head = f"HTTP/1.1 2OO {key}\r\n\r\n"
    elif kind == "header-line":
        head = f"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Echo {key}\r\n\r\n"
    else:
        head = f"HTTP/1.1 500 {key}\r\nContent-Length: 0\r\n\r\n"
    writer.write(head.encode("latin-1"))
    await writer.drain()
    return await wait_for_client_to_hang_up(reader)


async def route_drip_head(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """Sends the status line and headers one byte every `interval_ms` (argument 0), padded with
    headers to 4 KB: each read gets a byte well within any read timeout, and the head never ends
    in time."""
    interval = int(request.arguments[0]) / 1000
    padding = [(f"X-Padding-{i}", "x" * 60) for i in range(64)]
    head = response_head(200, [("Content-Type", "application/json"), *padding, ("Content-Length", "2")])
    for index in range(len(head)):
        if writer.is_closing():
            return Outcome.CLOSED
        writer.write(head[index : index + 1])
        await writer.drain()
        await asyncio.sleep(interval)
    writer.write(b"{}")
    await writer.drain()
    return Outcome.CLOSED


async def route_continue_forever(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """`HTTP/1.1 100 Continue` every `interval_ms` (argument 0), never a final response (until the
    client hangs up, or STALL_LIMIT_SECONDS)."""
    interval = int(request.arguments[0]) / 1000
    deadline = time.monotonic() + STALL_LIMIT_SECONDS
    while not writer.is_closing() and time.monotonic() < deadline:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(interval)
    return Outcome.CLOSED


@functools.cache
def gzip_bomb() -> bytes:
    """GZIP_BOMB_MIB MiB of zeros, gzip-compressed (about a thousandth of that), built once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    zeros = bytes(1024 * 1024)
    return b"".join([*(compressor.compress(zeros) for _ in range(GZIP_BOMB_MIB)), compressor.flush()])


async def route_gzip_bomb(
    server: FaultServer, request: ReceivedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Outcome:
    """A 200 whose gzip body inflates to GZIP_BOMB_MIB MiB (of zeros: not JSON either)."""
    return await respond(writer, 200, gzip_bomb(), headers=[("Content-Encoding", "gzip")])


ROUTES: dict[str, Route] = {
    "ok": route_ok,
    "stall-headers": route_stall_headers,
    "stall-body": route_stall_body,
    "drip-body": route_drip_body,
    "reset-before-headers": route_reset_before_headers,
    "reset-after-headers": route_reset_after_headers,
    "short-body": route_short_body,
    "truncated-json": route_truncated_json,
    "bad-gateway-html": route_bad_gateway_html,
    "html-200": route_html_200,
    "success-false": route_success_false,
    "bad-gzip": route_bad_gzip,
    "bad-location": route_bad_location,
    "flaky": route_flaky,
    "retry-after-seconds": route_retry_after_seconds,
    "retry-after-date": route_retry_after_date,
    "redirect": route_redirect,
    "redirect-to-port": route_redirect_to_port,
    "cookie-redirect": route_cookie_redirect,
    "cookie-b": route_cookie_b,
    "pager-trap": route_pager_trap,
    "pager-trap-growing": route_pager_trap_growing,
    "stall-after": route_stall_after,
    "scripted": route_scripted,
    "scripted-then-stall": route_scripted_then_stall,
    "large-page": route_large_page,
    "echo": route_echo,
    "echo-key": route_echo_key,
    "echo-credentials": route_echo_credentials,
    "malformed-head": route_malformed_head,
    "drip-head": route_drip_head,
    "continue-forever": route_continue_forever,
    "gzip-bomb": route_gzip_bomb,
}
