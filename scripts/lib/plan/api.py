"""The whole plan (`build_plan` -> `ApiPlan`): one resource per tag, checks across them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.lib.openapi_document import OpenAPIDocument, Operation, SpecError, path_placeholders
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.identity import client_identity
from scripts.lib.plan.naming import full_method_name, python_identifier, resource_class_name, snake_to_cli
from scripts.lib.plan.opc_adapter import read_generator_data
from scripts.lib.plan.operations import plan_operation
from scripts.lib.plan.runtime import generated_module_imports, runtime_module

if TYPE_CHECKING:
    from scripts.lib.plan.identity import IdentityPlan
    from scripts.lib.plan.operations import OperationPlan


# Methods every resource class has, or that would shadow Python behaviour.
RESERVED_METHOD_NAMES = frozenset({"with_options", "with_raw_response"})


@dataclass(frozen=True)
class ResourcePlan:
    tag: str
    attribute: str
    class_name: str
    description: str
    cli_name: str
    operations: tuple[OperationPlan, ...]

    @property
    def item_noun(self) -> tuple[str, str]:
        """("call session", "call sessions") for the tag call-sessions: for counts in messages."""
        plural = self.attribute.replace("_", " ")
        singular = plural[:-1] if plural.endswith("s") and not plural.endswith("ss") else plural
        return singular, plural


@dataclass(frozen=True)
class ApiPlan:
    title: str
    api_key_header: str | None
    """The header of the first apiKey scheme, when the spec has one (exported as API_KEY_HEADER)."""
    identity: IdentityPlan
    resources: tuple[ResourcePlan, ...]
    top_level_commands: str | None
    """The resource attribute whose list/export are also top-level commands, if any."""
    skipped: tuple[str, ...] = ()
    """Operations left out (`--unsupported skip`), each as the one line that says why."""

    @property
    def envelope_fields(self) -> frozenset[tuple[str, str]]:
        """(model class, wire name) of every field on a pager's items path (see PaginationPlan)."""
        return frozenset(
            field for op in self.operations if op.pagination is not None for field in op.pagination.envelope_fields
        )

    @property
    def operations(self) -> tuple[OperationPlan, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)

    @property
    def model_imports(self) -> list[tuple[str, str]]:
        imports: set[tuple[str, str]] = set()
        for op in self.operations:
            imports.update(op.response.model_imports)
            if op.body:
                imports.update(op.body.model_imports)
            if op.pagination:
                imports.add((op.pagination.body_module, op.pagination.body_class))
                imports.add((op.pagination.item_module, op.pagination.item_class))
        return sorted(imports)


def _attribute_key(tag: str) -> str:
    """The client attribute a tag becomes (the tag itself when it cannot be one: refused later)."""
    try:
        return python_identifier(tag, what=f"tag {tag!r}")
    except PlanError:
        return tag


