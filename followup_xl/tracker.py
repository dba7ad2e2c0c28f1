"""Reading a tracker workbook (SPEC: "The tracker", "Dates in cells").

`read_tracker(path)` finds the Tracker sheet, its header row, the columns, the Settings
names, the Holidays sheet and the date system, and turns every cell into a typed value or
a `Problem`. `parse_table(values, ...)` does the cell work on a plain 2-D list, so an
Excel range (the FOLLOWUP_WEEK function) and a workbook go through the same code.

Choices (the spec leaves them open):
- The Tracker sheet is the one named "Tracker" (case and surrounding spaces ignored);
  a workbook without one cannot be used (the spec's exit 1).
- The header row is, among the first 20 rows, the one naming the most schema columns; it
  must name Company. The scan stops at the first row naming Company and at least three
  columns. Two headers naming the same column: the first is used (a warning).
- A row is blank when every column with a header, but the three computed ones, is empty;
  cells right of the last header are ignored.
- Settings come from the defined names (Country, ...); a Settings sheet without them is
  read as label/value pairs (the label in one cell, the value in the next one). A bad
  setting is a warning and its default applies.
- Holidays: the sheet the defined name Holidays points to (else the sheet named Holidays),
  its Date column (else column A); a cell that is not a date is a warning.
- Error cells (#N/A, #REF!, ...) are found in the sheet XML, since python-calamine shows
  them as empty: in a data column they make the row a problem. Error text handed over
  by Excel (xlwings err_to_str) is treated the same way in date and number columns.
- A number in a date column is a serial of the workbook's date system (1900 or 1904).

Speed: python-calamine reads the cells; each column is typed once per distinct value
(dates, numbers and statuses repeat), text columns are only read for the listed rows,
and the rules run vectorised over whole columns.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Sequence

import numpy as np

from . import schema
from .a1 import column_number
from .dates import coerce_date
from .errors import FollowupError, NotADateError, TrackerError, quote
from .schema import Settings
from .cells import (  # noqa: F401 - re-exported for one release
    CLASSIC_ERROR_TEXTS,
    ERROR_TEXT_SET as _ERROR_SET,
    EXCEL_ERROR_TEXTS,
    CellError,
    LazyColumn,
    cell_text,
    empty_mask,
    is_empty,
    take,
)
from .model import Problem

_empty_mask = empty_mask  # the former private name, for one release

HEADER_SCAN_ROWS = 20
DATE_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "date")
INT_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "int")
TEXT_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "text")
COMPUTED_KEYS = frozenset(c.key for c in schema.COMPUTED_COLUMNS)
_NAT = np.iinfo(np.int64).min  # the int64 view of NaT
_UNIX_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass
class TrackerData:
    """One tracker, read and typed: what the weekly list needs, nothing computed yet."""

    name: str  # the file name (or the label of a range)
    settings: Settings
    date1904: bool = False
    path: Path | None = None
    sheet: str = schema.TRACKER_SHEET
    header_row: int = 1  # Excel row number of the header row
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header text as written
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # Excel rows
    dates: dict[str, np.ndarray] = field(default_factory=dict)  # key -> datetime64[D], NaT blank
    numbers: dict[str, np.ndarray] = field(default_factory=dict)  # key -> float, NaN blank
    status: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))  # canonical or raw
    text: dict[str, Sequence] = field(default_factory=dict)  # key -> raw cells (list or LazyColumn)
    bad: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # row has an error
    problems: list[Problem] = field(default_factory=list)
    as_of_setting: dt.date | None = None  # the Settings AsOf, if any

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    @property
    def extra_holidays(self) -> tuple[dt.date, ...]:
        return tuple(self.settings.holidays)

    def text_value(self, key: str, i: int) -> str | None:
        """The text of a text column's cell for output (None when blank or absent)."""
        col = self.text.get(key)
        return None if col is None else cell_text(col[i])

    def frame(self):
        """The typed rows as a pandas DataFrame indexed by Excel row (for inspection)."""
        import pandas as pd

        data: dict[str, Any] = {}
        for key in (c.key for c in schema.INPUT_COLUMNS):
            if key in self.dates:
                data[key] = self.dates[key]
            elif key in self.numbers:
                data[key] = self.numbers[key]
            elif key == "status":
                data[key] = self.status
            elif key in self.text:
                data[key] = [cell_text(v) for v in self.text[key]]
        data["problem"] = self.bad
        return pd.DataFrame(data, index=pd.Index(self.rows, name="row"))


