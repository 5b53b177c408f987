"""The prefetching pager: pages requested ahead, items strictly in order, nothing waited for after the end.

Speculative pages are held on events, never on sleeps: each test decides when a response comes,
and a wait's timeout is only a safety net that fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Generator
from typing import Any

import httpx
import pytest
from ravan_runtime._exceptions import RepeatedPageError
from ravan_runtime._pagination import PREFETCH_THREAD_PREFIX

from tests.runtime.harness import (
    AsyncRavanClient,
    Harness,
    Server,
    abounded,
    bounded,
    json_response,
    make_client,
    page_body,
    sessions,
)

SAFETY = 30.0
"""Seconds after which a wait that should have ended fails the test (never reached when it passes)."""


class PagedServer:
    """`total` sessions paged honestly; records the pages asked for and how many were in flight at
    once. Thread-safe: the sync prefetcher calls it from worker threads."""

    def __init__(self, total: int, *, shift_after_page: int | None = None) -> None:
        self.total = total
        self.shift_after_page = shift_after_page
        self.pages: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        size = int(request.url.params["page_size"])
        with self.lock:
            self.pages.append(page)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self.hold(page)
            start = (page - 1) * size
            if self.shift_after_page is not None and page > self.shift_after_page:
                start -= 1  # a new call arrived: everything moved one place later
            return json_response(200, page_body(sessions("s", max(0, min(size, self.total - start)), start)))
        finally:
            with self.lock:
                self.in_flight -= 1

    def hold(self, page: int) -> None:
        """Called before answering `page`; subclasses block here."""


def join_prefetch_threads() -> None:
    """Wait for the pager's worker threads to end, so that a test sees every request they make."""
    for thread in threading.enumerate():
        if thread.name.startswith(PREFETCH_THREAD_PREFIX):
            thread.join(SAFETY)
            assert not thread.is_alive(), f"{thread.name} is still running"


def ids(items: Any) -> list[str]:
    return [item.id for item in items]


# --- sync --------------------------------------------------------------------------------------------


def test_prefetch_yields_every_item_in_order(harness: Harness) -> None:
    server = PagedServer(95)
    harness.server.respond = server
    assert ids(harness.client.call_sessions.list(page_size=10, prefetch=4)) == [f"s{i}" for i in range(95)]


def test_prefetch_stops_asking_a_little_past_the_last_page(harness: Harness) -> None:
    server = PagedServer(95)
    harness.server.respond = server
    list(harness.client.call_sessions.list(page_size=10, prefetch=4))
    join_prefetch_threads()
    # Page 10 is short: at most `prefetch` pages beyond it were asked for speculatively.
    assert sorted(server.pages)[:10] == list(range(1, 11))
    assert max(server.pages) <= 10 + 4
    assert 1 <= server.max_in_flight <= 4


def test_prefetch_of_an_empty_result_makes_one_request(harness: Harness) -> None:
    server = PagedServer(0)
    harness.server.respond = server
    assert list(harness.client.call_sessions.list(prefetch=4)) == []
    assert server.pages == [1]


def test_prefetch_drops_items_repeated_across_a_page_boundary(harness: Harness) -> None:
    harness.server.respond = PagedServer(30, shift_after_page=1)
    pages = list(harness.client.call_sessions.list(page_size=10, prefetch=3).iter_pages())
    assert [page.repeated for page in pages][:2] == [0, 1]
    assert ids(harness.client.call_sessions.list(page_size=10, prefetch=3)) == [f"s{i}" for i in range(30)]


def test_prefetch_still_detects_a_server_that_ignores_the_page(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, page_body(sessions("same", 5)))
    with pytest.raises(RepeatedPageError):
        bounded(harness.client.call_sessions.list(page_size=5, prefetch=4))


def test_prefetch_honours_max_items(harness: Harness) -> None:
    harness.server.respond = PagedServer(1000)
    assert len(list(harness.client.call_sessions.list(page_size=10, prefetch=2, max_items=15))) == 15


