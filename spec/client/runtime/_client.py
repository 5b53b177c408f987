"""`RavanClient` and `AsyncRavanClient`: the objects users create.

Hand-written; `scripts/generate` copies this module into the generated package. The resources
(`client.call_sessions`, one per tag of the spec) come from the generated `resources.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Self

import httpx

from ._base_client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, AsyncAPIClient, SyncAPIClient, TimeoutTypes
from .client import AuthenticatedClient
from .resources import API_KEY_HEADER, AsyncResources, SyncResources

__all__ = ["AsyncRavanClient", "RavanClient"]


class RavanClient(SyncAPIClient, SyncResources):
    """A client for the Ravan AI (Agni) API.

    Args:
        api_key: Your API key. Default: the `RAVAN_API_KEY` environment variable (or
            `AGNI_API_KEY`). Never shown in repr(), logs or error messages.
        base_url: Default: `RAVAN_BASE_URL`, else https://api.ravan.ai. Plain http is refused
            except to loopback hosts, unless `allow_insecure_http=True`.
        timeout: Seconds (or an `httpx.Timeout`) for each attempt; default 60 s, 5 s to
            connect. `None` disables it. Every method takes `timeout=` too.
        max_retries: Retries of connection errors, timeouts, 408, 409, 429 and 5xx; default 2,
            0 disables. Every method takes `max_retries=` too.
        default_headers: Headers sent with every request.
        http_client: Your own `httpx.Client` (proxies, mTLS, ...). You keep ownership: `close()`
            does not close it.
        transport: An httpx transport for a client this object creates (tests, custom routing).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        super().__init__(
            http_client=http_client,
            transport=transport,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            api_key_header=API_KEY_HEADER,
        )

    def low_level_client(self) -> AuthenticatedClient:
        """The generated low-level client (`api.<tag>.<operation>.sync(client=...)`) with this
        client's key, base URL and timeout; no retries or typed errors."""
        return AuthenticatedClient(
            base_url=str(self.base_url),
            token=self._api_key.reveal(),
            timeout=self.timeout,
            headers=dict(self._default_headers),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncRavanClient(AsyncAPIClient, AsyncResources):
    """The asyncio twin of `RavanClient`: same arguments, awaitable methods.

    `await client.call_sessions.list(...)` gives the first page; `async for` over
    `client.call_sessions.list(...)` gives every item of every page.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        super().__init__(
            http_client=http_client,
            transport=transport,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            api_key_header=API_KEY_HEADER,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()
