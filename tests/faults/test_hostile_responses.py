"""Hostile response bodies where a page is expected: a page or APIResponseValidationError, nothing else.

Bodies are arbitrary JSON values, arbitrary bytes, and valid pages (the spec's own examples)
mutated: keys dropped, values nulled or replaced by JSON of another type. They are served as a
200 by an in-process `httpx.MockTransport` (no socket needed to parse), as page 1 with page_size=1,
so that any page with an item makes the pager fetch page 2 (an empty page) and use the items'
keys. Whatever the body, the caller gets parsed sessions or APIResponseValidationError.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import hypothesis.strategies as st
import pytest
import yaml
from anyio.from_thread import BlockingPortal
from hypothesis import HealthCheck, event, given, settings

from ravan_client import APIResponseValidationError, InternalServerError
from ravan_client.models import CallSession
from tests.faults.conftest import ClientUnderTest, Flavor, make_client
from tests.faults.fault_server import page_body, realistic_session

pytestmark = [pytest.mark.timeout(180)]

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
EMPTY_PAGE = {"success": True, "data": {"callSessions": []}}
JsonPath = tuple[str | int, ...]


def _spec_example_pages() -> list[Any]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operation = spec["paths"]["/api/v1/calling/call-sessions"]["get"]
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    return [example["value"] for example in examples.values()]


VALID_PAGES: list[Any] = [*_spec_example_pages(), page_body([realistic_session(index) for index in range(3)])]

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def json_paths(value: Any, prefix: JsonPath = ()) -> list[JsonPath]:
    """The path of every key and list element inside `value`."""
    found: list[JsonPath] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        found.append((*prefix, key))
        found.extend(json_paths(child, (*prefix, key)))
    return found


def with_mutation(body: Any, path: JsonPath, replacement: Any, *, drop: bool) -> Any:
    """A copy of `body` with the value at `path` dropped or replaced."""
    mutated = copy.deepcopy(body)
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return mutated


@st.composite
def mutated_pages(draw: st.DrawFn) -> Any:
    body = draw(st.sampled_from(VALID_PAGES))
    for _ in range(draw(st.integers(1, 3))):
        paths = json_paths(body)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        mutation = draw(st.sampled_from(["drop", "null", "another value"]))
        replacement = draw(json_values) if mutation == "another value" else None
        body = with_mutation(body, path, replacement, drop=mutation == "drop")
    return body


response_bodies = st.one_of(
    mutated_pages().map(lambda body: json.dumps(body).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=100),
)


def serving(body: bytes, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    """A handler answering page 1 with `body` and every later page with an empty page."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "1":
            return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})
        return httpx.Response(200, json=EMPTY_PAGE)

    return handler


def mock_client(flavor: Flavor, handler: Callable[[httpx.Request], httpx.Response], **settings: Any) -> ClientUnderTest:
    return make_client(flavor, "https://api.ravan.ai", transport=httpx.MockTransport(handler), **settings)


async def all_items_or_validation_error(under_test: ClientUnderTest) -> str:
    """Page through; return how it ended. Any exception but APIResponseValidationError escapes."""
    try:
        sessions = await under_test.all_items(page_size=1)
    except APIResponseValidationError as error:
        rejected: APIResponseValidationError | None = error
    else:
        rejected = None
    finally:
        await under_test.close()
    if rejected is not None:
        assert rejected.status_code == 200
        return "APIResponseValidationError"
    assert all(isinstance(session, CallSession) for session in sessions)
    return "parsed"


@pytest.mark.parametrize("flavor", ["sync", "async"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=response_bodies)
def test_any_body_gives_a_page_or_a_response_validation_error(
    portal: BlockingPortal, flavor: Flavor, body: bytes
) -> None:
    event(portal.call(all_items_or_validation_error, mock_client(flavor, serving(body))))


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_every_spec_example_parses(portal: BlockingPortal, flavor: Flavor) -> None:
    """The control for the mutations: unmutated, every valid page parses."""
    for page in VALID_PAGES:
        outcome = portal.call(all_items_or_validation_error, mock_client(flavor, serving(json.dumps(page).encode())))
        assert outcome == "parsed"


# --- bodies found to break the client, pinned -----------------------------------------------------

DEEPLY_NESTED = b'{"data": {"callSessions": [{"id": "deep", "metadata": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}]}}"


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_json_nested_deeper_than_the_recursion_limit_raises_response_validation_error(
    portal: BlockingPortal, flavor: Flavor
) -> None:
    """json.loads raises RecursionError (not ValueError) past ~1000 levels of nesting."""
    assert portal.call(all_items_or_validation_error, mock_client(flavor, serving(DEEPLY_NESTED))) == (
        "APIResponseValidationError"
    )


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_an_error_body_nested_too_deep_still_raises_the_status_error(portal: BlockingPortal, flavor: Flavor) -> None:
    under_test = mock_client(flavor, serving(b"[" * 5000, status=500))
    with pytest.raises(InternalServerError):
        portal.call(under_test.first_page)
    portal.call(under_test.close)


@pytest.mark.parametrize("flavor", ["sync", "async"])
@pytest.mark.parametrize("session_id", [["cs_1"], {"id": "cs_1"}], ids=["list", "object"])
def test_a_session_id_that_is_not_a_string_keeps_the_record_with_its_id_unfit(
    portal: BlockingPortal, flavor: Flavor, session_id: object
) -> None:
    """An id the pager cannot use as a key (unhashable) must not crash the pager with a TypeError:
    the record is kept, its id reads None and the value is listed as not fitting (issue 19), and
    strict_responses makes it an APIResponseValidationError."""
    body = json.dumps(page_body([{"id": session_id}])).encode()
    assert portal.call(all_items_or_validation_error, mock_client(flavor, serving(body))) == "parsed"
    strict = mock_client(flavor, serving(body), strict_responses=True)
    assert portal.call(all_items_or_validation_error, strict) == "APIResponseValidationError"
