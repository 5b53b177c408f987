"""The machinery under `RavanClient` and `AsyncRavanClient`: sending, retrying, redirects, errors.

Hand-written; `scripts/generate` copies this module into the generated package. The generated
resource methods (`resources.py`) build each request with the generated endpoint module's
`_get_kwargs` and hand it to `SyncAPIClient.request` / `AsyncAPIClient.request`, which:

- adds the API key header, and only on requests to the configured origin: a redirect to another
  host, or to plain http, is followed without the key;
- retries connection errors, timeouts, 408, 409, 429 and 5xx with exponential backoff and jitter,
  honouring `Retry-After` (seconds or an HTTP date) up to `MAX_RETRY_AFTER` seconds;
- turns what is left into the typed exceptions of `_exceptions.py`;
- logs method, URL, status, attempt and duration (never headers) to the `ravan_client` logger.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from .types import Unset

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "BaseClient",
    "RequestOptions",
    "SyncAPIClient",
]

DEFAULT_BASE_URL = "https://api.ravan.ai"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A Retry-After longer than this is not honoured: the backoff schedule applies instead.
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 5
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# Failures of our own request that would fail the same way again.
_NOT_RETRYABLE = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
BODY_EXCERPT_CHARS = 200

API_KEY_ENV_VARS = ("RAVAN_API_KEY", "AGNI_API_KEY")
BASE_URL_ENV_VAR = "RAVAN_BASE_URL"
LOG_ENV_VAR = "RAVAN_LOG"

logger = logging.getLogger("ravan_client")

TimeoutTypes = float | httpx.Timeout | None
ParsedT = TypeVar("ParsedT")


@dataclass(frozen=True)
class RequestOptions:
    """Per-call overrides of the client's settings; `Unset` means "use the client's"."""

    timeout: TimeoutTypes | Unset
    max_retries: int | Unset


class Abandoned(Exception):
    """Raised inside a speculative request of the prefetching pager once its result is no longer
    wanted; never reaches users."""


