"""The server the contract tests talk to: a Prism mock of the spec under test, started by this suite.

The spec is the target's (tests/support/target.py): spec/openapi.yaml, or with RAVAN_TEST_TARGET the
spec that generation came from (the grown spec of tests/data/grown). Prism runs once per session:

    node_modules/.bin/prism mock SPEC --errors --host 127.0.0.1 --port 0
        --json-schema-faker-fillProperties=false

- `--port 0` lets the OS pick a free port; Prism prints the real one in its ready line
  `Prism is listening on http://127.0.0.1:PORT`, which is where the base URL is read from.
- `--errors` turns a spec example that breaks its own schema into a 500 instead of a silent 200.
- `--json-schema-faker-fillProperties=false` keeps `Prefer: dynamic=true, seed=N` bodies
  reproducible and free of invented extra keys.
- Its output goes to a log file (never a pipe nobody reads: Prism blocks on a full pipe); the
  path is printed when Prism fails to start and attached to the report of every failed test.
- It runs in its own session (process group); teardown sends SIGTERM to the group, waits up to
  5 s, then SIGKILL.
- If it does not start, every test that needs it FAILS with the log: it is never skipped.

`TEST_API_BASE_URL` (with `RAVAN_API_KEY`) points the read-only tests at that server instead and
no Prism is started. Tests that need what only Prism does (`Prefer` headers, request validation,
its canned data) are then skipped, saying why: that is the only skip in this suite.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ravan_client import AsyncRavanClient, RavanClient
from tests.support.processes import running_prism
from tests.support.target import current_target

PRISM_API_KEY = "contract-test-key"  # Prism checks that X-Api-Key is present, not its value
CLIENT_TIMEOUT = 10.0  # seconds per request: a hung server fails a test instead of hanging it

BASE_URL_ENV_VAR = "TEST_API_BASE_URL"
API_KEY_ENV_VAR = "RAVAN_API_KEY"
PRISM_ONLY_REASON = (
    f"{BASE_URL_ENV_VAR} is set: this test needs the Prism mock ({{feature}}), which a real server does not offer"
)

_prism_log_path: Path | None = None
"""Where the running Prism writes its log; shown in the report of every failed contract test."""


@dataclass(frozen=True)
class ApiServer:
    """A server that answers the spec's operation."""

    base_url: str
    api_key: str
    is_prism: bool
    log_path: Path | None = None


def sync_client(server: ApiServer, **settings: Any) -> RavanClient:
    """The generated high-level client pointed at `server` (use it as a context manager)."""
    settings.setdefault("timeout", CLIENT_TIMEOUT)
    return RavanClient(api_key=server.api_key, base_url=server.base_url, **settings)


def async_client(server: ApiServer, **settings: Any) -> AsyncRavanClient:
    """The generated async client pointed at `server` (use it as an async context manager)."""
    settings.setdefault("timeout", CLIENT_TIMEOUT)
    return AsyncRavanClient(api_key=server.api_key, base_url=server.base_url, **settings)


@pytest.fixture(scope="session")
def _prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """Start Prism for this session; stop it (the whole process group) at the end."""
    global _prism_log_path
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    with running_prism(current_target().spec_path, log_path) as base_url:
        _prism_log_path = log_path
        try:
            yield ApiServer(base_url=base_url, api_key=PRISM_API_KEY, is_prism=True, log_path=log_path)
        finally:
            _prism_log_path = None


@pytest.fixture(scope="session")
def api_server(request: pytest.FixtureRequest) -> ApiServer:
    """For read-only tests: the server at TEST_API_BASE_URL if set, else this session's Prism."""
    base_url = os.environ.get(BASE_URL_ENV_VAR)
    if not base_url:
        server: ApiServer = request.getfixturevalue("_prism")
        return server
    api_key = os.environ.get(API_KEY_ENV_VAR)
    if not api_key:
        pytest.fail(f"{BASE_URL_ENV_VAR} is set but {API_KEY_ENV_VAR} is not: the server needs a key.", pytrace=False)
    return ApiServer(base_url=base_url, api_key=api_key, is_prism=False)


@pytest.fixture(scope="session")
def prism_server(request: pytest.FixtureRequest) -> ApiServer:
    """For tests that rely on Prism itself (Prefer headers, request validation, canned data)."""
    if os.environ.get(BASE_URL_ENV_VAR):
        pytest.skip(PRISM_ONLY_REASON.format(feature="Prefer headers, request validation or its canned examples"))
    server: ApiServer = request.getfixturevalue("_prism")
    return server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Attach the Prism log path to the report of every failed contract test that used Prism."""
    report = yield
    if report.failed and _prism_log_path is not None and "_prism" in getattr(item, "fixturenames", ()):
        report.sections.append(("Prism", f"Prism log: {_prism_log_path}"))
    return report


@dataclass
class Recorded:
    """Every response the client received (redirect hops and retries included), as httpx gave it."""

    responses: list[httpx.Response]

    def violations(self) -> list[str]:
        """Prism's reports of requests or responses that break the spec (its sl-violations header)."""
        return [r.headers["sl-violations"] for r in self.responses if "sl-violations" in r.headers]


@contextmanager
def recording_sync_client(server: ApiServer, **settings: Any) -> Iterator[tuple[RavanClient, Recorded]]:
    """A client whose every response is kept, to look at the headers Prism adds."""
    recorded = Recorded([])
    with httpx.Client(event_hooks={"response": [recorded.responses.append]}) as http:
        client = RavanClient(
            api_key=server.api_key, base_url=server.base_url, http_client=http, timeout=CLIENT_TIMEOUT, **settings
        )
        with client:
            yield client, recorded


@asynccontextmanager
async def recording_async_client(
    server: ApiServer, **settings: Any
) -> AsyncIterator[tuple[AsyncRavanClient, Recorded]]:
    recorded = Recorded([])

    async def keep(response: httpx.Response) -> None:
        recorded.responses.append(response)

    async with httpx.AsyncClient(event_hooks={"response": [keep]}) as http:
        client = AsyncRavanClient(
            api_key=server.api_key, base_url=server.base_url, http_client=http, timeout=CLIENT_TIMEOUT, **settings
        )
        async with client:
            yield client, recorded
