"""Pages of a list operation, and iteration over every item of every page.

Hand-written; `scripts/generate` copies this module into the generated package. The generated
resource methods say, from the operation's `x-pagination` in the spec, how to build the request for
page N, how to parse the body, where its items are and what identifies an item.

The API returns no total and no next-page link, so paging is by page number and stops at:
- an empty page, or a page shorter than the page size (the last page);
- `max_items` items, when given.

A server that ignores the page number and sends the same full page again would make that loop
forever; a full page all of whose items were on the previous page raises `RepeatedPageError`.
Items repeated across a page boundary (offset pages shift when new calls arrive) are yielded once.
Fix the window with a `started_before` filter for a stable listing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Hashable,
    Iterator,
    Mapping,
    Sequence,
)
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from ._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient
from ._exceptions import RepeatedPageError

__all__ = ["AsyncPage", "AsyncPager", "PageSpec", "SyncPage"]

BodyT = TypeVar("BodyT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class PageSpec(Generic[BodyT, ItemT]):
    """How to read one page of one operation; generated from the operation's `x-pagination`."""

    parse: Callable[[Any], BodyT]
    items: Callable[[BodyT], Sequence[ItemT]]
    item_key: Callable[[ItemT], object]
    raw_items: Callable[[Any], Sequence[dict[str, Any]]]
    """The same items as the JSON objects received (wire keys, values as sent)."""


class _BasePage(Generic[ItemT]):
    items: list[ItemT]
    """This page's items, parsed into models."""
    raw_items: list[dict[str, Any]]
    """The same items as the JSON objects the server sent (what an export writes)."""
    body: Any
    """The whole parsed response body (the envelope), for fields other than the items."""
    response: httpx.Response
    """The HTTP response this page came from: status, headers, raw content."""
    page_number: int
    page_size: int

    def __init__(
        self,
        fetcher: Any,
        parsed: tuple[Any, list[ItemT], list[dict[str, Any]]],
        *,
        response: httpx.Response,
        page_number: int,
    ) -> None:
        self._fetcher = fetcher
        self.body, self.items, self.raw_items = parsed
        self.response = response
        self.page_number = page_number
        self.page_size = fetcher.page_size

    def has_next_page(self) -> bool:
        """Whether another page may follow: this one is full. A full last page costs one more
        request, which comes back empty."""
        return 0 < len(self.items) >= self.page_size

    def _check_not_repeated(self, previous: _BasePage[ItemT], item_key: Callable[[ItemT], object]) -> None:
        if len(self.items) < self.page_size or not self.items:
            return
        previous_keys = {item_key(item) for item in previous.items}
        if all(item_key(item) in previous_keys for item in self.items):
            raise RepeatedPageError(
                f"Page {self.page_number} repeats every item of page {previous.page_number}: the server "
                "seems to ignore the page number, so iteration stopped instead of looping forever. "
                "(If at least a page of new calls arrived between the two requests, the pages shifted "
                "instead: fix the window with started_before.)",
                request=self.response.request,
                page_number=self.page_number,
            )

    def _check_not_seen_before(self, seen: set[int], item_key: Callable[[ItemT], object]) -> None:
        """A full page identical to any earlier one (not only the previous) means the server is
        cycling through pages regardless of the page number: A, B, A, B, ... would never end."""
        if len(self.items) < self.page_size or not self.items:
            return
        fingerprint = hash(tuple(item_key(item) for item in self.items))
        if fingerprint in seen:
            raise RepeatedPageError(
                f"Page {self.page_number} repeats an earlier page: the server seems to ignore the page "
                "number, so iteration stopped instead of looping forever.",
                request=self.response.request,
                page_number=self.page_number,
            )
        seen.add(fingerprint)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} page={self.page_number} items={len(self.items)} page_size={self.page_size}>"


