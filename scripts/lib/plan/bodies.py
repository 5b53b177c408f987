"""Request bodies: JSON, form-urlencoded, multipart, and raw ones (`BodyPlan`).

An object body with properties is flattened: each property its own keyword argument. A raw body
(application/octet-stream, or any other media type whose schema is a string: an image, an audio
file, a text) is the one file argument `body` (bytes, a binary file object or a path, streamed),
sent with the declared media type as its Content-Type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from scripts.lib.openapi_document import OpenAPIDocument, Operation
from scripts.lib.plan.arguments import ArgumentPlan, example_of
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.naming import argument_identifier
from scripts.lib.plan.values import NothingToSend, ValueRule, union_members_of, value_rule

if TYPE_CHECKING:
    from scripts.lib.plan.opc_adapter import OpcModel


JSON_MEDIA_TYPE = "application/json"


FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


MULTIPART_MEDIA_TYPE = "multipart/form-data"


OCTET_STREAM_MEDIA_TYPE = "application/octet-stream"


_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED_TEXT = r"[\t \x21\x23-\x5b\x5d-\x7e]"
MEDIA_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}(?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|\"{_QUOTED_TEXT}*\"))*")
"""RFC 9110's media-type: what a raw body's Content-Type header may say (a spec's key is checked
against it before it reaches a header). A quoted parameter value is ASCII only: RFC 9110's obs-text
(bytes 0x80-0xFF) is obsolete, and httpx encodes a header given as text as ASCII, so a key holding
`é` would fail every request."""


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
    model_imports: tuple[tuple[str, str], ...] = ()
    """(module, class) of the models a oneOf/anyOf body's annotation offers."""

    @property
    def value_arguments(self) -> tuple[ArgumentPlan, ...]:
        """The properties sent as values (every one but the files)."""
        names = {python for python, _, _, _ in self.files}
        return tuple(a for a in self.arguments if a.python_name not in names)


def typed_union_body(
    document: OpenAPIDocument, operation: Operation, body: BodyPlan, models: Mapping[str, OpcModel]
) -> BodyPlan:
    """A oneOf/anyOf JSON body whose every variant is a component schema with a model: its `body`
    argument is annotated as the union of the variant models and a plain mapping (`Cat | Dog |
    Mapping[str, Any]`), as openapi-python-client types a union body; the UnionRule still checks
    either before sending, a model as its `to_dict()`. (openapi-python-client is not shown the
    request bodies, see generate.models_view: the variants are found by their `$ref`.)"""
    found = document.request_body(operation)
    if body.flattened or body.media_type != JSON_MEDIA_TYPE or found is None:
        return body
    media = document.json_media(found[0].get("content") or {}) or {}
    members = union_members_of(document.resolve(media.get("schema", {})))
    if not members:
        return body
    # openapi-python-client names a component schema's model by its reference path.
    by_schema = {model.reference: model for model in models.values()}
    variants = []
    for member in members:
        ref = member.get("$ref") if isinstance(member, Mapping) else None
        if not (isinstance(ref, str) and ref.startswith("#/components/schemas/")):
            return body
        model = by_schema.get(ref.removeprefix("#"))
        if model is None or model.free_form:
            return body
        variants.append((model.module_name, model.class_name))
    (argument,) = body.arguments
    annotation = " | ".join([*dict.fromkeys(cls for _, cls in variants), "Mapping[str, Any]"])
    argument = replace(argument, rule=replace(argument.rule, annotation=annotation))
    return replace(body, arguments=(argument,), model_imports=tuple(dict.fromkeys(variants)))


def _raw_body(body: Mapping[str, Any], media_type: str) -> BodyPlan:
    """The whole body is one file, sent as it is (the Swagger petstore's image upload): the argument
    `body` takes what a multipart file takes, streamed, never read whole into memory; its
    Content-Type is `media_type` unless the caller's (filename, content, content_type) names one."""
    required = bool(body.get("required"))
    file_rule = ValueRule("file", "FileTypes", "AnyRule()")
    argument = ArgumentPlan(
        wire_name="body",
        python_name="body",
        location="body",
        required=required,
        rule=file_rule,
        description=str(body.get("description") or "The bytes to send.").strip(),
    )
    return BodyPlan(media_type, required, False, (argument,), "AnyRule()", files=(("body", "body", False, required),))


def _raw_media_type(document: OpenAPIDocument, content: Mapping[str, Any], where: str) -> str | None:
    """The media type of a raw body among `content` (none is JSON, form or multipart): the first whose
    schema is a string or absent (bytes, an image, a text). A wildcard (`image/*`) goes as
    application/octet-stream, or as the caller names it. None when every one is structured data
    in a serialization the client cannot write (XML, say)."""
    for key, media in content.items():
        # Normalized, not read from `type`: an object's schema may say so only by its properties,
        # an allOf or a oneOf of structured shapes.
        kinds = document.normalize(media.get("schema", {}) if isinstance(media, Mapping) else {}, where=where).types
        if kinds and "string" not in kinds:
            continue
        media_type = str(key).strip()
        if not MEDIA_TYPE.fullmatch(media_type):
            raise PlanError(f"{where}: {media_type!r} is not a media type (RFC 9110: type/subtype; parameters)")
        return OCTET_STREAM_MEDIA_TYPE if "*" in media_type.split(";")[0] else media_type
    return None


def plan_body(document: OpenAPIDocument, operation: Operation, *, left_out: list[str] | None = None) -> BodyPlan | None:
    """The request body; its optional properties with nothing to send are left out (`left_out`)."""
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
        media_type = next(
            (m for m in (FORM_MEDIA_TYPE, MULTIPART_MEDIA_TYPE, OCTET_STREAM_MEDIA_TYPE) if m in bases), ""
        )
        if media_type == OCTET_STREAM_MEDIA_TYPE:
            return _raw_body(body, OCTET_STREAM_MEDIA_TYPE)
        if not media_type:
            raw = _raw_media_type(document, content, where)
            if raw is None:
                raise PlanError(
                    f"{where}: only JSON, form-urlencoded and multipart bodies are written from values, and a body "
                    f"of another media type is sent as bytes only when its schema is a string; got {', '.join(content)}"
                )
            return _raw_body(body, raw)
        media, form = content[bases[media_type]] or {}, True
    schema_node = media.get("schema", {})
    rule = value_rule(document, schema_node, where=where)
    if left_out is not None:
        left_out.extend(rule.left_out)
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
        try:
            property_rule = value_rule(document, property_node, where=property_where)
        except NothingToSend:
            # Only an optional one gets here (the body's own rule above refused a required one),
            # and its message is already in `rule.left_out`.
            continue
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
                example=example_of({}, property_schema),
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
