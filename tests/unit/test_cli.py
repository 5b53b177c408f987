"""`ravan-calls`: options from the spec, exports that stay valid when interrupted, one-line errors.

The command builds its own RavanClient; these tests hand it one wired to an in-process transport.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from ravan_client import RavanClient, _cli
from ravan_client.cli import EXPORT_COLUMNS, app
from tests.unit.conftest import json_response, page_body, session
from tests.unit.test_client import SPEC

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], list[httpx.Request]]:
    """Make the command's client talk to `handler`; returns the list of requests it receives."""

    def install(handler: Handler) -> list[httpx.Request]:
        requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return handler(request)

        def make_client(settings: _cli.ClientSettings) -> RavanClient:
            client = RavanClient(
                api_key=settings.api_key or "test-key",
                max_retries=settings.max_retries if settings.max_retries is not None else 2,
                transport=httpx.MockTransport(record),
            )
            client._sleep = lambda seconds: None
            return client

        monkeypatch.setattr(_cli.ClientSettings, "make_client", make_client)
        return requests

    return install


def paged(total: int) -> Handler:
    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        start = (page - 1) * size
        rich = [
            session(
                f"s{i}",
                status="completed",
                metadata={"crm": {"id": i}},
                creditBreakdown={"total_credits": 1.5, "provider_managed": True},
                futureField="kept",
            )
            for i in range(start, min(start + size, total))
        ]
        return json_response(200, page_body(rich))

    return respond


runner = CliRunner()


