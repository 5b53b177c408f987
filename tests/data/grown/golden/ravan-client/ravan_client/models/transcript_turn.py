from __future__ import annotations

import datetime
from collections.abc import Mapping as _Mapping
from operator import itemgetter as _itemgetter

# ClassVar by its own name: attrs reads a string annotation as a class variable by that spelling.
from typing import Any, ClassVar
from typing import Self as _Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import InvalidField as _InvalidField
from .._models import WireModel as _WireModel

_parse_datetime = datetime.datetime.fromisoformat
# The fast path of from_dict reads these as module globals, which Python 3.11 reads faster than
# class attributes: every key's value at once (one C call).
_GET_ALL: Any = _itemgetter(
    "role",
    "content",
    "at",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_str = str


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class TranscriptTurn(_WireModel):
    """A TranscriptTurn object.

    Attributes:
        role (str | None): agent or user (an open set).
        content (str | None):
        at (datetime.datetime | None):
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("role", "role", "str"),
        ("content", "content", "str"),
        ("at", "at", "datetime"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset({})
    _not_null: ClassVar[frozenset[str]] = frozenset({})

    role: str | None = None
    content: str | None = None
    at: datetime.datetime | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"TranscriptTurn must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                role,
                content,
                at,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(role) is _str or role is None)
                and (_type(content) is _str or content is None)
                and (_type(at) is _str or at is None)
            ):
                return cls._parse_checked(src_dict)
            if at is not None:
                # Only text Python reads as pydantic does: `YYYY-MM-DDTHH:MM:SS`, an optional `.`
                # and fraction digits, then Z or an offset `+HH:MM` (a shorter text raises
                # IndexError: the general parser). Python 3.11's fromisoformat also reads junk
                # pydantic refuses (`11 Z`, `11.Z`, `16:Z`, `:211`, an offset `-05.30`), hence
                # every separator's place is checked; the ending gives the timezone.
                text = at
                at = _parse_datetime(text)
                # (No new local name here: a field of that name would be read over, see the plan's
                # MODEL_API_NAMES.) The commonest shape, `YYYY-MM-DDTHH:MM:SSZ`, is recognised
                # by one step-3 slice of its six separators (0.34M fewer instructions per
                # 100-session page than indexing them one by one); other shapes: one by one.
                if (text[4::3] != "--T::Z" or len(text) != 20) and (
                    text[10] != "T" or text[7] != "-" or text[4] != "-" or text[13] != ":" or text[16] != ":"
                    or (text[-1] == "Z" and len(text) != 20 and (text[19] != "." or not text[20:-1].isdigit()))
                    or (text[-1] != "Z" and (
                        text[-6] not in "+-" or text[-3] != ":"
                        or (len(text) != 25 and (text[19] != "." or not text[20:-6].isdigit()))
                    ))
                ):  # fmt: skip
                    return cls._parse_checked(src_dict)
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.role = role
        _model.content = content
        _model.at = at
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model
