"""Shapes that published documents have and our own specs do not, generated whole (issue 18).

One small OpenAPI 3.0 document, generated the way a document written elsewhere is
(`--lint off --unsupported skip`), holds each shape that made a real public document fail:
- a discriminated union (openapi-python-client's own document): the models package did not import
  (pydantic's discriminator-needs-literal), so the document was refused whole;
- a property named like the models' API (`text`) in an inline object schema: refused whole;
- an operation without an operationId (OAI's callback example): refused whole;
- two operations that would be one method (Vonage's voice API): one of them skipped;
- a `default` outside its enum (Vonage's reports): refused by the validator, now a warning;
- an optional query parameter that allows only null: the operation was skipped.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.lib.generate import type_bare_containers, with_package_version
from tests.generate.scratch import describe, generate_document, run_python

VARIANT = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"type": "string"}, "size": {"type": "integer"}},
}
OPTIONS = ("--lint", "off", "--unsupported", "skip")
DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Published shapes", "version": "1.0.0"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/calls": {
            "get": {
                "operationId": "getCalls",
                "tags": ["calls"],
                "parameters": [
                    {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["a"], "default": "none"}},
                    {"name": "nothing", "in": "query", "schema": {"type": "array", "items": {"enum": [None]}}},
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}},
                    }
                },
            },
            "post": {"tags": ["calls"], "responses": {"204": {"description": "Done"}}},
        },
        "/calls/{id}": {
            "get": {
                "operationId": "getCall",
                "tags": ["calls"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "Done"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Holder": {
                "type": "object",
                "properties": {
                    "pet": {
                        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                        "discriminator": {
                            "propertyName": "kind",
                            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
                        },
                    },
                    "note": {"type": "object", "properties": {"text": {"type": "string"}}},
                },
            },
            "Cat": VARIANT,
            "Dog": VARIANT,
        }
    },
}

PROBE = """
import json
from ravan_models.models import Holder
import ravan_client.resources as resources
out = {"methods": sorted(n for n in dir(resources.Calls) if not n.startswith("_"))}
for body in ({"pet": {"kind": "dog", "size": 3}}, {"pet": {"kind": "cat"}}, {"pet": {"size": 3}}):
    holder = Holder.model_validate(body)
    out.setdefault("pets", []).append([type(holder.pet).__name__, sorted(holder.model_invalid_fields)])
out["note"] = Holder.model_validate({"note": {"text": "hi"}}).note.text_
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("published")
    spec_path = root / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(DOCUMENT, sort_keys=False), encoding="utf-8")
    result = generate_document(spec_path, root / "out", *OPTIONS)
    return root / "out", result


def test_the_document_generates_whole_saying_what_it_warned_about_and_left_out(
    generated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = generated
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("skipped: ")]
    assert [line.split(": ", 1)[1] for line in lines if line.startswith("left out: ")] == [
        "GET /calls (getCalls), query parameter 'nothing'[]: an enum that allows only null has nothing to send "
        "(the operation is served without it)"
    ]
    (warning,) = [line for line in lines if line.startswith("warning: ")]
    assert warning.endswith("'none' is not one of ['a'] (at $.paths['/calls'].get.parameters[0].schema)")


def test_both_packages_serve_every_shape(generated: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, result = generated
    assert result.returncode == 0, describe(result)
    probed = run_python(PROBE, pythonpath=[out / "ravan-client", out / "ravan-models"], cwd=out)
    # The clash falls back to whole operationIds; the operation without one is named from its path.
    assert [m for m in probed["methods"] if m.startswith(("get", "post"))] == ["get_call", "get_calls", "post"]
    # The discriminator picks the variant; a record without the tag keeps the holder, the pet invalid.
    assert probed["pets"] == [["Dog", []], ["Cat", []], ["NoneType", ["pet"]]]
    assert probed["note"] == "hi"


@pytest.mark.parametrize(
    ("version", "derived"),
    [("1.0.27-SNAPSHOT", "1.0.27"), ("master", "0.0.0"), ("", "0.0.0"), ("1.0.0+local", "1.0.0")],
)
def test_a_published_version_that_is_not_pep_440_gives_the_release_it_starts_with(
    version: str, derived: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The Swagger petstore, Qdrant and Ory Kratos publish these; each document was refused whole.
    spec = with_package_version({"info": {"title": "T", "version": version}, "paths": {}})
    assert spec["info"] == {"title": "T", "version": derived}
    assert capsys.readouterr().out == (
        f"warning: info.version {version!r} is not a PEP 440 public version: the packages are version {derived}\n"
    )
    # A right one is left alone, silently.
    assert with_package_version({"info": {"version": "2.0.0rc1"}}) == {"info": {"version": "2.0.0rc1"}}
    assert capsys.readouterr().out == ""


def test_a_bare_recursive_container_gets_its_type_arguments(tmp_path: Path) -> None:
    # datamodel-code-generator writes `RootModel[list]` for an array whose items refer back to it
    # (openapi-python-client's own document): mypy --strict refuses it (type-arg).
    module = tmp_path / "models.py"
    module.write_text(
        "from __future__ import annotations\n\nfrom pydantic import RootModel\n\n\n"
        "class A(RootModel[list]):\n    root: list\n\n\nclass B(RootModel[dict]):\n    root: dict\n",
        encoding="utf-8",
    )
    type_bare_containers(module)
    assert module.read_text(encoding="utf-8") == (
        "from __future__ import annotations\n\nfrom typing import Any\n\nfrom pydantic import RootModel\n\n\n"
        "class A(RootModel[list[Any]]):\n    root: list[Any]\n\n\n"
        "class B(RootModel[dict[str, Any]]):\n    root: dict[str, Any]\n"
    )