def test_every_query_parameter_of_the_spec_is_an_option_of_both_commands() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    names = [p["name"] for p in spec["paths"]["/api/v1/calling/call-sessions"]["get"]["parameters"]]
    for command in ("list", "export"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        for name in names:
            assert f"--{name.replace('_', '-')}" in result.output, f"{command} lacks --{name}"
        for option in ("--base-url", "--api-key", "--timeout", "--max-retries"):
            assert option in result.output


def test_list_prints_a_table_of_one_page(serve: Callable[[Handler], list[httpx.Request]]) -> None:
    requests = serve(paged(3))
    result = runner.invoke(app, ["list", "--status", "completed", "--page-size", "5"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for header in ("id", "started", "channel", "status", "duration", "caller", "agent", "cost"):
        assert header in result.output
    assert "s0" in result.output
    assert "s2" in result.output
    assert len(requests) == 1
    assert requests[0].url.params["status"] == "completed"


def test_export_jsonl_writes_one_whole_session_per_line(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path
) -> None:
    requests = serve(paged(45))
    out = tmp_path / "calls.jsonl"
    result = runner.invoke(app, ["export", "-f", "jsonl", "-o", str(out), "--page-size", "20", "--channel", "voice"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [f"s{i}" for i in range(45)]
    assert records[0]["futureField"] == "kept"
    assert "Wrote 45 sessions" in result.output
    assert [int(r.url.params["page"]) for r in requests] == [1, 2, 3]
    assert all(r.url.params["channel"] == "voice" for r in requests)


def test_export_csv_flattens_nested_objects_and_json_encodes_free_form_ones(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path
) -> None:
    serve(paged(3))
    out = tmp_path / "calls.csv"
    result = runner.invoke(app, ["export", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 3
    assert rows[0]["id"] == "s0"
    assert rows[0]["creditBreakdown.total_credits"] == "1.5"
    assert rows[0]["creditBreakdown.provider_managed"] == "true"
    assert json.loads(rows[1]["metadata"]) == {"crm": {"id": 1}}
    assert json.loads(rows[0]["extra"]) == {"futureField": "kept"}
    assert list(rows[0]) == [column.header for column in EXPORT_COLUMNS] + ["extra"]


def test_export_json_writes_a_valid_array(serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path) -> None:
    serve(paged(25))
    out = tmp_path / "calls.json"
    result = runner.invoke(app, ["export", "-f", "json", "-o", str(out), "--prefetch", "3", "--page-size", "10"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(out.read_text())] == [f"s{i}" for i in range(25)]


@pytest.mark.parametrize("export_format", ["jsonl", "csv", "json"])
def test_an_export_stopped_by_an_error_leaves_whole_records_and_says_how_many(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path, export_format: str
) -> None:
    healthy = paged(1000)

    def fail_on_page_3(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "3":
            return json_response(503, {"success": False, "message": "maintenance"})
        return healthy(request)

    serve(fail_on_page_3)
    out = tmp_path / f"calls.{export_format}"
    result = runner.invoke(
        app, ["export", "-f", export_format, "-o", str(out), "--page-size", "10", "--max-retries", "1"]
    )
    assert result.exit_code == 1
    assert "20 whole sessions" in result.output
    assert "Traceback" not in result.output
    assert count_records(out, export_format) == 20


@pytest.mark.parametrize("export_format", ["jsonl", "csv", "json"])
def test_an_export_interrupted_by_ctrl_c_leaves_a_valid_file(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path, export_format: str
) -> None:
    healthy = paged(1000)

    def interrupt_on_page_2(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "2":
            raise KeyboardInterrupt
        return healthy(request)

    serve(interrupt_on_page_2)
    out = tmp_path / f"calls.{export_format}"
    result = runner.invoke(app, ["export", "-f", export_format, "-o", str(out), "--page-size", "10"])
    assert result.exit_code == 130
    assert "Interrupted" in result.output
    assert "10 whole sessions" in result.output
    assert count_records(out, export_format) == 10


def count_records(path: Path, export_format: str) -> int:
    text = path.read_text()
    if export_format == "jsonl":
        return len([json.loads(line) for line in text.splitlines()])
    if export_format == "json":
        return len(json.loads(text))
    return len(list(csv.DictReader(text.splitlines())))


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (401, {}, "rejected the key (401)"),
        (403, {}, "(403)"),
        (429, {"Retry-After": "5"}, "Rate limited (429)"),
        (500, {}, "500 Internal Server Error"),
    ],
)
def test_api_failures_print_one_line_that_says_what_to_do(
    serve: Callable[[Handler], list[httpx.Request]], status: int, headers: dict[str, str], expected: str
) -> None:
    serve(lambda request: json_response(status, {"success": False, "message": "no"}, headers))
    result = runner.invoke(app, ["list", "--max-retries", "0"])
    assert result.exit_code == 1
    assert expected in result.output
    assert result.output.count("\n") <= 3
    assert "Traceback" not in result.output


def test_an_unreachable_host_is_one_line(serve: Callable[[Handler], list[httpx.Request]]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    serve(refuse)
    result = runner.invoke(app, ["list", "--max-retries", "0"])
    assert result.exit_code == 1
    assert "Could not reach api.ravan.ai" in result.output
    assert "Check --base-url" in result.output


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["list", "--page", "0"], "0 is not in the range"),
        (["list", "--sort-order", "up"], "'up' is not one of"),
        (["list", "--started-after", "2026-11-01"], "needs a timezone"),
        (["list", "--started-before", "yesterday"], "ISO 8601"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(
    serve: Callable[[Handler], list[httpx.Request]], arguments: list[str], expected: str
) -> None:
    requests = serve(paged(1))
    result = runner.invoke(app, arguments, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert expected in result.output
    assert requests == []


def test_a_missing_key_says_how_to_give_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("RAVAN_API_KEY", "AGNI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["export", "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2
    assert "set RAVAN_API_KEY" in result.output


def test_the_key_never_reaches_the_output(serve: Callable[[Handler], list[httpx.Request]]) -> None:
    serve(lambda request: json_response(401, {"success": False, "message": f"bad key {request.headers['X-Api-Key']}"}))
    result = runner.invoke(app, ["list", "--api-key", "sk-very-secret-123", "--max-retries", "0"])
    assert result.exit_code == 1
    assert "sk-very-secret-123" not in result.output


def test_export_progress_is_silent_when_stderr_is_not_a_terminal(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path
) -> None:
    serve(paged(30))
    result = runner.invoke(app, ["export", "-o", str(tmp_path / "x.jsonl"), "--page-size", "10"])
    assert result.exit_code == 0
    assert result.output.strip() == f"Wrote 30 sessions to {tmp_path / 'x.jsonl'}."


def test_server_text_that_looks_like_markup_is_printed_as_is(serve: Callable[[Handler], list[httpx.Request]]) -> None:
    serve(lambda request: json_response(400, {"success": False, "message": "bad filter [/] [bold]x"}))
    result = runner.invoke(app, ["list", "--max-retries", "0"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "bad filter [/] [bold]x" in result.output
    assert "Traceback" not in result.output
    serve(lambda request: json_response(200, page_body([session("s[/]1", callerNumber="[bold]+1")])))
    result = runner.invoke(app, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "s[/]1" in result.output
    assert "[bold]+1" in result.output


def test_a_failed_export_leaves_an_existing_file_untouched(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path
) -> None:
    out = tmp_path / "yesterday.jsonl"
    out.write_text('{"id": "kept"}\n')
    serve(lambda request: json_response(401, {"success": False, "message": "bad key"}))
    result = runner.invoke(app, ["export", "-o", str(out), "--max-retries", "0"])
    assert result.exit_code == 1
    assert out.read_text() == '{"id": "kept"}\n'


def test_an_unwritable_output_is_one_line_and_exit_2(
    serve: Callable[[Handler], list[httpx.Request]], tmp_path: Path
) -> None:
    serve(paged(3))
    result = runner.invoke(app, ["export", "-o", str(tmp_path / "missing-dir" / "x.jsonl")])
    assert result.exit_code == 2
    assert "Cannot write" in result.output
    assert "Traceback" not in result.output
