"""The client's own transports and the one place it relies on httpx's and httpcore's internals.

A layout other than the proven one must stop a client at construction, naming what is missing and
the versions it was proven on, never leave it running without its deadline or its clean-up.

The TLS context the client's pools build is proven against a real local TLS server (a thread of
this file, its certificate made with `openssl`): refused unless SSL_CERT_FILE or SSL_CERT_DIR,
read when the client is built, names its certificate.
"""

from __future__ import annotations

import asyncio
import http.server
import re
import shutil
import socket
import ssl
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest
from httpx import _utils as httpx_utils
from ravan_runtime import _transport as transport
from ravan_runtime._exceptions import APIConnectionError
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
    needs it, an https client builds it once, as httpx would (from the default bundle: the
    environment names none here; one it names is read when the client is built, see below)."""
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
    assert built == [False]
    assert isinstance(pool._ssl_context, ssl.SSLContext)
    plain_pool.create_connection(httpcore.Origin(b"https", b"elsewhere.example.com", 443))  # a redirect's hop
    assert built == [False, False]


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


# --- a real TLS server: SSL_CERT_FILE and SSL_CERT_DIR, read when the client is built ------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no CA bundle trusts, and its key (made with `openssl`)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
    subject = ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        ["openssl", *request, *subject, "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True
    )
    return certificate, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[str]:
    """The https base URL of a local server presenting `self_signed`, answering every GET with `[]`."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, format: str, *args: Any) -> None:  # the test's output stays the test's
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        serving.join()


def _list_agents(client_class: Any, client: Any) -> Any:
    if client_class is RavanClient:
        with client:
            return client.agents.list()

    async def listed() -> Any:
        async with client:
            return await client.agents.list()

    return asyncio.run(listed())


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
def test_a_server_no_bundle_trusts_is_refused_unless_ssl_cert_file_or_dir_names_its_certificate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tls_server: str, self_signed: tuple[Path, Path], client_class: Any
) -> None:
    with pytest.raises(APIConnectionError) as caught:
        _list_agents(client_class, client_class(api_key="k", base_url=tls_server, max_retries=0))
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)

    certificate, _ = self_signed
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    assert _list_agents(client_class, client_class(api_key="k", base_url=tls_server, max_retries=0)) == []

    monkeypatch.delenv("SSL_CERT_FILE")
    hashed = tmp_path / "certificates"  # a directory as `openssl rehash` lays it out: named by subject hash
    hashed.mkdir()
    subject_hash = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(certificate)], check=True, capture_output=True, text=True
    ).stdout.strip()
    shutil.copy(certificate, hashed / f"{subject_hash}.0")
    monkeypatch.setenv("SSL_CERT_DIR", str(hashed))
    assert _list_agents(client_class, client_class(api_key="k", base_url=tls_server, max_retries=0)) == []


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
def test_ssl_cert_file_is_read_when_the_client_is_built_as_httpx_reads_it(
    monkeypatch: pytest.MonkeyPatch, tls_server: str, self_signed: tuple[Path, Path], client_class: Any
) -> None:
    """A program that names its bundle while it builds the client (and tidies its environment
    after) keeps it; one that names it only after keeps the client it built. The TLS context is
    built on the first https connection, the environment is read when the client is built."""
    certificate, _ = self_signed
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    trusting = client_class(api_key="k", base_url=tls_server, max_retries=0)
    monkeypatch.delenv("SSL_CERT_FILE")
    assert _list_agents(client_class, trusting) == []

    untrusting = client_class(api_key="k", base_url=tls_server, max_retries=0)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    with pytest.raises(APIConnectionError):
        _list_agents(client_class, untrusting)


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
def test_an_ssl_cert_file_that_is_not_there_stops_the_client_being_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, client_class: Any
) -> None:
    """As before the TLS context was built on demand: a mistyped bundle is a configuration error
    of the client, not a bare `FileNotFoundError` out of a call (or out of the first of many)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(FileNotFoundError):
        client_class(api_key="k", base_url="https://api.example.com")
    client_class(api_key="k", base_url="http://127.0.0.1:1")  # a plain-http client reads no bundle


# --- `on_sent`: when a request is on the wire (what the prefetching pager waits for) ------------

SAFETY = 30.0
"""Seconds after which a wait that should have ended gives up (never reached when the test passes)."""


class Calls:
    """An `on_sent` callback that counts its calls and can be waited for."""

    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.event.set()


def test_on_sent_is_called_once_the_request_is_written_before_any_answer() -> None:
    # The server answers only once the client has said the request was sent: were `on_sent`
    # called when the request ended (or never), the server would give up waiting, and say so.
    sent = Calls()
    saw_sent_first: list[bool] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def serve() -> None:
            connection, _ = listener.accept()
            with connection:
                received = b""
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                saw_sent_first.append(sent.event.wait(SAFETY))
                body = b'{"success": true}'
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (len(body), body)
                )

        server = threading.Thread(target=serve, daemon=True)
        server.start()
        port = listener.getsockname()[1]
        with RavanClient(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=0) as client:
            response = client.request(RequestOptions(method="GET", path="/v1/sessions"), on_sent=sent)
        server.join(SAFETY)
    assert response.status_code == 200
    assert saw_sent_first == [True]
    assert sent.count == 1


def test_on_sent_is_called_once_when_no_attempt_could_send() -> None:
    # Nothing listens: every attempt fails to connect, and whoever waits for the send is released
    # once, when the request ends.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    sent = Calls()
    client = RavanClient(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=2)
    client._sleep = lambda seconds: None
    with client, pytest.raises(APIConnectionError):
        client.request(RequestOptions(method="GET", path="/v1/sessions"), on_sent=sent)
    assert sent.count == 1


def test_on_sent_is_called_before_sending_through_a_callers_own_transport() -> None:
    # A transport of the caller's says nothing of when it writes: `on_sent` is called as the
    # request starts, so that nobody waits on it for a whole response.
    sent = Calls()
    counts_when_sent: list[int] = []

    def respond(request: httpx.Request) -> httpx.Response:
        counts_when_sent.append(sent.count)
        return httpx.Response(200, json={"success": True})

    with RavanClient(api_key="k", transport=httpx.MockTransport(respond), max_retries=0) as client:
        client.request(RequestOptions(method="GET", path="/v1/sessions"), on_sent=sent)
    assert counts_when_sent == [1]
    assert sent.count == 1
