"""The connection pools the clients create, and the per-attempt deadline every socket read obeys.

httpx's read timeout bounds each read, not a whole response: a server can hold a call forever by
dripping its status line and headers a byte at a time, or by sending `100 Continue` after
`100 Continue`, each within the read timeout. The async client runs every attempt inside an anyio
cancel scope with the attempt's deadline (`_base_client.py`). The sync client cannot interrupt a
blocking read from outside, so the pools it creates use a network backend whose streams read and
write with the smaller of httpcore's own timeout and what is left of the attempt (`Attempt`),
found through a context variable; past the deadline a read fails as a read timeout. An attempt can
also be aborted from another thread (the prefetching pager, when its consumer stops): its sockets
are shut down, so a read blocked on them returns at once.

The pools are built here with httpcore's public constructor (`network_backend=`), behind
transports of our own (`PoolTransport`, `AsyncPoolTransport`: what `httpx.HTTPTransport` does,
which has no way to pass a backend), one for the direct route and one per proxy the environment
names, as httpx would mount them. Only pools this package creates are changed; a caller's own
`http_client` or `transport` is used as given (its reads are bounded by its read timeout, and the
body by the attempt's deadline, which the client checks between chunks).

The pools also ignore `HTTP_PROXY`/`ALL_PROXY` when the base URL is plain http: the request, key
included, would travel in clear to whatever proxy the environment names.

httpcore 1.0 is not safe against asyncio cancellation: a `task.cancel()` that lands between the
pool giving a request a fresh connection and the request using it leaves that connection in the
pool, neither idle nor closed, for good (encode/httpcore#1093), and one that lands in httpcore's
clean-up (shielded only from anyio's cancel scopes) cuts it short. The async client runs each
attempt in a task of its own that only an anyio cancel scope stops (its deadline, or the caller's
cancellation passed on), which waits out that clean-up; after an attempt that failed or was
cancelled, `reclaim_orphaned_connections` closes what a cancellation still left behind.

Where httpx and httpcore have no public API for what is needed (the proxies httpx derives from the
environment, the pool's lists of connections and requests, its TLS context, which is built when
first needed), their internals are used in one section at the end of this module, checked when a
client is constructed: a layout other than the proven one (`PROVEN_ON`, pinned exactly by the
generated package) raises `IncompatibleHTTPLibraryError` rather than leaving a client without its
deadline or its clean-up.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

__all__ = [
    "PROVEN_ON",
    "AsyncPoolTransport",
    "Attempt",
    "IncompatibleHTTPLibraryError",
    "OwnAsyncHttpClient",
    "OwnHttpClient",
    "PoolTransport",
    "check_httpx_internals",
    "current_attempt",
    "environment_proxies",
    "new_async_http_client",
    "new_sync_http_client",
    "reclaim_orphaned_connections",
]

current_attempt: contextvars.ContextVar[Attempt | None] = contextvars.ContextVar("current_attempt", default=None)


class Attempt:
    """One attempt's deadline (monotonic seconds, or None) and the streams it used, to abort them."""

    def __init__(self, deadline: float | None, on_sent: Callable[[], None] | None = None) -> None:
        self.deadline = deadline
        self.aborted = False
        self._on_sent = on_sent
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

    def sent(self) -> None:
        """The request's first bytes are written (the head, for a request without a body: what
        the server answers): tell `on_sent`, once."""
        on_sent, self._on_sent = self._on_sent, None
        if on_sent is not None:
            on_sent()

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
        if attempt is not None:
            attempt.sent()

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


# --- transports of our own, over pools built with httpcore's public constructor -------------------

# httpx's own defaults (httpx.Client() without `limits`).
_MAX_CONNECTIONS = 100
_MAX_KEEPALIVE_CONNECTIONS = 20
_KEEPALIVE_EXPIRY = 5.0

# httpcore's errors as httpx's (most specific first), as httpx's own transport maps them.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        for core_error, httpx_error in _ERRORS:
            if isinstance(error, core_error):
                raise httpx_error(str(error)) from error
        raise


def _core_request(request: httpx.Request) -> httpcore.Request:
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(
            scheme=request.url.raw_scheme,
            host=request.url.raw_host,
            port=request.url.port,
            target=request.url.raw_path,
        ),
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


