"""Small OpenAPI documents for the rule tests: one operation, and a schema placed where a rule looks.

`document()` builds a whole (tiny) spec around one operation; `PLACEMENTS` put one schema on each
side of the exchange: as a query parameter, as a request body property, as a response body
property. The same pair of schemas placed on the request side and on the response side is how
the tests show that a rule knows its direction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scripts.lib import api_diff

Spec = dict[str, Any]
PATH = "/things"
FIELD = "field"


def document(
    *,
    path: str = PATH,
    method: str = "get",
    operation_id: str = "listThings",
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
    responses: dict[str, Any] | None = None,
    response_schema: dict[str, Any] | None = None,
    extensions: Mapping[str, Any] | None = None,
    schemas: Mapping[str, Any] | None = None,
) -> Spec:
    """A spec with one operation. `response_schema` is the JSON body of its 200 response
    (`responses` replaces the responses entirely)."""
    operation: dict[str, Any] = {"operationId": operation_id}
    if parameters is not None:
        operation["parameters"] = parameters
    if request_body is not None:
        operation["requestBody"] = request_body
    if responses is None:
        responses = {"200": json_response(response_schema or {"type": "object"})}
    operation["responses"] = responses
    operation.update(extensions or {})
    spec: Spec = {
        "openapi": "3.1.0",
        "info": {"title": "fragment", "version": "1.0.0"},
        "paths": {path: {method: operation}},
    }
    if schemas:
        spec["components"] = {"schemas": dict(schemas)}
    return spec


def json_response(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": dict(schema)}}}


def json_body(schema: Mapping[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": dict(schema)}}}


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# The media types the rules of bodies are tested with, each in both directions.
MEDIA_TYPES = (JSON, FORM, MULTIPART)
# A multipart file part, the OpenAPI 3.0 way and the 3.1 way.
BINARY_FILE = {"type": "string", "format": "binary"}
MEDIA_FILE = {"type": "string", "contentMediaType": "image/png"}


def body(*schemas: tuple[str, Mapping[str, Any]], required: bool = True) -> dict[str, Any]:
    """A request body with one schema per (media type, schema), in that order."""
    return {"required": required, "content": {media: {"schema": dict(schema)} for media, schema in schemas}}


def response(*schemas: tuple[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A response with one schema per (media type, schema), in that order."""
    return {"description": "ok", "content": {media: {"schema": dict(schema)} for media, schema in schemas}}


def obj(properties: Mapping[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema with these properties (and these required)."""
    schema: dict[str, Any] = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return schema


def query(name: str = "q", schema: Mapping[str, Any] | None = None, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": dict(schema or {"type": "string"})}


def as_parameter(schema: Mapping[str, Any]) -> Spec:
    return document(parameters=[query("q", schema)])


def as_request_property(schema: Mapping[str, Any]) -> Spec:
    return document(method="post", request_body=json_body(obj({FIELD: schema})))


def as_response_property(schema: Mapping[str, Any]) -> Spec:
    return document(response_schema=obj({FIELD: schema}))


# Rule id prefix -> how to put a schema there.
PLACEMENTS: dict[str, Callable[[Mapping[str, Any]], Spec]] = {
    "request-parameter": as_parameter,
    "request-property": as_request_property,
    "response-property": as_response_property,
}


def findings(old: Spec, new: Spec) -> list[api_diff.Finding]:
    return api_diff.compare_specs(old, new)


def rule_ids(old: Spec, new: Spec) -> set[str]:
    return {item.rule.id for item in findings(old, new)}


def describe(found: list[api_diff.Finding]) -> str:
    """Findings as lines, for assertion messages."""
    return "\n".join(f"[{item.rule.id}] {item.where[0]}: {item.message}" for item in found) or "(no findings)"
