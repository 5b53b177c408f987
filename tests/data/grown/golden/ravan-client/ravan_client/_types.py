"""Small types shared by the runtime and the generated code: the NOT_GIVEN sentinel and timeouts.

`None` means "not sent" for every optional query and header parameter, and "no timeout" for
`timeout=`. Where `None` must mean JSON null (a nullable property of a request body), "not sent"
is `NOT_GIVEN`, as in openai-python; it is also the default of the per-call `timeout=` and
`max_retries=` overrides ("use the client's setting").
"""

from __future__ import annotations

from typing import Final, Literal

import httpx

__all__ = ["NOT_GIVEN", "NotGiven", "TimeoutTypes"]


class NotGiven:
    """The type of `NOT_GIVEN`: an argument that was not passed at all (as opposed to `None`)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # One instance, even across copy and pickle, so `is NOT_GIVEN` always works.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

TimeoutTypes = float | httpx.Timeout | None
"""Seconds for each attempt, an `httpx.Timeout` for each phase, or None for no timeout."""
