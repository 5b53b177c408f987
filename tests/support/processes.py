"""Helpers for the servers the test suites start as child processes (Prism, above all)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

STOP_TIMEOUT = 5.0  # Prism takes about 2 s to exit on SIGTERM


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
