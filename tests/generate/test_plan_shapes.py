"""The generator, shape by shape: a small spec fragment in, the plan (or the rendered code) out.

In the style of openapi-python-client's functional tests, one or more tests per operation shape
the generator supports (query parameters, path parameters on the operation or the path item,
JSON bodies on POST/PUT/PATCH/DELETE, object/array/empty responses, error responses, pagination
styles, retry safety, names, CLI options and columns), and one per shape it refuses, with the
message naming the operation. Each runs in milliseconds: no files are written, nothing is run.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, cast

import pytest

from scripts.lib.generate import load_generator_data, plan_of
from scripts.lib.openapi_document import path_placeholders, path_shape, split_path_template
from scripts.lib.plan import MAX_CHECKED_DEPTH, server_url, wire_path_of
from tests.generate.fragments import ok_response, plan_error, plan_of_spec, render, spec_with
from tests.generate.scratch import describe, generate_document

THING = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "name": {"type": ["string", "null"]}},
}
PAGE = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
        "total": {"type": "integer"},
    },
}
PAGER_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
]


def _list_operation(**extension: Any) -> dict[str, Any]:
    return {
        "get": {
            "operationId": "listThings",
            "parameters": PAGER_PARAMETERS,
            "x-pagination": {
                "page-parameter": "page",
                "size-parameter": "size",
                "items": ["data"],
                "item-key": "id",
                **extension,
            },
            "responses": ok_response({"$ref": "#/components/schemas/Page"}),
        }
    }


# --- query parameters ----------------------------------------------------------------------------


QUERY_TYPES = [
    ({"type": "string"}, "string", "str", "StringRule()"),
    ({"type": "integer", "minimum": 1, "maximum": 9}, "integer", "int", "IntegerRule(minimum=1, maximum=9)"),
    ({"type": "number", "exclusiveMinimum": 0}, "number", "float", "NumberRule(exclusive_minimum=0)"),
    ({"type": "boolean"}, "boolean", "bool", "BooleanRule()"),
    ({"type": "string", "enum": ["asc", "desc"]}, "choice", "Literal['asc', 'desc']", "ChoiceRule(('asc', 'desc'))"),
    ({"type": "string", "format": "date-time"}, "date-time", "datetime.datetime", "DateTimeRule()"),
    ({"type": "string", "format": "date"}, "date", "datetime.date", "DateRule()"),
    ({"type": "array", "items": {"type": "integer"}}, "array", "Sequence[int]", "ArrayRule(IntegerRule())"),
]


@pytest.mark.parametrize(("schema", "kind", "annotation", "check"), QUERY_TYPES, ids=[t[1] for t in QUERY_TYPES])
def test_a_query_parameter_gets_a_type_a_check_and_a_cli_kind_from_its_schema(
    schema: dict[str, Any], kind: str, annotation: str, check: str
) -> None:
    spec = spec_with(
        {
            "/things": {
                "get": {
                    "operationId": "getThings",
                    "parameters": [{"name": "filterBy", "in": "query", "schema": schema}],
                }
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.python_name, argument.location, argument.required) == ("filter_by", "query", False)
    assert (argument.rule.kind, argument.rule.annotation, argument.rule.check) == (kind, annotation, check)
    # None means "not sent": the signature says so.
    assert (argument.signature_annotation, argument.signature_default) == (f"{annotation} | None", "None")


def test_a_required_query_parameter_is_a_required_keyword_argument() -> None:
    spec = spec_with(
        {
            "/things": {
                "get": {
                    "operationId": "getThings",
                    "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}],
                }
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert argument.required
    assert (argument.signature_annotation, argument.signature_default) == ("str", None)


def test_a_path_parameter_of_a_union_of_single_values_is_served_and_one_of_objects_is_not() -> None:
    # Qdrant's point id: an integer or a UUID, as one path segment.
    point_id = {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "format": "uuid"}]}
    spec = spec_with(
        {
            "/points/{id}": {
                "get": {
                    "operationId": "getPoint",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": point_id}],
                }
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.rule.annotation, argument.rule.check) == (
        "int | str",
        "UnionRule((IntegerRule(minimum=0), StringRule(format='uuid'),))",
    )
    shapes = {"anyOf": [{"type": "integer"}, {"type": "object"}]}
    spec["paths"]["/points/{id}"]["get"]["parameters"][0]["schema"] = shapes
    assert "path parameter 'id': a path parameter must be a single value, not any" in plan_error(spec)


@pytest.mark.parametrize("name", ["X-Evil\r\nX-Admin: yes", "X-Evil: yes", "header param", "", "X-Café"])
def test_a_header_parameter_whose_name_is_not_an_http_token_is_refused_or_left_out_by_name(name: str) -> None:
    # A hostile or careless document must not smuggle a second header (CR/LF, a colon) into every
    # request: the name is checked before any code is written. A required one stops the operation,
    # an optional one is left out and the operation served without it.
    header = {"name": name, "in": "header", "schema": {"type": "string"}}
    query = {"name": "q", "in": "query", "schema": {"type": "string"}}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [{**header, "required": True}]}}})
    message = plan_error(spec)
    assert f"GET /a (getA), header parameter {name!r}: {name!r} is not an HTTP header name" in message
    # One line, the name shown escaped.
    assert "\r" not in message
    assert "\n" not in message
    spec["paths"]["/a"]["get"]["parameters"] = [header, query]
    (operation,) = plan_of_spec(spec).operations
    assert [a.wire_name for a in operation.arguments] == ["q"]
    assert operation.left_out == (
        f"GET /a (getA), header parameter {name!r}: {name!r} is not an HTTP header name "
        "(an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~)",
    )
    code = render(spec, "resources.py.jinja")
    assert repr(name) not in code
    assert "'q', 'q', 'query'" in code


def test_parameters_that_would_share_an_argument_name_each_get_their_own() -> None:
    # openapi-python-client's end-to-end document: a path `param` beside a query `param`, and a query
    # `mixed_case` beside a query `mixedCase`; `mixed_case_2` is also another parameter's own name.
    string = {"type": "string"}
    spec = spec_with(
        {
            "/a/{param}": {
                "get": {
                    "operationId": "getA",
                    "parameters": [
                        {"name": "param", "in": "path", "required": True, "schema": string},
                        {"name": "param", "in": "query", "schema": string},
                        {"name": "mixed_case", "in": "query", "schema": string},
                        {"name": "mixedCase", "in": "query", "schema": string},
                        {"name": "mixed_case_2", "in": "query", "schema": string},
                        {"name": "Param", "in": "header", "schema": string},
                    ],
                }
            }
        }
    )
    (operation,) = plan_of_spec(spec).operations
    assert [(a.location, a.wire_name, a.python_name) for a in operation.arguments] == [
        ("path", "param", "param"),
        ("query", "param", "query_param"),
        ("query", "mixed_case", "mixed_case"),
        ("query", "mixedCase", "mixed_case_3"),
        ("query", "mixed_case_2", "mixed_case_2"),
        ("header", "Param", "header_param"),
    ]
    code = render(spec, "resources.py.jinja")
    assert "Parameter('query_param', 'param', 'query', StringRule())" in code
    assert "Parameter('mixed_case_3', 'mixedCase', 'query', StringRule())" in code


def test_an_octet_stream_body_is_one_file_argument_and_an_object_of_another_media_type_is_refused_naming_it() -> None:
    # The Swagger petstore's uploadImage; openapi-python-client's document sends an object as
    # `openapi/python/client`.
    binary = {"type": "string", "format": "binary"}
    spec = spec_with(
        {
            "/a": {
                "post": {
                    "operationId": "upload",
                    "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": binary}}},
                }
            }
        }
    )
    body = plan_of_spec(spec).operations[0].body
    assert body is not None
    (argument,) = body.arguments
    assert (body.media_type, body.files) == ("application/octet-stream", (("body", "body", False, True),))
    assert (argument.python_name, argument.signature_annotation, argument.rule.summary) == (
        "body",
        "FileTypes",
        "bytes, a binary file object, a path, or (filename, content[, content_type])",
    )
    spec["paths"]["/a"]["post"]["requestBody"]["content"] = {"openapi/python/client": {"schema": {"type": "object"}}}
    assert (
        "POST /a (upload), request body: only JSON, form-urlencoded and multipart bodies are written from values, "
        "and a body of another media type is sent as bytes only when its schema is a string; got openapi/python/client"
        in plan_error(spec)
    )

    # Structured without saying `type`: by its properties, an allOf, a oneOf of structured shapes.
    spec["components"].setdefault("schemas", {})["Pet"] = {"type": "object"}
    for schema in (
        {"properties": {"name": {"type": "string"}}},
        {"allOf": [{"$ref": "#/components/schemas/Pet"}]},
        {"oneOf": [{"type": "object"}, {"type": "array"}]},
    ):
        spec["paths"]["/a"]["post"]["requestBody"]["content"] = {"application/xml": {"schema": schema}}
        assert "a body of another media type is sent as bytes only when its schema is a string" in plan_error(spec)


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        # An image or audio upload, a text, a document: one file argument, sent with its own type.
        ({"image/png": {"schema": {"type": "string", "format": "binary"}}}, "image/png"),
        ({"audio/wav": {}}, "audio/wav"),
        ({"text/plain; charset=utf-8": {"schema": {"type": "string"}}}, "text/plain; charset=utf-8"),
        # The first whose schema is a string: XML of an object cannot be written, its bytes can.
        (
            {"application/xml": {"schema": {"type": "object"}}, "application/pdf": {"schema": {"type": "string"}}},
            "application/pdf",
        ),
        # A wildcard is no Content-Type: octet-stream, unless the caller names the type.
        ({"image/*": {"schema": {"type": "string", "format": "binary"}}}, "application/octet-stream"),
    ],
)
def test_a_body_of_another_media_type_whose_schema_is_a_string_is_one_file_argument_sent_as_that_type(
    content: dict[str, Any], media_type: str
) -> None:
    spec = spec_with({"/a": {"put": {"operationId": "upload", "requestBody": {"required": True, "content": content}}}})
    body = plan_of_spec(spec).operations[0].body
    assert body is not None
    assert (body.media_type, body.files, body.flattened) == (media_type, (("body", "body", False, True),), False)
    assert body.arguments[0].signature_annotation == "FileTypes"


@pytest.mark.parametrize(
    "key",
    [
        "text/plain\r\nX-Injected: 1",
        "image",
        "text/plain; charset",
        'a/b; c="\\"',
        # httpx sends a header given as text in ASCII: these would fail every request.
        'text/plain; name="café"',
        'text/plain; name="\u4e2d"',
    ],
)
def test_a_raw_bodys_media_type_that_is_not_one_is_refused_before_it_reaches_a_header(key: str) -> None:
    spec = spec_with({"/a": {"put": {"operationId": "upload", "requestBody": {"content": {key: {}}}}}})
    message = plan_error(spec)
    assert f"PUT /a (upload), request body: {key!r} is not a media type" in message
    assert "\n" not in message.strip()


def test_an_unexploded_query_array_is_served_comma_separated_and_an_exploded_one_as_before() -> None:
    array = {"type": "array", "items": {"type": "string"}}
    spec = spec_with(
        {
            "/things": {
                "get": {
                    "operationId": "getThings",
                    "parameters": [
                        {"name": "metrics", "in": "query", "explode": False, "schema": array},
                        {"name": "tags", "in": "query", "schema": array},
                    ],
                }
            }
        }
    )
    metrics, tags = plan_of_spec(spec).operations[0].arguments
    assert (metrics.explode, tags.explode) == (False, True)
    code = render(spec, "resources.py.jinja")
    assert "Parameter('metrics', 'metrics', 'query', ArrayRule(StringRule()), explode=False)" in code
    assert "Parameter('tags', 'tags', 'query', ArrayRule(StringRule()))" in code


@pytest.mark.parametrize("explode", ["false", 0, None])
def test_an_explode_that_is_not_a_boolean_stops_generation_naming_the_parameter(explode: Any) -> None:
    # `explode: "false"` was read as exploded (only `is False` unexploded), where a lax reader (and
    # its author) takes it as false: the items would travel as repeated keys the server reads wrong.
    array = {"type": "array", "items": {"type": "string"}}
    parameter = {"name": "metrics", "in": "query", "explode": explode, "schema": array}
    spec = spec_with({"/things": {"get": {"operationId": "getThings", "parameters": [parameter]}}})
    assert (
        f"GET /things (getThings), query parameter 'metrics': explode must be true or false, got {explode!r}"
        in plan_error(spec)
    )


# --- path parameters -----------------------------------------------------------------------------


def test_path_parameters_on_the_path_item_and_the_operation_are_positional_in_path_order() -> None:
    spec = spec_with(
        {
            "/orgs/{org}/things/{thing_id}": {
                "parameters": [{"name": "org", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                },
            }
        }
    )
    operation = plan_of_spec(spec).operations[0]
    assert [(a.python_name, a.path_level) for a in operation.path_arguments] == [("org", True), ("thing_id", False)]
    code = render(spec, "resources.py.jinja")
    assert "path='/orgs/{org}/things/{thing_id}'" in code
    assert "def get(\n        self,\n        org: str,\n        thing_id: int,\n        *," in code


def test_an_operation_parameter_replaces_the_path_items_one_of_the_same_name() -> None:
    spec = spec_with(
        {
            "/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                },
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.rule.kind, argument.path_level) == ("integer", False)


def test_a_path_placeholder_without_its_parameter_stops_generation_naming_the_operation() -> None:
    spec = spec_with({"/things/{id}": {"get": {"operationId": "getThing"}}})
    message = plan_error(spec)
    assert "GET /things/{id} (getThing)" in message
    assert "placeholders" in message


def test_a_path_template_s_placeholders_are_read_by_one_rule_the_empty_one_included() -> None:
    assert path_placeholders("/things/{id}/parts/{partId}") == ["id", "partId"]
    assert path_placeholders("/a/{id}/b/{id}/{other}") == ["id", "other"]  # first appearance, once
    assert path_placeholders("/things") == []
    assert path_placeholders("/things/{}/{id}/{}") == ["", "id"]  # `{}`: a placeholder named ""
    assert split_path_template("/café/{id}.json") == ["/café/", "id", ".json"]
    assert path_shape("/pets/{petId}/{}") == path_shape("/pets/{pet_id}/{x}") == "/pets/{}/{}"
    # The literal text is encoded, the placeholders (the empty one too) kept for the call to fill.
    assert wire_path_of("/café/{id}/{}") == "/caf%C3%A9/{id}/{}"
    # Server variables by the same rule: `{}` is the variable "", whose default is needed as any other's.
    for name in ("region", ""):
        servers = [{"url": f"https://{{{name}}}.example.com", "variables": {name: {"default": "eu"}}}]
        assert server_url(servers) == "https://eu.example.com"
        assert server_url([{"url": servers[0]["url"]}]) is None


EMPTY_PLACEHOLDER_REFUSAL = (
    "GET /things/{} (getThing): the path has a placeholder without a name, {}, which no parameter can fill"
)


def _empty_placeholder_spec(*parameters: dict[str, Any]) -> dict[str, Any]:
    get_thing: dict[str, Any] = {"operationId": "getThing", **({"parameters": list(parameters)} if parameters else {})}
    return spec_with({"/things/{}": {"get": get_thing}, "/things": {"get": {"operationId": "listThings"}}})


def test_a_path_with_an_empty_placeholder_is_refused_or_skipped_in_one_line_naming_the_operation(
    tmp_path: Path,
) -> None:
    # Before, strict generation passed the plan's check (`{}` was no placeholder there) and was
    # stopped by openapi-python-client's "Incorrect path templating"; the lenient one declared "".
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(json.dumps(_empty_placeholder_spec()), encoding="utf-8")
    strict = generate_document(spec_path, tmp_path / "strict", "--lint", "off")
    assert strict.returncode != 0, describe(strict)
    assert [line for line in strict.stderr.splitlines() if "GET /things/{}" in line] == [
        f"error: the spec has a shape the generator does not support: {EMPTY_PLACEHOLDER_REFUSAL}"
    ], describe(strict)
    lenient = generate_document(spec_path, tmp_path / "lenient", "--lint", "off", "--unsupported", "skip")
    assert lenient.returncode == 0, describe(lenient)
    assert [line for line in lenient.stdout.splitlines() if line.startswith("skipped: ")] == [
        f"skipped: {EMPTY_PLACEHOLDER_REFUSAL}"
    ], describe(lenient)
    assert "Traceback" not in strict.stdout + strict.stderr + lenient.stdout + lenient.stderr
    # A parameter named "" (which OpenAPI's schema refuses) does not make it one that can be sent.
    named_nothing = {"name": "", "in": "path", "required": True, "schema": {"type": "string"}}
    assert plan_error(_empty_placeholder_spec(named_nothing)) == (
        f"the spec has a shape the generator does not support: {EMPTY_PLACEHOLDER_REFUSAL}"
    )


# --- bodies ----------------------------------------------------------------------------------------


BODY = {
    "type": "object",
    "required": ["name", "kind"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "limit": {"type": "integer", "minimum": 1, "maximum": 10},
        "at": {"type": "string", "format": "date-time"},
        "note": {"type": ["string", "null"]},
    },
}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_json_body_becomes_keyword_arguments_checked_like_query_parameters(method: str) -> None:
    spec = spec_with(
        {
            "/things": {
                method: {
                    "operationId": "changeThing",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": BODY}}},
                }
            }
        }
    )
    operation = plan_of_spec(spec).operations[0]
    assert operation.body is not None
    assert operation.body.flattened
    arguments = {a.python_name: a for a in operation.body_arguments}
    assert [a.wire_name for a in operation.body_arguments] == ["name", "kind", "limit", "at", "note"]
    assert arguments["name"].required
    assert arguments["kind"].required
    assert not arguments["limit"].required
    assert arguments["kind"].rule.check == "ChoiceRule(('a', 'b'))"
    assert arguments["limit"].rule.check == "IntegerRule(minimum=1, maximum=10)"
    assert arguments["at"].rule.check == "DateTimeRule()"
    # A nullable property: None sends null, so leaving it out needs the NOT_GIVEN sentinel.
    assert (arguments["note"].signature_annotation, arguments["note"].signature_default) == (
        "str | None | NotGiven",
        "NOT_GIVEN",
    )
    assert (arguments["limit"].signature_annotation, arguments["limit"].signature_default) == ("int | None", "None")
    assert operation.body.check.startswith("ObjectRule((ObjectField('name', StringRule(min_length=1), required=True),")


def test_a_body_that_is_not_an_object_is_one_body_argument() -> None:
    schema = {"type": "array", "items": {"type": "string"}}
    spec = spec_with(
        {
            "/things": {
                "post": {
                    "operationId": "addThings",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                }
            }
        }
    )
    operation = plan_of_spec(spec).operations[0]
    assert operation.body is not None
    assert not operation.body.flattened
    assert [(a.python_name, a.rule.annotation, a.required) for a in operation.body_arguments] == [
        ("body", "Sequence[str]", True)
    ]


def test_a_body_that_is_not_json_stops_generation_naming_the_operation() -> None:
    spec = spec_with(
        {
            "/things": {
                "post": {
                    "operationId": "upload",
                    "requestBody": {"content": {"application/xml": {"schema": {"type": "object"}}}},
                }
            }
        }
    )
    message = plan_error(spec)
    assert "POST /things (upload)" in message
    assert "only JSON, form-urlencoded and multipart bodies are written from values" in message


def test_a_body_property_named_like_a_parameter_or_a_methods_own_argument_is_renamed() -> None:
    # Twilio's UpdateIncomingPhoneNumber (AccountSid in path and body) and CreateCall (Timeout).
    properties: dict[str, Any] = dict(BODY["properties"])  # type: ignore[arg-type]
    body = {**BODY, "properties": {**properties, "Timeout": {"type": "integer"}}}
    spec = spec_with(
        {
            "/things": {
                "post": {
                    "operationId": "addThing",
                    "parameters": [{"name": "name", "in": "query", "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                }
            }
        }
    )
    operation = plan_of_spec(spec).operations[0]
    assert operation.body is not None
    names = {(a.location, a.wire_name): a.python_name for a in operation.all_arguments}
    assert names[("query", "name")] == "name"
    assert names[("body", "name")] == "body_name"
    assert names[("body", "Timeout")] == "timeout_"


# --- responses -------------------------------------------------------------------------------------


RESPONSES = [
    (ok_response({"$ref": "#/components/schemas/Thing"}), "object", "Thing", "Thing.from_dict"),
    (
        ok_response({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}),
        "array",
        "list[Thing]",
        "_list_of(Thing.from_dict)",
    ),
    (ok_response({"type": "array", "items": {"type": "string"}}), "array", "list[Any]", "_as_list"),
    (ok_response(None, "204"), "empty", "None", ""),
    (ok_response({"type": "object", "additionalProperties": True}), "json", "Any", "_as_received"),
]


@pytest.mark.parametrize(
    ("responses", "kind", "annotation", "parse"), RESPONSES, ids=[r[1] + "-" + r[2] for r in RESPONSES]
)
def test_the_success_response_decides_what_the_method_returns(
    responses: dict[str, Any], kind: str, annotation: str, parse: str
) -> None:
    spec = spec_with(
        {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": responses,
                }
            }
        },
        {"Thing": THING},
    )
    response = plan_of_spec(spec).operations[0].response
    assert (response.kind, response.annotation, response.parse) == (kind, annotation, parse)
    code = render(spec, "resources.py.jinja")
    ast.parse(code)
    if kind == "empty":
        assert "self._client.call_no_content(_options)" in code
    else:
        assert f"-> {annotation}:" in code


def test_documented_error_statuses_are_listed_with_their_typed_errors() -> None:
    responses = {
        **ok_response({"$ref": "#/components/schemas/Thing"}),
        "404": {"description": "No such thing."},
        "422": {"description": "Bad."},
    }
    spec = spec_with({"/things": {"get": {"operationId": "getThing", "responses": responses}}}, {"Thing": THING})
    assert plan_of_spec(spec).operations[0].error_statuses == (404, 422)
    code = render(spec, "resources.py.jinja")
    assert "NotFoundError: 404, documented (no such resource)." in code
    assert "UnprocessableEntityError: 422, documented." in code


# --- pagination ------------------------------------------------------------------------------------


def test_page_number_pagination_wires_the_pager_from_the_extension() -> None:
    spec = spec_with({"/things": _list_operation()}, {"Thing": THING, "Page": PAGE})
    operation = plan_of_spec(spec).operations[0]
    pagination = operation.pagination
    assert pagination is not None
    assert (pagination.style, pagination.page_argument, pagination.size_argument) == ("page-number", "page", "size")
    assert (pagination.default_page_size, pagination.first_page, pagination.items_path) == (10, 1, ("data",))
    assert (pagination.item_class, pagination.item_key) == ("Thing", "id")
    # export sends the size parameter's maximum.
    assert operation.export_page_size == 50
    code = render(spec, "resources.py.jinja")
    assert "style=PageNumber," in code
    assert "items=lambda body: present(body.data)," in code  # None here is a broken envelope


def test_page_number_with_total_reads_the_total_path() -> None:
    spec = spec_with(
        {"/things": _list_operation(style="page-number-total", total=["total"])}, {"Thing": THING, "Page": PAGE}
    )
    pagination = plan_of_spec(spec).operations[0].pagination
    assert pagination is not None
    assert (pagination.style, dict(pagination.body_paths)) == ("page-number-total", {"total": ("total",)})
    assert "style=PageNumberWithTotal," in render(spec, "resources.py.jinja")


@pytest.mark.parametrize(
    ("extension", "expected"),
    [
        ({"style": "cursor"}, "unknown style 'cursor'; known: page-number, page-number-total"),
        ({"style": "page-number-total"}, "needs ['total']"),
        ({"cursor-parameter": "c"}, "unknown keys ['cursor-parameter']"),
        ({"items": ["missing"]}, "'missing' must be a required, non-null property on the items path"),
        ({"item-key": "name"}, "item-key 'name' must be a required property of the items"),
    ],
)
def test_a_pagination_the_pager_cannot_follow_stops_generation_saying_why(
    extension: dict[str, Any], expected: str
) -> None:
    spec = spec_with({"/things": _list_operation(**extension)}, {"Thing": THING, "Page": PAGE})
    message = plan_error(spec)
    assert "x-pagination of GET /things (listThings)" in message
    assert expected in message


# --- x-incremental (sync) --------------------------------------------------------------------------


TIMED_THING = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "count": {"type": "integer"},
        "price": {"type": "number"},
        "done": {"type": "boolean"},
        "meta": {"type": "object"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "extra": {"type": ["string", "null"]},
    },
}
WINDOW_PARAMETERS = [
    {"name": "after", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "before", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
]
INCREMENTAL = {"cursor": "at", "lower-bound": "after", "upper-bound": "before", "lag": 60}


def _incremental_spec(**extension: Any) -> dict[str, Any]:
    operation = _list_operation()
    operation["get"]["parameters"] = PAGER_PARAMETERS + WINDOW_PARAMETERS
    operation["get"]["x-incremental"] = {**INCREMENTAL, **extension}
    return spec_with({"/things": operation}, {"Thing": TIMED_THING, "Page": PAGE})


def test_x_incremental_gives_the_operation_a_sync_plan_with_columns_typed_from_the_items() -> None:
    plan = plan_of_spec(_incremental_spec(order={"order": "asc"}))
    incremental = plan.operations[0].incremental
    assert incremental is not None
    assert (incremental.table, incremental.cursor, incremental.key) == ("things", "at", "id")
    assert (incremental.lower_bound, incremental.upper_bound, incremental.lag) == ("after", "before", 60.0)
    assert incremental.order == (("order", "asc"),)
    assert dict(incremental.columns) == {
        "id": "text",
        "at": "timestamp",
        "day": "date",
        "count": "bigint",
        "price": "double",
        "done": "bool",
        "meta": "json",
        "tags": "json",
        "extra": "text",
    }
    assert incremental.extra_column == "_extra"  # `extra` is a field of the items here


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        ({"Count": {"type": "integer"}}, "properties 'count' and 'Count' would both be the column 'count'"),
        ({"extra_day": {"type": "string"}, "extraDay": {"type": "string"}}, "would both be the column 'extra_day'"),
        ({"_dlt_id": {"type": "string"}}, "property '_dlt_id' would be the column '_dlt_id', a name dlt keeps"),
    ],
)
def test_x_incremental_refuses_properties_that_dlt_would_make_one_column(added: dict[str, Any], expected: str) -> None:
    """dlt names columns by its snake_case of the key: two properties that become one column failed
    every sync at run time (dlt's NameNormalizationCollision); generation now says so, naming them."""
    spec = _incremental_spec()
    properties: dict[str, Any] = cast(dict[str, Any], TIMED_THING["properties"]).copy()
    spec["components"]["schemas"]["Thing"] = {**TIMED_THING, "properties": {**properties, **added}}
    message = plan_error(spec)
    assert "x-incremental of GET /things (listThings)" in message
    assert expected in message


@pytest.mark.parametrize(
    ("names", "extra_column"),
    [(("Extra",), "_extra"), (("extra", "_extra"), "extra_1"), (("Extra", "_Extra", "extra_1"), "extra_2")],
)
def test_the_extra_column_is_a_name_no_property_becomes_after_dlts_naming(
    names: tuple[str, ...], extra_column: str
) -> None:
    """`Extra` is the column `extra` to dlt: the unknown keys' column once took the same name."""
    spec = _incremental_spec()
    known: dict[str, Any] = cast(dict[str, Any], TIMED_THING["properties"]).copy()
    known.pop("extra")
    spec["components"]["schemas"]["Thing"] = {
        **TIMED_THING,
        "properties": known | {name: {"type": "string"} for name in names},
    }
    incremental = plan_of_spec(spec).operations[0].incremental
    assert incremental is not None
    assert incremental.extra_column == extra_column


def test_x_incremental_renders_a_sync_command_in_the_program() -> None:
    code = render(_incremental_spec(table="things_seen"), "cli.py.jinja")
    assert "incremental=Incremental(" in code
    assert "table='things_seen'" in code.replace('"', "'")


@pytest.mark.parametrize(
    ("extension", "expected"),
    [
        ({"cursor": "count"}, "cursor 'count' must be a date-time property of the items"),
        ({"key": "at"}, "key 'at' must be a required property of the items"),
        ({"lower-bound": "limit"}, "lower-bound must name a date-time query parameter of the operation"),
        ({"order": {"sort": "asc"}}, "order names 'sort', which is not a query parameter"),
        ({"order": {"order": "up"}}, "order gives 'order' the value 'up', not one of ('asc', 'desc')"),
        ({"lag": -1}, "lag must be a number of seconds >= 0, got -1"),
        ({"table": "Things!"}, "table 'Things!' must be a lowercase identifier"),
        ({"since": "x"}, "unknown keys ['since']"),
    ],
)
def test_an_x_incremental_a_sync_cannot_follow_stops_generation_saying_why(
    extension: dict[str, Any], expected: str
) -> None:
    message = plan_error(_incremental_spec(**extension))
    assert "x-incremental of GET /things (listThings)" in message
    assert expected in message


def test_x_incremental_needs_x_pagination() -> None:
    operation = {
        "get": {
            "operationId": "listThings",
            "parameters": WINDOW_PARAMETERS,
            "x-incremental": INCREMENTAL,
            "responses": ok_response({"$ref": "#/components/schemas/Page"}),
        }
    }
    message = plan_error(spec_with({"/things": operation}, {"Thing": TIMED_THING, "Page": PAGE}))
    assert "the operation needs x-pagination" in message


# --- retry safety and names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "idempotent", "retried"),
    [
        ("get", None, True),
        ("put", None, True),
        ("delete", None, True),
        ("post", None, False),
        ("patch", None, False),
        ("post", True, True),
    ],
)
def test_only_requests_that_cannot_repeat_an_effect_are_retried_after_sending(
    method: str, idempotent: bool | None, retried: bool
) -> None:
    operation: dict[str, Any] = {"operationId": "doThing"}
    if idempotent is not None:
        operation["x-idempotent"] = idempotent
    spec = spec_with({"/things": {method: operation}})
    assert plan_of_spec(spec).operations[0].retry_after_send is retried
    assert f"retry_after_send={retried}," in render(spec, "resources.py.jinja")


