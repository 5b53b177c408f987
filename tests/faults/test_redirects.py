"""Redirects and the API key: the key goes only to the origin it was configured for.

The fault server is reached as `127.0.0.1` (the configured origin) and redirects to itself as
`localhost`: same port, another host, so another origin. The server records the headers of every
request, so the tests assert on what each host actually received.
"""

from __future__ import annotations

import pytest

from tests.faults.conftest import API_KEY, Flavor, fault_client
from tests.faults.fault_server import FaultServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(20)]


async def test_a_redirect_to_another_host_arrives_without_the_key(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "redirect", token, "localhost") as under_test:
        page = await under_test.first_page(status="completed")
    assert [item.id for item in page.items] == [f"ok-{token}"]
    first, second = fault_server.requests_for(token)
    assert first.headers["host"] == f"127.0.0.1:{fault_server.port}"
    assert first.headers["x-api-key"] == API_KEY
    assert second.headers["host"] == f"localhost:{fault_server.port}"
    assert "x-api-key" not in second.headers
    assert all(API_KEY not in value for value in second.headers.values())
    assert second.query_values("status") == ["completed"]  # the redirect kept the query


async def test_a_redirect_within_the_origin_keeps_the_key(
    flavor: Flavor, fault_server: FaultServer, token: str
) -> None:
    async with fault_client(flavor, fault_server, "redirect", token, "127.0.0.1") as under_test:
        await under_test.first_page()
    first, second = fault_server.requests_for(token)
    assert second.route == "ok"
    assert first.headers["x-api-key"] == second.headers["x-api-key"] == API_KEY
