"""Argument rules: what every value sent to the API is checked against, and how it is encoded.

The generated operations describe each path, query and header parameter and each property of a
JSON body with one rule built from its schema in the spec (type, `minimum`/`maximum`, `enum`,
`format`, lengths, required properties of nested objects). Before anything is sent, `check`
raises `TypeError` (a value of the wrong type) or `ValueError` (a value out of range) with a
message naming the argument and saying what is allowed. Then `to_text` and `to_json` encode the
value: booleans as `true`/`false`, timestamps in ISO 8601 with their offset, dates as
`YYYY-MM-DD`, numbers as JSON numbers.

`None` is refused unless the schema allows null (a query parameter that is None is simply not
sent: the generated code never hands it to a rule).
"""

from __future__ import annotations

import datetime
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._models import WireModel

__all__ = [
    "MAX_ENCODED_QUERY_VALUE",
    "AnyRule",
    "ArrayRule",
    "BooleanRule",
    "ChoiceRule",
    "DateRule",
    "DateTimeRule",
    "IntegerRule",
    "NumberRule",
    "ObjectField",
    "ObjectRule",
    "Rule",
    "StringRule",
    "UnionRule",
    "check_single_value",
]

# Servers and proxies commonly refuse request lines over 8 KB (and httpx refuses URLs over 64 KB):
# a longer value would fail anyway, later and less clearly.
MAX_ENCODED_QUERY_VALUE = 8000
# JSON numbers are doubles on most servers; integers beyond 64 bits are not numbers anyone sends.
MAX_INTEGER_BITS = 63
MAX_DEPTH = 32


class Rule:
    """Checks one value and encodes it; subclasses are one per kind of schema."""

    nullable: bool = False

    def check(self, name: str, value: object) -> None:
        if value is None:
            if self.nullable:
                return
            raise TypeError(f"{name} must be {self.describe()}, got None")
        self._check(name, value)

    def _check(self, name: str, value: object) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        """What is allowed, as the end of "X must be ..."."""
        raise NotImplementedError

    def to_json(self, value: Any) -> Any:
        return value

    def to_text(self, value: Any) -> str:
        """The value as one query, path or header value."""
        return _plain_text(self.to_json(value))


