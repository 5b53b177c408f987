"""The plan and openapi-python-client agree on every operation and every model name.

The plan reads the spec itself (scripts/lib/openapi_document.py) and takes from openapi-python-
client's parse, through its one adapter (scripts/lib/plan/opc_adapter.py), only what must match the
attrs models it writes. The two name paths differently: openapi-python-client renames `{petId}` to
`{pet_id}`. Over every OpenAPI document under tests/data (and spec/openapi.yaml):

- each operation of the spec has exactly one endpoint in openapi-python-client's parse, and each of
  its endpoints exactly one operation of the spec (path and method; camelCase placeholders too);
- each operation the plan serves is found through the adapter, and each one it leaves out is left
  out for a reason of its own, never because the adapter could not find its endpoint;
- every model class a generated method imports is one openapi-python-client writes, in the module
  it writes it to.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.lib.generate import client_settings, load_generator_data
from scripts.lib.openapi_document import OpenAPIDocument, path_placeholders, split_path_template
from scripts.lib.plan import (
    ApiPlan,
    OpcEndpoint,
    OpcParse,
    OpcProperty,
    PlanError,
    build_plan,
    path_shape,
    read_generator_data,
)
from tests.generate.fragments import ok_response, spec_with

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN = REPO_ROOT / "tests" / "data" / "grown" / "golden"


def openapi_documents() -> list[Path]:
    """Every OpenAPI document the tests use: the product's spec and each one under tests/data."""
    found = [REPO_ROOT / "spec" / "openapi.yaml"]
    for path in sorted((REPO_ROOT / "tests" / "data").rglob("*")):
        if path.suffix not in (".yaml", ".json") or GOLDEN in path.parents:
            continue
        document = yaml.safe_load(path.read_bytes())
        if isinstance(document, dict) and "openapi" in document and "paths" in document:
            found.append(path)
    return found


DOCUMENTS = openapi_documents()


def parsed(path: Path, raw: dict[str, Any]) -> tuple[Any, OpcParse]:
    with tempfile.TemporaryDirectory() as scratch:
        _, generator_data = load_generator_data(path, raw, Path(scratch) / "out")
    return generator_data, read_generator_data(generator_data)


def spec_operations(raw: dict[str, Any], path: Path) -> list[tuple[str, str, str]]:
    """(path, method, label) of every operation of the document, read from the spec itself."""
    document = OpenAPIDocument(raw, source=str(path))
    return [(operation.path, operation.method, operation.label) for operation in document.operations()]


def test_the_documents_under_test_include_camel_case_path_parameters() -> None:
    """Else the agreement below would not cover the renaming that once made them disagree."""
    placeholders = []
    for path in DOCUMENTS:
        raw = yaml.safe_load(path.read_bytes())
        for spec_path, _, _ in spec_operations(raw, path):
            placeholders.extend(path_placeholders(spec_path))
    assert len(DOCUMENTS) >= 10
    assert [name for name in placeholders if re.search(r"[a-z][A-Z]", name)]


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(REPO_ROOT)) for p in DOCUMENTS])
def test_operations_and_endpoints_match_one_to_one(path: Path) -> None:
    raw = yaml.safe_load(path.read_bytes())
    _, parse = parsed(path, raw)
    operations = spec_operations(raw, path)

    by_operation = Counter((path_shape(spec_path), method) for spec_path, method, _ in operations)
    by_endpoint = Counter((path_shape(endpoint.path), endpoint.method) for endpoint in parse.endpoints)
    assert by_endpoint == by_operation
    assert set(by_operation.values()) == {1}
    for spec_path, method, label in operations:
        endpoint = parse.endpoint(spec_path, method)
        assert endpoint is not None, label
        # The same path but for the placeholders' names, in the same places.
        assert path_shape(endpoint.path) == path_shape(spec_path)
        assert len(split_path_template(endpoint.path)) == len(split_path_template(spec_path))


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(REPO_ROOT)) for p in DOCUMENTS])
def test_the_plan_finds_every_operation_it_serves_and_names_the_models_opc_writes(path: Path) -> None:
    raw = yaml.safe_load(path.read_bytes())
    generator_data, parse = parsed(path, raw)
    operations = spec_operations(raw, path)
    refused = ""
    try:
        plan: ApiPlan | None = build_plan(
            OpenAPIDocument(raw, source=str(path)), generator_data, client_settings(), skip_unsupported=True
        )
    except PlanError as error:
        plan, refused = None, str(error)
    if plan is None:
        # A document the generator serves nothing of (tests/public pins which): every operation
        # was refused for a reason of its own.
        assert refused.startswith("the spec has no operation the generator can serve")
        assert "could not generate it" not in refused
        return

    served = {(op.path, op.method) for op in plan.operations}
    for spec_path, method, label in operations:
        if (spec_path, method) in served:
            assert parse.endpoint(spec_path, method) is not None, label
        else:
            reasons = [line for line in plan.skipped if label in line]
            assert reasons, f"{label} is neither served nor listed as skipped"
            assert not [line for line in reasons if "could not generate it" in line], reasons
    assert len(served) + len(plan.skipped) >= len(operations)

    for module, class_name in plan.model_imports:
        assert class_name in parse.models, class_name
        assert parse.models[class_name].module_name == module
    for op in plan.operations:
        if op.pagination is not None:
            item = parse.models[op.pagination.item_class]
            assert item.module_name == op.pagination.item_module
            assert op.pagination.item_key_wire in {prop.name for prop in item.required}


def test_a_camel_case_path_parameter_is_served_with_its_model() -> None:
    """openapi-python-client writes `/pets/{pet_id}`; the plan still finds the operation (it once
    stopped with "openapi-python-client could not generate it: no detail")."""
    raw = spec_with(
        {
            "/pets/{petId}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": ok_response({"$ref": "#/components/schemas/Pet"}),
                }
            }
        },
        schemas={"Pet": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}},
    )
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        _, generator_data = load_generator_data(spec_path, raw, Path(scratch) / "out")
    parse = read_generator_data(generator_data)
    assert [endpoint.path for endpoint in parse.endpoints] == ["/pets/{pet_id}"]

    plan = build_plan(OpenAPIDocument(raw, source="fragment"), generator_data, client_settings())

    (operation,) = plan.operations
    assert (operation.path, operation.method) == ("/pets/{petId}", "get")
    assert [argument.wire_name for argument in operation.path_arguments] == ["petId"]
    assert operation.response.annotation == "Pet"
    assert operation.response.model_imports == ((parse.models["Pet"].module_name, "Pet"),)


def test_an_endpoint_is_found_by_its_path_shape_and_method_only() -> None:
    body = OpcProperty(kind="model", name="", python_name="", required=True, class_name="Pet", module_name="pet")
    endpoint = OpcEndpoint("/owners/{owner_id}/pets/{pet_id}", "get", (((200, 200), body),))
    parse = OpcParse(models={}, endpoints=(endpoint,), problems=(("GET /other (x) could not be parsed", ""),))

    assert parse.endpoint("/owners/{ownerId}/pets/{petId}", "get") is endpoint
    assert parse.endpoint("/owners/{ownerId}/pets/{petId}", "delete") is None
    assert parse.endpoint("/owners/{ownerId}/pets", "get") is None
    assert endpoint.response_property(200) is body
    assert endpoint.response_property(201) is None
    assert parse.warning("get", "/other") == "GET /other (x) could not be parsed"
    assert parse.warning("get", "/pets") == "no detail"


def test_the_adapter_refuses_anything_but_openapi_python_clients_parse() -> None:
    with pytest.raises(TypeError, match="GeneratorData"):
        read_generator_data({"models": []})
