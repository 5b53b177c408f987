"""Argument checks that run before any request is sent.

Hand-written; `scripts/generate` copies this module into the generated package, and the generated
resource methods call one check per query parameter, chosen from the parameter's schema in the
spec (type, `minimum`/`maximum`, `enum`, `format: date-time`). A failed check raises `ValueError`
(or `TypeError` for a value of the wrong type) naming the argument and what is allowed.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from urllib.parse import quote

from .types import Unset

# Servers and proxies commonly refuse request lines over 8 KB (and httpx refuses URLs over 64 KB):
# a longer value would fail anyway, later and less clearly.
MAX_ENCODED_QUERY_VALUE = 8000

__all__ = ["check_aware_datetime", "check_boolean", "check_choice", "check_integer", "check_number", "check_string"]


def check_integer(name: str, value: object, *, minimum: int | None = None, maximum: int | None = None) -> None:
    if isinstance(value, Unset):
        return
    # bool is an int subclass, but page=True is a bug, not a page number.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value.bit_length() > 63:
        # Query integers are 64-bit on any server; beyond that Python cannot even print some of
        # them (int_max_str_digits), and the error would not say which argument was wrong.
        raise ValueError(f"{name} must fit in a 64-bit integer, got one of {value.bit_length()} bits")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}{_upto(maximum)}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}, got {value}")


def check_number(name: str, value: object, *, minimum: float | None = None, maximum: float | None = None) -> None:
    if isinstance(value, Unset):
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")


def check_boolean(name: str, value: object) -> None:
    if isinstance(value, Unset):
        return
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")


def check_string(name: str, value: object) -> None:
    if isinstance(value, Unset):
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    try:
        encoded = quote(value, safe="")
    except UnicodeEncodeError:
        # A lone surrogate cannot be put in a URL; httpx would fail with a less helpful error.
        raise ValueError(f"{name} must be valid Unicode text (it contains a lone surrogate)") from None
    if len(encoded) > MAX_ENCODED_QUERY_VALUE:
        raise ValueError(
            f"{name} is too long for a URL: {len(encoded)} bytes once encoded, at most {MAX_ENCODED_QUERY_VALUE}"
        )


def check_choice(name: str, value: object, allowed: Collection[str]) -> None:
    if isinstance(value, Unset):
        return
    if not isinstance(value, str) or value not in allowed:
        choices = " or ".join(repr(choice) for choice in sorted(allowed))
        raise ValueError(f"{name} must be {choices}, got {value!r}")


def check_aware_datetime(name: str, value: object) -> None:
    if isinstance(value, Unset):
        return
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a datetime.datetime with a timezone, got {type(value).__name__} {value!r}")
    offset = value.utcoffset()
    if value.tzinfo is None or offset is None:
        raise ValueError(
            f"{name} must be timezone-aware (a naive datetime is ambiguous): "
            f"pass e.g. datetime(..., tzinfo=datetime.timezone.utc), got {value.isoformat()}"
        )
    if offset.seconds % 60 or offset.microseconds:
        # isoformat() would put the seconds into the offset, which ISO 8601 / RFC 3339 cannot express.
        raise ValueError(f"{name} has a UTC offset with seconds ({offset}); convert it to UTC first")


def _upto(maximum: int | None) -> str:
    return "" if maximum is None else f" and <= {maximum}"
