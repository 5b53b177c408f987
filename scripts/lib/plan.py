"""The plan of the spec: every decision of the spec -> Python mapping, made once, read by every template.

`build_plan(document, generator_data)` turns the raw spec (through the shared resolver in
`openapi_document.py`) and openapi-python-client's parsed view of it (for the names of the model
classes it generates) into plain data:

- one `ResourcePlan` per tag, holding its operations;
- per operation (`OperationPlan`): the method name, the path, its parameters (path, query,
  header) and JSON body properties, each with its Python name, annotation, runtime check and
  command-line option kind (`ValueRule`); the success response's kind (object, array, empty,
  any JSON) and model; the pagination (`x-pagination`); whether it may be retried after the
  request was sent; its documented error statuses; its command-line names and columns;
- per model field (`field_shape`): how the response models read and type it.

A shape the plan does not support stops generation with a `PlanError` naming the operation and
what is unsupported; nothing else is rendered then. The templates (`resources.py.jinja`,
`_client.py.jinja`, `cli.py.jinja`, `model.py.jinja`) only print what the plan decided.

Naming rule for methods (documented in README "Changing the API"): the operation's
`x-python-name` if it has one, else its operationId in snake_case with the tag's name (plural or
singular) dropped from the end: `listCallSessions` under the tag `call-sessions` is
`client.call_sessions.list`, `createCall` under `calls` is `client.calls.create`.

Extensions read here (each documented in the README):
- `x-pagination` (operation): the pager; see `PAGINATION_STYLES` of the runtime's `_pagination.py`.
- `x-incremental` (paginated operation): a `sync` command and a dlt resource; see `_plan_incremental`.
- `x-python-name` (operation): the method's name.
- `x-idempotent: true` (POST or PATCH operation): safe to retry after the request was sent.
- `x-cli-columns` (schema of a paginated operation's items): the columns of `list`'s table.
- `x-cli.top-level-commands` (document): the tag whose list/export are also `ravan-calls list/export`.
"""

from __future__ import annotations

import importlib.util
import itertools
import keyword
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlsplit

from scripts.lib.literals import python_literal
from scripts.lib.openapi_document import OpenAPIDocument, Operation, Schema, SpecError

REPO = Path(__file__).resolve().parents[2]
RUNTIME_DIR = REPO / "spec" / "client" / "ravan_runtime"

# Keyword arguments every generated method has; a spec parameter or body property may not take them.
RESERVED_ARGUMENTS = frozenset(
    {"self", "extra_query", "extra_headers", "extra_body", "timeout", "max_retries", "max_items", "prefetch"}
)
# Methods every resource class has, or that would shadow Python behaviour.
RESERVED_METHOD_NAMES = frozenset({"with_options", "with_raw_response"})
# The response models' own API, in both packages: a field named like one of these would shadow it,
# so it takes a trailing underscore (`to_dict` -> `to_dict_`; documented in README "Changing the
# API"). The client's WireModel names, and pydantic's BaseModel public names (datamodel-code-
# generator renames those the same way itself).
MODEL_API_NAMES = frozenset(
    {
        "to_dict",
        "from_dict",
        "additional_properties",
        "additional_keys",
        "model_fields_set",
        "model_invalid_fields",
        # The local names of the client models' from_dict (model.py.jinja): a field of that name
        # would be read over by them.
        "cls",
        "src_dict",
        "values",
        "types",
        "text",
        "item",
        "obj",
        "names",
        "get",
        "name",
    }
) | frozenset(name for name in dir(__import__("pydantic").BaseModel) if not name.startswith("_"))
IDEMPOTENT_METHODS = frozenset({"get", "head", "put", "delete", "options", "trace"})
DEFAULT_TABLE_COLUMNS = 8
JSON_MEDIA_TYPE = "application/json"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_MEDIA_TYPE = "multipart/form-data"
# The page size `export` sends when the size parameter declares no maximum: the vendor documents
# none; 100 is what APIs of this kind commonly accept (public code asks this one for more), and it
# takes 5x fewer requests than the default of 20.
DEFAULT_EXPORT_PAGE_SIZE = 100


class PlanError(SpecError):
    """The spec asks for something the generator does not support; the message says what and where."""


# RFC 9110 section 5.6.2: a field name is a token.
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True)
class PackageMetadata:
    """What the spec says of the packages themselves, checked: both pyproject.toml files print it."""

    version: str
    """`info.version`, a PEP 440 public version (no local label: the generator adds its own)."""
    license: str | None
    """`info.license.identifier` as a canonical SPDX expression, or None when the spec names none."""


def package_metadata(raw: Mapping[str, Any]) -> PackageMetadata:
    """`info.version` and `info.license`, refused in one line when a package could not carry them."""
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
    from packaging.version import InvalidVersion, Version

    info = raw.get("info")
    if not isinstance(info, Mapping):
        raise PlanError("the spec has no info object")
    version = info.get("version")
    if not isinstance(version, str):
        raise PlanError(f"info.version must be a string, got {version!r}")
    try:
        parsed = Version(version)
    except InvalidVersion:
        parsed = None
    if parsed is None or parsed.local is not None or version != version.strip():
        raise PlanError(f"info.version {version!r} is not a PEP 440 public version (such as 1.2.0 or 2.0.0rc1)")
    license_info = info.get("license")
    identifier = license_info.get("identifier") if isinstance(license_info, Mapping) else None
    license_expression = None
    if identifier is not None:
        try:
            license_expression = canonicalize_license_expression(str(identifier))
        except InvalidLicenseExpression:
            raise PlanError(f"info.license.identifier {identifier!r} is not an SPDX license expression") from None
    return PackageMetadata(version=version, license=license_expression)


# --- the plan's data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRule:
    """How one argument is typed, checked before sending, and offered on the command line."""

    kind: str
    """string, integer, number, boolean, choice, date-time, date, array, object or any."""
    annotation: str
    """The Python type of the argument, without `| None` (e.g. `int`, `datetime.datetime`)."""
    check: str
    """Source of the runtime rule that checks and serializes it (`IntegerRule(minimum=1)`)."""
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    item: ValueRule | None = None

    @property
    def summary(self) -> str:
        """What is allowed, in a few words, for docstrings and --help."""
        if self.kind == "choice" and self.choices is not None:
            return " or ".join(repr(c) for c in self.choices)
        bounds = [
            f">= {_number_literal(self.minimum)}" if self.minimum is not None else "",
            f"> {_number_literal(self.exclusive_minimum)}" if self.exclusive_minimum is not None else "",
            f"<= {_number_literal(self.maximum)}" if self.maximum is not None else "",
            f"< {_number_literal(self.exclusive_maximum)}" if self.exclusive_maximum is not None else "",
        ]
        bounds_text = " and ".join(b for b in bounds if b)
        if self.kind in ("integer", "number"):
            return f"{'an integer' if self.kind == 'integer' else 'a number'}{' ' + bounds_text if bounds_text else ''}"
        if self.kind == "date-time":
            return "a timezone-aware datetime"
        if self.kind == "date":
            return "a date"
        if self.kind == "file":
            return "bytes, a binary file object, a path, or (filename, content[, content_type])"
        if self.kind == "array" and self.item is not None and self.item.kind == "file":
            return "a list of files (bytes, binary file objects or paths)"
        return ""


@dataclass(frozen=True)
class ArgumentPlan:
    """One keyword argument of a generated method: a path, query or header parameter, or a
    property of a JSON body."""

    wire_name: str
    python_name: str
    location: str
    """path, query, header or body."""
    required: bool
    rule: ValueRule
    description: str
    default: Any = None
    has_default: bool = False
    null_is_sent: bool = False
    """A body property that may be null: `None` sends JSON null and omitting it (NOT_GIVEN) sends nothing."""
    path_level: bool = False
    example: Any = None
    """The spec's example value (as it would travel), when it gives one."""
    reserved_flags: frozenset[str] = frozenset()
    """The document's credential options (`--api-key`, `--username`, ...), taken like the CLI's own."""

    @property
    def signature_annotation(self) -> str:
        annotation = self.rule.annotation
        if self.null_is_sent:
            return f"{annotation} | None | NotGiven" if not self.required else f"{annotation} | None"
        if self.required:
            return f"{annotation} | None" if self.rule.nullable else annotation
        return f"{annotation} | None"

    @property
    def signature_default(self) -> str | None:
        if self.required:
            return None
        return "NOT_GIVEN" if self.null_is_sent else "None"

    @property
    def cli_flag(self) -> str:
        """`--python-name`; an argument whose flag the CLI keeps for itself (`--format`, `--api-key`,
        ... : the runtime's RESERVED_FLAGS) is `--<location>-python-name` instead (`--query-format`)."""
        flag = "--" + self.python_name.replace("_", "-")
        if set(self.cli_flags_for(flag)) & (cli_reserved_flags() | self.reserved_flags):
            flag = f"--{self.location}-{flag[2:]}"
        return flag

    def cli_flags_for(self, flag: str) -> tuple[str, ...]:
        """Every spelling the CLI gives the option (a boolean has its `--no-` too)."""
        return (flag, f"--no-{flag[2:]}") if self.rule.kind == "boolean" else (flag,)

    @property
    def doc(self) -> str:
        """The argument's line in a docstring: the spec's description, what is allowed, the default."""
        parts = [self.description.rstrip(".") + "." if self.description else ""]
        allowed = self.rule.summary
        if allowed:
            parts.append(f"Allowed: {allowed}.")
        if self.null_is_sent:
            parts.append("None sends null; leave it out to send nothing.")
        if self.has_default and self.default is not None:
            parts.append(f"Server default: {self.default!r}.")
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class BodyPlan:
    media_type: str
    required: bool
    flattened: bool
    """True: each property is its own keyword argument; False: one `body` argument (not an object)."""
    arguments: tuple[ArgumentPlan, ...]
    check: str
    """Source of the rule of the whole body (an `ObjectRule` when flattened)."""
    files: tuple[tuple[str, str, bool, bool], ...] = ()
    """A multipart body's file properties: (Python name, wire name, a list of files?, required?)."""

    @property
    def value_arguments(self) -> tuple[ArgumentPlan, ...]:
        """The properties sent as values (every one but the files)."""
        names = {python for python, _, _, _ in self.files}
        return tuple(a for a in self.arguments if a.python_name not in names)


