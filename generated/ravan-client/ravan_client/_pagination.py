"""Pages of a list operation, and iteration over every item of every page.

An operation with `x-pagination` in the spec gets a pager. The extension names a style, the query
parameters that select a page, the path in the body to the items, the field that identifies an
item, and whatever else the style reads. The styles are registered in `PAGINATION_STYLES`; a new
style is one class here (the generator reads the registry to check the extension's keys):

- `page-number`: the page number goes up by one; a short or empty page is the last.
- `page-number-total`: the same, and the body says how many items there are in all (`total`),
  so the pager stops after the page that reaches it without asking for an empty one. A total the
  pages contradict (a page holds items beyond it: `total: 0` on a full page) is wrong, and is not
  trusted: the pager keeps paging by the short-page rule, as if no total had been sent, rather
  than stop and lose the rest silently (`page.total` is then None; `page.metadata` keeps what
  was sent). A total that is too small but not contradicted (it ends on a full page) cannot be
  told from a right one here; the command line's export asks for one more page to be sure.

What every pager does, whatever the style:
- `max_items` stops after that many items; `prefetch=N` keeps N later pages in flight, each
  fetch thread asking for the next page as soon as its own has arrived (pages that arrived wait
  at most 2N ahead of the consumer; items still come strictly in order); leaving early (break,
  max_items, an error) cancels them at once. The sync pager asks before it decodes the page when
  the body is as large as a full page's (a guess: `_PrefetchPlan.answered`), and hands a page over
  only once the next request is on the wire: at `prefetch=1`, one request at a time, the cycle
  is then the server's time and little else (see the README's benchmark).
- An item repeated across a page boundary (offset pages shift when new items arrive) is yielded
  once, and the page says so (`page.repeated`). Only items with an identity are compared: an item
  whose key is null is never taken for another one.
- A server that ignores the page number would make the loop endless. Three guards raise
  `RepeatedPageError` instead: a full page whose items were all on the previous page; a full page
  equal to an earlier one (the server cycles); and `STALLED_PAGES` full pages in a row that are
  each mostly (more than half) the previous page again (one new item per request while the page
  number is ignored).
- A body whose items path does not hold a list of objects is not a page:
  `APIResponseValidationError`, never an empty last page.
- `iter_raw_items` (what an export reads) does not build the models of the pages it fetches
  unless the client has `strict_responses` (then every record is still validated as it arrives):
  the envelope is checked all the same, the items' identities come from the JSON objects (the
  key `item_key_wire` names), and `page.items`/`page.body` are parsed only if asked for. Parsing
  was a quarter to nearly half of an export's CPU per page, for models nobody read.
"""

from __future__ import annotations

import asyncio
import json
import logging
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
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

import httpx

from ._base_client import AsyncAPIClient, Cancellation, SyncAPIClient
from ._exceptions import RepeatedPageError
from ._operations import RequestOptions

__all__ = [
    "PAGINATION_STYLES",
    "STALLED_PAGES",
    "AsyncPage",
    "AsyncPager",
    "PageNumber",
    "PageNumberWithTotal",
    "Pagination",
    "SyncPage",
    "async_pager",
    "sync_first_page",
]

PREFETCH_THREAD_PREFIX = "page-prefetch"
"""The pager's worker threads' names: generic, so a client generated under other names carries none of Ravan's."""

logger = logging.getLogger(__name__.rpartition(".")[0])  # the package's: see _base_client

BodyT = TypeVar("BodyT")
ItemT = TypeVar("ItemT")

MAX_PREFETCH = 32
SENT_WAIT_SECONDS = 0.01
"""How long a prefetched page at most waits for the next request to be sent before it is handed
over (see `_SyncPrefetchWindow._fetch_page`): the wait is only for speed, never needed."""
# An offending value longer than this (once repr'd) is not quoted in an error message.
MAX_QUOTED_CHARS = 1000
STALLED_PAGES = 3
"""Full pages in a row, each more than half made of the previous page's items, that mean the
server ignores the page number (see the module docstring)."""


# --- styles ------------------------------------------------------------------------------------


class PageNumber:
    """`page-number`: pages 1, 2, 3, ...; a page shorter than the page size (or empty) is the last."""

    name: ClassVar[str] = "page-number"
    query_parameter_keys: ClassVar[tuple[str, ...]] = ("page-parameter", "size-parameter")
    """Keys of `x-pagination` that name query parameters: the page number's, then the page size's."""
    body_path_keys: ClassVar[tuple[str, ...]] = ("items",)
    """Keys of `x-pagination` that are paths into the body; the first is the items'."""

    @staticmethod
    def has_next_page(page: BasePage[Any]) -> bool:
        return 0 < len(page.raw_items) >= page.page_size


