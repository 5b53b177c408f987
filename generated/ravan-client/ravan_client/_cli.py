"""The `ravan-calls` command line, built from the generated `cli.py`'s data (`_commands.py`).

Needs the `cli` extra (click and rich); `import ravan_client` never imports this module.

Commands: `ravan-calls <resource> <operation>` for every operation of the spec
(`ravan-calls call-sessions list`, `... call-sessions retrieve ID`), and `<resource> export` for
every paginated one; the resource named by the spec's `x-cli.top-level-commands` also has its
commands at the top level (`ravan-calls list`, `ravan-calls export`), as before the CLI grew
groups. Options are typed from the schema; a bad value, like every expected failure, ends in one
line on stderr and a non-zero exit (2 for usage, 1 for the API or the disk, 130 on Ctrl-C, 143 on
SIGTERM).

Output:
- `list` prints one page: a table on a terminal (ids and timestamps are never cut or wrapped:
  other columns are shortened or dropped first), tab-separated lines when piped, or
  `--format json|jsonl|csv`.
- `export` streams every page to a file (or `-o -`, stdout) as jsonl, json or csv. It writes to a
  temporary file beside the target and renames it over the target only when the export is
  complete; on any failure (an API error, Ctrl-C, SIGTERM, a full disk) the target is left as it
  was and the whole records received so far are kept in `<target>.partial`, which the message
  names, with the count. The count shown always equals what the file holds. An export that runs
  to the end asks for one page more than the last (whatever the pagination style) and fails if
  it holds new records: a server that caps the page size, or reports a wrong total, would
  otherwise end it early with records missing and exit 0.
- Other operations print the response as JSON, as received.

What the server sends cannot attack the reader: control characters and bidi overrides are shown
as escapes on a terminal and in the TSV output (a clear-screen or a hyperlink in a caller's name
does nothing), and a CSV cell that a spreadsheet would run as a formula (one starting with `=`,
`+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as OWASP advises; numbers are
written as numbers. A lone surrogate (legal in JSON) is kept as its `\\uXXXX` escape in JSON
output and becomes U+FFFD in CSV.
"""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import json
import math
import os
import pathlib
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ._base_client import MAX_TIMEOUT, SyncAPIClient
from ._commands import Column, Command, Group, Option, Program, credential_flag
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InsecureBaseURLError,
    InternalServerError,
    MissingAPIKeyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RepeatedPageError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._identity import ClientIdentity, Credential
from ._pagination import unseen_items
from ._secrets import display_url
from ._sync import INSTALL_HINT, SyncStats, dlt_resource, run_sync
from ._validation import (
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
    UnionRule,
)

__all__ = ["CliError", "build", "run"]

EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXPORT_FORMATS = ("jsonl", "csv", "json")
LIST_FORMATS = ("table", "tsv", "json", "jsonl", "csv")
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 controls (tab and newline too: they would break a table cell or a TSV line), DEL, and
# the Unicode bidi controls that can make text read differently from what it is.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# In JSON text json.dumps already escapes C0 controls inside strings (and the layout's newlines
# must stay): DEL, C1 controls and bidi controls are left for us.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NULL = object()

if TYPE_CHECKING:
    # click 8.5 made ParamType generic; older releases (the cli extra allows 8.1) cannot be subscripted.
    _ParamType = click.ParamType[Any, Any]
else:
    _ParamType = click.ParamType


class CliError(Exception):
    """An expected failure: printed as one line, no traceback, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = EXIT_API_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that an export ends like a Ctrl-C does."""


# --- entry point -------------------------------------------------------------------------------


