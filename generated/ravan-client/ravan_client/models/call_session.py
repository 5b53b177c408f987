from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._models import WireModel, parse_datetime


@_attrs_define(repr=False)
class CallSession(WireModel):
    """One call handled by a voice agent.

    Only `id` is required: a record without an identity is not a call session. Every other
    field is optional and nullable, because the vendor documents each as a bare
    `<string>`/`<integer>` while real sessions that are still running, or that failed,
    lack an end time, duration, summary, recording and cost, and the shape has changed
    before. Keys not listed here are allowed and kept.

    Attributes:
        id (str): <openapi_python_client.schema.untrusted_string.UntrustedString object at 0x7fc4ae02ced0>
        agent_id (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02d0d0>
        organization_id (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02d2d0>
        room_id (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02d4d0>
        caller_number (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02d6d0>
        callee_number (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02d8d0>
        caller_name (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02dad0>
        caller_email (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02dcd0>
        channel (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02ded0>
        status (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02e0d0>
        summary (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02e2d0>
        metadata (dict[str, Any] | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae0388d0>
        error_message (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02e5d0>
        disconnect_reason (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02e7d0>
        prompt_dynamic_variables (dict[str, Any] | None):
            <openapi_python_client.schema.untrusted_string.UntrustedString object at 0x7fc4ae0388d0>
        extract_dynamic_variables (dict[str, Any] | None):
            <openapi_python_client.schema.untrusted_string.UntrustedString object at 0x7fc4ae0388d0>
        call_latency_ms (int | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02ebd0>
        started_at (datetime.datetime | None): <openapi_python_client.schema.untrusted_string.UntrustedString object
            at 0x7fc4ae02edd0>
        ended_at (datetime.datetime | None): <openapi_python_client.schema.untrusted_string.UntrustedString object
            at 0x7fc4ae02f010>
        duration_sec (int | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02f250>
        created_at (datetime.datetime | None): <openapi_python_client.schema.untrusted_string.UntrustedString object
            at 0x7fc4ae02f450>
        recording_url (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02f690>
        cost_total (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02f890>
        agent_name (str | None): <openapi_python_client.schema.untrusted_string.UntrustedString object at
            0x7fc4ae02fa90>
        post_call_analysis_result (dict[str, Any] | None):
            <openapi_python_client.schema.untrusted_string.UntrustedString object at 0x7fc4ae0388d0>
        credit_breakdown (CreditBreakdown | None): <openapi_python_client.schema.untrusted_string.UntrustedString
            object at 0x7fc4ae038750>
    """

    _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("id", "id", "value"),
        ("agentId", "agent_id", "value"),
        ("organizationId", "organization_id", "value"),
        ("roomId", "room_id", "value"),
        ("callerNumber", "caller_number", "value"),
        ("calleeNumber", "callee_number", "value"),
        ("callerName", "caller_name", "value"),
        ("callerEmail", "caller_email", "value"),
        ("channel", "channel", "value"),
        ("status", "status", "value"),
        ("summary", "summary", "value"),
        ("metadata", "metadata", "value"),
        ("errorMessage", "error_message", "value"),
        ("disconnectReason", "disconnect_reason", "value"),
        ("promptDynamicVariables", "prompt_dynamic_variables", "value"),
        ("extractDynamicVariables", "extract_dynamic_variables", "value"),
        ("callLatencyMs", "call_latency_ms", "value"),
        ("startedAt", "started_at", "datetime"),
        ("endedAt", "ended_at", "datetime"),
        ("durationSec", "duration_sec", "value"),
        ("createdAt", "created_at", "datetime"),
        ("recordingUrl", "recording_url", "value"),
        ("costTotal", "cost_total", "value"),
        ("agentName", "agent_name", "value"),
        ("postCallAnalysisResult", "post_call_analysis_result", "value"),
        ("creditBreakdown", "credit_breakdown", "model"),
    )
    _wire_names: ClassVar[frozenset[str]] = frozenset(name for name, _, _ in _wire_fields)

    id: str
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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _received: Mapping[str, Any] | None = _attrs_field(init=False, default=None, eq=False)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Parse the JSON object the server sent (liberal: see the module docstring of _models)."""
        if not isinstance(src_dict, Mapping):
            raise TypeError(f"CallSession must be a JSON object, got {type(src_dict).__name__}")
        get = src_dict.get
        started_at = get("startedAt")
        if type(started_at) is str:
            started_at = parse_datetime(started_at)
        ended_at = get("endedAt")
        if type(ended_at) is str:
            ended_at = parse_datetime(ended_at)
        created_at = get("createdAt")
        if type(created_at) is str:
            created_at = parse_datetime(created_at)
        credit_breakdown = get("creditBreakdown")
        if type(credit_breakdown) is dict:
            credit_breakdown = CreditBreakdown.from_dict(credit_breakdown)
        obj = cls(
            id=src_dict["id"],
            agent_id=src_dict.get("agentId"),
            organization_id=src_dict.get("organizationId"),
            room_id=src_dict.get("roomId"),
            caller_number=src_dict.get("callerNumber"),
            callee_number=src_dict.get("calleeNumber"),
            caller_name=src_dict.get("callerName"),
            caller_email=src_dict.get("callerEmail"),
            channel=src_dict.get("channel"),
            status=src_dict.get("status"),
            summary=src_dict.get("summary"),
            metadata=src_dict.get("metadata"),
            error_message=src_dict.get("errorMessage"),
            disconnect_reason=src_dict.get("disconnectReason"),
            prompt_dynamic_variables=src_dict.get("promptDynamicVariables"),
            extract_dynamic_variables=src_dict.get("extractDynamicVariables"),
            call_latency_ms=src_dict.get("callLatencyMs"),
            started_at=started_at,
            ended_at=ended_at,
            duration_sec=src_dict.get("durationSec"),
            created_at=created_at,
            recording_url=src_dict.get("recordingUrl"),
            cost_total=src_dict.get("costTotal"),
            agent_name=src_dict.get("agentName"),
            post_call_analysis_result=src_dict.get("postCallAnalysisResult"),
            credit_breakdown=credit_breakdown,
        )
        obj._received = src_dict
        if not cls._wire_names.issuperset(src_dict):
            names = cls._wire_names
            obj.additional_properties = {key: value for key, value in src_dict.items() if key not in names}
        return obj


# Imported at the end of the module, once, rather than inside every call: by the time this line
# runs the class above exists, so models that refer to each other still import cleanly.
from .credit_breakdown import CreditBreakdown  # noqa: E402