class PageNumberWithTotal(PageNumber):
    """`page-number-total`: as `page-number`, and the body's `total` (a path in the extension)
    says how many items there are: the page that reaches it is the last. A total the pages
    contradict is ignored (`BasePage.total` is None): the short-page rule decides."""

    name: ClassVar[str] = "page-number-total"
    body_path_keys: ClassVar[tuple[str, ...]] = ("items", "total")

    @staticmethod
    def has_next_page(page: BasePage[Any]) -> bool:
        if not page.raw_items:
            return False
        total = page.total
        if total is None:  # not sent, not a count, or contradicted: the short-page rule decides
            return PageNumber.has_next_page(page)
        # Items received, not pages times the page size: a server that sends fewer items than the
        # page size asked for (a cap of its own) has not sent the total yet.
        return page.items_before + len(page.raw_items) < total


PAGINATION_STYLES: dict[str, type[PageNumber]] = {style.name: style for style in (PageNumber, PageNumberWithTotal)}


@dataclass(frozen=True)
class Pagination(Generic[BodyT, ItemT]):
    """How one operation pages; generated from its `x-pagination`."""

    style: type[PageNumber]
    page_parameter: str
    """The wire name of the page number's query parameter."""
    first_page: int
    parse: Callable[[Any], BodyT]
    items: Callable[[BodyT], Sequence[ItemT]]
    item_key: Callable[[ItemT], object]
    items_path: tuple[str, ...]
    """Wire keys from the body to the items."""
    item_key_wire: str | None = None
    """The wire name of `item_key`'s field: with it, identities are read from the JSON objects (the
    same whether the models are built or not) and raw iteration can skip the models."""
    body_paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Other paths the style reads, by their `x-pagination` key (e.g. `total`)."""


# --- pages -------------------------------------------------------------------------------------


class BasePage(Generic[ItemT]):
    raw_items: list[dict[str, Any]]
    """The same items as the JSON objects the server sent (what an export writes)."""
    response: httpx.Response
    """The HTTP response this page came from: status, headers, raw content."""
    page_number: int
    page_size: int
    metadata: dict[str, Any]
    """What the style reads from the body besides the items, by key (e.g. `total`), as received."""
    repeated: int
    """Items of this page that were on the previous page too, and were not yielded again."""
    items_before: int
    """How many items the pages before this one held (what the total-count style compares)."""

    def __init__(self, fetcher: Any, parsed: _ParsedPage[ItemT], *, response: httpx.Response, page_number: int) -> None:
        self._fetcher = fetcher
        self._pagination: Pagination[Any, ItemT] = fetcher.pagination
        self._parsed = parsed
        self.raw_items = parsed.raw_items
        self.metadata = parsed.metadata
        self._identities = parsed.identities
        self.response = response
        self.page_number = page_number
        self.page_size = fetcher.page_size
        self.repeated = 0
        # Items on the pages before this one: counted as the pages come, assumed full for a first
        # page other than the first (see PageNumberWithTotal).
        self.items_before = max(page_number - self._pagination.first_page, 0) * self.page_size

    @property
    def items(self) -> list[ItemT]:
        """This page's items, parsed into models (on first use, for a page fetched for raw iteration)."""
        return self._models().items

    @property
    def body(self) -> Any:
        """The whole parsed response body (the envelope), for fields other than the items."""
        return self._models().body

    def _models(self) -> _Models[ItemT]:
        parsed = self._parsed
        if parsed.models is None:
            # Through the client, so that a body the models refuse is the same typed (and redacted)
            # error it would have been when the page arrived. The decoded body is kept (the raw
            # items are most of it anyway): two threads reading a page at once both find it.
            pagination = self._pagination
            parsed.models = self._fetcher.client.parse_decoded(
                self.response,
                parsed.data,
                lambda data: _parse_models(data, pagination),
                cookie=self._fetcher.options.cookie,
            )
        return parsed.models

    @property
    def total(self) -> int | None:
        """The total number of items the body reports (page-number-total), when it is a count that
        the pages do not contradict: None when it is missing, not a count, or smaller than the
        items received up to this page (then it is wrong, and paging goes by the page size).
        The value as sent stays in `metadata["total"]`."""
        total = self.metadata.get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            return None
        if self.items_before + len(self.raw_items) > total:
            return None
        return total

    def has_next_page(self) -> bool:
        """Whether another page may follow, by the operation's pagination style."""
        return self._pagination.style.has_next_page(self)

    @property
    def is_full(self) -> bool:
        return 0 < len(self.raw_items) >= self.page_size

    def __repr__(self) -> str:
        return f"<{type(self).__name__} page={self.page_number} items={len(self.raw_items)} page_size={self.page_size}>"


