"""`export`: whole records only, a count that matches the file, the target replaced only when complete.

Failures are simulated where they happen: an API error from the transport, Ctrl-C raised by
the transport, SIGTERM sent to this process from the transport (in the main thread), and a full
disk from the file the export writes to.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import threading
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from ravan_runtime import _pagination
from ravan_runtime._cli import _export, _output
from ravan_runtime._commands import Column

from tests.runtime.harness import (
    EXPORT_COLUMNS,
    Cli,
    Handler,
    history_body,
    json_response,
    one_page,
    page_body,
    paged,
    session,
)

FORMATS = ["jsonl", "csv", "json"]


def rich_session(i: int) -> dict[str, Any]:
    return session(
        f"s{i}",
        status="completed",
        metadata={"crm": {"id": i}},
        creditBreakdown={"total_credits": 1.5, "channel": "sip"},
        futureField="kept",
    )


def records_in(path: Path, export_format: str) -> list[dict[str, Any]]:
    """The records a finished export file holds; fails on anything that is not valid output."""
    text = path.read_bytes().decode("utf-8")  # strict: the file must be valid UTF-8
    if export_format == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if export_format == "json":
        loaded: list[dict[str, Any]] = json.loads(text)
        return loaded
    return list(csv.DictReader(io.StringIO(text, newline="")))


def fail_on_page(page: int, failure: Handler, total: int = 1000) -> Handler:
    healthy = paged(total, rich_session)

    def respond(request: httpx.Request) -> httpx.Response:
        if int(request.url.params["page"]) == page:
            return failure(request)
        return healthy(request)

    return respond


# --- what a complete export writes ---------------------------------------------------------------------


@pytest.mark.parametrize("export_format", FORMATS)
def test_export_writes_every_record_of_every_page(cli: Cli, tmp_path: Path, export_format: str) -> None:
    cli.server.respond = paged(45, rich_session)
    out = tmp_path / f"calls.{export_format}"
    result = cli(
        "call-sessions", "export", "-f", export_format, "-o", str(out), "--page-size", "20", "--status", "done"
    )
    assert result.code == 0, result.err
    records = records_in(out, export_format)
    assert [r["id"] for r in records] == [f"s{i}" for i in range(45)]
    assert result.err == f"Wrote 45 call sessions to {out}.\n"
    # Page 3 is short (5 of 20): page 4 is asked for too, to be sure the server does not cap the size.
    assert cli.server.pages_requested == [1, 2, 3, 4]
    assert all(request.url.params["status"] == "done" for request in cli.server.requests)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary or partial file left


def test_export_builds_the_models_of_the_first_page_only(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The records are written as received: the pages after the first (which the list call returns
    # with its models), the short last page that is checked and the page after it build none.
    built: list[int] = []
    real = _pagination._parse_models

    def counting(data: Any, pagination: Any) -> Any:
        built.append(1)
        return real(data, pagination)

    monkeypatch.setattr(_pagination, "_parse_models", counting)
    cli.server.respond = paged(45, rich_session)
    out = tmp_path / "calls.jsonl"
    assert cli("call-sessions", "export", "-f", "jsonl", "-o", str(out), "--page-size", "20").code == 0
    assert [r["id"] for r in records_in(out, "jsonl")] == [f"s{i}" for i in range(45)]
    assert cli.server.pages_requested == [1, 2, 3, 4]
    assert len(built) == 1


def test_export_jsonl_keeps_every_key_as_received(cli: Cli, tmp_path: Path) -> None:
    cli.server.respond = paged(2, lambda i: session(f"s{i}", startedAt="2026-11-24T16:02:11.1234567Z", n=5))
    out = tmp_path / "calls.jsonl"
    assert cli("call-sessions", "export", "-o", str(out)).code == 0
    assert out.read_text().splitlines()[0] == '{"id":"s0","startedAt":"2026-11-24T16:02:11.1234567Z","n":5}'


def test_export_pages_by_its_own_page_size_and_honours_max_items(cli: Cli, tmp_path: Path) -> None:
    cli.server.respond = paged(1000)
    out = tmp_path / "calls.jsonl"
    result = cli("call-sessions", "export", "-o", str(out), "--max-items", "150", "--prefetch", "2")
    assert result.code == 0, result.err
    assert len(records_in(out, "jsonl")) == 150
    assert {request.url.params["page_size"] for request in cli.server.requests} == {"100"}
    assert "Wrote 150 call sessions" in result.err


@pytest.mark.parametrize(("total", "message"), [(1, "Wrote 1 call session to"), (0, "Wrote 0 call sessions to")])
def test_the_count_is_singular_or_plural(cli: Cli, tmp_path: Path, total: int, message: str) -> None:
    cli.server.respond = paged(total)
    out = tmp_path / "calls.json"
    result = cli("call-sessions", "export", "-f", "json", "-o", str(out))
    assert message in result.err
    assert len(records_in(out, "json")) == total


def test_export_to_stdout(cli: Cli) -> None:
    cli.server.respond = paged(3)
    result = cli("call-sessions", "export", "-o", "-")
    assert result.code == 0, result.err
    assert result.out == '{"id":"s0"}\n{"id":"s1"}\n{"id":"s2"}\n'
    assert result.err == "Wrote 3 call sessions to stdout.\n"


def test_repeated_items_are_written_once_and_counted(cli: Cli, tmp_path: Path) -> None:
    content = {1: [session("s0"), session("s1")], 2: [session("s1"), session("s2")]}
    cli.server.respond = lambda r: json_response(200, page_body(content.get(int(r.url.params["page"]), [])))
    out = tmp_path / "calls.jsonl"
    result = cli("call-sessions", "export", "-o", str(out), "--page-size", "2")
    assert [r["id"] for r in records_in(out, "jsonl")] == ["s0", "s1", "s2"]
    assert "Wrote 3 call sessions" in result.err
    assert "(1 call session repeated across page boundaries, written once)" in result.err


def test_export_writes_a_temporary_file_and_renames_it_when_complete(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "calls.jsonl"
    out.write_text("yesterday\n")
    temporary = tmp_path / f".calls.jsonl.{os.getpid()}.tmp"
    seen_during: list[tuple[str, bool]] = []
    healthy = paged(25)

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "3":
            seen_during.append((out.read_text(), temporary.exists()))
        return healthy(request)

    cli.server.respond = respond
    assert cli("call-sessions", "export", "-o", str(out), "--page-size", "10").code == 0
    assert seen_during == [("yesterday\n", True)]  # the target untouched while the export ran
    assert len(records_in(out, "jsonl")) == 25
    assert not temporary.exists()


def test_export_progress_is_silent_when_stderr_is_not_a_terminal(cli: Cli, tmp_path: Path) -> None:
    cli.server.respond = paged(30)
    out = tmp_path / "x.jsonl"
    result = cli("call-sessions", "export", "-o", str(out), "--page-size", "10")
    assert (result.code, result.out, result.err) == (0, "", f"Wrote 30 call sessions to {out}.\n")


def test_progress_on_a_terminal_does_not_change_the_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TTY_INTERACTIVE", "0")
    monkeypatch.setenv("NO_COLOR", "1")
    cli.server.respond = paged(30)
    out = tmp_path / "x.jsonl"
    result = cli("call-sessions", "export", "-o", str(out), "--page-size", "10")
    assert result.code == 0, result.err
    assert "Wrote 30 call sessions" in result.err
    assert len(records_in(out, "jsonl")) == 30


# --- failures: the target is kept, whole records go to .partial, one line says so --------------------------------


@pytest.mark.parametrize("export_format", FORMATS)
def test_an_api_error_on_page_2_keeps_the_target_and_the_partial(cli: Cli, tmp_path: Path, export_format: str) -> None:
    out = tmp_path / f"calls.{export_format}"
    out.write_text("yesterday's export\n")
    cli.server.respond = fail_on_page(2, lambda request: json_response(401, {"success": False, "message": "revoked"}))
    result = cli("call-sessions", "export", "-f", export_format, "-o", str(out), "--page-size", "10")
    assert result.code == 1
    assert out.read_text() == "yesterday's export\n"
    partial = tmp_path / f"calls.{export_format}.partial"
    assert len(records_in(partial, export_format)) == 10
    assert result.error_lines == [
        "error: The API rejected the key (401). Set RAVAN_API_KEY or pass --api-key with a valid key.. "
        f"{out} was left as it was; the 10 call sessions received before are in {partial}."
    ]


def test_an_export_that_fails_on_the_first_page_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "calls.jsonl"
    out.write_text("kept\n")
    cli.server.respond = lambda request: json_response(401, {"success": False, "message": "bad key"})
    result = cli("call-sessions", "export", "-o", str(out), "--max-retries", "0")
    assert result.code == 1
    assert out.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.jsonl"]


def test_an_export_to_stdout_that_fails_says_how_much_was_written(cli: Cli) -> None:
    cli.server.respond = fail_on_page(2, lambda request: json_response(500, {}), total=1000)
    result = cli("call-sessions", "export", "-o", "-", "-f", "json", "--page-size", "3", "--max-retries", "0")
    assert result.code == 1
    assert len(json.loads(result.out)) == 3  # the array is closed
    assert len(result.error_lines) == 1
    assert result.error_lines[0].endswith("The 3 call sessions before it were written to stdout.")


@pytest.mark.parametrize("export_format", FORMATS)
def test_ctrl_c_ends_with_whole_records_a_count_and_exit_130(cli: Cli, tmp_path: Path, export_format: str) -> None:
    def interrupt(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    cli.server.respond = fail_on_page(2, interrupt)
    out = tmp_path / f"calls.{export_format}"
    result = cli("call-sessions", "export", "-f", export_format, "-o", str(out), "--page-size", "10")
    assert result.code == 130
    partial = tmp_path / f"calls.{export_format}.partial"
    assert len(records_in(partial, export_format)) == 10
    assert result.error_lines == [
        f"error: Interrupted. {out} was left as it was; the 10 call sessions received before are in {partial}."
    ]
    assert not out.exists()


def test_ctrl_c_before_the_first_page_touches_nothing(cli: Cli, tmp_path: Path) -> None:
    def interrupt(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    cli.server.respond = interrupt
    out = tmp_path / "calls.jsonl"
    result = cli("call-sessions", "export", "-o", str(out))
    assert result.code == 130
    assert result.error_lines == [f"error: Interrupted before the first page; {out} was not touched."]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
@pytest.mark.parametrize("export_format", FORMATS)
def test_sigterm_ends_with_whole_records_a_count_and_exit_143(cli: Cli, tmp_path: Path, export_format: str) -> None:
    def terminate(request: httpx.Request) -> httpx.Response:
        os.kill(os.getpid(), signal.SIGTERM)  # the export's handler raises in this (main) thread
        raise AssertionError("SIGTERM did not stop the export")

    previous = signal.getsignal(signal.SIGTERM)
    cli.server.respond = fail_on_page(3, terminate)
    out = tmp_path / f"calls.{export_format}"
    # Without prefetch the request runs in the main thread: the signal lands after page 2 is written.
    result = cli("call-sessions", "export", "-f", export_format, "-o", str(out), "--page-size", "10", "--prefetch", "0")
    assert result.code == 143
    partial = tmp_path / f"calls.{export_format}.partial"
    assert len(records_in(partial, export_format)) == 20
    assert result.error_lines == [
        f"error: Interrupted. {out} was left as it was; the 20 call sessions received before are in {partial}."
    ]
    assert signal.getsignal(signal.SIGTERM) == previous  # the export's handler is gone again


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
@pytest.mark.parametrize("export_format", FORMATS)
def test_sigterm_while_prefetching_ends_with_whole_records_and_their_count(
    cli: Cli, tmp_path: Path, export_format: str
) -> None:
    # At the default prefetch=1, page 3 is asked for by a fetch thread while the main thread takes
    # page 1 or 2: the signal lands in the main thread wherever it is, between whole records.
    def terminate(request: httpx.Request) -> httpx.Response:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the export")

    cli.server.respond = fail_on_page(3, terminate)
    out = tmp_path / f"calls.{export_format}"
    result = cli("call-sessions", "export", "-f", export_format, "-o", str(out), "--page-size", "10")
    assert result.code == 143
    partial = tmp_path / f"calls.{export_format}.partial"
    written = len(records_in(partial, export_format))
    assert written in (10, 20)
    assert result.error_lines == [
        f"error: Interrupted. {out} was left as it was; the {written} call sessions received before are in {partial}."
    ]
    assert not out.exists()


class FullDisk:
    """A file that takes `room` bytes, then writes part of the next block and fails: ENOSPC."""

    def __init__(self, real: IO[bytes], room: int) -> None:
        self.real = real
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.real.write(data[: self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.mark.parametrize("export_format", FORMATS)
def test_a_full_disk_leaves_whole_records_and_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export_format: str
) -> None:
    real_open = open

    def open_on_a_small_disk(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        # Room for the header and page 1, and for half of page 2.
        return FullDisk(real_open(path, mode, *args, **kwargs), room=page_bytes * 3 // 2)

    probe = tmp_path / "probe"
    encoder = _output.Encoder(export_format, EXPORT_COLUMNS, for_terminal=False)
    page_bytes = len(encoder.header()) + sum(len(encoder.record(rich_session(i))) for i in range(10))
    monkeypatch.setattr(_export, "open", open_on_a_small_disk, raising=False)
    cli.server.respond = paged(1000, rich_session)
    out = probe.with_name(f"calls.{export_format}")
    result = cli("call-sessions", "export", "-f", export_format, "-o", str(out), "--page-size", "10")
    assert result.code == 1
    partial = tmp_path / f"calls.{export_format}.partial"
    assert len(result.error_lines) == 1
    assert result.error_lines[0] == (
        f"error: Writing {out} failed: No space left on device. {out} was left as it was; "
        f"the 10 call sessions received before are in {partial}."
    )
    text = partial.read_bytes().decode()
    if export_format == "json":
        text += "\n]"  # no room was left for the closing bracket; every record before it is whole
        assert len(json.loads(text)) == 10
    else:
        assert len(records_in(partial, export_format)) == 10
        assert text.endswith("\n")  # no half record after the last whole one


def test_an_unwritable_output_is_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    cli.server.respond = paged(3)
    result = cli("call-sessions", "export", "-o", str(tmp_path / "missing-dir" / "x.jsonl"))
    assert result.code == 2
    assert len(result.error_lines) == 1
    assert "Cannot write" in result.err
    assert "Traceback" not in result.err


# --- what the records hold ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", FORMATS)
def test_a_lone_surrogate_still_makes_valid_output(cli: Cli, tmp_path: Path, export_format: str) -> None:
    # Legal in JSON ("\ud83d" is half an emoji), not encodable in UTF-8.
    cli.server.respond = one_page([session("s0", costTotal="a\ud83db")])
    out = tmp_path / f"calls.{export_format}"
    result = cli("call-sessions", "export", "-f", export_format, "-o", str(out))
    assert result.code == 0, result.err
    (record,) = records_in(out, export_format)  # valid UTF-8, valid JSON, the array closed
    if export_format == "csv":
        assert record["costTotal"] == "a\ufffdb"
    else:
        assert record["costTotal"] == "a\ud83db"
        assert "\\ud83d" in out.read_text()


@pytest.mark.parametrize("output_format", ["json", "jsonl", "csv", "tsv"])
def test_a_lone_surrogate_in_list_output_is_still_valid(cli: Cli, output_format: str) -> None:
    cli.server.respond = one_page([session("s0", costTotal="a\ud83db")])
    result = cli("call-sessions", "list", "--format", output_format)
    assert result.code == 0, result.err
    result.out.encode("utf-8")  # nothing unencodable reached stdout
    if output_format in ("json", "jsonl"):
        assert "a\\ud83db" in result.out
        assert json.loads(result.out.splitlines()[0] if output_format == "jsonl" else result.out)


def test_csv_puts_unknown_and_unflattenable_keys_in_extra(cli: Cli, tmp_path: Path) -> None:
    sessions = [
        session("s0", creditBreakdown={"total_credits": 1, "channel": "sip", "carbon": 2}, futureField=[1]),
        session("s1", creditBreakdown="not billed yet"),
        session("s2", creditBreakdown=None, metadata={"crm": {"id": 1}}),
    ]
    cli.server.respond = one_page(sessions)
    out = tmp_path / "calls.csv"
    assert cli("call-sessions", "export", "-f", "csv", "-o", str(out)).code == 0
    rows = records_in(out, "csv")
    assert list(rows[0]) == [column.header for column in EXPORT_COLUMNS] + ["extra"]
    assert rows[0]["creditBreakdown.total_credits"] == "1"
    assert rows[0]["creditBreakdown.channel"] == "sip"
    assert json.loads(rows[0]["extra"]) == {"creditBreakdown": {"carbon": 2}, "futureField": [1]}
    assert rows[1]["creditBreakdown.total_credits"] == ""
    assert json.loads(rows[1]["extra"]) == {"creditBreakdown": "not billed yet"}
    assert json.loads(rows[2]["extra"]) == {"metadata": {"crm": {"id": 1}}}  # no column of its own here


def test_csv_writes_an_object_column_as_json() -> None:
    """An object-valued property with a column of its own (the product's `metadata`) holds JSON."""
    encoder = _output.CsvEncoder((Column("id", ("id",)), Column("metadata", ("metadata",), json_encoded=True)))
    row = next(csv.DictReader(io.StringIO((encoder.header() + encoder.record(rich_session(1))).decode())))
    assert json.loads(row["metadata"]) == {"crm": {"id": 1}}
    assert json.loads(row["extra"])["futureField"] == "kept"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 415 777 4444", "'+1 415 777 4444"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain", "plain"),
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_prefixed(cli: Cli, tmp_path: Path, value: str, cell: str) -> None:
    cli.server.respond = one_page([session("s0", costTotal=value)])
    out = tmp_path / "calls.csv"
    assert cli("call-sessions", "export", "-f", "csv", "-o", str(out)).code == 0
    assert records_in(out, "csv")[0]["costTotal"] == cell


def test_csv_numbers_are_written_as_numbers_even_when_negative(cli: Cli, tmp_path: Path) -> None:
    record = session("s0", durationSec=-5, creditBreakdown={"total_credits": -1.5}, status="-5")
    cli.server.respond = one_page([record])
    out = tmp_path / "calls.csv"
    assert cli("call-sessions", "export", "-f", "csv", "-o", str(out)).code == 0
    row = records_in(out, "csv")[0]
    assert row["durationSec"] == "-5"
    assert row["creditBreakdown.total_credits"] == "-1.5"
    assert row["status"] == "'-5"  # a string that looks like a number is still text


def test_csv_extra_starts_with_a_brace_so_a_formula_inside_cannot_run_and_is_left_unprefixed(
    cli: Cli, tmp_path: Path
) -> None:
    """The extra cell is a JSON object: it starts with `{`, which no spreadsheet runs, so a key such
    as `=cmd` inside it is harmless and the cell is written as is (a cell that starts with `=` is
    prefixed: the control)."""
    encoder = _output.CsvEncoder(EXPORT_COLUMNS)
    row = next(csv.reader(io.StringIO(encoder.record({"id": "x", "=cmd": 1}).decode())))
    assert row[-1] == '{"=cmd": 1}'
    assert _output.spreadsheet_safe("=1") == "'=1"


def test_an_export_ended_by_a_server_that_caps_the_page_size_fails_instead_of_losing_records(
    cli: Cli, tmp_path: Path
) -> None:
    """A server that sends at most 5 sessions a page whatever --page-size asks: its page 1 looks
    like a short last page. The export asks for page 2 to be sure, finds more, and says so."""

    def capped(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return json_response(200, page_body([session(f"s{i}") for i in range((page - 1) * 5, min(page * 5, 12))]))

    cli.server.respond = capped
    out = tmp_path / "calls.jsonl"
    out.write_text("yesterday\n")
    result = cli("call-sessions", "export", "-o", str(out), "--page-size", "10")
    assert result.code == 1
    assert "the server seems to cap the page size. Run the export again with --page-size 5" in result.err
    assert result.err.count("\n") == 1
    assert out.read_text() == "yesterday\n"  # the target as it was
    assert len(records_in(tmp_path / "calls.jsonl.partial", "jsonl")) == 5


def test_the_cap_message_names_the_size_option_the_spec_gives(cli: Cli, tmp_path: Path) -> None:
    """The size parameter's flag is the plan's (from the spec's name), never a fixed `--page-size`."""
    from dataclasses import replace

    group = next(g for g in cli.program.groups if g.name == "call-sessions")
    listing = next(c for c in group.commands if c.name == "list")
    renamed = tuple(replace(o, flag="--per-page") if o.python_name == "page_size" else o for o in listing.options)
    commands = tuple(replace(c, options=renamed) if c is listing else c for c in group.commands)
    groups = tuple(replace(g, commands=commands) if g is group else g for g in cli.program.groups)
    cli.program = replace(cli.program, groups=groups)

    def capped(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return json_response(200, page_body([session(f"s{i}") for i in range((page - 1) * 5, min(page * 5, 12))]))

    cli.server.respond = capped
    result = cli("call-sessions", "export", "-o", str(tmp_path / "calls.jsonl"), "--per-page", "10")
    assert result.code == 1
    assert "Run the export again with --per-page 5" in result.err
    assert {request.url.params["page_size"] for request in cli.server.requests} == {"10"}


def test_with_max_items_the_end_is_not_checked(cli: Cli, tmp_path: Path) -> None:
    cli.server.respond = paged(45)
    out = tmp_path / "calls.jsonl"
    assert cli("call-sessions", "export", "-o", str(out), "--page-size", "20", "--max-items", "3").code == 0
    assert cli.server.pages_requested == [1]


# --- the end-of-export check, whatever the pagination style ---------------------------------------------


def counted_sessions(stored: int, total: int | None) -> Handler:
    """A page-number-total server holding `stored` sessions that reports `total` on every page."""

    def respond(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        start = (page - 1) * size
        items = [session(f"s{i}") for i in range(start, min(start + size, stored))]
        return json_response(200, history_body(items, total=total))

    return respond


def test_an_export_with_a_total_of_zero_on_full_pages_writes_every_record(cli: Cli, tmp_path: Path) -> None:
    """`total: 0` on full pages stopped the export after page 1: 100 of 250 written, exit 0."""
    cli.server.respond = counted_sessions(250, total=0)
    out = tmp_path / "calls.jsonl"
    result = cli("calls", "export-phone-history", "-o", str(out))
    assert result.code == 0, result.err
    assert [record["id"] for record in records_in(out, "jsonl")] == [f"s{i}" for i in range(250)]
    assert result.err == f"Wrote 250 calls to {out}.\n"
    assert cli.server.pages_requested == [1, 2, 3, 4]  # page 3 is short; page 4 confirms the end


@pytest.mark.parametrize(("stored", "requested"), [(250, [1, 2, 3, 4]), (200, [1, 2, 3])])
def test_an_export_with_a_right_total_still_confirms_the_end(
    cli: Cli, tmp_path: Path, stored: int, requested: list[int]
) -> None:
    cli.server.respond = counted_sessions(stored, total=stored)
    out = tmp_path / "calls.jsonl"
    result = cli("calls", "export-phone-history", "-o", str(out))
    assert result.code == 0, result.err
    assert len(records_in(out, "jsonl")) == stored
    assert cli.server.pages_requested == requested


def test_an_export_ended_by_a_total_too_small_fails_instead_of_losing_records(cli: Cli, tmp_path: Path) -> None:
    """A total of 100 that a full page 1 reaches looks right to the pager; the page after says otherwise."""
    cli.server.respond = counted_sessions(250, total=100)
    out = tmp_path / "calls.jsonl"
    out.write_text("yesterday\n")
    result = cli("calls", "export-phone-history", "-o", str(out))
    assert result.code == 1
    assert "Page 1 reached the total of 100 the server reported, yet page 2 holds more" in result.err
    assert result.err.count("\n") == 1
    assert out.read_text() == "yesterday\n"
    assert len(records_in(tmp_path / "calls.jsonl.partial", "jsonl")) == 100


def test_an_export_with_a_total_confirms_a_short_last_page_too(cli: Cli, tmp_path: Path) -> None:
    """A server capping pages at 5 that reports a total of 5: the end check once skipped every page
    with a total."""

    def capped(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return json_response(
            200, history_body([session(f"s{i}") for i in range((page - 1) * 5, min(page * 5, 12))], total=5)
        )

    cli.server.respond = capped
    out = tmp_path / "calls.jsonl"
    result = cli("calls", "export-phone-history", "-o", str(out), "--page-size", "10")
    assert result.code == 1
    assert "yet page 2 holds more" in result.err


# --- the JSON encoding: byte for byte what json.dumps writes -------------------------------------------

ODD_VALUES: list[Any] = [
    "plain",
    "naïve café, 東京, Ελληνικά, emoji 🎉 and a ZWJ 👩‍👩‍👧",
    "\ud800 lone \udfff surrogates \udbff",
    "controls \x00\x01\x1f \x7f \x85 \x9f tab\t newline\n return\r",
    "bidi \u202e reversed \u2066 \u061c \u200f",
    'quotes " and \\ backslashes \\u0041 and / slash',
    "",
    0.1,
    -0.0,
    1e16,
    1e-05,
    123456789.123456789,
    5e-324,
    1.7976931348623157e308,
    float("nan"),
    float("inf"),
    float("-inf"),
    2**70,
    -(2**63),
    0,
    True,
    False,
    None,
    [],
    {},
    [1, [2, [3, {"deep": [None, 1.5, "x"]}]]],
    {"b": 1, "a": 2, "ä": 3, "": 4},
    {7: "int key", 2.5: "float key", True: "bool key", None: "null key"},
]


def previous_json_line(value: Any, *, for_terminal: bool) -> bytes:
    """How a jsonl line was written before the encoder was reused: json.dumps, then the same steps."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if for_terminal:
        text = _output._UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.encode("utf-8", "backslashreplace") + b"\n"


@pytest.mark.parametrize("for_terminal", [False, True])
def test_jsonl_records_are_byte_for_byte_what_json_dumps_writes(for_terminal: bool) -> None:
    records = [{"id": f"s{i}", "value": v, "nested": {"list": [v, v]}} for i, v in enumerate(ODD_VALUES)]
    records.append({"every": ODD_VALUES})
    jsonl = _output.Encoder("jsonl", EXPORT_COLUMNS, for_terminal=for_terminal)
    json_array = _output.Encoder("json", EXPORT_COLUMNS, for_terminal=for_terminal)
    for record in [*records, *ODD_VALUES]:
        line = previous_json_line(record, for_terminal=for_terminal)
        assert jsonl.record(record) == line
        assert json_array.record(record).lstrip(b",\n") == line.rstrip(b"\n")


def test_a_value_json_cannot_write_fails_and_leaves_the_encoder_as_it_was() -> None:
    encoder = _output.Encoder("jsonl", EXPORT_COLUMNS, for_terminal=False)
    shared = {"id": "s1"}
    with pytest.raises(TypeError, match="not JSON serializable"):
        encoder.record({"nested": shared, "bad": object()})
    # The same objects again, now writable: the encoder is reused, so nothing of the failed call may
    # linger (such as a circular-reference marker).
    assert encoder.record({"nested": shared}) == b'{"nested":{"id":"s1"}}\n'
    assert encoder.record(shared) == b'{"id":"s1"}\n'


def test_a_value_that_holds_itself_is_an_error_not_a_hang() -> None:
    looped: dict[str, Any] = {"id": "s1"}
    looped["self"] = looped
    with pytest.raises(RecursionError):
        _output.Encoder("jsonl", EXPORT_COLUMNS, for_terminal=False).record(looped)
