"""Refuse broken and hostile workbooks before any parser touches them (issue: hardening).

Trackers arrive by e-mail. `check_workbook` looks at a file's first bytes, its zip
directory, the first kilobytes of each XML part and streams each sheet's XML once (nothing
extracted, memory bounded, 0.25 s for a 100,000-row tracker; a file up to 1 MB is read
once and its small parts inflated from memory, ~0.2 ms a tracker, and a part byte for byte
the same as one that passed before, as in a folder of trackers made from one template, is
not inflated or checked again), and raises `TrackerError` with
one sentence (the file, what is wrong, what to do) for: a missing or unreadable file, an old
.xls, a password-protected workbook, a renamed text file, a truncated archive, a zip bomb
(declared size, compression ratio, part count, sizes that lie), an XML document type
declaration (entity tricks such as "billion laughs"), and what would crash python-calamine
outright (a grid of billions of cells, an impossible shared-strings count, a date cell far
below year 1), and a workbook without sheets. Which sheet holds the applications is the
reader's choice (reader/sheets.py).

`ensure_defusedxml` is the start-up check that openpyxl parses XML through defusedxml;
`native_errors_silenced` keeps a Rust panic's output off the terminal while reading.
The limits below are explained in docs/troubleshooting.md ("Limits").
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import math
import os
import posixpath
import re
import stat
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO

from . import schema
from .a1 import column_letter, column_number
from .errors import FollowupError, TrackerError

# --------------------------------------------------------------------------- limits
# A 100,000-row tracker (15 columns) written by openpyxl declares 62-68 MB of sheet XML and
# compresses about 11:1 (measured); Excel's own maximum, 1,048,576 rows of the same width,
# would be about 0.7 GB. The limits leave that room and stop zip bombs long before they
# could exhaust memory.
MAX_MEMBERS = 10_000  # real trackers have 10-40 parts; a bomb may have millions
MAX_CENTRAL_DIRECTORY = 16 << 20  # bytes of zip directory (about 100,000 entries' worth)
MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB declared for all parts together
MAX_RATIO = 200  # uncompressed:compressed of one part (deflate's ceiling is about 1032)
RATIO_FLOOR = 16 << 20  # the ratio matters only for parts larger than 16 MiB
MAX_SMALL_PART = 32 << 20  # parts read whole here (workbook.xml)
MAX_CELLS = 10_000_000  # rows x columns a sheet spans: python-calamine allocates the whole grid
# (measured: a sheet spanning 10 million cells takes the reader about 520 MB; a 100,000-row
# tracker of 15 columns spans 1.5 million)
MAX_TAG = 16 << 20  # one XML tag or text run in a sheet (a cell holds 32,767 characters)
PROLOG_SCAN = 64 << 10  # bytes of each XML part searched for a DOCTYPE before its root element
OLE_SCAN = 512 << 10  # bytes of an OLE2 file searched for stream names
CHUNK = 1 << 20
MAX_FILE = 512 << 20  # a workbook file read whole (read_whole): Excel's largest sheet compresses to ~70 MB
SMALL_FILE = 1 << 20  # files up to this size are read into memory once and their parts inflated there
WHOLE_BUDGET = 4 << 20  # bytes of small parts kept after the prolog check for the later steps

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_PART = "xl/workbook.xml"
XML_SUFFIXES = (".xml", ".rels", ".vml")

_RESAVE = "open it in Excel and save it again as .xlsx"
_TRIM = "delete the rows and columns beyond your data (Ctrl+End shows the last cell) and save it."


def _stream(name: str) -> bytes:
    """A stream's name as an OLE2 directory entry holds it: UTF-16LE, then a 0 terminator."""
    return (name + "\0").encode("utf-16-le")


# --------------------------------------------------------------------------- start-up check

def ensure_defusedxml() -> None:
    """Check that openpyxl parses through defusedxml (no entity expansion, no DTD fetching).

    openpyxl decides when it is first imported: defusedxml when it is installed and
    OPENPYXL_DEFUSEDXML is unset or "True", else silently the standard library. When openpyxl
    is not imported yet, the same rule is checked without paying for the import.
    """
    fix = "run: pip install defusedxml, and unset OPENPYXL_DEFUSEDXML"
    try:
        import defusedxml  # noqa: F401
    except ImportError:
        raise FollowupError("The defusedxml package is not installed, so workbooks cannot be "
                            f"read safely: {fix}.") from None
    loaded = sys.modules.get("openpyxl.xml")
    if loaded is None:
        safe = os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True"
    else:
        functions = sys.modules.get("openpyxl.xml.functions")
        parser = getattr(getattr(functions, "iterparse", None), "__module__", "") or ""
        safe = loaded.DEFUSEDXML is True and (functions is None or parser.startswith("defusedxml"))
    if not safe:
        raise FollowupError("openpyxl is not using defusedxml, so workbooks cannot be read "
                            f"safely: {fix}.")


_DEFUSED_CHECKED = False


