"""Output formats: what `list` and the other commands print (table, tsv, json, jsonl, csv), the
encoders `export` writes with, and the progress line.

What the server sends cannot attack the reader: see the package docstring."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .._commands import Column, Command
from .._exceptions import APIError
from ._errors import EXIT_USAGE, CliError

LIST_FORMATS = ("table", "tsv", "json", "jsonl", "csv")
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 controls (tab and newline too: they would break a table cell or a TSV line), DEL, and
# the Unicode bidi controls that can make text read differently from what it is.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# In JSON text json.dumps already escapes C0 controls inside strings (and the layout's newlines
# must stay): DEL, C1 controls and bidi controls are left for us.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """`text` with controls (escape sequences, bidi overrides) shown as escapes, not obeyed."""
    return _UNSAFE_FOR_TERMINAL.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}",
        text,
    )


# One encoder for every record (json.dumps with options builds a new one per call): compact, as a
# jsonl line should be, and non-ASCII written as is.
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _compact_encoder() -> Callable[[Any], str]:
    """`_RECORD_ENCODER.encode`, byte for byte, at less cost per record: `JSONEncoder.encode`
    builds a new C encoder (and its closures) on every call, a fifth of an export's encoding time;
    this one is built once, with the very arguments `JSONEncoder.iterencode` passes it, but for
    the circular-reference markers. Those are left out (no dict shared by every call, from
    any thread): the values written are decoded JSON, which has no cycles, and a cycle would
    still end in RecursionError, not a hang. Without the C accelerator, the encoder itself."""
    if c_make_encoder is None:  # pragma: no cover (CPython always has it)
        return _RECORD_ENCODER.encode
    encoder = _RECORD_ENCODER
    iterencode = c_make_encoder(
        None,
        encoder.default,
        encode_basestring,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    join = "".join
    return lambda value: join(iterencode(value, 0))


_compact_json = _compact_encoder()


def _json_text(value: Any, *, indent: int | None = None, for_terminal: bool = True) -> bytes:
    """JSON as UTF-8, a lone surrogate kept as its \\uXXXX escape; for a terminal, controls escaped
    too (json does C0; C1 and bidi here). A file gets the text as is: the escaping is not free.
    Without `indent`, compact (one record per line)."""
    text = _compact_json(value) if indent is None else json.dumps(value, ensure_ascii=False, indent=indent)
    if for_terminal:
        text = _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.encode("utf-8", "backslashreplace")


def print_result(result: Any, command: Command) -> None:
    if command.response_kind == "empty":
        return
    if command.response_kind in ("bytes", "text"):
        # As received: a recording or an export goes to a file with `> FILE`.
        data = result if isinstance(result, bytes) else str(result).encode("utf-8", errors="surrogateescape")
        if command.response_kind == "bytes" and sys.stdout.isatty():
            raise CliError("The answer is binary: redirect it to a file (`> FILE`).", EXIT_USAGE)
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    value = _plain(result)
    sys.stdout.buffer.write(_json_text(value, indent=2) + b"\n")
    sys.stdout.flush()


def _plain(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _cell_text(record: Mapping[str, Any], column: Column, *, for_spreadsheet: bool = False) -> str:
    """The text of one column of a record: a table or TSV cell, or (`for_spreadsheet`) a CSV cell,
    made safe from formulas. Numbers are written as numbers: they can never be a formula."""
    value: Any = record
    for key in column.path:
        if not isinstance(value, Mapping):
            return ""
        value = value.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if column.json_encoded or isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return spreadsheet_safe(text) if for_spreadsheet else text


def print_page(page: Any, command: Command, output_format: str | None) -> None:
    _singular, plural = command.item_noun
    console = Console(highlight=False, soft_wrap=False)
    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    output_format = output_format or ("table" if console.is_terminal else "tsv")
    records: list[dict[str, Any]] = page.raw_items
    if output_format in ("json", "jsonl", "csv"):
        out = sys.stdout.buffer
        if output_format == "json":
            out.write(_json_text(records, indent=2) + b"\n")
        elif output_format == "jsonl":
            for record in records:
                out.write(_json_text(record) + b"\n")
        else:
            writer = CsvEncoder(command.export_columns)
            out.write(writer.header())
            for record in records:
                out.write(writer.record(record))
        out.flush()
    elif output_format == "tsv":
        columns = command.table_columns
        lines = ["\t".join(column.header for column in columns)]
        lines.extend("\t".join(terminal_safe(_cell_text(r, c)) for c in columns) for r in records)
        sys.stdout.buffer.write(("\n".join(lines) + "\n").encode("utf-8", "backslashreplace"))
        sys.stdout.flush()
    else:
        if not records:
            stderr.print(f"No {plural} on page {page.page_number}.")
        else:
            console.print(
                fitted_table(
                    records, command.table_columns, console.width, f"{plural.capitalize()}, page {page.page_number}"
                )
            )
    if output_format == "table" or stderr.is_terminal:
        more = _next_page_has_items(page)
        if more:
            stderr.print(f"More on page {page.page_number + 1}: add --page {page.page_number + 1}.", style="dim")


def _next_page_has_items(page: Any) -> bool:
    """Whether the next page holds anything: the style says so when the body has a total;
    otherwise a full page may be the last, and only asking for the next one tells."""
    if not page.has_next_page():
        return False
    if page.total is not None:
        return True
    try:
        return bool(page.get_next_page().items)
    except APIError:
        return True  # it may have more; the next command will say what went wrong


def fitted_table(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], width: int, title: str) -> Table:
    """A table that fits `width`: whole columns (ids, timestamps) keep their width; the others are
    dropped from the right, then shortened with an ellipsis, until it fits."""
    cells = [[terminal_safe(_cell_text(record, column)) for column in columns] for record in records]
    widths = [max([len(column.header)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)]
    chosen = list(range(len(columns)))

    minimum_cut = 6  # a shortened column still shows this much
    while len(chosen) > 1:
        whole = sum(widths[i] for i in chosen if columns[i].whole)
        cut = sum(min(widths[i], minimum_cut) for i in chosen if not columns[i].whole)
        # Two spaces between columns, and the box's edge character at each end of a line.
        if whole + cut + 2 * (len(chosen) - 1) + 2 <= width or not any(not columns[i].whole for i in chosen):
            break
        droppable = [i for i in chosen if not columns[i].whole]
        chosen.remove(droppable[-1])
    # The shortened columns get their widths here: a table too wide for rich is shrunk evenly, whole
    # columns included, and then cropped at the edge (a header cut with no ellipsis).
    spare = width - 2 * len(chosen) - sum(widths[i] for i in chosen if columns[i].whole)
    shortened = sorted((i for i in chosen if not columns[i].whole), key=lambda i: widths[i])
    cut_widths: dict[int, int] = {}
    for position, i in enumerate(shortened):  # narrowest first; each takes up to an even share
        cut_widths[i] = max(min(widths[i], spare // (len(shortened) - position)), min(widths[i], minimum_cut))
        spare -= cut_widths[i]
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, title_justify="left")
    for i in chosen:
        column = columns[i]
        if column.whole:
            table.add_column(column.header, no_wrap=True, min_width=widths[i], overflow="ignore")
        else:
            table.add_column(column.header, no_wrap=True, overflow="ellipsis", width=cut_widths[i])
    for row in cells:
        table.add_row(*(escape(row[i]) for i in chosen))
    return table


class CsvEncoder:
    """CSV rows of the export columns, plus `extra`: every key the columns do not show (unknown
    top-level keys, unknown keys inside a flattened object, a flattened object that is not one),
    as one JSON object. Cells are made safe for spreadsheets (see the module docstring)."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.top_level = {column.path[0] for column in columns}
        self.children: dict[str, set[str]] = {}
        for column in columns:
            if len(column.path) > 1:
                self.children.setdefault(column.path[0], set()).add(column.path[1])

    def _row(self, cells: Sequence[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(cells)
        return buffer.getvalue().encode("utf-8")

    def header(self) -> bytes:
        return self._row([column.header for column in self.columns] + ["extra"])

    def record(self, record: Mapping[str, Any]) -> bytes:
        cells = [_cell_text(record, column, for_spreadsheet=True) for column in self.columns]
        extra = self._extra(record)
        cells.append(spreadsheet_safe(json.dumps(extra, ensure_ascii=False, sort_keys=True)) if extra else "")
        return self._row([_LONE_SURROGATE.sub("\ufffd", cell) for cell in cells])

    def _extra(self, record: Mapping[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for key, value in record.items():
            if key not in self.top_level:
                extra[key] = value
            elif key in self.children and value is not None:
                if not isinstance(value, Mapping):
                    extra[key] = value
                else:
                    unknown = {k: v for k, v in value.items() if k not in self.children[key]}
                    if unknown:
                        extra[key] = unknown
        return extra


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


class Encoder:
    """Whole records as bytes, in one export format."""

    def __init__(self, export_format: str, columns: Sequence[Column], *, for_terminal: bool) -> None:
        self.format = export_format
        self.csv = CsvEncoder(columns) if export_format == "csv" else None
        self.count = 0
        self.for_terminal = for_terminal

    def header(self) -> bytes:
        if self.csv is not None:
            return self.csv.header()
        return b"[" if self.format == "json" else b""

    def record(self, record: Mapping[str, Any]) -> bytes:
        if self.csv is not None:
            data = self.csv.record(record)
        elif self.format == "json":
            data = (b"\n" if self.count == 0 else b",\n") + _json_text(record, for_terminal=self.for_terminal)
        else:
            data = _json_text(record, for_terminal=self.for_terminal) + b"\n"
        self.count += 1
        return data

    def footer(self, records: int) -> bytes:
        if self.format == "json":
            return b"\n]\n" if records else b"]\n"
        return b""


def progress(stderr: Console) -> AbstractContextManager[Progress | None]:
    """A live progress line on stderr when it is a terminal, from before the first page arrives."""
    if not stderr.is_terminal:
        return nullcontext(None)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("[bold]{task.fields[written]}[/] written"),
        TextColumn("{task.fields[pages]} pages"),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )
