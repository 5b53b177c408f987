"""Shapes found by generating public documents nobody here had seen (issue 18, the sweep).

Each made a real document fail as a whole; one small document holds them all and is generated the
way a document written elsewhere is (`--lint off --unsupported skip`):
- response codes written `200:` unquoted (Asana), which YAML reads as integers: openapi-python-client
  refused the document ("Input should be a valid string");
- a list of lists of models (Discord's search results, Box's name conflicts): the generated model
  named the inner class without importing it, and ruff refused the package (F821);
- a boolean schema (Meilisearch's `items: false`): openapi-python-client refused the document;
- a parameter given by `content` instead of `schema` (Mistral): the reader's error stopped the
  whole document instead of skipping the one operation;
- an inline item class the models generator names like a builtin (`Warning`, from PagerDuty's
  `warnings`), used above its definition: pydantic took the builtin and the package did not import;
- a discriminated union with a member that is not a component reference (OpenAI's filters, a
  `$recursiveRef`): pydantic's discriminator-needs-literal, the package did not import;
- a field of `type: "null"` (Discord): `None | None`, the package did not import;
- a root union with a quoted forward reference in a class's bases (Discord's `ErrorDetails`):
  `Union[...]` there, which ruff's UP007 refused;
- a required `Accept` header parameter (PagerDuty, 424 of 465 operations): each was skipped.
A JSON document with a character YAML 1.1 refuses in a string (SendGrid's U+009F) is read as JSON;
a server variable without a default (Asana) and tags that differ only in case (SendGrid) no longer
refuse the document.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from scripts.lib.generate import GenerationError, load_generator_data, models_view, plan_of, validate_spec
from scripts.lib.openapi_document import parse_document
from scripts.lib.plan import server_url
from tests.generate.fragments import spec_with
from tests.generate.scratch import describe, generate_document, run_python

OPTIONS = ("--lint", "off", "--unsupported", "skip")

# Written as YAML text, not dumped from Python data: the unquoted status codes are the point.
DOCUMENT = """\
openapi: 3.1.0
info: {title: Swept shapes, version: 1.0.0}
servers: [{url: 'https://api.example.com'}]
paths:
  /searches:
    get:
      operationId: search
      tags: [searches]
      parameters:
        - {name: Accept, in: header, required: true, schema: {type: string}}
      responses:
        200:
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Results'}
        404:
          description: Not found
  /extras:
    get:
      operationId: getExtras
      tags: [searches]
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Extras'}
  /agents:
    get:
      operationId: listAgents
      tags: [agents]
      parameters:
        - name: Accept
          in: header
          required: true
          schema: {type: string, default: application/json}
        - name: metadata
          in: query
          required: true
          content:
            application/json:
              schema: {type: object}
      responses:
        200: {description: OK}
components:
  schemas:
    Message:
      type: object
      properties:
        id: {type: string}
    Results:
      type: object
      required: [avatar]
      properties:
        messages:
          type: array
          items:
            type: array
            items: {$ref: '#/components/schemas/Message'}
        nothing:
          type: array
          prefixItems: [{type: string}]
          items: false
        anything: true
        avatar: {type: 'null'}
        enablement: {$ref: '#/components/schemas/Enablement'}
    Extras:
      type: object
      properties:
        filter: {$ref: '#/components/schemas/Filter'}
        details: {$ref: '#/components/schemas/ErrorDetails'}
    Enablement:
      type: object
      properties:
        warnings:
          type: array
          items:
            type: object
            properties:
              message: {type: string}
    Filter:
      oneOf:
        - {$ref: '#/components/schemas/Comparison'}
        - {$ref: '#/components/schemas/Compound'}
    Comparison:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [eq, ne]}
        value: {type: string}
    Compound:
      $recursiveAnchor: true
      type: object
      required: [type, filters]
      properties:
        type: {type: string, enum: [and, or]}
        filters:
          type: array
          items:
            oneOf:
              - {$ref: '#/components/schemas/Comparison'}
              - {$recursiveRef: '#'}
            discriminator: {propertyName: type}
    InnerErrors:
      type: object
      properties:
        code: {type: string}
    ErrorDetails:
      oneOf:
        - type: object
          additionalProperties: {$ref: '#/components/schemas/ErrorDetails'}
        - {$ref: '#/components/schemas/InnerErrors'}
