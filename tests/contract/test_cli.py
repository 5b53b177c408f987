"""`ravan-calls` against Prism: every operation of the spec from the command line, in its own process.

Each command runs as `python -m ravan_client.cli` with only the generated package under test on
the path and the key and base URL in the environment, as the README shows against `scripts/mock`.
Every operation is a command of its resource's group (`ravan-calls <group> <command>`), and every
paginated one can be exported as jsonl, csv and json.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract.conftest import ApiServer
from tests.support import spec_plan
from tests.support.calls import cli_arguments, cli_command, valid_arguments
from tests.support.spec_plan import OperationPlan
from tests.support.target import current_target

pytestmark = pytest.mark.contract

OPERATIONS = spec_plan.operations()
PAGINATED = spec_plan.paginated_operations()


def ravan_calls(server: ApiServer, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(current_target().client_dir),
        "RAVAN_API_KEY": server.api_key,
        "RAVAN_BASE_URL": server.base_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "ravan_client.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard: the CLI starts in seconds, but CI shares its 2 cores
        check=False,
    )


def _example(operation: OperationPlan) -> Any:
    return next(iter(spec_plan.success_examples(operation).values()))


def _items(operation: OperationPlan) -> list[Any]:
    assert operation.pagination is not None
    node = _example(operation)
    for key in operation.pagination.items_wire_path:
        node = node[key]
    assert isinstance(node, list)
    return node


@pytest.mark.parametrize("operation", OPERATIONS, ids=[spec_plan.operation_id(op) for op in OPERATIONS])
def test_each_operation_runs_from_the_command_line(prism_server: ApiServer, operation: OperationPlan) -> None:
    words = cli_command(spec_plan.target_plan(), operation)
    words += cli_arguments(operation, valid_arguments(operation, everything=True))
    if operation.pagination is not None:
        words += ["--format", "json"]
    result = ravan_calls(prism_server, *words)
    assert result.returncode == 0, result.stderr
    if operation.pagination is not None:
        assert json.loads(result.stdout) == _items(operation)
    elif operation.response.kind == "empty":
        assert result.stdout == ""
    else:
        assert json.loads(result.stdout) == _example(operation)


@pytest.mark.parametrize("export_format", ["jsonl", "csv", "json"])
@pytest.mark.parametrize("operation", PAGINATED, ids=[spec_plan.operation_id(op) for op in PAGINATED])
def test_each_paginated_operation_exports_every_item(
    prism_server: ApiServer, operation: OperationPlan, export_format: str, tmp_path: Path
) -> None:
    out = tmp_path / f"export.{export_format}"
    arguments = {
        k: v
        for k, v in valid_arguments(operation, everything=True).items()
        if operation.pagination and k != operation.pagination.page_argument
    }
    words = cli_command(spec_plan.target_plan(), operation, export=True)
    result = ravan_calls(
        prism_server, *words, *cli_arguments(operation, arguments), "-f", export_format, "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    expected = _items(operation)
    text = out.read_text(encoding="utf-8")
    if export_format == "jsonl":
        assert [json.loads(line) for line in text.splitlines()] == expected
    elif export_format == "json":
        assert json.loads(text) == expected
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == len(expected)
        assert list(rows[0])[-1] == "extra"
    resource = next(r for r in spec_plan.target_plan().resources if r.attribute == operation.resource)
    singular, plural = resource.item_noun
    noun = singular if len(expected) == 1 else plural
    assert f"Wrote {len(expected)} {noun} to {out}" in result.stderr


def test_the_top_level_commands_are_those_of_the_spec_s_chosen_resource(prism_server: ApiServer) -> None:
    plan = spec_plan.target_plan()
    assert plan.top_level_commands is not None
    resource = next(r for r in plan.resources if r.attribute == plan.top_level_commands)
    listing = next(op for op in resource.operations if op.pagination is not None)
    grouped = ravan_calls(prism_server, resource.cli_name, listing.cli_command, "--format", "json")
    top_level = ravan_calls(prism_server, listing.cli_command, "--format", "json")
    assert grouped.returncode == top_level.returncode == 0, top_level.stderr
    assert json.loads(top_level.stdout) == json.loads(grouped.stdout)


def test_a_bad_option_value_ends_in_one_line_and_exit_code_2(prism_server: ApiServer) -> None:
    operation = PAGINATED[0]
    assert operation.pagination is not None
    words = cli_command(spec_plan.target_plan(), operation)
    page_flag = "--" + operation.pagination.page_argument.replace("_", "-")
    result = ravan_calls(prism_server, *words, page_flag, "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_version_names_the_client_and_the_spec_it_was_generated_from(prism_server: ApiServer) -> None:
    result = ravan_calls(prism_server, "--version")
    provenance = current_target().provenance
    assert result.returncode == 0, result.stderr
    assert provenance["packages"]["ravan-client"]["version"] in result.stdout
    assert provenance["spec_version"] in result.stdout
    assert provenance["spec_sha256"][:12] in result.stdout
