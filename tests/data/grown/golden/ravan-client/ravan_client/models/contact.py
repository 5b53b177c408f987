from __future__ import annotations

from collections.abc import Mapping as _Mapping
from operator import itemgetter as _itemgetter

# ClassVar by its own name: attrs reads a string annotation as a class variable by that spelling.
from typing import Any, ClassVar
from typing import Self as _Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import UNFIT as _UNFIT
from .._models import InvalidField as _InvalidField
from .._models import WireModel as _WireModel
from .._models import convert as _convert

# The fast path of from_dict reads these as module globals, which Python 3.11 reads faster than
# class attributes: every key's value at once (one C call).
_GET_ALL: Any = _itemgetter(
    "id",
    "name",
    "phone",
    "tags",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_list = list
_str = str


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class Contact(_WireModel):
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

    id: str | None
    name_: str | None = None
    phone: str | None = None
    tags: list[str] | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"Contact must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                id,
                name_,
                phone,
                tags,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(id) is _str)
                and (_type(name_) is _str or name_ is None)
                and (_type(phone) is _str or phone is None)
                and (_type(tags) is _list or tags is None)
            ):
                return cls._parse_checked(src_dict)
            if tags is not None:
                tags = _convert("list:str", tags, globals())
                if tags is _UNFIT:
                    return cls._parse_checked(src_dict)
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.id = id
        _model.name_ = name_
        _model.phone = phone
        _model.tags = tags
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model