"""

MODELS_PROBE = """
import json
from ravan_models import models
compound = {"type": "and", "filters": [{"type": "eq", "value": "x"}, {"type": "or", "filters": []}]}
results = models.Results.model_validate({"avatar": None, "enablement": {"warnings": [{"message": "late"}]}})
extras = models.Extras.model_validate({"filter": compound, "details": {"a": {"code": "E1"}}})
print(json.dumps({
    "invalid": sorted(results.model_invalid_fields) + sorted(extras.model_invalid_fields),
    "warning": type(results.enablement.warnings[0]).__name__,
    "message": results.enablement.warnings[0].message,
    "filter": extras.model_dump(mode="json", exclude_none=True)["filter"],
}))
"""

PROBE = """
import json
from ravan_client.models.results import Results
body = {"avatar": None, "messages": [[{"id": "a"}, {"id": "b"}], []], "nothing": ["x"], "anything": 3}
results = Results.from_dict(body)
print(json.dumps({
    "messages": results.messages,
    "invalid": sorted(results.model_invalid_fields),
    "to_dict": results.to_dict(),
    "built": Results(avatar=None, messages=[[{"id": "c"}]]).to_dict(),
}))
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("swept")
    spec_path = root / "openapi.yaml"
    spec_path.write_text(DOCUMENT, encoding="utf-8")
    result = generate_document(spec_path, root / "out", *OPTIONS)
    return root / "out", result


def test_the_document_generates_whole_skipping_only_the_content_parameters_operation(
    generated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = generated
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("skipped: ")] == [
        "skipped: GET /agents (listAgents): parameter 'metadata' uses 'content', not 'schema'"
    ]