def build_plan(
    document: OpenAPIDocument,
    generator_data: object,
    settings: Mapping[str, Any] | None = None,
    *,
    skip_unsupported: bool = False,
) -> ApiPlan:
    """The whole plan; raises PlanError on anything unsupported (the message names the operation),
    or, with `skip_unsupported`, leaves such an operation out and lists it in `ApiPlan.skipped`.
    `generator_data` is openapi-python-client's parse of the spec, read through `read_generator_data`."""
    identity = client_identity(document, settings or {})
    api_key_header = next((s.header for s in identity.schemes if s.kind == "api-key-header"), None)
    parsed = read_generator_data(generator_data)
    tags_described = {t["name"]: t.get("description", "") for t in document.raw.get("tags") or []}

    by_tag: dict[str, list[OperationPlan]] = {}
    sources: dict[int, Operation] = {}  # id(plan) -> its operation, to plan it again under another name
    skipped: list[str] = []
    tag_of_attribute: dict[str, str] = {}
    for operation in document.operations(unreadable=skipped if skip_unsupported else None):
        tags = operation.raw.get("tags") or []
        # An operation without a tag belongs to the resource `default`, as openapi-python-client
        # files it: many published documents tag nothing.
        tag = str(tags[0]) if tags else UNTAGGED
        if not tag.strip():
            raise PlanError(f"{operation.label}: its first tag is empty")
        if skip_unsupported:
            # A document written elsewhere (SendGrid tags `Segmenting Contacts` and `segmenting
            # contacts`): tags that would be one attribute are one resource, the first one's.
            tag = tag_of_attribute.setdefault(_attribute_key(tag), tag)
        declared_here: str | None = None
        if skip_unsupported:
            operation, declared_here = _with_placeholders_declared(operation)
        try:
            try:
                planned = plan_operation(document, operation, tag, parsed, identity)
            except (TypeError, ValueError, KeyError, AttributeError) as error:
                # A keyword of the wrong type in a document written elsewhere (`enum: "x"`, `allOf:
                # null`, `maximum: "ten"`; the validator's findings are warnings there) failed deep
                # in the reader as an internal error with a traceback: it is about this operation.
                raise PlanError(
                    f"{operation.label}: a value the generator cannot read ({type(error).__name__}: {error})"
                ) from error
        except SpecError as error:
            # A PlanError, or the reader's own (Mistral's parameter given by `content`): either way
            # about this operation alone.
            if not skip_unsupported:
                raise
            reason = str(error)
            skipped.append(reason if reason.startswith(operation.label) else f"{operation.label}: {reason}")
            continue
        if declared_here is not None:
            planned = replace(planned, warnings=(*planned.warnings, declared_here))
        by_tag.setdefault(tag, []).append(planned)
        sources[id(planned)] = operation

    resources = []
    attributes: dict[str, str] = {}
    taken_by_clients = client_attribute_names()
    for tag, operations in by_tag.items():
        attribute = python_identifier(tag, what=f"tag {tag!r}")
        if attribute in taken_by_clients and skip_unsupported:
            # A document written elsewhere (Ory Kratos tags operations `identity`, the client's own
            # attribute): the resource is `client.identity_`, as a keyword would be.
            while attribute in taken_by_clients:
                attribute += "_"
        if attribute in taken_by_clients:
            what = "a setting" if attribute in CLIENT_SETTINGS else "a method"
            raise PlanError(
                f"the tag {tag!r} would be client.{attribute}, which the client already has ({what}): rename the tag"
            )
        if attribute in attributes:
            raise PlanError(f"tags {attributes[attribute]!r} and {tag!r} both become client.{attribute}")
        attributes[attribute] = tag
        operations = _resolve_method_clashes(
            operations,
            # The warnings as first planned (a placeholder declared above is said once, there).
            lambda op, name: replace(
                plan_operation(document, sources[id(op)], op.tag, parsed, identity, method_name=name),
                warnings=op.warnings,
            ),
            lambda op: None if "x-python-name" in sources[id(op)].raw else full_method_name(sources[id(op)]),
        )
        names: dict[str, OperationPlan] = {}
        for op in list(operations):
            if op.method_name in names:
                clash = (
                    f"{op.label}: it and {names[op.method_name].label} would both be "
                    f"client.{attribute}.{op.method_name}: give one of them an x-python-name"
                )
                if not skip_unsupported:
                    raise PlanError(clash)
                skipped.append(clash)
                operations.remove(op)
                continue
            if op.method_name in RESERVED_METHOD_NAMES:
                raise PlanError(f"{op.label}: the method name {op.method_name!r} is reserved; give it an x-python-name")
            names[op.method_name] = op
        if not operations:
            continue
        commands: dict[str, OperationPlan] = {}
        for op in operations:
            for command in (op.cli_command, op.cli_export_command):
                if command is None:
                    continue
                if command in commands and commands[command] is not op:
                    raise PlanError(
                        f"{commands[command].label} and {op.label} would both be the command "
                        f"`{snake_to_cli(attribute)} {command}`: give one an x-python-name"
                    )
                commands[command] = op
        # A renamed attribute (`identity_`) is where every operation of the resource is reached.
        operations = [op if op.resource == attribute else replace(op, resource=attribute) for op in operations]
        resources.append(
            ResourcePlan(
                tag=tag,
                attribute=attribute,
                class_name=resource_class_name(tag, taken=frozenset(parsed.models) | generated_module_imports()),
                description=str(tags_described.get(tag) or f"Operations tagged {tag}."),
                cli_name=snake_to_cli(attribute),
                operations=tuple(operations),
            )
        )

    top_level = (document.raw.get("x-cli") or {}).get("top-level-commands")
    top_level_attribute = None
    if top_level is not None:
        if top_level not in by_tag:
            raise PlanError(f"x-cli.top-level-commands names the tag {top_level!r}, which no operation has")
        top_level_attribute = python_identifier(str(top_level), what="x-cli.top-level-commands")
    if not resources:
        why = f": {skipped[0]}" if skipped else ""
        raise PlanError(f"the spec has no operation the generator can serve{why}")
    _check_client_class_names(identity, resources)
    return ApiPlan(
        title=str(document.raw.get("info", {}).get("title", "API")),
        api_key_header=api_key_header,
        identity=identity,
        skipped=tuple(skipped),
        resources=tuple(resources),
        top_level_commands=top_level_attribute,
    )


