from __future__ import annotations

from collections.abc import Mapping as _Mapping
from operator import itemgetter as _itemgetter

# ClassVar by its own name: attrs reads a string annotation as a class variable by that spelling.
from typing import Any, ClassVar
from typing import Self as _Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import InvalidField as _InvalidField
from .._models import WireModel as _WireModel

# The fast path of from_dict reads these as module globals, which Python 3.11 reads faster than
# class attributes: every key's value at once (one C call).
_GET_ALL: Any = _itemgetter(
    "data",
    "success",
    "total_count",
    "page",
    "page_size",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_bool = bool
_int = int
_list = list


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class PhoneHistoryPage(_WireModel):
    """A PhoneHistoryPage object.

    Attributes:
        data (list[PhoneCall]):
        success (bool | None):
        total_count (int | None):
        page (int | None):
        page_size (int | None):
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("data", "data", "model_list:PhoneCall"),
        ("success", "success", "bool"),
        ("total_count", "total_count", "int"),
        ("page", "page", "int"),
        ("page_size", "page_size", "int"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "data",
        }
    )
    _not_null: ClassVar[frozenset[str]] = frozenset(
        {
            "data",
        }
    )
    # Parts of a page's envelope: missing, null or of another type, the body is not a page (an error).
    _envelope_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "data",
        }
    )

    data: list[PhoneCall]
    success: bool | None = None
    total_count: int | None = None
    page: int | None = None
    page_size: int | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"PhoneHistoryPage must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                data,
                success,
                total_count,
                page,
                page_size,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(data) is _list)
                and (_type(success) is _bool or success is None)
                and (_type(total_count) is _int or total_count is None)
                and (_type(page) is _int or page is None)
                and (_type(page_size) is _int or page_size is None)
            ):
                return cls._parse_checked(src_dict)
            if data is not None:
                for item in data:
                    if type(item) is not dict:
                        return cls._parse_checked(src_dict)
                data = [_from_dict_PhoneCall(item) for item in data]
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.data = data
        _model.success = success
        _model.total_count = total_count
        _model.page = page
        _model.page_size = page_size
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model


# Imported at the end of the module, once, rather than inside every call: by the time this line
# runs the class above exists, so models that refer to each other still import cleanly.
from .phone_call import PhoneCall  # noqa: E402

# Each nested model's from_dict, bound once: read through the class, a classmethod makes a new
# bound method on every call (per record of a page).
_from_dict_PhoneCall = PhoneCall.from_dict