@pytest.mark.parametrize(
    ("operation_id", "tag", "name"),
    [
        ("listCallSessions", "call-sessions", "list"),
        ("getCallSession", "call-sessions", "get"),
        ("createCall", "calls", "create"),
        ("getCallSessionDetail", "call-sessions", "get_call_session_detail"),
        ("removeCampaignContacts", "contacts", "remove_campaign"),
    ],
)
def test_method_names_are_the_operation_id_without_the_tags_name(operation_id: str, tag: str, name: str) -> None:
    spec = spec_with({"/x": {"get": {"operationId": operation_id, "tags": [tag]}}})
    operation = plan_of_spec(spec).operations[0]
    assert (operation.resource, operation.method_name) == (tag.replace("-", "_"), name)


def test_x_python_name_names_the_method() -> None:
    spec = spec_with({"/x": {"get": {"operationId": "getCallSessionDetail", "x-python-name": "retrieve"}}})
    assert plan_of_spec(spec).operations[0].method_name == "retrieve"


def test_two_operations_with_one_name_are_each_named_by_their_whole_operation_id() -> None:
    # Vonage's voice API: getCalls and getCall of the tag `calls` were both client.calls.get, and one
    # of them was skipped (issue 18). Both fall back to the whole operationId, in either order.
    paths = {"/a": {"get": {"operationId": "listThings"}}, "/b": {"get": {"operationId": "listThing"}}}
    for ordered in (paths, dict(reversed(paths.items()))):
        names = {op.label: op.method_name for op in plan_of_spec(spec_with(ordered)).operations}
        assert names == {"GET /a (listThings)": "list_things", "GET /b (listThing)": "list_thing"}
    # An operation that does not clash keeps its short name.
    paths["/c"] = {"get": {"operationId": "deleteThing"}}
    names = {op.label: op.method_name for op in plan_of_spec(spec_with(paths)).operations}
    assert names["GET /c (deleteThing)"] == "delete"


