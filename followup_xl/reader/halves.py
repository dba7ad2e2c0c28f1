"""A large sheet parsed by python-calamine in two halves at once, one per core.

python-calamine parses a sheet on one core without holding the GIL: 100,000 rows take it
about 1.1 s, most of a weekly run, and it may only parse what the safety check has passed.
The check keeps a large sheet part as it inflates it (safety.WorkbookCheck.inflated, for
parts of safety.KEEP_FROM bytes or more) and tells a `Split` of its progress
(safety.early_rows): once PIPE_SHARE of the part has passed, the rows so far are cut at a
<row> tag and the first half is parsed in a thread while the check reads on; after the
check, `Split.finish` parses the rest and joins the two grids into the very grid
python-calamine gives for the whole sheet (`to_python(skip_empty_area=False)`). When no
first half could begin during the check, `parse_halves` cuts the kept part near the middle
and parses both halves at once. Each half goes to python-calamine as an uncompressed
archive in memory with the workbook's other parts. tests/test_halves.py compares the
joined grid with the whole parse on fixed and random sheets.

Only where the result cannot differ: the check saw every cell tag written as a plain
`<c r="...">` (a reference on every cell, so no cell's place depends on the half it is in),
<sheetData> is written plainly, nothing before or after the rows opens or closes a comment,
CDATA section or processing instruction (so one that spans the cut leaves the first half
unclosed, which python-calamine refuses), and the second half's first row comes after the
first half's last. Otherwise, or when a half cannot be parsed, None is returned and the
caller parses the whole sheet as before (and reports what that parse finds).
"""

from __future__ import annotations

import io
import os
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Sequence
from typing import Any

_OPEN = re.compile(rb"<sheetData\s*>")
_CLOSE = b"</sheetData>"
_ROW = re.compile(rb"<row[\s>/]")
# Parts python-calamine does not read for a sheet's values (pictures, charts, pivot caches,
# macros, printer settings, embedded files): not copied into the halves' archives.
_UNREAD = ("xl/media/", "xl/embeddings/", "xl/pivotCache/", "xl/pivotTables/", "xl/drawings/",
           "xl/charts/", "xl/printerSettings/", "customXml/", "xl/vbaProject.bin")


# The first half's share of the rows: it ends sooner, and its grid is built (holding the GIL)
# while python-calamine still parses the second half.
TOP_SHARE = 0.45


def split_xml(chunks: Sequence[bytes], share: float | None = None
              ) -> tuple[list[memoryview], list[memoryview]] | None:
    """The sheet part (its inflated chunks, each ending just before a '<', so no tag is ever
    split between two) as two documents, each a list of pieces: the rows before the first
    <row> tag at or after `share` (default TOP_SHARE) of the rows' bytes, and the rows from
    it; each with the part's text before and after its rows. None when the part cannot be
    cut safely."""
    share = TOP_SHARE if share is None else share
    opening = _opening(chunks)
    closing = opening and _closing(chunks, *opening)
    if not closing:
        return None
    (first, rows_at), (last, closed) = opening, closing
    # the rows, as (chunk, start, end): from after <sheetData> to before </sheetData>
    spans = [(chunks[k], rows_at if k == first else 0, closed if k == last else len(chunks[k]))
             for k in range(first, last + 1)]
    middle = int(sum(end - begin for _, begin, end in spans) * share)
    seen = 0
    for k, (chunk, begin, end) in enumerate(spans):
        if seen + end - begin <= middle:
            seen += end - begin
            continue
        pos = begin + middle - seen
        for j in range(k, len(spans)):
            data, lo, hi = spans[j]
            found = _ROW.search(data, pos if j == k else lo, hi)
            if found is None:
                continue
            at = found.start()
            head, tail = _head(chunks, first, rows_at), _tail(chunks, last, closed)
            if not _plain(b"".join(head), b"".join(tail)):
                return None
            top = [memoryview(c)[b:e] for c, b, e in spans[:j]] + [memoryview(data)[lo:at]]
            bottom = [memoryview(data)[at:hi]] + [memoryview(c)[b:e] for c, b, e in spans[j + 1:]]
            return head + top + tail, head + bottom + tail
        return None
    return None


