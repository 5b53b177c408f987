"""Pagination against a hostile server: one that ignores the page number (sending the same page, or
one new call per request), pages that are not lists of sessions, sessions without an id, speculative
pages that never come, and a page of tens of MB.

Tests whose server answers at once use PATIENT_TIMEOUT, so that a busy machine never turns a
pagination fault into a timeout.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from types import FrameType
from typing import Any

import anyio
import pytest

from ravan_client import APIResponseValidationError, RepeatedPageError
from ravan_client._pagination import STALLED_PAGES
from tests.faults.conftest import PATIENT_TIMEOUT, Flavor, fault_client, make_client
from tests.faults.fault_server import (
    LARGE_PAGE_SESSIONS,
    PAGER_TRAP_SAFETY_VALVE,
    STALL_LIMIT_SECONDS,
    FaultServer,
    large_page_body,
    page_body,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


# --- a server that ignores the page number -----------------------------------------------------------


async def test_a_server_that_ignores_the_page_number_raises_repeated_page_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "pager-trap", token, timeout=PATIENT_TIMEOUT) as under_test:
        with pytest.raises(RepeatedPageError) as caught:
            await under_test.all_items(page_size=5)
    assert caught.value.page_number == 2
    assert [request.page for request in fault_server.requests_for(token)] == [1, 2]


@pytest.mark.parametrize("prefetch", [1, 4])
async def test_the_pager_trap_is_caught_while_prefetching(
    flavor: Flavor, fault_server: FaultServer, token: str, prefetch: int
) -> None:
    async with fault_client(flavor, fault_server, "pager-trap", token, timeout=PATIENT_TIMEOUT) as under_test:
        with pytest.raises(RepeatedPageError):
            await under_test.all_items(page_size=5, prefetch=prefetch)
    # Page 1; then `prefetch` pages in flight, and one more sent as page 2 is handed over (the
    # refill) when the repeat is seen. Far from the safety valve.
    assert 2 <= fault_server.attempts(token) <= 2 + prefetch < PAGER_TRAP_SAFETY_VALVE


@pytest.mark.parametrize("prefetch", [0, 4])
async def test_one_new_call_per_request_while_the_page_number_is_ignored_raises_repeated_page_error(
    flavor: Flavor, fault_server: FaultServer, token: str, prefetch: int
) -> None:
    """Each page is one new session and the same others: no page repeats the previous one whole, so
    only the guard against pages that are mostly repeats stops this (it looped to the valve before)."""
    async with fault_client(flavor, fault_server, "pager-trap-growing", token, timeout=PATIENT_TIMEOUT) as under_test:
        with pytest.raises(RepeatedPageError, match="each repeat most of the page before"):
            await under_test.all_items(page_size=5, prefetch=prefetch)
    # Page 1 and STALLED_PAGES mostly repeated pages; with prefetching, what was in flight too.
    assert fault_server.attempts(token) <= 1 + STALLED_PAGES + (prefetch + 1 if prefetch else 0)
    assert fault_server.attempts(token) < PAGER_TRAP_SAFETY_VALVE


# --- sessions without an id ---------------------------------------------------------------------------


async def test_a_session_with_a_null_id_on_the_next_page_is_not_dropped(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """Items repeated across a page boundary are yielded once; only items with an id are compared:
    a null-id session identical to one on the page before may be another call all the same."""
    null_id = {"id": None, "status": "failed"}
    fault_server.script_pages(
        token,
        [
            page_body([null_id, {"id": "cs_1"}, {"id": "cs_2"}]),
            page_body([null_id, {"id": "cs_2"}, {"id": "cs_3"}]),  # cs_2 shifted over: a repeat
        ],
    )
    async with fault_client(flavor, fault_server, "scripted", token, timeout=PATIENT_TIMEOUT) as under_test:
        sessions = await under_test.all_items(page_size=3)
    assert [session.id for session in sessions] == [None, "cs_1", "cs_2", None, "cs_3"]
    assert [request.page for request in fault_server.requests_for(token)] == [1, 2, 3]


async def test_full_pages_of_null_id_sessions_that_differ_are_not_taken_for_repeats(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    fault_server.script_pages(
        token,
        [
            page_body([{"id": None, "roomId": f"room-a{i}"} for i in range(3)]),
            page_body([{"id": None, "roomId": f"room-b{i}"} for i in range(3)]),
        ],
    )
    async with fault_client(flavor, fault_server, "scripted", token, timeout=PATIENT_TIMEOUT) as under_test:
        sessions = await under_test.all_items(page_size=3)
    assert [session.room_id for session in sessions] == [f"room-{page}{i}" for page in "ab" for i in range(3)]


async def test_full_pages_of_identical_null_id_sessions_raise_repeated_page_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """The control: without ids the guard compares content, so a server that ignores the page
    number is still caught."""
    same = page_body([{"id": None, "roomId": f"room-{i}"} for i in range(3)])
    fault_server.script_pages(token, [same] * 5)
    async with fault_client(flavor, fault_server, "scripted", token, timeout=PATIENT_TIMEOUT) as under_test:
        with pytest.raises(RepeatedPageError):
            await under_test.all_items(page_size=3)
    assert fault_server.attempts(token) == 2


# --- bodies whose items are not a list of sessions ----------------------------------------------------

NOT_A_LIST_OF_SESSIONS: dict[str, Any] = {
    "call-sessions-is-an-object": {"success": True, "data": {"callSessions": {}}},
    "call-sessions-is-a-string": {"success": True, "data": {"callSessions": ""}},
    "a-session-is-a-list": {"success": True, "data": {"callSessions": [{"id": "cs_1"}, ["cs_2"]]}},
}


@pytest.mark.parametrize("body", NOT_A_LIST_OF_SESSIONS.values(), ids=NOT_A_LIST_OF_SESSIONS.keys())
async def test_items_that_are_not_a_list_of_sessions_raise_response_validation_error_not_an_empty_page(
    flavor: Flavor, fault_server: FaultServer, token: str, body: Any
) -> None:
    fault_server.script_pages(token, [body])
    async with fault_client(flavor, fault_server, "scripted", token, timeout=PATIENT_TIMEOUT) as under_test:
        with pytest.raises(APIResponseValidationError, match="callSessions") as caught:
            await under_test.all_items()
    assert caught.value.status_code == 200
    assert fault_server.attempts(token) == 1


# --- speculative pages that never come ----------------------------------------------------------------

PAGE_SIZE = 5
# The stalled pages would hold the caller until the server gives up on them (STALL_LIMIT_SECONDS);
# the client's timeout is longer still, so only abandoning them returns sooner.
STALLED_CALL_TIMEOUT = 2 * STALL_LIMIT_SECONDS
PROMPTLY = STALL_LIMIT_SECONDS / 3


def _wait_until_requested(server: FaultServer, token: str, attempts: int) -> Callable[[], Coroutine[Any, Any, None]]:
    """A coroutine function that waits (up to 10 s) until the server has seen `attempts` requests of
    this test, so that the speculative pages are really on the wire."""

    async def wait() -> None:
        with anyio.move_on_after(10):
            while server.attempts(token) < attempts:
                await anyio.sleep(0.01)

    return wait


@pytest.mark.timeout(180)
@pytest.mark.parametrize("prefetch", [1, 4])
async def test_a_break_while_prefetching_does_not_wait_for_the_pages_in_flight(
    flavor: Flavor, fault_server: FaultServer, token: str, prefetch: int
) -> None:
    """Pages 1 and 2 come, later pages never do. The caller breaks on page 2's first item, with
    `prefetch` later pages on the wire: the call returns at once, not when they would end."""
    async with fault_client(flavor, fault_server, "stall-after", token, 2, timeout=STALLED_CALL_TIMEOUT) as under_test:
        started = time.monotonic()
        sessions = await under_test.first_items(
            PAGE_SIZE + 1,
            page_size=PAGE_SIZE,
            prefetch=prefetch,
            before_break=_wait_until_requested(fault_server, token, 3 + prefetch - 1),
        )
        elapsed = time.monotonic() - started
    assert [session.id for session in sessions][-1] == "page-2-0"
    assert fault_server.attempts(token) >= 3  # a page that never comes was on the wire
    assert elapsed < PROMPTLY


@pytest.mark.timeout(180)
@pytest.mark.parametrize("prefetch", [1, 4])
async def test_max_items_reached_while_prefetching_does_not_wait_for_the_pages_in_flight(
    flavor: Flavor, fault_server: FaultServer, token: str, prefetch: int
) -> None:
    async with fault_client(flavor, fault_server, "stall-after", token, 2, timeout=STALLED_CALL_TIMEOUT) as under_test:
        started = time.monotonic()
        sessions = await under_test.all_items(page_size=PAGE_SIZE, prefetch=prefetch, max_items=PAGE_SIZE + 2)
        elapsed = time.monotonic() - started
    assert len(sessions) == PAGE_SIZE + 2
    assert elapsed < PROMPTLY


# Long enough that the pager has decoded the page before by the time a page arrives, so that the
# sync pager's guess (`_PrefetchPlan.answered`) is made; a busy machine may still miss it.
SCRIPTED_ANSWER_DELAY_MS = 200


@pytest.mark.timeout(180)
async def test_a_page_guessed_past_a_short_last_page_that_never_comes_does_not_hold_the_caller(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    """Pages 1 and 2 are full; page 3 is short, but its sessions are long, so its body is as large
    as a full page's: the sync pager guesses it full and asks for page 4 before decoding it. Page 4
    never comes: iteration ends at page 3 all the same, at once, every session once, and the cut
    request leaves no connection busy (the async pager does not guess: it never asks for page 4)."""
    full_pages = [page_body([{"id": f"page-{page}-{i}"} for i in range(PAGE_SIZE)]) for page in (1, 2)]
    long_sessions = [{"id": f"page-3-{i}", "roomId": "r" * 200} for i in range(PAGE_SIZE - 1)]
    fault_server.script_pages(token, [*full_pages, page_body(long_sessions)])
    async with fault_client(
        flavor, fault_server, "scripted-then-stall", token, SCRIPTED_ANSWER_DELAY_MS, timeout=STALLED_CALL_TIMEOUT
    ) as under_test:
        started = time.monotonic()
        sessions = await under_test.all_items(page_size=PAGE_SIZE, prefetch=1)
        elapsed = time.monotonic() - started
    expected = [f"page-{page}-{i}" for page in (1, 2) for i in range(PAGE_SIZE)] + [
        f"page-3-{i}" for i in range(PAGE_SIZE - 1)
    ]
    assert [session.id for session in sessions] == expected
    pages = [request.page for request in fault_server.requests_for(token)]
    assert sorted(pages)[:3] == [1, 2, 3]
    assert len(pages) <= (4 if flavor == "sync" else 3), pages  # the guess costs one request, no more
    assert elapsed < PROMPTLY


@pytest.mark.timeout(180)
@pytest.mark.parametrize("prefetch", [1, 4])
async def test_cancelling_an_async_iteration_waiting_on_a_stalled_page_returns_at_once(
    fault_server: FaultServer, token: str, prefetch: int
) -> None:
    """What Ctrl-C does to `asyncio.run(main())`: the main task is cancelled. Here it is cancelled
    while waiting for page 2, which never comes, with more pages on the wire."""
    async with fault_client("async", fault_server, "stall-after", token, 1, timeout=STALLED_CALL_TIMEOUT) as under_test:
        task_started = time.monotonic()
        task = asyncio.ensure_future(under_test.all_items(page_size=PAGE_SIZE, prefetch=prefetch))
        await _wait_until_requested(fault_server, token, 1 + prefetch)()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        elapsed = time.monotonic() - task_started
    assert fault_server.attempts(token) >= 2
    assert elapsed < PROMPTLY


@pytest.mark.timeout(180)
@pytest.mark.parametrize("prefetch", [1, 4])
def test_ctrl_c_while_the_sync_pager_waits_on_a_stalled_page_returns_at_once(
    fault_server: FaultServer, token: str, prefetch: int
) -> None:
    """A real SIGINT, delivered while the main thread is blocked waiting for page 2 (which never
    comes, with more pages on the wire): KeyboardInterrupt at once, and no connection left busy."""
    assert threading.current_thread() is threading.main_thread(), "signals reach the main thread only"
    under_test = make_client("sync", fault_server.base_url("stall-after", token, 1), timeout=STALLED_CALL_TIMEOUT)
    interrupted = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    def interrupt_once_on_the_wire() -> None:
        deadline = time.monotonic() + 10
        while fault_server.attempts(token) < 1 + prefetch and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the consumer is blocked on page 2 by now
        os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        interrupter = threading.Thread(target=interrupt_once_on_the_wire)
        started = time.monotonic()
        interrupter.start()
        with pytest.raises(KeyboardInterrupt):
            list(_items(under_test.client, prefetch))
        elapsed = time.monotonic() - started
        interrupter.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert interrupted.is_set()
    assert fault_server.attempts(token) >= 2
    assert elapsed < PROMPTLY
    assert anyio.run(under_test.busy_connections_after_settling) == []
    anyio.run(under_test.close)
    assert fault_server.wait_for_connections_closed(token) == 0


def _items(client: Any, prefetch: int) -> Iterator[Any]:
    yield from client.call_sessions.list(page_size=PAGE_SIZE, prefetch=prefetch)


# --- a very large page --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _large_page_built() -> None:
    """Builds the large body before the test starts, so its time is not the test's."""
    large_page_body()


@pytest.mark.timeout(180)
@pytest.mark.usefixtures("_large_page_built")
async def test_a_page_of_100_000_realistic_sessions_parses_completely(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    assert len(large_page_body()) > 30_000_000
    async with fault_client(flavor, fault_server, "large-page", token, timeout=30.0) as under_test:
        sessions = await under_test.all_items(page_size=LARGE_PAGE_SESSIONS)
    assert len(sessions) == LARGE_PAGE_SESSIONS
    assert len({session.id for session in sessions}) == LARGE_PAGE_SESSIONS
    assert sessions[0].id == "cs_0000000000"
    assert sessions[-1].id == f"cs_{LARGE_PAGE_SESSIONS - 1:010d}"
    assert sessions[-1].duration_sec == 216
    # The page was full, so the pager asked for page 2, which came back empty.
    assert [request.page for request in fault_server.requests_for(token)] == [1, 2]
