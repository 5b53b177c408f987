from __future__ import annotations

import datetime
from collections.abc import Mapping
from operator import itemgetter as _itemgetter
from types import NoneType
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import InvalidField, WireModel

_parse_datetime = datetime.datetime.fromisoformat


@_attrs_define(repr=False)
class CallSession(WireModel):
    """One call handled by a voice agent.

    Attributes:
        id (str | None): The call session's ID.
        agent_id (str | None): The agent's ID.
        status (str | None): The call's status (an open set).
        channel (str | None): The call's channel (an open set).
        started_at (datetime.datetime | None): When the call started.
        duration_sec (int | None): Length in seconds.
        cost_total (str | None): Total cost as a decimal string.
        credit_breakdown (CreditBreakdown | None):
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("id", "id", "str"),
        ("agentId", "agent_id", "str"),
        ("status", "status", "str"),
        ("channel", "channel", "str"),
        ("startedAt", "started_at", "datetime"),
        ("durationSec", "duration_sec", "int"),
        ("costTotal", "cost_total", "str"),
        ("creditBreakdown", "credit_breakdown", "model:CreditBreakdown"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
        }
    )
    _not_null: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
        }
    )
    # The fast path of from_dict: every key present (one C call), every value of its exact type.
    _get_all: ClassVar[Any] = staticmethod(_itemgetter(*(name for name, _, _ in _wire_fields)))
    _good_types: ClassVar[set[tuple[type, ...]]] = set()
    _fast_types: ClassVar[tuple[Any, ...]] = (
        frozenset({str}),
        frozenset({str, NoneType}),
        frozenset({str, NoneType}),
        frozenset({str, NoneType}),
        frozenset({str, NoneType}),
        frozenset({int, NoneType}),
        frozenset({str, NoneType}),
        frozenset({dict, NoneType}),
    )

    id: str | None
    agent_id: str | None = None
    status: str | None = None
    channel: str | None = None
    started_at: datetime.datetime | None = None
    duration_sec: int | None = None
    cost_total: str | None = None
    credit_breakdown: CreditBreakdown | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise TypeError(f"CallSession must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (the tuple of types is checked once, then remembered). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            values = cls._get_all(src_dict)
            types = tuple(map(type, values))
            if types not in cls._good_types and not cls._learn_types(types):
                return cls._parse_checked(src_dict)
            (
                id,
                agent_id,
                status,
                channel,
                started_at,
                duration_sec,
                cost_total,
                credit_breakdown,
            ) = values
            if started_at is not None:
                # Only text Python reads as pydantic does (RFC 3339 with T and an offset or Z).
                text = started_at
                started_at = _parse_datetime(text)
                if (
                    started_at.tzinfo is None
                    or text[10] != "T"
                    or text[7] != "-"
                    or text[13] != ":"
                    or (text[-1] != "Z" and text[-6] not in "+-")
                ):
                    return cls._parse_checked(src_dict)
            if credit_breakdown is not None:
                credit_breakdown = CreditBreakdown.from_dict(credit_breakdown)
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Positional, in the order attrs declares the fields (required first): faster than keywords.
        obj = cls(
            id,
            agent_id,
            status,
            channel,
            started_at,
            duration_sec,
            cost_total,
            credit_breakdown,
        )
        obj._received = src_dict
        if len(src_dict) != 8:  # every field's key is there: more keys are unknown ones
            names = cls._wire_names
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj


# Imported at the end of the module, once, rather than inside every call: by the time this line
# runs the class above exists, so models that refer to each other still import cleanly.
from .credit_breakdown import CreditBreakdown  # noqa: E402
