"""Redirects: which hops the client's own redirect loop follows, with what method, body and
credentials. Every credential goes only to the origin it was configured for, and a redirect never
turns a request into another one.

The topic's one home, in two parts. First the loop's rules in-process: the runtime
(`ravan_runtime`) driven by the golden record's generated client over `httpx.MockTransport`. Then the generated client
(`ravan_client`) against the fault server's real sockets (its fixtures and helpers come from
`tests/faults`): the server is reached as `127.0.0.1` (the configured origin) and redirects to
itself as `localhost`: same port, another host, so another origin. It records the headers and body
of every request, so those tests assert on what each host actually received. The credentials: the
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
from ravan_runtime._base_client import MAX_REDIRECTS
from ravan_runtime._exceptions import APIConnectionError, APIStatusError

import ravan_client
from ravan_client._operations import RequestOptions
from tests.faults import conftest as faults
from tests.faults import fault_server as wire
from tests.faults.conftest import PATIENT_TIMEOUT, Flavor, fault_client
from tests.faults.fault_server import FaultServer
from tests.runtime.harness import (
    API_KEY,
    BASE_URL,
    CREATE_CALL_PATH,
    LIST_PATH,
    Harness,
    RavanClient,
    Server,
    json_response,
    make_async_client,
    make_client,
    page_body,
    session,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

CREDENTIALS = {
    "Authorization": "Bearer caller-token",
    "Proxy-Authorization": "Basic cHJveHk6cHc=",
    "Cookie": "sid=caller-cookie",
}


def redirect(status: int, location: str) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def ok(request: httpx.Request) -> httpx.Response:
    return json_response(200, session("s1"))


@pytest.mark.parametrize("status", [307, 308])
def test_307_and_308_keep_the_method_and_the_body(harness: Harness, status: int) -> None:
    harness.server.responses = [redirect(status, "/v2/sessions"), ok(httpx.Request("GET", "/"))]
    harness.client.calls.create(agent_id="n", call_type="web_call", max_duration_sec=60)
    first, second = harness.server.requests
    assert (second.method, second.url.path) == ("POST", "/v2/sessions")
    assert second.content == first.content == b'{"agentId":"n","callType":"web_call","maxDurationSec":60}'
    assert second.headers["Content-Type"] == "application/json"
    assert second.headers["X-Api-Key"] == API_KEY


def test_303_becomes_a_get_without_a_body(harness: Harness) -> None:
    harness.server.responses = [redirect(303, "/api/v1/agents/s1"), ok(httpx.Request("GET", "/"))]
    harness.client.calls.create(agent_id="n", call_type="web_call")
    second = harness.server.requests[1]
    assert (second.method, second.url.path) == ("GET", "/api/v1/agents/s1")
    assert second.content == b""
    for name in ("Content-Type", "Content-Length", "Transfer-Encoding"):
        assert name not in second.headers
    assert second.headers["X-Api-Key"] == API_KEY


@pytest.mark.parametrize("status", [301, 302])
def test_301_and_302_on_a_post_are_not_followed(harness: Harness, status: int) -> None:
    # httpx and browsers would resend the POST as a GET: another operation, silently.
    harness.server.responses = [redirect(status, "/v2/sessions")]
    with pytest.raises(APIStatusError) as caught:
        harness.client.calls.create(agent_id="n", call_type="web_call")
    assert caught.value.status_code == status
    assert len(harness.server.requests) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_get_is_followed_as_a_get(harness: Harness, status: int) -> None:
    harness.server.responses = [redirect(status, "/v2/sessions/s1?x=1"), ok(httpx.Request("GET", "/"))]
    assert harness.client.agents.get("s1").id == "s1"
    second = harness.server.requests[1]
    assert (second.method, str(second.url)) == ("GET", f"{BASE_URL}/v2/sessions/s1?x=1")


def test_a_same_origin_redirect_keeps_the_key_and_the_callers_authorization(server: Server) -> None:
    server.responses = [redirect(307, f"{BASE_URL}/v2/sessions/s1"), ok(httpx.Request("GET", "/"))]
    with make_client(server, default_headers={"Authorization": "Bearer caller-token"}).client as client:
        client.agents.get("s1")
    second = server.requests[1]
    assert second.headers["X-Api-Key"] == API_KEY
    assert second.headers["Authorization"] == "Bearer caller-token"


@pytest.mark.parametrize("status", [302, 307])
def test_a_same_origin_hop_sends_the_cookies_the_jar_holds_now_not_the_first_requests(
    server: Server, status: int
) -> None:
    """The Cookie header is recomputed for every hop from the jar: a cookie the redirect itself sets
    (a login's new session) goes with the next hop, and the first request's Cookie header, stale
    by then, does not."""
    server.responses = [
        json_response(200, session("s1"), headers={"Set-Cookie": "sid=old; Path=/"}),
        httpx.Response(status, headers={"Location": "/v2/sessions/s1", "Set-Cookie": "sid=new; Path=/"}),
        ok(httpx.Request("GET", "/")),
    ]
    with make_client(server).client as client:
        client.agents.get("s1")  # the jar now holds sid=old
        client.agents.get("s1")
    _, second, hop = server.requests
    assert second.headers["Cookie"] == "sid=old"
    assert hop.url.path == "/v2/sessions/s1"
    assert hop.headers.get_list("Cookie") == ["sid=new"]


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.net/steal",
        "http://api.example.com/api/v1/agents/s1",  # another scheme
        "https://api.example.com:8443/api/v1/agents/s1",  # another port
        "//evil.example.net/x",  # scheme-relative
    ],
)
def test_a_hop_to_another_origin_drops_every_credential(server: Server, location: str) -> None:
    server.responses = [redirect(302, location), ok(httpx.Request("GET", "/"))]
    with make_client(server, default_headers={"Authorization": CREDENTIALS["Authorization"]}).client as client:
        client.agents.get(
            "s1",
            extra_headers={"Proxy-Authorization": CREDENTIALS["Proxy-Authorization"], "Cookie": CREDENTIALS["Cookie"]},
        )
    first, second = server.requests
    assert first.headers["X-Api-Key"] == API_KEY
    assert first.headers["Cookie"] == CREDENTIALS["Cookie"]
    assert second.url.host != "api.example.com" or second.url.scheme != "https" or second.url.port == 8443
    for name in ("X-Api-Key", "Authorization", "Proxy-Authorization", "Cookie"):
        assert name not in second.headers, name
    sent = repr(second.headers.raw) + repr(second.url)
    assert API_KEY not in sent
    for value in CREDENTIALS.values():
        assert value not in sent


def test_base_url_credentials_become_basic_auth_for_the_same_origin_only(server: Server) -> None:
    server.responses = [
        redirect(307, "/v2/sessions/s1"),
        redirect(307, "https://elsewhere.example.net/v2/sessions/s1"),
        ok(httpx.Request("GET", "/")),
    ]
    harness = make_client(server, base_url="https://user:pa55-word@api.example.com")
    with harness.client as client:
        client.agents.get("s1")
    first, same_origin, other_origin = server.requests
    basic = "Basic " + base64.b64encode(b"user:pa55-word").decode()
    assert first.headers["Authorization"] == basic
    assert first.url.userinfo == b""  # the credentials are not in the URL that is sent
    assert same_origin.headers["Authorization"] == basic
    assert "Authorization" not in other_origin.headers
    assert "X-Api-Key" not in other_origin.headers


def test_a_redirect_loop_ends_as_a_status_error(harness: Harness) -> None:
    harness.server.respond = lambda request: redirect(302, LIST_PATH)
    with pytest.raises(APIStatusError) as caught:
        harness.client.call_sessions.list()
    assert caught.value.status_code == 302
    assert len(harness.server.requests) == 1 + MAX_REDIRECTS


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(302),  # no Location
        redirect(302, "ftp://api.example.com/x"),
    ],
    ids=["no-location", "ftp"],
)
def test_a_redirect_that_cannot_be_followed_is_raised(harness: Harness, response: httpx.Response) -> None:
    harness.server.responses = [response]
    with pytest.raises(APIStatusError) as caught:
        harness.client.agents.get("s1")
    assert caught.value.status_code == 302
    assert len(harness.server.requests) == 1


@pytest.mark.parametrize("location", ["http://[::1", "javascript:alert(1)", "mailto:a@example.com"])
def test_a_location_httpx_cannot_parse_is_a_typed_protocol_error(harness: Harness, location: str) -> None:
    # httpx works out the next hop of every 3xx, followed or not, and refuses a Location it
    # cannot parse; that must not escape as a raw httpx.InvalidURL.
    harness.server.responses = [redirect(302, location)]
    with pytest.raises(APIConnectionError, match="Invalid URL in location header"):
        harness.client.calls.create(agent_id="n", call_type="web_call")
    assert len(harness.server.requests) == 1


@pytest.mark.anyio
async def test_async_location_httpx_cannot_parse_is_a_typed_protocol_error(server: Server) -> None:
    server.responses = [redirect(302, "javascript:alert(1)")]
    async with make_async_client(server).client as client:
        with pytest.raises(APIConnectionError, match="Invalid URL in location header"):
            await client.calls.create(agent_id="n", call_type="web_call")


def test_each_hop_answers_within_the_same_attempt(harness: Harness) -> None:
    # A redirect is not a retry: no wait, and the attempt count is unchanged.
    harness.server.responses = [
        redirect(307, "/a"),
        redirect(308, "/b"),
        json_response(200, page_body([])),
    ]
    harness.client.call_sessions.list(max_retries=0)
    assert [request.url.path for request in harness.server.requests] == [LIST_PATH, "/a", "/b"]
    assert harness.sleeps == []


# --- async -------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_cross_origin_redirect_drops_the_credentials(server: Server) -> None:
    server.responses = [redirect(301, "https://other.example.net/x"), ok(httpx.Request("GET", "/"))]
    async with make_async_client(server, default_headers={"Authorization": "Bearer t"}).client as client:
        await client.agents.get("s1", extra_headers={"Cookie": "sid=1"})
    second = server.requests[1]
    assert second.url.host == "other.example.net"
    for name in ("X-Api-Key", "Authorization", "Cookie"):
        assert name not in second.headers


@pytest.mark.anyio
async def test_async_redirect_methods(server: Server) -> None:
    server.responses = [
        redirect(303, "/api/v1/agents/s1"),
        ok(httpx.Request("GET", "/")),
        redirect(308, "/v2/sessions"),
        ok(httpx.Request("GET", "/")),
        redirect(302, "/v2/sessions"),
    ]
    async with make_async_client(server).client as client:
        await client.calls.create(agent_id="a", call_type="web_call")
        await client.calls.create(agent_id="b", call_type="web_call")
        with pytest.raises(APIStatusError) as caught:
            await client.calls.create(agent_id="c", call_type="web_call")
    assert caught.value.status_code == 302
    methods = [(request.method, request.url.path) for request in server.requests]
    assert methods == [
        ("POST", CREATE_CALL_PATH),
        ("GET", "/api/v1/agents/s1"),
        ("POST", CREATE_CALL_PATH),
        ("POST", "/v2/sessions"),
        ("POST", CREATE_CALL_PATH),
    ]
    assert json.loads(server.requests[3].content) == {"agentId": "b", "callType": "web_call"}
    assert server.requests[1].content == b""


def test_a_hop_to_another_origin_drops_the_callers_own_client_headers(server: Server) -> None:
    """Headers set on the caller's own httpx.Client are merged back into every request httpx
    builds: on a hop to another origin they must be stripped again (httpx strips Authorization)."""
    server.responses = [redirect(302, "https://elsewhere.example.net/steal"), ok(httpx.Request("GET", "/"))]
    caller_client = httpx.Client(
        transport=httpx.MockTransport(server),
        headers={"Authorization": "Bearer user-secret-token", "Cookie": "sid=caller-cookie", "X-Trace": "kept"},
    )
    caller_client.cookies.set("theirs", "for-elsewhere", domain="elsewhere.example.net")
    with caller_client, RavanClient(api_key=API_KEY, base_url=BASE_URL, http_client=caller_client) as client:
        client.agents.get("s1")
    first, second = server.requests
    assert first.headers["Authorization"] == "Bearer user-secret-token"
    assert "authorization" not in second.headers
    assert "user-secret-token" not in repr(second.headers.raw)
    assert "caller-cookie" not in second.headers.get("Cookie", "")
    assert second.headers["Cookie"] == "theirs=for-elsewhere"  # the new origin's own cookies still go
    assert second.headers["X-Trace"] == "kept"


# === against real sockets: the generated client and the fault server ==================================


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
    assert first.headers["x-api-key"] == faults.API_KEY
    assert second.headers["host"] == f"{OTHER_HOST}:{fault_server.port}"
    assert "x-api-key" not in second.headers
    assert all(faults.API_KEY not in value for value in second.headers.values())
    assert second.query_values("status") == ["completed"]  # the redirect kept the query


async def test_a_redirect_within_the_origin_keeps_the_key(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "redirect", token, "127.0.0.1") as under_test:
        await under_test.first_page()
    first, second = fault_server.requests_for(token)
    assert second.route == "ok"
    assert first.headers["x-api-key"] == second.headers["x-api-key"] == faults.API_KEY


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
WIRE_CREDENTIALS: dict[str, tuple[str, str]] = {
    "authorization-from-own-http-client-auth": ("authorization", "127.0.0.1"),
    "authorization-from-default-headers": ("authorization", "127.0.0.1"),
    "authorization-from-base-url-credentials": ("authorization", f"user:{SECRET}@127.0.0.1"),
    "proxy-authorization-from-default-headers": ("proxy-authorization", "127.0.0.1"),
}


@pytest.mark.parametrize("credential", WIRE_CREDENTIALS)
async def test_a_redirect_to_another_host_arrives_without_any_credential(
    flavor: Flavor, fault_server: FaultServer, token: str, credential: str
) -> None:
    header, host = WIRE_CREDENTIALS[credential]
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
    assert first.headers["x-api-key"] == faults.API_KEY
    assert second.headers["host"] == f"{OTHER_HOST}:{fault_server.port}"
    assert header not in second.headers
    assert "x-api-key" not in second.headers
    for value in second.headers.values():
        assert sent not in value
        assert SECRET not in value
        assert faults.API_KEY not in value


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
        method="POST", path=wire.LIST_PATH, json_body=POST_BODY, retry_after_send=False, max_retries=max_retries
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
    assert second.headers["x-api-key"] == faults.API_KEY


@pytest.mark.parametrize("status", [301, 302])
async def test_a_301_or_302_on_a_post_is_not_followed_but_raised(
    flavor: Flavor, fault_server: FaultServer, token: str, status: int
) -> None:
    """httpx (and browsers) would resend the POST as a GET: another operation. The client raises the
    3xx instead, and the server sees the one POST."""
    async with fault_client(
        flavor, fault_server, "redirect", token, "127.0.0.1", status, timeout=PATIENT_TIMEOUT
    ) as under_test:
        with pytest.raises(ravan_client.APIStatusError) as caught:
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
        with pytest.raises(ravan_client.APIConnectionError):
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
        with pytest.raises(ravan_client.APIConnectionError):
            await under_test.first_page()
        assert len(under_test.sleeps) == 2
    assert [request.method for request in fault_server.requests_for(token)] == ["GET"] * 3
