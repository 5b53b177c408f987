from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CallSession")


@_attrs_define
class CallSession:
    """One call handled by a voice agent.

    Only `id` is required: a record without an identity is not a call session. Every other
    field is optional and nullable, because the vendor documents each as a bare
    `<string>`/`<integer>` while real sessions that are still running, or that failed,
    lack an end time, duration, summary, recording and cost, and the shape has changed
    before. Keys not listed here are allowed and kept.

        Attributes:
            id (str): The call session's unique ID. A plain string: the vendor does not promise a UUID.
            agent_id (None | str | Unset): ID of the agent that handled the call.
            organization_id (None | str | Unset): ID of the organization that owns the call.
            room_id (None | str | Unset): ID of the media room; absent when the call never connected.
            caller_number (None | str | Unset): The caller's phone number, normally in E.164 format (not enforced).
            callee_number (None | str | Unset): The called phone number, normally in E.164 format (not enforced).
            caller_name (None | str | Unset): The caller's name, when known.
            caller_email (None | str | Unset): The caller's email, when known. Not validated as an email: real data is not
                guaranteed to be well formed.
            channel (None | str | Unset): The call's channel. An open set: `voice`, `web`, `sip`, `phone` and `inbound_call`
                have been seen; expect others.
            status (None | str | Unset): The call's status. An open set: `completed`, `in_progress`, `ringing`, `failed`,
                `pending`, `transfer`, `timeout` and `error` have been seen; expect others.
            summary (None | str | Unset): Summary of the conversation; null until the call has ended and been analysed.
            metadata (FreeFormObject | None | Unset): A free-form object whose keys are the caller's own (metadata, dynamic
                variables, the post-call analysis result). Any keys and values; null where the call has none.
            error_message (None | str | Unset): Why the call failed; null for calls that did not fail.
            disconnect_reason (None | str | Unset): Why the call ended. An open set: `customer_hangup` and `user_hangup`
                have been seen; expect others. Null while the call is running.
            prompt_dynamic_variables (FreeFormObject | None | Unset): A free-form object whose keys are the caller's own
                (metadata, dynamic variables, the post-call analysis result). Any keys and values; null where the call has none.
            extract_dynamic_variables (FreeFormObject | None | Unset): A free-form object whose keys are the caller's own
                (metadata, dynamic variables, the post-call analysis result). Any keys and values; null where the call has none.
            call_latency_ms (int | None | Unset): Measured response latency of the agent in milliseconds; null until
                measured.
            started_at (datetime.datetime | None | Unset): When the call started (ISO 8601).
            ended_at (datetime.datetime | None | Unset): When the call ended (ISO 8601); null while the call is running.
            duration_sec (int | None | Unset): Length of the call in seconds; null while the call is running.
            created_at (datetime.datetime | None | Unset): When the record was created (ISO 8601).
            recording_url (None | str | Unset): URL of the call recording; null when there is none yet. A plain string, not
                validated as a URI.
            cost_total (None | str | Unset): Total cost as a decimal string (for example "0.1250"), kept as text so that no
                precision is lost; null until the call is billed.
            agent_name (None | str | Unset): Display name of the agent.
            post_call_analysis_result (FreeFormObject | None | Unset): A free-form object whose keys are the caller's own
                (metadata, dynamic variables, the post-call analysis result). Any keys and values; null where the call has none.
            credit_breakdown (CreditBreakdown | None | Unset): How the call's credits were computed. Its keys are snake_case
                on the wire, unlike the rest of the call session, and are kept exactly. Null until the call is billed; every key
                is optional and nullable.
    """

    id: str
    agent_id: None | str | Unset = UNSET
    organization_id: None | str | Unset = UNSET
    room_id: None | str | Unset = UNSET
    caller_number: None | str | Unset = UNSET
    callee_number: None | str | Unset = UNSET
    caller_name: None | str | Unset = UNSET
    caller_email: None | str | Unset = UNSET
    channel: None | str | Unset = UNSET
    status: None | str | Unset = UNSET
    summary: None | str | Unset = UNSET
    metadata: FreeFormObject | None | Unset = UNSET
    error_message: None | str | Unset = UNSET
    disconnect_reason: None | str | Unset = UNSET
    prompt_dynamic_variables: FreeFormObject | None | Unset = UNSET
    extract_dynamic_variables: FreeFormObject | None | Unset = UNSET
    call_latency_ms: int | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    ended_at: datetime.datetime | None | Unset = UNSET
    duration_sec: int | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    recording_url: None | str | Unset = UNSET
    cost_total: None | str | Unset = UNSET
    agent_name: None | str | Unset = UNSET
    post_call_analysis_result: FreeFormObject | None | Unset = UNSET
    credit_breakdown: CreditBreakdown | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        organization_id: None | str | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        room_id: None | str | Unset
        if isinstance(self.room_id, Unset):
            room_id = UNSET
        else:
            room_id = self.room_id

        caller_number: None | str | Unset
        if isinstance(self.caller_number, Unset):
            caller_number = UNSET
        else:
            caller_number = self.caller_number

        callee_number: None | str | Unset
        if isinstance(self.callee_number, Unset):
            callee_number = UNSET
        else:
            callee_number = self.callee_number

        caller_name: None | str | Unset
        if isinstance(self.caller_name, Unset):
            caller_name = UNSET
        else:
            caller_name = self.caller_name

        caller_email: None | str | Unset
        if isinstance(self.caller_email, Unset):
            caller_email = UNSET
        else:
            caller_email = self.caller_email

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, FreeFormObject):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        disconnect_reason: None | str | Unset
        if isinstance(self.disconnect_reason, Unset):
            disconnect_reason = UNSET
        else:
            disconnect_reason = self.disconnect_reason

        prompt_dynamic_variables: dict[str, Any] | None | Unset
        if isinstance(self.prompt_dynamic_variables, Unset):
            prompt_dynamic_variables = UNSET
        elif isinstance(self.prompt_dynamic_variables, FreeFormObject):
            prompt_dynamic_variables = self.prompt_dynamic_variables.to_dict()
        else:
            prompt_dynamic_variables = self.prompt_dynamic_variables

        extract_dynamic_variables: dict[str, Any] | None | Unset
        if isinstance(self.extract_dynamic_variables, Unset):
            extract_dynamic_variables = UNSET
        elif isinstance(self.extract_dynamic_variables, FreeFormObject):
            extract_dynamic_variables = self.extract_dynamic_variables.to_dict()
        else:
            extract_dynamic_variables = self.extract_dynamic_variables

        call_latency_ms: int | None | Unset
        if isinstance(self.call_latency_ms, Unset):
            call_latency_ms = UNSET
        else:
            call_latency_ms = self.call_latency_ms

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        ended_at: None | str | Unset
        if isinstance(self.ended_at, Unset):
            ended_at = UNSET
        elif isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        duration_sec: int | None | Unset
        if isinstance(self.duration_sec, Unset):
            duration_sec = UNSET
        else:
            duration_sec = self.duration_sec

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        recording_url: None | str | Unset
        if isinstance(self.recording_url, Unset):
            recording_url = UNSET
        else:
            recording_url = self.recording_url

        cost_total: None | str | Unset
        if isinstance(self.cost_total, Unset):
            cost_total = UNSET
        else:
            cost_total = self.cost_total

        agent_name: None | str | Unset
        if isinstance(self.agent_name, Unset):
            agent_name = UNSET
        else:
            agent_name = self.agent_name

        post_call_analysis_result: dict[str, Any] | None | Unset
        if isinstance(self.post_call_analysis_result, Unset):
            post_call_analysis_result = UNSET
        elif isinstance(self.post_call_analysis_result, FreeFormObject):
            post_call_analysis_result = self.post_call_analysis_result.to_dict()
        else:
            post_call_analysis_result = self.post_call_analysis_result

        credit_breakdown: dict[str, Any] | None | Unset
        if isinstance(self.credit_breakdown, Unset):
            credit_breakdown = UNSET
        elif isinstance(self.credit_breakdown, CreditBreakdown):
            credit_breakdown = self.credit_breakdown.to_dict()
        else:
            credit_breakdown = self.credit_breakdown

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if agent_id is not UNSET:
            field_dict["agentId"] = agent_id
        if organization_id is not UNSET:
            field_dict["organizationId"] = organization_id
        if room_id is not UNSET:
            field_dict["roomId"] = room_id
        if caller_number is not UNSET:
            field_dict["callerNumber"] = caller_number
        if callee_number is not UNSET:
            field_dict["calleeNumber"] = callee_number
        if caller_name is not UNSET:
            field_dict["callerName"] = caller_name
        if caller_email is not UNSET:
            field_dict["callerEmail"] = caller_email
        if channel is not UNSET:
            field_dict["channel"] = channel
        if status is not UNSET:
            field_dict["status"] = status
        if summary is not UNSET:
            field_dict["summary"] = summary
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message
        if disconnect_reason is not UNSET:
            field_dict["disconnectReason"] = disconnect_reason
        if prompt_dynamic_variables is not UNSET:
            field_dict["promptDynamicVariables"] = prompt_dynamic_variables
        if extract_dynamic_variables is not UNSET:
            field_dict["extractDynamicVariables"] = extract_dynamic_variables
        if call_latency_ms is not UNSET:
            field_dict["callLatencyMs"] = call_latency_ms
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if ended_at is not UNSET:
            field_dict["endedAt"] = ended_at
        if duration_sec is not UNSET:
            field_dict["durationSec"] = duration_sec
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if recording_url is not UNSET:
            field_dict["recordingUrl"] = recording_url
        if cost_total is not UNSET:
            field_dict["costTotal"] = cost_total
        if agent_name is not UNSET:
            field_dict["agentName"] = agent_name
        if post_call_analysis_result is not UNSET:
            field_dict["postCallAnalysisResult"] = post_call_analysis_result
        if credit_breakdown is not UNSET:
            field_dict["creditBreakdown"] = credit_breakdown

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        agent_id: None | str | Unset = d.pop("agentId", UNSET)

        organization_id: None | str | Unset = d.pop("organizationId", UNSET)

        room_id: None | str | Unset = d.pop("roomId", UNSET)

        caller_number: None | str | Unset = d.pop("callerNumber", UNSET)

        callee_number: None | str | Unset = d.pop("calleeNumber", UNSET)

        caller_name: None | str | Unset = d.pop("callerName", UNSET)

        caller_email: None | str | Unset = d.pop("callerEmail", UNSET)

        channel: None | str | Unset = d.pop("channel", UNSET)

        status: None | str | Unset = d.pop("status", UNSET)

        summary: None | str | Unset = d.pop("summary", UNSET)

        metadata: FreeFormObject | None | Unset
        _data = d.pop("metadata", UNSET)
        if _data is None or _data is UNSET:
            metadata = _data
        elif isinstance(_data, dict):
            try:
                componentsschemas_free_form_object_type_0 = FreeFormObject.from_dict(_data)

                metadata = componentsschemas_free_form_object_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                metadata = cast(FreeFormObject | None | Unset, _data)
        else:
            metadata = cast(FreeFormObject | None | Unset, _data)

        error_message: None | str | Unset = d.pop("errorMessage", UNSET)

        disconnect_reason: None | str | Unset = d.pop("disconnectReason", UNSET)

        prompt_dynamic_variables: FreeFormObject | None | Unset
        _data = d.pop("promptDynamicVariables", UNSET)
        if _data is None or _data is UNSET:
            prompt_dynamic_variables = _data
        elif isinstance(_data, dict):
            try:
                componentsschemas_free_form_object_type_0 = FreeFormObject.from_dict(_data)

                prompt_dynamic_variables = componentsschemas_free_form_object_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                prompt_dynamic_variables = cast(FreeFormObject | None | Unset, _data)
        else:
            prompt_dynamic_variables = cast(FreeFormObject | None | Unset, _data)

        extract_dynamic_variables: FreeFormObject | None | Unset
        _data = d.pop("extractDynamicVariables", UNSET)
        if _data is None or _data is UNSET:
            extract_dynamic_variables = _data
        elif isinstance(_data, dict):
            try:
                componentsschemas_free_form_object_type_0 = FreeFormObject.from_dict(_data)

                extract_dynamic_variables = componentsschemas_free_form_object_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                extract_dynamic_variables = cast(FreeFormObject | None | Unset, _data)
        else:
            extract_dynamic_variables = cast(FreeFormObject | None | Unset, _data)

        call_latency_ms: int | None | Unset = d.pop("callLatencyMs", UNSET)

        started_at: datetime.datetime | None | Unset
        _data = d.pop("startedAt", UNSET)
        if _data is None or _data is UNSET:
            started_at = _data
        elif isinstance(_data, str):
            try:
                started_at_type_0 = datetime.datetime.fromisoformat(_data)

                started_at = started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                started_at = cast(datetime.datetime | None | Unset, _data)
        else:
            started_at = cast(datetime.datetime | None | Unset, _data)

        ended_at: datetime.datetime | None | Unset
        _data = d.pop("endedAt", UNSET)
        if _data is None or _data is UNSET:
            ended_at = _data
        elif isinstance(_data, str):
            try:
                ended_at_type_0 = datetime.datetime.fromisoformat(_data)

                ended_at = ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                ended_at = cast(datetime.datetime | None | Unset, _data)
        else:
            ended_at = cast(datetime.datetime | None | Unset, _data)

        duration_sec: int | None | Unset = d.pop("durationSec", UNSET)

        created_at: datetime.datetime | None | Unset
        _data = d.pop("createdAt", UNSET)
        if _data is None or _data is UNSET:
            created_at = _data
        elif isinstance(_data, str):
            try:
                created_at_type_0 = datetime.datetime.fromisoformat(_data)

                created_at = created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                created_at = cast(datetime.datetime | None | Unset, _data)
        else:
            created_at = cast(datetime.datetime | None | Unset, _data)

        recording_url: None | str | Unset = d.pop("recordingUrl", UNSET)

        cost_total: None | str | Unset = d.pop("costTotal", UNSET)

        agent_name: None | str | Unset = d.pop("agentName", UNSET)

        post_call_analysis_result: FreeFormObject | None | Unset
        _data = d.pop("postCallAnalysisResult", UNSET)
        if _data is None or _data is UNSET:
            post_call_analysis_result = _data
        elif isinstance(_data, dict):
            try:
                componentsschemas_free_form_object_type_0 = FreeFormObject.from_dict(_data)

                post_call_analysis_result = componentsschemas_free_form_object_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                post_call_analysis_result = cast(FreeFormObject | None | Unset, _data)
        else:
            post_call_analysis_result = cast(FreeFormObject | None | Unset, _data)

        credit_breakdown: CreditBreakdown | None | Unset
        _data = d.pop("creditBreakdown", UNSET)
        if _data is None or _data is UNSET:
            credit_breakdown = _data
        elif isinstance(_data, dict):
            try:
                componentsschemas_credit_breakdown_type_0 = CreditBreakdown.from_dict(_data)

                credit_breakdown = componentsschemas_credit_breakdown_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                credit_breakdown = cast(CreditBreakdown | None | Unset, _data)
        else:
            credit_breakdown = cast(CreditBreakdown | None | Unset, _data)

        call_session = cls(
            id=id,
            agent_id=agent_id,
            organization_id=organization_id,
            room_id=room_id,
            caller_number=caller_number,
            callee_number=callee_number,
            caller_name=caller_name,
            caller_email=caller_email,
            channel=channel,
            status=status,
            summary=summary,
            metadata=metadata,
            error_message=error_message,
            disconnect_reason=disconnect_reason,
            prompt_dynamic_variables=prompt_dynamic_variables,
            extract_dynamic_variables=extract_dynamic_variables,
            call_latency_ms=call_latency_ms,
            started_at=started_at,
            ended_at=ended_at,
            duration_sec=duration_sec,
            created_at=created_at,
            recording_url=recording_url,
            cost_total=cost_total,
            agent_name=agent_name,
            post_call_analysis_result=post_call_analysis_result,
            credit_breakdown=credit_breakdown,
        )

        call_session.additional_properties = d
        return call_session

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
from ..models.credit_breakdown import CreditBreakdown  # noqa: E402
from ..models.free_form_object import FreeFormObject  # noqa: E402
