"""A corpus of odd-but-plausible records, derived from the spec's field types, through both packages.

For every property of every object schema of the spec under test (the product's, or the grown one:
see tests/client/conftest.py), the cases below are made from the property's type alone, so a field
added to the spec gets them with no edit here: numbers as strings, floats for integers, empty
strings, nulls (and, for a required field, a missing key), zero dates, leap seconds, timestamps
without a timezone, lists for objects, objects for lists, huge integers, booleans as strings.

Each case is one record: a minimal valid instance of its schema with the one property replaced.
For each, in `ravan_client` (attrs) and `ravan_models` (pydantic):
- every field holds its annotated type, or None with the field listed in `model_invalid_fields`
  and the value as received kept there;
- both packages give the same value and list the same fields;
- the round trip is exact: `to_dict()` gives back the record received, in both;
- as an item of a page (paginated operations), the page keeps every other record, and a client
  with `strict_responses=True` raises `APIResponseValidationError` naming the record and the field;
- the parts of a page's envelope (the pager's items path) are not records: without them, or with
  something else than a list of objects, the body is an error in both packages.
"""

from __future__ import annotations

import copy
import datetime
import json
import types
import typing
from typing import Any, Literal, NamedTuple, Union, get_args, get_origin

import pytest
from pydantic import AwareDatetime, ValidationError

import ravan_client.models
import ravan_models
from ravan_client import APIResponseValidationError
from tests.client.conftest import Recorder, json_response, success_body, sync_client
from tests.support import spec_plan

_MISSING = object()


class Case(NamedTuple):
    schema: str
    wire: str
    label: str
    value: Any  # _MISSING: the key is left out


def _schema(name: str) -> Any:
    return spec_plan.document().normalize({"$ref": f"#/components/schemas/{name}"})


def _response_schemas() -> set[str]:
    """The component schemas a response can carry (records received; request bodies are not)."""
    names: set[str] = set()
    schemas = spec_plan.raw_spec().get("components", {}).get("schemas", {})
    pending: list[Any] = []
    for path_item in spec_plan.raw_spec().get("paths", {}).values():
        for operation in path_item.values() if isinstance(path_item, dict) else []:
            if isinstance(operation, dict):
                pending.append(operation.get("responses", {}))
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if ref.startswith("#/components/schemas/") and name not in names:
                    names.add(name)
                    pending.append(schemas.get(name))
                elif not ref.startswith("#/components/schemas/"):
                    pending.append(_follow(ref))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names


def _follow(ref: str) -> Any:
    node: Any = spec_plan.raw_spec()
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


OBJECT_SCHEMAS = sorted(name for name in _response_schemas() if _schema(name).properties)


