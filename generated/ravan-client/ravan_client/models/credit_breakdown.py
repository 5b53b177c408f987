from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import WireModel


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
        ("channel", "channel", "value"),
        ("duration_sec", "duration_sec", "value"),
        ("model_credits", "model_credits", "value"),
        ("provider_credits", "provider_credits", "value"),
        ("provider_managed", "provider_managed", "value"),
        ("telephony_type", "telephony_type", "value"),
        ("total_credits", "total_credits", "value"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)

    channel: str | None = None
    duration_sec: int | None = None
    model_credits: float | None = None
    provider_credits: float | None = None
    provider_managed: bool | None = None
    telephony_type: str | None = None
    total_credits: float | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (liberal: see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise TypeError(f"CreditBreakdown must be a JSON object, got {type(src_dict).__name__}")
        get = src_dict.get
        # Positional, in the order attrs declares the fields (required first): faster than keywords.
        obj = cls(
            get("channel"),
            get("duration_sec"),
            get("model_credits"),
            get("provider_credits"),
            get("provider_managed"),
            get("telephony_type"),
            get("total_credits"),
        )
        obj._received = src_dict
        names = cls._wire_names
        if not names.issuperset(src_dict):
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj
