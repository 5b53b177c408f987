"""Liberal in what it accepts: real-world responses parse with both generated packages.

Values the docs never mention, ids that are not UUIDs, nulls, missing optional keys and unknown
keys must all parse; unknown keys stay reachable. Only a body that breaks the envelope fails.
"""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import httpx
import pydantic
import pytest

import ravan_models
from ravan_client import APIResponseValidationError
from ravan_client.models import CallSession, CallSessionListResponse, CreditBreakdown, FreeFormObject
from ravan_client.types import UNSET
from tests.unit.conftest import SyncHarness, json_response

SURPRISING_PAGE: dict[str, Any] = {
    "success": True,
    "message": None,
    "requestId": "req_42",  # unknown envelope key
    "data": {
        "callSessions": [
            {
                "id": "12345",  # not a UUID
                "agentId": None,
                "channel": "whatsapp_voice",  # never documented
                "status": "queued_for_retry",  # never documented
                "disconnectReason": "agent_transfer_timeout",  # never documented
                "startedAt": "2026-11-24T18:58:03.123456+05:30",
                "endedAt": None,
                "durationSec": None,
                "metadata": {"nested": {"deep": [1, 2, {"x": None}]}},
                "extractDynamicVariables": None,
                "creditBreakdown": {"total_credits": 1.5, "carbon_credits": 0.2},  # unknown nested key
                "sentimentScore": 0.93,  # unknown key
                "tags": ["vip"],  # unknown key
            },
            {"id": "only-an-id"},  # every optional key missing
        ],
        "nextCursor": None,  # unknown key
    },
}


def test_client_models_parse_a_surprising_page_and_keep_unknown_keys() -> None:
    body = CallSessionListResponse.from_dict(copy.deepcopy(SURPRISING_PAGE))
    first, second = body.data.call_sessions
    assert first.id == "12345"
    assert first.status == "queued_for_retry"
    assert first.channel == "whatsapp_voice"
    assert first.disconnect_reason == "agent_transfer_timeout"
    assert first.agent_id is None
    assert first.ended_at is None
    assert first.started_at == datetime.datetime(
        2026, 11, 24, 18, 58, 3, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    )
    assert first["sentimentScore"] == 0.93
    assert first.additional_properties["tags"] == ["vip"]
    assert isinstance(first.metadata, FreeFormObject)
    assert first.metadata["nested"] == {"deep": [1, 2, {"x": None}]}
    assert isinstance(first.credit_breakdown, CreditBreakdown)
    assert first.credit_breakdown.total_credits == 1.5
    assert first.credit_breakdown["carbon_credits"] == 0.2
    assert body["requestId"] == "req_42"
    assert body.data["nextCursor"] is None
    assert second.id == "only-an-id"
    assert second.status is UNSET
    assert body.to_dict() == SURPRISING_PAGE


def test_pydantic_models_parse_the_same_page_and_keep_unknown_keys() -> None:
    body = ravan_models.CallSessionListResponse.model_validate_json(json.dumps(SURPRISING_PAGE))
    first, second = body.data.call_sessions
    assert first.id == "12345"
    assert first.status == "queued_for_retry"
    assert first.disconnect_reason == "agent_transfer_timeout"
    assert first.model_extra == {"sentimentScore": 0.93, "tags": ["vip"]}
    assert first.credit_breakdown is not None
    assert first.credit_breakdown.model_extra == {"carbon_credits": 0.2}
    assert body.model_extra == {"requestId": "req_42"}
    assert second.status is None
    dumped = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped["data"]["callSessions"][1] == {"id": "only-an-id"}
    assert dumped["data"]["callSessions"][0]["startedAt"] == "2026-11-24T18:58:03.123456+05:30"


def test_pydantic_models_accept_naive_timestamps() -> None:
    session = ravan_models.CallSession.model_validate({"id": "x", "startedAt": "2026-11-24T18:58:03"})
    assert session.started_at == datetime.datetime(2026, 11, 24, 18, 58, 3)


def test_pydantic_fields_are_snake_case_with_wire_aliases() -> None:
    session = ravan_models.CallSession.model_validate(
        {"id": "x", "callerNumber": "+1", "creditBreakdown": {"duration_sec": 3}}
    )
    assert session.caller_number == "+1"
    assert session.credit_breakdown is not None
    assert session.credit_breakdown.duration_sec == 3
    assert session.model_dump(by_alias=True, exclude_unset=True) == {
        "id": "x",
        "callerNumber": "+1",
        "creditBreakdown": {"duration_sec": 3},
    }


def test_every_documented_field_is_in_both_packages() -> None:
    documented = {
        "id", "agentId", "organizationId", "roomId", "callerNumber", "calleeNumber", "callerName", "callerEmail",
        "channel", "status", "summary", "metadata", "errorMessage", "disconnectReason", "promptDynamicVariables",
        "extractDynamicVariables", "callLatencyMs", "startedAt", "endedAt", "durationSec", "createdAt",
        "recordingUrl", "costTotal", "agentName", "postCallAnalysisResult", "creditBreakdown",
    }  # fmt: skip
    assert len(documented) == 26
    full = dict.fromkeys(documented) | {"id": "x"}
    assert set(CallSession.from_dict(full).to_dict()) == documented
    aliases = {field.alias or name for name, field in ravan_models.CallSession.model_fields.items()}
    assert aliases == documented
    credit_keys = {
        "channel",
        "duration_sec",
        "model_credits",
        "provider_credits",
        "provider_managed",
        "telephony_type",
        "total_credits",
    }
    assert set(ravan_models.CreditBreakdown.model_fields) == credit_keys
    assert set(CreditBreakdown.from_dict(dict.fromkeys(credit_keys)).to_dict()) == credit_keys


@pytest.mark.parametrize(
    "broken",
    [
        {"success": True},
        {"success": True, "data": {}},
        {"success": True, "data": {"callSessions": None}},
        {"success": True, "data": {"callSessions": [{"agentId": "no id"}]}},
    ],
)
def test_only_a_broken_envelope_fails_in_both_packages(harness: SyncHarness, broken: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        ravan_models.CallSessionListResponse.model_validate(broken)
    harness.recorder.respond = lambda request: json_response(200, broken)
    with pytest.raises(APIResponseValidationError):
        harness.client.call_sessions.list()


def test_the_high_level_client_returns_unknown_values_as_strings(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: httpx.Response(200, json=SURPRISING_PAGE)
    page = harness.client.call_sessions.list()
    assert [s.status for s in page.items] == ["queued_for_retry", UNSET]
    assert page.items[0]["tags"] == ["vip"]
