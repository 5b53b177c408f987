"""The hand-written runtime of the generated client, where it lives and is tested.

`scripts/generate` copies every other module of this directory, byte for byte, into the generated
package (`ravan_client/_base_client.py`, ...); this `__init__.py` is not copied. The modules import
only each other (relative imports), the standard library, httpx and httpcore (the client builds
httpcore's connection pools itself), anyio (which httpx depends on: the async client cancels its
attempts through anyio's cancel scopes) and, for the command line, click and rich: never anything
generated, and not attrs (only the generated models import attrs). The generated modules import them, as
openai-python's generated `resources/` import its hand-written `_base_client.py`.

The tests in `tests/runtime/` import this directory as the package `ravan_runtime` and drive it
with hand-written operation descriptions, so they need no regeneration first.
"""
