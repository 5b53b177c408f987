"""openapi-python-client's parse of the spec, read in one place, into a small typed surface.

openapi-python-client generates the client package's attrs models; the plan takes from its parse
only what must agree with those models: the class and module names of the models, their fields'
names and kinds, and which model each operation's success response holds. Everything else
(arguments, bodies, constraints, extensions) the plan reads from the spec itself through
`scripts.lib.openapi_document`. No other module touches openapi-python-client's objects:
`read_generator_data` turns its `GeneratorData` into an `OpcParse` (models by class name,
endpoints, problems), `opc_model` and `opc_property` its model and property objects into
`OpcModel` and `OpcProperty`. tests/generate/test_opc_adapter.py proves the plan's operations and
openapi-python-client's endpoints match one to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from scripts.lib.openapi_document import path_shape


@dataclass(frozen=True)
class OpcProperty:
    """A property as openapi-python-client parsed it (a model's field, a response's body, an item
    of a list or a member of a union), in the plan's terms: its text unwrapped, its class a kind."""

    kind: str
    """string, int, float, boolean, uuid, any, file, datetime, date, enum, const, model, list,
    union, none, or other (a property class this adapter does not know)."""
    name: str
    """The wire name."""
    python_name: str
    """openapi-python-client's attribute name for it (snake_case, keywords escaped)."""
    required: bool
    description: str = ""
    members: tuple[OpcProperty, ...] = ()
    """A union's members (a nullable property is a union with a `none` member)."""
    item: OpcProperty | None = None
    """A list's item property."""
    class_name: str | None = None
    """The class openapi-python-client writes for a model or an enum."""
    module_name: str | None = None
    enum_values: tuple[Any, ...] = ()
    """An enum's values but null, in the spec's order (a literal enum's, which openapi-python-client
    keeps in a set, sorted: the same spec gives the same bytes whatever the hash seed)."""
    enum_allows_null: bool = False
    enum_of_int: bool = False


@dataclass(frozen=True)
class OpcModel:
    """A model class openapi-python-client writes (the client package's attrs models)."""

    class_name: str
    module_name: str
    required: tuple[OpcProperty, ...]
    optional: tuple[OpcProperty, ...]
    reference: str = ""
    """openapi-python-client's name for the schema it was made from: a component schema's
    reference path (`/components/schemas/Cat`), by which a request body's `$ref` finds it."""

    @property
    def free_form(self) -> bool:
        """No declared property: read as a plain dict, not a model."""
        return not (self.required or self.optional)


@dataclass(frozen=True)
class OpcEndpoint:
    """An operation openapi-python-client parsed: its path as it writes it (placeholders renamed
    to snake_case: `/pets/{pet_id}` for the spec's `/pets/{petId}`), and its responses."""

    path: str
    method: str
    """Lower case, as the plan's operations have it."""
    responses: tuple[tuple[tuple[int, int] | None, OpcProperty], ...]
    """(status range, or None for `default`; the body's property)."""

    def response_property(self, status: int, key: str | None = None) -> OpcProperty | None:
        """The body property of the response documented for exactly `status`, or, when the spec
        documents it under the `key` `2XX` or `default`, for that range."""
        wanted: tuple[int, int] | None = (status, status)
        if key is not None and not key.isdigit():
            wanted = None if key == "default" else (200, 299)
        return next((prop for statuses, prop in self.responses if statuses == wanted), None)


@dataclass(frozen=True)
class OpcParse:
    """What the plan reads of openapi-python-client's parse: its models by class name, its
    endpoints, and what it said of the operations it could not parse."""

    models: Mapping[str, OpcModel]
    endpoints: tuple[OpcEndpoint, ...]
    problems: tuple[tuple[str, str], ...]
    """(header, detail) of each operation it left out."""

    def endpoint(self, path: str, method: str) -> OpcEndpoint | None:
        """The endpoint of the spec's `path` (as the spec writes it) and `method`: matched by the
        path's shape, since openapi-python-client renames the placeholders."""
        shape = path_shape(path)
        return next((e for e in reversed(self.endpoints) if path_shape(e.path) == shape and e.method == method), None)

    def warning(self, method: str, path: str) -> str:
        """What openapi-python-client said about an operation it did not generate."""
        for header, detail in self.problems:
            if f"{method.upper()} {path} " in header + " ":
                return detail or header
        return "no detail"


def read_generator_data(generator_data: object) -> OpcParse:
    """openapi-python-client's `GeneratorData` (from `load_generator_data`) as the plan reads it."""
    from openapi_python_client.parser import GeneratorData

    if not isinstance(generator_data, GeneratorData):
        raise TypeError(f"expected openapi-python-client's GeneratorData, got {type(generator_data).__name__}")
    endpoints: list[OpcEndpoint] = []
    problems: list[tuple[str, str]] = []
    for collection in generator_data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            responses = tuple(
                (response.status_code.range, opc_property(response.prop)) for response in endpoint.responses.patterns
            )
            endpoints.append(OpcEndpoint(plain(endpoint.path), endpoint.method.lower(), responses))
        for error in collection.parse_errors:
            problems.append((str(error.header or ""), str(error.detail or "")))
    return OpcParse(
        models={model.class_name: model for model in map(opc_model, generator_data.models)},
        endpoints=tuple(endpoints),
        problems=tuple(problems),
    )


