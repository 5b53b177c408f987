"""`ravan-calls sync` and `dlt_source()` against a scripted server that changes sessions between runs.

Every scenario of issue 20 leaves exactly the rows the server holds, in DuckDB and in PostgreSQL
(a throwaway server, see conftest.py): a first sync, a change of status and cost on an existing
call, a new call, a call arriving mid-run, a run stopped mid-way (then resumed), and a run with
nothing new (only the lag window is asked for, and no row changes). Each run gets a fresh dlt
working directory, as the command line does: the state comes from the destination.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import itertools
import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import httpx
import pytest

from ravan_client import RavanClient
from ravan_client._cli import _Terminated, run
from ravan_client._commands import Command
from ravan_client._sync import (
    DUCKDB_ROW_GROUP_ROWS,
    SyncStats,
    _capabilities_remembered,
    _open_duckdb,
    dlt_resource,
    run_sync,
)
from ravan_client.cli import PROGRAM

UTC = datetime.UTC
START = datetime.datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime.datetime(2026, 12, 1, tzinfo=UTC)
COMMAND: Command = next(c for g in PROGRAM.groups for c in g.commands if c.incremental is not None)
LAG = 7200.0


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def session(number: int, started: datetime.datetime, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"cs_{number:05d}",
        "agentId": "agt_1",
        "status": "completed",
        "channel": "voice",
        "startedAt": iso(started),
        "endedAt": iso(started + datetime.timedelta(minutes=3)),
        "durationSec": 180,
        "costTotal": "0.42",
        "creditBreakdown": {"total_credits": 1.5, "channel": "voice"},
        "metadata": {"crm": number},
        **fields,
    }


class ScriptedServer:
    """The list endpoint over a dict of sessions: filters on the start bounds (exclusive), orders by
    startedAt as asked, pages by offset. `hooks[n]` runs before the n-th request (from 1) is answered."""

    def __init__(self, sessions: list[dict[str, Any]]) -> None:
        self.sessions = {s["id"]: s for s in sessions}
        self.requests: list[httpx.Request] = []
        self.hooks: dict[int, Callable[[], None]] = {}
        self.cap: int | None = None
        """A page size the server never exceeds, whatever is asked (silently)."""

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        hook = self.hooks.pop(len(self.requests), None)
        if hook is not None:
            hook()
        params = request.url.params
        after = params.get("started_after")
        before = params.get("started_before")
        rows = [
            s
            for s in self.sessions.values()
            if (after is None or parse(s["startedAt"]) > parse(after))
            and (before is None or parse(s["startedAt"]) < parse(before))
        ]
        if params.get("sort_by") == "startedAt":
            rows.sort(key=lambda s: parse(s["startedAt"]), reverse=params.get("sort_order") == "desc")
        size = min(int(params.get("page_size", 20)), self.cap or 1 << 30)
        page = int(params.get("page", 1))
        chunk = rows[(page - 1) * size : page * size]
        body = {"success": True, "message": "ok", "data": {"callSessions": chunk}}
        # ASCII JSON, escapes and all: a server may send a lone surrogate (`"\\ud800"`), which
        # httpx's `json=` (UTF-8 out) cannot even encode.
        return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})

    def add(self, record: dict[str, Any]) -> None:
        self.sessions[record["id"]] = record


def parse(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def initial_sessions(count: int = 45) -> list[dict[str, Any]]:
    return [session(i, START + datetime.timedelta(hours=i)) for i in range(count)]


@pytest.fixture(params=["duckdb", "postgres"])
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "duckdb":
        return dlt.destinations.duckdb(str(tmp_path / "calls.duckdb"))
    url = request.getfixturevalue("postgres_url")
    return dlt.destinations.postgres(credentials=url)


@pytest.fixture
def dataset(request: pytest.FixtureRequest) -> str:
    """A dataset of the test's own (the PostgreSQL server is shared by the session)."""
    name = "".join(c if c.isalnum() else "_" for c in request.node.name.lower()).strip("_")
    return "t_" + "_".join(part for part in name.split("_") if part)[-50:].strip("_")