def _new_positions(
    page: _BasePage[ItemT], previous: _BasePage[ItemT] | None, item_key: Callable[[ItemT], object]
) -> list[int]:
    """Positions of the items of `page` that were not on the previous page."""
    if previous is None:
        return list(range(len(page.items)))
    seen = {item_key(item) for item in previous.items}
    return [position for position, item in enumerate(page.items) if item_key(item) not in seen]


def _parse_page(
    parse: Callable[[Callable[[Any], BodyT]], BodyT], spec: PageSpec[BodyT, ItemT]
) -> tuple[BodyT, list[ItemT], list[dict[str, Any]]]:
    """Parse a body once into the envelope model, its items, and the items' raw JSON objects."""
    received: list[Any] = []

    def keep_and_parse(data: Any) -> BodyT:
        received.append(data)
        body = spec.parse(data)
        for item in spec.items(body):
            key = spec.item_key(item)
            if not isinstance(key, Hashable):  # e.g. an id that is a list: no identity to page by
                raise TypeError(f"an item's key is a {type(key).__name__}, not a value: {key!r:.80}")
        return body

    body = parse(keep_and_parse)
    return body, list(spec.items(body)), list(spec.raw_items(received[0]))


# --- sync ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SyncFetcher(Generic[BodyT, ItemT]):
    """Everything a list call fixed: how to request, parse and bound its pages."""

    client: SyncAPIClient
    build_request: Callable[[int], Mapping[str, Any]]
    spec: PageSpec[BodyT, ItemT]
    page_size: int
    options: RequestOptions
    max_items: int | None
    prefetch: int

    def fetch(self, page_number: int, abandon: threading.Event | None = None) -> SyncPage[ItemT]:
        response = self.client.request(self.build_request(page_number), self.options, abandon=abandon)
        parsed = _parse_page(lambda parse: self.client.parse(response, parse), self.spec)
        return SyncPage(self, parsed, response=response, page_number=page_number)


class SyncPage(_BasePage[ItemT]):
    """One page of results. Iterating over it yields every item of this page and the pages after
    it, fetched as needed."""

    _fetcher: _SyncFetcher[Any, ItemT]

    def get_next_page(self) -> SyncPage[ItemT]:
        """Fetch the page after this one. Raises RuntimeError if `has_next_page()` is False."""
        if not self.has_next_page():
            raise RuntimeError("This is the last page: check has_next_page() before get_next_page().")
        page = self._fetcher.fetch(self.page_number + 1)
        page._check_not_repeated(self, self._fetcher.spec.item_key)
        return page

    def iter_pages(self) -> Iterator[SyncPage[ItemT]]:
        """This page, then every page after it."""
        seen: set[int] = set()
        for page in self._iter_pages_prefetching() if self._fetcher.prefetch > 0 else self._iter_pages_one_by_one():
            page._check_not_seen_before(seen, self._fetcher.spec.item_key)
            yield page

    def _iter_pages_one_by_one(self) -> Iterator[SyncPage[ItemT]]:
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def _iter_pages_prefetching(self) -> Generator[SyncPage[ItemT]]:
        """Keep up to `prefetch` later pages in flight; yield pages strictly in order."""
        fetcher = self._fetcher
        page = self
        yield page
        if not page.has_next_page():
            return
        pending: dict[int, Future[SyncPage[ItemT]]] = {}
        next_to_submit = page.page_number + 1
        abandon = threading.Event()
        with ThreadPoolExecutor(max_workers=fetcher.prefetch, thread_name_prefix="ravan-prefetch") as pool:
            try:
                while True:
                    while len(pending) < fetcher.prefetch:
                        pending[next_to_submit] = pool.submit(fetcher.fetch, next_to_submit, abandon)
                        next_to_submit += 1
                    following = pending.pop(page.page_number + 1).result()
                    following._check_not_repeated(page, fetcher.spec.item_key)
                    page = following
                    if not page.has_next_page():
                        yield page
                        return
                    # Refill before handing the page over, so the consumer's work on it overlaps
                    # the requests in flight (with prefetch=1: the next page is on the wire).
                    pending[next_to_submit] = pool.submit(fetcher.fetch, next_to_submit, abandon)
                    next_to_submit += 1
                    yield page
            finally:
                # Past the last page, or the consumer stopped early: requests not started are
                # cancelled, those between attempts stop at once (no retry, no Retry-After wait),
                # and the executor waits only for attempts already on the wire (a thread cannot
                # be interrupted mid-request), so no request outlives the iteration and no pooled
                # connection is left busy.
                abandon.set()
                for future in pending.values():
                    future.cancel()

    def __iter__(self) -> Iterator[ItemT]:
        return self.iter_items()

    def iter_items(self, on_page: Callable[[SyncPage[ItemT]], None] | None = None) -> Iterator[ItemT]:
        """Every item of this page and the pages after it (what iterating the page gives);
        `on_page` is called with each page as it arrives, e.g. to show progress."""
        for page, position in self._iter_positions(on_page):
            yield page.items[position]

    def iter_raw_items(self, on_page: Callable[[SyncPage[ItemT]], None] | None = None) -> Iterator[dict[str, Any]]:
        """The same items as `iter_items`, as the JSON objects the server sent."""
        for page, position in self._iter_positions(on_page):
            yield page.raw_items[position]

    def _iter_positions(
        self, on_page: Callable[[SyncPage[ItemT]], None] | None
    ) -> Iterator[tuple[SyncPage[ItemT], int]]:
        limit = self._fetcher.max_items
        if limit is not None and limit <= 0:
            return
        yielded = 0
        previous: SyncPage[ItemT] | None = None
        for page in self.iter_pages():
            if on_page is not None:
                on_page(page)
            for position in _new_positions(page, previous, self._fetcher.spec.item_key):
                yield page, position
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            previous = page