def opc_model(model: object) -> OpcModel:
    """A model openapi-python-client writes (its `ModelProperty`; model.py.jinja renders one)."""
    from openapi_python_client.parser.properties.model_property import ModelProperty

    if not isinstance(model, ModelProperty):
        raise TypeError(f"expected openapi-python-client's ModelProperty, got {type(model).__name__}")
    return OpcModel(
        class_name=plain(model.class_info.name),
        module_name=plain(model.class_info.module_name),
        required=tuple(opc_property(prop) for prop in model.required_properties or ()),
        optional=tuple(opc_property(prop) for prop in model.optional_properties or ()),
        reference=plain(model.name),
    )


def opc_property(prop: object) -> OpcProperty:
    """One of openapi-python-client's property objects as an OpcProperty (recursively for list
    items and union members; a model property names its model, whose fields `opc_model` reads)."""
    from openapi_python_client.parser.properties.any import AnyProperty
    from openapi_python_client.parser.properties.boolean import BooleanProperty
    from openapi_python_client.parser.properties.const import ConstProperty
    from openapi_python_client.parser.properties.date import DateProperty
    from openapi_python_client.parser.properties.datetime import DateTimeProperty
    from openapi_python_client.parser.properties.enum_property import EnumProperty
    from openapi_python_client.parser.properties.file import FileProperty
    from openapi_python_client.parser.properties.float import FloatProperty
    from openapi_python_client.parser.properties.int import IntProperty
    from openapi_python_client.parser.properties.list_property import ListProperty
    from openapi_python_client.parser.properties.literal_enum_property import LiteralEnumProperty
    from openapi_python_client.parser.properties.model_property import ModelProperty
    from openapi_python_client.parser.properties.none import NoneProperty
    from openapi_python_client.parser.properties.string import StringProperty
    from openapi_python_client.parser.properties.union import UnionProperty
    from openapi_python_client.parser.properties.uuid import UuidProperty

    # By exact class, as the plan has always told them apart (a subclass is `other`).
    kinds: dict[type, str] = {
        StringProperty: "string",
        IntProperty: "int",
        FloatProperty: "float",
        BooleanProperty: "boolean",
        UuidProperty: "uuid",
        AnyProperty: "any",
        FileProperty: "file",
        DateTimeProperty: "datetime",
        DateProperty: "date",
        EnumProperty: "enum",
        LiteralEnumProperty: "enum",
        ConstProperty: "const",
        ModelProperty: "model",
        ListProperty: "list",
        UnionProperty: "union",
        NoneProperty: "none",
    }
    # Every property class has these four (opc's PropertyProtocol); `other` is read the same way.
    common = OpcProperty(
        kind=kinds.get(type(prop), "other"),
        name=plain(getattr(prop, "name", "")),
        python_name=plain(getattr(prop, "python_name", "")),
        required=bool(getattr(prop, "required", False)),
        description=plain(getattr(prop, "description", None) or ""),
    )
    if isinstance(prop, UnionProperty):
        return replace(common, members=tuple(opc_property(member) for member in prop.inner_properties))
    if isinstance(prop, ListProperty):
        return replace(common, item=opc_property(prop.inner_property))
    if isinstance(prop, ModelProperty):
        return replace(common, class_name=plain(prop.class_info.name), module_name=plain(prop.class_info.module_name))
    if isinstance(prop, EnumProperty | LiteralEnumProperty):
        raw = prop.values
        values = tuple(raw.values() if isinstance(raw, dict) else sorted(raw, key=lambda v: (type(v).__name__, v)))
        return replace(
            common,
            class_name=plain(prop.class_info.name),
            module_name=plain(prop.class_info.module_name),
            enum_values=tuple(plain(v) if isinstance(v, str) else v for v in values if v is not None),
            enum_allows_null=None in values,
            enum_of_int=prop.value_type is int,
        )
    return common


def non_null_member(prop: OpcProperty) -> OpcProperty:
    """The one member of a nullable union that is not null (else the property itself)."""
    if not prop.members:
        return prop
    non_null = [m for m in prop.members if m.kind != "none"]
    return non_null[0] if len(non_null) == 1 else prop


def model_of_property(prop: OpcProperty, models: Mapping[str, OpcModel]) -> OpcModel | None:
    """The model a property holds (a nullable one too), or None."""
    prop = non_null_member(prop)
    if prop.kind != "model" or prop.class_name is None:
        return None
    return models.get(prop.class_name)


def plain(value: Any) -> str:
    """The text of a generator string: openapi-python-client wraps text from the spec in UntrustedString."""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter is not None else value)