class native_errors_silenced:
    """While reading, send what native code writes to stderr (python-calamine's Rust panic
    message and backtrace) to nowhere: the panic still arrives as an exception, which the
    reader turns into one sentence. Python's own sys.stderr is flushed first and restored.
    (A class, not a generator: it is entered once per tracker, and a folder holds hundreds;
    the null device is opened once per process.)"""

    _null: int | None = None  # a descriptor open on os.devnull, kept for the process

    def __enter__(self) -> None:
        self._saved = None
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):  # no real fd 2 (embedded): nothing to silence
            return
        try:
            if native_errors_silenced._null is None:
                native_errors_silenced._null = os.open(os.devnull, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            os.dup2(native_errors_silenced._null, 2)
        except OSError:
            os.close(saved)
            raise
        self._saved = saved

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            os.dup2(self._saved, 2)
            os.close(self._saved)


# --------------------------------------------------------------------------- the check

@dataclass(frozen=True)
class WorkbookCheck:
    """What the check saw on its way, so the reader need not look again: the sheet parts it
    streamed, and those holding the marker of an error cell (t="e")."""

    scanned: frozenset[str] = frozenset()
    error_parts: frozenset[str] = frozenset()
    # the bytes of xl/workbook.xml and of its relationships part (None: the archive has none),
    # when both were read whole; and the declared size of each sheet part scanned
    workbook_parts: tuple[bytes, bytes | None] | None = field(default=None, compare=False)
    sizes: Mapping[str, int] = field(default_factory=dict, compare=False)

    # sheet parts holding a formula (<f>: the reader looks for formulas with no stored
    # result), and the Excel Table parts of the archive
    formula_parts: frozenset[str] = field(default=frozenset(), compare=False)
    table_parts: tuple[str, ...] = field(default=(), compare=False)

    # cells of a sheet part whose value python-calamine reads wrongly or panics on (a negative
    # number, which in a date cell becomes a time of day; NaN or infinity; a number at or below
    # MIN_NUMBER, which in a date cell aborts it): part -> ((cell reference, the value as
    # written), ...); the reader puts the values back as written (see defused)
    odd_numbers: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False)

    # sheet parts scanned for their extent and odd numbers only (workbook_check's
    # marks_below): whether they hold an error cell or a formula is not known
    unmarked: frozenset[str] = field(default=frozenset(), compare=False)

    # the inflated XML of large sheet parts, as the check streamed it (workbook_check's
    # keep_from; only parts whose every cell tag is a plain <c r="..">): part -> chunks,
    # each ending just before a '<'. The reader parses such a part in two halves at once
    # (reader/halves.py) and pops it as soon as it can.
    inflated: dict[str, list[bytes]] = field(default_factory=dict, compare=False)

    def may_hold_errors(self, part: str) -> bool:
        return part not in self.scanned or part in self.unmarked or part in self.error_parts

    def may_hold_formulas(self, part: str) -> bool:
        return part not in self.scanned or part in self.unmarked or part in self.formula_parts


def check_workbook(path: str | os.PathLike[str]) -> None:
    """Refuse a file that is not a safe, readable .xlsx with a Tracker sheet (else return None).

    Raises TrackerError whose message is one sentence naming the file as given. What the check
    saw is kept for the reader (last_check).
    """
    global _LAST
    _LAST = None
    seen = workbook_check(path, marks_below=None, keep_from=None)  # every part searched: the note is complete
    _LAST = (os.fspath(path), _identity(path), seen)


_LAST: tuple[str, tuple, WorkbookCheck] | None = None  # the latest check_workbook's path and findings


def _identity(path: str | os.PathLike[str]) -> tuple:
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def last_check(path: str | os.PathLike[str]) -> WorkbookCheck | None:
    """What check_workbook saw when it last passed this very file (same path, same file,
    unchanged since), else None: the reader then looks for itself."""
    if _LAST is None or _LAST[0] != os.fspath(path):
        return None
    try:
        return _LAST[2] if _identity(path) == _LAST[1] else None
    except OSError:
        return None


