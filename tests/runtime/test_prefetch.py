"""The prefetching pager: pages requested ahead, items strictly in order, nothing waited for after the end.

Speculative pages are held on events, never on sleeps: each test decides when a response comes,
and a wait's timeout is only a safety net that fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx
import pytest
from ravan_runtime import _pagination
from ravan_runtime._exceptions import RepeatedPageError
from ravan_runtime._pagination import PREFETCH_THREAD_PREFIX

from tests.runtime.harness import (
    AsyncRavanClient,
    Harness,
    Server,
    abounded,
    bounded,
    history_body,
    json_response,
    make_client,
    page_body,
    paged,
    session,
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


@pytest.fixture
def patient_hand_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pager's wait for the next request to be sent, normally a few milliseconds at most
    (for speed only), made as long as the safety net: the order the tests below check is then
    the pager's rule, not the machine's speed."""
    monkeypatch.setattr(_pagination, "SENT_WAIT_SECONDS", SAFETY)


class Journal:
    """The order of the pager's steps, as the fetch threads take them: pages requested (when the
    request starts) and decoded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.steps: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.before_sending: Callable[[int], None] = lambda page_number: None
        fetcher = _pagination._SyncFetcher
        request, page_of = fetcher.request, fetcher.page_of

        def recorded_request(this: Any, page_number: int, *args: Any, **kwargs: Any) -> httpx.Response:
            self.add("requested", page_number)
            self.before_sending(page_number)
            on_sent = kwargs.get("on_sent")
            if on_sent is not None:

                def recorded_on_sent() -> None:
                    self.add("sent", page_number)
                    on_sent()

                kwargs["on_sent"] = recorded_on_sent
            return request(this, page_number, *args, **kwargs)

        def recorded_page_of(this: Any, response: httpx.Response, page_number: int, **kwargs: Any) -> Any:
            self.add("decoded", page_number)
            return page_of(this, response, page_number, **kwargs)

        monkeypatch.setattr(fetcher, "request", recorded_request)
        monkeypatch.setattr(fetcher, "page_of", recorded_page_of)

    def add(self, step: str, page_number: int) -> None:
        with self.lock:
            self.steps.append((step, page_number))

    def when(self, step: str, page_number: int) -> int:
        return self.steps.index((step, page_number))

    def wait_for(self, step: str, page_number: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if (step, page_number) in self.steps:
                    return
            time.sleep(0.005)


class Paced:
    """A server answering page N only once the consumer holds page N - 1, as a server taking its
    time does (the bench's takes 50 ms): the page before has been decoded by then, and what the
    pager does next depends on its rule, not on which thread the machine ran first."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response]) -> None:
        self.respond = respond
        self.handed = {page: threading.Event() for page in range(1, 101)}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if page >= 2:
            assert self.handed[page - 1].wait(SAFETY), f"page {page - 1} never reached the consumer"
        return self.respond(request)

    def on_page(self, page: Any) -> None:
        self.handed[page.page_number].set()


@pytest.mark.usefixtures("patient_hand_over")
def test_the_next_page_is_asked_for_before_a_full_page_is_decoded(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At prefetch=1 (one request at a time) decoding a page would otherwise sit between its
    # response and the next request on every cycle. Page 1 (the consumer's, decoded before the
    # window opens) tells the pager how large a full page is; pages 2-4 are as large, so page
    # N + 1 is asked for before page N is decoded. Page 5 is empty, far smaller: nothing is
    # guessed after it, and no request goes past the end.
    journal = Journal(monkeypatch)
    server = Paced(paged(40))
    harness.server.respond = server
    first = harness.client.call_sessions.list(page_size=10, prefetch=1)
    assert len(list(first.iter_items(on_page=server.on_page))) == 40
    join_prefetch_threads()
    for page in (2, 3, 4):
        assert journal.when("requested", page + 1) < journal.when("decoded", page), journal.steps
    assert sorted(harness.server.pages_requested) == [1, 2, 3, 4, 5]


@pytest.mark.usefixtures("patient_hand_over")
def test_a_short_last_page_as_large_as_a_full_one_costs_one_request_and_no_wait(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Page 3 holds 9 items, each long enough that its body outweighs the full pages before it:
    # the pager guesses it full and asks for page 4 before decoding it. The guess costs that one
    # request, held by the server until the test ends: iteration ends at page 3 without it.
    journal = Journal(monkeypatch)
    release = threading.Event()

    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if page == 4:
            assert release.wait(SAFETY)
            return json_response(200, page_body([]))
        count = 9 if page == 3 else 10
        made = [session(f"s{(page - 1) * 10 + i}", summary="x" * (200 if page == 3 else 1)) for i in range(count)]
        return json_response(200, page_body(made))

    server = Paced(respond)
    harness.server.respond = server
    first = harness.client.call_sessions.list(page_size=10, prefetch=1)
    try:
        assert [item.id for item in first.iter_items(on_page=server.on_page)] == [f"s{i}" for i in range(29)]
        assert journal.when("requested", 4) < journal.when("decoded", 3), journal.steps
    finally:
        release.set()
    join_prefetch_threads()
    assert sorted(harness.server.pages_requested) == [1, 2, 3, 4]


@pytest.mark.usefixtures("patient_hand_over")
def test_a_page_is_guessed_full_by_its_decoded_size_not_its_size_on_the_wire(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Page 1 (which tells the pager how large a full page is) comes as is; pages 2-4 come gzipped,
    # far fewer bytes on the wire than page 1's. The pager measures the body the client decoded
    # (and buffered, its Content-Length rewritten), so they are guessed full like page 1; a guess
    # by wire size would never ask ahead. Page 5 is empty, gzipped too: nothing is asked past it.
    journal = Journal(monkeypatch)
    honest = paged(40)

    def respond(request: httpx.Request) -> httpx.Response:
        response = honest(request)
        if request.url.params["page"] == "1":
            return response
        return httpx.Response(
            200,
            content=gzip.compress(response.content),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )

    server = Paced(respond)
    harness.server.respond = server
    first = harness.client.call_sessions.list(page_size=10, prefetch=1)
    assert ids(first.iter_items(on_page=server.on_page)) == [f"s{i}" for i in range(40)]
    join_prefetch_threads()
    for page in (2, 3, 4):
        assert journal.when("requested", page + 1) < journal.when("decoded", page), journal.steps
    assert sorted(harness.server.pages_requested) == [1, 2, 3, 4, 5]


@pytest.mark.usefixtures("patient_hand_over")
def test_no_page_is_guessed_past_the_total(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    # The phone history reports its total (25): page 3, the last, is as large as a full page would
    # be, but the total says no page follows it, so none is guessed; page 3 was, before page 2
    # was decoded.
    journal = Journal(monkeypatch)

    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        items = sessions("s", max(0, min(size, 25 - (page - 1) * size)), (page - 1) * size)
        padding = "x" * (200 if page == 3 else 1)
        return json_response(200, history_body([{**item, "note": padding} for item in items], total=25))

    server = Paced(respond)
    harness.server.respond = server
    first = harness.client.calls.list_phone_history(page_size=10, prefetch=1)
    assert len(list(first.iter_items(on_page=server.on_page))) == 25
    join_prefetch_threads()
    assert journal.when("requested", 3) < journal.when("decoded", 2), journal.steps
    assert sorted(harness.server.pages_requested) == [1, 2, 3]


@pytest.mark.usefixtures("patient_hand_over")
def test_a_page_is_handed_over_once_the_next_request_is_on_its_way(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The consumer, woken with a page, would take the interpreter from the thread about to send
    # the next request: a page waits until that request has started. Each page's body is smaller
    # than the one before, so no page is ever guessed full: this is the wait after decoding.
    journal = Journal(monkeypatch)

    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        made = [session(f"s{(page - 1) * 10 + i}", summary="x" * (100 - 10 * page)) for i in range(10)]
        return json_response(200, page_body(made if page <= 5 else []))

    server = Paced(respond)
    harness.server.respond = server

    def on_page(page: Any) -> None:
        journal.add("handed", page.page_number)
        server.on_page(page)

    # Each request for page N + 1 first waits a while for page N to reach the consumer: a pager
    # that handed pages over without waiting for the next request would be caught doing so. (The
    # pager's own wait holds page N for this one: each page costs the test this while.)
    journal.before_sending = lambda page_number: journal.wait_for("handed", page_number - 1, 0.2)

    first = harness.client.call_sessions.list(page_size=10, prefetch=1)
    assert len(list(first.iter_items(on_page=on_page))) == 50
    join_prefetch_threads()
    for page in (2, 3, 4, 5):
        assert journal.when("decoded", page) < journal.when("requested", page + 1), journal.steps
        assert journal.when("sent", page + 1) < journal.when("handed", page), journal.steps
    assert sorted(harness.server.pages_requested) == [1, 2, 3, 4, 5, 6]


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
