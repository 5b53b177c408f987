"""Keeping a database of a list operation's items up to date, with dlt: the CLI's `sync` command and `dlt_source()`.

Needs the `sync` extra (dlt, pyarrow, and duckdb for the default destination); dlt is imported only when a
sync is made, so `import ravan_client` never needs it. Everything here is generic: an operation
the spec marks `x-incremental` (see `_commands.Incremental`) gets a dlt resource, which pages with
the client's own pager (its retries, guards and prefetch):

- The window: from the last cursor value loaded minus the lag (dlt's `incremental(lag=...)`, kept
  in dlt's state, which dlt commits in the destination together with the load), or `since` on the
  first run, to the run's start time, fixed while paging; the pages are ordered by the cursor,
  ascending. An item arriving mid-run starts after the window's end, so it cannot shift a page:
  the next run gets it.
- Items are upserted by their key (dlt's `merge`). An item the previous run loaded with exactly
  the same content is not written again: the resource keeps a digest of the items within the lag
  window in its dlt state, so a run with nothing new changes no row (and says `unchanged`).
- Columns come from the spec (dlt data types chosen by the plan: timestamps, numbers, JSON for
  objects and arrays); keys the spec does not know go to one JSON column (`extra`), and so does a
  value that does not fit its column (the column is null then): nothing the server sent is lost.
  Items reach dlt as Arrow tables (pyarrow), which skip its row-by-row normalizer.
- State lives in the destination: the command line gives dlt a throwaway working directory and
  dlt restores the state from the last load that completed there. A run stopped at any moment
  (Ctrl-C, SIGTERM, a network failure, a full disk) has committed nothing or a whole load; the
  next run starts from the last whole load, and the upsert makes reading items again harmless.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import hashlib
import importlib
import json
import os
import tempfile
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._commands import Command, Program
from ._pagination import unseen_items

try:  # dlt depends on orjson (on CPython): JSON columns and digests at a tenth of the stdlib's cost
    _orjson: Any = importlib.import_module("orjson")
except ImportError:  # pragma: no cover (PyPy): the stdlib's json
    _orjson = None

if TYPE_CHECKING:
    from ._base_client import SyncAPIClient

__all__ = ["SyncIncomplete", "SyncStats", "dlt_resource", "dlt_source", "run_sync"]

BATCH_ITEMS = 1000
"""Items handed to dlt at a time."""
ITEMS_PER_LOAD = 10_000
"""A run loads at most about this many new items at a time (at a page boundary), then commits and
continues: memory stays flat however many there are (the destination's merge holds a load at
once), and a long first sync keeps what it loaded if it is stopped."""
DUCKDB_ROW_GROUP_ROWS = 10_240
"""Rows per row group in a DuckDB file the sync writes: a load's items (ITEMS_PER_LOAD), rounded up
to DuckDB's vector size (2,048). With DuckDB's default (122,880), a table of up to that many rows is
one row group, which the checkpoint of every load rewrites whole: a load's peak memory grew with the
table (about 70 MiB more at 100,000 sessions than at 10,000). With row groups of a load's size, a
load writes row groups of its own and leaves the others as they are."""


_RUN_STATS: weakref.WeakKeyDictionary[Any, SyncStats] = weakref.WeakKeyDictionary()
"""The counts of each resource `dlt_resource` made."""


class SyncIncomplete(Exception):
    """The window's last page looked like the end, but the server has more (it caps the page size)."""


@dataclass
class SyncStats:
    """What a run did, counted while it reads (the command line prints it at the end)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    requests: int = 0
    lower: datetime.datetime | None = None
    """The window's start (None: from the beginning)."""
    upper: datetime.datetime | None = None
    on_page: Callable[[SyncStats], None] | None = None
    """Called after each page: progress."""
    more: bool = False
    """The last load stopped at ITEMS_PER_LOAD: run the resource again to continue (`run_sync` does)."""
    counted_until: datetime.datetime | None = None
    """Items up to this cursor were counted by an earlier load of this run (a later one reads them again)."""

    @property
    def received(self) -> int:
        return self.new + self.updated + self.unchanged


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _as_time(value: Any) -> Any:
    """An ISO 8601 cursor as an aware datetime (one without a timezone is read as UTC); anything else as is."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.UTC)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value if value.isascii() else _utf8(value)


def _utf8(text: str) -> str:
    """`text` with each lone surrogate (JSON may carry `"\\ud800"`) as U+FFFD, as a UTF-8 decoder
    writes what it cannot read: no destination stores one (not as text, nor escaped in JSON: DuckDB
    and PostgreSQL refuse it), and one such value must not fail the whole load."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _bigint(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        raise TypeError
    return value