def _pool_settings(proxy_url: str | None, trust_env: bool) -> dict[str, Any]:
    """The arguments of a pool as `httpx.HTTPTransport` would build it for `proxy_url` (or none)."""
    proxy = None
    if proxy_url is not None:
        parsed = httpx.Proxy(proxy_url)  # takes credentials out of the URL, as httpx does
        proxy = httpcore.Proxy(
            url=httpcore.URL(
                scheme=parsed.url.raw_scheme, host=parsed.url.raw_host, port=parsed.url.port, target=parsed.url.raw_path
            ),
            auth=parsed.raw_auth,
            headers=parsed.headers.raw,
            ssl_context=parsed.ssl_context,
        )
    return {
        "ssl_context": _tls_the_environment_names(trust_env),
        "proxy": proxy,
        "max_connections": _MAX_CONNECTIONS,
        "max_keepalive_connections": _MAX_KEEPALIVE_CONNECTIONS,
        "keepalive_expiry": _KEEPALIVE_EXPIRY,
    }


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _AsyncResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        aclose = getattr(self._stream, "aclose", None)
        if aclose is not None:
            await aclose()


class _ConnectionPool(httpcore.ConnectionPool):
    """httpcore's pool, with its TLS context built when first needed (`_build_tls_for`)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        check_httpx_internals(self)

    def create_connection(self, origin: httpcore.Origin) -> httpcore.ConnectionInterface:
        _build_tls_for(self, origin)
        return super().create_connection(origin)


class _AsyncConnectionPool(httpcore.AsyncConnectionPool):
    """httpcore's async pool, with its TLS context built when first needed (`_build_tls_for`)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        check_httpx_internals(self)

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        _build_tls_for(self, origin)
        return super().create_connection(origin)


class PoolTransport(httpx.BaseTransport):
    """An httpx transport over an `httpcore.ConnectionPool` this package built (what
    `httpx.HTTPTransport` does, with a pool of our own: httpx has no way to pass a network backend)."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self.pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with _httpx_errors():
            response = self.pool.handle_request(_core_request(request))
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        with _httpx_errors():
            self.pool.close()


class AsyncPoolTransport(httpx.AsyncBaseTransport):
    """The async `PoolTransport`, over an `httpcore.AsyncConnectionPool` this package built (so that
    `reclaim_orphaned_connections` knows the pool it may tidy)."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self.pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _httpx_errors():
            response = await self.pool.handle_async_request(_core_request(request))
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_AsyncResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        with _httpx_errors():
            await self.pool.aclose()


class OwnHttpClient(httpx.Client):
    """The `httpx.Client` the generated sync client creates: its transports are `PoolTransport`s (`pools`)."""

    pools: tuple[httpcore.ConnectionPool, ...] = ()


class OwnAsyncHttpClient(httpx.AsyncClient):
    """The `httpx.AsyncClient` the generated async client creates: its transports are `AsyncPoolTransport`s."""

    pools: tuple[httpcore.AsyncConnectionPool, ...] = ()


def new_sync_http_client(*, base_url_scheme: str, transport: httpx.BaseTransport | None) -> httpx.Client:
    """The `httpx.Client` the generated sync client creates for itself: with a caller's `transport`, that one;
    else pools with the deadline backend, for the direct route and every proxy the environment names."""
    # Plain http: never through a proxy named by the environment (see the module docstring).
    trust_env = base_url_scheme == "https"
    settings: dict[str, Any] = {"trust_env": trust_env, "follow_redirects": False, "timeout": None}
    if transport is not None:
        return httpx.Client(transport=transport, **settings)
    check_httpx_internals()

    def transport_for(proxy_url: str | None) -> PoolTransport:
        backend = _DeadlineBackend(httpcore.SyncBackend())
        return PoolTransport(_ConnectionPool(**_pool_settings(proxy_url, trust_env), network_backend=backend))

    direct = transport_for(None)
    mounts = {
        pattern: None if url is None else transport_for(url)
        for pattern, url in (environment_proxies() if trust_env else {}).items()
    }
    client = OwnHttpClient(transport=direct, mounts=mounts, **settings)
    client.pools = (direct.pool, *(mount.pool for mount in mounts.values() if mount is not None))
    return client


