"""Arguments: a generated method's keyword argument (`ArgumentPlan`); path, query, header, cookie."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scripts.lib.openapi_document import OpenAPIDocument, Operation, Schema, path_placeholders
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.identity import HEADER_NAME
from scripts.lib.plan.naming import argument_identifier
from scripts.lib.plan.runtime import cli_reserved_flags
from scripts.lib.plan.values import NothingToSend, value_rule

if TYPE_CHECKING:
    from scripts.lib.plan.values import ValueRule


@dataclass(frozen=True)
class ArgumentPlan:
    """One keyword argument of a generated method: a path, query or header parameter, or a
    property of a JSON body."""

    wire_name: str
    python_name: str
    location: str
    """path, query, header, cookie or body."""
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
    explode: bool = True
    """False for a query array or object of `explode: false`: its items (an object's keys and values)
    travel as one value, joined by its style's delimiter."""
    style: str = "form"
    """A query array's or object's OpenAPI style: form, spaceDelimited, pipeDelimited or deepObject."""
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


def plan_parameters(
    document: OpenAPIDocument,
    operation: Operation,
    *,
    left_out: list[str] | None = None,
    credential_headers: frozenset[str] = frozenset(),
) -> tuple[ArgumentPlan, ...]:
    """The parameters as arguments; an optional one with nothing to send is left out, its message
    added to `left_out`. `credential_headers` (lower case) are those the operation's security sends
    a credential in (identity.credential_headers)."""
    arguments = []
    for parameter in operation.parameters:
        location = str(parameter["in"])
        name = str(parameter["name"])
        where = f"{operation.label}, {location} parameter {name!r}"
        unsendable = None
        set_by_client = False
        if location == "cookie" and not HEADER_NAME.fullmatch(name):
            # RFC 6265: a cookie's name is a token, as a header's is; `=` or `;` would forge another.
            unsendable = (
                f"{where}: {name!r} is not a cookie name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~)"
            )
        elif location not in ("path", "query", "header", "cookie"):
            raise PlanError(f"{where}: unknown location {location!r}")
        elif location == "header" and name.lower() in {
            "authorization",
            "cookie",
            "content-type",
            "accept",
            "host",
            *document.api_key_headers(),
        }:
            unsendable = f"{where}: the client sets this header itself"
            # `Accept` and `Content-Type` follow the operation's media types, required or not
            # (PagerDuty requires `Accept` on 424 of its 465 operations): the operation is served
            # without the argument. So is a credential header the operation's own security sends
            # (Deepgram requires `Authorization` on 49 of its 50 operations, beside an apiKey scheme
            # in that header). Any other required credential or cookie still stops it: the client's
            # own may not be what the operation wants.
            set_by_client = name.lower() in ("accept", "content-type", *credential_headers)
        elif location == "header" and not HEADER_NAME.fullmatch(name):
            # Checked before any code is written: a name with CR/LF or a colon would smuggle another
            # header into every request (openapi-python-client's own document has `header param`).
            unsendable = (
                f"{where}: {name!r} is not an HTTP header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~)"
            )
        if unsendable is not None:
            # An optional one (Ory's `Cookie` header on every self-service operation) is left out:
            # the operation is served without it. A required one stops the operation.
            if (parameter.get("required") and not set_by_client) or left_out is None:
                raise PlanError(unsendable)
            left_out.append(unsendable)
            continue
        style = parameter.get("style")
        allowed_styles = QUERY_STYLES if location == "query" else ("form" if location == "cookie" else "simple",)
        if style is not None and style not in allowed_styles:
            raise PlanError(f"{where}: style {style!r} is not supported")
        if "explode" in parameter and not isinstance(parameter["explode"], bool):
            # A lax reader takes "false" as false, a strict one as set: the wire format would be a guess.
            raise PlanError(f"{where}: explode must be true or false, got {parameter['explode']!r}")
        schema = document.parameter_schema(parameter, where=operation.label)
        try:
            rule = value_rule(document, parameter.get("schema", {}), where=where)
        except NothingToSend as error:
            if parameter.get("required") or location == "path" or left_out is None:
                raise
            left_out.append(str(error))
            continue
        if location == "path" and not _single_value(rule):
            raise PlanError(f"{where}: a path parameter must be a single value, not {rule.kind}")
        if location in ("header", "cookie") and rule.kind == "object":
            raise PlanError(f"{where}: object-valued {location} parameters are not supported")
        if location == "cookie" and rule.kind == "array":
            raise PlanError(f"{where}: array-valued cookie parameters are not supported")
        if location == "header" and rule.kind == "array":
            item = rule.item
            if item is None or item.nullable or not (_single_value(item) or item.kind == "boolean"):
                # `simple` joins the items by commas (`X-Tags: a,b`): each must be one value, never null
                # (a boolean is one too, `true,false`, as a single boolean header is sent).
                raise PlanError(f"{where}: a header array's items must be single values that cannot be null")
        style, explode = _query_shape(parameter, rule, where=where) if location == "query" else ("form", True)
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
                example=example_of(parameter, schema),
                explode=explode,
                style=style,
            )
        )
    # Path parameters first (positional, in the order of the path), then the rest as listed.
    order = {name: index for index, name in enumerate(path_placeholders(operation.path))}
    path = sorted((a for a in arguments if a.location == "path"), key=lambda a: order.get(a.wire_name, 0))
    return (*path, *(a for a in arguments if a.location != "path"))


