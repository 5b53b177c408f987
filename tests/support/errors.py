"""The exception each error status must raise, written out as users are promised it.

The spec-derived suites once asked the generator (`scripts.lib.generate.error_class_name`, which
reads the runtime's own table) which class to expect: a wrong entry in that table was then the
expectation too, and no test could fail. The promise is written out here instead, the table
openai-python users know: the named 4xx classes, `InternalServerError` for every 5xx,
`APIStatusError` for any other status.
"""

from __future__ import annotations

__all__ = ["expected_error_class_name"]

_NAMED = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def expected_error_class_name(status: int) -> str:
    """The name of the class (exported by `ravan_client`) that a response with `status` raises."""
    if 500 <= status <= 599:
        return "InternalServerError"
    return _NAMED.get(status, "APIStatusError")
