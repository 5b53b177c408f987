"""Base classes of the generated resources (`client.call_sessions`, ...) and their response parsers.

A resource holds the client it was reached from; the generated methods build a request with
their operation's `OperationSpec` and hand it to that client. The parsers below are what a
generated method passes for responses that are not one model: a list of models, or any JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncResource", "SyncResource", "as_list", "as_received", "list_of"]

ItemT = TypeVar("ItemT")


class SyncResource:
    """Operations of one tag of the spec, on the generated sync client."""

    _is_ravan_resource: ClassVar[bool] = True

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class AsyncResource:
    """Operations of one tag of the spec, on the generated async client."""

    _is_ravan_resource: ClassVar[bool] = True

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def list_of(parse_item: Callable[[Any], ItemT]) -> Callable[[Any], list[ItemT]]:
    """A parser of a JSON array whose items `parse_item` reads; anything but an array is an error."""

    def parse(data: Any) -> list[ItemT]:
        if not isinstance(data, list):
            raise TypeError(f"expected a JSON array, got {type(data).__name__}")
        return [parse_item(item) for item in data]

    return parse


def as_list(data: Any) -> list[Any]:
    """A JSON array as received (items of no model)."""
    if not isinstance(data, list):
        raise TypeError(f"expected a JSON array, got {type(data).__name__}")
    return data


def as_received(data: Any) -> Any:
    """Any JSON value, as received (a response the spec gives no model)."""
    return data
