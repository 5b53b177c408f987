"""The plan of the spec: every decision of the spec -> Python mapping, made once, read by every template.

`build_plan(document, generator_data)` turns the raw spec (through the shared resolver in
`openapi_document.py`) and openapi-python-client's parsed view of it (for the names of the model
classes it generates) into plain data:

- one `ResourcePlan` per tag, holding its operations;
- per operation (`OperationPlan`): the method name, the path, its parameters (path, query,
  header) and JSON body properties, each with its Python name, annotation, runtime check and
  command-line option kind (`ValueRule`); the success response's kind (object, array, empty,
  any JSON) and model; the pagination (`x-pagination`); whether it may be retried after the
  request was sent; its documented error statuses; its command-line names and columns;
- per model field (`field_shape`): how the response models read and type it.

A shape the plan does not support stops generation with a `PlanError` naming the operation and
what is unsupported; nothing else is rendered then. The templates (`resources.py.jinja`,
`_client.py.jinja`, `cli.py.jinja`, `model.py.jinja`) only print what the plan decided.

Naming rule for methods (documented in README "Changing the API"): the operation's
`x-python-name` if it has one, else its operationId in snake_case with the tag's name (plural or
singular) dropped from the end: `listCallSessions` under the tag `call-sessions` is
`client.call_sessions.list`, `createCall` under `calls` is `client.calls.create`. Without an
operationId, the one openapi-python-client generates (method and path) stands in; two operations
of one tag that get the same name are each named by their whole operationId instead.

Extensions read here (each documented in the README):
- `x-pagination` (operation): the pager; see `PAGINATION_STYLES` of the runtime's `_pagination.py`.
- `x-incremental` (paginated operation): a `sync` command and a dlt resource; see `plan_incremental`.
- `x-python-name` (operation): the method's name.
- `x-idempotent: true` (POST or PATCH operation): safe to retry after the request was sent.
- `x-cli-columns` (schema of a paginated operation's items): the columns of `list`'s table.
- `x-cli.top-level-commands` (document): the tag whose list/export are also `ravan-calls list/export`.

The plan lives in these modules (each one's docstring says more):

- `errors`: The plan's one error: a shape of the spec the generator does not support.
- `naming`: Names: the spec's names as Python identifiers, method names, CLI spellings, wire paths.
- `runtime`: What the plan reads of the hand-written runtime: the CLI's own flags, the pagination styles.
- `opc_adapter`: openapi-python-client's parse of the spec, read in one place, into a small typed surface.
- `metadata`: What the spec says of the packages themselves: `info.version` and `info.license`.
- `values`: Value rules: how a request value is typed, checked before sending, offered on the CLI.
- `arguments`: Arguments: a generated method's keyword argument (`ArgumentPlan`); path, query, header.
- `bodies`: Request bodies: JSON, form-urlencoded and multipart (`BodyPlan`).
- `responses`: Responses: the success response's kind and how its body is parsed (`ResponsePlan`).
- `pagination`: Pagination: `x-pagination`, the pager of a list operation (`PaginationPlan`).
- `incremental`: Incremental sync: `x-incremental` of a paginated operation (`IncrementalPlan`).
- `cli`: The CLI's view of an operation: `list`'s table and `export`'s CSV columns (`ColumnPlan`).
- `servers`: Servers: the base URL a `servers` list gives (its first, variables at their defaults).
- `identity`: The client's identity: security schemes, credentials, environment variables (`IdentityPlan`).
- `operations`: One operation planned whole (`OperationPlan`), with the checks that span its parts.
- `fields`: Response model fields: how the client's models read and type each field (`FieldShape`).
- `api`: The whole plan (`build_plan` -> `ApiPlan`): one resource per tag, checks across them.
"""

from __future__ import annotations

