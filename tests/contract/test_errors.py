"""Authentication and every documented error response, as the clients report them.

Each error status an operation documents is served by Prism (`Prefer: code=N`, sent with the
per-call `extra_headers`, with the spec's own example body) and must raise its typed exception
(404 is NotFoundError, ...) carrying the status and the envelope's message.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

import ravan_client
from tests.contract.conftest import ApiServer, async_client, sync_client
from tests.support import spec_plan
from tests.support.calls import call_async, call_sync, valid_arguments
from tests.support.errors import expected_error_class_name
from tests.support.spec_plan import OperationPlan
from tests.support.values import valid

pytestmark = pytest.mark.contract

OPERATIONS = spec_plan.operations()
ERROR_CASES = [(op, status) for op in OPERATIONS for status in op.error_statuses]
ERROR_IDS = [f"{spec_plan.operation_id(op)}-{status}" for op, status in ERROR_CASES]
SECURED = [op for op in OPERATIONS if 401 in op.error_statuses]


def _error_class(status: int) -> type[ravan_client.APIStatusError]:
    error_class: type[ravan_client.APIStatusError] = getattr(ravan_client, expected_error_class_name(status))
    return error_class


@pytest.mark.parametrize(("operation", "status"), ERROR_CASES, ids=ERROR_IDS)
def test_each_documented_error_raises_its_typed_error_with_the_envelopes_message(
    prism_server: ApiServer, operation: OperationPlan, status: int
) -> None:
    example = spec_plan.error_example(operation, status)
    with sync_client(prism_server, max_retries=0) as client, pytest.raises(_error_class(status)) as raised:
        call_sync(
            client, operation, valid_arguments(operation, everything=False), extra_headers={"Prefer": f"code={status}"}
        )
    assert raised.value.status_code == status
    if isinstance(example, dict) and example.get("message"):
        assert example["message"] in raised.value.message


@pytest.mark.anyio
@pytest.mark.parametrize(("operation", "status"), ERROR_CASES, ids=ERROR_IDS)
async def test_each_documented_error_raises_its_typed_error_async(
    prism_server: ApiServer, operation: OperationPlan, status: int
) -> None:
    async with async_client(prism_server, max_retries=0) as client:
        with pytest.raises(_error_class(status)) as raised:
            await call_async(
                client,
                operation,
                valid_arguments(operation, everything=False),
                extra_headers={"Prefer": f"code={status}"},
            )
    assert raised.value.status_code == status


@pytest.mark.parametrize("operation", SECURED, ids=[spec_plan.operation_id(op) for op in SECURED])
def test_a_request_without_the_api_key_gets_401(api_server: ApiServer, operation: OperationPlan) -> None:
    path = operation.path
    for argument in operation.path_arguments:
        path = path.replace("{" + argument.wire_name + "}", quote(str(valid(argument).wire), safe=""))
    response = httpx.request(operation.method.upper(), api_server.base_url + path, timeout=10.0)
    assert response.status_code == 401


def test_every_operation_that_documents_a_404_gets_not_found_error(prism_server: ApiServer) -> None:
    documented = [op for op in OPERATIONS if 404 in op.error_statuses]
    with sync_client(prism_server, max_retries=0) as client:
        for operation in documented:
            with pytest.raises(ravan_client.NotFoundError):
                call_sync(
                    client,
                    operation,
                    valid_arguments(operation, everything=False),
                    extra_headers={"Prefer": "code=404"},
                )
    # The product spec documents no 404 (the vendor does not); the grown one does, on every get by id.
    assert documented or not any(op.path_arguments for op in OPERATIONS)