def odd_values(node: Any) -> list[tuple[str, Any]]:
    """The odd-but-plausible values for a property of this schema, from its type alone."""
    schema = spec_plan.document().normalize(node)
    kind = schema.single_type
    cases: list[tuple[str, Any]] = [("null", None), ("empty string", ""), ("list for a scalar", ["a"])]
    if schema.enum:
        cases += [("unknown enum value", "zz-undocumented"), ("number for an enum", 12)]
    if kind == "string" and schema.format == "date-time":
        cases += [
            ("words", "yesterday"),
            ("MySQL zero date", "0000-00-00 00:00:00"),
            ("leap second", "2016-12-31T23:59:60Z"),
            ("no timezone", "2026-11-24T16:02:11"),
            ("space and offset", "2026-11-24 16:02:11+05:30"),
            ("seven fraction digits", "2026-11-24T16:02:11.1234567Z"),
            ("lowercase t and z", "2026-11-24t16:02:11z"),
            ("hour-only time", "2026-11-24T16Z"),
            ("date only", "2026-11-24"),
            # Forms Python's fromisoformat reads, some of which pydantic does not: the fast path
            # of from_dict must take only the ones both read alike.
            ("offset", "2026-11-24T16:02:11+05:30"),
            ("offset without colon", "2026-11-24T16:02:11-0800"),
            ("hour-only offset", "2026-11-24T16:02:11+05"),
            ("fraction and offset", "2026-11-24T16:02:11.250-08:00"),
            ("no seconds", "2026-11-24T16:02Z"),
            ("basic format", "20261124T160211Z"),
            ("week date", "2026-W48-2T16:02:11Z"),
            ("other separator", "2026-11-24X16:02:11Z"),
            # Junk Python 3.11's fromisoformat reads and pydantic does not (the fast path once
            # took these: 16:02:21, 16:00, an offset of -5 h 0.3 s).
            ("space before Z", "2026-11-24T16:02:11 Z"),
            ("dot without fraction", "2026-11-24T16:02:11.Z"),
            ("three-digit seconds", "2026-11-24T16:02:211-05:30"),
            ("no minutes", "2026-11-24T16:-05:30"),
            ("dotted offset", "2026-11-24T16:02:11.123456-05.30"),
            ("digits after the fraction", "2026-11-24T16:02:11.123456405:3Z"),
            # Twenty characters with the commonest shape's six separators in place (the fast
            # path's one-slice test): what is between them must still be read alike.
            ("letter in the seconds", "2026-11-24T16:02:1xZ"),
            ("month 13", "2026-13-24T16:02:11Z"),
            ("signed year", "+026-11-24T16:02:11Z"),
            ("one character after Z", "2026-11-24T16:02:11ZZ"),
            ("epoch seconds", 1700000000),
            ("epoch seconds as text", "1700000000"),
            ("boolean", True),
        ]
    elif kind == "string" and schema.format == "date":
        cases += [("zero date", "0000-00-00"), ("datetime for a date", "2026-11-24T00:00:00Z"), ("number", 5)]
        cases += [("week date", "2026-W47-1"), ("basic date and junk", "20261124xx")]
    elif kind == "string":
        cases += [("number for a string", 12), ("boolean for a string", True), ("object for a string", {"a": 1})]
    elif kind == "integer":
        cases += [
            ("number as string", "12"),
            ("padded number as string", " 12 "),
            ("integral float", 12.0),
            ("fractional float", 12.5),
            ("fraction as string", "12.5"),
            ("huge integer", 10**30),
            ("float beyond 64 bits", 1e20),
            ("boolean", True),
            ("boolean as string", "true"),
            ("exponent as string", "1e3"),
        ]
    elif kind == "number":
        cases += [
            ("number as string", "0.5"),
            ("integer", 5),
            ("huge integer", 10**30),
            ("words", "abc"),
            ("boolean", False),
        ]
    elif kind == "boolean":
        cases += [
            ("true as string", "true"),
            ("False as string", "False"),
            ("yes", "yes"),
            ("one", 1),
            ("zero float", 0.0),
            ("two", 2),
            ("maybe", "maybe"),
        ]
    elif kind == "object":
        cases += [("list for an object", [1]), ("string for an object", "n/a"), ("empty object", {})]
    elif kind == "array":
        cases += [("object for a list", {"a": 1}), ("string for a list", "a,b"), ("null item", [None])]
    return cases


# The parts of a page's envelope (the pager's items path) are not record fields: a body without
# them is an error (test_a_broken_envelope_is_an_error_in_both_packages below).
ENVELOPE = spec_plan.target_plan().envelope_fields


def _cases() -> list[Case]:
    cases = []
    for name in OBJECT_SCHEMAS:
        schema = _schema(name)
        for wire, node in schema.properties.items():
            if (name, wire) in ENVELOPE:
                continue
            values = odd_values(node)
            if wire in schema.required:
                values.append(("missing", _MISSING))
            cases += [Case(name, wire, label, value) for label, value in values]
    return cases


CASES = _cases()


def _minimal(name: str) -> dict[str, Any]:
    schema = _schema(name)
    return {key: spec_plan.minimal_instance(node) for key, node in schema.properties.items() if key in schema.required}


def _record(case: Case) -> dict[str, Any]:
    schema = _schema(case.schema)
    record = {
        key: spec_plan.minimal_instance(node) for key, node in schema.properties.items() if key in schema.required
    }
    if case.value is _MISSING:
        record.pop(case.wire, None)
    else:
        record[case.wire] = copy.deepcopy(case.value)
    return record