def new_async_http_client(*, base_url_scheme: str, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """The `httpx.AsyncClient` the generated async client creates for itself (its deadlines are cancel scopes)."""
    trust_env = base_url_scheme == "https"
    settings: dict[str, Any] = {"trust_env": trust_env, "follow_redirects": False, "timeout": None}
    if transport is not None:
        return httpx.AsyncClient(transport=transport, **settings)
    check_httpx_internals()

    def transport_for(proxy_url: str | None) -> AsyncPoolTransport:
        return AsyncPoolTransport(_AsyncConnectionPool(**_pool_settings(proxy_url, trust_env)))

    direct = transport_for(None)
    mounts = {
        pattern: None if url is None else transport_for(url)
        for pattern, url in (environment_proxies() if trust_env else {}).items()
    }
    client = OwnAsyncHttpClient(transport=direct, mounts=mounts, **settings)
    client.pools = (direct.pool, *(mount.pool for mount in mounts.values() if mount is not None))
    return client


# --- the one place that relies on httpx's and httpcore's internals ----------------------------------
#
# Proven on exactly these versions (the generated package pins them). Each use below is checked
# when a client is constructed, which raises `IncompatibleHTTPLibraryError` if the layout differs:
# a client that silently lost its deadline or its clean-up would be worse than none.

PROVEN_ON = "httpx 0.28.1 and httpcore 1.0.9"


class IncompatibleHTTPLibraryError(RuntimeError):
    """The installed httpx or httpcore is not laid out as the versions this client was proven on."""


def _incompatible(what: str) -> IncompatibleHTTPLibraryError:
    return IncompatibleHTTPLibraryError(
        f"this client relies on {what}, which the installed httpx {httpx.__version__} / httpcore "
        f"{httpcore.__version__} does not have; it was proven on {PROVEN_ON}: install those versions"
    )


def environment_proxies() -> dict[str, str | None]:
    """The proxy mounts httpx itself would make from the environment (`HTTPS_PROXY`, `ALL_PROXY`,
    `NO_PROXY`, ...), pattern to proxy URL (None: no proxy). httpx makes them only for clients
    without a transport of their own, and has no public function that gives them."""
    from httpx import _utils  # private: see the section comment

    return _utils.get_environment_proxies()


def check_httpx_internals(pool: httpcore.ConnectionPool | httpcore.AsyncConnectionPool | None = None) -> None:
    """Raise `IncompatibleHTTPLibraryError` unless every internal this module uses is there, and
    those of `pool`: its TLS context, which `_build_tls_for` sets, and an async pool's lists, which
    `reclaim_orphaned_connections` tidies."""
    try:
        from httpx import _utils
    except ImportError:
        raise _incompatible("httpx._utils.get_environment_proxies") from None
    if not callable(getattr(_utils, "get_environment_proxies", None)):
        raise _incompatible("httpx._utils.get_environment_proxies")
    if isinstance(pool, httpcore.AsyncConnectionPool):
        for name in ("_connections", "_requests"):
            if not isinstance(getattr(pool, name, None), list):
                raise _incompatible(f"the list httpcore.AsyncConnectionPool.{name}")
    if pool is not None and not hasattr(pool, "_ssl_context"):
        kind = "AsyncConnectionPool" if isinstance(pool, httpcore.AsyncConnectionPool) else "ConnectionPool"
        raise _incompatible(f"httpcore.{kind}._ssl_context")


def _tls_the_environment_names(trust_env: bool) -> ssl.SSLContext | None:
    """The TLS context for a pool, built now if the environment names a CA bundle, else None
    (`_build_tls_for` builds it from the default bundle on the pool's first https connection).

    With `trust_env`, SSL_CERT_FILE and SSL_CERT_DIR are read when the client is built, as httpx
    reads them: a program that names its bundle while building the client keeps it, and one whose
    bundle is not there learns it then, not from a bare `FileNotFoundError` out of a later call."""
    if trust_env and (os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")):
        return httpx.create_ssl_context(trust_env=True)
    return None


def _build_tls_for(pool: httpcore.ConnectionPool | httpcore.AsyncConnectionPool, origin: httpcore.Origin) -> None:
    """Give `pool` its TLS context if `origin` is the first https one it connects to and the
    environment named no CA bundle (`_tls_the_environment_names`).

    The context is what httpx builds then (`httpx.create_ssl_context`, from certifi's bundle), built
    on first need rather than with the client: reading the CA bundle takes about 20 ms, which a
    client of a plain-http server (a mock, a local service) never needs, and which every run of the
    command line and every client of the test suite paid. Two threads racing here at worst build it
    twice; either context is the same."""
    if origin.scheme == b"https" and pool._ssl_context is None:
        pool._ssl_context = httpx.create_ssl_context(trust_env=False)


async def reclaim_orphaned_connections(client: httpx.AsyncClient) -> None:
    """Close the connections of `client`'s own pools that no request owns and that are neither idle
    nor closed: a cancelled request left them (encode/httpcore#1093, see the module docstring), and
    the pool would keep them, busy, until it is closed. A connection in use always belongs to a
    request of the pool, so other requests in flight are not touched. Only pools this package built
    (a caller's own `http_client` or `transport` is left alone).

    Reaches into httpcore's private `_connections` and `_requests` (checked when the pool is
    built). Can go once an httpcore release fixes #1093 (the fixes proposed are encode/httpcore#1094
    and #1099): then the fault test `test_cancelling_async_calls_at_any_moment_leaves_no_connection_busy`
    passes without it (and the pin of httpcore may move to that release)."""
    if not isinstance(client, OwnAsyncHttpClient):
        return
    for pool in client.pools:
        connections: list[Any] = pool._connections
        owned = {id(request.connection) for request in pool._requests}
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
