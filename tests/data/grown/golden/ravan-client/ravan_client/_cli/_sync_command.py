"""`sync`: keep a database table of an `x-incremental` operation's items up to date (`_sync.py`,
with dlt; needs the sync extra)."""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import click
from rich.console import Console

from .._base_client import SyncAPIClient
from .._commands import Command, Group
from .._exceptions import APIError
from .._identity import ClientIdentity
from .._sync import SyncStats, dlt_resource, run_sync
from ._errors import EXIT_INTERRUPTED, EXIT_TERMINATED, CliError, _Terminated, explain, sigterm_raises
from ._output import progress
from ._params import CONTEXT_SETTINGS, Seconds, Timestamp, click_param, connection_params, make_client


def sync_command(
    group: Group,
    command: Command,
    client_class: Callable[..., SyncAPIClient],
    identity: ClientIdentity | None = None,
    install_hint: str = "",
) -> click.Command:
    """`sync`: keep a database table of the items up to date (`_sync.py`; needs the sync extra,
    which `install_hint` says how to install)."""
    install = install_hint or "install the sync extra"
    spec = command.incremental
    assert spec is not None
    singular, plural = command.item_noun
    size = command.option(command.size_option)
    params: list[click.Parameter] = [
        click.Option(
            ["--destination"],
            default="duckdb",
            show_default=True,
            help="A dlt destination (duckdb, postgres, bigquery, snowflake, ...); its credentials come from dlt's "
            "own configuration (environment variables such as DESTINATION__POSTGRES__CREDENTIALS, or "
            ".dlt/secrets.toml).",
        ),
        click.Option(
            ["--database"],
            default=f"{spec.table}.duckdb",
            show_default=True,
            help="The DuckDB file (with --destination duckdb).",
        ),
        click.Option(
            ["--dataset"],
            show_default=f"main with DuckDB (its own schema: the table is just {spec.table}), else {spec.table}",
            help="The dataset (schema) to load into.",
        ),
        click.Option(
            ["--since"],
            type=Timestamp(),
            help=f"On the first run, only {plural} whose {spec.cursor} is after this (later runs continue from "
            "where the last one ended).",
        ),
        click.Option(
            ["--lag"],
            type=Seconds(minimum=0),
            default=spec.lag,
            show_default=True,
            help=f"Seconds before the last {spec.cursor} loaded that every run reads again: a {singular} changes "
            "after it starts.",
        ),
        click.Option(
            ["--prefetch"],
            type=click.IntRange(0, 32),
            default=1,
            show_default=True,
            help="Page requests to keep in flight (1: one at a time, the next on the wire while this one loads; "
            "0: none while loading).",
        ),
    ]
    if size is not None:
        params.append(click_param(command, size, default=command.export_page_size))
    params.extend(connection_params(identity))

    def callback(**values: Any) -> None:
        stderr = Console(stderr=True, highlight=False, soft_wrap=True)
        for module in ("dlt", "pyarrow", "duckdb") if values["destination"] == "duckdb" else ("dlt", "pyarrow"):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as error:
                raise CliError(f"sync needs the sync extra ({error.name} is not installed): {install}") from None
        started = time.monotonic()
        stats = SyncStats()
        with make_client(client_class, values, identity) as client, progress(stderr) as bar, sigterm_raises():
            task = bar.add_task("syncing", total=None, written=0, pages=0, rate=0.0) if bar else None

            def on_page(counted: SyncStats) -> None:
                if bar is not None and task is not None:
                    elapsed = max(time.monotonic() - started, 1e-9)
                    bar.update(task, written=counted.received, pages=counted.requests, rate=counted.received / elapsed)

            stats.on_page = on_page
            method = getattr(getattr(client, group.attribute), command.method)
            page_size = values.get(size.dest) if size is not None else None
            resource = dlt_resource(
                method, command, since=values.get("since"), lag=values["lag"], page_size=page_size,
                prefetch=values["prefetch"], stats=stats,
            )  # fmt: skip
            try:
                run_sync(
                    resource,
                    destination=values["destination"],
                    database=values["database"],
                    dataset=values["dataset"] or ("main" if values["destination"] == "duckdb" else spec.table),
                )
            except (KeyboardInterrupt, _Terminated) as interruption:
                code = EXIT_TERMINATED if isinstance(interruption, _Terminated) else EXIT_INTERRUPTED
                raise CliError(_sync_failed("Interrupted"), code) from None
            except Exception as error:  # dlt wraps what failed in its own errors: the cause says what
                for cause in _wrapped(error):  # a Ctrl-C or SIGTERM while dlt extracts, wrapped
                    if isinstance(cause, KeyboardInterrupt | _Terminated):
                        code = EXIT_TERMINATED if isinstance(cause, _Terminated) else EXIT_INTERRUPTED
                        raise CliError(_sync_failed("Interrupted"), code) from None
                raise CliError(_sync_failed(_sync_cause(error, identity, command.size_flag))) from None
        elapsed = time.monotonic() - started
        stderr.print(
            f"Synced {spec.table}: {stats.new:,} new, {stats.updated:,} updated, {stats.unchanged:,} unchanged; "
            f"{stats.requests:,} requests, {elapsed:.1f} s."
        )

    return click.Command(
        name=spec.name,
        callback=callback,
        params=params,
        help=f"Keep a database table of {plural} ({spec.table}) up to date, with dlt. The first run loads every "
        f"{singular} (or those since --since); later runs ask only for those whose {spec.cursor} is after the last "
        f"one loaded minus --lag, and upsert them by {spec.key}. The default destination is a DuckDB file in the "
        "working directory. Stopped at any moment, the database keeps the last complete run; run it again to "
        f"continue. Needs the sync extra: {install}.",
        short_help=f"Keep a database of {plural} up to date (dlt; DuckDB by default).",
        context_settings=CONTEXT_SETTINGS,
    )


def _sync_failed(what: str) -> str:
    return f"{what}. The database keeps what the last complete sync loaded; run sync again to continue"


def _wrapped(error: BaseException) -> Iterator[BaseException]:
    """`error` and every error it wraps: dlt keeps the failure of a step in `.exception`."""
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = getattr(current, "exception", None)
        pending.extend(e for e in (inner, current.__cause__, current.__context__) if isinstance(e, BaseException))


def _sync_cause(error: BaseException, identity: ClientIdentity | None = None, size_flag: str | None = None) -> str:
    """The first error dlt wrapped that is ours (an API error, a sync check, the disk), else dlt's own first line."""
    for current in _wrapped(error):
        if isinstance(current, APIError):
            return explain(current, identity, size_flag=size_flag)
        if type(current).__name__ == "SyncIncomplete" or isinstance(current, OSError):
            return str(current)
    # dlt's own message starts "Pipeline execution failed at `step=sync` with exception:", the
    # reason on later lines; the innermost error says what happened in its first line (a database
    # refusing the connection). A password in a connection URL is masked all the same.
    lines = [_first_line(current) for current in _wrapped(error)]
    said = [line for line in lines if line and not line.endswith(":")]
    return _URL_PASSWORD.sub(r"\1[secure]@", said[-1] if said else lines[0] or type(error).__name__)


_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)\S*@")  # to the last @: a password may hold one


def _first_line(error: BaseException) -> str:
    return next((line.strip() for line in str(error).splitlines() if line.strip()), "")
