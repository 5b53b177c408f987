"""Incremental sync: `x-incremental` of a paginated operation (`IncrementalPlan`).

What `sync` needs to keep a table of the operation's items up to date.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scripts.lib.openapi_document import OpenAPIDocument, Operation
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.naming import snake_case
from scripts.lib.plan.pagination import items_schema

if TYPE_CHECKING:
    from scripts.lib.plan.arguments import ArgumentPlan
    from scripts.lib.plan.pagination import PaginationPlan


@dataclass(frozen=True)
class IncrementalPlan:
    """`x-incremental` of a paginated operation (the runtime's `_commands.Incremental`)."""

    table: str
    cursor: str
    key: str
    lower_bound: str
    """Python name of the lower-bound argument."""
    upper_bound: str
    lag: float
    order: tuple[tuple[str, Any], ...]
    """(python name, value) of the arguments that order the pages by the cursor, ascending."""
    columns: tuple[tuple[str, str], ...]
    """(wire name, dlt data type) of every property of the items."""
    extra_column: str


# dlt data types of the columns a sync creates, by the schema's type and format. Objects and arrays
# are one JSON column each (dlt would otherwise make child tables of them, and a column per key of
# a free-form object: a schema the server's data would decide).
_SYNC_TYPES = {"integer": "bigint", "number": "double", "boolean": "bool", "object": "json", "array": "json"}


_SYNC_FORMATS = {"date-time": "timestamp", "date": "date"}


INCREMENTAL_KEYS = frozenset({"cursor", "key", "lower-bound", "upper-bound", "order", "lag", "table"})


def plan_incremental(
    document: OpenAPIDocument,
    operation: Operation,
    arguments: Sequence[ArgumentPlan],
    pagination: PaginationPlan | None,
) -> IncrementalPlan | None:
    """`x-incremental` on a paginated operation: what `sync` needs to keep a table of its items.

    Keys: `cursor` (a date-time property of the items that new items never have lower than the
    items before them, e.g. when a call started), `lower-bound` and `upper-bound` (date-time query
    parameters that bound the cursor), `lag` (seconds read again before the last cursor on every
    run: items change after they start), `order` (query parameter: value, sent on every request
    so that the pages come in ascending cursor order), and optionally `key` (default: the
    pagination's `item-key`) and `table` (default: the operationId in snake_case, without a
    leading `list_`)."""
    extension = operation.raw.get("x-incremental")
    if extension is None:
        return None
    where = f"x-incremental of {operation.label}"
    if pagination is None:
        raise PlanError(f"{where}: the operation needs x-pagination (a sync reads every page)")
    if not isinstance(extension, Mapping):
        raise PlanError(f"{where} must be an object")
    unknown = set(extension) - INCREMENTAL_KEYS
    if unknown:
        raise PlanError(f"{where}: unknown keys {sorted(unknown)}; known: {', '.join(sorted(INCREMENTAL_KEYS))}")
    missing = {"cursor", "lower-bound", "upper-bound", "lag"} - set(extension)
    if missing:
        raise PlanError(f"{where}: needs {sorted(missing)}")
    item = items_schema(document, operation)
    cursor = str(extension["cursor"])
    if cursor not in item.properties or document.normalize(item.properties[cursor], where=where).format != "date-time":
        raise PlanError(f"{where}: cursor {cursor!r} must be a date-time property of the items")
    key = str(extension.get("key", pagination.item_key_wire))
    if key not in item.required:
        raise PlanError(f"{where}: key {key!r} must be a required property of the items")
    query = {a.wire_name: a for a in arguments if a.location == "query"}
    bounds = []
    for bound in ("lower-bound", "upper-bound"):
        argument = query.get(str(extension[bound]))
        if argument is None or argument.rule.kind != "date-time":
            raise PlanError(f"{where}: {bound} must name a date-time query parameter of the operation")
        bounds.append(argument.python_name)
    order = extension.get("order", {})
    if not isinstance(order, Mapping):
        raise PlanError(f"{where}: order must map query parameters to the values that sort by the cursor")
    order_arguments = []
    for name, value in order.items():
        argument = query.get(str(name))
        if argument is None:
            raise PlanError(f"{where}: order names {name!r}, which is not a query parameter of the operation")
        if argument.rule.choices is not None and value not in argument.rule.choices:
            raise PlanError(f"{where}: order gives {name!r} the value {value!r}, not one of {argument.rule.choices}")
        order_arguments.append((argument.python_name, value))
    lag = extension["lag"]
    if isinstance(lag, bool) or not isinstance(lag, int | float) or not 0 <= lag < float("inf"):
        raise PlanError(f"{where}: lag must be a number of seconds >= 0, got {lag!r}")
    table = str(extension.get("table") or snake_case(operation.operation_id or "").removeprefix("list_"))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", table):
        raise PlanError(f"{where}: table {table!r} must be a lowercase identifier (letters, digits, _)")
    columns = []
    for name, node in item.properties.items():
        schema = document.normalize(node, where=where)
        kind = _SYNC_FORMATS.get(schema.format or "") if schema.single_type == "string" else None
        columns.append((name, kind or _SYNC_TYPES.get(schema.single_type or "object", "text")))
    extra_column = _sync_column_names(item.properties, where=where)
    return IncrementalPlan(
        table=table,
        cursor=cursor,
        key=key,
        lower_bound=bounds[0],
        upper_bound=bounds[1],
        lag=float(lag),
        order=tuple(order_arguments),
        columns=tuple(columns),
        extra_column=extra_column,
    )


def _sync_column_names(properties: Mapping[str, Any], *, where: str) -> str:
    """The extra column's name, once the items' properties are known to make distinct columns.

    dlt names a column by its own normalisation of the key (`fooBar` and `foo_bar` are both
    `foo_bar`, `Extra` is `extra`); two properties that become one column, or one that takes a
    name of dlt's own (`_dlt_id`), failed every sync at run time, so generation refuses them here.
    Unknown keys of the items go to one JSON column: `extra`, as in the CSV export, else the first
    of `_extra`, `extra_1`, ... that no property takes."""
    from dlt.common.normalizers.naming.snake_case import NamingConvention  # the sync extra's own rule

    naming = NamingConvention()
    taken: dict[str, str] = {}
    for name in properties:
        column = naming.normalize_identifier(name)
        if column.startswith("_dlt_"):
            raise PlanError(f"{where}: property {name!r} would be the column {column!r}, a name dlt keeps for itself")
        if column in taken:
            raise PlanError(
                f"{where}: properties {taken[column]!r} and {name!r} would both be the column {column!r} "
                "(dlt's snake_case naming): rename one, or drop x-incremental"
            )
        taken[column] = name
    candidates = itertools.chain(("extra", "_extra"), (f"extra_{n}" for n in itertools.count(1)))
    return next(c for c in candidates if naming.normalize_identifier(c) not in taken)