def _opening(chunks: Sequence[bytes]) -> tuple[int, int] | None:
    """(chunk, offset) just after <sheetData>, the start of the rows (near the part's start:
    only the sheet's settings come before it); None when it is not there (yet)."""
    for k, chunk in enumerate(chunks):
        opened = _OPEN.search(chunk)
        if opened is not None:
            return k, opened.end()
    return None


def _closing(chunks: Sequence[bytes], first: int, begin: int) -> tuple[int, int] | None:
    """(chunk, offset) of the last </sheetData>, the end of the rows (near the part's end:
    only the footer follows it), when it comes after (first, begin); else None."""
    for last in range(len(chunks) - 1, first - 1, -1):
        if _CLOSE in chunks[last]:
            closed = chunks[last].rfind(_CLOSE)
            return None if (last, closed) < (first, begin) else (last, closed)
    return None


def _head(chunks: Sequence[bytes], first: int, begin: int) -> list[memoryview]:
    """The part's text before its rows (up to _opening's point)."""
    return [memoryview(c) for c in chunks[:first]] + [memoryview(chunks[first])[:begin]]


def _tail(chunks: Sequence[bytes], last: int, closed: int) -> list[memoryview]:
    """The part's text from </sheetData> on (from _closing's point)."""
    return [memoryview(chunks[last])[closed:]] + [memoryview(c) for c in chunks[last + 1:]]


def _plain(head: bytes, tail: bytes) -> bool:
    """No comment, CDATA section or processing instruction (but the XML declaration) begins
    or ends before or after the rows: then one that spans the cut leaves the first half
    unclosed, which python-calamine refuses, and the whole sheet is parsed instead."""
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2:]
    return not any(mark in part for part in (head, tail) for mark in (b"<!", b"<?", b"-->", b"]]>", b"?>"))


def _archive(member: str, pieces: Sequence[memoryview], others: dict[str, bytes]) -> list[bytes | memoryview]:
    """An uncompressed zip archive of the workbook's other parts and of `member` made of
    `pieces`, as the pieces of its bytes (zipfile would copy the tens of MB a few times)."""
    out: list[bytes | memoryview] = []
    directory: list[bytes] = []
    offset = 0
    for name, data in [*others.items(), (member, pieces)]:
        parts = data if isinstance(data, list) else [data]
        crc, size = 0, 0
        for piece in parts:
            crc, size = zlib.crc32(piece, crc), size + len(piece)
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else 0x800  # the name in UTF-8
        fields = struct.pack("<HHHHHIII", 20, flags, 0, 0, 0x21, crc, size, size)  # stored, 1980-01-01
        out += [struct.pack("<I", 0x04034B50), fields, struct.pack("<HH", len(raw), 0), raw, *parts]
        directory.append(struct.pack("<IH", 0x02014B50, 20) + fields
                         + struct.pack("<HHHHHII", len(raw), 0, 0, 0, 0, 0, offset) + raw)
        offset += 30 + len(raw) + size
    size = sum(map(len, directory))
    out += [*directory, struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), size, offset, 0)]
    return out