@dataclass(frozen=True)
class ResponsePlan:
    status: int
    kind: str
    """object (a model), array (a list), empty (no body), json (any JSON value, as received),
    bytes (a binary body: audio, a file) or text (text/*, XML)."""
    annotation: str
    """The method's return type."""
    parse: str
    """Source of a function of the decoded JSON that returns the parsed value."""
    model_imports: tuple[tuple[str, str], ...] = ()
    """(module, class) of the models the parse function uses."""
    item_annotation: str | None = None
    accept: str = JSON_MEDIA_TYPE
    """The media type asked for (the Accept header)."""


@dataclass(frozen=True)
class PaginationPlan:
    style: str
    page_argument: str
    size_argument: str
    default_page_size: int
    first_page: int
    items_path: tuple[str, ...]
    """Python attribute names from the body model to the items."""
    items_wire_path: tuple[str, ...]
    item_key: str
    """Python attribute of an item that identifies it."""
    item_key_wire: str
    body_class: str
    body_module: str
    item_class: str
    item_module: str
    body_paths: Mapping[str, tuple[str, ...]]
    """Other paths into the body the style reads (wire keys), e.g. `total`."""
    envelope_fields: tuple[tuple[str, str], ...] = ()
    """(model class, wire name) of each step of the items path: the page's envelope, whose parts
    are never None (a body without them is an error, not a record with a field that did not fit)."""


@dataclass(frozen=True)
class IncrementalPlan:
    """`x-incremental` of a paginated operation (the runtime's `_commands.Incremental`)."""

    table: str
    cursor: str
    key: str
    lower_bound: str
    """Python name of the lower-bound argument."""
    upper_bound: str
    lag: float
    order: tuple[tuple[str, Any], ...]
    """(python name, value) of the arguments that order the pages by the cursor, ascending."""
    columns: tuple[tuple[str, str], ...]
    """(wire name, dlt data type) of every property of the items."""
    extra_column: str


@dataclass(frozen=True)
class ColumnPlan:
    header: str
    path: tuple[str, ...]
    json_encoded: bool = False
    whole: bool = False
    """Never wrapped or cut in a table (ids and timestamps)."""


@dataclass(frozen=True)
class OperationPlan:
    operation_id: str
    label: str
    method: str
    path: str
    """The path template as the spec writes it (for docs)."""
    wire_path: str
    """The same template as sent: every character outside RFC 3986's path characters in its literal
    parts percent-encoded as UTF-8 (`/café` is `/caf%C3%A9`); placeholders stay as they are."""
    tag: str
    resource: str
    method_name: str
    summary: str
    description: str
    arguments: tuple[ArgumentPlan, ...]
    body: BodyPlan | None
    response: ResponsePlan
    pagination: PaginationPlan | None
    retry_after_send: bool
    error_statuses: tuple[int, ...]
    cli_command: str
    cli_export_command: str | None
    table_columns: tuple[ColumnPlan, ...] = ()
    export_columns: tuple[ColumnPlan, ...] = ()
    export_page_size: int | None = None
    """What `export` sends as the page size by default: the size parameter's maximum, else
    DEFAULT_EXPORT_PAGE_SIZE (never less than the server's default)."""
    security: Security | None = None
    """The operation's own `security`, or None for the spec's top-level one (IdentityPlan)."""
    server: str | None = None
    """The operation's (or its path's) own server, when it differs from the document's."""
    incremental: IncrementalPlan | None = None
    """`x-incremental`: how `sync` keeps a table of the items up to date."""

    @property
    def path_arguments(self) -> tuple[ArgumentPlan, ...]:
        return tuple(a for a in self.arguments if a.location == "path")

    @property
    def query_arguments(self) -> tuple[ArgumentPlan, ...]:
        return tuple(a for a in self.arguments if a.location == "query")

    @property
    def header_arguments(self) -> tuple[ArgumentPlan, ...]:
        return tuple(a for a in self.arguments if a.location == "header")

    @property
    def body_arguments(self) -> tuple[ArgumentPlan, ...]:
        return self.body.arguments if self.body else ()

    @property
    def all_arguments(self) -> tuple[ArgumentPlan, ...]:
        return self.arguments + self.body_arguments

    @property
    def constant_name(self) -> str:
        # Unique by construction: resource attributes are unique, and method names within one.
        return f"_{self.resource.upper()}_{self.method_name.upper()}"


@dataclass(frozen=True)
class ResourcePlan:
    tag: str
    attribute: str
    class_name: str
    description: str
    cli_name: str
    operations: tuple[OperationPlan, ...]

    @property
    def item_noun(self) -> tuple[str, str]:
        """("call session", "call sessions") for the tag call-sessions: for counts in messages."""
        plural = self.attribute.replace("_", " ")
        singular = plural[:-1] if plural.endswith("s") and not plural.endswith("ss") else plural
        return singular, plural


@dataclass(frozen=True)
class CredentialPlan:
    """A constructor argument holding a secret, and the environment variables it comes from."""

    argument: str
    env_vars: tuple[str, ...]


@dataclass(frozen=True)
class SchemePlan:
    """A security scheme of the spec the client applies (the runtime's SecurityScheme)."""

    name: str
    kind: str
    """api-key-header, api-key-query, bearer (http bearer, oauth2, openIdConnect) or basic."""
    credentials: tuple[CredentialPlan, ...]
    header: str = ""
    query: str = ""


Security = tuple[tuple[str, ...], ...]
"""Alternatives of scheme names sent together; an empty alternative: no credential needed."""


@dataclass(frozen=True)
class IdentityPlan:
    """The names the client carries (the runtime's ClientIdentity, printed by _client.py)."""

    schemes: tuple[SchemePlan, ...]
    default_security: Security
    base_url_env_var: str
    default_base_url: str | None
    log_env_var: str
    cli_name: str
    vendor: str
    client_class: str = "Client"
    """The sync client's class name (`RavanClient`); the async one is `Async` + it."""

    @property
    def async_client_class(self) -> str:
        return "Async" + self.client_class

    @property
    def credentials(self) -> tuple[CredentialPlan, ...]:
        return tuple(c for scheme in self.schemes for c in scheme.credentials)

    @property
    def credential_flags(self) -> frozenset[str]:
        return frozenset("--" + c.argument.replace("_", "-") for c in self.credentials)


@dataclass(frozen=True)
class ApiPlan:
    title: str
    api_key_header: str | None
    """The header of the first apiKey scheme, when the spec has one (exported as API_KEY_HEADER)."""
    identity: IdentityPlan
    resources: tuple[ResourcePlan, ...]
    top_level_commands: str | None
    """The resource attribute whose list/export are also top-level commands, if any."""
    skipped: tuple[str, ...] = ()
    """Operations left out (`--unsupported skip`), each as the one line that says why."""

    @property
    def envelope_fields(self) -> frozenset[tuple[str, str]]:
        """(model class, wire name) of every field on a pager's items path (see PaginationPlan)."""
        return frozenset(
            field for op in self.operations if op.pagination is not None for field in op.pagination.envelope_fields
        )

    @property
    def operations(self) -> tuple[OperationPlan, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)

    @property
    def model_imports(self) -> list[tuple[str, str]]:
        imports: set[tuple[str, str]] = set()
        for op in self.operations:
            imports.update(op.response.model_imports)
            if op.pagination:
                imports.add((op.pagination.body_module, op.pagination.body_class))
                imports.add((op.pagination.item_module, op.pagination.item_class))
        return sorted(imports)


# --- names -------------------------------------------------------------------------------------


def snake_case(value: str) -> str:
    """`callSessions` -> `call_sessions`, `X-Request-Id` -> `x_request_id`, `HTTPStatus` -> `http_status`."""
    value = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", value)
    value = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value)
    return re.sub(r"[^0-9a-zA-Z]+", "_", value).strip("_").lower()


# Operators that real documents put in parameter names (`StartTime<`, `Price>=`, `ids[]`): read as
# words, so `StartTime<` and `StartTime>` stay two arguments (`start_time_lt`, `start_time_gt`).
_OPERATOR_WORDS = (("<=", "_lte"), (">=", "_gte"), ("!=", "_ne"), ("<", "_lt"), (">", "_gt"), ("[]", ""))


def argument_identifier(value: str, *, what: str) -> str:
    """The Python name of a parameter or body property: `python_identifier`, operators as words."""
    for operator, word in _OPERATOR_WORDS:
        value = value.replace(operator, word)
    return python_identifier(value, what=what)


def python_identifier(value: str, *, what: str) -> str:
    """A valid, non-keyword Python identifier for a name from the spec (a keyword gets a `_`)."""
    name = snake_case(value)
    if not name:
        raise PlanError(f"{what}: {value!r} gives no Python name")
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or name in {"self", "cls"}:
        name += "_"
    return name


def pascal_case(value: str) -> str:
    return "".join(part.capitalize() for part in snake_case(value).split("_"))


def method_name_of(operation: Operation, tag: str) -> str:
    """The rule in the module docstring: `x-python-name`, else operationId minus the tag's name."""
    explicit = operation.raw.get("x-python-name")
    if explicit is not None:
        if (
            not isinstance(explicit, str)
            or not re.fullmatch(r"[a-z_][a-z0-9_]*", explicit)
            or keyword.iskeyword(explicit)
        ):
            raise PlanError(
                f"{operation.label}: x-python-name must be a lower-case Python identifier, got {explicit!r}"
            )
        return explicit
    operation_id = operation.operation_id
    if not operation_id:
        raise PlanError(f"{operation.label} has no operationId (or x-python-name) to name its method by")
    words = snake_case(operation_id).split("_")
    tag_words = snake_case(tag).split("_")
    singular = [*tag_words[:-1], tag_words[-1][:-1]] if tag_words[-1].endswith("s") else None
    for suffix in (tag_words, singular):
        if suffix and len(words) > len(suffix) and words[-len(suffix) :] == suffix:
            words = words[: -len(suffix)]
            break
    return python_identifier("_".join(words), what=f"method of {operation.label}")


