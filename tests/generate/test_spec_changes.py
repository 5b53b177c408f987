"""A change to the spec reaches both packages through regeneration alone, with no hand edit.

One scratch copy gets a new optional, nullable property on `CallSession` and a new string query
parameter on `listCallSessions`, and is regenerated once. Its packages are then probed in one
fresh interpreter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generate.scratch import (
    SPEC_PATH,
    describe,
    file_sha256,
    make_scratch_repo,
    package_paths,
    read_provenance,
    replace_once,
    run_generate,
    run_python,
)

AGENT_NAME_PROPERTY = """\
        agentName:
          type:
            - string
            - "null"
          description: Display name of the agent.
"""
TRANSFER_TARGET_PROPERTY = """\
        transferTarget:
          type:
            - string
            - "null"
          description: Where the call was transferred to; null when it was not transferred.
"""
DIRECTION_DESCRIPTION = "Filter by call direction: inbound or outbound."
# The operation's responses follow its last parameter.
OPERATION_RESPONSES = '      responses:\n        "200":\n'
DIRECTION_PARAMETER = f"""\
        - name: direction
          in: query
          description: "{DIRECTION_DESCRIPTION}"
          schema:
            type: string
"""


@dataclass(frozen=True)
class ExtendedRepo:
    repo: Path
    original_version: str


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> ExtendedRepo:
    repo = make_scratch_repo(tmp_path_factory.mktemp("spec-changes") / "repo")
    original_version = str(read_provenance(repo)["packages"]["ravan-client"]["version"])
    spec = repo / SPEC_PATH
    replace_once(spec, AGENT_NAME_PROPERTY, AGENT_NAME_PROPERTY + TRANSFER_TARGET_PROPERTY)
    replace_once(spec, OPERATION_RESPONSES, DIRECTION_PARAMETER + OPERATION_RESPONSES)
    result = run_generate(repo)
    assert result.returncode == 0, describe(result)
    return ExtendedRepo(repo, original_version)


PROBE = """
import asyncio, inspect, json, typing
import httpx
import ravan_client, ravan_client._provenance, ravan_models, ravan_models._provenance
from ravan_client import AsyncRavanClient, RavanClient
from ravan_client.models import CallSession
from ravan_client.resources import AsyncCallSessions, CallSessions

result = {"files": [ravan_client.__file__, ravan_models.__file__]}

session = CallSession.from_dict({"id": "x", "transferTarget": "+1555"})
result["client_model"] = {
    "transfer_target": session.transfer_target,
    "unknown_keys": session.additional_properties,
    "to_dict": session.to_dict(),
    "null": CallSession.from_dict({"id": "y", "transferTarget": None}).transfer_target,
}

session = ravan_models.CallSession.model_validate({"id": "x", "transferTarget": "+1555"})
result["pydantic_model"] = {
    "transfer_target": session.transfer_target,
    "unknown_keys": session.model_extra,
    "to_dict": session.model_dump(by_alias=True, exclude_none=True),
    "null": ravan_models.CallSession.model_validate({"id": "y", "transferTarget": None}).transfer_target,
}

result["signatures"] = {}
for method in (CallSessions.list, AsyncCallSessions.list):
    parameter = inspect.signature(method).parameters.get("direction")
    hints = typing.get_type_hints(method)
    result["signatures"][method.__qualname__] = {
        "kind": parameter.kind.name if parameter else None,
        "annotation": str(parameter.annotation) if parameter else None,
        "accepts_str": str in typing.get_args(hints.get("direction")),
        "same_type_as_status": hints.get("direction") == hints["status"],
    }
result["docstrings"] = {"sync": CallSessions.list.__doc__, "async": AsyncCallSessions.list.__doc__}

requests = []

def handler(request):
    requests.append(request)
    return httpx.Response(200, json={"success": True, "message": "ok", "data": {"callSessions": []}})

def take_requests():
    taken = [[request.url.path, list(request.url.params.multi_items())] for request in requests]
    requests.clear()
    return taken

with RavanClient(api_key="k", base_url="http://127.0.0.1:1", transport=httpx.MockTransport(handler)) as client:
    page = client.call_sessions.list(direction="inbound")
    result["sync"] = {"items": len(page.items), "requests": take_requests()}
    try:
        client.call_sessions.list(direction=5)
    except (TypeError, ValueError) as error:
        result["sync"]["rejects"] = type(error).__name__
    result["sync"]["rejected_requests"] = take_requests()

