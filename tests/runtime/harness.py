"""What the runtime tests drive the runtime with: the golden record's real client, and a fake server.

The client is the one scripts/generate writes for the grown spec (tests/data/grown/openapi.yaml),
loaded from its committed golden record on top of the runtime in spec/client (see
tests/support/golden.py): `client.call_sessions.list` is the generated method, its pager wired as
the templates wire it. Beside it are the pieces the tests drive it with: a recording `Server` for
`httpx.MockTransport`, response builders shaped as the grown spec's responses, clients whose waits
between attempts are recorded instead of slept, and the generated command line run in-process.

The grown spec's operations, as the tests use them:
- `call_sessions.list` (GET, page-number pages of `data.callSessions`), `call_sessions.retrieve`;
- `calls.list_phone_history` (GET, pages of `data` with a total at `total_count`);
- `calls.create` (POST, not idempotent: retried only when it never reached the server; a header
  parameter `Idempotency-Key`), `contacts.search` (POST marked x-idempotent: retried as a GET is);
- `agents.update` (PATCH, a nullable property), `agents.delete` (DELETE answering 204),
  `agents.list` (an array response), `contacts.replace` (PUT).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from ravan_runtime._commands import Column, Command, Program

from tests.support.golden import golden_client, golden_module

_golden = golden_client()
_cli_module = golden_module("cli")

RavanClient: Any = _golden.RavanClient
"""The generated sync client class (typed Any: mypy checks the golden record in its own run)."""
AsyncRavanClient: Any = _golden.AsyncRavanClient
IDENTITY = golden_module("_client").IDENTITY
PROGRAM: Program = _cli_module.PROGRAM
models: Any = golden_module("models")
"""The generated attrs models: `models.CallSession`, `models.CallSessionListResponse`, ..."""

API_KEY = "sk-test-0123456789abcdef"
"""Distinctive enough that finding it in any text is never a coincidence."""
API_KEY_HEADER = "X-Api-Key"
BASE_URL = "https://api.example.com"
LIST_PATH = "/api/v1/calling/call-sessions"
DETAIL_PATH = "/api/v1/calling/call-sessions-detail"
HISTORY_PATH = "/api/v1/calling/phone-history"
CREATE_CALL_PATH = "/api/v1/calling/create-call"
AGENTS_PATH = "/api/v1/agents"
SEARCH_PATH = "/api/v1/contacts/search"


def _command(group: str, name: str) -> Command:
    for candidate in PROGRAM.groups:
        if candidate.name == group:
            for command in candidate.commands:
                if command.name == name:
                    return command
    raise LookupError(f"the golden CLI has no command {group} {name}")


LIST_COMMAND = _command("call-sessions", "list")
TABLE_COLUMNS: tuple[Column, ...] = LIST_COMMAND.table_columns
EXPORT_COLUMNS: tuple[Column, ...] = LIST_COMMAND.export_columns

# --- iterating a pager whose guard may be broken -------------------------------------------------

GUARD_BOUND = 1_000
"""More items than any repeated-page guard lets through before it raises (a few pages): iterating
a pager whose guard is broken stops here, so its test fails at once instead of hanging until
pytest's timeout."""


def bounded(items: Iterable[Any]) -> list[Any]:
    return list(itertools.islice(items, GUARD_BOUND))


async def abounded(items: AsyncIterable[Any]) -> list[Any]:
    taken: list[Any] = []
    async for item in items:
        taken.append(item)
        if len(taken) == GUARD_BOUND:
            break
    return taken


# --- the server side ----------------------------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


def session(session_id: str | None, **fields: Any) -> dict[str, Any]:
    """A call session as the API sends it: only the id is required."""
    return {"id": session_id, **fields}


