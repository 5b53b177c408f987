"""Files sent in `multipart/form-data` bodies and in raw ones (`application/octet-stream`, an image,
a text): what a file argument accepts, checked before sending.

A file argument takes, as openai-python's `FileTypes` does:
- `bytes` (sent as they are, named by the argument);
- a binary file object (`open(path, "rb")`, `io.BytesIO`): streamed, never read whole into memory;
  you keep it open and close it;
- a path (`pathlib.Path` or any `os.PathLike`): opened for the request, streamed, closed after it;
- a tuple `(filename, content)` or `(filename, content, content_type)` with content one of the above.

A text string is refused: it could be a path or the content, and guessing wrong would upload the
wrong thing. Files are read from where they were when the request was built, so a retry of a
request that never reached the server sends them whole again. An async client reads each chunk of
a file in a worker thread (`ReadInThreads`), as anyio reads files: a read from a slow disk or a
network file system would otherwise stall every task on the event loop.
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias

import anyio.to_thread
import httpx

__all__ = ["FileContent", "FilePart", "FileTypes", "ReadInThreads", "file_parts"]

FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]

DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class FilePart:
    """One part of a multipart body, ready to hand to httpx for each attempt."""

    field: str
    filename: str | None
    content: bytes | Path | IO[bytes]
    content_type: str
    start: int = 0
    """Where a caller's seekable file object stood: each attempt starts from there."""

    @property
    def replayable(self) -> bool:
        """Whether another attempt can send this file whole again: bytes, a path or a seekable file
        (a pipe read by one attempt has nothing left for the next)."""
        return isinstance(self.content, bytes | Path) or self.content.seekable()

    def for_attempt(self, opened: list[IO[bytes]]) -> tuple[str, tuple[str | None, Any, str]]:
        """httpx's `files=` entry for one attempt; a path is opened here and added to `opened`,
        which the client closes when the request is over."""
        content: Any = self.content
        if isinstance(content, Path):
            content = content.open("rb")
            opened.append(content)
        elif not isinstance(content, bytes) and content.seekable():
            content.seek(self.start)
            if self.start:
                content = _FromOffset(content, self.start)
        elif not isinstance(content, bytes):
            content = _Unmeasured(content)
        return self.field, (self.filename, content, self.content_type)

    def body_for_attempt(self, opened: list[IO[bytes]], *, asynchronous: bool) -> tuple[Any, int | None]:
        """The whole request body for one attempt of an application/octet-stream upload, and its
        length when it can be known: bytes as they are; a file read in chunks as httpx sends it
        (an async client needs an async iterator), with its Content-Length so it is not chunked."""
        _, (_, content, _) = self.for_attempt(opened)
        if isinstance(content, bytes):
            return content, len(content)
        length = _remaining_length(content)
        chunks = _chunks(content, length)
        return (ReadInThreads(chunks) if asynchronous else chunks), length


class _FromOffset:
    """A caller's file seen from where it stood: httpx's multipart seeks each file to 0 before
    sending it, and measures it whole, which would send what the caller had read past."""

    def __init__(self, file: IO[bytes], start: int) -> None:
        self._file = file
        self._start = start

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            offset += self._start
        return self._file.seek(offset, whence) - self._start

    def tell(self) -> int:
        return self._file.tell() - self._start


class _Unmeasured:
    """A file that cannot seek (a pipe, a socket) as httpx's multipart sees it: one that can only be
    read. httpx measures a file by its size on disk, which for a pipe is 0: the Content-Length it
    declared left the file out, and h11 refused to send more. Unmeasured, the body goes chunked."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def seekable(self) -> bool:
        return False


CHUNK_SIZE = 64 * 1024


def _chunks(file: IO[bytes], length: int | None) -> Iterator[bytes]:
    """The file in chunks, at most `length` bytes (None: to its end): what is written to it after
    the Content-Length was taken would overrun it, and the upload would fail."""
    left = length
    while (left is None or left > 0) and (chunk := file.read(CHUNK_SIZE if left is None else min(CHUNK_SIZE, left))):
        if left is not None:
            left -= len(chunk)
        yield chunk


class ReadInThreads(httpx.AsyncByteStream):
    """An async request body made of a synchronous stream that reads files (the chunks of an
    octet-stream upload, httpx's multipart stream): each chunk is produced in a worker thread."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = iter(self._chunks)
        while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
            yield chunk


def _remaining_length(file: IO[bytes]) -> int | None:
    """What is left to read of a file: from its size on disk, else by seeking; None for a pipe."""
    try:
        return max(os.fstat(file.fileno()).st_size - file.tell(), 0)
    except (AttributeError, OSError, ValueError):
        pass
    try:
        if file.seekable():
            here = file.tell()
            end = file.seek(0, io.SEEK_END)
            file.seek(here)
            return max(end - here, 0)
    except (OSError, ValueError):
        pass
    return None


def file_parts(
    argument: str, wire_name: str, value: object, *, many: bool, content_type: str = DEFAULT_CONTENT_TYPE
) -> list[FilePart]:
    """The parts of one file argument (a list of them when `many`), or TypeError naming it; a file
    goes as `content_type` unless its tuple names another."""
    if many:
        if isinstance(value, str | bytes) or not isinstance(value, Sequence):
            raise TypeError(f"{argument} must be a list of files, got {type(value).__name__}")
        return [_part(f"{argument}[{index}]", wire_name, item, content_type) for index, item in enumerate(value)]
    return [_part(argument, wire_name, value, content_type)]


def _part(argument: str, wire_name: str, value: object, content_type: str) -> FilePart:
    filename: str | None = None
    if isinstance(value, tuple):
        if len(value) not in (2, 3):
            raise TypeError(f"{argument} must be (filename, content) or (filename, content, content_type)")
        if len(value) == 3 and value[2] is not None:
            if not isinstance(value[2], str):
                raise TypeError(f"{argument}: the content type must be a string, got {type(value[2]).__name__}")
            content_type = value[2]
        filename, value = value[0], value[1]
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"{argument}: the filename must be a string, got {type(filename).__name__}")
        if isinstance(value, tuple):
            raise TypeError(f"{argument}: the content of a file must not be another tuple")
    if isinstance(value, bytes | bytearray | memoryview):
        return FilePart(wire_name, filename or wire_name, bytes(value), content_type)
    if isinstance(value, str):
        raise TypeError(
            f"{argument} must be bytes, a binary file object or a path (pathlib.Path), not str: "
            "a string could be either a path or the content"
        )
    if isinstance(value, os.PathLike):
        path = Path(os.fspath(value))
        if not path.is_file():
            raise ValueError(f"{argument}: {str(path)!r} is not a file")
        return FilePart(wire_name, filename or path.name, path, content_type)
    if isinstance(value, io.TextIOBase):
        raise TypeError(f"{argument} must be opened in binary mode ('rb'), not text mode")
    if callable(getattr(value, "read", None)):
        file_object: IO[bytes] = value  # type: ignore[assignment]
        start = file_object.tell() if file_object.seekable() else 0
        name = getattr(value, "name", None)
        shown = os.path.basename(name) if isinstance(name, str) else wire_name
        return FilePart(wire_name, filename or shown, file_object, content_type, start)
    raise TypeError(f"{argument} must be bytes, a binary file object or a path, got {type(value).__name__}")