def read_whole(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, read once through one open file descriptor (checked to be a regular
    file on that descriptor, not only by name). The reader checks and parses these bytes
    (workbook_check(path, data=...)): a file swapped on disk between the check and the parse
    is not read, and neither is a pipe or a device put where a file was."""
    shown = os.fspath(path)
    _check_file(path, shown)  # the sentences for a missing, folder, special or unreadable path
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise TrackerError(_unreadable(shown, exc)) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise TrackerError(f"{shown} is not a regular file: give the path of an .xlsx file.")
        if st.st_size > MAX_FILE:
            raise TrackerError(_too_large(shown, st.st_size))
        try:
            # the size it states, and a byte more to see whether it has grown (or states 0,
            # as some file systems' files do): asking for MAX_FILE at once costs a buffer that
            # large, for every small tracker
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(MAX_FILE + 1 - len(data))
        except OSError as exc:
            raise TrackerError(_unreadable(shown, exc)) from None
    if len(data) > MAX_FILE:
        raise TrackerError(_too_large(shown, len(data)))
    if not data:
        raise TrackerError(f"{shown} is empty (0 bytes): ask for a new copy of the workbook.")
    return data


def _too_large(shown: str, size: int) -> str:
    return (f"{shown} is {_mb(size)}, far larger than any tracker workbook (limit {_mb(MAX_FILE)}): "
            "check that it is the right file.")


# A sheet part this large (inflated) is not searched for error cells and formulas by the
# check (the verdict does not depend on them): the reader looks for them itself while
# python-calamine parses the part in another thread (reader/workbook.py THREAD_MIN_BYTES).
MARKS_BELOW = 4 << 20


# A sheet part this large (inflated; ~13,000 tracker rows) is kept inflated for the reader,
# which has python-calamine parse it in two halves at once (reader/halves.py): one part,
# of at most KEEP_MAX bytes.
KEEP_FROM = 8 << 20
KEEP_MAX = 256 << 20

# Who is told, after each block of a part being kept, that its cells so far passed:
# callback(part, sheet name, every sheet part, the chunks so far, the part's declared size)
# -> True when it needs no more calls for the part (reader/halves.Split.offer).
_ON_ROWS: contextvars.ContextVar = contextvars.ContextVar("followup_xl_on_rows", default=None)


@contextlib.contextmanager
def early_rows(callback):
    """Within the block, workbook_check tells `callback` of each kept part's rows as they pass."""
    token = _ON_ROWS.set(callback)
    try:
        yield
    finally:
        _ON_ROWS.reset(token)


def workbook_check(path: str | os.PathLike[str], data: bytes | None = None,
                   marks_below: int | None = -1, keep_from: int | None = -1) -> WorkbookCheck:
    """check_workbook, returning what the reader can reuse (WorkbookCheck). With `data` (what
    read_whole gave), those bytes are checked and the file is not opened again. A sheet part
    of `marks_below` bytes or more (-1: MARKS_BELOW; None: none) is not searched for error
    cells and formulas (WorkbookCheck.unmarked). One sheet part of `keep_from` bytes or more
    (-1: KEEP_FROM; None: none) and at most KEEP_MAX is kept inflated (WorkbookCheck.inflated):
    the Tracker sheet's when there is one, else the first so large."""
    if marks_below == -1:
        marks_below = MARKS_BELOW
    if keep_from == -1:
        keep_from = KEEP_FROM
    global _DEFUSED_CHECKED
    if not _DEFUSED_CHECKED:  # once per process: the reader may parse with openpyxl later
        ensure_defusedxml()
        _DEFUSED_CHECKED = True
    shown = os.fspath(path)
    size = _check_file(path, shown) if data is None else len(data)
    with (open(path, "rb") if data is None else io.BytesIO(data)) as fh:
        head = fh.read(8)
        if not head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
            _refuse_not_zip(fh, head, shown)
        _check_directory_size(fh, size, shown)
        try:
            zf = zipfile.ZipFile(fh)
        except Exception:  # BadZipFile, NotImplementedError (a forged version), struct.error, ...
            raise TrackerError(_damaged(shown)) from None
        with zf:
            infos = zf.infolist()
            _check_members(infos, size, shown)
            _check_kind(zf, shown)
            whole = _Parts()  # small parts read whole by the prolog check, not read again
            blob = _small_file(fh, size) if data is None else data
            for info in infos:
                if info.filename.lower().endswith(XML_SUFFIXES):
                    whole.keep(info, _checked_part(zf, info, shown, blob))
            sheets = _sheets(zf, shown, whole)
            names = [name for name, _ in sheets]
            _refuse_twin_sheets(names, shown)
            scanned: set[str] = set()  # sheets may share a part: scan each part once
            errors: set[str] = set()
            formulas: set[str] = set()
            unmarked: set[str] = set()
            odd: dict[str, list[tuple[str, str]]] = {}
            inflated: dict[str, list[bytes]] = {}  # one part: the Tracker sheet's, else the first large one
            tracker_part = next((part for name, part in sheets if has_tracker_sheet([name])), None)
            on_rows = _ON_ROWS.get()
            parts = tuple(part for _, part in sheets if part is not None)
            for name, part in sheets:
                if part is not None and part not in scanned:
                    scanned.add(part)
                    found: list[tuple[str, str]] = []
                    info = zf.getinfo(part)
                    marks = marks_below is None or info.file_size < marks_below
                    if not marks:
                        unmarked.add(part)
                    kept: list[bytes] | None = None
                    if (keep_from is not None and keep_from <= info.file_size <= KEEP_MAX and not inflated
                            and (tracker_part is None or part == tracker_part)):
                        kept = []
                    early = None
                    if on_rows is not None and kept is not None:
                        early = functools.partial(on_rows, part, name, parts)
                    marked, formula = _check_span(zf, info, name, shown, whole.get(part), found, marks, kept,
                                                  early)
                    if kept:
                        inflated[part] = kept
                    if marked:
                        errors.add(part)
                    if formula:
                        formulas.add(part)
                    if found:
                        odd[part] = found
            seen = WorkbookCheck(frozenset(scanned), frozenset(errors), _workbook_parts(zf, whole),
                                 {part: zf.getinfo(part).file_size for part in scanned},
                                 frozenset(formulas),
                                 tuple(i.filename for i in infos if i.filename.startswith("xl/tables/")),
                                 odd_numbers={k: tuple(v) for k, v in odd.items()},
                                 unmarked=frozenset(unmarked), inflated=inflated)
    if not names:
        raise TrackerError(f"{shown} has no sheets: open it in Excel and save it again, or start "
                           "from `followup-xl template`.")
    return seen


def _refuse_twin_sheets(names: list[str], shown: str) -> None:
    """Two sheets of one name (case and surrounding spaces ignored, as the reader matches
    them): Excel never saves that, and the parts read for one would not be the other's
    (the cells of one sheet with the error cells of its twin)."""
    seen: set[str] = set()
    for name in names:
        key = name.strip().casefold()
        if key in seen:
            raise TrackerError(f"{shown} has two sheets named {name.strip()!r}, which Excel never "
                               f"allows: it may be hostile; {_RESAVE}.")
        seen.add(key)


def _workbook_parts(zf: zipfile.ZipFile, whole: _Parts) -> tuple[bytes, bytes | None] | None:
    """The workbook part and its relationships part (None when the archive has none) for the
    reader, when both were read whole."""
    workbook, rels = whole.get(WORKBOOK_PART), whole.get(RELS_PART)
    if workbook is None or (rels is None and RELS_PART in zf.NameToInfo):
        return None
    return workbook, rels


def has_tracker_sheet(names: Iterable[str]) -> bool:
    """True when a sheet is named Tracker (case and surrounding spaces ignored)."""
    want = schema.TRACKER_SHEET.casefold()
    return any(n.strip().casefold() == want for n in names)


def _damaged(shown: str) -> str:
    return (f"{shown} is damaged or incomplete (truncated): ask for a new copy, "
            f"or open it in Excel and save it again.")


def _check_file(path: str | os.PathLike[str], shown: str) -> int:
    """The file's size; a clear sentence for a missing, folder, special or unreadable path."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise TrackerError(_unreadable(shown, exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise TrackerError(f"{shown} is a folder, not a workbook: give the path of an .xlsx file.")
    if not stat.S_ISREG(st.st_mode):
        raise TrackerError(f"{shown} is not a regular file: give the path of an .xlsx file.")
    if st.st_size == 0:
        raise TrackerError(f"{shown} is empty (0 bytes): ask for a new copy of the workbook.")
    if not os.access(path, os.R_OK):
        raise TrackerError(_denied(shown))
    return st.st_size


def _denied(shown: str) -> str:
    return f"{shown} cannot be read (permission denied): check the file's permissions."


def _unreadable(shown: str, exc: OSError) -> str:
    """The sentence for a path that cannot be opened or looked at."""
    if isinstance(exc, FileNotFoundError):
        return f"{shown} was not found: check the file name and the folder."
    if isinstance(exc, PermissionError):
        return _denied(shown)
    return f"{shown} cannot be read ({exc.strerror or exc}): check the path."


def _refuse_not_zip(fh: IO[bytes], head: bytes, shown: str) -> None:
    """Every .xlsx is a zip: say what this file is instead."""
    if head == OLE2_MAGIC:
        fh.seek(0)
        data = fh.read(OLE_SCAN) + _ole_directory(fh)
        if _stream("EncryptedPackage") in data or _stream("EncryptionInfo") in data:
            raise TrackerError(f"{shown} is encrypted (password-protected): open it in Excel, "
                               f"remove the password (File > Info > Protect Workbook) and save it.")
        if _stream("Workbook") in data or _stream("Book") in data:
            raise TrackerError(f"{shown} is an old .xls workbook: open it in Excel and save it "
                               "as .xlsx.")
        raise TrackerError(f"{shown} is not an Excel workbook (it is an older Office document): "
                           f"give the tracker's .xlsx file.")
    kind = "a text or CSV file" if _looks_like_text(fh) else "another kind of file"
    raise TrackerError(f"{shown} is not an Excel workbook (it looks like {kind}): "
                       f"give the tracker's .xlsx file, or {_RESAVE}.")


def _ole_directory(fh: IO[bytes]) -> bytes:
    """The first sector of an OLE2 file's directory (its stream names), wherever it sits."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        return b""
    shift, = struct.unpack_from("<H", header, 0x1E)
    first_dir, = struct.unpack_from("<I", header, 0x30)
    if not 7 <= shift <= 16 or first_dir >= 0xFFFFFFFA:
        return b""
    sector = 1 << shift
    fh.seek((first_dir + 1) * sector)
    return fh.read(sector)


def _looks_like_text(fh: IO[bytes]) -> bool:
    fh.seek(0)
    sample = fh.read(4096)
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the sample's end is fine
        if exc.start < len(sample) - 4:
            return False
    return b"\x00" not in sample


def _check_directory_size(fh: IO[bytes], size: int, shown: str) -> None:
    """Read the end-of-directory record ourselves, so a million-entry zip is refused before
    zipfile builds a million objects."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(EMPTY_ZIP_MAGIC)
    if at < 0 or len(tail) - at < 22:
        raise TrackerError(_damaged(shown))
    _, _, _, entries, cd_size, cd_offset, _ = struct.unpack_from("<HHHHIIH", tail, at + 4)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        loc = at - 20
        if loc >= 0 and tail[loc:loc + 4] == b"PK\x06\x07":
            z64_offset, = struct.unpack_from("<Q", tail, loc + 8)
            fh.seek(z64_offset)
            rec = fh.read(56)
            if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack_from("<QQ", rec, 32)
    if entries > MAX_MEMBERS or cd_size > MAX_CENTRAL_DIRECTORY:
        raise TrackerError(f"{shown} has {entries:,} parts, far more than any workbook: it may be a "
                           f"zip bomb, so it was not opened; {_RESAVE}.")
    fh.seek(0)


def _check_members(infos: list[zipfile.ZipInfo], size: int, shown: str) -> None:
    """Declared sizes, ratios and layout: a zip bomb or a damaged archive is refused here."""
    if len(infos) > MAX_MEMBERS:
        raise TrackerError(f"{shown} has {len(infos):,} parts, far more than any workbook: it may be a "
                           f"zip bomb, so it was not opened; {_RESAVE}.")
    bomb = f"it may be a zip bomb, so it was not opened; {_RESAVE}."
    total = 0
    seen: set[str] = set()
    for info in infos:
        total += info.file_size
        if info.filename in seen:
            raise TrackerError(f"{shown} contains the part {info.filename!r} twice, which Excel never "
                               f"writes: it may be hostile, so it was not opened; {_RESAVE}.")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise TrackerError(f"{shown} is encrypted (password-protected): open it in Excel, "
                               f"remove the password and save it.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TrackerError(f"{shown} uses a compression method Excel does not write: {_RESAVE}.")
        if info.header_offset + 30 + info.compress_size > size:
            raise TrackerError(_damaged(shown))
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise TrackerError(f"{shown} has a part that would inflate {ratio:,} times (to "
                               f"{_mb(info.file_size)}), far more than a workbook does: {bomb}")
        if _size_lies(info):
            raise TrackerError(f"{shown} has a part whose declared size is impossible, which Excel never "
                               f"writes: it may be hostile, so it was not opened; {_RESAVE}.")
    packed = sum(i.compress_size for i in infos)
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise TrackerError(f"{shown} would inflate {total // max(packed, 1):,} times (to {_mb(total)}), "
                           f"far more than a workbook does: {bomb}")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise TrackerError(f"{shown} would inflate to {_mb(total)}, far more than any tracker "
                           f"(limit {_mb(MAX_TOTAL_UNCOMPRESSED)}): {bomb}")


def _size_lies(info: zipfile.ZipInfo) -> bool:
    """A stored part is exactly its size; deflate never grows data by more than ~0.1% + 5 bytes
    per 64 KiB block, so a declared size well below the compressed size is a lie."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.file_size != info.compress_size
    overhead = info.file_size // 1000 + 5 * (info.file_size // 0xFFFF + 1) + 64
    return info.compress_size > info.file_size + overhead


def _mb(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):,.0f} MB"