async def use_async_client():
    async with AsyncRavanClient(
        api_key="k", base_url="http://127.0.0.1:1", transport=httpx.MockTransport(handler)
    ) as client:
        page = await client.call_sessions.list(direction="inbound")
        result["async"] = {"items": len(page.items), "requests": take_requests()}
        try:
            await client.call_sessions.list(direction=5)
        except (TypeError, ValueError) as error:
            result["async"]["rejects"] = type(error).__name__
        result["async"]["rejected_requests"] = take_requests()

asyncio.run(use_async_client())

result["provenance"] = {
    "versions": [ravan_client.__version__, ravan_models.__version__],
    "spec_sha256": [ravan_client.SPEC_SHA256, ravan_models.SPEC_SHA256],
    "inputs_sha256": [ravan_client._provenance.INPUTS_SHA256, ravan_models._provenance.INPUTS_SHA256],
    "spec_version": [ravan_client.SPEC_VERSION, ravan_models.SPEC_VERSION],
}
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def probe(extended: ExtendedRepo) -> dict[str, Any]:
    """What the scratch copy's packages do, observed in one fresh interpreter (the test process
    has the real packages imported already)."""
    result = run_python(PROBE, pythonpath=package_paths(extended.repo), cwd=extended.repo)
    assert isinstance(result, dict)
    for imported_from in result["files"]:
        assert Path(imported_from).is_relative_to(extended.repo), f"imported {imported_from}, not the scratch copy"
    return result


# --- a new property ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["client_model", "pydantic_model"])
def test_new_property_is_a_field_of_the_model(probe: dict[str, Any], model: str) -> None:
    observed = probe[model]
    assert observed["transfer_target"] == "+1555"
    # A declared field, not an unknown key that the model merely keeps.
    assert observed["unknown_keys"] == {}
    assert observed["to_dict"] == {"id": "x", "transferTarget": "+1555"}
    assert observed["null"] is None


# --- a new query parameter -----------------------------------------------------------------------


def test_new_query_parameter_is_a_typed_keyword_argument(probe: dict[str, Any]) -> None:
    signatures = probe["signatures"]
    assert set(signatures) == {"CallSessions.list", "AsyncCallSessions.list"}
    for where, parameter in signatures.items():
        assert parameter["kind"] == "KEYWORD_ONLY", where
        assert "str" in parameter["annotation"], where
        assert parameter["accepts_str"], where
        # Typed like the spec's other optional string filters.
        assert parameter["same_type_as_status"], where


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_new_query_parameter_is_documented_in_the_method_docstring(probe: dict[str, Any], flavour: str) -> None:
    assert f"direction: {DIRECTION_DESCRIPTION}" in probe["docstrings"][flavour]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_new_query_parameter_is_sent_in_the_query_string(probe: dict[str, Any], flavour: str) -> None:
    observed = probe[flavour]
    assert observed["items"] == 0
    [[path, query]] = observed["requests"]
    assert path == "/api/v1/calling/call-sessions"
    assert ["direction", "inbound"] in query
    assert [name for name, _ in query].count("direction") == 1


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_new_query_parameter_is_type_checked_before_sending(probe: dict[str, Any], flavour: str) -> None:
    observed = probe[flavour]
    assert observed.get("rejects") == "TypeError"
    assert observed["rejected_requests"] == []


# --- the version ---------------------------------------------------------------------------------


def test_package_version_changes_with_the_spec(extended: ExtendedRepo, probe: dict[str, Any]) -> None:
    observed = probe["provenance"]
    packages = read_provenance(extended.repo)["packages"]
    client, models = packages["ravan-client"], packages["ravan-models"]
    info_version = str(yaml.safe_load((extended.repo / SPEC_PATH).read_text(encoding="utf-8"))["info"]["version"])

    assert client["version"] != extended.original_version
    for package in (client, models):
        assert re.fullmatch(rf"{re.escape(info_version)}\+g[0-9a-f]{{12}}", package["version"])
        assert package["version"].endswith(f"+g{package['inputs_sha256'][:12]}")
    assert observed["versions"] == [client["version"], models["version"]]
    assert observed["spec_version"] == [info_version, info_version]
    assert observed["spec_sha256"] == [file_sha256(extended.repo / SPEC_PATH)] * 2
    assert observed["inputs_sha256"] == [client["inputs_sha256"], models["inputs_sha256"]]
