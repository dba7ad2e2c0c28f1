"""Writing an output file: whole or not at all, and only where a file belongs.

One writer for every file the library makes (the exports, the template): write_atomic
writes a temporary file in the target's folder, flushes and syncs it, then os.replace's
it over the target. So the target is either the old file or the whole new one, never a
part, and the temporary file is removed on any failure: an OSError, Ctrl-C, and SIGTERM
or SIGHUP arriving during the write (the process then exits 143 or 129). SIGXFSZ (a file
size limit, `ulimit -f`) is ignored during the write, so the limit is an error (EFBIG)
with a sentence instead of a killed process.

Only a regular file or a new path is replaced: a folder, a FIFO, a device, a socket, or a
link to anything but a regular file is refused (SPEC: "Inputs and outputs"; a link to a
regular file is itself replaced, its target untouched). stdout ("-") is the way to a pipe
or a terminal: write_stdout. refuse_input_as_output keeps an output off the input trackers,
for the CLI and for a Python caller alike.

Every failure is one sentence: a FollowupError (exit 1), a UsageError (exit 2) for an
output that is one of the inputs or an xlsx sent to a terminal.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import FollowupError, UsageError

STDOUT = "-"
LOCK_FILES = ("~$", ".~lock.")  # Excel's ~$NAME, LibreOffice's .~lock.NAME#
_TEMP_NAME_BYTES = 200  # of the target's name in the temporary file's (a name may be 255 bytes)
_SIGNAL_EXIT = {"SIGTERM": 143, "SIGHUP": 129}

Save = Callable[[str], None]  # writes the whole file at the path it is given


# ---------------------------------------------------------------------------- checks

def check_target(target: Path) -> None:
    """Refuse a target that is not a regular file or a new path, or is open in Excel or
    LibreOffice, or whose folder does not exist."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FollowupError(f"Cannot write {target}: {why(exc, target)}") from None
    if info is not None:
        kind = _kind(info.st_mode)
        if kind == "link":
            try:
                info = os.stat(target)
            except OSError:
                raise FollowupError(f"Cannot write {target}: it is a link to {os.readlink(target)}, "
                                 "which does not exist; give a regular file or a new name.") from None
            kind = _kind(info.st_mode)
            if kind != "file":
                raise FollowupError(f"Cannot write {target}: it is a link to {_kind_name(kind)}, not "
                                 "to a file; give a regular file or a new name (-o - writes to "
                                 "stdout).")
        elif kind == "folder":
            raise FollowupError(f"Cannot write {target}: it is a folder; give a file name, "
                             f"e.g. {target / ('week' + (target.suffix or '.xlsx'))}.")
        elif kind != "file":
            raise FollowupError(f"Cannot write {target}: it is {_kind_name(kind)}, not a file; "
                             "give a regular file or a new name (-o - writes to stdout).")
    parent = target.parent
    if not _is_dir(parent):
        raise FollowupError(f"Cannot write {target}: the folder {parent} does not exist; "
                            "create it or choose another output path.")
    for prefix in LOCK_FILES:
        lock = parent / (prefix + target.name + ("#" if prefix == ".~lock." else ""))
        if _lexists(lock):
            app = "Excel" if prefix == "~$" else "LibreOffice"
            raise FollowupError(f"Cannot write {target}: it is open in {app} (lock file "
                                f"{lock.name}); close it and run again, or choose another "
                                "output path.")


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"  # character or block


def _kind_name(kind: str) -> str:
    return {"folder": "a folder", "fifo": "a named pipe (FIFO)", "socket": "a socket",
            "device": "a device"}[kind]


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
        return True
    except OSError:  # missing, or a name too long to be there
        return False