def test_an_x_python_name_in_a_clash_is_kept_and_the_other_operation_takes_its_whole_name() -> None:
    spec = spec_with(
        {
            "/a": {"get": {"operationId": "getThings", "x-python-name": "list"}},
            "/b": {"get": {"operationId": "listThings"}},
        }
    )
    names = {op.label: op.method_name for op in plan_of_spec(spec).operations}
    assert names == {"GET /a (getThings)": "list", "GET /b (listThings)": "list_things"}


def test_two_operations_whose_whole_names_still_collide_stop_generation_naming_both() -> None:
    spec = spec_with({"/a": {"get": {"operationId": "get_thing"}}, "/b": {"get": {"operationId": "getThing"}}})
    message = plan_error(spec)
    assert "GET /a (get_thing)" in message
    assert "GET /b (getThing)" in message
    assert "client.things.get_thing" in message
    assert "x-python-name" in message


def test_an_operation_without_an_operation_id_is_named_from_its_method_and_path() -> None:
    # As openapi-python-client's generate_operation_id names it (the OAI callback example has one).
    spec = spec_with(
        {
            "/streams/{id}": {
                "post": {
                    "tags": [],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                }
            },
            "/streams": {"get": {"tags": []}},
        }
    )
    operations = plan_of_spec(spec).operations
    assert {op.label: op.method_name for op in operations} == {
        "POST /streams/{id}": "post_streams_id",
        "GET /streams": "get_streams",
    }


