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
    names: set[str] = set()
    for template in RESOURCE_CLASS_MODULE_TEMPLATES:
        names |= _template_imports(template)
    return frozenset(names)


MODEL_MODULE_TEMPLATE = "model.py.jinja"


@functools.cache
def model_module_imports() -> frozenset[str]:
    """The names every generated model module imports under their own spelling (`Any`, `ClassVar`;
    the others it imports by private names, `_WireModel`): a schema named like one would define a
    class that shadows it (a schema `Any`), so such a class is renamed (see
    `scripts/lib/generate.py`, `class_overrides_off_imports`)."""
    return frozenset(name for name in _template_imports(MODEL_MODULE_TEMPLATE) if not name.startswith("_"))


def _template_imports(template: str) -> frozenset[str]:
    """The names `template` (in spec/client/templates) imports at module level, read from its
    static import statements: Jinja's lines (`{% if %}`, `{{ ... }}`) left out, so what is left of
    each import is plain Python (a conditional import counts as always there; an import rendered
    per document, a line with `{{ }}`, is not there)."""
    templates = Path(str(runtime_module("_types").__file__)).parents[1] / "templates"
    lines = [
        line
        for line in (templates / template).read_text().splitlines()
        if not line.lstrip().startswith("{%") and "{{" not in line
    ]
    # Up to _client.py's import of the resource classes themselves (rendered per document: empty here).
    source = re.split(r"\n(?:from \.resources import)", "\n".join(lines))[0]
    names: set[str] = set()
    statement: list[str] = []
    for line in source.splitlines():
        if not statement and not line.startswith(("from ", "import ")):
            continue  # module-level code between the imports, or after them
        statement.append(line)
        text = "\n".join(statement)
        if text.count("(") > text.count(")"):
            continue  # a parenthesised import goes on
        statement = []
        for node in ast.parse(text).body:
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                names.update(alias.asname or alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return frozenset(names)
