"""The rules of bodies for every media type: JSON, form-urlencoded and multipart, requests and responses.

Each `MediaCase` is one edit of a body property (old -> new) in one media type, with the rule it
sets off and the rule the reverse edit (new -> old) sets off: the same edit judged in both
directions. A body of another media type used to be compared not at all; these pairs show that
every media type now goes through the same direction rules, and that a form field's removal and a
file part's removal or addition have rules of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from tests.apidiff.fragments import (
    BINARY_FILE,
    FORM,
    JSON,
    MEDIA_FILE,
    MEDIA_TYPES,
    MULTIPART,
    Spec,
    body,
    describe,
    document,
    findings,
    obj,
    response,
)

STRING = {"type": "string"}
SHORT = {JSON: "json", FORM: "form", MULTIPART: "multipart"}


@dataclass(frozen=True)
class MediaCase:
    """An edit of one body (old -> new), the one rule it sets off, and the one its reverse sets off."""

    rule: str
    reverse: str
    media_type: str
    old: Spec
    new: Spec

    @property
    def id(self) -> str:
        return f"{self.rule}-{SHORT[self.media_type]}"


def request_with(media_type: str, properties: Mapping[str, Any], required: tuple[str, ...] = ()) -> Spec:
    return document(method="post", request_body=body((media_type, obj(properties, required))))


def response_with(media_type: str, properties: Mapping[str, Any], required: tuple[str, ...] = ()) -> Spec:
    return document(responses={"200": response((media_type, obj(properties, required)))})


# (rule of old -> new, rule of new -> old, old properties, old required, new properties, new required);
# a rule named None here depends on the media type (see `removed_field_rule`).
PropertyEdit = tuple[str | None, str | None, dict[str, Any], tuple[str, ...], dict[str, Any], tuple[str, ...]]
REQUEST_EDITS: list[PropertyEdit] = [
    (None, "new-optional-request-property", {"a": STRING, "b": STRING}, (), {"a": STRING}, ()),
    ("new-required-request-property", None, {"a": STRING}, (), {"a": STRING, "b": STRING}, ("b",)),
    ("request-property-became-required", "request-property-became-optional", {"a": STRING}, (), {"a": STRING}, ("a",)),
    (
        "request-property-type-narrowed",
        "request-property-type-widened",
        {"a": {"type": ["string", "integer"]}},
        (),
        {"a": STRING},
        (),
    ),
    (
        "request-property-format-added",
        "request-property-format-removed",
        {"a": STRING},
        (),
        {"a": {"type": "string", "format": "date"}},
        (),
    ),
    (
        "request-property-enum-value-removed",
        "request-property-enum-value-added",
        {"a": {"type": "string", "enum": ["x", "y"]}},
        (),
        {"a": {"type": "string", "enum": ["x"]}},
        (),
    ),
]
RESPONSE_EDITS: list[PropertyEdit] = [
    ("response-property-removed", "response-property-added", {"a": STRING, "b": STRING}, (), {"a": STRING}, ()),
    (
        "response-property-became-optional",
        "response-property-became-required",
        {"a": STRING},
        ("a",),
        {"a": STRING},
        (),
    ),
    (
        "response-property-type-widened",
        "response-property-type-narrowed",
        {"a": STRING},
        (),
        {"a": {"type": ["string", "integer"]}},
        (),
    ),
    (
        "response-property-enum-value-added",
        "response-property-enum-value-removed",
        {"a": {"type": "string", "enum": ["x"]}},
        (),
        {"a": {"type": "string", "enum": ["x", "y"]}},
        (),
    ),
]


def removed_field_rule(media_type: str) -> str:
    """A form field is a parameter of the call (breaking); a JSON member may be ignored (a warning)."""
    return "request-property-removed" if media_type == JSON else "request-form-field-removed"


def property_cases() -> list[MediaCase]:
    cases = []
    for media_type in MEDIA_TYPES:
        for rule, reverse, old, old_required, new, new_required in REQUEST_EDITS:
            cases.append(
                MediaCase(
                    rule or removed_field_rule(media_type),
                    reverse or removed_field_rule(media_type),
                    media_type,
                    request_with(media_type, old, old_required),
                    request_with(media_type, new, new_required),
                )
            )
        for rule, reverse, old, old_required, new, new_required in RESPONSE_EDITS:
            assert rule is not None
            assert reverse is not None
            cases.append(
                MediaCase(
                    rule,
                    reverse,
                    media_type,
                    response_with(media_type, old, old_required),
                    response_with(media_type, new, new_required),
                )
            )
    return cases


def file_cases() -> list[MediaCase]:
    """File parts: a multipart body's binary strings (3.0) or strings with a contentMediaType (3.1),
    alone or as a list of files."""
    cases = []
    for file in (BINARY_FILE, MEDIA_FILE, {"type": "array", "items": BINARY_FILE}):
        with_file = {"a": STRING, "file": file}
        cases += [
            MediaCase(
                "request-file-part-removed",
                "request-file-part-added-optional",
                MULTIPART,
                request_with(MULTIPART, with_file),
                request_with(MULTIPART, {"a": STRING}),
            ),
            MediaCase(
                "request-file-part-added-required",
                "request-file-part-removed",
                MULTIPART,
                request_with(MULTIPART, {"a": STRING}),
                request_with(MULTIPART, with_file, ("file",)),
            ),
            MediaCase(
                "response-file-part-removed",
                "response-file-part-added",
                MULTIPART,
                response_with(MULTIPART, with_file),
                response_with(MULTIPART, {"a": STRING}),
            ),
        ]
    # A part that stops being a file breaks uploaders; one that becomes a file gained a format.
    cases.append(
        MediaCase(
            "request-file-part-removed",
            "request-property-format-added",
            MULTIPART,
            request_with(MULTIPART, {"file": BINARY_FILE}),
            request_with(MULTIPART, {"file": STRING}),
        )
    )
    return cases


def media_type_cases() -> list[MediaCase]:
    """One of several media types removed (the other kept), for each media type."""
    cases = []
    other_schema = obj({"a": STRING})
    for media_type in MEDIA_TYPES:
        kept = FORM if media_type == JSON else JSON
        cases.append(
            MediaCase(
                "request-body-media-type-removed",
                "request-body-media-type-added",
                media_type,
                document(method="post", request_body=body((kept, other_schema), (media_type, other_schema))),
                document(method="post", request_body=body((kept, other_schema))),
            )
        )
        cases.append(
            MediaCase(
                "response-media-type-removed",
                "response-media-type-added",
                media_type,
                document(responses={"200": response((kept, other_schema), (media_type, other_schema))}),
                document(responses={"200": response((kept, other_schema))}),
            )
        )
    return cases


MEDIA_CASES = property_cases() + file_cases() + media_type_cases()


@pytest.mark.parametrize("case", MEDIA_CASES, ids=[case.id for case in MEDIA_CASES])
def test_each_body_edit_is_judged_in_both_directions(case: MediaCase) -> None:
    forward = findings(case.old, case.new)
    backward = findings(case.new, case.old)

    assert [item.rule.id for item in forward] == [case.rule], describe(forward)
    assert [item.rule.id for item in backward] == [case.reverse], describe(backward)


@pytest.mark.parametrize("media_type", [FORM, MULTIPART])
def test_a_form_body_finding_names_its_media_type_and_where_it_is_defined(media_type: str) -> None:
    (item,) = findings(request_with(media_type, {"a": STRING, "b": STRING}), request_with(media_type, {"a": STRING}))

    assert item.rule.id == "request-form-field-removed"
    assert item.rule.breaking
    assert item.where == (f"POST /things (listThings), request body ({media_type}): b",)
    escaped = media_type.replace("/", "~1")
    assert item.source == f"#/paths/~1things/post/requestBody/content/{escaped}/schema/properties/b"


def test_a_json_body_finding_keeps_its_short_label() -> None:
    (item,) = findings(request_with(JSON, {"a": STRING, "b": STRING}), request_with(JSON, {"a": STRING}))

    assert item.where == ("POST /things (listThings), request body: b",)
    assert not item.rule.breaking  # a warning: the Python half gives the verdict (see the README)


def test_a_nested_form_property_removed_is_a_property_not_a_field() -> None:
    """Only a form body's own properties are fields of the call; deeper ones are ordinary properties."""
    nested = {"type": "object", "properties": {"x": STRING, "y": STRING}}
    fewer = {"type": "object", "properties": {"x": STRING}}

    found = findings(request_with(FORM, {"a": nested}), request_with(FORM, {"a": fewer}))

    assert [item.rule.id for item in found] == ["request-property-removed"], describe(found)


def test_every_media_type_of_a_body_is_compared() -> None:
    """A body offered as JSON and as a form: the same component, reached twice, is one finding."""

    def spec(required: tuple[str, ...]) -> Spec:
        thing = {"$ref": "#/components/schemas/Thing"}
        return document(
            method="post",
            request_body=body((JSON, thing), (FORM, thing)),
            schemas={"Thing": obj({"a": STRING}, required)},
        )

    (item,) = findings(spec(()), spec(("a",)))

    assert item.rule.id == "request-property-became-required"
    assert item.where == (
        "POST /things (listThings), request body: a",
        f"POST /things (listThings), request body ({FORM}): a",
    )


def test_adding_fields_and_parts_is_quiet() -> None:
    old = request_with(MULTIPART, {"a": STRING})
    new = request_with(MULTIPART, {"a": STRING, "b": STRING, "file": MEDIA_FILE})

    found = findings(old, new)

    assert {item.rule.id for item in found} == {"new-optional-request-property", "request-file-part-added-optional"}
    assert not any(item.rule.breaking for item in found)
