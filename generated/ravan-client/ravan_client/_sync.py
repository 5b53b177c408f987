"""Keeping a database of a list operation's items up to date, with dlt: `ravan-calls sync` and `dlt_source()`.

Needs the `sync` extra (dlt, and duckdb for the default destination); dlt is imported only when a
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
  objects and arrays); keys the spec does not know go to one JSON column (`extra`).
- State lives in the destination: the command line gives dlt a throwaway working directory and
  dlt restores the state from the last load that completed there. A run stopped at any moment
  (Ctrl-C, SIGTERM, a network failure, a full disk) has committed nothing or a whole load; the
  next run starts from the last whole load, and the upsert makes reading items again harmless.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._commands import Command, Program
from ._pagination import unseen_items

if TYPE_CHECKING:
    from ._base_client import SyncAPIClient

__all__ = ["INSTALL_HINT", "SyncIncomplete", "SyncStats", "dlt_resource", "dlt_source", "run_sync"]

INSTALL_HINT = "pip install 'ravan-client[sync]'"
BATCH_ITEMS = 1000
"""Items handed to dlt at a time (memory stays flat whatever the number of items)."""


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


def _digest(record: Mapping[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def dlt_resource(
    list_method: Callable[..., Any],
    command: Command,
    *,
    since: datetime.datetime | None = None,
    lag: float | None = None,
    page_size: int | None = None,
    prefetch: int = 0,
    stats: SyncStats | None = None,
    now: Callable[[], datetime.datetime] = _utc_now,
) -> Any:
    """The dlt resource of one `x-incremental` operation: `list_method` is the client's bound list
    method (`client.call_sessions.list`), `command` its command-line description (the generated
    `PROGRAM` holds it). `since` bounds the first run; later runs start from the state."""
    import dlt

    spec = command.incremental
    if spec is None:
        raise ValueError(f"{command.method} is not incremental (no x-incremental in the spec)")
    lag = spec.lag if lag is None else lag
    counts = stats if stats is not None else SyncStats()
    known = {name for name, _ in spec.columns}
    columns: dict[str, Any] = {name: {"data_type": data_type, "nullable": True} for name, data_type in spec.columns}
    columns[spec.key] = {**columns.get(spec.key, {"data_type": "text"}), "nullable": False}
    columns[spec.extra_column] = {"data_type": "json", "nullable": True}

    def row_of(record: Mapping[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, value in record.items():
            if name in known:
                row[name] = value
            else:
                extra[name] = value
        if extra:
            row[spec.extra_column] = extra
        row[spec.cursor] = _as_time(row.get(spec.cursor))
        return row

    @dlt.resource(name=spec.table, primary_key=spec.key, write_disposition="merge", columns=columns)
    def items(
        cursor: Any = dlt.sources.incremental(  # noqa: B008 (dlt's way: the default is the incremental)
            spec.cursor, initial_value=since, lag=lag, on_cursor_value_missing="include"
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        upper = now()
        lower = cursor.start_value
        counts.lower, counts.upper = lower, upper
        arguments: dict[str, Any] = dict(spec.order)
        arguments[spec.upper_bound] = upper
        if lower is not None:
            arguments[spec.lower_bound] = lower
        if page_size is not None and command.size_option:
            arguments[command.size_option] = page_size
        state = dlt.current.resource_state()
        # id -> [digest, cursor]: the items of the last lag window, as loaded (see the module docstring).
        digests: dict[str, list[Any]] = state.setdefault("digests", {})
        newest = _as_time(state.get("newest"))
        last_page: Any = None

        def on_page(page: Any) -> None:
            nonlocal last_page
            last_page = page
            counts.requests += 1
            if counts.on_page is not None:
                counts.on_page(counts)

        batch: list[dict[str, Any]] = []
        first = list_method(**arguments, prefetch=prefetch)
        for record in first.iter_raw_items(on_page=on_page):
            key = str(record.get(spec.key))
            digest = _digest(record)
            row = row_of(record)
            moment = row[spec.cursor]
            if isinstance(moment, datetime.datetime) and (newest is None or moment > newest):
                newest = moment
            previous = digests.get(key)
            digests[key] = [digest, moment.isoformat() if isinstance(moment, datetime.datetime) else None]
            if previous is not None and previous[0] == digest:
                counts.unchanged += 1
                continue
            if previous is None:
                counts.new += 1
            else:
                counts.updated += 1
            batch.append(row)
            if len(batch) >= BATCH_ITEMS:
                yield batch
                batch = []
        if last_page is not None and last_page.items:
            # A short last page is the end only if the server honoured the page size (as `export`).
            following = last_page.probe_next_page()
            counts.requests += 1
            if unseen_items(last_page, following):
                raise SyncIncomplete(
                    f"Page {last_page.page_number} held {len(last_page.items)} items, fewer than the page size "
                    f"{last_page.page_size}, yet the next page holds more: the server seems to cap the page size. "
                    f"Run again with --page-size {len(last_page.items)}"
                )
        if batch:
            yield batch
        if newest is not None:
            state["newest"] = newest.isoformat()
            cutoff = newest - datetime.timedelta(seconds=lag)
            for key in [k for k, (_, moment) in digests.items() if moment is None or _as_time(moment) < cutoff]:
                del digests[key]

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
    import dlt

    target: Any = destination
    file_format: Any = None
    if destination == "duckdb":
        target = dlt.destinations.duckdb(database) if database else "duckdb"
        file_format = "jsonl"  # DuckDB loads jsonl files several times faster than dlt's INSERT statements
    with tempfile.TemporaryDirectory(prefix="ravan-sync-") as scratch:
        pipeline = dlt.pipeline(
            pipeline_name=f"{resource.name}_sync",
            destination=target,
            dataset_name=dataset,
            pipelines_dir=pipelines_dir or scratch,
        )
        return pipeline.run(resource, loader_file_format=file_format)
