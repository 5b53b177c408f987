"""The pager (`_pagination.py`): styles, stop rules, boundary de-duplication, the repeated-page guards.

Driven through the golden record's generated methods (tests/runtime/harness.py), so the wiring the
templates write is under test too: `call_sessions.list` pages `data.callSessions` by the short-page
rule, `calls.list_phone_history` pages `data` with its total at `total_count`.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from ravan_runtime import _pagination
from ravan_runtime._exceptions import APIResponseValidationError, RepeatedPageError
from ravan_runtime._pagination import STALLED_PAGES, AsyncPage, SyncPage

from tests.runtime.harness import (
    API_KEY,
    AsyncHarness,
    Handler,
    Harness,
    Server,
    abounded,
    bounded,
    history_body,
    json_response,
    make_client,
    models,
    page_body,
    paged,
    session,
    sessions,
)


def pages(content: Mapping[int, list[dict[str, Any]]], **data: Any) -> Handler:
    """A server that answers page N with `content[N]` (an empty page when it has none)."""

    def respond(request: httpx.Request) -> httpx.Response:
        return json_response(200, page_body(content.get(int(request.url.params["page"]), []), **data))

    return respond


def window(size: int, step: int) -> Handler:
    """Page N holds items (N-1)*step ... (N-1)*step+size-1: a server whose pages overlap when step < size."""

    def respond(request: httpx.Request) -> httpx.Response:
        start = (int(request.url.params["page"]) - 1) * step
        return json_response(200, page_body(sessions("s", size, start)))

    return respond


def ids_of(items: list[Any]) -> list[str | None]:
    return [item.id for item in items]


# --- pages -------------------------------------------------------------------------------------------


def test_the_first_page_exposes_items_body_and_response(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, page_body(sessions("s", 3)), {"X-Request-Id": "r1"})
    page = harness.client.call_sessions.list(page_size=10)
    assert isinstance(page, SyncPage)
    assert all(isinstance(item, models.CallSession) for item in page.items)
    assert ids_of(page.items) == ["s0", "s1", "s2"]
    assert page.raw_items == sessions("s", 3)
    assert isinstance(page.body, models.CallSessionListResponse)
    assert page.body.message == "ok"
    assert page.response.headers["X-Request-Id"] == "r1"
    assert (page.page_number, page.page_size, page.repeated) == (1, 10, 0)
    assert repr(page) == "<SyncPage page=1 items=3 page_size=10>"
    assert not page.has_next_page()


def test_iteration_stops_on_a_short_page(harness: Harness) -> None:
    harness.server.respond = paged(25)
    assert ids_of(list(harness.client.call_sessions.list(page_size=10))) == [f"s{i}" for i in range(25)]
    assert harness.server.pages_requested == [1, 2, 3]


def test_iteration_stops_on_an_empty_page(harness: Harness) -> None:
    harness.server.respond = paged(20)
    assert len(list(harness.client.call_sessions.list(page_size=10))) == 20
    assert harness.server.pages_requested == [1, 2, 3]


def test_an_empty_first_page_yields_nothing(harness: Harness) -> None:
    harness.server.respond = paged(0)
    page = harness.client.call_sessions.list()
    assert page.items == []
    assert not page.has_next_page()
    assert list(page) == []
    assert harness.server.pages_requested == [1]


def test_the_page_size_the_pager_assumes_is_the_one_sent(harness: Harness) -> None:
    harness.server.respond = paged(45)
    assert len(list(harness.client.call_sessions.list())) == 45
    assert [request.url.params["page_size"] for request in harness.server.requests] == ["20", "20", "20"]


@pytest.mark.anyio
async def test_the_page_size_the_async_pager_assumes_is_the_one_sent(async_harness: AsyncHarness) -> None:
    # The spec's default (20) is sent when page_size is left out, and the pager must assume it
    # too: assuming another size takes a full page for a short one, or a short one for a full one.
    async_harness.server.respond = paged(45)
    assert len([s async for s in async_harness.client.call_sessions.list()]) == 45
    assert [request.url.params["page_size"] for request in async_harness.server.requests] == ["20", "20", "20"]


def test_the_page_size_of_the_total_style_is_the_one_sent_too(harness: Harness) -> None:
    """Without a total in the body the total style falls back on the short-page rule, which needs
    the size sent: the spec's default for the phone history is 10."""

    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        return json_response(
            200, history_body(sessions("s", max(0, min(size, 25 - (page - 1) * size)), (page - 1) * size))
        )

    harness.server.respond = respond
    assert len(list(harness.client.calls.list_phone_history())) == 25
    assert [request.url.params["page_size"] for request in harness.server.requests] == ["10", "10", "10"]


@pytest.mark.parametrize(("page", "before"), [(1, 0), (3, 20)])
def test_a_page_knows_how_many_items_come_before_it(harness: Harness, page: int, before: int) -> None:
    """Counted from the spec's first page number (1): what export and the total style count with."""
    harness.server.respond = paged(45)
    first = harness.client.call_sessions.list(page=page, page_size=10)
    assert first.items_before == before
    assert first.get_next_page().items_before == before + 10


def test_iteration_starts_at_the_requested_page(harness: Harness) -> None:
    harness.server.respond = paged(25)
    assert ids_of(list(harness.client.call_sessions.list(page=2, page_size=10))) == [f"s{i}" for i in range(10, 25)]
    assert harness.server.pages_requested == [2, 3]


def test_filters_and_extras_are_sent_on_every_page(harness: Harness) -> None:
    harness.server.respond = paged(15)
    list(harness.client.call_sessions.list(page_size=10, status="completed", extra_headers={"X-Trace": "t"}))
    for request in harness.server.requests:
        assert request.url.params["status"] == "completed"
        assert request.headers["X-Trace"] == "t"


def test_max_items_bounds_the_iteration_and_the_requests(harness: Harness) -> None:
    harness.server.respond = paged(1000)
    assert len(list(harness.client.call_sessions.list(page_size=10, max_items=25))) == 25
    assert harness.server.pages_requested == [1, 2, 3]


def test_max_items_zero_yields_nothing(harness: Harness) -> None:
    harness.server.respond = paged(10)
    assert list(harness.client.call_sessions.list(page_size=10, max_items=0)) == []


@pytest.mark.parametrize("bad", [-1, True, 1.5, "3"])
def test_max_items_must_be_a_non_negative_integer(harness: Harness, bad: Any) -> None:
    with pytest.raises(ValueError, match="max_items"):
        harness.client.call_sessions.list(max_items=bad)
    assert harness.server.requests == []


def test_page_navigation(harness: Harness) -> None:
    harness.server.respond = paged(15)
    first = harness.client.call_sessions.list(page_size=10)
    assert first.has_next_page()
    second = first.get_next_page()
    assert second.page_number == 2
    assert ids_of(second.items) == [f"s{i}" for i in range(10, 15)]
    assert not second.has_next_page()
    with pytest.raises(RuntimeError, match="last page"):
        second.get_next_page()
    assert [page.page_number for page in first.iter_pages()] == [1, 2]


def test_on_page_sees_every_page_as_it_arrives(harness: Harness) -> None:
    harness.server.respond = paged(25)
    seen: list[int] = []
    first = harness.client.call_sessions.list(page_size=10)
    items = list(first.iter_items(on_page=lambda p: seen.append(p.page_number)))
    assert len(items) == 25
    assert seen == [1, 2, 3]


def test_raw_items_are_the_json_objects_received_and_follow_the_same_pages(harness: Harness) -> None:
    content: dict[int, list[dict[str, Any]]] = {
        1: [session("s0"), session("s1"), session("s2", startedAt="2026-11-24T16:02:11Z")],
        2: [session("s2"), session("s3", creditBreakdown={"total_credits": 5}, newKey=[1])],
    }
    harness.server.respond = pages(content)
    first = harness.client.call_sessions.list(page_size=3)
    assert first.raw_items == content[1]
    assert list(first.iter_raw_items()) == [*content[1], content[2][1]]
    assert ids_of(list(first.iter_items())) == ["s0", "s1", "s2", "s3"]


# --- items repeated across a page boundary -------------------------------------------------------------


