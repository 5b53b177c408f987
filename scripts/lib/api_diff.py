"""The breaking-change gate: what a change to the spec and the generated packages breaks for callers.

This is the body of `scripts/api-diff`. It compares the working tree (or `--head REF`) with BASE_REF
(by default the merge base with `main`; HEAD when there is none or when HEAD is on `main`):

1. The spec, `spec/openapi.yaml`, read through the generator's own resolver
   (`openapi_document.OpenAPIDocument`: `$ref`s, `allOf`, path-level parameters and nullable unions
   are followed the way the generated code sees them). A rule knows which way the data flows:
   a schema reached from a request (parameters, request body) breaks callers when what it
   accepts narrows; a schema reached from a response breaks them when what it may contain
   widens, or when something they read disappears. Request and response bodies are compared
   media type by media type (JSON, form-urlencoded, multipart, any other): a form body's own
   properties are fields of the call, and a multipart body's file parts have rules of their own.
   Operations, success statuses and `x-pagination` (the pager's contract) are compared too.
2. The public Python API of the generated packages (`generated/ravan-client/ravan_client`,
   `generated/ravan-models/ravan_models`): griffe's breaking changes (signatures, removed
   objects), plus the annotations of class attributes (model fields), which griffe does not
   compare. When the `generated/` of a side is not what that side's spec produces (its provenance
   stamp says so), both sides are generated afresh from their own inputs into a temporary
   directory and those are compared; when a side cannot be generated, the spec half alone decides.
   Either way the report says so.

Every finding carries a rule of `RULES`: a stable id, a severity (breaking, warning, info), the
side it applies to and one line saying why. `--list-rules` prints that catalogue; the report comes
as text, Markdown or JSON (`--format`), and `--summary FILE` appends the Markdown (CI passes
$GITHUB_STEP_SUMMARY).

Policy: the exit code is 1 when anything breaks callers, unless the spec's `info.version` major
number went up since the base (a breaking release is then announced; the report still lists
every finding). It is 0 otherwise, and 2 on a usage error such as an unknown ref.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

import griffe
import yaml

# Run as `python scripts/lib/api_diff.py`, Python puts scripts/lib on sys.path, not the repository:
# put the repository first, so that the shared reader is `scripts.lib.openapi_document` here as in
# the tests, and so that a copy of this script (a test's scratch repository) reads its own copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.lib.openapi_document import (
    FORM_MEDIA_TYPES,
    JSON_MEDIA_TYPE,
    MULTIPART_MEDIA_TYPE,
    OpenAPIDocument,
    Operation,
    Schema,
    SpecError,
)

REPO = Path(__file__).resolve().parents[2]
SPEC = "spec/openapi.yaml"
# (project directory, import package) of each generated package, as committed.
GENERATED_PACKAGES = (
    ("generated/ravan-client", "ravan_client"),
    ("generated/ravan-models", "ravan_models"),
)
RENAME_HINT = " (a rename shows as a removal and an addition)"


class ApiDiffError(Exception):
    """The comparison cannot run (unknown ref, unreadable spec); the message says why."""


# --- the rules ---------------------------------------------------------------------------------


class Severity(StrEnum):
    """How a finding counts: only `breaking` fails the gate (unless the major version went up)."""

    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"


class Side(StrEnum):
    """What a rule looks at: what callers send or receive, the operations, the components, or Python."""

    REQUEST = "request"
    RESPONSE = "response"
    OPERATION = "operation"
    COMPONENTS = "components"
    PYTHON = "python"


@dataclass(frozen=True)
class Rule:
    """One kind of change, with its verdict. `mirror` names the rule that the same edit made on
    the response side gives, when its verdict is the opposite (declared on request-side rules)."""

    id: str
    severity: Severity
    side: Side
    description: str
    mirror: str | None = None

    @property
    def breaking(self) -> bool:
        return self.severity is Severity.BREAKING


class Effect(Enum):
    """What a schema change does to the set of values the schema allows."""

    NARROWS = "narrows"
    WIDENS = "widens"
    # Neither a subset nor a superset (a type or format swapped): breaks both ways.
    INCOMPARABLE = "incomparable"
    # The same values, another meaning (a default): worth a look, not a verdict.
    BEHAVIOUR = "behaviour"


@dataclass(frozen=True)
class SchemaChange:
    """A change any schema can undergo; `SCHEMA_SUBJECTS` turns each into one rule per side."""

    kind: str
    effect: Effect
    what: str
    request_only: bool = False


SCHEMA_CHANGES = (
    SchemaChange("type-changed", Effect.INCOMPARABLE, "changed its type to one neither wider nor narrower"),
    SchemaChange("type-widened", Effect.WIDENS, "allows more types (a type added, or integer became number)"),
    SchemaChange("type-narrowed", Effect.NARROWS, "allows fewer types (a type dropped, or number became integer)"),
    SchemaChange("became-nullable", Effect.WIDENS, "became nullable"),
    SchemaChange("became-not-nullable", Effect.NARROWS, "stopped being nullable"),
    SchemaChange("enum-value-added", Effect.WIDENS, "gained a value in its (closed) enum"),
    SchemaChange("enum-value-removed", Effect.NARROWS, "lost a value of its enum"),
    SchemaChange("became-enum", Effect.NARROWS, "became an enum, where any value of its type was allowed"),
    SchemaChange("became-not-enum", Effect.WIDENS, "stopped being an enum (any value of its type is allowed)"),
    SchemaChange("format-added", Effect.NARROWS, "gained a format"),
    SchemaChange("format-removed", Effect.WIDENS, "lost its format"),
    SchemaChange("format-changed", Effect.INCOMPARABLE, "changed its format"),
    SchemaChange("bound-tightened", Effect.NARROWS, "tightened a bound (minimum, maximum, length, items) or a pattern"),
    SchemaChange(
        "bound-loosened", Effect.WIDENS, "loosened or dropped a bound (minimum, maximum, length, items) or its pattern"
    ),
    SchemaChange("pattern-changed", Effect.INCOMPARABLE, "changed its pattern"),
    SchemaChange("union-member-added", Effect.WIDENS, "gained a oneOf/anyOf member"),
    SchemaChange("union-member-removed", Effect.NARROWS, "lost a oneOf/anyOf member"),
    SchemaChange("default-changed", Effect.BEHAVIOUR, "changed, gained or lost its default", request_only=True),
)
# Rule id prefix -> (side, what it names). A request body, or a response body, counts as a property.
SCHEMA_SUBJECTS = {
    "request-parameter": (Side.REQUEST, "A query, path, header or cookie parameter"),
    "request-property": (Side.REQUEST, "A request body property (or the body itself)"),
    "response-property": (Side.RESPONSE, "A response body property (or the body itself)"),
}
REASONS = {
    (Side.REQUEST, Effect.NARROWS): "a request that was valid may now be refused",
    (Side.REQUEST, Effect.INCOMPARABLE): "a request that was valid may now be refused",
    (Side.REQUEST, Effect.WIDENS): "every request that was valid still is",
    (Side.REQUEST, Effect.BEHAVIOUR): "a request that leaves it out now asks for something else",
    (Side.RESPONSE, Effect.WIDENS): "callers may receive values they do not handle",
    (Side.RESPONSE, Effect.INCOMPARABLE): "callers may receive values they do not handle",
    (Side.RESPONSE, Effect.NARROWS): "callers receive only values they already handle",
}


def severity_of(side: Side, effect: Effect) -> Severity:
    """The direction rule: a request breaks when it narrows, a response when it widens."""
    if effect is Effect.INCOMPARABLE:
        return Severity.BREAKING
    if effect is Effect.BEHAVIOUR:
        return Severity.WARNING
    breaks = Effect.NARROWS if side is Side.REQUEST else Effect.WIDENS
    return Severity.BREAKING if effect is breaks else Severity.INFO


def schema_rules() -> list[Rule]:
    rules = []
    for change in SCHEMA_CHANGES:
        for prefix, (side, noun) in SCHEMA_SUBJECTS.items():
            if change.request_only and side is not Side.REQUEST:
                continue
            severity = severity_of(side, change.effect)
            mirrored = side is Side.REQUEST and not change.request_only
            if mirrored and severity_of(Side.RESPONSE, change.effect) is not severity:
                mirror: str | None = f"response-property-{change.kind}"
            else:
                mirror = None
            rules.append(
                Rule(
                    f"{prefix}-{change.kind}",
                    severity,
                    side,
                    f"{noun} {change.what}: {REASONS[(side, change.effect)]}.",
                    mirror,
                )
            )
    return rules


# Short names for the table below.
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
REQUEST, RESPONSE, OPERATION, PYTHON = Side.REQUEST, Side.RESPONSE, Side.OPERATION, Side.PYTHON

# The catalogue: the report, `--list-rules` and the tests all read it. Ids never change once
# published (CI logs and reviewers refer to them); add a rule rather than repurpose one.
RULES: tuple[Rule, ...] = (
    # Operations.
    Rule("operation-removed", B, OPERATION, "An operation was removed: every call to it fails."),
    Rule("operation-added", INFO, OPERATION, "An operation was added: nothing callers do changes."),
    Rule("operation-path-changed", B, OPERATION, "An operation (same operationId) moved to another path."),
    Rule("operation-method-changed", B, OPERATION, "An operation (same operationId) changed its HTTP method."),
    Rule("operation-id-changed", B, OPERATION, "An operationId changed: the generated method is named after it."),
    Rule(
        "response-success-status-changed",
        B,
        OPERATION,
        "The set of 2xx statuses changed: the client parses, and callers get, a documented success only.",
    ),
    Rule("response-non-success-status-removed", INFO, OPERATION, "An error status is no longer documented."),
    Rule("response-non-success-status-added", INFO, OPERATION, "An error status is newly documented."),
    Rule(
        "response-media-type-changed",
        B,
        RESPONSE,
        "A response body came in none of its media types any more (another one, or no body): callers can no "
        "longer parse what they read.",
    ),
    Rule(
        "response-media-type-removed",
        B,
        RESPONSE,
        "A response no longer comes in one of its media types (others remain): callers that read that one break.",
    ),
    Rule(
        "response-media-type-added",
        INFO,
        RESPONSE,
        "A response may come in another media type too: callers ask for the one they read (Accept).",
    ),
    # x-pagination: the generated pager's contract.
    Rule("pagination-removed", B, OPERATION, "An operation lost x-pagination: its generated pager goes away."),
    Rule(
        "pagination-added",
        B,
        OPERATION,
        "An operation gained x-pagination: its method returns a page (or a pager) instead of the body model.",
    ),
    Rule("pagination-style-changed", B, OPERATION, "The pagination style changed: the pager pages another way."),
    Rule("pagination-items-path-changed", B, OPERATION, "The path of a page's items moved: the pager reads them."),
    Rule("pagination-item-key-changed", B, OPERATION, "The item key changed: callers and the pager rely on it."),
    Rule("pagination-total-path-changed", B, OPERATION, "The path of a page's total moved: the pager reads it."),
    Rule(
        "pagination-parameter-changed",
        B,
        OPERATION,
        "The page or page-size parameter changed: the pager sends it.",
    ),
    # Parameters.
    Rule(
        "request-parameter-removed",
        B,
        REQUEST,
        "A parameter was removed (or renamed, or moved to another location): callers that pass it break.",
    ),
    Rule("new-required-request-parameter", B, REQUEST, "A required parameter was added: existing calls lack it."),
    Rule("new-optional-request-parameter", INFO, REQUEST, "An optional parameter was added."),
    Rule(
        "request-parameter-became-required",
        B,
        REQUEST,
        "A parameter became required: calls that leave it out are refused.",
        mirror="response-property-became-required",
    ),
    Rule(
        "request-parameter-became-optional",
        INFO,
        REQUEST,
        "A parameter became optional: every call that was valid still is.",
        mirror="response-property-became-optional",
    ),
    # Request bodies.
    Rule("request-body-added-required", B, REQUEST, "A required request body was added: existing calls lack it."),
    Rule("request-body-added-optional", INFO, REQUEST, "An optional request body was added."),
    Rule("request-body-removed", B, REQUEST, "The request body was removed: callers that send one break."),
    Rule(
        "request-body-became-required",
        B,
        REQUEST,
        "The request body became required: calls that send none are refused.",
    ),
    Rule(
        "request-body-became-optional",
        INFO,
        REQUEST,
        "The request body became optional: every call that was valid still is.",
    ),
    Rule(
        "request-body-media-type-changed",
        B,
        REQUEST,
        "The request body's media type changed (none of the old ones is left): the server expects another encoding.",
    ),
    Rule(
        "request-body-media-type-removed",
        B,
        REQUEST,
        "The request body no longer accepts one of its media types (others remain): callers that send it break.",
    ),
    Rule(
        "request-body-media-type-added",
        INFO,
        REQUEST,
        "The request body accepts another media type too: every request that was valid still is.",
    ),
    # Properties of request and response bodies.
    Rule(
        "new-required-request-property",
        B,
        REQUEST,
        "A required request body property was added: existing requests lack it.",
        mirror="response-property-added",
    ),
    Rule("new-optional-request-property", INFO, REQUEST, "An optional request body property was added."),
    Rule(
        "request-property-removed",
        W,
        REQUEST,
        "A request body property was removed (or renamed): callers that send it may be refused.",
        mirror="response-property-removed",
    ),
    Rule(
        "request-form-field-removed",
        B,
        REQUEST,
        "A field of a form-urlencoded or multipart body was removed (or renamed): a form field is a parameter "
        "of the call, and callers that pass it break, as with a removed query parameter.",
    ),
    Rule(
        "request-file-part-removed",
        B,
        REQUEST,
        "A file part of a multipart request body was removed, or stopped being a file: callers that upload it break.",
    ),
    Rule(
        "request-file-part-added-required",
        B,
        REQUEST,
        "A required file part was added to a multipart request body: existing requests lack it.",
        mirror="response-file-part-added",
    ),
    Rule(
        "request-file-part-added-optional",
        INFO,
        REQUEST,
        "An optional file part was added to a multipart request body: every request that was valid still is.",
    ),
    Rule(
        "request-property-became-required",
        B,
        REQUEST,
        "A request body property became required: requests that leave it out are refused.",
        mirror="response-property-became-required",
    ),
    Rule(
        "request-property-became-optional",
        INFO,
        REQUEST,
        "A request body property became optional: every request that was valid still is.",
        mirror="response-property-became-optional",
    ),
    Rule(
        "response-property-removed",
        B,
        RESPONSE,
        "A response property was removed (or renamed): callers that read it break.",
    ),
    Rule("response-property-added", INFO, RESPONSE, "A response property was added: callers may ignore it."),
    Rule(
        "response-file-part-removed",
        B,
        RESPONSE,
        "A file part of a multipart response was removed, or stopped being a file: callers that read it break.",
    ),
    Rule("response-file-part-added", INFO, RESPONSE, "A multipart response gained a file part: callers may ignore it."),
    Rule(
        "response-property-became-optional",
        B,
        RESPONSE,
        "A response property became optional: callers that read it may find it missing.",
    ),
    Rule(
        "response-property-became-required",
        INFO,
        RESPONSE,
        "A response property became required: callers always get what they already handle.",
    ),
    *schema_rules(),
    Rule(
        "component-schema-removed",
        W,
        Side.COMPONENTS,
        "A component schema was removed or renamed: the generated model class of that name goes too.",
    ),
    # The generated Python API: griffe's breakages, one rule per kind.
    Rule("python-object-removed", B, PYTHON, "A public module, class, function or attribute was removed."),
    Rule("python-object-changed-kind", B, PYTHON, "A public name now points to another kind of object."),
    Rule("python-parameter-removed", B, PYTHON, "A function parameter was removed."),
    Rule("python-parameter-moved", B, PYTHON, "A positional parameter moved."),
    Rule("python-parameter-changed-kind", B, PYTHON, "A parameter changed kind (positional, keyword-only, ...)."),
    Rule("python-parameter-changed-required", B, PYTHON, "A parameter became required."),
    Rule("python-parameter-added-required", B, PYTHON, "A required parameter was added."),
    Rule("python-parameter-changed-default", W, PYTHON, "A parameter's default changed: calls that omit it change."),
    Rule("python-return-changed-type", B, PYTHON, "A function's return annotation was removed or is incompatible."),
    Rule("python-class-removed-base", B, PYTHON, "A class lost a base class."),
    Rule("python-api-breakage", B, PYTHON, "Another breaking change griffe found (a kind this gate does not know)."),
    # ... and what griffe does not compare: the annotations of class attributes (model fields).
    Rule(
        "python-model-field-type-changed",
        B,
        PYTHON,
        "A model field's type changed to one neither wider nor narrower.",
    ),
    Rule(
        "python-model-field-type-widened",
        B,
        PYTHON,
        "A model field may hold more kinds of values: code that reads it meets values it does not handle.",
    ),
    Rule(
        "python-model-field-type-narrowed",
        W,
        PYTHON,
        "A model field holds fewer kinds of values: readers are fine, code that builds one may not type-check.",
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
GRIFFE_RULES = {
    griffe.BreakageKind.OBJECT_REMOVED: "python-object-removed",
    griffe.BreakageKind.OBJECT_CHANGED_KIND: "python-object-changed-kind",
    griffe.BreakageKind.PARAMETER_REMOVED: "python-parameter-removed",
    griffe.BreakageKind.PARAMETER_MOVED: "python-parameter-moved",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "python-parameter-changed-kind",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "python-parameter-changed-required",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "python-parameter-added-required",
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT: "python-parameter-changed-default",
    griffe.BreakageKind.RETURN_CHANGED_TYPE: "python-return-changed-type",
    griffe.BreakageKind.CLASS_REMOVED_BASE: "python-class-removed-base",
}
SEVERITY_ORDER = {Severity.BREAKING: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    """One change, the rule it falls under, and where: `where` says how callers reach it (an
    operation and the path inside it; one entry per place that sees the same definition),
    `source` where it is defined (a JSON pointer into the spec, or a file and line)."""

    rule: Rule
    where: tuple[str, ...]
    message: str
    source: str = ""

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "severity": str(self.severity),
            "side": str(self.rule.side),
            "where": list(self.where),
            "message": self.message,
            "source": self.source,
        }


def finding(rule_id: str, where: str, message: str, source: str = "") -> Finding:
    return Finding(RULES_BY_ID[rule_id], (where,), message, source)


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per change: a shared component reached from several operations or responses
    (say the error body of five statuses) is one change, listed with every place that sees it."""
    merged: dict[tuple[str, str, str, str], Finding] = {}
    for item in findings:
        key = (item.rule.id, item.source, item.message, "" if item.source else "|".join(item.where))
        known = merged.get(key)
        if known is None:
            merged[key] = item
        else:
            merged[key] = replace(known, where=(*known.where, *(w for w in item.where if w not in known.where)))
    return sorted(merged.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.where[0], f.rule.id, f.message))


