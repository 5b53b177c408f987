"""Keeping credentials out of everything printable: reprs, messages, logs, pickles, URLs.

- `Secret` holds a credential so that no repr, str or format of it shows the value.
- `Redactor` replaces every spelling of the credentials a server might echo back (as sent, JSON
  escaped, JSON escaped with `\\/`, percent-encoded) with `[secure]`; text is redacted before it
  is cut to an excerpt, so a credential straddling the cut cannot half survive.
- `display_url` shows a URL with its password as `[secure]`, as httpx does.
- `SENSITIVE_HEADERS` are the request and response headers whose values are never shown.
- `redact_http_logs` keeps the credentials of every live client out of the DEBUG logs of httpx and
  httpcore, which quote what a server sent when it cannot be parsed (a status line echoing the key).
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Iterable
from typing import NoReturn
from urllib.parse import quote, quote_plus

import httpx

__all__ = [
    "MASK",
    "SENSITIVE_HEADERS",
    "Redactor",
    "Secret",
    "display_url",
    "masked_header_items",
    "redact_http_logs",
]

MASK = "[secure]"
# httpx masks the first two in its own header repr; the API key header is added per client.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# Shorter values are not redacted: replacing every "a" in a message would make it unreadable,
# and a credential that short is no secret.
MIN_REDACTED_LENGTH = 4


class Secret:
    """A credential that never shows itself: repr, str and format all give `<redacted>`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a credential cannot be pickled")


class Redactor:
    """Replaces the credentials it was given, in every spelling a server might echo, with `[secure]`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if len(secret) < MIN_REDACTED_LENGTH:
                continue
            # As most servers write JSON (non-ASCII as is), and as Python's json does (\uXXXX).
            json_escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
            ascii_escaped = json.dumps(secret, ensure_ascii=True)[1:-1]
            variants.update(
                {
                    secret,
                    json_escaped,
                    json_escaped.replace("/", "\\/"),
                    ascii_escaped,
                    ascii_escaped.replace("/", "\\/"),
                    quote(secret, safe=""),
                    quote_plus(secret, safe=""),
                }
            )
        # Longest first: a variant that contains another must be replaced whole.
        self._variants = sorted(variants, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for variant in self._variants:
            if variant in text:
                text = text.replace(variant, MASK)
        return text

    def excerpt(self, text: str, limit: int) -> str:
        """The start of `text`, redacted first and cut after, so no credential survives the cut."""
        return self(text)[:limit]

    def __repr__(self) -> str:
        return f"<Redactor of {len(self._variants)} spellings>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a redactor holds credentials and cannot be pickled")


def display_url(url: httpx.URL | str) -> str:
    """The URL as text with its password (if any) replaced by `[secure]`."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    if parsed.password:
        # copy_with(password=...) alone would drop the username.
        parsed = parsed.copy_with(username=parsed.username, password=MASK)
    return str(parsed).replace("%5Bsecure%5D", MASK)


def masked_header_items(headers: httpx.Headers, extra_sensitive: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The headers as (name, value) pairs, credentials shown as `[secure]`."""
    sensitive = SENSITIVE_HEADERS | {name.lower() for name in extra_sensitive}
    return [(name, MASK if name.lower() in sensitive else value) for name, value in headers.multi_items()]


# The loggers of httpx and httpcore (a logger's filters do not apply to its children: each is named).
HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class _HttpLogRedaction(logging.Filter):
    """Redacts, from the records of HTTP_LOGGERS, the credentials of every live client."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()  # clients are made in one thread while another logs
        self._redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()

    def add(self, redactor: Redactor) -> None:
        with self._lock:
            self._redactors.add(redactor)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            redactors = list(self._redactors)
        if redactors:
            message = redacted = record.getMessage()
            for redact in redactors:
                redacted = redact(redacted)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_http_log_redaction = _HttpLogRedaction()


def redact_http_logs(redactor: Redactor) -> None:
    """Keep `redactor`'s credentials out of httpx's and httpcore's log records while it lives (runs
    only for records that are emitted: nothing is done at all unless their DEBUG logs are on).

    Called by every client as it is constructed; the first call puts the one shared filter on the
    loggers of HTTP_LOGGERS (importing this module changes no logger). Idempotent: a logger holds
    the filter once, however many clients are made, and gets it back if it was removed."""
    for name in HTTP_LOGGERS:
        logging.getLogger(name).addFilter(_http_log_redaction)  # a no-op when it is already there
    _http_log_redaction.add(redactor)