def run(program: Program, client_class: Callable[..., SyncAPIClient], argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line and exit with its status."""
    command = build(program, client_class)
    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        code = command.main(
            args=list(argv) if argv is not None else None, prog_name=program.name, standalone_mode=False
        )
    except click.UsageError as error:
        hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
        _fail(stderr, f"{error.format_message()}{hint}", EXIT_USAGE)
    except click.ClickException as error:
        _fail(stderr, error.format_message(), error.exit_code)
    except click.Abort:
        _fail(stderr, "Interrupted.", EXIT_INTERRUPTED)
    except CliError as error:
        _fail(stderr, str(error), error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(stderr: Console, message: str, exit_code: int) -> NoReturn:
    stderr.print(f"[red]error:[/] {escape(terminal_safe(message))}")
    sys.exit(exit_code)


def build(program: Program, client_class: Callable[..., SyncAPIClient]) -> click.Group:
    """The click command tree of `program`."""
    root = click.Group(name=program.name, help=program.help, context_settings=CONTEXT_SETTINGS, no_args_is_help=True)
    root.params.append(
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            help="Print the version and what it was generated from, then exit.",
            callback=lambda ctx, _param, value: _print_version(ctx, program) if value else None,
        )
    )
    for group in program.groups:
        commands = _group_commands(group, client_class, program.identity)
        sub = click.Group(name=group.name, help=group.help, context_settings=CONTEXT_SETTINGS, no_args_is_help=True)
        for command in commands:
            sub.add_command(command)
        root.add_command(sub)
        if group.attribute == program.top_level_group:
            for command in commands:
                if command.name not in root.commands:
                    root.add_command(command)
    return root


def _print_version(ctx: click.Context, program: Program) -> None:
    click.echo(
        f"{program.name} {program.version} (generated from spec version {program.spec_version}, "
        f"sha256 {program.spec_sha256[:12]})"
    )
    ctx.exit(0)


def _group_commands(
    group: Group, client_class: Callable[..., SyncAPIClient], identity: ClientIdentity | None
) -> list[click.Command]:
    commands: list[click.Command] = []
    for command in group.commands:
        commands.append(_operation_command(group, command, client_class, identity))
        if command.paginated and command.export_name:
            commands.append(_export_command(group, command, client_class, identity))
        if command.incremental is not None:
            commands.append(_sync_command(group, command, client_class, identity))
    return commands


# --- options -----------------------------------------------------------------------------------


class _Timestamp(_ParamType):
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


class _Seconds(_FiniteFloat):
    name = "SECONDS"


class _Json(_ParamType):
    """A JSON value (an object, when `objects_only`)."""

    name = "JSON"

    def __init__(self, *, objects_only: bool) -> None:
        self.objects_only = objects_only

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            parsed = json.loads(value, parse_constant=_no_constant)
        except ValueError:
            self.fail(f"{value!r} is not JSON", param, ctx)
        if self.objects_only and not isinstance(parsed, dict):
            self.fail(f"{value!r} is not a JSON object", param, ctx)
        return parsed


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
        return _Timestamp()
    if isinstance(rule, DateRule):
        return _Date()
    if isinstance(rule, ObjectRule) or (isinstance(rule, UnionRule) and _objects_only(rule)):
        return _Json(objects_only=True)
    if isinstance(rule, AnyRule | UnionRule):
        return _Json(objects_only=False)
    return click.STRING


def _objects_only(rule: Rule) -> bool:
    """Whether every shape a union may take is a JSON object."""
    if isinstance(rule, UnionRule):
        return all(_objects_only(variant) for variant in rule.variants)
    return isinstance(rule, ObjectRule)


def _file_type() -> _ParamType:
    # A file to upload, by its path: opened for the request and streamed (never `-`: a terminal's
    # stdin is not a file to send).
    return click.Path(exists=True, dir_okay=False, readable=True, path_type=pathlib.Path)


def _click_param(command: Command, option: Option, *, default: Any = None) -> click.Parameter:
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


def _connection_params(identity: ClientIdentity | None = None) -> list[click.Parameter]:
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
            type=_Seconds(exclusive_minimum=0, maximum=MAX_TIMEOUT),
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


def _arguments(command: Command, values: Mapping[str, Any]) -> dict[str, Any]:
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


def _credential_label(argument: str) -> str:
    if argument.endswith("username"):
        return "Username"
    if argument.endswith("password"):
        return "Password"
    return "API key" if argument == "api_key" else f"Credential ({argument})"


def _make_client(
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
    """Where a key can come from: `set RAVAN_API_KEY (or AGNI_API_KEY), or pass --api-key`."""
    if not env_vars:
        return "pass --api-key"
    also = f" (or {', '.join(env_vars[1:])})" if len(env_vars) > 1 else ""
    return f"set {env_vars[0]}{also}, or pass --api-key"


def _call(call: Callable[[], Any], identity: ClientIdentity | None = None, size_flag: str | None = None) -> Any:
    """Argument errors from the client's own checks are usage errors (exit 2); API errors one line."""
    try:
        return call()
    except (ValueError, TypeError) as error:
        raise CliError(str(error), EXIT_USAGE) from None
    except APIError as error:
        raise CliError(explain(error, identity, size_flag=size_flag)) from None


# --- commands ----------------------------------------------------------------------------------


def _operation_command(
    group: Group, command: Command, client_class: Callable[..., SyncAPIClient], identity: ClientIdentity | None
) -> click.Command:
    params = [_click_param(command, option) for option in command.options]
    if command.paginated:
        params.append(
            click.Option(
                ["--format", "output_format"],
                type=click.Choice(LIST_FORMATS),
                help="table (the default on a terminal), tsv (the default when piped), json, jsonl or csv.",
            )
        )
    params.extend(_connection_params(identity))

    def callback(**values: Any) -> None:
        arguments = _arguments(command, values)
        with _make_client(client_class, values, identity) as client:
            method = getattr(getattr(client, group.attribute), command.method)
            result = _call(lambda: method(**arguments), identity, command.size_flag)
            if command.paginated:
                _print_page(result, command, values.get("output_format"))
            else:
                _print_result(result, command)

    return click.Command(
        name=command.name,
        callback=callback,
        params=params,
        help=command.help,
        short_help=command.help.split(". ")[0],
        context_settings=CONTEXT_SETTINGS,
    )


def _export_command(
    group: Group, command: Command, client_class: Callable[..., SyncAPIClient], identity: ClientIdentity | None
) -> click.Command:
    assert command.export_name is not None
    singular, plural = command.item_noun
    params: list[click.Parameter] = [
        click.Option(
            ["--output", "-o"],
            required=True,
            help="File to write; `-` writes to stdout. The file is replaced only when the export is complete.",
        ),
        click.Option(
            ["--format", "-f", "export_format"],
            type=click.Choice(EXPORT_FORMATS),
            default="jsonl",
            show_default=True,
            help=f"jsonl: one {singular} per line; json: an array; csv: one row per {singular}, nested objects "
            "flattened.",
        ),
        click.Option(
            ["--prefetch"],
            type=click.IntRange(0, 32),
            default=0,
            show_default=True,
            help="Page requests to keep in flight (0: one at a time).",
        ),
        click.Option(["--max-items"], type=click.IntRange(min=0), help=f"Stop after this many {plural}."),
    ]
    for option in command.options:
        if option.python_name == command.size_option:
            params.append(_click_param(command, option, default=command.export_page_size))
        elif option.python_name != command.page_option:
            params.append(_click_param(command, option))
    params.extend(_connection_params(identity))

    def callback(**values: Any) -> None:
        arguments = _arguments(command, values)
        output = str(values["output"])
        with _make_client(client_class, values, identity) as client:
            method = getattr(getattr(client, group.attribute), command.method)
            export(
                lambda: method(**arguments, max_items=values.get("max_items"), prefetch=values["prefetch"]),
                output=output,
                export_format=values["export_format"],
                columns=command.export_columns,
                noun=command.item_noun,
                stderr=Console(stderr=True, highlight=False, soft_wrap=True),
                check_last_page=values.get("max_items") is None,
                identity=identity,
                size_flag=command.size_flag,
            )

    return click.Command(
        name=command.export_name,
        callback=callback,
        params=params,
        help=f"Write every {singular} that matches the filters to a file, streaming page by page "
        f"({command.method} with every page). The page size defaults to {command.export_page_size}, the largest "
        "the spec lets us assume is safe. Progress goes to stderr when it is a terminal; interrupted or failed, "
        "the file is left as it was and what was received is kept in FILE.partial.",
        short_help=f"Write every {singular} to a file (jsonl, json or csv).",
        context_settings=CONTEXT_SETTINGS,
    )


def _sync_command(
    group: Group,
    command: Command,
    client_class: Callable[..., SyncAPIClient],
    identity: ClientIdentity | None = None,
) -> click.Command:
    """`sync`: keep a database table of the items up to date (`_sync.py`; needs the sync extra)."""
    spec = command.incremental
    assert spec is not None
    singular, plural = command.item_noun
    size = command.option(command.size_option)
    params: list[click.Parameter] = [
        click.Option(
            ["--destination"],
            default="duckdb",
            show_default=True,
            help="A dlt destination (duckdb, postgres, bigquery, snowflake, ...); its credentials come from dlt's "
            "own configuration (environment variables such as DESTINATION__POSTGRES__CREDENTIALS, or "
            ".dlt/secrets.toml).",
        ),
        click.Option(
            ["--database"],
            default=f"{spec.table}.duckdb",
            show_default=True,
            help="The DuckDB file (with --destination duckdb).",
        ),
        click.Option(
            ["--dataset"],
            show_default=f"main with DuckDB (its own schema: the table is just {spec.table}), else {spec.table}",
            help="The dataset (schema) to load into.",
        ),
        click.Option(
            ["--since"],
            type=_Timestamp(),
            help=f"On the first run, only {plural} whose {spec.cursor} is after this (later runs continue from "
            "where the last one ended).",
        ),
        click.Option(
            ["--lag"],
            type=_Seconds(minimum=0),
            default=spec.lag,
            show_default=True,
            help=f"Seconds before the last {spec.cursor} loaded that every run reads again: a {singular} changes "
            "after it starts.",
        ),
        click.Option(
            ["--prefetch"],
            type=click.IntRange(0, 32),
            default=1,
            show_default=True,
            help="Page requests to keep in flight (1: one at a time, the next on the wire while this one loads; "
            "0: none while loading).",
        ),
    ]
    if size is not None:
        params.append(_click_param(command, size, default=command.export_page_size))
    params.extend(_connection_params(identity))

    def callback(**values: Any) -> None:
        stderr = Console(stderr=True, highlight=False, soft_wrap=True)
        for module in ("dlt", "pyarrow", "duckdb") if values["destination"] == "duckdb" else ("dlt", "pyarrow"):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as error:
                raise CliError(f"sync needs the sync extra ({error.name} is not installed): {INSTALL_HINT}") from None
        started = time.monotonic()
        stats = SyncStats()
        with _make_client(client_class, values, identity) as client, _progress(stderr) as bar, _sigterm_raises():
            task = bar.add_task("syncing", total=None, written=0, pages=0, rate=0.0) if bar else None

            def on_page(counted: SyncStats) -> None:
                if bar is not None and task is not None:
                    elapsed = max(time.monotonic() - started, 1e-9)
                    bar.update(task, written=counted.received, pages=counted.requests, rate=counted.received / elapsed)

            stats.on_page = on_page
            method = getattr(getattr(client, group.attribute), command.method)
            page_size = values.get(size.dest) if size is not None else None
            resource = dlt_resource(
                method, command, since=values.get("since"), lag=values["lag"], page_size=page_size,
                prefetch=values["prefetch"], stats=stats,
            )  # fmt: skip
            try:
                run_sync(
                    resource,
                    destination=values["destination"],
                    database=values["database"],
                    dataset=values["dataset"] or ("main" if values["destination"] == "duckdb" else spec.table),
                )
            except (KeyboardInterrupt, _Terminated) as interruption:
                code = EXIT_TERMINATED if isinstance(interruption, _Terminated) else EXIT_INTERRUPTED
                raise CliError(_sync_failed("Interrupted"), code) from None
            except Exception as error:  # dlt wraps what failed in its own errors: the cause says what
                for cause in _wrapped(error):  # a Ctrl-C or SIGTERM while dlt extracts, wrapped
                    if isinstance(cause, KeyboardInterrupt | _Terminated):
                        code = EXIT_TERMINATED if isinstance(cause, _Terminated) else EXIT_INTERRUPTED
                        raise CliError(_sync_failed("Interrupted"), code) from None
                raise CliError(_sync_failed(_sync_cause(error, identity, command.size_flag))) from None
        elapsed = time.monotonic() - started
        stderr.print(
            f"Synced {spec.table}: {stats.new:,} new, {stats.updated:,} updated, {stats.unchanged:,} unchanged; "
            f"{stats.requests:,} requests, {elapsed:.1f} s."
        )

    return click.Command(
        name=spec.name,
        callback=callback,
        params=params,
        help=f"Keep a database table of {plural} ({spec.table}) up to date, with dlt. The first run loads every "
        f"{singular} (or those since --since); later runs ask only for those whose {spec.cursor} is after the last "
        f"one loaded minus --lag, and upsert them by {spec.key}. The default destination is a DuckDB file in the "
        "working directory. Stopped at any moment, the database keeps the last complete run; run it again to "
        "continue. Needs the sync extra: pip install 'ravan-client[sync]'.",
        short_help=f"Keep a database of {plural} up to date (dlt; DuckDB by default).",
        context_settings=CONTEXT_SETTINGS,
    )


def _sync_failed(what: str) -> str:
    return f"{what}. The database keeps what the last complete sync loaded; run sync again to continue"


def _wrapped(error: BaseException) -> Iterator[BaseException]:
    """`error` and every error it wraps: dlt keeps the failure of a step in `.exception`."""
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = getattr(current, "exception", None)
        pending.extend(e for e in (inner, current.__cause__, current.__context__) if isinstance(e, BaseException))


def _sync_cause(error: BaseException, identity: ClientIdentity | None = None, size_flag: str | None = None) -> str:
    """The first error dlt wrapped that is ours (an API error, a sync check, the disk), else dlt's own first line."""
    for current in _wrapped(error):
        if isinstance(current, APIError):
            return explain(current, identity, size_flag=size_flag)
        if type(current).__name__ == "SyncIncomplete" or isinstance(current, OSError):
            return str(current)
    return str(error).splitlines()[0] if str(error) else type(error).__name__


# --- printing ----------------------------------------------------------------------------------


def terminal_safe(text: str) -> str:
    """`text` with controls (escape sequences, bidi overrides) shown as escapes, not obeyed."""
    return _UNSAFE_FOR_TERMINAL.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}",
        text,
    )


