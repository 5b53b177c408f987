"""The app built from the operations: one click group per resource, one command per operation,
an `export` command per paginated one and a `sync` command per incremental one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from .._base_client import SyncAPIClient
from .._commands import Command, Group, Program
from .._identity import ClientIdentity
from ._errors import call_api
from ._export import EXPORT_FORMATS, export
from ._output import LIST_FORMATS, print_page, print_result
from ._params import CONTEXT_SETTINGS, click_param, connection_params, make_client, method_arguments
from ._sync_command import sync_command


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
        commands = _group_commands(group, client_class, program)
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


def _group_commands(group: Group, client_class: Callable[..., SyncAPIClient], program: Program) -> list[click.Command]:
    identity = program.identity
    commands: list[click.Command] = []
    for command in group.commands:
        commands.append(_operation_command(group, command, client_class, identity))
        if command.paginated and command.export_name:
            commands.append(_export_command(group, command, client_class, identity))
        if command.incremental is not None:
            commands.append(sync_command(group, command, client_class, identity, program.sync_install_hint))
    return commands


def _operation_command(
    group: Group, command: Command, client_class: Callable[..., SyncAPIClient], identity: ClientIdentity | None
) -> click.Command:
    params = [click_param(command, option) for option in command.options]
    if command.paginated:
        params.append(
            click.Option(
                ["--format", "output_format"],
                type=click.Choice(LIST_FORMATS),
                help="table (the default on a terminal), tsv (the default when piped), json, jsonl or csv.",
            )
        )
    params.extend(connection_params(identity))

    def callback(**values: Any) -> None:
        arguments = method_arguments(command, values)
        with make_client(client_class, values, identity) as client:
            method = getattr(getattr(client, group.attribute), command.method)
            result = call_api(lambda: method(**arguments), identity, command.size_flag)
            if command.paginated:
                print_page(result, command, values.get("output_format"))
            else:
                print_result(result, command)

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
            default=1,
            show_default=True,
            help="Page requests to keep in flight (1: one at a time, the next on the wire while this one is "
            "written; 0: none while writing).",
        ),
        click.Option(["--max-items"], type=click.IntRange(min=0), help=f"Stop after this many {plural}."),
    ]
    for option in command.options:
        if option.python_name == command.size_option:
            params.append(click_param(command, option, default=command.export_page_size))
        elif option.python_name != command.page_option:
            params.append(click_param(command, option))
    params.extend(connection_params(identity))

    def callback(**values: Any) -> None:
        arguments = method_arguments(command, values)
        output = str(values["output"])
        with make_client(client_class, values, identity) as client:
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