# --------------------------------------------------------------------------- cells

def _map_unique(col: Sequence[Any], convert) -> tuple[list, dict[int, str]]:
    """convert(cell) -> (value, reason or None), computed once per distinct cell: columns
    repeat a few dates, numbers and statuses. Returns the values and {index: reason}."""
    types = set(map(type, col))
    if bool in types or CellError in types:  # True == 1.0 and CellError("#N/A") == "#N/A": key by type
        cache: dict[Any, Any] = {}
        pairs = []
        for v in col:
            k = (type(v), v)
            if k not in cache:
                cache[k] = convert(v)
            pairs.append(cache[k])
        any_bad = any(r for _, r in cache.values())
    else:
        table = {v: convert(v) for v in set(col)}
        any_bad = any(r for _, r in table.values())
        if not any_bad:  # the usual case: one lookup per cell, no pairs
            value_of = {v: pair[0] for v, pair in table.items()}
            return list(map(value_of.__getitem__, col)), {}
        pairs = list(map(table.__getitem__, col))
    bad = {i: r for i, (_, r) in enumerate(pairs) if r} if any_bad else {}
    return [p[0] for p in pairs], bad


def _date_column(col: Sequence[Any], date1904: bool, order: str) -> tuple[np.ndarray, dict[int, str]]:
    """A column as datetime64[D] (NaT for blank) and {index: reason} for cells that are not dates."""
    def convert(v: Any) -> tuple[int, str | None]:
        if type(v) is dt.date or type(v) is dt.datetime:
            return v.toordinal() - _UNIX_ORDINAL, None
        if type(v) is str:  # text dates repeat across a folder of trackers
            return _text_date(v, date1904, order)
        return _cell_date(v, date1904, order)

    types = set(map(type, col))
    if types <= _PLAIN_DATE_TYPES:  # the usual cells (no bool, error or number): no convert call
        days: dict[Any, int] = {}
        for v in set(col):
            if type(v) is str:
                day, reason = _text_date(v, date1904, order)
                if reason:
                    break
                days[v] = day
            else:
                days[v] = v.toordinal() - _UNIX_ORDINAL
        else:
            return np.fromiter(map(days.__getitem__, col), dtype=np.int64, count=len(col)).view("datetime64[D]"), {}
    values, bad = _map_unique(col, convert)
    return np.array(values, dtype=np.int64).view("datetime64[D]"), bad


_PLAIN_DATE_TYPES = frozenset((dt.date, dt.datetime, str))


@lru_cache(maxsize=8192)
def _text_date(v: str, date1904: bool, order: str) -> tuple[int, str | None]:
    return _cell_date(v, date1904, order)


def _cell_date(v: Any, date1904: bool, order: str) -> tuple[int, str | None]:
    """A date cell as days since 1970-01-01 (_NAT when blank), or _NAT and the reason it is
    not a date."""
    if isinstance(v, str) and v.strip() in _ERROR_SET:
        return _NAT, f"the cell shows the error {v.strip()}: enter a date such as 2026-11-30"
    try:
        day = coerce_date(None if v == "" else v, date1904=date1904, date_order=order)
    except NotADateError as exc:
        return _NAT, str(exc)
    except (TypeError, ValueError, OverflowError) as exc:  # pragma: no cover - defensive
        return _NAT, f"{quote(v)} is not a date: {exc}"
    return (_NAT if day is None else day.toordinal() - _UNIX_ORDINAL), None


