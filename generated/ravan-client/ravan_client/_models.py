"""What every generated response model shares: `to_dict`, `model_fields_set`, its repr, extra keys.

The generated models (attrs classes, one per schema) declare their fields as `X | None = None`: a
field the server left out reads as None, like one it sent as null, and type checkers accept
`s.duration_sec / 60` after an `is not None` check. When the difference matters,
`model_fields_set` says which fields the server actually sent (as pydantic and openai-python do).

Parsing is liberal: a value of an unexpected type is kept as received (a `started_at` of
"yesterday" stays that string), nested objects become models and timestamps become `datetime`s
only when they can. Keys the spec does not know are kept in `additional_properties` (and
`model["key"]`).

`to_dict()` gives back exactly what was received, in the order received: every key, unknown ones
included, and every value as it came (a timestamp keeps its `Z` and all its fraction digits). A
field you changed is written from its new value; one you set on a model built by hand is written
when it is not None.

Each generated class lists its fields in `_wire_fields`: (wire name, Python name, kind), where the
kind says how to write the value back: `value` as is, `datetime`/`date` in ISO 8601, `model` and
`model_list` through the nested models' own `to_dict`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = ["WireModel", "parse_date", "parse_datetime"]


class WireModel:
    """Base class of the generated response models (attrs classes with slots)."""

    __slots__ = ()

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    _wire_names: ClassVar[frozenset[str]] = frozenset()

    # Both are attrs fields of every generated model.
    additional_properties: dict[str, Any]
    _received: Mapping[str, Any] | None

    @property
    def model_fields_set(self) -> frozenset[str]:
        """The Python names of the fields the server sent (null included), or, for a model built
        by hand, the fields that are not None."""
        received = self._received
        if received is not None:
            return frozenset(python for wire, python, _ in self._wire_fields if wire in received)
        return frozenset(python for _, python, _ in self._wire_fields if getattr(self, python) is not None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object this model stands for (see the module docstring)."""
        received = self._received if self._received is not None else {}
        fields = {wire: (python, kind) for wire, python, kind in self._wire_fields}
        out: dict[str, Any] = {}
        extra = self.additional_properties
        for wire in received:
            if wire in fields:
                python, kind = fields[wire]
                out[wire] = _to_wire(getattr(self, python), kind, received[wire])
            elif wire in extra:
                out[wire] = extra[wire]
        for wire, (python, kind) in fields.items():
            if wire not in out:
                value = getattr(self, python)
                if value is not None:
                    out[wire] = _to_wire(value, kind, None)
        for key, value in extra.items():
            if key not in out:
                out[key] = value
        return out

    def __repr__(self) -> str:
        """The fields that were sent (or set), then the unknown keys: what the server said, readably."""
        shown = self.model_fields_set
        parts = [f"{python}={getattr(self, python)!r}" for _, python, _ in self._wire_fields if python in shown]
        if self.additional_properties:
            parts.append(f"additional_properties={self.additional_properties!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # Unknown keys, by key (the generated low-level API offered these; kept).
    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties)

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    # A model is not a sequence: without this, iterating it would call __getitem__(0), (1), ...
    __iter__ = None


def _to_wire(value: Any, kind: str, received: Any) -> Any:
    if kind == "value" or value is None:
        return value
    if kind in ("datetime", "date"):
        if isinstance(value, datetime.date):
            # The text received, if it still says the same: Z, offsets and extra fraction digits kept.
            if isinstance(received, str) and _same_moment(received, value, kind):
                return received
            return value.isoformat()
        return value
    if kind == "model":
        return value.to_dict() if isinstance(value, WireModel) else value
    if kind == "model_list":
        if isinstance(value, list):
            return [item.to_dict() if isinstance(item, WireModel) else item for item in value]
        return value
    raise ValueError(f"unknown field kind {kind!r}")


def _same_moment(text: str, value: datetime.date, kind: str) -> bool:
    parsed = parse_datetime(text) if kind == "datetime" else parse_date(text)
    if type(parsed) is not type(value):
        return False
    if isinstance(parsed, datetime.datetime) and isinstance(value, datetime.datetime):
        # == treats 12:00Z and 13:00+01:00 as equal; a changed offset must be written out.
        return parsed == value and parsed.utcoffset() == value.utcoffset()
    return bool(parsed == value)


def parse_datetime(text: str) -> Any:
    """A `datetime` from ISO 8601 text, or the text itself when it is not one (liberal parsing)."""
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return text


def parse_date(text: str) -> Any:
    """A `date` from `YYYY-MM-DD`, or the text itself when it is not one."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text
