"""Reading many trackers: `read_many(files, read)`, each file's outcome in the files' order.

A coach's folder holds a tracker per client, often hundreds of small ones; each costs a
couple of milliseconds to check, parse and type, nearly all of it one CPU's work. Where the
system can fork cheaply (Linux) and the process has a single thread, a run of at least
PARALLEL_MIN files is read by two processes: this one reads the first half while a forked
child (it shares the imports already loaded) reads the second half and sends each outcome
back pickled. The outcomes are the same as one process gives, in the same order, and the
caller sees them the same way (`progress` and `on_read` run here, in order). Should the
child fail to report a file (it was killed, or a value did not pickle), this process
reads that file itself, as it would have without the child.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import TrackerError

PARALLEL_MIN = 24  # files: below this, a second process is not worth its start (~10 ms)
ENV_SERIAL = "FOLLOWUP_XL_SERIAL"  # set (to anything but "" or 0) to read in one process


def read_many(files: list[Path], read: Callable[[Path], Any]) -> Iterator[tuple[Path, Any]]:
    """(path, read(path)) for each file in order; a TrackerError raised by read is given in
    place of the result (other exceptions propagate, at that file's turn)."""
    if not _parallel(len(files)):
        for path in files:
            yield path, _outcome(read, path)
        return
    # the first file is read before the fork: the imports and caches every read needs (the
    # holidays package's countries, a calendar) are then loaded once, for both processes
    yield files[0], _outcome(read, files[0])
    mid = (len(files) + 1) // 2
    child = _Child(files[mid:], read, first=mid)
    try:
        for path in files[1:mid]:
            yield path, _outcome(read, path)
            child.take()  # what the child has sent so far is unpickled between reads here
        got = child.results()
    finally:
        child.close()
    for k, path in enumerate(files[mid:], start=mid):
        if k in got:
            kind, value = got[k]
            if kind == "raise":
                raise value
            yield path, value
        else:  # the child did not report it: read it here
            yield path, _outcome(read, path)


def _outcome(read: Callable[[Path], Any], path: Path) -> Any:
    try:
        return read(path)
    except TrackerError as exc:
        return exc


def _parallel(count: int) -> bool:
    return (count >= PARALLEL_MIN and sys.platform.startswith("linux") and hasattr(os, "fork")
            and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1
            and os.environ.get(ENV_SERIAL, "") in ("", "0"))


class _Child:
    """A forked process reading `files` (indexes from `first` on) and writing each outcome,
    pickled, to a pipe this process drains in a thread (so the child never waits on it)."""

    def __init__(self, files: list[Path], read: Callable[[Path], Any], first: int) -> None:
        rfd, wfd = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            if stream is not None:
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
        import gc

        gc.freeze()  # the collector of either process then never walks (and so copies) the shared pages
        self.pid = os.fork()
        if self.pid == 0:  # the child: read, report, and end without running anything else
            code = 0
            try:
                os.close(rfd)
                with os.fdopen(wfd, "wb") as out:
                    for k, path in enumerate(files, start=first):
                        out.write(_pickled(k, read, path))
            except BaseException:  # noqa: BLE001 - the parent reads what is missing itself
                code = 1
            finally:
                os._exit(code)
        os.close(wfd)
        self._rfd = rfd
        self._data = bytearray()
        self._lock = threading.Lock()  # the drain thread appends to _data, take() cuts from it
        self._got: dict[int, tuple[str, Any]] = {}
        self._drain = threading.Thread(target=self._read_all, name="followup-xl-many", daemon=True)
        self._drain.start()

    def _read_all(self) -> None:
        while True:
            try:
                block = os.read(self._rfd, 1 << 20)
            except OSError:
                return
            if not block:
                return
            with self._lock:
                self._data += block

    def take(self) -> None:
        """Unpickle the records received whole so far (this process's share of the work is
        then spread over the time it reads its own files, not left to the end)."""
        with self._lock:
            data = self._data
            end = 0
            while end + 8 <= len(data):
                size = int.from_bytes(data[end:end + 8], "little")
                if end + 8 + size > len(data):
                    break  # the rest of this record is still on its way (or never comes)
                end += 8 + size
            if not end:
                return
            whole = bytes(data[:end])
            del data[:end]
        view = memoryview(whole)
        at = 0
        while at < end:
            size = int.from_bytes(view[at:at + 8], "little")
            try:
                k, kind, value = pickle.loads(view[at + 8:at + 8 + size])
            except Exception:  # noqa: BLE001 - read again here
                pass
            else:
                if kind != "unpicklable":
                    self._got[k] = (kind, value)
            at += 8 + size
        view.release()

    def results(self) -> dict[int, tuple[str, Any]]:
        """index -> ("value", outcome) or ("raise", exception), for each file the child
        reported (a record cut short, the child having died while writing it, is not)."""
        self._drain.join()
        self.take()
        return self._got

    def close(self) -> None:
        """Wait for the child (stopped first when its outcomes are no longer wanted)."""
        if self._drain.is_alive():
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._drain.join()
        os.close(self._rfd)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _pickled(k: int, read: Callable[[Path], Any], path: Path) -> bytes:
    """One length-prefixed record: (index, "value" | "raise" | "unpicklable", outcome)."""
    try:
        record = (k, "value", _outcome(read, path))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent, at this file's turn
        record = (k, "raise", exc)
    try:
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - the parent reads the file itself
        data = pickle.dumps((k, "unpicklable", None))
    return len(data).to_bytes(8, "little") + data


__all__ = ["PARALLEL_MIN", "read_many"]