# --- value rules -------------------------------------------------------------------------------


def value_rule(document: OpenAPIDocument, node: Any, *, where: str, depth: int = 0) -> ValueRule:
    """How a request value of this schema is typed, checked and offered on the command line."""
    schema = document.normalize(node, where=where)
    if schema.unsupported and depth < 8:
        union = _union_rule(document, schema, where=where, depth=depth)
        if union is not None:
            return union
    if schema.unsupported:
        raise PlanError(f"{where}: {schema.unsupported} cannot be checked before sending")
    nullable = schema.nullable
    null_arg = ", nullable=True" if nullable else ""
    kind = schema.single_type
    if schema.enum is not None:
        choices = tuple(schema.enum)
        if not choices:
            raise PlanError(f"{where}: an enum that allows only null has nothing to send")
        if not (
            all(isinstance(c, str) for c in choices)
            or all(isinstance(c, int) and not isinstance(c, bool) for c in choices)
        ):
            raise PlanError(f"{where}: an enum must hold only strings or only integers")
        # A closed request enum is a Literal, as in openai-python: mypy refuses "descending" where
        # only "asc" or "desc" go. The run-time check stays (ChoiceRule) for untyped callers.
        annotation = "Literal[" + ", ".join(python_literal(c) for c in choices) + "]"
        return ValueRule(
            "choice",
            annotation,
            f"ChoiceRule({python_literal(choices)}{null_arg})",
            nullable=nullable,
            choices=choices,
        )
    if kind in ("integer", "number"):
        bounds = {
            "minimum": schema.minimum,
            "maximum": schema.maximum,
            "exclusive_minimum": schema.exclusive_minimum,
            "exclusive_maximum": schema.exclusive_maximum,
        }
        arguments = "".join(f", {k}={_number_literal(v)}" for k, v in bounds.items() if v is not None)
        rule_class = "IntegerRule" if kind == "integer" else "NumberRule"
        annotation = "int" if kind == "integer" else "float"
        return ValueRule(
            kind,
            annotation,
            f"{rule_class}({arguments.removeprefix(', ')}{null_arg if arguments else null_arg.removeprefix(', ')})",
            nullable=nullable,
            minimum=schema.minimum,
            maximum=schema.maximum,
            exclusive_minimum=schema.exclusive_minimum,
            exclusive_maximum=schema.exclusive_maximum,
        )
    if kind == "boolean":
        return ValueRule("boolean", "bool", f"BooleanRule({null_arg.removeprefix(', ')})", nullable=nullable)
    if kind == "string":
        if schema.format == "date-time":
            return ValueRule(
                "date-time", "datetime.datetime", f"DateTimeRule({null_arg.removeprefix(', ')})", nullable=nullable
            )
        if schema.format == "date":
            return ValueRule("date", "datetime.date", f"DateRule({null_arg.removeprefix(', ')})", nullable=nullable)
        options = {"min_length": schema.min_length, "max_length": schema.max_length, "pattern": schema.pattern}
        if schema.format == "uuid":
            options["format"] = "uuid"
        arguments = ", ".join(f"{k}={python_literal(v)}" for k, v in options.items() if v is not None)
        if null_arg:
            arguments = f"{arguments}{null_arg}" if arguments else "nullable=True"
        return ValueRule("string", "str", f"StringRule({arguments})", nullable=nullable)
    if kind == "array":
        if depth > 8:
            raise PlanError(f"{where}: arrays nested deeper than 8 levels are not supported")
        item = value_rule(
            document, schema.items if schema.items is not None else {}, where=f"{where}[]", depth=depth + 1
        )
        options = {"min_items": schema.raw.get("minItems"), "max_items": schema.raw.get("maxItems")}
        arguments = "".join(f", {k}={v!r}" for k, v in options.items() if v is not None)
        return ValueRule(
            "array",
            f"Sequence[{item.annotation}{' | None' if item.nullable else ''}]",
            f"ArrayRule({item.check}{arguments}{null_arg})",
            nullable=nullable,
            item=item,
        )
    if kind == "object":
        if depth > 8:
            raise PlanError(f"{where}: objects nested deeper than 8 levels are not supported")
        fields = []
        for name, property_node in schema.properties.items():
            rule = value_rule(document, property_node, where=f"{where}.{name}", depth=depth + 1)
            fields.append(f"ObjectField({name!r}, {rule.check}, required={name in schema.required})")
        closed = schema.additional_properties is False
        arguments = f"({', '.join(fields)}{',' if len(fields) == 1 else ''})"
        return ValueRule(
            "object",
            "Mapping[str, Any]",
            f"ObjectRule({arguments}{', closed=True' if closed else ''}{null_arg})",
            nullable=nullable,
        )
    if not schema.types:
        return ValueRule("any", "Any", f"AnyRule({null_arg.removeprefix(', ')})", nullable=True)
    raise PlanError(f"{where}: a value of several types ({', '.join(sorted(schema.types))}) is not supported")


def _union_rule(document: OpenAPIDocument, schema: Schema, *, where: str, depth: int) -> ValueRule | None:
    """A oneOf/anyOf of several shapes as a UnionRule: the discriminator's value picks the variant
    (its mapping, else the schema names); without one, the first variant that fits (as pydantic's
    smart mode). Annotated with the union of the variants' types."""
    raw = schema.raw if isinstance(schema.raw, Mapping) else {}
    union_key = next((key for key in ("oneOf", "anyOf") if isinstance(raw.get(key), list)), None)
    if union_key is None:
        return None
    members = [m for m in raw[union_key] if not (isinstance(m, Mapping) and m.get("type") == "null")]
    variants = [
        value_rule(document, member, where=f"{where}, {union_key}[{index}]", depth=depth + 1)
        for index, member in enumerate(members)
    ]
    annotations = list(dict.fromkeys(variant.annotation for variant in variants))
    nullable = schema.nullable or len(members) < len(raw[union_key])
    arguments = [f"({', '.join(variant.check for variant in variants)},)"]
    discriminator = raw.get("discriminator")
    if isinstance(discriminator, Mapping) and isinstance(discriminator.get("propertyName"), str):
        mapping: dict[str, int] = {}
        refs = [m.get("$ref") if isinstance(m, Mapping) else None for m in members]
        explicit = discriminator.get("mapping")
        if isinstance(explicit, Mapping):
            for value, target in explicit.items():
                if target in refs:
                    mapping[str(value)] = refs.index(target)
        else:
            for index, ref in enumerate(refs):
                if isinstance(ref, str):
                    mapping[ref.rsplit("/", 1)[-1]] = index
        arguments.append(f"discriminator={python_literal(discriminator['propertyName'])}")
        arguments.append(f"mapping={python_literal(tuple(mapping.items()))}")
    if nullable:
        arguments.append("nullable=True")
    kind = "object" if all(variant.kind == "object" for variant in variants) else "any"
    return ValueRule(kind, " | ".join(annotations), f"UnionRule({', '.join(arguments)})", nullable=nullable)


