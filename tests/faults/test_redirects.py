"""Redirects and credentials: every credential goes only to the origin it was configured for, and a
redirect never turns a request into another one.

The fault server is reached as `127.0.0.1` (the configured origin) and redirects to itself as
`localhost`: same port, another host, so another origin. The server records the headers and body
of every request, so the tests assert on what each host actually received. The credentials: the
API key, `Authorization` (from the caller's own `http_client` auth, from `default_headers`, or made
from credentials in `base_url`), `Proxy-Authorization`, and the cookies the first origin set.
"""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ravan_client import APIConnectionError, APIStatusError
from ravan_client._operations import RequestOptions
from tests.faults.conftest import API_KEY, PATIENT_TIMEOUT, Flavor, fault_client
from tests.faults.fault_server import LIST_PATH, FaultServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(20)]

SECRET = "cred-3c1f9a7be2d04e58"
"""A credential other than the API key, distinctive enough that finding it is never a coincidence."""
OTHER_HOST = "localhost"


async def test_a_redirect_to_another_host_arrives_without_the_key(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "redirect", token, OTHER_HOST) as under_test:
        page = await under_test.first_page(status="completed")
    assert [item.id for item in page.items] == [f"ok-{token}"]
    first, second = fault_server.requests_for(token)
    assert first.headers["host"] == f"127.0.0.1:{fault_server.port}"
    assert first.headers["x-api-key"] == API_KEY
    assert second.headers["host"] == f"{OTHER_HOST}:{fault_server.port}"
    assert "x-api-key" not in second.headers
    assert all(API_KEY not in value for value in second.headers.values())
    assert second.query_values("status") == ["completed"]  # the redirect kept the query


async def test_a_redirect_within_the_origin_keeps_the_key(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "redirect", token, "127.0.0.1") as under_test:
        await under_test.first_page()
    first, second = fault_server.requests_for(token)
    assert second.route == "ok"
    assert first.headers["x-api-key"] == second.headers["x-api-key"] == API_KEY


def _own_http_client(flavor: Flavor) -> httpx.Client | httpx.AsyncClient:
    auth = httpx.BasicAuth("user", SECRET)
    return httpx.Client(auth=auth) if flavor == "sync" else httpx.AsyncClient(auth=auth)


async def _close(http_client: httpx.Client | httpx.AsyncClient) -> None:
    if isinstance(http_client, httpx.Client):
        http_client.close()
    else:
        await http_client.aclose()


# Each way a credential gets onto a request: the header it travels in, the client settings, and the
# base URL's host (with userinfo for credentials in base_url).
CREDENTIALS: dict[str, tuple[str, str]] = {
    "authorization-from-own-http-client-auth": ("authorization", "127.0.0.1"),
    "authorization-from-default-headers": ("authorization", "127.0.0.1"),
    "authorization-from-base-url-credentials": ("authorization", f"user:{SECRET}@127.0.0.1"),
    "proxy-authorization-from-default-headers": ("proxy-authorization", "127.0.0.1"),
}


@pytest.mark.parametrize("credential", CREDENTIALS)
async def test_a_redirect_to_another_host_arrives_without_any_credential(
    flavor: Flavor, fault_server: FaultServer, token: str, credential: str
) -> None:
    header, host = CREDENTIALS[credential]
    settings: dict[str, Any] = {}
    http_client = _own_http_client(flavor) if credential == "authorization-from-own-http-client-auth" else None
    if http_client is not None:
        settings["http_client"] = http_client
    elif credential == "authorization-from-default-headers":
        settings["default_headers"] = {"Authorization": f"Bearer {SECRET}"}
    elif credential == "proxy-authorization-from-default-headers":
        settings["default_headers"] = {"Proxy-Authorization": f"Bearer {SECRET}"}
    async with fault_client(flavor, fault_server, "redirect", token, OTHER_HOST, host=host, **settings) as under_test:
        page = await under_test.first_page()
        if http_client is not None:
            await _close(http_client)  # the caller's own: the client leaves it open
    assert [item.id for item in page.items] == [f"ok-{token}"]
    first, second = fault_server.requests_for(token)
    sent = first.headers[header]  # the configured origin got the credential: the test can fail
    assert sent
    assert first.headers["x-api-key"] == API_KEY
    assert second.headers["host"] == f"{OTHER_HOST}:{fault_server.port}"
    assert header not in second.headers
    assert "x-api-key" not in second.headers
    for value in second.headers.values():
        assert sent not in value
        assert SECRET not in value
        assert API_KEY not in value


