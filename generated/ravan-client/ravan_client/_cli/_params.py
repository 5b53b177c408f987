"""The options of a command: click parameter types, each argument of an operation as an option
(typed by the operation's own rules), and the connection options every command takes and the
client they make."""

from __future__ import annotations

import datetime
import json
import math
import pathlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from .._base_client import MAX_TIMEOUT, SyncAPIClient
from .._commands import Command, Option, credential_flag
from .._exceptions import InsecureBaseURLError, MissingAPIKeyError
from .._identity import ClientIdentity, Credential
from .._validation import (
    AnyRule,
    ArrayRule,
    BooleanRule,
    ChoiceRule,
    DateRule,
    DateTimeRule,
    IntegerRule,
    NumberRule,
    ObjectRule,
    Rule,
    StringRule,
    UnionRule,
)
from ._errors import EXIT_USAGE, CliError

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_NULL = object()


if TYPE_CHECKING:
    # click 8.5 made ParamType generic; older releases (the cli extra allows 8.1) cannot be subscripted.
    _ParamType = click.ParamType[Any, Any]
else:
    _ParamType = click.ParamType


class Timestamp(_ParamType):
    name = "TIMESTAMP"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime.datetime):
            return value
        try:
            parsed = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 timestamp such as 2026-11-01T00:00:00Z", param, ctx)
        if parsed.tzinfo is None:
            self.fail(f"{value!r} has no timezone; add one (2026-11-01T00:00:00Z or +05:30)", param, ctx)
        return parsed