def _number_literal(value: float) -> str:
    """A bound as Python source: 1 rather than 1.0, the float itself otherwise."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 2**53):
        return repr(int(value))
    return repr(value)


# --- operations --------------------------------------------------------------------------------


def build_plan(
    document: OpenAPIDocument,
    generator_data: Any,
    settings: Mapping[str, Any] | None = None,
    *,
    skip_unsupported: bool = False,
) -> ApiPlan:
    """The whole plan; raises PlanError on anything unsupported (the message names the operation),
    or, with `skip_unsupported`, leaves such an operation out and lists it in `ApiPlan.skipped`."""
    identity = client_identity(document, settings or {})
    api_key_header = next((s.header for s in identity.schemes if s.kind == "api-key-header"), None)
    endpoints = _endpoints_by_operation(generator_data)
    models = {plain(model.class_info.name): model for model in generator_data.models}
    tags_described = {t["name"]: t.get("description", "") for t in document.raw.get("tags") or []}

    by_tag: dict[str, list[OperationPlan]] = {}
    skipped: list[str] = []
    for operation in document.operations():
        tags = operation.raw.get("tags") or []
        # An operation without a tag belongs to the resource `default`, as openapi-python-client
        # files it: many published documents tag nothing.
        tag = str(tags[0]) if tags else UNTAGGED
        if not tag.strip():
            raise PlanError(f"{operation.label}: its first tag is empty")
        try:
            planned = _plan_operation(document, operation, tag, generator_data, endpoints, models, identity)
        except PlanError as error:
            if not skip_unsupported:
                raise
            skipped.append(str(error))
            continue
        by_tag.setdefault(tag, []).append(planned)

    resources = []
    attributes: dict[str, str] = {}
    taken_by_clients = client_attribute_names()
    for tag, operations in by_tag.items():
        attribute = python_identifier(tag, what=f"tag {tag!r}")
        if attribute in taken_by_clients:
            what = "a setting" if attribute in CLIENT_SETTINGS else "a method"
            raise PlanError(
                f"the tag {tag!r} would be client.{attribute}, which the client already has ({what}): rename the tag"
            )
        if attribute in attributes:
            raise PlanError(f"tags {attributes[attribute]!r} and {tag!r} both become client.{attribute}")
        attributes[attribute] = tag
        names: dict[str, OperationPlan] = {}
        for op in list(operations):
            if op.method_name in names:
                clash = (
                    f"{op.label}: it and {names[op.method_name].label} would both be "
                    f"client.{attribute}.{op.method_name}: give one of them an x-python-name"
                )
                if not skip_unsupported:
                    raise PlanError(clash)
                skipped.append(clash)
                operations.remove(op)
                continue
            if op.method_name in RESERVED_METHOD_NAMES:
                raise PlanError(f"{op.label}: the method name {op.method_name!r} is reserved; give it an x-python-name")
            names[op.method_name] = op
        if not operations:
            continue
        commands: dict[str, OperationPlan] = {}
        for op in operations:
            for command in (op.cli_command, op.cli_export_command):
                if command is None:
                    continue
                if command in commands and commands[command] is not op:
                    raise PlanError(
                        f"{commands[command].label} and {op.label} would both be the command "
                        f"`{snake_to_cli(attribute)} {command}`: give one an x-python-name"
                    )
                commands[command] = op
        resources.append(
            ResourcePlan(
                tag=tag,
                attribute=attribute,
                class_name=pascal_case(tag),
                description=str(tags_described.get(tag) or f"Operations tagged {tag}."),
                cli_name=snake_to_cli(attribute),
                operations=tuple(operations),
            )
        )

    top_level = (document.raw.get("x-cli") or {}).get("top-level-commands")
    top_level_attribute = None
    if top_level is not None:
        if top_level not in by_tag:
            raise PlanError(f"x-cli.top-level-commands names the tag {top_level!r}, which no operation has")
        top_level_attribute = python_identifier(str(top_level), what="x-cli.top-level-commands")
    if not resources:
        why = f": {skipped[0]}" if skipped else ""
        raise PlanError(f"the spec has no operation the generator can serve{why}")
    _check_client_class_names(identity, resources)
    return ApiPlan(
        title=str(document.raw.get("info", {}).get("title", "API")),
        api_key_header=api_key_header,
        identity=identity,
        skipped=tuple(skipped),
        resources=tuple(resources),
        top_level_commands=top_level_attribute,
    )


# The classes the client module (_client.py) already names: the runtime's base classes.
_CLIENT_MODULE_NAMES = {"SyncAPIClient": "the runtime's base class", "AsyncAPIClient": "the runtime's base class"}


def _check_client_class_names(identity: IdentityPlan, resources: Sequence[ResourcePlan]) -> None:
    """The client classes must not take a name _client.py already uses: `AsyncAPIClient` made the
    async client a subclass of the sync one, and a tag `acme-client` a resource class that the
    client class `AcmeClient` shadowed."""
    taken = dict(_CLIENT_MODULE_NAMES)
    for resource in resources:
        why = f"the resource class of tag {resource.tag!r}"
        taken[resource.class_name] = taken[f"Async{resource.class_name}"] = why
    for name in (identity.client_class, identity.async_client_class):
        if name in taken:
            raise PlanError(
                f"config client.class_name {identity.client_class!r} makes the class {name!r}, which is already "
                f"{taken[name]}: choose another name"
            )


_ENV_PREFIX = re.compile(r"[A-Z][A-Z0-9_]*")
_CLI_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
# A class name the package's own names cannot shadow: PascalCase, ending in Client.
_CLIENT_CLASS = re.compile(r"(?:[A-Z][A-Za-z0-9]*)?Client")


def client_identity(document: OpenAPIDocument, settings: Mapping[str, Any]) -> IdentityPlan:
    """The client's names: `client:` of spec/client/config.yaml, the spec's security schemes (one
    constructor argument per credential), and its first server (its variables at their defaults)
    as the default base URL. A server URL that is not absolute http(s) (a relative one, say) gives
    no default: the caller must say where the key goes."""
    raw = document.raw
    prefix = str(settings.get("env_prefix", "API"))
    if not _ENV_PREFIX.fullmatch(prefix):
        raise PlanError(f"config client.env_prefix {prefix!r} must be upper-case letters, digits and _")
    more = tuple(str(name) for name in settings.get("more_api_key_env_vars") or ())
    for name in more:
        if not _ENV_PREFIX.fullmatch(name):
            raise PlanError(f"config client.more_api_key_env_vars: {name!r} is not an environment variable name")
    cli_name = str(settings.get("cli_name", "api"))
    if not _CLI_NAME.fullmatch(cli_name):
        raise PlanError(f"config client.cli_name {cli_name!r} must be a lower-case command name")
    client_class = str(settings.get("class_name", "Client"))
    if not _CLIENT_CLASS.fullmatch(client_class):
        raise PlanError(f"config client.class_name {client_class!r} must be a PascalCase name ending in Client")
    schemes = security_schemes(document, prefix, more)
    return IdentityPlan(
        schemes=schemes,
        default_security=default_security(document, schemes),
        base_url_env_var=f"{prefix}_BASE_URL",
        default_base_url=default_server_url(raw),
        log_env_var=f"{prefix}_LOG",
        cli_name=cli_name,
        vendor=str(settings.get("vendor", "")),
        client_class=client_class,
    )


# Names a credential argument may not take: the constructor's other arguments.
CONSTRUCTOR_ARGUMENTS = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "http_client",
        "transport",
        "allow_insecure_http",
        "max_response_bytes",
        "self",
    }
)
# Scheme kinds the client applies; every other scheme (an apiKey in a query string or a cookie,
# http digest, mutual TLS) is refused for the operations that need it.
UNSUPPORTED_SCHEME = "unsupported"


def security_schemes(
    document: OpenAPIDocument, prefix: str, more_api_key_env_vars: tuple[str, ...]
) -> tuple[SchemePlan, ...]:
    """One SchemePlan per security scheme of the spec, in its order.

    Arguments: the first token scheme (an apiKey in a header, http bearer, oauth2, openIdConnect)
    is `api_key`, as openai-python names its bearer token; the first http basic scheme is
    `username` and `password`; any further scheme takes its own name in snake_case
    (`partner_key`, `admin_username`). Each credential reads `<PREFIX>_<ARGUMENT>` from the
    environment (`RAVAN_API_KEY`), `api_key` also the config's `more_api_key_env_vars`."""
    raw_schemes = (document.raw.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(raw_schemes, Mapping):
        raise PlanError("components.securitySchemes must be a mapping")
    plans: list[SchemePlan] = []
    token_taken = basic_taken = False
    for name, node in raw_schemes.items():
        scheme = document.resolve(node, where=f"securitySchemes.{name}")
        kind_of = str(scheme.get("type", "")).lower() if isinstance(scheme, Mapping) else ""
        http_scheme = str(scheme.get("scheme", "")).lower() if isinstance(scheme, Mapping) else ""
        header = query = ""
        if kind_of == "apikey" and scheme.get("in") == "header":
            kind = "api-key-header"
            header = str(scheme.get("name", ""))
            if not HEADER_NAME.fullmatch(header):
                raise PlanError(
                    f"the apiKey security scheme {name!r}'s header name {header!r} is not an HTTP header name "
                    "(an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~)"
                )
        elif kind_of == "apikey" and scheme.get("in") == "query":
            kind = "api-key-query"
            query = str(scheme.get("name", ""))
            if not query or any(c in query for c in "&=#?") or not query.isprintable():
                raise PlanError(f"the apiKey security scheme {name!r}'s query parameter {query!r} cannot be sent")
        elif (kind_of == "http" and http_scheme == "bearer") or kind_of in ("oauth2", "openidconnect"):
            kind = "bearer"
        elif kind_of == "http" and http_scheme == "basic":
            kind = "basic"
        else:
            plans.append(SchemePlan(str(name), UNSUPPORTED_SCHEME, ()))
            continue
        own = python_identifier(str(name), what=f"security scheme {name!r}")
        arguments: tuple[str, ...]
        if kind == "basic":
            arguments = ("username", "password") if not basic_taken else (f"{own}_username", f"{own}_password")
            basic_taken = True
        else:
            arguments = ("api_key",) if not token_taken else (own,)
            token_taken = True
        credentials = []
        for argument in arguments:
            if argument in CONSTRUCTOR_ARGUMENTS or any(argument == c.argument for p in plans for c in p.credentials):
                raise PlanError(f"security scheme {name!r} would be the client argument {argument!r}, which is taken")
            env_vars = (f"{prefix}_{argument.upper()}", *(more_api_key_env_vars if argument == "api_key" else ()))
            credentials.append(CredentialPlan(argument, env_vars))
        plans.append(SchemePlan(str(name), kind, tuple(credentials), header, query))
    return tuple(plans)


def read_security(node: Any, schemes: Sequence[SchemePlan], *, where: str) -> Security:
    """A `security` list as alternatives of scheme names; those needing a scheme the client cannot
    apply are left out (PlanError when none is left)."""
    if not isinstance(node, list):
        raise PlanError(f"{where}: security must be a list of requirement objects")
    known = {scheme.name: scheme for scheme in schemes}
    alternatives: list[tuple[str, ...]] = []
    unsupported: list[str] = []
    for requirement in node:
        if not isinstance(requirement, Mapping):
            raise PlanError(f"{where}: each security requirement must be an object")
        names = tuple(str(name) for name in requirement)
        for name in names:
            if name not in known:
                raise PlanError(f"{where}: security names the scheme {name!r}, which components.securitySchemes lacks")
        if any(known[name].kind == UNSUPPORTED_SCHEME for name in names):
            unsupported.extend(name for name in names if known[name].kind == UNSUPPORTED_SCHEME)
            continue
        alternatives.append(names)
    if node and not alternatives:
        raise PlanError(
            f"{where}: needs the security scheme {unsupported[0]!r}, which the client cannot apply (it sends "
            "apiKeys in headers or query strings, http bearer, oauth2 and openIdConnect tokens, and http basic)"
        )
    return tuple(alternatives) if node else ((),)


def default_security(document: OpenAPIDocument, schemes: Sequence[SchemePlan]) -> Security:
    """The spec's top-level `security`. Without one, a spec that declares schemes is read
    leniently (many forget it): the first scheme the client holds credentials for is sent, and
    nothing when it holds none."""
    node = document.raw.get("security")
    if node is not None:
        return read_security(node, schemes, where="the top-level security")
    usable = [scheme for scheme in schemes if scheme.kind != UNSUPPORTED_SCHEME]
    if not usable:
        return ()
    return (*((scheme.name,) for scheme in usable), ())


def default_server_url(raw: Mapping[str, Any]) -> str | None:
    """`servers[0].url` with each `{variable}` at its default; None when there is no absolute one."""
    return server_url(raw.get("servers"))


def server_url(servers: Any) -> str | None:
    """The first of a `servers` list, its variables at their defaults; None when not absolute."""
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], Mapping):
        return None
    server = servers[0]
    url = server.get("url")
    if not isinstance(url, str):
        return None
    variables = server.get("variables") or {}
    for name in re.findall(r"{([^}]*)}", url):
        variable = variables.get(name) if isinstance(variables, Mapping) else None
        default = variable.get("default") if isinstance(variable, Mapping) else None
        if not isinstance(default, str):
            raise PlanError(f"servers[0].url names the variable {name!r}, which has no default")
        url = url.replace("{" + name + "}", default)
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return url.rstrip("/")


