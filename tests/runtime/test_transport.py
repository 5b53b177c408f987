"""The client's own transports and the one place it relies on httpx's and httpcore's internals.

A layout other than the proven one must stop a client at construction, naming what is missing and
the versions it was proven on, never leave it running without its deadline or its clean-up.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import tomllib
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest
from httpx import _utils as httpx_utils
from ravan_runtime import _transport as transport
from ravan_runtime._operations import RequestOptions
from ravan_runtime._transport import PROVEN_ON, IncompatibleHTTPLibraryError, OwnAsyncHttpClient, OwnHttpClient

from tests.runtime.harness import AsyncRavanClient, RavanClient

ROOT = Path(__file__).resolve().parents[2]


def test_without_httpxs_environment_proxies_a_sync_client_refuses_to_be_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(httpx_utils, "get_environment_proxies")
    with pytest.raises(IncompatibleHTTPLibraryError) as caught:
        RavanClient(api_key="k")
    assert "httpx._utils.get_environment_proxies" in str(caught.value)
    assert PROVEN_ON in str(caught.value)


@pytest.mark.anyio
async def test_without_httpxs_environment_proxies_an_async_client_refuses_to_be_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(httpx_utils, "get_environment_proxies")
    with pytest.raises(IncompatibleHTTPLibraryError, match=re.escape(PROVEN_ON)):
        AsyncRavanClient(api_key="k")


@pytest.mark.anyio
@pytest.mark.parametrize("private_list", ["_connections", "_requests"])
async def test_a_pool_without_the_lists_reclaiming_needs_refuses_the_async_client(
    monkeypatch: pytest.MonkeyPatch, private_list: str
) -> None:
    original = httpcore.AsyncConnectionPool.__init__

    def laid_out_otherwise(self: httpcore.AsyncConnectionPool, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        delattr(self, private_list)

    monkeypatch.setattr(httpcore.AsyncConnectionPool, "__init__", laid_out_otherwise)
    with pytest.raises(IncompatibleHTTPLibraryError) as caught:
        AsyncRavanClient(api_key="k")
    assert f"httpcore.AsyncConnectionPool.{private_list}" in str(caught.value)
    assert PROVEN_ON in str(caught.value)


@pytest.mark.parametrize("pool_class", [httpcore.ConnectionPool, httpcore.AsyncConnectionPool])
def test_a_pool_without_the_tls_context_it_builds_on_demand_refuses_the_client(
    monkeypatch: pytest.MonkeyPatch, pool_class: type[Any]
) -> None:
    original = pool_class.__init__

    def laid_out_otherwise(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        delattr(self, "_ssl_context")

    monkeypatch.setattr(pool_class, "__init__", laid_out_otherwise)
    client_class = RavanClient if pool_class is httpcore.ConnectionPool else AsyncRavanClient
    with pytest.raises(IncompatibleHTTPLibraryError) as caught:
        client_class(api_key="k")
    assert f"httpcore.{pool_class.__name__}._ssl_context" in str(caught.value)


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
def test_the_tls_context_is_built_once_on_the_first_https_connection_never_for_plain_http(
    monkeypatch: pytest.MonkeyPatch, client_class: Any
) -> None:
    """Reading the CA bundle takes about 20 ms: a client of a plain-http server (a mock) never
    needs it, an https client builds it once, as httpx would (trusting SSL_CERT_FILE and
    SSL_CERT_DIR from the environment)."""
    built: list[bool] = []
    real = httpx.create_ssl_context

    def counted(*, trust_env: bool) -> Any:
        built.append(trust_env)
        return real(trust_env=trust_env)

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    plain = client_class(api_key="k", base_url="http://127.0.0.1:1")
    (plain_pool,) = plain._http.pools
    plain_pool.create_connection(httpcore.Origin(b"http", b"127.0.0.1", 1))
    assert built == []
    assert plain_pool._ssl_context is None

    secure = client_class(api_key="k", base_url="https://api.example.com")
    (pool,) = secure._http.pools
    assert built == []
    pool.create_connection(httpcore.Origin(b"https", b"api.example.com", 443))
    pool.create_connection(httpcore.Origin(b"https", b"api.example.com", 443))
    assert built == [True]
    assert isinstance(pool._ssl_context, ssl.SSLContext)
    plain_pool.create_connection(httpcore.Origin(b"https", b"elsewhere.example.com", 443))  # a redirect's hop
    assert built == [True, False]  # a plain-http client trusts no environment (as before)


def test_a_callers_own_transport_needs_no_internals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(httpx_utils, "get_environment_proxies")
    with RavanClient(api_key="k", transport=httpx.MockTransport(lambda request: httpx.Response(204))):
        pass


def test_the_generated_package_pins_exactly_the_versions_proven_and_installed() -> None:
    generated = tomllib.loads((ROOT / "generated/ravan-client/pyproject.toml").read_text())
    pins: dict[str, str] = {
        match[1]: match[2]
        for dependency in generated["project"]["dependencies"]
        if (match := re.fullmatch(r"(httpx|httpcore)==(\S+)", dependency))
    }
    assert f"httpx {pins['httpx']} and httpcore {pins['httpcore']}" == PROVEN_ON
    assert (httpx.__version__, httpcore.__version__) == (pins["httpx"], pins["httpcore"])


def test_every_proxy_the_environment_names_gets_a_pool_of_the_clients_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "internal.example.com")
    with RavanClient(api_key="k", base_url="https://api.example.com") as client:
        http = client._http
        assert isinstance(http, OwnHttpClient)
        assert len(http.pools) == 2  # direct, and the proxy (NO_PROXY goes direct)
        assert all(isinstance(pool, httpcore.ConnectionPool) for pool in http.pools)
        # Every route reads within the attempt's deadline (the backend is read privately: a test may).
        assert all(isinstance(pool._network_backend, transport._DeadlineBackend) for pool in http.pools)


def test_plain_http_gets_no_proxy_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    with RavanClient(api_key="k", base_url="http://127.0.0.1:1") as client:
        http = client._http
        assert isinstance(http, OwnHttpClient)
        assert len(http.pools) == 1


@pytest.mark.anyio
async def test_the_async_client_builds_its_own_pool() -> None:
    async with AsyncRavanClient(api_key="k") as client:
        http = client._http
        assert isinstance(http, OwnAsyncHttpClient)
        assert [type(pool) for pool in http.pools] == [transport._AsyncConnectionPool]
        assert isinstance(http.pools[0], httpcore.AsyncConnectionPool)


def test_httpcore_errors_reach_the_client_as_httpxs() -> None:
    with pytest.raises(httpx.ReadTimeout, match="slow") as caught, transport._httpx_errors():
        raise httpcore.ReadTimeout("slow")
    assert isinstance(caught.value.__cause__, httpcore.ReadTimeout)
    with pytest.raises(httpx.RemoteProtocolError), transport._httpx_errors():
        raise httpcore.RemoteProtocolError("bad head")


def test_the_async_client_says_it_needs_asyncio_when_driven_by_another_loop() -> None:
    """Outside an asyncio loop (as under trio) the first call says the client runs on asyncio only."""
    client = AsyncRavanClient(api_key="k", transport=httpx.MockTransport(lambda request: httpx.Response(204)))
    call = client.request(RequestOptions(method="GET", path="/v1/sessions"))
    with pytest.raises(RuntimeError, match="asyncio only"):
        call.send(None)
    call.close()
    asyncio.run(client.close())
