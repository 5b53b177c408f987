"""Fixtures of the runtime tests: the golden record's client on an in-process transport, a clean environment.

Nothing here opens a socket or sleeps: `httpx.MockTransport` answers from `harness.Server`, and the
clients' `_sleep` records the backoff instead of waiting (see `harness.make_client`). The client is
the grown spec's real generated code, from its golden record (tests/runtime/harness.py).

A topic has one home (`test_redirects.py`, `test_secrets.py`): where its file also proves the
generated client against real sockets, it uses the fault suite's fixtures (`fault_server`, `token`,
`flavor`), made available here from `tests/faults/conftest.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.faults.conftest import fault_server, flavor, token  # noqa: F401  (fixtures, see the docstring)
from tests.runtime.harness import AsyncHarness, Cli, Harness, Server, make_async_client, make_client

# Settings read from the environment by the client and by rich: a developer's shell or a CI runner
# must not change what the tests see.
ENVIRONMENT = (
    "RAVAN_API_KEY",
    "AGNI_API_KEY",
    "RAVAN_BASE_URL",
    "RAVAN_LOG",
    "FORCE_COLOR",
    "NO_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def server() -> Server:
    return Server()


@pytest.fixture
def harness(server: Server) -> Iterator[Harness]:
    made = make_client(server)
    with made.client:
        yield made


@pytest.fixture
async def async_harness(server: Server) -> AsyncIterator[AsyncHarness]:
    made = make_async_client(server)
    async with made.client:
        yield made


@pytest.fixture
def cli(server: Server, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The generated command line, run in-process: `cli("call-sessions", "list", "--page-size", "5")`."""

    def read_output() -> tuple[str, str]:
        captured = capsys.readouterr()
        return captured.out, captured.err

    return Cli(server, read_output)
