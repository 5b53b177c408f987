"""Pagination against a hostile server: one that ignores the page number, and a page of tens of MB."""

from __future__ import annotations

import pytest

from ravan_client import RepeatedPageError
from tests.faults.conftest import Flavor, fault_client
from tests.faults.fault_server import LARGE_PAGE_SESSIONS, PAGER_TRAP_SAFETY_VALVE, FaultServer, large_page_body

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(20)]


async def test_a_server_that_ignores_the_page_number_raises_repeated_page_error(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "pager-trap", token) as under_test:
        with pytest.raises(RepeatedPageError) as caught:
            await under_test.all_items(page_size=5)
    assert caught.value.page_number == 2
    assert [request.page for request in fault_server.requests_for(token)] == [1, 2]


@pytest.mark.parametrize("prefetch", [1, 4])
async def test_the_pager_trap_is_caught_while_prefetching(
    flavor: Flavor, fault_server: FaultServer, token: str, prefetch: int
) -> None:
    async with fault_client(flavor, fault_server, "pager-trap", token) as under_test:
        with pytest.raises(RepeatedPageError):
            await under_test.all_items(page_size=5, prefetch=prefetch)
    # Page 1, then at most `prefetch` pages in flight when the repeat is seen; far from the valve.
    assert 2 <= fault_server.attempts(token) <= 1 + prefetch < PAGER_TRAP_SAFETY_VALVE


@pytest.fixture(scope="module")
def _large_page_built() -> None:
    """Builds the large body before the test starts, so its time is not the test's."""
    large_page_body()


@pytest.mark.timeout(60)
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
