from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import WireModel


@_attrs_define(repr=False)
class ErrorResponse(WireModel):
    """The error envelope. The vendor does not document error bodies; the success envelope's `{success, message}` is
    the best guess. Any other keys are kept.

    Attributes:
        success (bool | None): Always false for an error.
        message (str | None): Human-readable description of the error.
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("success", "success", "value"),
        ("message", "message", "value"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)

    success: bool | None = None
    message: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (liberal: see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise TypeError(f"ErrorResponse must be a JSON object, got {type(src_dict).__name__}")
        get = src_dict.get
        # Positional, in the order attrs declares the fields (required first): faster than keywords.
        obj = cls(
            get("success"),
            get("message"),
        )
        obj._received = src_dict
        names = cls._wire_names
        if not names.issuperset(src_dict):
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj
