"""Reliability promises that need no socket: redaction at the edges of an excerpt and in escaped
spellings, errors that pickle and cross a process pool, and timeouts that cannot be honoured.

The server is an `httpx.MockTransport` that behaves as a careless one would (it echoes the key it
received), behind the same `ClientUnderTest` as the rest of the suite, so every test runs for the
sync and the async client.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import httpx
import pytest
from hypothesis import settings

from ravan_client import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AsyncRavanClient,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    RavanClient,
)
from ravan_client._secrets import MASK
from tests.faults._workers import WORKER_API_KEY, list_call_sessions
from tests.faults.conftest import ClientUnderTest, Flavor, make_client

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

# Keys are printable ASCII without spaces; this one has the `/` that JSON may escape as `\/`.
SLASHED_KEY = "sk-fault/suite/5f0c93e1d2a84b7c"
KEY_TAIL = "5f0c93e1d2a84b7c"
"""The key's distinctive end: in a text only if (a part of) the key is."""
Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(flavor: Flavor, handler: Handler, **settings: Any) -> ClientUnderTest:
    return make_client(
        flavor, "https://api.ravan.ai", api_key=SLASHED_KEY, transport=httpx.MockTransport(handler), **settings
    )


async def provoke(flavor: Flavor, handler: Handler) -> APIError:
    under_test = mock_client(flavor, handler)
    try:
        with pytest.raises(APIError) as caught:
            await under_test.all_items(page_size=1)
    finally:
        await under_test.close()
    return caught.value


def texts_of(error: APIError) -> list[str]:
    """What a user sees of an error: its message, str, repr, excerpt, and its cause's."""
    texts = [error.message, str(error), repr(error), str(error.__cause__), repr(error.__cause__)]
    if isinstance(error, APIResponseValidationError):
        texts.append(error.body_excerpt)
    return texts


def assert_no_part_of_the_key(error: APIError) -> None:
    for text in texts_of(error):
        assert KEY_TAIL not in text, f"the key is in {text!r}"
        assert SLASHED_KEY[:4] not in text, f"the start of the key is in {text!r}"


# --- the excerpt's cut ---------------------------------------------------------------------------------

# The body excerpt is 200 characters; the key (31) straddles the cut when it starts in 170..199.
STRADDLING_OFFSETS = range(165, 205)


def echoing_at(offset: int, status: int, kind: str) -> Handler:
    """A server that writes the key it received `offset` characters into its body: plain text, or
    a JSON object with no message field (the client shows an excerpt of either)."""

    def handler(request: httpx.Request) -> httpx.Response:
        text = "x" * offset + request.headers["x-api-key"] + " and more" * 10
        if kind == "text":
            return httpx.Response(status, text=text, headers={"Content-Type": "text/plain"})
        return httpx.Response(status, json={"detail_text_that_is_not_a_message": text})

    return handler


@pytest.mark.parametrize(("status", "kind"), [(200, "text"), (500, "text"), (500, "json")])
async def test_a_key_straddling_the_excerpt_cut_does_not_survive_in_part(
    flavor: Flavor, status: int, kind: str
) -> None:
    for offset in STRADDLING_OFFSETS:
        error = await provoke(flavor, echoing_at(offset, status, kind))
        assert isinstance(error, APIResponseValidationError if status == 200 else InternalServerError)
        assert_no_part_of_the_key(error)
    assert MASK in str(await provoke(flavor, echoing_at(10, status, kind)))  # the control: shown, redacted


# --- escaped spellings -------------------------------------------------------------------------------


def echoing_escaped(status: int) -> Handler:
    """The key echoed JSON-escaped with `\\/` (as PHP's json_encode writes it), raw in the body."""

    def handler(request: httpx.Request) -> httpx.Response:
        escaped = request.headers["x-api-key"].replace("/", "\\/")
        if status == 200:  # an envelope the client cannot use, so the body is quoted as it came
            body = '{"success": true, "data": {"callSessions": {"echo": "' + escaped + '"}}}'
        else:
            body = "key " + escaped + " is not valid"
        return httpx.Response(status, content=body.encode(), headers={"Content-Type": "application/json"})

    return handler


@pytest.mark.parametrize("status", [200, 401])
async def test_a_key_echoed_json_escaped_with_backslash_slash_is_redacted(flavor: Flavor, status: int) -> None:
    error = await provoke(flavor, echoing_escaped(status))
    assert isinstance(error, APIResponseValidationError if status == 200 else AuthenticationError)
    assert_no_part_of_the_key(error)
    assert MASK in str(error)


# --- the values an envelope mismatch quotes ----------------------------------------------------------


