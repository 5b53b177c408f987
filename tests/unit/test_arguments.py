"""Strict in what it sends: invalid arguments fail before any request, naming what is allowed."""

from __future__ import annotations

import datetime
import inspect
from typing import Any

import pytest
import yaml

from ravan_client.resources import AsyncCallSessions, CallSessions
from tests.unit.conftest import SyncHarness, json_response, page_body
from tests.unit.test_client import SPEC

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"page": 0}, ValueError, "page must be an integer >= 1, got 0"),
        ({"page": -5}, ValueError, "page must be an integer >= 1"),
        ({"page": True}, TypeError, "page must be an integer"),
        ({"page": "2"}, TypeError, "page must be an integer, got str"),
        ({"page_size": 0}, ValueError, "page_size must be an integer >= 1"),
        ({"page_size": 2.5}, TypeError, "page_size must be an integer"),
        ({"sort_order": "up"}, ValueError, "sort_order must be 'asc' or 'desc', got 'up'"),
        ({"sort_order": "ASC"}, ValueError, "sort_order must be 'asc' or 'desc'"),
        ({"started_after": datetime.datetime(2026, 11, 1)}, ValueError, "started_after must be timezone-aware"),
        ({"started_before": datetime.datetime(2026, 11, 1)}, ValueError, "started_before must be timezone-aware"),
        ({"started_after": "2026-11-01T00:00:00Z"}, TypeError, "started_after must be a datetime.datetime"),
        ({"started_after": datetime.date(2026, 11, 1)}, TypeError, "started_after must be a datetime.datetime"),
        ({"status": 5}, TypeError, "status must be a string"),
        ({"search": "caf\ud800"}, ValueError, "search must be valid Unicode"),
        ({"prefetch": -1}, ValueError, "prefetch must be an integer"),
        ({"timeout": -1}, ValueError, "timeout must be a positive number"),
        ({"max_retries": -1}, ValueError, "max_retries must be an integer >= 0"),
    ],
)
def test_invalid_arguments_fail_before_any_request(
    harness: SyncHarness, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    harness.recorder.respond = lambda request: json_response(200, page_body([]))
    with pytest.raises(error) as caught:
        harness.client.call_sessions.list(**arguments)
    assert message in str(caught.value)
    assert harness.recorder.requests == []


def test_valid_arguments_are_sent_as_the_api_expects(harness: SyncHarness) -> None:
    harness.recorder.respond = lambda request: json_response(200, page_body([]))
    harness.client.call_sessions.list(
        page=3,
        page_size=50,
        agent_id="agt_1",
        status="some_future_status",
        channel="inbound_call",
        caller_number="+14157774444",
        search="refund & return #2 50%",
        sort_by="startedAt",
        sort_order="desc",
        started_after=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        started_before=datetime.datetime(
            2026, 12, 1, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        ),
    )
    params = harness.recorder.requests[0].url.params
    assert dict(params) == {
        "page": "3",
        "page_size": "50",
        "agent_id": "agt_1",
        "status": "some_future_status",
        "channel": "inbound_call",
        "caller_number": "+14157774444",
        "search": "refund & return #2 50%",
        "sort_by": "startedAt",
        "sort_order": "desc",
        "started_after": "2026-11-01T00:00:00+00:00",
        "started_before": "2026-12-01T09:30:00+05:30",
    }


def test_every_query_parameter_of_the_spec_is_a_keyword_argument_of_list() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    spec_names = {p["name"] for p in spec["paths"]["/api/v1/calling/call-sessions"]["get"]["parameters"]}
    for resource in (CallSessions, AsyncCallSessions):
        signature = inspect.signature(resource.list)
        keyword_only = {name for name, p in signature.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert spec_names <= keyword_only
        assert keyword_only - spec_names == {"max_items", "prefetch", "timeout", "max_retries"}
        doc = inspect.getdoc(resource.list) or ""
        for name in spec_names:
            assert f"{name}: " in doc, f"{name} is not documented in {resource.__name__}.list"


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**5000], ids=["2**63", "-2**63-1", "10**5000"])
def test_an_integer_beyond_64_bits_is_refused_naming_the_argument(harness: SyncHarness, value: int) -> None:
    with pytest.raises(ValueError, match="page_size must fit in a 64-bit integer"):
        harness.client.call_sessions.list(page_size=value)
    assert harness.recorder.requests == []


def test_a_utc_offset_with_seconds_is_refused(harness: SyncHarness) -> None:
    # isoformat() would send "+05:30:15", which ISO 8601 / RFC 3339 cannot express.
    odd = datetime.timezone(datetime.timedelta(hours=5, minutes=30, seconds=15))
    with pytest.raises(ValueError, match="started_after has a UTC offset with seconds"):
        harness.client.call_sessions.list(started_after=datetime.datetime(2026, 11, 1, tzinfo=odd))
    assert harness.recorder.requests == []


def test_a_value_too_long_for_a_url_is_refused_naming_it(harness: SyncHarness) -> None:
    with pytest.raises(ValueError, match="search is too long for a URL"):
        harness.client.call_sessions.list(search="é" * 2000)  # 12,000 bytes once percent-encoded
    assert harness.recorder.requests == []
