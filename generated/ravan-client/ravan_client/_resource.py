"""Base classes of the generated resources (`client.call_sessions`, ...) and their response parsers.

A resource holds the client it was reached from; the generated methods build a request with
their operation's `OperationSpec` and hand it to that client. The parsers below are what a
generated method passes for responses that are not one model: a list of models, one of several
models (a oneOf/anyOf), or any JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol, TypeVar

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._models import WireModel

__all__ = ["AsyncResource", "SyncResource", "as_list", "as_received", "list_of", "one_of"]

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


class _ModelClass(Protocol):
    """A generated model class, as `one_of` uses it."""

    def from_dict(self, src_dict: Mapping[str, Any]) -> WireModel: ...


def one_of(
    variants: tuple[_ModelClass, ...],
    discriminator: str | None = None,
    mapping: tuple[tuple[str, int], ...] = (),
    *,
    nullable: bool = False,
) -> Callable[[Any], WireModel | dict[str, Any] | None]:
    """A parser of a JSON object that is one of several models (a oneOf/anyOf of them).

    With a discriminator, its value picks the variant (`mapping`: value -> index into `variants`).
    Without one, the variant is chosen as pydantic's smart mode chooses among those that fit:
    of the variants whose every field fits (no `model_invalid_fields`: required keys present,
    values of their types), the one that recognises the most keys, the first of those on a tie.
    An object no variant takes (an unknown discriminator value, a new shape) is returned as the
    dict received, never an error: a server may add variants before the client knows them. A
    value that is not a JSON object (or null, where the schema allows it: `nullable`) is an error,
    as it is for a response of one model."""

    def parse(data: Any) -> WireModel | dict[str, Any] | None:
        if data is None and nullable:
            return None
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        if discriminator is not None:
            tag = data.get(discriminator)
            for key, index in mapping:
                if key == tag:
                    return variants[index].from_dict(data)
            return data
        best: WireModel | None = None
        for variant in variants:
            model = variant.from_dict(data)
            if model.model_invalid_fields:
                continue
            if best is None or len(model.model_fields_set) > len(best.model_fields_set):
                best = model
        return data if best is None else best

    return parse
