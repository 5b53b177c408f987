"""The argument rules (`_validation.py`): what each accepts, what it refuses, and how it says so.

Every refusal is a TypeError (wrong type) or ValueError (out of range) whose message starts with
the argument's name, so a caller knows which of a dozen keyword arguments was wrong.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any, ClassVar

import attrs
import pytest
from ravan_runtime._models import WireModel
from ravan_runtime._validation import (
    AnyRule,
    ArrayRule,
    BooleanRule,
    ChoiceRule,
    DateRule,
    DateTimeRule,
    IntegerRule,
    NumberRule,
    ObjectField,
    ObjectRule,
    Rule,
    StringRule,
)

UTC = datetime.UTC
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
SECONDS_OFFSET = datetime.timezone(datetime.timedelta(hours=5, minutes=30, seconds=15))


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


ACCEPTED: list[tuple[Rule, Any]] = [
    (StringRule(), ""),
    (StringRule(), "café ☎"),
    (StringRule(min_length=2, max_length=3), "abc"),
    (StringRule(pattern=r"^\+\d+$"), "+14157774444"),
    (StringRule(format="uuid"), "3f2c1a4e-8b7d-4c6e-9f0a-1b2c3d4e5f60"),
    (StringRule(nullable=True), None),
    (IntegerRule(), 0),
    (IntegerRule(), 2**63 - 1),
    (IntegerRule(), -(2**62)),
    (IntegerRule(minimum=1, maximum=5), 5),
    (NumberRule(), 1),
    (NumberRule(), -2.5),
    (NumberRule(exclusive_minimum=0), 1e-9),
    (BooleanRule(), True),
    (BooleanRule(), False),
    (ChoiceRule(("asc", "desc")), "desc"),
    (ChoiceRule((1, 2)), 2),
    (DateTimeRule(), datetime.datetime(2026, 11, 1, tzinfo=UTC)),
    (DateTimeRule(), datetime.datetime(2026, 11, 1, 9, 30, tzinfo=IST)),
    (DateRule(), datetime.date(2026, 11, 1)),
    (ArrayRule(StringRule()), []),
    (ArrayRule(StringRule()), ("a", "b")),
    (ArrayRule(IntegerRule(), min_items=1, max_items=2), [1, 2]),
    (ObjectRule(), {}),
    (ObjectRule(fields=(ObjectField("a", IntegerRule(), required=True),)), {"a": 1, "free": [None, {"x": 1.5}]}),
    (AnyRule(), None),
    (AnyRule(), {"a": [1, 2.5, "x", True, None, {"b": datetime.date(2026, 1, 1)}]}),
    (AnyRule(), nested(31)),
]


@pytest.mark.parametrize(
    ("rule", "value"), ACCEPTED, ids=[f"{type(rule).__name__}:{i}" for i, (rule, _) in enumerate(ACCEPTED)]
)
def test_accepted_values_pass_and_can_be_sent_as_json(rule: Rule, value: Any) -> None:
    rule.check("arg", value)  # raises if refused
    assert isinstance(json.dumps(rule.to_json(value), allow_nan=False), str)


REFUSED: list[tuple[Rule, Any, type[Exception], str]] = [
    # strings
    (StringRule(), 5, TypeError, "arg must be a string, got int 5"),
    (StringRule(), b"x", TypeError, "arg must be a string, got bytes"),
    (StringRule(), None, TypeError, "arg must be a string, got None"),
    (StringRule(), "caf\ud800", ValueError, "arg must be valid Unicode text (it contains a lone surrogate)"),
    (StringRule(min_length=2), "a", ValueError, "arg must be a string of at least 2 characters, got 1"),
    (StringRule(max_length=3), "abcd", ValueError, "arg must be a string of at most 3 characters, got 4"),
    (StringRule(min_length=1, max_length=3), "", ValueError, "arg must be a string of 1 to 3 characters"),
    (StringRule(pattern=r"^\+\d+$"), "0415", ValueError, "arg must match the pattern"),
    (StringRule(format="uuid"), "12345", ValueError, "arg must be a UUID string, got '12345'"),
    # integers
    (IntegerRule(), True, TypeError, "arg must be an integer, got bool True"),
    (IntegerRule(), 2.0, TypeError, "arg must be an integer, got float"),
    (IntegerRule(), "2", TypeError, "arg must be an integer, got str '2'"),
    (IntegerRule(), None, TypeError, "arg must be an integer, got None"),
    (IntegerRule(minimum=1), 0, ValueError, "arg must be an integer >= 1, got 0"),
    (IntegerRule(maximum=5), 6, ValueError, "arg must be an integer <= 5, got 6"),
    (IntegerRule(exclusive_minimum=0), 0, ValueError, "arg must be an integer > 0, got 0"),
    (IntegerRule(), 2**63, ValueError, "arg must fit in a 64-bit integer, got one of 64 bits"),
    (IntegerRule(), -(2**63) - 1, ValueError, "arg must fit in a 64-bit integer"),
    (IntegerRule(), 10**5000, ValueError, "arg must fit in a 64-bit integer"),
    # numbers
    (NumberRule(), math.nan, ValueError, "arg must be a finite number, got nan"),
    (NumberRule(), math.inf, ValueError, "arg must be a finite number, got inf"),
    (NumberRule(), -math.inf, ValueError, "arg must be a finite number, got -inf"),
    (NumberRule(), False, TypeError, "arg must be a number, got bool"),
    (NumberRule(), "1.5", TypeError, "arg must be a number, got str"),
    (NumberRule(), 2**64, ValueError, "arg must fit in a 64-bit integer"),
    (NumberRule(exclusive_maximum=1), 1.0, ValueError, "arg must be a number < 1, got 1.0"),
    # booleans
    (BooleanRule(), 1, TypeError, "arg must be True or False, got int 1"),
    (BooleanRule(), "true", TypeError, "arg must be True or False, got str"),
    (BooleanRule(), None, TypeError, "arg must be True or False, got None"),
    # choices
    (ChoiceRule(("asc", "desc")), "ASC", ValueError, "arg must be 'asc' or 'desc', got 'ASC'"),
    (ChoiceRule(("asc", "desc")), "up", ValueError, "arg must be 'asc' or 'desc', got 'up'"),
    (ChoiceRule((1, 2)), True, ValueError, "arg must be 1 or 2, got True"),
    (ChoiceRule((1, 2)), 1.0, ValueError, "arg must be 1 or 2, got 1.0"),
    # timestamps and dates
    (DateTimeRule(), datetime.datetime(2026, 11, 1), ValueError, "arg must be timezone-aware"),
    (DateTimeRule(), "2026-11-01T00:00:00Z", TypeError, "arg must be a datetime.datetime with a timezone, got str"),
    (DateTimeRule(), datetime.date(2026, 11, 1), TypeError, "arg must be a datetime.datetime"),
    (
        DateTimeRule(),
        datetime.datetime(2026, 11, 1, tzinfo=SECONDS_OFFSET),
        ValueError,
        "arg has a UTC offset with seconds",
    ),
    (DateRule(), datetime.datetime(2026, 11, 1, tzinfo=UTC), TypeError, "arg must be a datetime.date, got datetime"),
    (DateRule(), "2026-11-01", TypeError, "arg must be a datetime.date, got str"),
    # arrays
    (ArrayRule(StringRule()), "abc", TypeError, "arg must be a list of a string, got str 'abc'"),
    (ArrayRule(StringRule()), b"abc", TypeError, "arg must be a list of a string, got bytes"),
    (ArrayRule(StringRule()), {"a": 1}, TypeError, "arg must be a list of a string, got dict"),
    (ArrayRule(StringRule()), {"a", "b"}, TypeError, "arg must be a list of a string, got set"),
    (ArrayRule(StringRule()), ["a", 2], TypeError, "arg[1] must be a string, got int 2"),
    (ArrayRule(StringRule(), min_items=1), [], ValueError, "arg must have at least 1 item(s), got 0"),
    (ArrayRule(StringRule(), max_items=1), ["a", "b"], ValueError, "arg must have at most 1 items, got 2"),
    # objects
    (ObjectRule(), [("a", 1)], TypeError, "arg must be a mapping (a JSON object), got list"),
    (ObjectRule(fields=(ObjectField("a", IntegerRule(), required=True),)), {}, ValueError, "arg must have the key 'a'"),
    (ObjectRule(fields=(ObjectField("a", IntegerRule()),)), {"a": "x"}, TypeError, "arg['a'] must be an integer"),
    (
        ObjectRule(fields=(ObjectField("a", IntegerRule()),), closed=True),
        {"a": 1, "b": 2},
        ValueError,
        "arg has the key 'b', which is not allowed (allowed: ['a'])",
    ),
    (ObjectRule(), {1: "x"}, TypeError, "arg must have string keys, got int 1"),
    (ObjectRule(), {"free": math.nan}, ValueError, "arg['free'] must be a finite number"),
    (ObjectRule(), None, TypeError, "arg must be a mapping (a JSON object), got None"),
    # any JSON
    (AnyRule(), math.nan, ValueError, "arg must be a finite number (JSON has no NaN or Infinity), got nan"),
    (AnyRule(), {"a": [math.inf]}, ValueError, "arg['a'][0] must be a finite number"),
    (AnyRule(), {"a": {1: 2}}, TypeError, "arg['a'] must have string keys, got int 1"),
    (AnyRule(), {"a", "b"}, TypeError, "arg must be a JSON value, got set"),
    (AnyRule(), b"bytes", TypeError, "arg must be a JSON value, got bytes"),
    (AnyRule(), object(), TypeError, "arg must be a JSON value, got object"),
    (AnyRule(), ["ok", "caf\udc00"], ValueError, "arg[1] must be valid Unicode text"),
    (AnyRule(), 2**70, ValueError, "arg must fit in a 64-bit integer"),
    (AnyRule(), nested(40), ValueError, "is nested deeper than 32 levels"),
]


@pytest.mark.parametrize(
    ("rule", "value", "error", "message"), REFUSED, ids=[f"{type(case[0]).__name__}:{case[3]}" for case in REFUSED]
)
def test_refused_values_raise_naming_the_argument(rule: Rule, value: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        rule.check("arg", value)
    assert type(caught.value) is error
    assert message in str(caught.value)
    assert str(caught.value).startswith("arg")


def test_a_long_refused_value_is_shown_shortened() -> None:
    with pytest.raises(TypeError) as caught:
        StringRule().check("arg", ["x" * 500])
    assert len(str(caught.value)) < 200
    assert str(caught.value).endswith("...")


@pytest.mark.parametrize(
    ("rule", "value", "text"),
    [
        (BooleanRule(), True, "true"),
        (BooleanRule(), False, "false"),
        (IntegerRule(), 42, "42"),
        (NumberRule(), 0.1, "0.1"),
        (NumberRule(), 3, "3"),
        (DateTimeRule(), datetime.datetime(2026, 12, 1, 9, 30, tzinfo=IST), "2026-12-01T09:30:00+05:30"),
        (DateTimeRule(), datetime.datetime(2026, 11, 1, tzinfo=UTC), "2026-11-01T00:00:00+00:00"),
        (DateRule(), datetime.date(2026, 11, 1), "2026-11-01"),
        (ChoiceRule(("asc", "desc")), "asc", "asc"),
    ],
)
def test_values_are_encoded_as_the_api_expects(rule: Rule, value: Any, text: str) -> None:
    assert rule.to_text(value) == text


def test_json_encoding_of_nested_values() -> None:
    rule = ObjectRule(
        fields=(
            ObjectField("when", DateTimeRule()),
            ObjectField("days", ArrayRule(DateRule(nullable=True))),
            ObjectField("gone", StringRule(nullable=True)),
        )
    )
    value = {
        "when": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        "days": [datetime.date(2026, 1, 1), None],
        "gone": None,
        "free": {"at": datetime.date(2026, 2, 2)},
    }
    rule.check("body", value)
    assert rule.to_json(value) == {
        "when": "2026-01-02T03:04:00+00:00",
        "days": ["2026-01-01", None],
        "gone": None,
        "free": {"at": "2026-02-02"},
    }
    assert ArrayRule(StringRule()).to_texts(["a", "b"]) == ["a", "b"]
    assert AnyRule().to_json([datetime.date(2026, 3, 3)]) == ["2026-03-03"]


# --- oneOf / anyOf (issue 18) ------------------------------------------------------------------------


def _call_shapes() -> Any:
    from ravan_runtime._validation import UnionRule

    web = ObjectRule(fields=(ObjectField("type", StringRule(), required=True), ObjectField("agentId", StringRule())))
    outbound = ObjectRule(
        fields=(ObjectField("type", StringRule(), required=True), ObjectField("to", StringRule(), required=True))
    )
    return UnionRule((web, outbound), discriminator="type", mapping=(("web_call", 0), ("outbound_call", 1)))


def test_a_discriminated_union_checks_the_variant_its_tag_names() -> None:
    rule = _call_shapes()
    rule.check("body", {"type": "web_call", "agentId": "a1"})
    rule.check("body", {"type": "outbound_call", "to": "+1555"})
    with pytest.raises(ValueError, match=r"body must have the key 'to'"):
        rule.check("body", {"type": "outbound_call"})
    with pytest.raises(ValueError, match=r"body\['type'\] must be 'web_call' or 'outbound_call', got 'fax'"):
        rule.check("body", {"type": "fax"})


def test_an_undiscriminated_union_takes_the_first_variant_that_fits() -> None:
    from ravan_runtime._validation import UnionRule

    rule = UnionRule((IntegerRule(minimum=0), StringRule(min_length=1)))
    rule.check("limit", 5)
    rule.check("limit", "all")
    assert rule.to_json("all") == "all"
    with pytest.raises(TypeError, match="limit fits none of the shapes it may take"):
        rule.check("limit", 1.5)
    with pytest.raises(TypeError, match="limit must be"):
        rule.check("limit", None)


@attrs.define(repr=False)
class _WebCall(WireModel):
    """A model as the generator writes one (its fields, `_wire_fields`, a from_dict)."""

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (("type", "type", "str"), ("agentId", "agent_id", "str"))
    _wire_names: ClassVar[frozenset[str]] = frozenset({"type", "agentId"})
    _required_fields: ClassVar[frozenset[str]] = frozenset({"type"})
    _not_null: ClassVar[frozenset[str]] = frozenset({"type"})

    type: str | None = None
    agent_id: str | None = None
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)
    _received: Any = attrs.field(init=False, default=None, eq=False)
    _invalid: Any = attrs.field(init=False, default=None, eq=False)


def test_a_union_takes_a_generated_model_and_checks_and_sends_its_to_dict() -> None:
    rule = _call_shapes()
    model = _WebCall(type="web_call", agent_id="a1")
    rule.check("body", model)
    assert rule.to_json(model) == {"type": "web_call", "agentId": "a1"}
    # The model is checked as what it sends: a tag no variant has is refused before sending.
    with pytest.raises(ValueError, match=r"body\['type'\] must be 'web_call' or 'outbound_call', got 'fax'"):
        rule.check("body", _WebCall(type="fax"))
    with pytest.raises(ValueError, match=r"body\['type'\] must be"):
        rule.check("body", _WebCall(agent_id="a1"))
