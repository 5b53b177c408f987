"""Fixtures of the packaging tests: a Prism mock of the spec per test module.

Prism is started as `node_modules/.bin/prism mock spec/openapi.yaml --errors --host 127.0.0.1
--port 0`, in its own session, with its output copied to a log file. The OS picks the port and the
ready line "Prism is listening on http://127.0.0.1:PORT" names it, so two suites never race for a
port. Teardown sends SIGTERM to the process group, then SIGKILL. If Prism does not start, every
test that needs it fails with the log: nothing here is ever skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.packaging.support import (
    PRISM_BIN,
    PRISM_START_TIMEOUT,
    PrismServer,
    start_prism,
)
from tests.support.processes import read_log, stop_process_group


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    if not PRISM_BIN.exists():
        pytest.fail(f"{PRISM_BIN} is missing: run scripts/bootstrap", pytrace=False)
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    process, output = start_prism(log_path)
    try:
        settled = output.settled.wait(PRISM_START_TIMEOUT)
        if output.base_url is None:
            # Settled without a ready line: the output ended, so Prism exited.
            what = "exited before it was ready" if settled else f"was not ready within {PRISM_START_TIMEOUT:.0f} s"
            pytest.fail(f"Prism {what}.\nIts log ({log_path}):\n{read_log(log_path)}", pytrace=False)
        yield PrismServer(output.base_url, log_path)
    finally:
        stop_process_group(process)
        output.join(timeout=PRISM_START_TIMEOUT)