def _conforms(value: Any, hint: Any) -> bool:
    """Whether a value has the type an annotation promises (exact scalars; aware datetimes)."""
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_conforms(value, member) for member in get_args(hint))
    if origin is typing.Annotated:
        return _conforms(value, get_args(hint)[0])
    if origin is Literal:
        return any(type(value) is type(choice) and value == choice for choice in get_args(hint))
    if origin is list:
        return type(value) is list and all(_conforms(item, get_args(hint)[0]) for item in value)
    if origin is dict:
        return type(value) is dict
    if hint in (datetime.datetime, AwareDatetime):
        return type(value) is datetime.datetime and value.tzinfo is not None
    if hint in (str, int, float, bool, datetime.date):
        return type(value) is hint
    return isinstance(value, hint)


def _client_field(case: Case) -> tuple[type[Any], str]:
    model = getattr(ravan_client.models, case.schema)
    return model, next(python for wire, python, _ in model._wire_fields if wire == case.wire)


def _pydantic_field(case: Case) -> tuple[type[Any], str]:
    model = getattr(ravan_models, case.schema)
    return model, next(name for name, field in model.model_fields.items() if (field.alias or name) == case.wire)


def _same(a: Any, b: Any) -> bool:
    """The same value in both packages (models by what they give back and what did not fit)."""
    if hasattr(a, "to_dict") and hasattr(b, "to_dict"):
        return _json(a.to_dict()) == _json(b.to_dict()) and set(a.model_invalid_fields) == set(b.model_invalid_fields)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return type(a) is type(b) and a == b


def _json(value: Any) -> str:
    return json.dumps(value)  # 1, 1.0 and True differ here, as on the wire


@pytest.mark.parametrize("case", CASES, ids=[f"{c.schema}.{c.wire}:{c.label}" for c in CASES])
def test_both_packages_give_the_annotated_type_or_none_listed_agree_and_round_trip(case: Case) -> None:
    record = _record(case)
    client_class, client_name = _client_field(case)
    pydantic_class, pydantic_name = _pydantic_field(case)
    client = client_class.from_dict(copy.deepcopy(record))
    pydantic = pydantic_class.model_validate_json(json.dumps(record))

    hints = typing.get_type_hints(client_class)
    for model, name, hint in (
        (client, client_name, hints[client_name]),
        (pydantic, pydantic_name, pydantic_class.model_fields[pydantic_name].annotation),
    ):
        value = getattr(model, name)
        assert _conforms(value, hint), f"{type(model).__module__}: {name} = {value!r} is not {hint}"
        listed = model.model_invalid_fields.get(name)
        if listed is not None:
            assert value is None
            assert listed.wire_name == case.wire
            assert _json(listed.value) == _json(None if case.value is _MISSING else case.value)
        elif value is None:
            # None that is not listed: the field was null or left out, and may be.
            assert case.value is None or case.value is _MISSING

    assert _same(getattr(client, client_name), getattr(pydantic, pydantic_name)), "the packages disagree"
    assert set(client.model_invalid_fields) == {
        name for name in pydantic.model_invalid_fields if name in {p for _, p, _ in client._wire_fields}
    }
    assert _json(client.to_dict()) == _json(record)
    assert _json(pydantic.to_dict()) == _json(record)


# --- the same records with every key: the fast path of from_dict ----------------------------------


def _full_record(case: Case) -> dict[str, Any]:
    """The case's record with every property of its schema present (a valid value each): the
    records above have only the required keys, so from_dict's fast path (every key there) would
    never see their odd values."""
    schema = _schema(case.schema)
    record = {key: spec_plan.minimal_instance(node) for key, node in schema.properties.items()}
    if case.value is _MISSING:
        record.pop(case.wire, None)
    else:
        record[case.wire] = copy.deepcopy(case.value)
    return record


def _fields(model: Any) -> list[tuple[str, Any]]:
    return [(python, getattr(model, python)) for _, python, _ in model._wire_fields]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.schema}.{c.wire}:{c.label}" for c in CASES])
def test_the_fast_path_gives_what_the_general_parser_gives(case: Case) -> None:
    record = _full_record(case)
    client_class, _ = _client_field(case)
    fast = client_class.from_dict(copy.deepcopy(record))
    general = client_class._parse_checked(copy.deepcopy(record))
    assert [python for python, _ in _fields(fast)] == [python for python, _ in _fields(general)]
    for (python, a), (_, b) in zip(_fields(fast), _fields(general), strict=True):
        assert _same(a, b), f"{python}: the fast path gives {a!r}, the general parser {b!r}"
    assert fast.model_invalid_fields == general.model_invalid_fields
    assert _json(fast.to_dict()) == _json(general.to_dict()) == _json(record)


