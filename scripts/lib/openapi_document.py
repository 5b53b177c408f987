"""One reader of a raw OpenAPI 3.x document: `$ref`s, path-level parameters, schema unions.

Shared by the generate step (its plan of the spec), `scripts/api-diff` and the tests, so that all
three agree on what an operation's parameters are and what a schema allows:

- `resolve` follows local `$ref`s (`#/components/...`, JSON-pointer escapes included), refusing a
  cycle or a reference it cannot follow with a `SpecError` that says where;
- `operations()` lists every operation with its parameters merged the way OpenAPI defines: the
  path item's parameters first, an operation parameter with the same name and location
  replacing one of the path item's;
- `normalize(schema)` reads a schema the way the generated code treats it: `$ref` followed,
  `allOf` merged, a nullable union (`type: [X, "null"]`, `anyOf`/`oneOf` with a `null` member,
  3.0's `nullable: true`) split into its one non-null shape and a `nullable` flag;
- `media_types(content)` names each media type of a body the same way wherever it is read (every
  JSON flavour counts as `application/json`), and `Schema.is_file` says whether a value is a
  file's content (a multipart file part).
- `path_placeholders(template)` and `path_shape(template)` read the `{name}` placeholders of a
  path template (or a `servers` URL) by one rule, `split_path_template` cutting one at them.
- `follow_pointer(document, pointer)` reads a JSON pointer (escapes and percent-encoding
  included), `canonical_pointer` spells it one way (what the bundler keys a schema by).

`resolve` follows local references only; a document split over several files is first bundled
into one (`scripts/lib/bundle.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array")
JSON_MEDIA_TYPE = "application/json"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_MEDIA_TYPE = "multipart/form-data"
# Bodies whose top-level properties are named fields of the call, as parameters are.
FORM_MEDIA_TYPES = frozenset({FORM_MEDIA_TYPE, MULTIPART_MEDIA_TYPE})


# libyaml's parser where PyYAML was built with it (the same data, safe tags only): the pure-Python
# one took 0.8 s of CPU per read of Qdrant's 0.5 MB document, 0.17 s this way, and a generation reads
# the document more than once.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_BOOL_TAG = "tag:yaml.org,2002:bool"


def _yaml_1_2_resolvers() -> dict[Any, list[tuple[str, Any]]]:
    """The safe loader's implicit resolvers with YAML 1.2's booleans: `true` and `false` only."""
    resolvers = {
        first: [(tag, pattern) for tag, pattern in entries if tag != _BOOL_TAG]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    pattern = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    for first in "tTfF":
        resolvers.setdefault(first, []).append((_BOOL_TAG, pattern))
    return resolvers


# The keywords of OpenAPI and JSON Schema whose value is a boolean (the last two: or a schema), and
# YAML 1.1's words for one, as PyYAML read them: where such a keyword is given one unquoted, it is
# the boolean a YAML 1.1 reader (most of those the documents were written for) made of it.
_BOOLEAN_KEYWORDS = frozenset(
    {
        "required",
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "explode",
        "allowReserved",
        "allowEmptyValue",
        "uniqueItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "additionalProperties",
        "unevaluatedProperties",
    }
)
_YAML_1_1_BOOLEAN = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")


class _DocumentLoader(_SAFE_LOADER):  # type: ignore[misc]
    """The safe loader, reading an integer key as the string it spells, and `no`, `off`, `yes`,
    `on` as the strings they are in YAML 1.2.

    An OpenAPI document is JSON data, whose keys are strings; YAML reads `200:` unquoted (Asana's
    documents, most hand-written ones) as the integer 200, which openapi-python-client refuses as a
    status code. JSON and quoted keys are untouched. YAML 1.1 read AssemblyAI's language code `no`
    (Norwegian) and Cohere's citation mode `OFF` in a string enum as `False`: an enum of mixed types,
    and the operations taking it were skipped. A boolean keyword given one of those words unquoted
    (`explode: no`, `required: yes`) is still the boolean YAML 1.1 made of it."""

    yaml_implicit_resolvers = _yaml_1_2_resolvers()

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        for key_node, value_node in node.value:
            if (
                isinstance(value_node, yaml.ScalarNode)
                and not value_node.style  # plain (None, or libyaml's ""): `'no'` is the string
                and key_node.value in _BOOLEAN_KEYWORDS
                and _YAML_1_1_BOOLEAN.match(value_node.value)
                and mapping.get(key_node.value) == value_node.value
            ):
                mapping[key_node.value] = value_node.value.lower() in ("yes", "on")
        if any(type(key) is int for key in mapping):
            return {str(key) if type(key) is int else key: value for key, value in mapping.items()}
        return mapping


# Far deeper than any API's document (they nest tens of levels), and shallow enough for everything
# that reads one: Python's json stops near 1,000 levels, and libyaml's composer recurses in C, so
# 100,000 nested `[` (200 kB) crashed the process with a segmentation fault, no message at all.
MAX_NESTING = 1000


class DocumentTooDeep(yaml.YAMLError):
    """A document nesting deeper than MAX_NESTING: refused before a reader recurses that deep."""

    def __init__(self) -> None:
        super().__init__(f"it nests more than {MAX_NESTING} levels deep")


def parse_document(data: bytes | str) -> Any:
    """A YAML or JSON document as Python data (yaml.YAMLError when it is neither, or when it nests
    more than MAX_NESTING levels deep); an integer key (`200:` unquoted) is the string it spells,
    as JSON would have it.

    JSON is read as JSON first: YAML 1.1 refuses characters JSON allows in strings (SendGrid's
    document has a U+009F in a description) and reads numbers like `1e5` as strings."""
    try:
        return json.loads(data)
    except ValueError:  # not JSON (JSONDecodeError, or bytes that are not UTF-8): YAML
        pass
    except RecursionError:
        raise DocumentTooDeep() from None
    _refuse_deep_yaml(data)
    return yaml.load(data, Loader=_DocumentLoader)


def _refuse_deep_yaml(data: bytes | str) -> None:
    """DocumentTooDeep when `data` nests deeper than MAX_NESTING: libyaml's parser keeps its own
    stack (its events are safe to read at any depth), its composer does not."""
    depth = 0
    for event in yaml.parse(data, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise DocumentTooDeep()
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _is_index(key: str) -> bool:
    """Whether a pointer segment is an array index: ASCII digits only (RFC 6901). str.isdigit()
    also takes `²` and other digits int() refuses with a ValueError, a traceback to the user."""
    return key.isascii() and key.isdigit()


def follow_pointer(document: Any, pointer: str) -> Any:
    """The node of `document` that the JSON pointer `pointer` (RFC 6901: `/a/b`, `~1`, `~0`; `""`
    is the whole document) names; LookupError carrying the key that is missing when none."""
    return _walk_pointer(document, pointer)[0]


def canonical_pointer(document: Any, pointer: str) -> str:
    """`pointer` spelled from the keys it reaches in `document`: one spelling for every way of
    writing the same place (`/schemas/P%65t` and `/schemas/Pet`), so that what is keyed by its
    pointer is one thing. LookupError as `follow_pointer`."""
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in _walk_pointer(document, pointer)[1])


def _walk_pointer(document: Any, pointer: str) -> tuple[Any, list[str | int]]:
    """The node `pointer` names, and the keys and indexes taken to it."""
    target = document
    taken: list[str | int] = []
    for part in pointer.split("/")[1:] if pointer else ():
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, Mapping) and key not in target and unquote(key) in target:
            # A reference is a URI fragment, so it may be percent-encoded (RFC 6901, 6):
            # Qovery writes the path `/environment/{environmentId}/job` as `%7B...%7D`.
            # The key as written is tried first: a key may hold a `%` of its own.
            key = unquote(key)
        if isinstance(target, Mapping) and key in target:
            target = target[key]
            taken.append(key)
        elif isinstance(target, Sequence) and not isinstance(target, str) and _is_index(key) and int(key) < len(target):
            target = target[int(key)]
            taken.append(int(key))
        else:
            raise LookupError(key)
    return target, taken


class SpecError(Exception):
    """The spec uses something this reader cannot follow; the message names where."""


@dataclass(frozen=True)
class Operation:
    """One operation with its path-level parameters merged in and every `$ref` resolved at the top."""

    path: str
    method: str
    raw: Mapping[str, Any]
    parameters: tuple[Mapping[str, Any], ...]
    """Resolved parameter objects, path item's first, an operation's own replacing a path item's."""
    path_level_parameter_names: frozenset[tuple[str, str]] = frozenset()
    servers: Any = None
    """The operation's own `servers`, else its path item's, else None (the document's apply)."""

    @property
    def label(self) -> str:
        """`GET /path`, with the operationId when there is one: how messages name an operation."""
        operation_id = self.raw.get("operationId")
        where = f"{self.method.upper()} {self.path}"
        return f"{where} ({operation_id})" if operation_id else where

    @property
    def operation_id(self) -> str | None:
        value = self.raw.get("operationId")
        return str(value) if value is not None else None


