"""`WireModel`, the base of the generated response models: typed values or None, exact round trips.

The models here are the grown spec's `CallSession` & co from its golden record (tests/runtime/
harness.py): attrs classes as the generator writes them, with `_wire_fields`,
`additional_properties`, `_received`, a liberal `from_dict` and the generated fast path in front
of the base class's general parser.
"""

from __future__ import annotations

import copy
import datetime
import gc
import json
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
import pytest
from ravan_runtime._models import (
    InvalidField,
    WireModel,
    build_models,
    find_invalid,
    parse_date,
    parse_datetime,
    present,
)
from ravan_runtime._operations import OperationSpec
from ravan_runtime._resource import one_of

from tests.runtime.harness import Server, json_response, make_client, models

CallSession: Any = models.CallSession
CreditBreakdown: Any = models.CreditBreakdown
CallSessionListResponse: Any = models.CallSessionListResponse

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))

RECEIVED: dict[str, Any] = {
    "futureFirst": {"a": 1},  # unknown keys, before and between known ones
    "status": "queued_for_retry",  # a value the docs never mention
    "id": "12345",
    "startedAt": "2026-11-24T16:02:11.1234567Z",  # Z and seven fraction digits
    "sentimentScore": 0.93,
    "agentId": None,
    "metadata": {"nested": {"deep": [1, 2, {"x": None}]}},  # unknown to the spec too
    "creditBreakdown": {"carbon_credits": 0.2, "total_credits": 5},  # unknown nested key; 5, not 5.0
    "durationSec": 61,
}


def test_a_missing_field_reads_none_and_is_not_in_model_fields_set() -> None:
    model = CallSession.from_dict({"id": "x", "status": None})
    assert model.agent_id is None
    assert model.started_at is None
    assert model.status is None
    assert model.model_fields_set == {"id", "status"}  # sent as null counts as sent


def test_model_fields_set_follows_the_received_keys() -> None:
    model = CallSession.from_dict(copy.deepcopy(RECEIVED))
    assert model.model_fields_set == {
        "id",
        "status",
        "started_at",
        "agent_id",
        "credit_breakdown",
        "duration_sec",
    }
    assert model.credit_breakdown is not None
    assert model.credit_breakdown.model_fields_set == {"total_credits"}


def test_a_model_built_by_hand_has_its_non_none_fields_set() -> None:
    model = CallSession(id="x", status="done", agent_id=None)
    assert model.model_fields_set == {"id", "status"}
    assert model.to_dict() == {"id": "x", "status": "done"}


def test_parsing_is_liberal_and_keeps_unknown_keys() -> None:
    model = CallSession.from_dict(copy.deepcopy(RECEIVED))
    assert model.id == "12345"
    assert model.status == "queued_for_retry"
    assert model.started_at == datetime.datetime(2026, 11, 24, 16, 2, 11, 123456, tzinfo=datetime.UTC)
    assert model["sentimentScore"] == 0.93
    assert model.additional_properties == {
        "futureFirst": {"a": 1},
        "sentimentScore": 0.93,
        "metadata": {"nested": {"deep": [1, 2, {"x": None}]}},
    }
    assert model.additional_keys == ["futureFirst", "sentimentScore", "metadata"]
    assert isinstance(model.credit_breakdown, CreditBreakdown)
    assert model.credit_breakdown["carbon_credits"] == 0.2
    assert "sentimentScore" in model
    assert "status" not in model  # `in` asks about the unknown keys


def test_to_dict_gives_back_exactly_what_was_received_in_order() -> None:
    received = copy.deepcopy(RECEIVED)
    model = CallSession.from_dict(received)
    out = model.to_dict()
    assert out == RECEIVED
    assert list(out) == list(RECEIVED)
    assert json.dumps(out) == json.dumps(RECEIVED)  # 5 stays 5, the Z and the 7th digit stay
    assert list(out["creditBreakdown"]) == ["carbon_credits", "total_credits"]


def test_the_envelope_round_trips_through_nested_models_and_lists() -> None:
    body = {
        "requestId": "req_42",
        "success": True,
        "data": {"callSessions": [copy.deepcopy(RECEIVED), {"id": "only-an-id"}], "nextCursor": None},
        "message": None,
    }
    parsed = CallSessionListResponse.from_dict(copy.deepcopy(body))
    data = present(parsed.data)
    assert [s.id for s in present(data.call_sessions)] == ["12345", "only-an-id"]
    assert parsed["requestId"] == "req_42"
    assert data["nextCursor"] is None
    assert json.dumps(parsed.to_dict()) == json.dumps(body)


