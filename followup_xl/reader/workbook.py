"""Reading a tracker workbook: `read_tracker(path)`.

python-calamine reads the cells; the safety check (safety.py) has looked at the file first
and hands over what it saw (the workbook part, the sheet sizes, which parts hold error
cells), so a clean tracker is not unzipped twice.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .. import schema
from ..cells import CellError
from ..collector import paused
from ..errors import FollowupError, TrackerError
from ..model import Problem
from ..schema import Settings
from .halves import Split, parse_halves, workbook_parts
from .header import header_score
from .book import Book
from .holidays import read_holidays
from .settings import Place, read_settings, settings_from_values
from .sheets import choose_sheet, listed, named_sheet
from .statuses import STATUSES_SHEET, read_statuses
from .table import TrackerData, parse_table
from .xml import (
    TablePart,
    WorkbookInfo,
    _cell_index,
    _classic_errors,
    _member_size,
    scan_cells,
    sheet_tables,
    workbook_info,
    workbook_info_of,
)

TEXT_SUFFIXES = (".csv", ".tsv")


def tracker_sheet_name(names: Sequence[str], tracker: str) -> str:
    """The name of the sheet named Tracker (case and surrounding spaces ignored); TrackerError
    when there is none (read_tracker also takes another sheet that fits: sheets.choose_sheet)."""
    found = named_sheet(names, schema.TRACKER_SHEET)
    if found is None:
        raise TrackerError(f"{tracker} has no {schema.TRACKER_SHEET} sheet (its sheets: {listed(names)}).")
    return found


def _safety_check(path: Path):
    """The file's bytes, read once (safety.read_whole), what the check of those very bytes
    saw (safety.WorkbookCheck: which sheet parts hold error cells), and the halves.Split of
    a large sheet part (its first half parsed while the check reads on; close it). Broken,
    encrypted, oversized or hostile files are refused before any parsing of what was not
    checked; the reader then parses the checked bytes, never the file again (it may have
    changed on disk meanwhile)."""
    from .. import safety

    data = safety.read_whole(path)
    split = Split(data)
    try:
        with safety.early_rows(split.offer):
            return data, safety.workbook_check(path, data=data), split  # keeps large parts inflated
    except BaseException:
        split.close()
        raise


def read_tracker(path: str | Path, *, sheet: str | None = None, country: str | None = None,
                 subdivision: str | None = None) -> TrackerData:
    """Read one tracker (a workbook, or a .csv/.tsv text table); raises TrackerError (one
    sentence) when it cannot be used. `sheet`: the sheet to read (default: Tracker, else the
    one that fits); `country`/`subdivision`: the calendar of a tracker whose Settings do not
    name one (default: FOLLOWUP_XL_COUNTRY / FOLLOWUP_XL_SUBDIVISION, else US)."""
    path = Path(path)
    name = path.name
    place = Place(country, subdivision)
    if path.suffix.lower() in TEXT_SUFFIXES:
        from .text import read_text_tracker

        return read_text_tracker(path, place)
    from ..safety import native_errors_silenced

    try:
        with native_errors_silenced(), paused():  # a Rust panic prints to fd 2; reported below
            data, check, split = _safety_check(path)  # also: missing, a folder, unreadable
            try:
                return _read(path, name, check, sheet, place, data, split)
            finally:
                split.close()
    except FollowupError:
        raise
    except (zipfile.BadZipFile, KeyError) as exc:
        raise TrackerError(f"{name} is not a readable Excel workbook (.xlsx): {_short(exc)}.") from None
    except Exception as exc:  # python-calamine / XML errors: the file is broken
        raise TrackerError(f"{name} could not be read as an Excel workbook ({_short(exc)}): "
                           "open it in Excel and save it again as .xlsx.") from None
    except BaseException as exc:  # a Rust panic in python-calamine (pyo3's PanicException)
        if type(exc).__name__ != "PanicException":
            raise
        raise TrackerError(f"{name} could not be read as an Excel workbook ({_short(exc)}): "
                           "open it in Excel and save it again as .xlsx.") from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120].rstrip(".")


def _read(path: Path, name: str, check=None, sheet: str | None = None,
          place: Place | None = None, data: bytes | None = None, split: Split | None = None) -> TrackerData:
    """The reading behind read_tracker; `check` (what safety.check_workbook returned) tells
    which sheet parts hold no error cell or formula, so they are not scanned again. `data`:
    the file's bytes, already read and checked (else the file is opened)."""
    odd = getattr(check, "odd_numbers", None) or {}
    if data is not None and odd:
        from ..safety import defused

        data = defused(data, check)  # values python-calamine would panic on, written as 0
        check.inflated.clear()  # the parts as they were, not as defused
    source = path if data is None else io.BytesIO(data)
    with _LazyZip(source) as zf:  # opened once, when the check's findings do not suffice
        parts = getattr(check, "workbook_parts", None)
        info = workbook_info_of(*parts) if parts is not None else workbook_info(zf.get())
        try:
            book = _read_book(source, name, info, zf, check, sheet, place or Place(), split)
        except Exception as exc:  # python-calamine knows only the seven classic error values
            if "Unsupported cell error value" not in str(exc):
                raise
            book = _read_book(_classic_errors(zf), name, info, zf, check, sheet, place or Place())
    grid = book.grid
    for (r, c), err in book.errors.items():
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = CellError(err)
    for ref, raw in odd.get(info.sheets.get(book.sheet, ""), ()):
        r, c = _cell_index(ref)  # a negative date serial read as a time of day, NaN as 1899-12-30:
        if r < len(grid) and c < len(grid[r]):  # the value as written, for the row's own problem
            grid[r][c] = _as_written(raw)
    data = parse_table(grid, tracker=name, settings=book.settings, date1904=info.date1904, path=path,
                       sheet=book.sheet, error_cells=bool(book.errors), table=book.table,
                       no_value=book.no_value, statuses=book.statuses)
    data.problems = book.problems + data.problems
    data.as_of_setting = book.settings.as_of
    return data