def _check_kind(zf: zipfile.ZipFile, shown: str) -> None:
    """A zip, but is it an .xlsx workbook?"""
    names = set(zf.namelist())
    if WORKBOOK_PART in names:
        return
    if "xl/workbook.bin" in names:
        raise TrackerError(f"{shown} is a binary workbook (.xlsb): open it in Excel and save it "
                           "as .xlsx.")
    if "mimetype" in names and "content.xml" in names:
        raise TrackerError(f"{shown} is an OpenDocument file (.ods), not an Excel workbook: "
                           f"open it and save it as .xlsx (Excel 2007-365).")
    if "word/document.xml" in names:
        raise TrackerError(f"{shown} is a Word document, not an Excel workbook: give the "
                           "tracker's .xlsx file.")
    if any(n.startswith("ppt/") for n in names):
        raise TrackerError(f"{shown} is a PowerPoint file, not an Excel workbook: give the "
                           "tracker's .xlsx file.")
    raise TrackerError(f"{shown} is not an Excel workbook (a zip archive without a workbook inside): "
                       f"give the tracker's .xlsx file.")


_DOCTYPE = re.compile(rb"<!\s*DOCTYPE|<!\s*ENTITY", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_:]")


class _Parts:
    """The parts the prolog check read whole (at most PROLOG_SCAN bytes each, WHOLE_BUDGET
    bytes in all, so memory stays bounded), for the workbook parse and the sheet scan."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.budget = WHOLE_BUDGET

    def keep(self, info: zipfile.ZipInfo, data: bytes) -> None:
        if len(data) == info.file_size and len(data) <= self.budget:  # the whole part, CRC checked
            self.data[info.filename] = data
            self.budget -= len(data)

    def get(self, name: str) -> bytes | None:
        return self.data.get(name)


def _small_file(fh: IO[bytes], size: int) -> bytes | None:
    """The whole file when it is small (a tracker of a few hundred rows): its parts are then
    inflated from memory (_part_of) instead of through zipfile, which costs ~10 us a part."""
    if size > SMALL_FILE:
        return None
    fh.seek(0)
    blob = fh.read(SMALL_FILE + 1)
    return blob if len(blob) == size else None


def _part_of(blob: bytes | None, info: zipfile.ZipInfo) -> bytes | None:
    """A small part inflated from the file's bytes, when everything zipfile checks holds (the
    local header, its name, the flags, the exact size and the CRC), so that the bytes are
    those zipfile would return; None otherwise, and the part is read through zipfile (which
    then gives the same verdict as ever)."""
    raw = _raw_part(blob, info)
    return None if raw is None else _inflate(info, raw)


def _raw_part(blob: bytes | None, info: zipfile.ZipInfo) -> bytes | None:
    """The compressed bytes of a small part in the file's bytes, when its local header is
    what zipfile checks (the name, the flags, the bounds); else None."""
    if blob is None or info.file_size > PROLOG_SCAN or info.flag_bits & 0x61:
        return None  # large, or encrypted / patched / strongly encrypted: zipfile decides
    at = info.header_offset
    if blob[at:at + 4] != ZIP_MAGIC or len(blob) < at + 30:
        return None
    flags, = struct.unpack_from("<H", blob, at + 6)
    name_len, extra_len = struct.unpack_from("<HH", blob, at + 26)
    try:
        name = blob[at + 30:at + 30 + name_len].decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    start = at + 30 + name_len + extra_len
    end = start + info.compress_size
    limit = getattr(info, "_end_offset", None)  # newer zipfile: overlapping parts are refused
    if name != info.orig_filename or end > len(blob) or (limit is not None and end > limit):
        return None
    return blob[start:end]


def _inflate(info: zipfile.ZipInfo, raw: bytes) -> bytes | None:
    """The part's bytes from its compressed bytes, when they inflate to exactly the declared
    size and CRC; else None."""
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
    else:
        return None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return None
    return data


# The trackers of a folder usually come from one template, so most of their small parts (the
# theme, the styles, the relationships, a Settings sheet) are the same bytes in every file:
# each distinct part (its compressed bytes and method) is inflated and prolog-checked once
# per process. Only parts that passed are kept: (inflated bytes, their CRC), at most
# SEEN_BUDGET bytes in all (then the memory starts afresh).
_SEEN: dict[tuple[int, bytes], tuple[bytes, int]] = {}
SEEN_BUDGET = 4 << 20
_seen_bytes = 0


def _checked_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, blob: bytes | None) -> bytes:
    """_check_prolog(zf, info, shown, _part_of(blob, info)), skipped for a part whose very
    bytes passed before: the same compressed bytes and method inflate to the same bytes, and
    the declared size and CRC must match those bytes as _part_of requires (so the verdict,
    which depends only on the bytes and that size, is the same)."""
    global _seen_bytes
    raw = _raw_part(blob, info)
    if raw is None:
        return _check_prolog(zf, info, shown, None)
    key = (info.compress_type, raw)
    seen = _SEEN.get(key)
    if seen is not None and seen[1] == info.CRC and len(seen[0]) == info.file_size:
        return seen[0]
    data = _inflate(info, raw)
    checked = _check_prolog(zf, info, shown, data)
    if data is not None:
        if _seen_bytes + len(data) + len(raw) > SEEN_BUDGET:
            _SEEN.clear()
            _seen_bytes = 0
        _SEEN[key] = (data, info.CRC)
        _seen_bytes += len(data) + len(raw)
    return checked


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str,
                  whole: bytes | None = None) -> bytes:
    """Excel never writes a DOCTYPE: refuse one (entity expansion such as "billion laughs")
    in any XML part, reading only the prolog (at most PROLOG_SCAN bytes). Returns the bytes
    read: the whole part when it is that small. `whole`: the part, already inflated."""
    raw = data = whole if whole is not None else _read_head(zf, info, PROLOG_SCAN, shown)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[1:2] == b"\x00" or data[:1] == b"\x00":
        data = data.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    root = _ROOT.search(data)
    prolog = data[: root.start()] if root else data
    if _DOCTYPE.search(prolog):
        raise TrackerError(f"{shown} contains an XML document type declaration (in {info.filename}), "
                           f"which Excel never writes and which can hide an entity bomb: "
                           f"it was not opened; {_RESAVE}.")
    if root is not None and _SST.match(data, root.start()):
        _check_shared_strings(data, root.start(), info, shown)
    if root is None and len(data) >= PROLOG_SCAN:
        raise TrackerError(f"{shown} has an XML part ({info.filename}) with no content in its first "
                           f"{PROLOG_SCAN // 1024} KB, which Excel never writes: it may be hostile; {_RESAVE}.")
    return raw


_SST = re.compile(rb"<(?:[\w.-]+:)?sst[\s>/]")
_UNIQUE = re.compile(rb"""\suniqueCount\s*=\s*["']\s*([0-9]+)""")