def test_a_changed_field_is_written_from_its_new_value_in_its_place() -> None:
    model = CallSession.from_dict(copy.deepcopy(RECEIVED))
    model.status = "completed"
    model.agent_id = "agt_1"
    assert model.credit_breakdown is not None
    model.credit_breakdown.total_credits = 7.5
    model["sentimentScore"] = 0.1
    out = model.to_dict()
    assert out["status"] == "completed"
    assert out["agentId"] == "agt_1"
    assert out["creditBreakdown"] == {"carbon_credits": 0.2, "total_credits": 7.5}
    assert out["sentimentScore"] == 0.1
    assert list(out) == list(RECEIVED)


def test_a_changed_timestamp_is_written_out_and_an_unchanged_one_kept_as_received() -> None:
    model = CallSession.from_dict(copy.deepcopy(RECEIVED))
    assert model.started_at is not None
    model.started_at = model.started_at.replace(microsecond=123456)  # equal: the text is kept
    assert model.to_dict()["startedAt"] == "2026-11-24T16:02:11.1234567Z"
    model.started_at = model.started_at + datetime.timedelta(hours=1)
    assert model.to_dict()["startedAt"] == "2026-11-24T17:02:11.123456+00:00"


def test_a_changed_offset_is_written_out_even_for_the_same_moment() -> None:
    model = CallSession.from_dict({"id": "x", "startedAt": "2026-11-24T12:00:00Z"})
    assert model.started_at is not None
    model.started_at = model.started_at.astimezone(IST)
    assert model.started_at == datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)
    assert model.to_dict()["startedAt"] == "2026-11-24T17:30:00+05:30"


def test_a_removed_field_is_written_as_null() -> None:
    model = CallSession.from_dict({"id": "x", "status": "done"})
    model.status = None
    assert model.to_dict() == {"id": "x", "status": None}


def test_a_value_that_does_not_fit_reads_none_is_listed_and_is_written_back_as_received() -> None:
    received = {"id": "x", "startedAt": "yesterday", "creditBreakdown": "n/a", "durationSec": 12.5}
    model = CallSession.from_dict(received)
    assert model.started_at is None
    assert model.credit_breakdown is None
    assert model.duration_sec is None
    assert model.model_invalid_fields == {
        "started_at": InvalidField("started_at", "startedAt", "yesterday", "expected datetime, got str"),
        "credit_breakdown": InvalidField("credit_breakdown", "creditBreakdown", "n/a", "expected object, got str"),
        "duration_sec": InvalidField("duration_sec", "durationSec", 12.5, "expected int, got float"),
    }
    assert model.model_fields_set == {"id", "started_at", "credit_breakdown", "duration_sec"}
    assert model.to_dict() == received
    assert list(model.to_dict()) == list(received)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ({"durationSec": "12"}, {"duration_sec": 12}),
        ({"durationSec": 12.0}, {"duration_sec": 12}),
        ({"durationSec": True}, {"duration_sec": 1}),
        ({"durationSec": " 1_000.00 "}, {"duration_sec": 1000}),
        ({"durationSec": 10**30}, {"duration_sec": 10**30}),
        ({"creditBreakdown": {"total_credits": "0.5", "channel": "web"}}, {}),
        (
            {"startedAt": "2026-11-24 16:02:11z"},
            {"started_at": datetime.datetime(2026, 11, 24, 16, 2, 11, tzinfo=datetime.UTC)},
        ),
        ({"startedAt": 1700000000}, {"started_at": datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)}),
    ],
)
def test_lossless_conversions_are_made_and_written_back_as_received(
    received: dict[str, Any], expected: dict[str, Any]
) -> None:
    model = CallSession.from_dict({"id": "x", **received})
    for name, value in expected.items():
        assert getattr(model, name) == value
        assert type(getattr(model, name)) is type(value)
    assert model.model_invalid_fields == {}
    assert model.to_dict() == {"id": "x", **received}


def test_converted_nested_values_have_their_types() -> None:
    model = CallSession.from_dict({"id": "x", "creditBreakdown": {"total_credits": 5, "channel": "web"}})
    assert isinstance(model.credit_breakdown, CreditBreakdown)
    assert model.credit_breakdown.total_credits == 5.0
    assert type(model.credit_breakdown.total_credits) is float
    assert model.credit_breakdown.channel == "web"


@pytest.mark.parametrize(
    ("received", "problem"),
    [
        ({}, "required, missing"),
        ({"id": None}, "required, null"),
        ({"id": 12}, "expected str, got int"),
    ],
)
def test_a_required_field_missing_null_or_unfit_reads_none_and_the_record_is_kept(
    received: dict[str, Any], problem: str
) -> None:
    model = CallSession.from_dict({**received, "status": "done"})
    assert model.id is None
    assert model.status == "done"
    assert model.model_invalid_fields["id"].problem == problem
    assert model.model_invalid_fields["id"].value == received.get("id")
    assert model.to_dict() == {**received, "status": "done"}


