"""Iterating over every page against a real HTTP server (Prism), sync and async.

Prism ignores `page` and always answers with the default example (the first named example of the
200 response). With the default page size that one-session page is short, so iteration yields its
sessions and stops. With `page_size=1` it is full, the pager asks for page 2, gets the same session
again, and must raise RepeatedPageError instead of looping forever: the pager-trap guard working
against a real server.
"""

from __future__ import annotations

import pytest

from ravan_client import RepeatedPageError
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.contract.spec_support import success_examples

pytestmark = pytest.mark.contract

DEFAULT_EXAMPLE = next(iter(success_examples().values()))
DEFAULT_EXAMPLE_IDS = [session["id"] for session in DEFAULT_EXAMPLE["data"]["callSessions"]]


def test_the_default_example_is_a_short_non_empty_page() -> None:
    """The tests below rely on it: one page of fewer sessions than 20, but at least one."""
    assert 0 < len(DEFAULT_EXAMPLE_IDS) < 20


def test_iteration_yields_the_sessions_of_a_short_page_and_stops(prism_server: ApiServer) -> None:
    with sync_client(prism_server) as client:
        first = client.call_sessions.list(page_size=20)
        sessions = list(first)
    assert [session.id for session in sessions] == DEFAULT_EXAMPLE_IDS
    assert not first.has_next_page()
    assert [page.page_number for page in first.iter_pages()] == [1]


@pytest.mark.anyio
async def test_async_iteration_yields_the_sessions_of_a_short_page_and_stops(prism_server: ApiServer) -> None:
    async with async_client(prism_server) as client:
        sessions = [session async for session in client.call_sessions.list(page_size=20)]
    assert [session.id for session in sessions] == DEFAULT_EXAMPLE_IDS


def test_a_server_that_ignores_the_page_number_trips_the_repeated_page_guard(prism_server: ApiServer) -> None:
    with sync_client(prism_server) as client:
        pager = client.call_sessions.list(page_size=1)
        with pytest.raises(RepeatedPageError) as caught:
            list(pager)
    assert caught.value.page_number == 2
    assert caught.value.request.url.params["page"] == "2"


@pytest.mark.anyio
async def test_async_iteration_trips_the_repeated_page_guard_too(prism_server: ApiServer) -> None:
    async with async_client(prism_server) as client:
        with pytest.raises(RepeatedPageError) as caught:
            async for _session in client.call_sessions.list(page_size=1):
                pass
    assert caught.value.page_number == 2


def test_the_guard_also_trips_with_prefetching(prism_server: ApiServer) -> None:
    with sync_client(prism_server) as client, pytest.raises(RepeatedPageError):
        list(client.call_sessions.list(page_size=1, prefetch=2))


def test_max_items_stops_before_the_repeated_page_is_fetched(prism_server: ApiServer) -> None:
    with sync_client(prism_server) as client:
        sessions = list(client.call_sessions.list(page_size=1, max_items=1))
    assert [session.id for session in sessions] == DEFAULT_EXAMPLE_IDS[:1]