def test_a_tag_whose_class_name_would_be_a_keyword_gets_an_underscore() -> None:
    # openapi-python-client's own end-to-end document tags an operation `true`: `class True` is a
    # syntax error.
    spec = spec_with({"/a": {"get": {"operationId": "getA", "tags": ["true"]}}})
    (resource,) = plan_of_spec(spec).resources
    assert (resource.attribute, resource.class_name) == ("true", "True_")


def test_an_operation_without_a_tag_belongs_to_the_default_resource() -> None:
    # As openapi-python-client files it: most published documents tag nothing (issue 18).
    spec = spec_with({"/a": {"get": {"operationId": "getA", "tags": []}}})
    (resource,) = plan_of_spec(spec).resources
    assert (resource.attribute, [op.method_name for op in resource.operations]) == ("default", ["get_a"])


def test_a_header_array_of_single_values_is_served() -> None:
    # OpenAI's `openai-beta`: seven operations of its document were skipped for it.
    schema = {"type": "array", "items": {"type": "string"}}
    spec = spec_with(
        {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "parameters": [{"name": "OpenAI-Beta", "in": "header", "schema": schema}],
                }
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.wire_name, argument.location, argument.rule.kind) == ("OpenAI-Beta", "header", "array")


def test_a_header_array_of_booleans_is_served_as_a_single_boolean_header_is() -> None:
    schema = {"type": "array", "items": {"type": "boolean"}}
    spec = spec_with(
        {"/a": {"get": {"operationId": "getA", "parameters": [{"name": "X-Flags", "in": "header", "schema": schema}]}}}
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.location, argument.rule.kind, argument.rule.item and argument.rule.item.kind) == (
        "header",
        "array",
        "boolean",
    )


@pytest.mark.parametrize(
    ("parameter", "unsupported"),
    [
        (
            {"name": "session id", "in": "cookie", "required": True, "schema": {"type": "string"}},
            "'session id' is not a cookie name",
        ),
        (
            {"name": "ids", "in": "cookie", "required": True, "schema": {"type": "array", "items": {"type": "string"}}},
            "array-valued cookie parameters are not supported",
        ),
        (
            {"name": "filter", "in": "header", "schema": {"type": "object"}},
            "object-valued header parameters are not supported",
        ),
        (
            {"name": "X-Ids", "in": "header", "schema": {"type": "array", "items": {"type": "object"}}},
            "a header array's items must be single values that cannot be null",
        ),
        (
            {"name": "X-Ids", "in": "header", "schema": {"type": "array", "items": {"type": ["string", "null"]}}},
            "a header array's items must be single values that cannot be null",
        ),
        (
            {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}},
            "the client sets this header itself",
        ),
    ],
)
def test_an_unsupported_parameter_stops_generation_naming_the_operation(
    parameter: dict[str, Any], unsupported: str
) -> None:
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    message = plan_error(spec)
    assert "GET /a (getA)" in message
    assert unsupported in message


# --- the command line ------------------------------------------------------------------------------