def _open(archive: list[bytes | memoryview]):
    """python-calamine's workbook of the archive. On Linux the archive is written to an
    anonymous in-memory file (memfd) that python-calamine opens by its /proc path and reads
    itself, without the GIL; from_filelike would read it through Python, ~0.1 s for 30 MB."""
    from python_calamine import CalamineWorkbook

    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("followup-xl-half", os.MFD_CLOEXEC)
        try:
            for piece in archive:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view):]
            return CalamineWorkbook.from_path(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
    return CalamineWorkbook.from_filelike(io.BytesIO(b"".join(archive)))


def workbook_parts(zf: zipfile.ZipFile, member: str, other_sheets: Sequence[str]) -> dict[str, bytes]:
    """The workbook's parts python-calamine may read to parse `member` (all but the other
    sheets' parts and those _UNREAD), read from its archive."""
    skip = set(other_sheets) | {member}
    return {i.filename: zf.read(i.filename) for i in zf.infolist()
            if i.filename not in skip and not i.filename.startswith(_UNREAD) and not i.is_dir()}


def parse_halves(chunks: list[bytes], member: str, sheet: str, others: dict[str, bytes],
                 opened: threading.Event | None = None) -> list[list[Any]] | None:
    """The sheet's grid, as python-calamine gives it for the whole sheet, parsed in two halves
    by two threads; None when the part cannot be cut safely or a half cannot be parsed
    (the caller then parses the whole sheet). `chunks` is emptied: its bytes are not needed
    once the halves are written. `opened` is set once python-calamine holds both halves
    (or it is known that it will not): from then on it parses without the GIL, and another
    thread's Python work no longer delays it; the caller sets it too, when this returns
    or raises before."""
    cut = split_xml(chunks)
    chunks.clear()  # the pieces of the halves hold what they need
    if cut is None:
        return None
    books: list[Any] = []
    try:
        for half in cut:
            books.append(_open(_archive(member, half, others)))
    except BaseException:  # noqa: BLE001 - the whole sheet is parsed instead
        for book in books:
            book.close()
        return None
    finally:
        del cut
        if opened is not None:
            opened.set()
    sheets: list[Any] = [None, None]
    top: list[list[Any]] = []

    def parse(k: int) -> None:
        try:
            sheets[k] = books[k].get_sheet_by_name(sheet)
            books[k].close()
            if k == 0:
                top.extend(sheets[0].to_python(skip_empty_area=False))
        except BaseException:  # noqa: BLE001 - the whole sheet is parsed instead
            sheets[k] = None

    workers = [threading.Thread(target=parse, args=(k,), name=f"followup-xl-half-{k}", daemon=True)
               for k in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if sheets[0] is None or sheets[1] is None:
        return None
    grid = joined(top, sheets[0].end, sheets[1])
    sheets.clear()
    _trim()
    return grid


def _trim() -> None:
    """Give the memory the halves' threads freed back to the system: glibc keeps a heap per
    thread and returns little of it by itself (a 100,000-row sheet leaves ~60 MB)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def joined(grid: list[list[Any]], top_end: tuple[int, int] | None, bottom: Any) -> list[list[Any]] | None:
    """The grid of the whole sheet from the first half's grid (to_python(skip_empty_area=False))
    and last cell `top_end`, and the second half's sheet (python-calamine's CalamineSheet:
    `start` and `end` are the (row, column) of its first and last cell, None when it has
    none); None when the halves overlap."""
    if bottom.start is None:
        return grid
    (r0, c0), (_, c1) = bottom.start, bottom.end
    top_width = top_end[1] + 1 if top_end is not None else 0
    if top_end is not None and r0 <= top_end[0]:
        return None
    width = max(top_width, c1 + 1)
    if width > top_width:
        wider = [""] * (width - top_width)
        grid = [row + wider for row in grid]
    grid.extend([""] * width for _ in range(len(grid), r0))
    rows = bottom.to_python(skip_empty_area=True)
    if c0 or width - c1 - 1:
        left, right = [""] * c0, [""] * (width - c1 - 1)
        rows = [left + row + right for row in rows]
    grid.extend(rows)
    return grid


# ----------------------------------------------------------------------------- while checking
# The safety check is one core's work (~0.3 s for 100,000 rows) and the other core is idle
# meanwhile: a Split has python-calamine parse the first half as soon as the check has passed
# the rows before the cut (PIPE_SHARE of the part), while the check reads on, and the second
# half once the check has passed the whole part. The first half then ends with a
# "</sheetData></worksheet>" of its own (what follows the rows has not been checked yet and
# holds no cell value).
PIPE_SHARE = 0.55
_ROOT = re.compile(rb"<worksheet[\s>]")
_TOP_TAIL = b"</sheetData></worksheet>"


class Split:
    """The halves of the large sheet part being checked (safety.early_rows calls `offer`),
    parsed in two threads: `finish` gives the whole sheet's grid, or None (then the caller
    parses as before); `close` waits for the first half's thread (always call it)."""

    def __init__(self, data: bytes) -> None:
        self._data = data  # the workbook's bytes: its other parts go into each half's archive
        self.member: str | None = None
        self._thread: threading.Thread | None = None
        self._top: tuple[list[list[Any]], Any] | None = None  # its grid and last cell
        self._at: tuple[int, int, int, int] = (0, 0, 0, 0)  # (chunk, offset) of the rows, of the cut
        self.others: dict[str, bytes] = {}  # the other parts of the workbook, once a first half began
        self._given_up = False

    def offer(self, part: str, sheet: str, sheet_parts: Sequence[str], chunks: list[bytes], size: int) -> bool:
        """Called by the check after each block of a part it keeps, while every cell so far
        passed: starts the first half (returns True: no more offers for the part) once
        PIPE_SHARE of the part's declared size has passed and a <row> tag follows that point.
        Never raises: the halves are a way to read faster, and the check goes on without."""
        if self._thread is not None or self._given_up:
            return True
        try:
            return self._offer(part, sheet, sheet_parts, chunks, size)
        except Exception:  # noqa: BLE001 - e.g. no memory for the archive: read the usual way
            self._given_up = True
            return True

    def _offer(self, part: str, sheet: str, sheet_parts: Sequence[str], chunks: list[bytes], size: int) -> bool:
        done = sum(map(len, chunks))
        if done < PIPE_SHARE * size:
            return False
        start = _opening(chunks)
        if start is None:
            return done >= size  # not yet (or never) seen
        first, begin = start
        head = b"".join(_head(chunks, first, begin))
        if _ROOT.search(head) is None or not _plain(head, b""):
            return True
        seen, point = 0, int(PIPE_SHARE * size)
        for k, chunk in enumerate(chunks):
            if seen + len(chunk) > point and k >= first:
                found = _ROW.search(chunk, max(point - seen, begin if k == first else 0))
                if found is None:
                    point = seen + len(chunk)  # the next block's first row, if any
                    seen += len(chunk)
                    continue
                self._start(part, sheet, sheet_parts, chunks, (first, begin, k, found.start()))
                return True
            seen += len(chunk)
        return False

    def _start(self, part: str, sheet: str, sheet_parts: Sequence[str], chunks: list[bytes],
               at: tuple[int, int, int, int]) -> None:
        k, cut = at[2:]
        with zipfile.ZipFile(io.BytesIO(self._data)) as zf:
            self.others = workbook_parts(zf, part, [p for p in sheet_parts if p != part])
        pieces = [memoryview(c) for c in chunks[:k]] + [memoryview(chunks[k])[:cut], memoryview(_TOP_TAIL)]
        archive = _archive(part, pieces, self.others)
        self.member, self._at = part, at

        def parse() -> None:
            try:
                half = _open(archive)
                archive.clear()
                got = half.get_sheet_by_name(sheet)
                half.close()
                self._top = (got.to_python(skip_empty_area=False), got.end)
            except BaseException:  # noqa: BLE001 - the sheet is parsed another way
                self._top = None

        self._thread = threading.Thread(target=parse, name="followup-xl-first-half", daemon=True)
        self._thread.start()

    def finish(self, chunks: list[bytes], member: str, sheet: str,
               opened: threading.Event | None = None) -> list[list[Any]] | None:
        """The whole sheet's grid: the second half (from the cut to the end of the checked
        part, `chunks`) parsed here, joined to the first; None when no first half was
        started for `member` or a half cannot be used (never raises: the caller then
        parses the sheet whole). `opened` as for parse_halves."""
        if self._thread is None or member != self.member:
            return None
        try:
            return self._finish(chunks, member, sheet, opened)
        except Exception:  # noqa: BLE001 - the sheet is parsed whole instead
            return None

    def _finish(self, chunks: list[bytes], member: str, sheet: str,
                opened: threading.Event | None) -> list[list[Any]] | None:
        first, begin, k, cut = self._at
        closing = _closing(chunks, k, cut)
        if closing is None:
            return None
        last, closed = closing
        tail = _tail(chunks, last, closed)
        if not _plain(b"", b"".join(tail)):
            return None
        head = _head(chunks, first, begin)
        rows = ([memoryview(chunks[k])[cut:closed]] if last == k else
                [memoryview(chunks[k])[cut:]] + [memoryview(c) for c in chunks[k + 1:last]]
                + [memoryview(chunks[last])[:closed]])
        archive = _archive(member, head + rows + tail, self.others)
        del head, rows, tail
        chunks.clear()
        try:
            half = _open(archive)
        except BaseException:  # noqa: BLE001 - parsed another way
            return None
        finally:
            archive.clear()
            if opened is not None:
                opened.set()
        try:
            bottom = half.get_sheet_by_name(sheet)
            half.close()
        except BaseException:  # noqa: BLE001 - parsed another way
            return None
        self.close()
        if self._top is None:
            return None
        grid, end = self._top
        self._top = None
        whole = joined(grid, end, bottom)
        _trim()
        return whole

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()

