"""The CLI's view of an operation: `list`'s table and `export`'s CSV columns (`ColumnPlan`)."""

from __future__ import annotations

from dataclasses import dataclass

from scripts.lib.openapi_document import OpenAPIDocument, Schema
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.naming import snake_case

DEFAULT_TABLE_COLUMNS = 8


# The page size `export` sends when the size parameter declares no maximum: the vendor documents
# none; 100 is what APIs of this kind commonly accept (public code asks this one for more), and it
# takes 5x fewer requests than the default of 20.
DEFAULT_EXPORT_PAGE_SIZE = 100


@dataclass(frozen=True)
class ColumnPlan:
    header: str
    path: tuple[str, ...]
    json_encoded: bool = False
    whole: bool = False
    """Never wrapped or cut in a table (ids and timestamps)."""


def plan_table_columns(document: OpenAPIDocument, item: Schema, key: str, *, where: str) -> tuple[ColumnPlan, ...]:
    """`x-cli-columns` of the item schema, else a rule: the key, then date-times, then the first
    other scalar fields, up to 8 columns."""
    scalars = {}
    for name, node in item.properties.items():
        schema = document.normalize(node, where=where)
        if schema.single_type in ("string", "integer", "number", "boolean") or schema.enum is not None:
            scalars[name] = schema
    chosen = item.extensions.get("x-cli-columns")
    if chosen is not None:
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise PlanError(f"{where}: x-cli-columns must be a list of property names")
        unknown = [c for c in chosen if c not in item.properties]
        if unknown:
            raise PlanError(f"{where}: x-cli-columns names {unknown}, which the items do not have")
        names = list(chosen)
    else:
        dates = [n for n, s in scalars.items() if s.format == "date-time" and n != key]
        others = [n for n in scalars if n != key and n not in dates]
        names = ([key] if key in scalars else []) + dates[:1] + others
        names = names[:DEFAULT_TABLE_COLUMNS]
    columns = []
    for name in names:
        schema = document.normalize(item.properties[name], where=where)
        whole = name == key or schema.format in ("date-time", "date") or name.lower().endswith("id")
        columns.append(ColumnPlan(header=snake_case(name).replace("_", " "), path=(name,), whole=whole))
    return tuple(columns)


def plan_export_columns(document: OpenAPIDocument, item: Schema, *, where: str) -> tuple[ColumnPlan, ...]:
    """CSV columns in the spec's order: an object with declared properties becomes `parent.child`
    columns; free-form objects and arrays become one JSON-encoded column."""
    columns: list[ColumnPlan] = []
    for name, node in item.properties.items():
        schema = document.normalize(node, where=where)
        if schema.properties:
            columns.extend(ColumnPlan(f"{name}.{child}", (name, child)) for child in schema.properties)
        else:
            columns.append(ColumnPlan(name, (name,), json_encoded=bool(schema.types & {"object", "array"})))
    return tuple(columns)