def _whole_number(v: Any) -> float | None:
    """A cell as a whole number, or None when it is not one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        f = float(v)
    elif isinstance(v, str):
        try:
            f = float(v.strip())
        except ValueError:
            return None
    else:
        return None
    return f if math.isfinite(f) and f.is_integer() else None


def _int_column(col: Sequence[Any], key: str) -> tuple[np.ndarray, dict[int, str]]:
    """Follow-ups sent (whole >= 0, blank 0) or Cadence (whole 1-90, blank NaN)."""
    lo, hi = (schema.CADENCE_MIN, schema.CADENCE_MAX) if key == "cadence" else (0, math.inf)
    blank = np.nan if key == "cadence" else 0.0

    def convert(v: Any) -> tuple[float, str | None]:
        if is_empty(v) and not isinstance(v, CellError):
            return blank, None
        hit = _int_reason(v, key, lo, hi)
        return (blank, hit) if isinstance(hit, str) else (hit, None)

    values, bad = _map_unique(col, convert)
    return np.array(values, dtype=float), bad


def _int_reason(v: Any, key: str, lo: float, hi: float) -> float | str:
    if isinstance(v, CellError) or (isinstance(v, str) and v.strip() in _ERROR_SET):
        return f"the cell shows the error {v.strip()}: enter a whole number"
    number = _whole_number(v)
    if key == "cadence":
        what = f"use a whole number of days from {schema.CADENCE_MIN} to {schema.CADENCE_MAX}, or leave it blank for the default"
        if number is None or not lo <= number <= hi:
            return f"{quote(v)} is not a valid cadence: {what}"
    elif number is None or number < lo:
        return f"{quote(v)} is not a number of follow-ups: use a whole number, 0 or more (blank = 0)"
    return number


def _status_column(col: Sequence[Any]) -> tuple[np.ndarray, dict[int, str], dict[int, str]]:
    """Statuses in their canonical spelling; unknown text kept (warning), error cells bad."""
    values, found = _map_unique(col, _status_of)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    bad = {i: r for i, r in found.items() if isinstance(col[i], CellError)}
    warn = {i: r for i, r in found.items() if i not in bad}
    return out, warn, bad


def _status_of(v: Any) -> tuple[str, str | None]:
    if isinstance(v, CellError):
        return "", f"the cell shows the error {v}: pick a status from the list"
    if is_empty(v):
        return "", None
    text = cell_text(v) or ""
    canon = schema.canonical_status(text)
    if canon is None:
        return text, (f"{quote(text)} is not a known status, so the row is treated as active: "
                      "pick one from the Status list, or give it a meaning in a Statuses sheet")
    return canon, None


# --------------------------------------------------------------------------- header

def header_score(row: Sequence[Any]) -> tuple[int, dict[str, int]]:
    """How many distinct schema columns a row names, and key -> first column index."""
    found: dict[str, int] = {}
    for j, v in enumerate(row):
        if isinstance(v, str) and v.strip():
            key = schema.match_header(v)
            if key and key not in found:
                found[key] = j
    return len(found), found


SURE_HEADER = 3  # a row naming Company and this many schema columns ends the scan


def find_header(values: Sequence[Sequence[Any]], scan: int = HEADER_SCAN_ROWS) -> int | None:
    """Index of the header row among the first `scan` rows: the one naming the most schema
    columns, Company among them. The scan stops at the first row naming Company and at
    least SURE_HEADER columns: the rows below it are data."""
    best, best_score = None, 0
    for i, row in enumerate(values[:scan]):
        score, found = header_score(row)
        if "company" in found and score > best_score:
            best, best_score = i, score
            if score >= SURE_HEADER:
                break
    return best


# --------------------------------------------------------------------------- table

def parse_table(values: Sequence[Sequence[Any]], *, tracker: str, settings: Settings | None = None,
                date1904: bool = False, first_row: int = 1, path: Path | None = None,
                sheet: str = schema.TRACKER_SHEET, error_cells: bool = False) -> TrackerData:
    """Type a sheet given as rows of cells (header row possibly below a title block).

    `first_row` is the Excel row number of values[0]; `error_cells` says whether any cell
    holds a CellError (so text columns are searched for them). Raises TrackerError when no header
    row names a Company column.
    """
    settings = settings or Settings()
    if set(map(type, values)) - {list}:  # tuples, ranges: rows as lists (one C-speed check)
        values = [list(r) for r in values]
    h = find_header(values)
    if h is None:
        raise TrackerError(f"{tracker}: no header row with a Company column in the first "
                           f"{HEADER_SCAN_ROWS} rows; name the columns as the template does "
                           "(Company, Contact name, Last contact, ...).")
    header = values[h]
    problems: list[Problem] = []
    cols: dict[str, int] = {}
    headed: list[int] = []
    for j, v in enumerate(header):
        if is_empty(v):
            continue
        key = schema.match_header(v) if isinstance(v, str) else None
        if key in cols:
            problems.append(Problem(tracker, first_row + h, str(v).strip(), None,
                                    f"this column also matches {schema.COLUMN_BY_KEY[key].header}; "
                                    f"the first one ({str(header[cols[key]]).strip()}) is used",
                                    "warning"))
            key = None
        if key:
            cols[key] = j
        if key not in COMPUTED_KEYS:
            headed.append(j)
    data = values[h + 1:]
    width = len(header)
    if data and len(set(map(len, data))) > 1:  # short rows (a range or a ragged list): pad
        data = [(r + [None] * (width - len(r)))[:width] for r in data]
    keep, columns = _nonblank_rows(data, cols, headed)
    n = len(data)
    rows = keep.astype(np.int64) + (first_row + h + 1)
    kept = (lambda col: [col[i] for i in keep]) if len(keep) < n else (lambda col: col)
    picked = {key: kept(columns[j]) if j in columns else
              (LazyColumn(data, keep if len(keep) < n else None, j) if key in TEXT_KEYS
               else kept(list(map(itemgetter(j), data))))
              for key, j in cols.items() if key not in COMPUTED_KEYS}
    return _type_rows(picked, rows, tracker=tracker, settings=settings, date1904=date1904,
                      headers={k: str(header[j]).strip() for k, j in cols.items()},
                      problems=problems, path=path, sheet=sheet, header_row=first_row + h,
                      error_cells=error_cells)


def _nonblank_rows(data: list[list[Any]], cols: dict[str, int],
                   headed: list[int]) -> tuple[np.ndarray, dict[int, list]]:
    """Indices of the rows with something in a headed column (computed ones aside), and the
    columns extracted on the way. Company first: once it is filled, a row is decided, so
    the other columns are only looked at for the rows still undecided."""
    n = len(data)
    nonblank = np.zeros(n, dtype=bool)
    columns: dict[int, list] = {}
    first = [cols["company"]] if cols.get("company") in headed else []
    for j in first + [j for j in headed if j not in first]:
        undecided = np.flatnonzero(~nonblank)
        if undecided.size == 0:
            break
        if undecided.size == n:
            columns[j] = col = list(map(itemgetter(j), data))
            nonblank = ~empty_mask(col)
        else:
            sub = [data[i][j] for i in undecided]
            nonblank[undecided[~empty_mask(sub)]] = True
    return np.flatnonzero(nonblank), columns


def _type_rows(picked: dict[str, list], rows: np.ndarray, *, tracker: str, settings: Settings,
               date1904: bool, headers: dict[str, str], problems: list[Problem], path: Path | None,
               sheet: str, header_row: int, error_cells: bool) -> TrackerData:
    n = rows.shape[0]
    bad = np.zeros(n, dtype=bool)
    row_problems: list[tuple[int, int, Problem]] = []  # (row index, column order, problem)

    def report(key: str, found: dict[int, str], col: list, severity: str = "error") -> None:
        order = list(headers).index(key) if key in headers else 99
        for i, reason in found.items():
            row_problems.append((i, order, Problem(tracker, int(rows[i]), headers[key], _raw(col[i]),
                                                   _sentence(reason), severity)))
            if severity == "error":
                bad[i] = True

    data = TrackerData(name=tracker, settings=settings, date1904=date1904, path=path, sheet=sheet,
                       header_row=header_row, headers=headers, rows=rows)
    order = settings.effective_date_order
    for key in DATE_KEYS:
        if key in picked:
            data.dates[key], found = _date_column(picked[key], date1904, order)
            report(key, found, picked[key])
        else:
            data.dates[key] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    for key in INT_KEYS:
        if key in picked:
            data.numbers[key], found = _int_column(picked[key], key)
            report(key, found, picked[key])
        else:
            data.numbers[key] = np.full(n, np.nan if key == "cadence" else 0.0)
    if "status" in picked:
        data.status, warn, found = _status_column(picked["status"])
        report("status", found, picked["status"])
        report("status", warn, picked["status"], "warning")
    else:
        data.status = np.full(n, "", dtype=object)
    for key in TEXT_KEYS:
        if key in picked:
            col = picked[key]
            data.text[key] = col
            errors = {i: f"the cell shows the error {v}: correct or clear it"
                      for i, v in enumerate(col) if isinstance(v, CellError)} if error_cells else {}
            report(key, errors, col)
    company = picked.get("company")
    missing = empty_mask(company) if company is not None else np.ones(n, dtype=bool)
    for i in np.flatnonzero(missing):
        row_problems.append((int(i), -1, Problem(
            tracker, int(rows[i]), headers.get("company", "Company"), None,
            "The row has no Company: fill in the company (required), or clear the row.", "error")))
        bad[i] = True
    row_problems.sort(key=lambda t: (t[0], t[1]))
    data.problems = problems + [p for _, _, p in row_problems]
    data.bad = bad
    return data


def _raw(value: Any) -> Any:
    """The raw cell value as a problem shows it."""
    if isinstance(value, CellError):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sentence(reason: str) -> str:
    reason = reason.strip()
    reason = reason[0].upper() + reason[1:] if reason else reason
    return reason if reason.endswith((".", "!", "?")) else reason + "."


# --------------------------------------------------------------------------- workbook parts

@dataclass
class WorkbookInfo:
    """What xl/workbook.xml says: the date system, sheets (name -> part) and defined names."""

    date1904: bool = False
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> zip member
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (sheet, ref)


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def workbook_info(zf: zipfile.ZipFile | Path) -> WorkbookInfo:
    """Parse xl/workbook.xml (and its rels) with defusedxml: entity tricks stay off."""
    if not isinstance(zf, zipfile.ZipFile):
        with zipfile.ZipFile(zf) as opened:
            return workbook_info(opened)
    workbook = zf.read("xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels = None
    return workbook_info_of(workbook, rels)


def workbook_info_of(workbook: bytes, rels: bytes | None) -> WorkbookInfo:
    """workbook_info from the parts' bytes (the safety check hands them over, already read)."""
    small = len(workbook) + len(rels or b"") <= 1 << 16  # only small parts are kept in the cache
    info = (_parse_workbook_info if small else _parse_workbook_info.__wrapped__)(workbook, rels)
    return WorkbookInfo(info.date1904, dict(info.sheets), dict(info.names))  # a copy of the cached one


