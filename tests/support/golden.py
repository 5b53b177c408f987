"""The grown spec's golden record, importable as real generated code beside the target under test.

tests/data/grown/golden holds what scripts/generate makes from tests/data/grown/openapi.yaml
(`scripts/generate --check` proves it current). Its client package is named `ravan_client`, as the
target's is (tests/support/target.py puts the target first on `sys.path`), so it is loaded here
under another name, `ravan_golden`: the generated modules (`_client.py`, `resources.py`, `cli.py`,
`models/`, ...) from the record, and in place of the runtime modules the generator copied in, the
runtime itself (`ravan_runtime`, spec/client). The runtime tests (tests/runtime) thus drive the
runtime where it lives, through the code the templates really write: a change of a runtime module
is seen without regenerating, a change of a template shows in the golden record's diff, and an
exception the client raises is the runtime's own class (`ravan_runtime._exceptions.APIStatusError`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

from tests.support.target import REPO_ROOT

GOLDEN = REPO_ROOT / "tests" / "data" / "grown" / "golden"
GOLDEN_CLIENT = GOLDEN / "ravan-client" / "ravan_client"
GOLDEN_SPEC = REPO_ROOT / "tests" / "data" / "grown" / "openapi.yaml"
PACKAGE = "ravan_golden"
"""The name the golden client package is imported under (never `ravan_client`, the target's)."""

__all__ = ["GOLDEN", "GOLDEN_CLIENT", "GOLDEN_SPEC", "PACKAGE", "golden_client", "golden_module"]


@functools.cache
def golden_client() -> ModuleType:
    """The golden record's `ravan_client` package, as `ravan_golden`, on the runtime in spec/client."""
    runtime = importlib.import_module("ravan_runtime")
    aliased = [info.name for info in pkgutil.iter_modules(runtime.__path__)]
    copied = {path.stem for path in GOLDEN_CLIENT.iterdir() if path.name != "__init__.py"}
    # Every runtime module the generator copies must be in the record: a record older than the
    # runtime's layout fails here by name rather than as an ImportError deep in a test.
    missing = sorted(name for name in aliased if name not in copied)
    if missing:
        raise RuntimeError(f"the golden record lacks runtime modules {missing}: run scripts/generate")
    # Registered before the package runs, so that its relative imports (`from ._base_client import
    # ...`) find the runtime's modules in sys.modules and never load the record's copies.
    for name in aliased:
        module = importlib.import_module(f"ravan_runtime.{name}")
        sys.modules[f"{PACKAGE}.{name}"] = module
    spec = importlib.util.spec_from_file_location(
        PACKAGE, GOLDEN_CLIENT / "__init__.py", submodule_search_locations=[str(GOLDEN_CLIENT)]
    )
    assert spec is not None
    assert spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    for name in aliased:
        setattr(package, name, sys.modules[f"{PACKAGE}.{name}"])
    sys.modules[PACKAGE] = package
    try:
        spec.loader.exec_module(package)
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    return package


def golden_module(name: str) -> ModuleType:
    """One module of the golden client package: `golden_module("resources")`, `("models.call_session")`."""
    golden_client()
    return importlib.import_module(f"{PACKAGE}.{name}")


def golden_path(name: str) -> Path:
    """Where one generated file of the golden client lives (for messages and source checks)."""
    return GOLDEN_CLIENT / name