# --- async ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AsyncFetcher(Generic[BodyT, ItemT]):
    """Everything a list call fixed: how to request, parse and bound its pages."""

    client: AsyncAPIClient
    build_request: Callable[[int], Mapping[str, Any]]
    spec: PageSpec[BodyT, ItemT]
    page_size: int
    options: RequestOptions
    max_items: int | None
    prefetch: int

    async def fetch(self, page_number: int) -> AsyncPage[ItemT]:
        response = await self.client.request(self.build_request(page_number), self.options)
        parsed = _parse_page(lambda parse: self.client.parse(response, parse), self.spec)
        return AsyncPage(self, parsed, response=response, page_number=page_number)


class AsyncPage(_BasePage[ItemT]):
    """One page of results; `async for` over it yields every item of this page and the pages
    after it, fetched as needed."""

    _fetcher: _AsyncFetcher[Any, ItemT]

    async def get_next_page(self) -> AsyncPage[ItemT]:
        """Fetch the page after this one. Raises RuntimeError if `has_next_page()` is False."""
        if not self.has_next_page():
            raise RuntimeError("This is the last page: check has_next_page() before get_next_page().")
        page = await self._fetcher.fetch(self.page_number + 1)
        page._check_not_repeated(self, self._fetcher.spec.item_key)
        return page

    async def iter_pages(self) -> AsyncGenerator[AsyncPage[ItemT]]:
        """This page, then every page after it."""
        seen: set[int] = set()
        pages = self._iter_pages_prefetching() if self._fetcher.prefetch > 0 else self._iter_pages_one_by_one()
        # Closed as soon as this generator is (not when the garbage collector gets to it), so
        # prefetched requests are cancelled when the consumer stops.
        async with aclosing(pages):
            async for page in pages:
                page._check_not_seen_before(seen, self._fetcher.spec.item_key)
                yield page

    async def _iter_pages_one_by_one(self) -> AsyncGenerator[AsyncPage[ItemT]]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def _iter_pages_prefetching(self) -> AsyncGenerator[AsyncPage[ItemT]]:
        fetcher = self._fetcher
        page = self
        yield page
        if not page.has_next_page():
            return
        pending: dict[int, asyncio.Task[AsyncPage[ItemT]]] = {}
        next_to_submit = page.page_number + 1
        try:
            while True:
                while len(pending) < fetcher.prefetch:
                    pending[next_to_submit] = asyncio.ensure_future(fetcher.fetch(next_to_submit))
                    next_to_submit += 1
                following = await pending.pop(page.page_number + 1)
                following._check_not_repeated(page, fetcher.spec.item_key)
                page = following
                if not page.has_next_page():
                    yield page
                    return
                # Refill before handing the page over (see the sync pager).
                pending[next_to_submit] = asyncio.ensure_future(fetcher.fetch(next_to_submit))
                next_to_submit += 1
                yield page
        finally:
            for task in pending.values():
                task.cancel()
            if pending:
                await asyncio.gather(*pending.values(), return_exceptions=True)

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self.iter_items()

    async def iter_items(self, on_page: Callable[[AsyncPage[ItemT]], None] | None = None) -> AsyncGenerator[ItemT]:
        """Every item of this page and the pages after it (what `async for` gives); `on_page` is
        called with each page as it arrives, e.g. to show progress."""
        limit = self._fetcher.max_items
        if limit is not None and limit <= 0:
            return
        yielded = 0
        previous: AsyncPage[ItemT] | None = None
        pages = self.iter_pages()
        async with aclosing(pages):  # max_items reached: cancel what is prefetched, now
            async for page in pages:
                if on_page is not None:
                    on_page(page)
                for position in _new_positions(page, previous, self._fetcher.spec.item_key):
                    yield page.items[position]
                    yielded += 1
                    if limit is not None and yielded >= limit:
                        return
                previous = page