def test_items_repeated_across_a_page_boundary_are_yielded_once_and_counted(harness: Harness) -> None:
    # A new call arrived between the requests: page 2 starts with the last item of page 1.
    harness.server.respond = pages({1: sessions("s", 3), 2: [*sessions("s", 1, 2), *sessions("s", 2, 3)]})
    first = harness.client.call_sessions.list(page_size=3)
    seen = list(first.iter_pages())
    assert [page.repeated for page in seen] == [0, 1, 0]  # page 2 was full: page 3 (empty) says it is over
    assert ids_of(list(first)) == ["s0", "s1", "s2", "s3", "s4"]


def test_items_with_a_null_id_are_never_dropped(harness: Harness) -> None:
    anonymous = session(None, status="unknown")
    harness.server.respond = pages({1: [session("a"), anonymous, anonymous], 2: [anonymous, session("b")]})
    items = list(harness.client.call_sessions.list(page_size=3))
    assert ids_of(items) == ["a", None, None, None, "b"]
    assert harness.client.call_sessions.list(page_size=3).get_next_page().repeated == 0


def test_a_legitimate_shift_of_a_few_items_per_page_is_not_taken_for_a_stall(harness: Harness) -> None:
    # Three new calls arrive before each request: every page repeats three items of the last one,
    # for more pages in a row than STALLED_PAGES. Less than half of each page: paging goes on.
    harness.server.respond = window(size=10, step=7)
    wanted = 10 + 7 * (STALLED_PAGES + 2)  # the items of STALLED_PAGES + 3 pages
    items = list(harness.client.call_sessions.list(page_size=10, max_items=wanted))
    assert ids_of(items) == [f"s{i}" for i in range(wanted)]
    assert harness.server.pages_requested == list(range(1, STALLED_PAGES + 4))


def test_half_a_page_repeated_in_a_row_is_still_a_shift(harness: Harness) -> None:
    harness.server.respond = window(size=10, step=5)
    first = harness.client.call_sessions.list(page_size=10)
    repeated: list[int] = []
    items = list(itertools.islice(first.iter_items(on_page=lambda page: repeated.append(page.repeated)), 60))
    assert ids_of(items) == [f"s{i}" for i in range(60)]
    assert repeated == [0] + [5] * 10


# --- the guards: a server that ignores the page number -------------------------------------------------


def test_a_page_that_repeats_every_item_of_the_last_one_stops_iteration(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, page_body(sessions("same", 5)))
    with pytest.raises(RepeatedPageError) as caught:
        bounded(harness.client.call_sessions.list(page_size=5))
    assert caught.value.page_number == 2
    assert "Page 2 repeats every item of page 1" in str(caught.value)
    assert "ignore the page number" in str(caught.value)
    assert caught.value.request.url.params["page"] == "2"
    assert harness.server.pages_requested == [1, 2]


def test_a_full_page_of_null_ids_repeated_stops_iteration_too(harness: Harness) -> None:
    harness.server.respond = lambda request: json_response(200, page_body([session(None, n=i) for i in range(3)]))
    with pytest.raises(RepeatedPageError):
        bounded(harness.client.call_sessions.list(page_size=3))


def test_a_server_cycling_through_pages_stops_iteration(harness: Harness) -> None:
    # Page 2 differs from page 1, so the previous-page guard passes; page 3 is page 1 again.
    cycle = {1: sessions("a", 5), 0: sessions("b", 5)}
    harness.server.respond = lambda r: json_response(200, page_body(cycle[int(r.url.params["page"]) % 2]))
    with pytest.raises(RepeatedPageError, match="Page 3 repeats an earlier page") as caught:
        bounded(harness.client.call_sessions.list(page_size=5))
    assert caught.value.page_number == 3
    assert harness.server.pages_requested == [1, 2, 3]


def test_pages_that_are_mostly_the_last_one_again_stop_iteration(harness: Harness) -> None:
    # One new item per request while the page number is ignored: every page is 4/5 the last one.
    harness.server.respond = window(size=5, step=1)
    with pytest.raises(RepeatedPageError) as caught:
        bounded(harness.client.call_sessions.list(page_size=5))
    last = 1 + STALLED_PAGES
    assert caught.value.page_number == last
    assert f"Pages 2 to {last} each repeat most of the page before" in str(caught.value)
    assert harness.server.pages_requested == list(range(1, last + 1))


def test_a_short_page_resets_the_stall_count(harness: Harness) -> None:
    content = {1: sessions("s", 5, 0), 2: sessions("s", 5, 1), 3: sessions("s", 5, 2), 4: sessions("s", 4, 3)}
    harness.server.respond = pages(content)
    assert ids_of(list(harness.client.call_sessions.list(page_size=5))) == [f"s{i}" for i in range(7)]


