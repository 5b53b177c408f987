"""What the runtime tests run: the golden record's generated modules on the runtime where it lives.

tests/support/golden.py loads the record's `ravan_client` as `ravan_golden` with the runtime
(`spec/client/ravan_runtime`) in place of the copies the generator made; if it loaded a copy
instead, the runtime tests would test a snapshot, and a runtime change would go untested until
regenerated.
"""

from __future__ import annotations

import inspect
import pkgutil
import sys
from pathlib import Path

import ravan_runtime
from ravan_runtime._base_client import AsyncAPIClient, SyncAPIClient
from ravan_runtime._exceptions import APIStatusError

from tests.runtime.harness import PROGRAM, AsyncRavanClient, RavanClient, models
from tests.support.golden import GOLDEN_CLIENT, PACKAGE


def test_the_generated_modules_are_the_golden_records() -> None:
    assert Path(inspect.getfile(RavanClient)) == GOLDEN_CLIENT / "_client.py"
    assert Path(inspect.getfile(models.CallSession)) == GOLDEN_CLIENT / "models" / "call_session.py"
    assert PROGRAM.name == "ravan-calls"


def test_the_runtime_is_the_one_in_spec_client_never_the_records_copy() -> None:
    assert issubclass(RavanClient, SyncAPIClient)
    assert issubclass(AsyncRavanClient, AsyncAPIClient)
    assert sys.modules[f"{PACKAGE}._exceptions"].APIStatusError is APIStatusError
    runtime_dir = Path(ravan_runtime.__file__).parent
    for info in pkgutil.iter_modules(ravan_runtime.__path__):
        loaded = sys.modules[f"{PACKAGE}.{info.name}"]
        assert loaded.__file__ is not None
        # A subpackage of the runtime (`_cli/`) lives in a folder of its own inside it.
        assert Path(loaded.__file__).parent == (runtime_dir / info.name if info.ispkg else runtime_dir), info.name
    copies = [GOLDEN_CLIENT / info.name for info in pkgutil.iter_modules(ravan_runtime.__path__)]
    loaded_files = [Path(file) for module in list(sys.modules.values()) if (file := getattr(module, "__file__", None))]
    copies_loaded = [
        file for file in loaded_files for copy in copies if file.with_suffix("") == copy or copy in file.parents
    ]
    assert not copies_loaded