def test_every_operation_is_a_command_and_a_paginated_one_can_be_exported() -> None:
    spec = spec_with(
        {
            "/things": {
                **_list_operation(),
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"content": {"application/json": {"schema": BODY}}},
                },
            },
        },
        {"Thing": THING, "Page": PAGE},
    )
    resource = plan_of_spec(spec).resources[0]
    assert [(op.cli_command, op.cli_export_command) for op in resource.operations] == [
        ("list", "export"),
        ("create", None),
    ]
    code = render(spec, "cli.py.jinja")
    ast.parse(code)
    # One description per argument: an option names its argument; its rule is the operation's own,
    # in resources.py (cli.py once carried a second copy: `Option('limit', 'integer', minimum=1)`).
    indent = "\n" + " " * 28
    assert f"Option({indent}'limit',{indent}help='Allowed: an integer >= 1 and <= 10.'," in code
    assert "IntegerRule" not in code
    resources = render(spec, "resources.py.jinja")
    ast.parse(resources)
    assert "ObjectField('limit', IntegerRule(minimum=1, maximum=10), required=False)" in resources
    assert "ObjectField('kind', ChoiceRule(('a', 'b')), required=True)" in resources


def test_table_columns_come_from_x_cli_columns_or_from_a_rule() -> None:
    thing = {
        **THING,
        "properties": {
            "id": {"type": "string"},
            "name": {"type": ["string", "null"]},
            "at": {"type": "string", "format": "date-time"},
            "meta": {"type": "object"},
        },
    }
    by_rule = plan_of_spec(spec_with({"/things": _list_operation()}, {"Thing": thing, "Page": PAGE})).operations[0]
    assert [(c.path, c.whole) for c in by_rule.table_columns] == [(("id",), True), (("at",), True), (("name",), False)]
    chosen = plan_of_spec(
        spec_with({"/things": _list_operation()}, {"Thing": {**thing, "x-cli-columns": ["name", "id"]}, "Page": PAGE})
    ).operations[0]
    assert [c.path for c in chosen.table_columns] == [("name",), ("id",)]
    assert [c.path for c in chosen.export_columns] == [("id",), ("name",), ("at",), ("meta",)]
    assert [c.json_encoded for c in chosen.export_columns] == [False, False, False, True]


# --- what must not slip through as code that does not run ------------------------------------------


@pytest.mark.parametrize("tag", ["call", "request", "close", "with-options", "timeout", "base-url"])
def test_a_tag_that_would_shadow_a_client_attribute_stops_generation(tag: str) -> None:
    """`client.call` is what every generated method calls: a resource of that name would break all."""
    spec = spec_with({"/a": {"get": {"operationId": "getA", "tags": [tag]}}})
    message = plan_error(spec)
    assert f"the tag {tag!r} would be client.{tag.replace('-', '_')}, which the client already has" in message


def test_spec_text_becomes_python_literals_that_mean_it() -> None:
    """Defaults of every JSON type, enum values holding brackets, a title with quotes: printed by
    repr, the generated CLI is valid Python holding exactly those values."""
    spec = spec_with(
        {
            "/things": {
                "get": {
                    "operationId": "getThings",
                    "parameters": [
                        {"name": "flag", "in": "query", "schema": {"type": "boolean", "default": True}},
                        {"name": "limit", "in": "query", "schema": {"type": "number", "default": 1.5}},
                        {"name": "pick", "in": "query", "schema": {"type": "string", "enum": ["a[1]", "b'\"c"]}},
                        {"name": "note", "in": "query", "schema": {"type": "string", "default": 'say "hi"\\n'}},
                    ],
                }
            }
        }
    )
    spec["info"]["title"] = 'The "Agni" API \\ v2'
    code = render(spec, "cli.py.jinja")
    tree = ast.parse(code)
    program = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PROGRAM"
    )
    literals = [
        ast.literal_eval(node)
        for node in ast.walk(program)
        if isinstance(node, ast.Constant)
        or (isinstance(node, ast.Tuple) and all(isinstance(element, ast.Constant) for element in node.elts))
    ]
    assert True in literals
    assert 1.5 in literals
    assert 'say "hi"\\n' in literals
    assert 'The "Agni" API \\ v2 from the command line. The key comes from --api-key or RAVAN_API_KEY.' in literals
    # The enum's values are the operation's rule, in resources.py (one description per argument).
    resources = ast.parse(render(spec, "resources.py.jinja"))
    choices = [
        ast.literal_eval(node.args[0])
        for node in ast.walk(resources)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ChoiceRule"
    ]
    assert ("a[1]", "b'\"c") in choices


def test_a_zero_based_page_parameter_without_a_default_starts_at_zero() -> None:
    parameters = [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 10}},
    ]
    operation = _list_operation()
    operation["get"]["parameters"] = parameters
    pagination = (
        plan_of_spec(spec_with({"/things": operation}, {"Thing": THING, "Page": PAGE})).operations[0].pagination
    )
    assert pagination is not None
    assert pagination.first_page == 0


def test_a_header_parameter_that_is_the_api_keys_own_header_stops_generation_where_no_key_is_sent() -> None:
    # The operation needs no credential: the client's key in that header may not be what it wants.
    # (Where its security sends the key, the parameter is left out: test_swept_shapes_two.py.)
    parameter = {"name": "X-Api-Key", "in": "header", "required": True, "schema": {"type": "string"}}
    operation = {"operationId": "getA", "parameters": [parameter], "security": []}
    message = plan_error(spec_with({"/a": {"get": operation}}))
    assert "GET /a (getA)" in message
    assert "the client sets this header itself" in message


@pytest.mark.parametrize("method", ["put", "delete"])
def test_x_idempotent_false_keeps_even_a_put_or_delete_from_being_repeated(method: str) -> None:
    spec = spec_with({"/things": {method: {"operationId": "doThing", "x-idempotent": False}}})
    assert plan_of_spec(spec).operations[0].retry_after_send is False


# --- issue 16: paths and flags that a spec could not be trusted with ------------------------------


def test_a_non_ascii_or_reserved_character_in_a_path_is_sent_percent_encoded_as_utf8() -> None:
    spec = spec_with(
        {
            "/café/{nom}/a b%2F": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "nom", "in": "path", "required": True, "schema": {"type": "string"}}],
                },
            }
        }
    )
    operation = plan_of_spec(spec).operations[0]
    # RFC 3986: UTF-8, percent-encoded; an existing escape is kept; the placeholder is left to the call.
    assert operation.wire_path == "/caf%C3%A9/{nom}/a%20b%2F"
    assert operation.path == "/café/{nom}/a b%2F"
    assert "path='/caf%C3%A9/{nom}/a%20b%2F'" in render(spec, "resources.py.jinja")


@pytest.mark.parametrize(
    ("name", "kind", "flag"),
    [
        ("format", {"type": "string"}, "--query-format"),
        ("api_key", {"type": "string"}, "--query-api-key"),
        ("output", {"type": "string"}, "--query-output"),
        ("base_url", {"type": "string"}, "--query-base-url"),
        ("help", {"type": "string"}, "--query-help"),
        ("allow_insecure_http", {"type": "boolean"}, "--query-allow-insecure-http"),
        ("version", {"type": "boolean"}, "--query-version"),
        ("filterBy", {"type": "string"}, "--filter-by"),
    ],
)
def test_a_parameter_named_like_one_of_the_clis_own_options_gets_a_flag_of_its_own(
    name: str, kind: dict[str, Any], flag: str
) -> None:
    spec = spec_with(
        {
            "/things": {
                "get": {"operationId": "getThings", "parameters": [{"name": name, "in": "query", "schema": kind}]}
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert argument.cli_flag == flag
    assert f"flag={flag!r}," in render(spec, "cli.py.jinja")


def test_a_renamed_flag_that_meets_another_parameters_stops_generation_naming_both() -> None:
    spec = spec_with(
        {
            "/things": {
                "get": {
                    "operationId": "getThings",
                    "parameters": [
                        {"name": "format", "in": "query", "schema": {"type": "string"}},
                        {"name": "query_format", "in": "query", "schema": {"type": "string"}},
                    ],
                }
            }
        }
    )
    message = plan_error(spec)
    assert "'format'" in message
    assert "'query_format'" in message
    assert "--query-format" in message


def test_path_parameters_in_camel_case_keep_their_wire_names_in_the_path() -> None:
    # openapi-python-client renames {petId} to {pet_id} in its own view; the plan reads the
    # spec's, and finds the operation all the same (issue 18, item 3).
    spec = spec_with(
        {
            "/Accounts/{AccountSid}/Pets/{petId}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [
                        {"name": "AccountSid", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}},
                    ],
                },
            }
        }
    )
    operation = plan_of_spec(spec).operations[0]
    assert [(a.python_name, a.wire_name) for a in operation.path_arguments] == [
        ("account_sid", "AccountSid"),
        ("pet_id", "petId"),
    ]
    assert "path='/Accounts/{AccountSid}/Pets/{petId}'" in render(spec, "resources.py.jinja")