# --- the spec ------------------------------------------------------------------------------------


def pointer_escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def pointer_lookup(raw: Mapping[str, Any], pointer: str) -> Any:
    """The node at a local JSON pointer, without following the `$ref` it may hold (None if absent)."""
    node: Any = raw
    for part in pointer.removeprefix("#/").split("/") if pointer != "#" else []:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def definition_of(raw: Mapping[str, Any], pointer: str) -> tuple[Any, str]:
    """The node a pointer leads to once every `$ref` on the way is followed, and its own pointer."""
    node = pointer_lookup(raw, pointer)
    for _ in range(64):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#")):
            break
        pointer = node["$ref"]
        node = pointer_lookup(raw, pointer)
    return node, pointer


def property_source(raw: Mapping[str, Any], pointer: str, name: str, depth: int = 0) -> str:
    """Where property `name` of the schema at `pointer` is defined, looking into `allOf` members
    and nullable unions the way `normalize` merges them; the schema's own pointer when not found."""
    node, pointer = definition_of(raw, pointer)
    if not isinstance(node, Mapping) or depth > 16:
        return pointer
    if name in (node.get("properties") or {}):
        return f"{pointer}/properties/{pointer_escape(name)}"
    for combinator in ("allOf", "anyOf", "oneOf"):
        for index, _ in enumerate(node.get(combinator) or []):
            member_pointer = f"{pointer}/{combinator}/{index}"
            found = property_source(raw, member_pointer, name, depth + 1)
            if found != definition_of(raw, member_pointer)[1]:
                return found
    return pointer


