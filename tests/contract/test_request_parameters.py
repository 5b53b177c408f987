"""Requests: what the spec accepts goes through, what it refuses is refused (by Prism and by the client).

Valid values are sent by the generated high-level client (sync and async) and must pass Prism's
request validation: a 200, and no `sl-violations` header (Prism's report of a request or response
that breaks the spec). Invalid values are sent raw with httpx, bypassing the client's own
checks, and must get Prism's 422; the client must refuse the same values before sending anything.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ravan_client import AsyncRavanClient, RavanClient
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.contract.spec_support import LIST_PATH, query_parameters, validator_for

pytestmark = pytest.mark.contract

UNREACHED = "https://api.ravan.ai"  # the refusal tests never send: an in-process transport records attempts
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


@dataclass(frozen=True)
class ValidValue:
    """A value the spec accepts: what is passed to the client, and what must go on the wire."""

    python: Any
    wire: str


VALID_VALUES: dict[str, ValidValue] = {
    "page": ValidValue(2, "2"),
    "page_size": ValidValue(5, "5"),
    "agent_id": ValidValue("agt_7f3c2a", "agt_7f3c2a"),
    "status": ValidValue("in_progress", "in_progress"),
    "channel": ValidValue("voice", "voice"),
    # A "+" must be percent-encoded, or the server reads a space: the E.164 number and the
    # timestamp with a positive offset below check that the client encodes it.
    "caller_number": ValidValue("+14157774444", "+14157774444"),
    "search": ValidValue("refund & rebook?", "refund & rebook?"),
    "sort_by": ValidValue("startedAt", "startedAt"),
    "sort_order": ValidValue("asc", "asc"),
    "started_after": ValidValue(
        datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        "2026-11-01T00:00:00+00:00",
    ),
    "started_before": ValidValue(
        datetime.datetime(2026, 12, 1, 9, 30, tzinfo=IST),
        "2026-12-01T09:30:00+05:30",
    ),
}


@dataclass(frozen=True)
class InvalidValue:
    """A value the spec refuses: as sent raw on the wire, and as passed to the client."""

    parameter: str
    wire: str
    python: object
    client_error: type[Exception]


INVALID_VALUES: list[InvalidValue] = [
    InvalidValue("page", "0", 0, ValueError),
    InvalidValue("page", "abc", "abc", TypeError),
    InvalidValue("page", "1.5", 1.5, TypeError),
    InvalidValue("page_size", "0", 0, ValueError),
    InvalidValue("sort_order", "up", "up", ValueError),
    InvalidValue("started_after", "not-a-date", "not-a-date", TypeError),
    # No timezone: ambiguous, so the spec's date-time refuses it and the client wants an aware datetime.
    InvalidValue("started_before", "2026-12-01T00:00:00", datetime.datetime(2026, 12, 1), ValueError),
]


def _invalid_id(case: InvalidValue) -> str:
    return f"{case.parameter}={case.wire}"


def _assert_accepted(response: httpx.Response, sent: dict[str, str]) -> None:
    assert response.status_code == 200, response.text
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    # httpx decodes the query as a server does: a "+" sent unencoded would read back as a space.
    received = {name: response.request.url.params.get(name) for name in sent}
    assert received == sent, f"not sent as given: {response.request.url}"


def test_every_query_parameter_of_the_spec_has_a_valid_value_here() -> None:
    assert set(VALID_VALUES) == set(query_parameters())


@pytest.mark.parametrize("name", list(VALID_VALUES))
def test_each_valid_value_matches_the_parameter_schema_in_the_spec(name: str) -> None:
    schema = query_parameters()[name]["schema"]
    wire = VALID_VALUES[name].wire
    instance: object = int(wire) if schema.get("type") == "integer" else wire
    errors = [error.message for error in validator_for(schema).iter_errors(instance)]
    assert errors == []


@pytest.mark.parametrize("name", list(VALID_VALUES))
def test_the_client_sends_each_parameter_and_the_server_accepts_it(api_server: ApiServer, name: str) -> None:
    value = VALID_VALUES[name]
    with sync_client(api_server) as client:
        page = client.call_sessions.list(**{name: value.python})
    _assert_accepted(page.response, {name: value.wire})


@pytest.mark.anyio
@pytest.mark.parametrize("name", list(VALID_VALUES))
async def test_the_async_client_sends_each_parameter_and_the_server_accepts_it(
    api_server: ApiServer, name: str
) -> None:
    value = VALID_VALUES[name]
    async with async_client(api_server) as client:
        page = await client.call_sessions.list(**{name: value.python})
    _assert_accepted(page.response, {name: value.wire})


def test_the_client_sends_every_parameter_at_once_and_the_server_accepts_them(api_server: ApiServer) -> None:
    with sync_client(api_server) as client:
        page = client.call_sessions.list(**{name: value.python for name, value in VALID_VALUES.items()})
    _assert_accepted(page.response, {name: value.wire for name, value in VALID_VALUES.items()})


@pytest.mark.anyio
async def test_the_async_client_sends_every_parameter_at_once_and_the_server_accepts_them(
    api_server: ApiServer,
) -> None:
    async with async_client(api_server) as client:
        page = await client.call_sessions.list(**{name: value.python for name, value in VALID_VALUES.items()})
    _assert_accepted(page.response, {name: value.wire for name, value in VALID_VALUES.items()})


def test_the_invalid_values_cover_bounds_types_enums_and_formats_of_the_spec() -> None:
    """Every parameter with a constraint beyond "a string" has at least one invalid value here."""
    constrained = {
        name
        for name, param in query_parameters().items()
        if set(param["schema"]) & {"minimum", "maximum", "enum", "format"} or param["schema"]["type"] != "string"
    }
    assert constrained <= {case.parameter for case in INVALID_VALUES}


@pytest.mark.parametrize("case", INVALID_VALUES, ids=_invalid_id)
def test_the_spec_refuses_each_invalid_value_sent_raw(prism_server: ApiServer, case: InvalidValue) -> None:
    response = httpx.get(
        prism_server.base_url + LIST_PATH,
        params={case.parameter: case.wire},
        headers={"X-Api-Key": prism_server.api_key},
        timeout=10.0,
    )
    assert response.status_code == 422, response.text
    violations = json.loads(response.headers["sl-violations"])
    assert [violation["location"] for violation in violations] == [["request", "query", case.parameter]]


@pytest.mark.parametrize("case", INVALID_VALUES, ids=_invalid_id)
def test_the_client_refuses_each_invalid_value_before_sending(case: InvalidValue) -> None:
    sent: list[httpx.Request] = []

    def no_server(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    arguments: dict[str, Any] = {case.parameter: case.python}
    with (
        RavanClient(api_key="unused", base_url=UNREACHED, transport=httpx.MockTransport(no_server)) as client,
        pytest.raises(case.client_error, match=case.parameter),
    ):
        client.call_sessions.list(**arguments)
    assert sent == []


@pytest.mark.anyio
@pytest.mark.parametrize("case", INVALID_VALUES, ids=_invalid_id)
async def test_the_async_client_refuses_each_invalid_value_before_sending(case: InvalidValue) -> None:
    sent: list[httpx.Request] = []

    async def no_server(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    arguments: dict[str, Any] = {case.parameter: case.python}
    client = AsyncRavanClient(api_key="unused", base_url=UNREACHED, transport=httpx.MockTransport(no_server))
    async with client:
        with pytest.raises(case.client_error, match=case.parameter):
            await client.call_sessions.list(**arguments)
    assert sent == []
