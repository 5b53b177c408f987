"""What the spec refuses, the server refuses too: each invalid value sent raw gets Prism's 422.

The same values (derived from each argument's rule, tests/support/values.py) are refused by the
client before sending (tests/client); here they bypass the client, to prove the spec itself
refuses them: a query value, or a JSON body property, that breaks its schema.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.contract.conftest import ApiServer
from tests.support import spec_plan
from tests.support.calls import valid_arguments
from tests.support.spec_plan import ArgumentPlan, OperationPlan
from tests.support.values import Invalid, invalid, valid

pytestmark = pytest.mark.contract

QUERY_CASES = [
    (op, a, case)
    for op in spec_plan.operations()
    for a in op.query_arguments
    for case in invalid(a)
    if case.wire is not None
]


def _json_safe(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


BODY_CASES = [
    (op, a, case)
    for op in spec_plan.operations()
    if op.body is not None and op.body.flattened
    for a in op.body_arguments
    for case in invalid(a)
    # JSON the server can read that breaks the schema (a bool is a JSON value of another type,
    # an integer past 64 bits is still a JSON integer: only the client refuses that one).
    if case.wire is not None and _json_safe(case.python) and a.rule.kind not in ("string", "array", "object", "any")
]


def _violation_locations(response: httpx.Response) -> list[list[str]]:
    """Where Prism found the request invalid: its sl-violations header when the spec documents a
    422 (it then answers with the spec's own 422), else the problem+json body it makes up."""
    if "sl-violations" in response.headers:
        violations = json.loads(response.headers["sl-violations"])
        return [v["location"][1:] for v in violations if v["location"][:1] == ["request"]]
    return [v["location"] for v in response.json().get("validation", [])]


def _raw_request(operation: OperationPlan) -> tuple[str, dict[str, Any], dict[str, str], Any]:
    """Path, query, headers and JSON body of a valid request for the operation (required arguments)."""
    path = operation.path
    for argument in operation.path_arguments:
        path = path.replace("{" + argument.wire_name + "}", quote(str(valid(argument).wire), safe=""))
    arguments = valid_arguments(operation, everything=False)
    query = {a.wire_name: valid(a).wire for a in operation.query_arguments if a.python_name in arguments}
    headers = {a.wire_name: valid(a).wire for a in operation.header_arguments if a.python_name in arguments}
    body: Any = None
    if operation.body is not None:
        if operation.body.flattened:
            body = {a.wire_name: valid(a).wire for a in operation.body_arguments if a.required}
        else:
            body = valid(operation.body.arguments[0]).wire
    return path, query, headers, body


def _send(server: ApiServer, operation: OperationPlan, query: dict[str, Any], body: Any) -> httpx.Response:
    path, valid_query, headers, _ = _raw_request(operation)
    return httpx.request(
        operation.method.upper(),
        server.base_url + path,
        params={**valid_query, **query},
        headers={"X-Api-Key": server.api_key, **headers},
        json=body,
        timeout=10.0,
    )


@pytest.mark.parametrize(
    ("operation", "argument", "case"),
    QUERY_CASES,
    ids=[f"{spec_plan.operation_id(op)}-{a.python_name}={case.wire}" for op, a, case in QUERY_CASES],
)
def test_the_spec_refuses_each_invalid_query_value_sent_raw(
    prism_server: ApiServer, operation: OperationPlan, argument: ArgumentPlan, case: Invalid
) -> None:
    _, _, _, body = _raw_request(operation)
    response = _send(prism_server, operation, {argument.wire_name: case.wire}, body)
    assert response.status_code == 422, response.text
    assert ["query", argument.wire_name] in _violation_locations(response)


if BODY_CASES:

    @pytest.mark.parametrize(
        ("operation", "argument", "case"),
        BODY_CASES,
        ids=[f"{spec_plan.operation_id(op)}-{a.python_name}-{case.label}" for op, a, case in BODY_CASES],
    )
    def test_the_spec_refuses_each_invalid_body_property_sent_raw(
        prism_server: ApiServer, operation: OperationPlan, argument: ArgumentPlan, case: Invalid
    ) -> None:
        _, _, _, body = _raw_request(operation)
        raw = case.wire if argument.rule.kind in ("date-time", "date") else case.python
        response = _send(prism_server, operation, {}, {**body, argument.wire_name: raw})
        assert response.status_code == 422, response.text
        assert ["body", argument.wire_name] in _violation_locations(response)
