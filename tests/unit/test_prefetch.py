"""The prefetching pager: pages requested ahead, items strictly in order, nothing past the end kept."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest

from ravan_client import AsyncRavanClient, RepeatedPageError
from tests.unit.conftest import AsyncHarness, Recorder, SyncHarness, ids, json_response, make_sync_harness, page_body


class PagedServer:
    """`total` sessions, paged honestly; records the pages asked for and how many requests were
    in flight at once. Thread-safe: the sync prefetcher calls it from worker threads."""

    def __init__(self, total: int, *, shift_after_page: int | None = None) -> None:
        self.total = total
        self.shift_after_page = shift_after_page
        self.pages: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        size = int(request.url.params["page_size"])
        with self.lock:
            self.pages.append(page)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.release.wait(5)
        start = (page - 1) * size
        if self.shift_after_page is not None and page > self.shift_after_page:
            start -= 1  # a new call arrived: everything moved one place later
        sessions = ids("s", max(0, min(size, self.total - start)), start)
        with self.lock:
            self.in_flight -= 1
        return json_response(200, page_body(sessions))


def test_prefetch_yields_every_item_in_order(harness: SyncHarness) -> None:
    server = PagedServer(95)
    harness.recorder.respond = server
    sessions = [s.id for s in harness.client.call_sessions.list(page_size=10, prefetch=4)]
    assert sessions == [f"s{i}" for i in range(95)]


def test_prefetch_keeps_requests_in_flight_and_stops_past_the_last_page(harness: SyncHarness) -> None:
    server = PagedServer(95)
    harness.recorder.respond = server
    list(harness.client.call_sessions.list(page_size=10, prefetch=4))
    # Page 10 is short: at most prefetch (4) pages beyond page 1 were asked for speculatively past it.
    assert sorted(server.pages)[:10] == list(range(1, 11))
    assert max(server.pages) <= 10 + 3
    assert 1 <= server.max_in_flight <= 4


def test_prefetch_of_an_empty_result_makes_one_request(harness: SyncHarness) -> None:
    server = PagedServer(0)
    harness.recorder.respond = server
    assert list(harness.client.call_sessions.list(prefetch=4)) == []
    assert server.pages == [1]


def test_prefetch_drops_sessions_repeated_across_a_page_boundary(harness: SyncHarness) -> None:
    server = PagedServer(30, shift_after_page=1)
    harness.recorder.respond = server
    sessions = [s.id for s in harness.client.call_sessions.list(page_size=10, prefetch=3)]
    assert sessions == [f"s{i}" for i in range(30)]


def test_prefetch_still_detects_a_server_that_ignores_the_page(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(200, page_body(ids("same", 5)))
    with pytest.raises(RepeatedPageError):
        list(harness.client.call_sessions.list(page_size=5, prefetch=4))


def test_prefetch_honours_max_items(harness: SyncHarness) -> None:
    server = PagedServer(1000)
    harness.recorder.respond = server
    sessions = list(harness.client.call_sessions.list(page_size=10, prefetch=2, max_items=15))
    assert len(sessions) == 15


@pytest.mark.parametrize("prefetch", [-1, 33, True, 1.5])
def test_prefetch_must_be_a_small_non_negative_integer(harness: SyncHarness, prefetch: Any) -> None:
    with pytest.raises(ValueError, match="prefetch"):
        harness.client.call_sessions.list(prefetch=prefetch)


@pytest.mark.anyio
async def test_async_prefetch_yields_in_order_and_stops(async_harness: AsyncHarness) -> None:
    server = PagedServer(45)
    async_harness.recorder.respond = server
    sessions = [s.id async for s in async_harness.client.call_sessions.list(page_size=10, prefetch=4)]
    assert sessions == [f"s{i}" for i in range(45)]
    assert max(server.pages) <= 5 + 3
    await async_harness.client.close()


def test_prefetch_really_keeps_that_many_requests_in_flight(harness: SyncHarness) -> None:
    # Every response is held until `prefetch` requests are waiting at once: a pager that fetched
    # one page at a time would never get there, and the barrier would break after 5 s.
    barrier = threading.Barrier(4, timeout=5)
    paged = PagedServer(1000)

    def respond(request: httpx.Request) -> httpx.Response:
        if int(request.url.params["page"]) in (2, 3, 4, 5):
            barrier.wait()
        return paged(request)

    harness.recorder.respond = respond
    sessions = list(harness.client.call_sessions.list(page_size=10, prefetch=4, max_items=50))
    assert len(sessions) == 50
    assert not barrier.broken


def test_prefetch_abandons_speculative_pages_instead_of_retrying_them(recorder: Recorder) -> None:
    # Page 2 is the last; pages 3-5, asked for speculatively, answer 503 with Retry-After: 1.
    # When iteration ends they must not be retried (nor their Retry-After waited for).
    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if page <= 2:
            return json_response(200, page_body(ids("s", 10 if page == 1 else 3, (page - 1) * 10)))
        return json_response(503, {"success": False}, {"Retry-After": "1"})

    recorder.respond = respond
    for harness in make_sync_harness(recorder, max_retries=5):
        harness.client._sleep = time.sleep  # real waits: only the abandon signal may cut them short
        sessions = list(harness.client.call_sessions.list(page_size=10, prefetch=4))
        assert len(sessions) == 13
    speculative = [page for page in recorder.pages_requested if page > 2]
    assert len(speculative) == len(set(speculative)), f"a speculative page was retried: {speculative}"


@pytest.mark.anyio
async def test_async_prefetch_cancels_what_is_in_flight_when_the_consumer_stops(async_harness: AsyncHarness) -> None:
    started: list[int] = []
    cancelled: list[int] = []
    gate = asyncio.Event()

    async def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        started.append(page)
        if page > 2:
            try:
                await gate.wait()  # never set: these pages stay in flight until cancelled
            except asyncio.CancelledError:
                cancelled.append(page)
                raise
        return json_response(200, page_body(ids("s", 10, (page - 1) * 10)))

    client = AsyncRavanClient(api_key="k", transport=httpx.MockTransport(respond))
    seen = 0
    async for _ in client.call_sessions.list(page_size=10, prefetch=3, max_items=15):
        seen += 1
    assert seen == 15
    # max_items ended the iteration: the pages still in flight were cancelled then and there,
    # not whenever the garbage collector finalises the generators.
    assert sorted(cancelled) == sorted(page for page in started if page > 2)
    assert cancelled
    await client.close()
