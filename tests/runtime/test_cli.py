"""The command line machinery (`_cli.py`) on the golden record's generated `Program`: options, output, errors.

Commands run in-process through `run()` (as the console script does), with the grown spec's
generated client (tests/runtime/harness.py) on an in-process transport; `export` has its own
module, test_cli_export.py.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import inspect
import io
import json
import pkgutil
import re
from typing import Any

import click
import httpx
import pytest
from ravan_runtime import _base_client, _cli
from ravan_runtime._cli import _output, _params
from ravan_runtime._exceptions import InsecureBaseURLError, MissingAPIKeyError
from rich.console import Console

from tests.runtime.harness import (
    API_KEY,
    EXPORT_COLUMNS,
    PROGRAM,
    TABLE_COLUMNS,
    Cli,
    history_body,
    json_response,
    page_body,
    paged,
    session,
)
from tests.support.golden import GOLDEN_SPEC

ANSI = re.compile(r"\x1b\[[0-9;]*m")
UUID = "3f2c1a4e-8b7d-4c6e-9f0a-1b2c3d4e5f6"
TIMESTAMP = "2026-11-24T18:58:03.1234567+05:30"
HOSTILE = "\x1b[2J\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\ \x9b31m \u202eevil\u202c"
"""Server text that would clear the screen, plant a hyperlink, colour, and reverse text."""


def wide_session(i: int) -> dict[str, Any]:
    return session(
        f"{UUID}{i}",
        startedAt=TIMESTAMP,
        status="completed",
        channel="outbound phone call over SIP",
        durationSec=61,
        costTotal="0.1250 USD, billed monthly",
        creditBreakdown={"total_credits": 1.5},
    )


def cli_source() -> str:
    """The source of every module of the `_cli` package."""
    modules = [
        _cli,
        *(importlib.import_module(f"{_cli.__name__}.{m.name}") for m in pkgutil.iter_modules(_cli.__path__)),
    ]
    assert len(modules) > 1
    return "\n".join(inspect.getsource(module) for module in modules)


def as_terminal(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """Make rich take stdout and stderr for a terminal `columns` wide (colourless)."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", str(columns))


# --- list: the table -----------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [80, 100, 120, 160])
def test_list_on_a_terminal_prints_a_table_that_fits_and_keeps_ids_and_timestamps_whole(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    as_terminal(monkeypatch, columns)
    cli.server.respond = lambda request: json_response(200, page_body([wide_session(i) for i in range(3)]))
    result = cli("call-sessions", "list", "--page-size", "5")
    assert result.code == 0, result.err
    lines = ANSI.sub("", result.out).splitlines()
    assert lines[0].startswith("Call sessions, page 1")
    assert all(len(line) <= columns for line in lines)
    for i in range(3):
        assert sum(f"{UUID}{i}  {TIMESTAMP}" in line for line in lines) == 1  # whole, on one line
    header = next(line for line in lines if line.lstrip().startswith("id "))
    shown = re.split(r"\s{2,}", header.strip())
    assert shown[:2] == ["id", "started at"]
    for name in shown:  # every header is whole, or visibly shortened; never cut or wrapped
        assert name in {c.header for c in TABLE_COLUMNS} or (name.endswith("…") and len(name) >= 2), shown
    assert not any(line.strip() in ("n", "on", "ion") for line in lines)  # no wrapped header tail
    if columns == 80:
        assert shown == ["id", "started at"]  # the other columns were dropped first
    if columns == 160:
        assert shown == [c.header for c in TABLE_COLUMNS]


def test_the_table_drops_columns_from_the_right_then_shortens_them() -> None:
    records = [wide_session(0)]
    for width, expected in [
        (75, ["id", "started at"]),
        (82, ["id", "started at", "status"]),
        (90, ["id", "started at", "status", "channel"]),
        (100, ["id", "started at", "status", "channel", "durati…"]),
        (110, ["id", "started at", "status", "channel", "durati…", "cost t…"]),
        (126, ["id", "started at", "status", "channel", "duration sec", "cost total"]),
    ]:
        console = Console(width=width, record=True, file=io.StringIO(), soft_wrap=False)
        console.print(_output.fitted_table(records, TABLE_COLUMNS, width, "t"))
        lines = console.export_text().splitlines()
        assert all(len(line) <= width for line in lines)
        assert re.split(r"\s{2,}", lines[2].strip()) == expected, width


def test_list_without_a_terminal_prints_tab_separated_lines(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(200, page_body([wide_session(0), session("s1")]))
    result = cli("call-sessions", "list")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "\t".join(column.header for column in TABLE_COLUMNS),
        f"{UUID}0\t{TIMESTAMP}\tcompleted\toutbound phone call over SIP\t61\t0.1250 USD, billed monthly",
        "s1\t\t\t\t\t",
    ]
    assert result.err == ""


def test_list_sends_the_options_as_arguments(cli: Cli) -> None:
    cli.server.respond = paged(3)
    result = cli(
        "call-sessions", "list", "--status", "completed", "--page-size", "5", "--started-after", "2026-11-01T00:00:00Z"
    )
    assert result.code == 0, result.err
    params = cli.server.requests[0].url.params
    assert (params["status"], params["page_size"]) == ("completed", "5")
    assert params["started_after"] == "2026-11-01T00:00:00+00:00"
    assert "sort_order" not in params


def test_top_level_commands_are_the_groups_commands(cli: Cli) -> None:
    cli.server.respond = paged(2)
    assert cli("list", "--format", "jsonl").out == '{"id":"s0"}\n{"id":"s1"}\n'


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        ("json", '[\n  {\n    "id": "s0"\n  },\n  {\n    "id": "s1"\n  }\n]\n'),
        ("jsonl", '{"id":"s0"}\n{"id":"s1"}\n'),
        ("tsv", "id\tstarted at\tstatus\tchannel\tduration sec\tcost total\ns0\t\t\t\t\t\ns1\t\t\t\t\t\n"),
    ],
)
def test_list_formats(cli: Cli, output_format: str, expected: str) -> None:
    cli.server.respond = paged(2)
    result = cli("call-sessions", "list", "--format", output_format)
    assert result.code == 0, result.err
    assert result.out == expected


