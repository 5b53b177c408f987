"""What the spec-derived suites know about the spec under test: its plan, examples and schemas.

Everything here is computed from the target's spec (tests/support/target.py) through the same
resolver and plan the generator uses (scripts/lib/openapi_document.py, scripts/lib/plan/), so
a test parametrised over `operations()` or over an operation's arguments grows with the spec:
no test keeps a hand-written list of the spec's operations, parameters or fields.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from scripts.lib.generate import load_generator_data
from scripts.lib.openapi_document import OpenAPIDocument
from scripts.lib.plan import ApiPlan, ArgumentPlan, OperationPlan, build_plan
from tests.support.target import current_target

__all__ = [
    "ApiPlan",
    "ArgumentPlan",
    "OperationPlan",
    "document",
    "json_schema",
    "operation_id",
    "operations",
    "raw_spec",
    "schema_errors",
    "success_examples",
    "target_plan",
]


@functools.cache
def raw_spec() -> dict[str, Any]:
    """The target's spec, parsed once per test session (callers must not mutate it)."""
    with current_target().spec_path.open(encoding="utf-8") as file:
        return cast(dict[str, Any], yaml.safe_load(file))


@functools.cache
def document() -> OpenAPIDocument:
    return OpenAPIDocument(raw_spec(), source=str(current_target().spec_path))


@functools.cache
def target_plan() -> ApiPlan:
    """The plan the target was generated from, computed again the way scripts/generate does."""
    with tempfile.TemporaryDirectory() as scratch:
        _, openapi = load_generator_data(current_target().spec_path, raw_spec(), Path(scratch) / "out")
    return build_plan(document(), openapi)


def operations() -> list[OperationPlan]:
    return list(target_plan().operations)


def operation_id(operation: OperationPlan) -> str:
    return f"{operation.resource}.{operation.method_name}"


def paginated_operations() -> list[OperationPlan]:
    return [op for op in operations() if op.pagination is not None]


def success_media(operation: OperationPlan) -> Mapping[str, Any] | None:
    spec_operation = document().operation(operation.path, operation.method)
    response = document().responses(spec_operation)[str(operation.response.status)]
    return document().json_media(response.get("content"))


def success_schema(operation: OperationPlan) -> Any:
    media = success_media(operation)
    return None if media is None else media.get("schema", {})


def success_examples(operation: OperationPlan) -> dict[str, Any]:
    """The named examples (or the one `example`) of the operation's success response, by name."""
    media = success_media(operation)
    if media is None:
        return {}
    if "examples" in media:
        return {name: document().resolve(example)["value"] for name, example in media["examples"].items()}
    if "example" in media:
        return {"example": media["example"]}
    return {}


def error_example(operation: OperationPlan, status: int) -> Any:
    spec_operation = document().operation(operation.path, operation.method)
    media = document().json_media(document().responses(spec_operation)[str(status)].get("content"))
    return None if media is None else media.get("example")


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/components/schemas/", "#/$defs/")
            if key == "$ref" and isinstance(value, str)
            else _rewrite_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def json_schema(node: Any) -> dict[str, Any]:
    """A self-contained JSON Schema (2020-12) for a schema of the spec: every component schema goes
    into `$defs` and `#/components/schemas/X` references become `#/$defs/X`."""
    components = _rewrite_refs(copy.deepcopy(raw_spec().get("components", {}).get("schemas", {})))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": components,
        **_rewrite_refs(copy.deepcopy(dict(node))),
    }


def schema_errors(node: Any, instance: Any) -> list[str]:
    """Every way `instance` breaks the schema, as readable lines (empty: it matches)."""
    schema = json_schema(node)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def minimal_instance(node: Any, depth: int = 0) -> Any:
    """A small JSON value the schema accepts: required properties only, one item per array."""
    schema = document().normalize(node)
    if schema.enum:
        return schema.enum[0]
    kind = schema.single_type
    if kind == "object" or (kind is None and schema.properties):
        return {
            name: minimal_instance(schema.properties[name], depth + 1)
            for name in schema.properties
            if name in schema.required
        }
    if kind == "array":
        return [] if depth > 4 or schema.items is None else [minimal_instance(schema.items, depth + 1)]
    if kind == "integer":
        return int(schema.minimum) if schema.minimum is not None else 1
    if kind == "number":
        return float(schema.minimum) if schema.minimum is not None else 1.5
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.format == "date-time":
            return "2026-11-24T16:02:11Z"
        if schema.format == "date":
            return "2026-11-24"
        return "x" * max(schema.min_length or 1, 1)
    return None
