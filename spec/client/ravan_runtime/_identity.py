"""The names a generated client carries, decided by the plan and handed to the runtime.

The runtime names no vendor: the default base URL (the spec's `servers`), the environment
variables the key and base URL come from, the command's name and the vendor's name in its
messages all come from the spec and `spec/client/config.yaml`, through the plan, as one
`ClientIdentity` that the generated `_client.py` defines and both clients (and the CLI) read.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ClientIdentity"]


@dataclass(frozen=True)
class ClientIdentity:
    """What one generated client is called and where its settings come from."""

    api_key_header: str
    """The header the API key travels in (the spec's apiKey security scheme)."""
    api_key_env_vars: tuple[str, ...]
    """Where the key comes from when `api_key` is not given, the first one set winning."""
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

    def key_hint(self) -> str:
        """`RAVAN_API_KEY (or AGNI_API_KEY)`: where a key can come from, for messages."""
        first, *others = self.api_key_env_vars
        return f"{first} (or {', '.join(others)})" if others else first