@lru_cache(maxsize=64)
def _parse_workbook_info(workbook: bytes, rels_xml: bytes | None) -> WorkbookInfo:
    """The parse, cached by content: a coach's trackers come from one template, so their
    workbook parts are often byte for byte the same."""
    from defusedxml import ElementTree as ET

    info = WorkbookInfo()
    root = ET.fromstring(workbook)
    rels = None if rels_xml is None else ET.fromstring(rels_xml)
    pr = root.find("m:workbookPr", _NS)
    if pr is not None and pr.get("date1904", "").lower() in ("1", "true"):
        info.date1904 = True
    targets = {}
    if rels is not None:
        for rel in rels.findall("rel:Relationship", _NS):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = target
    for sh in root.findall("m:sheets/m:sheet", _NS):
        info.sheets[sh.get("name", "")] = targets.get(sh.get(f"{{{_NS['r']}}}id"), "")
    for dn in root.findall("m:definedNames/m:definedName", _NS):
        name, text = dn.get("name", ""), (dn.text or "").strip()
        m = _REF.match(text)
        if not m or (name in info.names and dn.get("localSheetId") is not None):
            continue  # formulas, #REF! and sheet-scoped duplicates are of no use here
        sheet = (m[1] or "").replace("''", "'") if m[1] else m[2]
        info.names[name] = (sheet, f"{m[3]}{m[4]}")
    return info


