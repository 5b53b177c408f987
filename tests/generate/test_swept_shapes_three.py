"""Shapes found by generating a third set of public documents nobody here had seen (the sweep's
round three: Apideck, Firecrawl, ElevenLabs, Together, Langfuse, Svix among them).

Each stopped a whole document, generated the way a document written elsewhere is
(`--lint off --unsupported skip`):
- a schema named like a name every generated model module imports from the runtime (Xero's and
  Adyen's `InvalidField`; `WireModel`, `Mapping`, `Self` too): the model class shadowed the
  import and ruff refused the package; the template imports them by private names now;
- a tag named like a name the generated modules import (Firecrawl's `Mapping`): a resource class
  `Mapping` shadowed `collections.abc.Mapping` in resources.py and _client.py, and ruff refused
  the generated package;
- a required header parameter that is the header of one of the document's apiKey schemes, on an
  operation whose `security` names another scheme (Apideck's CRM: `security: [{apiKey: []}]` and a
  required `x-apideck-consumer-id`, the header of its `consumerId` scheme, on all 53 operations):
  every operation skipped, "the client sets this header itself", and so the document refused.
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path
from typing import Any

from scripts.lib.generate import class_overrides_off_imports
from scripts.lib.plan.runtime import generated_module_imports
from tests.generate.fragments import plan_error, plan_of_spec, spec_with
from tests.generate.scratch import describe, generate_document, run_python
from tests.generate.test_swept_shapes_two import _lenient_plan

GOLDEN_CLIENT = Path(__file__).resolve().parents[1] / "data" / "grown" / "golden" / "ravan-client" / "ravan_client"


def _tagged_spec(*tags: str) -> dict[str, Any]:
    return spec_with(
        {f"/{index}": {"get": {"operationId": f"list{index}", "tags": [tag]}} for index, tag in enumerate(tags)}
    )


def test_a_tag_named_like_a_name_the_generated_modules_import_gets_a_class_of_its_own() -> None:
    # `Resource` is free, but its async class would be the runtime's `AsyncResource`.
    plan = plan_of_spec(_tagged_spec("Mapping", "Sequence", "Resource", "Calls"))
    names = [resource.class_name for resource in plan.resources]
    assert sorted(names) == ["Calls", "MappingResource", "ResourceResource", "SequenceResource"]
    for name in names:
        assert {name, f"Async{name}"}.isdisjoint(generated_module_imports()), name


def _module_level_imports(path: Path) -> set[str]:
    """The names a generated module imports, but for the document's own models and resources."""
    names: set[str] = set()
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.ImportFrom) and statement.module not in ("__future__", "resources"):
            if not (statement.module or "").startswith("models"):
                names.update(alias.asname or alias.name for alias in statement.names)
        elif isinstance(statement, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in statement.names)
    return names


def test_the_names_read_from_the_templates_are_every_name_the_generated_modules_import() -> None:
    # The golden record's modules as rendered (its conditional imports present: unions, pagination).
    imported = _module_level_imports(GOLDEN_CLIENT / "resources.py") | _module_level_imports(
        GOLDEN_CLIENT / "_client.py"
    )
    assert {"Mapping", "SyncResource", "AsyncAPIClient", "httpx"} <= imported
    assert imported <= generated_module_imports(), imported - generated_module_imports()


def _consumer_spec(**operation: Any) -> dict[str, Any]:
    consumer = {"name": "x-consumer-id", "in": "header", "required": True, "schema": {"type": "string"}}
    spec = spec_with({"/companies": {"get": {"operationId": "listCompanies", "parameters": [consumer], **operation}}})
    spec["components"]["securitySchemes"]["Consumer"] = {"type": "apiKey", "in": "header", "name": "x-consumer-id"}
    spec["security"] = [{"Key": [], "Consumer": []}]
    return spec


def test_a_required_header_of_an_api_key_scheme_the_operation_does_not_name_is_sent_as_that_credential() -> None:
    for spec in (
        _consumer_spec(security=[{"Key": []}]),  # Apideck: the operation names the key alone
        _consumer_spec(),  # the top-level security already sends it (as before)
    ):
        for plan in (_lenient_plan(spec), plan_of_spec(spec)):
            assert plan.skipped == ()
            (operation,) = plan.operations
            assert operation.arguments == ()
            sent = operation.security if operation.security is not None else plan.identity.default_security
            assert all("Consumer" in alternative for alternative in sent), sent
            # One line says so (the generator adds "the operation is served without it").
            assert operation.left_out == (
                "GET /companies (listCompanies), header parameter 'x-consumer-id': the client sets this header itself",
            )
    (operation,) = plan_of_spec(_consumer_spec(security=[{"Key": []}])).operations
    assert operation.security == (("Key", "Consumer"),)