# One encoder for every record (json.dumps with options builds a new one per call): compact, as a
# jsonl line should be, and non-ASCII written as is.
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json_text(value: Any, *, indent: int | None = None, for_terminal: bool = True) -> bytes:
    """JSON as UTF-8, a lone surrogate kept as its \\uXXXX escape; for a terminal, controls escaped
    too (json does C0; C1 and bidi here). A file gets the text as is: the escaping is not free.
    Without `indent`, compact (one record per line)."""
    text = _RECORD_ENCODER.encode(value) if indent is None else json.dumps(value, ensure_ascii=False, indent=indent)
    if for_terminal:
        text = _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.encode("utf-8", "backslashreplace")


def _print_result(result: Any, command: Command) -> None:
    if command.response_kind == "empty":
        return
    if command.response_kind in ("bytes", "text"):
        # As received: a recording or an export goes to a file with `> FILE`.
        data = result if isinstance(result, bytes) else str(result).encode("utf-8", errors="surrogateescape")
        if command.response_kind == "bytes" and sys.stdout.isatty():
            raise CliError("The answer is binary: redirect it to a file (`> FILE`).", EXIT_USAGE)
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    value = _plain(result)
    sys.stdout.buffer.write(_json_text(value, indent=2) + b"\n")
    sys.stdout.flush()


