"""One operation planned whole (`OperationPlan`), with the checks that span its parts.

Its arguments, body, response, pager, retry rule, error statuses and commands; names and
command-line flags that would collide stop generation here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scripts.lib.openapi_document import OpenAPIDocument, Operation, path_placeholders
from scripts.lib.plan.arguments import plan_parameters
from scripts.lib.plan.bodies import plan_body, typed_union_body
from scripts.lib.plan.cli import DEFAULT_EXPORT_PAGE_SIZE, plan_export_columns, plan_table_columns
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.identity import credential_headers, read_security, with_credential_parameters
from scripts.lib.plan.incremental import plan_incremental
from scripts.lib.plan.naming import method_name_of, python_identifier, snake_to_cli, wire_path_of
from scripts.lib.plan.pagination import items_schema, plan_pagination
from scripts.lib.plan.responses import plan_response
from scripts.lib.plan.runtime import cli_reserved_flags, generated_module_imports
from scripts.lib.plan.servers import server_url

if TYPE_CHECKING:
    from scripts.lib.plan.arguments import ArgumentPlan
    from scripts.lib.plan.bodies import BodyPlan
    from scripts.lib.plan.cli import ColumnPlan
    from scripts.lib.plan.identity import IdentityPlan, Security
    from scripts.lib.plan.incremental import IncrementalPlan
    from scripts.lib.plan.opc_adapter import OpcParse
    from scripts.lib.plan.pagination import PaginationPlan
    from scripts.lib.plan.responses import ResponsePlan


# Keyword arguments every generated method has; a spec parameter or body property may not take them.
RESERVED_ARGUMENTS = frozenset(
    {"self", "extra_query", "extra_headers", "extra_body", "timeout", "max_retries", "max_items", "prefetch"}
)


IDEMPOTENT_METHODS = frozenset({"get", "head", "put", "delete", "options", "trace"})


@dataclass(frozen=True)
class OperationPlan:
    operation_id: str
    label: str
    method: str
    path: str
    """The path template as the spec writes it (for docs)."""
    wire_path: str
    """The same template as sent: every character outside RFC 3986's path characters in its literal
    parts percent-encoded as UTF-8 (`/café` is `/caf%C3%A9`); placeholders stay as they are."""
    tag: str
    resource: str
    method_name: str
    summary: str
    description: str
    arguments: tuple[ArgumentPlan, ...]
    body: BodyPlan | None
    response: ResponsePlan
    pagination: PaginationPlan | None
    retry_after_send: bool
    error_statuses: tuple[int, ...]
    cli_command: str
    cli_export_command: str | None
    table_columns: tuple[ColumnPlan, ...] = ()
    export_columns: tuple[ColumnPlan, ...] = ()
    export_page_size: int | None = None
    """What `export` sends as the page size by default: the size parameter's maximum, else
    DEFAULT_EXPORT_PAGE_SIZE (never less than the server's default)."""
    security: Security | None = None
    """The operation's own `security`, or None for the spec's top-level one (IdentityPlan)."""
    server: str | None = None
    """The operation's (or its path's) own server, when it differs from the document's."""
    incremental: IncrementalPlan | None = None
    """`x-incremental`: how `sync` keeps a table of the items up to date."""
    left_out: tuple[str, ...] = ()
    """Optional parameters and body properties left out, one message each (`NothingToSend`)."""
    warnings: tuple[str, ...] = ()
    """What was served other than the document says, one located line each (a security scheme it
    names but does not declare)."""

    @property
    def path_arguments(self) -> tuple[ArgumentPlan, ...]:
        return tuple(a for a in self.arguments if a.location == "path")

    @property
    def query_arguments(self) -> tuple[ArgumentPlan, ...]:
        return tuple(a for a in self.arguments if a.location == "query")

    @property
    def header_arguments(self) -> tuple[ArgumentPlan, ...]:
        return tuple(a for a in self.arguments if a.location == "header")

    @property
    def body_arguments(self) -> tuple[ArgumentPlan, ...]:
        return self.body.arguments if self.body else ()

    @property
    def all_arguments(self) -> tuple[ArgumentPlan, ...]:
        return self.arguments + self.body_arguments

    @property
    def constant_name(self) -> str:
        # Unique by construction: resource attributes are unique, and method names within one.
        return f"_{self.resource.upper()}_{self.method_name.upper()}"


def _distinct_argument_names(arguments: tuple[ArgumentPlan, ...]) -> tuple[ArgumentPlan, ...]:
    """Parameters that would share an argument name, each given its own, in the document's order.

    One of another location than the parameter that took the name first is `<location>_<name>`, as
    a body property beside a parameter is `body_<name>` (openapi-python-client's document has a path
    `param` and a query `param`: `param` and `query_param`). Two of one location (a query `mixed_case`
    and `mixedCase`) are numbered, as openai-python's generator numbers them: `mixed_case`,
    `mixed_case_2`. A number never takes a name another parameter has of its own."""
    own_names = {a.python_name for a in arguments}
    first_of: dict[str, ArgumentPlan] = {}
    distinct = []
    for argument in arguments:
        name = argument.python_name
        if name in first_of:
            if first_of[name].location != argument.location:
                name = f"{argument.location}_{name}"
            base, number = name, 2
            while name in first_of or (name != argument.python_name and name in own_names):
                name, number = f"{base}_{number}", number + 1
        first_of[name] = argument
        distinct.append(replace(argument, python_name=name))
    return tuple(distinct)


def plan_operation(
    document: OpenAPIDocument,
    operation: Operation,
    tag: str,
    parsed: OpcParse,
    identity: IdentityPlan,
    *,
    method_name: str | None = None,
) -> OperationPlan:
    """One operation's plan; `method_name` overrides `method_name_of` (a clash resolved)."""
    label = operation.label
    if "" in path_placeholders(operation.path):
        # Before its parameters are read: a parameter named "" would only be refused for its name.
        raise PlanError(f"{label}: the path has a placeholder without a name, {{}}, which no parameter can fill")
    method_name = method_name or method_name_of(operation, tag)
    reserved = identity.credential_flags
    left_out: list[str] = []
    warnings: list[str] = []
    security = None
    if "security" in operation.raw:
        security = read_security(operation.raw["security"], identity.schemes, where=label, warnings=warnings)
    required_headers = [
        str(parameter["name"])
        for parameter in operation.parameters
        if parameter.get("in") == "header" and parameter.get("required")
    ]
    effective = identity.default_security if security is None else security
    with_parameters = with_credential_parameters(effective, required_headers, identity.schemes)
    if with_parameters != effective:
        security = with_parameters
    sent_by_security = credential_headers(security if security is not None else effective, identity.schemes)
    arguments = tuple(
        replace(a, reserved_flags=reserved)
        for a in plan_parameters(document, operation, left_out=left_out, credential_headers=sent_by_security)
    )
    body = plan_body(document, operation, left_out=left_out)
    if body is not None:
        body = replace(body, arguments=tuple(replace(a, reserved_flags=reserved) for a in body.arguments))
    own_server = server_url(operation.servers) if operation.servers is not None else None
    if operation.servers is not None and own_server is None:
        raise PlanError(f"{label}: its servers name no absolute http(s) URL to send it to")
    # Names every method has for its own use (`timeout`, ...) take a trailing underscore; a body
    # property named like one of the operation's parameters is `body_<name>` (Twilio's CreateCall
    # has a `Timeout` property; its UpdateIncomingPhoneNumber an `AccountSid` in path and body).
    arguments = tuple(
        replace(a, python_name=a.python_name + "_") if a.python_name in RESERVED_ARGUMENTS else a for a in arguments
    )
    arguments = _distinct_argument_names(arguments)
    if body is not None:
        parameter_names = {a.python_name for a in arguments}
        renamed: dict[str, str] = {}
        for a in body.arguments:
            name = a.python_name + "_" if a.python_name in RESERVED_ARGUMENTS else a.python_name
            renamed[a.python_name] = f"body_{name}" if name in parameter_names and a.python_name != "body" else name
        body = replace(
            body,
            arguments=tuple(replace(a, python_name=renamed[a.python_name]) for a in body.arguments),
            files=tuple((renamed[python], wire, many, required) for python, wire, many, required in body.files),
        )
    taken: dict[str, str] = {}
    for argument in arguments + (body.arguments if body else ()):
        if argument.python_name in RESERVED_ARGUMENTS:
            raise PlanError(
                f"{label}: the {argument.location} {(argument.location == 'body' and 'property') or 'parameter'} "
                f"{argument.wire_name!r} would be the argument {argument.python_name!r}, which every method "
                "already has for its own use"
            )
        if argument.python_name in taken:
            raise PlanError(
                f"{label}: {taken[argument.python_name]} and the {argument.location} {argument.wire_name!r} "
                f"would both be the argument {argument.python_name!r}"
            )
        taken[argument.python_name] = f"the {argument.location} {argument.wire_name!r}"
    flags: dict[str, str] = {}
    for argument in arguments + (body.arguments if body else ()):
        if argument.location == "path":
            continue
        for flag in argument.cli_flags_for(argument.cli_flag):
            if flag in cli_reserved_flags() | reserved or flag in flags:
                other = flags.get(flag, "the command line's own option")
                raise PlanError(
                    f"{label}: the {argument.location} {argument.wire_name!r} and {other} would both be the "
                    f"command-line option {flag}: rename one of them in the spec"
                )
            flags[flag] = f"the {argument.location} {argument.wire_name!r}"
    placeholders = set(path_placeholders(operation.path))
    declared = {a.wire_name for a in arguments if a.location == "path"}
    if placeholders != declared:
        raise PlanError(
            f"{label}: the path's placeholders {sorted(placeholders)} and its path parameters {sorted(declared)} differ"
        )
    endpoint = parsed.endpoint(operation.path, operation.method)
    if endpoint is None:
        detail = parsed.warning(operation.method, operation.path)
        raise PlanError(f"{label}: openapi-python-client could not generate it: {detail}")

    if body is not None:
        body = typed_union_body(document, operation, body, parsed.models)
    response = plan_response(document, operation, endpoint, parsed.models)
    pagination = plan_pagination(document, operation, parsed.models, arguments, response)
    # resources.py imports the models its methods take and return beside the runtime's names: a
    # model named like one (`Parameter`, `SyncPage`) would shadow it, and ruff refuse the package.
    imported = {name for _, name in (*response.model_imports, *(body.model_imports if body else ()))}
    if pagination is not None:
        imported |= {pagination.body_class, pagination.item_class}
    shadowing = sorted(imported & generated_module_imports())
    if shadowing:
        raise PlanError(
            f"{label}: its model {shadowing[0]!r} has the name of one the client's resources module imports "
            "from the runtime (not supported)"
        )
    method = operation.method
    idempotent_flag = operation.raw.get("x-idempotent")
    if idempotent_flag is not None and not isinstance(idempotent_flag, bool):
        raise PlanError(f"{label}: x-idempotent must be true or false, got {idempotent_flag!r}")
    # x-idempotent says it either way: true makes a POST or PATCH safe to repeat, false keeps even a
    # PUT or DELETE from being repeated once sent (an endpoint whose deletes have side effects).
    retry_after_send = method in IDEMPOTENT_METHODS if idempotent_flag is None else idempotent_flag
    error_statuses = tuple(
        sorted(
            int(status) for status in operation.raw.get("responses", {}) if str(status).isdigit() and int(status) >= 400
        )
    )
    cli_command = snake_to_cli(method_name)
    export_command = None
    if pagination is not None:
        export_command = "export" + (snake_to_cli(method_name.removeprefix("list")) if method_name != "list" else "")
        if not export_command.startswith("export-") and export_command != "export":
            export_command = f"export-{snake_to_cli(method_name)}"
    table_columns: tuple[ColumnPlan, ...] = ()
    export_columns: tuple[ColumnPlan, ...] = ()
    export_page_size = None
    if pagination is not None:
        size = next(a for a in arguments if a.python_name == pagination.size_argument)
        maximum = size.rule.maximum
        export_page_size = (
            int(maximum) if maximum is not None else max(DEFAULT_EXPORT_PAGE_SIZE, pagination.default_page_size)
        )
        item_schema = items_schema(document, operation)
        table_columns = plan_table_columns(document, item_schema, pagination.item_key_wire, where=label)
        export_columns = plan_export_columns(document, item_schema, where=label)
    incremental = plan_incremental(document, operation, arguments, pagination)
    return OperationPlan(
        operation_id=operation.operation_id or method_name,
        label=label,
        method=method,
        path=operation.path,
        wire_path=wire_path_of(operation.path),
        tag=tag,
        resource=python_identifier(tag, what=f"tag {tag!r}"),
        method_name=method_name,
        summary=str(operation.raw.get("summary") or operation.operation_id or label),
        description=str(operation.raw.get("description") or "").strip(),
        arguments=arguments,
        body=body,
        response=response,
        pagination=pagination,
        retry_after_send=retry_after_send,
        security=security,
        server=own_server if own_server != identity.default_base_url else None,
        error_statuses=error_statuses,
        cli_command=cli_command,
        cli_export_command=export_command,
        table_columns=table_columns,
        export_columns=export_columns,
        export_page_size=export_page_size,
        incremental=incremental,
        left_out=tuple(left_out),
        warnings=tuple(warnings),
    )
