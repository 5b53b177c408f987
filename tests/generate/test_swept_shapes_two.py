"""Shapes found by generating a second set of public documents nobody here had seen (the sweep's
round two: Deepgram, Bandwidth, Cohere, Qovery among them).

Each stopped a whole document or skipped most of its operations, generated the way a document
written elsewhere is (`--lint off --unsupported skip`):
- a required `Authorization` header parameter beside a security scheme that sends that header
  (Deepgram, 49 of its 50 operations): skipped, though the client sends the credential itself;
- a reference percent-encoded as the URI fragment it is (Qovery's
  `#/paths/~1environment~1%7BenvironmentId%7D~1job/...`): "points at nothing", the whole document
  refused;
- an operation's callback given by reference (Bandwidth's `callbacks: {statusCallback: {$ref:
  '#/components/callbacks/statusCallback'}}`, valid OpenAPI): openapi-python-client refused the
  whole document;
- a reference to a file beside the document inside a vendor extension (Cohere's `x-fern-examples`
  code samples, `$ref: ./snippets/...ts`): the whole document refused, though no tool reads it.
- `no` (Norwegian, AssemblyAI's language codes) and `OFF` (Cohere's citation modes) unquoted in a
  string enum, which YAML 1.1 reads as `False`: an enum of mixed types, the operation skipped;
- an empty `enum` (Vapi's voice presets): openapi-python-client refused the whole document;
- an `enum` beside `type: array` (Vapi's `clientMessages`): an Enum class in the models, which the
  models package's `model_rebuild()` of every class failed on: the packages did not import.
One document holding all but the YAML spellings generates whole; those generate whole in a YAML one.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from scripts.lib.generate import (
    GenerationError,
    load_generator_data,
    models_view,
    plan_of,
    validate_spec,
    without_referencing_extensions,
)
from scripts.lib.openapi_document import OpenAPIDocument, SpecError, parse_document
from scripts.lib.plan import ApiPlan
from tests.generate.fragments import plan_error, plan_of_spec, spec_with
from tests.generate.scratch import describe, generate_document


def _lenient_plan(spec: dict[str, Any]) -> ApiPlan:
    """The plan of a document written elsewhere (`--unsupported skip`)."""
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        _, openapi = load_generator_data(spec_path, spec, Path(scratch) / "out")
        return plan_of(spec_path, spec, openapi, skip_unsupported=True)


def _authorization_spec(schemes: dict[str, Any], **operation: Any) -> dict[str, Any]:
    parameter = {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}}
    spec = spec_with({"/projects": {"get": {"operationId": "listProjects", "parameters": [parameter], **operation}}})
    spec["components"]["securitySchemes"] = schemes
    # Deepgram declares its schemes and names none in a `security`: each is sent when held.
    del spec["security"]
    return spec


def test_a_required_authorization_header_the_security_sends_is_left_out_not_the_operation() -> None:
    for scheme in (
        {"type": "apiKey", "in": "header", "name": "Authorization"},  # Deepgram's `Token <key>`
        {"type": "http", "scheme": "bearer"},
        {"type": "http", "scheme": "basic"},
        {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://example.com/token", "scopes": {}}}},
    ):
        plan = _lenient_plan(_authorization_spec({"Auth": scheme}))
        assert plan.skipped == (), scheme
        (operation,) = plan.operations
        assert operation.arguments == ()
        # Without --unsupported skip too: nothing about it is unsupported any more.
        (operation,) = plan_of_spec(_authorization_spec({"Auth": scheme})).operations
        assert operation.arguments == ()


def test_a_required_authorization_header_no_credential_of_the_operation_sends_still_stops_it() -> None:
    key_elsewhere = {"Key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}
    bearer = {"Bearer": {"type": "http", "scheme": "bearer"}}
    for spec in (
        _authorization_spec(key_elsewhere),  # the client's key travels in another header
        _authorization_spec(bearer, security=[]),  # the operation wants no credential of the client's
    ):
        message = plan_error(spec)
        assert "GET /projects (listProjects), header parameter 'Authorization': the client sets this header itself" in (
            message
        )


def test_a_percent_encoded_reference_is_followed_as_the_uri_fragment_it_is() -> None:
    shared = {"name": "environmentId", "in": "path", "required": True, "schema": {"type": "string"}}
    reused = {"$ref": "#/paths/~1environments~1%7BenvironmentId%7D~1jobs/get/parameters/0"}
    spec = spec_with(
        {
            "/environments/{environmentId}/jobs": {"get": {"operationId": "listJobs", "parameters": [shared]}},
            "/environments/{environmentId}/apps": {"get": {"operationId": "listApps", "parameters": [reused]}},
        }
    )
    plan = _lenient_plan(spec)
    assert plan.skipped == ()
    assert [[a.wire_name for a in op.arguments] for op in plan.operations] == [["environmentId"], ["environmentId"]]


def test_a_parameter_reference_that_points_at_nothing_skips_its_operation_not_the_document() -> None:
    missing = {"$ref": "#/components/parameters/Missing"}
    spec = spec_with(
        {
            "/jobs": {"get": {"operationId": "listJobs", "parameters": [missing]}},
            "/apps/{appId}": {
                "parameters": [missing],
                "get": {"operationId": "getApp"},
                "delete": {"operationId": "deleteApp"},
            },
            "/apps": {"get": {"operationId": "listApps"}},
        }
    )
    plan = _lenient_plan(spec)
    assert [op.method_name for op in plan.operations] == ["list_apps"]
    assert plan.skipped == (
        "GET /jobs (listJobs), parameter 0: #/components/parameters/Missing points at nothing (no 'parameters')",
        "GET /apps/{appId} (getApp): parameters of /apps/{appId}, parameter 0: #/components/parameters/Missing "
        "points at nothing (no 'parameters')",
        "DELETE /apps/{appId} (deleteApp): parameters of /apps/{appId}, parameter 0: "
        "#/components/parameters/Missing points at nothing (no 'parameters')",
    )
    # The hand-maintained spec is refused, naming the operation.
    assert plan_error(spec).endswith(
        "GET /jobs (listJobs), parameter 0: #/components/parameters/Missing points at nothing (no 'parameters')"
    )


def test_a_key_with_a_percent_of_its_own_is_found_as_written_before_it_is_decoded() -> None:
    document = OpenAPIDocument({"components": {"schemas": {"a%41": {"type": "string"}, "aA": {"type": "integer"}}}})
    assert document.resolve({"$ref": "#/components/schemas/a%41"}) == {"type": "string"}
    # Decoded only where the key as written is not there: `a%41` is its own key, not `aA`.
    assert document.resolve({"$ref": "#/components/schemas/%61A"}) == {"type": "integer"}
    with pytest.raises(SpecError, match=r"points at nothing \(no 'a%42'\)"):
        document.resolve({"$ref": "#/components/schemas/a%42"})


def test_a_callback_given_by_reference_does_not_stop_the_document() -> None:
    status_callback = {
        "{$request.body#/callbackUrl}": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                "responses": {"200": {"description": "Received."}},
            }
        }
    }
    operation = {"operationId": "sendMessage", "callbacks": {"status": {"$ref": "#/components/callbacks/status"}}}
    spec = spec_with(
        {"/messages": {"post": operation}},
        {"Status": {"type": "object", "properties": {"state": {"type": "string"}}}},
    )
    spec["components"]["callbacks"] = {"status": status_callback}
    plan = _lenient_plan(spec)
    assert plan.skipped == ()
    assert [op.method_name for op in plan.operations] == ["send_message"]
    # The spec is left as written; only openapi-python-client's view goes without callbacks.
    assert spec["paths"]["/messages"]["post"]["callbacks"] == {"status": {"$ref": "#/components/callbacks/status"}}
    view = models_view(spec)
    assert "callbacks" not in view["paths"]["/messages"]["post"]
    assert "callbacks" not in view["components"]
    assert "Status" in view["components"]["schemas"]


def _with_extension_reference(spec: dict[str, Any]) -> dict[str, Any]:
    samples = [{"sdk": "node", "code": {"$ref": "./snippets/node/list-things.ts"}}]
    spec["paths"]["/things"]["get"]["x-fern-examples"] = [{"code-samples": samples}]
    return spec


def test_a_reference_inside_a_vendor_extension_is_one_warning_without_lint_and_refused_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(
        json.dumps(_with_extension_reference(spec_with({"/things": {"get": {"operationId": "list"}}})))
    )
    validate_spec(spec_path, lint="off")
    (line,) = capsys.readouterr().out.splitlines()
    assert line == (
        f"warning: {spec_path}: $.paths./things.get.x-fern-examples[0].code-samples[0].code.$ref is "
        "'./snippets/node/list-things.ts'; only references inside the document (#/...) are followed: the "
        "extension $.paths./things.get.x-fern-examples that holds it is left out, nothing is fetched"
    )
    # Spectral, which follows every reference, runs with lint on: there it is refused as before.
    for lint in ("report", "strict"):
        with pytest.raises(GenerationError, match=r"x-fern-examples\[0\].*only references inside the document"):
            validate_spec(spec_path, lint=lint)


def test_a_property_named_like_an_extension_is_no_extension_and_its_reference_is_refused(tmp_path: Path) -> None:
    schemas = {"Thing": {"type": "object", "properties": {"x-trace": {"$ref": "https://example.com/trace.json"}}}}
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(json.dumps(spec_with({"/things": {"get": {"operationId": "list"}}}, schemas)))
    with pytest.raises(GenerationError, match=r"properties\.x-trace\.\$ref is 'https://example.com/trace.json'"):
        validate_spec(spec_path, lint="off")


def test_the_tools_are_given_the_document_without_the_extension_that_holds_the_reference() -> None:
    spec = _with_extension_reference(spec_with({"/things": {"get": {"operationId": "list", "x-kept": {"a": 1}}}}))
    pruned = without_referencing_extensions(spec)
    assert "x-fern-examples" not in pruned["paths"]["/things"]["get"]
    assert pruned["paths"]["/things"]["get"]["x-kept"] == {"a": 1}
    assert "x-fern-examples" in spec["paths"]["/things"]["get"]  # the document itself is left as written
    untouched = spec_with({"/things": {"get": {"operationId": "list"}}})
    assert without_referencing_extensions(untouched) is untouched


# Every shape above in one document, generated the way a document written elsewhere is.
DOCUMENT: dict[str, Any] = _with_extension_reference(
    spec_with(
        {
            "/things": {"get": {"operationId": "list"}},
            "/assistants": {
                "get": {
                    "operationId": "getAssistant",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Assistant"}}},
                        }
                    },
                }
            },
            "/projects/{projectId}": {
                "get": {
                    "operationId": "getProject",
                    "parameters": [
                        {"name": "projectId", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}},
                    ],
                    "security": [{"Bearer": []}],
                }
            },
            "/projects/{projectId}/keys": {
                "post": {
                    "operationId": "createKey",
                    "parameters": [{"$ref": "#/paths/~1projects~1%7BprojectId%7D/get/parameters/0"}],
                    "callbacks": {"created": {"$ref": "#/components/callbacks/created"}},
                }
            },
        },
        {
            "Key": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Assistant": {
                "type": "object",
                "properties": {
                    # Vapi's: the enum beside `type: array`, not in its items (an Enum class in the models).
                    "clientMessages": {"type": "array", "enum": ["hang", "transcript"]},
                    "voiceId": {"oneOf": [{"type": "string", "enum": []}, {"type": "string"}]},
                },
            },
        },
    )
)
DOCUMENT["components"]["securitySchemes"]["Bearer"] = {"type": "http", "scheme": "bearer"}
DOCUMENT["components"]["callbacks"] = {
    "created": {
        "{$request.query.callbackUrl}": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Key"}}}},
                "responses": {"200": {"description": "Received."}},
            }
        }
    }
}


def test_a_document_with_every_shape_generates_whole(tmp_path: Path) -> None:
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    result = generate_document(spec_path, tmp_path / "out", "--lint", "off", "--unsupported", "skip")
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("skipped: ")] == []
    resources = (tmp_path / "out" / "ravan-client" / "ravan_client" / "resources.py").read_text(encoding="utf-8")
    for method in ("def list(", "def get_assistant(", "def get_project(", "def create_key("):
        assert method in resources
    # The models package imported (generation checks it) with an Enum class among its models.
    models = (tmp_path / "out" / "ravan-models" / "ravan_models" / "models.py").read_text(encoding="utf-8")
    assert "class ClientMessages(Enum):" in models


LANGUAGES_DOCUMENT = """\
openapi: 3.0.3
info: {title: Languages, version: 1.0.0}
servers: [{url: 'https://api.example.com'}]
paths:
  /transcripts:
    post:
      operationId: createTranscript
      tags: [transcripts]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                language_code: {$ref: '#/components/schemas/LanguageCode'}
                punctuate: {type: boolean, enum: [true, false]}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  language_code: {$ref: '#/components/schemas/LanguageCode'}
