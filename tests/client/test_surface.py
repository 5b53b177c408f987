"""The generated package's face: what it exports, and one method per operation on both clients.

`RavanClient` and `AsyncRavanClient` are the package's face; openapi-python-client's low-level
`Client`/`AuthenticatedClient` and per-endpoint functions stay reachable (`ravan_client.client`,
`ravan_client.api.<tag>.<operation>`) but are not exported next to them. Derived from the plan, so
a new operation in the spec is checked here with no edit.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

import ravan_client
from ravan_client import AsyncRavanClient, RavanClient
from tests.support import spec_plan
from tests.support.spec_plan import OperationPlan

OPERATIONS = spec_plan.operations()
OPERATION_IDS = [spec_plan.operation_id(op) for op in OPERATIONS]


def test_the_package_exports_the_high_level_client_and_not_the_low_level_one() -> None:
    exported = set(ravan_client.__all__)
    assert {"RavanClient", "AsyncRavanClient", "NOT_GIVEN", "NotGiven", "APIError", "SyncPage"} <= exported
    assert not exported & {"Client", "AuthenticatedClient"}
    assert all(hasattr(ravan_client, name) for name in exported)
    assert list(ravan_client.__all__) == sorted(ravan_client.__all__, key=lambda name: (not name.isupper(), name))


def test_the_low_level_client_stays_reachable_and_carries_the_settings() -> None:
    from ravan_client.client import AuthenticatedClient

    with RavanClient(api_key="sk-low-level-0123", base_url="https://api.ravan.ai") as client:
        low = client.low_level_client()
    assert isinstance(low, AuthenticatedClient)
    assert "sk-low-level-0123" not in repr(low)


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_each_operation_keeps_its_low_level_function(operation: OperationPlan) -> None:
    module = importlib.import_module(f"ravan_client.api.{operation.resource}.{operation.low_level_module}")
    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, name))


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_both_clients_have_the_operation_with_its_arguments_in_the_plans_order(operation: OperationPlan) -> None:
    for client_class in (RavanClient, AsyncRavanClient):
        resource_class = inspect.signature(getattr(client_class, operation.resource).func).return_annotation
        assert resource_class, f"{client_class.__name__}.{operation.resource} has no resource"
        method = getattr(
            getattr(client_class, operation.resource).func(object.__new__(client_class)), operation.method_name
        )
        parameters = inspect.signature(method).parameters
        positional = [p.name for p in parameters.values() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
        assert positional == [a.python_name for a in operation.path_arguments]
        keyword_only = {p.name: p for p in parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        for argument in operation.all_arguments:
            if argument.location == "path":
                continue
            assert argument.python_name in keyword_only
            required = keyword_only[argument.python_name].default is inspect.Parameter.empty
            assert required == argument.required, argument.python_name
        assert {"extra_query", "extra_headers", "timeout", "max_retries"} <= set(keyword_only)
        is_coroutine = inspect.iscoroutinefunction(method)
        assert is_coroutine == (client_class is AsyncRavanClient and operation.pagination is None)
        assert operation.summary.split("\n")[0] in (method.__doc__ or "")
