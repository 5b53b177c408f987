from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CallSessionListResponse")


@_attrs_define
class CallSessionListResponse:
    """The success envelope. `data.callSessions` is the envelope's only required part: a body without it is not a page.
    `success` and `message` are documented but optional here, so a body that omits them still parses; a 200 whose
    `success` is false is reported as an error by the client.

        Attributes:
            data (CallSessionListData): The returned data.
            success (bool | Unset): Whether the request succeeded.
            message (None | str | Unset): Human-readable status message.
    """

    data: CallSessionListData
    success: bool | Unset = UNSET
    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        success = self.success

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )
        if success is not UNSET:
            field_dict["success"] = success
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data = CallSessionListData.from_dict(d.pop("data"))

        success = d.pop("success", UNSET)

        message: None | str | Unset = d.pop("message", UNSET)

        call_session_list_response = cls(
            data=data,
            success=success,
            message=message,
        )

        call_session_list_response.additional_properties = d
        return call_session_list_response

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


# Imported at the end of the module, once, rather than inside to_dict/from_dict on every call:
# by the time this line runs the class above exists, so models that refer to each other still
# import cleanly.
from ..models.call_session_list_data import CallSessionListData  # noqa: E402