def _resolve_method_clashes(
    operations: list[OperationPlan],
    plan_again: Callable[[OperationPlan, str], OperationPlan],
    full_name: Callable[[OperationPlan], str | None],
) -> list[OperationPlan]:
    """Operations of one resource that `method_name_of` names alike (`getCall` and `getCalls` of
    the tag `calls` are both `get`) are each named by their whole operationId instead (`get_call`,
    `get_calls`): the same names whatever the order of the document. An operation named by its
    x-python-name keeps it (`full_name` gives None: the author chose it). Names that still collide
    are left for the caller to refuse or skip. `plan_again(op, name)` plans it under another name."""
    counts = Counter(op.method_name for op in operations)
    resolved = []
    for op in operations:
        name = full_name(op) if counts[op.method_name] > 1 else None
        resolved.append(plan_again(op, name) if name is not None and name != op.method_name else op)
    return resolved


# The classes the client module (_client.py) already names: the runtime's base classes.
_CLIENT_MODULE_NAMES = {"SyncAPIClient": "the runtime's base class", "AsyncAPIClient": "the runtime's base class"}


def _check_client_class_names(identity: IdentityPlan, resources: Sequence[ResourcePlan]) -> None:
    """The client classes must not take a name _client.py already uses: `AsyncAPIClient` made the
    async client a subclass of the sync one, and a tag `acme-client` a resource class that the
    client class `AcmeClient` shadowed."""
    taken = dict(_CLIENT_MODULE_NAMES)
    for resource in resources:
        why = f"the resource class of tag {resource.tag!r}"
        taken[resource.class_name] = taken[f"Async{resource.class_name}"] = why
    for name in (identity.client_class, identity.async_client_class):
        if name in taken:
            raise PlanError(
                f"config client.class_name {identity.client_class!r} makes the class {name!r}, which is already "
                f"{taken[name]}: choose another name"
            )


UNTAGGED = "default"


# What every client has besides its methods: settings set in __init__, and the generated extras.
CLIENT_SETTINGS = frozenset({"base_url", "timeout", "max_retries", "max_response_bytes"})


GENERATED_CLIENT_METHODS: frozenset[str] = frozenset()


def client_attribute_names() -> frozenset[str]:
    """Public names a resource attribute must not shadow on RavanClient or AsyncRavanClient (a tag
    named `call` would hide the `call` every generated method calls)."""
    runtime = runtime_module("_base_client")
    names = {
        name
        for client in (runtime.SyncAPIClient, runtime.AsyncAPIClient)
        for name in dir(client)
        if not name.startswith("_")
    }
    # Attributes set in __init__ (`self.identity = ...`) are not in dir() of the class.
    names.update(
        re.findall(r"\bself\.([a-z][a-z0-9_]*)\s*(?::[^=\n]*)?=(?!=)", Path(str(runtime.__file__)).read_text("utf-8"))
    )
    return frozenset(names) | CLIENT_SETTINGS | GENERATED_CLIENT_METHODS


def _with_placeholders_declared(operation: Operation) -> tuple[Operation, str | None]:
    """For a document written elsewhere (`--unsupported skip`): `operation` with each path
    placeholder that no path parameter declares declared as a required string (Svix writes
    `/api/v1/app/{app_id}/msg` and declares no `app_id` on some operations), and the warning that
    says so; the operation unchanged and None when every placeholder is declared. The value is
    what a placeholder is at least, a string; a document's own declaration always wins."""
    declared = {str(parameter.get("name")) for parameter in operation.parameters if parameter.get("in") == "path"}
    # Not the empty placeholder `{}`: no parameter can be named "", and plan_operation refuses it.
    missing = [name for name in path_placeholders(operation.path) if name and name not in declared]
    if not missing:
        return operation, None
    added = tuple({"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in missing)
    names = ", ".join(repr(name) for name in missing)
    warning = (
        f"{operation.label}: the path's placeholder {names} has no parameter: it is taken as a required string"
        if len(missing) == 1
        else f"{operation.label}: the path's placeholders {names} have no parameters: each is a required string"
    )
    return replace(operation, parameters=(*operation.parameters, *added)), warning
