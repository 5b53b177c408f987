"""Functions run in worker processes by the fault suite (`concurrent.futures.ProcessPoolExecutor`).

A module of its own, importing only the client: a worker started with `spawn` imports it, and
nothing of pytest or the fault server.
"""

from __future__ import annotations

import asyncio

import httpx

from ravan_client import AsyncRavanClient, RavanClient

WORKER_API_KEY = "sk-worker-0b8d5e2c71f94a36"


def _echoing(status: int) -> httpx.MockTransport:
    """A server answering `status` with a message that repeats the key it received (an empty page
    for 200)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if status == 200:
            return httpx.Response(200, json={"success": True, "data": {"callSessions": []}})
        key = request.headers.get("x-api-key", "")
        return httpx.Response(status, json={"success": False, "message": f"key {key} refused"})

    return httpx.MockTransport(handler)


def list_call_sessions(status: int, flavor: str) -> int:
    """`call_sessions.list()` against a server answering `status`: raises what the client raises
    (in the worker; the pool sends the error to the parent pickled), or returns the item count."""
    base_url = "https://api.ravan.ai"
    if flavor == "sync":
        with RavanClient(
            api_key=WORKER_API_KEY, base_url=base_url, max_retries=0, transport=_echoing(status)
        ) as client:
            return len(client.call_sessions.list().items)

    async def main() -> int:
        async with AsyncRavanClient(
            api_key=WORKER_API_KEY, base_url=base_url, max_retries=0, transport=_echoing(status)
        ) as client:
            return len((await client.call_sessions.list()).items)

    return asyncio.run(main())
