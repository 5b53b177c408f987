"""Value rules: how a request value is typed, checked before sending, offered on the CLI.

`ValueRule`, printed as the runtime's `IntegerRule(...)`, `ChoiceRule(...)` and the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scripts.lib.literals import python_literal
from scripts.lib.openapi_document import OpenAPIDocument, Schema
from scripts.lib.plan.errors import PlanError

# How deep a request value is typed and checked before sending (objects, arrays and oneOf/anyOf
# each count a level); below it a value is sent as given.
MAX_CHECKED_DEPTH = 8


# How long the source of a nested value's check may be (see `value_rule`).
MAX_RULE_SOURCE = 3000


class NothingToSend(PlanError):
    """A schema that allows only null (an enum of `null` alone): a required parameter or property of
    it stops the operation; an optional one is left out, and the operation is served without it."""


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
    variants: tuple[ValueRule, ...] = ()
    """A oneOf/anyOf's rules, in the document's order (a union path parameter is served when each is
    a single value)."""
    properties: tuple[tuple[str, ValueRule], ...] = ()
    """An object's declared properties and their rules (a query object sends only scalar ones)."""
    left_out: tuple[str, ...] = ()
    """Optional properties (inside this object, or its items) left out: their schema allows only
    null (`NothingToSend`), so there is nothing to send. One message each, naming the property."""

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


def value_rule(
    document: OpenAPIDocument, node: Any, *, where: str, depth: int = 0, within: frozenset[str] = frozenset()
) -> ValueRule:
    """How a request value of this schema is typed, checked and offered on the command line.

    A nested value whose check would be longer than MAX_RULE_SOURCE is taken as it is (the server
    checks it): every operation inlines its rules, twice (sync and async), and a document whose
    filters nest unions in unions (Qdrant's) would otherwise make a module of many megabytes."""
    rule = _value_rule(document, node, where=where, depth=depth, within=within)
    if depth > 0 and len(rule.check) > MAX_RULE_SOURCE:
        return ValueRule("any", "Any", "AnyRule(nullable=True)", nullable=True)
    return rule


def _value_rule(
    document: OpenAPIDocument, node: Any, *, where: str, depth: int = 0, within: frozenset[str] = frozenset()
) -> ValueRule:
    """`value_rule`, its size unbounded.

    `within`: the references being expanded above this one. A schema that refers back to itself
    (Qdrant's Filter holds conditions that hold filters) is checked down to where it recurs, and
    taken as it is from there (the server checks the rest): expanding it further would never end."""
    reference = node.get("$ref") if isinstance(node, Mapping) else None
    if isinstance(reference, str):
        if reference in within:
            return ValueRule("any", "Any", "AnyRule(nullable=True)", nullable=True)
        within = within | {reference}
    schema = document.normalize(node, where=where)
    if depth > MAX_CHECKED_DEPTH:
        # Published documents nest deeper than anything a caller writes by hand (every nullable
        # field of Qdrant's is an anyOf around the value): checked down to here, taken as it is
        # below (the server checks the rest), rather than the operation left out.
        return ValueRule("any", "Any", "AnyRule(nullable=True)", nullable=True)
    if schema.unsupported:
        union = _union_rule(document, schema, where=where, depth=depth, within=within)
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
            raise NothingToSend(f"{where}: an enum that allows only null has nothing to send")
        if all(isinstance(c, bool) for c in choices):
            # A boolean enum (openapi-python-client's `bool_enum`): a bool, or the one it allows.
            annotation = "bool" if set(choices) == {True, False} else f"Literal[{python_literal(choices[0])}]"
            return ValueRule("boolean", annotation, f"BooleanRule({null_arg.removeprefix(', ')})", nullable=nullable)
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
        item = value_rule(
            document,
            schema.items if schema.items is not None else {},
            where=f"{where}[]",
            depth=depth + 1,
            within=within,
        )
        options = {"min_items": schema.raw.get("minItems"), "max_items": schema.raw.get("maxItems")}
        arguments = "".join(f", {k}={v!r}" for k, v in options.items() if v is not None)
        return ValueRule(
            "array",
            f"Sequence[{item.annotation}{' | None' if item.nullable else ''}]",
            f"ArrayRule({item.check}{arguments}{null_arg})",
            nullable=nullable,
            item=item,
            left_out=item.left_out,
        )
    if kind == "object":
        fields = []
        property_rules: list[tuple[str, ValueRule]] = []
        left_out: list[str] = []
        for name, property_node in schema.properties.items():
            try:
                rule = value_rule(document, property_node, where=f"{where}.{name}", depth=depth + 1, within=within)
            except NothingToSend as error:
                if name in schema.required:
                    raise
                left_out.append(str(error))
                continue
            left_out.extend(rule.left_out)
            property_rules.append((name, rule))
            fields.append(f"ObjectField({name!r}, {rule.check}, required={name in schema.required})")
        closed = schema.additional_properties is False
        arguments = f"({', '.join(fields)}{',' if len(fields) == 1 else ''})"
        return ValueRule(
            "object",
            "Mapping[str, Any]",
            f"ObjectRule({arguments}{', closed=True' if closed else ''}{null_arg})",
            nullable=nullable,
            properties=tuple(property_rules),
            left_out=tuple(left_out),
        )
    if not schema.types:
        return ValueRule("any", "Any", f"AnyRule({null_arg.removeprefix(', ')})", nullable=True)
    if schema.types <= SCALAR_TYPES:
        return _type_list_rule(document, schema, where=where, depth=depth, within=within)
    raise PlanError(f"{where}: a value of several types ({', '.join(sorted(schema.types))}) is not supported")


# The JSON types a list of types (`type: [number, string]`) may name to be served as a union.
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})


def _type_list_rule(
    document: OpenAPIDocument, schema: Schema, *, where: str, depth: int, within: frozenset[str]
) -> ValueRule:
    """`type: [number, string]` as the union of one rule per type, in the document's order: the
    same UnionRule as `anyOf: [{type: number}, {type: string}]` (the value that fits the first is
    sent as its text), each variant keeping the keywords that apply to it (bounds, lengths, format)."""
    declared = schema.raw.get("type")
    order = [t for t in declared if t in schema.types] if isinstance(declared, list) else sorted(schema.types)
    siblings = {key: value for key, value in schema.raw.items() if key not in ("type", "nullable", "default")}
    variants = [
        value_rule(document, {**siblings, "type": kind}, where=where, depth=depth + 1, within=within)
        for kind in dict.fromkeys(order)
    ]
    return _variants_rule(variants, nullable=schema.nullable)


def _variants_rule(
    variants: Sequence[ValueRule],
    *,
    nullable: bool,
    discriminated: tuple[str, tuple[tuple[str, int], ...]] | None = None,
) -> ValueRule:
    """The UnionRule of `variants` (the first that fits, or the discriminator's pick), annotated
    with the union of their types."""
    annotations = list(dict.fromkeys(variant.annotation for variant in variants))
    arguments = [f"({', '.join(variant.check for variant in variants)},)"]
    if discriminated is not None:
        arguments.append(f"discriminator={python_literal(discriminated[0])}")
        arguments.append(f"mapping={python_literal(discriminated[1])}")
    if nullable:
        arguments.append("nullable=True")
    kind = "object" if all(variant.kind == "object" for variant in variants) else "any"
    return ValueRule(
        kind, " | ".join(annotations), f"UnionRule({', '.join(arguments)})", nullable=nullable, variants=tuple(variants)
    )


def _union_rule(
    document: OpenAPIDocument, schema: Schema, *, where: str, depth: int, within: frozenset[str] = frozenset()
) -> ValueRule | None:
    """A oneOf/anyOf of several shapes as a UnionRule: the discriminator's value picks the variant
    (its mapping, else the schema names); without one, the first variant that fits (as pydantic's
    smart mode). Annotated with the union of the variants' types."""
    raw = schema.raw if isinstance(schema.raw, Mapping) else {}
    union_key = next((key for key in ("oneOf", "anyOf") if isinstance(raw.get(key), list)), None)
    if union_key is None:
        return None
    # Each member with its index in the document (a message names `anyOf[2]` as written there,
    # null members counted).
    indexed = [
        (index, m) for index, m in enumerate(raw[union_key]) if not (isinstance(m, Mapping) and m.get("type") == "null")
    ]
    members = [m for _, m in indexed]
    # Without a member (`anyOf: []`, or null alone) the rule was `UnionRule((,))`: code that does
    # not parse, reported as the generated package's lint errors rather than by operation.
    if not raw[union_key]:
        raise PlanError(f"{where}: {union_key} is empty, so no value fits it")
    if not members:
        raise NothingToSend(f"{where}: a {union_key} that allows only null has nothing to send")
    variants = [
        value_rule(document, member, where=f"{where}, {union_key}[{index}]", depth=depth + 1, within=within)
        for index, member in indexed
    ]
    nullable = schema.nullable or len(members) < len(raw[union_key])
    return _variants_rule(variants, nullable=nullable, discriminated=discriminator_of(raw, members))


def discriminator_of(raw: Mapping[str, Any], members: Sequence[Any]) -> tuple[str, tuple[tuple[str, int], ...]] | None:
    """A oneOf/anyOf's discriminator: its property name and (value, index into `members`) pairs
    (its mapping, else each `$ref`'s schema name); None without one."""
    discriminator = raw.get("discriminator")
    if not (isinstance(discriminator, Mapping) and isinstance(discriminator.get("propertyName"), str)):
        return None
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
    return str(discriminator["propertyName"]), tuple(mapping.items())


def union_members_of(raw: Any) -> list[Any] | None:
    """The non-null members of a oneOf/anyOf schema (as written), or None for any other schema."""
    raw = raw if isinstance(raw, Mapping) else {}
    union_key = next((key for key in ("oneOf", "anyOf") if isinstance(raw.get(key), list)), None)
    if union_key is None:
        return None
    return [m for m in raw[union_key] if not (isinstance(m, Mapping) and m.get("type") == "null")]


def _number_literal(value: float) -> str:
    """A bound as Python source: 1 rather than 1.0, the float itself otherwise."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 2**53):
        return repr(int(value))
    return repr(value)
