"""`extra_query` / `extra_headers` on the generated clients: a key naming a declared parameter is refused.

Derived from the plan (every operation with a query or header parameter), so a new operation in
the spec is checked here with no edit. The runtime's own tests (tests/runtime/test_operations.py)
cover body properties and the reasons.
"""

from __future__ import annotations

import pytest

from tests.client.conftest import Recorder, async_client, success_response, sync_client
from tests.support import spec_plan
from tests.support.calls import call_async, call_sync, valid_arguments
from tests.support.spec_plan import ArgumentPlan, OperationPlan

CASES = [
    (operation, argument)
    for operation in spec_plan.operations()
    for argument in operation.arguments
    if argument.location in ("query", "header")
]
CASE_IDS = [f"{spec_plan.operation_id(operation)}-{argument.wire_name}" for operation, argument in CASES]


def _extra(argument: ArgumentPlan) -> dict[str, dict[str, str]]:
    where = "extra_query" if argument.location == "query" else "extra_headers"
    name = argument.wire_name if argument.location == "query" else argument.wire_name.upper()
    return {where: {name: "5"}}


@pytest.mark.parametrize(("operation", "argument"), CASES, ids=CASE_IDS)
def test_an_extra_key_naming_a_declared_parameter_is_refused(operation: OperationPlan, argument: ArgumentPlan) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    arguments = valid_arguments(operation, everything=False)
    with sync_client(recorder) as client, pytest.raises(TypeError, match=f"the {argument.python_name}= argument"):
        call_sync(client, operation, arguments, **_extra(argument))
    assert recorder.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("operation", "argument"), CASES, ids=CASE_IDS)
async def test_async_an_extra_key_naming_a_declared_parameter_is_refused(
    operation: OperationPlan, argument: ArgumentPlan
) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    arguments = valid_arguments(operation, everything=False)
    async with async_client(recorder) as client:
        with pytest.raises(TypeError, match=f"the {argument.python_name}= argument"):
            await call_async(client, operation, arguments, **_extra(argument))
    assert recorder.requests == []
