"""The pager: stop conditions, the repeated-page guard, max_items, de-duplication, raw access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ravan_client import AsyncPage, RepeatedPageError, SyncPage
from ravan_client.models import CallSession, CallSessionListResponse
from ravan_client.types import UNSET
from tests.unit.conftest import AsyncHarness, SyncHarness, ids, json_response, page_body


def pages_of(total: int, page_size_param: str = "page_size") -> Callable[[httpx.Request], httpx.Response]:
    """A server holding `total` sessions, paged honestly by page and page_size."""

    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        size = int(request.url.params[page_size_param])
        start = (page - 1) * size
        return json_response(200, page_body(ids("s", max(0, min(size, total - start)), start)))

    return respond


def test_first_page_exposes_items_body_and_response(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(200, page_body(ids("s", 3)), {"X-Request-Id": "r1"})
    page = harness.client.call_sessions.list(page_size=10)
    assert isinstance(page, SyncPage)
    assert all(isinstance(item, CallSession) for item in page.items)
    assert [item.id for item in page.items] == ["s0", "s1", "s2"]
    assert isinstance(page.body, CallSessionListResponse)
    assert page.body.message == "Call sessions fetched successfully"
    assert page.response.status_code == 200
    assert page.response.headers["X-Request-Id"] == "r1"
    assert (page.page_number, page.page_size) == (1, 10)


def test_iteration_stops_on_a_short_page(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(25)
    sessions = list(harness.client.call_sessions.list(page_size=10))
    assert [s.id for s in sessions] == [f"s{i}" for i in range(25)]
    assert harness.recorder.pages_requested == [1, 2, 3]


def test_iteration_stops_on_an_empty_page(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(20)
    sessions = list(harness.client.call_sessions.list(page_size=10))
    assert len(sessions) == 20
    assert harness.recorder.pages_requested == [1, 2, 3]


def test_an_empty_first_page_yields_nothing(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(0)
    page = harness.client.call_sessions.list()
    assert page.items == []
    assert not page.has_next_page()
    assert list(page) == []
    assert harness.recorder.pages_requested == [1]


def test_the_spec_default_page_size_decides_when_a_page_is_full(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(45)
    sessions = list(harness.client.call_sessions.list())
    assert len(sessions) == 45
    assert [int(r.url.params["page_size"]) for r in harness.recorder.requests] == [20, 20, 20]


def test_iteration_starts_at_the_requested_page(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(25)
    sessions = list(harness.client.call_sessions.list(page=2, page_size=10))
    assert [s.id for s in sessions] == [f"s{i}" for i in range(10, 25)]
    assert harness.recorder.pages_requested == [2, 3]


def test_a_server_that_ignores_page_raises_instead_of_looping(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(200, page_body(ids("same", 5)))
    with pytest.raises(RepeatedPageError) as caught:
        list(harness.client.call_sessions.list(page_size=5))
    assert caught.value.page_number == 2
    assert "ignore the page number" in str(caught.value)
    assert harness.recorder.pages_requested == [1, 2]


def test_max_items_bounds_the_iteration_and_the_requests(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(1000)
    sessions = list(harness.client.call_sessions.list(page_size=10, max_items=25))
    assert len(sessions) == 25
    assert harness.recorder.pages_requested == [1, 2, 3]


def test_max_items_zero_yields_nothing(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(10)
    assert list(harness.client.call_sessions.list(page_size=10, max_items=0)) == []


def test_sessions_repeated_across_a_page_boundary_are_yielded_once(harness: SyncHarness) -> None:
    # A new call arrived between the requests: page 2 starts with the last session of page 1.
    responses = {1: ids("s", 3, 0), 2: [*ids("s", 1, 2), *ids("s", 2, 3)], 3: []}
    harness.recorder.respond = lambda r: json_response(200, page_body(responses[int(r.url.params["page"])]))
    sessions = list(harness.client.call_sessions.list(page_size=3))
    assert [s.id for s in sessions] == ["s0", "s1", "s2", "s3", "s4"]


def test_page_navigation(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(15)
    first = harness.client.call_sessions.list(page_size=10)
    assert first.has_next_page()
    second = first.get_next_page()
    assert second.page_number == 2
    assert [s.id for s in second.items] == [f"s{i}" for i in range(10, 15)]
    assert not second.has_next_page()
    with pytest.raises(RuntimeError, match="last page"):
        second.get_next_page()
    assert [p.page_number for p in first.iter_pages()] == [1, 2]


def test_filters_are_sent_on_every_page(harness: SyncHarness) -> None:
    harness.recorder.respond = pages_of(15)
    list(harness.client.call_sessions.list(page_size=10, status="completed", channel="voice"))
    for request in harness.recorder.requests:
        assert request.url.params["status"] == "completed"
        assert request.url.params["channel"] == "voice"


@pytest.mark.parametrize("bad", [-1, True, 1.5, "3"])
def test_max_items_must_be_a_non_negative_integer(harness: SyncHarness, bad: Any) -> None:
    with pytest.raises(ValueError, match="max_items"):
        harness.client.call_sessions.list(max_items=bad)
    assert harness.recorder.requests == []


@pytest.mark.anyio
async def test_async_pager_awaits_to_the_first_page_and_iterates_every_item(async_harness: AsyncHarness) -> None:
    async_harness.recorder.respond = pages_of(25)
    first = await async_harness.client.call_sessions.list(page_size=10)
    assert isinstance(first, AsyncPage)
    assert len(first.items) == 10
    second = await first.get_next_page()
    assert second.page_number == 2
    assert [p.page_number async for p in first.iter_pages()] == [1, 2, 3]
    ids_seen = [s.id async for s in async_harness.client.call_sessions.list(page_size=10)]
    assert ids_seen == [f"s{i}" for i in range(25)]
    await async_harness.client.close()


@pytest.mark.anyio
async def test_async_pager_guards_against_repeated_pages_and_honours_max_items(async_harness: AsyncHarness) -> None:
    async_harness.recorder.respond = lambda request: json_response(200, page_body(ids("same", 4)))
    with pytest.raises(RepeatedPageError):
        [s async for s in async_harness.client.call_sessions.list(page_size=4)]
    limited = [s async for s in async_harness.client.call_sessions.list(page_size=4, max_items=3)]
    assert len(limited) == 3
    await async_harness.client.close()


@pytest.mark.anyio
async def test_async_list_validates_arguments_before_it_is_awaited(async_harness: AsyncHarness) -> None:
    with pytest.raises(ValueError, match="page_size"):
        async_harness.client.call_sessions.list(page_size=0)
    assert async_harness.recorder.requests == []
    await async_harness.client.close()


def test_an_unset_page_size_still_sends_the_size_the_pager_assumes(harness: SyncHarness) -> None:
    # The CLI passes UNSET for options not given; the pager then assumes the spec's default (20),
    # so that is what must be sent, or a server with another default would page differently.
    harness.recorder.respond = pages_of(25)
    sessions = list(harness.client.call_sessions.list(page_size=UNSET))
    assert len(sessions) == 25
    assert [r.url.params["page_size"] for r in harness.recorder.requests] == ["20", "20"]


def test_raw_items_are_the_json_objects_received_and_follow_the_same_pages(harness: SyncHarness) -> None:
    # A page boundary repeat (s2) and wire forms a model round trip would change ("Z", 5 vs 5.0).
    responses: dict[int, list[dict[str, Any]]] = {
        1: [{"id": "s0"}, {"id": "s1"}, {"id": "s2", "startedAt": "2026-11-24T16:02:11Z"}],
        2: [{"id": "s2"}, {"id": "s3", "creditBreakdown": {"total_credits": 5}, "newKey": [1]}],
    }
    harness.recorder.respond = lambda r: json_response(200, page_body(responses[int(r.url.params["page"])]))
    first = harness.client.call_sessions.list(page_size=3)
    assert first.raw_items == responses[1]
    raw = list(first.iter_raw_items())
    assert raw == [*responses[1], responses[2][1]]
    assert [s.id for s in first.iter_items()] == ["s0", "s1", "s2", "s3"]


def test_a_server_cycling_through_two_pages_raises_instead_of_looping(harness: SyncHarness) -> None:
    # Page 2 differs from page 1, so the previous-page check passes; page 3 is page 1 again.
    cycle = {1: ids("a", 5), 0: ids("b", 5)}
    harness.recorder.respond = lambda r: json_response(200, page_body(cycle[int(r.url.params["page"]) % 2]))
    with pytest.raises(RepeatedPageError, match="repeats an earlier page") as caught:
        list(harness.client.call_sessions.list(page_size=5))
    assert caught.value.page_number == 3
    assert harness.recorder.pages_requested == [1, 2, 3]
