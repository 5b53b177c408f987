"""Every operation of the spec, through both generated clients, against an in-process transport.

Parametrised over the plan's operations and each operation's arguments (path, query, header and
JSON body), with values derived from each argument's rule (tests/support/values.py): what the
spec says goes on the wire does, what it refuses is refused before anything is sent, the success
response parses into the type the spec documents and gives back exactly what was received, each
documented error status raises its typed error, and retries follow the operation's safety.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

import ravan_client
from tests.client.conftest import (
    API_KEY,
    Recorder,
    async_client,
    json_response,
    success_body,
    success_response,
    sync_client,
)
from tests.support import spec_plan
from tests.support.calls import call_async, call_sync, valid_arguments
from tests.support.errors import expected_error_class_name
from tests.support.spec_plan import ArgumentPlan, OperationPlan
from tests.support.values import Invalid, invalid, valid

OPERATIONS = spec_plan.operations()
OPERATION_IDS = [spec_plan.operation_id(op) for op in OPERATIONS]


def _valid_arguments(operation: OperationPlan, *, everything: bool) -> dict[str, Any]:
    return valid_arguments(operation, everything=everything)


def _expected_path(operation: OperationPlan, arguments: dict[str, Any]) -> str:
    path = operation.path
    for argument in operation.path_arguments:
        path = path.replace("{" + argument.wire_name + "}", quote(str(valid(argument).wire), safe=""))
    return path


def _check_request(operation: OperationPlan, request: httpx.Request, *, everything: bool) -> None:
    assert request.method == operation.method.upper()
    assert request.url.raw_path.split(b"?")[0].decode() == _expected_path(operation, {})
    assert request.headers["X-Api-Key"] == API_KEY
    sent_query = {name for name, _ in request.url.params.multi_items()}
    pager = {
        a.wire_name
        for a in operation.query_arguments
        if operation.pagination
        and a.python_name in (operation.pagination.page_argument, operation.pagination.size_argument)
    }
    for argument in operation.query_arguments:
        if everything or argument.required:
            expected = valid(argument).wire
            assert request.url.params.get_list(argument.wire_name) == (
                expected if isinstance(expected, list) else [expected]
            ), argument.wire_name
        elif argument.wire_name not in pager:
            assert argument.wire_name not in sent_query, f"{argument.wire_name} was left out but sent"
    for argument in operation.header_arguments:
        if everything or argument.required:
            assert request.headers[argument.wire_name] == valid(argument).wire
        else:
            assert argument.wire_name not in request.headers
    if operation.body is None:
        assert request.content == b""
        assert "content-type" not in request.headers
        return
    assert request.headers["content-type"] == "application/json"
    sent = json.loads(request.content)
    if not operation.body.flattened:
        assert sent == valid(operation.body.arguments[0]).wire
        return
    expected_body = {
        argument.wire_name: valid(argument).wire
        for argument in operation.body.arguments
        if everything or argument.required
    }
    assert sent == expected_body


@pytest.mark.parametrize("everything", [True, False], ids=["every-argument", "required-only"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_each_operation_sends_what_the_spec_says(operation: OperationPlan, everything: bool) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    with sync_client(recorder) as client:
        call_sync(client, operation, _valid_arguments(operation, everything=everything))
    assert len(recorder.requests) >= 1
    _check_request(operation, recorder.requests[0], everything=everything)


@pytest.mark.anyio
@pytest.mark.parametrize("everything", [True, False], ids=["every-argument", "required-only"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_each_operation_sends_what_the_spec_says_async(operation: OperationPlan, everything: bool) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    async with async_client(recorder) as client:
        await call_async(client, operation, _valid_arguments(operation, everything=everything))
    _check_request(operation, recorder.requests[0], everything=everything)


INVALID_CASES = [
    (operation, argument, case)
    for operation in OPERATIONS
    for argument in operation.all_arguments
    for case in invalid(argument)
]
INVALID_IDS = [f"{spec_plan.operation_id(op)}-{arg.python_name}-{case.label}" for op, arg, case in INVALID_CASES]


def test_every_constrained_argument_has_invalid_values() -> None:
    """A parameter with a type, bound, enum or format beyond "any string" gets values to refuse."""
    covered = {(spec_plan.operation_id(op), arg.python_name) for op, arg, _ in INVALID_CASES}
    for operation in OPERATIONS:
        for argument in operation.all_arguments:
            assert (spec_plan.operation_id(operation), argument.python_name) in covered


@pytest.mark.parametrize(("operation", "argument", "case"), INVALID_CASES, ids=INVALID_IDS)
def test_each_invalid_value_is_refused_before_anything_is_sent(
    operation: OperationPlan, argument: ArgumentPlan, case: Invalid
) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    arguments = {**_valid_arguments(operation, everything=False), argument.python_name: case.python}
    with sync_client(recorder) as client, pytest.raises(case.error, match=argument.python_name):
        call_sync(client, operation, arguments)
    assert recorder.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("operation", "argument", "case"), INVALID_CASES, ids=INVALID_IDS)
async def test_each_invalid_value_is_refused_before_anything_is_sent_async(
    operation: OperationPlan, argument: ArgumentPlan, case: Invalid
) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    arguments = {**_valid_arguments(operation, everything=False), argument.python_name: case.python}
    async with async_client(recorder) as client:
        with pytest.raises(case.error, match=argument.python_name):
            await call_async(client, operation, arguments)
    assert recorder.requests == []


PATH_OPERATIONS = [op for op in OPERATIONS if any(a.rule.kind == "string" for a in op.path_arguments)]


# Only defined where the spec has such operations: an empty parametrisation would be a skip.
if PATH_OPERATIONS:

    @pytest.mark.parametrize("value", ["a/b?c#d", "..", ".", "%2F", "cs 1+2"])
    @pytest.mark.parametrize("operation", PATH_OPERATIONS, ids=[spec_plan.operation_id(op) for op in PATH_OPERATIONS])
    def test_a_path_parameter_stays_one_segment_whatever_it_holds(operation: OperationPlan, value: str) -> None:
        recorder = Recorder(lambda request: success_response(operation))
        argument = next(a for a in operation.path_arguments if a.rule.kind == "string")
        arguments = {**_valid_arguments(operation, everything=False), argument.python_name: value}
        with sync_client(recorder) as client:
            call_sync(client, operation, arguments)
        request = recorder.requests[0]
        segment = quote(value, safe="") if value not in (".", "..") else value.replace(".", "%2E")
        template = operation.path
        for other in operation.path_arguments:
            shown = segment if other is argument else quote(str(valid(other).wire), safe="")
            template = template.replace("{" + other.wire_name + "}", shown)
        assert request.url.raw_path.split(b"?")[0].decode() == template
        assert request.url.query == b"" or operation.pagination is not None


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_the_success_response_parses_into_the_documented_type_and_gives_back_what_was_received(
    operation: OperationPlan,
) -> None:
    body = success_body(operation) if operation.response.kind != "empty" else None
    recorder = Recorder(lambda request: success_response(operation))
    with sync_client(recorder) as client:
        result = call_sync(client, operation, _valid_arguments(operation, everything=False))
    kind = operation.response.kind
    if operation.pagination is not None:
        node = body
        for key in operation.pagination.items_wire_path:
            assert isinstance(node, dict)
            node = node[key]
        assert result.raw_items == node
        assert [item.to_dict() for item in result.items] == node
        assert type(result.items[0]).__name__ == operation.pagination.item_class if node else True
    elif kind == "empty":
        assert result is None
    elif kind == "object":
        assert type(result).__name__ == operation.response.annotation
        assert result.to_dict() == body  # exactly what was received, unknown keys and timestamps included
    elif kind == "array":
        assert isinstance(result, list)
        assert [item.to_dict() if hasattr(item, "to_dict") else item for item in result] == body
    else:
        assert result == body


ERROR_CASES = [(op, status) for op in OPERATIONS for status in op.error_statuses]


@pytest.mark.parametrize(
    ("operation", "status"), ERROR_CASES, ids=[f"{spec_plan.operation_id(op)}-{status}" for op, status in ERROR_CASES]
)
def test_each_documented_error_status_raises_its_typed_error(operation: OperationPlan, status: int) -> None:
    body = spec_plan.error_example(operation, status) or {"success": False, "message": "refused"}
    recorder = Recorder(lambda request: json_response(status, body))
    expected = getattr(ravan_client, _error_class(status))
    with sync_client(recorder, max_retries=0) as client, pytest.raises(expected) as raised:
        call_sync(client, operation, _valid_arguments(operation, everything=False))
    assert raised.value.status_code == status
    assert type(raised.value).__name__ == _error_class(status)


def _error_class(status: int) -> str:
    return expected_error_class_name(status)


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_a_failure_after_sending_is_retried_only_where_the_operation_is_safe_to_repeat(
    operation: OperationPlan,
) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    recorder.queued.append(json_response(503, {"success": False, "message": "busy"}))
    with sync_client(recorder) as client:
        if operation.retry_after_send:
            call_sync(client, operation, _valid_arguments(operation, everything=False))
            assert len(recorder.requests) >= 2
        else:
            with pytest.raises(ravan_client.InternalServerError):
                call_sync(client, operation, _valid_arguments(operation, everything=False))
            assert len(recorder.requests) == 1, "a request that may create something was sent twice"


@pytest.mark.anyio
@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_a_failure_after_sending_is_retried_only_where_safe_async(operation: OperationPlan) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    recorder.queued.append(httpx.ReadTimeout("the server took too long"))
    async with async_client(recorder) as client:
        if operation.retry_after_send:
            await call_async(client, operation, _valid_arguments(operation, everything=False))
            assert len(recorder.requests) >= 2
        else:
            with pytest.raises(ravan_client.APITimeoutError):
                await call_async(client, operation, _valid_arguments(operation, everything=False))
            assert len(recorder.requests) == 1, "a request that may create something was sent twice"


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_a_failure_to_connect_is_retried_for_every_operation(operation: OperationPlan) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    recorder.queued.append(httpx.ConnectError("connection refused"))
    with sync_client(recorder) as client:
        call_sync(client, operation, _valid_arguments(operation, everything=False))
    assert len(recorder.requests) >= 2


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_extra_query_and_headers_are_sent_as_given(operation: OperationPlan) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    with sync_client(recorder) as client:
        call_sync(
            client,
            operation,
            _valid_arguments(operation, everything=False),
            extra_query={"duration_min": 30, "sentiment": "positive"},
            extra_headers={"X-Trace": "abc"},
        )
    request = recorder.requests[0]
    assert request.url.params["duration_min"] == "30"
    assert request.url.params["sentiment"] == "positive"
    assert request.headers["X-Trace"] == "abc"


@pytest.mark.parametrize("header", ["X-Api-Key", "x-api-key"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_extra_headers_cannot_replace_the_api_key(operation: OperationPlan, header: str) -> None:
    recorder = Recorder(lambda request: success_response(operation))
    with sync_client(recorder) as client, pytest.raises(ValueError, match="api_key"):
        call_sync(client, operation, _valid_arguments(operation, everything=False), extra_headers={header: "other"})
    assert recorder.requests == []


BODY_OPERATIONS = [op for op in OPERATIONS if op.body is not None and op.body.flattened]


if BODY_OPERATIONS:

    @pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=[spec_plan.operation_id(op) for op in BODY_OPERATIONS])
    def test_extra_body_adds_keys_as_given(operation: OperationPlan) -> None:
        recorder = Recorder(lambda request: success_response(operation))
        with sync_client(recorder) as client:
            call_sync(
                client, operation, _valid_arguments(operation, everything=False), extra_body={"undocumented": [1]}
            )
        assert json.loads(recorder.requests[0].content)["undocumented"] == [1]


NULLABLE_BODY_CASES = [
    (op, a) for op in BODY_OPERATIONS for a in op.body_arguments if a.null_is_sent and not a.required
]


if NULLABLE_BODY_CASES:

    @pytest.mark.parametrize(
        ("operation", "argument"),
        NULLABLE_BODY_CASES,
        ids=[f"{spec_plan.operation_id(op)}-{a.python_name}" for op, a in NULLABLE_BODY_CASES],
    )
    def test_none_sends_null_for_a_nullable_body_property_and_not_given_sends_nothing(
        operation: OperationPlan, argument: ArgumentPlan
    ) -> None:
        recorder = Recorder(lambda request: success_response(operation))
        with sync_client(recorder) as client:
            call_sync(client, operation, {**_valid_arguments(operation, everything=False), argument.python_name: None})
            call_sync(client, operation, _valid_arguments(operation, everything=False))
            call_sync(
                client,
                operation,
                {**_valid_arguments(operation, everything=False), argument.python_name: ravan_client.NOT_GIVEN},
            )
        with_null, left_out, not_given = (json.loads(request.content) for request in recorder.requests)
        assert with_null[argument.wire_name] is None
        assert argument.wire_name not in left_out
        assert argument.wire_name not in not_given
