"""The machinery under the generated client classes (sync and async): sending, retrying, redirects, errors.

A generated method hands `SyncAPIClient.request` (or `AsyncAPIClient.request`) one
`RequestOptions`; the client:

- adds the API key header, and only on requests to the configured origin;
- follows redirects itself, hop by hop, the way httpx would (307/308 keep the method and body, 303
  becomes a GET), except that a redirect that would turn another method into a GET is not
  followed; a hop to another origin (host, port or scheme) drops every credential: the key,
  `Authorization` (yours, or made from credentials in `base_url`), `Proxy-Authorization` and the
  cookies of the first origin (the cookie jar's cookies for the new origin are sent);
- gives each attempt (its redirects included) a deadline: its read timeout from the start, for
  the status line, the headers and the whole body (`_transport.py` says how);
- refuses a body over `max_response_bytes` once decoded, without decoding the rest;
- retries connection errors, timeouts, 408, 409, 429 and 5xx with exponential backoff and
  jitter, honouring `Retry-After` (seconds or an HTTP date) up to `MAX_RETRY_AFTER` seconds.
  A request that may create something (POST or PATCH, unless the spec marks it `x-idempotent`)
  is retried only when it never reached the server: the connection of its first hop could not be
  made. Once any hop of an attempt has had a response (a POST answered 303, same origin or not),
  the server has seen the request, so a failure of a later hop (a refused connection, the
  deadline running out while connecting) is not retried;
- turns what is left into the typed exceptions of `_exceptions.py`, every message redacted;
- logs method, URL, status, attempt and duration (never headers, never a password) to the
  `ravan_client` logger.

Own redirect loop rather than httpx's: a per-hop request hook cannot be added to a caller's own
`http_client` without changing it, and redirect bodies must be bounded by the same deadline and
size cap as the final one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import email.utils
import ipaddress
import json
import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any, Generic, Self, TypeVar
from urllib.parse import quote, urlencode

import anyio
import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientSettingError,
    InsecureBaseURLError,
    MissingAPIKeyError,
    RateLimitError,
    ResponseTooLargeError,
    error_class_for_status,
)
from ._files import ReadInThreads
from ._identity import ClientIdentity, SecurityScheme
from ._models import build_models, find_invalid
from ._operations import (
    FORM_MEDIA_TYPE,
    MULTIPART_MEDIA_TYPE,
    RequestOptions,
    form_fields,
    is_raw_media_type,
    multipart_fields,
    query_string,
)
from ._secrets import MASK as MASKED
from ._secrets import SENSITIVE_HEADERS, Redactor, Secret, display_url, masked_header_items, redact_http_logs
from ._transport import (
    Attempt,
    current_attempt,
    new_async_http_client,
    new_sync_http_client,
    reclaim_orphaned_connections,
)
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "Abandoned",
    "AsyncAPIClient",
    "BaseClient",
    "Cancellation",
    "MaskingHeaders",
    "SyncAPIClient",
]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
# Larger than any page the API sends (a 100,000-session page is about 54 MB), small enough that a
# hostile or broken server cannot make the client hold gigabytes.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# One day: longer is a mistake (and 1e300 overflows the clocks and selectors below).
MAX_TIMEOUT = 86_400.0
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A Retry-After longer than this is not honoured: the backoff schedule applies instead.
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 5
RETRYABLE_STATUSES = frozenset({408, 409, 429})
BODY_EXCERPT_CHARS = 200
# Failures of our own request that would fail the same way again.
_NOT_RETRYABLE = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
# Failures that prove the request never reached the server when they end an attempt's first hop
# (not a later one: see _may_retry_failure): then safe to retry for any method.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


# The package's own logger: `ravan_client` as generated, a vendored copy's own name once renamed.
logger = logging.getLogger(__name__.rpartition(".")[0])

ParsedT = TypeVar("ParsedT")
ErrorT = TypeVar("ErrorT", bound=APIError)


@dataclass
class _Progress:
    """How far one attempt got: whether any hop of it (a redirect included) had a response.
    Written by the attempt (in the async client, in a task of its own), read by the retry decision."""

    answered: bool = False


@dataclass(frozen=True)
class _Parsed(Generic[ParsedT]):
    """A parser's result, told apart from the error `_parse` returns instead of raising."""

    value: ParsedT


class Abandoned(Exception):
    """Raised inside a speculative request of the prefetching pager once its result is no longer
    wanted; never reaches users."""


def _once(function: Callable[[], None]) -> Callable[[], None]:
    """`function`, called the first time only (from the thread of one request)."""
    pending = [function]

    def call() -> None:
        if pending:
            pending.pop()()

    return call


class Cancellation:
    """Stops the requests of a prefetching pager from another thread: no further attempt starts,
    a wait between attempts ends, and reads on the wire are cut (on the pools the client made)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._attempts: set[Attempt] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            attempts = list(self._attempts)
        for attempt in attempts:
            attempt.abort()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if cancelled meanwhile."""
        return self._event.wait(seconds)

    def register(self, attempt: Attempt) -> None:
        with self._lock:
            self._attempts.add(attempt)
            cancelled = self._event.is_set()
        if cancelled:
            attempt.abort()

    def unregister(self, attempt: Attempt) -> None:
        with self._lock:
            self._attempts.discard(attempt)


class MaskingHeaders(httpx.Headers):
    """Request headers whose repr masks every credential (the API key header too), as httpx masks
    `Authorization`: users hold requests (on pages and exceptions) and print them."""

    def __init__(self, headers: httpx.Headers, *, sensitive: frozenset[str]) -> None:
        super().__init__(headers)
        self.sensitive = sensitive

    def __repr__(self) -> str:
        return f"{type(self).__name__}({masked_header_items(self, self.sensitive)!r})"