# --- bodies that are not pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"success": True}, "KeyError: 'data'"),
        ({"success": True, "data": []}, "data must be a JSON object, got list"),
        ({"success": True, "data": {}}, "KeyError: 'data.callSessions'"),
        ({"success": True, "data": {"callSessions": None}}, "data.callSessions must be a JSON array, got NoneType"),
        ({"success": True, "data": {"callSessions": {"id": "x"}}}, "data.callSessions must be a JSON array, got dict"),
        ({"success": True, "data": {"callSessions": [{"id": "a"}, 5]}}, "data.callSessions[1] must be a JSON object"),
        ({"success": True, "data": {"callSessions": [["a"]]}}, "data.callSessions[0] must be a JSON object"),
        ([], "the body must be a JSON object, got list"),
    ],
)
def test_a_body_whose_items_are_not_a_list_of_objects_is_a_validation_error(
    harness: Harness, body: Any, reason: str
) -> None:
    harness.server.respond = lambda request: json_response(200, body)
    with pytest.raises(APIResponseValidationError) as caught:
        harness.client.call_sessions.list()
    assert reason in str(caught.value)


@pytest.mark.parametrize("key", [["a", "b"], {"nested": 1}])
def test_an_item_key_that_is_not_a_value_reads_none_and_the_page_is_kept(harness: Harness, key: Any) -> None:
    # The id does not fit its type: it reads None (listed in model_invalid_fields), so the item
    # has no identity and is never taken for another; the page keeps every item.
    harness.server.respond = lambda request: json_response(200, page_body([session("ok"), {"id": key}, {"id": key}]))
    items = list(harness.client.call_sessions.list())
    assert [item.id for item in items] == ["ok", None, None]
    assert items[1].model_invalid_fields["id"].value == key


# --- raw iteration: the models are built only when asked for -------------------------------------------


