"""One OpenAPI document out of one split over several files, before any tool sees it.

Published documents are often written as a root file whose `$ref`s name files beside it
(`$ref: models/droplet.yml`, `$ref: ../shared/urn.yml`, `$ref: common.yaml#/components/schemas/X`).
The validator, Spectral, openapi-python-client and datamodel-code-generator would each follow such
a reference by themselves (some of them over the network); they are given instead the document
this module makes, in which every reference is one inside it (`#/...`):

- a reference in a schema position (`schema`, `items`, `properties/*`, `allOf/*`,
  `components/schemas/*`, ...) becomes `#/components/schemas/<name>`, the schema it names going
  into `components/schemas` once, under a readable name derived from its file (and the pointer's
  last segment): the same (file, pointer) is always the same name, so recursion across files works;
- any other reference (a path item, a parameter, a response, a map of schemas, ...) is replaced by
  a copy of what it names (its own references rewritten): openapi-python-client and
  datamodel-code-generator follow only `#/components/...` references reliably, and inlining keeps
  the document's shape without inventing component names the author never chose.

A `$ref` is relative to the file that holds it, and `#/...` inside a sibling file means that
file's own root. Every file is read once with the root's reader (`parse_document`, which fetches
nothing); a URL, an absolute path, a path leading out of the root's directory tree (by `..` or a
symlink), a missing or unreadable file, a pointer to nothing is a BundleError naming the file and
JSON path of the `$ref` and its value. Files, bytes and the bundled document's size are capped, so
a hostile document cannot make the generator work forever. Vendor extensions (`x-...`) are copied
as they are, never followed. A document without references to other files is returned untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from scripts.lib.openapi_document import canonical_pointer, follow_pointer, parse_document

REFERENCE_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")

# Keys whose value maps names of the document's own choosing to objects: an `x-` name there is a
# property, a header, a schema..., not a vendor extension.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "schemas",
        "parameters",
        "responses",
        "headers",
        "examples",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "content",
        "encoding",
        "variables",
        "mapping",
        "webhooks",
        "scopes",
    }
)

# Generous: DigitalOcean's document is 2,900 files and about 5 MB; the caps only stop a document
# made to keep the generator reading.
MAX_FILES = 20_000
MAX_BYTES = 200 * 1024 * 1024
MAX_NODES = 20_000_000

# Within a schema: keywords whose value is a schema (or a list of schemas), and those whose value
# maps names to schemas.
_SCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "contentSchema",
        "allOf",
        "anyOf",
        "oneOf",
        "prefixItems",
    }
)
_SCHEMA_MAP_KEYWORDS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
# Maps in which the author named schemas: a pointer's last segment under one of them is a name.
_SCHEMA_NAME_MAPS = _SCHEMA_MAP_KEYWORDS | {"schemas"}

_SCHEMA, _SCHEMA_MAP, _OTHER = "schema", "schema map", "other"
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_FILE_SUFFIXES = (".yaml", ".yml", ".json")
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]+")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
NOTHING_FETCHED = "only references inside the document (#/...) or to files in its directory tree are followed"


class BundleError(Exception):
    """A reference that is not followed, or a file that cannot be read; the message says where."""


@dataclass(frozen=True)
class Bundled:
    """The root document with every reference to another file resolved into it."""

    document: Any
    # Every file read, the root first, as paths relative to the root's directory.
    files: tuple[str, ...]
    # What the document was made from, for provenance: the root's bytes when it is the only file,
    # else each file's relative path and bytes in the order of their paths.
    source_bytes: bytes


def remote_references(document: Any) -> Iterator[tuple[str, Any, str | None]]:
    """Each reference key naming anything but this document: where (a JSON path), its value, and the
    outermost vendor extension (its JSON path) that holds it, if one does."""
    stack: list[tuple[Any, str, str | None, bool]] = [(document, "$", None, False)]
    while stack:
        node, where, extension, name_map = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                here = f"{where}.{key}"
                if key in REFERENCE_KEYS and not (isinstance(value, str) and value.startswith("#")):
                    yield here, value, extension
                is_extension = extension is None and not name_map and str(key).startswith("x-")
                stack.append((value, here, here if is_extension else extension, key in NAME_MAPS))
        elif isinstance(node, list):
            stack.extend((item, f"{where}[{index}]", extension, False) for index, item in enumerate(node))


def bundle(root: Path, *, shown: str | None = None) -> Bundled:
    """The document `root` as one document (see the module docstring); `shown` is how messages
    name the root (its path as given, by default)."""
    return _Bundler(root, shown if shown is not None else str(root)).run()


# A schema that goes into components/schemas: (file relative to the root's directory, JSON pointer).
_Target = tuple[str, str]


@dataclass
class _Bundler:
    root: Path
    shown: str
    directory: Path = field(init=False)
    documents: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    bytes_read: int = 0
    nodes: int = 0
    # Each hoisted schema: its bundled body (None while pending), and where it was first referenced.
    bodies: dict[_Target, Any] = field(default_factory=dict)
    pending: list[_Target] = field(default_factory=list)
    aliases: dict[_Target, _Target | str] = field(default_factory=dict)
    finals: dict[_Target, _Target | str] = field(default_factory=dict)
    # Each `{"$ref": ...}` written for a hoisted schema, filled in once every name is known.
    slots: list[tuple[dict[str, Any], _Target]] = field(default_factory=list)
    # Each discriminator mapping value given as a reference: (mapping, tag, its `{"$ref": ...}`);
    # a mapping value is the reference's string.
    mapping_slots: list[tuple[dict[str, Any], str, dict[str, Any]]] = field(default_factory=list)
    inlining: list[tuple[str, str, str]] = field(default_factory=list)
    _root_name: str = field(init=False)

    def __post_init__(self) -> None:
        resolved = self.root.resolve()
        self.directory = resolved.parent
        self._root_name = resolved.name

    # --- files -------------------------------------------------------------------------------

    def _shown_file(self, relative: str) -> str:
        return self.shown if relative == self._root_name else str(Path(self.shown).parent / relative)

    def _read(self, relative: str, *, referrer: str = "") -> Any:
        if relative in self.documents:
            return self.documents[relative]
        if len(self.documents) >= MAX_FILES:
            raise BundleError(f"{referrer}more than {MAX_FILES} files are referenced; not read further")
        path = self.directory / relative
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BundleError(f"{referrer}{self._shown_file(relative)} cannot be read: {error.strerror}") from None
        self.bytes_read += len(data)
        if self.bytes_read > MAX_BYTES:
            raise BundleError(f"{referrer}the files referenced are more than {MAX_BYTES} bytes; not read further")
        try:
            document = parse_document(data)
        except yaml.YAMLError as error:
            problem = " ".join(str(error).split())
            raise BundleError(
                f"{referrer}{self._shown_file(relative)} cannot be read as YAML or JSON: {problem}"
            ) from None
        if _expanded_size(document, MAX_NODES) > MAX_NODES:
            # YAML aliases (`&a`, `*a`) repeat one node without its bytes: nine lines of them are a
            # billion nodes, which every tool after this one would write out (and hang), or a node
            # holding itself, which none can write out.
            raise BundleError(
                f"{referrer}{self._shown_file(relative)}: its YAML aliases make it more than {MAX_NODES} nodes, "
                "or a node that holds itself"
            )
        self.documents[relative] = document
        self.raw[relative] = data
        return document

    # --- references --------------------------------------------------------------------------

    def _target(self, value: Any, file: str, where: str) -> tuple[str, str]:
        """The (file, pointer) a `$ref` found at `where` in `file` names, or a BundleError."""
        said = f"{self._shown_file(file)}: {where} is {value!r}"
        if not isinstance(value, str) or not value:
            raise BundleError(f"{said}; a reference must be a non-empty string")
        location, _, fragment = value.partition("#")
        if fragment and not fragment.startswith("/"):
            raise BundleError(f"{said}; its fragment is not a JSON pointer (#/...)")
        if not location:
            return file, self._canonical(file, fragment)
        if _URL_SCHEME.match(location) or location.startswith("//"):
            raise BundleError(f"{said}; {NOTHING_FETCHED}, nothing is fetched")
        path_text = unquote(location)
        if path_text.startswith(("/", "\\")):
            raise BundleError(f"{said}; an absolute path: {NOTHING_FETCHED}, nothing is fetched")
        if "\0" in path_text:
            # The operating system takes no path with one (Path.resolve raises ValueError).
            raise BundleError(f"{said}; a path cannot hold a NUL byte")
        try:
            resolved = ((self.directory / file).parent / path_text).resolve()
        except (OSError, RuntimeError):
            # A loop of symlinks (RuntimeError up to Python 3.12, OSError from 3.13, either naming
            # the machine's absolute path): the only failure of a non-strict resolve.
            raise BundleError(f"{said}; it cannot be resolved: a loop of symlinks") from None
        try:
            relative = resolved.relative_to(self.directory).as_posix()
        except ValueError:
            # The tree as messages name the root (its path as given): not the machine's own layout.
            raise BundleError(
                f"{said}; it leads out of the document's directory tree ({Path(self.shown).parent}): "
                f"{NOTHING_FETCHED}, nothing is read"
            ) from None
        if not resolved.exists():
            raise BundleError(f"{said}; there is no such file")
        if not resolved.is_file():
            # A FIFO would block the read forever; a directory, socket or device is no document.
            raise BundleError(f"{said}; it is not a regular file (a directory, a FIFO, a device...), nothing is read")
        self._read(relative, referrer=f"{said}; ")
        return relative, self._canonical(relative, fragment)

    def _canonical(self, file: str, pointer: str) -> str:
        """`pointer` in one spelling (see `canonical_pointer`): two spellings of one place are one
        schema. A pointer to nothing is left as written, for `_node_at` to refuse naming it."""
        try:
            return canonical_pointer(self.documents[file], pointer)
        except LookupError:
            return pointer

    def _node_at(self, target: tuple[str, str], said: str) -> Any:
        file, pointer = target
        try:
            return follow_pointer(self.documents[file], pointer)
        except LookupError as missing:
            raise BundleError(
                f"{said}; it points to nothing in {self._shown_file(file)} (no {missing.args[0]!r})"
            ) from None

    # --- the walk ----------------------------------------------------------------------------

    def run(self) -> Bundled:
        root_name = self._root_name
        document = self._read(root_name)
        refers_elsewhere = any(extension is None for _, _, extension in remote_references(document))
        if not refers_elsewhere or not isinstance(document, dict):
            # Nothing to bundle (or no document: the validator says so), read as it is.
            return Bundled(document, (root_name,), self.raw[root_name])
        try:
            bundled = self._walk(document, root_name, "$", _OTHER, False)
            while self.pending:
                target = self.pending.pop()
                self.bodies[target] = self._hoist(target)
        except RecursionError:
            raise BundleError(f"{self.shown}: its references nest too deeply to bundle") from None
        self._place_schemas(bundled)
        for mapping, tag, reference_node in self.mapping_slots:
            mapping[tag] = reference_node["$ref"]
        files = tuple(sorted(self.raw, key=lambda name: (name != root_name, name)))
        source = b"".join(name.encode() + b"\0" + hashlib.sha256(self.raw[name]).digest() for name in files)
        return Bundled(bundled, files, source)

    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise BundleError(f"{self.shown}: the bundled document would be larger than {MAX_NODES} nodes")

    def _walk(self, node: Any, file: str, where: str, mode: str, name_map: bool) -> Any:
        self._count()
        if isinstance(node, list):
            return [self._walk(item, file, f"{where}[{i}]", mode, False) for i, item in enumerate(node)]
        if not isinstance(node, Mapping):
            return node
        # In a map of schemas, `$ref` alone is a reference to the whole map (lichess's
        # `components: {schemas: {$ref: ./schemas/_index.yaml}}`); with others it is a schema's name.
        if "$ref" in node and (mode != _SCHEMA_MAP or set(node) == {"$ref"}):
            return self._reference(node, file, where, mode)
        result: dict[Any, Any] = {}
        for key, value in node.items():
            here = f"{where}.{key}"
            if key in REFERENCE_KEYS and key != "$ref":
                if not (isinstance(value, str) and value.startswith("#")) or file != self._root_name:
                    raise BundleError(
                        f"{self._shown_file(file)}: {here} is {value!r}; only $ref is followed to other files"
                    )
                result[key] = value
            elif mode == _SCHEMA_MAP:
                result[key] = self._walk(value, file, here, _SCHEMA, False)
            elif not name_map and str(key).startswith("x-"):
                result[key] = value  # a vendor extension: copied, never followed
            elif mode == _SCHEMA and key in _SCHEMA_KEYWORDS:
                result[key] = self._walk(value, file, here, _SCHEMA, False)
            elif mode == _SCHEMA and key in _SCHEMA_MAP_KEYWORDS:
                result[key] = self._walk(value, file, here, _SCHEMA_MAP, False)
            elif mode == _SCHEMA and key == "discriminator" and isinstance(value, Mapping):
                result[key] = self._discriminator(value, file, here)
            elif mode == _OTHER and not name_map and key == "schema":
                result[key] = self._walk(value, file, here, _SCHEMA, False)
            elif mode == _OTHER and not name_map and key == "schemas":
                result[key] = self._walk(value, file, here, _SCHEMA_MAP, False)
            else:
                result[key] = self._walk(value, file, here, _OTHER, key in NAME_MAPS)
        return result

    def _reference(self, node: Mapping[str, Any], file: str, where: str, mode: str) -> Any:
        here = f"{where}.$ref"
        value = node["$ref"]
        siblings = {
            key: self._walk(item, file, f"{where}.{key}", _OTHER, False) for key, item in node.items() if key != "$ref"
        }
        if file == self._root_name and isinstance(value, str) and value.startswith("#"):
            return {"$ref": value, **siblings}
        target = self._target(value, file, here)
        said = f"{self._shown_file(file)}: {here} is {value!r}"
        self._node_at(target, said)
        if target[0] == self._root_name:
            return {"$ref": f"#{target[1]}", **siblings}
        if mode == _SCHEMA:
            slot: dict[str, Any] = {"$ref": None, **siblings}
            self._schema(target)
            self.slots.append((slot, target))
            return slot
        key = (target[0], target[1], mode)
        if key in self.inlining:
            raise BundleError(f"{said}; it refers to itself through other references, which cannot be inlined")
        self.inlining.append(key)
        try:
            inlined = self._walk(self._node_at(target, said), target[0], _json_path(target[1]), mode, False)
        finally:
            self.inlining.pop()
        if isinstance(inlined, dict) and siblings:
            return {**inlined, **siblings}
        return inlined

    def _discriminator(self, node: Mapping[str, Any], file: str, where: str) -> dict[str, Any]:
        """The discriminator with each mapping value that is a reference rewritten like a `$ref`."""
        mapping = node.get("mapping")
        if not isinstance(mapping, Mapping):
            return dict(node)
        rewritten: dict[str, Any] = {}
        for tag, value in mapping.items():
            looks_like_reference = isinstance(value, str) and ("#" in value or value.endswith(_FILE_SUFFIXES))
            if not looks_like_reference or (file == self._root_name and value.startswith("#")):
                rewritten[tag] = value
                continue
            self.mapping_slots.append(
                (rewritten, tag, self._reference({"$ref": value}, file, f"{where}.mapping.{tag}", _SCHEMA))
            )
            rewritten[tag] = None
        return {**node, "mapping": rewritten}

    def _schema(self, target: _Target) -> None:
        if target not in self.bodies:
            self.bodies[target] = None
            self.pending.append(target)

    def _hoist(self, target: _Target) -> Any:
        file, pointer = target
        node = follow_pointer(self.documents[file], pointer)
        if isinstance(node, Mapping) and set(node) == {"$ref"}:
            # An alias (lichess's `_index.yaml`: `Variant: {$ref: ./Variant.yaml}`): the same schema
            # under the same name, not a schema of its own that only refers to it.
            said = f"{self._shown_file(file)}: {_json_path(pointer)}.$ref is {node['$ref']!r}"
            if file == self._root_name and isinstance(node["$ref"], str) and node["$ref"].startswith("#"):
                self.aliases[target] = node["$ref"]
                return None
            aliased = self._target(node["$ref"], file, f"{_json_path(pointer)}.$ref")
            self._node_at(aliased, said)
            self.aliases[target] = f"#{aliased[1]}" if aliased[0] == self._root_name else aliased
            if aliased[0] != self._root_name:
                self._schema(aliased)
            return None
        return self._walk(node, file, _json_path(pointer), _SCHEMA, False)

    # --- names -------------------------------------------------------------------------------

    def _final(self, target: _Target) -> _Target | str:
        """What a chain of aliases from `target` ends at; remembered for every alias on the way, so
        that naming N schemas along one chain of N aliases takes N steps, not N cubed."""
        chain: dict[_Target, None] = {}  # ordered, and a set: each step looks it up
        current: _Target | str = target
        while isinstance(current, tuple) and current in self.aliases and current not in self.finals:
            if current in chain:
                raise BundleError(f"{self._shown_file(target[0])}: {_json_path(target[1])} refers only to itself")
            chain[current] = None
            current = self.aliases[current]
        final = self.finals.get(current, current) if isinstance(current, tuple) else current
        for alias in chain:
            self.finals[alias] = final
        return final

    def _place_schemas(self, bundled: dict[str, Any]) -> None:
        if not self.bodies:
            return
        if bundled.get("components") is None:
            bundled["components"] = {}
        components = bundled["components"]
        if not isinstance(components, dict):
            raise BundleError(f"{self.shown}: $.components is not a mapping")
        schemas = components.get("schemas") or {}
        if not isinstance(schemas, dict):
            raise BundleError(f"{self.shown}: $.components.schemas is not a mapping")
        slot_targets = {id(slot): target for slot, target in self.slots}
        names: dict[_Target, str] = {}
        # An entry of components/schemas that is only a reference to a schema in another file names
        # that schema: its body takes the entry's place.
        for name, value in schemas.items():
            target = slot_targets.get(id(value))
            if target is not None and len(value) == 1:
                final = self._final(target)
                if isinstance(final, tuple) and final not in names:
                    names[final] = name
        taken = {_class_key(name) for name in schemas}
        finals = {self._final(target) for target in self.bodies}
        unnamed = sorted({final for final in finals if isinstance(final, tuple)} - set(names))
        bases = {target: _base_name(*target) for target in unnamed}
        wanted: dict[str, int] = {}
        for base in bases.values():
            wanted[_class_key(base)] = wanted.get(_class_key(base), 0) + 1
        for target in unnamed:
            ambiguous = wanted[_class_key(bases[target])] > 1
            names[target] = _unique_name(target, bases[target], taken, ambiguous=ambiguous)
            taken.add(_class_key(names[target]))

        def reference(target: _Target) -> str:
            final = self._final(target)
            return final if isinstance(final, str) else f"#/components/schemas/{names[final]}"

        for slot, target in self.slots:
            slot["$ref"] = reference(target)
        placed: dict[str, Any] = {}
        for name, value in schemas.items():
            target = slot_targets.get(id(value))
            entry_final = self._final(target) if target is not None else None
            if isinstance(entry_final, tuple) and names[entry_final] == name and len(value) == 1:
                placed[name] = self.bodies[entry_final]
            else:
                placed[name] = value
        for target in sorted(names, key=lambda t: names[t]):
            if names[target] not in placed:
                placed[names[target]] = self.bodies[target]
        components["schemas"] = placed


def _expanded_size(document: Any, limit: int) -> int:
    """How many nodes `document` is once its YAML aliases are written out (a node an alias repeats
    is one object, counted once per place): more than `limit` when that is more, or when a node
    holds itself. One visit per distinct node, without recursion: deep nesting is no problem here."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[Any] = [document]
    while stack:
        node = stack[-1]
        if not isinstance(node, (dict, list)):
            stack.pop()
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if id(node) not in entered:
            entered.add(id(node))
            unsized = [child for child in children if isinstance(child, (dict, list)) and id(child) not in sizes]
            # A node entered and not yet sized is one this node is inside: the node holds itself.
            if any(id(child) in entered for child in unsized):
                return limit + 1
            stack.extend(unsized)
            continue
        stack.pop()
        if id(node) not in sizes:
            size = 1 + sum(sizes.get(id(child), 1) for child in children)
            sizes[id(node)] = min(size, limit + 1)
    return sizes.get(id(document), 1)


