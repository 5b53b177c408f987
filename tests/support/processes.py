"""Helpers for the servers the test suites start as child processes (Prism, above all)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.target import REPO_ROOT

STOP_TIMEOUT = 5.0  # Prism takes about 2 s to exit on SIGTERM
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
PRISM_READY = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")
PRISM_START_TIMEOUT = 120.0


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group (the server and anything it spawned), wait up to
    STOP_TIMEOUT, then SIGKILL it. The process must have been started with start_new_session."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def read_log(path: Path) -> str:
    """A server's log for a failure message, or a note that it wrote none."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "<no log written>"


def wait_until_ready(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """Poll Prism's log for its ready line; return the base URL, or fail the test with the log."""
    deadline = time.monotonic() + PRISM_START_TIMEOUT
    while time.monotonic() < deadline:
        match = PRISM_READY.search(read_log(log_path))
        if match:
            return match.group(1)
        if process.poll() is not None:
            pytest.fail(
                f"Prism exited with code {process.returncode} before it was ready.\n"
                f"Its log ({log_path}):\n{read_log(log_path)}",
                pytrace=False,
            )
        time.sleep(0.1)  # polling a starting process; no test waits on a sleep
    stop_process_group(process)
    pytest.fail(
        f"Prism was not ready within {PRISM_START_TIMEOUT:.0f} s.\nIts log ({log_path}):\n{read_log(log_path)}",
        pytrace=False,
    )


@contextlib.contextmanager
def running_prism(spec_path: Path, log_path: Path, *options: str, errors: bool = True) -> Iterator[str]:
    """`prism mock SPEC [--errors] [OPTIONS]` on a port the OS picks, logging to `log_path`; yields its
    base URL (`errors=False`: a request or response that breaks the spec is answered anyway, and
    only the log and the `sl-violations` header say so).

    A Prism that is missing or does not start fails the test with its log (never a skip); the whole
    process group is stopped on exit. See tests/contract/conftest.py for why each option is there.
    """
    if not PRISM_BIN.exists():
        pytest.fail(f"Prism is not installed at {PRISM_BIN}: run scripts/bootstrap (npm ci).", pytrace=False)
    command = [
        str(PRISM_BIN),
        "mock",
        str(spec_path),
        *(["--errors"] if errors else []),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--json-schema-faker-fillProperties=false",
        *options,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield wait_until_ready(process, log_path)
    finally:
        stop_process_group(process)
