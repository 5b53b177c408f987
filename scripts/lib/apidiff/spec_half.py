"""The spec half of the gate: two versions of `spec/openapi.yaml` compared, by direction of data flow.

Both are read through the generator's own resolver (`openapi_document.OpenAPIDocument`: `$ref`s,
`allOf`, path-level parameters and nullable unions are followed the way the generated code sees
them). A rule knows which way the data flows: a schema reached from a request (parameters, request
body) breaks callers when what it accepts narrows; a schema reached from a response breaks them
when what it may contain widens, or when something they read disappears. Request and response
bodies are compared media type by media type (JSON, form-urlencoded, multipart, any other): a form
body's own properties are fields of the call, and a multipart body's file parts have rules of their
own. Operations, success statuses and `x-pagination` (the pager's contract) are compared too.
`compare_specs` is the way in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from scripts.lib.apidiff.rules import (
    REASONS,
    RULES_BY_ID,
    ApiDiffError,
    Effect,
    Finding,
    Side,
    finding,
    merge_findings,
)
from scripts.lib.openapi_document import (
    FORM_MEDIA_TYPES,
    JSON_MEDIA_TYPE,
    MULTIPART_MEDIA_TYPE,
    OpenAPIDocument,
    Operation,
    Schema,
    SpecError,
    path_shape,
)

RENAME_HINT = " (a rename shows as a removal and an addition)"


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
            return operation.method, path_shape(operation.path)

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
            if path_shape(new.path) != path_shape(old.path):
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
