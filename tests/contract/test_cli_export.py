"""`ravan-calls` against a real HTTP server: the command a user runs, in its own process.

Each command runs as `python -m ravan_client.cli` with only the generated package on the path and
the key and base URL in the environment, as the README shows against `scripts/mock`.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ravan_client.cli import EXPORT_COLUMNS
from tests.contract.conftest import ApiServer
from tests.contract.spec_support import REPO_ROOT, success_examples

pytestmark = pytest.mark.contract

DEFAULT_EXAMPLE_IDS = [s["id"] for s in next(iter(success_examples().values()))["data"]["callSessions"]]


def ravan_calls(server: ApiServer, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT / "generated" / "ravan-client"),
        "RAVAN_API_KEY": server.api_key,
        "RAVAN_BASE_URL": server.base_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "ravan_client.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("prefetch", ["0", "4"])
def test_export_jsonl_writes_one_valid_session_per_line(api_server: ApiServer, tmp_path: Path, prefetch: str) -> None:
    out = tmp_path / "calls.jsonl"
    result = ravan_calls(api_server, "export", "--format", "jsonl", "--output", str(out), "--prefetch", prefetch)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records
    assert all(isinstance(record["id"], str) for record in records)
    if not api_server.is_prism:
        return
    assert [record["id"] for record in records] == DEFAULT_EXAMPLE_IDS
    assert f"Wrote {len(records)} sessions" in result.stderr


def test_export_csv_writes_a_header_and_one_row_per_session(api_server: ApiServer, tmp_path: Path) -> None:
    out = tmp_path / "calls.csv"
    result = ravan_calls(api_server, "export", "--format", "csv", "--output", str(out), "--status", "completed")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert rows
    assert list(rows[0]) == [column.header for column in EXPORT_COLUMNS] + ["extra"]
    if api_server.is_prism:
        assert [row["id"] for row in rows] == DEFAULT_EXAMPLE_IDS
        assert rows[0]["creditBreakdown.total_credits"] == "5"


def test_list_prints_the_page_as_a_table(api_server: ApiServer) -> None:
    result = ravan_calls(api_server, "list", "--page-size", "20")
    assert result.returncode == 0, result.stderr
    assert "Call sessions, page 1" in result.stdout
    if api_server.is_prism:
        assert DEFAULT_EXAMPLE_IDS[0][:7] in result.stdout


def test_a_bad_argument_is_refused_with_exit_code_2(api_server: ApiServer) -> None:
    result = ravan_calls(api_server, "list", "--started-after", "2026-11-01")
    assert result.returncode == 2
    assert "needs a timezone" in result.stderr
    assert "Traceback" not in result.stderr
