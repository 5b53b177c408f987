"""The generated package's face: what it exports, and one method per operation on both clients.

`RavanClient` and `AsyncRavanClient` are the package's face and its only client: openapi-python-client
writes the attrs models only. Derived from the plan, so a new operation in the spec is checked here
with no edit.
"""

from __future__ import annotations

import inspect
from pathlib import Path

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


def test_the_package_ships_one_client_and_one_not_sent_marker() -> None:
    # openapi-python-client's low-level layer (issue 17) is not generated: no second way to call
    # the API, no UNSET beside NOT_GIVEN, no httpx client whose repr shows the key.
    package = Path(ravan_client.__file__).parent
    for gone in ("client.py", "types.py", "errors.py", "api"):
        assert not (package / gone).exists(), gone
    assert not hasattr(RavanClient, "low_level_client")
    source = "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py"))
    assert "UNSET" not in source
    assert "NOT_GIVEN" in source


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


CALL_SETTINGS = {"max_items", "prefetch", "extra_query", "extra_headers", "extra_body", "timeout", "max_retries"}


def test_each_command_line_option_is_an_argument_of_the_operation_its_method_sends() -> None:
    """One description per argument (issue 17): a command refers to the `OperationSpec` its client
    method builds its request from, and has one option per argument of that method, each found in
    the operation (its type and checks are the operation's, not a second copy in cli.py)."""
    from ravan_client import resources
    from ravan_client.cli import PROGRAM

    constants = {id(value): name for name, value in vars(resources).items() if not callable(value)}
    for group in PROGRAM.groups:
        resource_class = inspect.signature(getattr(RavanClient, group.attribute).func).return_annotation
        resource = getattr(resources, resource_class) if isinstance(resource_class, str) else resource_class
        for command in group.commands:
            method = getattr(resource, command.method)
            constant = constants.get(id(command.operation))
            assert constant is not None, f"{command.name}: its operation is not one of resources.py's"
            assert f"{constant}.build(" in inspect.getsource(method), command.name
            arguments = set(inspect.signature(method).parameters) - CALL_SETTINGS - {"self"}
            names = [option.python_name for option in command.options]
            assert sorted(names) == sorted(arguments), command.name  # each argument once, none left out
            for option in command.options:
                assert command.operation.argument(option.python_name).python_name == option.python_name