class _SecretKey:
    """Holds the API key so that no repr, str or format of it shows the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__


class BaseClient:
    """Settings and the decisions shared by the sync and async clients; no I/O."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        timeout: TimeoutTypes,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
        api_key_header: str,
    ) -> None:
        if api_key is None:
            api_key = next((os.environ[name] for name in API_KEY_ENV_VARS if os.environ.get(name)), None)
        if not api_key:
            raise ValueError(
                "No API key: pass api_key=... or set the RAVAN_API_KEY environment variable "
                "(AGNI_API_KEY is accepted too)."
            )
        if api_key != api_key.strip() or not all(" " < character <= "~" for character in api_key):
            # A key read from a file often ends in a newline. Sent as is, it fails inside the
            # HTTP library with an error that quotes the header value: the key. Never echo it.
            raise ValueError(
                "The API key must be printable ASCII without spaces or surrounding whitespace "
                "(was it read from a file with its trailing newline?)."
            )
        if base_url is None:
            base_url = os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL
        try:
            url = httpx.URL(str(base_url))
            host = url.host  # decoding an IDNA host can fail only here
        except (httpx.InvalidURL, ValueError) as error:  # ValueError covers the idna errors
            raise ValueError(f"base_url is not a valid URL ({error}): {str(base_url)!r}") from None
        if url.query or url.fragment:
            raise ValueError(f"base_url must not have a query or a fragment, got {str(base_url)!r}")
        if url.scheme not in ("http", "https") or not host:
            raise ValueError(f"base_url must be an http(s) URL with a host, got {str(base_url)!r}")
        if url.scheme == "http" and not allow_insecure_http and not _is_loopback(host):
            raise ValueError(
                f"base_url {str(url)!r} is plain http to a non-loopback host: the API key would travel "
                "unencrypted. Use https, or pass allow_insecure_http=True if you really mean it."
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        self._api_key = _SecretKey(api_key)
        self._api_key_header = api_key_header
        self.base_url = url
        self.timeout = _as_timeout(timeout)
        self.max_retries = max_retries
        self._default_headers = dict(default_headers or {})
        self._allow_insecure_http = allow_insecure_http
        # Tests replace these to observe backoff without sleeping or randomness.
        self._random: Callable[[], float] = random.random
        _configure_logging_from_env()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.base_url)!r}, max_retries={self.max_retries})"

    # --- requests -------------------------------------------------------------------------

    def _build_request(
        self, http: httpx.Client | httpx.AsyncClient, kwargs: Mapping[str, Any], timeout: httpx.Timeout | None
    ) -> httpx.Request:
        url = self.base_url.copy_with(raw_path=self.base_url.raw_path.rstrip(b"/") + str(kwargs["url"]).encode())
        headers = {**self._default_headers, "Accept": "application/json", **kwargs.get("headers", {})}
        headers[self._api_key_header] = self._api_key.reveal()
        request = http.build_request(
            kwargs["method"].upper(),
            url,
            params=kwargs.get("params"),
            headers=headers,
            timeout=timeout if timeout is not None else httpx.Timeout(None),
        )
        request.headers = _KeyMaskingHeaders(request.headers, masked=self._api_key_header)
        return request

    def _redirect_request(self, request: httpx.Request, response: httpx.Response) -> httpx.Request:
        location = response.headers["Location"]
        target = request.url.join(location)
        headers = httpx.Headers(request.headers)
        headers.pop("Host", None)
        # The key goes only to the origin it was configured for: a redirect elsewhere (another
        # host, port or scheme) is followed without it.
        if not self._same_origin(target):
            headers.pop(self._api_key_header, None)
        redirected = httpx.Request("GET", target, headers=headers, extensions=request.extensions)
        redirected.headers = _KeyMaskingHeaders(redirected.headers, masked=self._api_key_header)
        return redirected

    def _same_origin(self, url: httpx.URL) -> bool:
        base = self.base_url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    def _resolve(self, options: RequestOptions) -> tuple[httpx.Timeout | None, int]:
        timeout = self.timeout if isinstance(options.timeout, Unset) else _as_timeout(options.timeout)
        retries = self.max_retries if isinstance(options.max_retries, Unset) else options.max_retries
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"max_retries must be an integer >= 0, got {retries!r}")
        return timeout, retries

    # --- retries --------------------------------------------------------------------------

    @staticmethod
    def _should_retry(response: httpx.Response) -> bool:
        return response.status_code in RETRYABLE_STATUSES or response.status_code >= 500

    def _retry_delay(self, retries_done: int, response: httpx.Response | None) -> float:
        """Seconds to wait before the next attempt: the server's Retry-After if it is sane,
        else 0.5 s doubling per retry, capped at 8 s, minus up to 25% jitter."""
        if response is not None:
            retry_after = parse_retry_after(response.headers)
            if retry_after is not None and 0 < retry_after <= MAX_RETRY_AFTER:
                return retry_after
        delay = min(INITIAL_RETRY_DELAY * (2.0**retries_done), MAX_RETRY_DELAY)
        return delay * (1 - 0.25 * self._random())

    # --- responses ------------------------------------------------------------------------

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        status = response.status_code
        detail = self._redact(_error_detail(response))
        message = (
            f"{status} {response.reason_phrase or 'error'}: {detail}"
            if detail
            else f"{status} {response.reason_phrase}"
        )
        if status == 429:
            retry_after = parse_retry_after(response.headers)
            positive = retry_after if retry_after is not None and retry_after > 0 else None
            return RateLimitError(message, response=response, retry_after=positive)
        error_class: type[APIStatusError] = _STATUS_ERRORS.get(status, APIStatusError)
        if status >= 500:
            error_class = InternalServerError
        return error_class(message, response=response)

    def _parse_body(self, response: httpx.Response, parse: Callable[[Any], ParsedT]) -> ParsedT:
        """Parse a 2xx body with the generated model; anything but the envelope is a typed error."""
        # Only the start of the body, decoded on its own: .text would decode (and cache) all of it.
        excerpt = self._redact(
            response.content[: BODY_EXCERPT_CHARS * 4].decode("utf-8", "replace")[:BODY_EXCERPT_CHARS]
        )
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python can parse
            content_type = response.headers.get("Content-Type", "no content type")
            raise APIResponseValidationError(
                f"Expected a JSON body from {response.request.url.path}, got {content_type} that is not JSON",
                response=response,
                body_excerpt=excerpt,
            ) from None
        if not isinstance(data, dict):
            raise APIResponseValidationError(
                f"Expected a JSON object, got {type(data).__name__}", response=response, body_excerpt=excerpt
            )
        if data.get("success") is False:
            message = data.get("message")
            raise APIResponseValidationError(
                f"The API answered {response.status_code} but success is false"
                + (f": {self._redact(str(message))}" if message else ""),
                response=response,
                body_excerpt=excerpt,
            )
        try:
            return parse(data)
        except Exception as error:  # the generated from_dict raises KeyError, TypeError, ValueError, ...
            raise APIResponseValidationError(
                f"The response body does not match the documented envelope ({type(error).__name__}: {error})",
                response=response,
                body_excerpt=excerpt,
            ) from error

    def _redact(self, text: str) -> str:
        key = self._api_key.reveal()
        return text.replace(key, "<redacted>") if key else text

    def _log_attempt(self, request: httpx.Request, outcome: str, attempt: int, attempts: int, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s (attempt %d/%d, %.0f ms)",
                request.method,
                request.url,
                outcome,
                attempt,
                attempts,
                (time.monotonic() - started) * 1000,
            )

    def _connection_error(self, request: httpx.Request, error: httpx.RequestError) -> APIConnectionError:
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(request)
        return APIConnectionError(
            f"Connection error: {type(error).__name__}: {self._redact(str(error))}", request=request
        )


class SyncAPIClient(BaseClient):
    """Sends requests with a blocking `httpx.Client`."""

    def __init__(
        self, *, http_client: httpx.Client | None, transport: httpx.BaseTransport | None, **settings: Any
    ) -> None:
        super().__init__(**settings)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=self.timeout)
        self._sleep: Callable[[float], None] = time.sleep

    def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if self._owns_http_client:
            self._http.close()

    def request(
        self, kwargs: Mapping[str, Any], options: RequestOptions, *, abandon: threading.Event | None = None
    ) -> httpx.Response:
        """Send one logical request, with retries and redirects; return the final 2xx response.

        `abandon` (used by the prefetching pager for speculative pages): once set, no further
        attempt is made and a wait between attempts ends at once, raising `Abandoned`."""
        timeout, max_retries = self._resolve(options)
        request = self._build_request(self._http, kwargs, timeout)
        attempts = max_retries + 1
        for attempt in range(1, attempts + 1):
            if abandon is not None and abandon.is_set():
                raise Abandoned
            started = time.monotonic()
            try:
                response = self._send_following_redirects(request)
            except httpx.RequestError as error:  # transport failures, timeouts, undecodable bodies
                self._log_attempt(request, type(error).__name__, attempt, attempts, started)
                if attempt < attempts and not isinstance(error, _NOT_RETRYABLE):
                    self._wait(self._retry_delay(attempt - 1, None), abandon)
                    continue
                raise self._connection_error(request, error) from error
            self._log_attempt(request, str(response.status_code), attempt, attempts, started)
            if response.is_success:
                return response
            if attempt < attempts and self._should_retry(response):
                self._wait(self._retry_delay(attempt - 1, response), abandon)
                continue
            raise self._status_error(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, seconds: float, abandon: threading.Event | None) -> None:
        if abandon is None:
            self._sleep(seconds)
        elif abandon.wait(seconds):
            raise Abandoned

    def _send_following_redirects(self, request: httpx.Request) -> httpx.Response:
        deadline = _attempt_deadline(request)
        response = self._send_once(request, deadline)
        for _ in range(MAX_REDIRECTS):
            if not (response.is_redirect and "Location" in response.headers):
                break
            request = self._redirect_request(request, response)
            response = self._send_once(request, deadline)
        return response

    def _send_once(self, request: httpx.Request, deadline: float | None) -> httpx.Response:
        """Send and read the whole body, giving up past `deadline`: httpx's read timeout bounds
        each read, so without it a server dripping bytes could hold an attempt forever."""
        response = self._http.send(request, follow_redirects=False, stream=True)
        if response.is_stream_consumed:  # a transport that answers with a body already read
            return response
        try:
            chunks = []
            for chunk in response.iter_raw():
                chunks.append(chunk)
                _check_deadline(request, deadline)
        finally:
            response.close()
        return _buffered(response, b"".join(chunks))

    def parse(self, response: httpx.Response, parse: Callable[[Any], ParsedT]) -> ParsedT:
        return self._parse_body(response, parse)


