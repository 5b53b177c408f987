"""Every named example of every success response, served by Prism, through both packages.

The client must give back exactly the example (`to_dict()`: same keys, same order-independent
values, timestamps spelled as sent), and the pydantic models of `ravan_models` must accept it. The
examples must also match their own schema (Prism's `--errors` refuses an example that does not).
"""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

import ravan_models
from tests.contract.conftest import ApiServer, recording_sync_client
from tests.support import spec_plan
from tests.support.calls import call_sync, valid_arguments
from tests.support.spec_plan import OperationPlan

pytestmark = pytest.mark.contract

EXAMPLE_CASES = [
    (op, name, value) for op in spec_plan.operations() for name, value in spec_plan.success_examples(op).items()
]
EXAMPLE_IDS = [f"{spec_plan.operation_id(op)}-{name}" for op, name, _ in EXAMPLE_CASES]


def test_every_operation_with_a_body_has_an_example() -> None:
    documented = {spec_plan.operation_id(op) for op, _, _ in EXAMPLE_CASES}
    for operation in spec_plan.operations():
        if operation.response.kind != "empty":
            assert spec_plan.operation_id(operation) in documented


@pytest.mark.parametrize(("operation", "name", "example"), EXAMPLE_CASES, ids=EXAMPLE_IDS)
def test_each_example_matches_its_schema(operation: OperationPlan, name: str, example: Any) -> None:
    assert spec_plan.schema_errors(spec_plan.success_schema(operation), example) == []


@pytest.mark.parametrize(("operation", "name", "example"), EXAMPLE_CASES, ids=EXAMPLE_IDS)
def test_each_example_comes_back_exactly_from_the_client(
    prism_server: ApiServer, operation: OperationPlan, name: str, example: Any
) -> None:
    prefer = {"Prefer": f"example={name}"} if name != "example" else {}
    with recording_sync_client(prism_server) as (client, recorded):
        result = call_sync(client, operation, valid_arguments(operation, everything=False), extra_headers=prefer)
    assert recorded.violations() == []
    if operation.pagination is not None:
        assert result.body.to_dict() == example
    elif operation.response.kind == "array":
        assert [item.to_dict() for item in result] == example
    else:
        assert result.to_dict() == example


@pytest.mark.parametrize(("operation", "name", "example"), EXAMPLE_CASES, ids=EXAMPLE_IDS)
def test_each_example_is_accepted_by_the_pydantic_models(operation: OperationPlan, name: str, example: Any) -> None:
    schema = spec_plan.document().normalize(spec_plan.success_schema(operation))
    if schema.ref_name is not None:
        model: Any = getattr(ravan_models, schema.ref_name)
    else:
        assert schema.single_type == "array", "an inline response schema: no model to check it against"
        item = spec_plan.document().normalize(schema.items)
        assert item.ref_name is not None
        model = list[getattr(ravan_models, item.ref_name)]  # type: ignore[misc]
    adapter = pydantic.TypeAdapter(model)
    parsed = adapter.validate_python(example)
    assert adapter.dump_python(parsed, by_alias=True, exclude_unset=True, mode="json") == example
