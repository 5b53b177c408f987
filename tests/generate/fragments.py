"""Small inline specs for the generator's unit tests, and what the generator makes of them.

`spec_with(paths, schemas=...)` wraps a few operations in a valid OpenAPI 3.1 document (info, an
apiKey security scheme, tags); `plan_of(spec)` runs openapi-python-client's parser and the plan on
it, as `scripts/generate` does, in milliseconds and without writing a file; `render(spec, name)`
renders one of the client templates with the plan, for checks on the code it would emit.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

from scripts.lib.generate import (
    CLIENT_SPEC_DIR,
    GenerationError,
    load_generator_data,
    plan_of,
    prepare_client_templates,
)
from scripts.lib.plan import ApiPlan

__all__ = ["GenerationError", "ok_response", "plan_error", "plan_of_spec", "render", "spec_with"]


def ok_response(schema: dict[str, Any] | None = None, status: str = "200") -> dict[str, Any]:
    if schema is None:
        return {status: {"description": "Done."}}
    return {status: {"description": "Done.", "content": {"application/json": {"schema": schema}}}}


def spec_with(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A valid document around `paths` (operations without tags get `things`)."""
    paths = copy.deepcopy(paths)
    for path_item in paths.values():
        for method, operation in path_item.items():
            if method != "parameters" and isinstance(operation, dict):
                operation.setdefault("tags", ["things"])
                operation.setdefault("responses", ok_response())
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Fragment API", "version": "1.0.0", "license": {"name": "MIT", "identifier": "MIT"}},
        "security": [{"Key": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"Key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
            "schemas": schemas or {},
        },
        **extra,
    }
    return spec


def plan_of_spec(spec: dict[str, Any]) -> ApiPlan:
    """The plan scripts/generate would compute (or the GenerationError it would stop with)."""
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        _, openapi = load_generator_data(spec_path, spec, Path(scratch) / "out")
        return plan_of(spec_path, spec, openapi)


def plan_error(spec: dict[str, Any]) -> str:
    """The message generation stops with for a spec it does not support."""
    try:
        plan_of_spec(spec)
    except GenerationError as error:
        return str(error)
    raise AssertionError("the plan accepted the spec")


def render(spec: dict[str, Any], template_name: str) -> str:
    """One client template rendered with the plan of `spec` (resources.py.jinja, cli.py.jinja, ...)."""
    from openapi_python_client import Project

    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "openapi.yaml"
        config, openapi = load_generator_data(spec_path, spec, Path(scratch) / "out")
        plan = plan_of(spec_path, spec, openapi)
        project = Project(openapi=openapi, config=config, custom_template_path=CLIENT_SPEC_DIR / "templates")
        provenance = {
            "spec_path": "openapi.yaml",
            "spec_sha256": "0" * 64,
            "spec_version": "1.0.0",
            "inputs_sha256": "0" * 64,
            "package_version": "1.0.0+g000000000000",
            "generators": {},
        }
        prepare_client_templates(project.env, plan, openapi, provenance, spec)
        return str(project.env.get_template(template_name).render())