def normalized_path(path: str) -> str:
    """A path template with its parameter names blanked: `/a/{id}` and `/a/{key}` are one path."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def describe_schema(schema: Schema) -> str:
    """A schema's values in a few words: `string (date-time) | null`, `array`, `any`."""
    if schema.ref_name and schema.single_type == "object":
        words = schema.ref_name
    else:
        words = " | ".join(sorted(schema.types)) or "any"
    if schema.format:
        words += f" ({schema.format})"
    return f"{words} | null" if schema.nullable and schema.types else words


def expanded_types(types: frozenset[str]) -> frozenset[str] | None:
    """The JSON types a set allows, integer counted inside number; None for any type."""
    if not types:
        return None
    return types | {"integer"} if "number" in types else types


def type_effect(old: frozenset[str], new: frozenset[str]) -> Effect | None:
    old_values, new_values = expanded_types(old), expanded_types(new)
    if old_values == new_values:
        return None
    if new_values is None or (old_values is not None and old_values < new_values):
        return Effect.WIDENS
    if old_values is None or new_values < old_values:
        return Effect.NARROWS
    return Effect.INCOMPARABLE


def lower_bounds(schema: Schema) -> dict[str, tuple[float, bool] | None]:
    """Each kind of lower bound: (value, exclusive); the tighter of minimum and exclusiveMinimum."""
    numeric: tuple[float, bool] | None = None
    if schema.minimum is not None:
        numeric = (schema.minimum, False)
    if schema.exclusive_minimum is not None and (numeric is None or schema.exclusive_minimum >= numeric[0]):
        numeric = (schema.exclusive_minimum, True)
    return {
        "minimum": numeric,
        "minLength": _inclusive(schema.min_length),
        "minItems": _inclusive(schema.raw.get("minItems")),
        "minProperties": _inclusive(schema.raw.get("minProperties")),
    }


def upper_bounds(schema: Schema) -> dict[str, tuple[float, bool] | None]:
    numeric: tuple[float, bool] | None = None
    if schema.maximum is not None:
        numeric = (schema.maximum, False)
    if schema.exclusive_maximum is not None and (numeric is None or schema.exclusive_maximum <= numeric[0]):
        numeric = (schema.exclusive_maximum, True)
    return {
        "maximum": numeric,
        "maxLength": _inclusive(schema.max_length),
        "maxItems": _inclusive(schema.raw.get("maxItems")),
        "maxProperties": _inclusive(schema.raw.get("maxProperties")),
    }


def _inclusive(value: Any) -> tuple[float, bool] | None:
    return (value, False) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _bound_text(bound: tuple[float, bool] | None, *, lower: bool) -> str:
    if bound is None:
        return "none"
    value, exclusive = bound
    sign = (">" if lower else "<") + ("" if exclusive else "=")
    return f"{sign} {value:g}"


def bound_effect(old: tuple[float, bool] | None, new: tuple[float, bool] | None, *, lower: bool) -> Effect | None:
    if old == new:
        return None
    if old is None:
        return Effect.NARROWS
    if new is None:
        return Effect.WIDENS
    # Compare (value, exclusive) as a point on the line: an exclusive bound sits just inside.
    old_key = (old[0], old[1] if lower else not old[1])
    new_key = (new[0], new[1] if lower else not new[1])
    tighter = new_key > old_key if lower else new_key < old_key
    return Effect.NARROWS if tighter else Effect.WIDENS


@dataclass(frozen=True)
class Place:
    """Where a schema sits: the side of the exchange, how a reader finds it, and where it is defined.

    `path` is the property path inside the body or parameter (`[]` for an array's items); the
    sources are JSON pointers into the base and the new spec; `media_type` is the body's
    (`media_type_base`: `application/json` for every JSON flavour), empty for a parameter."""

    side: Side
    where: str
    parameter: str | None = None
    path: tuple[str, ...] = ()
    old_source: str = ""
    new_source: str = ""
    item_key_path: tuple[str, ...] | None = None
    media_type: str = ""

    @property
    def in_form_body(self) -> bool:
        """Whether this is a form body itself (form-urlencoded or multipart): its properties are fields."""
        return self.media_type in FORM_MEDIA_TYPES and not self.path and self.parameter is None

    @property
    def in_multipart_body(self) -> bool:
        """Whether this is a multipart body itself: its properties are parts, some of them files."""
        return self.media_type == MULTIPART_MEDIA_TYPE and not self.path and self.parameter is None

    @property
    def subject(self) -> str:
        if self.side is Side.RESPONSE:
            return "response-property"
        return "request-parameter" if self.parameter and not self.path else "request-property"

    @property
    def label(self) -> str:
        if not self.path:
            return self.where
        text = ""
        for segment in self.path:
            text += segment if segment.startswith("[") or not text else f".{segment}"
        return f"{self.where}: {text}"

    @property
    def noun(self) -> str:
        """How a message names the schema: `id`, the items of `tags`, the response body."""
        if not self.path:
            if self.parameter:
                return self.parameter
            return "the request body" if self.side is Side.REQUEST else "the response body"
        if self.path[-1] == "[]":
            return f"the items of `{self.path[-2]}`" if len(self.path) > 1 else "the items of the body"
        if self.path[-1] == "{}":
            return f"the values of `{self.path[-2]}`" if len(self.path) > 1 else "the values of the body"
        return f"`{self.path[-1]}`"

    @property
    def is_item_key(self) -> bool:
        return self.item_key_path is not None and self.path == self.item_key_path

    def child(self, segment: str, old_source: str, new_source: str) -> Place:
        return replace(self, path=(*self.path, segment), old_source=old_source, new_source=new_source)


ITEM_KEY_NOTE = "; it is x-pagination's item key, the identity callers and the pager rely on"


