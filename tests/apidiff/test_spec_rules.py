"""Each spec rule of `scripts/api-diff` on a pair of small fragments (old, new), in both directions.

`SCHEMA_CASES` put the same pair of schemas as a query parameter, a request body property and a
response body property: one case per schema rule. `CASES` hold the rules about operations,
parameters, bodies, properties and x-pagination. `RESPONSE_MIRRORS` give, for each request-side
rule that has a mirror, the same edit on the response side, whose verdict is the opposite.
Each case expects exactly its rule: an edit that set off other rules too would hide a noisy rule.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.lib import api_diff
from tests.apidiff.fragments import (
    BINARY_FILE,
    FORM,
    JSON,
    MULTIPART,
    PLACEMENTS,
    Spec,
    body,
    describe,
    document,
    findings,
    json_body,
    json_response,
    obj,
    query,
    response,
    rule_ids,
)

REAL_SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
STRING = {"type": "string"}


@dataclass(frozen=True)
class Case:
    """An edit (old -> new) and the one rule it must set off."""

    rule: str
    old: Spec
    new: Spec

    @property
    def id(self) -> str:
        return self.rule


# kind -> (old schema, new schema): an edit that changes only that.
SCHEMA_EDITS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "type-changed": ({"type": "string"}, {"type": "integer"}),
    "type-widened": ({"type": "integer"}, {"type": "number"}),
    "type-narrowed": ({"type": ["string", "integer"]}, {"type": "string"}),
    "became-nullable": ({"type": "string"}, {"type": ["string", "null"]}),
    "became-not-nullable": ({"type": ["string", "null"]}, {"type": "string"}),
    "enum-value-added": ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a", "b", "c"]}),
    "enum-value-removed": ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a"]}),
    "became-enum": ({"type": "string"}, {"type": "string", "enum": ["a", "b"]}),
    "became-not-enum": ({"type": "string", "enum": ["a", "b"]}, {"type": "string"}),
    "format-added": ({"type": "string"}, {"type": "string", "format": "date-time"}),
    "format-removed": ({"type": "string", "format": "date-time"}, {"type": "string"}),
    "format-changed": ({"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}),
    "bound-tightened": ({"type": "integer", "minimum": 1}, {"type": "integer", "minimum": 2}),
    "bound-loosened": ({"type": "string", "maxLength": 10}, {"type": "string"}),
    "pattern-changed": ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^b"}),
    "union-member-added": (
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
    ),
    "union-member-removed": (
        {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    ),
    "default-changed": ({"type": "integer", "default": 20}, {"type": "integer", "default": 50}),
}


def schema_case(prefix: str, kind: str) -> Case:
    old, new = SCHEMA_EDITS[kind]
    place = PLACEMENTS[prefix]
    return Case(f"{prefix}-{kind}", place(old), place(new))


SCHEMA_CASES = [
    schema_case(prefix, change.kind)
    for change in api_diff.SCHEMA_CHANGES
    for prefix in PLACEMENTS
    if f"{prefix}-{change.kind}" in api_diff.RULES_BY_ID
]


def merged(*specs: Spec) -> Spec:
    """One spec holding every operation of these."""
    result = copy.deepcopy(specs[0])
    for spec in specs[1:]:
        result["paths"].update(copy.deepcopy(spec["paths"]))
    return result


OTHER = document(path="/others", operation_id="listOthers")
THING = obj({"id": STRING, "name": STRING}, required=("id",))
PAGE = obj(
    {
        "data": obj({"items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}, ("items",)),
        "total": {"type": "integer"},
    },
    ("data",),
)
PAGINATION = {"page-parameter": "page", "size-parameter": "page_size", "items": ["data", "items"], "item-key": "id"}


def paged(changes: Mapping[str, Any] | None = None, *, pagination: bool = True) -> Spec:
    """A paged list operation with its x-pagination (with these keys changed), or without one."""
    page_parameters = [query("page", {"type": "integer"}), query("page_size", {"type": "integer"})]
    extensions = {"x-pagination": {**PAGINATION, **(changes or {})}} if pagination else {}
    return document(parameters=page_parameters, response_schema=PAGE, schemas={"Thing": THING}, extensions=extensions)


def post(body: dict[str, Any] | None) -> Spec:
    return document(method="post", request_body=body)


def body_of(properties: dict[str, Any], required: tuple[str, ...] = ()) -> Spec:
    return post(json_body(obj(properties, required)))


def returns(properties: dict[str, Any], required: tuple[str, ...] = ()) -> Spec:
    return document(response_schema=obj(properties, required))


def sends(media_type: str, properties: dict[str, Any], required: tuple[str, ...] = ()) -> Spec:
    """A POST whose body, of this media type, is an object of these properties."""
    return post(body((media_type, obj(properties, required))))


def returns_as(media_type: str, properties: dict[str, Any], required: tuple[str, ...] = ()) -> Spec:
    return document(responses={"200": response((media_type, obj(properties, required)))})


AN_OBJECT = obj({"a": STRING})


CASES = [
    # Operations.
    Case("operation-removed", merged(document(), OTHER), OTHER),
    Case("operation-added", OTHER, merged(document(), OTHER)),
    Case("operation-path-changed", document(path="/things"), document(path="/items")),
    Case("operation-method-changed", document(method="get"), document(method="post")),
    Case("operation-id-changed", document(operation_id="listThings"), document(operation_id="fetchThings")),
    Case(
        "response-success-status-changed",
        document(responses={"200": json_response(STRING)}),
        document(responses={"201": json_response(STRING)}),
    ),
    Case(
        "response-non-success-status-removed",
        document(responses={"200": json_response(STRING), "404": {"description": "missing"}}),
        document(responses={"200": json_response(STRING)}),
    ),
    Case(
        "response-non-success-status-added",
        document(responses={"200": json_response(STRING)}),
        document(responses={"200": json_response(STRING), "404": {"description": "missing"}}),
    ),
    Case(
        "response-media-type-changed",
        document(responses={"200": json_response(STRING)}),
        document(responses={"200": {"description": "csv", "content": {"text/csv": {"schema": STRING}}}}),
    ),
    # x-pagination.
    Case("pagination-removed", paged(), paged(pagination=False)),
    Case("pagination-added", paged(pagination=False), paged()),
    Case("pagination-style-changed", paged(), paged({"style": "page-number-total", "total": ["total"]})),
    Case("pagination-items-path-changed", paged(), paged({"items": ["data"]})),
    Case("pagination-item-key-changed", paged(), paged({"item-key": "name"})),
    Case("pagination-total-path-changed", paged({"total": ["total"]}), paged({"total": ["data", "total"]})),
    Case("pagination-parameter-changed", paged(), paged({"size-parameter": "page"})),
    # Parameters.
    Case("request-parameter-removed", document(parameters=[query("q")]), document(parameters=[])),
    Case("new-required-request-parameter", document(parameters=[]), document(parameters=[query(required=True)])),
    Case("new-optional-request-parameter", document(parameters=[]), document(parameters=[query()])),
    Case(
        "request-parameter-became-required",
        document(parameters=[query()]),
        document(parameters=[query(required=True)]),
    ),
    Case(
        "request-parameter-became-optional",
        document(parameters=[query(required=True)]),
        document(parameters=[query()]),
    ),
    # Request bodies.
    Case("request-body-added-required", post(None), post(json_body(STRING))),
    Case("request-body-added-optional", post(None), post(json_body(STRING, required=False))),
    Case("request-body-removed", post(json_body(STRING)), post(None)),
    Case("request-body-became-required", post(json_body(STRING, required=False)), post(json_body(STRING))),
    Case("request-body-became-optional", post(json_body(STRING)), post(json_body(STRING, required=False))),
    Case(
        "request-body-media-type-changed",
        post(json_body(STRING)),
        post({"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj({})}}}),
    ),
    Case(
        "request-body-media-type-removed",
        post(body((JSON, AN_OBJECT), (FORM, AN_OBJECT))),
        post(body((JSON, AN_OBJECT))),
    ),
    Case(
        "request-body-media-type-added",
        post(body((JSON, AN_OBJECT))),
        post(body((JSON, AN_OBJECT), (MULTIPART, AN_OBJECT))),
    ),
    Case(
        "response-media-type-removed",
        document(responses={"200": response((JSON, AN_OBJECT), ("text/csv", STRING))}),
        document(responses={"200": response((JSON, AN_OBJECT))}),
    ),
    Case(
        "response-media-type-added",
        document(responses={"200": response((JSON, AN_OBJECT))}),
        document(responses={"200": response((JSON, AN_OBJECT), ("text/csv", STRING))}),
    ),
    # Form fields and file parts.
    Case("request-form-field-removed", sends(FORM, {"a": STRING, "b": STRING}), sends(FORM, {"a": STRING})),
    Case(
        "request-file-part-removed",
        sends(MULTIPART, {"a": STRING, "file": BINARY_FILE}),
        sends(MULTIPART, {"a": STRING}),
    ),
    Case(
        "request-file-part-added-required",
        sends(MULTIPART, {"a": STRING}),
        sends(MULTIPART, {"a": STRING, "file": BINARY_FILE}, ("file",)),
    ),
    Case(
        "request-file-part-added-optional",
        sends(MULTIPART, {"a": STRING}),
        sends(MULTIPART, {"a": STRING, "file": BINARY_FILE}),
    ),
    Case(
        "response-file-part-removed",
        returns_as(MULTIPART, {"a": STRING, "file": BINARY_FILE}),
        returns_as(MULTIPART, {"a": STRING}),
    ),
    Case(
        "response-file-part-added",
        returns_as(MULTIPART, {"a": STRING}),
        returns_as(MULTIPART, {"a": STRING, "file": BINARY_FILE}),
    ),
    # Properties of request and response bodies.
    Case("new-required-request-property", body_of({"a": STRING}), body_of({"a": STRING, "b": STRING}, ("b",))),
    Case("new-optional-request-property", body_of({"a": STRING}), body_of({"a": STRING, "b": STRING})),
    Case("request-property-removed", body_of({"a": STRING, "b": STRING}), body_of({"a": STRING})),
    Case("request-property-became-required", body_of({"a": STRING}), body_of({"a": STRING}, ("a",))),
    Case("request-property-became-optional", body_of({"a": STRING}, ("a",)), body_of({"a": STRING})),
    Case("response-property-removed", returns({"a": STRING, "b": STRING}), returns({"a": STRING})),
    Case("response-property-added", returns({"a": STRING}), returns({"a": STRING, "b": STRING})),
    Case("response-property-became-optional", returns({"a": STRING}, ("a",)), returns({"a": STRING})),
    Case("response-property-became-required", returns({"a": STRING}), returns({"a": STRING}, ("a",))),
    # Components.
    Case("component-schema-removed", document(schemas={"Unused": STRING}), document(schemas={"Kept": STRING})),
]

# A request-side rule -> the same edit on the response side (its mirror, with the opposite verdict).
# The schema rules' mirrors are the same SCHEMA_EDITS placed in a response.
RESPONSE_MIRRORS = {
    "request-parameter-became-required": Case(
        "response-property-became-required", returns({"q": STRING}), returns({"q": STRING}, ("q",))
    ),
    "request-parameter-became-optional": Case(
        "response-property-became-optional", returns({"q": STRING}, ("q",)), returns({"q": STRING})
    ),
    "new-required-request-property": Case(
        "response-property-added", returns({"a": STRING}), returns({"a": STRING, "b": STRING}, ("b",))
    ),
    "request-property-removed": Case(
        "response-property-removed", returns({"a": STRING, "b": STRING}), returns({"a": STRING})
    ),
    "request-property-became-required": Case(
        "response-property-became-required", returns({"a": STRING}), returns({"a": STRING}, ("a",))
    ),
    "request-property-became-optional": Case(
        "response-property-became-optional", returns({"a": STRING}, ("a",)), returns({"a": STRING})
    ),
    "request-file-part-added-required": Case(
        "response-file-part-added",
        returns_as(MULTIPART, {"a": STRING}),
        returns_as(MULTIPART, {"a": STRING, "file": BINARY_FILE}, ("file",)),
    ),
}
for change in api_diff.SCHEMA_CHANGES:
    for prefix in ("request-parameter", "request-property"):
        rule = api_diff.RULES_BY_ID.get(f"{prefix}-{change.kind}")
        if rule is not None and rule.mirror is not None:
            RESPONSE_MIRRORS[rule.id] = schema_case("response-property", change.kind)

ALL_CASES = SCHEMA_CASES + CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_each_rule_finds_its_change_and_only_it(case: Case) -> None:
    found = findings(case.old, case.new)

    assert {item.rule.id for item in found} == {case.rule}, describe(found)
    (item,) = found
    assert item.severity is api_diff.RULES_BY_ID[case.rule].severity
    assert item.message.endswith("."), item.message
    assert item.where, item
    assert all(item.where), item


@pytest.mark.parametrize("request_rule", sorted(RESPONSE_MIRRORS))
def test_the_same_edit_on_the_response_side_gives_the_opposite_verdict(request_rule: str) -> None:
    request_case = next(case for case in ALL_CASES if case.rule == request_rule)
    response_case = RESPONSE_MIRRORS[request_rule]
    rule = api_diff.RULES_BY_ID[request_rule]

    request_found = rule_ids(request_case.old, request_case.new)
    response_found = findings(response_case.old, response_case.new)

    assert request_found == {request_rule}
    assert {item.rule.id for item in response_found} == {rule.mirror}, describe(response_found)
    assert response_found[0].rule.breaking is not rule.breaking


def test_an_unchanged_spec_has_no_findings() -> None:
    spec = yaml.safe_load(REAL_SPEC.read_text(encoding="utf-8"))
    assert findings(spec, copy.deepcopy(spec)) == []


# --- the changes the issue reported, on the real spec ---------------------------------------------


def real_spec() -> Spec:
    spec: Spec = yaml.safe_load(REAL_SPEC.read_text(encoding="utf-8"))
    return spec


def call_session_property(spec: Spec, name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]["CallSession"]["properties"][name]
    return found


def test_the_item_key_becoming_nullable_breaks_and_says_it_is_the_item_key() -> None:
    old = real_spec()
    new = copy.deepcopy(old)
    call_session_property(new, "id")["type"] = ["string", "null"]

    (item,) = findings(old, new)

    assert item.rule.id == "response-property-became-nullable"
    assert item.rule.breaking
    assert item.where == ("GET /api/v1/calling/call-sessions (listCallSessions), response 200: data.callSessions[].id",)
    assert "x-pagination's item key" in item.message
    assert item.source == "#/components/schemas/CallSession/properties/id"


def test_the_item_key_becoming_optional_breaks() -> None:
    old = real_spec()
    new = copy.deepcopy(old)
    new["components"]["schemas"]["CallSession"]["required"] = []

    (item,) = findings(old, new)

    assert item.rule.id == "response-property-became-optional"
    assert item.rule.breaking
    assert "x-pagination's item key" in item.message


def test_an_open_response_string_becoming_an_enum_does_not_break() -> None:
    old = real_spec()
    new = copy.deepcopy(old)
    call_session_property(new, "status")["enum"] = ["completed", "in_progress", "failed", None]

    found = findings(old, new)

    assert [item.rule.id for item in found] == ["response-property-became-enum"], describe(found)
    assert not found[0].rule.breaking


def test_a_value_added_to_a_closed_response_enum_breaks() -> None:
    old = real_spec()
    call_session_property(old, "status")["enum"] = ["completed", "failed", None]
    new = copy.deepcopy(old)
    call_session_property(new, "status")["enum"].append("transferred")

    (item,) = findings(old, new)

    assert item.rule.id == "response-property-enum-value-added"
    assert item.rule.breaking
    assert '"transferred"' in item.message


# --- the resolver is followed: $ref, allOf, nullable unions, recursion, shared schemas -------------


def test_a_property_removed_from_an_all_of_member_is_found_where_it_is_defined() -> None:
    def spec(base_properties: dict[str, Any]) -> Spec:
        response = {"allOf": [{"$ref": "#/components/schemas/Base"}, obj({"extra": STRING})]}
        return document(response_schema=response, schemas={"Base": obj(base_properties)})

    (item,) = findings(spec({"id": STRING, "name": STRING}), spec({"id": STRING}))

    assert item.rule.id == "response-property-removed"
    assert item.where == ("GET /things (listThings), response 200: name",)
    assert item.source == "#/components/schemas/Base/properties/name"


def test_wrapping_a_reference_in_a_nullable_one_of_is_only_a_nullability_change() -> None:
    thing = {"$ref": "#/components/schemas/Thing"}
    old = document(response_schema=obj({"thing": thing}), schemas={"Thing": THING})
    new = document(response_schema=obj({"thing": {"oneOf": [thing, {"type": "null"}]}}), schemas={"Thing": THING})

    found = findings(old, new)

    assert [item.rule.id for item in found] == ["response-property-became-nullable"], describe(found)


def test_a_schema_shared_by_several_responses_is_one_finding_listing_each_place() -> None:
    error = {"$ref": "#/components/schemas/Error"}
    responses = {status: json_response(error) for status in ("200", "400", "500")}

    def spec(message: dict[str, Any]) -> Spec:
        return document(responses=copy.deepcopy(responses), schemas={"Error": obj({"message": message})})

    (item,) = findings(spec(STRING), spec({"type": ["string", "null"]}))

    assert item.rule.id == "response-property-became-nullable"
    assert len(item.where) == 3
    assert item.source == "#/components/schemas/Error/properties/message"


def test_a_recursive_schema_is_compared_without_looping() -> None:
    def spec(value: dict[str, Any]) -> Spec:
        node = obj({"value": value, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}})
        return document(response_schema={"$ref": "#/components/schemas/Node"}, schemas={"Node": node})

    found = findings(spec(STRING), spec({"type": "integer"}))

    assert {item.rule.id for item in found} == {"response-property-type-changed"}, describe(found)


def test_a_schema_used_both_ways_is_judged_on_each_side() -> None:
    def spec(required: tuple[str, ...]) -> Spec:
        thing = {"$ref": "#/components/schemas/Thing"}
        return document(
            method="post",
            request_body=json_body(thing),
            response_schema=thing,
            schemas={"Thing": obj({"id": STRING, "name": STRING}, required)},
        )

    found = findings(spec(("id",)), spec(("id", "name")))

    verdicts = {item.rule.id: item.rule.breaking for item in found}
    assert verdicts == {"request-property-became-required": True, "response-property-became-required": False}


def test_a_referenced_parameter_is_found_at_its_definition() -> None:
    old = document(parameters=[{"$ref": "#/components/parameters/Q"}])
    old["components"] = {"parameters": {"Q": query("q", {"type": "string", "enum": ["a", "b"]})}}
    new = copy.deepcopy(old)
    new["components"]["parameters"]["Q"]["schema"]["enum"] = ["a"]

    (item,) = findings(old, new)

    assert item.rule.id == "request-parameter-enum-value-removed"
    assert item.source == "#/components/parameters/Q/schema"


def test_a_moved_path_parameter_name_is_the_same_operation() -> None:
    old = document(path="/things/{id}", parameters=[{"name": "id", "in": "path", "required": True, "schema": STRING}])
    new = document(path="/things/{key}", parameters=[{"name": "key", "in": "path", "required": True, "schema": STRING}])

    found = rule_ids(old, new)

    # The HTTP call is the same; the generated method's argument is renamed.
    assert found == {"request-parameter-removed", "new-required-request-parameter"}
