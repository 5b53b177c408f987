"""The exported surface of both packages is deliberate: a test pins it."""

from __future__ import annotations

import ravan_client
import ravan_models


def test_client_package_exports() -> None:
    assert set(ravan_client.__all__) == {
        "DEFAULT_BASE_URL",
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
        "GENERATORS",
        "SPEC_SHA256",
        "SPEC_VERSION",
        "APIConnectionError",
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncPage",
        "AsyncPager",
        "AsyncRavanClient",
        "AuthenticatedClient",
        "AuthenticationError",
        "BadRequestError",
        "Client",
        "ConflictError",
        "InternalServerError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "RavanClient",
        "RavanError",
        "RepeatedPageError",
        "SyncPage",
        "UnprocessableEntityError",
        "__version__",
    }
    for name in ravan_client.__all__:
        assert hasattr(ravan_client, name), name


def test_models_package_exports() -> None:
    assert set(ravan_models.__all__) == {
        "GENERATORS",
        "SPEC_SHA256",
        "SPEC_VERSION",
        "CallSession",
        "CallSessionListData",
        "CallSessionListResponse",
        "CreditBreakdown",
        "ErrorResponse",
        "__version__",
    }
    for name in ravan_models.__all__:
        assert hasattr(ravan_models, name), name
