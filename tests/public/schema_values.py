"""A value a JSON Schema accepts, derived from the schema itself: for the public driver's arguments
the plan's rules cannot give one for (a oneOf/anyOf, the required keys of objects inside arrays,
allOf, a discriminator's tag, string formats the server checks).

The first variant of a oneOf/anyOf that is not null is taken, its discriminator's value set as the
document maps it; an object gets its required properties (and those a nested required one needs);
an array gets as many items as its minItems asks (one at least); a string its example, a format's
sample, the simplest text its pattern matches, or a text of the lengths it asks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import referencing.exceptions

from scripts.lib.openapi_document import OpenAPIDocument
from tests.support.values import _simplest_match

URI = "https://example.com/public-test"
EMAIL = "public-test@example.com"
MAX_DEPTH = 12
FORMAT_SAMPLES: dict[str, Any] = {
    "uri": URI,
    "url": URI,
    "uri-reference": URI,
    "iri": URI,
    "email": EMAIL,
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "date-time": "2026-12-01T09:30:00+05:30",
    "date": "2026-12-01",
    "ipv4": "192.0.2.1",
    "hostname": "example.com",
}


def schema_value(document: OpenAPIDocument, node: Any, *, depth: int = 0) -> Any:
    """A value `node` accepts (None where it allows only null or nothing can be derived)."""
    if depth > MAX_DEPTH:
        return None
    schema = document.resolve(node)
    if not isinstance(schema, Mapping):
        return None
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and any(choice is not None for choice in enum):
        return next(choice for choice in enum if choice is not None)
    for key in ("oneOf", "anyOf"):
        members = schema.get(key)
        if isinstance(members, list) and members:
            return _variant_value(document, schema, members, depth)
    if isinstance(schema.get("allOf"), list):
        merged = _merged_all_of(document, schema, depth)
        if merged is not None:
            return _object_value(document, merged, depth)
        values: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = schema_value(document, part, depth=depth + 1)
            if isinstance(value, dict):
                values.update(value)
        return values
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and ("properties" in schema or "required" in schema):
        kind = "object"
    if kind == "object":
        return _object_value(document, schema, depth)
    if kind == "array":
        item = schema_value(document, schema.get("items", {}), depth=depth + 1)
        return [item] * max(int(schema.get("minItems") or 1), 1)
    if kind == "integer":
        return int(_number(schema, integer=True))
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "string":
        return _text(schema)
    if kind == "null":
        return None
    return {"source": "tests"}


def _merged_all_of(document: OpenAPIDocument, schema: Mapping[str, Any], depth: int) -> dict[str, Any] | None:
    """An allOf of objects as one object schema: every part's properties and required names together.

    Published documents split an object across parts (Vonage's `{"required": ["ncco"]}` beside the
    part that defines `ncco`), so a part's required name is often defined by another part; valuing
    each part alone gives such a name no schema. None where a part is not an object (or nests too deep).
    """
    if depth > MAX_DEPTH:
        return None
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in [*schema.get("allOf", ()), {k: v for k, v in schema.items() if k != "allOf"}]:
        resolved = document.resolve(part)
        if not isinstance(resolved, Mapping):
            return None
        if isinstance(resolved.get("allOf"), list):
            nested = _merged_all_of(document, resolved, depth + 1)
            if nested is None:
                return None
            resolved = {**{k: v for k, v in resolved.items() if k != "allOf"}, **nested}
        if resolved.get("type") not in (None, "object") or "oneOf" in resolved or "anyOf" in resolved:
            return None
        properties.update(resolved.get("properties") or {})
        required += [name for name in resolved.get("required") or () if isinstance(name, str) and name not in required]
    return {"type": "object", "properties": properties, "required": required}


def _variant_value(document: OpenAPIDocument, schema: Mapping[str, Any], members: list[Any], depth: int) -> Any:
    """The first non-null member's value; for a oneOf, the first member's value that no other member
    also accepts, since a value two members accept breaks the oneOf (Vonage's call endpoints: every
    one accepts an object with a `type`, so a phone endpoint is a SIP one too)."""
    candidates = [m for m in members if not (isinstance(m, Mapping) and m.get("type") == "null")] or members[:1]
    values = [_member_value(document, schema, member, depth) for member in candidates]
    if "oneOf" in schema and len(members) > 1:
        for value in values:
            if sum(_accepts(document, member, value) for member in members) == 1:
                return value
    return values[0]


def _member_value(document: OpenAPIDocument, schema: Mapping[str, Any], member: Any, depth: int) -> Any:
    value = schema_value(document, member, depth=depth + 1)
    discriminator = schema.get("discriminator") or _inherited_discriminator(document, member)
    if isinstance(discriminator, Mapping) and isinstance(value, dict):
        # The tag the client's check (and the server) read the variant by: the mapping's key for
        # the chosen reference, else the referenced schema's name.
        ref = member.get("$ref") if isinstance(member, Mapping) else None
        mapping = discriminator.get("mapping") or {}
        tag = next((key for key, target in mapping.items() if target == ref), None)
        if tag is None and isinstance(ref, str):
            tag = ref.rsplit("/", 1)[-1]
        if tag is not None:
            value[str(discriminator["propertyName"])] = tag
    return value


def _inherited_discriminator(document: OpenAPIDocument, member: Any) -> Any:
    """The discriminator a member declares through a part of its allOf (Vonage's reports: each
    product's schema is allOf `report_request`, which names `product` as the discriminator)."""
    resolved = document.resolve(member)
    if not isinstance(resolved, Mapping):
        return None
    for part in resolved.get("allOf") or ():
        found = document.resolve(part)
        if isinstance(found, Mapping) and isinstance(found.get("discriminator"), Mapping):
            return found["discriminator"]
    return None


def _accepts(document: OpenAPIDocument, member: Any, value: Any) -> bool:
    """Whether `member` accepts `value`, as Prism's validator judges it (a JSON Schema validator;
    the document's own components resolve the member's references)."""
    root = {**dict(member if isinstance(member, Mapping) else {}), "components": document.raw.get("components", {})}
    # OpenAPI 3.0's schemas are draft 4's (a boolean exclusiveMinimum); 3.1's are draft 2020-12's.
    draft4 = str(document.raw.get("openapi", "")).startswith("3.0")
    validator = jsonschema.Draft4Validator if draft4 else jsonschema.Draft202012Validator
    try:
        return bool(validator(root).is_valid(value))
    except (jsonschema.SchemaError, referencing.exceptions.Unresolvable):
        return False


def _object_value(document: OpenAPIDocument, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    required = [name for name in schema.get("required") or () if isinstance(name, str)]
    value: dict[str, Any] = {}
    for name in required:
        value[name] = schema_value(document, properties.get(name, {}), depth=depth + 1)
    if not value and not required and properties and depth == 0:
        # An object with nothing required: one property, that the server has something to read.
        name, node = next(iter(properties.items()))
        value[name] = schema_value(document, node, depth=depth + 1)
    return value


def _number(schema: Mapping[str, Any], *, integer: bool) -> float:
    low = schema.get("minimum")
    exclusive_low = schema.get("exclusiveMinimum")
    high = schema.get("maximum")
    number: float = 2 if integer else 2.5
    if isinstance(exclusive_low, int | float) and not isinstance(exclusive_low, bool):
        number = max(number, exclusive_low + (1 if integer else 0.5))
    if isinstance(low, int | float):
        number = max(number, math.ceil(low) if integer else low)
    if isinstance(high, int | float):
        number = min(number, math.floor(high) if integer else high)
    return number


def _text(schema: Mapping[str, Any]) -> str:
    example = schema.get("example")
    sample = FORMAT_SAMPLES.get(str(schema.get("format")))
    if sample is not None:
        return str(sample)
    pattern = schema.get("pattern")
    min_length = schema.get("minLength")
    max_length = schema.get("maxLength")
    if isinstance(pattern, str):
        return _simplest_match(pattern, min_length, max_length)
    text = example if isinstance(example, str) else "public-test"
    if isinstance(min_length, int) and len(text) < min_length:
        text = (text * (min_length // max(len(text), 1) + 1))[:min_length]
    if isinstance(max_length, int) and len(text) > max_length:
        text = text[:max_length]
    return text