class SpecComparison:
    """Walks two versions of the spec side by side, from the operations down, and collects findings."""

    def __init__(self, old: OpenAPIDocument, new: OpenAPIDocument) -> None:
        self.old = old
        self.new = new
        self.findings: list[Finding] = []

    def add(self, rule_id: str, where: str, message: str, source: str = "") -> None:
        self.findings.append(finding(rule_id, where, message, source))

    def run(self) -> list[Finding]:
        self.compare_operations()
        old_schemas = (self.old.raw.get("components") or {}).get("schemas") or {}
        new_schemas = (self.new.raw.get("components") or {}).get("schemas") or {}
        for name in old_schemas:
            if name not in new_schemas:
                self.add(
                    "component-schema-removed",
                    f"components.schemas.{name}",
                    f"schema `{name}` was removed{RENAME_HINT}; the generated model class `{name}` goes with it.",
                    f"#/components/schemas/{pointer_escape(name)}",
                )
        return merge_findings(self.findings)

    # --- operations -----------------------------------------------------------------------------

    def compare_operations(self) -> None:
        def key(operation: Operation) -> tuple[str, str]:
            return operation.method, normalized_path(operation.path)

        old_operations = {key(op): op for op in self.old.operations()}
        new_operations = {key(op): op for op in self.new.operations()}
        unmatched_new = {k: op for k, op in new_operations.items() if k not in old_operations}
        for operation_key, old_operation in old_operations.items():
            new_operation = new_operations.get(operation_key)
            if new_operation is None:
                new_operation = self.moved(old_operation, unmatched_new)
                if new_operation is None:
                    self.add(
                        "operation-removed",
                        old_operation.label,
                        f"{old_operation.label} was removed: every call to it fails.",
                        operation_source(old_operation),
                    )
                    continue
                unmatched_new.pop(key(new_operation))
            self.compare_operation(old_operation, new_operation)
        for new_operation in unmatched_new.values():
            self.add(
                "operation-added",
                new_operation.label,
                f"{new_operation.label} was added.",
                operation_source(new_operation),
            )

    def moved(self, old: Operation, candidates: Mapping[tuple[str, str], Operation]) -> Operation | None:
        """The new operation with the same operationId, reported as moved rather than removed."""
        if old.operation_id is None:
            return None
        for new in candidates.values():
            if new.operation_id != old.operation_id:
                continue
            if normalized_path(new.path) != normalized_path(old.path):
                self.add(
                    "operation-path-changed",
                    old.label,
                    f"{old.operation_id} moved from {old.path} to {new.path}: calls to the old path fail.",
                    operation_source(new),
                )
            if new.method != old.method:
                self.add(
                    "operation-method-changed",
                    old.label,
                    f"{old.operation_id} changed from {old.method.upper()} to {new.method.upper()}.",
                    operation_source(new),
                )
            return new
        return None

    def compare_operation(self, old: Operation, new: Operation) -> None:
        where = new.label
        if old.operation_id != new.operation_id and old.operation_id is not None:
            self.add(
                "operation-id-changed",
                where,
                f"operationId {old.operation_id} became {new.operation_id}: the generated method is renamed.",
                operation_source(new),
            )
        self.compare_parameters(old, new)
        self.compare_request_bodies(old, new)
        self.compare_responses(old, new)
        self.compare_pagination(old, new)

    # --- parameters -----------------------------------------------------------------------------

    def compare_parameters(self, old: Operation, new: Operation) -> None:
        old_parameters = {(p["in"], p["name"]): p for p in old.parameters}
        new_parameters = {(p["in"], p["name"]): p for p in new.parameters}
        old_sources = parameter_sources(self.old, old)
        new_sources = parameter_sources(self.new, new)
        for (location, name), old_parameter in old_parameters.items():
            label = f"{location} parameter `{name}`"
            where = f"{new.label}, {label}"
            new_parameter = new_parameters.get((location, name))
            if new_parameter is None:
                self.add(
                    "request-parameter-removed",
                    where,
                    f"{label} was removed{RENAME_HINT}: callers that pass it break.",
                    old_sources.get((location, name), ""),
                )
                continue
            source = new_sources.get((location, name), "")
            old_required = bool(old_parameter.get("required", False))
            new_required = bool(new_parameter.get("required", False))
            if new_required and not old_required:
                self.add(
                    "request-parameter-became-required",
                    where,
                    f"{label} became required: calls that leave it out are refused.",
                    source,
                )
            elif old_required and not new_required:
                self.add("request-parameter-became-optional", where, f"{label} became optional.", source)
            place = Place(
                Side.REQUEST,
                where,
                parameter=label,
                old_source=f"{old_sources.get((location, name), '')}/schema",
                new_source=f"{source}/schema",
            )
            self.compare_schema(old_parameter.get("schema", {}), new_parameter.get("schema", {}), place)
        for location, name in new_parameters.keys() - old_parameters.keys():
            label = f"{location} parameter `{name}`"
            source = new_sources.get((location, name), "")
            if new_parameters[(location, name)].get("required", False):
                self.add(
                    "new-required-request-parameter",
                    f"{new.label}, {label}",
                    f"required {label} was added: existing calls lack it.",
                    source,
                )
            else:
                self.add(
                    "new-optional-request-parameter", f"{new.label}, {label}", f"optional {label} was added.", source
                )

    # --- request bodies -------------------------------------------------------------------------

    def compare_request_bodies(self, old: Operation, new: Operation) -> None:
        old_body = self.old.request_body(old)
        new_body = self.new.request_body(new)
        where = f"{new.label}, request body"
        source = f"{operation_source(new)}/requestBody"
        if old_body is None and new_body is None:
            return
        if old_body is None:
            assert new_body is not None
            required = bool(new_body[0].get("required", False))
            rule = "request-body-added-required" if required else "request-body-added-optional"
            self.add(rule, where, f"a {'required' if required else 'optional'} request body was added.", source)
            return
        if new_body is None:
            self.add("request-body-removed", where, "the request body was removed: callers that send one break.")
            return
        (old_object, _), (new_object, _) = old_body, new_body
        old_required = bool(old_object.get("required", False))
        new_required = bool(new_object.get("required", False))
        if new_required and not old_required:
            self.add("request-body-became-required", where, "the request body became required.", source)
        elif old_required and not new_required:
            self.add("request-body-became-optional", where, "the request body became optional.", source)
        old_media = self.old.media_types(old_object.get("content"))
        new_media = self.new.media_types(new_object.get("content"))
        old_source = f"{request_body_source(self.old, old)}/content"
        new_source = f"{request_body_source(self.new, new)}/content"
        if old_media.keys().isdisjoint(new_media.keys()):
            self.add(
                "request-body-media-type-changed",
                where,
                f"the request body's media type changed from {media_list(old_media)} to {media_list(new_media)}: "
                "the server expects another encoding.",
                new_source,
            )
            return
        for base in [key for key in old_media if key not in new_media]:
            written = old_media[base][0]
            self.add(
                "request-body-media-type-removed",
                where,
                f"the request body no longer accepts {written}: callers that send it break.",
                f"{old_source}/{pointer_escape(written)}",
            )
        for base in [key for key in new_media if key not in old_media]:
            written = new_media[base][0]
            self.add(
                "request-body-media-type-added",
                where,
                f"the request body accepts {written} too.",
                f"{new_source}/{pointer_escape(written)}",
            )
        for base in [key for key in old_media if key in new_media]:
            (old_written, old_object_media), (new_written, new_object_media) = old_media[base], new_media[base]
            place = Place(
                Side.REQUEST,
                body_label(where, base),
                old_source=f"{old_source}/{pointer_escape(old_written)}/schema",
                new_source=f"{new_source}/{pointer_escape(new_written)}/schema",
                media_type=base,
            )
            self.compare_schema(old_object_media.get("schema", {}), new_object_media.get("schema", {}), place)

    # --- responses ------------------------------------------------------------------------------

    def compare_responses(self, old: Operation, new: Operation) -> None:
        old_responses = self.old.responses(old)
        new_responses = self.new.responses(new)
        old_success = sorted(status for status in old_responses if is_success(status))
        new_success = sorted(status for status in new_responses if is_success(status))
        if old_success != new_success:
            self.add(
                "response-success-status-changed",
                new.label,
                f"the success statuses changed from {', '.join(old_success) or 'none'} to "
                f"{', '.join(new_success) or 'none'}: the client and its callers expect the documented one.",
                f"{operation_source(new)}/responses",
            )
        for status in old_responses.keys() - new_responses.keys():
            if not is_success(status):
                self.add(
                    "response-non-success-status-removed", new.label, f"response {status} is no longer documented."
                )
        for status in new_responses.keys() - old_responses.keys():
            if not is_success(status):
                self.add("response-non-success-status-added", new.label, f"response {status} is now documented.")

        item_key_path = None
        pagination = old.raw.get("x-pagination")
        if isinstance(pagination, Mapping) and pagination.get("items") and pagination.get("item-key"):
            item_key_path = (*[str(p) for p in pagination["items"]], "[]", str(pagination["item-key"]))
        for status, old_response in old_responses.items():
            new_response = new_responses.get(status)
            if new_response is not None:
                self.compare_response_bodies(old, new, status, old_response, new_response, item_key_path)

    def compare_response_bodies(
        self,
        old: Operation,
        new: Operation,
        status: str,
        old_response: Mapping[str, Any],
        new_response: Mapping[str, Any],
        item_key_path: tuple[str, ...] | None,
    ) -> None:
        """One status's bodies, media type by media type (a body that appears is no change callers see)."""
        where = f"{new.label}, response {status}"
        old_media = self.old.media_types(old_response.get("content"))
        new_media = self.new.media_types(new_response.get("content"))
        old_source = f"{response_source(self.old, old, status)}/content"
        new_source = f"{response_source(self.new, new, status)}/content"
        if not old_media:
            return
        if old_media.keys().isdisjoint(new_media.keys()):
            now = f"comes as {media_list(new_media)}" if new_media else "has no body"
            self.add(
                "response-media-type-changed",
                where,
                f"response {status} was {media_list(old_media)} and now {now}: callers that read it break.",
                response_source(self.new, new, status),
            )
            return
        for base in [key for key in old_media if key not in new_media]:
            written = old_media[base][0]
            self.add(
                "response-media-type-removed",
                where,
                f"response {status} no longer comes as {written}: callers that read that one break.",
                f"{old_source}/{pointer_escape(written)}",
            )
        for base in [key for key in new_media if key not in old_media]:
            written = new_media[base][0]
            self.add(
                "response-media-type-added",
                where,
                f"response {status} may come as {written} too.",
                f"{new_source}/{pointer_escape(written)}",
            )
        for base in [key for key in old_media if key in new_media]:
            (old_written, old_object), (new_written, new_object) = old_media[base], new_media[base]
            if "schema" not in old_object:
                continue  # nothing was promised about it
            place = Place(
                Side.RESPONSE,
                body_label(where, base),
                old_source=f"{old_source}/{pointer_escape(old_written)}/schema",
                new_source=f"{new_source}/{pointer_escape(new_written)}/schema",
                item_key_path=item_key_path if is_success(status) and base == JSON_MEDIA_TYPE else None,
                media_type=base,
            )
            self.compare_schema(old_object["schema"], new_object.get("schema", {}), place)

    # --- x-pagination ---------------------------------------------------------------------------

    def compare_pagination(self, old: Operation, new: Operation) -> None:
        old_pagination = old.raw.get("x-pagination")
        new_pagination = new.raw.get("x-pagination")
        where = new.label
        source = f"{operation_source(new)}/x-pagination"
        if not isinstance(old_pagination, Mapping) and not isinstance(new_pagination, Mapping):
            return
        if not isinstance(new_pagination, Mapping):
            self.add("pagination-removed", where, "x-pagination was removed: the operation's pager goes away.")
            return
        if not isinstance(old_pagination, Mapping):
            self.add(
                "pagination-added",
                where,
                "x-pagination was added: the method now returns a page, not the body model callers read.",
                source,
            )
            return
        old_style = old_pagination.get("style", "page-number")
        new_style = new_pagination.get("style", "page-number")
        if old_style != new_style:
            self.add(
                "pagination-style-changed",
                where,
                f"the pagination style changed from {old_style} to {new_style}: the pager pages another way.",
                source,
            )
        for key, rule_id, what in (
            ("items", "pagination-items-path-changed", "the items path"),
            ("item-key", "pagination-item-key-changed", "the item key"),
            ("total", "pagination-total-path-changed", "the total path"),
            ("page-parameter", "pagination-parameter-changed", "the page parameter"),
            ("size-parameter", "pagination-parameter-changed", "the page-size parameter"),
        ):
            old_value, new_value = old_pagination.get(key), new_pagination.get(key)
            # A total that appears comes with a style that has one (reported as the style change).
            if old_value != new_value and not (key == "total" and old_value is None):
                self.add(
                    rule_id,
                    where,
                    f"{what} changed from {dotted(old_value)} to {dotted(new_value)}.",
                    f"{source}/{key}",
                )

    # --- schemas --------------------------------------------------------------------------------

    def compare_schema(
        self, old_node: Any, new_node: Any, place: Place, seen: frozenset[tuple[str, str]] = frozenset()
    ) -> None:
        try:
            old = self.old.normalize(old_node, where=place.label)
            new = self.new.normalize(new_node, where=place.label)
        except SpecError as error:
            raise ApiDiffError(str(error)) from error
        if old.ref and new.ref:
            # A recursive schema: compare each pair of definitions once on a path.
            if (old.ref, new.ref) in seen:
                return
            seen = seen | {(old.ref, new.ref)}
        place = replace(place, old_source=old.ref or place.old_source, new_source=new.ref or place.new_source)
        old_union = old.unsupported is not None and union_members(self.old, old) is not None
        new_union = new.unsupported is not None and union_members(self.new, new) is not None
        if old_union and new_union:
            self.compare_union_members(old, new, place, seen)
        else:
            effect = type_effect(old.types, new.types)
            if effect is not None:
                kind = {Effect.WIDENS: "type-widened", Effect.NARROWS: "type-narrowed"}.get(effect, "type-changed")
                change = f"changed type from {describe_schema(old)} to {describe_schema(new)}"
                self.schema_finding(kind, effect, place, change)
                if effect is Effect.INCOMPARABLE:
                    # Properties, enum and bounds of another type are noise next to this.
                    return
        self.compare_nullability(old, new, place)
        self.compare_enums(old, new, place)
        self.compare_formats(old, new, place)
        self.compare_bounds(old, new, place)
        if place.side is Side.REQUEST and (old.has_default, old.default) != (new.has_default, new.default):
            old_default = repr(old.default) if old.has_default else "none"
            new_default = repr(new.default) if new.has_default else "none"
            change = f"changed default from {old_default} to {new_default}"
            self.schema_finding("default-changed", Effect.BEHAVIOUR, place, change)
        self.compare_properties(old, new, place, seen)
        if old.items is not None and new.items is not None:
            child = place.child("[]", f"{place.old_source}/items", f"{place.new_source}/items")
            self.compare_schema(old.items, new.items, child, seen)
        if isinstance(old.additional_properties, Mapping) and isinstance(new.additional_properties, Mapping):
            child = place.child(
                "{}", f"{place.old_source}/additionalProperties", f"{place.new_source}/additionalProperties"
            )
            self.compare_schema(old.additional_properties, new.additional_properties, child, seen)

    def file_part_added(self, child: Place, *, required: bool) -> None:
        if child.side is Side.RESPONSE:
            self.add(
                "response-file-part-added", child.label, f"the file part {child.noun} was added.", child.new_source
            )
        elif required:
            message = f"the required file part {child.noun} was added: existing requests lack it."
            self.add("request-file-part-added-required", child.label, message, child.new_source)
        else:
            message = f"the optional file part {child.noun} was added."
            self.add("request-file-part-added-optional", child.label, message, child.new_source)

    def schema_finding(self, kind: str, effect: Effect, place: Place, change: str, *, source: str = "") -> None:
        rule_id = f"{place.subject}-{kind}"
        message = f"{place.noun} {change}: {REASONS[(place.side, effect)]}"
        if place.is_item_key and RULES_BY_ID[rule_id].breaking:
            message += ITEM_KEY_NOTE
        self.add(rule_id, place.label, message + ".", source or place.new_source)

    def compare_nullability(self, old: Schema, new: Schema, place: Place) -> None:
        old_null, new_null = allows_null(old), allows_null(new)
        if new_null and not old_null:
            change = f"became nullable ({describe_schema(old)} -> {describe_schema(new)})"
            self.schema_finding("became-nullable", Effect.WIDENS, place, change)
        elif old_null and not new_null:
            change = f"stopped being nullable ({describe_schema(old)} -> {describe_schema(new)})"
            self.schema_finding("became-not-nullable", Effect.NARROWS, place, change)

    def compare_enums(self, old: Schema, new: Schema, place: Place) -> None:
        if old.enum is None and new.enum is None:
            return
        if old.enum is None:
            assert new.enum is not None
            change = f"became an enum of {values_text(new.enum)}"
            self.schema_finding("became-enum", Effect.NARROWS, place, change)
            return
        if new.enum is None:
            change = f"stopped being an enum (was {values_text(old.enum)})"
            self.schema_finding("became-not-enum", Effect.WIDENS, place, change)
            return
        removed = [value for value in old.enum if value not in new.enum]
        added = [value for value in new.enum if value not in old.enum]
        if removed:
            self.schema_finding(
                "enum-value-removed", Effect.NARROWS, place, f"lost enum value(s) {values_text(removed)}"
            )
        if added:
            self.schema_finding("enum-value-added", Effect.WIDENS, place, f"gained enum value(s) {values_text(added)}")

    def compare_formats(self, old: Schema, new: Schema, place: Place) -> None:
        if old.format == new.format:
            return
        if old.format is None:
            self.schema_finding("format-added", Effect.NARROWS, place, f"gained format {new.format}")
        elif new.format is None:
            self.schema_finding("format-removed", Effect.WIDENS, place, f"lost format {old.format}")
        else:
            change = f"changed format from {old.format} to {new.format}"
            self.schema_finding("format-changed", Effect.INCOMPARABLE, place, change)

    def compare_bounds(self, old: Schema, new: Schema, place: Place) -> None:
        for lower, old_bounds, new_bounds in (
            (True, lower_bounds(old), lower_bounds(new)),
            (False, upper_bounds(old), upper_bounds(new)),
        ):
            for name, old_bound in old_bounds.items():
                new_bound = new_bounds[name]
                effect = bound_effect(old_bound, new_bound, lower=lower)
                if effect is None:
                    continue
                kind = "bound-tightened" if effect is Effect.NARROWS else "bound-loosened"
                verb = "tightened" if effect is Effect.NARROWS else "loosened"
                old_text, new_text = _bound_text(old_bound, lower=lower), _bound_text(new_bound, lower=lower)
                change = f"{verb} {name} from {old_text} to {new_text}"
                self.schema_finding(kind, effect, place, change)
        if old.pattern != new.pattern:
            if old.pattern is None:
                self.schema_finding("bound-tightened", Effect.NARROWS, place, f"gained pattern {new.pattern!r}")
            elif new.pattern is None:
                self.schema_finding("bound-loosened", Effect.WIDENS, place, f"lost pattern {old.pattern!r}")
            else:
                change = f"changed pattern from {old.pattern!r} to {new.pattern!r}"
                self.schema_finding("pattern-changed", Effect.INCOMPARABLE, place, change)

    def compare_union_members(self, old: Schema, new: Schema, place: Place, seen: frozenset[tuple[str, str]]) -> None:
        old_members = union_members(self.old, old) or {}
        new_members = union_members(self.new, new) or {}
        for name in old_members.keys() - new_members.keys():
            self.schema_finding("union-member-removed", Effect.NARROWS, place, f"lost the union member {name}")
        for name in new_members.keys() - old_members.keys():
            self.schema_finding("union-member-added", Effect.WIDENS, place, f"gained the union member {name}")
        for name in old_members.keys() & new_members.keys():
            self.compare_schema(old_members[name], new_members[name], place, seen)

    def compare_properties(self, old: Schema, new: Schema, place: Place, seen: frozenset[tuple[str, str]]) -> None:
        request = place.side is Side.REQUEST
        side = "request" if request else "response"
        for name, old_property in old.properties.items():
            child = place.child(
                name,
                property_source(self.old.raw, place.old_source, name),
                property_source(self.new.raw, place.new_source, name),
            )
            old_file = place.in_multipart_body and is_file_part(self.old, old_property)
            if name not in new.properties:
                if old_file:
                    reason = "callers that upload it break" if request else "callers that read it break"
                    message = f"the file part {child.noun} was removed{RENAME_HINT}: {reason}."
                    self.add(f"{side}-file-part-removed", child.label, message, child.old_source)
                elif request and place.in_form_body:
                    message = f"the form field {child.noun} was removed{RENAME_HINT}: callers that pass it break."
                    self.add("request-form-field-removed", child.label, message, child.old_source)
                else:
                    rule_id = f"{side}-property-removed"
                    reason = "callers that send it may be refused" if request else "callers that read it break"
                    message = f"{child.noun} was removed{RENAME_HINT}: {reason}."
                    self.add(rule_id, child.label, message, child.old_source)
                continue
            was_required, is_required = name in old.required, name in new.required
            if is_required and not was_required:
                rule_id = "request-property-became-required" if request else "response-property-became-required"
                reason = "requests that leave it out are refused" if request else "callers always get it"
                self.add(rule_id, child.label, f"{child.noun} became required: {reason}.", child.new_source)
            elif was_required and not is_required:
                rule_id = "request-property-became-optional" if request else "response-property-became-optional"
                reason = "every request that was valid still is" if request else "callers may find it missing"
                if not request and child.is_item_key:
                    reason += ITEM_KEY_NOTE
                self.add(rule_id, child.label, f"{child.noun} became optional: {reason}.", child.new_source)
            if old_file and not is_file_part(self.new, new.properties[name]):
                reason = "callers that upload it break" if request else "callers that read it break"
                message = f"{child.noun} stopped being a file part: {reason}."
                self.add(f"{side}-file-part-removed", child.label, message, child.new_source)
                continue  # its type or format changed with it: that is this change
            # A part that became a file is a format change (format-added), judged by direction.
            self.compare_schema(old_property, new.properties[name], child, seen)
        for name in new.properties.keys() - old.properties.keys():
            child = place.child(name, "", property_source(self.new.raw, place.new_source, name))
            if place.in_multipart_body and is_file_part(self.new, new.properties[name]):
                self.file_part_added(child, required=name in new.required)
            elif not request:
                self.add("response-property-added", child.label, f"{child.noun} was added.", child.new_source)
            elif name in new.required:
                message = f"required {child.noun} was added: existing requests lack it."
                self.add("new-required-request-property", child.label, message, child.new_source)
            else:
                self.add(
                    "new-optional-request-property", child.label, f"optional {child.noun} was added.", child.new_source
                )


