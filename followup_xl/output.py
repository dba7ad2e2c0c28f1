"""Writing an output file: whole or not at all, and only where a file belongs.

One writer for every file the library makes (the exports, the template): a temporary
file in the target's folder, flushed and synced, then os.replace. stdout ("-") is the
other way out.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import FollowupError, UsageError

STDOUT = "-"


def write_stdout(data: bytes, binary: bool = False) -> None:
    """The bytes to stdout; a workbook is not sent to a terminal; a closed pipe (| head) is fine."""
    if binary and sys.stdout.isatty():
        raise UsageError("An xlsx workbook cannot be shown on the terminal: redirect it "
                         "(-o - > week.xlsx), write a file with -o week.xlsx, or use --format md.")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # the reader stopped early: not an error; silence the exit flush
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def write_atomic(target: Path, data: bytes) -> Path:
    """A temporary file in the target's folder, then os.replace: never a half-written file."""
    _check_target(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise FollowupError(f"Cannot write {target}: {_why(exc, target.parent)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; keep the usual permissions
        os.replace(tmp, target)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, OSError):
            raise FollowupError(f"Cannot write {target}: {_why(exc, target)}") from None
        raise
    return target


def _file_mode(target: Path) -> int:
    """The replaced file's permissions, or what a new file gets (0666 less the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise FollowupError(f"Cannot write {target}: it is a folder; give a file name, "
                            f"e.g. {target / 'week.xlsx'}.")
    if not target.parent.is_dir():
        raise FollowupError(f"Cannot write {target}: the folder {target.parent} does not exist; "
                            "create it or choose another output path.")
    lock = target.with_name("~$" + target.name)
    if lock.exists():
        raise FollowupError(f"Cannot write {target}: it is open in Excel (lock file {lock.name}); "
                            "close it and run again, or choose another output path.")


def _why(exc: OSError, where: Path) -> str:
    if isinstance(exc, PermissionError):
        return (f"permission denied ({where} is read-only, or the file is open in another "
                "program); close it or choose another output path.")
    if isinstance(exc, FileNotFoundError):
        return f"{where} does not exist; create it or choose another output path."
    reason = exc.strerror or type(exc).__name__
    return f"{reason.rstrip('.').lower()}; free some space or choose another output path."


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