def test_a_required_header_of_an_api_key_scheme_still_stops_an_operation_that_may_go_without_credentials() -> None:
    # `security: []`, or an empty alternative: the client's credential may not be what it wants
    # there (as test_plan_shapes.py's header of the key itself).
    no_credential: list[dict[str, Any]] = []
    or_none: list[dict[str, Any]] = [{"Key": []}, {}]
    for security in (no_credential, or_none):
        message = plan_error(_consumer_spec(security=security))
        assert (
            "GET /companies (listCompanies), header parameter 'x-consumer-id': the client sets this header itself"
            in message
        )


SWEPT_DOCUMENT = """\
openapi: 3.1.0
info: {title: Swept API, version: 1.0.0}
servers: [{url: "https://api.example.com"}]
security: [{apiKey: [], consumerId: []}]
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: Authorization}
    consumerId: {type: apiKey, in: header, name: x-apideck-consumer-id}
paths:
  /map:
    post:
      operationId: map
      tags: [Mapping]
      security: [{apiKey: []}]
      parameters:
        - {name: x-apideck-consumer-id, in: header, required: true, schema: {type: string}}
      responses:
        "200":
          description: Done.
          content:
            application/json:
              schema: {type: object, properties: {links: {type: array, items: {type: string}}}}
  /problems:
    get:
      operationId: listProblems
      tags: [Problems]
      responses:
        "200":
          description: Done.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
  /anything:
    get:
      operationId: listAnything
      tags: [Anything]
      responses:
        "200":
          description: Done.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Any"}
"""
# Schemas named like what every generated model module imports from the runtime (Xero's and
# Adyen's `InvalidField`), and like what it imports from typing under their own names (`Any`,
# found attacking the multi-file bundler, and `ClassVar`: those classes are renamed, `AnyModel`,
# `SchemaClassVar`; a name starting with `ClassVar` makes attrs take its fields for class variables).
SWEPT_SCHEMAS = """  schemas:
    Problem:
      type: object
      properties:
        fields: {type: array, items: {$ref: "#/components/schemas/InvalidField"}}
        base: {$ref: "#/components/schemas/WireModel"}
        anything: {$ref: "#/components/schemas/Any"}
        kind: {$ref: "#/components/schemas/ClassVar"}
    InvalidField:
      type: object
      required: [field]
      properties: {field: {type: string}}
    WireModel:
      type: object
      properties: {id: {type: string}}
    Any:
      type: object
      properties: {value: {type: string}, other: {}}
    ClassVar:
      type: object
      properties: {name: {type: string}}
"""


def test_a_document_holding_both_shapes_generates_whole_and_sends_the_credential(tmp_path: Path) -> None:
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(SWEPT_DOCUMENT.replace("components:\n", "components:\n" + SWEPT_SCHEMAS), encoding="utf-8")
    out = tmp_path / "out"
    result = generate_document(spec_path, out, "--lint", "off", "--unsupported", "skip")
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("skipped: ")] == []
    code = textwrap.dedent(
        """
        import json
        import httpx
        from ravan_client import _client

        seen = []

        def handler(request):
            if request.url.path == "/problems":
                return httpx.Response(
                    200,
                    json={
                        "fields": [{"field": "to"}],
                        "base": {"id": "b1"},
                        "anything": {"value": "v"},
                        "kind": {"name": "k"},
                    },
                )
            if request.url.path == "/anything":
                return httpx.Response(200, json={"value": "w", "other": [1]})
            seen.append({k: request.headers.get(k) for k in ("authorization", "x-apideck-consumer-id")})
            return httpx.Response(200, json={"links": ["https://example.com"]})

        client_class = getattr(_client, _client.__all__[-1])
        client = client_class(api_key="key-1", consumer_id="consumer-1", transport=httpx.MockTransport(handler))
        problem = client.problems.list()
        shown = {"class": type(client.mapping).__name__, "links": client.mapping.map().links, "seen": seen}
        shown["problem"] = [problem.fields[0].field, type(problem.fields[0]).__name__, problem.base.id]
        shown["renamed"] = [type(problem.anything).__name__, problem.anything.value, type(problem.kind).__name__]
        anything = client.anything.list()
        shown["anything"] = [type(anything).__name__, anything.value, anything.other]
        print(json.dumps(shown))
        """
    )
    shown = run_python(code, pythonpath=[out / "ravan-client", out / "ravan-models"], cwd=tmp_path)
    assert shown == {
        "class": "MappingResource",
        "links": ["https://example.com"],
        "seen": [{"authorization": "key-1", "x-apideck-consumer-id": "consumer-1"}],
        "problem": ["to", "InvalidField", "b1"],
        "renamed": ["AnyModel", "v", "SchemaClassVar"],
        "anything": ["AnyModel", "w", [1]],
    }, json.dumps(shown)