def test_list_csv_has_the_export_columns(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(200, page_body([wide_session(0)]))
    result = cli("call-sessions", "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert list(rows[0]) == [column.header for column in EXPORT_COLUMNS] + ["extra"]
    assert rows[0]["creditBreakdown.total_credits"] == "1.5"


def test_an_empty_page_says_so(cli: Cli) -> None:
    cli.server.respond = paged(0)
    result = cli("call-sessions", "list", "--format", "table", "--page", "3")
    assert result.code == 0
    assert result.out == ""
    assert result.err == "No call sessions on page 3.\n"


def test_more_on_the_next_page_is_said_only_when_there_is_more(cli: Cli) -> None:
    cli.server.respond = paged(3)
    result = cli("call-sessions", "list", "--format", "table", "--page-size", "2")
    assert "More on page 2: add --page 2." in result.err


def test_more_is_not_said_when_the_next_page_turns_out_empty(cli: Cli) -> None:
    # A full page may be the last: the style cannot tell, so the CLI asks for the next one.
    cli.server.respond = paged(2)
    result = cli("call-sessions", "list", "--format", "table", "--page-size", "2")
    assert result.code == 0
    assert "More on page" not in result.err
    assert cli.server.pages_requested == [1, 2]


def test_more_is_decided_by_the_total_without_another_request(cli: Cli) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        return json_response(200, history_body([session("a"), session("b")], total=3))

    cli.server.respond = respond
    result = cli("calls", "list-phone-history", "--format", "table", "--page-size", "2")
    assert "More on page 2: add --page 2." in result.err
    assert cli.server.pages_requested == [1]


def test_piped_output_does_not_ask_for_the_next_page(cli: Cli) -> None:
    cli.server.respond = paged(10)
    result = cli("call-sessions", "list", "--page-size", "2")
    assert result.code == 0
    assert result.err == ""
    assert cli.server.pages_requested == [1]


# --- what the server sends cannot attack the reader ------------------------------------------------------


@pytest.mark.parametrize("output_format", ["tsv", "table", "json", "jsonl"])
def test_control_sequences_in_server_text_are_shown_escaped(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # room for the whole cell in the table
    cli.server.respond = lambda request: json_response(200, page_body([session("s1", costTotal=HOSTILE)]))
    result = cli("call-sessions", "list", "--format", output_format)
    assert result.code == 0, result.err
    for raw in ("\x1b", "\x9b", "\u202e", "\u202c"):
        assert raw not in result.out
    if output_format in ("tsv", "table"):
        assert "\\x1b[2J\\x1b]8;;http://x\\x1b\\click" in result.out
        assert "\\x9b31m \\u202eevil\\u202c" in result.out
    else:
        decoded = [json.loads(line) for line in result.out.splitlines()] if output_format == "jsonl" else []
        assert "\\u001b[2J" in result.out
        assert "\\u009b" in result.out
        assert "\\u202e" in result.out
        assert not decoded or decoded[0]["costTotal"] == HOSTILE


def test_control_sequences_in_an_error_message_are_shown_escaped(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(400, {"success": False, "message": f"bad filter {HOSTILE}"})
    result = cli("call-sessions", "list")
    assert result.code == 1
    assert len(result.error_lines) == 1
    for raw in ("\x1b", "\x9b", "\u202e"):
        assert raw not in result.err
    assert "bad filter \\x1b[2J\\x1b]8;;http://x\\x1b\\click" in result.err


def test_server_text_that_looks_like_markup_is_printed_as_is(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(400, {"success": False, "message": "bad [/] [bold]x"})
    result = cli("call-sessions", "list", "--max-retries", "0")
    assert result.code == 1
    assert "bad [/] [bold]x" in result.err
    cli.server.respond = lambda request: json_response(200, page_body([session("s[/]1", costTotal="[bold]+1")]))
    result = cli("call-sessions", "list", "--format", "table")
    assert result.code == 0, result.err
    assert "s[/]1" in result.out
    assert "[bold]+1" in result.out


# --- other operations --------------------------------------------------------------------------------------


def test_an_object_response_is_printed_as_json(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(200, session("a/b", startedAt="2026-11-24T16:02:11Z"))
    result = cli("agents", "get", "a/b")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"id": "a/b", "startedAt": "2026-11-24T16:02:11Z"}
    assert cli.server.requests[0].url.raw_path == b"/api/v1/agents/a%2Fb"


def test_a_nullable_option_sends_null_for_the_word_null(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(200, session("a1"))
    assert cli("agents", "update", "a1", "--max-call-minutes", "null").code == 0
    assert cli("agents", "update", "a1", "--name", "n", "--max-call-minutes", "2").code == 0
    assert cli("agents", "update", "a1", "--name", "n").code == 0
    bodies = [json.loads(request.content) for request in cli.server.requests]
    assert bodies == [{"max_call_minutes": None}, {"name": "n", "max_call_minutes": 2}, {"name": "n"}]


def test_an_empty_response_prints_nothing(cli: Cli) -> None:
    cli.server.respond = lambda request: httpx.Response(204)
    result = cli("agents", "delete", "s1")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert cli.server.requests[0].method == "DELETE"


# --- usage errors: one line, exit 2, nothing sent ------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["call-sessions", "list", "--page", "0"], "Invalid value for '--page': 0 is not in the range x>=1."),
        (["call-sessions", "list", "--page-size", "many"], "'many' is not a valid integer"),
        (["call-sessions", "list", "--timeout", "inf"], "Invalid value for '--timeout': 'inf' is not a finite number"),
        (["call-sessions", "list", "--timeout", "nan"], "Invalid value for '--timeout': 'nan' is not a finite number"),
        (["call-sessions", "list", "--timeout", "0"], "0 is not > 0 and <= 86400"),
        (["call-sessions", "list", "--max-retries", "101"], "101 is not in the range 0<=x<=100"),
        (["call-sessions", "list", "--sort-order", "up"], "'up' is not one of 'asc', 'desc'"),
        (["call-sessions", "list", "--started-after", "2026-11-01"], "has no timezone; add one"),
        (["call-sessions", "list", "--started-after", "yesterday"], "is not an ISO 8601 timestamp"),
        (["call-sessions", "list", "--format", "xml"], "'xml' is not one of"),
        (["call-sessions", "list", "--no-such-option"], "No such option '--no-such-option'"),
        (["calls", "create", "--call-type", "web_call"], "Missing option '--agent-id'"),
        (["agents", "update", "a1", "--max-call-minutes", "0"], "0 is not in the range x>=1"),
        (["call-sessions", "export", "-o", "x.jsonl", "--prefetch", "99"], "99 is not in the range 0<=x<=32"),
    ],
)
def test_a_bad_option_value_is_one_line_and_exit_2(cli: Cli, arguments: list[str], expected: str) -> None:
    cli.server.respond = paged(1)
    result = cli(*arguments)
    assert result.code == 2
    assert result.out == ""
    assert len(result.error_lines) == 1, result.err
    line = result.error_lines[0]
    assert line.startswith("error: ")
    assert expected in line
    assert "--help' " in line or "--help')" in line
    for box_drawing in ("╭", "│", "Usage:"):
        assert box_drawing not in result.err
    assert cli.server.requests == []


def test_an_argument_the_client_refuses_is_a_usage_error(cli: Cli) -> None:
    result = cli("agents", "get", "")
    assert result.code == 2
    assert result.error_lines == ["error: agent_id must not be empty: it is a segment of the URL path"]
    assert cli.server.requests == []


def test_a_missing_key_says_how_to_give_one(cli: Cli) -> None:
    cli.needs_key = True
    result = cli("call-sessions", "list")
    assert result.code == 2
    assert result.error_lines == ["error: No API key: set RAVAN_API_KEY (or AGNI_API_KEY), or pass --api-key."]


def test_plain_http_is_refused_naming_the_option_that_allows_it(cli: Cli) -> None:
    result = cli("call-sessions", "list", "--base-url", "http://10.0.0.5:8080")
    assert result.code == 2
    assert len(result.error_lines) == 1
    assert "pass --allow-insecure-http if you really mean it" in result.err
    assert "allow_insecure_http=True" not in result.err
    cli.server.respond = paged(0)
    allowed = cli("call-sessions", "list", "--base-url", "http://10.0.0.5:8080", "--allow-insecure-http")
    assert allowed.code == 0, allowed.err
    assert str(cli.server.requests[0].url).startswith("http://10.0.0.5:8080/api/v1/calling/call-sessions?")


class _RewordedMissingKey(MissingAPIKeyError):
    def __init__(self, message: str, env_vars: tuple[str, ...] = ()) -> None:
        super().__init__("Kein API-Schlüssel angegeben.", env_vars)


class _RewordedInsecureURL(InsecureBaseURLError):
    def __init__(self, message: str, base_url: str = "") -> None:
        super().__init__("Unverschlüsselt: abgelehnt.", base_url)


def test_the_cli_tells_setting_errors_apart_by_class_not_by_wording(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI once matched `message.startswith("No API key")` and `"plain http" in message`: a
    reworded client message lost the CLI's own advice (its option names)."""
    monkeypatch.setattr(_base_client, "MissingAPIKeyError", _RewordedMissingKey)
    monkeypatch.setattr(_base_client, "InsecureBaseURLError", _RewordedInsecureURL)
    cli.needs_key = True
    missing = cli("call-sessions", "list")
    assert missing.code == 2
    assert missing.error_lines == ["error: No API key: set RAVAN_API_KEY (or AGNI_API_KEY), or pass --api-key."]
    cli.needs_key = False
    insecure = cli("call-sessions", "list", "--base-url", "http://user:pw-7f3a@10.0.0.5:8080")
    assert insecure.code == 2
    assert insecure.error_lines == [
        "error: --base-url 'http://user:[secure]@10.0.0.5:8080' is plain http to a non-loopback host: the API key "
        "would travel unencrypted. Use https, or pass --allow-insecure-http if you really mean it."
    ]
    assert "Unverschlüsselt" not in insecure.err
    assert cli.server.requests == []


def test_the_cli_reaches_no_private_attribute_of_a_page_or_client() -> None:
    """It once fetched past the last page through `last_page._fetcher`: pages have a public
    `probe_next_page()` for that."""
    source = cli_source()
    assert not re.search(r"(page|client|error)\._[a-z]", source)


# --- help and version ------------------------------------------------------------------------------------------


def test_help_shows_the_defaults(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    listing = cli("call-sessions", "list", "--help")
    assert listing.code == 0
    text = " ".join(listing.out.split())
    page_size = text[text.index("--page-size") : text.index("--status")]
    assert "Records per page." in page_size
    assert "20 (the server's)" in page_size
    assert "60 (5 to connect)" in text[text.index("--timeout") : text.index("--max-retries")]
    export = cli("call-sessions", "export", "-h")
    text = " ".join(export.out.split())
    assert "[default: 100; x>=1]" in text
    assert "The page size defaults to 100" in text
    assert "-f, --format [jsonl|csv|json]" in text
    assert "[default: jsonl]" in text
    assert "--page " not in text  # export pages by itself


def test_version_names_the_spec_it_was_generated_from(cli: Cli) -> None:
    result = cli("--version")
    assert result.code == 0
    spec_sha256 = hashlib.sha256(GOLDEN_SPEC.read_bytes()).hexdigest()
    version = PROGRAM.version
    assert result.out == f"ravan-calls {version} (generated from spec version 2.0.0, sha256 {spec_sha256[:12]})\n"


# --- API failures: one line that says what to do -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (401, {}, "The API rejected the key (401). Set RAVAN_API_KEY or pass --api-key with a valid key."),
        (403, {}, "The key may not do this (403)."),
        (404, {}, "Not found (404): 404 Not Found: no. Check the id, and --base-url."),
        (422, {}, "The API refused the request (422): 422 Unprocessable Entity: no"),
        (429, {"Retry-After": "5"}, "Rate limited (429) after retries. It asked to wait 5 s."),
        (418, {}, "The API answered 418 I'm a teapot: no"),
    ],
)
def test_api_failures_print_one_line_that_says_what_to_do(
    cli: Cli, status: int, headers: dict[str, str], expected: str
) -> None:
    cli.server.respond = lambda request: json_response(status, {"success": False, "message": "no"}, headers)
    result = cli("call-sessions", "list", "--max-retries", "0")
    assert result.code == 1
    assert result.error_lines == [f"error: {expected}"] or expected in result.err
    assert len(result.error_lines) == 1
    assert "Traceback" not in result.err


def test_a_server_error_says_what_to_try(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(500, {"success": False, "message": "db down"})
    result = cli("call-sessions", "list")
    assert result.code == 1
    assert len(cli.server.requests) == 3  # the retries were made first
    assert result.error_lines == [
        "error: The server failed (500 Internal Server Error: db down) and kept failing after the retries. It is "
        "often temporary: try again in a minute, or raise --max-retries; if it persists, try a smaller "
        "--page-size, or contact Ravan AI support."
    ]


def test_an_unreachable_host_is_one_line_that_keeps_the_port(cli: Cli) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    cli.server.respond = refuse
    result = cli("call-sessions", "list", "--max-retries", "0", "--base-url", "https://api.example.com:8443/prefix")
    assert result.code == 1
    assert result.error_lines == [
        "error: Could not reach api.example.com:8443 (Connection error: ConnectError: connection refused). "
        "Check --base-url and your network."
    ]


def test_a_timeout_says_to_raise_it(cli: Cli) -> None:
    cli.server.responses = [httpx.ReadTimeout("slow")]
    result = cli("call-sessions", "list", "--max-retries", "0")
    assert result.error_lines == ["error: No answer from api.example.com in time. Raise --timeout or try again."]


def test_the_key_never_reaches_the_output(cli: Cli) -> None:
    cli.server.respond = lambda request: json_response(
        401, {"success": False, "message": f"bad key {request.headers['X-Api-Key']}"}
    )
    result = cli("call-sessions", "list", "--api-key", "sk-very-secret-123", "--max-retries", "0")
    assert result.code == 1
    assert "sk-very-secret-123" not in result.out + result.err
    assert API_KEY not in result.out + result.err


def test_strict_responses_fail_naming_the_record_and_field_and_default_keeps_the_record(cli: Cli) -> None:
    odd = page_body([session("s1"), session("s2", durationSec="twelve")])
    cli.server.respond = lambda request: json_response(200, odd)
    lenient = cli("call-sessions", "list", "--format", "jsonl")
    assert lenient.code == 0, lenient.err
    assert '"durationSec":"twelve"' in lenient.out  # the record is kept, its value as received
    strict = cli("call-sessions", "list", "--strict-responses")
    assert strict.code == 1
    assert "data.callSessions[1] (id 's2')" in strict.err
    assert "'durationSec' (duration_sec)" in strict.err


# --- options of the spec never take the CLI's own (issue 16, item 10) -----------------------------


def test_spec_options_named_like_the_clis_own_keep_their_own_flags_and_values() -> None:
    from ravan_runtime._commands import Command, Group, Option, Program
    from ravan_runtime._operations import OperationSpec, Parameter
    from ravan_runtime._validation import IntegerRule, StringRule

    operation = OperationSpec(
        "GET",
        "/things",
        tuple(Parameter(name, name, "query", StringRule()) for name in ("format", "api_key", "output_format"))
        + tuple(Parameter(name, name, "query", IntegerRule()) for name in ("page", "page_size")),
    )
    command = Command(
        "list",
        "list",
        "List things.",
        operation,
        (
            Option("format", flag="--query-format"),
            Option("api_key", flag="--query-api-key"),
            Option("output_format"),
            Option("page"),
            Option("page_size"),
        ),
        "object",
        paginated=True,
        export_name="export",
        page_option="page",
        size_option="page_size",
        export_page_size=10,
    )
    program = Program(
        name="demo",
        help="Demo.",
        groups=(Group("things", "things", "Things.", (command,)),),
        top_level_group=None,
        version="1",
        spec_version="1",
        spec_sha256="0" * 64,
        install_hint="",
    )
    group = _cli.build(program, lambda **settings: None)  # type: ignore[arg-type]
    things = group.commands["things"]
    assert isinstance(things, click.Group)
    listing = things.commands["list"]
    context = listing.make_context(
        "list",
        [
            "--format",
            "csv",
            "--query-format",
            "wav",
            "--api-key",
            "KEY",
            "--query-api-key",
            "q",
            "--output-format",
            "o",
        ],
    )
    # The CLI's own options keep their values; each spec option has its own destination.
    assert context.params["output_format"] == "csv"
    assert context.params["api_key"] == "KEY"
    assert context.params["arg_format"] == "wav"
    assert context.params["arg_api_key"] == "q"
    assert context.params["arg_output_format"] == "o"
    assert _params.method_arguments(command, context.params) == {"format": "wav", "api_key": "q", "output_format": "o"}
    export = things.commands["export"]
    context = export.make_context("export", ["--format", "csv", "--output", "x.csv", "--query-format", "wav"])
    assert context.params["export_format"] == "csv"
    assert context.params["output"] == "x.csv"
    assert context.params["arg_format"] == "wav"


# --- one description per argument (issue 17) -------------------------------------------------------------


def test_an_option_holds_only_what_the_command_line_adds() -> None:
    """Type, bounds, choices, nullability and item kinds are the operation's (its rules), not a
    second vocabulary on the option."""
    import dataclasses

    from ravan_runtime._commands import Option

    assert {f.name for f in dataclasses.fields(Option)} == {"python_name", "help", "flag", "server_default"}


def _one_command_program(operation: Any, options: tuple[Any, ...], **command: Any) -> tuple[Any, click.Command]:
    from ravan_runtime._commands import Command, Group, Program

    made = Command("do", "do", "Do it.", operation, options, "object", **command)
    program = Program(
        name="demo",
        help="Demo.",
        groups=(Group("things", "things", "Things.", (made,)),),
        top_level_group=None,
        version="1",
        spec_version="1",
        spec_sha256="0" * 64,
        install_hint="",
    )
    things = _cli.build(program, lambda **settings: None).commands["things"]  # type: ignore[arg-type]
    assert isinstance(things, click.Group)
    return made, things.commands["do"]


def test_the_options_types_come_from_the_operations_rules(tmp_path: Any) -> None:
    from ravan_runtime._commands import Option
    from ravan_runtime._operations import BodySpec, OperationSpec, Parameter
    from ravan_runtime._validation import (
        ArrayRule,
        ChoiceRule,
        IntegerRule,
        NumberRule,
        ObjectField,
        ObjectRule,
        StringRule,
        UnionRule,
    )

    body = ObjectRule(
        (
            ObjectField("Note", StringRule(nullable=True)),
            ObjectField("Shape", UnionRule((ObjectRule(), ObjectRule()))),
            ObjectField("Weight", NumberRule(exclusive_minimum=0, maximum=1)),
            ObjectField("Upload", StringRule(), required=True),
        )
    )
    operation = OperationSpec(
        "POST",
        "/things/{thingId}",
        (
            Parameter("thing_id", "thingId", "path", IntegerRule(minimum=1), required=True),
            Parameter("limit", "limit", "query", IntegerRule(minimum=1, maximum=50)),
            Parameter("level", "level", "query", ChoiceRule((1, 2, 3))),
            Parameter("tags", "tag", "query", ArrayRule(ChoiceRule(("a", "b")))),
            Parameter("levels", "levels", "query", ArrayRule(ChoiceRule((1, 2)))),
        ),
        BodySpec(
            body,
            flattened=True,
            properties=(("note", "Note"), ("shape", "Shape"), ("weight", "Weight")),
            files=(("upload", "Upload", False, True),),
        ),
    )
    names = ("thing_id", "limit", "level", "tags", "levels", "note", "shape", "weight", "upload")
    made, command = _one_command_program(operation, tuple(Option(name) for name in names))
    upload = tmp_path / "up.bin"
    upload.write_bytes(b"x")
    given = ["7", "--limit", "50", "--level", "2", "--tags", "a", "--tags", "b", "--levels", "2", "--note", "null"]
    given += ["--shape", '{"k": 1}', "--weight", "0.5", "--upload", str(upload)]
    context = command.make_context("do", given)
    assert _params.method_arguments(made, context.params) == {
        "thing_id": 7,
        "limit": 50,
        "level": 2,  # the enum's integer, not its text
        "tags": ["a", "b"],
        "levels": [2],  # an integer enum's items too (they once reached the client as text, and were refused)
        "note": None,  # `null` sends JSON null: the body property may be null
        "shape": {"k": 1},
        "weight": 0.5,
        "upload": upload,
    }
    refused = [
        (["0", "--upload", str(upload)], "0 is not in the range x>=1"),
        (["7", "--upload", str(upload), "--limit", "51"], "51 is not in the range 1<=x<=50"),
        (["7", "--upload", str(upload), "--level", "4"], "'4' is not one of '1', '2', '3'"),
        (["7", "--upload", str(upload), "--tags", "c"], "'c' is not one of 'a', 'b'"),
        (["7", "--upload", str(upload), "--shape", "[1]"], "is not a JSON object"),
        (["7", "--upload", str(upload), "--weight", "0"], "0 is not > 0 and <= 1"),
        (["7", "--upload", str(tmp_path / "missing")], "does not exist"),
        (["7"], "Missing option '--upload'"),
    ]
    for arguments, expected in refused:
        with pytest.raises(click.UsageError) as refusal:
            command.make_context("do", arguments)
        assert expected in refusal.value.format_message()


def test_a_union_path_argument_of_single_values_is_read_as_the_first_variant_it_fits() -> None:
    """Qdrant's point id is an integer or a UUID: `42` is the integer, a UUID is typed bare (not as
    JSON, which would want it quoted), and text that fits neither is refused naming both."""
    from ravan_runtime._commands import Option
    from ravan_runtime._operations import OperationSpec, Parameter
    from ravan_runtime._validation import IntegerRule, StringRule, UnionRule

    point_id = UnionRule((IntegerRule(minimum=0), StringRule(format="uuid")))
    operation = OperationSpec("GET", "/points/{id}", (Parameter("id", "id", "path", point_id, required=True),))
    made, command = _one_command_program(operation, (Option("id"),))
    uuid = "550e8400-e29b-41d4-a716-446655440000"
    for given, expected in (("42", 42), (uuid, uuid)):
        context = command.make_context("do", [given])
        assert _params.method_arguments(made, context.params) == {"id": expected}
        assert operation.build({"id": expected}).path == f"/points/{given}"
    with pytest.raises(click.UsageError) as refusal:
        command.make_context("do", ["not-a-uuid"])
    assert "'not-a-uuid' is not an integer >= 0 or a UUID string" in refusal.value.format_message()


def test_a_union_option_that_may_be_a_string_takes_plain_text_and_json_alike() -> None:
    """Resend's `to` is an address or a list of them; Qdrant's shard key a name or a number: text
    that is not JSON is the string itself. An option whose every shape is an object still wants JSON."""
    from ravan_runtime._commands import Option
    from ravan_runtime._operations import OperationSpec, Parameter
    from ravan_runtime._validation import ArrayRule, IntegerRule, ObjectRule, StringRule, UnionRule

    operation = OperationSpec(
        "GET",
        "/things",
        (
            Parameter("to", "to", "query", UnionRule((StringRule(), ArrayRule(StringRule())))),
            Parameter("shard", "shard", "query", UnionRule((StringRule(), IntegerRule()))),
            Parameter("shape", "shape", "query", UnionRule((ObjectRule(), ObjectRule()))),
        ),
    )
    made, command = _one_command_program(operation, (Option("to"), Option("shard"), Option("shape")))
    given = ["--to", "a@example.com", "--shard", "7", "--shape", '{"k": 1}']
    context = command.make_context("do", given)
    # The shard key's first shape is a string: `7` fits it (the first that fits, as the client picks).
    assert _params.method_arguments(made, context.params) == {"to": "a@example.com", "shard": "7", "shape": {"k": 1}}
    context = command.make_context("do", ["--to", '["a@example.com"]', "--shard", "region_1"])
    assert _params.method_arguments(made, context.params) == {"to": ["a@example.com"], "shard": "region_1"}
    with pytest.raises(click.UsageError) as refusal:
        command.make_context("do", ["--shape", "round"])
    assert "'round' is not JSON" in refusal.value.format_message()


def test_a_list_of_lists_option_reads_each_repetition_as_a_json_list() -> None:
    """openapi-python-client's `nested_list_of_enums` (a list of lists of an enum): each
    `--nested '[...]'` is one inner list. Read as text, every value was refused."""
    from ravan_runtime._commands import Option
    from ravan_runtime._operations import OperationSpec, Parameter
    from ravan_runtime._validation import ArrayRule, ChoiceRule

    nested = ArrayRule(ArrayRule(ChoiceRule(("SAME", "DIFFERENT"))))
    operation = OperationSpec("GET", "/things", (Parameter("nested", "nested", "query", nested),))
    made, command = _one_command_program(operation, (Option("nested"),))
    context = command.make_context("do", ["--nested", '["DIFFERENT"]', "--nested", '["SAME", "DIFFERENT"]'])
    arguments = _params.method_arguments(made, context.params)
    assert arguments == {"nested": [["DIFFERENT"], ["SAME", "DIFFERENT"]]}
    with pytest.raises(click.UsageError) as refusal:
        command.make_context("do", ["--nested", "DIFFERENT"])
    assert "'DIFFERENT' is not JSON" in refusal.value.format_message()


def test_a_json_option_nested_beyond_pythons_recursion_limit_is_refused_in_one_line(cli: Cli) -> None:
    """json's decoder recurses once per level: a value nested deeper than the interpreter allows
    once escaped `run()` as a RecursionError traceback."""
    deep = "[" * 100_000 + "]" * 100_000
    result = cli("calls", "create", "--metadata", '{"a": ' + deep + "}")
    assert result.code == 2
    assert result.error_lines == [
        "error: Invalid value for '--metadata': the JSON given is nested too deeply "
        "(see 'ravan-calls calls create --help')"
    ]
    assert cli.server.requests == []


def test_the_page_size_flag_in_messages_is_the_commands_own() -> None:
    """The size parameter's name is the spec's: the hints name the command's own flag."""
    from ravan_runtime._commands import Option
    from ravan_runtime._operations import OperationSpec, Parameter
    from ravan_runtime._validation import IntegerRule

    operation = OperationSpec(
        "GET",
        "/things",
        (Parameter("page", "page", "query", IntegerRule()), Parameter("limit", "limit", "query", IntegerRule())),
    )
    made, _ = _one_command_program(
        operation,
        (Option("page"), Option("limit", flag="--per-page")),
        paginated=True,
        export_name="export",
        page_option="page",
        size_option="limit",
        export_page_size=100,
    )
    assert made.size_flag == "--per-page"
    request = httpx.Request("GET", "https://api.example.com/things")
    failed = httpx.Response(500, request=request)
    from ravan_runtime._exceptions import InternalServerError

    error = InternalServerError("500 Internal Server Error: down", response=failed)
    assert "try a smaller --per-page, or contact" in _cli.explain(error, size_flag=made.size_flag)
    assert "smaller" not in _cli.explain(error)  # a command without pages suggests none
    assert "--page-size" not in cli_source()


def test_a_query_object_option_is_a_json_object_sent_in_its_style() -> None:
    """openapi-python-client's `model_prop` (form) and Stripe's `created` (deepObject; an integer
    or an object of bounds): the option takes the JSON the client takes, checked by the same rule."""
    from ravan_runtime._commands import Option
    from ravan_runtime._operations import OperationSpec, Parameter
    from ravan_runtime._validation import ChoiceRule, IntegerRule, ObjectField, ObjectRule, UnionRule

    model = ObjectRule((ObjectField("a_property", ChoiceRule(("FIRST_VALUE", "SECOND_VALUE"))),), closed=True)
    bounds = ObjectRule((ObjectField("gte", IntegerRule()), ObjectField("lt", IntegerRule())), closed=True)
    operation = OperationSpec(
        "GET",
        "/things",
        (
            Parameter("model_prop", "model_prop", "query", model, required=True),
            Parameter("created", "created", "query", UnionRule((IntegerRule(), bounds)), style="deepObject"),
        ),
    )
    made, command = _one_command_program(operation, (Option("model_prop"), Option("created")))
    for created, query in (
        ("5", [("created", "5")]),
        ('{"gte": 1, "lt": 9}', [("created[gte]", "1"), ("created[lt]", "9")]),
    ):
        context = command.make_context("do", ["--model-prop", '{"a_property": "FIRST_VALUE"}', "--created", created])
        arguments = _params.method_arguments(made, context.params)
        assert list(operation.build(arguments).params) == [("a_property", "FIRST_VALUE"), *query]
    with pytest.raises(click.UsageError) as refusal:
        command.make_context("do", ["--model-prop", '"FIRST_VALUE"'])
    assert "is not a JSON object" in refusal.value.format_message()
    context = command.make_context("do", ["--model-prop", '{"other": 1}'])
    with pytest.raises(ValueError, match="model_prop has the key 'other', which is not allowed"):
        operation.build(_params.method_arguments(made, context.params))
