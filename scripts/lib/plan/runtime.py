"""What the plan reads of the hand-written runtime: the CLI's own flags, the pagination styles.

The runtime (spec/client/ravan_runtime) is imported by its real package path from the
repository root (`spec.client.ravan_runtime`), as `scripts.lib` itself is.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from types import ModuleType
from typing import Any

# The runtime this generation copies into the client (spec/client/ravan_runtime), by its package
# path from the repository root: importable wherever `scripts.lib` is (both hang off the root).
RUNTIME_PACKAGE = "spec.client.ravan_runtime"


def runtime_module(name: str) -> ModuleType:
    """A module of the runtime this generation copies (spec/client/ravan_runtime), imported by its
    real package path (`spec.client.ravan_runtime._commands`): its modules import each other
    relatively, so they load there as they do inside the generated package."""
    return importlib.import_module(f"{RUNTIME_PACKAGE}.{name}")


def cli_reserved_flags() -> frozenset[str]:
    """The command line's own options (the runtime's `_commands.RESERVED_FLAGS`)."""
    flags: frozenset[str] = runtime_module("_commands").RESERVED_FLAGS
    return flags


def pagination_styles() -> Mapping[str, Any]:
    """The runtime's registry of pagination styles: adding a style there is all a new style needs."""
    styles: Mapping[str, Any] = runtime_module("_pagination").PAGINATION_STYLES
    return styles
