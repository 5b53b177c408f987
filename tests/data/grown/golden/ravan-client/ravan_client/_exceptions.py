"""The exceptions the client raises.

    RavanError
    ├── APIError
    │   ├── APIStatusError                 a response with a 3xx/4xx/5xx status
    │   │   ├── BadRequestError            400
    │   │   ├── AuthenticationError        401
    │   │   ├── PermissionDeniedError      403
    │   │   ├── NotFoundError              404
    │   │   ├── ConflictError              409
    │   │   ├── UnprocessableEntityError   422
    │   │   ├── RateLimitError             429
    │   │   └── InternalServerError        5xx
    │   ├── APIConnectionError             no response: connection refused, reset, DNS, ...
    │   │   └── APITimeoutError            no response in time
    │   ├── APIResponseValidationError     a 2xx whose body is not the documented envelope
    │   │   └── ResponseTooLargeError      a body over the client's size cap
    │   └── RepeatedPageError              the server keeps sending pages it sent before
    └── ClientSettingError (a ValueError)  the client cannot be made with these settings
        ├── MissingAPIKeyError             no api_key=, and none in the environment
        └── InsecureBaseURLError           plain http to a remote host, not allowed
    (other invalid settings and arguments raise ValueError or TypeError before any request)

Callers (the command line among them) tell failures apart by these classes and their fields,
never by the wording of a message, which may change.

No message ever contains the API key or another credential: the client redacts anything a server
echoes back before it goes into a message. The exceptions pickle (for `multiprocessing` and
`concurrent.futures`) and unpickle: the pickle holds copies of the request and response with
every credential masked and the body redacted, never the originals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from ._secrets import MASK, SENSITIVE_HEADERS, display_url

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientSettingError",
    "ConflictError",
    "InsecureBaseURLError",
    "InternalServerError",
    "MissingAPIKeyError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RavanError",
    "RepeatedPageError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
]


class RavanError(Exception):
    """Base class of every exception this package raises on purpose."""


class APIError(RavanError):
    """A request to the API failed; `request` is the request that failed."""

    message: str
    request: httpx.Request

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.message = message
        self.request = request

    # Set by the client that raises the error; never pickled.
    _redact: Callable[[str], str] | None = None
    _sensitive_headers: frozenset[str] = SENSITIVE_HEADERS

    def __reduce__(self) -> tuple[Any, ...]:
        state = {key: value for key, value in vars(self).items() if not key.startswith("_")}
        # The client's own requests name their sensitive headers (the API key's among them), which
        # also covers an error the client did not raise itself (the pager's RepeatedPageError).
        sensitive = self._sensitive_headers | getattr(self.request.headers, "sensitive", frozenset())
        state["request"] = _masked_request(self.request, sensitive)
        response = state.get("response")
        if isinstance(response, httpx.Response):
            state["response"] = _masked_response(response, state["request"], sensitive, self._redact)
        return (_rebuild_error, (type(self), self.message, state))


def _rebuild_error(cls: type[APIError], message: str, state: dict[str, Any]) -> APIError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


def _masked_request(request: httpx.Request, sensitive: frozenset[str]) -> httpx.Request:
    headers = [(k, MASK if k.lower() in sensitive else v) for k, v in request.headers.multi_items()]
    # The body is left out: a request body holds what the caller sent, which the error does not need.
    return httpx.Request(request.method, display_url(request.url), headers=headers)


def _masked_response(
    response: httpx.Response,
    request: httpx.Request,
    sensitive: frozenset[str],
    redact: Callable[[str], str] | None,
) -> httpx.Response:
    # Any other header may echo a credential too (a debug header): redacted like the body.
    headers = [
        (k, MASK if k.lower() in sensitive else (redact(v) if redact is not None else v))
        for k, v in response.headers.multi_items()
    ]
    headers = [(k, v) for k, v in headers if k.lower() not in ("content-encoding", "content-length")]
    content = response.content
    if redact is not None:
        content = redact(content.decode("utf-8", "replace")).encode("utf-8")
    return httpx.Response(response.status_code, headers=headers, content=content, request=request)


class APIStatusError(APIError):
    """The API answered with a status that is not 2xx (after any retries)."""

    response: httpx.Response
    status_code: int

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code


class BadRequestError(APIStatusError):
    """400: the API rejected the request as malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, invalid or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or a wrong base URL)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state (retried by default where safe)."""


class UnprocessableEntityError(APIStatusError):
    """422: a parameter or body property failed the API's validation."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's requested delay in seconds, when it
    gave a positive one."""

    retry_after: float | None

    def __init__(self, message: str, *, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(message, response=response)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the server failed (retried by default where safe)."""


class APIConnectionError(APIError):
    """No response: the connection failed, was reset, or the host could not be reached."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """No response within the timeout (connect, read, write or pool)."""

    def __init__(self, request: httpx.Request, message: str = "Request timed out.") -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not JSON, breaks the envelope, or says `success: false`.

    `body_excerpt` holds the start of the body (redacted), to show what came back instead.
    """

    response: httpx.Response
    status_code: int
    body_excerpt: str

    def __init__(self, message: str, *, response: httpx.Response, body_excerpt: str) -> None:
        super().__init__(
            f"{message} (body starts: {body_excerpt!r})" if body_excerpt else message, request=response.request
        )
        self.response = response
        self.status_code = response.status_code
        self.body_excerpt = body_excerpt


class ResponseTooLargeError(APIResponseValidationError):
    """A response body larger than the client's `max_response_bytes` (decoded); reading stopped there."""

    limit: int

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        super().__init__(message, response=response, body_excerpt="")
        self.limit = limit


class RepeatedPageError(APIError):
    """The server keeps sending items it already sent instead of new pages.

    It is ignoring the page number, so paging on would never end.
    """

    page_number: int

    def __init__(self, message: str, *, request: httpx.Request, page_number: int) -> None:
        super().__init__(message, request=request)
        self.page_number = page_number


class ClientSettingError(RavanError, ValueError):
    """The client cannot be made with these settings (raised by its constructor, before any
    request). A ValueError, as it always was; the subclasses say which setting."""


class MissingAPIKeyError(ClientSettingError):
    """No API key: `api_key=` was not given and none of `env_vars` is set."""

    env_vars: tuple[str, ...]

    def __init__(self, message: str, env_vars: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.env_vars = env_vars


class InsecureBaseURLError(ClientSettingError):
    """`base_url` is plain http to a host that is not loopback, and `allow_insecure_http` was not
    passed: the API key would travel unencrypted. `base_url` is the URL as shown (any password
    masked)."""

    base_url: str

    def __init__(self, message: str, base_url: str = "") -> None:
        super().__init__(message)
        self.base_url = base_url


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[APIStatusError]:
    """The error a non-2xx status raises: the one table, read by the client and by the generator
    (which names it in each method's docstring)."""
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)
