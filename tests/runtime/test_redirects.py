"""The client's own redirect loop: which hops are followed, with what method, body and credentials."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from ravan_runtime._base_client import MAX_REDIRECTS
from ravan_runtime._exceptions import APIConnectionError, APIStatusError

from tests.runtime.demo import (
    API_KEY,
    BASE_URL,
    LIST_PATH,
    DemoClient,
    Harness,
    Server,
    json_response,
    make_async_client,
    make_client,
    page_body,
    session,
)

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
    harness.client.sessions.create(name="n", priority=1)
    first, second = harness.server.requests
    assert (second.method, second.url.path) == ("POST", "/v2/sessions")
    assert second.content == first.content == b'{"name":"n","priority":1}'
    assert second.headers["Content-Type"] == "application/json"
    assert second.headers["X-Api-Key"] == API_KEY


def test_303_becomes_a_get_without_a_body(harness: Harness) -> None:
    harness.server.responses = [redirect(303, "/v1/sessions/s1"), ok(httpx.Request("GET", "/"))]
    harness.client.sessions.create(name="n")
    second = harness.server.requests[1]
    assert (second.method, second.url.path) == ("GET", "/v1/sessions/s1")
    assert second.content == b""
    for name in ("Content-Type", "Content-Length", "Transfer-Encoding"):
        assert name not in second.headers
    assert second.headers["X-Api-Key"] == API_KEY


@pytest.mark.parametrize("status", [301, 302])
def test_301_and_302_on_a_post_are_not_followed(harness: Harness, status: int) -> None:
    # httpx and browsers would resend the POST as a GET: another operation, silently.
    harness.server.responses = [redirect(status, "/v2/sessions")]
    with pytest.raises(APIStatusError) as caught:
        harness.client.sessions.create(name="n")
    assert caught.value.status_code == status
    assert len(harness.server.requests) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_get_is_followed_as_a_get(harness: Harness, status: int) -> None:
    harness.server.responses = [redirect(status, "/v2/sessions/s1?x=1"), ok(httpx.Request("GET", "/"))]
    assert harness.client.sessions.retrieve("s1").id == "s1"
    second = harness.server.requests[1]
    assert (second.method, str(second.url)) == ("GET", f"{BASE_URL}/v2/sessions/s1?x=1")


def test_a_same_origin_redirect_keeps_the_key_and_the_callers_authorization(server: Server) -> None:
    server.responses = [redirect(307, f"{BASE_URL}/v2/sessions/s1"), ok(httpx.Request("GET", "/"))]
    with make_client(server, default_headers={"Authorization": "Bearer caller-token"}).client as client:
        client.sessions.retrieve("s1")
    second = server.requests[1]
    assert second.headers["X-Api-Key"] == API_KEY
    assert second.headers["Authorization"] == "Bearer caller-token"


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.net/steal",
        "http://api.example.com/v1/sessions/s1",  # another scheme
        "https://api.example.com:8443/v1/sessions/s1",  # another port
        "//evil.example.net/x",  # scheme-relative
    ],
)
def test_a_hop_to_another_origin_drops_every_credential(server: Server, location: str) -> None:
    server.responses = [redirect(302, location), ok(httpx.Request("GET", "/"))]
    with make_client(server, default_headers={"Authorization": CREDENTIALS["Authorization"]}).client as client:
        client.sessions.retrieve(
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
        client.sessions.retrieve("s1")
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
        harness.client.sessions.list()
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
        harness.client.sessions.retrieve("s1")
    assert caught.value.status_code == 302
    assert len(harness.server.requests) == 1


@pytest.mark.parametrize("location", ["http://[::1", "javascript:alert(1)", "mailto:a@example.com"])
def test_a_location_httpx_cannot_parse_is_a_typed_protocol_error(harness: Harness, location: str) -> None:
    # httpx works out the next hop of every 3xx, followed or not, and refuses a Location it
    # cannot parse; that must not escape as a raw httpx.InvalidURL.
    harness.server.responses = [redirect(302, location)]
    with pytest.raises(APIConnectionError, match="Invalid URL in location header"):
        harness.client.sessions.create(name="n")
    assert len(harness.server.requests) == 1


@pytest.mark.anyio
async def test_async_location_httpx_cannot_parse_is_a_typed_protocol_error(server: Server) -> None:
    server.responses = [redirect(302, "javascript:alert(1)")]
    async with make_async_client(server).client as client:
        with pytest.raises(APIConnectionError, match="Invalid URL in location header"):
            await client.sessions.create(name="n")


def test_each_hop_answers_within_the_same_attempt(harness: Harness) -> None:
    # A redirect is not a retry: no wait, and the attempt count is unchanged.
    harness.server.responses = [
        redirect(307, "/a"),
        redirect(308, "/b"),
        json_response(200, page_body([])),
    ]
    harness.client.sessions.list(max_retries=0)
    assert [request.url.path for request in harness.server.requests] == [LIST_PATH, "/a", "/b"]
    assert harness.sleeps == []


# --- async -------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_cross_origin_redirect_drops_the_credentials(server: Server) -> None:
    server.responses = [redirect(301, "https://other.example.net/x"), ok(httpx.Request("GET", "/"))]
    async with make_async_client(server, default_headers={"Authorization": "Bearer t"}).client as client:
        await client.sessions.retrieve("s1", extra_headers={"Cookie": "sid=1"})
    second = server.requests[1]
    assert second.url.host == "other.example.net"
    for name in ("X-Api-Key", "Authorization", "Cookie"):
        assert name not in second.headers


@pytest.mark.anyio
async def test_async_redirect_methods(server: Server) -> None:
    server.responses = [
        redirect(303, "/v1/sessions/s1"),
        ok(httpx.Request("GET", "/")),
        redirect(308, "/v2/sessions"),
        ok(httpx.Request("GET", "/")),
        redirect(302, "/v2/sessions"),
    ]
    async with make_async_client(server).client as client:
        await client.sessions.create(name="a")
        await client.sessions.create(name="b")
        with pytest.raises(APIStatusError) as caught:
            await client.sessions.create(name="c")
    assert caught.value.status_code == 302
    methods = [(request.method, request.url.path) for request in server.requests]
    assert methods == [
        ("POST", LIST_PATH),
        ("GET", "/v1/sessions/s1"),
        ("POST", LIST_PATH),
        ("POST", "/v2/sessions"),
        ("POST", LIST_PATH),
    ]
    assert json.loads(server.requests[3].content) == {"name": "b"}
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
    with caller_client, DemoClient(api_key=API_KEY, base_url=BASE_URL, http_client=caller_client) as client:
        client.sessions.retrieve("s1")
    first, second = server.requests
    assert first.headers["Authorization"] == "Bearer user-secret-token"
    assert "authorization" not in second.headers
    assert "user-secret-token" not in repr(second.headers.raw)
    assert "caller-cookie" not in second.headers.get("Cookie", "")
    assert second.headers["Cookie"] == "theirs=for-elsewhere"  # the new origin's own cookies still go
    assert second.headers["X-Trace"] == "kept"
