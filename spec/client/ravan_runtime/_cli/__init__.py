"""The generated command line, built from the generated `cli.py`'s data (`_commands.py`).

Needs the `cli` extra (click and rich); `import ravan_client` never imports this package.

Modules: `_app` builds the click commands from the operations; `_params` makes each argument an
option typed by the operation's own rules (`_operations.OperationSpec`), plus the connection
options and the client they make; `_output` prints (table, tsv, json, jsonl, csv) and encodes;
`_export` streams every page to a sink; `_sync_command` is `sync`; `_errors` turns every expected
failure into one line and an exit code. `run` (here) is the entry point.

Commands: `<cli> <resource> <operation>` for every operation of the spec (for example
`<cli> call-sessions list`, `... call-sessions retrieve ID`), and `<resource> export` for
every paginated one; the resource named by the spec's `x-cli.top-level-commands` also has its
commands at the top level (`<cli> list`, `<cli> export`), as before the CLI grew
groups. Options are typed from the schema (the operation's rules); a bad value, like every expected failure, ends in one
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

import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape

from .._base_client import SyncAPIClient
from .._commands import Program
from ._app import build
from ._errors import EXIT_INTERRUPTED, EXIT_USAGE, CliError, explain
from ._errors import _Terminated as _Terminated  # raised by SIGTERM; tests send it
from ._export import export
from ._output import terminal_safe

__all__ = ["CliError", "build", "explain", "export", "run", "terminal_safe"]


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