def _check_shared_strings(data: bytes, at: int, info: zipfile.ZipInfo, shown: str) -> None:
    """python-calamine reserves room for uniqueCount strings up front: 4 billion of them in a
    100-byte part would make it abort. Each string takes at least 5 bytes (<si/>)."""
    end = data.find(b">", at)
    head = data[at:end] if end >= 0 else data[at:]
    m = _UNIQUE.search(head)
    if (end < 0 and m is None) or (m and int(m.group(1)) > info.file_size // 5 + 1024):
        claimed = f"{int(m.group(1)):,}" if m else "an unreadable number of"
        size = _mb(info.file_size) if info.file_size >= 1 << 20 else f"{info.file_size:,} bytes"
        raise TrackerError(f"{shown} has a table of texts that claims {claimed} entries in {size}, "
                           f"which is impossible: it may be hostile, so it was not opened; {_RESAVE}.")


def _read_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, shown: str) -> bytes:
    """Up to `limit` inflated bytes of a part (decompression stops there)."""
    try:
        with zf.open(info) as member:
            return member.read(limit)
    except Exception:  # BadZipFile, zlib.error, a forged header's NotImplementedError, ...
        raise TrackerError(_damaged(shown)) from None


def _parse_xml(zf: zipfile.ZipFile, name: str, shown: str, what: str, data: bytes | None = None):
    """A small part (`data` when already read whole) parsed with defusedxml (no DTD, no
    entities), or a clear refusal."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    info = zf.getinfo(name)
    if info.file_size > MAX_SMALL_PART:
        raise TrackerError(f"{shown} has a {what} of {_mb(info.file_size)}, far more than any "
                           f"workbook's: it may be hostile, so it was not opened; {_RESAVE}.")
    if data is None:
        data = _read_head(zf, info, MAX_SMALL_PART + 1, shown)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise TrackerError(f"{shown} contains an XML document type declaration in its {what}, "
                           f"which Excel never writes: it was not opened; {_RESAVE}.") from None
    except Exception:  # ParseError, ValueError, UnicodeError, ...
        raise TrackerError(f"{shown} is damaged (its {what} cannot be read): {_RESAVE}.") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


RELS_PART = "xl/_rels/workbook.xml.rels"


def _sheets(zf: zipfile.ZipFile, shown: str, whole: _Parts | None = None) -> list[tuple[str, str | None]]:
    """(sheet name, zip member of its XML or None) for each sheet xl/workbook.xml lists."""
    listed = _listing(zf, WORKBOOK_PART, shown, "workbook part", whole, _sheet_entries)
    targets: dict[str, str] = {}
    if RELS_PART in zf.NameToInfo:
        targets = dict(_listing(zf, RELS_PART, shown, "relationships part", whole, _rel_targets))
    sheets = [(name, _member(zf, targets.get(rid or "", ""))) for name, rid in listed]
    if not sheets:
        raise TrackerError(f"{shown} is damaged (it lists no sheets): {_RESAVE}.")
    return sheets


def _sheet_entries(root) -> tuple[tuple[str, str | None], ...]:
    """(name, relationship id) of each <sheet> of a parsed workbook part."""
    found = []
    for el in root.iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            found.append((el.get("name", ""), rid))
    return tuple(found)


def _rel_targets(root) -> tuple[tuple[str, str], ...]:
    """(id, target) of each relationship of a parsed relationships part."""
    return tuple((rel.get("Id"), rel.get("Target", "")) for rel in root.iter()
                 if _local(rel.tag) == "Relationship" and rel.get("Id"))


def _listing(zf: zipfile.ZipFile, name: str, shown: str, what: str, whole: _Parts | None, extract):
    """extract(parsed part); a part read whole is parsed once per distinct content (the
    trackers of a folder usually come from one template), else as _parse_xml does."""
    data = whole.get(name) if whole is not None else None
    if data is not None:
        try:
            return _parsed_listing(extract, data)
        except Exception:  # not cached: parsed again below for the exact refusal
            pass
    return extract(_parse_xml(zf, name, shown, what, data))


@functools.lru_cache(maxsize=64)
def _parsed_listing(extract, data: bytes):
    """The same defusedxml parse as _parse_xml (a failure is not cached); data <= PROLOG_SCAN."""
    from defusedxml.ElementTree import fromstring

    return extract(fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True))


def _member(zf: zipfile.ZipFile, target: str) -> str | None:
    """The zip member a relationship target names (relative to xl/, or absolute)."""
    if not target:
        return None
    for candidate in (target.lstrip("/"), posixpath.join("xl", target)):
        name = posixpath.normpath(candidate).lstrip("/")
        if name in zf.NameToInfo:
            return name
    return None


# --------------------------------------------------------------------------- the grid a sheet spans
# python-calamine builds a sheet as one rectangular grid, from its first to its last cell:
# a single cell at XFD1048576 makes it allocate 17 billion cells (550 GB) and abort the
# process. The sheet XML is streamed once (never held whole) to find how far cells reach.

# r="AA1"... (column 27 or beyond) or r="A100000"... (row 100,000 or beyond); python-calamine
# also takes lower case and more than three letters (r="zzzz9" is column 475,254)
_FAR_CELL = re.compile(rb'r="(?:[A-Za-z]{2,}[0-9]+|[A-Za-z][0-9]{6,})"')
_SPLIT_REF = re.compile(rb'([A-Za-z]+)([0-9]+)')
_TAG_REST = re.compile(rb'(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*\s*(/?)>')
# python-calamine panics (a Rust abort turned into an exception) on a date or time cell at
# or below serial -1.0675e11; no tracker holds a number anywhere near that.
_NEGATIVE = re.compile(rb'<(?:[\w.-]+:)?v>\s*(-[^<]{1,40}|\+?(?i:nan|inf|infinity)\s*)<')
MIN_NUMBER = -1e11
_PREFIXED_CELL = re.compile(rb':c[\s>/]')
_TOKEN = re.compile(rb'<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*(/?)>')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Za-z]*)([0-9]*)["\']')
FAST_ROWS, FAST_COLUMNS = 99_999, 26  # what a sheet without far candidates can reach at most


def _sheet_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str):
    """The part's XML in chunks that end just before a '<', so no tag is ever split (a tag
    cannot contain '<'); an unbroken run longer than MAX_TAG is refused. (Inflating in a
    worker thread while this one searches was tried: zlib gives the GIL back after each
    output block and waits for it behind the searches, so it gained nothing.)"""
    carry = b""
    try:
        for block in _inflated(zf, info):
            cut = block.rfind(b"<")
            if cut < 0 or (cut == 0 and not carry):  # no '<' after the carried one
                carry += block
                if len(carry) > MAX_TAG:
                    raise TrackerError(f"{shown} has a sheet with a single text or tag of more than "
                                       f"{MAX_TAG >> 20} MB, which Excel never writes: it may be hostile; {_RESAVE}.")
                continue
            chunk = b"".join((carry, memoryview(block)[:cut]))  # one copy of the block
            carry = block[cut:]
            yield chunk
    except TrackerError:
        raise
    except Exception:  # BadZipFile (a bad CRC, a size that lied), zlib.error, ...
        raise TrackerError(_damaged(shown)) from None
    if carry:
        yield carry


def _inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The part's inflated bytes, CHUNK * 4 at a time (zipfile checks the CRC at the end; a
    kept part is offered to early_rows's callback after each)."""
    with zf.open(info) as member:
        while True:
            data = member.read(CHUNK * 4)
            if not data:
                return
            yield data


