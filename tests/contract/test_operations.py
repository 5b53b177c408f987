"""Every operation of the spec, through both clients, against Prism: accepted, answered, parsed.

Parametrised over the plan's operations (and each operation's arguments), with values derived from
their rules: Prism validates every request against the spec, so a request that breaks it shows
as an `sl-violations` header (and, for a bad value, a 422). Each operation must be answered with
its documented success and parse into the type the spec documents.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import ApiServer, recording_async_client, recording_sync_client
from tests.support import spec_plan
from tests.support.calls import call_async, call_sync, valid_arguments
from tests.support.spec_plan import ArgumentPlan, OperationPlan
from tests.support.values import valid

pytestmark = pytest.mark.contract

OPERATIONS = spec_plan.operations()
OPERATION_IDS = [spec_plan.operation_id(op) for op in OPERATIONS]
ARGUMENT_CASES = [(op, a) for op in OPERATIONS for a in op.all_arguments if not a.required]
ARGUMENT_IDS = [f"{spec_plan.operation_id(op)}-{a.python_name}" for op, a in ARGUMENT_CASES]


def _check_result(operation: OperationPlan, result: Any) -> None:
    if operation.pagination is not None:
        assert type(result).__name__ == "SyncPage" or type(result).__name__ == "AsyncPage"
        assert all(type(item).__name__ == operation.pagination.item_class for item in result.items)
    elif operation.response.kind == "empty":
        assert result is None
    elif operation.response.kind == "object":
        assert type(result).__name__ == operation.response.annotation
    elif operation.response.kind == "array":
        assert isinstance(result, list)


@pytest.mark.parametrize("everything", [False, True], ids=["required-only", "every-argument"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_each_operation_is_accepted_and_answered_with_its_documented_success(
    prism_server: ApiServer, operation: OperationPlan, everything: bool
) -> None:
    with recording_sync_client(prism_server) as (client, recorded):
        result = call_sync(client, operation, valid_arguments(operation, everything=everything))
    assert recorded.violations() == []
    assert [r.status_code for r in recorded.responses] == [operation.response.status]
    _check_result(operation, result)


@pytest.mark.anyio
@pytest.mark.parametrize("everything", [False, True], ids=["required-only", "every-argument"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_each_operation_is_accepted_and_answered_async(
    prism_server: ApiServer, operation: OperationPlan, everything: bool
) -> None:
    async with recording_async_client(prism_server) as (client, recorded):
        result = await call_async(client, operation, valid_arguments(operation, everything=everything))
    assert recorded.violations() == []
    assert [r.status_code for r in recorded.responses] == [operation.response.status]
    _check_result(operation, result)


@pytest.mark.parametrize(("operation", "argument"), ARGUMENT_CASES, ids=ARGUMENT_IDS)
def test_each_optional_argument_alone_is_sent_and_accepted(
    prism_server: ApiServer, operation: OperationPlan, argument: ArgumentPlan
) -> None:
    arguments = {**valid_arguments(operation, everything=False), argument.python_name: valid(argument).python}
    with recording_sync_client(prism_server) as (client, recorded):
        call_sync(client, operation, arguments)
    assert recorded.violations() == []
    request = recorded.responses[0].request
    expected = valid(argument).wire
    if argument.location == "query":
        # httpx decodes the query as a server does: a "+" sent unencoded would read back as a space.
        assert request.url.params.get_list(argument.wire_name) == (
            expected if isinstance(expected, list) else [expected]
        )
    elif argument.location == "header":
        assert request.headers[argument.wire_name] == expected


def test_every_listing_without_path_arguments_answers(api_server: ApiServer) -> None:
    """Read-only operations only, against any server (TEST_API_BASE_URL too): every GET answers."""
    with recording_sync_client(api_server) as (client, recorded):
        for operation in OPERATIONS:
            if operation.method == "get" and not operation.path_arguments:
                call_sync(client, operation, valid_arguments(operation, everything=False))
    assert all(200 <= r.status_code < 300 for r in recorded.responses)
