"""Every object schema of the spec, in both packages: every property a field, liberal parsing, round trips.

Derived from the spec's `components.schemas` (objects with declared properties), so a property or
a schema added to the spec is checked here with no edit:
- each property is a field of the client's attrs model (by wire name) and of the pydantic model
  (by alias);
- an instance with every optional property null, and a key the spec does not know, parses in
  both packages: nulls read as None, the unknown key is kept, and both give back what they got;
- an unknown key spelled like a field's Python name stays an unknown key in both packages;
- unknown keys count in equality and come back from `to_dict()`, changed or not, whether or not
  they were read (the client builds them only when asked for);
- property-based: any instance of the schema (hypothesis-jsonschema) comes back from the client
  model exactly (`to_dict()`), and the pydantic model accepts it. In CI (`CI` set) the examples are
  derandomized, so a failure reproduces (tests/conftest.py chooses the profile).
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import ravan_client.models
import ravan_models
from ravan_client._models import WireModel
from tests.support import spec_plan

OBJECT_SCHEMAS = sorted(
    name
    for name, node in spec_plan.raw_spec().get("components", {}).get("schemas", {}).items()
    if spec_plan.document().normalize(node).properties
)
PROPERTY_SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _properties(name: str) -> dict[str, Any]:
    return dict(spec_plan.document().normalize({"$ref": f"#/components/schemas/{name}"}).properties)


def _required(name: str) -> frozenset[str]:
    return spec_plan.document().normalize({"$ref": f"#/components/schemas/{name}"}).required


def _client_class(name: str) -> Any:
    return getattr(ravan_client.models, name)


def _pydantic_class(name: str) -> Any:
    return getattr(ravan_models, name)


def _surprising_instance(name: str) -> dict[str, Any]:
    """Required properties valid, every optional one null, and a key the spec does not know."""
    required = _required(name)
    instance = {
        key: spec_plan.minimal_instance(node) if key in required else None for key, node in _properties(name).items()
    }
    return {**instance, "zzUndocumentedKey": {"nested": [1, None]}}


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_every_property_of_the_schema_is_a_field_of_both_packages(name: str) -> None:
    documented = set(_properties(name))
    assert {wire for wire, _, _ in _client_class(name)._wire_fields} == documented
    aliases = {field.alias or field_name for field_name, field in _pydantic_class(name).model_fields.items()}
    assert aliases == documented


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_nulls_and_unknown_keys_parse_in_the_client_and_come_back_exactly(name: str) -> None:
    instance = _surprising_instance(name)
    model = _client_class(name).from_dict(copy.deepcopy(instance))
    for wire, python, _ in model._wire_fields:
        if wire not in _required(name):
            assert getattr(model, python) is None, python
    assert model.model_fields_set == {python for _, python, _ in model._wire_fields}
    assert model["zzUndocumentedKey"] == {"nested": [1, None]}
    assert "<" not in repr(model) or "object at" not in repr(model)  # no sentinel objects in the repr
    assert model.to_dict() == instance


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_unknown_keys_count_in_equality_and_round_trips_whether_read_or_not(name: str) -> None:
    # The unknown keys are built only when asked for (`additional_properties`): equality, to_dict
    # and changes must not depend on whether they were.
    instance = _surprising_instance(name)
    known = {key: value for key, value in instance.items() if key != "zzUndocumentedKey"}
    model = _client_class(name).from_dict(copy.deepcopy(instance))
    same = _client_class(name).from_dict(copy.deepcopy(instance))
    other = _client_class(name).from_dict(copy.deepcopy(known))
    assert model == same
    assert model != other
    assert other != model
    assert model.to_dict() == instance
    assert other.additional_properties == {}
    assert model.additional_properties == {"zzUndocumentedKey": {"nested": [1, None]}}
    assert model == same  # one side read, the other not
    model.additional_properties["zzUndocumentedKey"] = 2
    assert model != same
    assert model.to_dict() == {**instance, "zzUndocumentedKey": 2}
    del model["zzUndocumentedKey"]
    assert model == other
    assert model.to_dict() == known
    with pytest.raises(TypeError):
        hash(model)


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_nulls_and_unknown_keys_parse_in_the_pydantic_models(name: str) -> None:
    instance = _surprising_instance(name)
    model = _pydantic_class(name).model_validate(copy.deepcopy(instance))
    assert model.model_extra == {"zzUndocumentedKey": {"nested": [1, None]}}
    assert model.model_dump(mode="json", by_alias=True, exclude_unset=True) == instance


ALIASED = [
    (name, field_name, field.alias)
    for name in OBJECT_SCHEMAS
    for field_name, field in _pydantic_class(name).model_fields.items()
    if field.alias not in (None, field_name)
]


if ALIASED:

    @pytest.mark.parametrize(("name", "python_name", "alias"), ALIASED, ids=[f"{n}.{p}" for n, p, _ in ALIASED])
    def test_an_unknown_key_spelled_like_a_python_name_stays_an_unknown_key(
        name: str, python_name: str, alias: str
    ) -> None:
        required = _required(name)
        base = {key: spec_plan.minimal_instance(node) for key, node in _properties(name).items() if key in required}
        instance = {**base, python_name: None}
        pydantic_model = _pydantic_class(name).model_validate(instance)
        assert pydantic_model.model_dump(by_alias=True, exclude_unset=True) == instance
        if alias not in base:
            assert alias not in pydantic_model.model_dump(by_alias=True, exclude_unset=True)
        client_model = _client_class(name).from_dict(instance)
        assert client_model.to_dict() == instance
        assert client_model[python_name] is None


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_any_instance_of_the_schema_round_trips_through_the_client_model(name: str, data: st.DataObject) -> None:
    schema = spec_plan.json_schema({"$ref": f"#/components/schemas/{name}"})
    instance = data.draw(from_schema(schema))
    if not isinstance(instance, dict):  # a nullable object schema drew null: no model for it
        return
    assert _client_class(name).from_dict(copy.deepcopy(instance)).to_dict() == instance
    pydantic_model = _pydantic_class(name).model_validate(copy.deepcopy(instance))
    assert set(pydantic_model.model_dump(by_alias=True, exclude_unset=True)) == set(instance)


# --- typed values: what each property reads as, from the spec's own words ------------------------
#
# A round trip (`to_dict()` == what was received) cannot see a value parsed into the wrong type:
# `to_dict()` hands back what was received. So each property is also read back and its Python type
# held against the spec, read here from the raw document (not through the generator's resolver or
# plan, which a mapping bug would mirror): a `date-time` is an aware datetime, a `$ref` to an object
# is that schema's model, an array holds its items' type.


def _schema_named(name: str) -> dict[str, Any]:
    node: dict[str, Any] = spec_plan.raw_spec()["components"]["schemas"][name]
    return node


def _ref_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str):
        return None
    assert ref.startswith("#/components/schemas/"), ref
    return ref.rsplit("/", 1)[1]


def _non_null_types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type")
    types = declared if isinstance(declared, list) else [declared] if declared else []
    return [kind for kind in types if kind != "null"]


def _expected(node: Any) -> Any:
    """What the spec says a value of `node` reads as; None where it says nothing one type can hold."""
    ref = _ref_name(node)
    if ref is not None:
        target = _schema_named(ref)
        if _non_null_types(target) in (["object"], []) and ("properties" in target or "allOf" in target):
            return ("model", ref)
        return _expected(target)
    if not isinstance(node, dict) or any(key in node for key in ("oneOf", "anyOf", "allOf")):
        return None
    types = _non_null_types(node)
    if len(types) != 1:
        return None
    kind = types[0]
    if kind == "string":
        return {"date-time": datetime.datetime, "date": datetime.date}.get(node.get("format", ""), str)
    if kind == "array":
        item = _expected(node.get("items"))
        return None if item is None else ("list", item)
    if kind == "object":
        return ("inline model",) if node.get("properties") else dict
    return {"integer": int, "number": float, "boolean": bool}.get(kind)


def _holds(value: Any, expected: Any, models: Any, base: type) -> bool:
    if isinstance(expected, tuple):
        if expected[0] == "model":
            return type(value) is getattr(models, expected[1])
        if expected[0] == "inline model":
            return isinstance(value, base)
        return isinstance(value, list) and len(value) == 1 and _holds(value[0], expected[1], models, base)
    if expected is datetime.datetime:
        return type(value) is datetime.datetime and value.tzinfo is not None
    if expected is str:
        return isinstance(value, str)  # a response enum may be an open string or a str enum
    return type(value) is expected


TYPED_PROPERTIES = [
    (name, wire)
    for name in OBJECT_SCHEMAS
    for wire, node in _properties(name).items()
    if _expected(node) is not None and spec_plan.minimal_instance(node) is not None
]


@pytest.mark.parametrize("every_key", [True, False], ids=["every-key", "few-keys"])
@pytest.mark.parametrize(("name", "wire"), TYPED_PROPERTIES, ids=[f"{n}.{w}" for n, w in TYPED_PROPERTIES])
def test_each_property_reads_as_the_type_the_spec_gives_it_in_both_packages(
    name: str, wire: str, every_key: bool
) -> None:
    """With every documented key present (the generated models' fast path) and with only the
    required ones and this one (the general parser)."""
    node = _properties(name)[wire]
    expected = _expected(node)
    if every_key:
        instance = {key: value for key, value in _surprising_instance(name).items() if key != "zzUndocumentedKey"}
    else:
        instance = dict(spec_plan.minimal_instance({"$ref": f"#/components/schemas/{name}"}))
    instance[wire] = spec_plan.minimal_instance(node)

    client_model = _client_class(name).from_dict(copy.deepcopy(instance))
    python = {w: p for w, p, _ in client_model._wire_fields}[wire]
    value = getattr(client_model, python)
    assert client_model.model_invalid_fields == {}
    assert _holds(value, expected, ravan_client.models, WireModel), (python, value, expected)

    pydantic_model = _pydantic_class(name).model_validate(copy.deepcopy(instance))
    field_name = next(f for f, info in _pydantic_class(name).model_fields.items() if (info.alias or f) == wire)
    value = getattr(pydantic_model, field_name)
    assert _holds(value, expected, ravan_models, pydantic.BaseModel), (field_name, value, expected)


def test_the_typed_property_check_covers_timestamps_and_nested_models() -> None:
    """The control: the check above is not vacuous for this spec (both specs under test have
    date-time properties and properties that are a `$ref` to another object schema)."""
    kinds = {repr(_expected(_properties(name)[wire])) for name, wire in TYPED_PROPERTIES}
    assert repr(datetime.datetime) in kinds
    assert any(kind.startswith("('model'") for kind in kinds)


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_a_pydantic_model_keeps_what_it_received_through_pickle_and_copies(name: str) -> None:
    import pickle

    properties = _properties(name)
    required = _required(name)
    odd_key = next((key for key in properties if key not in required), None)
    instance = _surprising_instance(name)
    if odd_key is not None:
        # A value of no JSON type the schema allows for any property: it cannot fit, so it is listed.
        instance[odd_key] = [{"unexpected": True}] if properties[odd_key].get("type") != "array" else {"x": 1}
    model = _pydantic_class(name).model_validate(copy.deepcopy(instance))
    invalid = model.model_invalid_fields
    if odd_key is not None:
        assert [field.wire_name for field in invalid.values()] == [odd_key]
    for again in (pickle.loads(pickle.dumps(model)), model.model_copy(), copy.deepcopy(model)):
        assert again.to_dict() == instance
        assert again.model_invalid_fields == invalid
        assert again == model


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_a_pydantic_model_built_without_validation_still_answers(name: str) -> None:
    model = _pydantic_class(name).model_construct()
    assert model.model_invalid_fields == {}
    assert model.to_dict() == {}
