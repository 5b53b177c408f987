from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter as _itemgetter
from types import NoneType
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import InvalidField, WireModel

# The fast path of from_dict reads these as module globals, which Python 3.11 reads faster than
# class attributes: every key's value at once (one C call), and the tuples of value types known to fit.
_GET_ALL: Any = _itemgetter(
    "channel",
    "duration_sec",
    "model_credits",
    "provider_credits",
    "provider_managed",
    "telephony_type",
    "total_credits",
)
_GOOD_TYPES: set[tuple[type, ...]] = set()
_new_object = object.__new__


@_attrs_define(repr=False)
class CreditBreakdown(WireModel):
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
    # The fast path of from_dict: every key present (one C call), every value of its exact type.
    _good_types: ClassVar[set[tuple[type, ...]]] = _GOOD_TYPES
    _fast_types: ClassVar[tuple[Any, ...]] = (
        frozenset({str, NoneType}),
        frozenset({int, NoneType}),
        frozenset({float, int, NoneType}),
        frozenset({float, int, NoneType}),
        frozenset({bool, NoneType}),
        frozenset({str, NoneType}),
        frozenset({float, int, NoneType}),
    )

    channel: str | None = None
    duration_sec: int | None = None
    model_credits: float | None = None
    provider_credits: float | None = None
    provider_managed: bool | None = None
    telephony_type: str | None = None
    total_credits: float | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise TypeError(f"CreditBreakdown must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (the tuple of types is checked once, then remembered). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            values = _GET_ALL(src_dict)
            types = tuple(map(type, values))
            if types not in _GOOD_TYPES and not cls._learn_types(types):
                return cls._parse_checked(src_dict)
            (
                channel,
                duration_sec,
                model_credits,
                provider_credits,
                provider_managed,
                telephony_type,
                total_credits,
            ) = values
            if type(model_credits) is int:
                model_credits = float(model_credits)
            if type(provider_credits) is int:
                provider_credits = float(provider_credits)
            if type(total_credits) is int:
                total_credits = float(total_credits)
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
        _model.additional_properties = {}
        _model._received = src_dict
        if len(src_dict) != 7:  # every field's key is there: more keys are unknown ones
            names = cls._wire_names
            _model.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return _model