SINGLE_VALUE_KINDS = frozenset({"string", "integer", "number", "choice", "date", "date-time"})

QUERY_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")
"""OpenAPI 3.x's styles of a query parameter (its style table), all served."""


def _query_shape(parameter: Mapping[str, Any], rule: ValueRule, *, where: str) -> tuple[str, bool]:
    """A query parameter's (style, explode), as its value travels: the plan decides it once.

    A single value is `name=value` whatever the style (each style sends a scalar so). An array:
    `form` repeats the key (exploded) or joins the items with commas; spaceDelimited and
    pipeDelimited join them with a space or `|` (defined unexploded only). An object of scalar
    properties: `form` sends each property as its own `key=value` (exploded) or `name=k1,v1,k2,v2`;
    deepObject `name[k]=v`; spaceDelimited and pipeDelimited `name=k1 v1 k2 v2` (`|`)."""
    style = str(parameter.get("style") or "form")
    # OpenAPI: explode defaults to true for form, false for every other style.
    explode = bool(parameter.get("explode", style == "form"))
    # A union (Stripe's `created`: an integer, or an object of bounds) travels as the variant that fits.
    objects = [shape for shape in (rule.variants or (rule,)) if shape.kind == "object" and not shape.variants]
    if rule.kind == "object" and rule.variants and not objects:
        raise PlanError(f"{where}: a query parameter of nested object unions is not supported")
    for shape in objects:
        nested = next((name for name, p in shape.properties if not _query_scalar(p)), None)
        if nested is not None:
            raise PlanError(
                f"{where}: the query object's property {nested!r} is not a single value "
                "(objects and arrays inside a query object are not supported)"
            )
    # An array among a union's variants travels in the parameter's style too (`oneOf: [array,
    # string]` with `explode: false` is `name=a,b` or `name=c`), so the style is kept for it.
    arrays = [shape for shape in (rule.variants or (rule,)) if shape.kind == "array"]
    if arrays and style == "deepObject":
        raise PlanError(f"{where}: style 'deepObject' is for objects, not arrays")
    if not arrays and not objects:
        return "form", True
    if style == "deepObject":
        # deepObject is defined exploded only; written without `explode` (as often), it is meant.
        if parameter.get("explode") is False:
            raise PlanError(f"{where}: style 'deepObject' is defined with explode true only")
        return style, True
    if style in ("spaceDelimited", "pipeDelimited") and explode:
        raise PlanError(f"{where}: style {style!r} is defined with explode false only")
    return style, explode


def _query_scalar(rule: ValueRule) -> bool:
    """Whether a value of `rule` is one query value: a scalar, or a union of scalars."""
    if rule.variants:
        return all(_query_scalar(variant) for variant in rule.variants)
    return rule.kind in SINGLE_VALUE_KINDS or rule.kind == "boolean"


def _single_value(rule: ValueRule) -> bool:
    """Whether a value of `rule` is one path segment: a scalar, or a union of scalars that cannot be
    null (Qdrant's point id, an integer or a UUID: the variant that fits is sent as its text)."""
    if rule.variants:
        return not rule.nullable and all(_single_value(variant) for variant in rule.variants)
    return rule.kind in SINGLE_VALUE_KINDS


def example_of(parameter: Mapping[str, Any], schema: Schema) -> Any:
    if "example" in parameter:
        return parameter["example"]
    if "example" in schema.raw:
        return schema.raw["example"]
    examples = schema.raw.get("examples")
    return examples[0] if isinstance(examples, list) and examples else None
