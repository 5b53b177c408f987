"""Calling any operation of the generated client under test, against an in-process MockTransport.

The client's methods are reached by the plan's names (`client.<resource>.<method>`), so every
test here is parametrised over the operations of whatever spec is under test (the product's, or
the grown one in tests/data/grown). `Recorder` answers each request from a function and keeps
them all; `success_response` makes the body the spec documents for an operation's success (its
first example, else a minimal valid instance of its schema).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ravan_client import AsyncRavanClient, RavanClient
from tests.support import spec_plan
from tests.support.spec_plan import OperationPlan

API_KEY = "sk-client-suite-0123456789abcdef"
BASE_URL = "https://api.ravan.ai"

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Recorder:
    """Answers requests with `respond` (or the queued responses) and keeps every request."""

    respond: Handler
    requests: list[httpx.Request] = field(default_factory=list)
    queued: list[httpx.Response | Exception] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.queued:
            answer = self.queued.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return self.respond(request)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )


def success_body(operation: OperationPlan) -> Any:
    examples = spec_plan.success_examples(operation)
    if examples:
        return next(iter(examples.values()))
    return spec_plan.minimal_instance(spec_plan.success_schema(operation))


def success_response(operation: OperationPlan, body: Any = None) -> httpx.Response:
    if operation.response.kind == "empty":
        return httpx.Response(operation.response.status)
    return json_response(operation.response.status, success_body(operation) if body is None else body)


def sync_client(recorder: Recorder, **settings: Any) -> RavanClient:
    client = RavanClient(api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder), **settings)
    client._sleep = lambda seconds: None
    client._random = lambda: 0.0
    return client


def async_client(recorder: Recorder, **settings: Any) -> AsyncRavanClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        return recorder(request)

    client = AsyncRavanClient(api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(handler), **settings)

    async def no_sleep(seconds: float) -> None:
        return None

    client._sleep = no_sleep
    client._random = lambda: 0.0
    return client
