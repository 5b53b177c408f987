"""The client's identity: security schemes, credentials, environment variables (`IdentityPlan`).

Also its CLI name and default base URL: the runtime's ClientIdentity, printed by _client.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scripts.lib.openapi_document import OpenAPIDocument
from scripts.lib.plan.errors import PlanError
from scripts.lib.plan.naming import python_identifier
from scripts.lib.plan.servers import default_server_url

# RFC 9110 section 5.6.2: a field name is a token.
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True)
class CredentialPlan:
    """A constructor argument holding a secret, and the environment variables it comes from."""

    argument: str
    env_vars: tuple[str, ...]


@dataclass(frozen=True)
class SchemePlan:
    """A security scheme of the spec the client applies (the runtime's SecurityScheme)."""

    name: str
    kind: str
    """api-key-header, api-key-query, bearer (http bearer, oauth2, openIdConnect) or basic."""
    credentials: tuple[CredentialPlan, ...]
    header: str = ""
    query: str = ""


Security = tuple[tuple[str, ...], ...]
"""Alternatives of scheme names sent together; an empty alternative: no credential needed."""


@dataclass(frozen=True)
class IdentityPlan:
    """The names the client carries (the runtime's ClientIdentity, printed by _client.py)."""

    schemes: tuple[SchemePlan, ...]
    default_security: Security
    base_url_env_var: str
    default_base_url: str | None
    log_env_var: str
    cli_name: str
    vendor: str
    client_class: str = "Client"
    """The sync client's class name (`RavanClient`); the async one is `Async` + it."""

    @property
    def async_client_class(self) -> str:
        return "Async" + self.client_class

    @property
    def credentials(self) -> tuple[CredentialPlan, ...]:
        return tuple(c for scheme in self.schemes for c in scheme.credentials)

    @property
    def credential_flags(self) -> frozenset[str]:
        return frozenset("--" + c.argument.replace("_", "-") for c in self.credentials)


_ENV_PREFIX = re.compile(r"[A-Z][A-Z0-9_]*")


_CLI_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


# A class name the package's own names cannot shadow: PascalCase, ending in Client.
_CLIENT_CLASS = re.compile(r"(?:[A-Z][A-Za-z0-9]*)?Client")


def client_identity(document: OpenAPIDocument, settings: Mapping[str, Any]) -> IdentityPlan:
    """The client's names: `client:` of spec/client/config.yaml, the spec's security schemes (one
    constructor argument per credential), and its first server (its variables at their defaults)
    as the default base URL. A server URL that is not absolute http(s) (a relative one, say) gives
    no default: the caller must say where the key goes."""
    raw = document.raw
    prefix = str(settings.get("env_prefix", "API"))
    if not _ENV_PREFIX.fullmatch(prefix):
        raise PlanError(f"config client.env_prefix {prefix!r} must be upper-case letters, digits and _")
    more = tuple(str(name) for name in settings.get("more_api_key_env_vars") or ())
    for name in more:
        if not _ENV_PREFIX.fullmatch(name):
            raise PlanError(f"config client.more_api_key_env_vars: {name!r} is not an environment variable name")
    cli_name = str(settings.get("cli_name", "api"))
    if not _CLI_NAME.fullmatch(cli_name):
        raise PlanError(f"config client.cli_name {cli_name!r} must be a lower-case command name")
    client_class = str(settings.get("class_name", "Client"))
    if not _CLIENT_CLASS.fullmatch(client_class):
        raise PlanError(f"config client.class_name {client_class!r} must be a PascalCase name ending in Client")
    schemes = security_schemes(document, prefix, more)
    return IdentityPlan(
        schemes=schemes,
        default_security=default_security(document, schemes),
        base_url_env_var=f"{prefix}_BASE_URL",
        default_base_url=default_server_url(raw),
        log_env_var=f"{prefix}_LOG",
        cli_name=cli_name,
        vendor=str(settings.get("vendor", "")),
        client_class=client_class,
    )


# Names a credential argument may not take: the constructor's other arguments.
CONSTRUCTOR_ARGUMENTS = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "http_client",
        "transport",
        "allow_insecure_http",
        "max_response_bytes",
        "self",
    }
)