@pytest.mark.parametrize("prefetch", [-1, 33, True, 1.5])
def test_prefetch_must_be_a_small_non_negative_integer(harness: Harness, prefetch: Any) -> None:
    with pytest.raises(ValueError, match="prefetch must be an integer from 0"):
        harness.client.call_sessions.list(prefetch=prefetch)
    assert harness.server.requests == []


def test_prefetch_really_keeps_that_many_requests_in_flight(harness: Harness) -> None:
    # Pages 2-5 are each held until all four are waiting at once: a pager that fetched one page
    # at a time would never get there, and the barrier would break.
    barrier = threading.Barrier(4, timeout=SAFETY)

    class Barriered(PagedServer):
        def hold(self, page: int) -> None:
            if page in (2, 3, 4, 5):
                barrier.wait()

    harness.server.respond = Barriered(1000)
    assert len(list(harness.client.call_sessions.list(page_size=10, prefetch=4, max_items=50))) == 50
    assert not barrier.broken


def test_prefetch_asks_for_the_next_page_as_each_one_arrives_not_when_the_consumer_takes_one(
    harness: Harness,
) -> None:
    # The consumer takes page 2 and holds it. A pager refilled by its consumer asks for page 4
    # then (2 + prefetch) and nothing more until page 3 is taken; one refilled as pages arrive
    # asks for 5 when 3 arrives and 6 when 4 does, and stops there: 2 * prefetch pages past the
    # one the consumer holds is all it keeps.
    asked = {page: threading.Event() for page in range(1, 101)}

    class Recording(PagedServer):
        def hold(self, page: int) -> None:
            asked[page].set()

    server = Recording(1000)
    harness.server.respond = server
    pages = harness.client.call_sessions.list(page_size=10, prefetch=2).iter_pages()
    assert isinstance(pages, Generator)
    assert [next(pages).page_number, next(pages).page_number] == [1, 2]
    assert asked[6].wait(SAFETY), f"the pages asked for while the consumer held page 2: {sorted(server.pages)}"
    pages.close()
    join_prefetch_threads()
    assert sorted(server.pages) == [1, 2, 3, 4, 5, 6]
    assert server.max_in_flight <= 2


def test_pages_answered_out_of_order_are_yielded_in_order(harness: Harness) -> None:
    page_3_answered = threading.Event()

    class Reversed(PagedServer):
        def hold(self, page: int) -> None:
            if page == 2:
                assert page_3_answered.wait(SAFETY)

    class Answering(Reversed):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            response = super().__call__(request)
            if request.url.params["page"] == "3":
                page_3_answered.set()
            return response

    harness.server.respond = Answering(35)
    assert ids(harness.client.call_sessions.list(page_size=10, prefetch=2)) == [f"s{i}" for i in range(35)]


def test_leaving_early_does_not_wait_for_speculative_requests(harness: Harness) -> None:
    release = threading.Event()
    speculating = threading.Event()

    class Held(PagedServer):
        def hold(self, page: int) -> None:
            if page >= 3:
                speculating.set()
                assert release.wait(SAFETY)

    server = Held(1000)
    harness.server.respond = server
    first = harness.client.call_sessions.list(page_size=10, prefetch=2)
    seen: list[str] = []
    items = first.iter_items()
    assert isinstance(items, Generator)
    for item in items:
        seen.append(str(item.id))
        if item.id == "s10":  # page 2 is here, pages 3 and 4 are on the wire
            assert speculating.wait(SAFETY)
            break
    items.close()  # what leaving the loop does (CPython closes the generator then); explicit here
    # Closing returned while the speculative requests are still blocked in the server.
    with server.lock:
        assert server.in_flight >= 1
    assert not release.is_set()
    assert seen == [f"s{i}" for i in range(11)]
    release.set()
    join_prefetch_threads()
    assert server.in_flight == 0
    assert max(server.pages) <= 4  # nothing was asked for after the consumer left


