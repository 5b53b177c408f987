"""Responses: the success response's kind and how its body is parsed (`ResponsePlan`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scripts.lib.openapi_document import OpenAPIDocument, Operation
from scripts.lib.plan.bodies import JSON_MEDIA_TYPE
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.opc_adapter import model_of_property, non_null_member

if TYPE_CHECKING:
    from scripts.lib.plan.opc_adapter import OpcEndpoint, OpcModel


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
    document: OpenAPIDocument, operation: Operation, endpoint: OpcEndpoint, models: Mapping[str, OpcModel]
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
    prop = endpoint.response_property(status)
    if prop is None:
        return ResponsePlan(status, "json", "Any", "_as_received")
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