def test_an_operation_whose_model_is_named_like_a_runtime_import_of_resources_is_skipped_not_the_document() -> None:
    # resources.py imports `Parameter` and `SyncPage` from the runtime beside the models its methods
    # return: a model of either name would shadow it (ruff refused the package, and the document).
    def returning(name: str) -> dict[str, Any]:
        return {
            "responses": {
                "200": {
                    "description": "Done.",
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                }
            }
        }

    thing = {"type": "object", "properties": {"key": {"type": "string"}}}
    spec = spec_with(
        {
            "/parameters": {"get": {"operationId": "getParameter", **returning("Parameter")}},
            "/pages": {"get": {"operationId": "getPage", **returning("SyncPage")}},
            "/things": {"get": {"operationId": "getThing", **returning("Thing")}},
        },
        {"Parameter": thing, "SyncPage": thing, "Thing": thing},
    )
    plan = _lenient_plan(spec)
    assert [operation.operation_id for operation in plan.operations] == ["getThing"]
    assert sorted(plan.skipped) == [
        "GET /pages (getPage): its model 'SyncPage' has the name of one the client's resources module imports from "
        "the runtime (not supported)",
        "GET /parameters (getParameter): its model 'Parameter' has the name of one the client's resources module "
        "imports from the runtime (not supported)",
    ]


def test_only_schemas_whose_classes_would_break_their_module_are_renamed() -> None:
    schemas = {name: {"type": "object"} for name in ("Any", "ClassVariable", "Thing", "AnyThing", "datetime")}
    overrides = class_overrides_off_imports({"components": {"schemas": schemas}}, "field_")
    assert {name: (o.class_name, o.module_name) for name, o in overrides.items()} == {
        "Any": ("AnyModel", "any_model"),
        "ClassVariable": ("SchemaClassVariable", "schema_class_variable"),
    }
    assert class_overrides_off_imports({"components": None}, "field_") == {}


def test_a_path_placeholder_without_a_parameter_is_a_required_string_in_a_document_written_elsewhere() -> None:
    # Svix and Intercom leave a placeholder undeclared on a few operations (6 of round three's skips).
    ok = {"200": {"description": "Done.", "content": {"application/json": {"schema": {"type": "object"}}}}}
    spec = spec_with(
        {
            "/apps/{app_id}/msg/{msg_id}": {
                "parameters": [{"name": "msg_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {"operationId": "getMsg", "responses": ok},
            },
            "/apps/{app_id}/{kind}": {"get": {"operationId": "getKind", "responses": ok}},
        }
    )
    plan = _lenient_plan(spec)
    assert plan.skipped == ()
    by_id = {operation.operation_id: operation for operation in plan.operations}
    message = by_id["getMsg"]
    assert [(a.wire_name, a.location, a.required) for a in message.arguments] == [
        ("app_id", "path", True),  # in the path's order
        ("msg_id", "path", True),
    ]
    assert message.warnings == (
        "GET /apps/{app_id}/msg/{msg_id} (getMsg): the path's placeholder 'app_id' has no parameter: "
        "it is taken as a required string",
    )
    assert by_id["getKind"].warnings == (
        "GET /apps/{app_id}/{kind} (getKind): the path's placeholders 'app_id', 'kind' have no parameters: "
        "each is a required string",
    )
    # This project's own spec is read strictly: the author is told, and generation stops.
    assert "the path's placeholders ['app_id', 'msg_id'] and its path parameters ['msg_id'] differ" in plan_error(spec)