from scripts.lib.openapi_document import path_shape
from scripts.lib.plan.api import (
    CLIENT_SETTINGS,
    GENERATED_CLIENT_METHODS,
    RESERVED_METHOD_NAMES,
    UNTAGGED,
    ApiPlan,
    ResourcePlan,
    build_plan,
    client_attribute_names,
)
from scripts.lib.plan.arguments import ArgumentPlan
from scripts.lib.plan.bodies import FORM_MEDIA_TYPE, JSON_MEDIA_TYPE, MULTIPART_MEDIA_TYPE, BodyPlan
from scripts.lib.plan.cli import DEFAULT_EXPORT_PAGE_SIZE, DEFAULT_TABLE_COLUMNS, ColumnPlan
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.fields import MODEL_API_NAMES, FieldShape, checked_fields, field_shape, model_field_name
from scripts.lib.plan.identity import (
    CONSTRUCTOR_ARGUMENTS,
    HEADER_NAME,
    UNSUPPORTED_SCHEME,
    CredentialPlan,
    IdentityPlan,
    SchemePlan,
    Security,
    client_identity,
    default_security,
    read_security,
    security_schemes,
)
from scripts.lib.plan.incremental import INCREMENTAL_KEYS, IncrementalPlan
from scripts.lib.plan.metadata import PackageMetadata, package_metadata
from scripts.lib.plan.naming import (
    argument_identifier,
    full_method_name,
    generated_operation_id,
    method_name_of,
    pascal_case,
    python_identifier,
    resource_class_name,
    snake_case,
    snake_to_cli,
    wire_path_of,
)
from scripts.lib.plan.opc_adapter import (
    OpcEndpoint,
    OpcModel,
    OpcParse,
    OpcProperty,
    model_of_property,
    non_null_member,
    opc_model,
    opc_property,
    plain,
    read_generator_data,
)
from scripts.lib.plan.operations import IDEMPOTENT_METHODS, RESERVED_ARGUMENTS, OperationPlan
from scripts.lib.plan.pagination import PaginationPlan
from scripts.lib.plan.responses import ResponsePlan
from scripts.lib.plan.runtime import (
    RUNTIME_PACKAGE,
    cli_reserved_flags,
    model_module_imports,
    pagination_styles,
    runtime_module,
)
from scripts.lib.plan.servers import default_server_url, server_url
from scripts.lib.plan.values import MAX_CHECKED_DEPTH, MAX_RULE_SOURCE, NothingToSend, ValueRule, value_rule

__all__ = [
    "CLIENT_SETTINGS",
    "CONSTRUCTOR_ARGUMENTS",
    "DEFAULT_EXPORT_PAGE_SIZE",
    "DEFAULT_TABLE_COLUMNS",
    "FORM_MEDIA_TYPE",
    "GENERATED_CLIENT_METHODS",
    "HEADER_NAME",
    "IDEMPOTENT_METHODS",
    "INCREMENTAL_KEYS",
    "JSON_MEDIA_TYPE",
    "MAX_CHECKED_DEPTH",
    "MAX_RULE_SOURCE",
    "MODEL_API_NAMES",
    "MULTIPART_MEDIA_TYPE",
    "RESERVED_ARGUMENTS",
    "RESERVED_METHOD_NAMES",
    "RUNTIME_PACKAGE",
    "UNSUPPORTED_SCHEME",
    "UNTAGGED",
    "ApiPlan",
    "ArgumentPlan",
    "BodyPlan",
    "ColumnPlan",
    "CredentialPlan",
    "FieldShape",
    "IdentityPlan",
    "IncrementalPlan",
    "NothingToSend",
    "OpcEndpoint",
    "OpcModel",
    "OpcParse",
    "OpcProperty",
    "OperationPlan",
    "PackageMetadata",
    "PaginationPlan",
    "PlanError",
    "ResourcePlan",
    "ResponsePlan",
    "SchemePlan",
    "Security",
    "ValueRule",
    "argument_identifier",
    "build_plan",
    "checked_fields",
    "cli_reserved_flags",
    "client_attribute_names",
    "client_identity",
    "default_security",
    "default_server_url",
    "field_shape",
    "full_method_name",
    "generated_operation_id",
    "method_name_of",
    "model_field_name",
    "model_module_imports",
    "model_of_property",
    "non_null_member",
    "opc_model",
    "opc_property",
    "package_metadata",
    "pagination_styles",
    "pascal_case",
    "path_shape",
    "plain",
    "python_identifier",
    "read_generator_data",
    "read_security",
    "resource_class_name",
    "runtime_module",
    "security_schemes",
    "server_url",
    "snake_case",
    "snake_to_cli",
    "value_rule",
    "wire_path_of",
]
