"""The plan the spec-derived suites enumerate their cases from, held against the raw spec.

tests/client and tests/contract parametrise over `spec_plan.operations()`: the generator's own plan.
A plan that dropped an operation, a parameter, a body property or a documented error status would
silently drop its tests too, and any value the plan got wrong would be the expectation. Here the
raw document (YAML as written, `$ref`s followed by hand) says what there is, and the plan must
agree: which operations, which arguments by wire name and place, which error statuses.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import spec_plan
from tests.support.spec_plan import OperationPlan

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
OPERATIONS = spec_plan.operations()
OPERATION_IDS = [spec_plan.operation_id(op) for op in OPERATIONS]


def _follow(node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        *_, kind, name = node["$ref"].split("/")
        node = spec_plan.raw_spec()["components"][kind][name]
    return node


def _raw_operation(operation: OperationPlan) -> tuple[dict[str, Any], dict[str, Any]]:
    path_item = spec_plan.raw_spec()["paths"][operation.path]
    return path_item, path_item[operation.method.lower()]


def test_the_plan_has_one_operation_per_operation_of_the_spec() -> None:
    raw = {
        (method.upper(), path)
        for path, item in spec_plan.raw_spec()["paths"].items()
        for method in METHODS
        if method in item
    }
    planned = [(op.method.upper(), op.path) for op in OPERATIONS]
    assert len(planned) == len(set(planned))
    assert set(planned) == raw


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_the_plans_error_statuses_are_the_documented_ones(operation: OperationPlan) -> None:
    _, raw = _raw_operation(operation)
    documented = {int(code) for code in raw.get("responses", {}) if str(code).isdigit() and int(code) >= 400}
    assert set(operation.error_statuses) == documented


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_the_plans_parameters_are_the_documented_ones(operation: OperationPlan) -> None:
    path_item, raw = _raw_operation(operation)
    declared: dict[tuple[str, str], Any] = {}
    for parameter in (_follow(p) for p in [*path_item.get("parameters", []), *raw.get("parameters", [])]):
        declared[(parameter["in"], parameter["name"])] = parameter  # the operation's overrides the path's
    # Credentials are the client's settings, not arguments of a method.
    schemes = spec_plan.raw_spec().get("components", {}).get("securitySchemes", {})
    credentials = {
        (_follow(scheme).get("in"), _follow(scheme).get("name"))
        for scheme in schemes.values()
        if _follow(scheme).get("type") == "apiKey"
    }
    expected = {key for key in declared if key not in credentials and key[0] != "cookie"}
    planned = {(arg.location, arg.wire_name) for arg in operation.arguments if arg.location != "body"}
    assert planned == expected
    required = {(key, bool(parameter.get("required"))) for key, parameter in declared.items() if key in expected}
    assert {((arg.location, arg.wire_name), arg.required) for arg in operation.arguments if arg.location != "body"} == (
        required
    )


BODY_OPERATIONS = [
    op
    for op in OPERATIONS
    if "application/json" in _follow(_raw_operation(op)[1].get("requestBody", {})).get("content", {})
    and "properties" in _follow(_follow(_raw_operation(op)[1]["requestBody"])["content"]["application/json"]["schema"])
]


@pytest.mark.skipif(not BODY_OPERATIONS, reason="the spec under test has no JSON body with properties")
@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=[spec_plan.operation_id(op) for op in BODY_OPERATIONS])
def test_the_plans_body_arguments_are_the_documented_properties(operation: OperationPlan) -> None:
    body = _follow(_raw_operation(operation)[1]["requestBody"])
    schema = _follow(body["content"]["application/json"]["schema"])
    assert operation.body is not None
    assert operation.body.flattened
    planned = {(arg.wire_name, arg.required) for arg in operation.body.arguments}
    assert planned == {(name, name in schema.get("required", [])) for name in schema["properties"]}


def _argument_schemas(operation: OperationPlan) -> dict[tuple[str, str], Any]:
    """Each argument's raw schema by (place, wire name): parameters, then a flattened body's properties."""
    path_item, raw = _raw_operation(operation)
    schemas: dict[tuple[str, str], Any] = {}
    for parameter in (_follow(p) for p in [*path_item.get("parameters", []), *raw.get("parameters", [])]):
        schemas[(parameter["in"], parameter["name"])] = _follow(parameter.get("schema", {}))
    if "requestBody" in raw:
        content = _follow(raw["requestBody"]).get("content", {})
        body = _follow(content.get("application/json", {}).get("schema", {}))
        for name, node in body.get("properties", {}).items():
            schemas[("body", name)] = _follow(node)
    return schemas


def _expected_kind(schema: dict[str, Any]) -> str | None:
    declared = schema.get("type")
    types = [t for t in (declared if isinstance(declared, list) else [declared]) if t not in (None, "null")]
    if any(key in schema for key in ("oneOf", "anyOf", "allOf")) or len(types) != 1:
        return None
    if [value for value in schema.get("enum", []) if value is not None]:
        return "choice"
    if types[0] == "string" and schema.get("format") in ("date-time", "date"):
        return str(schema["format"])
    return str(types[0])


RULE_CASES = [
    (op, arg)
    for op in OPERATIONS
    for arg in [*op.arguments, *(op.body.arguments if op.body is not None and op.body.flattened else ())]
    if _expected_kind(_argument_schemas(op).get((arg.location, arg.wire_name), {})) is not None
]


@pytest.mark.parametrize(
    ("operation", "argument"),
    RULE_CASES,
    ids=[f"{spec_plan.operation_id(op)}.{arg.python_name}" for op, arg in RULE_CASES],
)
def test_each_arguments_rule_says_what_its_schema_says(operation: OperationPlan, argument: Any) -> None:
    """Kind, bounds and choices: the values the suites send and refuse are made from the rule."""
    schema = _argument_schemas(operation)[(argument.location, argument.wire_name)]
    rule = argument.rule
    assert rule.kind == _expected_kind(schema)
    assert rule.minimum == schema.get("minimum")
    assert rule.maximum == schema.get("maximum")
    if rule.kind == "choice":
        assert set(rule.choices or ()) == {value for value in schema["enum"] if value is not None}