def _as_written(raw: str) -> float | str:
    """An odd number of the sheet (safety's odd_numbers) as the cell holds it: a float, or the
    text NaN / INF (which no date or count accepts)."""
    value = float(raw)
    return value if math.isfinite(value) else raw


@dataclass
class _Book:
    """What _read_book takes from the workbook: the chosen sheet's cells and what goes with them."""

    sheet: str
    grid: list[list[Any]]
    settings: Settings
    problems: list[Problem]
    errors: dict = field(default_factory=dict)  # (row, col) -> error text
    no_value: dict = field(default_factory=dict)  # (row, col) -> formula with no stored result
    table: tuple[int, int] | None = None  # an Excel Table's (header row, last data row)
    statuses: dict[str, str] = field(default_factory=dict)


class _LazyZip:
    """The workbook's zip archive, opened on first use: for a tracker the safety check read
    whole (its workbook part, its sheet sizes, no error cell) the reader never needs it."""

    def __init__(self, path: Path | io.BytesIO) -> None:
        self._path, self._zf = path, None

    def get(self) -> zipfile.ZipFile:
        if self._zf is None:
            self._zf = zipfile.ZipFile(self._path)
        return self._zf

    def __getattr__(self, name: str) -> Any:  # open, read, namelist, getinfo: the archive's
        return getattr(self.get(), name)

    def __enter__(self) -> _LazyZip:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zf is not None:
            self._zf.close()


# A Tracker sheet part larger than this is parsed by python-calamine in a worker thread (it
# releases the GIL) while this thread scans the same part for error cells and imports the
# holidays package: a 100,000-row sheet takes calamine ~0.6 s, the scan ~0.1 s, the import
# ~0.05 s. Small sheets are not worth a thread. (The safety check leaves the error cells and
# formulas of parts this large to that scan: safety.MARKS_BELOW, the same size.)
THREAD_MIN_BYTES = 4 << 20


