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
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from scripts.lib.generate import load_generator_data, models_view, plan_of
from scripts.lib.openapi_document import OpenAPIDocument, SpecError
from scripts.lib.plan import ApiPlan
from tests.generate.fragments import plan_error, plan_of_spec, spec_with


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
