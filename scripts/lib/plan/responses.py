"""Responses: the success response's kind and how its body is parsed (`ResponsePlan`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scripts.lib.literals import python_literal
from scripts.lib.openapi_document import OpenAPIDocument, Operation
from scripts.lib.plan.bodies import JSON_MEDIA_TYPE
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.opc_adapter import model_of_property, non_null_member
from scripts.lib.plan.values import discriminator_of, union_members_of

if TYPE_CHECKING:
    from scripts.lib.plan.opc_adapter import OpcEndpoint, OpcModel, OpcProperty


@dataclass(frozen=True)
class ResponsePlan:
    status: int
    kind: str
    """object (a model), array (a list), union (one of several models, or the object as received),
    empty (no body), json (any JSON value, as received), bytes (a binary body: audio, a file) or
    text (text/*, XML)."""
    annotation: str
    """The method's return type."""
    parse: str
    """Source of a function of the decoded JSON that returns the parsed value."""
    model_imports: tuple[tuple[str, str], ...] = ()
    """(module, class) of the models the parse function uses."""
    item_annotation: str | None = None
    accept: str = JSON_MEDIA_TYPE
    """The media type asked for (the Accept header)."""


def _variant_models(prop: OpcProperty, models: Mapping[str, OpcModel], count: int) -> list[tuple[str, str]] | None:
    """(module, class) of each variant of a union openapi-python-client parsed, in the spec's
    order, when every one of the `count` variants is a model with fields; None otherwise (a union
    of other shapes stays as it is: a mapping sent, JSON received)."""
    prop = non_null_member(prop)
    if prop.kind != "union":
        return None
    variants = []
    for member in prop.members:
        if member.kind == "none":
            continue
        model = model_of_property(member, models)
        if model is None or model.free_form:
            return None
        variants.append((model.module_name, model.class_name))
    if len(variants) != count or len(set(variants)) != count:
        return None
    return variants


def success_status(operation: Operation) -> int:
    return _success_response(operation)[0]


def _success_response(operation: Operation) -> tuple[int, str]:
    """The status the client takes as the answer, and the key of its response in `responses`: the
    lowest 2xx; without one, `2XX`, else `default` (as openapi-python-client reads an operation that
    documents only those: its own document has both), taken as a 200."""
    responses = [str(status) for status in operation.raw.get("responses", {})]
    statuses = sorted(int(status) for status in responses if status.isdigit() and 200 <= int(status) < 300)
    if statuses:
        return statuses[0], str(statuses[0])
    for key in responses:
        if key.upper() == "2XX":
            return 200, key
    if "default" in responses:
        return 200, "default"
    raise PlanError(f"{operation.label} documents no 2xx response")


def plan_response(
    document: OpenAPIDocument, operation: Operation, endpoint: OpcEndpoint, models: Mapping[str, OpcModel]
) -> ResponsePlan:
    status, key = _success_response(operation)
    response = document.responses(operation)[key]
    media = document.json_media(response.get("content"))
    if status == 204 or not response.get("content"):
        return ResponsePlan(status, "empty", "None", "")
    if media is None:
        media_type = str(next(iter(response["content"])))
        base = media_type.split(";")[0].strip().lower()
        if base.startswith("text/") or base.endswith(("/xml", "+xml")):
            return ResponsePlan(status, "text", "str", "", accept=media_type)
        return ResponsePlan(status, "bytes", "bytes", "", accept=media_type)
    prop = endpoint.response_property(status, key)
    if prop is None:
        return ResponsePlan(status, "json", "Any", "_as_received")
    members = union_members_of(document.resolve(media.get("schema", {})))
    variants = _variant_models(prop, models, len(members)) if members is not None else None
    if members is not None and variants is not None:
        # One of several models: the one the discriminator (else the fit) picks, or the object as
        # received when none does (the runtime's `one_of`); None too when the schema allows null.
        classes = [cls for _, cls in variants]
        nullable = any(member.kind == "none" for member in prop.members)
        annotation = " | ".join([*classes, "dict[str, Any]"] + (["None"] if nullable else []))
        discriminated = discriminator_of(document.resolve(media.get("schema", {})), members)
        options = f", {python_literal(discriminated[0])}, {python_literal(discriminated[1])}" if discriminated else ""
        parse = f"_one_of(({', '.join(classes)},){options}{', nullable=True' if nullable else ''})"
        return ResponsePlan(status, "union", annotation, parse, tuple(variants))
    model = model_of_property(prop, models)
    if model is not None and not model.free_form:
        cls, module = model.class_name, model.module_name
        return ResponsePlan(status, "object", cls, f"{cls}.from_dict", ((module, cls),))
    inner = non_null_member(prop).item
    if inner is not None:
        item_model = model_of_property(inner, models)
        if item_model is not None and not item_model.free_form:
            cls, module = item_model.class_name, item_model.module_name
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
