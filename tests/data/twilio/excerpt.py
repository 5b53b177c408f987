"""Cut an excerpt of a Twilio OpenAPI document: some paths, verbatim, and what they reference.

Usage: python tests/data/twilio/excerpt.py SOURCE.yaml PATH [PATH ...] > EXCERPT.yaml

Keeps `openapi`, `info`, `servers` and `tags`, the named path items as they are, and every
`components` entry those reach through `$ref`s (followed transitively), plus the security schemes;
drops the rest. Nothing kept is edited, so the excerpt of two releases differs only where the
releases do. See README.md here for where the documents come from.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import yaml


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/"):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def excerpt(document: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    kept: dict[str, Any] = {key: document[key] for key in ("openapi", "info", "servers", "tags") if key in document}
    kept["paths"] = {path: document["paths"][path] for path in paths}
    components: dict[str, dict[str, Any]] = {}
    if "securitySchemes" in document.get("components", {}):
        components["securitySchemes"] = document["components"]["securitySchemes"]
    pending = list(refs(kept["paths"]))
    while pending:
        _, _, section, name = pending.pop().split("/", 3)
        if name in components.get(section, {}):
            continue
        target = document["components"][section][name]
        components.setdefault(section, {})[name] = target
        pending += refs(target)
    kept["components"] = {section: dict(sorted(entries.items())) for section, entries in components.items()}
    if "security" in document:
        kept["security"] = document["security"]
    return kept


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as file:
        document = yaml.safe_load(file)
    yaml.safe_dump(excerpt(document, argv[2:]), sys.stdout, sort_keys=False, allow_unicode=True, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