# Scheme kinds the client applies; every other scheme (an apiKey in a query string or a cookie,
# http digest, mutual TLS) is refused for the operations that need it.
UNSUPPORTED_SCHEME = "unsupported"


def security_schemes(
    document: OpenAPIDocument, prefix: str, more_api_key_env_vars: tuple[str, ...]
) -> tuple[SchemePlan, ...]:
    """One SchemePlan per security scheme of the spec, in its order.

    Arguments: the first token scheme (an apiKey in a header, http bearer, oauth2, openIdConnect)
    is `api_key`, as openai-python names its bearer token; the first http basic scheme is
    `username` and `password`; any further scheme takes its own name in snake_case
    (`partner_key`, `admin_username`). Each credential reads `<PREFIX>_<ARGUMENT>` from the
    environment (`RAVAN_API_KEY`), `api_key` also the config's `more_api_key_env_vars`."""
    raw_schemes = (document.raw.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(raw_schemes, Mapping):
        raise PlanError("components.securitySchemes must be a mapping")
    plans: list[SchemePlan] = []
    token_taken = basic_taken = False
    for name, node in raw_schemes.items():
        scheme = document.resolve(node, where=f"securitySchemes.{name}")
        kind_of = str(scheme.get("type", "")).lower() if isinstance(scheme, Mapping) else ""
        http_scheme = str(scheme.get("scheme", "")).lower() if isinstance(scheme, Mapping) else ""
        header = query = ""
        if kind_of == "apikey" and scheme.get("in") == "header":
            kind = "api-key-header"
            header = str(scheme.get("name", ""))
            if not HEADER_NAME.fullmatch(header):
                raise PlanError(
                    f"the apiKey security scheme {name!r}'s header name {header!r} is not an HTTP header name "
                    "(an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~)"
                )
        elif kind_of == "apikey" and scheme.get("in") == "query":
            kind = "api-key-query"
            query = str(scheme.get("name", ""))
            if not query or any(c in query for c in "&=#?") or not query.isprintable():
                raise PlanError(f"the apiKey security scheme {name!r}'s query parameter {query!r} cannot be sent")
        elif (kind_of == "http" and http_scheme == "bearer") or kind_of in ("oauth2", "openidconnect"):
            kind = "bearer"
        elif kind_of == "http" and http_scheme == "basic":
            kind = "basic"
        else:
            plans.append(SchemePlan(str(name), UNSUPPORTED_SCHEME, ()))
            continue
        own = python_identifier(str(name), what=f"security scheme {name!r}")
        arguments: tuple[str, ...]
        if kind == "basic":
            arguments = ("username", "password") if not basic_taken else (f"{own}_username", f"{own}_password")
            basic_taken = True
        else:
            arguments = ("api_key",) if not token_taken else (own,)
            token_taken = True
        credentials: list[CredentialPlan] = []
        for wanted in arguments:
            # A name already taken (the Swagger petstore's oauth2 scheme is `api_key` before its
            # apiKey scheme named `api_key`) gets a number, in the document's order: `api_key_2`.
            taken = {*CONSTRUCTOR_ARGUMENTS, *(c.argument for p in plans for c in p.credentials)}
            taken.update(c.argument for c in credentials)
            argument, number = wanted, 2
            while argument in taken:
                argument, number = f"{wanted}_{number}", number + 1
            env_vars = (f"{prefix}_{argument.upper()}", *(more_api_key_env_vars if argument == "api_key" else ()))
            credentials.append(CredentialPlan(argument, env_vars))
        plans.append(SchemePlan(str(name), kind, tuple(credentials), header, query))
    return tuple(plans)


def read_security(
    node: Any, schemes: Sequence[SchemePlan], *, where: str, warnings: list[str] | None = None
) -> Security:
    """A `security` list as alternatives of scheme names; those needing a scheme the client cannot
    apply are left out (PlanError when none is left).

    A scheme that components.securitySchemes does not declare (Ory's `sessionToken`) is a
    PlanError, unless `warnings` is given: then, as openapi-python-client does, the requirement is
    served without it and one located warning is added. That is safe: the client sends no
    credential it was not given a scheme for, so nothing travels that the document did not say where
    to send; the server answers 401 if it wanted one."""
    if not isinstance(node, list):
        raise PlanError(f"{where}: security must be a list of requirement objects")
    known = {scheme.name: scheme for scheme in schemes}
    alternatives: list[tuple[str, ...]] = []
    # Alternatives an undeclared scheme left empty: the client sends the first alternative it
    # holds every credential of, and an empty one needs none, so they go last (a fallback that
    # serves a client holding none), not before an alternative whose credential it does hold.
    emptied: list[tuple[str, ...]] = []
    unsupported: list[str] = []
    for requirement in node:
        if not isinstance(requirement, Mapping):
            raise PlanError(f"{where}: each security requirement must be an object")
        names = tuple(str(name) for name in requirement)
        for name in names:
            if name not in known:
                undeclared = f"{where}: security names the scheme {name!r}, which components.securitySchemes lacks"
                if warnings is None:
                    raise PlanError(undeclared)
                warnings.append(f"{undeclared}: served without it")
        declared = tuple(name for name in names if name in known)
        if names and not declared:
            emptied.append(())
            continue
        names = declared
        if any(known[name].kind == UNSUPPORTED_SCHEME for name in names):
            unsupported.extend(name for name in names if known[name].kind == UNSUPPORTED_SCHEME)
            continue
        alternatives.append(names)
    alternatives.extend(emptied)
    if node and not alternatives:
        raise PlanError(
            f"{where}: needs the security scheme {unsupported[0]!r}, which the client cannot apply (it sends "
            "apiKeys in headers or query strings, http bearer, oauth2 and openIdConnect tokens, and http basic)"
        )
    return tuple(alternatives) if node else ((),)


def credential_headers(security: Security, schemes: Sequence[SchemePlan]) -> frozenset[str]:
    """The headers (lower case) a credential of `security` travels in: `Authorization` for a bearer
    or basic scheme, an apiKey's own header for one sent in a header."""
    by_name = {scheme.name: scheme for scheme in schemes}
    headers = set()
    for alternative in security:
        for name in alternative:
            scheme = by_name.get(name)
            if scheme is None:
                continue
            if scheme.kind in ("bearer", "basic"):
                headers.add("authorization")
            elif scheme.kind == "api-key-header":
                headers.add(scheme.header.lower())
    return frozenset(headers)


def with_credential_parameters(
    security: Security, required_headers: Sequence[str], schemes: Sequence[SchemePlan]
) -> Security:
    """`security` with the apiKey schemes whose own header is a required header parameter of the
    operation added to each alternative (Apideck's CRM: every operation's `security` names its
    `Authorization` key alone and requires `x-apideck-consumer-id`, the header of the document's
    `consumerId` apiKey scheme, as a parameter). The document says what that header holds, a
    credential: the client sends it from its credential, as it sends the key, and the header is
    left out of the arguments (a credential never goes through a method's arguments). An
    `Authorization` parameter is not taken so (bearer, basic or another key may be meant there),
    nor is one where `security` lets the operation go without any credential (`security: []`, or
    an empty alternative): the client's key may not be what it wants there (the operation stops,
    as it did)."""
    wanted = {header.lower() for header in required_headers} - {"authorization"}
    added = tuple(
        scheme.name for scheme in schemes if scheme.kind == "api-key-header" and scheme.header.lower() in wanted
    )
    if not added or not security or not all(security):
        return security
    return tuple((*alternative, *(name for name in added if name not in alternative)) for alternative in security)


def default_security(document: OpenAPIDocument, schemes: Sequence[SchemePlan]) -> Security:
    """The spec's top-level `security`. Without one, a spec that declares schemes is read
    leniently (many forget it): the first scheme the client holds credentials for is sent, and
    nothing when it holds none."""
    node = document.raw.get("security")
    if node is not None:
        return read_security(node, schemes, where="the top-level security")
    usable = [scheme for scheme in schemes if scheme.kind != UNSUPPORTED_SCHEME]
    if not usable:
        return ()
    return (*((scheme.name,) for scheme in usable), ())
