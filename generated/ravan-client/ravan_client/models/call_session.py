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
    "organizationId",
    "roomId",
    "callerNumber",
    "calleeNumber",
    "callerName",
    "callerEmail",
    "channel",
    "status",
    "summary",
    "metadata",
    "errorMessage",
    "disconnectReason",
    "promptDynamicVariables",
    "extractDynamicVariables",
    "callLatencyMs",
    "startedAt",
    "endedAt",
    "durationSec",
    "createdAt",
    "recordingUrl",
    "costTotal",
    "agentName",
    "postCallAnalysisResult",
    "creditBreakdown",
)
_new_object = object.__new__
# The builtins the fast path's type tests use, under names no field can shadow (a field may be `type`).
_type = type
_dict = dict
_int = int
_str = str


# eq=False: the base class's __eq__, which compares the unknown keys (`_extra` is built when asked).
@_attrs_define(repr=False, eq=False)
class CallSession(_WireModel):
    """One call handled by a voice agent.

    Only `id` is required: a record without an identity is not a call session. Every other
    field is optional and nullable, because the vendor documents each as a bare
    `<string>`/`<integer>` while real sessions that are still running, or that failed,
    lack an end time, duration, summary, recording and cost, and the shape has changed
    before. Keys not listed here are allowed and kept.

    Attributes:
        id (str | None): The call session's unique ID. A plain string: the vendor does not promise a UUID.
        agent_id (str | None): ID of the agent that handled the call.
        organization_id (str | None): ID of the organization that owns the call.
        room_id (str | None): ID of the media room; absent when the call never connected.
        caller_number (str | None): The caller's phone number, normally in E.164 format (not enforced).
        callee_number (str | None): The called phone number, normally in E.164 format (not enforced).
        caller_name (str | None): The caller's name, when known.
        caller_email (str | None): The caller's email, when known. Not validated as an email: real data is not
            guaranteed to be well formed.
        channel (str | None): The call's channel. An open set: `voice`, `web`, `sip`, `phone` and `inbound_call`
            have been seen; expect others.
        status (str | None): The call's status. An open set: `completed`, `in_progress`, `ringing`, `failed`,
            `pending`, `transfer`, `timeout` and `error` have been seen; expect others.
        summary (str | None): Summary of the conversation; null until the call has ended and been analysed.
        metadata (dict[str, Any] | None): A free-form object whose keys are the caller's own (metadata, dynamic
            variables, the post-call analysis result). Any keys and values; null where the call has none.
        error_message (str | None): Why the call failed; null for calls that did not fail.
        disconnect_reason (str | None): Why the call ended. An open set: `customer_hangup` and `user_hangup` have
            been seen; expect others. Null while the call is running.
        prompt_dynamic_variables (dict[str, Any] | None): A free-form object whose keys are the caller's own
            (metadata, dynamic variables, the post-call analysis result). Any keys and values; null where the call has
            none.
        extract_dynamic_variables (dict[str, Any] | None): A free-form object whose keys are the caller's own
            (metadata, dynamic variables, the post-call analysis result). Any keys and values; null where the call has
            none.
        call_latency_ms (int | None): Measured response latency of the agent in milliseconds; null until measured.
        started_at (datetime.datetime | None): When the call started (ISO 8601).
        ended_at (datetime.datetime | None): When the call ended (ISO 8601); null while the call is running.
        duration_sec (int | None): Length of the call in seconds; null while the call is running.
        created_at (datetime.datetime | None): When the record was created (ISO 8601).
        recording_url (str | None): URL of the call recording; null when there is none yet. A plain string, not
            validated as a URI.
        cost_total (str | None): Total cost as a decimal string (for example "0.1250"), kept as text so that no
            precision is lost; null until the call is billed.
        agent_name (str | None): Display name of the agent.
        post_call_analysis_result (dict[str, Any] | None): A free-form object whose keys are the caller's own
            (metadata, dynamic variables, the post-call analysis result). Any keys and values; null where the call has
            none.
        credit_breakdown (CreditBreakdown | None): How the call's credits were computed. Its keys are snake_case on
            the wire, unlike the rest of the call session, and are kept exactly. Null until the call is billed; every
            key is optional and nullable.
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("id", "id", "str"),
        ("agentId", "agent_id", "str"),
        ("organizationId", "organization_id", "str"),
        ("roomId", "room_id", "str"),
        ("callerNumber", "caller_number", "str"),
        ("calleeNumber", "callee_number", "str"),
        ("callerName", "caller_name", "str"),
        ("callerEmail", "caller_email", "str"),
        ("channel", "channel", "str"),
        ("status", "status", "str"),
        ("summary", "summary", "str"),
        ("metadata", "metadata", "object"),
        ("errorMessage", "error_message", "str"),
        ("disconnectReason", "disconnect_reason", "str"),
        ("promptDynamicVariables", "prompt_dynamic_variables", "object"),
        ("extractDynamicVariables", "extract_dynamic_variables", "object"),
        ("callLatencyMs", "call_latency_ms", "int"),
        ("startedAt", "started_at", "datetime"),
        ("endedAt", "ended_at", "datetime"),
        ("durationSec", "duration_sec", "int"),
        ("createdAt", "created_at", "datetime"),
        ("recordingUrl", "recording_url", "str"),
        ("costTotal", "cost_total", "str"),
        ("agentName", "agent_name", "str"),
        ("postCallAnalysisResult", "post_call_analysis_result", "object"),
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

    id: str | None
    agent_id: str | None = None
    organization_id: str | None = None
    room_id: str | None = None
    caller_number: str | None = None
    callee_number: str | None = None
    caller_name: str | None = None
    caller_email: str | None = None
    channel: str | None = None
    status: str | None = None
    summary: str | None = None
    metadata: dict[str, Any] | None = None
    error_message: str | None = None
    disconnect_reason: str | None = None
    prompt_dynamic_variables: dict[str, Any] | None = None
    extract_dynamic_variables: dict[str, Any] | None = None
    call_latency_ms: int | None = None
    started_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    duration_sec: int | None = None
    created_at: datetime.datetime | None = None
    recording_url: str | None = None
    cost_total: str | None = None
    agent_name: str | None = None
    post_call_analysis_result: dict[str, Any] | None = None
    credit_breakdown: CreditBreakdown | None = None
    _extra: dict[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _received: _Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)
    _invalid: dict[str, _InvalidField] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: _Mapping[str, Any]) -> _Self:
        """Parse the JSON object the server sent (see the module docstring of _models)."""
        if type(src_dict) is not dict and not isinstance(src_dict, _Mapping):
            raise TypeError(f"CallSession must be a JSON object, got {type(src_dict).__name__}")
        # The fast path: every key present (one C call) and every value of a type known to fit
        # (tested inline). Anything else, and any value the
        # steps below cannot read, takes the general parser, which decides field by field.
        try:
            (
                id,
                agent_id,
                organization_id,
                room_id,
                caller_number,
                callee_number,
                caller_name,
                caller_email,
                channel,
                status,
                summary,
                metadata,
                error_message,
                disconnect_reason,
                prompt_dynamic_variables,
                extract_dynamic_variables,
                call_latency_ms,
                started_at,
                ended_at,
                duration_sec,
                created_at,
                recording_url,
                cost_total,
                agent_name,
                post_call_analysis_result,
                credit_breakdown,
            ) = _GET_ALL(src_dict)
            # `type(v) is X` inline, field by field: Python 3.11 runs it without a call.
            if not (
                (_type(id) is _str)
                and (_type(agent_id) is _str or agent_id is None)
                and (_type(organization_id) is _str or organization_id is None)
                and (_type(room_id) is _str or room_id is None)
                and (_type(caller_number) is _str or caller_number is None)
                and (_type(callee_number) is _str or callee_number is None)
                and (_type(caller_name) is _str or caller_name is None)
                and (_type(caller_email) is _str or caller_email is None)
                and (_type(channel) is _str or channel is None)
                and (_type(status) is _str or status is None)
                and (_type(summary) is _str or summary is None)
                and (_type(metadata) is _dict or metadata is None)
                and (_type(error_message) is _str or error_message is None)
                and (_type(disconnect_reason) is _str or disconnect_reason is None)
                and (_type(prompt_dynamic_variables) is _dict or prompt_dynamic_variables is None)
                and (_type(extract_dynamic_variables) is _dict or extract_dynamic_variables is None)
                and (_type(call_latency_ms) is _int or call_latency_ms is None)
                and (_type(started_at) is _str or started_at is None)
                and (_type(ended_at) is _str or ended_at is None)
                and (_type(duration_sec) is _int or duration_sec is None)
                and (_type(created_at) is _str or created_at is None)
                and (_type(recording_url) is _str or recording_url is None)
                and (_type(cost_total) is _str or cost_total is None)
                and (_type(agent_name) is _str or agent_name is None)
                and (_type(post_call_analysis_result) is _dict or post_call_analysis_result is None)
                and (_type(credit_breakdown) is _dict or credit_breakdown is None)
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
            if ended_at is not None:
                # Only text Python reads as pydantic does: `YYYY-MM-DDTHH:MM:SS`, an optional `.`
                # and fraction digits, then Z or an offset `+HH:MM` (a shorter text raises
                # IndexError: the general parser). Python 3.11's fromisoformat also reads junk
                # pydantic refuses (`11 Z`, `11.Z`, `16:Z`, `:211`, an offset `-05.30`), hence
                # every separator's place is checked; the ending gives the timezone.
                text = ended_at
                ended_at = _parse_datetime(text)
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
            if created_at is not None:
                # Only text Python reads as pydantic does: `YYYY-MM-DDTHH:MM:SS`, an optional `.`
                # and fraction digits, then Z or an offset `+HH:MM` (a shorter text raises
                # IndexError: the general parser). Python 3.11's fromisoformat also reads junk
                # pydantic refuses (`11 Z`, `11.Z`, `16:Z`, `:211`, an offset `-05.30`), hence
                # every separator's place is checked; the ending gives the timezone.
                text = created_at
                created_at = _parse_datetime(text)
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
        except (KeyError, ValueError, OverflowError, IndexError):
            return cls._parse_checked(src_dict)
        # Built without attrs' __init__ (a call with every field as an argument): every slot is
        # set here, as __init__ would, for less than half the cost.
        _model = _new_object(cls)
        _model.id = id
        _model.agent_id = agent_id
        _model.organization_id = organization_id
        _model.room_id = room_id
        _model.caller_number = caller_number
        _model.callee_number = callee_number
        _model.caller_name = caller_name
        _model.caller_email = caller_email
        _model.channel = channel
        _model.status = status
        _model.summary = summary
        _model.metadata = metadata
        _model.error_message = error_message
        _model.disconnect_reason = disconnect_reason
        _model.prompt_dynamic_variables = prompt_dynamic_variables
        _model.extract_dynamic_variables = extract_dynamic_variables
        _model.call_latency_ms = call_latency_ms
        _model.started_at = started_at
        _model.ended_at = ended_at
        _model.duration_sec = duration_sec
        _model.created_at = created_at
        _model.recording_url = recording_url
        _model.cost_total = cost_total
        _model.agent_name = agent_name
        _model.post_call_analysis_result = post_call_analysis_result
        _model.credit_breakdown = credit_breakdown
        _model._invalid = None
        _model._extra = None  # the unknown keys, read from _received when asked for
        _model._received = src_dict
        return _model


# Imported at the end of the module, once, rather than inside every call: by the time this line
# runs the class above exists, so models that refer to each other still import cleanly.
from .credit_breakdown import CreditBreakdown  # noqa: E402

# Each nested model's from_dict, bound once: read through the class, a classmethod makes a new
# bound method on every call (per record of a page).
_from_dict_CreditBreakdown = CreditBreakdown.from_dict