class Syncer:
    def __init__(self, server: ScriptedServer, destination: Any, dataset: str, tmp_path: Path) -> None:
        self.server = server
        self.destination = destination
        self.dataset = dataset
        self.tmp_path = tmp_path
        self.runs = itertools.count()
        self.clock = NOW

    def sync(self, command: Command = COMMAND, **options: Any) -> SyncStats:
        stats = SyncStats()
        client = RavanClient(
            api_key="test-key",
            base_url="https://api.example.test",
            transport=httpx.MockTransport(self.server.handle),
            max_retries=0,
        )
        with client:
            resource = dlt_resource(
                client.call_sessions.list, command, stats=stats, now=lambda: self.clock, page_size=10, **options
            )
            run_sync(
                resource,
                destination=self.destination,
                dataset=self.dataset,
                pipelines_dir=str(self.tmp_path / f"run-{next(self.runs)}"),
            )
        return stats

    def rows(self) -> dict[str, dict[str, Any]]:
        pipeline = dlt.pipeline(
            pipeline_name="reader",
            destination=self.destination,
            dataset_name=self.dataset,
            pipelines_dir=str(self.tmp_path / "reader"),
        )
        with pipeline.sql_client() as client:
            table = client.make_qualified_table_name("call_sessions")
            with client.execute_query(
                f"SELECT id, status, cost_total, started_at, _dlt_load_id FROM {table}"
            ) as cursor:
                found = cursor.fetchall()
        assert len({row[0] for row in found}) == len(found), "a session is in the table twice"
        return {row[0]: {"status": row[1], "costTotal": row[2], "startedAt": row[3], "load": row[4]} for row in found}

    def assert_matches_server(self) -> dict[str, dict[str, Any]]:
        rows = self.rows()
        held = {
            s["id"]: {"status": s["status"], "costTotal": s["costTotal"], "startedAt": parse(s["startedAt"])}
            for s in self.server.sessions.values()
        }
        assert {k: {f: v[f] for f in ("status", "costTotal", "startedAt")} for k, v in rows.items()} == held
        return rows


@pytest.fixture
def syncer(destination: Any, dataset: str, tmp_path: Path) -> Syncer:
    return Syncer(ScriptedServer(initial_sessions()), destination, dataset, tmp_path)


def test_first_sync_then_a_changed_call_and_a_new_call(syncer: Syncer) -> None:
    stats = syncer.sync()
    syncer.assert_matches_server()
    assert (stats.new, stats.updated, stats.unchanged) == (45, 0, 0)

    last = syncer.server.sessions["cs_00044"]
    last.update(status="failed", costTotal="1.75")
    syncer.server.add(session(45, START + datetime.timedelta(hours=44, minutes=30)))
    syncer.clock += datetime.timedelta(hours=1)
    stats = syncer.sync()
    rows = syncer.assert_matches_server()
    assert rows["cs_00044"]["status"] == "failed"
    assert rows["cs_00044"]["costTotal"] == "1.75"
    assert (stats.new, stats.updated) == (1, 1)