# Cheap searches (a literal prefix, no match in a normal tracker) that every match of the
# exact patterns contains: the exact pattern runs only where its hint is found.
# A cell tag that is odd (its first attribute is not r=") or whose reference may be far (every _FAR_CELL match in
# a cell tag is in one): a tag `<c r="A1"` to `<c r="Z99999"` is neither and not matched, so
# one search skips every cell of a usual tracker.
_CELL_HINT = re.compile(rb'<c(?! r="[A-Za-z][0-9]{1,5}")[>\t\n\r ]')
_NEGATIVE_HINT = re.compile(rb'v>[-+\sNnIi]')  # every _NEGATIVE match holds v> and one of these
MAX_ODD_NUMBERS = 10_000  # odd numbers noted per sheet part (more are left as python-calamine reads them)
ERROR_MARK = re.compile(rb't="e"')  # the marker of an error cell (the reader's scan_cells looks for it too)
_FORMULA_MARK = re.compile(rb"<f[\s>/]")  # a formula (the reader checks it has a stored result)


def _check_span(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, shown: str,
                data: bytes | None = None, numbers: list | None = None,
                marks: bool = True, kept: list | None = None, early=None) -> tuple[bool, bool]:
    """Refuse a sheet whose cells span more than MAX_CELLS (rows x columns). Returns whether
    the part holds the marker t="e" of an error cell, and a formula (a chunk never splits a
    tag), so the reader's scans are skipped when it does not (both True when `marks` is
    False: not searched). `data`: the whole part, already read. `kept`: a list that receives
    the part's chunks when every cell tag is a plain <c r="..."> (else it is left empty);
    `early(kept, declared size)` is called after each chunk while every cell so far is plain,
    within the span and without an odd number, until it returns True."""
    rows, cols, odd, marked, formula = FAST_ROWS, FAST_COLUMNS, False, not marks, not marks
    for chunk in ((data,) if data is not None else _sheet_chunks(zf, info, shown)):
        if kept is not None:
            kept.append(chunk)
        marked = marked or ERROR_MARK.search(chunk) is not None  # (a regex finds it faster than `in`)
        formula = formula or _FORMULA_MARK.search(chunk) is not None
        odd = odd or _PREFIXED_CELL.search(chunk) is not None
        hint = _NEGATIVE_HINT.search(chunk)
        if hint:
            # from the '<' that opens the hinted <v> (a namespace prefix holds none)
            for m in _NEGATIVE.finditer(chunk, max(chunk.rfind(b"<", 0, hint.start()), 0)):
                found = _check_number(chunk, m, sheet, shown)
                if found and numbers is not None and len(numbers) < MAX_ODD_NUMBERS:
                    numbers.append(found)
        # One search visits every cell tag once: an odd one ends the search (the walk below
        # measures anyway), a far candidate's reference is measured.
        at = 0
        while not odd:
            m = _CELL_HINT.search(chunk, at)
            if m is None:
                break
            at = m.end()
            if chunk[m.start():m.start() + 6] != b'<c r="':
                odd = True
                break
            far = _FAR_CELL.match(chunk, m.start() + 3)
            rest = far and _TAG_REST.match(chunk, far.end())
            if rest and not rest.group(1):  # a start tag's reference, not <c .../>
                ref = _SPLIT_REF.search(far.group())
                rows, cols = max(rows, int(ref.group(2))), max(cols, column_number(ref.group(1)))
        if early is not None and not odd and not numbers and rows * cols <= MAX_CELLS and early(kept, info.file_size):
            early = None
    if odd and kept:
        kept.clear()
    if odd or rows * cols > MAX_CELLS:
        # cells without r="A1", prefixed tags, or far cells: follow python-calamine's own walk
        rows, cols = _walk_span(zf, info, sheet, shown)
    if rows * cols > MAX_CELLS:
        raise TrackerError(f"{shown} has cells as far as row {rows:,} and column {column_letter(cols) or 'A'} on "
                           f"its sheet {sheet!r} ({rows * cols / 1e6:,.0f} million cells to read), far more "
                           f"than any tracker: {_TRIM}")
    return marked, formula


