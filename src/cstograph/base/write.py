"""Writing output files safely.

A regular file is written atomically: a temp file in the same folder, then os.replace, so a
failure (a full disk, an interrupted run, a rendering error) never leaves a partial file and
never destroys the file that was there before. A symbolic link is followed (the link stays,
its target gets the new content); a device or pipe (``-o /dev/null``, ``-o /dev/stdout``) is
written to directly, since it cannot be replaced. An output that is also one of the command's
input files is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cstograph.errors import OutputError


def write_atomic(path: Path, data: bytes | str | Iterable[bytes | str]) -> None:
    """Write ``data`` (text is written as UTF-8) to ``path`` safely: see the module's docstring.
    ``data`` may also be an iterable of pieces, written as they come, so that a large output
    (a synthetic graph of 100M triples) is never held whole; a piece that fails to come (an
    error while it is made) leaves no file, as any other failure. The one file writer of
    cstograph: outputs, imports, store metadata."""
    path = Path(path)
    pieces = (data,) if isinstance(data, (bytes, bytearray, memoryview, str)) else data
    data = (_encoded(path, piece) for piece in pieces)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(path, target, data)
        return
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in data:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, (mode & 0o777) if mode is not None else 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        raise


def write_atomic_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several regular files (the pages of a figure) all or none: each is first written in
    full to a temp file beside it, and only when every one is written are they renamed into
    place. A failure while writing leaves none of them; a rename that fails (rare: the temp file
    sits in the target's own folder) removes the files this call created."""
    staged: list[tuple[Path, str, bool]] = []
    try:
        for path, data in files:
            path = Path(path)
            target = Path(os.path.realpath(path)) if path.is_symlink() else path
            if target.is_dir():
                raise OutputError(f"{path}: is a folder, not a file")
            folder = target.parent if str(target.parent) else Path(".")
            if not folder.is_dir():
                raise OutputError(f"{path}: folder {folder} does not exist")
            existed = target.exists()
            mode = target.stat().st_mode if existed else None
            handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            staged.append((target, temp, existed))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, (mode & 0o777) if mode is not None else 0o666 & ~_umask())
    except BaseException as exc:
        for _, temp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        raise
    placed: list[Path] = []
    try:
        for target, temp, existed in staged:
            os.replace(temp, target)
            if not existed:
                placed.append(target)
    except OSError as exc:
        for _, temp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for target in placed:
            with contextlib.suppress(OSError):
                os.unlink(target)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc


def _encoded(path: Path, piece: bytes | str) -> bytes:
    if not isinstance(piece, str):
        return piece
    try:
        return piece.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OutputError(f"{path}: cannot write: {exc.reason}") from exc


def _write_through(path: Path, target: Path, data: Iterable[bytes]) -> None:
    """A device, pipe or socket: it cannot be replaced, so write into it."""
    try:
        with open(target, "wb") as stream:
            for piece in data:
                stream.write(piece)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def refuse_overwriting_inputs(output: Path | None, inputs: Iterable[Path]) -> None:
    """Refuse an output file that is one of the input files (after links are followed)."""
    if output is None:
        return
    try:
        out = Path(output).resolve()
        if not out.exists():
            return
        for given in inputs:
            if Path(given).resolve() == out:
                raise OutputError(
                    f"{output}: is also an input file; writing it would destroy the input",
                    hint="choose another output file",
                )
    except OSError:
        return


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
