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
    "id",
    "agentId",
    "status",
    "channel",
    "startedAt",
    "durationSec",
    "costTotal",
    "creditBreakdown",
    "transcript",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_dict = dict
_int = int
_list = list
_str = str


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class CallSessionDetail(_WireModel):
    """A call session with its transcript.

    Attributes:
        id (str | None): The call session's ID.
        agent_id (str | None): The agent's ID.
        status (str | None): The call's status (an open set).
        channel (str | None): The call's channel (an open set).
        started_at (datetime.datetime | None): When the call started.
        duration_sec (int | None): Length in seconds.
        cost_total (str | None): Total cost as a decimal string.
        credit_breakdown (CreditBreakdown | None):
        transcript (list[TranscriptTurn] | None):
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
        ("transcript", "transcript", "model_list:TranscriptTurn"),
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

    id: str | None
    agent_id: str | None = None
    status: str | None = None
    channel: str | None = None
    started_at: datetime.datetime | None = None
    duration_sec: int | None = None
    cost_total: str | None = None
    credit_breakdown: CreditBreakdown | None = None
    transcript: list[TranscriptTurn] | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"CallSessionDetail must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                id,
                agent_id,
                status,
                channel,
                started_at,
                duration_sec,
                cost_total,
                credit_breakdown,
                transcript,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(id) is _str)
                and (_type(agent_id) is _str or agent_id is None)
                and (_type(status) is _str or status is None)
                and (_type(channel) is _str or channel is None)
                and (_type(started_at) is _str or started_at is None)
                and (_type(duration_sec) is _int or duration_sec is None)
                and (_type(cost_total) is _str or cost_total is None)
                and (_type(credit_breakdown) is _dict or credit_breakdown is None)
                and (_type(transcript) is _list or transcript is None)
            ):
                return cls._parse_checked(src_dict)
            if started_at is not None:
                # Only text Python reads as pydantic does: `YYYY-MM-DDTHH:MM:SS`, an optional `.`
                # and fraction digits, then Z or an offset `+HH:MM` (a shorter text raises
                # IndexError: the general parser). Python 3.11's fromisoformat also reads junk
                # pydantic refuses (`11 Z`, `11.Z`, `16:Z`, `:211`, an offset `-05.30`), hence
                # every separator's place is checked; the ending gives the timezone.
                text = started_at
                started_at = _parse_datetime(text)
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
            if credit_breakdown is not None:
                credit_breakdown = _from_dict_CreditBreakdown(credit_breakdown)
            if transcript is not None:
                for item in transcript:
                    if type(item) is not dict:
                        return cls._parse_checked(src_dict)
                transcript = [_from_dict_TranscriptTurn(item) for item in transcript]
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.id = id
        _model.agent_id = agent_id
        _model.status = status
        _model.channel = channel
        _model.started_at = started_at
        _model.duration_sec = duration_sec
        _model.cost_total = cost_total
        _model.credit_breakdown = credit_breakdown
        _model.transcript = transcript
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model


# Imported at the end of the module, once, rather than inside every call: by the time this line
# runs the class above exists, so models that refer to each other still import cleanly.
from .credit_breakdown import CreditBreakdown  # noqa: E402
from .transcript_turn import TranscriptTurn  # noqa: E402

# Each nested model's from_dict, bound once: read through the class, a classmethod makes a new
# bound method on every call (per record of a page).
_from_dict_CreditBreakdown = CreditBreakdown.from_dict
_from_dict_TranscriptTurn = TranscriptTurn.from_dict
