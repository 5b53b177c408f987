"""Shapes found by generating public documents nobody here had seen (issue 18, the sweep).

Each made a real document fail as a whole; one small document holds them all and is generated the
way a document written elsewhere is (`--lint off --unsupported skip`):
- response codes written `200:` unquoted (Asana), which YAML reads as integers: openapi-python-client
  refused the document ("Input should be a valid string");
- a list of lists of models (Discord's search results, Box's name conflicts): the generated model
  named the inner class without importing it, and ruff refused the package (F821);
- a boolean schema (Meilisearch's `items: false`): openapi-python-client refused the document;
- a parameter given by `content` instead of `schema` (Mistral): the reader's error stopped the
  whole document instead of skipping the one operation.
A JSON document with a character YAML 1.1 refuses in a string (SendGrid's U+009F) is read as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.lib.generate import models_view, validate_spec
from scripts.lib.openapi_document import parse_document
from tests.generate.scratch import REPO_ROOT, describe, run_python, subprocess_env

TIMEOUT_SECONDS = 300  # not a limit on a healthy run: a hung generator still ends
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
      responses:
        200:
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Results'}
        404:
          description: Not found
  /agents:
    get:
      operationId: listAgents
      tags: [agents]
      parameters:
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
"""

PROBE = """
import json
from ravan_client.models.results import Results
body = {"messages": [[{"id": "a"}, {"id": "b"}], []], "nothing": ["x"], "anything": 3}
results = Results.from_dict(body)
print(json.dumps({
    "messages": results.messages,
    "invalid": sorted(results.model_invalid_fields),
    "to_dict": results.to_dict(),
    "built": Results(messages=[[{"id": "c"}]]).to_dict(),
}))
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("swept")
    spec_path = root / "openapi.yaml"
    spec_path.write_text(DOCUMENT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "scripts.lib.generate", "--spec", str(spec_path), "--out", str(root / "out"), *OPTIONS],
        cwd=REPO_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
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
    assert probed["to_dict"] == {"messages": [[{"id": "a"}, {"id": "b"}], []], "nothing": ["x"], "anything": 3}
    # A model built in code writes its nested objects out as JSON too.
    assert probed["built"] == {"messages": [[{"id": "c"}]]}


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
