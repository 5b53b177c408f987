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
    "channel",
    "duration_sec",
    "model_credits",
    "provider_credits",
    "provider_managed",
    "telephony_type",
    "total_credits",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_bool = bool
_float = float
_int = int
_str = str


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class CreditBreakdown(_WireModel):
    """How the call's credits were computed. Its keys are snake_case on the wire, unlike the rest of the call session,
    and are kept exactly. Null until the call is billed; every key is optional and nullable.

    Attributes:
        channel (str | None): The billed channel (an open set, like the session's `channel`).
        duration_sec (int | None): Billed duration in seconds.
        model_credits (float | None): Credits charged for the language model.
        provider_credits (float | None): Credits charged by the telephony or voice provider.
        provider_managed (bool | None): Whether the provider is managed by Ravan AI.
        telephony_type (str | None): The telephony type (an open set).
        total_credits (float | None): Total credits charged for the call.
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("channel", "channel", "str"),
        ("duration_sec", "duration_sec", "int"),
        ("model_credits", "model_credits", "float"),
        ("provider_credits", "provider_credits", "float"),
        ("provider_managed", "provider_managed", "bool"),
        ("telephony_type", "telephony_type", "str"),
        ("total_credits", "total_credits", "float"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset({})
    _not_null: ClassVar[frozenset[str]] = frozenset({})

    channel: str | None = None
    duration_sec: int | None = None
    model_credits: float | None = None
    provider_credits: float | None = None
    provider_managed: bool | None = None
    telephony_type: str | None = None
    total_credits: float | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"CreditBreakdown must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                channel,
                duration_sec,
                model_credits,
                provider_credits,
                provider_managed,
                telephony_type,
                total_credits,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(channel) is _str or channel is None)
                and (_type(duration_sec) is _int or duration_sec is None)
                and (_type(provider_managed) is _bool or provider_managed is None)
                and (_type(telephony_type) is _str or telephony_type is None)
            ):
                return cls._parse_checked(src_dict)
            if _type(model_credits) is not _float:
                if _type(model_credits) is _int:
                    model_credits = _float(model_credits)
                elif model_credits is not None:
                    return cls._parse_checked(src_dict)
            if _type(provider_credits) is not _float:
                if _type(provider_credits) is _int:
                    provider_credits = _float(provider_credits)
                elif provider_credits is not None:
                    return cls._parse_checked(src_dict)
            if _type(total_credits) is not _float:
                if _type(total_credits) is _int:
                    total_credits = _float(total_credits)
                elif total_credits is not None:
                    return cls._parse_checked(src_dict)
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.channel = channel
        _model.duration_sec = duration_sec
        _model.model_credits = model_credits
        _model.provider_credits = provider_credits
        _model.provider_managed = provider_managed
        _model.telephony_type = telephony_type
        _model.total_credits = total_credits
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model
