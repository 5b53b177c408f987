from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter as _itemgetter
from types import NoneType
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import UNFIT as _UNFIT
from .._models import InvalidField, WireModel
from .._models import convert as _convert


@_attrs_define(repr=False)
class Contact(WireModel):
    """A Contact object.

    Attributes:
        id (str | None):
        name_ (str | None):
        phone (str | None):
        tags (list[str] | None):
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("id", "id", "str"),
        ("name", "name_", "str"),
        ("phone", "phone", "str"),
        ("tags", "tags", "list:str"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
        }
    )
    _not_null: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
        }
    )
    # The fast path of from_dict: every key present (one C call), every value of its exact type.
    _get_all: ClassVar[Any] = staticmethod(_itemgetter(*(name for name, _, _ in _wire_fields)))
    _good_types: ClassVar[set[tuple[type, ...]]] = set()
    _fast_types: ClassVar[tuple[Any, ...]] = (
        frozenset({str}),
        frozenset({str, NoneType}),
        frozenset({str, NoneType}),
        frozenset({list, NoneType}),
    )

    id: str | None
    name_: str | None = None
    phone: str | None = None
    tags: list[str] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise TypeError(f"Contact must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (the tuple of types is checked once, then remembered). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            values = cls._get_all(src_dict)
            types = tuple(map(type, values))
            if types not in cls._good_types and not cls._learn_types(types):
                return cls._parse_checked(src_dict)
            (
                id,
                name_,
                phone,
                tags,
            ) = values
            if tags is not None:
                tags = _convert("list:str", tags, globals())
                if tags is _UNFIT:
                    return cls._parse_checked(src_dict)
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Positional, in the order attrs declares the fields (required first): faster than keywords.
        obj = cls(
            id,
            name_,
            phone,
            tags,
        )
        obj._received = src_dict
        if len(src_dict) != 4:  # every field's key is there: more keys are unknown ones
            names = cls._wire_names
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj
