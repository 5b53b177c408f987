"""Fixtures of the fault suite: the fault server, a token per test, and clients that check for leaks.

Every fault test runs twice, against `RavanClient` (`[sync]`) and `AsyncRavanClient` (`[async]`),
through one awaitable interface (`ClientUnderTest`); the sync client runs in a worker thread so the
test's event loop stays free. `fault_client` opens a client on one route of the fault server and,
when the block ends normally, checks that nothing leaked: no connection of the client's pool stays
busy, and once the client is closed the server has seen every connection of the test closed.

Property tests (hypothesis) use the profile the root conftest chooses: with `CI` set, `ci`:
derandomized (the same examples on every run), no deadline, no example database, so a red CI run
is reproducible and a green one is not luck.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio.from_thread
import anyio.to_thread
import httpx
import pytest
from anyio.from_thread import BlockingPortal

from ravan_client import AsyncPage, AsyncRavanClient, RavanClient, SyncPage
from ravan_client._operations import RequestOptions
from ravan_client._transport import OwnAsyncHttpClient, OwnHttpClient
from ravan_client.models import CallSession
from tests.faults.fault_server import FaultServer

API_KEY = "sk-fault-suite-5f0c93e1d2a84b7c"
"""Distinctive enough that finding it in any text is never a coincidence."""
FAST_TIMEOUT = 0.3
"""The per-attempt timeout of tests whose expected outcome is a timeout (a stall, a drip): far below
any stall, so the timeout is quick. Never on a success path."""
PATIENT_TIMEOUT = 10.0
"""The per-attempt timeout of every other test (`make_client`'s default): long enough that a busy
machine never times out a server that answers at once."""
CUT_MARGIN = 10.0
"""The slack of an upper bound on a call that a timeout (or a cancellation) must cut short: far more
than a busy machine adds, far less than the fault takes uncut (a stall holds for
STALL_LIMIT_SECONDS, 30 s; a dripped head for over 80 s), so the bound tells cut from uncut and
nothing else."""
CLIENT_DEFAULT: Any = object()
"""Pass as a setting to `make_client` to leave that argument out and get the client's own default."""
SETTLE_SECONDS = 5.0
"""How long a connection may take to go idle or closed after a call ended: the sync prefetching
pager does not wait for the requests it abandons (it cuts their reads, and they end in the
background), and an async generator left by `break` is closed when it is collected. A connection
busy for longer is a leak."""

Flavor = Literal["sync", "async"]
AnyPage = SyncPage[CallSession] | AsyncPage[CallSession]
# Keys are printable ASCII without spaces; this one has the `/` that JSON may escape as `\/`.
SLASHED_KEY = "sk-fault/suite/5f0c93e1d2a84b7c"
"""The key of `mock_client`'s clients."""
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def portal() -> Iterator[BlockingPortal]:
    """An event loop in a thread of its own, for sync tests that drive `ClientUnderTest`:
    hypothesis must draw its examples outside any event loop (a draw can abort the example with
    an exception that would tear down the loop of an async test)."""
    with anyio.from_thread.start_blocking_portal("asyncio") as portal:
        yield portal


@pytest.fixture
def token() -> str:
    """Keys this test's state on the fault server (attempt counts, recorded requests)."""
    return uuid.uuid4().hex


@pytest.fixture(params=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> Flavor:
    flavor: Flavor = request.param
    return flavor


@dataclass
class ClientUnderTest:
    """A RavanClient or an AsyncRavanClient behind the same awaitable methods."""

    flavor: Flavor
    client: RavanClient | AsyncRavanClient
    sleeps: list[float] = field(default_factory=list)
    """Every backoff delay the client asked for, in order (slept for real or not)."""

    async def first_page(self, **arguments: Any) -> AnyPage:
        """`call_sessions.list(**arguments)`: the first page."""
        if isinstance(self.client, RavanClient):
            resource = self.client.call_sessions
            return await anyio.to_thread.run_sync(functools.partial(resource.list, **arguments))
        return await self.client.call_sessions.list(**arguments)

    async def all_items(self, **arguments: Any) -> list[CallSession]:
        """Every item of every page of `call_sessions.list(**arguments)`."""
        if isinstance(self.client, RavanClient):
            resource = self.client.call_sessions
            return await anyio.to_thread.run_sync(lambda: list(resource.list(**arguments)))
        return [item async for item in self.client.call_sessions.list(**arguments)]

    async def first_items(
        self, count: int, *, before_break: Callable[[], Coroutine[Any, Any, None]] | None = None, **arguments: Any
    ) -> list[CallSession]:
        """The first `count` items of `call_sessions.list(**arguments)`, then `break`: what a caller
        who found what they wanted does (after awaiting `before_break`, if given). The async
        iterator is left to be closed when collected, as a plain `async for ... break` leaves it."""
        if isinstance(self.client, RavanClient):
            resource = self.client.call_sessions

            def take() -> list[CallSession]:
                taken: list[CallSession] = []
                for item in resource.list(**arguments):
                    taken.append(item)
                    if len(taken) >= count:
                        if before_break is not None:
                            anyio.from_thread.run(before_break)
                        break
                return taken

            return await anyio.to_thread.run_sync(take)
        taken: list[CallSession] = []
        async for item in self.client.call_sessions.list(**arguments):
            taken.append(item)
            if len(taken) >= count:
                if before_break is not None:
                    await before_break()
                break
        return taken

    async def send(self, options: RequestOptions) -> httpx.Response:
        """`client.request(options)`: one request the generated methods do not make (a POST)."""
        if isinstance(self.client, RavanClient):
            return await anyio.to_thread.run_sync(self.client.request, options)
        return await self.client.request(options)

    async def close(self) -> None:
        if isinstance(self.client, RavanClient):
            self.client.close()
        else:
            await self.client.close()

    def busy_connections(self) -> list[str]:
        """Connections of the client's pool that are neither idle nor closed, and requests the pool
        still counts as in flight."""
        http = self.client._http
        if isinstance(http, OwnHttpClient | OwnAsyncHttpClient):
            pools: list[Any] = list(http.pools)
        else:  # a test's own httpx client: httpx's transport (reached privately, as only a test may)
            transport = http._transport
            assert isinstance(transport, httpx.HTTPTransport | httpx.AsyncHTTPTransport)
            pools = [transport._pool]
        busy: list[str] = []
        for pool in pools:
            busy += [conn.info() for conn in pool.connections if not (conn.is_idle() or conn.is_closed())]
            busy += [f"in-flight request {pool_request.request!r}" for pool_request in pool._requests]
        return busy

    async def busy_connections_after_settling(self) -> list[str]:
        """`busy_connections` once they had SETTLE_SECONDS to end (see SETTLE_SECONDS); returns as
        soon as there are none. Once a call has returned or raised, anything left is a leak."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while (busy := self.busy_connections()) and time.monotonic() < deadline:
            await anyio.sleep(0.01)
        return busy


def make_client(flavor: Flavor, base_url: str, *, real_sleep: bool = False, **settings: Any) -> ClientUnderTest:
    """A client on `base_url` with the fault suite's defaults (the suite's key, PATIENT_TIMEOUT, no
    retries), overridable through `settings`. Backoff delays are recorded; with `real_sleep` they
    are also slept, with the real jitter, else they take no time and jitter is off. A setting
    given as CLIENT_DEFAULT is left out, so the client's own default applies."""
    settings = {"api_key": API_KEY, "timeout": PATIENT_TIMEOUT, "max_retries": 0, **settings}
    settings = {name: value for name, value in settings.items() if value is not CLIENT_DEFAULT}
    if flavor == "sync":
        sync_client = RavanClient(base_url=base_url, **settings)
        under_test = ClientUnderTest(flavor, sync_client)

        def sleep(seconds: float) -> None:
            under_test.sleeps.append(seconds)
            if real_sleep:
                time.sleep(seconds)

        sync_client._sleep = sleep
    else:
        async_client = AsyncRavanClient(base_url=base_url, **settings)
        under_test = ClientUnderTest(flavor, async_client)

        async def async_sleep(seconds: float) -> None:
            under_test.sleeps.append(seconds)
            if real_sleep:
                await asyncio.sleep(seconds)

        async_client._sleep = async_sleep
    if not real_sleep:
        under_test.client._random = lambda: 0.0
    return under_test


@asynccontextmanager
async def fault_client(
    flavor: Flavor,
    server: FaultServer,
    route: str,
    token: str,
    *arguments: object,
    real_sleep: bool = False,
    host: str = "127.0.0.1",
    **settings: Any,
) -> AsyncIterator[ClientUnderTest]:
    """A client on `route` of the fault server for this test (see `make_client`), closed on exit.
    `host` is the base URL's host (userinfo may come first: `user:password@127.0.0.1`).

    When the block ends without an exception, also asserts that no connection leaked: none that
    stays busy in the client's pool before it is closed, none left open on the server once it is.
    """
    base_url = server.base_url(route, token, *arguments, host=host)
    under_test = make_client(flavor, base_url, real_sleep=real_sleep, **settings)
    try:
        yield under_test
        assert await under_test.busy_connections_after_settling() == [], "a connection stays busy after the call ended"
    finally:
        await under_test.close()
    assert server.wait_for_connections_closed(token) == 0, "the server still sees connections of this test open"


def mock_client(flavor: Flavor, handler: Handler, **settings: Any) -> ClientUnderTest:
    """A client (see `make_client`) whose server is `handler`, an `httpx.MockTransport`: for the
    promises that need no socket (a careless server that echoes the key, impossible settings)."""
    return make_client(
        flavor, "https://api.ravan.ai", api_key=SLASHED_KEY, transport=httpx.MockTransport(handler), **settings
    )
