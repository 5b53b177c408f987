"""The hand-written runtime of the generated client, where it lives and is tested.

`scripts/generate` copies every other module of this directory (and the `_cli/` subpackage), byte
for byte, into the generated package (`ravan_client/_base_client.py`, ...); this `__init__.py` is
not copied. The modules import only each other (relative imports), the standard library, httpx and
httpcore (the client builds httpcore's connection pools itself), anyio (which httpx depends on: the
async client cancels its attempts through anyio's cancel scopes) and, for the command line, click
and rich: never anything generated, and not attrs (only the generated models import attrs). The
generated modules import them, as openai-python's generated `resources/` import its hand-written
`_base_client.py`.

The tests in `tests/runtime/` import this directory as the package `ravan_runtime` and drive it
through the grown spec's real generated code, its golden record (`tests/support/golden.py` loads
the record's generated modules on top of this runtime), so a runtime edit needs no regeneration
before its tests run.
"""
