"""Pagination: `x-pagination`, the pager of a list operation (`PaginationPlan`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scripts.lib.openapi_document import OpenAPIDocument, Operation, Schema
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.opc_adapter import OpcModel, OpcProperty, model_of_property
from scripts.lib.plan.responses import success_status
from scripts.lib.plan.runtime import pagination_styles

if TYPE_CHECKING:
    from scripts.lib.plan.arguments import ArgumentPlan
    from scripts.lib.plan.responses import ResponsePlan


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


def plan_pagination(
    document: OpenAPIDocument,
    operation: Operation,
    models: Mapping[str, OpcModel],
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
    # Each step is a model (the body's, then nested ones) until the last, the property holding the items.
    node: OpcModel | OpcProperty = models[response.annotation]
    python_path = []
    envelope: list[tuple[str, str]] = []
    for wire_name in items_wire:
        envelope.append((node.class_name, wire_name) if isinstance(node, OpcModel) else ("", wire_name))
        fields = node.required if isinstance(node, OpcModel) else ()
        found = [p for p in fields if p.name == wire_name]
        if not found:
            raise PlanError(f"{where}: {wire_name!r} must be a required, non-null property on the items path")
        prop = found[0]
        python_path.append(prop.python_name)
        nested = model_of_property(prop, models)
        node = nested if nested is not None else prop
    item_prop = node.item if isinstance(node, OpcProperty) else None
    item_model = model_of_property(item_prop, models) if item_prop is not None else None
    if item_model is None:
        raise PlanError(f"{where}: the items path must end at an array of objects")
    item_key_wire = str(extension["item-key"])
    key = [p for p in item_model.required if p.name == item_key_wire]
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
        item_key=key[0].python_name,
        item_key_wire=item_key_wire,
        body_class=response.annotation,
        body_module=response.model_imports[0][0],
        item_class=item_model.class_name,
        item_module=item_model.module_name,
        body_paths=body_paths,
        envelope_fields=tuple(envelope),
    )


def items_schema(document: OpenAPIDocument, operation: Operation) -> Schema:
    extension = operation.raw["x-pagination"]
    status = success_status(operation)
    media = document.json_media(document.responses(operation)[str(status)].get("content"))
    assert media is not None
    schema = document.normalize(media.get("schema", {}), where=operation.label)
    style = pagination_styles()[str(extension.get("style", "page-number"))]
    for key in extension[style.body_path_keys[0]]:
        schema = document.normalize(schema.properties[key], where=operation.label)
    return document.normalize(schema.items, where=operation.label)