UNTAGGED = "default"

# What every client has besides its methods: settings set in __init__, and the generated extras.
CLIENT_SETTINGS = frozenset({"base_url", "timeout", "max_retries", "max_response_bytes"})
GENERATED_CLIENT_METHODS: frozenset[str] = frozenset()


def client_attribute_names() -> frozenset[str]:
    """Public names a resource attribute must not shadow on RavanClient or AsyncRavanClient (a tag
    named `call` would hide the `call` every generated method calls)."""
    runtime = runtime_module("_base_client")
    names = {
        name
        for client in (runtime.SyncAPIClient, runtime.AsyncAPIClient)
        for name in dir(client)
        if not name.startswith("_")
    }
    return frozenset(names) | CLIENT_SETTINGS | GENERATED_CLIENT_METHODS


# RFC 3986 section 3.3: a path's characters besides letters and digits (unreserved, sub-delims,
# ":", "@" and the "/" between segments).
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def wire_path_of(template: str) -> str:
    """The path template with its literal parts percent-encoded (UTF-8) where RFC 3986 asks, so a
    non-ASCII or reserved character is sent as the spec means it; an existing `%XX` is kept."""
    parts = re.split(r"({[^}]*})", template)
    encoded = []
    for index, part in enumerate(parts):
        if index % 2:  # a placeholder: replaced by an encoded value at call time
            encoded.append(part)
            continue
        chunks = re.split(r"(%[0-9A-Fa-f]{2})", part)
        encoded.append("".join(chunk if n % 2 else quote(chunk, safe=_PATH_SAFE) for n, chunk in enumerate(chunks)))
    return "".join(encoded)


def snake_to_cli(name: str) -> str:
    return name.replace("_", "-")


def path_shape(path: str) -> str:
    """A path template with its placeholders' names left out: `/pets/{petId}` and openapi-python-
    client's renamed `/pets/{pet_id}` are one path (OpenAPI forbids two templates of one shape)."""
    return re.sub(r"{[^}]*}", "{}", path)


def _endpoints_by_operation(generator_data: Any) -> dict[tuple[str, str], Any]:
    found = {}
    for collection in generator_data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            found[(path_shape(plain(endpoint.path)), endpoint.method.lower())] = endpoint
    return found


def _generator_warning(generator_data: Any, operation: Operation) -> str:
    """What openapi-python-client said about an operation it did not generate."""
    for collection in generator_data.endpoint_collections_by_tag.values():
        for error in collection.parse_errors:
            header = str(getattr(error, "header", ""))
            if f"{operation.method.upper()} {operation.path} " in header + " ":
                return str(getattr(error, "detail", "") or header)
    return "no detail"


def _plan_operation(
    document: OpenAPIDocument,
    operation: Operation,
    tag: str,
    generator_data: Any,
    endpoints: Mapping[tuple[str, str], Any],
    models: Mapping[str, Any],
    identity: IdentityPlan,
) -> OperationPlan:
    label = operation.label
    method_name = method_name_of(operation, tag)
    reserved = identity.credential_flags
    arguments = tuple(replace(a, reserved_flags=reserved) for a in _plan_parameters(document, operation))
    body = _plan_body(document, operation)
    if body is not None:
        body = replace(body, arguments=tuple(replace(a, reserved_flags=reserved) for a in body.arguments))
    own_server = server_url(operation.servers) if operation.servers is not None else None
    if operation.servers is not None and own_server is None:
        raise PlanError(f"{label}: its servers name no absolute http(s) URL to send it to")
    security = None
    if "security" in operation.raw:
        security = read_security(operation.raw["security"], identity.schemes, where=label)
    # Names every method has for its own use (`timeout`, ...) take a trailing underscore; a body
    # property named like one of the operation's parameters is `body_<name>` (Twilio's CreateCall
    # has a `Timeout` property; its UpdateIncomingPhoneNumber an `AccountSid` in path and body).
    arguments = tuple(
        replace(a, python_name=a.python_name + "_") if a.python_name in RESERVED_ARGUMENTS else a for a in arguments
    )
    if body is not None:
        parameter_names = {a.python_name for a in arguments}
        renamed: dict[str, str] = {}
        for a in body.arguments:
            name = a.python_name + "_" if a.python_name in RESERVED_ARGUMENTS else a.python_name
            renamed[a.python_name] = f"body_{name}" if name in parameter_names and a.python_name != "body" else name
        body = replace(
            body,
            arguments=tuple(replace(a, python_name=renamed[a.python_name]) for a in body.arguments),
            files=tuple((renamed[python], wire, many, required) for python, wire, many, required in body.files),
        )
    taken: dict[str, str] = {}
    for argument in arguments + (body.arguments if body else ()):
        if argument.python_name in RESERVED_ARGUMENTS:
            raise PlanError(
                f"{label}: the {argument.location} {(argument.location == 'body' and 'property') or 'parameter'} "
                f"{argument.wire_name!r} would be the argument {argument.python_name!r}, which every method "
                "already has for its own use"
            )
        if argument.python_name in taken:
            raise PlanError(
                f"{label}: {taken[argument.python_name]} and the {argument.location} {argument.wire_name!r} "
                f"would both be the argument {argument.python_name!r}"
            )
        taken[argument.python_name] = f"the {argument.location} {argument.wire_name!r}"
    flags: dict[str, str] = {}
    for argument in arguments + (body.arguments if body else ()):
        if argument.location == "path":
            continue
        for flag in argument.cli_flags_for(argument.cli_flag):
            if flag in cli_reserved_flags() | reserved or flag in flags:
                other = flags.get(flag, "the command line's own option")
                raise PlanError(
                    f"{label}: the {argument.location} {argument.wire_name!r} and {other} would both be the "
                    f"command-line option {flag}: rename one of them in the spec"
                )
            flags[flag] = f"the {argument.location} {argument.wire_name!r}"
    placeholders = set(re.findall(r"{([^}]+)}", operation.path))
    declared = {a.wire_name for a in arguments if a.location == "path"}
    if placeholders != declared:
        raise PlanError(
            f"{label}: the path's placeholders {sorted(placeholders)} and its path parameters {sorted(declared)} differ"
        )
    endpoint = endpoints.get((path_shape(operation.path), operation.method))
    if endpoint is None:
        detail = _generator_warning(generator_data, operation)
        raise PlanError(f"{label}: openapi-python-client could not generate it: {detail}")

    response = _plan_response(document, operation, endpoint, models)
    pagination = _plan_pagination(document, operation, endpoint, models, arguments, response)
    method = operation.method
    idempotent_flag = operation.raw.get("x-idempotent")
    if idempotent_flag is not None and not isinstance(idempotent_flag, bool):
        raise PlanError(f"{label}: x-idempotent must be true or false, got {idempotent_flag!r}")
    # x-idempotent says it either way: true makes a POST or PATCH safe to repeat, false keeps even a
    # PUT or DELETE from being repeated once sent (an endpoint whose deletes have side effects).
    retry_after_send = method in IDEMPOTENT_METHODS if idempotent_flag is None else idempotent_flag
    error_statuses = tuple(
        sorted(
            int(status) for status in operation.raw.get("responses", {}) if str(status).isdigit() and int(status) >= 400
        )
    )
    cli_command = snake_to_cli(method_name)
    export_command = None
    if pagination is not None:
        export_command = "export" + (snake_to_cli(method_name.removeprefix("list")) if method_name != "list" else "")
        if not export_command.startswith("export-") and export_command != "export":
            export_command = f"export-{snake_to_cli(method_name)}"
    table_columns: tuple[ColumnPlan, ...] = ()
    export_columns: tuple[ColumnPlan, ...] = ()
    export_page_size = None
    if pagination is not None:
        size = next(a for a in arguments if a.python_name == pagination.size_argument)
        maximum = size.rule.maximum
        export_page_size = (
            int(maximum) if maximum is not None else max(DEFAULT_EXPORT_PAGE_SIZE, pagination.default_page_size)
        )
        item_schema = _items_schema(document, operation)
        table_columns = _table_columns(document, item_schema, pagination.item_key_wire, where=label)
        export_columns = _export_columns(document, item_schema, where=label)
    incremental = _plan_incremental(document, operation, arguments, pagination)
    return OperationPlan(
        operation_id=operation.operation_id or method_name,
        label=label,
        method=method,
        path=operation.path,
        wire_path=wire_path_of(operation.path),
        tag=tag,
        resource=python_identifier(tag, what=f"tag {tag!r}"),
        method_name=method_name,
        summary=str(operation.raw.get("summary") or operation.operation_id or label),
        description=str(operation.raw.get("description") or "").strip(),
        arguments=arguments,
        body=body,
        response=response,
        pagination=pagination,
        retry_after_send=retry_after_send,
        security=security,
        server=own_server if own_server != identity.default_base_url else None,
        error_statuses=error_statuses,
        cli_command=cli_command,
        cli_export_command=export_command,
        table_columns=table_columns,
        export_columns=export_columns,
        export_page_size=export_page_size,
        incremental=incremental,
    )