def sessions(prefix: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [session(f"{prefix}{i}") for i in range(start, start + count)]


def page_body(items: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    """One page of `call_sessions.list`: the items at `data.callSessions`."""
    return {"success": True, "message": "ok", "data": {"callSessions": items, **data}}


def history_body(items: list[dict[str, Any]], total: Any = None, **top: Any) -> dict[str, Any]:
    """One page of `calls.list_phone_history`: the items at `data`, the total at `total_count`."""
    return {"success": True, "data": items, **({} if total is None else {"total_count": total}), **top}


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )


def one_page(items: list[dict[str, Any]]) -> Handler:
    """A server holding exactly `items`: page 1 has them all, every later page is empty."""

    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return json_response(200, page_body(items if page == 1 else []))

    return respond


def paged(total: int, make: Callable[[int], dict[str, Any]] | None = None) -> Handler:
    """A server holding `total` sessions `s0`, `s1`, ..., paged honestly by page and page_size."""

    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        start = (page - 1) * size
        made = make or (lambda i: session(f"s{i}"))
        return json_response(200, page_body([made(i) for i in range(start, min(start + size, total))]))

    return respond


@dataclass
class Server:
    """Answers requests from a list of responses (or a function) and keeps every request.

    Thread-safe: the prefetching pager calls it from worker threads."""

    responses: list[httpx.Response | BaseException] = field(default_factory=list)
    respond: Handler | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            self.requests.append(request)
            respond = self.respond
            answer = self.responses.pop(0) if respond is None and self.responses else None
        if respond is not None:
            return respond(request)
        if answer is None:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(answer, BaseException):
            raise answer
        return answer

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        await request.aread()  # a streamed upload's body is an async stream: read it the async way
        return self(request)

    @property
    def pages_requested(self) -> list[int]:
        return [int(request.url.params["page"]) for request in self.requests]


@dataclass
class Harness:
    """A sync client wired to `server`, whose waits between attempts are recorded, not slept."""

    client: Any
    server: Server
    sleeps: list[float]


@dataclass
class AsyncHarness:
    client: Any
    server: Server
    sleeps: list[float]


def make_client(server: Server, **settings: Any) -> Harness:
    settings.setdefault("api_key", API_KEY)
    settings.setdefault("base_url", BASE_URL)
    client = RavanClient(transport=httpx.MockTransport(server), **settings)
    sleeps: list[float] = []
    client._sleep = sleeps.append
    client._random = lambda: 0.0  # no jitter: the schedule is exact
    return Harness(client, server, sleeps)


def make_async_client(server: Server, **settings: Any) -> AsyncHarness:
    settings.setdefault("api_key", API_KEY)
    settings.setdefault("base_url", BASE_URL)
    client = AsyncRavanClient(transport=httpx.MockTransport(server.handle_async), **settings)
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client._sleep = record_sleep
    client._random = lambda: 0.0
    return AsyncHarness(client, server, sleeps)


@dataclass
class CliRun:
    """What one command line run did: its exit status, stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Cli:
    """Runs the generated `PROGRAM` as `ravan_runtime._cli.run` would for a user, its client on `server`."""

    server: Server
    read_output: Callable[[], tuple[str, str]]
    sleeps: list[float] = field(default_factory=list)
    needs_key: bool = False
    """True to leave the key to the environment (and find out what happens without one)."""
    program: Program = PROGRAM

    def client_class(self, **settings: Any) -> Any:
        """What the CLI calls to make its client: the generated client class, in production."""
        if settings.get("api_key") is None and not self.needs_key:
            settings["api_key"] = API_KEY
        if settings.get("base_url") is None:
            settings["base_url"] = BASE_URL
        client = RavanClient(transport=httpx.MockTransport(self.server), **settings)
        client._sleep = self.sleeps.append
        return client

    def __call__(self, *args: str) -> CliRun:
        from ravan_runtime._cli import run  # click and rich: only for the tests that need them

        self.read_output()  # drop what came before
        try:
            run(self.program, self.client_class, list(args))
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        else:  # pragma: no cover - run() always exits
            raise AssertionError("run() returned instead of exiting")
        out, err = self.read_output()
        return CliRun(code, out, err)
