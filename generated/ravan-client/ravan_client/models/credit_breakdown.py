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
        channel (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae038110>
        duration_sec (int | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae038310>
        model_credits (float | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae038510>
        provider_credits (float | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae8279d0>
        provider_managed (bool | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4aebf1490>
        telephony_type (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4b0bba890>
        total_credits (float | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae038710>
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
        if not isinstance(src_dict, Mapping):
            raise TypeError(f"CreditBreakdown must be a JSON object, got {type(src_dict).__name__}")
        obj = cls(
            channel=src_dict.get("channel"),
            duration_sec=src_dict.get("duration_sec"),
            model_credits=src_dict.get("model_credits"),
            provider_credits=src_dict.get("provider_credits"),
            provider_managed=src_dict.get("provider_managed"),
            telephony_type=src_dict.get("telephony_type"),
            total_credits=src_dict.get("total_credits"),
        )
        obj._received = src_dict
        if not cls._wire_names.issuperset(src_dict):
            names = cls._wire_names
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj
