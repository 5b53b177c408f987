"""`export`: every page of a list operation streamed to a file (or stdout), whole records only.

The records go to a sink a page at a time (`_FileSink`: a temporary file beside the target,
renamed over it only when the export is complete; `_StdoutSink`), so that the count shown always
equals what the destination holds; one run is an `_Export`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID

from .._commands import Column
from .._exceptions import APIError
from .._identity import ClientIdentity
from .._pagination import unseen_items
from ._errors import (
    EXIT_API_ERROR,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    CliError,
    _Terminated,
    call_api,
    explain,
    sigterm_raises,
)
from ._output import Encoder, progress, terminal_safe

EXPORT_FORMATS = ("jsonl", "csv", "json")


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
    success with records missing. `size_flag` is the command's page-size option, for that message."""
    with progress(stderr) as bar, sigterm_raises():
        task = bar.add_task("waiting for the first page", total=None, written=0, pages=0, rate=0.0) if bar else None
        started = time.monotonic()
        try:
            first_page = call_api(list_call, identity, size_flag)
        except (KeyboardInterrupt, _Terminated) as interruption:
            code = EXIT_TERMINATED if isinstance(interruption, _Terminated) else EXIT_INTERRUPTED
            raise CliError(f"Interrupted before the first page; {output} was not touched.", code) from None
        run = _Export(
            output,
            Encoder(export_format, columns, for_terminal=output == "-" and sys.stdout.isatty()),
            noun=noun,
            identity=identity,
            size_flag=size_flag,
            progress=(bar, task) if bar is not None and task is not None else None,
            started=started,
        )
        run.write(first_page, check_last_page=check_last_page)
    note = f" ({run.count(run.repeated)} repeated across page boundaries, written once)" if run.repeated else ""
    where = "stdout" if output == "-" else output
    stderr.print(f"Wrote {run.count(run.sink.committed_records)} to {escape(terminal_safe(where))}{note}.")
    return run.sink.committed_records


class _Export:
    """One export, once its first page has arrived: the records of each page are encoded as they
    come and committed to the sink when the next page arrives (and at the end), so that the sink
    always holds whole records and its count is the one shown. On a failure the whole records
    received so far are kept (`_Sink.keep_partial`) and a `CliError` says where."""

    def __init__(
        self,
        output: str,
        encoder: Encoder,
        *,
        noun: tuple[str, str],
        identity: ClientIdentity | None,
        size_flag: str | None,
        progress: tuple[Progress, TaskID] | None,
        started: float,
    ) -> None:
        self.output = output
        self.sink: _Sink = _StdoutSink() if output == "-" else _FileSink(Path(output))
        self.encoder = encoder
        self.noun = noun
        self.identity = identity
        self.size_flag = size_flag
        self.progress = progress
        self.started = started
        self.pending: list[bytes] = [encoder.header()]
        self.pending_records = 0
        self.pages = 0
        self.repeated = 0
        self.last_page: Any = None

    def count(self, n: int) -> str:
        """`1 call session`, `2,000 call sessions`."""
        singular, plural = self.noun
        return f"{n:,} {singular if n == 1 else plural}"

    def write(self, first_page: Any, *, check_last_page: bool) -> None:
        """Every record of every page from `first_page` on, then the footer; raises CliError on a failure."""
        failure: str | None = None
        exit_code = EXIT_API_ERROR
        try:
            for record in first_page.iter_raw_items(on_page=self._on_page):
                self.pending.append(self.encoder.record(record))
                self.pending_records += 1
            if check_last_page and self.last_page is not None:
                _check_the_end_is_the_end(self.last_page, self.size_flag)
            self._commit()
            self.sink.finish(self.encoder.footer(self.sink.committed_records))
        except (KeyboardInterrupt, _Terminated) as interruption:
            exit_code = EXIT_TERMINATED if isinstance(interruption, _Terminated) else EXIT_INTERRUPTED
            failure = "Interrupted"
            self._commit_quietly()
        except APIError as error:
            failure = explain(error, self.identity, size_flag=self.size_flag)
            self._commit_quietly()
        except (ValueError, TypeError) as error:
            failure = str(error)
        except OSError as error:
            where = "stdout" if self.output == "-" else self.output
            failure = f"Writing {where} failed: {error.strerror or error}"
        except _Incomplete as error:
            failure = str(error)
            self._commit_quietly()
        if failure is not None:
            self._fail(failure, exit_code)

    def _on_page(self, page: Any) -> None:
        self._commit()  # what the previous pages held is on disk before this one is written
        self.pages += 1
        self.repeated += page.repeated
        self.last_page = page

    def _commit(self) -> None:
        self.sink.commit(b"".join(self.pending), self.pending_records)
        self.pending.clear()
        self.pending_records = 0
        if self.progress is not None:
            bar, task = self.progress
            written = self.sink.committed_records
            elapsed = max(time.monotonic() - self.started, 1e-9)
            bar.update(task, description="exporting", written=written, pages=self.pages, rate=written / elapsed)

    def _commit_quietly(self) -> None:
        """After an interruption or an API error, the whole records already received still go out."""
        with suppress(OSError):
            self._commit()

    def _fail(self, failure: str, exit_code: int) -> NoReturn:
        kept = self.sink.keep_partial(self.encoder.footer(self.sink.committed_records))
        written = self.count(self.sink.committed_records)
        if isinstance(self.sink, _FileSink):
            raise CliError(
                f"{failure}. {self.output} was left as it was; the {written} received before are in {kept}.", exit_code
            )
        raise CliError(f"{failure}. The {written} before it were written to stdout.", exit_code)


class _Incomplete(Exception):
    """The export reached what looked like its end, but the server has more."""


def _check_the_end_is_the_end(last_page: Any, size_flag: str | None) -> None:
    """Raise _Incomplete if the page that ended the export was not the last one.

    Whatever the pagination style, a page that is not empty ended the export only because it
    looked like the end: shorter than the page size, or reaching the total the server reported.
    A server that caps the page size silently, or reports a total that is too small, would end the
    export early; so the page after it is asked for too."""
    if not last_page.raw_items:  # raw: the export's pages build no models
        return  # an empty page: the server itself said there is nothing more
    following = last_page.probe_next_page()
    # Only items not on the last page count: a server that ignores the page number sends it again.
    if not unseen_items(last_page, following):
        return
    page_number, held, total = last_page.page_number, len(last_page.raw_items), last_page.total
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