def _plain(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _cell_text(record: Mapping[str, Any], column: Column, *, for_spreadsheet: bool = False) -> str:
    """The text of one column of a record: a table or TSV cell, or (`for_spreadsheet`) a CSV cell,
    made safe from formulas. Numbers are written as numbers: they can never be a formula."""
    value: Any = record
    for key in column.path:
        if not isinstance(value, Mapping):
            return ""
        value = value.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if column.json_encoded or isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return _spreadsheet_safe(text) if for_spreadsheet else text


def _print_page(page: Any, command: Command, output_format: str | None) -> None:
    _singular, plural = command.item_noun
    console = Console(highlight=False, soft_wrap=False)
    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    output_format = output_format or ("table" if console.is_terminal else "tsv")
    records: list[dict[str, Any]] = page.raw_items
    if output_format in ("json", "jsonl", "csv"):
        out = sys.stdout.buffer
        if output_format == "json":
            out.write(_json_text(records, indent=2) + b"\n")
        elif output_format == "jsonl":
            for record in records:
                out.write(_json_text(record) + b"\n")
        else:
            writer = _CsvEncoder(command.export_columns)
            out.write(writer.header())
            for record in records:
                out.write(writer.record(record))
        out.flush()
    elif output_format == "tsv":
        columns = command.table_columns
        lines = ["\t".join(column.header for column in columns)]
        lines.extend("\t".join(terminal_safe(_cell_text(r, c)) for c in columns) for r in records)
        sys.stdout.buffer.write(("\n".join(lines) + "\n").encode("utf-8", "backslashreplace"))
        sys.stdout.flush()
    else:
        if not records:
            stderr.print(f"No {plural} on page {page.page_number}.")
        else:
            console.print(
                _table(records, command.table_columns, console.width, f"{plural.capitalize()}, page {page.page_number}")
            )
    if output_format == "table" or stderr.is_terminal:
        more = _next_page_has_items(page)
        if more:
            stderr.print(f"More on page {page.page_number + 1}: add --page {page.page_number + 1}.", style="dim")


def _next_page_has_items(page: Any) -> bool:
    """Whether the next page holds anything: the style says so when the body has a total;
    otherwise a full page may be the last, and only asking for the next one tells."""
    if not page.has_next_page():
        return False
    if page.total is not None:
        return True
    try:
        return bool(page.get_next_page().items)
    except APIError:
        return True  # it may have more; the next command will say what went wrong


def _table(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], width: int, title: str) -> Table:
    """A table that fits `width`: whole columns (ids, timestamps) keep their width; the others are
    dropped from the right, then shortened with an ellipsis, until it fits."""
    cells = [[terminal_safe(_cell_text(record, column)) for column in columns] for record in records]
    widths = [max([len(column.header)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)]
    chosen = list(range(len(columns)))

    minimum_cut = 6  # a shortened column still shows this much
    while len(chosen) > 1:
        whole = sum(widths[i] for i in chosen if columns[i].whole)
        cut = sum(min(widths[i], minimum_cut) for i in chosen if not columns[i].whole)
        # Two spaces between columns, and the box's edge character at each end of a line.
        if whole + cut + 2 * (len(chosen) - 1) + 2 <= width or not any(not columns[i].whole for i in chosen):
            break
        droppable = [i for i in chosen if not columns[i].whole]
        chosen.remove(droppable[-1])
    # The shortened columns get their widths here: a table too wide for rich is shrunk evenly, whole
    # columns included, and then cropped at the edge (a header cut with no ellipsis).
    spare = width - 2 * len(chosen) - sum(widths[i] for i in chosen if columns[i].whole)
    shortened = sorted((i for i in chosen if not columns[i].whole), key=lambda i: widths[i])
    cut_widths: dict[int, int] = {}
    for position, i in enumerate(shortened):  # narrowest first; each takes up to an even share
        cut_widths[i] = max(min(widths[i], spare // (len(shortened) - position)), min(widths[i], minimum_cut))
        spare -= cut_widths[i]
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, title_justify="left")
    for i in chosen:
        column = columns[i]
        if column.whole:
            table.add_column(column.header, no_wrap=True, min_width=widths[i], overflow="ignore")
        else:
            table.add_column(column.header, no_wrap=True, overflow="ellipsis", width=cut_widths[i])
    for row in cells:
        table.add_row(*(escape(row[i]) for i in chosen))
    return table


# --- export ------------------------------------------------------------------------------------


class _CsvEncoder:
    """CSV rows of the export columns, plus `extra`: every key the columns do not show (unknown
    top-level keys, unknown keys inside a flattened object, a flattened object that is not one),
    as one JSON object. Cells are made safe for spreadsheets (see the module docstring)."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.top_level = {column.path[0] for column in columns}
        self.children: dict[str, set[str]] = {}
        for column in columns:
            if len(column.path) > 1:
                self.children.setdefault(column.path[0], set()).add(column.path[1])

    def _row(self, cells: Sequence[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(cells)
        return buffer.getvalue().encode("utf-8")

    def header(self) -> bytes:
        return self._row([column.header for column in self.columns] + ["extra"])

    def record(self, record: Mapping[str, Any]) -> bytes:
        cells = [_cell_text(record, column, for_spreadsheet=True) for column in self.columns]
        extra = self._extra(record)
        cells.append(_spreadsheet_safe(json.dumps(extra, ensure_ascii=False, sort_keys=True)) if extra else "")
        return self._row([_LONE_SURROGATE.sub("\ufffd", cell) for cell in cells])

    def _extra(self, record: Mapping[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for key, value in record.items():
            if key not in self.top_level:
                extra[key] = value
            elif key in self.children and value is not None:
                if not isinstance(value, Mapping):
                    extra[key] = value
                else:
                    unknown = {k: v for k, v in value.items() if k not in self.children[key]}
                    if unknown:
                        extra[key] = unknown
        return extra


def _spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


class _Encoder:
    """Whole records as bytes, in one export format."""

    def __init__(self, export_format: str, columns: Sequence[Column], *, for_terminal: bool) -> None:
        self.format = export_format
        self.csv = _CsvEncoder(columns) if export_format == "csv" else None
        self.count = 0
        self.for_terminal = for_terminal

    def header(self) -> bytes:
        if self.csv is not None:
            return self.csv.header()
        return b"[" if self.format == "json" else b""

    def record(self, record: Mapping[str, Any]) -> bytes:
        if self.csv is not None:
            data = self.csv.record(record)
        elif self.format == "json":
            data = (b"\n" if self.count == 0 else b",\n") + _json_text(record, for_terminal=self.for_terminal)
        else:
            data = _json_text(record, for_terminal=self.for_terminal) + b"\n"
        self.count += 1
        return data

    def footer(self, records: int) -> bytes:
        if self.format == "json":
            return b"\n]\n" if records else b"]\n"
        return b""


class _Sink:
    """Where an export goes: bytes are committed (written and flushed) a page at a time, and
    `committed_bytes`/`committed_records` always say what the destination holds."""

    def __init__(self) -> None:
        self.committed_bytes = 0
        self.committed_records = 0

    def commit(self, data: bytes, records: int) -> None:
        raise NotImplementedError

    def finish(self, footer: bytes) -> None:
        raise NotImplementedError

    def keep_partial(self, footer: bytes) -> str:
        """After a failure: close what was written (whole records and the footer); return where it is."""
        raise NotImplementedError


class _StdoutSink(_Sink):
    def __init__(self) -> None:
        super().__init__()
        self.stream: IO[bytes] = sys.stdout.buffer

    def commit(self, data: bytes, records: int) -> None:
        self.stream.write(data)
        self.stream.flush()
        self.committed_bytes += len(data)
        self.committed_records += records

    def finish(self, footer: bytes) -> None:
        self.commit(footer, 0)

    def keep_partial(self, footer: bytes) -> str:
        with suppress(OSError):
            self.commit(footer, 0)
        return "stdout"


class _FileSink(_Sink):
    """A temporary file beside the target, renamed over it only when the export is complete."""

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target
        self.temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        self.partial = target.with_name(f"{target.name}.partial")
        try:
            self.file = open(self.temporary, "wb")  # noqa: SIM115 (closed in finish/keep_partial)
        except OSError as error:
            raise CliError(f"Cannot write {target}: {error.strerror or error}", EXIT_USAGE) from None

    def commit(self, data: bytes, records: int) -> None:
        try:
            self.file.write(data)
            self.file.flush()
        except OSError:
            # Part of `data` may be on disk: cut it back to the last whole record.
            self._truncate()
            raise
        self.committed_bytes += len(data)
        self.committed_records += records

    def _truncate(self) -> None:
        try:
            self.file.seek(self.committed_bytes)
            self.file.truncate()
        except (OSError, ValueError):
            with suppress(OSError):
                os.truncate(self.temporary, self.committed_bytes)

    def finish(self, footer: bytes) -> None:
        self.commit(footer, 0)
        self.file.close()
        os.replace(self.temporary, self.target)

    def keep_partial(self, footer: bytes) -> str:
        try:
            self.file.write(footer)
            self.file.flush()
        except (OSError, ValueError):
            self._truncate()
        with suppress(OSError):
            self.file.close()
        try:
            os.replace(self.temporary, self.partial)
        except OSError:
            return str(self.temporary)
        return str(self.partial)

    def discard(self) -> None:
        try:
            self.file.close()
        finally:
            with suppress(OSError):
                os.unlink(self.temporary)


def export(
    list_call: Callable[[], Any],
    *,
    output: str,
    export_format: str,
    columns: Sequence[Column],
    noun: tuple[str, str],
    stderr: Console,
    check_last_page: bool = False,
    identity: ClientIdentity | None = None,
    size_flag: str | None = None,
) -> int:
    """Write every item of every page to `output` (or stdout for `-`); return how many.

    `check_last_page` (when the export runs to the end): a short last page is the end only if the
    server honoured the page size, and a page that reaches the reported total only if the total is
    right; a server that caps the page size silently, or counts wrong, would end the export early.
    So, whatever the pagination style, the page after the last one is asked for too (unless the
    last was empty), and if it holds anything new the export fails, saying so, rather than report
    success with records missing."""
    singular, plural = noun

    def count(n: int) -> str:
        return f"{n:,} {singular if n == 1 else plural}"

    with _progress(stderr) as bar, _sigterm_raises():
        task = bar.add_task("waiting for the first page", total=None, written=0, pages=0, rate=0.0) if bar else None
        started = time.monotonic()
        try:
            first_page = _call(list_call, identity, size_flag)
        except (KeyboardInterrupt, _Terminated) as interruption:
            code = EXIT_TERMINATED if isinstance(interruption, _Terminated) else EXIT_INTERRUPTED
            raise CliError(f"Interrupted before the first page; {output} was not touched.", code) from None
        sink: _Sink = _StdoutSink() if output == "-" else _FileSink(Path(output))
        where = "stdout" if output == "-" else output
        encoder = _Encoder(export_format, columns, for_terminal=output == "-" and sys.stdout.isatty())
        pending: list[bytes] = [encoder.header()]
        pending_records = 0
        pages = 0
        repeated = 0

        def commit() -> None:
            nonlocal pending_records
            sink.commit(b"".join(pending), pending_records)
            pending.clear()
            pending_records = 0
            if bar is not None and task is not None:
                elapsed = max(time.monotonic() - started, 1e-9)
                bar.update(
                    task,
                    description="exporting",
                    written=sink.committed_records,
                    pages=pages,
                    rate=sink.committed_records / elapsed,
                )

        last_page: Any = None

        def on_page(page: Any) -> None:
            nonlocal pages, repeated, last_page
            commit()  # what the previous pages held is on disk before this one is written
            pages += 1
            repeated += page.repeated
            last_page = page

        failure: str | None = None
        exit_code = EXIT_API_ERROR
        try:
            for record in first_page.iter_raw_items(on_page=on_page):
                pending.append(encoder.record(record))
                pending_records += 1
            if check_last_page and last_page is not None:
                _check_the_end_is_the_end(last_page, size_flag)
            commit()
            sink.finish(encoder.footer(sink.committed_records))
        except (KeyboardInterrupt, _Terminated) as interruption:
            exit_code = EXIT_TERMINATED if isinstance(interruption, _Terminated) else EXIT_INTERRUPTED
            failure = "Interrupted"
            _commit_quietly(commit)
        except APIError as error:
            failure = explain(error, identity, size_flag=size_flag)
            _commit_quietly(commit)
        except (ValueError, TypeError) as error:
            failure = str(error)
        except OSError as error:
            failure = f"Writing {where} failed: {error.strerror or error}"
        except _Incomplete as error:
            failure = str(error)
            _commit_quietly(commit)
        if failure is not None:
            kept = sink.keep_partial(encoder.footer(sink.committed_records))
            written = count(sink.committed_records)
            if isinstance(sink, _FileSink):
                raise CliError(
                    f"{failure}. {output} was left as it was; the {written} received before are in {kept}.", exit_code
                )
            raise CliError(f"{failure}. The {written} before it were written to stdout.", exit_code)
    note = f" ({count(repeated)} repeated across page boundaries, written once)" if repeated else ""
    stderr.print(f"Wrote {count(sink.committed_records)} to {escape(terminal_safe(where))}{note}.")
    return sink.committed_records


class _Incomplete(Exception):
    """The export reached what looked like its end, but the server has more."""


def _check_the_end_is_the_end(last_page: Any, size_flag: str | None) -> None:
    """Raise _Incomplete if the page that ended the export was not the last one.

    Whatever the pagination style, a page that is not empty ended the export only because it
    looked like the end: shorter than the page size, or reaching the total the server reported.
    A server that caps the page size silently, or reports a total that is too small, would end the
    export early; so the page after it is asked for too."""
    if not last_page.items:
        return  # an empty page: the server itself said there is nothing more
    following = last_page.probe_next_page()
    # Only items not on the last page count: a server that ignores the page number sends it again.
    if not unseen_items(last_page, following):
        return
    page_number, held, total = last_page.page_number, len(last_page.items), last_page.total
    if total is not None:
        raise _Incomplete(
            f"Page {page_number} reached the total of {total:,} the server reported, yet page {page_number + 1} "
            "holds more: the total is wrong, and the export would have missed records"
        )
    raise _Incomplete(
        f"Page {page_number} held {held} items, fewer than the page size {last_page.page_size}, yet page "
        f"{page_number + 1} holds more: the server seems to cap the page size. Run the export again with "
        + (f"{size_flag} {held}" if size_flag else f"a page size of {held}")
    )


def _commit_quietly(commit: Callable[[], None]) -> None:
    """After an interruption or an API error, the whole records already received still go out."""
    with suppress(OSError):
        commit()


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises in the main thread, so an export closes its file like Ctrl-C does."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress(stderr: Console) -> AbstractContextManager[Progress | None]:
    """A live progress line on stderr when it is a terminal, from before the first page arrives."""
    if not stderr.is_terminal:
        return nullcontext(None)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("[bold]{task.fields[written]}[/] written"),
        TextColumn("{task.fields[pages]} pages"),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


# --- errors ------------------------------------------------------------------------------------


def explain(error: APIError, identity: ClientIdentity | None = None, *, size_flag: str | None = None) -> str:
    """One line that says what happened and what to do (naming the identity's variables and vendor).

    `size_flag` is the command's page-size option (its name is the spec's), when it has one: a
    smaller page is worth trying when the server fails or sends too much."""
    smaller_page = f"try a smaller {size_flag}, or " if size_flag else ""
    where = _netloc(error)
    credentials = identity.credentials if identity is not None else ()
    key_variable = " and ".join(c.env_vars[0] for c in credentials if c.env_vars) or "the credentials"
    key_flags = " and ".join(credential_flag(c.argument) for c in credentials) or "--api-key"
    vendor = identity.vendor if identity and identity.vendor else "the API's"
    if isinstance(error, AuthenticationError):
        return f"The API rejected the key (401). Set {key_variable} or pass {key_flags} with a valid key."
    if isinstance(error, PermissionDeniedError):
        return f"The key may not do this (403). Check its permissions in your {vendor} account."
    if isinstance(error, NotFoundError):
        return f"Not found (404): {error.message}. Check the id, and --base-url."
    if isinstance(error, UnprocessableEntityError):
        return f"The API refused the request (422): {error.message}"
    if isinstance(error, RateLimitError):
        wait = f" It asked to wait {error.retry_after:.0f} s." if error.retry_after else ""
        return f"Rate limited (429) after retries.{wait} Try again later, or raise --max-retries."
    if isinstance(error, InternalServerError):
        return (
            f"The server failed ({error.message}) and kept failing after the retries. It is often temporary: "
            f"try again in a minute, or raise --max-retries; if it persists, {smaller_page}contact {vendor} support."
        )
    if isinstance(error, APITimeoutError):
        return f"No answer from {where} in time. Raise --timeout or try again."
    if isinstance(error, APIConnectionError):
        return f"Could not reach {where} ({error.message}). Check --base-url and your network."
    if isinstance(error, APIStatusError):
        return f"The API answered {error.message}"
    if isinstance(error, ResponseTooLargeError):
        smaller = f" Try a smaller {size_flag}." if size_flag else ""
        return f"The API sent a response too large to read: {error.message}.{smaller}"
    if isinstance(error, APIResponseValidationError):
        return f"The API sent something that is not what its spec documents: {error.message}"
    if isinstance(error, RepeatedPageError):
        return str(error)
    return str(error)


def _netloc(error: APIError) -> str:
    url = error.request.url
    shown = display_url(url.copy_with(path="/", query=None, fragment=None)).rstrip("/")
    return shown.split("://", 1)[-1]