def _plain_text(value: Any) -> str:
    """A value as text by its base type: an enum member that is a str or an int (StrEnum, IntEnum,
    `class Status(str, Enum)`) is sent as its value, never as `Status.DONE`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    return str(value)


def _type_error(name: str, rule: Rule, value: object) -> TypeError:
    return TypeError(f"{name} must be {rule.describe()}, got {type(value).__name__} {_show(value)}")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class StringRule(Rule):
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None
    nullable: bool = False

    def describe(self) -> str:
        what = "a UUID string" if self.format == "uuid" else "a string"
        if self.min_length is not None and self.max_length is not None:
            return f"{what} of {self.min_length} to {self.max_length} characters"
        if self.min_length is not None:
            return f"{what} of at least {self.min_length} character{'s' if self.min_length != 1 else ''}"
        if self.max_length is not None:
            return f"{what} of at most {self.max_length} characters"
        return what

    def _check(self, name: str, value: object) -> None:
        if not isinstance(value, str):
            raise _type_error(name, self, value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate cannot be sent in a URL or a JSON body that a server can read.
            raise ValueError(f"{name} must be valid Unicode text (it contains a lone surrogate)") from None
        if (self.min_length is not None and len(value) < self.min_length) or (
            self.max_length is not None and len(value) > self.max_length
        ):
            raise ValueError(f"{name} must be {self.describe()}, got {len(value)}: {_show(value)}")
        if self.pattern is not None and re.search(self.pattern, value) is None:
            raise ValueError(f"{name} must match the pattern {self.pattern!r}, got {_show(value)}")
        if self.format == "uuid":
            try:
                uuid.UUID(value)
            except ValueError:
                raise ValueError(f"{name} must be {self.describe()}, got {_show(value)}") from None

    def to_json(self, value: Any) -> Any:
        # A str subclass (an enum member) goes out as the string it is.
        return None if value is None else str.__str__(value)


def _bounds_text(
    minimum: float | None, maximum: float | None, exclusive_minimum: float | None, exclusive_maximum: float | None
) -> str:
    parts = []
    if minimum is not None:
        parts.append(f">= {minimum}")
    if exclusive_minimum is not None:
        parts.append(f"> {exclusive_minimum}")
    if maximum is not None:
        parts.append(f"<= {maximum}")
    if exclusive_maximum is not None:
        parts.append(f"< {exclusive_maximum}")
    return " and ".join(parts)


@dataclass(frozen=True)
class _NumericRule(Rule):
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    nullable: bool = False

    _noun = "a number"

    def describe(self) -> str:
        bounds = _bounds_text(self.minimum, self.maximum, self.exclusive_minimum, self.exclusive_maximum)
        return f"{self._noun} {bounds}" if bounds else self._noun

    def _check_bounds(self, name: str, value: float) -> None:
        if (
            (self.minimum is not None and value < self.minimum)
            or (self.maximum is not None and value > self.maximum)
            or (self.exclusive_minimum is not None and value <= self.exclusive_minimum)
            or (self.exclusive_maximum is not None and value >= self.exclusive_maximum)
        ):
            raise ValueError(f"{name} must be {self.describe()}, got {value}")


@dataclass(frozen=True)
class IntegerRule(_NumericRule):
    _noun = "an integer"

    def _check(self, name: str, value: object) -> None:
        # bool is an int subclass, but page=True is a bug, not a page number.
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(name, self, value)
        if value.bit_length() > MAX_INTEGER_BITS:
            # Beyond this Python cannot even print some of them (int_max_str_digits), and no
            # server reads them: say so, naming the argument.
            raise ValueError(f"{name} must fit in a 64-bit integer, got one of {value.bit_length()} bits")
        self._check_bounds(name, value)


@dataclass(frozen=True)
class NumberRule(_NumericRule):
    _noun = "a number"

    def _check(self, name: str, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _type_error(name, self, value)
        if isinstance(value, int):
            if value.bit_length() > MAX_INTEGER_BITS:
                raise ValueError(f"{name} must fit in a 64-bit integer, got one of {value.bit_length()} bits")
        elif not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value}")
        self._check_bounds(name, value)


@dataclass(frozen=True)
class BooleanRule(Rule):
    nullable: bool = False

    def describe(self) -> str:
        return "True or False"

    def _check(self, name: str, value: object) -> None:
        if not isinstance(value, bool):
            raise _type_error(name, self, value)


@dataclass(frozen=True)
class ChoiceRule(Rule):
    """One of the enum's values. The argument is typed `str` (or `int`), not an enum class: a
    plain string is easier to pass along, and this check refuses anything else."""

    choices: tuple[Any, ...] = ()
    nullable: bool = False

    def describe(self) -> str:
        return " or ".join(repr(choice) for choice in self.choices)

    def _check(self, name: str, value: object) -> None:
        # isinstance, not the exact type: a StrEnum (or IntEnum) member equal to a choice is one.
        kinds = tuple({str if isinstance(c, str) else int for c in self.choices})
        if isinstance(value, bool) or not isinstance(value, kinds) or value not in self.choices:
            raise ValueError(f"{name} must be {self.describe()}, got {_show(value)}")

    def to_json(self, value: Any) -> Any:
        if value is None:
            return None
        return str.__str__(value) if isinstance(value, str) else int(value)


@dataclass(frozen=True)
class DateTimeRule(Rule):
    nullable: bool = False

    def describe(self) -> str:
        return "a datetime.datetime with a timezone"

    def _check(self, name: str, value: object) -> None:
        if not isinstance(value, datetime.datetime):
            raise _type_error(name, self, value)
        offset = value.utcoffset()
        if value.tzinfo is None or offset is None:
            raise ValueError(
                f"{name} must be timezone-aware (a naive datetime is ambiguous): "
                f"pass e.g. datetime(..., tzinfo=datetime.timezone.utc), got {value.isoformat()}"
            )
        if offset.seconds % 60 or offset.microseconds:
            # isoformat() would put the seconds into the offset, which RFC 3339 cannot express.
            raise ValueError(f"{name} has a UTC offset with seconds ({offset}); convert it to UTC first")

    def to_json(self, value: Any) -> Any:
        return value.isoformat()


@dataclass(frozen=True)
class DateRule(Rule):
    nullable: bool = False

    def describe(self) -> str:
        return "a datetime.date"

    def _check(self, name: str, value: object) -> None:
        # A datetime is a date too, but sending one where a day is meant hides a bug.
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise _type_error(name, self, value)

    def to_json(self, value: Any) -> Any:
        return value.isoformat()


@dataclass(frozen=True)
class ArrayRule(Rule):
    items: Rule = StringRule()
    min_items: int | None = None
    max_items: int | None = None
    nullable: bool = False

    def describe(self) -> str:
        return f"a list of {self.items.describe()}"

    def _check(self, name: str, value: object) -> None:
        # A string is a sequence too; sending "abc" as ["a", "b", "c"] is never what was meant.
        if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Sequence):
            raise _type_error(name, self, value)
        if self.min_items is not None and len(value) < self.min_items:
            raise ValueError(f"{name} must have at least {self.min_items} item(s), got {len(value)}")
        if self.max_items is not None and len(value) > self.max_items:
            raise ValueError(f"{name} must have at most {self.max_items} items, got {len(value)}")
        for index, item in enumerate(value):
            self.items.check(f"{name}[{index}]", item)

    def to_json(self, value: Any) -> Any:
        if value is None:
            return None
        return [None if item is None else self.items.to_json(item) for item in value]

    def to_texts(self, value: Any) -> list[str]:
        """One text per item: a query array is sent as repeated keys (`form`, exploded)."""
        return [self.items.to_text(item) for item in value]


@dataclass(frozen=True)
class ObjectField:
    wire_name: str
    rule: Rule
    required: bool = False


@dataclass(frozen=True)
class ObjectRule(Rule):
    """A JSON object: its declared properties checked by their rules, required ones required;
    other keys are sent as given unless the schema closes the object."""

    fields: tuple[ObjectField, ...] = ()
    closed: bool = False
    nullable: bool = False

    def describe(self) -> str:
        return "a mapping (a JSON object)"

    def _check(self, name: str, value: object) -> None:
        if not isinstance(value, Mapping):
            raise _type_error(name, self, value)
        known = {f.wire_name for f in self.fields}
        for key in value:
            _check_key(name, key)
            if self.closed and key not in known:
                raise ValueError(f"{name} has the key {key!r}, which is not allowed (allowed: {sorted(known)})")
        for object_field in self.fields:
            if object_field.wire_name in value:
                object_field.rule.check(f"{name}[{object_field.wire_name!r}]", value[object_field.wire_name])
            elif object_field.required:
                raise ValueError(f"{name} must have the key {object_field.wire_name!r}")
        for key, item in value.items():
            if key not in known:
                AnyRule(nullable=True).check(f"{name}[{key!r}]", item)

    def to_json(self, value: Any) -> Any:
        if value is None:
            return None
        rules = {f.wire_name: f.rule for f in self.fields}
        return {
            key: (None if item is None else rules[key].to_json(item)) if key in rules else _plain_json(item)
            for key, item in value.items()
        }

    def to_text_pairs(self, name: str, value: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Each key with its value as one query value (OpenAPI's form and deepObject styles), in
        the mapping's order; a key whose value is None is not sent. Only single values travel so:
        an object or a list inside is refused (the styles have no spelling for it)."""
        rules = {f.wire_name: f.rule for f in self.fields}
        pairs: list[tuple[str, str]] = []
        for key, item in value.items():
            if item is None:
                continue
            check_single_value(f"{name}[{key!r}]", item)
            rule = rules.get(key)
            pairs.append((key, rule.to_text(item) if rule is not None else _plain_text(_plain_json(item))))
        return pairs


