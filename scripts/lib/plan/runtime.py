"""What the plan reads of the hand-written runtime and templates: the CLI's own flags, the
pagination styles, the names the generated modules import.

The runtime (spec/client/ravan_runtime) is imported by its real package path from the
repository root (`spec.client.ravan_runtime`), as `scripts.lib` itself is.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from collections.abc import Mapping
from pathlib import Path
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


# The templates whose module-level names a resource class shares: resources.py defines the classes,
# _client.py imports them beside its own imports.
RESOURCE_CLASS_MODULE_TEMPLATES = ("resources.py.jinja", "_client.py.jinja")


@functools.cache
def generated_module_imports() -> frozenset[str]:
    """The names the generated modules holding the resource classes import (`Mapping`,
    `SyncResource`, `AsyncAPIClient`, ...), read from the templates beside the runtime
    (spec/client/templates): a tag `Mapping` made a class `Mapping` that shadowed
    `collections.abc.Mapping` there (Firecrawl). The imports of the document's own models and
    resource classes, rendered per document, are not among them (the models are kept apart already)."""
    templates = Path(str(runtime_module("_types").__file__)).parents[1] / "templates"
    names: set[str] = set()
    for template in RESOURCE_CLASS_MODULE_TEMPLATES:
        # The static import statements: Jinja's lines (`{% if %}`, `{{ ... }}`) left out, so what
        # is left of each import is plain Python (a conditional import counts as always there).
        lines = [
            line
            for line in (templates / template).read_text().splitlines()
            if not line.lstrip().startswith("{%") and "{{" not in line
        ]
        source = "\n".join(lines)
        # From the first import to the first line that is not one (`__all__`), or to _client.py's
        # import of the resource classes themselves (rendered per document: empty here).
        imports = re.split(r"\n(?:__all__|from \.resources import)", source[source.index("from __future__") :])[0]
        for statement in ast.parse(imports).body:
            if isinstance(statement, ast.ImportFrom) and statement.module != "__future__":
                names.update(alias.asname or alias.name for alias in statement.names)
            elif isinstance(statement, ast.Import):
                names.update((alias.asname or alias.name).split(".")[0] for alias in statement.names)
    return frozenset(names)
