"""The pager of every paginated operation against Prism, which ignores the page number.

Prism answers every page with the same example: with a page size of 1, the second page repeats
the first, which the pager must report as RepeatedPageError instead of looping (unless the
example's own total says its items are all there are: the pager then stops after them); with the
default page size the example is a short page (or reaches its total), the last one. Sync and async, with and
without prefetch.
"""

from __future__ import annotations

import pytest

from ravan_client import RepeatedPageError
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.support import spec_plan
from tests.support.calls import call_async, call_sync, valid_arguments
from tests.support.spec_plan import OperationPlan

pytestmark = pytest.mark.contract

PAGINATED = spec_plan.paginated_operations()
IDS = [spec_plan.operation_id(op) for op in PAGINATED]


def _example_items(operation: OperationPlan) -> list[object]:
    assert operation.pagination is not None
    node: object = next(iter(spec_plan.success_examples(operation).values()))
    for key in operation.pagination.items_wire_path:
        assert isinstance(node, dict)
        node = node[key]
    assert isinstance(node, list)
    return node


def _example_total_is_reached(operation: OperationPlan) -> bool:
    """Whether the example's own total (page-number-total) says its items are all there are: the
    pager then stops after them, whatever the page size, and never sees a page repeated."""
    assert operation.pagination is not None
    path = operation.pagination.body_paths.get("total")
    if path is None:
        return False
    node: object = next(iter(spec_plan.success_examples(operation).values()))
    for key in path:
        assert isinstance(node, dict)
        node = node.get(key)
    return isinstance(node, int) and node <= len(_example_items(operation))


def _full_page_arguments(operation: OperationPlan) -> dict[str, object]:
    """A page size of 1: every example page is then full (and, with a total, short of it), so the
    pager asks for page 2, which Prism answers with page 1 again."""
    assert operation.pagination is not None
    assert _example_items(operation), "the example must hold at least one item"
    return {**valid_arguments(operation, everything=False), operation.pagination.size_argument: 1}


@pytest.mark.parametrize("prefetch", [0, 2])
@pytest.mark.parametrize("operation", PAGINATED, ids=IDS)
def test_a_server_that_ignores_the_page_number_raises_repeated_page_error(
    prism_server: ApiServer, operation: OperationPlan, prefetch: int
) -> None:
    with sync_client(prism_server) as client:
        page = call_sync(client, operation, _full_page_arguments(operation), prefetch=prefetch)
        if _example_total_is_reached(operation):
            assert [item.to_dict() for item in page] == _example_items(operation)
            return
        with pytest.raises(RepeatedPageError):
            list(page)


@pytest.mark.anyio
@pytest.mark.parametrize("prefetch", [0, 2])
@pytest.mark.parametrize("operation", PAGINATED, ids=IDS)
async def test_a_server_that_ignores_the_page_number_raises_repeated_page_error_async(
    prism_server: ApiServer, operation: OperationPlan, prefetch: int
) -> None:
    async with async_client(prism_server) as client:
        page = await call_async(client, operation, _full_page_arguments(operation), prefetch=prefetch)
        if _example_total_is_reached(operation):
            assert [item.to_dict() async for item in page] == _example_items(operation)
            return
        with pytest.raises(RepeatedPageError):
            async for _ in page:
                pass


@pytest.mark.parametrize("operation", PAGINATED, ids=IDS)
def test_iterating_gives_every_item_once_and_max_items_stops_early(
    api_server: ApiServer, operation: OperationPlan
) -> None:
    with sync_client(api_server) as client:
        items = list(call_sync(client, operation, valid_arguments(operation, everything=False)))
        limited = list(call_sync(client, operation, valid_arguments(operation, everything=False), max_items=1))
    if api_server.is_prism:
        assert [item.to_dict() for item in items] == _example_items(operation)
    assert len(limited) == min(1, len(items))
