"""The public driver's values derived from a schema (tests/public/schema_values.py), shape by shape."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.lib.openapi_document import OpenAPIDocument
from tests.public.schema_values import EMAIL, URI, schema_value

SCHEMAS: dict[str, Any] = {
    "WebCall": {
        "type": "object",
        "required": ["type", "agent"],
        "properties": {"type": {"type": "string", "enum": ["web"]}, "agent": {"type": "string", "minLength": 3}},
    },
    "PhoneCall": {"type": "object", "required": ["to"], "properties": {"to": {"type": "string", "format": "email"}}},
    "PhoneEndpoint": {
        "type": "object",
        "required": ["type", "number"],
        "properties": {"type": {"type": "string", "example": "phone"}, "number": {"type": "string", "example": "4470"}},
    },
    "SipEndpoint": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "example": "sip"}},
    },
    "Report": {
        "type": "object",
        "required": ["product"],
        "properties": {"product": {"type": "string"}},
        "discriminator": {"propertyName": "product"},
    },
    "SmsReport": {"allOf": [{"$ref": "#/components/schemas/Report"}]},
    "Step": {"type": "object", "required": ["key"], "properties": {"key": {"type": "string", "pattern": "^k[0-9]$"}}},
}
DOCUMENT = OpenAPIDocument({"openapi": "3.1.0", "paths": {}, "components": {"schemas": SCHEMAS}})


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        # Resend's `to`: a string or a list; Qdrant's point id: an integer or a UUID.
        ({"anyOf": [{"type": "null"}, {"type": "string", "format": "email"}, {"type": "array"}]}, EMAIL),
        (
            {"anyOf": [{"type": "integer", "minimum": 7}, {"type": "string", "format": "uuid"}]},
            7,
        ),
        # The required keys of objects inside arrays (Resend's `steps[0].key`).
        ({"type": "array", "minItems": 2, "items": {"$ref": "#/components/schemas/Step"}}, [{"key": "k0"}] * 2),
        # A discriminator's tag, as its mapping names the chosen variant.
        (
            {
                "oneOf": [{"$ref": "#/components/schemas/WebCall"}, {"$ref": "#/components/schemas/PhoneCall"}],
                "discriminator": {"propertyName": "type", "mapping": {"web": "#/components/schemas/WebCall"}},
            },
            {"type": "web", "agent": "public-test"},
        ),
        (
            {
                "allOf": [
                    {"$ref": "#/components/schemas/PhoneCall"},
                    {"required": ["n"], "properties": {"n": {"type": "integer", "exclusiveMinimum": 4}}},
                ]
            },
            {"to": EMAIL, "n": 5},
        ),
        # An object split across allOf parts, a part requiring a name another part defines (Vonage's
        # createCall: `{"required": ["ncco"]}` beside the part that makes `ncco` an array).
        (
            {
                "allOf": [
                    {"required": ["steps"]},
                    {"properties": {"steps": {"type": "array", "items": {"type": "object"}}}},
                    {"$ref": "#/components/schemas/PhoneCall"},
                ]
            },
            {"steps": [{}], "to": EMAIL},
        ),
        # A oneOf whose first member's value another member accepts too (Vonage's call endpoints: a
        # phone endpoint is a SIP one as well): the first value that only one member accepts.
        (
            {"oneOf": [{"$ref": "#/components/schemas/PhoneEndpoint"}, {"$ref": "#/components/schemas/SipEndpoint"}]},
            {"type": "sip"},
        ),
        # A discriminator declared by a part of the member's allOf (Vonage's report products).
        ({"oneOf": [{"$ref": "#/components/schemas/SmsReport"}]}, {"product": "SmsReport"}),
        ({"type": "string", "format": "uri"}, URI),
        ({"type": ["number", "null"], "maximum": 1}, 1),
        ({"const": "fixed"}, "fixed"),
    ],
)
def test_a_value_the_schema_accepts(schema: dict[str, Any], value: Any) -> None:
    assert schema_value(DOCUMENT, schema) == value
