"""Fixtures of the sync tests: dlt kept inside the test's own directory, and a throwaway PostgreSQL.

The PostgreSQL server is started from the machine's server binaries (`initdb`, `pg_ctl`), as the
`postgres` user when the tests run as root (CI does: PostgreSQL refuses to run as root), on a free
port under a temporary directory that user owns. It fails, never skips, when it cannot start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def dlt_at_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dlt's global directory and telemetry: the test's own, and off."""
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-home"))
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.fail("running as root, and there is no runuser to start PostgreSQL as the postgres user")
    return [runuser, "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of the test session's own: its URL (user postgres, trust auth)."""
    for tool in ("initdb", "pg_ctl"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: the sync tests need PostgreSQL's server binaries")
    root = Path(tempfile.mkdtemp(prefix="ravan-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
        root.chmod(0o700)
    port = _free_port()
    log = root / "server.log"
    # Its own socket directory and loopback only; no fsync: a throwaway server.
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        subprocess.run(
            _as_postgres(["initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]),
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "300", "-o", options, "start"]),
            check=True,
            capture_output=True,
            timeout=330,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {error}: {detail.decode(errors='replace')[-2000:]} {server_log}")
    try:
        yield f"postgresql://postgres:unused@127.0.0.1:{port}/postgres"  # trust auth: dlt wants a password, any
    finally:
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(data), "-m", "immediate", "stop"]), capture_output=True, timeout=120
        )
        shutil.rmtree(root, ignore_errors=True)