def count_model_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pages whose models are built (the pager's one place that builds them)."""
    parses: list[int] = []
    real = _pagination._parse_models

    def counting(data: Any, pagination: Any) -> Any:
        parses.append(1)
        return real(data, pagination)

    monkeypatch.setattr(_pagination, "_parse_models", counting)
    return parses


@pytest.mark.parametrize("prefetch", [0, 2])
def test_raw_iteration_builds_no_models_for_later_pages_yet_they_are_there_when_asked(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, prefetch: int
) -> None:
    harness.server.respond = paged(25)
    parses = count_model_parses(monkeypatch)
    seen: list[SyncPage[Any]] = []
    raw = list(harness.client.call_sessions.list(page_size=10, prefetch=prefetch).iter_raw_items(on_page=seen.append))
    assert raw == sessions("s", 25)
    assert len(parses) == 1  # the first page only: `list()` returns it with its models
    # A page fetched for raw iteration still has its models, built on first use.
    assert ids_of(seen[1].items) == [f"s{i}" for i in range(10, 20)]
    assert isinstance(seen[2].body, models.CallSessionListResponse)
    assert len(parses) == 3
    assert (seen[1].is_full, seen[2].is_full, repr(seen[2])) == (True, False, "<SyncPage page=3 items=5 page_size=10>")


def test_model_iteration_still_builds_every_page_as_it_arrives(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.server.respond = paged(25)
    parses = count_model_parses(monkeypatch)
    assert ids_of(list(harness.client.call_sessions.list(page_size=10))) == [f"s{i}" for i in range(25)]
    assert len(parses) == 3


def test_raw_iteration_with_strict_responses_still_validates_every_record(server: Server) -> None:
    # Page 2 holds a record whose field does not fit: strict_responses must refuse it although
    # the raw iteration never reads the models.
    content = {1: sessions("s", 2), 2: [session("bad", durationSec=12.5)]}
    server.respond = pages(content)
    with make_client(server, strict_responses=True).client as client:
        first = client.call_sessions.list(page_size=2)
        with pytest.raises(APIResponseValidationError, match=r"\(id 'bad'\).*'durationSec'"):
            list(first.iter_raw_items())
    # Without strict_responses the same record is written as it came.
    with make_client(server).client as client:
        assert list(client.call_sessions.list(page_size=2).iter_raw_items())[2] == session("bad", durationSec=12.5)


def test_raw_iteration_still_refuses_a_broken_envelope_on_a_later_page(harness: Harness) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "1":
            return json_response(200, page_body(sessions("s", 2)))
        return json_response(200, {"success": True, "data": {"callSessions": [{"id": "x"}, 5]}})

    harness.server.respond = respond
    with pytest.raises(APIResponseValidationError, match=r"data.callSessions\[1\] must be a JSON object"):
        list(harness.client.call_sessions.list(page_size=2).iter_raw_items())


def test_models_that_fail_when_built_late_are_a_typed_redacted_error(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.server.respond = paged(4)
    seen: list[SyncPage[Any]] = []
    list(harness.client.call_sessions.list(page_size=2).iter_raw_items(on_page=seen.append))

    def failing(data: Any, pagination: Any) -> Any:
        raise ValueError(f"cannot read {API_KEY}")

    monkeypatch.setattr(_pagination, "_parse_models", failing)
    with pytest.raises(APIResponseValidationError, match="does not match the documented envelope") as caught:
        seen[1].items  # noqa: B018 (the property builds the models)
    assert API_KEY not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize("key", [["a", "b"], {"nested": 1}, True, None, 1.5])
def test_raw_iteration_takes_a_key_that_is_not_a_string_or_integer_for_no_identity(harness: Harness, key: Any) -> None:
    # As the models do (such an id does not fit its type and reads None): never taken for another
    # item, on the same page or across a boundary.
    harness.server.respond = pages({1: [session("ok"), {"id": key}], 2: [{"id": key}]})
    assert list(harness.client.call_sessions.list(page_size=2).iter_raw_items()) == [
        session("ok"),
        {"id": key},
        {"id": key},
    ]


@pytest.mark.parametrize("prefetch", [0, 2])
def test_raw_iteration_yields_an_item_repeated_across_a_boundary_once(harness: Harness, prefetch: int) -> None:
    harness.server.respond = window(size=3, step=2)  # each page repeats the last item of the one before
    raw = bounded(harness.client.call_sessions.list(page_size=3, max_items=7, prefetch=prefetch).iter_raw_items())
    assert [item["id"] for item in raw] == [f"s{i}" for i in range(7)]


# --- page-number-total -----------------------------------------------------------------------------------


def counted(total_items: int, total: Any = None, *, send_total: bool = True) -> Handler:
    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        start = (page - 1) * size
        items = sessions("s", max(0, min(size, total_items - start)), start)
        if not send_total:
            return json_response(200, history_body(items))
        return json_response(200, history_body(items, total=total_items if total is None else total))

    return respond


@pytest.mark.parametrize(("total", "requested"), [(20, [1, 2]), (25, [1, 2, 3]), (10, [1]), (0, [1])])
def test_the_total_stops_paging_without_asking_for_an_empty_page(
    harness: Harness, total: int, requested: list[int]
) -> None:
    harness.server.respond = counted(total)
    first = harness.client.calls.list_phone_history(page_size=10)
    assert first.total == total
    assert first.metadata == {"total": total}
    assert len(list(first)) == total
    assert harness.server.pages_requested == requested


@pytest.mark.parametrize(
    "total", ["20", -1, True, 1.5, None, {"n": 20}], ids=["string", "negative", "bool", "float", "null", "object"]
)
def test_a_total_that_is_not_a_count_falls_back_to_the_short_page_rule(harness: Harness, total: Any) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        response = counted(20)(request)
        body = response.json()
        body["total_count"] = total
        return json_response(200, body)

    harness.server.respond = respond
    first = harness.client.calls.list_phone_history(page_size=10)
    assert first.total is None
    assert len(list(first)) == 20
    assert harness.server.pages_requested == [1, 2, 3]  # the empty page 3 says it is over


def test_a_missing_total_falls_back_to_the_short_page_rule(harness: Harness) -> None:
    harness.server.respond = counted(20, send_total=False)
    first = harness.client.calls.list_phone_history(page_size=10)
    assert first.metadata == {"total": None}
    assert len(list(first)) == 20
    assert harness.server.pages_requested == [1, 2, 3]


def test_a_total_larger_than_what_comes_still_stops_on_an_empty_page(harness: Harness) -> None:
    harness.server.respond = counted(15, total=100)
    assert len(list(harness.client.calls.list_phone_history(page_size=10))) == 15
    assert harness.server.pages_requested == [1, 2, 3]


@pytest.mark.parametrize("prefetch", [0, 2])
@pytest.mark.parametrize("total", [0, 5, 15])
def test_a_total_the_pages_contradict_is_not_trusted_and_paging_goes_on(
    harness: Harness, total: int, prefetch: int
) -> None:
    """`total: 0` on full pages (or any total smaller than what arrived): the total is wrong.
    Trusted, it stopped iteration after page 1 with 10 of 25 items; the short-page rule decides."""
    harness.server.respond = counted(25, total=total)
    first = harness.client.calls.list_phone_history(page_size=10, prefetch=prefetch)
    assert [item.id for item in first] == [f"s{i}" for i in range(25)]
    assert harness.server.pages_requested[:3] == [1, 2, 3]
    assert first.metadata == {"total": total}  # what was sent stays readable
    assert first.total == (None if total < 10 else total)  # page 1 contradicts 0 and 5, not 15
    pages = list(first.iter_pages())
    assert [page.total for page in pages] == [first.total, None, None]  # page 2 holds item 20 > 15


def test_a_total_too_small_that_no_page_contradicts_ends_iteration_there(harness: Harness) -> None:
    """The limit of what iteration can tell: a total of 10 reached by a full page 1 looks right.
    The command line's export asks for the page after to be sure (test_cli_export)."""
    harness.server.respond = counted(25, total=10)
    assert len(list(harness.client.calls.list_phone_history(page_size=10))) == 10
    assert harness.server.pages_requested == [1]


def test_probe_next_page_fetches_past_the_end_the_style_sees(harness: Harness) -> None:
    harness.server.respond = counted(25, total=10)
    first = harness.client.calls.list_phone_history(page_size=10)
    assert not first.has_next_page()
    with pytest.raises(RuntimeError, match="last page"):
        first.get_next_page()
    following = first.probe_next_page()
    assert following.page_number == 2
    assert following.items_before == 10
    assert [item.id for item in following.items] == [f"s{i}" for i in range(10, 20)]


def test_the_total_counts_from_the_first_page_asked_for(harness: Harness) -> None:
    harness.server.respond = counted(30)
    first = harness.client.calls.list_phone_history(page=2, page_size=10)
    assert len(list(first)) == 20
    assert harness.server.pages_requested == [2, 3]


# --- async -----------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_pager_awaits_to_the_first_page_and_iterates_every_item(async_harness: AsyncHarness) -> None:
    async_harness.server.respond = paged(25)
    first = await async_harness.client.call_sessions.list(page_size=10)
    assert isinstance(first, AsyncPage)
    assert len(first.items) == 10
    second = await first.get_next_page()
    assert second.page_number == 2
    assert [page.page_number async for page in first.iter_pages()] == [1, 2, 3]
    assert [s.id async for s in async_harness.client.call_sessions.list(page_size=10)] == [f"s{i}" for i in range(25)]
    raw = [item async for item in first.iter_raw_items()]
    assert raw == sessions("s", 25)


@pytest.mark.anyio
async def test_async_pager_guards_dedups_and_honours_max_items(async_harness: AsyncHarness) -> None:
    async_harness.server.respond = lambda request: json_response(200, page_body(sessions("same", 4)))
    with pytest.raises(RepeatedPageError):
        await abounded(async_harness.client.call_sessions.list(page_size=4))
    assert len([s async for s in async_harness.client.call_sessions.list(page_size=4, max_items=3)]) == 3
    async_harness.server.respond = window(size=5, step=1)
    with pytest.raises(RepeatedPageError, match="each repeat most of the page before"):
        await abounded(async_harness.client.call_sessions.list(page_size=5))
    async_harness.server.respond = pages({1: sessions("s", 3), 2: [*sessions("s", 1, 2), session(None)]})
    assert [s.id async for s in async_harness.client.call_sessions.list(page_size=3)] == ["s0", "s1", "s2", None]


@pytest.mark.anyio
async def test_async_total_style_stops_without_an_empty_page(async_harness: AsyncHarness) -> None:
    async_harness.server.respond = counted(20)
    assert len([s async for s in async_harness.client.calls.list_phone_history(page_size=10)]) == 20
    assert async_harness.server.pages_requested == [1, 2]


@pytest.mark.anyio
async def test_async_total_the_pages_contradict_is_not_trusted(async_harness: AsyncHarness) -> None:
    async_harness.server.respond = counted(25, total=0)
    assert len([s async for s in async_harness.client.calls.list_phone_history(page_size=10)]) == 25
    assert async_harness.server.pages_requested == [1, 2, 3]


@pytest.mark.anyio
async def test_async_probe_next_page_fetches_past_the_end_the_style_sees(async_harness: AsyncHarness) -> None:
    async_harness.server.respond = counted(25, total=10)
    first = await async_harness.client.calls.list_phone_history(page_size=10)
    assert not first.has_next_page()
    following = await first.probe_next_page()
    assert (following.page_number, len(following.items)) == (2, 10)


@pytest.mark.anyio
async def test_async_list_checks_its_arguments_before_it_is_awaited(async_harness: AsyncHarness) -> None:
    with pytest.raises(ValueError, match="page_size"):
        async_harness.client.call_sessions.list(page_size=0)
    with pytest.raises(ValueError, match="prefetch"):
        async_harness.client.call_sessions.list(prefetch=-1)
    assert async_harness.server.requests == []


@pytest.mark.anyio
async def test_async_body_that_is_not_a_page_is_a_validation_error(async_harness: AsyncHarness) -> None:
    async_harness.server.respond = lambda request: json_response(200, {"data": {"callSessions": [1]}})
    with pytest.raises(APIResponseValidationError, match=r"data.callSessions\[0\] must be a JSON object"):
        await async_harness.client.call_sessions.list()


def test_the_total_counts_items_received_so_a_server_capping_the_page_size_loses_nothing(harness: Harness) -> None:
    """A server that sends at most 5 items a page, whatever page_size asks (offsets by its own cap):
    counting pages times the page size would stop after 2 pages of 10 'expected', with 10 of 25."""

    def capped(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        start = (page - 1) * 5
        return json_response(200, history_body(sessions("s", max(0, min(5, 25 - start)), start), total=25))

    harness.server.respond = capped
    items = list(harness.client.calls.list_phone_history(page_size=10))
    assert [item.id for item in items] == [f"s{i}" for i in range(25)]
    assert harness.server.pages_requested == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("prefetch", [0, 2])
def test_short_pages_repeated_while_a_total_is_ahead_raise_repeated_page_error(harness: Harness, prefetch: int) -> None:
    """The page number ignored and a total far ahead: short pages are not the end in this style,
    so the guards must look at them too (this looped for 2,000 requests and more)."""
    harness.server.respond = lambda request: json_response(200, history_body(sessions("s", 3), total=10**6))
    with pytest.raises(RepeatedPageError):
        bounded(harness.client.calls.list_phone_history(page_size=10, prefetch=prefetch))
    assert len(harness.server.requests) <= 2 + prefetch + 1


@pytest.mark.anyio
async def test_short_pages_repeated_while_a_total_is_ahead_raise_repeated_page_error_async(
    async_harness: AsyncHarness,
) -> None:
    async_harness.server.respond = lambda request: json_response(200, history_body(sessions("s", 3), total=10**6))
    with pytest.raises(RepeatedPageError):
        await abounded(async_harness.client.calls.list_phone_history(page_size=10))


@pytest.mark.anyio
@pytest.mark.parametrize("prefetch", [0, 2])
async def test_async_raw_iteration_builds_no_models_for_later_pages_yet_they_are_there_when_asked(
    async_harness: AsyncHarness, monkeypatch: pytest.MonkeyPatch, prefetch: int
) -> None:
    async_harness.server.respond = paged(25)
    parses = count_model_parses(monkeypatch)
    seen: list[AsyncPage[Any]] = []
    first = await async_harness.client.call_sessions.list(page_size=10, prefetch=prefetch)
    assert [item async for item in first.iter_raw_items(on_page=seen.append)] == sessions("s", 25)
    assert len(parses) == 1
    assert ids_of(seen[2].items) == [f"s{i}" for i in range(20, 25)]
    assert len(parses) == 2