def refuse_input_as_output(out: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """An output path that is one of the inputs (the same path, or the same file under
    another name: a link, a hard link) would destroy a tracker: refuse it (UsageError)."""
    if os.fspath(out) == STDOUT:
        return
    target = Path(out)
    try:
        resolved = target.resolve()
        where = os.stat(target) if target.exists() else None
    except OSError:
        return  # a path that cannot be resolved is not an input
    folders: dict[Path, Path] = {}
    for p in inputs:
        p = Path(p)
        try:
            same = _resolved(p, folders) == resolved or (
                where is not None and p.exists() and os.path.samestat(where, os.stat(p)))
        except OSError:
            same = False
        if same:
            raise UsageError(f"The output {out} is one of the input trackers: choose another "
                             "output file with -o (a tracker is only ever read).")


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """path.resolve(), each folder resolved once (`folders`: folder -> resolved) for the 500
    trackers of one folder: a name that is not a link resolves to its folder's resolved path
    and that name, as os.path.realpath walks it."""
    if path.name in ("", ".", ".."):
        return path.resolve()
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return path.resolve()
    except OSError:  # missing, or not reachable: resolved as ever
        return path.resolve()
    parent = path.parent
    if parent not in folders:
        folders[parent] = parent.resolve()
    return folders[parent] / path.name


# ---------------------------------------------------------------------------- writing

def write_atomic(target: str | os.PathLike[str], data: bytes | Save) -> Path:
    """Write data (bytes, or a function that saves the whole file at a path) to target,
    whole or not at all. Returns the target's Path."""
    target = Path(target)
    check_target(target)
    with _signals_clean_up() as temps:
        try:
            fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise FollowupError(f"Cannot write {target}: {why(exc, target.parent)}") from None
        temps.append(tmp)
        try:
            if callable(data):
                os.close(fd)
                data(tmp)
                fd = os.open(tmp, os.O_RDONLY)
            else:
                _write_all(fd, data)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; keep the usual permissions
            os.replace(tmp, target)
            temps.remove(tmp)
        except BaseException as exc:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
            remove_quietly(tmp)
            temps.remove(tmp)
            if isinstance(exc, OSError):
                raise FollowupError(f"Cannot write {target}: {why(exc, target)}") from None
            raise
    return target


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _temp_prefix(target: Path) -> str:
    """.NAME. with NAME cut (on a character) so that the temporary name fits where NAME does."""
    name = target.name
    raw = os.fsencode(name)
    if len(raw) > _TEMP_NAME_BYTES:
        name = os.fsdecode(raw[:_TEMP_NAME_BYTES].decode("utf-8", "ignore").encode("utf-8"))
    return f".{name}."


def _file_mode(target: Path) -> int:
    """The replaced file's permissions, or what a new file gets (0666 less the umask)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _signals_clean_up() -> Iterator[list[str]]:
    """While writing: SIGTERM and SIGHUP remove the temporary files (the list yielded) and
    exit 143 / 129; SIGXFSZ is ignored (a size limit becomes EFBIG). Handlers are only
    installed from the main thread (Python's rule); the previous ones come back after."""
    temps: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield temps
        return

    def clean_up(signum, frame):
        for tmp in list(temps):
            remove_quietly(tmp)
        temps.clear()
        name = signal.Signals(signum).name
        with contextlib.suppress(Exception):
            sys.stderr.write(f"Stopped by {name}: nothing was written.\n")
            sys.stderr.flush()
        os._exit(_SIGNAL_EXIT[name])  # now: not through code that could write on

    previous = {}
    for name in (*_SIGNAL_EXIT, "SIGXFSZ"):
        sig = getattr(signal, name, None)
        if sig is not None:
            previous[sig] = signal.signal(sig, signal.SIG_IGN if name == "SIGXFSZ" else clean_up)
    try:
        yield temps
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# ---------------------------------------------------------------------------- stdout

def write_stdout(data: bytes, binary: bool = False) -> None:
    """The bytes to stdout. A workbook is not sent to a terminal; a reader that stops early
    (| head) is fine; a closed or full stdout is one sentence (FollowupError)."""
    stream = sys.stdout
    if stream is None or _closed(stream):
        raise FollowupError("Cannot write to stdout: it is closed; give a file with -o, or "
                            "run the command with its output going somewhere.")
    if binary and stream.isatty():
        raise UsageError("An xlsx workbook cannot be shown on the terminal: redirect it "
                         "(-o - > week.xlsx), write a file with -o week.xlsx, or use --format md.")
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream (an embedding app's): the UTF-8 text
            stream.write(data.decode("utf-8", "replace"))
            stream.flush()
        else:
            buffer.write(data)
            buffer.flush()
    except BrokenPipeError:  # the reader stopped early: not an error
        _silence_stdout()
    except OSError as exc:
        _silence_stdout()
        raise FollowupError(f"Cannot write to stdout: {why(exc, None)}") from None


def _closed(stream) -> bool:
    """Whether stream is closed, or stands for a file descriptor that is (`>&-`)."""
    if getattr(stream, "closed", False):
        return True
    try:
        os.fstat(stream.fileno())
    except io.UnsupportedOperation:  # no descriptor (a captured stream): open
        return False
    except OSError:
        return True
    except (ValueError, AttributeError):
        return False
    return False


def _silence_stdout() -> None:
    """Point fd 1 at the null device so that the interpreter's exit flush of what is still
    buffered cannot fail a second time (Python's advice for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


# ---------------------------------------------------------------------------- messages

def why(exc: OSError, where: Path | None) -> str:
    """The end of a "Cannot write X: ..." sentence: what happened and what to do."""
    code = exc.errno
    place = "the output" if where is None else str(where)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "the disk is full (no space left on the device); free some space or choose another output path."
    if code == errno.EFBIG:
        return ("the file is larger than this process may write (a file size limit such as "
                "`ulimit -f`); raise the limit or choose another output path.")
    if code == errno.EROFS:
        return "the file system is read-only; choose another output path."
    if code == errno.ENAMETOOLONG:
        return "the file name is too long; choose a shorter name."
    if code == errno.EISDIR:
        return f"{place} is a folder; give a file name."
    if isinstance(exc, PermissionError):
        return (f"permission denied ({place} is read-only for you, or the file is open in another "
                "program); close it or choose another output path.")
    if isinstance(exc, FileNotFoundError):
        return f"{place} does not exist; create it or choose another output path."
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{reason.rstrip('.').lower()}; choose another output path."