@dataclass(frozen=True)
class Schema:
    """A schema as the generated code treats it (see `OpenAPIDocument.normalize`).

    `types` holds the JSON types other than null (empty: any value); `nullable` says whether null
    is allowed too. `properties` are themselves unnormalized (normalize them as needed): a
    recursive schema would otherwise never end.
    """

    types: frozenset[str]
    nullable: bool
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: Any = None
    additional_properties: Any = True
    default: Any = None
    has_default: bool = False
    description: str | None = None
    ref: str | None = None
    """The last `$ref` followed to reach this schema (`#/components/schemas/X`), if any."""
    extensions: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    unsupported: str | None = None
    """Why the generated code cannot represent this schema exactly (a union of several shapes, ...)."""

    @property
    def single_type(self) -> str | None:
        """The one JSON type, when there is exactly one (integer counts as one even beside number)."""
        if len(self.types) == 1:
            return next(iter(self.types))
        if self.types == {"integer", "number"}:
            return "number"
        return None

    @property
    def ref_name(self) -> str | None:
        return self.ref.rsplit("/", 1)[-1] if self.ref else None

    @property
    def is_file(self) -> bool:
        """Whether the value is a file's content: a string of `format: binary` (OpenAPI 3.0), or
        one with a `contentMediaType` or `contentEncoding` (3.1), as a multipart file part is."""
        if not self.types <= {"string"}:
            return False
        return self.format == "binary" or "contentMediaType" in self.raw or "contentEncoding" in self.raw


class OpenAPIDocument:
    """A parsed OpenAPI document and the resolver every reader of it shares."""

    def __init__(self, raw: Mapping[str, Any], *, source: str = "the spec") -> None:
        if not isinstance(raw, Mapping):
            raise SpecError(f"{source} is not a mapping at the top level")
        self.raw = raw
        self.source = source

    @classmethod
    def load(cls, path: Path) -> OpenAPIDocument:
        return cls(parse_document(path.read_bytes()), source=str(path))

    # --- references ---------------------------------------------------------------------------

    def resolve(self, node: Any, *, where: str = "") -> Any:
        """`node` with its `$ref` chain followed (a node without one is returned as it is)."""
        node, _ = self._resolve_with_ref(node, where=where)
        return node

    def _resolve_with_ref(self, node: Any, *, where: str = "") -> tuple[Any, str | None]:
        seen: list[str] = []
        last_ref: str | None = None
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise SpecError(f"{where or 'a schema'}: only local references (#/...) are supported, got {ref!r}")
            if ref in seen:
                raise SpecError(f"{where or 'a schema'}: the reference {ref} refers to itself ({' -> '.join(seen)})")
            seen.append(ref)
            last_ref = ref
            try:
                node = follow_pointer(self.raw, ref[1:])
            except LookupError as missing:
                raise SpecError(f"{where or 'a schema'}: {ref} points at nothing (no {missing.args[0]!r})") from None
        return node, last_ref

    # --- operations ---------------------------------------------------------------------------

    def operations(self, *, unreadable: list[str] | None = None) -> Iterator[Operation]:
        """Every operation, in the order of the document (paths, then methods as listed).

        With `unreadable` given (a document written elsewhere), an operation whose parameters
        cannot be read (Qovery's reference that points at nothing) is left out and its one-line
        reason added there, instead of a SpecError for the whole document."""
        paths = self.raw.get("paths") or {}
        for path, path_item_node in paths.items():
            path_item = self.resolve(path_item_node, where=f"paths[{path!r}]")
            if not isinstance(path_item, Mapping):
                raise SpecError(f"paths[{path!r}] is not an object")
            shared_problem = None
            try:
                shared = self._parameters(path_item.get("parameters") or [], where=f"parameters of {path}")
            except SpecError as error:
                if unreadable is None:
                    raise
                shared, shared_problem = [], str(error)
            for method, operation_node in path_item.items():
                if method not in HTTP_METHODS:
                    continue
                operation = self.resolve(operation_node, where=f"{method.upper()} {path}")
                label = Operation(path=str(path), method=method, raw=operation, parameters=()).label
                try:
                    if shared_problem is not None:
                        raise SpecError(shared_problem)
                    own = self._parameters(operation.get("parameters") or [], where=label)
                except SpecError as error:
                    if unreadable is None:
                        raise
                    reason = str(error)
                    unreadable.append(reason if reason.startswith(label) else f"{label}: {reason}")
                    continue
                own_keys = {(p["name"], p["in"]) for p in own}
                inherited = [p for p in shared if (p["name"], p["in"]) not in own_keys]
                yield Operation(
                    path=str(path),
                    method=method,
                    raw=operation,
                    parameters=(*inherited, *own),
                    path_level_parameter_names=frozenset((p["name"], p["in"]) for p in inherited),
                    servers=operation.get("servers") or path_item.get("servers") or None,
                )

    def operation(self, path: str, method: str) -> Operation:
        for operation in self.operations():
            if operation.path == path and operation.method == method.lower():
                return operation
        raise SpecError(f"the spec has no operation {method.upper()} {path}")

    def _parameters(self, nodes: Sequence[Any], *, where: str) -> list[Mapping[str, Any]]:
        resolved = []
        for index, node in enumerate(nodes):
            parameter = self.resolve(node, where=f"{where}, parameter {index}")
            if not isinstance(parameter, Mapping) or "name" not in parameter or "in" not in parameter:
                raise SpecError(f"{where}: parameter {index} has no name or no location ('in')")
            resolved.append(parameter)
        return resolved

    def parameter_schema(self, parameter: Mapping[str, Any], *, where: str = "") -> Schema:
        if "schema" not in parameter:
            if "content" in parameter:
                raise SpecError(f"{where}: parameter {parameter['name']!r} uses 'content', not 'schema'")
            return self.normalize({}, where=where)
        return self.normalize(parameter["schema"], where=f"{where}, parameter {parameter['name']!r}")

    # --- request and response bodies ----------------------------------------------------------

    def request_body(self, operation: Operation) -> tuple[Mapping[str, Any], str] | None:
        """The operation's request body object and its media type, or None when it has none."""
        node = operation.raw.get("requestBody")
        if node is None:
            return None
        body = self.resolve(node, where=f"requestBody of {operation.label}")
        content = body.get("content") or {}
        if not content:
            raise SpecError(f"{operation.label}: the request body has no content")
        media_type = next(iter(content))
        return body, str(media_type)

    def responses(self, operation: Operation) -> dict[str, Mapping[str, Any]]:
        """Status code (or `default`, `2XX`) -> resolved response object, in the document's order."""
        responses = operation.raw.get("responses") or {}
        return {
            str(status): self.resolve(node, where=f"response {status} of {operation.label}")
            for status, node in responses.items()
        }

    @staticmethod
    def media_types(content: Mapping[str, Any] | None) -> dict[str, tuple[str, Mapping[str, Any]]]:
        """A `content` map by media type: base type (lower case, parameters dropped) -> (the key
        as written, its media type object). Every JSON flavour (`+json`, a charset) is
        `application/json`, the first one listed winning: the client reads them all alike."""
        found: dict[str, tuple[str, Mapping[str, Any]]] = {}
        for media_type, media in (content or {}).items():
            base = media_type_base(str(media_type))
            found.setdefault(base, (str(media_type), media if isinstance(media, Mapping) else {}))
        return found

    @staticmethod
    def json_media(content: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        """The JSON media type object of a `content` map (application/json or +json), if any."""
        for media_type, media in (content or {}).items():
            if media_type_base(str(media_type)) == JSON_MEDIA_TYPE:
                return media if isinstance(media, Mapping) else {}
        return None

    # --- schemas ------------------------------------------------------------------------------

    def normalize(self, node: Any, *, where: str = "") -> Schema:
        """A schema as the generated code sees it: `$ref` followed, `allOf` merged, a nullable
        union reduced to its one non-null shape plus `nullable=True`."""
        schema, ref = self._resolve_with_ref(node, where=where)
        if schema is True or schema is None:
            return Schema(types=frozenset(), nullable=True, ref=ref, raw={})
        if schema is False:
            return Schema(types=frozenset(), nullable=False, unsupported="a schema that allows nothing", ref=ref)
        if not isinstance(schema, Mapping):
            raise SpecError(f"{where or 'a schema'} is not an object")

        if "allOf" in schema:
            merged = self._merge_all_of(schema, where=where)
            result = self.normalize(merged, where=where)
            return _with(result, ref=ref or result.ref)

        for union_key in ("anyOf", "oneOf"):
            if union_key in schema:
                members = [self._resolve_with_ref(m, where=where) for m in schema[union_key]]
                non_null = [(m, r) for m, r in members if not _is_null_schema(m)]
                has_null = len(non_null) < len(members)
                if len(non_null) == 1:
                    inner_node, inner_ref = non_null[0]
                    siblings = {k: v for k, v in schema.items() if k != union_key}
                    inner = self.normalize({**inner_node, **siblings} if siblings else inner_node, where=where)
                    return _with(
                        inner, nullable=inner.nullable or has_null, ref=inner_ref or inner.ref or ref, raw=schema
                    )
                shapes = frozenset(t for m, _ in non_null for t in _types_of(m))
                return Schema(
                    types=shapes,
                    nullable=has_null,
                    ref=ref,
                    raw=schema,
                    description=schema.get("description"),
                    extensions=_extensions(schema),
                    unsupported=f"a {union_key} of {len(non_null)} shapes",
                )

        declared = schema.get("type")
        if isinstance(declared, str):
            type_list = [declared]
        elif isinstance(declared, Sequence):
            type_list = [str(t) for t in declared]
        else:
            type_list = _implied_types(schema)
        nullable = "null" in type_list or bool(schema.get("nullable"))
        enum = schema.get("enum")
        if enum is not None:
            if None in enum:
                nullable = True
            enum = tuple(value for value in enum if value is not None)
        types = frozenset(t for t in type_list if t != "null")
        unknown = types - set(JSON_TYPES)
        if unknown:
            raise SpecError(f"{where or 'a schema'}: unknown type {sorted(unknown)}")
        properties = schema.get("properties") or {}
        return Schema(
            types=types,
            nullable=nullable,
            format=schema.get("format"),
            enum=enum,
            minimum=_number(schema, "minimum", exclusive_flag="exclusiveMinimum"),
            maximum=_number(schema, "maximum", exclusive_flag="exclusiveMaximum"),
            exclusive_minimum=_exclusive(schema, "exclusiveMinimum", "minimum"),
            exclusive_maximum=_exclusive(schema, "exclusiveMaximum", "maximum"),
            min_length=schema.get("minLength"),
            max_length=schema.get("maxLength"),
            pattern=schema.get("pattern"),
            properties=properties,
            required=frozenset(schema.get("required") or ()),
            items=schema.get("items"),
            additional_properties=schema.get("additionalProperties", True),
            default=schema.get("default"),
            has_default="default" in schema,
            description=schema.get("description"),
            ref=ref,
            extensions=_extensions(schema),
            raw=schema,
        )

    def _merge_all_of(self, schema: Mapping[str, Any], *, where: str) -> dict[str, Any]:
        """One schema holding what every `allOf` member requires: properties and `required`
        united, other keywords taken from the first member that has them."""
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(merged.pop("properties", {}) or {})
        required: list[str] = list(merged.pop("required", []) or [])
        for member_node in schema["allOf"]:
            member = self.resolve(member_node, where=where)
            if not isinstance(member, Mapping):
                raise SpecError(f"{where or 'a schema'}: an allOf member is not an object")
            if "allOf" in member:
                member = self._merge_all_of(member, where=where)
            for key, value in member.items():
                if key == "properties":
                    for name, prop in value.items():
                        properties.setdefault(name, prop)
                elif key == "required":
                    required.extend(r for r in value if r not in required)
                else:
                    merged.setdefault(key, value)
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged

    # --- components ---------------------------------------------------------------------------

    def api_key_headers(self) -> frozenset[str]:
        """The headers (lower case) of every apiKey security scheme sent in a header."""
        schemes = (self.raw.get("components") or {}).get("securitySchemes") or {}
        headers = set()
        for name, node in schemes.items():
            scheme = self.resolve(node, where=f"securitySchemes.{name}")
            if isinstance(scheme, Mapping) and scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                headers.add(str(scheme.get("name", "")).lower())
        return frozenset(headers)


# A placeholder is `{`, its name (every character up to the next `}`), `}`. See split_path_template.
_PLACEHOLDER = re.compile(r"{([^}]*)}")


def split_path_template(template: str) -> list[str]:
    """A path template (or a `servers` URL template) cut at its placeholders: literal text at even
    indexes, a placeholder's name at odd ones (`/a/{id}/b` -> `["/a/", "id", "/b"]`).

    A placeholder is OpenAPI's template expression: `{`, a name, `}`, the name being every
    character up to the next `}` (OpenAPI 3.1.1's ABNF also leaves `{` out of a name, but a name
    holding one matches no sane parameter and the operation is refused all the same). The ABNF
    gives a name at least one character, so `{}` is no valid template expression; nor is it
    literal text, braces being no path characters (RFC 3986's pchar). It is read here as a
    placeholder with the empty name: it stands where a value goes, and since no parameter can be
    named "" (OpenAPI's schema asks for one character at least), none can fill it, and the
    operation is refused in one line naming it (lenient mode: skipped), never sent with a literal
    `{}`. The empty placeholder shapes a path like any other (`path_shape`); in a `servers` URL it
    is the variable "", which OpenAPI does not forbid: replaced by its default where `variables`
    declares one, else the URL is no absolute base URL."""
    return _PLACEHOLDER.split(template)


def path_placeholders(template: str) -> list[str]:
    """The names of a path template's placeholders (see `split_path_template`), in order of first
    appearance, each once: `/a/{id}/b/{id}/{}` -> `["id", ""]`."""
    return list(dict.fromkeys(split_path_template(template)[1::2]))


def path_shape(template: str) -> str:
    """A path template with its placeholders' names blanked: `/pets/{petId}` and `/pets/{pet_id}`
    are one path (OpenAPI forbids two templates of one shape; openapi-python-client renames
    placeholders, and a spec's new version may rename one without changing the path)."""
    return _PLACEHOLDER.sub("{}", template)


def media_type_base(media_type: str) -> str:
    """`application/json` for every JSON flavour; any other media type lower case, without parameters."""
    base = media_type.split(";")[0].strip().lower()
    return JSON_MEDIA_TYPE if base == JSON_MEDIA_TYPE or base.endswith("+json") else base


def _with(schema: Schema, **changes: Any) -> Schema:
    from dataclasses import replace

    return replace(schema, **changes)


def _is_null_schema(node: Any) -> bool:
    if not isinstance(node, Mapping):
        return False
    declared = node.get("type")
    return declared == "null" or declared == ["null"] or (node.get("enum") == [None])


def _types_of(node: Any) -> list[str]:
    if not isinstance(node, Mapping):
        return []
    declared = node.get("type")
    if isinstance(declared, str):
        return [declared] if declared != "null" else []
    if isinstance(declared, Sequence):
        return [str(t) for t in declared if t != "null"]
    return _implied_types(node)


def _implied_types(schema: Mapping[str, Any]) -> list[str]:
    """The type a schema without `type` implies by its keywords (none: any value)."""
    if "properties" in schema or "additionalProperties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    if "enum" in schema:
        kinds = {type(value) for value in schema["enum"] if value is not None}
        if kinds == {str}:
            return ["string"]
        if kinds == {int}:
            return ["integer"]
    return []


def _number(schema: Mapping[str, Any], key: str, *, exclusive_flag: str) -> float | None:
    value = schema.get(key)
    if value is None or isinstance(value, bool):
        return None
    # OpenAPI 3.0: exclusiveMinimum: true turns minimum into an exclusive bound.
    if schema.get(exclusive_flag) is True:
        return None
    return value  # type: ignore[no-any-return]


def _exclusive(schema: Mapping[str, Any], key: str, bound_key: str) -> float | None:
    value = schema.get(key)
    if value is True:  # 3.0 style
        bound = schema.get(bound_key)
        return bound if isinstance(bound, int | float) and not isinstance(bound, bool) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def _extensions(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in schema.items() if str(k).startswith("x-")}