class BaseClient:
    """Settings and the decisions shared by the sync and async clients; no I/O."""

    _closes_pool: bool
    """False on a copy made by `with_options`: the pool is the original client's to close."""

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | httpx.URL | None,
        timeout: TimeoutTypes,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
        identity: ClientIdentity,
        max_response_bytes: int,
        strict_responses: bool = False,
    ) -> None:
        self.identity = identity
        self._secrets: dict[str, Secret] = {}
        for scheme in identity.schemes:
            for credential in scheme.credentials:
                value = credentials.get(credential.argument)
                if value is None:
                    value = next((os.environ[name] for name in credential.env_vars if os.environ.get(name)), None)
                if value is None or value == "":
                    continue
                _check_credential(credential.argument, value, token=scheme.kind != "basic")
                self._secrets[credential.argument] = Secret(value)
        unknown = set(credentials) - {credential.argument for credential in identity.credentials}
        if unknown:
            raise TypeError(f"unexpected credential arguments: {', '.join(sorted(unknown))}")
        if identity.default_security and not any(self._satisfies(alt) for alt in identity.default_security):
            raise self._missing_credentials(identity.default_security)
        # Every secret the client holds, and the Basic tokens it makes of them (a server may echo
        # the Authorization header back): none of them may appear in a message, a log or a repr.
        secret_values = [secret.reveal() for secret in self._secrets.values()]
        secret_values.extend(token for token in (self._basic_token(scheme) for scheme in identity.schemes) if token)
        # The spec's own servers (per path or operation too) count only while the caller has not
        # pointed the client elsewhere (a mock, a proxy, a region): then everything goes there.
        self._follows_spec_servers = base_url is None and not os.environ.get(identity.base_url_env_var)
        if base_url is None:
            base_url = os.environ.get(identity.base_url_env_var) or identity.default_base_url
        if base_url is None:
            raise ClientSettingError(
                f"No base URL: the API description names no server; pass base_url=... or set "
                f"{identity.base_url_env_var}."
            )
        url, base_auth, base_url_secrets = _parse_base_url(base_url)
        self._redactor = Redactor([*secret_values, *base_url_secrets])
        redact_http_logs(self._redactor)
        self._display_base_url = display_url(str(base_url)) if base_url_secrets else str(url)
        if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
            raise InsecureBaseURLError(
                f"base_url {self._display_base_url!r} is plain http to a non-loopback host: the API key would "
                "travel unencrypted. Use https, or pass allow_insecure_http=True if you really mean it.",
                self._display_base_url,
            )
        self._sensitive_headers = SENSITIVE_HEADERS | identity.secret_headers
        self._base_auth = base_auth
        self.base_url = url
        self._urls: dict[str, httpx.URL] = {}
        self.timeout = _as_timeout(timeout, "timeout")
        self.max_retries = _as_max_retries(max_retries, "max_retries")
        self.max_response_bytes = _as_positive_int(max_response_bytes, "max_response_bytes")
        self._default_headers = dict(default_headers or {})
        _refuse_credential_headers(identity, self._default_headers, "default_headers")
        self._allow_insecure_http = allow_insecure_http
        if not isinstance(strict_responses, bool):
            raise TypeError(f"strict_responses must be a bool, got {type(strict_responses).__name__}")
        self.strict_responses = strict_responses
        # Tests replace these to observe backoff without sleeping or randomness.
        self._random: Callable[[], float] = random.random
        _configure_logging_from_env(identity.log_env_var)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._display_base_url!r}, max_retries={self.max_retries})"

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        strict_responses: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy of this client with other settings, sharing its connection pool (closing the copy
        leaves the pool open; closing this client closes it for both)."""
        clone = copy.copy(self)
        # The resources (client.call_sessions, ...) are cached per client: the copy makes its own.
        clone.__dict__ = {key: value for key, value in self.__dict__.items() if not _is_resource(value)}
        if not isinstance(timeout, NotGiven):
            clone.timeout = _as_timeout(timeout, "timeout")
        if not isinstance(max_retries, NotGiven):
            clone.max_retries = _as_max_retries(max_retries, "max_retries")
        if not isinstance(strict_responses, NotGiven):
            if not isinstance(strict_responses, bool):
                raise TypeError(f"strict_responses must be a bool, got {type(strict_responses).__name__}")
            clone.strict_responses = strict_responses
        clone._closes_pool = False
        return clone

    # --- requests -------------------------------------------------------------------------

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        options: RequestOptions,
        timeout: httpx.Timeout | None,
        opened: list[IO[bytes]] | None = None,
    ) -> httpx.Request:
        _refuse_credential_headers(self.identity, options.headers, "extra_headers")
        server = options.server if options.server and self._follows_spec_servers else None
        cache_key = f"{server} {options.path}" if server else options.path
        url = self._urls.get(cache_key)
        if url is None:
            # Parsing a URL costs a tenth of a millisecond; a pager asks for the same path per page.
            base = httpx.URL(server) if server else self.base_url
            url = base.copy_with(raw_path=base.raw_path.rstrip(b"/") + options.path.encode("ascii"))
            if url.scheme == "http" and not self._allow_insecure_http and not _is_loopback(url.host):
                raise InsecureBaseURLError(
                    f"the operation's server {server!r} is plain http to a non-loopback host: the credentials "
                    "would travel unencrypted. Pass allow_insecure_http=True if you really mean it.",
                    str(server),
                )
            if len(self._urls) < 256:  # paths with ids in them would grow it without bound
                self._urls[cache_key] = url
        cookie = {"Cookie": options.cookie.reveal()} if options.cookie is not None else {}
        headers = {**self._default_headers, "Accept": options.accept, **cookie, **options.headers}
        content: Any = None
        data: dict[str, list[str]] | None = None
        files: list[Any] | None = None
        if options.body_media_type == MULTIPART_MEDIA_TYPE:
            # httpx writes the parts and the boundary; files stream from where they are. Value
            # fields go as parts without a filename: httpx sends `data=` alone form-urlencoded.
            fields = multipart_fields(options.json_body if options.json_body is not NOT_GIVEN else {})
            files = [(name, (None, text.encode("utf-8"))) for name, text in fields]
            files += [part.for_attempt(opened if opened is not None else []) for part in options.files]
            if not files:
                # Nothing to send is still a multipart body: an empty one.
                content = b"--empty--\r\n"
                headers["Content-Type"] = f"{MULTIPART_MEDIA_TYPE}; boundary=empty"
                files = None
        elif is_raw_media_type(options.body_media_type) and options.files:
            (part,) = options.files
            content, length = part.body_for_attempt(
                opened if opened is not None else [], asynchronous=isinstance(http, httpx.AsyncClient)
            )
            headers["Content-Type"] = part.content_type
            if length is not None:
                # Given, httpx sends the stream with it rather than chunked.
                headers["Content-Length"] = str(length)
        elif options.json_body is not NOT_GIVEN and options.body_media_type == FORM_MEDIA_TYPE:
            content = urlencode(form_fields(options.json_body)).encode("ascii")
            headers["Content-Type"] = FORM_MEDIA_TYPE
        elif options.json_body is not NOT_GIVEN:
            content = json.dumps(options.json_body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        for name, _ in options.params:
            if name in self.identity.secret_query_parameters:
                # extra_query, or a key of a query object sent exploded (its keys are query keys).
                raise ValueError(
                    f"the query must not set {name} (in extra_query or a query object's keys): "
                    "the client sends its credential there"
                )
        credential_headers, credential_params = self._credentials_for(options.security)
        headers.update(credential_headers)
        # Encoded here rather than by httpx: OpenAPI's styles spell their delimiters as they are. A
        # credential is encoded whole (`,` and `|` too): the log redaction knows that spelling of it.
        query = "&".join(
            part for part in (query_string(options.params), urlencode(credential_params, quote_via=quote)) if part
        ).encode("ascii")
        if query:
            url = url.copy_with(query=url.query + b"&" + query if url.query else query)
        request = http.build_request(
            options.method,
            url,
            headers=headers,
            content=content,
            data=data,
            files=files,
            timeout=timeout if timeout is not None else httpx.Timeout(None),
        )
        if files and isinstance(http, httpx.AsyncClient) and isinstance(request.stream, httpx.SyncByteStream):
            # httpx's multipart stream reads the files as it is iterated, on the event loop.
            request.stream = ReadInThreads(request.stream)
        request.headers = MaskingHeaders(request.headers, sensitive=self._sensitive_headers)
        return request

    # --- credentials ----------------------------------------------------------------------

    @property
    def _api_key(self) -> Secret:
        """The `api_key` credential (the one most specs have)."""
        return self._secrets["api_key"]

    def _satisfies(self, requirement: tuple[str, ...]) -> bool:
        return all(
            credential.argument in self._secrets
            for name in requirement
            for credential in self.identity.scheme(name).credentials
        )

    def _missing_credentials(self, alternatives: tuple[tuple[str, ...], ...]) -> MissingAPIKeyError:
        first = alternatives[0]
        needed = [c for name in first for c in self.identity.scheme(name).credentials]
        env_vars = tuple(name for credential in needed for name in credential.env_vars)
        if [c.argument for c in needed] == ["api_key"]:
            message = f"No API key: pass api_key=... or set the {needed[0].hint()} environment variable."
        else:
            message = f"No credentials for this request: pass {self.identity.describe(first)}."
        return MissingAPIKeyError(message, env_vars)

    def _basic_token(self, scheme: SecurityScheme) -> str | None:
        if scheme.kind != "basic":
            return None
        username, password = (self._secrets.get(c.argument) for c in scheme.credentials)
        if username is None or password is None:
            return None
        return base64.b64encode(f"{username.reveal()}:{password.reveal()}".encode()).decode("ascii")

    def _credentials_for(
        self, security: tuple[tuple[str, ...], ...] | None
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """The headers and query parameters of the first alternative of the operation's (else the
        spec's) security that the client holds every credential of; an operation needing one it
        lacks is refused."""
        alternatives = self.identity.default_security if security is None else security
        if not alternatives:
            return {}, []
        for requirement in alternatives:
            if not self._satisfies(requirement):
                continue
            headers: dict[str, str] = {}
            params: list[tuple[str, str]] = []
            for name in requirement:
                scheme = self.identity.scheme(name)
                if scheme.kind == "api-key-header":
                    headers[scheme.header] = self._secrets[scheme.credentials[0].argument].reveal()
                elif scheme.kind == "api-key-query":
                    params.append((scheme.query, self._secrets[scheme.credentials[0].argument].reveal()))
                elif scheme.kind == "bearer":
                    headers["Authorization"] = f"Bearer {self._secrets[scheme.credentials[0].argument].reveal()}"
                elif scheme.kind == "basic":
                    headers["Authorization"] = f"Basic {self._basic_token(scheme)}"
            return headers, params
        raise self._missing_credentials(alternatives)

    def _redirect_request(
        self, http: httpx.Client | httpx.AsyncClient, request: httpx.Request, response: httpx.Response
    ) -> httpx.Request | None:
        """The next hop, as httpx builds it but stricter about credentials; None to stop here."""
        try:
            target = request.url.join(response.headers["Location"])
        except (httpx.InvalidURL, ValueError):
            return None
        if target.scheme not in ("http", "https"):
            return None
        secret_params = self.identity.secret_query_parameters
        if secret_params and not self._same_origin(target):
            # A Location that carries our query-string key on to another origin: it goes without it.
            kept = [(k, v) for k, v in target.params.multi_items() if k not in secret_params]
            target = target.copy_with(params=kept)
        status = response.status_code
        method = request.method
        if status == 303 and method != "HEAD":
            method = "GET"
        elif status in (301, 302) and method not in ("GET", "HEAD"):
            # httpx (and browsers) would resend a POST as a GET here: an operation that creates
            # something must not silently become another one. The 3xx is raised instead.
            return None
        headers = httpx.Headers(request.headers)
        for name in ("Host", "Cookie"):  # cookies come from the jar, for the new URL only
            headers.pop(name, None)
        if not self._same_origin(target):
            for name in self._sensitive_headers:
                headers.pop(name, None)
        content: bytes | None = None
        if method == request.method:
            try:
                content = request.content
            except httpx.RequestNotRead:  # a streamed upload cannot be sent again: the 3xx is raised
                return None
        else:
            for name in ("Content-Type", "Content-Length", "Transfer-Encoding"):
                headers.pop(name, None)
        hop = http.build_request(method, target, headers=headers, content=content, extensions=request.extensions)
        if not self._same_origin(target):
            # build_request merged the caller's client's own default headers back in (its
            # Authorization, its Cookie): on another origin none of them may go, only the cookies
            # the jar holds for that origin.
            for name in self._sensitive_headers:
                hop.headers.pop(name, None)
            httpx.Cookies(http.cookies).set_cookie_header(hop)
        hop.headers = MaskingHeaders(hop.headers, sensitive=self._sensitive_headers)
        return hop

    def _same_origin(self, url: httpx.URL) -> bool:
        base = self.base_url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    def _auth_for(self, request: httpx.Request) -> Any:
        """httpx's `auth=` for one hop: ours (from base_url), the caller's client's, or none at all
        on another origin (httpx would apply a client's auth to every hop)."""
        if not self._same_origin(request.url):
            return None
        return self._base_auth if self._base_auth is not None else httpx.USE_CLIENT_DEFAULT

    def _resolve(self, options: RequestOptions) -> tuple[httpx.Timeout | None, int]:
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else _as_timeout(options.timeout, "timeout")
        retries = (
            self.max_retries
            if isinstance(options.max_retries, NotGiven)
            else _as_max_retries(options.max_retries, "max_retries")
        )
        return timeout, retries

    @staticmethod
    def _attempt_deadline(timeout: httpx.Timeout | None) -> float | None:
        """When an attempt (redirects included) must be over: its read timeout after it starts."""
        read = timeout.read if timeout is not None else None
        return None if read is None else time.monotonic() + float(read)

    # --- retries --------------------------------------------------------------------------

    @staticmethod
    def _may_retry_failure(error: Exception, options: RequestOptions, progress: _Progress) -> bool:
        if isinstance(error, _NOT_RETRYABLE) or not _body_replayable(options):
            return False
        if options.retry_after_send:
            return True
        # A connect error proves only that its own hop never reached a server: after a redirect,
        # the first hop did, and may have acted on it.
        return isinstance(error, _BEFORE_SENDING) and not progress.answered

    @staticmethod
    def _may_retry_status(response: httpx.Response, options: RequestOptions) -> bool:
        if not options.retry_after_send or not _body_replayable(options):  # the server got it
            return False
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

    def _read_limit_exceeded(self, response: httpx.Response) -> ResponseTooLargeError:
        empty = httpx.Response(
            response.status_code, headers=_without_body_headers(response.headers), request=response.request
        )
        return self._tag(
            ResponseTooLargeError(
                f"The response body from {response.request.url.path} is larger than max_response_bytes="
                f"{self.max_response_bytes:,} once decoded; reading stopped there",
                response=empty,
                limit=self.max_response_bytes,
            )
        )

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        status = response.status_code
        detail = _error_detail(response, self._redactor)
        reason = self._redactor(response.reason_phrase or "error")
        message = f"{status} {reason}: {detail}" if detail else f"{status} {reason}"
        if status == 429:
            retry_after = parse_retry_after(response.headers)
            positive = retry_after if retry_after is not None and retry_after > 0 else None
            return self._tag(RateLimitError(message, response=response, retry_after=positive))
        return self._tag(error_class_for_status(status)(message, response=response))

    def decode_json(self, response: httpx.Response) -> Any:
        """A 2xx body as JSON, strictly: NaN, Infinity and numbers beyond a double are refused
        (they cannot be written back as JSON); an envelope saying `success: false` is an error.

        Errors are raised from a frame that holds no part of the body: error trackers record the
        local variables of every frame, and a body may echo the key."""
        data, problem = _decode_strict(response, self._redactor)
        if problem is not None:
            raise self._validation_error(problem, response)
        return data

    def parse_response(
        self, response: httpx.Response, parse: Callable[[Any], ParsedT], *, cookie: Secret | None = None
    ) -> ParsedT:
        """Parse a 2xx body with a generated parser; anything but the documented shape is a typed error.

        `cookie`: the request's cookie parameters (`RequestOptions.cookie`), whose values are masked
        in that error as in the errors `request` raises: a server may echo a session token in a 2xx
        body too."""
        try:
            outcome = self._parse(response, parse)
        except APIResponseValidationError as undecodable:  # raised by decode_json
            outcome = undecodable
        if isinstance(outcome, _Parsed):
            return outcome.value
        raise outcome if cookie is None else _cookie_values_hidden(outcome, cookie)

    def parse_decoded(
        self, response: httpx.Response, data: Any, parse: Callable[[Any], ParsedT], *, cookie: Secret | None = None
    ) -> ParsedT:
        """`parse_response` for a body already decoded (`data`, from `decode_json`): a page fetched
        for raw iteration builds its models only when asked for, without decoding again."""
        outcome = self._parse_data(response, data, parse)
        del data  # not held by the frame that raises (see decode_json)
        if isinstance(outcome, _Parsed):
            return outcome.value
        raise outcome if cookie is None else _cookie_values_hidden(outcome, cookie)

    def _parse(
        self, response: httpx.Response, parse: Callable[[Any], ParsedT]
    ) -> _Parsed[ParsedT] | APIResponseValidationError:
        """The parsed body, or the error to raise: raised by the caller, from a frame that holds
        neither the decoded body nor the parser's unredacted exception (see decode_json)."""
        return self._parse_data(response, self.decode_json(response), parse)

    def _parse_data(
        self, response: httpx.Response, data: Any, parse: Callable[[Any], ParsedT]
    ) -> _Parsed[ParsedT] | APIResponseValidationError:
        try:
            parsed = build_models(parse, data)
        except Exception as failure:  # the generated parsers raise KeyError, TypeError, ValueError, ...
            redacted = self._redactor(f"{type(failure).__name__}: {failure}")
            mismatch = self._validation_error(
                f"The response body does not match the documented envelope ({redacted[:BODY_EXCERPT_CHARS]})",
                response,
            )
            mismatch.__cause__ = _sanitized(failure, self._redactor)
            mismatch.__suppress_context__ = True
            return mismatch
        if self.strict_responses:
            # The values themselves are not quoted: a field may echo a credential, and the body
            # excerpt (redacted) already shows what was received.
            for where, record, field in find_invalid(getattr(parsed, "body", parsed)):
                identity = getattr(record, "id", None)
                named = f" (id {identity!r})" if isinstance(identity, str | int) and len(str(identity)) <= 80 else ""
                return self._validation_error(
                    f"strict_responses: the record at {where or 'the top level'}{named}: field {field.wire_name!r} "
                    f"({field.name}): {field.problem}",
                    response,
                )
        return _Parsed(parsed)

    def _validation_error(self, message: str, response: httpx.Response) -> APIResponseValidationError:
        # The whole body is redacted before the excerpt is cut: cut first, a credential echoed
        # across the cut (or after shorter redacted copies) would half survive. Decoded here, not
        # through .text, which would cache the decoded body on the response.
        excerpt = self._redactor.excerpt(response.content.decode("utf-8", "replace"), BODY_EXCERPT_CHARS)
        return self._tag(APIResponseValidationError(self._redactor(message), response=response, body_excerpt=excerpt))

    def _connection_error(self, request: httpx.Request, error: Exception) -> APIConnectionError:
        if isinstance(error, httpx.TimeoutException):
            result: APIConnectionError = APITimeoutError(request)
        else:
            result = APIConnectionError(
                f"Connection error: {type(error).__name__}: {self._redactor(str(error))}", request=request
            )
        # The httpx error may quote what the server sent (a malformed status line that echoes the
        # key): the cause is a redacted copy, and the error is raised outside the `except` that
        # caught the original, so it is not even the implicit __context__.
        cause = _sanitized(error, self._redactor)
        if self.identity.secret_query_parameters and isinstance(cause, httpx.RequestError):
            with contextlib.suppress(RuntimeError):  # an error raised before it had a request
                cause.request = self._masked_request(cause.request)
        result.__cause__ = cause
        return self._tag(result)

    def _tag(self, error: ErrorT) -> ErrorT:
        error._redact = self._redactor
        error._sensitive_headers = self._sensitive_headers
        if self.identity.secret_query_parameters:
            # A key sent in the query string sits in the request's URL: the error (and its
            # response) keep a copy whose URL shows it masked, so no repr, message or pickle of
            # it holds the key.
            masked = self._masked_request(error.request)
            error.request = masked
            response = getattr(error, "response", None)
            if isinstance(response, httpx.Response):
                response.request = masked
        return error

    def _masked_request(self, request: httpx.Request) -> httpx.Request:
        secret = self.identity.secret_query_parameters
        params = [(k, MASKED if k in secret else v) for k, v in request.url.params.multi_items()]
        masked = httpx.Request(request.method, request.url.copy_with(params=params), headers=request.headers)
        masked.headers = MaskingHeaders(masked.headers, sensitive=self._sensitive_headers)
        return masked

    def _log_attempt(self, request: httpx.Request, outcome: str, attempt: int, attempts: int, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s (attempt %d/%d, %.0f ms)",
                request.method,
                self._redactor(display_url(request.url)),
                outcome,
                attempt,
                attempts,
                (time.monotonic() - started) * 1000,
            )

    def _buffer(self, streamed: httpx.Response, chunks: list[bytes]) -> httpx.Response:
        response = _buffered(streamed, b"".join(chunks))
        # The reason phrase is the server's text, shown by repr(response): it may echo the key.
        reason = response.extensions.get("reason_phrase")
        if isinstance(reason, bytes):
            redacted = self._redactor(reason.decode("latin-1")).encode("latin-1")
            if redacted != reason:
                response.extensions = {**response.extensions, "reason_phrase": redacted}
        return response


def _is_resource(value: object) -> bool:
    return getattr(type(value), "_is_ravan_resource", False) is True


class _SyncPool:
    """The `httpx.Client` of a client and its copies; after `os.fork()` the child gets a new one."""

    def __init__(self, http: httpx.Client, factory: Callable[[], httpx.Client] | None) -> None:
        self._http = http
        self._factory = factory
        self._pid = os.getpid()

    def get(self) -> httpx.Client:
        if self._factory is not None and self._pid != os.getpid():
            # After fork, parent and child hold the same sockets: reading one here could take the
            # parent's response. The inherited pool is left alone (closing it could close the
            # parent's TLS sessions) and a fresh one is used.
            self._http = self._factory()
            self._pid = os.getpid()
        return self._http

    def close(self) -> None:
        if self._factory is not None and self._pid == os.getpid():
            self._http.close()


class SyncAPIClient(BaseClient):
    """Sends requests with a blocking `httpx.Client`."""

    def __init__(
        self, *, http_client: httpx.Client | None, transport: httpx.BaseTransport | None, **settings: Any
    ) -> None:
        super().__init__(**settings)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        if http_client is not None:
            self._pool = _SyncPool(http_client, None)
        else:
            scheme = self.base_url.scheme

            def factory() -> httpx.Client:
                return new_sync_http_client(base_url_scheme=scheme, transport=transport)

            self._pool = _SyncPool(factory(), factory)
        # Only the client's own pools say when a request is on the wire (`request`'s `on_sent`).
        self._signals_sent = http_client is None and transport is None
        self._closes_pool = True
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def _http(self) -> httpx.Client:
        return self._pool.get()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (only if this client created it, and not from a copy made by
        `with_options`)."""
        if self._closes_pool:
            self._pool.close()

    def request(
        self,
        options: RequestOptions,
        *,
        cancellation: Cancellation | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> httpx.Response:
        """Send one logical request, with retries and redirects; return the final 2xx response.

        `cancellation` (the prefetching pager's speculative pages): once cancelled, no further
        attempt is made, a wait between attempts ends, and reads on the wire are cut; `Abandoned`.
        `on_sent` is called once, as soon as the request is on the wire (on the client's own
        pools; through a transport of the caller's, before it is sent), or when it ends without."""
        opened: list[IO[bytes]] = []  # files a multipart body opened from paths: closed when done
        failure: APIError | None = None
        log_redaction = _cookie_log_redaction(options.cookie)  # held (weakly registered) until the request ends
        sent = _once(on_sent) if on_sent is not None else None
        if sent is not None and not self._signals_sent:
            sent()  # a transport of the caller's does not say when it wrote: now is as good as any
        try:
            return self._request(options, cancellation, opened, sent)
        except APIError as error:
            if options.cookie is None:
                raise
            failure = error
        finally:
            for handle in opened:
                handle.close()
            if sent is not None:
                sent()  # if nothing was written (a refusal before sending): whoever waits, waits no more
            del log_redaction
        # Raised outside the `except`: the error is not its own implicit context.
        raise _cookie_values_hidden(failure, options.cookie)

    def _request(
        self,
        options: RequestOptions,
        cancellation: Cancellation | None,
        opened: list[IO[bytes]],
        on_sent: Callable[[], None] | None = None,
    ) -> httpx.Response:
        timeout, max_retries = self._resolve(options)
        http = self._http
        request = self._build_request(http, options, timeout, opened)
        attempts = max_retries + 1
        for attempt in range(1, attempts + 1):
            if cancellation is not None and cancellation.cancelled:
                raise Abandoned
            if attempt > 1 and options.files:
                # The previous attempt used up the upload's stream: each attempt reads its files anew.
                request = self._build_request(http, options, timeout, opened)
            started = time.monotonic()
            failure: Exception | None = None
            progress = _Progress()
            try:
                response = self._attempt(http, request, timeout, cancellation, progress, on_sent)
            except httpx.RequestError as error:  # transport failures, timeouts, undecodable bodies
                failure = error
            if failure is not None:
                self._log_attempt(request, type(failure).__name__, attempt, attempts, started)
                if cancellation is not None and cancellation.cancelled:
                    raise Abandoned
                if attempt < attempts and self._may_retry_failure(failure, options, progress):
                    self._wait(self._retry_delay(attempt - 1, None), cancellation)
                    continue
                raised = self._connection_error(request, failure)
                del failure  # it may quote the key (echoed back): not left in a local error trackers record
                raise raised
            self._log_attempt(request, str(response.status_code), attempt, attempts, started)
            if response.is_success:
                return response
            if attempt < attempts and self._may_retry_status(response, options):
                self._wait(self._retry_delay(attempt - 1, response), cancellation)
                continue
            raise self._status_error(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def call(self, options: RequestOptions, parse: Callable[[Any], ParsedT]) -> ParsedT:
        """Send and parse: what a generated method with a JSON response does."""
        return self.parse_response(self.request(options), parse, cookie=options.cookie)

    def call_no_content(self, options: RequestOptions) -> None:
        """Send; the response has no body to parse (204)."""
        self.request(options)

    def call_bytes(self, options: RequestOptions) -> bytes:
        """Send; the response body as bytes (a recording, an export: what is not JSON)."""
        return self.request(options).content

    def call_text(self, options: RequestOptions) -> str:
        """Send; the response body as text, decoded by its charset (UTF-8 when it names none)."""
        return _response_text(self.request(options))

    def _wait(self, seconds: float, cancellation: Cancellation | None) -> None:
        if cancellation is None:
            self._sleep(seconds)
        elif cancellation.wait(seconds):
            raise Abandoned

    def _attempt(
        self,
        http: httpx.Client,
        request: httpx.Request,
        timeout: httpx.Timeout | None,
        cancellation: Cancellation | None,
        progress: _Progress,
        on_sent: Callable[[], None] | None,
    ) -> httpx.Response:
        attempt = Attempt(self._attempt_deadline(timeout), on_sent)
        if cancellation is not None:
            cancellation.register(attempt)
        token = current_attempt.set(attempt)
        try:
            response = self._send_once(http, request, attempt)
            progress.answered = True
            for _ in range(MAX_REDIRECTS):
                if not (response.is_redirect and "Location" in response.headers):
                    break
                hop = self._redirect_request(http, request, response)
                if hop is None:
                    break
                request = hop
                response = self._send_once(http, request, attempt)
            return response
        finally:
            current_attempt.reset(token)
            if cancellation is not None:
                cancellation.unregister(attempt)

    def _send_once(self, http: httpx.Client, request: httpx.Request, attempt: Attempt) -> httpx.Response:
        """Send and read the whole (decoded) body, within the attempt's deadline and the size cap."""
        try:
            response = http.send(request, auth=self._auth_for(request), follow_redirects=False, stream=True)
        except httpx.InvalidURL as error:
            raise _invalid_location(request, error) from None
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self._read_limit_exceeded(response)
                chunks.append(chunk)
                # A caller's own transport does not know the deadline: check it between chunks.
                attempt.clamp(None, lambda message: httpx.ReadTimeout(message, request=request))
        finally:
            response.close()
        return self._buffer(response, chunks)


class AsyncAPIClient(BaseClient):
    """Sends requests with an `httpx.AsyncClient` (asyncio)."""

    def __init__(
        self, *, http_client: httpx.AsyncClient | None, transport: httpx.AsyncBaseTransport | None, **settings: Any
    ) -> None:
        super().__init__(**settings)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._owns_http_client = http_client is None
        self._closes_pool = True
        self._async_http = http_client or new_async_http_client(
            base_url_scheme=self.base_url.scheme, transport=transport
        )
        self._sleep: Callable[[float], Any] = asyncio.sleep

    @property
    def _http(self) -> httpx.AsyncClient:
        return self._async_http

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (only if this client created it, and not from a copy)."""
        if self._owns_http_client and self._closes_pool:
            await self._async_http.aclose()

    async def request(self, options: RequestOptions) -> httpx.Response:
        """Send one logical request, with retries and redirects; return the final 2xx response."""
        _require_asyncio()
        opened: list[IO[bytes]] = []  # files a multipart body opened from paths: closed when done
        failure: APIError | None = None
        log_redaction = _cookie_log_redaction(options.cookie)  # held (weakly registered) until the request ends
        try:
            return await self._request(options, opened)
        except APIError as error:
            if options.cookie is None:
                raise
            failure = error
        finally:
            for handle in opened:
                handle.close()
            del log_redaction
        # Raised outside the `except`: the error is not its own implicit context.
        raise _cookie_values_hidden(failure, options.cookie)

    async def _request(self, options: RequestOptions, opened: list[IO[bytes]]) -> httpx.Response:
        timeout, max_retries = self._resolve(options)
        http = self._http
        request = self._build_request(http, options, timeout, opened)
        attempts = max_retries + 1
        for attempt in range(1, attempts + 1):
            if attempt > 1 and options.files:
                # The previous attempt used up the upload's stream: each attempt reads its files anew.
                request = self._build_request(http, options, timeout, opened)
            started = time.monotonic()
            failure: Exception | None = None
            progress = _Progress()
            try:
                response = await self._attempt(http, request, timeout, progress)
            except httpx.RequestError as error:
                failure = error
            if failure is not None:
                self._log_attempt(request, type(failure).__name__, attempt, attempts, started)
                if attempt < attempts and self._may_retry_failure(failure, options, progress):
                    await self._sleep(self._retry_delay(attempt - 1, None))
                    continue
                raised = self._connection_error(request, failure)
                del failure  # it may quote the key (echoed back): not left in a local error trackers record
                raise raised
            self._log_attempt(request, str(response.status_code), attempt, attempts, started)
            if response.is_success:
                return response
            if attempt < attempts and self._may_retry_status(response, options):
                await self._sleep(self._retry_delay(attempt - 1, response))
                continue
            raise self._status_error(response)
        raise AssertionError("unreachable")  # pragma: no cover

    async def call(self, options: RequestOptions, parse: Callable[[Any], ParsedT]) -> ParsedT:
        return self.parse_response(await self.request(options), parse, cookie=options.cookie)

    async def call_no_content(self, options: RequestOptions) -> None:
        await self.request(options)

    async def call_bytes(self, options: RequestOptions) -> bytes:
        return (await self.request(options)).content

    async def call_text(self, options: RequestOptions) -> str:
        return _response_text(await self.request(options))

    async def _attempt(
        self, http: httpx.AsyncClient, request: httpx.Request, timeout: httpx.Timeout | None, progress: _Progress
    ) -> httpx.Response:
        """One attempt, in a task of its own that only an anyio cancel scope stops: its deadline, or
        the caller's cancellation, passed on. httpcore's clean-up after a cancelled request is
        shielded from anyio's cancellation only; a task.cancel() (the caller's, asyncio.timeout's,
        the prefetching pager's) landing in it left the connection busy in the pool for good."""
        deadline = self._attempt_deadline(timeout)
        scope = anyio.CancelScope(deadline=math.inf if deadline is None else _loop_time_at(deadline))
        running = asyncio.ensure_future(self._attempt_within(http, request, scope, progress))
        try:
            return await asyncio.shield(running)
        except asyncio.CancelledError:
            scope.cancel()
            # Until its clean-up is over, so the caller leaves no connection mid-request behind,
            # however often it is cancelled meanwhile (anyio repeats a cancellation until obeyed).
            while not running.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([running])
            if not running.cancelled():
                running.exception()  # retrieved: the caller's cancellation is what it gets
            raise

    async def _attempt_within(
        self, http: httpx.AsyncClient, request: httpx.Request, scope: anyio.CancelScope, progress: _Progress
    ) -> httpx.Response:
        try:
            # The whole attempt, 1xx responses and dripped headers included, within the deadline.
            with scope:
                response = await self._send_once(http, request)
                progress.answered = True
                for _ in range(MAX_REDIRECTS):
                    if not (response.is_redirect and "Location" in response.headers):
                        break
                    hop = self._redirect_request(http, request, response)
                    if hop is None:
                        break
                    request = hop
                    response = await self._send_once(http, request)
                return response
        except BaseException:
            await reclaim_orphaned_connections(http)
            raise
        # Only a cancellation of the scope gets here (it swallowed it): the deadline's, or the caller's.
        await reclaim_orphaned_connections(http)
        raise httpx.ReadTimeout("the response did not arrive in full within the timeout", request=request)

    async def _send_once(self, http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
        try:
            response = await http.send(request, auth=self._auth_for(request), follow_redirects=False, stream=True)
        except httpx.InvalidURL as error:
            raise _invalid_location(request, error) from None
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self._read_limit_exceeded(response)
                chunks.append(chunk)
        finally:
            await response.aclose()
        return self._buffer(response, chunks)


def _body_replayable(options: RequestOptions) -> bool:
    """Whether a retry can send the request's body again: not when a file of it is a stream that
    cannot seek back (a pipe), which the attempt before may have read."""
    return all(part.replayable for part in options.files)


def _invalid_location(request: httpx.Request, error: httpx.InvalidURL) -> httpx.RemoteProtocolError:
    """httpx works out the next hop of every 3xx, followed or not; a Location such as
    `javascript:x` makes it raise InvalidURL, which is no RequestError and would escape untyped.
    As a Location httpx cannot parse at all: a protocol error."""
    return httpx.RemoteProtocolError(f"Invalid URL in location header: {error}", request=request)


def _require_asyncio() -> None:
    """The async client runs on asyncio only: each attempt is an asyncio task shielded from the
    caller's cancellation (encode/httpcore#1093, see `_transport.py`) and the pager prefetches with
    asyncio tasks. Under another event loop (trio) it says so, rather than fail somewhere inside."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "the async client runs on asyncio only (not trio): await it in an asyncio event loop"
        ) from None


def _loop_time_at(deadline: float) -> float:
    """A `time.monotonic()` deadline on the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())


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
            if math.isfinite(milliseconds):
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
    return seconds if math.isfinite(seconds) else None


def _error_detail(response: httpx.Response, redact: Redactor) -> str:
    """The envelope's `message` if the body is one, else a short excerpt of the body; redacted
    before it is cut."""
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):
        text = redact(response.content.decode("utf-8", "replace")).strip()
        return text[:BODY_EXCERPT_CHARS] if text and not text.startswith("<") else ""
    if isinstance(data, dict):
        for key in ("message", "detail", "error", "title"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return redact(value)
    return redact.excerpt(json.dumps(data), BODY_EXCERPT_CHARS)


def _decode_strict(response: httpx.Response, redact: Redactor) -> tuple[Any, str | None]:
    """The body as strict JSON and None, or None and what is wrong with it."""
    try:
        # The float hook costs a few percent of json.loads; a regex looking for large exponents
        # first cost more than json.loads itself.
        data = json.loads(response.content, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than Python can parse
        content_type = response.headers.get("Content-Type", "no content type")
        reason = f" ({error})" if isinstance(error, _NonFiniteNumber) else ""
        return (
            None,
            f"Expected a JSON body from {response.request.url.path}, got {content_type} that is not JSON{reason}",
        )
    if isinstance(data, dict) and data.get("success") is False:
        message = data.get("message")
        return None, f"The API answered {response.status_code} but success is false" + (
            f": {redact(str(message))}" if message else ""
        )
    return data, None


class _NonFiniteNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFiniteNumber(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFiniteNumber(f"{text[:40]} is too large for a number")
    return value


def _cookie_redactor(cookie: Secret) -> Redactor:
    """A redactor of the values of a request's cookie parameters (`RequestOptions.cookie`)."""
    return Redactor(pair.partition("=")[2] for pair in cookie.reveal().split("; "))


def _cookie_log_redaction(cookie: Secret | None) -> Redactor | None:
    """For a request with cookie parameters, a redactor of their values that keeps them out of
    httpx's and httpcore's log lines (httpx logs the reason phrase a server sent, which may echo
    them) for as long as the caller holds it: the log filter holds it weakly."""
    if cookie is None:
        return None
    redactor = _cookie_redactor(cookie)
    redact_http_logs(redactor)
    return redactor


def _cookie_values_hidden(error: APIError, cookie: Secret) -> APIError:
    """`error` with the values of the request's cookie parameters masked wherever a server may have
    echoed them (its message, its text attributes, its cause, its response once pickled), as the
    client's own credentials are: a cookie parameter is often a session token."""
    hide = _cookie_redactor(cookie)
    earlier = error._redact

    def redact(text: str) -> str:
        return hide(earlier(text) if earlier is not None else text)

    error.args = tuple(hide(arg) if isinstance(arg, str) else arg for arg in error.args)
    for name, value in list(vars(error).items()):
        if isinstance(value, str):
            setattr(error, name, hide(value))
    error._redact = redact
    if error.__cause__ is not None:
        error.__cause__ = _sanitized(error.__cause__, hide)
    return error


def _sanitized(error: BaseException, redact: Redactor) -> BaseException:
    """A copy of `error` whose message is redacted and which carries no traceback or chain."""
    message = redact(str(error))
    try:
        copy_ = type(error)(message)
    except Exception:
        copy_ = RuntimeError(f"{type(error).__name__}: {message}")
    if isinstance(copy_, httpx.RequestError) and isinstance(error, httpx.RequestError):
        with contextlib.suppress(RuntimeError):  # an error raised before it had a request
            copy_.request = error.request
    return copy_


def _without_body_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]


def _buffered(streamed: httpx.Response, body: bytes) -> httpx.Response:
    """A complete response made of a streamed one's status, headers and decoded body. The headers
    describe the body it holds: Content-Encoding is gone and Content-Length is its length."""
    headers = httpx.Headers(_without_body_headers(streamed.headers))
    if "content-length" in streamed.headers:
        headers["Content-Length"] = str(len(body))
    response = httpx.Response(
        streamed.status_code,
        headers=headers,
        content=body,
        request=streamed.request,
        extensions=streamed.extensions,
    )
    # httpx sets .elapsed when it closes a response it sent; this one it did not send. (A transport
    # that answers with a body already read, as httpx.MockTransport does, leaves it unset.)
    with contextlib.suppress(RuntimeError):
        response.elapsed = streamed.elapsed
    return response


def _parse_base_url(base_url: str | httpx.URL) -> tuple[httpx.URL, httpx.BasicAuth | None, list[str]]:
    """The base URL without credentials, the Basic auth its credentials make (sent to its own
    origin only), and the secrets to redact: the password, and the Basic token it travels in (a
    server may echo the Authorization header back)."""
    try:
        url = httpx.URL(str(base_url))
        host = url.host  # decoding an IDNA host can fail only here
    except (httpx.InvalidURL, ValueError):  # ValueError covers the idna errors
        # Shown as given (display_url would parse it again, and fail the same way), unless it may
        # hold credentials.
        shown = repr(str(base_url)) if "@" not in str(base_url) else "(not shown: it holds credentials)"
        raise ValueError(f"base_url is not a valid URL: {shown}") from None
    shown = display_url(url)
    if url.query or url.fragment:
        raise ValueError(f"base_url must not have a query or a fragment, got {shown!r}")
    if url.scheme not in ("http", "https") or not host:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {shown!r}")
    if not (url.username or url.password):
        return url, None, []
    auth = httpx.BasicAuth(url.username, url.password)
    plain = httpx.URL(scheme=url.scheme, host=url.host, port=url.port, path=url.path)
    # As httpx builds the header: base64 of the UTF-8 "username:password".
    token = base64.b64encode(f"{url.username}:{url.password}".encode()).decode("ascii")
    return plain, auth, [secret for secret in (url.password, token) if secret]


def _refuse_credential_headers(identity: ClientIdentity, headers: Iterable[str], where: str) -> None:
    """A header that carries one of the spec's credentials is the client's to set, from the
    credential arguments: set by hand it would bypass redaction and the cross-origin rules."""
    for name in headers:
        scheme = identity.scheme_sending_header(name)
        if scheme is not None:
            shown = scheme.header if scheme.kind == "api-key-header" else "Authorization"
            needed = " and ".join(f"{c.argument}=" for c in scheme.credentials)
            raise ValueError(f"{where} must not set {shown}: pass {needed} to the client")


def _as_timeout(timeout: object, name: str) -> httpx.Timeout | None:
    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        for phase in ("connect", "read", "write", "pool"):
            _check_seconds(getattr(timeout, phase), f"{name} ({phase})", allow_none=True)
        return timeout
    seconds = _check_seconds(timeout, name, allow_none=False)
    return httpx.Timeout(seconds, connect=min(seconds, DEFAULT_TIMEOUT.connect or seconds))


def _check_seconds(value: object, name: str, *, allow_none: bool) -> float:
    if value is None and allow_none:
        return math.inf
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of seconds, an httpx.Timeout or None, got {type(value).__name__} {value!r}"
        )
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
        raise ValueError(f"{name} must be more than 0 and at most {MAX_TIMEOUT:,.0f} seconds (a day), got {value!r}")
    return float(value)


def _as_max_retries(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(f"{name} must be an integer from 0 to 100, got {value!r}")
    return value


def _as_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_logging_configured = False


def _configure_logging_from_env(variable: str) -> None:
    """`<variable>=debug` (or `info`; `<PREFIX>_LOG` as generated) sends the package's logger to
    stderr, once per process."""
    global _logging_configured
    level_name = os.environ.get(variable, "").upper()
    if _logging_configured or level_name not in ("DEBUG", "INFO"):
        return
    _logging_configured = True
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level_name)


def _check_credential(argument: str, value: object, *, token: bool) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    if not token:
        # A username or password: any text but control characters (and no ":" in a username,
        # which Basic auth uses as the separator); never echoed.
        if any(ord(character) < 0x20 or ord(character) == 0x7F for character in value):
            raise ValueError(f"{argument} must not contain control characters (was it read with a newline?).")
        if argument.endswith("username") and ":" in value:
            raise ValueError(f"{argument} must not contain ':' (Basic auth separates it from the password with one).")
        return
    if value != value.strip() or not all(" " < character <= "~" for character in value):
        # A key read from a file often ends in a newline. Sent as is, it fails inside the HTTP
        # library with an error that quotes the header value: the key. Never echo it.
        what = "The API key" if argument == "api_key" else f"{argument}"
        raise ValueError(
            f"{what} must be printable ASCII without spaces or surrounding whitespace "
            "(was it read from a file with its trailing newline?)."
        )


def _response_text(response: httpx.Response) -> str:
    """The body as text: its charset, else UTF-8 (httpx would guess), undecodable bytes replaced."""
    charset = response.charset_encoding or "utf-8"
    try:
        return response.content.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return response.content.decode("utf-8", errors="replace")
