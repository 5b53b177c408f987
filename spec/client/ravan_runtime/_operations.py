"""What a generated method hands the client: one `OperationSpec` per operation, and the request it builds.

The generated resources describe each operation of the spec once, as data: its method, its path
template, each parameter (path, query, header) and JSON body property with its wire name and rule
(`_validation.py`), and whether it may be retried once the request may have reached the server.
A generated method passes its arguments to `OperationSpec.build`, which checks every one of
them before anything is sent and returns the `RequestOptions` the client sends: method, encoded
path, query, headers, JSON body, timeout, retries. The client never looks inside generated code.

Encoding rules:
- a path parameter is one path segment, percent-encoded (`a/b?c` is `a%2Fb%3Fc`; `.` and `..` are
  encoded too, so no value can change which path is requested);
- a query, header or cookie parameter that is None is not sent (a required nullable one too);
  a path parameter that is None is refused;
- a query array or object travels as OpenAPI's style table spells it (`_query_pairs`): an array
  as repeated keys, or its items joined by `,`, a space or `|`; an object as `k=v` pairs, as
  `name[k]=v` (deepObject), or its keys and values joined; `query_string` encodes the query;
- a body property left out (None for a property that cannot be null, `NOT_GIVEN` for one that
  can) is not sent; None for a nullable property sends JSON null.
- `extra_query`, `extra_headers` and `extra_body` are sent as given, unchecked (the vendor's docs
  drift; this is the way to send what they do not list); they cannot set the API key header, and
  they cannot name what the operation declares (a query or header parameter, a body property):
  that is refused with a TypeError that names the keyword argument to use. Strict in what it
  sends: a declared value goes through its argument's checks, and the pager reads the page size
  from the argument, so `extra_query={"page_size": 5}` would make a short page look like the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import quote

from ._files import DEFAULT_CONTENT_TYPE, FilePart, file_parts
from ._secrets import Secret
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes
from ._validation import MAX_ENCODED_QUERY_VALUE, ArrayRule, ObjectRule, Rule, UnionRule, check_single_value

__all__ = ["Argument", "BodySpec", "OperationSpec", "Parameter", "RequestOptions", "query_string"]


@dataclass(frozen=True)
class Parameter:
    """A path, query, header or cookie parameter: its Python and wire names and its rule."""

    python_name: str
    wire_name: str
    location: str
    rule: Rule
    required: bool = False
    explode: bool = True
    """A query array or object: False sends its items (an object's keys and values) as one value,
    joined by the style's delimiter (`explode: false`)."""
    style: str = "form"
    """A query array's or object's OpenAPI style: form, spaceDelimited, pipeDelimited, deepObject."""


JSON_MEDIA_TYPE = "application/json"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_MEDIA_TYPE = "multipart/form-data"
OCTET_STREAM_MEDIA_TYPE = "application/octet-stream"
STRUCTURED_MEDIA_TYPES = frozenset({JSON_MEDIA_TYPE, FORM_MEDIA_TYPE, MULTIPART_MEDIA_TYPE})
"""Bodies the client writes from values. Any other media type is a raw body: the one file argument
`body`, sent as it is (an octet-stream upload, an image, an audio file, a text)."""


def is_raw_media_type(media_type: str) -> bool:
    """Whether a body of `media_type` is one file sent as it is (see STRUCTURED_MEDIA_TYPES)."""
    return media_type not in STRUCTURED_MEDIA_TYPES


def form_fields(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A flattened body's JSON-ready values as form fields: arrays repeat their key (OpenAPI's
    form style, exploded), booleans are `true`/`false`, null is left out."""
    fields: list[tuple[str, str]] = []
    for name, value in payload.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, bool):
                fields.append((name, "true" if item else "false"))
            elif isinstance(item, dict | list):
                raise TypeError(f"{name}: a form field holds text, not {type(item).__name__}")
            else:
                fields.append((name, str(item)))
    return fields


def multipart_fields(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The non-file parts of a multipart body: values as form fields, an object (or a list of
    them) as its JSON text (OpenAPI's default for object parts)."""
    fields: list[tuple[str, str]] = []
    for name, value in payload.items():
        if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(i, dict | list) for i in value)):
            fields.append((name, json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))))
        else:
            fields.extend(form_fields({name: value}))
    return fields


