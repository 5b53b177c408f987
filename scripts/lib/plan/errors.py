"""The plan's one error: a shape of the spec the generator does not support."""

from __future__ import annotations

from scripts.lib.openapi_document import SpecError


class PlanError(SpecError):
    """The spec asks for something the generator does not support; the message says what and where."""
