"""Calling an operation of the generated client by the plan's names, from Python or from the CLI.

Shared by the spec-derived suites (tests/client, tests/contract): `client.<resource>.<method>`
with the path arguments positional, and the same call as `ravan-calls <group> <command>` options.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from ravan_client import AsyncRavanClient, RavanClient
from tests.support.spec_plan import ApiPlan, OperationPlan
from tests.support.values import valid


def valid_arguments(operation: OperationPlan, *, everything: bool) -> dict[str, Any]:
    """Valid values for the required arguments (and every optional one too, with `everything`)."""
    chosen = operation.all_arguments if everything else [a for a in operation.all_arguments if a.required]
    return {argument.python_name: valid(argument).python for argument in chosen}


def split_arguments(operation: OperationPlan, arguments: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Positional (path) arguments in order, and the keyword arguments."""
    keywords = dict(arguments)
    positional = [keywords.pop(argument.python_name) for argument in operation.path_arguments]
    return positional, keywords


def call_sync(client: RavanClient, operation: OperationPlan, arguments: dict[str, Any], **extra: Any) -> Any:
    """Call the operation; a paginated one returns its first page."""
    method = getattr(getattr(client, operation.resource), operation.method_name)
    positional, keywords = split_arguments(operation, arguments)
    return method(*positional, **keywords, **extra)


async def call_async(
    client: AsyncRavanClient, operation: OperationPlan, arguments: dict[str, Any], **extra: Any
) -> Any:
    """Call the operation on the async client; a paginated one gives its first page."""
    method = getattr(getattr(client, operation.resource), operation.method_name)
    positional, keywords = split_arguments(operation, arguments)
    return await method(*positional, **keywords, **extra)


def cli_command(plan: ApiPlan, operation: OperationPlan, *, export: bool = False) -> list[str]:
    """`<group> <command>` of the operation in `ravan-calls`."""
    resource = next(r for r in plan.resources if r.attribute == operation.resource)
    name = operation.cli_export_command if export else operation.cli_command
    assert name is not None
    return [resource.cli_name, name]


def cli_arguments(operation: OperationPlan, arguments: dict[str, Any]) -> list[str]:
    """The same arguments as command-line words: path arguments first, then `--flag value`."""
    words = [cli_text(arguments[a.python_name]) for a in operation.path_arguments if a.python_name in arguments]
    for argument in operation.all_arguments:
        if argument.location == "path" or argument.python_name not in arguments:
            continue
        value = arguments[argument.python_name]
        flag = argument.cli_flag
        if argument.rule.kind == "boolean":
            words.append(flag if value else f"--no-{flag[2:]}")
        elif argument.rule.kind == "array":
            for item in value:
                words.extend([flag, cli_text(item)])
        elif value is None:
            words.extend([flag, "null"])
        else:
            words.extend([flag, cli_text(value)])
    return words


def cli_text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list | bool):
        # A boolean reaches here only as a union's value (a boolean argument is a flag): the option
        # reads JSON, `true`, where str() would give Python's `True` (Qdrant's --with-vector).
        return json.dumps(value)
    return str(value)