def _cell_index(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    return int(m[2]) - 1, column_number(m[1]) - 1


_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_ERROR_CELL2 = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


def error_cells(zf: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    """(row, col) -> error text of the cells holding an error value (#N/A, ...).

    python-calamine reads those as empty; a quick scan of the sheet XML finds them so a
    broken lookup is reported instead of silently looking blank. Streaming and cheap:
    the regex only runs when the marker t="e" occurs at all.
    """
    found: dict[tuple[int, int], str] = {}
    if not member:
        return found
    try:
        with zf.open(member) as fh:
            prev = b""
            chunks: list[bytes] = []  # from the first hit on, with 4 KB before it
            while True:
                chunk = fh.read(1 << 22)
                if not chunk:
                    break
                if chunks:
                    chunks.append(chunk)
                elif b't="e"' in chunk or b't="e"' in prev[-8:] + chunk[:8]:
                    chunks = [prev[-4096:], chunk]
                else:
                    prev = chunk
            if not chunks:
                return found
            xml = b"".join(chunks)
    except (KeyError, zipfile.BadZipFile, OSError):
        return found
    for rx in (_ERROR_CELL, _ERROR_CELL2):
        for m in rx.finditer(xml):
            r, c = _cell_index((m[1] + m[2]).decode())
            found[(r, c)] = m[3].decode("utf-8", "replace") or "#N/A"
    return found


# --------------------------------------------------------------------------- settings

def _sheet_grid(book, name: str) -> list[list[Any]]:
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def read_settings(book, info: WorkbookInfo, tracker: str,
                  sheet_names: Sequence[str]) -> tuple[Settings, dict[str, Any], list[Problem]]:
    """The Settings values: defined names first, else label/value pairs on the Settings sheet."""
    raw: dict[str, Any] = {}
    grids: dict[str, list[list[Any]]] = {}
    by_lower = {s.strip().casefold(): s for s in sheet_names}

    def grid(sheet: str) -> list[list[Any]] | None:
        actual = sheet if sheet in sheet_names else by_lower.get(sheet.strip().casefold())
        if actual is None:
            return None
        if actual not in grids:
            grids[actual] = _sheet_grid(book, actual)
        return grids[actual]

    for setting in schema.SETTINGS:
        where = info.names.get(setting.name) or next(
            (v for k, v in info.names.items() if k.casefold() == setting.name.casefold()), None)
        if where:
            g = grid(where[0])
            r, c = _cell_index(where[1])
            if g is not None and r < len(g) and c < len(g[r]):
                raw[setting.name] = g[r][c]
    settings_sheet = by_lower.get(schema.SETTINGS_SHEET.casefold())
    if settings_sheet:
        wanted = {schema.normalize_header(s.name): s.name for s in schema.SETTINGS if s.name not in raw}
        for row in grid(settings_sheet) or []:
            for j, v in enumerate(row[:-1]):
                name = wanted.get(schema.normalize_header(v)) if isinstance(v, str) else None
                if name and name not in raw:
                    raw[name] = row[j + 1]
    settings, problems = settings_from_values(raw, tracker)
    return settings, raw, problems


def _raw_order(raw: dict[str, Any]) -> str:
    """The date order the raw settings ask for (for reading AsOf typed as text)."""
    order = str(raw.get("DateOrder") or "").strip().upper()
    country = raw.get("Country") if isinstance(raw.get("Country"), str) else None
    return schema.default_date_order(country, order if order in schema.DATE_ORDERS else None)


def settings_from_values(raw: dict[str, Any], tracker: str, date1904: bool = False) -> tuple[Settings, list[Problem]]:
    """Settings from name -> cell value; a bad value is a warning and its default is used."""
    from .calendar import get_calendar, normalize_country, normalize_subdivision, parse_weekend
    from .errors import CalendarError

    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def warn(name: str, value: Any, reason: str) -> None:
        default = schema.SETTING_BY_NAME[name].default
        shown = "blank" if default is None else str(default)
        problems.append(Problem(tracker, None, f"Settings {name}", _raw(value),
                                f"{_sentence(reason)[:-1]}; the default ({shown}) is used instead.", "warning"))

    for name, value in raw.items():
        if is_empty(value) or isinstance(value, CellError):
            if isinstance(value, CellError):
                warn(name, value, f"the cell shows the error {value}")
            continue
        attr = schema.SETTING_ATTRS[name]
        if name in ("Country",):
            values[attr] = normalize_country(value)
        elif name == "Subdivision":
            values[attr] = normalize_subdivision(value)
        elif name in ("DefaultCadence", "MaxDays", "OnHoldCadence", "MaxFollowups"):
            number = _whole_number(value)
            lo, hi = (schema.CADENCE_MIN, schema.CADENCE_MAX) if "Cadence" in name else (0 if name == "MaxDays" else 1, 3650)
            if number is None or not lo <= number <= hi:
                warn(name, value, f"{quote(value)} is not a whole number from {lo} to {hi}")
            else:
                values[attr] = int(number)
        elif name == "Weekend":
            values[attr] = value
        elif name == "AsOf":
            try:
                values[attr] = coerce_date(value, date1904=date1904, date_order=_raw_order(raw))
            except NotADateError as exc:
                warn(name, value, str(exc))
        elif name == "DateOrder":
            text = str(value).strip().upper()
            if text in schema.DATE_ORDERS:
                values[attr] = text
            else:
                warn(name, value, f"{quote(value)} is not a date order: use MDY or DMY")
    # Validate the calendar piece by piece (country, then subdivision, then weekend), so a
    # bad value is named by what was checked, not guessed from the error's wording.
    country = values.get("country", schema.SETTING_BY_NAME["Country"].default)
    try:
        get_calendar(country)
    except CalendarError as exc:
        warn("Country", values.pop("country"), str(exc))
        values.pop("subdivision", None)  # a region of an unknown country means nothing
        country = schema.SETTING_BY_NAME["Country"].default
    if values.get("subdivision"):
        try:
            get_calendar(country, values["subdivision"])
        except CalendarError as exc:
            warn("Subdivision", values.pop("subdivision"), str(exc))
    if values.get("weekend") is not None:
        try:
            values["weekend"] = parse_weekend(values["weekend"], country)
        except CalendarError as exc:
            warn("Weekend", values.pop("weekend"), str(exc))
    return Settings(**values), problems


def read_holidays(book, sheet: str | None, tracker: str, date1904: bool,
                  order: str) -> tuple[tuple[dt.date, ...], list[Problem]]:
    """The dates of the Holidays sheet (a Date column, else column A); bad ones are warnings."""
    if sheet is None:
        return (), []
    grid = _sheet_grid(book, sheet)
    col, start = 0, 0
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        labels = [schema.normalize_header(v) if isinstance(v, str) else "" for v in row]
        if "date" in labels:
            col, start = labels.index("date"), i + 1
            break
    days: set[dt.date] = set()
    problems: list[Problem] = []
    for i, row in enumerate(grid[start:], start=start):
        v = row[col] if col < len(row) else None
        if is_empty(v):
            continue
        if isinstance(v, CellError):
            continue
        try:
            day = coerce_date(v, date1904=date1904, date_order=order)
        except NotADateError as exc:
            if i == 0 and isinstance(v, str):
                continue  # a header we did not recognise
            problems.append(Problem(tracker, None, f"{sheet} sheet, row {i + 1}", _raw(v),
                                    f"{_sentence(str(exc))[:-1]}; this closure day is ignored.", "warning"))
            continue
        if day is not None:
            days.add(day)
    return tuple(sorted(days)), problems


# --------------------------------------------------------------------------- workbook

def find_tracker_sheet(book, names: Sequence[str], tracker: str) -> tuple[str, list[list[Any]]]:
    """The sheet named Tracker (case and surrounding spaces ignored), as the spec says."""
    name = tracker_sheet_name(names, tracker)
    return name, _sheet_grid(book, name)


def tracker_sheet_name(names: Sequence[str], tracker: str) -> str:
    """The name of the sheet named Tracker (case and surrounding spaces ignored); TrackerError
    when there is none."""
    for name in names:
        if name.strip().casefold() == schema.TRACKER_SHEET.casefold():
            return name
    listed = ", ".join(names[:5]) or "none"
    raise TrackerError(f"{tracker} has no Tracker sheet (its sheets: {listed}): name the sheet "
                       "with your applications \"Tracker\", or start from `followup-xl template`.")


def _safety_check(path: Path):
    """Refuse broken, encrypted, oversized or hostile files before any parsing (safety.py);
    returns what the check saw (safety.WorkbookCheck: which sheet parts hold error cells)."""
    from . import safety

    safety.check_workbook(path)
    return safety.last_check(path)


def read_tracker(path: str | Path) -> TrackerData:
    """Read one tracker workbook; raises TrackerError (one sentence) when it cannot be used."""
    path = Path(path)
    name = path.name
    check = _safety_check(path)  # also: missing, a folder, unreadable
    from .safety import native_errors_silenced

    try:
        with native_errors_silenced():  # a Rust panic prints to fd 2; it is reported below
            return _read(path, name, check)
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


def _read(path: Path, name: str, check=None) -> TrackerData:
    """The reading behind read_tracker; `check` (what safety.check_workbook returned) tells
    which sheet parts hold no error cell, so they are not scanned again."""
    with _LazyZip(path) as zf:  # opened once, when the check's findings do not suffice
        parts = getattr(check, "workbook_parts", None)
        info = workbook_info_of(*parts) if parts is not None else workbook_info(zf.get())
        try:
            sheet, grid, settings, problems, errors = _read_book(path, name, info, zf, check)
        except Exception as exc:  # python-calamine knows only the seven classic error values
            if "Unsupported cell error value" not in str(exc):
                raise
            sheet, grid, settings, problems, errors = _read_book(_classic_errors(zf), name, info, zf, check)
    for (r, c), err in errors.items():
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = CellError(err)
    data = parse_table(grid, tracker=name, settings=settings, date1904=info.date1904, path=path,
                       sheet=sheet, error_cells=bool(errors))
    data.problems = problems + data.problems
    data.as_of_setting = settings.as_of
    return data


class _LazyZip:
    """The workbook's zip archive, opened on first use: for a tracker the safety check read
    whole (its workbook part, its sheet sizes, no error cell) the reader never needs it."""

    def __init__(self, path: Path) -> None:
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
# holidays countries: a 100,000-row sheet takes calamine ~0.6 s, the scan ~0.1 s, the import
# ~0.1 s. Small sheets are not worth a thread.
THREAD_MIN_BYTES = 4 << 20


def _read_book(path: Path, name: str, info: WorkbookInfo, zf: zipfile.ZipFile,
               check=None) -> tuple[str, list[list[Any]], Settings, list[Problem], dict]:
    """The Tracker sheet's cells, the settings (with the Holidays dates), their warnings and
    the Tracker sheet's error cells."""
    from python_calamine import CalamineWorkbook

    from .printable import file_name

    if hasattr(path, "read"):  # the in-memory copy of _classic_errors
        book = CalamineWorkbook.from_filelike(path)
    elif not str(path).isascii() and str(path) != file_name(str(path)):
        with open(path, "rb") as fh:  # a name that is not UTF-8 would reach calamine mangled
            book = CalamineWorkbook.from_filelike(fh)
    else:
        book = CalamineWorkbook.from_path(str(path))
    try:
        names = list(book.sheet_names)
        sheet = tracker_sheet_name(names, name)
        member = info.sheets.get(sheet, "")
        sizes = getattr(check, "sizes", {})
        threaded = (sizes[member] if member in sizes else _member_size(zf, member)) >= THREAD_MIN_BYTES
        scan = check is None or check.may_hold_errors(member)
        if threaded:  # first: the settings cannot be read while calamine holds the workbook
            grid, errors = _parse_beside_scan(book, sheet, zf, member, scan)
        settings, raw, problems = read_settings(book, info, name, names)
        if info.date1904 and "AsOf" in raw:  # re-read a numeric AsOf in the 1904 system
            settings, problems = settings_from_values(raw, name, date1904=True)
        by_lower = {s.strip().casefold(): s for s in names}
        holidays_sheet = by_lower.get(schema.HOLIDAYS_SHEET.casefold())
        if schema.HOLIDAYS_NAME in info.names and info.names[schema.HOLIDAYS_NAME][0] in names:
            holidays_sheet = info.names[schema.HOLIDAYS_NAME][0]
        extra, hol_problems = read_holidays(book, holidays_sheet, name, info.date1904,
                                            settings.effective_date_order)
        if not threaded:
            grid, errors = _sheet_grid(book, sheet), (error_cells(zf, member) if scan else {})
    finally:
        book.close()
    return sheet, grid, replace(settings, holidays=extra), problems + hol_problems, errors


# Error values of Excel 365 (dynamic arrays, data types, Python in Excel) that python-calamine
# refuses to read, failing the whole sheet; the error scan still reports them cell by cell.
NEW_ERROR_VALUES = tuple(e.encode() for e in EXCEL_ERROR_TEXTS if e not in CLASSIC_ERROR_TEXTS)
_NEW_ERROR = re.compile(rb"<v>(?:" + b"|".join(re.escape(e) for e in NEW_ERROR_VALUES) + rb")</v>")


def _classic_errors(zf: zipfile.ZipFile):
    """An in-memory copy of the workbook where Excel 365's newer error values read #N/A."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in zf.namelist():  # by name: writestr would rewrite a shared ZipInfo's offsets
            data = zf.read(name)
            if name.endswith(".xml") and b't="e"' in data:
                data = _NEW_ERROR.sub(b"<v>#N/A</v>", data)
            copy.writestr(name, data)
    out.seek(0)
    return out


def _member_size(zf: zipfile.ZipFile, member: str) -> int:
    try:
        return zf.getinfo(member).file_size if member else 0
    except KeyError:
        return 0


def _parse_beside_scan(book, sheet: str, zf: zipfile.ZipFile, member: str,
                       scan: bool = True) -> tuple[list[list[Any]], dict]:
    """python-calamine parses the sheet in a worker thread while this one scans the part for
    error cells and imports the holidays package's countries (the settings need them next);
    an exception in the worker (a damaged part, a Rust panic) is raised here."""
    import threading

    box: dict[str, Any] = {}

    def parse() -> None:
        try:
            box["sheet"] = book.get_sheet_by_name(sheet)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the reading thread
            box["error"] = exc

    worker = threading.Thread(target=parse, name="followup-xl-calamine", daemon=True)
    worker.start()
    try:
        errors = error_cells(zf, member) if scan else {}
        _import_calendars()
    finally:
        worker.join()
    if "error" in box:
        raise box["error"]
    return box["sheet"].to_python(skip_empty_area=False), errors


def _import_calendars() -> None:
    """Import what the first calendar needs (the holidays package loads all its countries
    then, ~0.1 s), while python-calamine is busy in its own thread."""
    import importlib

    try:
        importlib.import_module("holidays.countries")
    except ImportError:  # pragma: no cover - reported when the calendar is built
        pass
