"""Response model fields: how the client's models read and type each field (`FieldShape`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.opc_adapter import non_null_member

if TYPE_CHECKING:
    from scripts.lib.plan.opc_adapter import OpcModel, OpcProperty


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
    model: OpcModel, models: Mapping[str, OpcModel], envelope: frozenset[tuple[str, str]] = frozenset()
) -> list[tuple[OpcProperty, FieldShape]]:
    """A model's fields (required first) with their shapes; two fields with one attribute name
    (`to_dict` renamed beside a `to_dict_`) stop generation. A field of a page's envelope
    (`envelope`: (class, wire name)) keeps its plain type: a body without it is an error."""
    name = model.class_name
    fields = [
        (prop, field_shape(prop, models, envelope=(name, prop.name) in envelope))
        for prop in model.required + model.optional
    ]
    seen: dict[str, str] = {}
    for prop, shape in fields:
        other = seen.setdefault(shape.python_name, prop.name)
        if other != prop.name:
            raise PlanError(
                f"schema {model.class_name}: fields {other!r} and {prop.name!r} would both be "
                f"named {shape.python_name!r} in Python (a field named like the models' own API takes a trailing "
                "underscore); rename one"
            )
    return fields


# (runtime kind, annotation) of the properties read as they are, by their OpcProperty kind.
_PLAIN_TYPES = {
    "string": ("str", "str"),
    "int": ("int", "int"),
    "float": ("float", "float"),
    "boolean": ("bool", "bool"),
    "uuid": ("str", "str"),
    "any": ("any", "Any"),
    "file": ("any", "Any"),
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


def field_shape(prop: OpcProperty, models: Mapping[str, OpcModel], *, envelope: bool = False) -> FieldShape:
    """What a response model field holds: its annotated type or None, never anything else (a
    required field of a page's envelope: its type, never None)."""
    members = list(prop.members or (prop,))
    non_null = [m for m in members if m.kind != "none"]
    nullable = len(non_null) < len(members) or prop.enum_allows_null
    shape = _single_shape(non_null[0], models) if len(non_null) == 1 else _union_shape(non_null, models)
    envelope = envelope and prop.required and not nullable
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
        prop.required,
        nullable,
        model_field_name(prop.python_name),
        envelope,
    )


def _union_shape(members: Sequence[OpcProperty], models: Mapping[str, OpcModel]) -> FieldShape:
    shapes = [_single_shape(m, models) for m in members]
    if len({shape.annotation for shape in shapes}) == 1:  # e.g. opc's several enum classes for one nullable enum
        if shapes[0].kind.startswith("enum:"):
            values = tuple(dict.fromkeys(value for shape in shapes for value in shape.enum_values))
            return FieldShape(shapes[0].kind, shapes[0].annotation, enum_values=values)
        return shapes[0]
    return FieldShape("any", "Any")


def _single_shape(prop: OpcProperty, models: Mapping[str, OpcModel]) -> FieldShape:
    kind = prop.kind
    if kind in _PLAIN_TYPES:
        return FieldShape(*_PLAIN_TYPES[kind])
    if kind == "datetime":
        return FieldShape("datetime", "datetime.datetime")
    if kind == "date":
        return FieldShape("date", "datetime.date")
    if kind == "enum" and prop.class_name is not None:
        constant = "_" + re.sub(r"\W", "_", prop.class_name).upper() + "_VALUES"
        return FieldShape(f"enum:{constant}", "int" if prop.enum_of_int else "str", enum_values=prop.enum_values)
    if kind == "const":
        return FieldShape("any", "Any")
    if kind == "model" and prop.class_name is not None:
        model = models.get(prop.class_name)
        if model is None or model.free_form:
            return FieldShape("object", "dict[str, Any]")
        name = prop.class_name
        return FieldShape(f"model:{name}", name, model_class=name, model_module=prop.module_name)
    if kind == "list":
        inner = prop.item
        inner_shape = _single_shape(non_null_member(inner), models) if inner is not None else FieldShape("any", "Any")
        if inner_shape.kind.startswith("model:"):
            return FieldShape(
                f"model_list:{inner_shape.model_class}",
                f"list[{inner_shape.annotation}]",
                model_class=inner_shape.model_class,
                model_module=inner_shape.model_module,
            )
        if inner_shape.kind == "any":
            return FieldShape("list", "list[Any]")
        if inner_shape.kind.startswith("model_list:"):
            # A list of lists of models (Discord's search results, Box's name conflicts): the inner
            # objects are kept as received, since the runtime builds models one list deep only and
            # would write models nested deeper back out as they are, not as JSON.
            return FieldShape("list:list", "list[list[Any]]")
        return FieldShape(
            f"list:{inner_shape.kind}", f"list[{inner_shape.annotation}]", enum_values=inner_shape.enum_values
        )
    if kind == "union":
        members = [m for m in prop.members if m.kind != "none"]
        if len(members) == 1:
            return _single_shape(members[0], models)
        return _union_shape(members, models)
    return FieldShape("any", "Any")
