"""What the `ravan-calls` command does: one page as a table, or every session exported to a file.

Hand-written; `scripts/generate` copies this module into the generated package. The command line
itself (`cli.py`, one option per query parameter of the spec) is generated and calls `run_list`
and `run_export`. Needs the `cli` extra (typer and rich); `import ravan_client` never imports it.

Exports stream: each session is written and flushed as it arrives, so memory stays flat whatever
the size of the export, and an interrupted export (Ctrl-C, or an error after retries) still
leaves a valid file of whole records: the JSON array is closed, the CSV has no half row.
"""

from __future__ import annotations

import csv
import datetime
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ._client import RavanClient
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
    RepeatedPageError,
)
from .types import Unset

__all__ = [
    "EXPORT_FORMATS",
    "CliError",
    "ClientSettings",
    "ExportColumn",
    "parse_timestamp",
    "run_export",
    "run_list",
]

EXPORT_FORMATS = ("jsonl", "csv", "json")
EXIT_API_ERROR = 1
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """An expected failure: printed as one line, no traceback, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = EXIT_API_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class ClientSettings:
    api_key: str | None
    base_url: str | None
    timeout: float | None
    max_retries: int | None

    def make_client(self) -> RavanClient:
        options: dict[str, Any] = {}
        if self.timeout is not None:
            options["timeout"] = self.timeout
        if self.max_retries is not None:
            options["max_retries"] = self.max_retries
        try:
            return RavanClient(api_key=self.api_key, base_url=self.base_url, **options)
        except ValueError as error:
            message = str(error)
            if message.startswith("No API key"):
                message = "No API key: set RAVAN_API_KEY (or AGNI_API_KEY), or pass --api-key."
            raise CliError(message, exit_code=2) from None


@dataclass(frozen=True)
class ExportColumn:
    """One CSV column: its header, the path of wire keys to its value, and whether the value is a
    free-form object to JSON-encode. Generated from the spec's item schema."""

    header: str
    path: tuple[str, ...]
    json_encoded: bool = False


def parse_timestamp(option: str, value: str | None) -> datetime.datetime | Unset:
    """An ISO 8601 option value with a timezone (`Z` or an offset); a naive one is ambiguous."""
    from .types import UNSET

    if value is None:
        return UNSET
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CliError(
            f"{option} must be an ISO 8601 timestamp such as 2026-11-01T00:00:00Z, got {value!r}", 2
        ) from None
    if parsed.tzinfo is None:
        raise CliError(f"{option} needs a timezone (2026-11-01T00:00:00Z or +05:30), got {value!r}", 2)
    return parsed


def run_list(settings: ClientSettings, list_call: Callable[[RavanClient], Any], console: Console) -> None:
    """Print one page as a table."""
    with settings.make_client() as client, _expected_errors():
        page = list_call(client)
    table = Table(title=f"Call sessions, page {page.page_number} ({len(page.items)} shown)")
    for header in ("id", "started", "channel", "status", "duration", "caller", "agent", "cost"):
        table.add_column(header, overflow="fold")
    for session in page.items:
        row = session.to_dict()
        duration = row.get("durationSec")
        table.add_row(
            _text(row.get("id")),
            _text(row.get("startedAt")),
            _text(row.get("channel")),
            _text(row.get("status")),
            "" if duration is None else escape(f"{duration} s"),
            _text(row.get("callerNumber")),
            _text(row.get("agentName") or row.get("agentId")),
            _text(row.get("costTotal")),
        )
    console.print(table)
    if page.has_next_page():
        console.print(f"More on page {page.page_number + 1}: add --page {page.page_number + 1}.", style="dim")


def run_export(
    settings: ClientSettings,
    list_call: Callable[[RavanClient], Any],
    *,
    output: Path,
    export_format: str,
    columns: Sequence[ExportColumn],
    stderr: Console,
) -> int:
    """Write every matching session to `output`; return how many were written.

    The file is opened only once the first page has arrived: a bad key or an unreachable host
    leaves an existing file as it was."""
    if export_format not in EXPORT_FORMATS:
        raise CliError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, got {export_format!r}", 2)
    written = 0
    with settings.make_client() as client:
        with _expected_errors():
            try:
                first_page = list_call(client)
            except KeyboardInterrupt:
                raise CliError(
                    f"Interrupted before the first page; {output} was not touched.", EXIT_INTERRUPTED
                ) from None
        try:
            stream = output.open("w", encoding="utf-8", newline="")
        except OSError as error:
            raise CliError(f"Cannot write {output}: {error.strerror or error}", 2) from None
        with stream:
            writer = _make_writer(export_format, stream, columns)
            try:
                with _progress(stderr) as bar:
                    task = bar.add_task("export", total=None, pages=0, rate=0.0) if bar is not None else None
                    started = time.monotonic()
                    pages = 0

                    def count_page(page: Any) -> None:
                        nonlocal pages
                        pages += 1
                        writer.flush()  # what the previous pages held is on disk
                        if bar is not None and task is not None:
                            _advance(bar, task, written, pages, started)

                    with _expected_errors():
                        # The sessions as the API sent them: wire keys, timestamps and numbers as
                        # received, unknown keys included (and no model-to-dict round trip per row).
                        for record in first_page.iter_raw_items(on_page=count_page):
                            writer.write(record)
                            written += 1
                    if bar is not None and task is not None:
                        _advance(bar, task, written, pages, started)
            except KeyboardInterrupt:
                writer.close()
                raise CliError(
                    f"Interrupted: {output} holds the {written} whole sessions written so far.", EXIT_INTERRUPTED
                ) from None
            except CliError as error:
                writer.close()
                raise CliError(
                    f"{error} ({output} holds the {written} whole sessions written before it.)", error.exit_code
                ) from None
            writer.close()
    return written


# --- writers ---------------------------------------------------------------------------------


class _Writer:
    """Writes whole records. The stream is flushed once per page (`flush`) and on `close`, which
    the export calls on every way out, Ctrl-C included: the file never ends in half a record."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.closed = False

    def write(self, record: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.stream.flush()


class _JsonLinesWriter(_Writer):
    def write(self, record: Mapping[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


class _JsonArrayWriter(_Writer):
    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.count = 0
        stream.write("[")

    def write(self, record: Mapping[str, Any]) -> None:
        self.stream.write(("\n" if self.count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        if not self.closed:
            self.stream.write("\n]\n" if self.count else "]\n")
        super().close()


class _CsvWriter(_Writer):
    def __init__(self, stream: IO[str], columns: Sequence[ExportColumn]) -> None:
        super().__init__(stream)
        self.columns = columns
        self.known_top_level = {column.path[0] for column in columns}
        self.csv = csv.writer(stream)
        self.csv.writerow([column.header for column in columns] + ["extra"])
        stream.flush()

    def write(self, record: Mapping[str, Any]) -> None:
        row = [self._cell(record, column) for column in self.columns]
        extra = {key: value for key, value in record.items() if key not in self.known_top_level}
        row.append(json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "")
        self.csv.writerow(row)

    @staticmethod
    def _cell(record: Mapping[str, Any], column: ExportColumn) -> str:
        value: Any = record
        for key in column.path:
            if not isinstance(value, Mapping):
                return ""
            value = value.get(key)
        if value is None:
            return ""
        if column.json_encoded or isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


def _make_writer(export_format: str, stream: IO[str], columns: Sequence[ExportColumn]) -> _Writer:
    if export_format == "jsonl":
        return _JsonLinesWriter(stream)
    if export_format == "json":
        return _JsonArrayWriter(stream)
    return _CsvWriter(stream, columns)


# --- progress and errors ---------------------------------------------------------------------


def _progress(stderr: Console) -> AbstractContextManager[Progress | None]:
    """A live progress line on stderr when it is a terminal; nothing otherwise."""
    if not stderr.is_terminal:
        return nullcontext(None)
    return Progress(
        TextColumn("[bold]{task.completed}[/] sessions"),
        TextColumn("{task.fields[pages]} pages"),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


def _advance(bar: Progress, task: TaskID, written: int, pages: int, started: float) -> None:
    elapsed = max(time.monotonic() - started, 1e-9)
    bar.update(task, completed=written, pages=pages, rate=written / elapsed)


class _expected_errors(AbstractContextManager[None]):
    """Turns the client's expected failures into one line that says what to do."""

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None or not isinstance(exc, APIError):
            return
        raise CliError(_explain(exc)) from None


def _explain(error: APIError) -> str:
    if isinstance(error, AuthenticationError):
        return "The API rejected the key (401). Set RAVAN_API_KEY or pass --api-key with a valid key."
    if isinstance(error, PermissionDeniedError):
        return "The key may not list call sessions (403). Check its permissions in your Ravan AI account."
    if isinstance(error, RateLimitError):
        wait = f" It asked to wait {error.retry_after:.0f} s." if error.retry_after else ""
        return f"Rate limited (429) after retries.{wait} Try again later, or raise --max-retries."
    if isinstance(error, APITimeoutError):
        return f"No answer from {error.request.url.host} in time. Raise --timeout or try again."
    if isinstance(error, APIConnectionError):
        return f"Could not reach {error.request.url.host} ({error.message}). Check --base-url and your network."
    if isinstance(error, APIStatusError):
        return f"The API answered {error.message}"
    if isinstance(error, APIResponseValidationError):
        return f"The API sent something that is not a page of call sessions: {error.message}"
    if isinstance(error, RepeatedPageError):
        return str(error)
    return str(error)


def _text(value: object) -> str:
    """A table cell: server text is shown as is, never read as rich markup ("[/]" in a name)."""
    return "" if value is None else escape(str(value))


def fail(error: CliError, stderr: Console) -> None:
    """Print an expected failure as one line and exit."""
    stderr.print(f"[red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    sys.exit(error.exit_code)