class AsyncPager(Generic[ItemT]):
    """What an async list method returns, before any request: `await` it for the first page, or
    `async for` over it for every item of every page."""

    def __init__(self, fetcher: _AsyncFetcher[Any, ItemT], first_page_number: int) -> None:
        self._fetcher = fetcher
        self._first_page_number = first_page_number

    def __await__(self) -> Generator[Any, None, AsyncPage[ItemT]]:
        return self._first_page().__await__()

    def _first_page(self) -> Awaitable[AsyncPage[ItemT]]:
        return self._fetcher.fetch(self._first_page_number)

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        page = await self._first_page()
        items = page.iter_items()
        async with aclosing(items):
            async for item in items:
                yield item


def sync_first_page(
    client: SyncAPIClient,
    build_request: Callable[[int], Mapping[str, Any]],
    spec: PageSpec[BodyT, ItemT],
    *,
    first_page: int,
    page_size: int,
    options: RequestOptions,
    max_items: int | None,
    prefetch: int,
) -> SyncPage[ItemT]:
    _check_pager_arguments(max_items, prefetch)
    return _SyncFetcher(client, build_request, spec, page_size, options, max_items, prefetch).fetch(first_page)


def async_pager(
    client: AsyncAPIClient,
    build_request: Callable[[int], Mapping[str, Any]],
    spec: PageSpec[BodyT, ItemT],
    *,
    first_page: int,
    page_size: int,
    options: RequestOptions,
    max_items: int | None,
    prefetch: int,
) -> AsyncPager[ItemT]:
    _check_pager_arguments(max_items, prefetch)
    return AsyncPager(_AsyncFetcher(client, build_request, spec, page_size, options, max_items, prefetch), first_page)


def _check_pager_arguments(max_items: int | None, prefetch: int) -> None:
    if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0):
        raise ValueError(f"max_items must be None or an integer >= 0, got {max_items!r}")
    if isinstance(prefetch, bool) or not isinstance(prefetch, int) or not 0 <= prefetch <= 32:
        raise ValueError(f"prefetch must be an integer from 0 (off) to 32, got {prefetch!r}")