@dataclass
class _Models(Generic[ItemT]):
    body: Any
    items: list[ItemT]


@dataclass(repr=False)  # it holds the body, which may echo a credential
class _ParsedPage(Generic[ItemT]):
    raw_items: list[dict[str, Any]]
    metadata: dict[str, Any]
    identities: list[Hashable | None]
    """Each item's key when it has a usable one (not null), else None: only keyed items are
    compared across page boundaries."""
    models: _Models[ItemT] | None
    """None until asked for, on a page fetched for raw iteration."""
    data: Any
    """The decoded body, for models built late (None when they were built on arrival)."""

    @property
    def body(self) -> Any:
        """The envelope's model, when built: what `strict_responses` checks (the client's
        `_parse` looks for a `body`)."""
        return self.models.body if self.models is not None else None


def _parse_page(data: Any, pagination: Pagination[Any, ItemT], *, models: bool = True) -> _ParsedPage[ItemT]:
    """Check the envelope on the raw JSON, then parse (the models only if `models`, or when the
    identities must come from them): the items path must hold a list of objects."""
    node = data
    for depth, key in enumerate(pagination.items_path):
        if not isinstance(node, dict):
            where = ".".join(pagination.items_path[:depth]) or "the body"
            raise TypeError(f"{where} must be a JSON object, got {type(node).__name__}")
        if key not in node:
            raise KeyError(".".join(pagination.items_path[: depth + 1]))
        node = node[key]
    where = ".".join(pagination.items_path)
    if not isinstance(node, list):
        raise TypeError(f"{where} must be a JSON array, got {type(node).__name__}")
    for position, raw_item in enumerate(node):
        if not isinstance(raw_item, dict):
            raise TypeError(f"{where}[{position}] must be a JSON object, got {type(raw_item).__name__}")
    raw_items: list[dict[str, Any]] = node
    metadata = {name: _at(data, path) for name, path in pagination.body_paths.items()}
    key_wire = pagination.item_key_wire
    if key_wire is None:
        built = _parse_models(data, pagination)
        return _ParsedPage(raw_items, metadata, _model_identities(built.items, pagination), built, None)
    # A key as sent, when it is a string or an integer: what an item key is. Anything else (null,
    # a list, an object, a boolean) is no identity, as it is for the models, where such a value
    # does not fit the key's type and reads None.
    identities: list[Hashable | None] = [
        value if (type(value) is str or type(value) is int) else None
        for value in [raw_item.get(key_wire) for raw_item in raw_items]
    ]
    if not models:
        return _ParsedPage(raw_items, metadata, identities, None, data)
    return _ParsedPage(raw_items, metadata, identities, _parse_models(data, pagination), None)


def _parse_models(data: Any, pagination: Pagination[Any, ItemT]) -> _Models[ItemT]:
    body = pagination.parse(data)
    return _Models(body, list(pagination.items(body)))


def _model_identities(items: list[ItemT], pagination: Pagination[Any, ItemT]) -> list[Hashable | None]:
    """Identities read from the models (a pagination that does not name the key's wire name)."""
    identities: list[Hashable | None] = []
    for item in items:
        identity = pagination.item_key(item)
        if not isinstance(identity, Hashable):  # e.g. an id that is a list: no identity to page by
            # Quoted whole (or not at all): the client redacts credentials from the message before it
            # cuts it, and a cut here could leave part of an echoed key that redaction cannot find.
            shown = repr(identity)
            raise TypeError(
                f"an item's key is a {type(identity).__name__}, not a value"
                + (f": {shown}" if len(shown) <= MAX_QUOTED_CHARS else "")
            )
        identities.append(identity)
    return identities


PageT = TypeVar("PageT", bound=BasePage[Any])


def _following(previous: BasePage[Any], page: PageT) -> PageT:
    """`page`, known to come right after `previous`: it counts the items before it exactly."""
    page.items_before = previous.items_before + len(previous.raw_items)
    return page


