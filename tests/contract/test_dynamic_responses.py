"""Bodies Prism invents from the spec's schema (`Prefer: dynamic=true, seed=N`) parse with both packages.

For each seed the body must match the spec's JSON Schema, round-trip through the client model
(`from_dict(body).to_dict()` gives the body back) and through the pydantic model
(`model_validate_json` then `model_dump(by_alias=True, exclude_unset=True)` gives it back), with
timestamps compared as described in `spec_support`. Invented bodies often say `success: false`:
the high-level client must then raise APIResponseValidationError, and return the page otherwise.

Seeds: Prism's seeded generator gives the same body for a seed whose digits repeat another's
(seed 7 and 77, 12 and 1212 answer alike), so the seeds are 100..159 (no such pairs), not 1..60.
"""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest

import ravan_models
from ravan_client import APIResponseValidationError
from ravan_client.models import CallSessionListResponse
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.contract.spec_support import (
    LIST_PATH,
    json_differences,
    load_spec,
    normalise_page,
    schema_errors,
)

pytestmark = pytest.mark.contract

DYNAMIC_SEEDS = list(range(100, 160))


def _prefer_dynamic(seed: int) -> str:
    return f"dynamic=true, seed={seed}"


def _fetch_dynamic(http: httpx.Client, server: ApiServer, seed: int) -> bytes:
    response = http.get(
        server.base_url + LIST_PATH, headers={"X-Api-Key": server.api_key, "Prefer": _prefer_dynamic(seed)}
    )
    assert response.status_code == 200, response.text
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    return response.content


@pytest.fixture(scope="module")
def dynamic_bodies(prism_server: ApiServer) -> dict[int, bytes]:
    """The raw body Prism invents for each seed, fetched once per module."""
    with httpx.Client(timeout=10.0) as http:
        return {seed: _fetch_dynamic(http, prism_server, seed) for seed in DYNAMIC_SEEDS}


def test_the_same_seed_gives_the_same_body(prism_server: ApiServer, dynamic_bodies: dict[int, bytes]) -> None:
    with httpx.Client(timeout=10.0) as http:
        again = {seed: _fetch_dynamic(http, prism_server, seed) for seed in DYNAMIC_SEEDS[:5]}
    assert again == {seed: dynamic_bodies[seed] for seed in again}


def test_different_seeds_give_different_bodies(dynamic_bodies: dict[int, bytes]) -> None:
    """Only the tiniest bodies (an empty page) may come out alike; anything with a session is unique."""
    with_sessions = [body for body in dynamic_bodies.values() if json.loads(body)["data"]["callSessions"]]
    assert len(set(with_sessions)) == len(with_sessions)
    assert len(set(dynamic_bodies.values())) >= 50


def test_the_invented_bodies_exercise_every_field_both_null_and_set(dynamic_bodies: dict[int, bytes]) -> None:
    """The sample is not degenerate: both success values, and each optional session field both
    null and non-null somewhere, so the round-trip tests below see every shape."""
    bodies = [json.loads(body) for body in dynamic_bodies.values()]
    assert {body.get("success") for body in bodies} == {True, False}
    sessions = [session for body in bodies for session in body["data"]["callSessions"]]
    null_seen: Counter[str] = Counter()
    set_seen: Counter[str] = Counter()
    for session in sessions:
        for key, value in session.items():
            (null_seen if value is None else set_seen)[key] += 1
    properties = set(load_spec()["components"]["schemas"]["CallSession"]["properties"])
    assert properties - set(set_seen) == set()
    assert properties - {"id"} - set(null_seen) == set()


@pytest.mark.parametrize("seed", DYNAMIC_SEEDS)
def test_each_invented_body_matches_the_spec_schema(dynamic_bodies: dict[int, bytes], seed: int) -> None:
    assert schema_errors("CallSessionListResponse", json.loads(dynamic_bodies[seed])) == []


@pytest.mark.parametrize("seed", DYNAMIC_SEEDS)
def test_the_client_model_gives_back_each_invented_body(dynamic_bodies: dict[int, bytes], seed: int) -> None:
    raw = json.loads(dynamic_bodies[seed])
    parsed = CallSessionListResponse.from_dict(raw)
    assert len(parsed.data.call_sessions) == len(raw["data"]["callSessions"])
    assert json_differences(normalise_page(parsed.to_dict()), normalise_page(raw)) == []


@pytest.mark.parametrize("seed", DYNAMIC_SEEDS)
def test_the_pydantic_model_gives_back_each_invented_body(dynamic_bodies: dict[int, bytes], seed: int) -> None:
    parsed = ravan_models.CallSessionListResponse.model_validate_json(dynamic_bodies[seed])
    dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert json_differences(normalise_page(dumped), normalise_page(json.loads(dynamic_bodies[seed]))) == []


@pytest.mark.parametrize("seed", DYNAMIC_SEEDS)
def test_the_client_returns_a_page_or_refuses_exactly_when_success_is_false(
    prism_server: ApiServer, dynamic_bodies: dict[int, bytes], seed: int
) -> None:
    raw = json.loads(dynamic_bodies[seed])
    with sync_client(prism_server, default_headers={"Prefer": _prefer_dynamic(seed)}) as client:
        if raw.get("success") is False:
            with pytest.raises(APIResponseValidationError) as caught:
                client.call_sessions.list()
            assert caught.value.response.content == dynamic_bodies[seed]  # same seed, same body
            assert caught.value.status_code == 200
            return
        page = client.call_sessions.list()
    assert page.response.content == dynamic_bodies[seed]
    assert [session.id for session in page.items] == [session["id"] for session in raw["data"]["callSessions"]]
    assert json_differences(normalise_page(page.body.to_dict()), normalise_page(raw)) == []


@pytest.mark.anyio
@pytest.mark.parametrize("seed", DYNAMIC_SEEDS)
async def test_the_async_client_returns_a_page_or_refuses_exactly_when_success_is_false(
    prism_server: ApiServer, dynamic_bodies: dict[int, bytes], seed: int
) -> None:
    raw = json.loads(dynamic_bodies[seed])
    async with async_client(prism_server, default_headers={"Prefer": _prefer_dynamic(seed)}) as client:
        if raw.get("success") is False:
            with pytest.raises(APIResponseValidationError) as caught:
                await client.call_sessions.list()
            assert caught.value.response.content == dynamic_bodies[seed]
            return
        page = await client.call_sessions.list()
    assert page.response.content == dynamic_bodies[seed]
    assert json_differences(normalise_page(page.body.to_dict()), normalise_page(raw)) == []
