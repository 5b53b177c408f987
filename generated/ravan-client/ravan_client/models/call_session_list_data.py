from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CallSessionListData")


@_attrs_define
class CallSessionListData:
    """The returned data.

    Attributes:
        call_sessions (list[CallSession]): This page's call sessions. Shorter than `page_size`, or empty, on the last
            page.
    """

    call_sessions: list[CallSession]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        call_sessions = []
        for call_sessions_item_data in self.call_sessions:
            call_sessions_item = call_sessions_item_data.to_dict()
            call_sessions.append(call_sessions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "callSessions": call_sessions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        call_sessions = []
        _call_sessions = d.pop("callSessions")
        for call_sessions_item_data in _call_sessions:
            call_sessions_item = CallSession.from_dict(call_sessions_item_data)

            call_sessions.append(call_sessions_item)

        call_session_list_data = cls(
            call_sessions=call_sessions,
        )

        call_session_list_data.additional_properties = d
        return call_session_list_data

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
from ..models.call_session import CallSession  # noqa: E402