def _check_number(chunk: bytes, m: re.Match, sheet: str, shown: str) -> tuple[str, str] | None:
    """A negative, NaN or infinite number in a <v>: (its cell's reference, the value as written),
    for the reader to put back (odd_numbers). One python-calamine would panic on (at or below
    MIN_NUMBER, or not finite) in a cell without a reference cannot be put back: refused."""
    raw = m.group(1).strip()
    try:
        value = float(raw)
    except ValueError:
        return None
    start = max(chunk.rfind(b"<c ", 0, m.start()), chunk.rfind(b"<c\t", 0, m.start()))
    ref = _R_ATTR.search(chunk, start, m.start()) if start >= 0 else None
    if ref and ref.group(1) and ref.group(2):
        return (ref.group(1) + ref.group(2)).decode(), raw.decode("ascii", "replace")
    if value > MIN_NUMBER and math.isfinite(value):
        return None
    where = f"cell {(ref.group(1) + ref.group(2)).decode()}" if ref and ref.group(2) else "a cell"
    raise TrackerError(f"{shown} has the number {raw.decode('ascii', 'replace')} in {where} "
                       f"of its sheet {sheet!r}, which cannot be read as a date or a number: correct or "
                       f"clear the cell and save it.")


def defused(data: bytes, check: WorkbookCheck) -> bytes:
    """The workbook's bytes with each odd number python-calamine would panic on (or misread:
    NaN, infinity) written as 0, for the reader, which then puts the values back as written
    (odd_numbers); `data` itself when there is none (the usual case)."""
    parts = {part for part, cells in check.odd_numbers.items() if any(_needs_defusing(raw) for _, raw in cells)}
    if not parts:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():  # by name: writestr would rewrite a shared ZipInfo's offsets
            part = zin.read(name)
            if name in parts:
                part = _NEGATIVE.sub(lambda m: m.group(0).replace(m.group(1), b"0")
                                     if _needs_defusing(m.group(1).strip().decode("ascii", "replace"))
                                     else m.group(0), part)
            zout.writestr(name, part)
    return out.getvalue()