@dataclass(frozen=True)
class BodySpec:
    """A request body. Flattened: each property is a keyword argument (`properties` maps Python
    names to wire names); otherwise the whole body is the one argument `body`. Sent as JSON, or
    as `application/x-www-form-urlencoded` when `media_type` says so (flattened only)."""

    rule: Rule
    flattened: bool
    properties: tuple[tuple[str, str], ...] = ()
    required: bool = True
    media_type: str = JSON_MEDIA_TYPE
    files: tuple[tuple[str, str, bool, bool], ...] = ()
    """A multipart body's file properties: (Python name, wire name, a list of files?, required?)."""


@dataclass(frozen=True)
class Argument:
    """One keyword argument of the operation's method, wherever it goes in the request: what the
    command line builds the argument's option from (`OperationSpec.argument`), so that its type,
    bounds, choices and nullability are described once, by the rule the request is checked with."""

    python_name: str
    location: str
    """path, query or header (a parameter), body (a property of the body, or the whole body), or
    file (a file part of a multipart body)."""
    rule: Rule
    """The rule the value is checked with (a file part's is the body's, unused: the file is opened)."""
    required: bool = False
    many: bool = False
    """A file argument that takes a list of files."""

    @property
    def null_is_sent(self) -> bool:
        """A body value that may be null: None sends JSON null (a parameter that is None is not sent)."""
        return self.location == "body" and self.rule.nullable