def test_a_list_of_lists_of_models_keeps_the_inner_objects_as_received(
    generated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, result = generated
    assert result.returncode == 0, describe(result)
    probed = run_python(PROBE, pythonpath=[out / "ravan-client", out / "ravan-models"], cwd=out)
    assert probed["messages"] == [[{"id": "a"}, {"id": "b"}], []]
    assert probed["invalid"] == []
    assert probed["to_dict"] == {
        "avatar": None,
        "messages": [[{"id": "a"}, {"id": "b"}], []],
        "nothing": ["x"],
        "anything": 3,
    }
    # A model built in code writes its nested objects out as JSON too.
    assert probed["built"] == {"messages": [[{"id": "c"}]]}


def test_the_models_package_imports_and_reads_each_shape(
    generated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, result = generated
    assert result.returncode == 0, describe(result)
    probed = run_python(MODELS_PROBE, pythonpath=[out / "ravan-client", out / "ravan-models"], cwd=out)
    assert probed["invalid"] == []
    # The inline item class is the models' own, renamed off the builtin it was named like.
    assert probed["warning"] == "WarningModel"
    assert probed["message"] == "late"
    assert probed["filter"] == {"type": "and", "filters": [{"type": "eq", "value": "x"}, {"type": "or", "filters": []}]}


def test_a_required_accept_header_is_left_out_not_the_operation(
    generated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = generated
    assert result.returncode == 0, describe(result)
    assert [line for line in result.stdout.splitlines() if line.startswith("left out: ")] == [
        "left out: GET /searches (search), header parameter 'Accept': the client sets this header itself "
        "(the operation is served without it)"
    ]


def test_a_server_variable_without_a_default_leaves_the_base_url_to_the_caller() -> None:
    servers = [{"url": "{siteUrl}/api", "variables": {"siteUrl": {"description": "Your site"}}}]
    assert server_url(servers) is None
    assert server_url([{"url": "https://{region}.example.com", "variables": {"region": {"default": "eu"}}}]) == (
        "https://eu.example.com"
    )


def test_tags_that_would_be_one_attribute_are_one_resource_in_a_document_written_elsewhere() -> None:
    spec = spec_with(
        {
            "/a": {"get": {"operationId": "getA", "tags": ["Segmenting Contacts"]}},
            "/b": {"get": {"operationId": "getB", "tags": ["segmenting contacts"]}},
        }
    )
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        _, openapi = load_generator_data(spec_path, spec, Path(scratch) / "out")
        plan = plan_of(spec_path, spec, openapi, skip_unsupported=True)
        (resource,) = plan.resources
        assert [op.method_name for op in resource.operations] == ["get_a", "get_b"]
        # The hand-maintained spec is still told to rename one.
        with pytest.raises(GenerationError, match=r"both become client\.segmenting_contacts"):
            plan_of(spec_path, spec, openapi)


def test_an_unquoted_status_code_is_read_as_the_string_it_spells() -> None:
    document = parse_document(DOCUMENT)
    assert list(document["paths"]["/searches"]["get"]["responses"]) == ["200", "404"]
    # Only integer keys change: a boolean key, a value, a list item are YAML's as ever.
    assert parse_document("200: 1\ntrue: [2]\n") == {"200": 1, True: [2]}


def test_a_boolean_schema_is_given_to_openapi_python_client_as_the_object_it_means() -> None:
    view = models_view(parse_document(DOCUMENT))
    results = view["components"]["schemas"]["Results"]["properties"]
    assert results["nothing"]["items"] == {"not": {}}
    assert results["anything"] == {}
    # The spec itself is left as written (the plan reads booleans as they are).
    assert parse_document(DOCUMENT)["components"]["schemas"]["Results"]["properties"]["anything"] is True


def test_a_json_document_is_read_as_json(tmp_path: Path) -> None:
    # SendGrid's document has a U+009F in a description: JSON allows it, YAML 1.1 does not.
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Control \u009f character", "version": "1.0.0"},
        "paths": {},
    }
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    assert parse_document(spec_path.read_bytes()) == spec
    validate_spec(spec_path, lint="off")  # no error: read, validated
    # A number YAML 1.1 reads as a string is JSON's number.
    assert parse_document('{"maximum": 1e5}') == {"maximum": 100000.0}


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        # A keyword of the wrong type (the validator's finding is a warning in a document written
        # elsewhere) was an internal error with a traceback that named no operation.
        ({"type": "string", "enum": "x"}, "a value the generator cannot read (TypeError: "),
        ({"allOf": None}, "a value the generator cannot read (TypeError: "),
        ({"type": "integer", "maximum": "ten"}, "a value the generator cannot read (ValueError: "),
        # No member: the rule was `UnionRule((,))`, code that did not parse.
        ({"anyOf": []}, "query parameter 'q': anyOf is empty, so no value fits it"),
    ],
)
def test_a_malformed_schema_skips_its_operation_in_one_line(schema: dict[str, object], reason: str) -> None:
    spec = spec_with(
        {
            "/a": {"get": {"operationId": "getA", "parameters": [{"name": "q", "in": "query", "schema": schema}]}},
            "/b": {"get": {"operationId": "getB"}},
        }
    )
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        _, openapi = load_generator_data(spec_path, spec, Path(scratch) / "out")
        plan = plan_of(spec_path, spec, openapi, skip_unsupported=True)
        assert [op.method_name for resource in plan.resources for op in resource.operations] == ["get_b"]
        (skipped,) = plan.skipped
        assert skipped.startswith("GET /a (getA)")
        assert reason in skipped
        assert "\n" not in skipped
        # Refused the same way, in one line, where the document is not written elsewhere.
        with pytest.raises(GenerationError, match=r"GET /a \(getA\)"):
            plan_of(spec_path, spec, openapi)


def test_a_union_that_allows_only_null_has_nothing_to_send() -> None:
    parameters = [{"name": "q", "in": "query", "schema": {"oneOf": [{"type": "null"}]}}]
    spec = spec_with({"/a": {"get": {"operationId": "getA", "parameters": parameters}}})
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        _, openapi = load_generator_data(spec_path, spec, Path(scratch) / "out")
        (operation,) = plan_of(spec_path, spec, openapi).operations
    assert operation.arguments == ()
