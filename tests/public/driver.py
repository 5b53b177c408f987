"""Call every served operation of one generated public document: sync client, async client, CLI.

Run by tests/public/test_documents.py in a subprocess, because every generated package is named
`ravan_client` and the test session already imported the product's:

    PYTHONPATH=OUT/ravan-client:OUT/ravan-models:REPO python -m tests.public.driver SPEC BASE_URL RESULT.json [LABEL...]

Each LABEL (`METHOD /path (operationId)`) is an operation Prism cannot answer at all; it is called
against a local server answering fixed bytes instead (`stub_server`).

The plan is computed again from SPEC the way the generator computes it (`--unsupported skip`),
arguments come from each argument's rule (tests/support/values.py: required and optional ones),
credentials are made up (Prism checks that they are sent, not their value) and go to the
constructor or, for the CLI, to the environment variables the client reads. Each call is one
record in RESULT.json: the operation, the way it was called, and what went wrong (None: nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

from ravan_client import AsyncRavanClient, RavanClient
from scripts.lib.generate import load_generator_data, plan_of
from scripts.lib.openapi_document import OpenAPIDocument
from tests.public.schema_values import schema_value
from tests.support.calls import call_async, call_sync, cli_arguments, cli_command
from tests.support.spec_plan import ApiPlan, OperationPlan
from tests.support.values import valid

URI_FORMATS = frozenset({"uri", "url", "uri-reference", "iri"})
URI = "https://example.com/public-test"
EMAIL = "public-test@example.com"
CLIENT_TIMEOUT = 60.0  # seconds per request: generous, the machine is shared; a hung Prism still ends
CLI_TIMEOUT = 120.0


def fake_credential(argument: str) -> str:
    return f"public-test-{argument.replace('_', '-')}"


def plan_for(spec_path: Path) -> tuple[ApiPlan, OpenAPIDocument]:
    raw_spec = yaml.safe_load(spec_path.read_bytes())
    with tempfile.TemporaryDirectory() as scratch:
        _, openapi = load_generator_data(spec_path, raw_spec, Path(scratch) / "out")
    plan = plan_of(spec_path, raw_spec, openapi, skip_unsupported=True)
    return plan, OpenAPIDocument(raw_spec, source=str(spec_path))


def string_formats(document: OpenAPIDocument, operation: OperationPlan) -> dict[tuple[str, str], str]:
    """(location, wire name) -> the `format` of each string parameter and body property that has one.

    The plan keeps only the formats the client checks (uuid); a server, and Prism, check `uri` and
    `email` too, so a value derived from the plan alone would be refused.
    """
    spec_operation = document.operation(operation.path, operation.method)
    found: dict[tuple[str, str], str] = {}
    for parameter in spec_operation.parameters:
        schema = document.parameter_schema(parameter)
        if schema.format:
            found[(str(parameter["in"]), str(parameter["name"]))] = schema.format
    body = document.request_body(spec_operation)
    if body is not None:
        node, media_type = body
        schema = document.normalize(node["content"][media_type].get("schema", {}))
        for name, property_node in schema.properties.items():
            property_schema = document.normalize(property_node)
            if property_schema.format:
                found[("body", str(name))] = property_schema.format
    return found


def result_problem(operation: OperationPlan, result: Any) -> str | None:
    """What is wrong with a value a client method returned, for the response the plan expects."""
    kind = operation.response.kind
    if operation.pagination is not None:
        return None if result is not None else "a paginated operation returned None"
    expected: dict[str, Callable[[Any], bool]] = {
        "empty": lambda value: value is None,
        "bytes": lambda value: isinstance(value, bytes),
        "text": lambda value: isinstance(value, str),
        "array": lambda value: isinstance(value, list),
        "object": lambda value: value is not None,
    }
    check = expected.get(kind)
    if check is None or check(result):
        return None
    return f"a {kind} response came back as {type(result).__name__}: {result!r:.200}"


def failure(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(error)).strip()


def call_all_sync(operations: list[OperationPlan], base_url: str, credentials: dict[str, Any]) -> list[dict[str, Any]]:
    records = []
    with RavanClient(base_url=base_url, timeout=CLIENT_TIMEOUT, **credentials) as client:
        for operation in operations:
            try:
                problem = result_problem(operation, call_sync(client, operation, arguments(operation)))
            except Exception as error:
                problem = failure(error)
            records.append({"operation": operation.label, "way": "sync", "problem": problem})
    return records


async def call_all_async(
    operations: list[OperationPlan], base_url: str, credentials: dict[str, Any]
) -> list[dict[str, Any]]:
    records = []
    async with AsyncRavanClient(base_url=base_url, timeout=CLIENT_TIMEOUT, **credentials) as client:
        for operation in operations:
            try:
                problem = result_problem(operation, await call_async(client, operation, arguments(operation)))
            except Exception as error:
                problem = failure(error)
            records.append({"operation": operation.label, "way": "async", "problem": problem})
    return records


def destinations(plan: ApiPlan, credentials: dict[str, Any]) -> list[dict[str, Any]]:
    """Where each operation goes when the client is given no base URL: the document's server.

    Recorded by a transport that answers nothing; the call's own outcome does not matter here.
    """
    records: list[dict[str, Any]] = []
    if plan.identity.default_base_url is None:
        # No server in the document: the client asks for a base URL rather than guess a host.
        return records
    for operation in callable_operations(plan):
        seen: list[str] = []

        def record(request: httpx.Request, seen: list[str] = seen) -> httpx.Response:
            seen.append(str(request.url.copy_with(query=None)))
            return httpx.Response(599)

        with (
            RavanClient(
                transport=httpx.MockTransport(record), allow_insecure_http=True, max_retries=0, **credentials
            ) as client,
            contextlib.suppress(Exception),
        ):  # the answer is a made-up 599: only the URL matters
            call_sync(client, operation, arguments(operation))
        records.append({"operation": operation.label, "way": "destination", "url": seen[0] if seen else None})
    return records


def call_all_cli(
    plan: ApiPlan, operations: list[OperationPlan], base_url: str, *, expected_bytes: bytes | None = None
) -> list[dict[str, Any]]:
    """Each operation through the CLI; `expected_bytes`: what a bytes response must print (the stub's)."""
    env = {**os.environ, plan.identity.base_url_env_var: base_url}
    for credential in plan.identity.credentials:
        env[credential.env_vars[0]] = fake_credential(credential.argument)
    records = []
    for operation in operations:
        words = cli_command(plan, operation) + cli_arguments(operation, arguments(operation))
        if operation.pagination is not None:
            words += ["--format", "json"]
        done = subprocess.run(
            [sys.executable, "-m", "ravan_client.cli", *words],
            env=env,
            capture_output=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        problem = None
        if done.returncode != 0:
            problem = f"exit {done.returncode}: {done.stderr.decode(errors='replace').strip()[-600:]}"
        elif expected_bytes is not None and operation.response.kind == "bytes" and done.stdout != expected_bytes:
            problem = f"printed {done.stdout[:200]!r}, not the bytes the server sent"
        elif operation.response.kind == "empty" and done.stdout:
            problem = f"an empty response printed {done.stdout[:200]!r}"
        elif operation.response.kind in ("object", "array") or operation.pagination is not None:
            try:
                json.loads(done.stdout)
            except ValueError:
                problem = f"printed something that is not JSON: {done.stdout[:200]!r}"
        records.append({"operation": operation.label, "way": "cli", "problem": problem, "command": words})
    return records


_arguments: dict[str, dict[str, Any]] = {}


def _needs_schema_value(rule: Any) -> bool:
    """Whether the plan's rule alone gives no valid value: a union, an object (its required keys, a
    discriminator's tag), a file, or an array of any of these or of arrays."""
    if rule.kind == "array" and rule.item is not None:
        # A list of lists (openapi-python-client's nested_list_of_enums): tests/support/values.py
        # values one level of items only.
        return rule.item.kind == "array" or _needs_schema_value(rule.item)
    return rule.kind in ("any", "object", "file") or bool(rule.variants)


def _argument_schemas(document: OpenAPIDocument, operation: OperationPlan) -> dict[tuple[str, str], Any]:
    """(location, wire name) -> the schema node of each parameter and body property; ("body",
    "body") is the whole body's."""
    spec_operation = document.operation(operation.path, operation.method)
    found: dict[tuple[str, str], Any] = {
        (str(parameter["in"]), str(parameter["name"])): parameter.get("schema", {})
        for parameter in spec_operation.parameters
    }
    body = document.request_body(spec_operation)
    if body is not None and operation.body is not None:
        content = body[0]["content"]
        media = next((m for key, m in content.items() if key.split(";")[0].strip() == operation.body.media_type), None)
        node = (media or next(iter(content.values())) or {}).get("schema", {})
        found[("body", "body")] = node
        for name, property_node in document.normalize(node).properties.items():
            found.setdefault(("body", str(name)), property_node)
    return found


def upload_file() -> Path:
    """One small file every file argument sends (a path: the sync and async clients and the CLI
    all take one)."""
    path = Path(tempfile.gettempdir()) / f"public-test-upload-{os.getpid()}.bin"
    path.write_bytes(b"public-test upload\n")
    return path


def derive_arguments(document: OpenAPIDocument, operation: OperationPlan) -> dict[str, Any]:
    """Valid values for every argument (required and optional), a URI or an e-mail address where
    the spec's `format` asks for one; from the schema itself where the plan's rule gives none
    (tests/public/schema_values.py), a file's path for a file."""
    values: dict[str, Any] = {}
    schemas = _argument_schemas(document, operation)
    for argument in operation.all_arguments:
        rule = argument.rule
        if rule.kind == "file" or (rule.kind == "array" and rule.item is not None and rule.item.kind == "file"):
            values[argument.python_name] = upload_file() if rule.kind == "file" else [upload_file()]
        elif _needs_schema_value(rule):
            whole_body = argument.location == "body" and operation.body is not None and not operation.body.flattened
            key = ("body", "body") if whole_body else (argument.location, argument.wire_name)
            values[argument.python_name] = schema_value(document, schemas.get(key, {}))
        else:
            values[argument.python_name] = valid(argument).python
    formats = string_formats(document, operation)
    for argument in operation.all_arguments:
        if argument.rule.kind != "string":
            continue
        wanted = formats.get((argument.location, argument.wire_name))
        if wanted in URI_FORMATS:
            values[argument.python_name] = URI
        elif wanted == "email":
            values[argument.python_name] = EMAIL
    return values


def callable_operations(plan: ApiPlan) -> list[OperationPlan]:
    """The operations the driver could build arguments for (derived once, in main)."""
    return [operation for operation in plan.operations if operation.label in _arguments]


def arguments(operation: OperationPlan) -> dict[str, Any]:
    """The same valid values for every way of calling an operation (derived once, in main)."""
    return _arguments[operation.label]


STUB_BODY = b"PK\x03\x04 public-test: bytes no JSON reader would take\n"


class _BytesAnswer(http.server.BaseHTTPRequestHandler):
    """Any request answered 200 with STUB_BODY as application/octet-stream."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(STUB_BODY)))
        self.end_headers()
        self.wfile.write(STUB_BODY)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def stub_server() -> Iterator[str]:
    """A local server for the operations whose response Prism cannot make at all (an octet-stream
    response its schema calls a JSON object: Prism finds no serializer, dynamic or static)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BytesAnswer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str]) -> int:
    spec_path, base_url, result_path = Path(argv[1]), argv[2], Path(argv[3])
    stubbed = set(argv[4:])
    plan, document = plan_for(spec_path)
    credentials: dict[str, Any] = {c.argument: fake_credential(c.argument) for c in plan.identity.credentials}
    records: list[dict[str, Any]] = []
    for operation in plan.operations:
        try:
            _arguments[operation.label] = derive_arguments(document, operation)
        except Exception as error:
            records.append({"operation": operation.label, "way": "arguments", "problem": failure(error)})
    # An operation it builds no arguments for is recorded (way "arguments") and not called; the
    # others still are, every way.
    operations = [o for o in callable_operations(plan) if o.label not in stubbed]
    records += call_all_sync(operations, base_url, credentials)
    records += asyncio.run(call_all_async(operations, base_url, credentials))
    records += call_all_cli(plan, operations, base_url)
    with stub_server() as stub_url:
        operations = [o for o in callable_operations(plan) if o.label in stubbed]
        records += call_all_sync(operations, stub_url, credentials)
        records += asyncio.run(call_all_async(operations, stub_url, credentials))
        records += call_all_cli(plan, operations, stub_url, expected_bytes=STUB_BODY)
    records += destinations(plan, credentials)
    result_path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