def check_single_value(label: str, item: object, *, sent: str = "in the query") -> None:
    """A TypeError unless `item` is one query (or header) value: an object, a list or None inside a
    query array or object, or as a header, has no spelling in OpenAPI's styles (its text would be
    Python's `{'a': 1}` or `None`)."""
    if (
        item is None
        or isinstance(item, Mapping | WireModel)
        or (isinstance(item, Sequence) and not isinstance(item, str | bytes | bytearray))
    ):
        raise TypeError(f"{label} must be a single value (it is sent {sent}), got {_show(item)}")


@dataclass(frozen=True)
class AnyRule(Rule):
    """Any JSON value: only what JSON cannot carry is refused (NaN, infinities, non-string keys,
    lone surrogates, nesting deeper than 32 levels, objects that are not JSON at all)."""

    nullable: bool = True

    def describe(self) -> str:
        return "a JSON value (str, int, float, bool, None, a list or a mapping of them)"

    def _check(self, name: str, value: object) -> None:
        _check_json(name, value, 0)

    def to_json(self, value: Any) -> Any:
        return _plain_json(value)


def _check_json(name: str, value: object, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"{name} is nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if value.bit_length() > MAX_INTEGER_BITS:
            raise ValueError(f"{name} must fit in a 64-bit integer, got one of {value.bit_length()} bits")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number (JSON has no NaN or Infinity), got {value}")
        return
    if isinstance(value, str):
        StringRule().check(name, value)
        return
    if isinstance(value, datetime.date):  # datetime too: sent in ISO 8601
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_key(name, key)
            _check_json(f"{name}[{key!r}]", item, depth + 1)
        return
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            _check_json(f"{name}[{index}]", item, depth + 1)
        return
    raise TypeError(f"{name} must be a JSON value, got {type(value).__name__} {_show(value)}")


def _check_key(name: str, key: object) -> None:
    """An object's key: text that can be sent (a query key or a JSON body's key alike)."""
    if not isinstance(key, str):
        raise TypeError(f"{name} must have string keys, got {type(key).__name__} {_show(key)}")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        # Checked like a value's text: sending it failed later with a UnicodeEncodeError naming nothing.
        raise ValueError(f"{name} has a key that is not valid Unicode text (it contains a lone surrogate)") from None


def _plain_json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return [_plain_json(item) for item in value]
    return value


@dataclass(frozen=True)
class UnionRule(Rule):
    """A oneOf/anyOf of several shapes: the discriminator's value picks the variant (`mapping`:
    value -> index), else the first variant that fits, as pydantic's smart mode does. A generated
    model (a variant's class, the method's annotation offers them) is checked and sent as its
    `to_dict()`, as openapi-python-client sends a union member."""

    variants: tuple[Rule, ...]
    discriminator: str | None = None
    mapping: tuple[tuple[str, int], ...] = ()
    nullable: bool = False

    def describe(self) -> str:
        return " or ".join(dict.fromkeys(variant.describe() for variant in self.variants))

    def _pick(self, name: str, value: object) -> Rule:
        if self.discriminator is not None and isinstance(value, Mapping):
            tag = value.get(self.discriminator)
            for key, index in self.mapping:
                if key == tag:
                    return self.variants[index]
            allowed = " or ".join(repr(key) for key, _ in self.mapping)
            raise ValueError(f"{name}[{self.discriminator!r}] must be {allowed}, got {_show(tag)}")
        first: Exception | None = None
        for variant in self.variants:
            try:
                variant.check(name, value)
            except (TypeError, ValueError) as error:
                first = first or error
                continue
            return variant
        raise TypeError(f"{name} fits none of the shapes it may take ({self.describe()}): {first}")

    def check(self, name: str, value: object) -> None:
        super().check(name, _as_wire(value))

    def _check(self, name: str, value: object) -> None:
        self._pick(name, value).check(name, value)

    def to_json(self, value: Any) -> Any:
        if value is None:
            return None
        value = _as_wire(value)
        return self._pick("value", value).to_json(value)

    def variant_of(self, name: str, value: Any) -> tuple[Rule, Any]:
        """The variant a (checked) value is sent as, and the value as it travels (a model as its dict)."""
        value = _as_wire(value)
        return self._pick(name, value), value


def _as_wire(value: object) -> object:
    """A generated model as the JSON object it stands for; any other value as it is."""
    return value.to_dict() if isinstance(value, WireModel) else value
