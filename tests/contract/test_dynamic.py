"""Bodies Prism invents from each success schema (`Prefer: dynamic=true, seed=N`) parse and come back.

For every operation with a body and each seed, the body Prism sends must match the schema (Prism
makes it from the schema; `--errors` would refuse otherwise) and the client must give it back
exactly (`to_dict()`), or, when the invented envelope says `success: false`, raise
APIResponseValidationError. Seeds whose digits repeat another's give the same body in Prism
(7 and 77), so they are 100 and up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from ravan_client import APIResponseValidationError
from tests.contract.conftest import ApiServer, sync_client
from tests.support import spec_plan
from tests.support.calls import call_sync, valid_arguments
from tests.support.spec_plan import OperationPlan
from tests.support.values import valid

pytestmark = pytest.mark.contract

SEEDS = list(range(100, 112))
BODY_OPERATIONS = [op for op in spec_plan.operations() if op.response.kind != "empty"]
CASES = [(op, seed) for op in BODY_OPERATIONS for seed in SEEDS]


def _raw_body(server: ApiServer, operation: OperationPlan, prefer: str) -> Any:
    path = operation.path
    for argument in operation.path_arguments:
        path = path.replace("{" + argument.wire_name + "}", quote(str(valid(argument).wire), safe=""))
    arguments = valid_arguments(operation, everything=False)
    body = None
    if operation.body is not None and operation.body.flattened:
        body = {a.wire_name: valid(a).wire for a in operation.body_arguments if a.python_name in arguments}
    response = httpx.request(
        operation.method.upper(),
        server.base_url + path,
        params={a.wire_name: valid(a).wire for a in operation.query_arguments if a.python_name in arguments},
        headers={"X-Api-Key": server.api_key, "Prefer": prefer},
        json=body,
        timeout=10.0,
    )
    assert response.status_code == operation.response.status, response.text
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    return response.json()


@pytest.mark.parametrize(
    ("operation", "seed"), CASES, ids=[f"{spec_plan.operation_id(op)}-{seed}" for op, seed in CASES]
)
def test_each_invented_body_parses_and_comes_back_exactly(
    prism_server: ApiServer, operation: OperationPlan, seed: int
) -> None:
    prefer = f"dynamic=true, seed={seed}"
    expected = _raw_body(prism_server, operation, prefer)
    assert spec_plan.schema_errors(spec_plan.success_schema(operation), expected) == []
    with sync_client(prism_server) as client:
        if isinstance(expected, dict) and expected.get("success") is False:
            with pytest.raises(APIResponseValidationError, match="success is false"):
                call_sync(
                    client, operation, valid_arguments(operation, everything=False), extra_headers={"Prefer": prefer}
                )
            return
        result = call_sync(
            client, operation, valid_arguments(operation, everything=False), extra_headers={"Prefer": prefer}
        )
    if operation.pagination is not None:
        assert result.body.to_dict() == expected
    elif operation.response.kind == "array":
        assert [item.to_dict() if hasattr(item, "to_dict") else item for item in result] == expected
    elif operation.response.kind == "object":
        assert result.to_dict() == expected
    else:
        assert result == expected