@dataclass(frozen=True)
class RequestOptions:
    """One request, ready to send: what every generated method hands the client."""

    method: str
    path: str
    params: tuple[tuple[str, Any], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    json_body: Any = NOT_GIVEN
    body_media_type: str = "application/json"
    """How json_body travels: JSON, or form-urlencoded (its keys and values as form fields)."""
    accept: str = "application/json"
    """The Accept header: the success response's media type."""
    files: tuple[FilePart, ...] = ()
    """A multipart body's files (its other fields are json_body's)."""
    cookie: Secret | None = None
    """The Cookie header of the operation's cookie parameters: a Secret, not one of `headers`,
    so that no repr or pickle of the request holds it (a cookie is often a session token)."""
    server: str | None = None
    """The operation's own server (the spec's per path or operation), used unless the client was
    given a base URL of its own."""
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    retry_after_send: bool = True
    """False for POST and PATCH not marked `x-idempotent`: only failures to connect are retried."""
    security: tuple[tuple[str, ...], ...] | None = None
    """The operation's own `security` (alternatives of scheme names; `()` among them: none needed),
    or None for the spec's top-level one."""

    def with_param(self, name: str, value: Any) -> RequestOptions:
        """The same request with one query parameter replaced (the pager's page number)."""
        from dataclasses import replace

        params = (*tuple((k, v) for k, v in self.params if k != name), (name, value))
        return replace(self, params=params)


@dataclass(frozen=True)
class OperationSpec:
    """One operation of the spec, as the generated code describes it."""

    method: str
    path: str
    parameters: tuple[Parameter, ...] = ()
    body: BodySpec | None = None
    retry_after_send: bool = True
    security: tuple[tuple[str, ...], ...] | None = None
    """The operation's own `security`, when it has one (see RequestOptions.security)."""
    accept: str = "application/json"
    server: str | None = None
    """The operation's (or its path's) own server, when the spec gives one."""

    def argument(self, python_name: str) -> Argument:
        """The keyword argument `python_name` of the operation's method (KeyError: it has none)."""
        for parameter in self.parameters:
            if parameter.python_name == python_name:
                return Argument(python_name, parameter.location, parameter.rule, parameter.required)
        body = self.body
        if body is not None:
            for name, _wire_name, many, required in body.files:
                if name == python_name:
                    return Argument(python_name, "file", body.rule, required, many=many)
            if not body.flattened and python_name == "body":
                return Argument(python_name, "body", body.rule, body.required)
            wire_names = dict(body.properties)
            if python_name in wire_names and isinstance(body.rule, ObjectRule):
                for object_field in body.rule.fields:
                    if object_field.wire_name == wire_names[python_name]:
                        return Argument(python_name, "body", object_field.rule, object_field.required)
        raise KeyError(f"{self.method} {self.path} has no argument {python_name!r}")

    def build(
        self,
        arguments: Mapping[str, Any],
        *,
        extra_query: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RequestOptions:
        """Check every argument, then encode them; raises TypeError/ValueError naming the argument."""
        path = self.path
        params: list[tuple[str, Any]] = []
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for parameter in self.parameters:
            value = arguments.get(parameter.python_name)
            # None is not sent, for a nullable required parameter too: its text would be 'None'.
            if value is None and parameter.location != "path" and (not parameter.required or parameter.rule.nullable):
                continue
            if parameter.location == "cookie":
                _check_unshown(parameter, value)
            else:
                parameter.rule.check(parameter.python_name, value)
            if parameter.location == "path":
                path = path.replace("{" + parameter.wire_name + "}", _path_segment(parameter, value))
            elif parameter.location == "query":
                for key, text in _query_pairs(parameter, parameter.rule, value):
                    _check_query_length(parameter.python_name, text)
                    params.append((key, text))
            elif parameter.location == "cookie":
                cookies.append(f"{parameter.wire_name}={_cookie_value(parameter, value)}")
            elif not (isinstance(parameter.rule, ArrayRule) and _empty_header_array(parameter, value)):
                headers[parameter.wire_name] = _header_value(parameter, value)
        # One Cookie header, as httpx builds one from a jar; like httpx, a redirect drops it.
        cookie = Secret("; ".join(cookies)) if cookies else None

        self._refuse_declared(extra_query, extra_headers, extra_body)
        json_body: Any = NOT_GIVEN
        parts: list[FilePart] = []
        if self.body is not None:
            raw = is_raw_media_type(self.body.media_type)
            # A raw body's file goes as the body's own media type unless the caller names one.
            default_type = self.body.media_type if raw else DEFAULT_CONTENT_TYPE
            for python_name, wire_name, many, required in self.body.files:
                value = arguments.get(python_name, NOT_GIVEN)
                if value is NOT_GIVEN or value is None:
                    if required:
                        raise TypeError(f"{python_name} is required")
                    continue
                parts.extend(file_parts(python_name, wire_name, value, many=many, content_type=default_type))
            # A raw body is its one file, sent as it is: nothing goes as JSON.
            json_body = NOT_GIVEN if raw else self._body(arguments)
            if extra_body:
                if not isinstance(json_body, dict):
                    raise TypeError("extra_body needs a JSON object body to add keys to")
                json_body.update(extra_body)
        elif extra_body:
            raise TypeError("extra_body: this operation has no request body")
        if extra_query:
            for name, value in extra_query.items():
                if isinstance(value, list | tuple):
                    params.extend((name, item) for item in value)
                else:
                    params.append((name, value))
        if extra_headers:
            headers.update(extra_headers)
        return RequestOptions(
            method=self.method.upper(),
            path=path,
            params=tuple(params),
            headers=headers,
            json_body=json_body,
            body_media_type=self.body.media_type if self.body is not None else JSON_MEDIA_TYPE,
            timeout=timeout,
            max_retries=max_retries,
            retry_after_send=self.retry_after_send,
            security=self.security,
            accept=self.accept,
            files=tuple(parts),
            server=self.server,
            cookie=cookie,
        )

    def _refuse_declared(
        self,
        extra_query: Mapping[str, Any] | None,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> None:
        """A TypeError if an extra_* key names a parameter or body property the operation declares."""
        declared: dict[str, dict[str, str]] = {"query": {}, "header": {}}
        for parameter in self.parameters:
            if parameter.location == "query":
                declared["query"][parameter.wire_name] = parameter.python_name
            elif parameter.location == "header":
                declared["header"][parameter.wire_name.lower()] = parameter.python_name
        for name in extra_query or ():
            if name in declared["query"]:
                _refuse("extra_query", name, declared["query"][name])
        for name in extra_headers or ():
            if isinstance(name, str) and name.lower() in declared["header"]:
                _refuse("extra_headers", name, declared["header"][name.lower()])
        if extra_body and self.body is not None:
            if self.body.flattened:
                properties = {wire: python for python, wire in self.body.properties}
            elif isinstance(self.body.rule, ObjectRule):
                properties = {f.wire_name: "body" for f in self.body.rule.fields}
            else:
                properties = {}
            for name in extra_body:
                if name in properties:
                    _refuse("extra_body", name, properties[name])

    def _body(self, arguments: Mapping[str, Any]) -> Any:
        body = self.body
        assert body is not None
        if not body.flattened:
            value = arguments.get("body", NOT_GIVEN)
            if value is NOT_GIVEN or (value is None and not body.rule.nullable):
                if body.required:
                    raise TypeError("body is required")
                return NOT_GIVEN
            body.rule.check("body", value)
            return None if value is None else body.rule.to_json(value)
        payload: dict[str, Any] = {}
        rules = {f.wire_name: f for f in body.rule.fields} if isinstance(body.rule, ObjectRule) else {}
        for python_name, wire_name in body.properties:
            value = arguments.get(python_name, NOT_GIVEN)
            object_field = rules[wire_name]
            if value is NOT_GIVEN or (value is None and not object_field.rule.nullable):
                if object_field.required:
                    raise TypeError(f"{python_name} is required")
                continue
            object_field.rule.check(python_name, value)
            payload[wire_name] = None if value is None else object_field.rule.to_json(value)
        return payload


def _refuse(where: str, name: str, argument: str) -> NoReturn:
    how = "the body= argument" if argument == "body" else f"the {argument}= argument"
    raise TypeError(
        f"{where} must not set {name!r}: the operation declares it; pass it through {how} instead "
        "(extra_* is for what the spec does not list)"
    )


def _path_segment(parameter: Parameter, value: Any) -> str:
    if value is None:  # a nullable one passed its check: no segment means it
        raise ValueError(f"{parameter.python_name} must not be None: it is a segment of the URL path")
    text = parameter.rule.to_text(value)
    if text == "":
        raise ValueError(f"{parameter.python_name} must not be empty: it is a segment of the URL path")
    # "." and ".." would be resolved away by the URL; as %2E they stay one segment.
    if text in (".", ".."):
        return text.replace(".", "%2E")
    return quote(text, safe="")


def _check_unshown(parameter: Parameter, value: Any) -> None:
    """A cookie's check, its value never in the message: a cookie is often a session token."""
    try:
        parameter.rule.check(parameter.python_name, value)
    except (TypeError, ValueError) as error:
        shown = f"{parameter.python_name} must be {parameter.rule.describe()} (a cookie: its value is not shown)"
        raise type(error)(shown) from None


# RFC 6265 section 4.1.1: the characters a cookie's value may hold (printable ASCII but space, `"`,
# `,`, `;` and `\`). A `;` would add a cookie the caller did not give.
_COOKIE_OCTETS = frozenset(
    chr(c) for c in (0x21, *range(0x23, 0x2C), *range(0x2D, 0x3B), *range(0x3C, 0x5C), *range(0x5D, 0x7F))
)


def _cookie_value(parameter: Parameter, value: Any) -> str:
    text = parameter.rule.to_text(value)
    if not set(text) <= _COOKIE_OCTETS:
        raise ValueError(
            f"{parameter.python_name} cannot be sent as a cookie: only printable ASCII without spaces, "
            "'\"', ',', ';' or '\\' (its value is not shown)"
        )
    return text


def _empty_header_array(parameter: Parameter, value: Any) -> bool:
    """Whether a header array holds no item: then it is not sent (RFC 6570, which OpenAPI's `simple`
    style follows, takes an empty list as undefined; an empty header would read as one empty item).
    A required one has no spelling: ValueError."""
    if len(value):
        return False
    if parameter.required:
        raise ValueError(f"{parameter.python_name} must hold at least one item (an empty header would read as one)")
    return True


def _header_value(parameter: Parameter, value: Any) -> str:
    """A checked header value as its text; an array's items joined by commas (OpenAPI's `simple`
    style, the only one for headers; an item holding a comma is refused, as in a query). A list or
    an object where a union or any value is allowed is refused: its text would be Python's."""
    rule = parameter.rule
    if isinstance(rule, ArrayRule):
        labelled = [(f"{parameter.python_name}[{index}]", text) for index, text in enumerate(rule.to_texts(value))]
        text = _delimited("form", labelled)
    else:
        check_single_value(parameter.python_name, value, sent="as a header")
        text = rule.to_text(value)
    if any((ord(character) < 0x20 and character != "\t") or ord(character) == 0x7F for character in text):
        raise ValueError(f"{parameter.python_name} must not contain control characters (it is sent as a header)")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"{parameter.python_name} must be Latin-1 text (it is sent as a header)") from None
    return text


# What joins an unexploded array's items (an object's keys and values), by style (OpenAPI's style
# table): `ids=1,2,3`, `ids=1 2 3` (sent as %20), `ids=1|2|3`.
DELIMITERS = {"form": (",", "a comma"), "spaceDelimited": (" ", "a space"), "pipeDelimited": ("|", "a '|'")}


def _query_pairs(parameter: Parameter, rule: Rule, value: Any) -> list[tuple[str, str]]:
    """A checked query value as (key, text) pairs, as OpenAPI's style table spells it: a single
    value `name=v`; an array `name=a&name=b` (form, exploded) or its items joined by the style's
    delimiter; an object `k1=v1&k2=v2` (form, exploded), `name[k1]=v1` (deepObject) or its keys
    and values joined (`name=k1,v1,k2,v2`). A union is sent as the variant the value fits."""
    name, wire_name = parameter.python_name, parameter.wire_name
    if isinstance(rule, UnionRule):
        variant, value = rule.variant_of(name, value)
        return _query_pairs(parameter, variant, value)
    if isinstance(rule, ArrayRule):
        for index, item in enumerate(value):
            check_single_value(f"{name}[{index}]", item)
        labelled = [(f"{name}[{index}]", text) for index, text in enumerate(rule.to_texts(value))]
    elif isinstance(rule, ObjectRule):
        pairs = rule.to_text_pairs(name, value)
        if parameter.style == "deepObject":
            for key, _ in pairs:
                if not key:
                    raise ValueError(f"{name} has an empty key: `{wire_name}[]=` would be read as an array")
                if "[" in key or "]" in key:
                    raise ValueError(f"{name} has the key {key!r}: a deepObject key cannot hold '[' or ']'")
            return [(f"{wire_name}[{key}]", text) for key, text in pairs]
        if parameter.explode:
            return pairs
        # The keys travel beside the values, so a key holding the delimiter is refused alike.
        labelled = [(f"{name}[{key!r}]", part) for key, text in pairs for part in (key, text)]
    else:
        # A parameter of any value (no schema, or a union planned as any) given a list or an object:
        # its text would be Python's `['a', 'b']`.
        check_single_value(name, value)
        return [(wire_name, rule.to_text(value))]
    if parameter.explode:
        return [(wire_name, text) for _, text in labelled]
    return [(wire_name, _delimited(parameter.style, labelled))]


def _delimited(style: str, labelled: Sequence[tuple[str, str]]) -> str:
    """Texts sent as one value, joined by the style's delimiter. A text holding the delimiter is
    refused (named by its label): the server would read two items where one was meant, and the
    styles have no escape for it."""
    delimiter, said = DELIMITERS[style]
    for label, text in labelled:
        if delimiter in text:
            raise ValueError(f"{label} must not contain {said} (the items are sent separated by it)")
    return delimiter.join(text for _, text in labelled)


# What a query string keeps unencoded: the joined styles' delimiters and deepObject's brackets, as
# OpenAPI's style table spells them (`color=blue,black`, `color=blue|black`, `color[R]=100`). A value
# holding its style's delimiter is refused before it is joined (`_delimited`), so there a raw one is
# always a delimiter; anywhere else a server reads the same text, encoded or not. A space is %20
# (the table's `blue%20black`), not the `+` that only form decoders read as a space.
QUERY_KEY_SAFE = ",|[]"
QUERY_VALUE_SAFE = ",|"


def query_string(pairs: Iterable[tuple[str, Any]]) -> str:
    """The query string of (key, value) pairs: a value as httpx would give it (True as `true`,
    None as empty), percent-encoded but for QUERY_KEY_SAFE and QUERY_VALUE_SAFE."""
    return "&".join(
        f"{quote(_query_text(key), safe=QUERY_KEY_SAFE)}={quote(_query_text(value), safe=QUERY_VALUE_SAFE)}"
        for key, value in pairs
    )


def _query_text(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


def _check_query_length(name: str, text: str) -> None:
    encoded = len(quote(text, safe=""))
    if encoded > MAX_ENCODED_QUERY_VALUE:
        raise ValueError(
            f"{name} is too long for a URL: {encoded} bytes once encoded, at most {MAX_ENCODED_QUERY_VALUE}"
        )
