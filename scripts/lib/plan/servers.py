"""Servers: the base URL a `servers` list gives (its first, variables at their defaults)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from scripts.lib.openapi_document import path_placeholders


def default_server_url(raw: Mapping[str, Any]) -> str | None:
    """`servers[0].url` with each `{variable}` at its default; None when there is no absolute one."""
    return server_url(raw.get("servers"))


def server_url(servers: Any) -> str | None:
    """The first of a `servers` list, its variables at their defaults; None when not absolute, or
    when a variable has no default (Asana's `{siteUrl}`; the validator refuses that in our own
    spec): the client is then given its base URL, as for a relative one."""
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], Mapping):
        return None
    server = servers[0]
    url = server.get("url")
    if not isinstance(url, str):
        return None
    variables = server.get("variables") or {}
    for name in path_placeholders(url):
        variable = variables.get(name) if isinstance(variables, Mapping) else None
        default = variable.get("default") if isinstance(variable, Mapping) else None
        if not isinstance(default, str):
            return None
        url = url.replace("{" + name + "}", default)
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return url.rstrip("/")
