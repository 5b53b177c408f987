"""Unit-test helpers: clients wired to an in-process httpx.MockTransport, and recorded sleeps.

Nothing here opens a socket or sleeps: the transport answers from a Python function, and the
client's `_sleep` is replaced by a recorder so backoff can be asserted exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from ravan_client import AsyncRavanClient, RavanClient

API_KEY = "sk-test-0123456789abcdef"
BASE_URL = "https://api.ravan.ai"
LIST_PATH = "/api/v1/calling/call-sessions"

Handler = Callable[[httpx.Request], httpx.Response]


def session(session_id: str, **fields: Any) -> dict[str, Any]:
    """A call session as the API sends it: only the id is required."""
    return {"id": session_id, **fields}


def page_body(sessions: list[dict[str, Any]], **envelope: Any) -> dict[str, Any]:
    return {
        "success": True,
        "message": "Call sessions fetched successfully",
        "data": {"callSessions": sessions},
        **envelope,
    }


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )


def ids(prefix: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [session(f"{prefix}{i}") for i in range(start, start + count)]


@dataclass
class Recorder:
    """Answers requests from a list of responses (or a function) and keeps every request."""

    responses: list[httpx.Response | Exception] = field(default_factory=list)
    respond: Handler | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.respond is not None:
            return self.respond(request)
        if not self.responses:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def pages_requested(self) -> list[int]:
        return [int(request.url.params["page"]) for request in self.requests]


@dataclass
class SyncHarness:
    client: RavanClient
    recorder: Recorder
    sleeps: list[float]


@dataclass
class AsyncHarness:
    client: AsyncRavanClient
    recorder: Recorder
    sleeps: list[float]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def harness(recorder: Recorder) -> Iterator[SyncHarness]:
    yield from make_sync_harness(recorder)


@pytest.fixture
def async_harness(recorder: Recorder) -> AsyncHarness:
    return make_async_harness(recorder)


def make_sync_harness(recorder: Recorder, **settings: Any) -> Iterator[SyncHarness]:
    client = RavanClient(api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder), **settings)
    sleeps: list[float] = []
    client._sleep = sleeps.append
    client._random = lambda: 0.0  # no jitter: the schedule is exact
    with client:
        yield SyncHarness(client, recorder, sleeps)


def make_async_harness(recorder: Recorder, **settings: Any) -> AsyncHarness:
    async def handler(request: httpx.Request) -> httpx.Response:
        return recorder(request)

    client = AsyncRavanClient(api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(handler), **settings)
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client._sleep = record_sleep
    client._random = lambda: 0.0
    return AsyncHarness(client, recorder, sleeps)