async def test_a_redirect_within_the_origin_keeps_the_base_url_credentials(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    host = f"user:{SECRET}@127.0.0.1"
    async with fault_client(flavor, fault_server, "redirect", token, "127.0.0.1", host=host) as under_test:
        await under_test.first_page()
    first, second = fault_server.requests_for(token)
    expected = "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()
    assert first.headers["authorization"] == second.headers["authorization"] == expected


async def test_a_redirect_to_another_host_sends_that_hosts_cookies_not_the_first_ones(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """127.0.0.1 sets a cookie and redirects to localhost, which sets its own; on the second call
    each host gets back its own cookie and nothing else."""
    async with fault_client(flavor, fault_server, "cookie-redirect", token, OTHER_HOST, SECRET) as under_test:
        await under_test.first_page()
        await under_test.first_page()
    first_a, first_b, second_a, second_b = fault_server.requests_for(token)
    assert [first_a.route, first_b.route, second_a.route, second_b.route] == [
        "cookie-redirect",
        "cookie-b",
        "cookie-redirect",
        "cookie-b",
    ]
    assert "cookie" not in first_a.headers
    assert "cookie" not in first_b.headers  # origin A's fresh cookie did not follow the redirect
    assert second_a.headers["cookie"] == f"origin_a={SECRET}"  # the jar works: A gets its own back
    assert second_b.headers["cookie"] == "origin_b=b-own"  # B gets its own, and only its own
    assert all(SECRET not in value for request in (first_b, second_b) for value in request.headers.values())


# --- what a redirect does to the method and the body ------------------------------------------------

POST_BODY = {"name": "created by the fault suite", "note": "ünïcode"}


def _post(max_retries: int = 0) -> RequestOptions:
    """A POST the product's spec does not have (it lists only GETs): the runtime's own request."""
    return RequestOptions(
        method="POST", path=LIST_PATH, json_body=POST_BODY, retry_after_send=False, max_retries=max_retries
    )


@pytest.mark.parametrize("status", [307, 308])
async def test_a_307_or_308_within_the_origin_resends_the_post_with_its_body(
    flavor: Flavor, fault_server: FaultServer, token: str, status: int
) -> None:
    async with fault_client(
        flavor, fault_server, "redirect", token, "127.0.0.1", status, timeout=PATIENT_TIMEOUT
    ) as under_test:
        response = await under_test.send(_post())
    assert response.status_code == 200
    first, second = fault_server.requests_for(token)
    assert (first.route, second.route) == ("redirect", "ok")
    assert first.method == second.method == "POST"
    assert json.loads(first.body) == json.loads(second.body) == POST_BODY
    assert second.headers["content-type"] == "application/json"
    assert second.headers["x-api-key"] == API_KEY


@pytest.mark.parametrize("status", [301, 302])
async def test_a_301_or_302_on_a_post_is_not_followed_but_raised(
    flavor: Flavor, fault_server: FaultServer, token: str, status: int
) -> None:
    """httpx (and browsers) would resend the POST as a GET: another operation. The client raises the
    3xx instead, and the server sees the one POST."""
    async with fault_client(
        flavor, fault_server, "redirect", token, "127.0.0.1", status, timeout=PATIENT_TIMEOUT
    ) as under_test:
        with pytest.raises(APIStatusError) as caught:
            await under_test.send(_post(max_retries=2))
    assert caught.value.status_code == status
    [only] = fault_server.requests_for(token)
    assert only.method == "POST"
    assert json.loads(only.body) == POST_BODY


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses connections: bound (so nothing else takes it), never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.parametrize("status", [303, 307])
async def test_a_post_whose_redirect_cannot_connect_reached_the_server_once(
    flavor: Flavor, fault_server: FaultServer, token: str, refusing_port: int, status: int
) -> None:
    """The POST was answered (with a redirect); the next hop's refused connection proves nothing
    about the POST, which the server may have acted on: with retries allowed, it is not sent again."""
    async with fault_client(
        flavor, fault_server, "redirect-to-port", token, refusing_port, status, timeout=PATIENT_TIMEOUT
    ) as under_test:
        with pytest.raises(APIConnectionError):
            await under_test.send(_post(max_retries=2))
        assert under_test.sleeps == []
    [only] = fault_server.requests_for(token)
    assert only.method == "POST"
    assert json.loads(only.body) == POST_BODY


async def test_a_get_whose_redirect_cannot_connect_is_still_retried(
    flavor: Flavor, fault_server: FaultServer, token: str, refusing_port: int
) -> None:
    """The control: a GET may be sent again, so the same failure is retried (the test above can fail)."""
    async with fault_client(
        flavor, fault_server, "redirect-to-port", token, refusing_port, 303, timeout=PATIENT_TIMEOUT, max_retries=2
    ) as under_test:
        with pytest.raises(APIConnectionError):
            await under_test.first_page()
        assert len(under_test.sleeps) == 2
    assert [request.method for request in fault_server.requests_for(token)] == ["GET"] * 3
