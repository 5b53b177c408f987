"""The spec's examples of the 200 response: they match the spec's schema, Prism serves them, and both
generated packages parse them into models that give back exactly the JSON received.

Example names come from the spec (`Prefer: example=NAME` selects one). Timestamps are compared
after the normalisation described in `spec_support` ("...:11Z" and "...:11+00:00" are the same).
"""

from __future__ import annotations

import json

import httpx
import pytest

import ravan_models
from ravan_client.models import CallSessionListResponse
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.contract.spec_support import (
    JSON,
    LIST_PATH,
    json_differences,
    normalise_page,
    schema_errors,
    success_examples,
)

pytestmark = pytest.mark.contract

EXAMPLES = success_examples()
EXAMPLE_NAMES = list(EXAMPLES)


def _served_example(server: ApiServer, name: str) -> httpx.Response:
    response = httpx.get(
        server.base_url + LIST_PATH,
        headers={"X-Api-Key": server.api_key, "Prefer": f"example={name}"},
        timeout=10.0,
    )
    assert response.status_code == 200, response.text
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    return response


def _session_ids(body: JSON) -> list[str]:
    return [session["id"] for session in body["data"]["callSessions"]]


def test_the_spec_has_named_examples_of_the_200_response() -> None:
    assert EXAMPLE_NAMES, "the 200 response of listCallSessions has no named examples"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_matches_the_schema_of_the_200_response(name: str) -> None:
    assert schema_errors("CallSessionListResponse", EXAMPLES[name]) == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_prism_serves_each_example_as_written_in_the_spec(prism_server: ApiServer, name: str) -> None:
    assert _served_example(prism_server, name).json() == EXAMPLES[name]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_client_model_gives_back_each_served_example_field_by_field(prism_server: ApiServer, name: str) -> None:
    raw = _served_example(prism_server, name).json()
    parsed = CallSessionListResponse.from_dict(raw)
    assert [session.id for session in parsed.data.call_sessions] == _session_ids(raw)
    assert json_differences(normalise_page(parsed.to_dict()), normalise_page(raw)) == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_pydantic_model_gives_back_each_served_example_field_by_field(prism_server: ApiServer, name: str) -> None:
    response = _served_example(prism_server, name)
    parsed = ravan_models.CallSessionListResponse.model_validate_json(response.content)
    assert [session.id for session in parsed.data.call_sessions] == _session_ids(response.json())
    dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert json_differences(normalise_page(dumped), normalise_page(response.json())) == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_client_and_pydantic_models_agree_on_each_example(prism_server: ApiServer, name: str) -> None:
    content = _served_example(prism_server, name).content
    from_client = CallSessionListResponse.from_dict(json.loads(content)).to_dict()
    from_pydantic = ravan_models.CallSessionListResponse.model_validate_json(content).model_dump(
        mode="json", by_alias=True, exclude_unset=True
    )
    assert json_differences(normalise_page(from_client), normalise_page(from_pydantic)) == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_high_level_client_returns_each_example_as_a_page(prism_server: ApiServer, name: str) -> None:
    with sync_client(prism_server, default_headers={"Prefer": f"example={name}"}) as client:
        page = client.call_sessions.list()
    raw = page.response.json()
    assert raw == EXAMPLES[name]
    assert [session.id for session in page.items] == _session_ids(raw)
    assert json_differences(normalise_page(page.body.to_dict()), normalise_page(raw)) == []
    assert not page.has_next_page()  # every example is shorter than the default page size


@pytest.mark.anyio
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
async def test_the_async_client_returns_each_example_as_a_page(prism_server: ApiServer, name: str) -> None:
    async with async_client(prism_server, default_headers={"Prefer": f"example={name}"}) as client:
        page = await client.call_sessions.list()
    raw = page.response.json()
    assert raw == EXAMPLES[name]
    assert [session.id for session in page.items] == _session_ids(raw)
    assert json_differences(normalise_page(page.body.to_dict()), normalise_page(raw)) == []


def test_the_schema_check_catches_an_example_that_breaks_the_schema() -> None:
    """Guards the check above: a session without its required id, or with a bad timestamp, fails."""
    example = json.loads(json.dumps(EXAMPLES[EXAMPLE_NAMES[0]]))
    session = example["data"]["callSessions"][0] if example["data"]["callSessions"] else {}
    session.pop("id", None)
    session["startedAt"] = "yesterday"
    example["data"]["callSessions"] = [session]
    errors = schema_errors("CallSessionListResponse", example)
    assert any("'id' is a required property" in error for error in errors), errors
    assert any("startedAt" in error and "date-time" in error for error in errors), errors