def test_operators_in_parameter_names_are_words_so_range_filters_stay_apart() -> None:
    # Twilio-style range filters (issue 18, item 7): three arguments, each sent under its own name.
    parameters = [
        {"name": name, "in": "query", "schema": {"type": "string"}}
        for name in ("StartTime", "StartTime<", "StartTime>", "Price>=", "ids[]")
    ]
    spec = spec_with({"/calls": {"get": {"operationId": "listCalls", "parameters": parameters}}})
    arguments = plan_of_spec(spec).operations[0].arguments
    assert [(a.python_name, a.wire_name) for a in arguments] == [
        ("start_time", "StartTime"),
        ("start_time_lt", "StartTime<"),
        ("start_time_gt", "StartTime>"),
        ("price_gte", "Price>="),
        ("ids", "ids[]"),
    ]


def test_a_form_urlencoded_body_is_flattened_keyword_arguments_sent_as_a_form() -> None:
    # Every write of a large telephony API (issue 18, item 5).
    schema = {
        "type": "object",
        "required": ["To"],
        "properties": {
            "To": {"type": "string"},
            "StatusCallbackEvent": {"type": "array", "items": {"type": "string"}},
            "Record": {"type": "boolean"},
        },
    }
    spec = spec_with(
        {
            "/Calls": {
                "post": {
                    "operationId": "createCall",
                    "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": schema}}},
                }
            }
        }
    )
    body = plan_of_spec(spec).operations[0].body
    assert body is not None
    assert body.media_type == "application/x-www-form-urlencoded"
    assert [(a.python_name, a.wire_name, a.required) for a in body.arguments] == [
        ("to", "To", True),
        ("status_callback_event", "StatusCallbackEvent", False),
        ("record", "Record", False),
    ]
    assert "media_type='application/x-www-form-urlencoded'," in render(spec, "resources.py.jinja")


def test_a_form_field_holding_an_object_stops_generation_naming_it() -> None:
    schema = {"type": "object", "properties": {"Nested": {"type": "object", "properties": {"a": {"type": "string"}}}}}
    spec = spec_with(
        {
            "/Calls": {
                "post": {
                    "operationId": "createCall",
                    "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": schema}}},
                }
            }
        }
    )
    message = plan_error(spec)
    assert "POST /Calls (createCall)" in message
    assert "'Nested'" in message


@pytest.mark.parametrize(
    ("media_type", "kind", "annotation", "call"),
    [
        ("audio/mpeg", "bytes", "bytes", "call_bytes"),
        ("application/octet-stream", "bytes", "bytes", "call_bytes"),
        ("text/csv", "text", "str", "call_text"),
        ("application/xml", "text", "str", "call_text"),
    ],
)
def test_a_binary_or_text_response_is_bytes_or_str(media_type: str, kind: str, annotation: str, call: str) -> None:
    # Recordings and exports (issue 18, item 5).
    responses = {"200": {"description": "The file.", "content": {media_type: {"schema": {"type": "string"}}}}}
    spec = spec_with(
        {
            "/recordings/{id}": {
                "get": {
                    "operationId": "getRecording",
                    "responses": responses,
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                }
            }
        }
    )
    response = plan_of_spec(spec).operations[0].response
    assert (response.kind, response.annotation, response.accept) == (kind, annotation, media_type)
    code = render(spec, "resources.py.jinja")
    assert f"accept={media_type!r}," in code
    assert f"self._client.{call}(_options)" in code
    assert f"-> {annotation}:" in code


def test_a_multipart_body_takes_files_and_values() -> None:
    # Uploads (issue 18, item 5): file parts are FileTypes arguments, other parts values.
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "The recording."},
            "attachments": {"type": "array", "items": {"type": "string", "contentMediaType": "image/png"}},
            "purpose": {"type": "string", "enum": ["voice", "kb"]},
            "meta": {"type": "object", "properties": {"a": {"type": "string"}}},
        },
    }
    spec = spec_with(
        {
            "/files": {
                "post": {
                    "operationId": "uploadFile",
                    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}},
                }
            }
        }
    )
    body = plan_of_spec(spec).operations[0].body
    assert body is not None
    assert body.media_type == "multipart/form-data"
    assert body.files == (("file", "file", False, True), ("attachments", "attachments", True, False))
    assert [(a.python_name, a.signature_annotation) for a in body.arguments] == [
        ("file", "FileTypes"),
        ("attachments", "Sequence[FileTypes] | None"),
        ("purpose", "Literal['voice', 'kb'] | None"),
        ("meta", "Mapping[str, Any] | None"),
    ]
    code = render(spec, "resources.py.jinja")
    ast.parse(code)
    assert "files=(('file', 'file', False, True), ('attachments', 'attachments', True, False))," in code
    assert "media_type='multipart/form-data'," in code


def test_a_path_or_operation_with_its_own_servers_is_sent_to_the_first() -> None:
    spec = spec_with(
        {
            "/uploads": {
                "servers": [{"url": "https://{region}.uploads.example/v2", "variables": {"region": {"default": "eu"}}}],
                "post": {"operationId": "upload"},
                "get": {"operationId": "listUploads", "servers": [{"url": "https://list.example"}]},
            },
            "/things": {"get": {"operationId": "getThings"}},
        },
        servers=[{"url": "https://api.example"}],
    )
    servers = {op.method_name: op.server for op in plan_of_spec(spec).operations}
    assert servers == {"upload": "https://eu.uploads.example/v2", "list_uploads": "https://list.example", "get": None}
    assert "server='https://eu.uploads.example/v2'," in render(spec, "resources.py.jinja")


def test_a_one_of_body_is_one_argument_checked_against_the_variant_its_discriminator_names() -> None:
    # The vendor's create-call (issue 18, item 4): a web_call or an outbound_call.
    schemas = {
        "WebCall": {
            "type": "object",
            "required": ["type", "agentId"],
            "properties": {"type": {"type": "string"}, "agentId": {"type": "string"}},
        },
        "OutboundCall": {
            "type": "object",
            "required": ["type", "to"],
            "properties": {"type": {"type": "string"}, "to": {"type": "string"}},
        },
    }
    body_schema = {
        "oneOf": [{"$ref": "#/components/schemas/WebCall"}, {"$ref": "#/components/schemas/OutboundCall"}],
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                "web_call": "#/components/schemas/WebCall",
                "outbound_call": "#/components/schemas/OutboundCall",
            },
        },
    }
    spec = spec_with(
        {
            "/calls": {
                "post": {
                    "operationId": "createCall",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": body_schema}}},
                }
            }
        },
        schemas,
    )
    body = plan_of_spec(spec).operations[0].body
    assert body is not None
    assert not body.flattened
    (argument,) = body.arguments
    # Typed as the variants' models or a plain mapping (issue 18), each importable where it is named.
    assert (argument.python_name, argument.rule.annotation) == ("body", "WebCall | OutboundCall | Mapping[str, Any]")
    assert body.model_imports == (("web_call", "WebCall"), ("outbound_call", "OutboundCall"))
    assert argument.rule.check.startswith("UnionRule((ObjectRule(")
    assert argument.rule.check.endswith("discriminator='type', mapping=(('web_call', 0), ('outbound_call', 1)))")
    code = render(spec, "resources.py.jinja")
    namespace: dict[str, Any] = {}
    exec("from ravan_runtime._validation import *\nrule = " + argument.rule.check, namespace)
    namespace["rule"].check("body", {"type": "outbound_call", "to": "+1555"})
    with pytest.raises(ValueError, match="must have the key 'agentId'"):
        namespace["rule"].check("body", {"type": "web_call"})
    assert "UnionRule(" in code
    assert "from .models.web_call import WebCall\n" in code
    assert "body: WebCall | OutboundCall | Mapping[str, Any]," in code


def _union_answer(schema: dict[str, Any]) -> Any:
    schemas = {
        "WebCall": {"type": "object", "required": ["agentId"], "properties": {"agentId": {"type": "string"}}},
        "OutboundCall": {"type": "object", "required": ["to"], "properties": {"to": {"type": "string"}}},
    }
    answer = {"200": {"description": "The call.", "content": {"application/json": {"schema": schema}}}}
    spec = spec_with({"/calls": {"get": {"operationId": "getCall", "responses": answer}}}, schemas)
    return plan_of_spec(spec).operations[0].response


WEB_OR_OUTBOUND = [{"$ref": "#/components/schemas/WebCall"}, {"$ref": "#/components/schemas/OutboundCall"}]


def test_a_one_of_answer_of_models_is_parsed_into_its_variant_or_kept_as_the_dict_received() -> None:
    response = _union_answer({"oneOf": WEB_OR_OUTBOUND})
    assert (response.kind, response.annotation) == ("union", "WebCall | OutboundCall | dict[str, Any]")
    assert response.parse == "_one_of((WebCall, OutboundCall,))"
    assert response.model_imports == (("web_call", "WebCall"), ("outbound_call", "OutboundCall"))
    discriminated = _union_answer(
        {
            "anyOf": WEB_OR_OUTBOUND,
            "discriminator": {"propertyName": "type", "mapping": {"out": "#/components/schemas/OutboundCall"}},
        }
    )
    assert discriminated.parse == "_one_of((WebCall, OutboundCall,), 'type', (('out', 1),))"
    nullable = _union_answer({"oneOf": [*WEB_OR_OUTBOUND, {"type": "null"}]})
    assert nullable.annotation == "WebCall | OutboundCall | dict[str, Any] | None"
    assert nullable.parse.endswith(", nullable=True)")