def id_is_a_list_holding_the_key(padding: int) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        session_id = ["x" * padding, request.headers["x-api-key"]] if padding else [request.headers["x-api-key"]]
        return httpx.Response(200, json={"success": True, "data": {"callSessions": [{"id": session_id}]}})

    return handler


async def test_an_envelope_mismatch_quoting_a_value_holding_the_key_is_redacted(flavor: Flavor) -> None:
    """The message quotes the offending value (an id that is a list); the key inside it is
    redacted, wherever it falls against any cut of the message."""
    for padding in [0, *range(40, 200, 3)]:
        error = await provoke(flavor, id_is_a_list_holding_the_key(padding))
        assert isinstance(error, APIResponseValidationError)
        assert "does not match the documented envelope" in str(error)
        assert_no_part_of_the_key(error)


# --- pickles, and errors crossing a process pool -------------------------------------------------


@pytest.mark.parametrize("status", [401, 404, 500])
async def test_an_error_round_trips_through_pickle_whole_and_without_the_key(flavor: Flavor, status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"success": False, "message": f"key {request.headers['x-api-key']} refused"})

    error = await provoke(flavor, handler)
    assert isinstance(error, APIStatusError)
    pickled = pickle.dumps(error)
    assert KEY_TAIL.encode() not in pickled
    unpickled = pickle.loads(pickled)
    assert type(unpickled) is type(error)
    assert (unpickled.status_code, unpickled.message, str(unpickled)) == (error.status_code, error.message, str(error))
    assert unpickled.request.url == error.request.url
    assert unpickled.request.headers["x-api-key"] == MASK
    assert json.loads(unpickled.response.content)["message"] == f"key {MASK} refused"
    assert pickle.loads(pickle.dumps(unpickled)).message == error.message  # and again


@pytest.mark.timeout(120)
def test_an_api_status_error_raised_in_a_process_pool_worker_reaches_the_parent_as_itself(flavor: Flavor) -> None:
    """concurrent.futures pickles a worker's exception for the parent: it must arrive as the same
    error type (not break the pool), and without the key."""
    context = multiprocessing.get_context("spawn")  # no fork of a process running the fault server
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        with pytest.raises(NotFoundError) as caught:
            pool.submit(list_call_sessions, 404, flavor).result(timeout=90)
        assert pool.submit(list_call_sessions, 200, flavor).result(timeout=90) == 0  # the pool still works
    error = caught.value
    assert error.status_code == 404
    assert MASK in error.message
    for text in [str(error), repr(error), str(error.__cause__), error.response.text]:  # __cause__: the remote traceback
        assert WORKER_API_KEY not in text


# --- timeouts that cannot be honoured ---------------------------------------------------------------

IMPOSSIBLE_TIMEOUTS: dict[str, object] = {
    "nan": math.nan,
    "inf": math.inf,
    "1e300": 1e300,
    "negative": -1.0,
    "httpx-timeout-negative": httpx.Timeout(-1),
    "httpx-timeout-nan-read": httpx.Timeout(5.0, read=math.nan),
    "httpx-timeout-inf-connect": httpx.Timeout(5.0, connect=math.inf),
}


def never_reached(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent: {request.method} {request.url}")


@pytest.mark.parametrize("client_class", [RavanClient, AsyncRavanClient])
@pytest.mark.parametrize("timeout", IMPOSSIBLE_TIMEOUTS.values(), ids=IMPOSSIBLE_TIMEOUTS.keys())
def test_an_impossible_timeout_is_refused_at_construction_naming_it(
    client_class: type[RavanClient | AsyncRavanClient], timeout: Any
) -> None:
    with pytest.raises(ValueError, match="timeout"):
        client_class(api_key=SLASHED_KEY, base_url="https://api.ravan.ai", timeout=timeout)


@pytest.mark.parametrize("timeout", IMPOSSIBLE_TIMEOUTS.values(), ids=IMPOSSIBLE_TIMEOUTS.keys())
async def test_an_impossible_timeout_is_refused_per_call_and_by_with_options_naming_it(
    flavor: Flavor, timeout: Any
) -> None:
    under_test = mock_client(flavor, never_reached)
    try:
        with pytest.raises(ValueError, match="timeout"):
            await under_test.first_page(timeout=timeout)
        with pytest.raises(ValueError, match="timeout"):
            under_test.client.with_options(timeout=timeout)
    finally:
        await under_test.close()


def test_the_ci_profile_makes_property_tests_reproducible() -> None:
    """With CI set, the fault suite's property tests run derandomized, without deadline or example
    database (tests/faults/conftest.py)."""
    profile = settings.get_profile("ci")
    assert profile.derandomize is True
    assert profile.deadline is None
    assert profile.database is None
