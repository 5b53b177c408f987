"""What the contract tests read from spec/openapi.yaml, and how they compare JSON.

Everything a test asserts about "what the spec says" comes from here, read from the spec file
itself, so a change to the spec changes what the tests expect (or makes a coverage guard fail).

Timestamps: the client model's `to_dict()` writes a parsed timestamp back with
`datetime.isoformat()` ("2026-11-24T16:02:11Z" comes back as "2026-11-24T16:02:11+00:00") and the
pydantic model dumps UTC as "Z" ("...:11.0Z" comes back as "...:11Z"). Those are the same instant
with the same offset, so before comparing, `normalise_page` / `normalise_session` rewrite every
`format: date-time` field of a call session that `datetime.fromisoformat` can read to
`datetime.fromisoformat(value).isoformat()`: the offset is kept (a timestamp moved to another
offset still differs), only its spelling is made canonical. Strings `fromisoformat` cannot read
are left as they are (the client keeps such strings verbatim).
"""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "spec" / "openapi.yaml"
LIST_PATH = "/api/v1/calling/call-sessions"

JSON = Any
"""A value decoded from JSON (dict, list, str, int, float, bool or None)."""


@functools.cache
def load_spec() -> dict[str, Any]:
    """spec/openapi.yaml, parsed once per test session (callers must not mutate it)."""
    with SPEC_PATH.open(encoding="utf-8") as file:
        return cast(dict[str, Any], yaml.safe_load(file))


def list_operation() -> dict[str, Any]:
    """The listCallSessions operation object."""
    return cast(dict[str, Any], load_spec()["paths"][LIST_PATH]["get"])


def query_parameters() -> dict[str, dict[str, Any]]:
    """The operation's query parameters by name, in spec order."""
    return {param["name"]: param for param in list_operation()["parameters"] if param["in"] == "query"}


def _resolve(node: Mapping[str, Any]) -> dict[str, Any]:
    """Follow one local `$ref` (`#/components/...`) if the node is a reference."""
    ref = node.get("$ref")
    if ref is None:
        return dict(node)
    target: Any = load_spec()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return cast(dict[str, Any], target)


def success_examples() -> dict[str, JSON]:
    """The named examples of the 200 response, by name, in spec order (the first is Prism's default)."""
    content = list_operation()["responses"]["200"]["content"]["application/json"]
    return {name: example["value"] for name, example in content["examples"].items()}


def error_responses() -> dict[int, dict[str, Any]]:
    """Every non-2xx response of the operation by status code, with `$ref`s resolved."""
    return {
        int(status): _resolve(response)
        for status, response in list_operation()["responses"].items()
        if not status.startswith("2")
    }


def error_example(status: int) -> JSON:
    """The JSON example body of the operation's response for `status`."""
    return error_responses()[status]["content"]["application/json"]["example"]


def error_header_example(status: int, header: str) -> str:
    """The example value of a response header of the operation's `status` response."""
    return cast(str, error_responses()[status]["headers"][header]["example"])


def _rewrite_refs(node: JSON) -> JSON:
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/components/schemas/", "#/$defs/")
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def json_schema(schema_name: str) -> dict[str, Any]:
    """A self-contained JSON Schema (2020-12) for components.schemas[schema_name]: every component
    schema goes into `$defs` and `#/components/schemas/X` references become `#/$defs/X`."""
    components = _rewrite_refs(copy.deepcopy(load_spec()["components"]["schemas"]))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": components,
        "$ref": f"#/$defs/{schema_name}",
    }


def validator_for(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A Draft 2020-12 validator for `schema` that also asserts `format` (date-time)."""
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def schema_validator(schema_name: str) -> Draft202012Validator:
    """A validator for one component schema of the spec (see `json_schema`)."""
    return validator_for(json_schema(schema_name))


def schema_errors(schema_name: str, instance: JSON) -> list[str]:
    """Every way `instance` breaks the component schema, as readable lines (empty: it matches)."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '<root>'}: {error.message}"
        for error in schema_validator(schema_name).iter_errors(instance)
    ]


@functools.cache
def timestamp_fields() -> frozenset[str]:
    """The wire names of the CallSession properties the spec declares `format: date-time`."""
    properties = load_spec()["components"]["schemas"]["CallSession"]["properties"]
    return frozenset(name for name, schema in properties.items() if schema.get("format") == "date-time")


def canonical_timestamp(value: JSON) -> JSON:
    """`fromisoformat(value).isoformat()` for a string Python can read; anything else unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.datetime.fromisoformat(value).isoformat()
    except ValueError:
        return value


def normalise_session(session: Mapping[str, JSON]) -> dict[str, JSON]:
    """A call session with its date-time fields spelled canonically (see the module docstring)."""
    return {key: canonical_timestamp(value) if key in timestamp_fields() else value for key, value in session.items()}


def normalise_page(body: Mapping[str, JSON]) -> dict[str, JSON]:
    """A list response with the date-time fields of each of its call sessions spelled canonically."""
    normalised = dict(body)
    data = body.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("callSessions"), list):
        normalised["data"] = {
            **data,
            "callSessions": [
                normalise_session(session) if isinstance(session, Mapping) else session
                for session in data["callSessions"]
            ],
        }
    return normalised


def json_differences(actual: JSON, expected: JSON, path: str = "$") -> list[str]:
    """Field-by-field differences between two decoded JSON values, as `path: actual != expected`.

    Numbers compare by value (the pydantic model turns the integer 5 of a `number` field into 5.0,
    the same JSON number), but a boolean never equals a number, and a key missing on one side is a
    difference even when the other side holds null.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        differences: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                differences.append(f"{path}.{key}: missing (expected {expected[key]!r})")
            elif key not in expected:
                differences.append(f"{path}.{key}: unexpected key (value {actual[key]!r})")
            else:
                differences.extend(json_differences(actual[key], expected[key], f"{path}.{key}"))
        return differences
    if isinstance(expected, list) and isinstance(actual, list):
        if len(actual) != len(expected):
            return [f"{path}: {len(actual)} items != {len(expected)} items"]
        return [
            difference
            for index, (left, right) in enumerate(zip(actual, expected, strict=True))
            for difference in json_differences(left, right, f"{path}[{index}]")
        ]
    if _is_number(actual) and _is_number(expected):
        # Python compares int and float exactly: 2**53 + 1 != 9007199254740992.0.
        return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]
    if type(actual) is not type(expected) or actual != expected:
        return [f"{path}: {actual!r} != {expected!r}"]
    return []


def _is_number(value: JSON) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