def is_file_part(document: OpenAPIDocument, node: Any) -> bool:
    """Whether a multipart body's property is a file, or a list of files."""
    try:
        schema = document.normalize(node)
        if schema.single_type == "array" and schema.items is not None:
            schema = document.normalize(schema.items)
    except SpecError as error:
        raise ApiDiffError(str(error)) from error
    return schema.is_file


def allows_null(schema: Schema) -> bool:
    # A schema with no type at all allows every value, null included.
    return schema.nullable or (not schema.types and schema.unsupported is None)


def is_success(status: str) -> bool:
    return status.startswith("2")


def union_members(document: OpenAPIDocument, schema: Schema) -> dict[str, Any] | None:
    """The non-null members of a oneOf/anyOf of several shapes, named by their `$ref` (or their
    type when inline), or None when the schema is no such union."""
    for combinator in ("oneOf", "anyOf"):
        members = schema.raw.get(combinator)
        if not isinstance(members, list):
            continue
        named: dict[str, Any] = {}
        for index, member in enumerate(members):
            resolved = document.normalize(member)
            if not resolved.types and resolved.nullable:
                continue  # the null member: nullability is compared on its own
            name = resolved.ref_name or " | ".join(sorted(resolved.types)) or f"member {index}"
            named[name if name not in named else f"{name} #{index}"] = member
        return named
    return None


