"""The command line as data: what the generated `cli.py` declares and `_cli/` builds commands from.

One `Group` per resource (tag) of the spec, one `Command` per operation, one `Option` per argument.
A command refers to its operation's `OperationSpec` (the generated resources' description, which
the client checks every argument with): an option holds only what the command line adds (help,
flag, the server's default shown in help), never a second description of the argument's type.
Kept free of click and rich, so that importing the generated `cli.py` never needs the `cli` extra
and its `main()` can say in one line how to install it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._identity import ClientIdentity
from ._operations import OperationSpec

__all__ = ["RESERVED_FLAGS", "Column", "Command", "Group", "Incremental", "Option", "Program", "credential_flag"]

# The command line's own options (_cli/): an argument of the spec never takes one of these. The
# plan gives a colliding argument another flag (README: "The command line"), and every argument
# reaches the command under its own destination (`Option.dest`), so no name of the spec can take
# over a value of the CLI's either.
RESERVED_FLAGS = frozenset(
    {
        "--help",
        "--version",
        "--base-url",
        "--timeout",
        "--max-retries",
        "--allow-insecure-http",
        "--format",
        "--output",
        "--prefetch",
        "--max-items",
    }
)
"""Besides these, each credential of the client is an option (`credential_flag`: `--api-key`,
`--username`, ...), reserved the same way."""


def credential_flag(argument: str) -> str:
    """The option a credential argument of the client is given by (`api_key` -> `--api-key`)."""
    return "--" + argument.replace("_", "-")


@dataclass(frozen=True)
class Option:
    """What the command line adds to one argument of an operation: its help and its flag.

    The argument itself (its type, bounds, choices, item type, whether it is required or may be
    null, whether it is a path parameter and so a positional argument) is the operation's own
    description (`Command.operation.argument(python_name)`), the one the client checks the value
    with: an argument is described once."""

    python_name: str
    help: str = ""
    flag: str = ""
    """`--name`, as the plan spells it (never one of RESERVED_FLAGS); empty: from python_name."""
    server_default: Any = None
    """The default the server applies when the argument is not sent: shown in --help, never sent."""

    def __post_init__(self) -> None:
        if not self.flag:
            object.__setattr__(self, "flag", "--" + self.python_name.replace("_", "-"))

    @property
    def dest(self) -> str:
        """The name the command's callback receives the value under: a namespace of its own, apart
        from the CLI's own options (`api_key`, `output_format`, ...)."""
        return f"arg_{self.python_name}"


@dataclass(frozen=True)
class Column:
    """A column of `list`'s table or of a CSV export: the path of wire keys to its value."""

    header: str
    path: tuple[str, ...]
    json_encoded: bool = False
    whole: bool = False
    """Never wrapped or cut (ids and timestamps): other columns are dropped or shortened first."""


@dataclass(frozen=True)
class Incremental:
    """How a paginated operation is kept in sync (the spec's `x-incremental`): read by `_sync.py`.

    A sync asks for the items whose `cursor` (a date-time field that a new item never has lower
    than the items before it, e.g. when a call started) is above the last one seen minus `lag`
    seconds (`lower_bound`), below the run's start time (`upper_bound`, fixed while paging, so
    that items arriving mid-run cannot shift the pages), in the order `order` asks for (the
    cursor ascending), and upserts them by `key`."""

    name: str
    """The command (`sync`)."""
    table: str
    """The table (and dlt resource) the items go to."""
    cursor: str
    """Wire name of the cursor field of the items."""
    key: str
    """Wire name of the field that identifies an item (the table's primary key)."""
    lower_bound: str
    """Python name of the argument that takes the window's start (exclusive or not: the lag covers it)."""
    upper_bound: str
    """Python name of the argument that takes the window's end, fixed at the start of a run."""
    lag: float
    """Seconds before the last cursor seen that every run reads again (items change after they start)."""
    order: tuple[tuple[str, Any], ...] = ()
    """(python name, value) of arguments sent on every request to order the pages by the cursor, ascending."""
    columns: tuple[tuple[str, str], ...] = ()
    """(wire name, dlt data type) of every field of the items schema: text, bigint, double, bool,
    timestamp, date or json. A key the schema does not know goes to `extra_column`."""
    extra_column: str = "extra"


@dataclass(frozen=True)
class Command:
    """One operation: `name` is the command, `method` the client method it calls."""

    name: str
    method: str
    help: str
    operation: OperationSpec
    """The operation the method sends (the generated resources' own description of it): every
    option's type and checks come from its arguments."""
    options: tuple[Option, ...]
    response_kind: str
    """object, array, empty, json, bytes or text: what a non-paginated command prints."""
    paginated: bool = False
    export_name: str | None = None
    page_option: str | None = None
    size_option: str | None = None
    export_page_size: int | None = None
    """The page size `export` sends when none is given (see the README: the largest safe to assume)."""
    table_columns: tuple[Column, ...] = ()
    export_columns: tuple[Column, ...] = ()
    item_noun: tuple[str, str] = ("item", "items")
    """Singular and plural, for messages such as "Wrote 1 call session"."""
    incremental: Incremental | None = None
    """`x-incremental`: the operation also has a `sync` command (and a dlt resource, `_sync.py`)."""

    def option(self, python_name: str | None) -> Option | None:
        """The option of the argument `python_name` (None: no such option)."""
        return next((option for option in self.options if option.python_name == python_name), None)

    @property
    def size_flag(self) -> str | None:
        """The flag of the page-size argument (its name is the spec's, through the plan)."""
        size = self.option(self.size_option)
        return size.flag if size is not None else None


@dataclass(frozen=True)
class Group:
    """The commands of one resource: `<cli name> <name> <command>`."""

    name: str
    attribute: str
    help: str
    commands: tuple[Command, ...]


@dataclass(frozen=True)
class Program:
    """The whole command line."""

    name: str
    help: str
    groups: tuple[Group, ...]
    top_level_group: str | None
    """A group whose list/export (and other commands) are also top-level commands."""
    version: str
    spec_version: str
    spec_sha256: str
    install_hint: str
    """How to install the `cli` extra (`pip install '<distribution>[cli]'`)."""
    identity: ClientIdentity | None = None
    """The client's names (environment variables, default base URL, vendor) for help and messages."""
    sync_install_hint: str = ""
    """How to install the `sync` extra, for the `sync` command's help and its one line without it."""