def test_a_one_of_answer_that_is_not_all_models_stays_json_as_received() -> None:
    response = _union_answer({"oneOf": [WEB_OR_OUTBOUND[0], {"type": "string"}]})
    assert (response.kind, response.annotation, response.parse) == ("json", "Any", "_as_received")


def test_a_query_parameter_of_several_scalar_shapes_is_checked_against_each() -> None:
    schema = {"oneOf": [{"type": "string", "enum": ["all"]}, {"type": "integer", "minimum": 1}]}
    spec = spec_with(
        {
            "/things": {
                "get": {"operationId": "getThings", "parameters": [{"name": "limit", "in": "query", "schema": schema}]}
            }
        }
    )
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert argument.rule.annotation == "Literal['all'] | int"
    assert argument.rule.check == "UnionRule((ChoiceRule(('all',)), IntegerRule(minimum=1),))"


def test_arguments_named_like_a_method_bodys_own_names_cannot_hide_them() -> None:
    # An outside review: `page_size_sent` was overwritten and `sync_first_page` hid the pager.
    names = ("options", "page_size_sent", "sync_first_page", "async_pager", "list_of", "as_received")
    parameters = [*PAGER_PARAMETERS, *({"name": n, "in": "query", "schema": {"type": "string"}} for n in names)]
    spec = spec_with(
        {"/things": {"get": {**_list_operation()["get"], "parameters": parameters}}},
        {"Thing": THING, "Page": PAGE},
    )
    code = render(spec, "resources.py.jinja")
    tree = ast.parse(code)
    for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)):
        arguments = {a.arg for a in function.args.args + function.args.kwonlyargs}
        assert set(names) <= arguments
        assigned = {
            t.id
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        called = {n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        # The body's own names are `_`-led: no argument of the spec can be one of them.
        assert not (assigned | called) & arguments


def test_a_boolean_enum_is_a_bool_and_a_one_value_one_its_literal() -> None:
    # openapi-python-client's `bool_enum` query parameter: the operation was skipped (issue 18).
    parameters = [
        {"name": "flag", "in": "query", "schema": {"type": "boolean", "enum": [True, False]}},
        {"name": "always", "in": "query", "schema": {"type": "boolean", "enum": [True]}},
    ]
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": parameters}}})
    (operation,) = plan_of_spec(spec).operations
    rules = {a.python_name: (a.rule.kind, a.rule.annotation) for a in operation.arguments}
    assert rules == {"flag": ("boolean", "bool"), "always": ("boolean", "Literal[True]")}


def test_an_optional_value_that_allows_only_null_is_left_out_not_the_operation() -> None:
    only_null = {"type": "array", "items": {"enum": [None]}}
    spec = spec_with(
        {
            "/a": {
                "post": {
                    "operationId": "addA",
                    "parameters": [{"name": "nothing", "in": "query", "schema": only_null}],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"name": {"type": "string"}, "nothing": only_null},
                                }
                            }
                        }
                    },
                }
            }
        }
    )
    (operation,) = plan_of_spec(spec).operations
    assert [a.python_name for a in operation.all_arguments] == ["name"]
    assert operation.body is not None
    assert "'nothing'" not in operation.body.check  # the body's rule does not know it either
    assert operation.left_out == (
        "POST /a (addA), query parameter 'nothing'[]: an enum that allows only null has nothing to send",
        "POST /a (addA), request body.nothing[]: an enum that allows only null has nothing to send",
    )


def test_a_required_value_that_allows_only_null_still_stops_the_operation() -> None:
    parameter = {"name": "nothing", "in": "query", "required": True, "schema": {"enum": [None]}}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    assert "GET /a (getA), query parameter 'nothing': an enum that allows only null has nothing to send" in (
        plan_error(spec)
    )


def test_an_optional_parameter_the_client_cannot_send_is_left_out_not_the_operation() -> None:
    # Ory Kratos declares an optional `Cookie` header on every self-service operation: 19 of them
    # were skipped (issue 18). A required one still stops the operation (the tests above).
    parameters = [
        {"name": "Cookie", "in": "header", "schema": {"type": "string"}},
        {"name": "session;admin=1", "in": "cookie", "schema": {"type": "string"}},
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
    ]
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": parameters}}})
    (operation,) = plan_of_spec(spec).operations
    assert [a.python_name for a in operation.arguments] == ["page"]
    assert operation.left_out == (
        "GET /a (getA), header parameter 'Cookie': the client sets this header itself",
        "GET /a (getA), cookie parameter 'session;admin=1': 'session;admin=1' is not a cookie name (an RFC 9110 "
        "token: letters, digits and !#$%&'*+-.^_`|~)",
    )


def test_a_cookie_parameter_is_an_argument_sent_in_the_cookie_header() -> None:
    # openapi-python-client's end-to-end document: GET /auth/token_with_cookie needs `MyToken`.
    parameter = {"name": "MyToken", "in": "cookie", "required": True, "schema": {"type": "string"}}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.python_name, argument.location, argument.required) == ("my_token", "cookie", True)
    assert "Parameter('my_token', 'MyToken', 'cookie', StringRule(), required=True)" in render(
        spec, "resources.py.jinja"
    )


def test_a_tag_named_like_a_model_gets_a_resource_class_of_its_own() -> None:
    # The Swagger petstore tags its operations `pet` and has a schema `Pet`: resources.py imported the
    # model and defined the resource class under one name (ruff F811), and generation stopped.
    spec = spec_with(
        {
            "/pets": {
                "get": {
                    "operationId": "getPet",
                    "tags": ["pet"],
                    "responses": ok_response({"$ref": "#/components/schemas/Pet"}),
                }
            }
        },
        {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
    )
    (resource,) = plan_of_spec(spec).resources
    assert (resource.attribute, resource.class_name) == ("pet", "PetResource")


def _body_operation(schema: dict[str, Any], schemas: dict[str, Any] | None = None) -> Any:
    body = {"content": {"application/json": {"schema": schema}}}
    spec = spec_with({"/a": {"post": {"operationId": "addA", "requestBody": body}}}, schemas)
    (operation,) = plan_of_spec(spec).operations
    return operation


def test_a_schema_that_refers_back_to_itself_is_checked_down_to_where_it_recurs() -> None:
    # Qdrant's Filter holds conditions that hold filters; expanding it would never end.
    node = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }
    operation = _body_operation({"$ref": "#/components/schemas/Node"}, {"Node": node})
    assert operation.body.check == (
        "ObjectRule((ObjectField('name', StringRule(), required=False), "
        "ObjectField('children', ArrayRule(AnyRule(nullable=True)), required=False)))"
    )


def test_a_value_nested_deeper_than_the_checked_depth_is_sent_as_given_not_the_operation_skipped() -> None:
    # Qdrant nests unions in unions (every nullable field is an anyOf): 19 of its operations were
    # skipped as "cannot be checked before sending" or "nested deeper than 8 levels" (issue 18).
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(MAX_CHECKED_DEPTH + 3):
        schema = {"anyOf": [{"type": "object", "properties": {"inner": schema}}, {"type": "null"}]}
    operation = _body_operation({"type": "object", "properties": {"outer": schema}})
    assert operation.body.check.count("AnyRule(nullable=True)") == 1
    assert "StringRule" not in operation.body.check


def test_a_nested_check_too_long_to_inline_is_sent_as_given() -> None:
    wide = {"type": "object", "properties": {f"field_{i}": {"type": "string", "maxLength": 10} for i in range(200)}}
    operation = _body_operation({"type": "object", "properties": {"wide": wide, "small": {"type": "integer"}}})
    assert operation.body.check == (
        "ObjectRule((ObjectField('wide', AnyRule(nullable=True), required=False), "
        "ObjectField('small', IntegerRule(), required=False)))"
    )
    assert [a.rule.kind for a in operation.body.arguments] == ["object", "integer"]  # the top level keeps its type


@pytest.mark.parametrize(
    ("key", "kind", "annotation"),
    # openapi-python-client's parsed model does not reach the plan for `default`: served untyped.
    [("2XX", "object", "Thing"), ("default", "json", "Any")],
)
def test_an_operation_documenting_only_2xx_or_default_takes_that_response_as_its_answer(
    key: str, kind: str, annotation: str
) -> None:
    # openapi-python-client's own document has both; Ory Kratos has a `default`-only operation.
    spec = spec_with(
        {"/a": {"get": {"operationId": "getA", "responses": ok_response({"$ref": "#/components/schemas/Thing"}, key)}}},
        {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}},
    )
    (operation,) = plan_of_spec(spec).operations
    assert (operation.response.status, operation.response.kind, operation.response.annotation) == (
        200,
        kind,
        annotation,
    )


def test_a_tag_named_like_a_client_attribute_is_renamed_in_a_document_written_elsewhere(tmp_path: Path) -> None:
    # Ory Kratos tags operations `identity`, an attribute every client has (set in __init__, so not
    # in dir() of the class): the generated client failed mypy --strict. Under --unsupported skip the
    # resource is `client.identity_`; spec/openapi.yaml's tags still must not clash (test above).
    spec = spec_with({"/a": {"get": {"operationId": "getA", "tags": ["identity"]}}})
    spec_path = tmp_path / "openapi.yaml"
    _, openapi = load_generator_data(spec_path, spec, tmp_path / "out")
    plan = plan_of(spec_path, spec, openapi, skip_unsupported=True)
    (resource,) = plan.resources
    assert (resource.attribute, [op.resource for op in resource.operations]) == ("identity_", ["identity_"])
    assert "the tag 'identity' would be client.identity, which the client already has" in plan_error(spec)