def test_speculative_pages_are_abandoned_not_retried(server: Server) -> None:
    # Page 2 is the last; pages 3-5, asked for speculatively, answer 503 with a long Retry-After.
    # When iteration ends, their wait is cut short and they are not retried.
    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if page <= 2:
            return json_response(200, page_body(sessions("s", 10 if page == 1 else 3, (page - 1) * 10)))
        return json_response(503, {"success": False}, {"Retry-After": "60"})

    server.respond = respond
    harness = make_client(server, max_retries=5)
    with harness.client as client:
        assert len(list(client.call_sessions.list(page_size=10, prefetch=4))) == 13
        join_prefetch_threads()
    speculative = [page for page in server.pages_requested if page > 2]
    assert len(speculative) == len(set(speculative)), f"a speculative page was retried: {speculative}"
    assert harness.sleeps == []  # the consumer's own requests never waited


# --- async -------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_prefetch_yields_in_order_and_stops(server: Server) -> None:
    paged = PagedServer(45)
    server.respond = paged
    async with AsyncRavanClient(api_key="k", transport=httpx.MockTransport(server.handle_async)) as client:
        assert [s.id async for s in client.call_sessions.list(page_size=10, prefetch=4)] == [f"s{i}" for i in range(45)]
    assert max(paged.pages) <= 5 + 4


@pytest.mark.anyio
async def test_async_pages_answered_out_of_order_are_yielded_in_order() -> None:
    page_3_answered = asyncio.Event()
    paged = PagedServer(35)

    async def respond(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        if page == "2":
            await asyncio.wait_for(page_3_answered.wait(), SAFETY)
        response = paged(request)
        if page == "3":
            page_3_answered.set()
        return response

    async with AsyncRavanClient(api_key="k", transport=httpx.MockTransport(respond)) as client:
        assert [s.id async for s in client.call_sessions.list(page_size=10, prefetch=2)] == [f"s{i}" for i in range(35)]


@pytest.mark.anyio
async def test_async_prefetch_cancels_what_is_in_flight_when_the_consumer_stops() -> None:
    started: list[int] = []
    cancelled: list[int] = []
    never = asyncio.Event()

    async def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        started.append(page)
        if page > 2:
            try:
                await never.wait()  # these pages stay in flight until cancelled
            except asyncio.CancelledError:
                cancelled.append(page)
                raise
        return json_response(200, page_body(sessions("s", 10, (page - 1) * 10)))

    async with AsyncRavanClient(api_key="k", transport=httpx.MockTransport(respond)) as client:
        seen = [s async for s in client.call_sessions.list(page_size=10, prefetch=3, max_items=15)]
    assert len(seen) == 15
    # max_items ended the iteration: the pages still in flight were cancelled then and there,
    # not whenever the garbage collector finalises the generators.
    assert cancelled
    assert sorted(cancelled) == sorted(page for page in started if page > 2)


@pytest.mark.anyio
async def test_async_prefetch_detects_repeated_pages(server: Server) -> None:
    server.respond = lambda request: json_response(200, page_body(sessions("same", 5)))
    async with AsyncRavanClient(api_key="k", transport=httpx.MockTransport(server.handle_async)) as client:
        with pytest.raises(RepeatedPageError):
            await abounded(client.call_sessions.list(page_size=5, prefetch=3))


@pytest.mark.anyio
async def test_async_prefetch_asks_for_the_next_page_as_each_one_arrives_not_when_the_consumer_takes_one() -> None:
    # As the sync test: the consumer holds page 2; pages 5 and 6 are asked for as 3 and 4 arrive,
    # and nothing past 2 * prefetch pages beyond the page it holds.
    page_6_asked = asyncio.Event()
    paged = PagedServer(1000)

    async def respond(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "6":
            page_6_asked.set()
        return paged(request)

    async with AsyncRavanClient(api_key="k", transport=httpx.MockTransport(respond)) as client:
        first = await client.call_sessions.list(page_size=10, prefetch=2)
        pages = first.iter_pages()
        assert [(await anext(pages)).page_number, (await anext(pages)).page_number] == [1, 2]
        await asyncio.wait_for(page_6_asked.wait(), SAFETY)
        await pages.aclose()
    assert sorted(paged.pages) == [1, 2, 3, 4, 5, 6]