def _read_book(path: Path, name: str, info: WorkbookInfo, zf: zipfile.ZipFile, check=None,
               wanted: str | None = None, place: Place | None = None, split: Split | None = None) -> _Book:
    """The chosen sheet's cells, the settings (with the Holidays dates), the workbook's own
    statuses, their warnings, and the sheet's error cells, formulas with no stored result
    and Excel Table."""
    from python_calamine import CalamineWorkbook

    from ..printable import file_name

    if hasattr(path, "read"):  # the checked bytes, or the in-memory copy of _classic_errors
        path.seek(0)
        book = CalamineWorkbook.from_filelike(path)
    elif not str(path).isascii() and str(path) != file_name(str(path)):
        with open(path, "rb") as fh:  # a name that is not UTF-8 would reach calamine mangled
            book = CalamineWorkbook.from_filelike(fh)
    else:
        book = CalamineWorkbook.from_path(str(path))
    try:
        sheets = Book(book, name)
        names, grid_of = sheets.names, sheets.grid
        known = (named_sheet(names, wanted) if wanted else None) or named_sheet(names, schema.TRACKER_SHEET)
        sheet_problems: list[Problem] = []
        if known is None or (wanted and named_sheet(names, wanted) is None):
            known, _, sheet_problems = choose_sheet(names, grid_of, name, wanted)
        sheet = known
        member = info.sheets.get(sheet, "")
        sizes = getattr(check, "sizes", {})
        threaded = not sheets.parsed(sheet) and (
            sizes[member] if member in sizes else _member_size(zf, member)) >= THREAD_MIN_BYTES
        scan = check is None or check.may_hold_errors(member)
        formulas = check is None or getattr(check, "may_hold_formulas", lambda m: True)(member)
        inflated = getattr(check, "inflated", {}).pop(member, None) if hasattr(path, "read") else None
        if threaded:  # first: the settings cannot be read while calamine holds the workbook
            others = None
            if inflated and split is not None and split.member == member:
                others = split.others  # read when its first half began
            elif inflated:
                others = workbook_parts(zf, member, [m for m in info.sheets.values() if m != member])
            grid, (errors, no_value) = _parse_beside_scan(book, sheet, zf, member, scan, formulas,
                                                          inflated, others, split)
            grid = sheets.counted(sheet, grid)
        settings, raw, problems = read_settings(sheets, info, name, names, place)
        if info.date1904 and "AsOf" in raw:  # re-read a numeric AsOf in the 1904 system
            settings, problems = settings_from_values(raw, name, date1904=True, place=place)
        by_lower = {s.strip().casefold(): s for s in names}
        holidays_sheet = by_lower.get(schema.HOLIDAYS_SHEET.casefold())
        if schema.HOLIDAYS_NAME in info.names and info.names[schema.HOLIDAYS_NAME][0] in names:
            holidays_sheet = info.names[schema.HOLIDAYS_NAME][0]
        extra, hol_problems = read_holidays(sheets, holidays_sheet, name, info.date1904,
                                            settings.effective_date_order)
        statuses_sheet = named_sheet(names, STATUSES_SHEET)
        own, status_problems = read_statuses(grid_of(statuses_sheet) if statuses_sheet else None, name,
                                             statuses_sheet or STATUSES_SHEET)
        if not threaded:
            grid = grid_of(sheet)
            errors, no_value = scan_cells(zf, member, errors=scan, formulas=formulas)
    finally:
        book.close()
    table_parts = getattr(check, "table_parts", None)
    if table_parts is None:
        table_parts = [n for n in zf.namelist() if n.startswith("xl/tables/")]
    table = _table_rows(sheet_tables(zf, member, table_parts) if table_parts else [], grid)
    return _Book(sheet, grid, replace(settings, holidays=extra),
                 sheet_problems + problems + hol_problems + status_problems, errors, no_value, table, own)


def _table_rows(tables: list[TablePart], grid: list[list[Any]]) -> tuple[int, int] | None:
    """(header row, last data row) of the Excel Table holding the applications (its header
    names Company; the best when several do), or None."""
    best, best_score = None, 0
    for t in tables:
        if t.header_rows < 1 or t.top >= len(grid):
            continue
        score, found = header_score(grid[t.top])
        if "company" in found and score > best_score:
            best, best_score = (t.top, min(t.bottom - t.totals_rows, len(grid) - 1)), score
    return best


def _parse_beside_scan(book, sheet: str, zf: zipfile.ZipFile, member: str,
                       scan: bool = True, formulas: bool = True, inflated: list[bytes] | None = None,
                       others: dict[str, bytes] | None = None, split: Split | None = None
                       ) -> tuple[list[list[Any]], tuple[dict, dict]]:
    """python-calamine parses the sheet in a worker thread while this one scans the part for
    error cells and imports the holidays package (the settings need it next);
    an exception in the worker (a damaged part, a Rust panic) is raised here. With the part
    `inflated` (kept by the safety check) and the workbook's `others` parts, the worker has
    it parsed in two halves at once (halves.py: the first one already begun by `split`
    while the check read on, when it could), else, or when that cannot be, whole."""
    import threading

    box: dict[str, Any] = {}
    kept = tuple(inflated or ())  # parse_halves empties `inflated` as soon as it can
    opened = threading.Event()  # python-calamine has the halves: this thread's work begins

    def parse() -> None:
        try:
            grid = None
            try:
                if inflated and split is not None:
                    grid = split.finish(inflated, member, sheet, opened)
                if grid is None and inflated and others is not None:
                    grid = parse_halves(inflated, member, sheet, others, opened)
            except Exception:  # noqa: BLE001 - e.g. no memory for a half's archive: parsed whole
                grid = None
            finally:
                opened.set()
            if grid is None:
                grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            box["grid"] = grid
        except BaseException as exc:  # noqa: BLE001 - re-raised in the reading thread
            box["error"] = exc

    worker = threading.Thread(target=parse, name="followup-xl-calamine", daemon=True)
    worker.start()
    try:
        opened.wait()
        errors = scan_cells(zf, member, errors=scan, formulas=formulas, inflated=kept or None)
        del kept
        _import_calendars()
    finally:
        worker.join()
    if "error" in box:
        raise box["error"]
    return box["grid"], errors


def _import_calendars() -> None:
    """Import the holidays package (~0.05 s; its countries are loaded one at a time, when a
    calendar asks: calendar._countries_on_demand), while python-calamine is busy in its own
    thread."""
    from ..calendar import _holidays_lib

    try:
        _holidays_lib()
    except ImportError:  # pragma: no cover - reported when the calendar is built
        pass