def _plan_parameters(document: OpenAPIDocument, operation: Operation) -> tuple[ArgumentPlan, ...]:
    arguments = []
    for parameter in operation.parameters:
        location = str(parameter["in"])
        name = str(parameter["name"])
        where = f"{operation.label}, {location} parameter {name!r}"
        if location == "cookie":
            raise PlanError(f"{where}: cookie parameters are not supported")
        if location not in ("path", "query", "header"):
            raise PlanError(f"{where}: unknown location {location!r}")
        if location == "header" and name.lower() in {
            "authorization",
            "cookie",
            "content-type",
            "accept",
            "host",
            *document.api_key_headers(),
        }:
            raise PlanError(f"{where}: the client sets this header itself")
        style = parameter.get("style")
        if style not in (None, "form" if location == "query" else "simple"):
            raise PlanError(f"{where}: style {style!r} is not supported")
        schema = document.parameter_schema(parameter, where=operation.label)
        rule = value_rule(document, parameter.get("schema", {}), where=where)
        if location == "path" and rule.kind not in ("string", "integer", "number", "choice", "date", "date-time"):
            raise PlanError(f"{where}: a path parameter must be a single value, not {rule.kind}")
        if location in ("query", "header") and rule.kind == "object":
            raise PlanError(f"{where}: object-valued {location} parameters are not supported")
        if location == "header" and rule.kind == "array":
            raise PlanError(f"{where}: array-valued header parameters are not supported")
        if location == "query" and rule.kind == "array" and parameter.get("explode") is False:
            raise PlanError(f"{where}: explode: false is not supported")
        required = bool(parameter.get("required")) or location == "path"
        arguments.append(
            ArgumentPlan(
                wire_name=name,
                python_name=argument_identifier(name, what=where),
                location=location,
                required=required,
                rule=rule,
                description=str(parameter.get("description") or "").strip(),
                default=schema.default,
                has_default=schema.has_default,
                path_level=(name, location) in operation.path_level_parameter_names,
                example=_example_of(parameter, schema),
            )
        )
    # Path parameters first (positional, in the order of the path), then the rest as listed.
    order = {name: index for index, name in enumerate(re.findall(r"{([^}]+)}", operation.path))}
    path = sorted((a for a in arguments if a.location == "path"), key=lambda a: order.get(a.wire_name, 0))
    return (*path, *(a for a in arguments if a.location != "path"))


def _example_of(parameter: Mapping[str, Any], schema: Schema) -> Any:
    if "example" in parameter:
        return parameter["example"]
    if "example" in schema.raw:
        return schema.raw["example"]
    examples = schema.raw.get("examples")
    return examples[0] if isinstance(examples, list) and examples else None


def _plan_body(document: OpenAPIDocument, operation: Operation) -> BodyPlan | None:
    found = document.request_body(operation)
    if found is None:
        return None
    body, _ = found
    where = f"{operation.label}, request body"
    content = body.get("content") or {}
    media = document.json_media(content)
    form = False
    media_type = JSON_MEDIA_TYPE
    if media is None:
        bases = {str(k).split(";")[0].strip().lower(): k for k in content}
        media_type = next((m for m in (FORM_MEDIA_TYPE, MULTIPART_MEDIA_TYPE) if m in bases), "")
        if not media_type:
            raise PlanError(
                f"{where}: only JSON, form-urlencoded and multipart request bodies are supported, "
                f"got {', '.join(content)}"
            )
        media, form = content[bases[media_type]] or {}, True
    schema_node = media.get("schema", {})
    rule = value_rule(document, schema_node, where=where)
    required = bool(body.get("required"))
    schema = document.normalize(schema_node, where=where)
    if form and (rule.kind != "object" or not schema.properties):
        raise PlanError(f"{where}: a {media_type} body must be an object with properties")
    if rule.kind != "object" or not schema.properties:
        argument = ArgumentPlan(
            wire_name="body",
            python_name="body",
            location="body",
            required=required,
            rule=rule,
            description=str(body.get("description") or schema.description or "The request body.").strip(),
            null_is_sent=rule.nullable,
        )
        return BodyPlan(media_type, required, False, (argument,), rule.check)
    arguments = []
    files: list[tuple[str, str, bool, bool]] = []
    for name, property_node in schema.properties.items():
        property_where = f"{where}, property {name!r}"
        python_name = argument_identifier(name, what=property_where)
        file_kind = _file_kind(document, property_node) if media_type == MULTIPART_MEDIA_TYPE else None
        if file_kind is not None:
            many = file_kind == "many"
            file_rule = ValueRule("file", "FileTypes", "AnyRule()")
            arguments.append(
                ArgumentPlan(
                    wire_name=name,
                    python_name=python_name,
                    location="body",
                    required=name in schema.required,
                    rule=ValueRule("array", "Sequence[FileTypes]", "AnyRule()", item=file_rule) if many else file_rule,
                    description=str(document.resolve(property_node).get("description") or "").strip(),
                )
            )
            files.append((python_name, name, many, name in schema.required))
            continue
        property_rule = value_rule(document, property_node, where=property_where)
        property_schema = document.normalize(property_node, where=property_where)
        if media_type == FORM_MEDIA_TYPE and (
            property_rule.kind in ("object", "any")
            or (property_rule.item and property_rule.item.kind in ("object", "array", "any"))
        ):
            raise PlanError(
                f"{property_where}: a form field must be a value or a list of values, not {property_rule.kind}"
            )
        arguments.append(
            ArgumentPlan(
                wire_name=name,
                python_name=python_name,
                location="body",
                required=name in schema.required,
                rule=property_rule,
                description=str(property_schema.description or "").strip(),
                default=property_schema.default,
                has_default=property_schema.has_default,
                null_is_sent=property_rule.nullable,
                example=_example_of({}, property_schema),
            )
        )
    return BodyPlan(media_type, required, True, tuple(arguments), rule.check, tuple(files))


def _file_kind(document: OpenAPIDocument, node: Any) -> str | None:
    """ "one" for a file part (a binary string: `format: binary` in 3.0, `contentMediaType` or
    `contentEncoding` in 3.1), "many" for a list of them, None for any other property."""
    schema = document.resolve(node)
    if not isinstance(schema, Mapping):
        return None
    types = schema.get("type")
    types = set(types) if isinstance(types, list) else {types}
    if "array" in types:
        return "many" if _file_kind(document, schema.get("items") or {}) == "one" else None
    if "string" in types and (
        schema.get("format") == "binary" or "contentMediaType" in schema or "contentEncoding" in schema
    ):
        return "one"
    return None


def _success_status(operation: Operation) -> int:
    statuses = sorted(
        int(status)
        for status in operation.raw.get("responses", {})
        if str(status).isdigit() and 200 <= int(status) < 300
    )
    if not statuses:
        raise PlanError(f"{operation.label} documents no 2xx response")
    return statuses[0]


def _plan_response(
    document: OpenAPIDocument, operation: Operation, endpoint: Any, models: Mapping[str, Any]
) -> ResponsePlan:
    status = _success_status(operation)
    response = document.responses(operation)[str(status)]
    media = document.json_media(response.get("content"))
    if status == 204 or not response.get("content"):
        return ResponsePlan(status, "empty", "None", "")
    if media is None:
        media_type = str(next(iter(response["content"])))
        base = media_type.split(";")[0].strip().lower()
        if base.startswith("text/") or base.endswith(("/xml", "+xml")):
            return ResponsePlan(status, "text", "str", "", accept=media_type)
        return ResponsePlan(status, "bytes", "bytes", "", accept=media_type)
    prop = _endpoint_response_prop(endpoint, status)
    if prop is None:
        return ResponsePlan(status, "json", "Any", "_as_received")
    model = _single_model(prop, models)
    if model is not None and not _is_free_form(model):
        cls, module = plain(model.class_info.name), plain(model.class_info.module_name)
        return ResponsePlan(status, "object", cls, f"{cls}.from_dict", ((module, cls),))
    inner = getattr(_non_null(prop), "inner_property", None)
    if inner is not None:
        item_model = _single_model(inner, models)
        if item_model is not None and not _is_free_form(item_model):
            cls, module = plain(item_model.class_info.name), plain(item_model.class_info.module_name)
            return ResponsePlan(
                status,
                "array",
                f"list[{cls}]",
                f"_list_of({cls}.from_dict)",
                ((module, cls),),
                item_annotation=cls,
            )
        return ResponsePlan(status, "array", "list[Any]", "_as_list", item_annotation="Any")
    return ResponsePlan(status, "json", "Any", "_as_received")


def _endpoint_response_prop(endpoint: Any, status: int) -> Any:
    for response in endpoint.responses.patterns:
        if response.status_code.range == (status, status):
            return response.prop
    return None


def _non_null(prop: Any) -> Any:
    members = getattr(prop, "inner_properties", None)
    if not members:
        return prop
    non_null = [m for m in members if type(m).__name__ != "NoneProperty"]
    return non_null[0] if len(non_null) == 1 else prop


def _single_model(prop: Any, models: Mapping[str, Any]) -> Any:
    prop = _non_null(prop)
    class_info = getattr(prop, "class_info", None)
    if type(prop).__name__ != "ModelProperty" or class_info is None:
        return None
    return models.get(plain(class_info.name))


def _is_free_form(model: Any) -> bool:
    return not (model.required_properties or model.optional_properties)