@pytest.mark.parametrize("name", sorted(OBJECT_SCHEMAS))
def test_a_record_with_every_key_valid_takes_the_fast_path(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What proves the test above exercises the fast path: a valid record with every key never
    reaches the general parser."""
    model = getattr(ravan_client.models, name)
    record = {key: spec_plan.minimal_instance(node) for key, node in _schema(name).properties.items()}

    def general(src_dict: Any) -> Any:
        raise AssertionError(f"{name}: a valid record with every key took the general parser")

    monkeypatch.setattr(model, "_parse_checked", general)
    assert _json(model.from_dict(copy.deepcopy(record)).to_dict()) == _json(record)


# --- the same records as items of a page ----------------------------------------------------------

PAGED = [
    (operation, case)
    for operation in spec_plan.paginated_operations()
    for case in CASES
    if operation.pagination is not None and case.schema == operation.pagination.item_class
]


def _page(operation: Any, records: list[Any]) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(success_body(operation))
    node = body
    *parents, last = operation.pagination.items_wire_path
    for key in parents:
        node = node[key]
    node[last] = records
    return body


def _good(case: Case, identity: str) -> dict[str, Any]:
    schema = _schema(case.schema)
    record = {
        key: spec_plan.minimal_instance(node) for key, node in schema.properties.items() if key in schema.required
    }
    for key, node in schema.properties.items():
        if spec_plan.document().normalize(node).single_type == "string" and key in schema.required:
            record[key] = identity
    return record


@pytest.mark.parametrize(
    ("operation", "case"), PAGED, ids=[f"{spec_plan.operation_id(o)}:{c.wire}:{c.label}" for o, c in PAGED]
)
def test_one_odd_record_keeps_the_page_and_strict_responses_name_it(operation: Any, case: Case) -> None:
    records = [_good(case, "first"), _record(case), _good(case, "last")]
    body = _page(operation, records)
    recorder = Recorder(lambda request: json_response(200, body))
    method = getattr(getattr(sync_client(recorder), operation.resource), operation.method_name)
    items = list(method(max_items=3))
    assert [item.to_dict() for item in items] == records

    pydantic_page = getattr(ravan_models, operation.pagination.body_class).model_validate_json(json.dumps(body))
    node: Any = pydantic_page
    for name in operation.pagination.items_path:
        node = getattr(node, name)
    assert [item.to_dict() for item in node] == records

    odd = items[1]
    if not odd.model_invalid_fields and not any(_nested_invalid(odd)):
        return
    strict = getattr(getattr(sync_client(recorder, strict_responses=True), operation.resource), operation.method_name)
    with pytest.raises(APIResponseValidationError) as caught:
        list(strict(max_items=3))
    message = str(caught.value)
    assert "[1]" in message
    assert repr(case.wire) in message or any(repr(wire) in message for wire in _nested_invalid(odd))


def _nested_invalid(model: Any) -> list[str]:
    found = []
    for _, python, _ in model._wire_fields:
        value = getattr(model, python)
        for child in value if isinstance(value, list) else [value]:
            if hasattr(child, "model_invalid_fields"):
                found += [field.wire_name for field in child.model_invalid_fields.values()]
    return found


def test_the_corpus_covers_every_property_of_every_schema() -> None:
    covered = {(case.schema, case.wire) for case in CASES}
    assert covered | ENVELOPE >= {(name, wire) for name in OBJECT_SCHEMAS for wire in _schema(name).properties}
    assert len(CASES) > 3 * len(covered)


@pytest.mark.parametrize("operation", spec_plan.paginated_operations(), ids=spec_plan.operation_id)
def test_a_broken_envelope_is_an_error_in_both_packages(operation: Any) -> None:
    for broken in (None, "x", [1], {"id": "x"}):
        body = _page(operation, [])
        node = body
        *parents, last = operation.pagination.items_wire_path
        for key in parents:
            node = node[key]
        node[last] = broken
        with pytest.raises((TypeError, KeyError)):
            getattr(ravan_client.models, operation.pagination.body_class).from_dict(copy.deepcopy(body))
        with pytest.raises(ValidationError):
            getattr(ravan_models, operation.pagination.body_class).model_validate_json(json.dumps(body))