class _Date(_ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


class _FiniteFloat(_ParamType):
    """A finite number, within optional bounds (click's FloatRange lets nan and inf through)."""

    name = "NUMBER"

    def __init__(
        self,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: float | None = None,
        exclusive_maximum: float | None = None,
    ) -> None:
        self.bounds = (minimum, maximum, exclusive_minimum, exclusive_maximum)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        minimum, maximum, exclusive_minimum, exclusive_maximum = self.bounds
        if (
            (minimum is not None and number < minimum)
            or (maximum is not None and number > maximum)
            or (exclusive_minimum is not None and number <= exclusive_minimum)
            or (exclusive_maximum is not None and number >= exclusive_maximum)
        ):
            self.fail(f"{value} is not {_bounds_text(*self.bounds)}", param, ctx)
        return number


class Seconds(_FiniteFloat):
    name = "SECONDS"


class _Json(_ParamType):
    """A JSON value (an object, when `objects_only`). With `text_too`, for a value that may be a
    string (Qdrant's shard key, a name or a number; Resend's `to`, an address or a list of them),
    text that is not JSON is that string: `--shard-key region_1` needs no JSON quotes."""

    name = "JSON"

    def __init__(self, *, objects_only: bool, text_too: bool = False) -> None:
        self.objects_only = objects_only
        self.text_too = text_too

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            parsed = json.loads(value, parse_constant=_no_constant)
        except ValueError:
            if self.text_too:
                return value
            self.fail(f"{value!r} is not JSON", param, ctx)
        except RecursionError:  # a one-line refusal, not a traceback (json's decoder recurses per level)
            self.fail("the JSON given is nested too deeply", param, ctx)
        if self.objects_only and not isinstance(parsed, dict):
            self.fail(f"{value!r} is not a JSON object", param, ctx)
        return parsed


SCALAR_RULES = (IntegerRule, NumberRule, StringRule, ChoiceRule, DateRule, DateTimeRule)


class _FirstThatFits(_ParamType):
    """A union of single values (an integer or a UUID): the text read as the first variant it fits,
    in the document's order, as the client picks the variant of a value it is given. Typed as it
    is, not as JSON: a UUID needs no quotes."""

    def __init__(self, rule: UnionRule) -> None:
        self.rule = rule
        self.name = " | ".join(_param_type(variant).name.upper() for variant in rule.variants)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        for variant in self.rule.variants:
            try:
                converted = _param_type(variant).convert(value, param, ctx)
                variant.check("value", converted)
            except (click.BadParameter, TypeError, ValueError):
                continue
            return converted
        return self.fail(f"{value!r} is not {self.rule.describe()}", param, ctx)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(name)


class _Nullable(_ParamType):
    """A value of `inner`, or the word `null` to send JSON null."""

    def __init__(self, inner: _ParamType) -> None:
        self.inner = inner
        self.name = f"{inner.name}|null"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "null" or value is _NULL:
            return _NULL
        return self.inner.convert(value, param, ctx)


def _bounds_text(
    minimum: float | None, maximum: float | None, exclusive_minimum: float | None, exclusive_maximum: float | None
) -> str:
    parts = []
    for symbol, bound in ((">=", minimum), (">", exclusive_minimum), ("<=", maximum), ("<", exclusive_maximum)):
        if bound is not None:
            parts.append(f"{symbol} {bound:g}")
    return " and ".join(parts) or "a number"


def _param_type(rule: Rule) -> _ParamType:
    """The click type of a value checked by `rule`: the operation's own rule gives the type,
    bounds and choices (the client checks the value again, with the same rule, before sending)."""
    if isinstance(rule, IntegerRule):
        if all(bound is None for bound in (rule.minimum, rule.maximum, rule.exclusive_minimum, rule.exclusive_maximum)):
            return click.INT
        low = rule.minimum if rule.minimum is not None else rule.exclusive_minimum
        high = rule.maximum if rule.maximum is not None else rule.exclusive_maximum
        return click.IntRange(
            min=None if low is None else int(low),
            max=None if high is None else int(high),
            min_open=rule.minimum is None and rule.exclusive_minimum is not None,
            max_open=rule.maximum is None and rule.exclusive_maximum is not None,
        )
    if isinstance(rule, NumberRule):
        return _FiniteFloat(rule.minimum, rule.maximum, rule.exclusive_minimum, rule.exclusive_maximum)
    if isinstance(rule, ChoiceRule):
        return click.Choice([str(choice) for choice in rule.choices])
    if isinstance(rule, DateTimeRule):
        return Timestamp()
    if isinstance(rule, DateRule):
        return _Date()
    if isinstance(rule, ObjectRule) or (isinstance(rule, UnionRule) and _objects_only(rule)):
        return _Json(objects_only=True)
    if isinstance(rule, UnionRule) and all(isinstance(variant, SCALAR_RULES) for variant in rule.variants):
        return _FirstThatFits(rule)
    if isinstance(rule, AnyRule | UnionRule):
        return _Json(objects_only=False, text_too=_may_be_text(rule))
    if isinstance(rule, ArrayRule):
        # An item that is itself a list (a repeated option's values are the outer list): JSON.
        return _Json(objects_only=False)
    return click.STRING


def _may_be_text(rule: Rule) -> bool:
    """Whether a value of `rule` may be a JSON string."""
    if isinstance(rule, UnionRule):
        return any(_may_be_text(variant) for variant in rule.variants)
    if isinstance(rule, ChoiceRule):
        return any(isinstance(choice, str) for choice in rule.choices)
    return isinstance(rule, AnyRule | StringRule)


def _objects_only(rule: Rule) -> bool:
    """Whether every shape a union may take is a JSON object."""
    if isinstance(rule, UnionRule):
        return all(_objects_only(variant) for variant in rule.variants)
    return isinstance(rule, ObjectRule)


def _file_type() -> _ParamType:
    # A file to upload, by its path: opened for the request and streamed (never `-`: a terminal's
    # stdin is not a file to send).
    return click.Path(exists=True, dir_okay=False, readable=True, path_type=pathlib.Path)


def click_param(command: Command, option: Option, *, default: Any = None) -> click.Parameter:
    argument = command.operation.argument(option.python_name)
    rule = argument.rule
    if argument.location == "path":
        return click.Argument([option.dest], type=_param_type(rule), required=True, metavar=option.python_name.upper())
    flag = option.flag
    help_text = option.help
    show_default: bool | str = False
    if default is not None:
        show_default = True
    elif option.server_default is not None:
        show_default = f"{option.server_default} (the server's)"
    if argument.location == "file" or isinstance(rule, ArrayRule):
        many = argument.many if argument.location == "file" else True
        item_type = _file_type() if argument.location == "file" else _param_type(cast(ArrayRule, rule).items)
        if not many:
            return click.Option([flag, option.dest], type=item_type, required=argument.required, help=help_text)
        return click.Option(
            [flag, option.dest],
            type=item_type,
            multiple=True,
            required=argument.required,
            help=f"{help_text} Repeat the option for several values.".strip(),
        )
    if isinstance(rule, BooleanRule):
        # None, not False, when not given (nothing is sent). An explicit default, even None, turns
        # click's `required` check off (click 8.3+), so a required flag has none.
        unset: dict[str, Any] = {} if argument.required else {"default": None}
        return click.Option(
            [f"{flag}/--no-{flag[2:]}", option.dest],
            **unset,
            required=argument.required,
            help=help_text,
        )
    param_type = _param_type(rule)
    if argument.null_is_sent:
        param_type = _Nullable(param_type)
        help_text = f"{help_text} `null` sends null.".strip()
    return click.Option(
        [flag, option.dest],
        type=param_type,
        required=argument.required,
        **({} if default is None else {"default": default}),  # see the boolean flag above
        show_default=show_default,
        help=help_text,
    )


def method_arguments(command: Command, values: Mapping[str, Any]) -> dict[str, Any]:
    """The options given, as keyword arguments of the client method (absent ones left out)."""
    arguments: dict[str, Any] = {}
    for option in command.options:
        value = values.get(option.dest)
        if value is None or value == ():
            continue
        rule = command.operation.argument(option.python_name).rule
        if value is _NULL:
            value = None
        elif isinstance(value, tuple):  # a repeated option: a list of values, or of files
            value = [_choice_value(rule.items, item) if isinstance(rule, ArrayRule) else item for item in value]
        else:
            value = _choice_value(rule, value)
        arguments[option.python_name] = value
    return arguments


def _choice_value(rule: Rule, text: Any) -> Any:
    """A choice given as text is the choice itself: `--priority 2` is the integer 2 of the enum."""
    if isinstance(rule, ChoiceRule):
        return next((choice for choice in rule.choices if str(choice) == text), text)
    return text


def connection_params(identity: ClientIdentity | None = None) -> list[click.Parameter]:
    if identity is None:
        base_url_help, key_help = "API base URL.", "API key."
    else:
        default = f", else {identity.default_base_url}" if identity.default_base_url else " (required: no default)"
        base_url_help = f"API base URL. Default: {identity.base_url_env_var}{default}."
        key_help = ""
    credentials = identity.credentials if identity is not None else (Credential("api_key", ()),)
    return [
        click.Option(["--base-url"], help=base_url_help),
        *(
            click.Option(
                [credential_flag(credential.argument), credential.argument],
                help=f"{_credential_label(credential.argument)}. Default: {credential.hint()}; prefer the variable, "
                "a command line is visible to other users."
                if credential.env_vars
                else key_help,
            )
            for credential in credentials
        ),
        click.Option(
            ["--timeout"],
            type=Seconds(exclusive_minimum=0, maximum=MAX_TIMEOUT),
            show_default="60 (5 to connect)",
            help="Seconds per attempt, headers and body included.",
        ),
        click.Option(
            ["--max-retries"],
            type=click.IntRange(0, 100),
            show_default="2",
            help="Retries of connection errors, timeouts, 408/409/429/5xx (requests that may create something are "
            "retried only when they never reached the server).",
        ),
        click.Option(
            ["--allow-insecure-http"],
            is_flag=True,
            default=False,
            help="Allow a plain-http --base-url to a host other than this machine (the key travels unencrypted).",
        ),
        click.Option(
            ["--strict-responses"],
            is_flag=True,
            default=False,
            help="Fail (exit as an API error) on a response field whose value does not fit its documented type, "
            "naming the record and field, instead of reading it as empty.",
        ),
    ]


def _credential_label(argument: str) -> str:
    if argument.endswith("username"):
        return "Username"
    if argument.endswith("password"):
        return "Password"
    return "API key" if argument == "api_key" else f"Credential ({argument})"


def make_client(
    client_class: Callable[..., SyncAPIClient], values: Mapping[str, Any], identity: ClientIdentity | None = None
) -> SyncAPIClient:
    arguments = [c.argument for c in identity.credentials] if identity is not None else ["api_key"]
    settings: dict[str, Any] = {
        **{argument: values.get(argument) for argument in arguments},
        "base_url": values.get("base_url"),
        "allow_insecure_http": bool(values.get("allow_insecure_http")),
    }
    if values.get("strict_responses"):
        settings["strict_responses"] = True
    if values.get("timeout") is not None:
        settings["timeout"] = values["timeout"]
    if values.get("max_retries") is not None:
        settings["max_retries"] = values["max_retries"]
    try:
        return client_class(**settings)
    # Told apart by class, never by the message's wording: the command line names its own options.
    except MissingAPIKeyError as error:
        raise CliError(f"No API key: {_key_sources(error.env_vars)}.", EXIT_USAGE) from None
    except InsecureBaseURLError as error:
        raise CliError(
            f"--base-url {error.base_url!r} is plain http to a non-loopback host: the API key would travel "
            "unencrypted. Use https, or pass --allow-insecure-http if you really mean it.",
            EXIT_USAGE,
        ) from None
    except (ValueError, TypeError) as error:
        raise CliError(str(error), EXIT_USAGE) from None


def _key_sources(env_vars: Sequence[str]) -> str:
    """Where a key can come from: `set <PREFIX>_API_KEY (or <another variable>), or pass --api-key`."""
    if not env_vars:
        return "pass --api-key"
    also = f" (or {', '.join(env_vars[1:])})" if len(env_vars) > 1 else ""
    return f"set {env_vars[0]}{also}, or pass --api-key"
