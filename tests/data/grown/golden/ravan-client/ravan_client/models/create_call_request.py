from __future__ import annotations

import datetime
from collections.abc import Mapping as _Mapping
from operator import itemgetter as _itemgetter

# ClassVar by its own name: attrs reads a string annotation as a class variable by that spelling.
from typing import Any, ClassVar
from typing import Self as _Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import InvalidField as _InvalidField
from .._models import WireModel as _WireModel

_parse_datetime = datetime.datetime.fromisoformat
# The fast path of from_dict reads these as module globals, which Python 3.11 reads faster than
# class attributes: every key's value at once (one C call).
_GET_ALL: Any = _itemgetter(
    "agentId",
    "callType",
    "toNumber",
    "maxDurationSec",
    "scheduledAt",
    "recordingEnabled",
    "metadata",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_bool = bool
_dict = dict
_int = int
_str = str
_CREATECALLREQUESTCALLTYPE_VALUES: frozenset[Any] = frozenset(
    {
        "outbound_call",
        "web_call",
    }
)


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class CreateCallRequest(_WireModel):
    """A CreateCallRequest object.

    Attributes:
        agent_id (str | None): The agent that places or takes the call.
        call_type (str | None): A browser call, or a phone call to toNumber.
        to_number (str | None): The number to call (E.164), for an outbound call.
        max_duration_sec (int | None): Hang up after this many seconds.
        scheduled_at (datetime.datetime | None): When to place the call; now when absent.
        recording_enabled (bool | None): Whether to record the call.
        metadata (dict[str, Any] | None): Your own keys, returned with the call session.
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("agentId", "agent_id", "str"),
        ("callType", "call_type", "enum:_CREATECALLREQUESTCALLTYPE_VALUES"),
        ("toNumber", "to_number", "str"),
        ("maxDurationSec", "max_duration_sec", "int"),
        ("scheduledAt", "scheduled_at", "datetime"),
        ("recordingEnabled", "recording_enabled", "bool"),
        ("metadata", "metadata", "object"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)
    _required_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "agent_id",
            "call_type",
        }
    )
    _not_null: ClassVar[frozenset[str]] = frozenset(
        {
            "agent_id",
            "call_type",
        }
    )

    agent_id: str | None
    call_type: str | None
    to_number: str | None = None
    max_duration_sec: int | None = None
    scheduled_at: datetime.datetime | None = None
    recording_enabled: bool | None = None
    metadata: dict[str, Any] | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"CreateCallRequest must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                agent_id,
                call_type,
                to_number,
                max_duration_sec,
                scheduled_at,
                recording_enabled,
                metadata,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(agent_id) is _str)
                and (_type(call_type) is _str)
                and (_type(to_number) is _str or to_number is None)
                and (_type(max_duration_sec) is _int or max_duration_sec is None)
                and (_type(scheduled_at) is _str or scheduled_at is None)
                and (_type(recording_enabled) is _bool or recording_enabled is None)
                and (_type(metadata) is _dict or metadata is None)
            ):
                return cls._parse_checked(src_dict)
            if call_type is not None and call_type not in _CREATECALLREQUESTCALLTYPE_VALUES:
                return cls._parse_checked(src_dict)
            if scheduled_at is not None:
                # Only text Python reads as pydantic does: `YYYY-MM-DDTHH:MM:SS`, an optional `.`
                # and fraction digits, then Z or an offset `+HH:MM` (a shorter text raises
                # IndexError: the general parser). Python 3.11's fromisoformat also reads junk
                # pydantic refuses (`11 Z`, `11.Z`, `16:Z`, `:211`, an offset `-05.30`), hence
                # every separator's place is checked; the ending gives the timezone.
                text = scheduled_at
                scheduled_at = _parse_datetime(text)
                # (No new local name here: a field of that name would be read over, see the plan's
                # MODEL_API_NAMES.) The commonest shape, `YYYY-MM-DDTHH:MM:SSZ`, is recognised
                # by one step-3 slice of its six separators (0.34M fewer instructions per
                # 100-session page than indexing them one by one); other shapes: one by one.
                if (text[4::3] != "--T::Z" or len(text) != 20) and (
                    text[10] != "T" or text[7] != "-" or text[4] != "-" or text[13] != ":" or text[16] != ":"
                    or (text[-1] == "Z" and len(text) != 20 and (text[19] != "." or not text[20:-1].isdigit()))
                    or (text[-1] != "Z" and (
                        text[-6] not in "+-" or text[-3] != ":"
                        or (len(text) != 25 and (text[19] != "." or not text[20:-6].isdigit()))
                    ))
                ):  # fmt: skip
                    return cls._parse_checked(src_dict)
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.agent_id = agent_id
        _model.call_type = call_type
        _model.to_number = to_number
        _model.max_duration_sec = max_duration_sec
        _model.scheduled_at = scheduled_at
        _model.recording_enabled = recording_enabled
        _model.metadata = metadata
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model
