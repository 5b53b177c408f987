"""The names a generated client carries, decided by the plan and handed to the runtime.

The runtime names no vendor: the default base URL (the spec's `servers`), the environment
variables the key and base URL come from, the command's name and the vendor's name in its
messages all come from the spec and `spec/client/config.yaml`, through the plan, as one
`ClientIdentity` that the generated `_client.py` defines and both clients (and the CLI) read.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ClientIdentity", "Credential", "SecurityScheme"]

SCHEME_KINDS = ("api-key-header", "bearer", "basic")


@dataclass(frozen=True)
class Credential:
    """One constructor argument that holds a secret (`api_key`, `bearer_token`, `username`, ...)."""

    argument: str
    env_vars: tuple[str, ...]
    """Where it comes from when the argument is not given, the first one set winning."""

    def hint(self) -> str:
        """`<PREFIX>_API_KEY (or <another variable>)`: where it can come from, for messages."""
        first, *others = self.env_vars
        return f"{first} (or {', '.join(others)})" if others else first


@dataclass(frozen=True)
class SecurityScheme:
    """One security scheme of the spec, as the client applies it to a request."""

    name: str
    """Its name in the spec's components.securitySchemes (what `security` requirements name)."""
    kind: str
    """api-key-header (the key in `header`), api-key-query (the key in the query parameter
    `query`), bearer (`Authorization: Bearer`; http bearer, oauth2 and openIdConnect alike) or
    basic (`Authorization: Basic`, from a username and a password)."""
    credentials: tuple[Credential, ...]
    header: str = ""
    """The header an api-key-header scheme sends its key in."""
    query: str = ""
    """The query parameter an api-key-query scheme sends its key in."""


@dataclass(frozen=True)
class ClientIdentity:
    """What one generated client is called, how it authenticates and where its settings come from."""

    schemes: tuple[SecurityScheme, ...]
    """Every security scheme the spec declares that the client can apply."""
    default_security: tuple[tuple[str, ...], ...]
    """The spec's top-level `security`: alternatives, each a set of scheme names sent together; an
    empty alternative means no credential is needed. Operations may have their own."""
    base_url_env_var: str
    """Where the base URL comes from when `base_url` is not given."""
    default_base_url: str | None
    """The spec's first server (its variables at their defaults); None when it names none, and
    then `base_url` (or the variable) is required: the key never goes to a guessed host."""
    log_env_var: str
    """`<VAR>=debug` or `info` sends the client's logger to stderr."""
    cli_name: str = ""
    """The command line's name, for its messages."""
    vendor: str = ""
    """Who runs the API, for the command line's advice ("contact ... support")."""

    @property
    def credentials(self) -> tuple[Credential, ...]:
        """Every credential argument of the constructor, in the order of the schemes."""
        return tuple(credential for scheme in self.schemes for credential in scheme.credentials)

    @property
    def secret_headers(self) -> frozenset[str]:
        """Headers (lower case) that carry a credential of these schemes."""
        names = {scheme.header.lower() for scheme in self.schemes if scheme.kind == "api-key-header"}
        if any(scheme.kind in ("bearer", "basic") for scheme in self.schemes):
            names.add("authorization")
        return frozenset(names)

    def scheme_sending_header(self, header: str) -> SecurityScheme | None:
        """The scheme whose credential travels in this header (any case): an api-key header, or
        Authorization for bearer and basic; None for a header that carries none."""
        lowered = header.lower()
        for scheme in self.schemes:
            if scheme.kind == "api-key-header" and scheme.header.lower() == lowered:
                return scheme
            if lowered == "authorization" and scheme.kind in ("bearer", "basic"):
                return scheme
        return None

    @property
    def secret_query_parameters(self) -> frozenset[str]:
        """Query parameters that carry a credential of these schemes."""
        return frozenset(scheme.query for scheme in self.schemes if scheme.kind == "api-key-query")

    def scheme(self, name: str) -> SecurityScheme:
        return next(scheme for scheme in self.schemes if scheme.name == name)

    def describe(self, requirement: tuple[str, ...]) -> str:
        """`api_key= (or <PREFIX>_API_KEY)`: what one alternative needs, for messages."""
        needed = [c for name in requirement for c in self.scheme(name).credentials]
        return " and ".join(f"{c.argument}= (or {' / '.join(c.env_vars)})" for c in needed)