def _json_path(pointer: str) -> str:
    """A JSON pointer of a sibling file as messages name places: `$.components.schemas.X`."""
    return "$" + "".join(f".{part.replace('~1', '/').replace('~0', '~')}" for part in pointer.split("/")[1:])


def _base_name(file: str, pointer: str) -> str:
    """A readable schema name for (file, pointer): `droplet` for models/droplet.yml, `X` for
    file.yml#/components/schemas/X, `droplet_networks` for droplet.yml#/properties/networks."""
    stem = Path(file).name
    for suffix in _FILE_SUFFIXES:
        stem = stem.removesuffix(suffix)
    segments = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]] if pointer else []
    if not segments:
        name = stem
    elif len(segments) >= 2 and segments[-2] in _SCHEMA_NAME_MAPS:
        name = segments[-1]
    else:
        name = f"{stem}_{segments[-1]}"
    return _UNSAFE_NAME_CHARACTERS.sub("_", name).strip("_") or "schema"


def _class_key(name: str) -> str:
    """A schema name without case or separators: names the bundler invents differ in this key.
    The generators make one class name of names that differ only so (`Droplet.yml` and
    `droplet.yml` are both `class Droplet`), and openapi-python-client then keeps one schema and
    drops the responses that use the other; ignoring every separator errs on the safe side."""
    return _NOT_ALPHANUMERIC.sub("", name).casefold()


def _unique_name(target: _Target, base: str, taken: set[str], *, ambiguous: bool) -> str:
    """`base` when no other schema wants it (`taken` holds each name's `_class_key`), else
    qualified by the file's folders (`apps_droplet`), else numbered: deterministic, since targets
    are named in sorted order."""
    if not ambiguous and _class_key(base) not in taken:
        return base
    folders = [_UNSAFE_NAME_CHARACTERS.sub("_", part) for part in Path(target[0]).parent.parts]
    for depth in range(1, len(folders) + 1):
        candidate = "_".join([*folders[-depth:], base])
        if _class_key(candidate) not in taken:
            return candidate
    number = 2
    while _class_key(f"{base}_{number}") in taken:
        number += 1
    return f"{base}_{number}"