class AsyncAPIClient(BaseClient):
    """Sends requests with an `httpx.AsyncClient`."""

    def __init__(
        self, *, http_client: httpx.AsyncClient | None, transport: httpx.AsyncBaseTransport | None, **settings: Any
    ) -> None:
        super().__init__(**settings)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)
        self._sleep: Callable[[float], Any] = asyncio.sleep

    async def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if self._owns_http_client:
            await self._http.aclose()

    async def request(self, kwargs: Mapping[str, Any], options: RequestOptions) -> httpx.Response:
        """Send one logical request, with retries and redirects; return the final 2xx response."""
        timeout, max_retries = self._resolve(options)
        request = self._build_request(self._http, kwargs, timeout)
        attempts = max_retries + 1
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = await self._send_following_redirects(request)
            except httpx.RequestError as error:  # transport failures, timeouts, undecodable bodies
                self._log_attempt(request, type(error).__name__, attempt, attempts, started)
                if attempt < attempts and not isinstance(error, _NOT_RETRYABLE):
                    await self._sleep(self._retry_delay(attempt - 1, None))
                    continue
                raise self._connection_error(request, error) from error
            self._log_attempt(request, str(response.status_code), attempt, attempts, started)
            if response.is_success:
                return response
            if attempt < attempts and self._should_retry(response):
                await self._sleep(self._retry_delay(attempt - 1, response))
                continue
            raise self._status_error(response)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_following_redirects(self, request: httpx.Request) -> httpx.Response:
        deadline = _attempt_deadline(request)
        response = await self._send_once(request, deadline)
        for _ in range(MAX_REDIRECTS):
            if not (response.is_redirect and "Location" in response.headers):
                break
            request = self._redirect_request(request, response)
            response = await self._send_once(request, deadline)
        return response

    async def _send_once(self, request: httpx.Request, deadline: float | None) -> httpx.Response:
        """Send and read the whole body, giving up past `deadline` (see SyncAPIClient)."""
        response = await self._http.send(request, follow_redirects=False, stream=True)
        if response.is_stream_consumed:  # a transport that answers with a body already read
            return response
        try:
            chunks = []
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                _check_deadline(request, deadline)
        finally:
            await response.aclose()
        return _buffered(response, b"".join(chunks))

    def parse(self, response: httpx.Response, parse: Callable[[Any], ParsedT]) -> ParsedT:
        return self._parse_body(response, parse)


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, or `Retry-After` as seconds or an
    HTTP date. None when absent or unreadable. May be zero or negative (a date in the past)."""
    retry_after_ms = headers.get("retry-after-ms")
    if retry_after_ms is not None:
        try:
            milliseconds = float(retry_after_ms)
        except ValueError:
            pass
        else:
            if milliseconds == milliseconds and milliseconds not in (float("inf"), float("-inf")):
                return milliseconds / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            return None
        return moment.timestamp() - time.time()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return seconds


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def _error_detail(response: httpx.Response) -> str:
    """The envelope's `message` if the body is one, else a short excerpt of the body."""
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):
        text = response.text.strip()
        return text[:BODY_EXCERPT_CHARS] if text and not text.lstrip().startswith("<") else ""
    if isinstance(data, dict):
        for key in ("message", "detail", "error", "title"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
    return json.dumps(data)[:BODY_EXCERPT_CHARS]


def _attempt_deadline(request: httpx.Request) -> float | None:
    """When an attempt (redirects included) must be over: its read timeout after it starts.
    Reading the headers and the whole body counts; connecting has its own timeout."""
    read_timeout = request.extensions.get("timeout", {}).get("read")
    return None if read_timeout is None else time.monotonic() + float(read_timeout)


def _check_deadline(request: httpx.Request, deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise httpx.ReadTimeout("The response did not arrive in full within the timeout", request=request)


def _buffered(streamed: httpx.Response, raw_body: bytes) -> httpx.Response:
    """A complete response made of a streamed one's status, headers and raw (still encoded) body,
    so that `.content` decodes it as httpx would have."""
    response = httpx.Response(
        streamed.status_code,
        headers=streamed.headers,
        stream=httpx.ByteStream(raw_body),
        request=streamed.request,
        extensions=streamed.extensions,
    )
    response.read()
    # httpx sets .elapsed when it closes a response it sent; this one it did not send.
    response._elapsed = streamed.elapsed
    return response


class _KeyMaskingHeaders(httpx.Headers):
    """Request headers whose repr masks the API key, as httpx does for Authorization: users hold
    requests (on pages and exceptions) and print them."""

    def __init__(self, headers: httpx.Headers, *, masked: str) -> None:
        super().__init__(headers)
        self._masked = masked.lower()

    def __repr__(self) -> str:
        items = [(k, "[secure]" if k.lower() == self._masked else v) for k, v in self.multi_items()]
        return f"{type(self).__name__}({items!r})"


def _as_timeout(timeout: TimeoutTypes) -> httpx.Timeout | None:
    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, an httpx.Timeout or None, got {timeout!r}")
    return httpx.Timeout(float(timeout), connect=min(float(timeout), DEFAULT_TIMEOUT.connect or float(timeout)))


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_logging_configured = False


def _configure_logging_from_env() -> None:
    """`RAVAN_LOG=debug` (or `info`) sends the `ravan_client` logger to stderr, once per process."""
    global _logging_configured
    level_name = os.environ.get(LOG_ENV_VAR, "").upper()
    if _logging_configured or level_name not in ("DEBUG", "INFO"):
        return
    _logging_configured = True
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level_name)
