"""Benchmarks of the generated client: parse speed, export throughput, export memory, regeneration.

The body of `scripts/bench`. It prints a table and asserts nothing. Every figure is the median of
several runs; ratios are measured in the same run as what they compare with.

1. Parse: bytes of a 100-session page -> client models, as a ratio to `json.loads` of the same
   bytes (and pydantic's `model_validate_json`, for reference). `instructions` counts the same
   three in CPU instructions (valgrind's callgrind, when installed), which a busy machine does not
   move: the figure to compare two versions by.
2. Export throughput: 10,000 sessions, page_size=100, from a local server (a separate process)
   that adds 50 ms to every response; sequential and prefetch=4, against the ideal
   (requests x latency, and requests x latency / 4).
3. Memory: peak RSS of a process exporting 100,000 sessions against one exporting 10,000.
4. Regeneration: wall time of `scripts/generate` and `scripts/generate --check`.
5. Sync (`ravan-calls sync`, dlt into DuckDB): the initial sync of 10,000 sessions against
   `export -f jsonl` of the same sessions, side by side in the same run (sequential, and both with
   prefetch=4); a second run with 100 new sessions (its requests and time); the peak RSS of a
   process syncing 100,000 sessions against one syncing 10,000.

`python -m scripts.lib.bench --serve PORT LATENCY_MS TOTAL` (from the repository root) runs only the
page server; `--parse-loop WHAT PAGES` only a parse loop (what `instructions` counts).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[2]

RUNS = 5
LATENCY_MS = 50
EXPORT_TOTAL = 10_000
PAGE_SIZE = 100
# The sessions start SPACING seconds apart, oldest first (10,000 of them span about 35 days): a
# sync's lag window (2 hours by default) then holds what a busy account would have in it.
BASE_START = 1_700_000_000
SPACING = 300


def realistic_session(index: int) -> dict[str, Any]:
    """A completed call with every documented field set, as the API sends one."""
    return {
        "id": f"cs_{index:010d}",
        "agentId": "agt_7f3c2a",
        "organizationId": "org_51b0e9",
        "roomId": f"room_{index:08x}",
        "callerNumber": "+14157774444",
        "calleeNumber": "+14155550100",
        "callerName": "Dana Whitfield",
        "callerEmail": "dana@example.com",
        "channel": "voice",
        "status": "completed",
        "summary": "Customer asked to move their appointment to Friday; agent confirmed.",
        "metadata": {"crm_contact_id": f"0031U{index:010d}"},
        "errorMessage": None,
        "disconnectReason": "customer_hangup",
        "promptDynamicVariables": {"customer_name": "Dana"},
        "extractDynamicVariables": {"appointment_day": "Friday"},
        "callLatencyMs": 820,
        "startedAt": _iso(BASE_START + index * SPACING),
        "endedAt": "2026-11-24T16:05:47Z",
        "durationSec": 216,
        "createdAt": "2026-11-24T16:02:09Z",
        "recordingUrl": f"https://recordings.ravan.ai/cs_{index:010d}.mp3",
        "costTotal": "0.1250",
        "agentName": "Support line",
        "postCallAnalysisResult": {"sentiment": "positive", "resolved": True},
        "creditBreakdown": {
            "channel": "voice",
            "duration_sec": 216,
            "model_credits": 1.8,
            "provider_credits": 3.2,
            "provider_managed": True,
            "telephony_type": "twilio",
            "total_credits": 5,
        },
    }


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def page_bytes(start: int, count: int) -> bytes:
    sessions = [realistic_session(i) for i in range(start, start + count)]
    return json.dumps({"success": True, "message": "ok", "data": {"callSessions": sessions}}).encode()


# --- the page server (run in its own process) ------------------------------------------------


def serve(port: int, latency_ms: int, total: int) -> None:
    """Answer each request exactly `latency_ms` after it arrived (building the page inside that
    time), over keep-alive HTTP/1.1, until killed: a thread per connection, on bare sockets.
    Not http.server: a thread per connection and the stdlib's header parsing added about 2.5 ms
    of its own to every response. Not asyncio either: its timers wake on the selector's
    millisecond ticks, rounded up, which made every response 0.5 to 1 ms late (the raw socket's
    floor was 51.3 ms for 50); `time.sleep` wakes within tens of microseconds."""
    cache: dict[tuple[int, int], bytes] = {}
    latency = latency_ms / 1000

    def page(target: str) -> bytes:
        query = parse_qs(urlsplit(target).query)
        size = int(query.get("page_size", ["20"])[0])
        # Session i started at BASE_START + i * SPACING; `started_after` (exclusive) skips the
        # sessions before it (the order is always oldest first, as a sync asks).
        first = 0
        if "started_after" in query:
            after = datetime.datetime.fromisoformat(query["started_after"][0]).timestamp()
            first = max(0, math.floor((after - BASE_START) / SPACING) + 1)
        start = first + (int(query.get("page", ["1"])[0]) - 1) * size
        key = (start, max(0, min(size, total - start)))
        if key not in cache:  # two threads may build the same page once each: the same bytes
            cache[key] = page_bytes(*key)
        body = cache[key]
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode() + body

    def handle(connection: socket.socket) -> None:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        received = b""
        with connection:
            while True:
                while b"\r\n\r\n" not in received:  # the bench sends only GETs: no body to read
                    try:
                        chunk = connection.recv(1 << 16)
                    except OSError:  # the client cut the connection (a pager cancelling a request)
                        return
                    if not chunk:
                        return
                    received += chunk
                arrived = time.monotonic()
                head, _, received = received.partition(b"\r\n\r\n")
                response = page(head.split(b" ", 2)[1].decode())
                time.sleep(max(0.0, arrived + latency - time.monotonic()))
                try:
                    connection.sendall(response)
                except OSError:
                    return

    with socket.create_server(("127.0.0.1", port), backlog=128) as listener:
        print("ready", flush=True)
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=handle, args=(connection,), daemon=True).start()


@contextmanager
def page_server(latency_ms: int, total: int) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.lib.bench", "--serve", str(port), str(latency_ms), str(total)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the bench server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- measurements ------------------------------------------------------------------------------


def median_seconds(function: Callable[[], object], *, loops: int, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(loops):
            function()
        samples.append((time.perf_counter() - started) / loops)
    return statistics.median(samples)


def bench_parse() -> list[tuple[str, str, str]]:
    import httpx

    import ravan_client.resources
    import ravan_models
    from ravan_client._base_client import _decode_strict
    from ravan_client._models import build_models
    from ravan_client._pagination import _parse_page
    from ravan_client._secrets import Redactor
    from ravan_client.models import CallSessionListResponse

    raw = page_bytes(0, 100)
    from_dict = CallSessionListResponse.from_dict
    pagination = ravan_client.resources._CALL_SESSIONS_LIST_PAGES
    response = httpx.Response(
        200, content=raw, headers={"Content-Type": "application/json"}, request=httpx.Request("GET", "https://x/")
    )
    redactor = Redactor(["sk-bench-0123456789"])

    def client_page() -> object:
        # What the sync pager does per page (`parse_response`): the strict decode (its float and
        # constant hooks), the envelope's checks and the raw items, then the models, the collector
        # paused as in any program of one thread.
        data, _ = _decode_strict(response, redactor)
        return build_models(lambda decoded: _parse_page(decoded, pagination), data)

    # Interleave them so that machine noise hits them alike; ratios come from the same round.
    json_ratios, client_ratios, from_dict_ratios, page_ratios, pydantic_ratios = [], [], [], [], []
    json_times = []
    for _ in range(RUNS):
        json_time = median_seconds(lambda: json.loads(raw), loops=200, runs=3)
        # `build_models` pauses the collector only when the program runs one thread: not in an async
        # client once it has resolved a host name (asyncio's resolver thread lives on), not beside a
        # prefetching pager's threads. There the models are built as from_dict alone builds them.
        client_time = median_seconds(lambda: build_models(from_dict, json.loads(raw)), loops=100, runs=3)
        from_dict_time = median_seconds(lambda: from_dict(json.loads(raw)), loops=100, runs=3)
        page_time = median_seconds(client_page, loops=100, runs=3)
        pydantic_time = median_seconds(
            lambda: ravan_models.CallSessionListResponse.model_validate_json(raw), loops=100, runs=3
        )
        json_times.append(json_time)
        json_ratios.append(1.0)
        client_ratios.append(client_time / json_time)
        from_dict_ratios.append(from_dict_time / json_time)
        page_ratios.append(page_time / json_time)
        pydantic_ratios.append(pydantic_time / json_time)
    base = statistics.median(json_times) * 1000
    return [
        ("parse: json.loads of a 100-session page", f"{base:.2f} ms", "1.00x"),
        (
            "parse: ravan_client models (from bytes), the collector paused (a program of one thread)",
            f"{base * statistics.median(client_ratios):.2f} ms",
            f"{statistics.median(client_ratios):.2f}x json.loads (target <= 1.5x)",
        ),
        (
            "parse: ravan_client models (from bytes), the collector on (an async client, other threads alive)",
            f"{base * statistics.median(from_dict_ratios):.2f} ms",
            f"{statistics.median(from_dict_ratios):.2f}x json.loads",
        ),
        (
            "parse: a page as the sync pager parses it (strict decode, envelope checks, models; one thread)",
            f"{base * statistics.median(page_ratios):.2f} ms",
            f"{statistics.median(page_ratios):.2f}x json.loads",
        ),
        (
            "parse: ravan_models pydantic model_validate_json",
            f"{base * statistics.median(pydantic_ratios):.2f} ms",
            f"{statistics.median(pydantic_ratios):.2f}x json.loads",
        ),
    ]


PARSERS = ("json.loads", "ravan_client", "ravan_models")
"""What `instructions` counts; `--parse-loop` takes one."""
INSTRUCTION_PAGES = 20


def parse_loop(what: str, pages: int) -> None:
    """Parse the first `pages` of INSTRUCTION_PAGES different 100-session pages with one parser
    (after one warm-up page), nothing else. Only that parser's package is imported, and the pages
    are made whatever `pages` is, so that two runs differ by the parsing alone."""
    import gc

    parse: Callable[[bytes], object] = json.loads
    if what == "ravan_client":
        from ravan_client._models import build_models
        from ravan_client.models import CallSessionListResponse

        def parse(raw: bytes) -> object:
            return build_models(CallSessionListResponse.from_dict, json.loads(raw))

    elif what == "ravan_models":
        import ravan_models

        parse = ravan_models.CallSessionListResponse.model_validate_json
    bodies = [page_bytes(index * 100, 100) for index in range(INSTRUCTION_PAGES)]
    parse(page_bytes(0, 100))
    gc.collect()  # the collector stays on, as in a program: the models' allocations wake it
    for raw in bodies[:pages]:
        parse(raw)


def _instructions(what: str, pages: int) -> int:
    """Instructions callgrind counts for a whole `parse_loop` process."""
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    completed = subprocess.run(
        [*valgrind, sys.executable, "-m", "scripts.lib.bench", "--parse-loop", what, str(pages)],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    counted = [line for line in completed.stderr.splitlines() if "refs:" in line]
    return int(counted[-1].split("refs:")[1].replace(",", "").strip())


def bench_parse_instructions() -> list[tuple[str, str, str]]:
    """Per page: a process parsing INSTRUCTION_PAGES pages minus one parsing none (the imports,
    the warm-up page and the start-up cancel out)."""
    if shutil.which("valgrind") is None:
        return [("parse, in instructions", "not measured", "valgrind is not installed")]
    from concurrent.futures import ThreadPoolExecutor

    # Two processes at a time (callgrind runs one thread, 50 times slower than Python alone): the
    # counts do not depend on what else runs.
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = {
            (what, pages): pool.submit(_instructions, what, pages)
            for what in PARSERS
            for pages in (0, INSTRUCTION_PAGES)
        }
        per_page = {
            what: (counts[what, INSTRUCTION_PAGES].result() - counts[what, 0].result()) / INSTRUCTION_PAGES
            for what in PARSERS
        }
    base = per_page["json.loads"]
    return [
        ("parse, in instructions: json.loads of a 100-session page", f"{base / 1e6:.2f}M", "1.00x"),
        (
            "parse, in instructions: ravan_client models (from bytes)",
            f"{per_page['ravan_client'] / 1e6:.2f}M",
            f"{per_page['ravan_client'] / base:.2f}x json.loads (target <= 1.5x)",
        ),
        (
            "parse, in instructions: ravan_models pydantic model_validate_json",
            f"{per_page['ravan_models'] / 1e6:.2f}M",
            f"{per_page['ravan_models'] / base:.2f}x json.loads",
        ),
    ]


def export_once(base_url: str, output: Path, prefetch: int, total: int) -> float:
    """What `ravan-calls export --format jsonl --prefetch N` does, in this process, timed."""
    from rich.console import Console

    from ravan_client import RavanClient, _cli
    from ravan_client.cli import PROGRAM

    command = next(c for group in PROGRAM.groups for c in group.commands if c.method == "list")
    started = time.perf_counter()
    with RavanClient(api_key="bench", base_url=base_url, timeout=30, max_retries=0) as client:
        written = _cli.export(
            lambda: client.call_sessions.list(page_size=PAGE_SIZE, prefetch=prefetch),
            output=str(output),
            export_format="jsonl",
            columns=command.export_columns,
            noun=command.item_noun,
            stderr=Console(stderr=True, force_terminal=False),
        )
    elapsed = time.perf_counter() - started
    if written != total:
        raise RuntimeError(f"exported {written} sessions, expected {total}")
    return elapsed


def bench_export(floor_ms: float) -> list[tuple[str, str, str]]:
    """The export's rows; one request at a time is also compared with `floor_ms` per request (what
    a bare socket waits for the same server), which no client can beat."""
    requests = EXPORT_TOTAL // PAGE_SIZE + 1  # the last, empty page is a request too
    ideal = requests * LATENCY_MS / 1000
    floor = requests * floor_ms / 1000
    rows = []
    with page_server(LATENCY_MS, EXPORT_TOTAL) as base_url, tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "export.jsonl"
        export_once(base_url, output, 0, EXPORT_TOTAL)  # warm the server's page cache
        # prefetch=1 still sends one request at a time, but parses and writes page N while page
        # N+1 is on the wire: the sequential ideal is reachable only that way.
        cases = (
            (0, "sequential (prefetch=0)", ideal, "target <= 1.1x"),
            (1, "one request at a time, overlapped (prefetch=1, the default)", ideal, "issue 20: <= 1.05x"),
            (4, "prefetch=4", ideal / 4, "issue 20: <= 1.15x"),
        )
        for prefetch, label, ideal_time, target in cases:
            times = [export_once(base_url, output, prefetch, EXPORT_TOTAL) for _ in range(3)]
            took = statistics.median(times)
            against_floor = f", {took / floor:.2f}x the raw socket's {floor:.2f} s" if prefetch <= 1 else ""
            rows.append(
                (
                    f"export: 10,000 sessions, {LATENCY_MS} ms/response, {label}",
                    f"{took:.2f} s ({EXPORT_TOTAL / took:,.0f} sessions/s)",
                    f"{took / ideal_time:.2f}x ideal {ideal_time:.2f} s{against_floor} ({target})",
                )
            )
    return rows


def peak_rss_of_export(total: int) -> int:
    code = (
        # Run from the repository root, which `python -c` puts first on sys.path.
        "import sys, resource, pathlib, tempfile;"
        "import scripts.lib.bench as bench;"
        "d = tempfile.mkdtemp();"
        "bench.export_once(sys.argv[1], pathlib.Path(d) / 'out.jsonl', 0, int(sys.argv[2]));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    with page_server(0, total) as base_url:
        result = subprocess.run(
            [sys.executable, "-c", code, base_url, str(total)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    return int(result.stdout.strip()) * 1024  # ru_maxrss is in KiB on Linux


def server_floor_ms() -> float:
    """What one request to the bench server costs a bare socket, in ms: the floor under any client."""
    with page_server(LATENCY_MS, EXPORT_TOTAL) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        samples = []
        with socket.create_connection((host, int(port))) as connection:
            for page in range(1, 22):
                started = time.perf_counter()
                connection.sendall(f"GET /x?page={page}&page_size={PAGE_SIZE} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                received = b""
                while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _content_length(received):
                    received += connection.recv(1 << 20)
                if page > 1:  # the first request also builds the server's page cache
                    samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def bench_export_with_floor() -> list[tuple[str, str, str]]:
    floor = server_floor_ms()
    row = (
        f"export: one {PAGE_SIZE}-session page from the bench server, raw socket",
        f"{floor:.1f} ms",
        f"{floor / LATENCY_MS:.2f}x the {LATENCY_MS} ms latency (server and loopback overhead)",
    )
    return [row, *bench_export(floor)]


def _content_length(received: bytes) -> int:
    head = received.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def bench_memory() -> list[tuple[str, str, str]]:
    small = statistics.median(peak_rss_of_export(10_000) for _ in range(3))
    large = statistics.median(peak_rss_of_export(100_000) for _ in range(3))
    growth = (large - small) / 2**20
    return [
        ("memory: peak RSS exporting 10,000 sessions", f"{small / 2**20:.1f} MiB", ""),
        (
            "memory: peak RSS exporting 100,000 sessions",
            f"{large / 2**20:.1f} MiB",
            f"growth {growth:+.1f} MiB (target < 20)",
        ),
    ]


def bench_regeneration() -> list[tuple[str, str, str]]:
    rows = []
    for label, arguments in (("scripts/generate", []), ("scripts/generate --check", ["--check"])):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([str(REPO / "scripts" / "generate"), *arguments], cwd=REPO, capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        rows.append((f"regeneration: {label}", f"{statistics.median(times):.1f} s", "median of 3, bootstrap included"))
    return rows


def sync_once(base_url: str, database: Path, prefetch: int) -> tuple[float, Any]:
    """What `ravan-calls sync --prefetch N` does (dlt into the DuckDB file `database`), in this process, timed."""
    from ravan_client import RavanClient
    from ravan_client._sync import SyncStats, dlt_resource, run_sync
    from ravan_client.cli import PROGRAM

    command = next(c for group in PROGRAM.groups for c in group.commands if c.incremental is not None)
    stats = SyncStats()
    started = time.perf_counter()
    with RavanClient(api_key="bench", base_url=base_url, timeout=30, max_retries=0) as client:
        resource = dlt_resource(client.call_sessions.list, command, page_size=PAGE_SIZE, prefetch=prefetch, stats=stats)
        run_sync(resource, destination="duckdb", database=str(database), dataset="main")
    return time.perf_counter() - started, stats


def bench_sync() -> list[tuple[str, str, str]]:
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    started = time.perf_counter()
    import dlt  # noqa: F401 (timed: what a `ravan-calls sync` process pays once)

    import_time = time.perf_counter() - started
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with page_server(LATENCY_MS, EXPORT_TOTAL) as base_url:
            export_once(base_url, folder / "warm.jsonl", 0, EXPORT_TOTAL)  # the server's page cache
            sync_once(base_url, folder / "warm.duckdb", 1)  # dlt's first-use costs
            for prefetch in (1, 4):
                syncs, exports = [], []
                for run in range(3):  # interleaved, so that machine noise hits both alike
                    database = folder / f"initial-{prefetch}-{run}.duckdb"
                    took, stats = sync_once(base_url, database, prefetch)
                    if stats.new != EXPORT_TOTAL:
                        raise RuntimeError(f"synced {stats.new} new sessions, expected {EXPORT_TOTAL}")
                    syncs.append(took)
                    exports.append(export_once(base_url, folder / "export.jsonl", prefetch, EXPORT_TOTAL))
                sync_time, export_time = statistics.median(syncs), statistics.median(exports)
                if prefetch == 1:
                    initial_time = sync_time
                label = (
                    "one request at a time (prefetch=1, sync's default)" if prefetch == 1 else f"prefetch={prefetch}"
                )
                rows.append(
                    (
                        f"sync: initial, 10,000 sessions, {LATENCY_MS} ms/response, DuckDB, {label}",
                        f"{sync_time:.2f} s ({stats.requests} requests)",
                        f"{sync_time / export_time:.2f}x export -f jsonl, same prefetch, {export_time:.2f} s "
                        "(target <= 1.3x)",
                    )
                )
        with page_server(LATENCY_MS, EXPORT_TOTAL + 100) as base_url:
            seconds = []
            for run in range(3):
                database = folder / f"again-{run}.duckdb"
                database.write_bytes((folder / "initial-1-0.duckdb").read_bytes())
                took, stats = sync_once(base_url, database, 1)
                seconds.append(took)
            took = statistics.median(seconds)
            rows.append(
                (
                    "sync: second run, 100 new sessions (lag window 2 h = 24 sessions)",
                    f"{took:.2f} s ({stats.requests} requests; {stats.new} new, {stats.updated} updated, "
                    f"{stats.unchanged} unchanged)",
                    f"{took / initial_time:.2f}x the initial sync's {initial_time:.2f} s",
                )
            )
    rows.append(("sync: importing dlt (once per process)", f"{import_time:.2f} s", "not in the times above"))
    small = statistics.median(peak_rss_of_sync(10_000) for _ in range(2))
    large = statistics.median(peak_rss_of_sync(100_000) for _ in range(2))
    rows.append(("memory: peak RSS syncing 10,000 sessions (DuckDB)", f"{small / 2**20:.1f} MiB", ""))
    rows.append(
        (
            "memory: peak RSS syncing 100,000 sessions (DuckDB)",
            f"{large / 2**20:.1f} MiB",
            f"growth {(large - small) / 2**20:+.1f} MiB (target < 10)",
        )
    )
    return rows


def peak_rss_of_sync(total: int) -> int:
    code = (
        # Run from the repository root, which `python -c` puts first on sys.path.
        "import sys, resource, pathlib, tempfile;"
        "import scripts.lib.bench as bench;"
        "d = tempfile.mkdtemp();"
        "bench.sync_once(sys.argv[1], pathlib.Path(d) / 'calls.duckdb', 1);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    with page_server(0, total) as base_url:
        result = subprocess.run(
            [sys.executable, "-c", code, base_url],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"},
        )
    return int(result.stdout.strip().splitlines()[-1]) * 1024  # ru_maxrss is in KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--serve", nargs=3, type=int, metavar=("PORT", "LATENCY_MS", "TOTAL"), help=argparse.SUPPRESS)
    parser.add_argument("--parse-loop", nargs=2, metavar=("WHAT", "PAGES"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--only", choices=["parse", "instructions", "export", "memory", "regeneration", "sync"], action="append"
    )
    args = parser.parse_args(argv)
    if args.serve:
        serve(*args.serve)
        return 0
    if args.parse_loop:
        parse_loop(args.parse_loop[0], int(args.parse_loop[1]))
        return 0
    sections: dict[str, Callable[[], list[tuple[str, str, str]]]] = {
        "parse": bench_parse,
        "instructions": bench_parse_instructions,
        "export": bench_export_with_floor,
        "memory": bench_memory,
        "regeneration": bench_regeneration,
        "sync": bench_sync,
    }
    rows: list[tuple[str, str, str]] = []
    for name, function in sections.items():
        if args.only and name not in args.only:
            continue
        print(f"==> {name}", file=sys.stderr, flush=True)
        rows.extend(function())
    print(f"\nMachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of several runs.\n")
    print("| measure | result | compared with |")
    print("|---|---|---|")
    for measure, result, comparison in rows:
        print(f"| {measure} | {result} | {comparison} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
