"""Validator findings on a document written elsewhere: warned about, located, and not fatal.

spec/openapi.yaml is generated with `--lint strict`, where the validator's first finding stops
generation. A published document is often slightly invalid (a keyword where none is allowed, a
`default` of the wrong type or outside its enum) in ways openapi-python-client only warns about:
with `--lint report` or `--lint off` each finding is one `warning:` line naming its location as
a JSON path, and generation goes on (issue 18). A document that is not OpenAPI 3.0 or 3.1 is
refused in every mode, in one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.lib.generate import GenerationError, validate_spec, validation_findings


def document(**operation: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {"get": {"responses": {"200": {"description": "OK"}}, **operation}}},
    }


SLIGHTLY_INVALID = document(
    title="a keyword an operation may not have",
    parameters=[
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a", "b"], "default": "none"}},
        {"name": "size", "in": "query", "schema": {"type": "string", "default": 1}},
    ],
)


def write(tmp_path: Path, spec: dict[str, Any]) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_each_finding_is_one_line_naming_its_location() -> None:
    findings = validation_findings(SLIGHTLY_INVALID)
    assert findings == [
        "'title' does not match any of the regexes: '^x-' (at $.paths['/things'].get)",
        "'none' is not one of ['a', 'b'] (at $.paths['/things'].get.parameters[0].schema)",
        "1 is not of type 'string' (at $.paths['/things'].get.parameters[1].schema)",
    ]


@pytest.mark.parametrize("lint", ["report", "off"])
def test_findings_are_warnings_when_the_lint_is_not_strict(
    tmp_path: Path, lint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Spectral is not run for "off"; for "report" its findings are printed too, never fatal.
    validate_spec(write(tmp_path, SLIGHTLY_INVALID), lint=lint)
    warnings = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 3
    assert all("generation goes on" in line and "(at $.paths['/things'].get" in line for line in warnings)


def test_the_first_finding_stops_a_strict_generation_naming_its_location(tmp_path: Path) -> None:
    with pytest.raises(GenerationError) as raised:
        validate_spec(write(tmp_path, SLIGHTLY_INVALID), lint="strict")
    assert str(raised.value).endswith(
        "is not a valid OpenAPI document:\n'title' does not match any of the regexes: '^x-' (at $.paths['/things'].get)"
    )


def test_a_long_value_is_named_by_its_location_not_its_text() -> None:
    # openapi-python-client's 3.0 document has a response whose `const` 3.0 does not know: the
    # validator's message began with the whole response, hundreds of characters of it.
    spec = document()
    spec["paths"]["/things"]["get"]["responses"]["200"] = {
        "description": "OK",
        "content": {
            "application/json": {"schema": {"oneOf": [{"type": "object", "properties": {"t": {"const": "a"}}}]}}
        },
    }
    (finding,) = validation_findings(spec)
    assert finding == (
        "the value is not valid under any of the given schemas (at $.paths['/things'].get.responses['200'])"
    )


@pytest.mark.parametrize("lint", ["strict", "report", "off"])
@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}}, "'2.0': only OpenAPI 3.0 and 3.1"),
        ({"info": {"title": "T", "version": "1"}, "paths": {}}, "None: only OpenAPI 3.0 and 3.1"),
    ],
)
def test_a_document_that_is_not_openapi_3_is_refused_in_one_line(
    tmp_path: Path, lint: str, spec: dict[str, Any], expected: str
) -> None:
    with pytest.raises(GenerationError) as raised:
        validate_spec(write(tmp_path, spec), lint=lint)
    message = str(raised.value)
    assert message.count("\n") == 1
    assert expected in message


@pytest.mark.parametrize("lint", ["strict", "off"])
@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"responses": None}, "responses"),
        ({"parameters": "x"}, "parameters"),
        ({"parameters": [None]}, "name"),
    ],
)
def test_a_section_the_validator_cannot_read_is_named_in_one_line(
    tmp_path: Path, lint: str, section: dict[str, Any], key: str
) -> None:
    # The validator fails on these with a KeyError: the message was `'responses'` alone.
    spec = document()
    spec["paths"]["/things"]["get"].update(section)
    with pytest.raises(GenerationError) as raised:
        validate_spec(write(tmp_path, spec), lint=lint)
    message = str(raised.value)
    assert message.count("\n") == 1
    assert message.endswith(f"a {key!r} the validator could not read: missing, null or not of the type OpenAPI needs")