def operation_source(operation: Operation) -> str:
    return f"#/paths/{pointer_escape(operation.path)}/{operation.method}"


def parameter_sources(document: OpenAPIDocument, operation: Operation) -> dict[tuple[str, str], str]:
    """(in, name) -> the JSON pointer of the parameter object that applies (a `$ref`'s target when
    it is one), the path item's overridden by the operation's own."""
    sources: dict[tuple[str, str], str] = {}
    path_pointer = f"#/paths/{pointer_escape(operation.path)}"
    path_item = document.resolve((document.raw.get("paths") or {}).get(operation.path) or {})
    for container, pointer in ((path_item, path_pointer), (operation.raw, f"{path_pointer}/{operation.method}")):
        for index, node in enumerate(container.get("parameters") or []):
            parameter = document.resolve(node)
            own = node["$ref"] if isinstance(node, Mapping) and "$ref" in node else f"{pointer}/parameters/{index}"
            sources[(str(parameter["in"]), str(parameter["name"]))] = own
    return sources


def response_source(document: OpenAPIDocument, operation: Operation, status: str) -> str:
    node = (operation.raw.get("responses") or {}).get(status)
    if node is None:
        node = (operation.raw.get("responses") or {}).get(int(status)) if status.isdigit() else None
    if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        return definition_of(document.raw, node["$ref"])[1]
    return f"{operation_source(operation)}/responses/{pointer_escape(status)}"


def request_body_source(document: OpenAPIDocument, operation: Operation) -> str:
    node = operation.raw.get("requestBody")
    if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        return definition_of(document.raw, node["$ref"])[1]
    return f"{operation_source(operation)}/requestBody"


def body_label(where: str, media_type: str) -> str:
    """`..., request body`, naming the media type when it is not JSON (the usual case, left short)."""
    return where if media_type == JSON_MEDIA_TYPE else f"{where} ({media_type})"


def media_list(media: Mapping[str, tuple[str, Any]]) -> str:
    return ", ".join(written for written, _ in media.values()) or "none"


def values_text(values: Iterable[Any]) -> str:
    return ", ".join(json.dumps(value) for value in values)


def dotted(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ".".join(str(part) for part in value) or "(the body)"
    return str(value)


def compare_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Finding]:
    """Every finding between two parsed specs, merged and ordered (breaking first)."""
    try:
        return SpecComparison(OpenAPIDocument(old, source="the base spec"), OpenAPIDocument(new)).run()
    except SpecError as error:
        raise ApiDiffError(str(error)) from error


# --- the generated Python API --------------------------------------------------------------------

TYPING_ALIASES = {
    "List": "list",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Tuple": "tuple",
    "Type": "type",
    "NoneType": "None",
}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class PythonTypes:
    """What annotations of one package version mean: its type aliases (`X = Literal[...]`) and
    each class's bases, so that `Literal['a']` or a str enum counts as narrower than `str`."""

    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    bases: dict[str, frozenset[str]] = field(default_factory=dict)

    def members(self, annotation: str) -> frozenset[str]:
        """The members of an annotation's top-level union, each normalized: `Optional[X]`,
        `Union[X, None]` and `X | None` are alike, `Annotated` metadata is dropped, aliases expanded."""
        try:
            tree = ast.parse(annotation, mode="eval").body
        except SyntaxError:
            return frozenset({annotation})
        return frozenset(self._members(tree))

    def _members(self, node: ast.expr) -> Iterator[str]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            yield from self._members(node.left)
            yield from self._members(node.right)
        elif isinstance(node, ast.Subscript):
            base = _last_name(node.value)
            arguments = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base == "Union":
                for argument in arguments:
                    yield from self._members(argument)
            elif base == "Optional":
                yield from self._members(arguments[0])
                yield "None"
            elif base == "Annotated":
                # Its metadata (pydantic's Field: alias, description, bounds) is not the type.
                yield from self._members(arguments[0])
            elif base == "Literal":
                # One member per value, so that a Literal that gains a value is a wider type.
                yield from (f"Literal[{ast.unparse(argument)}]" for argument in arguments)
            else:
                inner = ", ".join(" | ".join(sorted(self._members(argument))) for argument in arguments)
                yield f"{TYPING_ALIASES.get(base, base)}[{inner}]"
        elif isinstance(node, ast.Constant) and node.value is None:
            yield "None"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield from self.members(node.value)  # a forward reference
        elif isinstance(node, ast.Name | ast.Attribute):
            name = TYPING_ALIASES.get(_last_name(node), _last_name(node))
            # Aliases hold members already expanded when they were read: no recursion here.
            yield from self.aliases.get(name, {name})
        else:
            yield ast.unparse(node)

    def is_subtype(self, narrow: str, wide: str, depth: int = 0) -> bool:
        if narrow == wide or wide in {"Any", "object"}:
            return True
        if narrow.startswith("Literal["):
            try:
                value = ast.literal_eval(narrow.removeprefix("Literal[").removesuffix("]"))
            except (ValueError, SyntaxError):
                return False
            return self.is_subtype(type(value).__name__, wide, depth + 1)
        if (narrow, wide) in {("int", "float"), ("bool", "int"), ("bool", "float")}:
            return True
        return depth < 8 and any(self.is_subtype(base, wide, depth + 1) for base in self.bases.get(narrow, ()))

    def covered(self, members: frozenset[str], by: frozenset[str]) -> bool:
        return all(any(self.is_subtype(member, wide) for wide in by) for member in members)


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ast.unparse(node)


def python_types(package: griffe.Module) -> PythonTypes:
    types = PythonTypes()
    for module in walk_modules(package):
        for name, member in module.members.items():
            if member.is_alias or not isinstance(member, griffe.Attribute) or member.value is None:
                continue
            value = str(member.value)
            if is_type_alias(value):
                types.aliases[name] = types.members(value)
    for cls in public_classes(package).values():
        types.bases[cls.name] = frozenset(_last_name(ast.parse(str(base), mode="eval").body) for base in cls.bases)
    return types


def is_type_alias(value: str) -> bool:
    """Whether a module attribute's value is a union or a Literal: `Status = Literal["a", "b"]`
    (how the generated client spells an enum) names a type that annotations then use."""
    try:
        tree = ast.parse(value, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(tree, ast.Subscript):
        return _last_name(tree.value) in {"Literal", "Union", "Optional"}
    return isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.BitOr)


def walk_modules(module: griffe.Module) -> Iterator[griffe.Module]:
    yield module
    for member in module.members.values():
        if not member.is_alias and isinstance(member, griffe.Module):
            yield from walk_modules(member)


def public_classes(package: griffe.Module) -> dict[str, griffe.Class]:
    """Every class with a public name, by path, private modules included (their public classes
    are re-exported: `_client.RavanClient`)."""
    found: dict[str, griffe.Class] = {}

    def visit(container: griffe.Module | griffe.Class) -> None:
        for name, member in container.members.items():
            if member.is_alias or not isinstance(member, griffe.Class) or name.startswith("_"):
                continue
            found[member.path] = member
            visit(member)

    for module in walk_modules(package):
        visit(module)
    return found


def model_field_findings(old_api: griffe.Module, new_api: griffe.Module, relative: RelativePaths) -> list[Finding]:
    """The annotations of public class attributes (attrs and pydantic model fields above all),
    compared member by member of their unions: what griffe leaves out."""
    old_types, new_types = python_types(old_api), python_types(new_api)
    combined = PythonTypes(
        aliases={**old_types.aliases, **new_types.aliases}, bases={**old_types.bases, **new_types.bases}
    )
    old_classes, new_classes = public_classes(old_api), public_classes(new_api)
    findings = []
    for old_class, new_class in matched_classes(old_classes, new_classes):
        for name, old_attribute in old_class.members.items():
            new_attribute = new_class.members.get(name)
            if (
                name.startswith("_")
                or new_attribute is None
                or old_attribute.is_alias
                or new_attribute.is_alias
                or not isinstance(old_attribute, griffe.Attribute)
                or not isinstance(new_attribute, griffe.Attribute)
                or old_attribute.annotation is None
                or new_attribute.annotation is None
            ):
                continue
            old_text, new_text = str(old_attribute.annotation), str(new_attribute.annotation)
            old_members, new_members = old_types.members(old_text), new_types.members(new_text)
            if old_members == new_members:
                continue
            widened = combined.covered(old_members, new_members)
            narrowed = combined.covered(new_members, old_members)
            if widened and narrowed:
                continue  # the same values spelled otherwise
            shown = f"`{old_class.name}.{name}`: {union_text(old_members)} -> {union_text(new_members)}"
            if widened:
                gained = sorted(m for m in new_members if not any(combined.is_subtype(m, o) for o in old_members))
                rule_id = "python-model-field-type-widened"
                message = f"{shown}; it may now hold {', '.join(gained)}, which code reading it does not expect."
            elif narrowed:
                lost = sorted(m for m in old_members if not any(combined.is_subtype(m, n) for n in new_members))
                rule_id = "python-model-field-type-narrowed"
                message = f"{shown}; it no longer holds {', '.join(lost) or 'some values'}."
            else:
                rule_id = "python-model-field-type-changed"
                message = f"{shown}; the new type is neither wider nor narrower."
            source = f"{relative.path(new_attribute.filepath)}:{new_attribute.lineno or 0}"
            findings.append(finding(rule_id, new_attribute.path, message, source))
    return findings


def union_text(members: frozenset[str]) -> str:
    return " | ".join(sorted(members))