def _plan_pagination(
    document: OpenAPIDocument,
    operation: Operation,
    endpoint: Any,
    models: Mapping[str, Any],
    arguments: Sequence[ArgumentPlan],
    response: ResponsePlan,
) -> PaginationPlan | None:
    extension = operation.raw.get("x-pagination")
    if extension is None:
        return None
    where = f"x-pagination of {operation.label}"
    if not isinstance(extension, Mapping):
        raise PlanError(f"{where} must be an object")
    styles = pagination_styles()
    style_name = str(extension.get("style", "page-number"))
    style = styles.get(style_name)
    if style is None:
        raise PlanError(f"{where}: unknown style {style_name!r}; known: {', '.join(sorted(styles))}")
    expected = {"style", "item-key", *style.query_parameter_keys, *style.body_path_keys}
    unknown = set(extension) - expected
    if unknown:
        raise PlanError(f"{where}: unknown keys {sorted(unknown)} for style {style_name!r}")
    missing = (expected - {"style"}) - set(extension)
    if missing:
        raise PlanError(f"{where}: style {style_name!r} needs {sorted(missing)}")
    if response.kind != "object":
        raise PlanError(f"{where}: the success response must be an object holding the items")
    query = {a.wire_name: a for a in arguments if a.location == "query"}
    page_key, size_key = style.query_parameter_keys
    page_argument, size_argument = query.get(str(extension[page_key])), query.get(str(extension[size_key]))
    if page_argument is None or size_argument is None:
        raise PlanError(f"{where}: {page_key} and {size_key} must name query parameters of the operation")
    for argument in (page_argument, size_argument):
        if argument.rule.kind != "integer":
            raise PlanError(f"{where}: the query parameter {argument.wire_name!r} must be an integer")
    if not size_argument.has_default:
        raise PlanError(
            f"{where}: the size parameter {size_argument.wire_name!r} needs a default (the server's page size)"
        )

    items_wire = extension[style.body_path_keys[0]]
    if not isinstance(items_wire, list) or not all(isinstance(k, str) for k in items_wire):
        raise PlanError(f"{where}: {style.body_path_keys[0]} must be a list of keys")
    body_model = models[response.annotation]
    node = body_model
    python_path = []
    envelope: list[tuple[str, str]] = []
    for wire_name in items_wire:
        envelope.append((plain(node.class_info.name), wire_name) if hasattr(node, "class_info") else ("", wire_name))
        fields = list(getattr(node, "required_properties", None) or [])
        found = [p for p in fields if plain(p.name) == wire_name]
        if not found:
            raise PlanError(f"{where}: {wire_name!r} must be a required, non-null property on the items path")
        prop = found[0]
        python_path.append(plain(prop.python_name))
        nested = _single_model(prop, models)
        node = nested if nested is not None else prop
    item_prop = getattr(node, "inner_property", None)
    item_model = _single_model(item_prop, models) if item_prop is not None else None
    if item_model is None:
        raise PlanError(f"{where}: the items path must end at an array of objects")
    item_key_wire = str(extension["item-key"])
    key = [p for p in item_model.required_properties if plain(p.name) == item_key_wire]
    if not key:
        raise PlanError(f"{where}: item-key {item_key_wire!r} must be a required property of the items")
    body_paths: dict[str, tuple[str, ...]] = {}
    for path_key in style.body_path_keys[1:]:
        value = extension[path_key]
        if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
            raise PlanError(f"{where}: {path_key} must be a non-empty list of keys")
        body_paths[path_key] = tuple(value)
    page_schema = document.normalize(
        next(p for p in operation.parameters if p["name"] == page_argument.wire_name and p["in"] == "query").get(
            "schema", {}
        )
    )
    return PaginationPlan(
        style=style_name,
        page_argument=page_argument.python_name,
        size_argument=size_argument.python_name,
        default_page_size=int(size_argument.default),
        first_page=int(page_schema.default)
        if page_schema.has_default
        else int(page_schema.minimum if page_schema.minimum is not None else 1),
        items_path=tuple(python_path),
        items_wire_path=tuple(items_wire),
        item_key=plain(key[0].python_name),
        item_key_wire=item_key_wire,
        body_class=response.annotation,
        body_module=response.model_imports[0][0],
        item_class=plain(item_model.class_info.name),
        item_module=plain(item_model.class_info.module_name),
        body_paths=body_paths,
        envelope_fields=tuple(envelope),
    )


# dlt data types of the columns a sync creates, by the schema's type and format. Objects and arrays
# are one JSON column each (dlt would otherwise make child tables of them, and a column per key of
# a free-form object: a schema the server's data would decide).
_SYNC_TYPES = {"integer": "bigint", "number": "double", "boolean": "bool", "object": "json", "array": "json"}
_SYNC_FORMATS = {"date-time": "timestamp", "date": "date"}
INCREMENTAL_KEYS = frozenset({"cursor", "key", "lower-bound", "upper-bound", "order", "lag", "table"})


def _plan_incremental(
    document: OpenAPIDocument,
    operation: Operation,
    arguments: Sequence[ArgumentPlan],
    pagination: PaginationPlan | None,
) -> IncrementalPlan | None:
    """`x-incremental` on a paginated operation: what `sync` needs to keep a table of its items.

    Keys: `cursor` (a date-time property of the items that new items never have lower than the
    items before them, e.g. when a call started), `lower-bound` and `upper-bound` (date-time query
    parameters that bound the cursor), `lag` (seconds read again before the last cursor on every
    run: items change after they start), `order` (query parameter: value, sent on every request
    so that the pages come in ascending cursor order), and optionally `key` (default: the
    pagination's `item-key`) and `table` (default: the operationId in snake_case, without a
    leading `list_`)."""
    extension = operation.raw.get("x-incremental")
    if extension is None:
        return None
    where = f"x-incremental of {operation.label}"
    if pagination is None:
        raise PlanError(f"{where}: the operation needs x-pagination (a sync reads every page)")
    if not isinstance(extension, Mapping):
        raise PlanError(f"{where} must be an object")
    unknown = set(extension) - INCREMENTAL_KEYS
    if unknown:
        raise PlanError(f"{where}: unknown keys {sorted(unknown)}; known: {', '.join(sorted(INCREMENTAL_KEYS))}")
    missing = {"cursor", "lower-bound", "upper-bound", "lag"} - set(extension)
    if missing:
        raise PlanError(f"{where}: needs {sorted(missing)}")
    item = _items_schema(document, operation)
    cursor = str(extension["cursor"])
    if cursor not in item.properties or document.normalize(item.properties[cursor], where=where).format != "date-time":
        raise PlanError(f"{where}: cursor {cursor!r} must be a date-time property of the items")
    key = str(extension.get("key", pagination.item_key_wire))
    if key not in item.required:
        raise PlanError(f"{where}: key {key!r} must be a required property of the items")
    query = {a.wire_name: a for a in arguments if a.location == "query"}
    bounds = []
    for bound in ("lower-bound", "upper-bound"):
        argument = query.get(str(extension[bound]))
        if argument is None or argument.rule.kind != "date-time":
            raise PlanError(f"{where}: {bound} must name a date-time query parameter of the operation")
        bounds.append(argument.python_name)
    order = extension.get("order", {})
    if not isinstance(order, Mapping):
        raise PlanError(f"{where}: order must map query parameters to the values that sort by the cursor")
    order_arguments = []
    for name, value in order.items():
        argument = query.get(str(name))
        if argument is None:
            raise PlanError(f"{where}: order names {name!r}, which is not a query parameter of the operation")
        if argument.rule.choices is not None and value not in argument.rule.choices:
            raise PlanError(f"{where}: order gives {name!r} the value {value!r}, not one of {argument.rule.choices}")
        order_arguments.append((argument.python_name, value))
    lag = extension["lag"]
    if isinstance(lag, bool) or not isinstance(lag, int | float) or not 0 <= lag < float("inf"):
        raise PlanError(f"{where}: lag must be a number of seconds >= 0, got {lag!r}")
    table = str(extension.get("table") or snake_case(operation.operation_id or "").removeprefix("list_"))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", table):
        raise PlanError(f"{where}: table {table!r} must be a lowercase identifier (letters, digits, _)")
    columns = []
    for name, node in item.properties.items():
        schema = document.normalize(node, where=where)
        kind = _SYNC_FORMATS.get(schema.format or "") if schema.single_type == "string" else None
        columns.append((name, kind or _SYNC_TYPES.get(schema.single_type or "object", "text")))
    extra_column = _sync_column_names(item.properties, where=where)
    return IncrementalPlan(
        table=table,
        cursor=cursor,
        key=key,
        lower_bound=bounds[0],
        upper_bound=bounds[1],
        lag=float(lag),
        order=tuple(order_arguments),
        columns=tuple(columns),
        extra_column=extra_column,
    )


def _sync_column_names(properties: Mapping[str, Any], *, where: str) -> str:
    """The extra column's name, once the items' properties are known to make distinct columns.

    dlt names a column by its own normalisation of the key (`fooBar` and `foo_bar` are both
    `foo_bar`, `Extra` is `extra`); two properties that become one column, or one that takes a
    name of dlt's own (`_dlt_id`), failed every sync at run time, so generation refuses them here.
    Unknown keys of the items go to one JSON column: `extra`, as in the CSV export, else the first
    of `_extra`, `extra_1`, ... that no property takes."""
    from dlt.common.normalizers.naming.snake_case import NamingConvention  # the sync extra's own rule

    naming = NamingConvention()
    taken: dict[str, str] = {}
    for name in properties:
        column = naming.normalize_identifier(name)
        if column.startswith("_dlt_"):
            raise PlanError(f"{where}: property {name!r} would be the column {column!r}, a name dlt keeps for itself")
        if column in taken:
            raise PlanError(
                f"{where}: properties {taken[column]!r} and {name!r} would both be the column {column!r} "
                "(dlt's snake_case naming): rename one, or drop x-incremental"
            )
        taken[column] = name
    candidates = itertools.chain(("extra", "_extra"), (f"extra_{n}" for n in itertools.count(1)))
    return next(c for c in candidates if naming.normalize_identifier(c) not in taken)


def _items_schema(document: OpenAPIDocument, operation: Operation) -> Schema:
    extension = operation.raw["x-pagination"]
    status = _success_status(operation)
    media = document.json_media(document.responses(operation)[str(status)].get("content"))
    assert media is not None
    schema = document.normalize(media.get("schema", {}), where=operation.label)
    style = pagination_styles()[str(extension.get("style", "page-number"))]
    for key in extension[style.body_path_keys[0]]:
        schema = document.normalize(schema.properties[key], where=operation.label)
    return document.normalize(schema.items, where=operation.label)


def _table_columns(document: OpenAPIDocument, item: Schema, key: str, *, where: str) -> tuple[ColumnPlan, ...]:
    """`x-cli-columns` of the item schema, else a rule: the key, then date-times, then the first
    other scalar fields, up to 8 columns."""
    scalars = {}
    for name, node in item.properties.items():
        schema = document.normalize(node, where=where)
        if schema.single_type in ("string", "integer", "number", "boolean") or schema.enum is not None:
            scalars[name] = schema
    chosen = item.extensions.get("x-cli-columns")
    if chosen is not None:
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise PlanError(f"{where}: x-cli-columns must be a list of property names")
        unknown = [c for c in chosen if c not in item.properties]
        if unknown:
            raise PlanError(f"{where}: x-cli-columns names {unknown}, which the items do not have")
        names = list(chosen)
    else:
        dates = [n for n, s in scalars.items() if s.format == "date-time" and n != key]
        others = [n for n in scalars if n != key and n not in dates]
        names = ([key] if key in scalars else []) + dates[:1] + others
        names = names[:DEFAULT_TABLE_COLUMNS]
    columns = []
    for name in names:
        schema = document.normalize(item.properties[name], where=where)
        whole = name == key or schema.format in ("date-time", "date") or name.lower().endswith("id")
        columns.append(ColumnPlan(header=snake_case(name).replace("_", " "), path=(name,), whole=whole))
    return tuple(columns)


