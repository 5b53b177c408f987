from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import WireModel


@_attrs_define(repr=False)
class CallSessionListData(WireModel):
    """The returned data.

    Attributes:
        call_sessions (list[CallSession]): This page's call sessions. Shorter than `page_size`, or empty, on the
            last page.
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (("callSessions", "call_sessions", "model_list"),)
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)

    call_sessions: list[CallSession]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (liberal: see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise TypeError(f"CallSessionListData must be a JSON object, got {type(src_dict).__name__}")
        call_sessions = src_dict["callSessions"]
        if type(call_sessions) is list:
            call_sessions = [CallSession.from_dict(item) if type(item) is dict else item for item in call_sessions]
        # Positional, in the order attrs declares the fields (required first): faster than keywords.
        obj = cls(
            call_sessions,
        )
        obj._received = src_dict
        names = cls._wire_names
        if not names.issuperset(src_dict):
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj


# Imported at the end of the module, once, rather than inside every call: by the time this line
# runs the class above exists, so models that refer to each other still import cleanly.
from .call_session import CallSession  # noqa: E402