components:
  schemas:
    LanguageCode: {type: string, enum: [en, nl, no, 'on']}
"""


def test_yaml_1_1_booleans_are_the_strings_yaml_1_2_reads() -> None:
    assert parse_document("a: [no, OFF, Yes, on, 'no', true, FALSE, 1, null]\n") == {
        "a": ["no", "OFF", "Yes", "on", "no", True, False, 1, None]
    }
    spec = parse_document(LANGUAGES_DOCUMENT)
    assert spec["components"]["schemas"]["LanguageCode"]["enum"] == ["en", "nl", "no", "on"]
    plan = _lenient_plan(spec)
    assert plan.skipped == ()
    (operation,) = plan.operations
    assert operation.body is not None
    assert [a.python_name for a in operation.body.arguments] == ["language_code", "punctuate"]


def test_a_boolean_keyword_given_a_yaml_1_1_word_unquoted_is_still_that_boolean() -> None:
    """YAML 1.2 read `explode: no` as the string "no", which refused its operation (`explode must be
    true or false`), where the YAML 1.1 readers the document was written for read False. A boolean
    keyword given one of YAML 1.1's words unquoted is that boolean; a value elsewhere (an enum, a
    property named like a keyword) and a quoted word stay strings."""
    document = (
        "explode: no\nrequired: YES\nnullable: 'no'\nadditionalProperties: Off\n"
        "enum: [no, on]\nproperties: {required: {type: string}, deprecated: {enum: [off]}}\n"
    )
    assert parse_document(document) == {
        "explode": False,
        "required": True,
        "nullable": "no",
        "additionalProperties": False,
        "enum": ["no", "on"],
        "properties": {"required": {"type": "string"}, "deprecated": {"enum": ["off"]}},
    }


def test_yaml_1_1_booleans_reach_the_models_as_the_strings_they_are(tmp_path: Path) -> None:
    # datamodel-code-generator reads the file itself, with YAML 1.2's booleans too: the client and
    # the models agree on what the enum holds.
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(LANGUAGES_DOCUMENT, encoding="utf-8")
    result = generate_document(spec_path, tmp_path / "out", "--lint", "off", "--unsupported", "skip")
    assert result.returncode == 0, describe(result)
    assert [line for line in result.stdout.splitlines() if line.startswith("skipped: ")] == []
    models = (tmp_path / "out" / "ravan-models" / "ravan_models" / "models.py").read_text(encoding="utf-8")
    assert 'Literal["en", "nl", "no", "on"]' in models


def test_an_empty_enum_is_left_out_of_openapi_python_clients_view() -> None:
    schemas = {
        "Voice": {
            "type": "object",
            "properties": {"voiceId": {"oneOf": [{"type": "string", "enum": []}, {"type": "string"}]}},
        }
    }
    spec = spec_with(
        {"/voices": {"get": {"operationId": "getVoice", "responses": {"200": _json_of("Voice")}}}}, schemas
    )
    plan = _lenient_plan(spec)  # openapi-python-client refused `enum: []` for the whole document
    assert plan.skipped == ()
    assert models_view(spec)["components"]["schemas"]["Voice"]["properties"]["voiceId"]["oneOf"][0] == {
        "type": "string"
    }
    assert spec["components"]["schemas"]["Voice"]["properties"]["voiceId"]["oneOf"][0]["enum"] == []


def _json_of(schema_name: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{schema_name}"}
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}