def test_one_odd_record_does_not_cost_the_page() -> None:
    page = CallSessionListResponse.from_dict(
        {"data": {"callSessions": [{"id": "a"}, {"id": None, "durationSec": "n/a"}, {"id": "c"}]}}
    )
    assert page.data is not None
    assert page.data.call_sessions is not None
    assert [session.id for session in page.data.call_sessions] == ["a", None, "c"]
    found = [(where, field.name) for where, _, field in find_invalid(page)]
    assert found == [("data.callSessions[1]", "id"), ("data.callSessions[1]", "duration_sec")]


def test_a_hand_built_model_writes_its_set_fields_then_its_extra_keys() -> None:
    model = CallSession(
        id="x",
        started_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=IST),
        credit_breakdown=CreditBreakdown(total_credits=1.5),
    )
    model["custom"] = [1]
    assert model.to_dict() == {
        "id": "x",
        "startedAt": "2026-01-02T03:04:05+05:30",
        "creditBreakdown": {"total_credits": 1.5},
        "custom": [1],
    }
    del model["custom"]
    assert "custom" not in model.to_dict()


def test_the_repr_shows_the_fields_that_were_sent_and_the_unknown_keys() -> None:
    model = CallSession.from_dict({"id": "x", "status": None, "extra": 1})
    assert repr(model) == "CallSession(id='x', status=None, additional_properties={'extra': 1})"
    assert "nset" not in repr(CallSession.from_dict(copy.deepcopy(RECEIVED)))
    assert repr(CallSession(id="y")) == "CallSession(id='y')"


def test_a_model_is_not_iterable() -> None:
    model = CallSession.from_dict({"id": "x", "extra": 1})
    assert type(model).__iter__ is None
    with pytest.raises(TypeError):
        iter(model)
    with pytest.raises(TypeError):
        list(model)


def test_models_compare_by_value_not_by_what_was_received() -> None:
    assert CallSession.from_dict({"id": "x"}) == CallSession(id="x")
    assert CallSession.from_dict({"id": "x"}) != CallSession.from_dict({"id": "x", "status": "s"})


def test_an_unknown_field_kind_is_a_bug_in_the_generator() -> None:
    @attrs.define(repr=False)
    class Odd(WireModel):
        _wire_fields: ClassVar[tuple[tuple[str, str, str], ...]] = (("v", "v", "mystery"),)
        v: Any = None
        additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)
        _received: Any = attrs.field(init=False, default=None, eq=False)
        _invalid: Any = attrs.field(init=False, default=None, eq=False)

    with pytest.raises(ValueError, match="unknown field kind 'mystery'"):
        Odd(v=1).to_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24T16:02:11Z", datetime.datetime(2026, 11, 24, 16, 2, 11, tzinfo=datetime.UTC)),
        ("2026-11-24T18:58:03+05:30", datetime.datetime(2026, 11, 24, 18, 58, 3, tzinfo=IST)),
        ("2026-11-24T18:58:03", "2026-11-24T18:58:03"),  # no timezone: reading it as UTC would be a guess
        ("0000-00-00 00:00:00", "0000-00-00 00:00:00"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:60Z"),  # a leap second: Python has none
        ("yesterday", "yesterday"),
        ("", ""),
    ],
)
def test_parse_datetime_gives_aware_datetimes_or_the_text(text: str, expected: Any) -> None:
    assert parse_datetime(text) == expected


