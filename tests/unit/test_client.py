"""RavanClient / AsyncRavanClient: configuration, timeouts, redirects, secrets, logging, own httpx."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import httpx
import pytest

from ravan_client import (
    DEFAULT_BASE_URL,
    APIResponseValidationError,
    APIStatusError,
    AsyncRavanClient,
    AuthenticationError,
    RavanClient,
)
from ravan_client import _base_client as base
from tests.unit.conftest import API_KEY, LIST_PATH, AsyncHarness, Recorder, SyncHarness, ids, json_response, page_body

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RAVAN_API_KEY", "AGNI_API_KEY", "RAVAN_BASE_URL", "RAVAN_LOG"):
        monkeypatch.delenv(name, raising=False)


# --- configuration ---------------------------------------------------------------------------


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAVAN_API_KEY", "from-env")
    monkeypatch.setenv("RAVAN_BASE_URL", "https://eu.api.ravan.ai")
    recorder = Recorder(respond=lambda request: json_response(200, page_body([])))
    with RavanClient(transport=httpx.MockTransport(recorder)) as client:
        client.call_sessions.list()
    assert recorder.requests[0].headers["X-Api-Key"] == "from-env"
    assert str(recorder.requests[0].url).startswith("https://eu.api.ravan.ai/api/v1/calling/call-sessions?")


def test_agni_api_key_is_accepted_when_ravan_api_key_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGNI_API_KEY", "agni-key")
    recorder = Recorder(respond=lambda request: json_response(200, page_body([])))
    with RavanClient(transport=httpx.MockTransport(recorder)) as client:
        client.call_sessions.list()
    assert recorder.requests[0].headers["X-Api-Key"] == "agni-key"


def test_default_base_url_is_the_production_api() -> None:
    with RavanClient(api_key="k") as client:
        assert str(client.base_url) == DEFAULT_BASE_URL == "https://api.ravan.ai"


def test_a_missing_key_fails_at_construction_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="RAVAN_API_KEY"):
        RavanClient()


@pytest.mark.parametrize("url", ["http://api.ravan.ai", "http://10.0.0.5:8080", "ftp://api.ravan.ai", "not a url"])
def test_insecure_or_odd_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        RavanClient(api_key="k", base_url=url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"])
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    with RavanClient(api_key="k", base_url=url) as client:
        assert client.base_url.scheme == "http"


def test_plain_http_elsewhere_needs_an_explicit_opt_in() -> None:
    with RavanClient(api_key="k", base_url="http://10.0.0.5:8080", allow_insecure_http=True) as client:
        assert client.base_url.host == "10.0.0.5"


def test_base_url_with_a_path_prefix_is_kept(recorder: Recorder) -> None:
    recorder.respond = lambda request: json_response(200, page_body([]))
    with RavanClient(
        api_key="k", base_url="https://gw.example.com/ravan/", transport=httpx.MockTransport(recorder)
    ) as c:
        c.call_sessions.list()
    assert recorder.requests[0].url.path == "/ravan" + LIST_PATH


def test_requests_carry_the_key_accept_and_default_headers(recorder: Recorder) -> None:
    recorder.respond = lambda request: json_response(200, page_body([]))
    with RavanClient(
        api_key=API_KEY, default_headers={"X-Team": "billing"}, transport=httpx.MockTransport(recorder)
    ) as client:
        client.call_sessions.list()
    headers = recorder.requests[0].headers
    assert headers["X-Api-Key"] == API_KEY
    assert headers["Accept"] == "application/json"
    assert headers["X-Team"] == "billing"
    assert "Authorization" not in headers


# --- timeouts --------------------------------------------------------------------------------


def test_default_timeout_is_finite(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(200, page_body([]))
    harness.client.call_sessions.list()
    timeout = harness.recorder.requests[0].extensions["timeout"]
    assert timeout == {"connect": 5.0, "read": 60.0, "write": 60.0, "pool": 60.0}


def test_timeout_can_be_set_per_client_and_per_call(recorder: Recorder) -> None:
    recorder.respond = lambda request: json_response(200, page_body([]))
    with RavanClient(api_key="k", timeout=10, transport=httpx.MockTransport(recorder)) as client:
        client.call_sessions.list()
        client.call_sessions.list(timeout=httpx.Timeout(2.0, connect=1.0))
        client.call_sessions.list(timeout=None)
    timeouts = [request.extensions["timeout"] for request in recorder.requests]
    assert timeouts[0] == {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 10.0}
    assert timeouts[1] == {"connect": 1.0, "read": 2.0, "write": 2.0, "pool": 2.0}
    assert timeouts[2] == {"connect": None, "read": None, "write": None, "pool": None}


# --- bring your own httpx ----------------------------------------------------------------------


def test_a_custom_httpx_client_is_used_and_not_closed(recorder: Recorder) -> None:
    recorder.respond = lambda request: json_response(200, page_body(ids("s", 1)))
    own = httpx.Client(transport=httpx.MockTransport(recorder), headers={"X-Proxy-Auth": "p"})
    with RavanClient(api_key="k", http_client=own) as client:
        assert [s.id for s in client.call_sessions.list().items] == ["s0"]
    assert not own.is_closed
    assert recorder.requests[0].headers["X-Proxy-Auth"] == "p"
    own.close()


def test_http_client_and_transport_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"), httpx.Client() as own:
        RavanClient(api_key="k", http_client=own, transport=httpx.MockTransport(lambda r: httpx.Response(200)))


def test_the_low_level_client_shares_key_base_url_and_timeout() -> None:
    with RavanClient(api_key=API_KEY, base_url="http://127.0.0.1:4010") as client:
        low = client.low_level_client()
        assert low.token == API_KEY
        assert low.auth_header_name == "X-Api-Key"
        assert low.prefix == ""
        assert API_KEY not in repr(low)


# --- redirects -------------------------------------------------------------------------------


def test_a_same_origin_redirect_keeps_the_key(recorder: Recorder) -> None:
    recorder.responses = [
        httpx.Response(307, headers={"Location": "/api/v2/calling/call-sessions?page=1"}),
        json_response(200, page_body([])),
    ]
    with RavanClient(api_key=API_KEY, transport=httpx.MockTransport(recorder)) as client:
        client.call_sessions.list()
    assert recorder.requests[1].url.path == "/api/v2/calling/call-sessions"
    assert recorder.requests[1].headers["X-Api-Key"] == API_KEY


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.com/steal",
        "http://api.ravan.ai/api/v1/calling/call-sessions",
        "https://api.ravan.ai:8443/x",
    ],
)
def test_a_redirect_to_another_origin_is_followed_without_the_key(recorder: Recorder, location: str) -> None:
    recorder.responses = [httpx.Response(302, headers={"Location": location}), json_response(200, page_body([]))]
    with RavanClient(api_key=API_KEY, transport=httpx.MockTransport(recorder)) as client:
        client.call_sessions.list()
    second = recorder.requests[1]
    assert str(second.url).startswith(location.split("?")[0])
    assert "X-Api-Key" not in second.headers
    assert API_KEY not in str(second.headers)


def test_a_redirect_loop_ends_as_a_status_error(recorder: Recorder) -> None:
    recorder.respond = lambda request: httpx.Response(302, headers={"Location": LIST_PATH})
    with (
        RavanClient(api_key="k", transport=httpx.MockTransport(recorder)) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        client.call_sessions.list()
    assert caught.value.status_code == 302
    assert len(recorder.requests) == 1 + base.MAX_REDIRECTS


# --- secrets ---------------------------------------------------------------------------------


def test_the_key_is_not_in_repr_or_str_of_the_client() -> None:
    client = RavanClient(api_key=API_KEY)
    for text in (repr(client), str(client), repr(vars(client)), repr(client._api_key)):
        assert API_KEY not in text
    client.close()


def test_the_key_is_redacted_from_errors_that_echo_it(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(
        401, {"success": False, "message": f"key {API_KEY} revoked"}
    )
    with pytest.raises(AuthenticationError) as caught:
        harness.client.call_sessions.list()
    rendered = "".join(traceback.format_exception(caught.value))
    assert API_KEY not in rendered
    assert "<redacted>" in str(caught.value)


def test_the_key_is_redacted_from_body_excerpts(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: httpx.Response(200, text=f"debug: key={API_KEY}")
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.call_sessions.list()
    assert API_KEY not in str(caught.value)
    assert API_KEY not in caught.value.body_excerpt


def test_debug_logs_show_each_attempt_and_never_the_key(harness: SyncHarness, caplog: pytest.LogCaptureFixture) -> None:
    harness.recorder.responses = [json_response(503, {}), json_response(200, page_body([]))]
    with caplog.at_level(logging.DEBUG, logger="ravan_client"):
        harness.client.call_sessions.list(status="completed")
    messages = [record.getMessage() for record in caplog.records if record.name == "ravan_client"]
    assert len(messages) == 2
    assert "GET https://api.ravan.ai/api/v1/calling/call-sessions?" in messages[0]
    assert "-> 503 (attempt 1/3" in messages[0]
    assert "-> 200 (attempt 2/3" in messages[1]
    assert all(API_KEY not in message for message in messages)
    assert all(API_KEY not in str(record.args) for record in caplog.records)


def test_ravan_log_debug_turns_logging_on(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("ravan_client")
    monkeypatch.setattr(base, "_logging_configured", False)
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setenv("RAVAN_LOG", "debug")
    RavanClient(api_key="k").close()
    assert logger.level == logging.DEBUG
    assert len(logger.handlers) == 1


def test_logging_is_off_without_ravan_log(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("ravan_client")
    monkeypatch.setattr(base, "_logging_configured", False)
    monkeypatch.setattr(logger, "handlers", [])
    RavanClient(api_key="k").close()
    assert logger.handlers == []


@pytest.mark.anyio
async def test_async_client_context_manager_and_repr(async_harness: AsyncHarness) -> None:
    async_harness.recorder.respond = lambda request: json_response(200, page_body(ids("s", 1)))
    async with async_harness.client as client:
        assert API_KEY not in repr(client)
        page = await client.call_sessions.list()
        assert page.response.status_code == 200
    assert client._http.is_closed


@pytest.mark.anyio
async def test_async_cross_origin_redirect_drops_the_key(recorder: Recorder) -> None:
    recorder.responses = [
        httpx.Response(301, headers={"Location": "https://other.example/x"}),
        json_response(200, page_body([])),
    ]

    async def handler(request: httpx.Request) -> httpx.Response:
        return recorder(request)

    async with AsyncRavanClient(api_key=API_KEY, transport=httpx.MockTransport(handler)) as client:
        await client.call_sessions.list()
    assert recorder.requests[1].url.host == "other.example"
    assert "X-Api-Key" not in recorder.requests[1].headers


@pytest.mark.parametrize("key", ["sk-secret\n", " sk-secret", "sk secret", "sk-sécret", "sk-\r\nX-Evil: 1"])
def test_a_key_that_cannot_be_a_header_value_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ValueError, match="printable ASCII") as caught:
        RavanClient(api_key=key)
    assert "secret" not in str(caught.value)
    assert "Evil" not in str(caught.value)


def test_a_base_url_with_a_query_is_refused() -> None:
    with pytest.raises(ValueError, match="query or a fragment"):
        RavanClient(api_key="k", base_url="https://api.ravan.ai/?tenant=1")
