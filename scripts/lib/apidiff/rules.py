"""The catalogue of the breaking-change gate, and the findings that cite it.

Every rule has a stable id, a severity (breaking, warning, info), the side it applies to and one
line saying why; `--list-rules` prints `RULES`, and the README's rule table is that print (a test
keeps them in step). Both halves (`spec_half`, `python_half`) report `Finding`s of these rules and
`report` renders them; `ApiDiffError` is how any room says that the comparison cannot run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum, StrEnum
from typing import Any


class ApiDiffError(Exception):
    """The comparison cannot run (unknown ref, unreadable spec); the message says why."""


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