def matched_classes(
    old: Mapping[str, griffe.Class], new: Mapping[str, griffe.Class]
) -> Iterator[tuple[griffe.Class, griffe.Class]]:
    """Pairs of the same class in both versions: by path, else by a name unique on both sides
    (a class that moved module, such as a client moved into `_client.py`)."""
    new_by_name: dict[str, list[griffe.Class]] = {}
    for path, cls in new.items():
        if path not in old:
            new_by_name.setdefault(cls.name, []).append(cls)
    old_names = Counter(cls.name for cls in old.values())
    for path, old_class in old.items():
        if path in new:
            yield old_class, new[path]
        elif len(new_by_name.get(old_class.name, [])) == 1 and old_names[old_class.name] == 1:
            yield old_class, new_by_name[old_class.name][0]


class RelativePaths:
    """Shows file paths relative to the repository, whichever tree (a temporary one) they are in."""

    def __init__(self, *roots: Path) -> None:
        self.roots = [root.resolve() for root in roots]

    def path(self, path: Path | list[Path] | None) -> str:
        # griffe gives a list of directories for a namespace package, which has no one file.
        return self.text(str(path)) if isinstance(path, Path) else "?"

    def text(self, text: str) -> str:
        for root in self.roots:
            text = text.replace(f"{root}/", "")
        return text


def griffe_finding(breakage: griffe.Breakage, relative: RelativePaths) -> Finding:
    """griffe's one-line explanation as a finding: `file:line: Object.name: Kind: old -> new`."""
    text = relative.text(ANSI_ESCAPE.sub("", breakage.explain(style=griffe.ExplanationStyle.ONE_LINE)))
    rule_id = GRIFFE_RULES.get(breakage.kind, "python-api-breakage")
    parts = text.split(": ", 2)
    if len(parts) < 3:
        return finding(rule_id, breakage.obj.path, text)
    location, title, change = parts
    # An alias (a re-exported name) lives in the module that imports it, not in its target's.
    owner = breakage.obj.parent if breakage.obj.is_alias and breakage.obj.parent else breakage.obj
    return finding(rule_id, f"{owner.module.path}.{title}", f"{title}: {change}", location)


def compare_python_packages(old_root: Path, new_root: Path, package: str, relative: RelativePaths) -> list[Finding]:
    """griffe's breakages and the model field annotations of `package`, found under both roots."""
    # Static analysis only: the base's code is never imported or run.
    old_api = griffe.load(package, search_paths=[old_root], allow_inspection=False)
    new_api = griffe.load(package, search_paths=[new_root], allow_inspection=False)
    if not isinstance(old_api, griffe.Module) or not isinstance(new_api, griffe.Module):
        raise ApiDiffError(f"{package} did not load as a package")
    findings = [griffe_finding(breakage, relative) for breakage in griffe.find_breaking_changes(old_api, new_api)]
    return findings + model_field_findings(old_api, new_api, relative)


# --- the comparison as a whole -------------------------------------------------------------------


@dataclass
class Report:
    """Everything the comparison found, and the verdict the exit code follows."""

    base_label: str
    base_commit: str
    head_label: str
    old_version: str | None
    new_version: str
    diffstat: str
    findings: list[Finding]
    warnings: list[str]
    notes: list[str] = field(default_factory=list)
    """How the comparison was made, when not the usual way (both sides generated afresh)."""

    def of(self, severity: Severity) -> list[Finding]:
        return [item for item in self.findings if item.severity is severity]

    @property
    def breaking_count(self) -> int:
        return len(self.of(Severity.BREAKING))

    @property
    def major_bumped(self) -> bool:
        old_major = major_of(self.old_version)
        new_major = major_of(self.new_version)
        return old_major is not None and new_major is not None and new_major > old_major

    @property
    def fails(self) -> bool:
        return self.breaking_count > 0 and not self.major_bumped

    def verdict(self) -> str:
        versions = f"info.version {self.old_version or '(none)'} -> {self.new_version}"
        if self.breaking_count == 0:
            return f"No breaking changes ({versions})."
        if self.major_bumped:
            return f"{self.breaking_count} breaking change(s), announced by a major version bump ({versions})."
        return (
            f"{self.breaking_count} breaking change(s) without a major version bump ({versions}): this fails. "
            "Keep the old field, parameter or response, or bump the major number of info.version if the break "
            "is intended."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "base": {"label": self.base_label, "commit": self.base_commit},
            "head": self.head_label,
            "versions": {"old": self.old_version, "new": self.new_version, "major_bumped": self.major_bumped},
            "fails": self.fails,
            "verdict": self.verdict(),
            "counts": {str(severity): len(self.of(severity)) for severity in Severity},
            "warnings": self.warnings,
            "notes": self.notes,
            "findings": [item.as_json() for item in self.findings],
        }


def major_of(version: str | None) -> int | None:
    match = re.match(r"\s*v?(\d+)", version or "")
    return int(match.group(1)) if match else None


def build_report(base_ref: str | None, head_ref: str | None = None) -> Report:
    base_commit, base_label = resolve_base(base_ref)
    head_commit = None
    if head_ref:
        head_commit = commit_of(head_ref)
        if head_commit is None:
            raise ApiDiffError(f"{head_ref!r} does not name a commit in this repository")
    old_text = spec_text_at(base_commit)
    if head_commit is None:
        new_text: str | None = (REPO / SPEC).read_text(encoding="utf-8")
        head_label = "the working tree"
    else:
        new_text = spec_text_at(head_commit)
        head_label = f"{head_ref} ({head_commit[:12]})"
    if new_text is None:
        raise ApiDiffError(f"{SPEC} does not exist in {head_label}")
    new_spec = load_yaml(new_text, f"{SPEC} ({head_label})")
    warnings = []
    findings: list[Finding] = []
    old_spec = None
    if old_text is None:
        warnings.append(f"{SPEC} does not exist at {base_label}: everything in it is new.")
    else:
        old_spec = load_yaml(old_text, f"{SPEC} at {base_commit[:12]}")
        findings += compare_specs(old_spec, new_spec)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="api-diff-") as scratch_name:
        scratch = Path(scratch_name)
        base = checkout(base_commit, base_label, scratch / "base-inputs")
        head = checkout(head_commit, head_label, scratch / "head-inputs")
        stale = [] if old_text is None else [(tree, staleness(tree)) for tree in (base, head)]
        stale_text = " and at ".join(f"{tree.label} ({reason})" for tree, reason in stale if reason)
        if not stale_text:
            findings += committed_python_findings(base, head, scratch, warnings)
        else:
            try:
                base_root, head_root = generate(base, scratch), generate(head, scratch)
            except GenerationFailed as error:
                warnings.append(
                    f"generated/ is not what the spec produces at {stale_text}, and {error}: the Python API is "
                    "not compared, the spec half alone gives the verdict."
                )
            else:
                notes.append(
                    f"generated/ is not what the spec produces at {stale_text}: the Python API is compared "
                    "between both sides generated afresh from their own spec/ (scripts/generate --out, into a "
                    "temporary directory)."
                )
                relative = RelativePaths(base_root, head_root)
                for project_dir, package in GENERATED_PACKAGES:
                    old_project, new_project = base_root / project_dir, head_root / project_dir
                    findings += compare_python_packages(old_project, new_project, package, relative)
    diff_args = [base_commit, head_commit] if head_commit else [base_commit]
    return Report(
        base_label=base_label,
        base_commit=base_commit,
        head_label=head_label,
        old_version=str(old_spec["info"]["version"]) if old_spec is not None else None,
        new_version=str(new_spec["info"]["version"]),
        diffstat=git("diff", "--stat", *diff_args, "--", "spec/").strip(),
        findings=merge_findings(findings),
        warnings=warnings,
        notes=notes,
    )


def committed_python_findings(base: Tree, head: Tree, scratch: Path, warnings: list[str]) -> list[Finding]:
    """The Python API of the packages committed at both sides (the working tree's as on disk)."""
    base_tree = scratch / "base"
    head_tree = REPO if head.commit is None else scratch / "head"
    relative = RelativePaths(base_tree, head_tree, REPO)
    findings: list[Finding] = []
    for project_dir, package in GENERATED_PACKAGES:
        if head.commit is not None and not extract_at(head.commit, f"{project_dir}/{package}", head_tree):
            warnings.append(f"{project_dir}/{package} is not committed at {head.label}: not compared")
            continue
        if not (head_tree / project_dir / package).is_dir():
            warnings.append(f"{project_dir}/{package} is not in {head.label}: not compared")
            continue
        assert base.commit is not None
        if not extract_at(base.commit, f"{project_dir}/{package}", base_tree):
            warnings.append(f"{project_dir}/{package} is not committed at the base: nothing to compare with")
            continue
        findings += compare_python_packages(base_tree / project_dir, head_tree / project_dir, package, relative)
    return findings


# --- generating a side afresh --------------------------------------------------------------------

# What the generate step reads, checked out at a commit to generate that commit's packages.
GENERATE_INPUTS = ("spec", "scripts/lib", "pyproject.toml", ".spectral.yaml")
GENERATE_SCRIPT = "scripts/lib/generate.py"
PROVENANCE = "generated/provenance.json"
# Seconds for one side: about ten on a quiet machine; a busy CI machine gets a wide margin.
GENERATE_TIMEOUT = 900
# What the generate step of a checkout would stamp as inputs_sha256 today (argv: checkout, spec).
INPUTS_DIGEST = (
    "import sys, yaml\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from scripts.lib.generate import build_provenance\n"
    "spec = open(sys.argv[2], 'rb').read()\n"
    "print(build_provenance(spec, yaml.safe_load(spec))['inputs_sha256'])\n"
)


class GenerationFailed(Exception):
    """A side's packages could not be generated; the message names the side and says why."""


@dataclass(frozen=True)
class Tree:
    """One side of the comparison: its commit (None for the working tree), how the report names it,
    and a checkout of what the generate step reads (the repository itself for the working tree)."""

    commit: str | None
    label: str
    root: Path

    def read(self, path: str) -> bytes | None:
        """A committed file's bytes (the working tree's on disk), or None when there is none."""
        if self.commit is None:
            file = REPO / path
            return file.read_bytes() if file.is_file() else None
        result = subprocess.run(["git", "show", f"{self.commit}:{path}"], cwd=REPO, capture_output=True, check=False)
        return result.stdout if result.returncode == 0 else None


