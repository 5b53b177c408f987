"""Names: the spec's names as Python identifiers, method names, CLI spellings, wire paths.

Naming rule for methods (documented in README "Changing the API"): the operation's
`x-python-name` if it has one, else its operationId in snake_case with the tag's name (plural or
singular) dropped from the end.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from scripts.lib.openapi_document import Operation, split_path_template
from scripts.lib.plan.errors import PlanError


def snake_case(value: str) -> str:
    """`callSessions` -> `call_sessions`, `X-Request-Id` -> `x_request_id`, `HTTPStatus` -> `http_status`."""
    value = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", value)
    value = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value)
    return re.sub(r"[^0-9a-zA-Z]+", "_", value).strip("_").lower()


# Operators that real documents put in parameter names (`StartTime<`, `Price>=`, `ids[]`): read as
# words, so `StartTime<` and `StartTime>` stay two arguments (`start_time_lt`, `start_time_gt`).
_OPERATOR_WORDS = (("<=", "_lte"), (">=", "_gte"), ("!=", "_ne"), ("<", "_lt"), (">", "_gt"), ("[]", ""))


def argument_identifier(value: str, *, what: str) -> str:
    """The Python name of a parameter or body property: `python_identifier`, operators as words."""
    for operator, word in _OPERATOR_WORDS:
        value = value.replace(operator, word)
    return python_identifier(value, what=what)


def python_identifier(value: str, *, what: str) -> str:
    """A valid, non-keyword Python identifier for a name from the spec (a keyword gets a `_`)."""
    name = snake_case(value)
    if not name:
        raise PlanError(f"{what}: {value!r} gives no Python name")
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or name in {"self", "cls"}:
        name += "_"
    return name


def pascal_case(value: str) -> str:
    return "".join(part.capitalize() for part in snake_case(value).split("_"))


def resource_class_name(tag: str, *, taken: Mapping[str, Any] | frozenset[str] = frozenset()) -> str:
    """The resource class of a tag: `pascal_case`, made a valid class name (a tag `true` is not the
    keyword `True`, a tag `2fa` not a number) that is no model's nor a name the generated modules
    import (`taken`; the Swagger petstore's tag `pet` beside its schema `Pet`: `PetResource`,
    `AsyncPetResource`; Firecrawl's tag `Mapping`: `MappingResource`)."""
    name = pascal_case(tag)
    if not name or name[0].isdigit():
        name = f"Tag{name}"
    if keyword.iskeyword(name):
        name = f"{name}_"
    while name in taken or f"Async{name}" in taken:
        name = f"{name}Resource"
    return name


def generated_operation_id(operation: Operation) -> str:
    """The name of an operation without an operationId, as openapi-python-client makes it
    (`generate_operation_id`): the method, then the path without braces, `/` as `_`
    (`POST /streams/{id}` -> `post_streams_id`)."""
    path = operation.path.replace("{", "").replace("}", "").replace("/", "_").removeprefix("_").removesuffix("_")
    return f"{operation.method}_{path}"


def full_method_name(operation: Operation) -> str:
    """The method name two operations of one resource fall back to when `method_name_of` gives both
    the same: the whole operationId (or the generated one) snake_cased, the tag kept."""
    return python_identifier(
        operation.operation_id or generated_operation_id(operation), what=f"method of {operation.label}"
    )


def method_name_of(operation: Operation, tag: str) -> str:
    """The rule in the module docstring: `x-python-name`, else operationId minus the tag's name."""
    explicit = operation.raw.get("x-python-name")
    if explicit is not None:
        if (
            not isinstance(explicit, str)
            or not re.fullmatch(r"[a-z_][a-z0-9_]*", explicit)
            or keyword.iskeyword(explicit)
        ):
            raise PlanError(
                f"{operation.label}: x-python-name must be a lower-case Python identifier, got {explicit!r}"
            )
        return explicit
    # Without an operationId, the name openapi-python-client would give it (method and path).
    operation_id = operation.operation_id or generated_operation_id(operation)
    words = snake_case(operation_id).split("_")
    tag_words = snake_case(tag).split("_")
    singular = [*tag_words[:-1], tag_words[-1][:-1]] if tag_words[-1].endswith("s") else None
    for suffix in (tag_words, singular):
        if suffix and len(words) > len(suffix) and words[-len(suffix) :] == suffix:
            words = words[: -len(suffix)]
            break
    return python_identifier("_".join(words), what=f"method of {operation.label}")


# RFC 3986 section 3.3: a path's characters besides letters and digits (unreserved, sub-delims,
# ":", "@" and the "/" between segments).
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def wire_path_of(template: str) -> str:
    """The path template with its literal parts percent-encoded (UTF-8) where RFC 3986 asks, so a
    non-ASCII or reserved character is sent as the spec means it; an existing `%XX` is kept."""
    encoded = []
    for index, part in enumerate(split_path_template(template)):
        if index % 2:  # a placeholder's name: the placeholder is replaced by an encoded value at call time
            encoded.append("{" + part + "}")
            continue
        chunks = re.split(r"(%[0-9A-Fa-f]{2})", part)
        encoded.append("".join(chunk if n % 2 else quote(chunk, safe=_PATH_SAFE) for n, chunk in enumerate(chunks)))
    return "".join(encoded)


def snake_to_cli(name: str) -> str:
    return name.replace("_", "-")