def test_parse_date_is_liberal() -> None:
    assert parse_date("2026-11-24") == datetime.date(2026, 11, 24)
    assert parse_date("24/11/2026") == "24/11/2026"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, KeyError),
        ({"data": None}, TypeError),
        ({"data": {}}, KeyError),
        ({"data": {"callSessions": None}}, TypeError),
        ({"data": {"callSessions": [1]}}, TypeError),
        ({"data": {"callSessions": {"id": "x"}}}, TypeError),
    ],
)
def test_a_broken_envelope_is_an_error_not_a_record_with_a_field_that_did_not_fit(
    body: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        CallSessionListResponse.from_dict(body)


# --- one of several models (a oneOf/anyOf response, issue 18) ------------------------------------


def _variant(name: str, fields: tuple[tuple[str, str, str], ...], required: frozenset[str]) -> Any:
    """A model class as the generator writes one: attrs fields, `_wire_fields`, the general parser."""
    namespace: dict[str, Any] = {
        "_wire_fields": fields,
        "_wire_names": frozenset(wire for wire, _, _ in fields),
        "_required_fields": required,
        "_not_null": required,
        "__annotations__": {python: "str | None" for _, python, _ in fields},
        **{python: None for _, python, _ in fields},
        "from_dict": classmethod(lambda cls, src: cls._parse_checked(src)),
    }
    namespace["__annotations__"].update(
        {"additional_properties": "dict[str, Any]", "_received": "Any", "_invalid": "Any"}
    )
    namespace["additional_properties"] = attrs.field(init=False, factory=dict)
    namespace["_received"] = attrs.field(init=False, default=None, eq=False)
    namespace["_invalid"] = attrs.field(init=False, default=None, eq=False)
    return attrs.define(repr=False)(type(name, (WireModel,), namespace))


WebCall: Any = _variant("WebCall", (("type", "type", "str"), ("agentId", "agent_id", "str")), frozenset({"type"}))
OutboundCall: Any = _variant("OutboundCall", (("type", "type", "str"), ("to", "to", "str")), frozenset({"type", "to"}))


def test_one_of_with_a_discriminator_parses_the_variant_its_tag_names() -> None:
    parse = one_of((WebCall, OutboundCall), "type", (("web_call", 0), ("outbound_call", 1)))
    web: Any = parse({"type": "web_call", "agentId": "a1"})
    assert type(web) is WebCall
    assert web.agent_id == "a1"
    outbound: Any = parse({"type": "outbound_call", "to": "+1555"})
    assert type(outbound) is OutboundCall
    assert outbound.to == "+1555"


def test_one_of_keeps_an_unknown_variant_as_the_dict_received_never_an_error() -> None:
    parse = one_of((WebCall, OutboundCall), "type", (("web_call", 0), ("outbound_call", 1)))
    fax = {"type": "fax", "number": "+1555"}
    assert parse(fax) is fax
    untagged = {"to": "+1555"}
    assert parse(untagged) is untagged
    assert one_of((WebCall, OutboundCall))({"to": 5}) == {"to": 5}  # fits no variant


def test_one_of_without_a_discriminator_picks_as_pydantic_smart_mode_does() -> None:
    parse = one_of((WebCall, OutboundCall))
    # Both fit (WebCall keeps `to` as an unknown key): the one that recognises more keys wins.
    assert type(parse({"type": "x", "to": "+1555"})) is OutboundCall
    # OutboundCall's required `to` is missing: only WebCall fits.
    assert type(parse({"type": "x"})) is WebCall
    # A tie goes to the first variant.
    assert type(parse({"type": "x", "agentId": "a", "to": "+1"})) is WebCall


def test_one_of_refuses_what_is_not_an_object_and_passes_null_where_allowed() -> None:
    with pytest.raises(TypeError, match="expected a JSON object, got list"):
        one_of((WebCall,))([])
    with pytest.raises(TypeError, match="got NoneType"):
        one_of((WebCall,))(None)
    assert one_of((WebCall,), nullable=True)(None) is None


# --- build_models: the collector paused while a response's models are built -----------------------


def _collector_state_seen_by_parse() -> tuple[Any, list[bool]]:
    seen: list[bool] = []

    def parse(data: Any) -> Any:
        seen.append(gc.isenabled())
        return data

    return parse, seen


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_paused_while_models_are_built_in_a_program_of_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    parse, seen = _collector_state_seen_by_parse()
    assert build_models(parse, {"a": 1}) == {"a": 1}
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_back_on_when_building_the_models_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)

    def refuse(data: Any) -> Any:
        raise KeyError("id")

    with pytest.raises(KeyError):
        build_models(refuse, {})
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_back_on_after_a_ctrl_c_that_lands_as_it_is_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    # CPython runs signal handlers as a call returns: a SIGINT pending while gc.disable() ran is
    # raised right after it, before `parse` is even called.
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    disable = gc.disable

    def disable_then_interrupted() -> None:
        disable()
        raise KeyboardInterrupt

    monkeypatch.setattr(gc, "disable", disable_then_interrupted)
    parse, seen = _collector_state_seen_by_parse()
    with pytest.raises(KeyboardInterrupt):
        build_models(parse, {})
    assert seen == []
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_left_alone_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # gc.disable() is process-wide: another thread may turn the collector off meanwhile, and turning
    # it back on after the page would undo that.
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    parse, seen = _collector_state_seen_by_parse()
    build_models(parse, {})
    assert seen == [True]
    assert gc.isenabled()


def test_a_collector_the_program_turned_off_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parse, seen = _collector_state_seen_by_parse()
        build_models(parse, {})
        assert seen == [False]
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_the_client_builds_a_responses_models_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, server: Server
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    server.respond = lambda request: json_response(200, {"id": "s1"})
    parse, seen = _collector_state_seen_by_parse()
    assert make_client(server).client.call(OperationSpec(method="GET", path="/v1/things/s1").build({}), parse) == {
        "id": "s1"
    }
    assert seen == [False]
    assert gc.isenabled()