# --- client class names ----------------------------------------------------------------------------


def _thing_spec(tag: str) -> dict[str, Any]:
    return spec_with({"/things": {"get": {"operationId": "getThing", "tags": [tag], "responses": ok_response()}}})


@pytest.mark.parametrize(
    ("class_name", "tag", "expected"),
    [
        ("AsyncAPIClient", "things", "makes the class 'AsyncAPIClient', which is already the runtime's base class"),
        ("APIClient", "things", "makes the class 'AsyncAPIClient', which is already the runtime's base class"),
        ("SyncAPIClient", "things", "makes the class 'SyncAPIClient', which is already the runtime's base class"),
        ("AcmeClient", "acme-client", "makes the class 'AcmeClient', which is already the resource class of tag"),
    ],
)
def test_a_client_class_name_the_client_module_already_uses_is_refused(
    class_name: str, tag: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`class AsyncAPIClient(SyncAPIClient)` once made the async client a subclass of the sync one,
    and `AcmeClient` shadowed the resource class of a tag `acme-client` in _client.py."""
    from scripts.lib import generate

    monkeypatch.setattr(generate, "client_settings", lambda: {"class_name": class_name})
    message = plan_error(_thing_spec(tag))
    assert f"config client.class_name {class_name!r} {expected}" in message
    monkeypatch.setattr(generate, "client_settings", lambda: {"class_name": "AcmeClient"})
    assert plan_of_spec(_thing_spec("things")).identity.client_class == "AcmeClient"


@pytest.mark.parametrize(
    ("types", "annotation", "check"),
    [
        (["number", "string"], "float | str", "UnionRule((NumberRule(minimum=0), StringRule(max_length=9),))"),
        (
            ["string", "integer", "null"],
            "str | int",
            "UnionRule((StringRule(max_length=9), IntegerRule(minimum=0),), nullable=True)",
        ),
        (["boolean", "integer"], "bool | int", "UnionRule((BooleanRule(), IntegerRule(minimum=0),))"),
    ],
)
def test_a_list_of_scalar_types_is_the_union_of_their_rules(types: list[str], annotation: str, check: str) -> None:
    # openapi-python-client's 3.1 `union_prop` (`type: [number, string]`) was skipped (issue 18): it
    # is the same UnionRule as `anyOf` of the types, each keeping the keywords that apply to it.
    schema = {"type": types, "minimum": 0, "maxLength": 9}
    parameter = {"name": "u", "in": "query", "schema": schema}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.rule.annotation, argument.rule.check) == (annotation, check)
    assert argument.signature_annotation == f"{annotation} | None"
    parameter["schema"] = {"type": ["array", "string"], "items": {"type": "string"}}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    assert "query parameter 'u': a value of several types (array, string) is not supported" in plan_error(spec)


QUERY_OBJECT = {
    "type": "object",
    "required": ["gte"],
    "properties": {"gte": {"type": "integer"}, "lt": {"anyOf": [{"type": "integer"}, {"type": "string"}]}},
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("schema", "spelled", "style", "explode", "rendered"),
    [
        (QUERY_OBJECT, {}, "form", True, ""),
        (QUERY_OBJECT, {"explode": False}, "form", False, ", explode=False"),
        (QUERY_OBJECT, {"style": "deepObject", "explode": True}, "deepObject", True, ", style='deepObject'"),
        (QUERY_OBJECT, {"style": "deepObject"}, "deepObject", True, ", style='deepObject'"),
        (QUERY_OBJECT, {"style": "pipeDelimited"}, "pipeDelimited", False, ", explode=False, style='pipeDelimited'"),
        (
            {"type": "array", "items": {"type": "string"}},
            {"style": "spaceDelimited", "explode": False},
            "spaceDelimited",
            False,
            ", explode=False, style='spaceDelimited'",
        ),
        ({"type": "integer"}, {"style": "deepObject"}, "form", True, ""),
    ],
)
def test_a_query_object_or_array_is_served_in_each_style_of_the_table(
    schema: dict[str, Any], spelled: dict[str, Any], style: str, explode: bool, rendered: str
) -> None:
    # openapi-python-client's `model_prop` (a query object, form) and Stripe's `created[gte]`
    # (deepObject) were refused: the plan decides the style once and the template prints it.
    parameter = {"name": "created", "in": "query", "schema": schema, **spelled}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.style, argument.explode) == (style, explode)
    assert f"Parameter('created', 'created', 'query', {argument.rule.check}{rendered})" in render(
        spec, "resources.py.jinja"
    )
    if schema is QUERY_OBJECT:
        assert argument.signature_annotation == "Mapping[str, Any] | None"
        assert argument.rule.check == (
            "ObjectRule((ObjectField('gte', IntegerRule(), required=True), "
            "ObjectField('lt', UnionRule((IntegerRule(), StringRule(),)), required=False)), closed=True)"
        )


def test_a_query_union_of_an_integer_and_an_object_is_served_as_deep_object() -> None:
    # Stripe's `created`: an integer, or an object of bounds; the value that fits picks the spelling.
    created = {"anyOf": [{"type": "integer"}, QUERY_OBJECT]}
    parameter = {"name": "created", "in": "query", "style": "deepObject", "explode": True, "schema": created}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.style, argument.rule.annotation) == ("deepObject", "int | Mapping[str, Any]")


@pytest.mark.parametrize(
    ("spelled", "style", "explode"),
    [
        ({"explode": False}, "form", False),
        ({"style": "pipeDelimited"}, "pipeDelimited", False),
        ({"style": "spaceDelimited", "explode": False}, "spaceDelimited", False),
    ],
)
def test_a_query_union_with_an_array_keeps_the_style_its_array_travels_in(
    spelled: dict[str, Any], style: str, explode: bool
) -> None:
    # `oneOf: [array, string]`: the array variant was sent exploded (`ids=a&ids=b`) whatever the
    # style, since only a plain array or an object kept it; the table spells it `ids=a,b` / `a|b`.
    schema = {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
    parameter = {"name": "ids", "in": "query", "schema": schema, **spelled}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    (argument,) = plan_of_spec(spec).operations[0].arguments
    assert (argument.style, argument.explode) == (style, explode)


def test_a_query_union_with_an_array_is_refused_as_deep_object() -> None:
    # deepObject has no spelling for an array, in a union as alone.
    union = {"oneOf": [{"type": "array", "items": {"type": "string"}}, QUERY_OBJECT]}
    parameter = {"name": "filter", "in": "query", "style": "deepObject", "schema": union}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    assert "GET /a (getA), query parameter 'filter': style 'deepObject' is for objects, not arrays" in plan_error(spec)


@pytest.mark.parametrize(
    ("schema", "spelled", "message"),
    [
        (
            {"type": "object", "properties": {"range": {"type": "object"}}},
            {"style": "deepObject"},
            "the query object's property 'range' is not a single value "
            "(objects and arrays inside a query object are not supported)",
        ),
        (
            {"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "string"}}}},
            {},
            "the query object's property 'ids' is not a single value",
        ),
        (
            {"type": "array", "items": {"type": "string"}},
            {"style": "deepObject"},
            "style 'deepObject' is for objects, not arrays",
        ),
        (
            QUERY_OBJECT,
            {"style": "deepObject", "explode": False},
            "style 'deepObject' is defined with explode true only",
        ),
        (
            QUERY_OBJECT,
            {"style": "spaceDelimited", "explode": True},
            "style 'spaceDelimited' is defined with explode false only",
        ),
        (QUERY_OBJECT, {"style": "matrix"}, "style 'matrix' is not supported"),
    ],
)
def test_a_query_shape_outside_the_style_table_is_refused_in_one_line(
    schema: dict[str, Any], spelled: dict[str, Any], message: str
) -> None:
    parameter = {"name": "filter", "in": "query", "schema": schema, **spelled}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    assert f"GET /a (getA), query parameter 'filter': {message}" in plan_error(spec)


def test_an_optional_query_parameter_that_allows_only_null_is_left_out_with_its_line() -> None:
    # A lone `enum: [null]` (not only an array of it): nothing to send, so not an argument, and the
    # operation is served with the warning. Required, it stops the operation (the test above).
    parameters = [
        {"name": "nothing", "in": "query", "schema": {"enum": [None]}},
        {"name": "q", "in": "query", "schema": {"type": "string"}},
    ]
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": parameters}}})
    (operation,) = plan_of_spec(spec).operations
    assert [a.python_name for a in operation.arguments] == ["q"]
    assert operation.left_out == (
        "GET /a (getA), query parameter 'nothing': an enum that allows only null has nothing to send",
    )


def test_a_union_members_message_names_its_index_as_written_null_members_counted() -> None:
    # The null member was dropped before counting: the third member was called anyOf[1].
    schema = {"anyOf": [{"type": "null"}, {"type": "string"}, {"type": "string", "enum": [1, "a"]}]}
    parameter = {"name": "q", "in": "query", "schema": schema}
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": [parameter]}}})
    assert "GET /a (getA), query parameter 'q', anyOf[2]: an enum must hold only" in plan_error(spec)
