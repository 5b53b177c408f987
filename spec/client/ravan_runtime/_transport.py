"""The connection pools the clients create, and the per-attempt deadline every socket read obeys.

httpx's read timeout bounds each read, not a whole response: a server can hold a call forever by
dripping its status line and headers a byte at a time, or by sending `100 Continue` after
`100 Continue`, each within the read timeout. The async client runs every attempt inside an anyio
cancel scope with the attempt's deadline (see below). The sync client cannot interrupt a blocking
read from outside, so the pools it
creates use a network backend whose streams read and write with the smaller of httpcore's own
timeout and what is left of the attempt (`Attempt`), found through a context variable; past the
deadline a read fails as a read timeout. An attempt can also be aborted from another thread (the
prefetching pager, when its consumer stops): its sockets are shut down, so a read blocked on
them returns at once.

Only pools this package creates are changed; a caller's own `http_client` or `transport` is used
as given (its reads are bounded by its read timeout, and the body by the attempt's deadline,
which the client checks between chunks).

The pools also ignore `HTTP_PROXY`/`ALL_PROXY` when the base URL is plain http: the request, key
included, would travel in clear to whatever proxy the environment names.

httpcore 1.0 is not safe against asyncio cancellation: a `task.cancel()` that lands between the
pool giving a request a fresh connection and the request using it leaves that connection in the
pool, neither idle nor closed, for good (encode/httpcore#1093), and one that lands in httpcore's
clean-up (shielded only from anyio's cancel scopes) cuts it short. The async client runs each
attempt in a task of its own that only an anyio cancel scope stops (its deadline, or the caller's
cancellation passed on), which waits out that clean-up; after an attempt that failed or was
cancelled, `reclaim_orphaned_connections` closes what a cancellation still left behind.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

__all__ = [
    "Attempt",
    "current_attempt",
    "install_deadlines",
    "new_async_http_client",
    "new_sync_http_client",
    "reclaim_orphaned_connections",
]

current_attempt: contextvars.ContextVar[Attempt | None] = contextvars.ContextVar("ravan_attempt", default=None)


class Attempt:
    """One attempt's deadline (monotonic seconds, or None) and the streams it used, to abort them."""

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline
        self.aborted = False
        self._streams: list[_DeadlineStream] = []
        self._lock = threading.Lock()

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def clamp(self, timeout: float | None, error: Callable[[str], Exception]) -> float | None:
        """`timeout`, shortened to what is left of the attempt; raises `error` when nothing is left."""
        if self.aborted:
            raise error("the request was abandoned")
        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise error("the response did not arrive in full within the timeout")
        return left if timeout is None else min(timeout, left)

    def bind(self, stream: _DeadlineStream) -> None:
        with self._lock:
            if stream not in self._streams:
                self._streams.append(stream)
            aborted = self.aborted
        if aborted:
            stream.abort()

    def abort(self) -> None:
        """Stop the attempt from another thread: its sockets are shut down, so a blocked read returns."""
        with self._lock:
            self.aborted = True
            streams = list(self._streams)
        for stream in streams:
            stream.abort()


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        attempt = current_attempt.get()
        if attempt is not None:
            attempt.bind(self)
            timeout = attempt.clamp(timeout, httpcore.ReadTimeout)
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        attempt = current_attempt.get()
        if attempt is not None:
            attempt.bind(self)
            timeout = attempt.clamp(timeout, httpcore.WriteTimeout)
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        attempt = current_attempt.get()
        if attempt is not None:
            timeout = attempt.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    def abort(self) -> None:
        sock = self._inner.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):  # already closed or never connected
                sock.shutdown(socket.SHUT_RDWR)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        attempt = current_attempt.get()
        if attempt is not None:
            timeout = attempt.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_deadlines(client: httpx.Client) -> bool:
    """Give every pool of `client` (its transport and proxy mounts) the deadline backend.

    Reaches into httpx's and httpcore's private `_transport`, `_mounts`, `_pool` and
    `_network_backend`; returns False (and changes nothing) if they are not there, and a test of
    this repository fails then. New connections use the backend; the pool is new, so all do."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    pools: list[Any] = [getattr(t, "_pool", None) for t in transports if isinstance(t, httpx.HTTPTransport)]
    if not pools or not all(hasattr(pool, "_network_backend") for pool in pools):
        return False
    for pool in pools:
        backend = pool._network_backend
        if not isinstance(backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(backend)
    return True


def new_sync_http_client(*, base_url_scheme: str, transport: httpx.BaseTransport | None) -> httpx.Client:
    """The `httpx.Client` a `RavanClient` creates for itself."""
    client = httpx.Client(
        transport=transport,
        # Plain http: never through a proxy named by the environment (see the module docstring).
        trust_env=base_url_scheme == "https",
        follow_redirects=False,
        timeout=None,  # each request carries its own
    )
    if transport is None:
        install_deadlines(client)
    return client


def new_async_http_client(*, base_url_scheme: str, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """The `httpx.AsyncClient` an `AsyncRavanClient` creates for itself (its deadlines are cancel scopes)."""
    return httpx.AsyncClient(
        transport=transport, trust_env=base_url_scheme == "https", follow_redirects=False, timeout=None
    )


async def reclaim_orphaned_connections(client: httpx.AsyncClient) -> None:
    """Close the connections of `client`'s own pool that no request owns and that are neither idle
    nor closed: a cancelled request left them (see the module docstring), and the pool would keep
    them, busy, until it is closed. A connection in use always belongs to a request of the pool, so
    other requests in flight are not touched. Reaches into httpcore's private `_pool`, `_connections`
    and `_requests`; does nothing if they are not there."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    connections = getattr(pool, "_connections", None)
    requests = getattr(pool, "_requests", None)
    if not isinstance(connections, list) or not isinstance(requests, list):
        return
    owned = {id(getattr(request, "connection", None)) for request in requests}
    orphans = [
        connection
        for connection in connections
        if not (connection.is_idle() or connection.is_closed()) and id(connection) not in owned
    ]
    for connection in orphans:  # out of the pool at once, before anything can be awaited
        connections.remove(connection)
    for connection in orphans:
        with contextlib.suppress(Exception):  # already broken: nothing more to release
            await connection.aclose()
