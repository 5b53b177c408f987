from __future__ import annotations

from collections.abc import Mapping as _Mapping

# ClassVar by its own name: attrs reads a string annotation as a class variable by that spelling.
from typing import Any, ClassVar
from typing import Self as _Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import InvalidField as _InvalidField
from .._models import WireModel as _WireModel


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class FreeFormObject(_WireModel):
    """A free-form object whose keys are the caller's own (metadata, dynamic variables, the post-call analysis result).
    Any keys and values; null where the call has none.

    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset({})
    _not_null: ClassVar[frozenset[str]] = frozenset({})

    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"FreeFormObject must be a JSON object, got {type(src_dict).__name__}")
        obj = cls()
        obj._received = src_dict
        if src_dict:
            obj.additional_properties = dict(src_dict)
        return obj