def _double(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError
    return float(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


# An alias, so that no line of the generated package reads like a stamped date (the generator's
# no-timestamps check looks for a date label).
CalendarDay = datetime.date


def _timestamp(value: Any) -> datetime.datetime:
    moment = _as_time(_text(value))
    if not isinstance(moment, datetime.datetime):
        raise ValueError
    return moment


def _date(value: Any) -> CalendarDay:
    return datetime.date.fromisoformat(_text(value))


def _json(value: Any) -> str:
    if _orjson is not None:
        try:
            return str(_orjson.dumps(value).decode())
        except (TypeError, ValueError):  # an integer beyond 64 bits, a lone surrogate: the stdlib's
            pass
    return _utf8(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _canonical(record: Mapping[str, Any]) -> bytes:
    """The record as JSON with sorted keys: what its digest is taken of."""
    if _orjson is not None:
        try:
            return bytes(_orjson.dumps(record, option=_orjson.OPT_SORT_KEYS))
        except (TypeError, ValueError):
            pass
    return json.dumps(record, sort_keys=True, default=repr).encode("utf-8", "surrogatepass")


# A value that does not fit its column (a number where the spec says string, a timestamp that does
# not parse) is not lost: the column gets null and the value goes to the extra column, as sent.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "bigint": _bigint,
    "double": _double,
    "bool": _bool,
    "timestamp": _timestamp,
    "date": _date,
    "json": _json,
}


def _arrow_types(pa: Any) -> dict[str, Any]:
    return {
        "text": pa.string(),
        "bigint": pa.int64(),
        "double": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
        "json": pa.string(),  # JSON text; the column's dlt type (json) makes the destination parse it
    }


def _digest(layout: bytes, record: Mapping[str, Any]) -> str:
    """A digest of what a row holds: of the record as sent, and of the columns it is loaded into
    (`layout`: a column new in the spec changes the row of a record that did not change)."""
    return hashlib.blake2b(layout + _canonical(record), digest_size=10).hexdigest()


# Per column type: the Python types whose values Arrow converts exactly as the column's converter
# does (a whole column of them is converted by Arrow at once; any other type, value by value).
_EXACT_TYPES: dict[str, frozenset[type]] = {
    "text": frozenset({str}),
    "bigint": frozenset({int}),
    "double": frozenset({int, float}),
    "bool": frozenset({bool}),
}


def dlt_resource(
    list_method: Callable[..., Any],
    command: Command,
    *,
    since: datetime.datetime | None = None,
    lag: float | None = None,
    page_size: int | None = None,
    prefetch: int = 1,
    stats: SyncStats | None = None,
    now: Callable[[], datetime.datetime] = _utc_now,
) -> Any:
    """The dlt resource of one `x-incremental` operation: `list_method` is the client's bound list
    method (`client.call_sessions.list`), `command` its command-line description (the generated
    `PROGRAM` holds it). `since` bounds the first run; later runs start from the state. `prefetch`
    is the pager's: 1 (the default) still sends one request at a time, but the next page is on the
    wire while dlt takes this one."""
    import dlt

    spec = command.incremental
    if spec is None:
        raise ValueError(f"{command.method} is not incremental (no x-incremental in the spec)")
    lag = spec.lag if lag is None else lag
    counts = stats if stats is not None else SyncStats()
    pa: Any = importlib.import_module("pyarrow")
    names = [name for name, _ in spec.columns]
    known = set(names)
    converters = [_CONVERTERS[data_type] for _, data_type in spec.columns]
    cursor_at = names.index(spec.cursor)
    schema = pa.schema(
        [(name, _arrow_types(pa)[data_type]) for name, data_type in spec.columns] + [(spec.extra_column, pa.string())]
    )
    columns: dict[str, Any] = {name: {"data_type": data_type, "nullable": True} for name, data_type in spec.columns}
    columns[spec.key] = {**columns[spec.key], "nullable": False}
    columns[spec.extra_column] = {"data_type": "json", "nullable": True}

    arrow_types = [field.type for field in schema][: len(names)]
    exact_types = [_EXACT_TYPES.get(data_type) for _, data_type in spec.columns]
    parses_iso = [data_type in ("timestamp", "date") for _, data_type in spec.columns]
    is_json = [data_type == "json" for _, data_type in spec.columns]
    layout = repr(list(spec.columns)).encode()
    cursor_convert = converters[cursor_at]

    def column(position: int, raw: list[Any], extras: dict[int, dict[str, Any]]) -> Any:
        """One column of a batch as an Arrow array. A whole column of the types its converter takes
        is converted at once (Arrow's loops, or one list comprehension); otherwise value by value,
        a value that does not fit going to its row's extra (see the module docstring)."""
        arrow_type = arrow_types[position]
        present = {type(value) for value in raw}
        present.discard(type(None))
        exact = exact_types[position]
        try:
            if exact is not None and present <= exact:
                return pa.array(raw, type=arrow_type)
            if is_json[position]:
                return pa.array([None if value is None else _json(value) for value in raw], type=arrow_type)
            if parses_iso[position] and present <= {str}:
                if not pa.types.is_timestamp(arrow_type):
                    return pa.array([None if v is None else CalendarDay.fromisoformat(v) for v in raw], type=arrow_type)
                moments = [None if value is None else datetime.datetime.fromisoformat(value) for value in raw]
                # No timezone: UTC (as `_as_time`).
                moments = [m if m is None or m.tzinfo else m.replace(tzinfo=datetime.UTC) for m in moments]
                return pa.array(moments, type=arrow_type)
        except (ValueError, TypeError, OverflowError, pa.ArrowException):
            pass  # one value that does not fit: value by value
        name, convert = names[position], converters[position]
        values: list[Any] = []
        for row, value in enumerate(raw):
            if value is None:
                values.append(None)
                continue
            try:
                values.append(convert(value))
            except (TypeError, ValueError, OverflowError):
                values.append(None)
                extras.setdefault(row, {})[name] = value
        return pa.array(values, type=arrow_type)

    def table_of(records: list[Mapping[str, Any]]) -> Any:
        """The records as an Arrow table (dlt then skips its row-by-row normalizer, about 10x
        faster), built column by column; unknown keys and values that do not fit go to the extra column."""
        extras: dict[int, dict[str, Any]] = {}
        arrays = [column(i, [record.get(name) for record in records], extras) for i, name in enumerate(names)]
        for row, record in enumerate(records):
            if not known.issuperset(record):
                extras.setdefault(row, {}).update((k, v) for k, v in record.items() if k not in known)
        extra: list[str | None] = [None] * len(records)
        for row, kept in extras.items():
            extra[row] = _json(kept)
        arrays.append(pa.array(extra, type=pa.string()))
        return pa.Table.from_arrays(arrays, schema=schema)

    def cursor_of(record: Mapping[str, Any]) -> Any:
        value = record.get(spec.cursor)
        if value is None:
            return None
        try:
            return cursor_convert(value)
        except (TypeError, ValueError, OverflowError):
            return None

    @dlt.resource(name=spec.table, primary_key=spec.key, write_disposition="merge", columns=columns)
    def items(
        cursor: Any = dlt.sources.incremental(  # noqa: B008 (dlt's way: the default is the incremental)
            spec.cursor, initial_value=since, lag=lag, on_cursor_value_missing="include"
        ),
    ) -> Iterator[Any]:
        state = dlt.current.resource_state()
        # id -> [digest, cursor]: the items of the last lag window, as loaded (see the module docstring).
        digests: dict[str, list[Any]] = state.setdefault("digests", {})
        newest = _as_time(state.get("newest"))
        # The newest cursor read (changed or not) and dlt's (the newest loaded): the later one minus the lag.
        bounds = [b for b in (cursor.start_value, newest - datetime.timedelta(seconds=lag) if newest else None) if b]
        lower = max(bounds) if bounds else None
        if counts.upper is None:  # fixed for the whole run, however many loads it takes
            counts.lower, counts.upper = lower, now()
        upper = counts.upper
        arguments: dict[str, Any] = dict(spec.order)
        arguments[spec.upper_bound] = upper
        if lower is not None:
            arguments[spec.lower_bound] = lower
        if page_size is not None and command.size_option:
            arguments[command.size_option] = page_size
        last_page: Any = None
        started_from = newest
        fresh = 0  # items past where this load started: ITEMS_PER_LOAD of them end it
        page_began = False

        def on_page(page: Any) -> None:
            nonlocal last_page, page_began
            last_page = page
            page_began = True
            counts.requests += 1
            if counts.on_page is not None:
                counts.on_page(counts)

        batch: list[Mapping[str, Any]] = []
        first = list_method(**arguments, prefetch=prefetch)
        counts.more = False
        for record in first.iter_raw_items(on_page=on_page):
            if page_began:
                page_began = False
                if fresh >= ITEMS_PER_LOAD:  # this page is the next load's first
                    counts.more = True
                    break
            key = str(record.get(spec.key))
            digest = _digest(layout, record)
            moment = cursor_of(record)
            timed = isinstance(moment, datetime.datetime)
            if timed and (newest is None or moment > newest):
                newest = moment
            if not timed or started_from is None or moment > started_from:
                fresh += 1
            previous = digests.get(key)
            digests[key] = [digest, moment.isoformat() if timed else None]
            if previous is not None and previous[0] == digest:
                if not (timed and counts.counted_until is not None and moment <= counts.counted_until):
                    counts.unchanged += 1
                continue
            if previous is None:
                counts.new += 1
            else:
                counts.updated += 1
            batch.append(record)
            if len(batch) >= BATCH_ITEMS:
                yield table_of(batch)
                batch = []
        if not counts.more and last_page is not None and last_page.items:
            # A short last page is the end only if the server honoured the page size (as `export`).
            following = last_page.probe_next_page()
            counts.requests += 1
            if unseen_items(last_page, following):
                raise SyncIncomplete(
                    f"Page {last_page.page_number} held {len(last_page.items)} items, fewer than the page size "
                    f"{last_page.page_size}, yet the next page holds more: the server seems to cap the page size. "
                    f"Run again with {command.size_flag or 'a page size of'} {len(last_page.items)}"
                )
        if batch:
            yield table_of(batch)
        if newest is not None:
            counts.counted_until = newest
            state["newest"] = newest.isoformat()
            cutoff = newest - datetime.timedelta(seconds=lag)
            for key in [k for k, (_, moment) in digests.items() if moment is None or _as_time(moment) < cutoff]:
                del digests[key]

    _RUN_STATS[items] = counts  # run_sync reads it: whether the run has more to load
    return items


def dlt_source(
    program: Program, client: SyncAPIClient, *, resources: Sequence[str] | None = None, **options: Any
) -> Any:
    """A dlt source of every `x-incremental` operation of `program`, read with `client`; `options`
    go to `dlt_resource` (since, lag, page_size, prefetch)."""
    import dlt

    made = []
    for group in program.groups:
        for command in group.commands:
            if command.incremental is None or (resources is not None and command.incremental.table not in resources):
                continue
            method = getattr(getattr(client, group.attribute), command.method)
            made.append(dlt_resource(method, command, **options))

    def source() -> Any:
        return made

    return dlt.source(source, name=program.name.replace("-", "_"), max_table_nesting=0)()


def _open_duckdb(path: str) -> Any:
    """A connection to the DuckDB file `path` whose row groups are DUCKDB_ROW_GROUP_ROWS long, run
    on one thread.

    `duckdb.connect()` takes no row-group size; `ATTACH` does. dlt works on duplicates of the
    connection, which start in the instance's default database: with the in-memory one detached,
    that default is the file."""
    # One thread: a load's DuckDB work is one merge of at most ITEMS_PER_LOAD rows, which DuckDB's
    # worker threads do not speed up measurably, while each load's new instance started new ones,
    # each with malloc arenas of its own: about 10 MiB of a run's peak at 100,000 sessions.
    connection = importlib.import_module("duckdb").connect(config={"threads": 1})
    try:
        quoted = "'" + path.replace("'", "''") + "'"  # a SQL string literal: ATTACH takes no parameters
        connection.execute(f"ATTACH {quoted} AS sync_database (ROW_GROUP_SIZE {DUCKDB_ROW_GROUP_ROWS})")
        connection.execute("USE sync_database")
        connection.execute("DETACH memory")
    except BaseException:
        connection.close()
        raise
    return connection


def _capabilities_remembered(factory: Any) -> Any:
    """`factory`, a dlt destination factory made for one load, answering `capabilities()` from what
    it answered the first time for the same naming convention.

    dlt asks a destination for its capabilities about 25 times a load, and each time resolves the
    destination's configuration anew (its providers, type hints, and for DuckDB a query of the
    connection for the file's path): about 0.2 s of CPU a load, in the main thread while pages
    arrive. Nothing it reads changes during one load. Each caller gets a copy, as each got a new
    object before. Only for a factory of our own: a caller's is not changed."""
    ask = factory.capabilities
    known: dict[int, tuple[Any, Any]] = {}

    def capabilities(config: Any = None, naming: Any = None) -> Any:
        if config is not None:  # resolved already: nothing to save
            return ask(config, naming)
        remembered = known.get(id(naming))
        if remembered is None or remembered[0] is not naming:  # the naming object kept: its id stays its own
            remembered = known[id(naming)] = (naming, ask(None, naming))
        return copy.copy(remembered[1])

    factory.capabilities = capabilities
    return factory


def run_sync(
    resource: Any,
    *,
    destination: Any,
    database: str | None = None,
    dataset: str,
    pipelines_dir: str | None = None,
) -> Any:
    """Run one sync of `resource` into `destination` (a dlt destination or its name; `database` is the
    DuckDB file for `duckdb`); return dlt's load info. dlt's working directory is `pipelines_dir`,
    or a throwaway one: the state comes from the destination (see the module docstring)."""
    # dlt reports anonymous usage unless told not to: a command line does not phone home.
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    # The command prints its own one line; dlt's warnings (that it keeps the spec's JSON type for a
    # column Arrow calls a string, ...) are noise there. Its errors still end the run.
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")
    # Every row says which load wrote it (`_dlt_load_id`, as dlt does for rows that are not Arrow).
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    import dlt

    @contextlib.contextmanager
    def target() -> Iterator[Any]:
        """The destination of one load. A DuckDB file gets one connection for the load, handed to
        dlt: given a path, dlt opens the file for each step and job and closes it after (each close
        a checkpoint), about a quarter of its own time on a 10,000-item sync. Not one for the whole
        run: DuckDB keeps what it read in memory while it is open, and a run of many loads then
        grows with the table. A committed load is durable either way (DuckDB's write-ahead log)."""
        if destination != "duckdb":
            yield destination
        elif not database:
            yield "duckdb"
        else:
            connection = _open_duckdb(database)
            try:
                yield _capabilities_remembered(dlt.destinations.duckdb(connection))
            finally:
                connection.close()

    with tempfile.TemporaryDirectory(prefix="dlt-sync-") as scratch:
        pipeline = dlt.pipeline(
            pipeline_name=f"{resource.name}_sync", dataset_name=dataset, pipelines_dir=pipelines_dir or scratch
        )
        stats = _RUN_STATS.get(resource)
        while True:
            with target() as load_into:
                info = pipeline.run(resource, destination=load_into)
            if stats is None or not stats.more:  # else the next ITEMS_PER_LOAD items (see ITEMS_PER_LOAD)
                return info