def checkout(commit: str | None, label: str, destination: Path) -> Tree:
    """A side, with the generate step's inputs at `commit` written under `destination`."""
    if commit is None:
        return Tree(None, label, REPO)
    destination.mkdir(parents=True)
    for path in GENERATE_INPUTS:
        extract_at(commit, path, destination)  # one that is missing makes generating that side fail
    if (REPO / "node_modules").is_dir():
        # Spectral, which lints the spec first, is a Node tool installed here only.
        (destination / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return Tree(commit, label, destination)


def staleness(tree: Tree) -> str | None:
    """Why the generated/ of a side is not what its spec produces (None when it is): generated from
    another spec, or with other templates, runtime, generator options or versions (its provenance
    stamp, checked the way scripts/lib/provenance.py checks the working tree's)."""
    stamp_bytes = tree.read(PROVENANCE)
    try:
        stamp = json.loads(stamp_bytes) if stamp_bytes is not None else None
    except ValueError:
        stamp = None
    if not isinstance(stamp, dict):
        return f"no readable {PROVENANCE}"
    spec_bytes = tree.read(SPEC) or b""
    if stamp.get("spec_sha256") != hashlib.sha256(spec_bytes).hexdigest():
        return f"made from another {SPEC}"
    if inputs_digest(tree, spec_bytes) != stamp.get("inputs_sha256"):
        return "made with other templates, runtime modules, generator options or versions"
    return None


def inputs_digest(tree: Tree, spec_bytes: bytes) -> str | None:
    """The inputs_sha256 the side's own generate step would stamp today (None if it cannot say)."""
    if tree.commit is None:
        from scripts.lib.generate import build_provenance

        return str(build_provenance(spec_bytes, yaml.safe_load(spec_bytes))["inputs_sha256"])
    # Another commit's generate step (its templates, its hashing): run it, never import it here.
    result = subprocess.run(
        [sys.executable, "-c", INPUTS_DIGEST, str(tree.root), str(tree.root / SPEC)],
        cwd=tree.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=GENERATE_TIMEOUT,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def generate(tree: Tree, scratch: Path) -> Path:
    """Generate a side's packages from its own inputs with this environment's pinned generators, as
    `scripts/generate --spec FILE --out DIR` does; the directory whose `generated/` holds them."""
    script = tree.root / GENERATE_SCRIPT
    if not script.is_file() or not (tree.root / SPEC).is_file():
        raise GenerationFailed(f"{tree.label} has no {GENERATE_SCRIPT} or no {SPEC} to generate from")
    # A fresh directory that does not exist yet: the generate step makes (and may replace) only its own.
    root = Path(tempfile.mkdtemp(prefix="generated-", dir=scratch))
    command = [sys.executable, str(script), "--spec", str(tree.root / SPEC), "--out", str(root / "generated")]
    try:
        result = subprocess.run(
            command, cwd=tree.root, capture_output=True, text=True, check=False, timeout=GENERATE_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise GenerationFailed(f"{tree.label} could not be generated within {GENERATE_TIMEOUT} s") from None
    if result.returncode != 0 or not (root / "generated").is_dir():
        raise GenerationFailed(f"{tree.label} could not be generated ({generation_error(result)})")
    return root


def generation_error(result: subprocess.CompletedProcess[str]) -> str:
    """The generate step's own one-line reason (its `error: ...` line), or its last line of output."""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    reason = next((line.removeprefix("error: ") for line in lines if line.startswith("error: ")), None)
    if reason is None:
        reason = lines[-1] if lines else f"exit code {result.returncode}"
    return reason if len(reason) <= 240 else reason[:237] + "..."


# --- git -----------------------------------------------------------------------------------------


def git(*args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise ApiDiffError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout if result.returncode == 0 else ""


def commit_of(ref: str) -> str | None:
    sha = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).strip()
    return sha or None


def resolve_base(base_ref: str | None) -> tuple[str, str]:
    """The commit to compare with, and how to name it in the report."""
    if base_ref and set(base_ref) == {"0"}:
        # GitHub's "commit before the push" for a newly created branch: there is none.
        base_ref = None
    if base_ref:
        commit = commit_of(base_ref)
        if commit is None:
            raise ApiDiffError(f"{base_ref!r} does not name a commit in this repository")
        return commit, base_ref
    head = commit_of("HEAD")
    if head is None:
        raise ApiDiffError("the repository has no commit yet: nothing to compare with")
    if git("rev-parse", "--abbrev-ref", "HEAD", check=False).strip() == "main":
        return head, "HEAD (on main)"
    # CI checkouts often have only the remote-tracking branch.
    for main_ref in ("main", "origin/main"):
        if commit_of(main_ref) is not None:
            merge_base = git("merge-base", "HEAD", main_ref, check=False).strip()
            if merge_base:
                return merge_base, f"the merge base with {main_ref}"
    return head, "HEAD (no main branch to take a merge base with)"


def spec_text_at(commit: str) -> str | None:
    result = subprocess.run(["git", "show", f"{commit}:{SPEC}"], cwd=REPO, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def load_yaml(text: str, label: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ApiDiffError(f"{label} is not valid YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise ApiDiffError(f"{label} is not an OpenAPI document")
    return loaded


def extract_at(commit: str, path: str, destination: Path) -> bool:
    """Write the tree at `commit:path` under `destination`; False when the commit has no such path."""
    result = subprocess.run(
        ["git", "archive", "--format=tar", commit, "--", path], cwd=REPO, capture_output=True, check=False
    )
    if result.returncode != 0:
        return False
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(destination, filter="data")
    return True


# --- output --------------------------------------------------------------------------------------

SECTION_TITLES = {
    Severity.BREAKING: "Breaking changes",
    Severity.WARNING: "Warnings, not breaking but worth a look",
    Severity.INFO: "Other changes, not breaking",
}


def render_text(report: Report) -> str:
    lines = [f"Comparing {report.head_label} with {report.base_label} ({report.base_commit[:12]})."]
    lines += [f"warning: {warning}" for warning in report.warnings]
    lines += [f"note: {note}" for note in report.notes]
    lines += ["", "What changed in spec/ (git diff --stat):", indent(report.diffstat or "nothing")]
    for severity in Severity:
        found = report.of(severity)
        if not found and severity is not Severity.BREAKING:
            continue
        lines += ["", f"{SECTION_TITLES[severity]} ({len(found)}):"]
        lines += [line for item in found for line in text_lines(item)] or ["  none"]
    lines += ["", report.verdict()]
    return "\n".join(lines)


def text_lines(item: Finding) -> list[str]:
    where = item.where[0] + (f" (and {len(item.where) - 1} more)" if len(item.where) > 1 else "")
    lines = [f"  - [{item.rule.id}] {where}", f"      {item.message}"]
    if item.source:
        lines.append(f"      at {item.source}")
    return lines


def render_markdown(report: Report) -> str:
    icon = "❌" if report.fails else ("⚠️" if report.breaking_count else "✅")
    lines = [
        f"## API diff against {report.base_label} (`{report.base_commit[:12]}`)",
        "",
        f"{icon} {report.verdict()}",
        "",
    ]
    for warning in report.warnings:
        lines += [f"> warning: {warning}", ""]
    for note in report.notes:
        lines += [f"> note: {note}", ""]
    lines += ["### What changed in `spec/`", "", "```text", report.diffstat or "nothing", "```", ""]
    for severity in Severity:
        found = report.of(severity)
        if not found and severity is not Severity.BREAKING:
            continue
        lines += [f"### {SECTION_TITLES[severity]} ({len(found)})", ""]
        if not found:
            lines += ["none", ""]
            continue
        lines += ["| Rule | Where | Change | Defined at |", "| --- | --- | --- | --- |"]
        for item in found:
            where = "<br>".join(cell(w) for w in item.where)
            source = f"`{cell(item.source)}`" if item.source else ""
            lines.append(f"| `{item.rule.id}` | {where} | {cell(item.message)} | {source} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False)


def cell(text: str) -> str:
    """Text that cannot break a Markdown table row."""
    return text.replace("|", "\\|").replace("\n", " ")


def indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


def render_rules(output_format: str) -> str:
    if output_format == "json":
        return json.dumps(
            [
                {"id": r.id, "severity": str(r.severity), "side": str(r.side), "description": r.description}
                for r in RULES
            ],
            indent=2,
        )
    if output_format == "markdown":
        lines = ["| Rule id | Severity | Side | What it means |", "| --- | --- | --- | --- |"]
        lines += [f"| `{r.id}` | {r.severity} | {r.side} | {cell(r.description)} |" for r in RULES]
        return "\n".join(lines)
    width = max(len(rule.id) for rule in RULES)
    return "\n".join(f"{r.id:<{width}}  {r.severity:<8}  {r.side:<9}  {r.description}" for r in RULES)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/api-diff",
        description=__doc__.splitlines()[0],
        epilog=(
            "Exit code: 1 when a change breaks callers and the spec's info.version major number was not "
            "bumped since BASE_REF; 0 when nothing breaks or the major number went up (the report is "
            "still printed); 2 on a usage error."
        ),
    )
    parser.add_argument(
        "base_ref",
        nargs="?",
        metavar="BASE_REF",
        help=(
            "git ref to compare with (default: the merge base with main; HEAD on main or without one). "
            "An empty or all-zero ref (GitHub's 'before' of a new branch) means the default."
        ),
    )
    parser.add_argument(
        "--summary",
        metavar="FILE",
        help="also append the report as Markdown to FILE (CI passes $GITHUB_STEP_SUMMARY)",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text", help="how to print (default: text)")
    parser.add_argument(
        "--head",
        metavar="REF",
        help="compare the spec and generated/ committed at REF instead of the working tree",
    )
    parser.add_argument("--list-rules", action="store_true", help="print the catalogue of rules and exit")
    args = parser.parse_args(argv)
    if args.list_rules:
        print(render_rules(args.format))
        return 0
    try:
        report = build_report(args.base_ref, args.head)
    except ApiDiffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(RENDERERS[args.format](report))
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(render_markdown(report) + "\n")
    return 1 if report.fails else 0


if __name__ == "__main__":
    sys.exit(main())
