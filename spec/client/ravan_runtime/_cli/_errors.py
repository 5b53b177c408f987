"""Error lines: every expected failure ends in one line on stderr and an exit code.

An API error is explained in words that say what to do (`explain`), naming the client's own
variables and flags; SIGTERM is raised as `_Terminated` in the main thread so that a long command
(export, sync) ends like a Ctrl-C does.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from .._commands import credential_flag
from .._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RepeatedPageError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from .._identity import ClientIdentity
from .._secrets import display_url

EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class CliError(Exception):
    """An expected failure: printed as one line, no traceback, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = EXIT_API_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that an export ends like a Ctrl-C does."""


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """SIGTERM raises in the main thread, so an export closes its file like Ctrl-C does."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def call_api(call: Callable[[], Any], identity: ClientIdentity | None = None, size_flag: str | None = None) -> Any:
    """Argument errors from the client's own checks are usage errors (exit 2); API errors one line."""
    try:
        return call()
    except (ValueError, TypeError) as error:
        raise CliError(str(error), EXIT_USAGE) from None
    except APIError as error:
        raise CliError(explain(error, identity, size_flag=size_flag)) from None


def explain(error: APIError, identity: ClientIdentity | None = None, *, size_flag: str | None = None) -> str:
    """One line that says what happened and what to do (naming the identity's variables and vendor).

    `size_flag` is the command's page-size option (its name is the spec's), when it has one: a
    smaller page is worth trying when the server fails or sends too much."""
    smaller_page = f"try a smaller {size_flag}, or " if size_flag else ""
    where = _netloc(error)
    credentials = identity.credentials if identity is not None else ()
    key_variable = " and ".join(c.env_vars[0] for c in credentials if c.env_vars) or "the credentials"
    key_flags = " and ".join(credential_flag(c.argument) for c in credentials) or "--api-key"
    vendor = identity.vendor if identity and identity.vendor else "the API's"
    if isinstance(error, AuthenticationError):
        return f"The API rejected the key (401). Set {key_variable} or pass {key_flags} with a valid key."
    if isinstance(error, PermissionDeniedError):
        return f"The key may not do this (403). Check its permissions in your {vendor} account."
    if isinstance(error, NotFoundError):
        return f"Not found (404): {error.message}. Check the id, and --base-url."
    if isinstance(error, UnprocessableEntityError):
        return f"The API refused the request (422): {error.message}"
    if isinstance(error, RateLimitError):
        wait = f" It asked to wait {error.retry_after:.0f} s." if error.retry_after else ""
        return f"Rate limited (429) after retries.{wait} Try again later, or raise --max-retries."
    if isinstance(error, InternalServerError):
        return (
            f"The server failed ({error.message}) and kept failing after the retries. It is often temporary: "
            f"try again in a minute, or raise --max-retries; if it persists, {smaller_page}contact {vendor} support."
        )
    if isinstance(error, APITimeoutError):
        return f"No answer from {where} in time. Raise --timeout or try again."
    if isinstance(error, APIConnectionError):
        return f"Could not reach {where} ({error.message}). Check --base-url and your network."
    if isinstance(error, APIStatusError):
        return f"The API answered {error.message}"
    if isinstance(error, ResponseTooLargeError):
        smaller = f" Try a smaller {size_flag}." if size_flag else ""
        return f"The API sent a response too large to read: {error.message}.{smaller}"
    if isinstance(error, APIResponseValidationError):
        return f"The API sent something that is not what its spec documents: {error.message}"
    if isinstance(error, RepeatedPageError):
        return str(error)
    return str(error)


def _netloc(error: APIError) -> str:
    url = error.request.url
    shown = display_url(url.copy_with(path="/", query=None, fragment=None)).rstrip("/")
    return shown.split("://", 1)[-1]
