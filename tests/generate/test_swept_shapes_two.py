"""Shapes found by generating a second set of public documents nobody here had seen (the sweep's
round two: Deepgram, Bandwidth, Cohere, Qovery among them).

Each stopped a whole document or skipped most of its operations, generated the way a document
written elsewhere is (`--lint off --unsupported skip`):
- a required `Authorization` header parameter beside a security scheme that sends that header
  (Deepgram, 49 of its 50 operations): skipped, though the client sends the credential itself;
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from scripts.lib.generate import load_generator_data, plan_of
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