def _export_columns(document: OpenAPIDocument, item: Schema, *, where: str) -> tuple[ColumnPlan, ...]:
    """CSV columns in the spec's order: an object with declared properties becomes `parent.child`
    columns; free-form objects and arrays become one JSON-encoded column."""
    columns: list[ColumnPlan] = []
    for name, node in item.properties.items():
        schema = document.normalize(node, where=where)
        if schema.properties:
            columns.extend(ColumnPlan(f"{name}.{child}", (name, child)) for child in schema.properties)
        else:
            columns.append(ColumnPlan(name, (name,), json_encoded=bool(schema.types & {"object", "array"})))
    return tuple(columns)


# --- response model fields ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldShape:
    """How a response model reads and types one field (decided here for every model template).

    Every field is typed `X | None` (required ones too: a required field that is missing, null or
    does not fit reads None and is listed in `model_invalid_fields`, see the runtime's _models.py).
    """

    kind: str
    """The runtime's field kind: str, int, float, bool, any, object, list, list:<item kind>,
    datetime, date, enum:<constant>, model:<class>, model_list:<class>."""
    annotation: str
    """The field's type: `X | None` (`Any` stays `Any`)."""
    fast_check: str = ""
    """A Python condition over `{v}` (the value): true for a value of a type the fast path takes
    (empty: every value fits). Inline `_type(v) is _X` tests (the module binds `_type = type` and
    so on): Python 3.11 runs `type(v)` without a call."""
    step: str = ""
    """What the fast path does after the type check: "", float, datetime, date, enum, model,
    model_list or convert (lists whose items need checking)."""
    model_class: str | None = None
    model_module: str | None = None
    enum_values: tuple[Any, ...] = ()
    required: bool = False
    nullable: bool = True
    python_name: str = ""
    """The field's attribute name: opc's, with a trailing underscore if it names the models' API."""
    envelope: bool = False
    """A required part of a page's envelope: typed `X`, and missing, null or unfit it is an error."""


def model_field_name(python_name: str) -> str:
    """A response model field's attribute name: never one of the models' own (MODEL_API_NAMES)."""
    return f"{python_name}_" if python_name in MODEL_API_NAMES else python_name


def checked_fields(
    model: Any, models: Mapping[str, Any], envelope: frozenset[tuple[str, str]] = frozenset()
) -> list[tuple[Any, FieldShape]]:
    """A model's fields (required first) with their shapes; two fields with one attribute name
    (`to_dict` renamed beside a `to_dict_`) stop generation. A field of a page's envelope
    (`envelope`: (class, wire name)) keeps its plain type: a body without it is an error."""
    name = plain(model.class_info.name)
    fields = [
        (prop, field_shape(prop, models, envelope=(name, plain(prop.name)) in envelope))
        for prop in model.required_properties + model.optional_properties
    ]
    seen: dict[str, str] = {}
    for prop, shape in fields:
        other = seen.setdefault(shape.python_name, plain(prop.name))
        if other != plain(prop.name):
            raise PlanError(
                f"schema {plain(model.class_info.name)}: fields {other!r} and {plain(prop.name)!r} would both be "
                f"named {shape.python_name!r} in Python (a field named like the models' own API takes a trailing "
                "underscore); rename one"
            )
    return fields


_PLAIN_TYPES = {
    "StringProperty": ("str", "str"),
    "IntProperty": ("int", "int"),
    "FloatProperty": ("float", "float"),
    "BooleanProperty": ("bool", "bool"),
    "UuidProperty": ("str", "str"),
    "AnyProperty": ("any", "Any"),
    "FileProperty": ("any", "Any"),
}
# The exact types the fast path's check accepts per kind (a value of any other type takes the general path).
_FAST_TYPES = {
    "str": "str",
    "int": "int",
    "float": "float, int",
    "bool": "bool",
    "object": "dict",
    "datetime": "str",
    "date": "str",
    "enum": "str, int",
    "model": "dict",
    "model_list": "list",
    "list": "list",
}


def field_shape(prop: Any, models: Mapping[str, Any], *, envelope: bool = False) -> FieldShape:
    """What a response model field holds: its annotated type or None, never anything else (a
    required field of a page's envelope: its type, never None)."""
    members = list(getattr(prop, "inner_properties", None) or [prop])
    non_null = [m for m in members if type(m).__name__ != "NoneProperty"]
    nullable = len(non_null) < len(members) or _enum_allows_null(prop)
    shape = _single_shape(non_null[0], models) if len(non_null) == 1 else _union_shape(non_null, models)
    envelope = envelope and bool(prop.required) and not nullable
    annotation = shape.annotation if shape.annotation == "Any" or envelope else f"{shape.annotation} | None"
    base = shape.kind.partition(":")[0]
    check = ""
    if base != "any":
        null = not (prop.required and not nullable)
        # An enum's values are of its annotated type only: the check narrows to it (mypy reads it).
        types = ("int" if shape.annotation == "int" else "str") if base == "enum" else _FAST_TYPES[base]
        # `_type`, `_str`, ...: the builtins under names no field can shadow (a field may be `type`).
        tests = [f"_type({{v}}) is _{name}" for name in types.split(", ")]
        check = " or ".join(tests + (["{v} is None"] if null else []))
    step = {"float": "float", "datetime": "datetime", "date": "date", "enum": "enum", "model": "model"}.get(base, "")
    if base == "model_list":
        step = "model_list"
    elif base == "list" and shape.kind != "list":
        step = "convert"
    return FieldShape(
        shape.kind,
        annotation,
        check,
        step,
        shape.model_class,
        shape.model_module,
        shape.enum_values,
        bool(prop.required),
        nullable,
        model_field_name(plain(prop.python_name)),
        envelope,
    )


def _enum_allows_null(prop: Any) -> bool:
    values = getattr(prop, "values", None) or {}
    return None in (values.values() if isinstance(values, dict) else values)


def _union_shape(members: Sequence[Any], models: Mapping[str, Any]) -> FieldShape:
    shapes = [_single_shape(m, models) for m in members]
    if len({shape.annotation for shape in shapes}) == 1:  # e.g. opc's several enum classes for one nullable enum
        if shapes[0].kind.startswith("enum:"):
            values = tuple(dict.fromkeys(value for shape in shapes for value in shape.enum_values))
            return FieldShape(shapes[0].kind, shapes[0].annotation, enum_values=values)
        return shapes[0]
    return FieldShape("any", "Any")


def _single_shape(prop: Any, models: Mapping[str, Any]) -> FieldShape:
    kind = type(prop).__name__
    if kind in _PLAIN_TYPES:
        return FieldShape(*_PLAIN_TYPES[kind])
    if kind == "DateTimeProperty":
        return FieldShape("datetime", "datetime.datetime")
    if kind == "DateProperty":
        return FieldShape("date", "datetime.date")
    if kind in ("LiteralEnumProperty", "EnumProperty"):
        value_type = getattr(prop, "value_type", str)
        raw = getattr(prop, "values", None) or {}
        # A literal enum's values come as a set, whose order changes with the hash seed: sorted, so
        # that the same spec gives the same bytes on every run (the grown spec's golden record).
        values = tuple(
            plain(v) if isinstance(v, str) else v
            for v in (raw.values() if isinstance(raw, dict) else sorted(raw, key=lambda v: (type(v).__name__, v)))
            if v is not None
        )
        constant = "_" + re.sub(r"\W", "_", plain(prop.class_info.name)).upper() + "_VALUES"
        return FieldShape(f"enum:{constant}", "int" if value_type is int else "str", enum_values=values)
    if kind == "ConstProperty":
        return FieldShape("any", "Any")
    if kind == "ModelProperty":
        model = models.get(plain(prop.class_info.name))
        if model is None or _is_free_form(model):
            return FieldShape("object", "dict[str, Any]")
        name = plain(prop.class_info.name)
        return FieldShape(f"model:{name}", name, model_class=name, model_module=plain(prop.class_info.module_name))
    if kind == "ListProperty":
        inner = prop.inner_property
        inner_shape = _single_shape(_non_null(inner), models) if inner is not None else FieldShape("any", "Any")
        if inner_shape.kind.startswith("model:"):
            return FieldShape(
                f"model_list:{inner_shape.model_class}",
                f"list[{inner_shape.annotation}]",
                model_class=inner_shape.model_class,
                model_module=inner_shape.model_module,
            )
        if inner_shape.kind == "any":
            return FieldShape("list", "list[Any]")
        return FieldShape(
            f"list:{inner_shape.kind}", f"list[{inner_shape.annotation}]", enum_values=inner_shape.enum_values
        )
    if kind == "UnionProperty":
        members = [m for m in prop.inner_properties if type(m).__name__ != "NoneProperty"]
        if len(members) == 1:
            return _single_shape(members[0], models)
        return _union_shape(members, models)
    return FieldShape("any", "Any")


# --- helpers -----------------------------------------------------------------------------------


def plain(value: Any) -> str:
    """The text of a generator string: openapi-python-client wraps text from the spec in UntrustedString."""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter is not None else value)


def runtime_module(name: str) -> ModuleType:
    """A module of the runtime this generation copies (spec/client/ravan_runtime), imported from
    where it lives under a private package name."""
    package = "_plan_runtime"
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, RUNTIME_DIR / "__init__.py", submodule_search_locations=[str(RUNTIME_DIR)]
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{name}")


def cli_reserved_flags() -> frozenset[str]:
    """The command line's own options (the runtime's `_commands.RESERVED_FLAGS`)."""
    flags: frozenset[str] = runtime_module("_commands").RESERVED_FLAGS
    return flags


def pagination_styles() -> Mapping[str, Any]:
    """The runtime's registry of pagination styles: adding a style there is all a new style needs."""
    styles: Mapping[str, Any] = runtime_module("_pagination").PAGINATION_STYLES
    return styles
