from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreditBreakdown")


@_attrs_define
class CreditBreakdown:
    """How the call's credits were computed. Its keys are snake_case on the wire, unlike the rest of the call session, and
    are kept exactly. Null until the call is billed; every key is optional and nullable.

        Attributes:
            channel (None | str | Unset): The billed channel (an open set, like the session's `channel`).
            duration_sec (int | None | Unset): Billed duration in seconds.
            model_credits (float | None | Unset): Credits charged for the language model.
            provider_credits (float | None | Unset): Credits charged by the telephony or voice provider.
            provider_managed (bool | None | Unset): Whether the provider is managed by Ravan AI.
            telephony_type (None | str | Unset): The telephony type (an open set).
            total_credits (float | None | Unset): Total credits charged for the call.
    """

    channel: None | str | Unset = UNSET
    duration_sec: int | None | Unset = UNSET
    model_credits: float | None | Unset = UNSET
    provider_credits: float | None | Unset = UNSET
    provider_managed: bool | None | Unset = UNSET
    telephony_type: None | str | Unset = UNSET
    total_credits: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        duration_sec: int | None | Unset
        if isinstance(self.duration_sec, Unset):
            duration_sec = UNSET
        else:
            duration_sec = self.duration_sec

        model_credits: float | None | Unset
        if isinstance(self.model_credits, Unset):
            model_credits = UNSET
        else:
            model_credits = self.model_credits

        provider_credits: float | None | Unset
        if isinstance(self.provider_credits, Unset):
            provider_credits = UNSET
        else:
            provider_credits = self.provider_credits

        provider_managed: bool | None | Unset
        if isinstance(self.provider_managed, Unset):
            provider_managed = UNSET
        else:
            provider_managed = self.provider_managed

        telephony_type: None | str | Unset
        if isinstance(self.telephony_type, Unset):
            telephony_type = UNSET
        else:
            telephony_type = self.telephony_type

        total_credits: float | None | Unset
        if isinstance(self.total_credits, Unset):
            total_credits = UNSET
        else:
            total_credits = self.total_credits

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if channel is not UNSET:
            field_dict["channel"] = channel
        if duration_sec is not UNSET:
            field_dict["duration_sec"] = duration_sec
        if model_credits is not UNSET:
            field_dict["model_credits"] = model_credits
        if provider_credits is not UNSET:
            field_dict["provider_credits"] = provider_credits
        if provider_managed is not UNSET:
            field_dict["provider_managed"] = provider_managed
        if telephony_type is not UNSET:
            field_dict["telephony_type"] = telephony_type
        if total_credits is not UNSET:
            field_dict["total_credits"] = total_credits

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel: None | str | Unset = d.pop("channel", UNSET)

        duration_sec: int | None | Unset = d.pop("duration_sec", UNSET)

        model_credits: float | None | Unset = d.pop("model_credits", UNSET)

        provider_credits: float | None | Unset = d.pop("provider_credits", UNSET)

        provider_managed: bool | None | Unset = d.pop("provider_managed", UNSET)

        telephony_type: None | str | Unset = d.pop("telephony_type", UNSET)

        total_credits: float | None | Unset = d.pop("total_credits", UNSET)

        credit_breakdown = cls(
            channel=channel,
            duration_sec=duration_sec,
            model_credits=model_credits,
            provider_credits=provider_credits,
            provider_managed=provider_managed,
            telephony_type=telephony_type,
            total_credits=total_credits,
        )

        credit_breakdown.additional_properties = d
        return credit_breakdown

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