def _at(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _fingerprint(page: BasePage[Any], position: int) -> Hashable:
    """An item's identity for the repeated-page guards: its key, or its content when the key is null."""
    identity = page._identities[position]
    if identity is not None:
        return ("key", identity)
    return ("content", json.dumps(page.raw_items[position], sort_keys=True, default=str))


def unseen_items(previous: BasePage[Any], page: BasePage[Any]) -> int:
    """How many items of `page` were not on `previous` (by key, or by content when the key is null)."""
    seen = {_fingerprint(previous, i) for i in range(len(previous.raw_items))}
    return sum(1 for i in range(len(page.raw_items)) if _fingerprint(page, i) not in seen)


class _Guard:
    """The repeated-page guards and the boundary de-duplication, fed page by page in order."""

    def __init__(self, *, log_repeats: bool = True) -> None:
        self.previous: BasePage[Any] | None = None
        self.seen_pages: set[int] = set()
        self.stalled = 0
        self.log_repeats = log_repeats

    def new_positions(self, page: BasePage[Any]) -> list[int]:
        """Positions of `page`'s items to yield; raises RepeatedPageError on a server that loops."""
        previous = self.previous
        fingerprints = [_fingerprint(page, i) for i in range(len(page.raw_items))]
        previous_fingerprints = (
            {_fingerprint(previous, i) for i in range(len(previous.raw_items))} if previous is not None else set()
        )
        # A full page, or a short one the style pages on from (a total still ahead): either way the
        # pager asks for another, so a server that ignores the page number must be caught here.
        if page.is_full or (page.raw_items and page.has_next_page()):
            overlap = sum(1 for f in fingerprints if f in previous_fingerprints)
            if overlap == len(fingerprints) and previous is not None:
                raise RepeatedPageError(
                    f"Page {page.page_number} repeats every item of page {previous.page_number}: the server "
                    "seems to ignore the page number, so iteration stopped instead of looping forever. "
                    "(If at least a page of new items arrived between the two requests, the pages shifted "
                    "instead: fix the window with a filter such as started_before.)",
                    request=page.response.request,
                    page_number=page.page_number,
                )
            page_fingerprint = hash(tuple(fingerprints))
            if page_fingerprint in self.seen_pages:
                raise RepeatedPageError(
                    f"Page {page.page_number} repeats an earlier page: the server seems to ignore the page "
                    "number, so iteration stopped instead of looping forever.",
                    request=page.response.request,
                    page_number=page.page_number,
                )
            self.seen_pages.add(page_fingerprint)
            self.stalled = self.stalled + 1 if overlap * 2 > len(fingerprints) else 0
            if self.stalled >= STALLED_PAGES:
                raise RepeatedPageError(
                    f"Pages {page.page_number - STALLED_PAGES + 1} to {page.page_number} each repeat most of the "
                    "page before: the server seems to ignore the page number while new items arrive, so "
                    "iteration stopped instead of looping forever.",
                    request=page.response.request,
                    page_number=page.page_number,
                )
        else:
            self.stalled = 0
        previous_keys = {k for k in previous._identities if k is not None} if previous is not None else set()
        positions = [i for i, key in enumerate(page._identities) if key is None or key not in previous_keys]
        page.repeated = len(page.raw_items) - len(positions)
        if page.repeated and self.log_repeats:
            logger.info(
                "page %d repeats %d item(s) of page %d (new items arrived while paging); each is yielded once",
                page.page_number,
                page.repeated,
                page.page_number - 1,
            )
        self.previous = page
        return positions


# --- sync ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SyncFetcher(Generic[BodyT, ItemT]):
    """Everything a list call fixed: how to request, parse and bound its pages."""

    client: SyncAPIClient
    options: RequestOptions
    pagination: Pagination[BodyT, ItemT]
    page_size: int
    max_items: int | None
    prefetch: int

    def fetch(self, page_number: int, *, models: bool = True) -> SyncPage[ItemT]:
        """Page `page_number`; without `models` (raw iteration), its models are built only if
        asked for, unless the client validates every response (`strict_responses`)."""
        return self.page_of(self.request(page_number), page_number, models=models)

    def request(
        self, page_number: int, cancellation: Cancellation | None = None, *, on_sent: Callable[[], None] | None = None
    ) -> httpx.Response:
        """Page `page_number`'s response (2xx), not yet decoded (`cancellation`, `on_sent`: see
        `SyncAPIClient.request`)."""
        options = self.options.with_param(self.pagination.page_parameter, page_number)
        return self.client.request(options, cancellation=cancellation, on_sent=on_sent)

    def page_of(self, response: httpx.Response, page_number: int, *, models: bool = True) -> SyncPage[ItemT]:
        """The page `response` holds (see `fetch`)."""
        models = models or self.client.strict_responses
        parsed = self.client.parse_response(
            response, lambda data: _parse_page(data, self.pagination, models=models), cookie=self.options.cookie
        )
        return SyncPage(self, parsed, response=response, page_number=page_number)


class _PrefetchPlan:
    """Which pages a prefetching pager asks for, and when: the sync and async pagers' common rule.

    As soon as a page arrives, the next one is asked for (before the consumer takes it): waiting
    for the consumer put its work on the page before it, and the hand-over between threads, into
    every request's cycle. The same pages are asked for as when the consumer refilled: at most
    `prefetch` past the last page known (in order, every page before it arrived) to have a next
    one and to pass the repeated-page guards (checked here too, in the same order, so that a
    server ignoring the page number costs no more requests than before), so at most `prefetch`
    in flight. Pages that arrived and wait for the consumer are bounded too: nothing is asked for
    beyond `2 * prefetch` pages past the one it took last, so a slow consumer holds at most that
    many pages in memory. Not thread-safe: the sync pager holds a lock around it.

    The sync pager also asks before the page that arrived is decoded, when its size says it is
    full (`answered`): a wrong guess costs one request more, cancelled when the consumer stops,
    on a short last page as large as a full one or a server ignoring the page number.
    """

    def __init__(self, first: BasePage[Any], prefetch: int) -> None:
        self._prefetch = prefetch
        self._arrived: dict[int, BasePage[Any]] = {}
        """Pages that arrived and are not yet linked to the page before them (`_last_known`)."""
        self._last_known = first
        """The last page, in order, whose predecessors all arrived and which has a next page."""
        self._guard = _Guard(log_repeats=False)  # the consumer's own guard logs, and raises
        self._guard.new_positions(first)
        self._taken = first.page_number
        self._next_to_ask = first.page_number + 1
        self._smallest_full_body: int | None = None
        """The fewest bytes a body held among the pages linked so far that were full and had a next
        page: a body this large is taken to be full too, before it is decoded (`answered`)."""
        self._note_full_body(first)

    def answered(self, page_number: int, body_bytes: int) -> range:
        """Page `page_number`'s response is in, `body_bytes` long, not yet decoded: the pages to ask
        for now, on the guess that it has a next page too.

        Guessed when every page before it is known and has a next page, its body is at least as
        large as the smallest full page's so far, and the total (where the style has one) leaves
        more than a page after it. Decoding a page takes a millisecond, which would otherwise sit
        between the response and the next request on every cycle. A wrong guess (a short last page
        of long items) costs one request past the end, cancelled when the consumer stops there;
        `arrived` then asks for nothing more, as the guards and the style decide."""
        last_known = self._last_known
        smallest = self._smallest_full_body
        if page_number != last_known.page_number + 1 or smallest is None or body_bytes < smallest:
            return range(0)
        total = last_known.total
        if total is not None and last_known.items_before + len(last_known.raw_items) + last_known.page_size >= total:
            return range(0)
        return self._window(page_number)

    def arrived(self, page: BasePage[Any]) -> range:
        """`page` arrived: the pages to ask for now."""
        self._arrived[page.page_number] = page
        return self._to_ask()

    def _note_full_body(self, page: BasePage[Any]) -> None:
        if page.is_full and page.has_next_page():
            size = len(page.response.content)
            if self._smallest_full_body is None or size < self._smallest_full_body:
                self._smallest_full_body = size

    def taken(self, page_number: int) -> range:
        """The consumer took page `page_number`: the pages to ask for now (its progress may open
        the window its pages held shut)."""
        self._taken = page_number
        return self._to_ask()

    def _to_ask(self) -> range:
        while (following := self._arrived.pop(self._last_known.page_number + 1, None)) is not None:
            # Counted as the consumer will count it (the total-count style reads items_before).
            _following(self._last_known, following)
            try:
                self._guard.new_positions(following)
            except RepeatedPageError:
                break  # the consumer raises it when it gets there: nothing after it is asked for
            if not following.has_next_page():
                break  # the last page: nothing after it is asked for
            self._last_known = following
            self._note_full_body(following)
        return self._window(self._last_known.page_number)

    def _window(self, last_with_next: int) -> range:
        """The pages not yet asked for up to `prefetch` past `last_with_next` (a page with a next
        one), and at most `2 * prefetch` past the one the consumer took last."""
        window_end = min(last_with_next + self._prefetch, self._taken + 2 * self._prefetch)
        asked = range(self._next_to_ask, max(self._next_to_ask, window_end + 1))
        self._next_to_ask = asked.stop
        return asked


class _SyncPrefetchWindow(Generic[ItemT]):
    """The pages a sync pager has asked for ahead of its consumer: the fetch threads ask for more
    as their pages arrive (see `_PrefetchPlan`)."""

    def __init__(self, first: SyncPage[ItemT], *, models: bool) -> None:
        fetcher = first._fetcher
        self._fetcher = fetcher
        self._models = models
        self._lock = threading.Lock()
        self._cancellation = Cancellation()
        # Threads to spare: those of pages that arrived wait (briefly) for the next request to be
        # sent (`_fetch_page`) while `prefetch` others are on the wire; threads start as needed.
        self._pool = ThreadPoolExecutor(max_workers=2 * fetcher.prefetch + 1, thread_name_prefix=PREFETCH_THREAD_PREFIX)
        self._pending: dict[int, Future[SyncPage[ItemT]]] = {}
        self._closed = False
        with self._lock:
            self._plan = _PrefetchPlan(first, fetcher.prefetch)
            self._ask(self._plan.taken(first.page_number))

    def take(self, page_number: int) -> SyncPage[ItemT]:
        """Page `page_number` (the one after the last taken), waiting for it if need be."""
        with self._lock:
            future = self._pending.pop(page_number)
        page = future.result()
        with self._lock:
            self._ask(self._plan.taken(page_number))
        return page

    def close(self) -> None:
        """Past the last page, or the consumer stopped early: requests not started are cancelled,
        waits between attempts end, and reads on the wire are cut (on the client's own pools), so
        nothing keeps the caller waiting: the pool is not joined."""
        with self._lock:
            self._closed = True  # no fetch thread asks for a page after this
            pending = list(self._pending.values())
            self._pending.clear()
        self._cancellation.cancel()
        for future in pending:
            future.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _fetch_page(self, page_number: int, sent: threading.Event) -> SyncPage[ItemT]:
        response = self._fetcher.request(page_number, self._cancellation, on_sent=sent.set)
        self._ask_then_wait(lambda: self._plan.answered(page_number, len(response.content)))
        page = self._fetcher.page_of(response, page_number, models=self._models)
        self._ask_then_wait(lambda: self._plan.arrived(page))
        return page

    def _ask_then_wait(self, plan_step: Callable[[], range]) -> None:
        """Ask for the pages `plan_step` names (unless closed), then let the first one's request go
        on the wire before this thread decodes its page or hands it to the consumer: either would
        hold the interpreter, at the sending thread's first blocking call before its write, and
        add that time to every cycle."""
        with self._lock:
            if self._closed:
                return
            asked = self._ask(plan_step())
        if asked:
            asked[0].wait(SENT_WAIT_SECONDS)

    def _ask(self, page_numbers: range) -> list[threading.Event]:
        """Submit `page_numbers` (lock held); each one's event is set once its request is on the
        wire, or ended, or will never be sent."""
        if self._closed:
            return []
        asked: list[threading.Event] = []
        for page_number in page_numbers:
            sent = threading.Event()
            future = self._pool.submit(self._fetch_page, page_number, sent)
            future.add_done_callback(_releasing(sent))  # cancelled before it ran: nobody waits on
            self._pending[page_number] = future
            asked.append(sent)
        return asked


def _releasing(event: threading.Event) -> Callable[[object], None]:
    """A done-callback for a future that sets `event`, whatever the outcome."""
    return lambda _: event.set()


class SyncPage(BasePage[ItemT]):
    """One page of results. Iterating over it yields every item of this page and the pages after
    it, fetched as needed."""

    _fetcher: _SyncFetcher[Any, ItemT]

    def get_next_page(self) -> SyncPage[ItemT]:
        """Fetch the page after this one. Raises RuntimeError if `has_next_page()` is False."""
        if not self.has_next_page():
            raise RuntimeError("This is the last page: check has_next_page() before get_next_page().")
        return _following(self, self._fetcher.fetch(self.page_number + 1))

    def probe_next_page(self) -> SyncPage[ItemT]:
        """Fetch the page after this one even when `has_next_page()` says this is the last: to
        confirm that the end is the end (a server that caps the page size, or reports a total too
        small, ends early). The repeated-page guards do not apply; compare with `unseen_items`.
        Its models are built when first read (a probe is usually compared, raw, and dropped)."""
        return _following(self, self._fetcher.fetch(self.page_number + 1, models=False))

    def iter_pages(self) -> Iterator[SyncPage[ItemT]]:
        """This page, then every page after it (the repeated-page guards apply)."""
        for page, _ in self._iter_checked_pages(models=True):
            yield page

    def _iter_checked_pages(self, *, models: bool) -> Generator[tuple[SyncPage[ItemT], list[int]]]:
        guard = _Guard()
        pages = (
            self._iter_pages_prefetching(models=models)
            if self._fetcher.prefetch > 0
            else self._iter_pages_one_by_one(models=models)
        )
        try:
            for page in pages:
                yield page, guard.new_positions(page)
        finally:
            pages.close()

    def _iter_pages_one_by_one(self, *, models: bool) -> Generator[SyncPage[ItemT]]:
        page = self
        yield page
        while page.has_next_page():
            page = _following(page, self._fetcher.fetch(page.page_number + 1, models=models))
            yield page

    def _iter_pages_prefetching(self, *, models: bool) -> Generator[SyncPage[ItemT]]:
        """Keep up to `prefetch` later pages in flight; yield pages strictly in order."""
        page = self
        yield page
        if not page.has_next_page():
            return
        window = _SyncPrefetchWindow(page, models=models)
        try:
            while True:
                page = _following(page, window.take(page.page_number + 1))
                yield page
                if not page.has_next_page():
                    return
        finally:
            window.close()

    def __iter__(self) -> Iterator[ItemT]:
        return self.iter_items()

    def iter_items(self, on_page: Callable[[SyncPage[ItemT]], None] | None = None) -> Iterator[ItemT]:
        """Every item of this page and the pages after it (what iterating the page gives);
        `on_page` is called with each page as it arrives, e.g. to show progress."""
        for page, position in self._iter_positions(on_page, models=True):
            yield page.items[position]

    def iter_raw_items(self, on_page: Callable[[SyncPage[ItemT]], None] | None = None) -> Iterator[dict[str, Any]]:
        """The same items as `iter_items`, as the JSON objects the server sent (the pages after
        this one are fetched without building their models: see the module docstring)."""
        for page, position in self._iter_positions(on_page, models=False):
            yield page.raw_items[position]

    def _iter_positions(
        self, on_page: Callable[[SyncPage[ItemT]], None] | None, *, models: bool
    ) -> Generator[tuple[SyncPage[ItemT], int]]:
        limit = self._fetcher.max_items
        if limit is not None and limit <= 0:
            return
        yielded = 0
        pages = self._iter_checked_pages(models=models)
        try:
            for page, positions in pages:
                if on_page is not None:
                    on_page(page)
                for position in positions:
                    yield page, position
                    yielded += 1
                    if limit is not None and yielded >= limit:
                        return
        finally:
            pages.close()  # max_items reached or the consumer stopped: cancel what is prefetched, now


# --- async ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AsyncFetcher(Generic[BodyT, ItemT]):
    client: AsyncAPIClient
    options: RequestOptions
    pagination: Pagination[BodyT, ItemT]
    page_size: int
    max_items: int | None
    prefetch: int

    async def fetch(self, page_number: int, *, models: bool = True) -> AsyncPage[ItemT]:
        """Page `page_number` (see `_SyncFetcher.fetch`)."""
        options = self.options.with_param(self.pagination.page_parameter, page_number)
        response = await self.client.request(options)
        models = models or self.client.strict_responses
        parsed = self.client.parse_response(
            response, lambda data: _parse_page(data, self.pagination, models=models), cookie=options.cookie
        )
        return AsyncPage(self, parsed, response=response, page_number=page_number)


class AsyncPage(BasePage[ItemT]):
    """One page of results; `async for` over it yields every item of this page and the pages
    after it, fetched as needed."""

    _fetcher: _AsyncFetcher[Any, ItemT]

    async def get_next_page(self) -> AsyncPage[ItemT]:
        """Fetch the page after this one. Raises RuntimeError if `has_next_page()` is False."""
        if not self.has_next_page():
            raise RuntimeError("This is the last page: check has_next_page() before get_next_page().")
        return _following(self, await self._fetcher.fetch(self.page_number + 1))

    async def probe_next_page(self) -> AsyncPage[ItemT]:
        """Fetch the page after this one even when `has_next_page()` says this is the last (see
        `SyncPage.probe_next_page`)."""
        return _following(self, await self._fetcher.fetch(self.page_number + 1, models=False))

    async def iter_pages(self) -> AsyncGenerator[AsyncPage[ItemT]]:
        """This page, then every page after it (the repeated-page guards apply)."""
        checked = self._iter_checked_pages(models=True)
        async with aclosing(checked):
            async for page, _ in checked:
                yield page

    async def _iter_checked_pages(self, *, models: bool) -> AsyncGenerator[tuple[AsyncPage[ItemT], list[int]]]:
        guard = _Guard()
        pages = (
            self._iter_pages_prefetching(models=models)
            if self._fetcher.prefetch > 0
            else self._iter_pages_one_by_one(models=models)
        )
        # Closed as soon as this generator is (not when the garbage collector gets to it), so
        # prefetched requests are cancelled when the consumer stops.
        async with aclosing(pages):
            async for page in pages:
                yield page, guard.new_positions(page)

    async def _iter_pages_one_by_one(self, *, models: bool) -> AsyncGenerator[AsyncPage[ItemT]]:
        page = self
        yield page
        while page.has_next_page():
            page = _following(page, await self._fetcher.fetch(page.page_number + 1, models=models))
            yield page

    async def _iter_pages_prefetching(self, *, models: bool) -> AsyncGenerator[AsyncPage[ItemT]]:
        """As the sync pager's: tasks ask for the next pages as theirs arrive (see `_PrefetchPlan`)."""
        fetcher = self._fetcher
        page = self
        yield page
        if not page.has_next_page():
            return
        pending: dict[int, asyncio.Task[AsyncPage[ItemT]]] = {}
        closed = False

        def ask(page_numbers: range) -> None:
            if closed:
                return
            for page_number in page_numbers:
                pending[page_number] = asyncio.ensure_future(fetch_page(page_number))

        async def fetch_page(page_number: int) -> AsyncPage[ItemT]:
            # Asked for once the page is decoded: `_PrefetchPlan.answered`'s guess before it bought
            # nothing here (measured), the loop running the decode before any other task's send.
            fetched = await fetcher.fetch(page_number, models=models)
            ask(plan.arrived(fetched))
            return fetched

        plan = _PrefetchPlan(page, fetcher.prefetch)
        ask(plan.taken(page.page_number))
        try:
            while True:
                page = _following(page, await pending.pop(page.page_number + 1))
                ask(plan.taken(page.page_number))
                yield page
                if not page.has_next_page():
                    return
        finally:
            closed = True  # no task asks for a page after this
            for task in pending.values():
                task.cancel()
            if pending:
                # Wait for the cancellations to finish, so no connection is left mid-request.
                await asyncio.gather(*pending.values(), return_exceptions=True)

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self.iter_items()

    async def iter_items(self, on_page: Callable[[AsyncPage[ItemT]], None] | None = None) -> AsyncGenerator[ItemT]:
        """Every item of this page and the pages after it (what `async for` gives); `on_page` is
        called with each page as it arrives, e.g. to show progress."""
        async for page, position in self._iter_positions(on_page, models=True):
            yield page.items[position]

    async def iter_raw_items(
        self, on_page: Callable[[AsyncPage[ItemT]], None] | None = None
    ) -> AsyncGenerator[dict[str, Any]]:
        """The same items as `iter_items`, as the JSON objects the server sent (the pages after
        this one are fetched without building their models: see the module docstring)."""
        async for page, position in self._iter_positions(on_page, models=False):
            yield page.raw_items[position]

    async def _iter_positions(
        self, on_page: Callable[[AsyncPage[ItemT]], None] | None, *, models: bool
    ) -> AsyncGenerator[tuple[AsyncPage[ItemT], int]]:
        limit = self._fetcher.max_items
        if limit is not None and limit <= 0:
            return
        yielded = 0
        pages = self._iter_checked_pages(models=models)
        async with aclosing(pages):  # max_items reached: cancel what is prefetched, now
            async for page, positions in pages:
                if on_page is not None:
                    on_page(page)
                for position in positions:
                    yield page, position
                    yielded += 1
                    if limit is not None and yielded >= limit:
                        return


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
    options: RequestOptions,
    pagination: Pagination[BodyT, ItemT],
    *,
    first_page: int,
    page_size: int,
    max_items: int | None,
    prefetch: int,
) -> SyncPage[ItemT]:
    """What a generated sync list method returns: its first page (fetched now)."""
    _check_pager_arguments(max_items, prefetch)
    fetcher = _SyncFetcher(client, options, pagination, page_size, max_items, prefetch)
    return fetcher.fetch(first_page)


def async_pager(
    client: AsyncAPIClient,
    options: RequestOptions,
    pagination: Pagination[BodyT, ItemT],
    *,
    first_page: int,
    page_size: int,
    max_items: int | None,
    prefetch: int,
) -> AsyncPager[ItemT]:
    """What a generated async list method returns: a pager, before any request."""
    _check_pager_arguments(max_items, prefetch)
    return AsyncPager(_AsyncFetcher(client, options, pagination, page_size, max_items, prefetch), first_page)


def _check_pager_arguments(max_items: int | None, prefetch: int) -> None:
    if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0):
        raise ValueError(f"max_items must be None or an integer >= 0, got {max_items!r}")
    if isinstance(prefetch, bool) or not isinstance(prefetch, int) or not 0 <= prefetch <= MAX_PREFETCH:
        raise ValueError(f"prefetch must be an integer from 0 (off) to {MAX_PREFETCH}, got {prefetch!r}")