def _needs_defusing(raw: str) -> bool:
    try:
        value = float(raw)
    except ValueError:
        return False
    return not math.isfinite(value) or value <= MIN_NUMBER


def _walk_span(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, shown: str) -> tuple[int, int]:
    """The exact extent python-calamine would give the sheet: a <row>/<c> start tag with r
    sets the position, one without r continues from the last; self-closing tags are ignored."""
    row = col = max_row = max_col = tags = 0
    for chunk in _sheet_chunks(zf, info, shown):
        found = _TOKEN.findall(chunk)
        tags += len(found)
        if tags > MAX_CELLS:  # more cells and rows than the grid may hold: no need to walk on
            raise TrackerError(f"{shown} has more than {MAX_CELLS:,} cells and rows on its sheet "
                               f"{sheet!r}, far more than any tracker: {_TRIM}")
        for close, name, attrs, empty in found:
            if empty:
                continue
            ref = _R_ATTR.search(attrs)
            if name == b"row":
                if close:
                    row, col = row + 1, 0
                elif ref and ref.group(2):
                    row = int(ref.group(2)) - 1
            elif not close:
                if ref and ref.group(2):
                    r, c = int(ref.group(2)) - 1, column_number(ref.group(1)) - 1
                    col = c
                else:
                    r, c = row, col
                max_row, max_col = max(max_row, r + 1), max(max_col, c + 1)
                col += 1
    return max_row, max_col


__all__ = [
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_UNCOMPRESSED",
    "check_workbook",
    "ensure_defusedxml",
    "has_tracker_sheet",
    "last_check",
    "native_errors_silenced",
    "workbook_check",
    "WorkbookCheck",
]