def test_a_large_run_loads_a_few_thousand_at_a_time_and_counts_each_session_once(
    syncer: Syncer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ravan_client._sync

    monkeypatch.setattr(ravan_client._sync, "ITEMS_PER_LOAD", 20)
    stats = syncer.sync()
    rows = syncer.assert_matches_server()
    assert (stats.new, stats.updated, stats.unchanged) == (45, 0, 0)
    # Pages of 10: the first load stops once 20 sessions are in; the second reads the lag window
    # (hours 18 and 19) again, then the 25 sessions left (the last page is the end, not a stop).
    assert len({row["load"] for row in rows.values()}) == 2
    assert stats.requests > 6  # each later load reads the lag window again


def test_a_call_arriving_mid_run_is_neither_lost_nor_doubled(syncer: Syncer) -> None:
    arriving = session(99, NOW + datetime.timedelta(seconds=1))
    # Arrives while page 2 is being answered: it started after the run's fixed upper bound.
    syncer.server.hooks[2] = lambda: syncer.server.add(arriving)
    syncer.sync()
    rows = syncer.rows()
    assert set(rows) == set(syncer.server.sessions) - {"cs_00099"}
    syncer.clock += datetime.timedelta(minutes=5)
    stats = syncer.sync()
    syncer.assert_matches_server()
    assert stats.new == 1


def test_a_run_sends_a_fixed_window_in_cursor_order(syncer: Syncer) -> None:
    syncer.sync()
    params = [request.url.params for request in syncer.server.requests]
    assert {parse(p["started_before"]) for p in params} == {NOW}
    assert all(p["sort_by"] == "startedAt" and p["sort_order"] == "asc" for p in params)
    assert all("started_after" not in p for p in params)


@pytest.mark.parametrize("failure", ["network", "interrupt"])
def test_a_run_stopped_mid_way_leaves_the_last_complete_sync_and_the_next_continues(
    syncer: Syncer, failure: str
) -> None:
    syncer.sync()
    before = syncer.assert_matches_server()
    for number in range(45, 75):
        syncer.server.add(session(number, START + datetime.timedelta(hours=number)))
    syncer.server.sessions["cs_00043"]["status"] = "refunded"  # within the lag window
    syncer.clock += datetime.timedelta(days=2)

    def fail() -> None:
        if failure == "interrupt":
            raise KeyboardInterrupt
        raise httpx.ConnectError("connection refused")

    syncer.server.hooks[len(syncer.server.requests) + 3] = fail
    with pytest.raises((KeyboardInterrupt, Exception)):
        syncer.sync()
    assert syncer.rows() == before  # not a row written: the run committed nothing
    stats = syncer.sync()
    syncer.assert_matches_server()
    assert stats.new == 30


def test_a_run_with_nothing_new_asks_only_for_the_lag_window_and_changes_no_row(syncer: Syncer) -> None:
    syncer.sync()
    before = syncer.assert_matches_server()
    sent = len(syncer.server.requests)
    syncer.clock += datetime.timedelta(hours=3)
    stats = syncer.sync()
    assert syncer.rows() == before  # the same rows, from the same load: none was written again
    window = [request.url.params for request in syncer.server.requests[sent:]]
    newest = START + datetime.timedelta(hours=44)
    assert {parse(p["started_after"]) for p in window} == {newest - datetime.timedelta(seconds=LAG)}
    # The window holds the sessions of the last two hours (hours 43 and 44): one short page, and
    # the page after it, asked for to be sure that the end is the end.
    assert len(window) == 2
    assert (stats.new, stats.updated, stats.unchanged) == (0, 0, 2)


def test_unknown_keys_are_kept_in_the_extra_column(tmp_path: Path) -> None:
    server = ScriptedServer([session(1, START, brandNewField={"x": 1})])
    database = tmp_path / "calls.duckdb"
    syncer = Syncer(server, dlt.destinations.duckdb(str(database)), "calls_data", tmp_path)
    syncer.sync()
    import duckdb

    with duckdb.connect(str(database)) as connection:
        extra = connection.sql("SELECT extra FROM calls_data.call_sessions").fetchall()
    assert [row[0] for row in extra] == ['{"brandNewField":{"x":1}}']


def test_a_value_that_does_not_fit_its_column_goes_to_extra_and_the_rest_of_its_column_loads(
    tmp_path: Path,
) -> None:
    """A column is converted at once when every value is of its type, else value by value: either
    way, a value that does not fit is kept in `extra` (as sent) and every other value is typed."""
    assert COMMAND.incremental is not None
    typed = dataclasses.replace(
        COMMAND,
        incremental=dataclasses.replace(
            COMMAND.incremental,
            columns=(*COMMAND.incremental.columns, ("score", "double"), ("flag", "bool"), ("day", "date")),
        ),
    )
    fits = session(1, START, endedAt="2026-11-01T00:03:00", score=3, flag=True, day="2026-11-02")
    misfits = session(
        2,
        START + datetime.timedelta(hours=1),
        durationSec="3 min",
        callLatencyMs=2**70,
        endedAt="soon",
        costTotal=0.42,
        score=True,
        flag=1,
        day="2026-11-02T00:00:00Z",
        brandNew=[1],
    )
    database = tmp_path / "calls.duckdb"
    Syncer(ScriptedServer([fits, misfits]), dlt.destinations.duckdb(str(database)), "calls_data", tmp_path).sync(typed)
    import duckdb

    with duckdb.connect(str(database)) as connection:
        rows = connection.sql(
            "SELECT id, duration_sec, call_latency_ms, ended_at, cost_total, score, flag, day, extra"
            " FROM calls_data.call_sessions ORDER BY id"
        ).fetchall()
    assert rows[0][:8] == (
        "cs_00001",
        180,
        None,
        datetime.datetime(2026, 11, 1, 0, 3, tzinfo=UTC),  # no timezone sent: UTC
        "0.42",
        3.0,
        True,
        datetime.date(2026, 11, 2),
    )
    assert rows[0][8] is None
    assert rows[1][:8] == ("cs_00002", None, None, None, None, None, None, None)
    assert json.loads(rows[1][8]) == {
        "durationSec": "3 min",
        "callLatencyMs": 2**70,
        "endedAt": "soon",
        "costTotal": 0.42,
        "score": True,
        "flag": 1,
        "day": "2026-11-02T00:00:00Z",
        "brandNew": [1],
    }


def test_a_lone_surrogate_in_a_text_column_or_an_unknown_key_loads_as_a_replacement_character(
    tmp_path: Path,
) -> None:
    """JSON may escape a lone surrogate (`"\\ud800"`), which no destination stores: it loads as
    U+FFFD, as a UTF-8 decoder reads what it cannot, and the load goes on (it once failed whole,
    in Arrow's UTF-8 encoding or the destination's JSON parser)."""
    records = [
        session(1, START, agentId="agt_\ud800", brandNew={"note": "\udcff!"}),
        session(2, START + datetime.timedelta(hours=1), agentId="agt_\U0001f600"),  # a real pair: kept
    ]
    database = tmp_path / "calls.duckdb"
    Syncer(ScriptedServer(records), dlt.destinations.duckdb(str(database)), "calls_data", tmp_path).sync()
    import duckdb

    with duckdb.connect(str(database)) as connection:
        rows = connection.sql("SELECT id, agent_id, extra FROM calls_data.call_sessions ORDER BY id").fetchall()
    assert rows[0][:2] == ("cs_00001", "agt_\ufffd")
    assert json.loads(rows[0][2]) == {"brandNew": {"note": "\ufffd!"}}
    assert rows[1] == ("cs_00002", "agt_\U0001f600", None)


def sync_into_duckdb_file(server: ScriptedServer, database: Path) -> None:
    """One sync of `server`'s sessions into the DuckDB file `database`, as the command makes it
    (`run_sync` given the file's path: the connection and the destination factory are its own)."""
    with RavanClient(
        api_key="test-key",
        base_url="https://api.example.test",
        transport=httpx.MockTransport(server.handle),
        max_retries=0,
    ) as client:
        resource = dlt_resource(client.call_sessions.list, COMMAND, now=lambda: NOW, page_size=2)
        run_sync(resource, destination="duckdb", database=str(database), dataset="calls_data")


def test_the_duckdb_file_is_let_go_after_a_run_that_succeeded_or_failed(tmp_path: Path) -> None:
    """run_sync keeps one DuckDB connection open for the whole run (not one per dlt step): it is
    closed at the end either way, so another process can open the file (DuckDB locks it)."""
    server = ScriptedServer(initial_sessions(5))
    database = tmp_path / "calls.duckdb"

    def sync() -> None:
        sync_into_duckdb_file(server, database)

    def opened_by_another_process() -> bool:
        code = "import sys, duckdb; duckdb.connect(sys.argv[1]).close()"
        return subprocess.run([sys.executable, "-c", code, str(database)], capture_output=True).returncode == 0

    sync()
    assert opened_by_another_process()

    def fail() -> None:
        raise httpx.ConnectError("connection refused")

    server.hooks[len(server.requests) + 1] = fail  # the next run's first request
    with pytest.raises(Exception):  # noqa: B017, PT011 (dlt wraps it in its own)
        sync()
    assert not server.hooks  # it did fail there
    assert opened_by_another_process()


def test_a_load_resolves_the_duckdb_destinations_capabilities_once_per_naming_and_hands_out_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dlt asks a destination for its capabilities about 25 times a load and resolved the
    destination's configuration each time (about 0.2 s of CPU a load, in the main thread while the
    pages arrive; `scripts/bench --only sync`). The factory the sync makes for its DuckDB file
    resolves them once per naming convention; each caller still gets an object of its own."""
    import duckdb

    resolved: list[tuple[Any, Any]] = []
    original = dlt.destinations.duckdb.capabilities

    def counted(self: Any, config: Any = None, naming: Any = None) -> Any:
        resolved.append((config, naming))
        return original(self, config, naming)

    monkeypatch.setattr(dlt.destinations.duckdb, "capabilities", counted)
    server = ScriptedServer(initial_sessions(5))
    database = tmp_path / "calls.duckdb"
    sync_into_duckdb_file(server, database)
    unresolved = [naming for config, naming in resolved if config is None]
    assert unresolved  # dlt still asks
    assert len(unresolved) == len({id(naming) for naming in unresolved}) <= 3  # None, and a schema's naming or two
    with duckdb.connect(str(database)) as connection:
        assert connection.execute("SELECT count(*) FROM calls_data.call_sessions").fetchall() == [(5,)]

    factory = _capabilities_remembered(dlt.destinations.duckdb(str(tmp_path / "other.duckdb")))
    before = len(resolved)
    first, second = factory.capabilities(), factory.capabilities()
    assert len(resolved) == before + 1
    assert first is not second  # a caller that changes its copy changes no other
    assert first.supported_loader_file_formats == second.supported_loader_file_formats
    second.max_identifier_length = 7
    assert factory.capabilities().max_identifier_length != 7


def test_a_load_into_duckdb_writes_row_groups_of_its_own_and_leaves_the_earlier_ones_as_they_are(
    tmp_path: Path,
) -> None:
    """DuckDB's default row group (122,880 rows) held a table of up to that many sessions in one
    row group, which each load's checkpoint rewrote whole: a sync's peak memory grew with the table
    (`scripts/bench --only sync`, memory rows). The sync's connection (what dlt's duplicates of it
    use too) writes row groups of DUCKDB_ROW_GROUP_ROWS; a later load appends its own. Together with
    one DuckDB thread, 100,000 sessions peak within 2 MiB of 10,000 (was +66 MiB)."""
    database = tmp_path / "it's calls.duckdb"  # a quote in the path: the ATTACH literal is escaped
    rows = 2 * DUCKDB_ROW_GROUP_ROWS + 1

    def row_groups() -> list[tuple[int, int]]:
        connection = _open_duckdb(str(database))
        try:
            groups: list[tuple[int, int]] = connection.execute(
                "select row_group_id, sum(count) from pragma_storage_info('t') "
                "where column_name = 'i' and segment_type <> 'VALIDITY' group by row_group_id order by 1"
            ).fetchall()
            return groups
        finally:
            connection.close()

    connection = _open_duckdb(str(database))
    try:
        # One thread: each load's instance started DuckDB's workers anew, each with malloc arenas of
        # its own (about 10 MiB of the peak at 100,000 sessions).
        assert connection.execute("select current_setting('threads')").fetchone() == (1,)
        duplicate = connection.duplicate()  # as dlt borrows it: the file is its default database
        duplicate.execute("create table t as select range as i from range(?)", [rows])
        duplicate.close()
    finally:
        connection.close()
    first = row_groups()
    assert [count for _, count in first] == [DUCKDB_ROW_GROUP_ROWS, DUCKDB_ROW_GROUP_ROWS, 1]

    connection = _open_duckdb(str(database))
    try:
        connection.execute("insert into t select range as i from range(?)", [DUCKDB_ROW_GROUP_ROWS])
    finally:
        connection.close()
    second = row_groups()
    assert second[:2] == first[:2]  # the full row groups of the first load are not rewritten
    assert sum(count for _, count in second) == rows + DUCKDB_ROW_GROUP_ROWS
    assert max(count for _, count in second) == DUCKDB_ROW_GROUP_ROWS
    import duckdb

    with duckdb.connect(str(database)) as plain:  # an ordinary DuckDB file for whoever opens it next
        assert plain.execute("select count(*) from t").fetchone() == (rows + DUCKDB_ROW_GROUP_ROWS,)


def test_a_field_new_in_the_spec_becomes_a_column_on_the_next_sync(tmp_path: Path) -> None:
    server = ScriptedServer([session(1, START, sentiment="happy")])
    database = tmp_path / "calls.duckdb"
    syncer = Syncer(server, dlt.destinations.duckdb(str(database)), "calls_data", tmp_path)
    syncer.sync()
    # What regeneration does when the spec adds `sentiment`: the program's columns gain it.
    assert COMMAND.incremental is not None
    grown = dataclasses.replace(
        COMMAND,
        incremental=dataclasses.replace(
            COMMAND.incremental, columns=(*COMMAND.incremental.columns, ("sentiment", "text"))
        ),
    )
    syncer.clock += datetime.timedelta(minutes=1)
    stats = syncer.sync(grown)
    import duckdb

    with duckdb.connect(str(database)) as connection:
        assert connection.sql("SELECT sentiment, extra FROM calls_data.call_sessions").fetchall() == [("happy", None)]
    assert stats.updated == 1  # the same session, its field moved from extra to its own column


def test_every_field_of_the_spec_is_a_typed_column_even_before_the_server_sends_it(tmp_path: Path) -> None:
    database = tmp_path / "calls.duckdb"
    Syncer(ScriptedServer(initial_sessions(3)), dlt.destinations.duckdb(str(database)), "calls_data", tmp_path).sync()
    import duckdb

    with duckdb.connect(str(database)) as connection:
        types = dict(connection.sql("SELECT column_name, data_type FROM information_schema.columns").fetchall())
    # summary, recordingUrl, ... were in no record: the spec's columns are there all the same.
    assert types["summary"] == "VARCHAR"
    assert types["recording_url"] == "VARCHAR"
    assert types["started_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["duration_sec"] == "BIGINT"
    assert types["credit_breakdown"] == "JSON"


def test_dlt_source_runs_in_a_pipeline_of_your_own(tmp_path: Path) -> None:
    from ravan_client import dlt_source

    server = ScriptedServer(initial_sessions(5))
    client = RavanClient(api_key="k", base_url="https://api.example.test", transport=httpx.MockTransport(server.handle))
    database = str(tmp_path / "mine.duckdb")
    pipeline = dlt.pipeline(
        "mine", destination=dlt.destinations.duckdb(database), dataset_name="crm", pipelines_dir=str(tmp_path / "p")
    )
    pipeline.run(dlt_source(client))
    import duckdb

    with duckdb.connect(database) as connection:
        assert connection.sql("SELECT count(*) FROM crm.call_sessions").fetchall() == [(5,)]


# --- the command line --------------------------------------------------------------------------


def cli(server: ScriptedServer, argv: list[str]) -> int:
    client_class = functools.partial(RavanClient, transport=httpx.MockTransport(server.handle))
    with pytest.raises(SystemExit) as exit_info:
        run(PROGRAM, client_class, ["sync", "--api-key", "k", "--base-url", "https://api.example.test", *argv])
    code = exit_info.value.code
    return code if isinstance(code, int) else 0


def test_the_sync_command_loads_duckdb_and_prints_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    server = ScriptedServer(initial_sessions(12))
    assert cli(server, []) == 0
    assert cli(server, []) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("Synced call_sessions: 12 new, 0 updated, 0 unchanged; 2 requests, ")
    assert err[1].startswith("Synced call_sessions: 0 new, 0 updated, ")
    import duckdb

    with duckdb.connect(str(tmp_path / "call_sessions.duckdb")) as connection:
        assert connection.sql("SELECT count(*) FROM call_sessions").fetchall() == [(12,)]


def test_the_sync_command_loads_postgres_configured_the_dlt_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", postgres_url)
    server = ScriptedServer(initial_sessions(12))
    assert cli(server, ["--destination", "postgres", "--dataset", "cli_calls"]) == 0
    assert capsys.readouterr().err.startswith("Synced call_sessions: 12 new, 0 updated, 0 unchanged; 2 requests")
    syncer = Syncer(server, dlt.destinations.postgres(credentials=postgres_url), "cli_calls", tmp_path)
    syncer.assert_matches_server()


def test_a_database_that_refuses_the_connection_is_named_in_the_one_line_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """dlt's message is "Pipeline execution failed at `step=sync` with exception:", the reason on
    later lines: that first line alone was all the command said."""
    monkeypatch.chdir(tmp_path)
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", f"postgresql://u:hunter2-secret@127.0.0.1:{port}/db")
    assert cli(ScriptedServer(initial_sessions(3)), ["--destination", "postgres"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert f'connection to server at "127.0.0.1", port {port} failed' in err[0]
    assert "run sync again to continue" in err[0]
    assert "hunter2" not in err[0]


def test_a_failure_reason_from_dlt_shows_no_password_of_a_connection_url() -> None:
    from ravan_client._cli._sync_command import _sync_cause

    error = RuntimeError("Pipeline execution failed at `step=sync` with exception:")
    error.exception = ValueError("cannot reach postgresql://u:p@ss-word@db.example:5432/x\nmore")  # type: ignore[attr-defined]
    assert _sync_cause(error) == "cannot reach postgresql://u:[secure]@db.example:5432/x"


def test_the_sync_command_without_the_extra_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "dlt", None)  # what an install without the extra looks like
    assert cli(ScriptedServer([]), []) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: sync needs the sync extra (dlt is not installed): {PROGRAM.sync_install_hint}"]
    assert PROGRAM.sync_install_hint == "pip install 'ravan-client[sync]'"


@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_the_sync_command_interrupted_says_so_and_exits_130_or_143(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, signal_name: str, code: int
) -> None:
    monkeypatch.chdir(tmp_path)
    server = ScriptedServer(initial_sessions(30))

    def interrupt() -> None:
        # What the command's handlers raise in the main thread: Ctrl-C, or SIGTERM (as export's).
        raise KeyboardInterrupt if signal_name == "SIGINT" else _Terminated

    server.hooks[2] = interrupt
    assert cli(server, []) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: Interrupted. The database keeps what the last complete sync loaded; run sync again to continue"
    ]


def test_a_server_that_caps_the_page_size_fails_the_sync_rather_than_miss_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    server = ScriptedServer(initial_sessions(30))
    server.cap = 7
    assert cli(server, ["--page-size", "10"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "the server seems to cap the page size. Run again with --page-size 7" in err[0]


def test_the_sync_command_reports_an_api_failure_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    server = ScriptedServer(initial_sessions(30))
    server.hooks[2] = lambda: (_ for _ in ()).throw(httpx.ConnectError("refused"))
    assert cli(server, ["--max-retries", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "Could not reach api.example.test" in err[0]
    assert "run sync again to continue" in err[0]
