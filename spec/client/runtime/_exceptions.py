"""The exceptions the client raises.

Hand-written; `scripts/generate` copies this module into the generated package.

    RavanError
    └── APIError
        ├── APIStatusError                 a response with a 3xx/4xx/5xx status
        │   ├── BadRequestError            400
        │   ├── AuthenticationError        401
        │   ├── PermissionDeniedError      403
        │   ├── NotFoundError              404
        │   ├── ConflictError              409
        │   ├── UnprocessableEntityError   422
        │   ├── RateLimitError             429
        │   └── InternalServerError        5xx
        ├── APIConnectionError             no response: connection refused, reset, DNS, ...
        │   └── APITimeoutError            no response in time
        ├── APIResponseValidationError     a 2xx whose body is not the documented envelope
        └── RepeatedPageError              the server returned the same full page again

Invalid arguments are not API errors: they raise `ValueError` or `TypeError` before any request.
No message ever contains the API key: the client redacts it from anything a server echoes back.
"""

from __future__ import annotations

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RavanError",
    "RepeatedPageError",
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
    """409: the request conflicts with the resource's state (retried by default)."""


class UnprocessableEntityError(APIStatusError):
    """422: a parameter failed the API's validation."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's requested delay in seconds, when it
    gave a positive one."""

    retry_after: float | None

    def __init__(self, message: str, *, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(message, response=response)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the server failed (retried by default)."""


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

    `body_excerpt` holds the start of the body, to show what came back instead.
    """

    response: httpx.Response
    status_code: int
    body_excerpt: str

    def __init__(self, message: str, *, response: httpx.Response, body_excerpt: str) -> None:
        super().__init__(f"{message} (body starts: {body_excerpt!r})", request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body_excerpt = body_excerpt


class RepeatedPageError(APIError):
    """The server returned a full page whose items were all on the previous page.

    It is ignoring the page number, so paging on would never end.
    """

    page_number: int

    def __init__(self, message: str, *, request: httpx.Request, page_number: int) -> None:
        super().__init__(message, request=request)
        self.page_number = page_number
