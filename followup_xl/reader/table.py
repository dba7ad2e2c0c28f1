"""A sheet's rows of cells -> typed columns (`parse_table`), the same for a workbook, a
text file and an Excel range (the FOLLOWUP_WEEK function)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .. import schema
from ..cells import CellError, LazyColumn, blank_mask, cell_text
from ..errors import TrackerError, quote
from ..model import Problem
from ..schema import Settings
from .columns import _date_column, _int_column
from .header import HEADER_SCAN_ROWS, ColumnMap, find_header, map_columns
from .statuses import status_column
from .wording import raw as _raw
from .wording import sentence as _sentence

DATE_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "date")
INT_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "int")
TEXT_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "text")
COMPUTED_KEYS = frozenset(c.key for c in schema.COMPUTED_COLUMNS)


@dataclass
class SourceRows:
    """The sheet as read, below the title block: the header row's cells and the rows under it
    (references, not copies), for `followup-xl import`, which keeps every column."""

    header: list[Any] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    first_row: int = 2  # the Excel row number of rows[0]

    def row(self, excel_row: int) -> list[Any]:
        return self.rows[excel_row - self.first_row]


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
    statuses: dict[str, str] = field(default_factory=dict)  # the workbook's own: status -> meaning
    skipped: list[int] = field(default_factory=list)  # Excel rows with something but no Company
    columns: ColumnMap = field(default_factory=ColumnMap)  # which header became which column
    set_aside: dict[str, str] = field(default_factory=dict)  # date key -> header: mostly not dates
    source: SourceRows = field(default_factory=SourceRows)  # the cells as read (import keeps them)

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


def parse_table(values: Sequence[Sequence[Any]], *, tracker: str, settings: Settings | None = None,
                date1904: bool = False, first_row: int = 1, path: Path | None = None,
                sheet: str = schema.TRACKER_SHEET, error_cells: bool = False,
                table: tuple[int, int] | None = None, no_value: dict | None = None,
                statuses: dict[str, str] | None = None) -> TrackerData:
    """Type a sheet given as rows of cells (header row possibly below a title block).

    `first_row` is the Excel row number of values[0]; `error_cells` says whether any cell
    holds a CellError (so text columns are searched for them). `table`: the (header, last
    data) row indices of an Excel Table on the sheet, whose rows are then the rows;
    `no_value`: (row, column) index -> formula of the cells holding a formula with no stored
    result; `statuses`: the workbook's own (status -> meaning). Raises TrackerError when no
    header row names a Company column.
    """
    settings = settings or Settings()
    if set(map(type, values)) - {list}:  # tuples, ranges: rows as lists (one C-speed check)
        values = [list(r) for r in values]
    if table is not None:
        h, stop = table[0], table[1] + 1
    else:
        h, stop = find_header(values), len(values)
    if h is None:
        from .sheets import layout_refusal

        refusal = layout_refusal(values, tracker, sheet)
        where = f"the sheet {sheet!r} has no header row" if path is not None else "no header row"
        raise TrackerError(refusal or (
            f"{tracker}: {where} with a Company column in its first {HEADER_SCAN_ROWS} rows; name "
            "the columns as the template does (Company, Contact name, Applied date, Last contact, ...)."))
    if table is None:
        from .sheets import layout_refusal

        refusal = layout_refusal(values, tracker, sheet, header=h)
        if refusal:
            raise TrackerError(refusal)
    header = values[h]
    cmap, duplicates = map_columns(header)
    problems = [Problem(tracker, first_row + h, text, None, why, "warning") for _, text, why in duplicates]
    cols = {k: j for k, j in cmap.cols.items() if k not in COMPUTED_KEYS}
    data = values[h + 1:stop]
    width = len(header)
    if data and len(set(map(len, data))) > 1:  # short rows (a range or a ragged list): pad
        data = [(r + [None] * (width - len(r)))[:width] for r in data]
    row_cols = [cols[k] for k in ROW_KEYS if k in cols]
    keep, columns, skipped = _nonblank_rows(data, cols, row_cols)
    n = len(data)
    rows = keep.astype(np.int64) + (first_row + h + 1)
    kept = (lambda col: [col[i] for i in keep]) if len(keep) < n else (lambda col: col)
    picked = {key: kept(columns[j]) if j in columns else
              (LazyColumn(data, keep if len(keep) < n else None, j) if key in TEXT_KEYS
               else kept(list(map(itemgetter(j), data))))
              for key, j in cols.items()}
    out = _type_rows(picked, rows, tracker=tracker, settings=settings, date1904=date1904,
                     headers={k: str(header[j]).strip() for k, j in cols.items()},
                     problems=problems, path=path, sheet=sheet, header_row=first_row + h,
                     error_cells=error_cells, statuses=statuses or {})
    out.columns = cmap
    out.source = SourceRows(list(header), data, first_row + h + 1)
    out.skipped = [int(i) + first_row + h + 1 for i in skipped]
    if out.skipped:
        shown = ", ".join(map(str, out.skipped[:12])) + (", ..." if len(out.skipped) > 12 else "")
        out.problems.insert(len(problems), Problem(
            tracker, None, cmap.headers.get("company", "Company"), None,
            f"{len(out.skipped)} row{'s' if len(out.skipped) != 1 else ''} without a Company "
            f"{'are' if len(out.skipped) != 1 else 'is'} not read as applications (a legend, a total "
            f"or a note under the table?): row{'s' if len(out.skipped) != 1 else ''} {shown}.", "warning"))
    if no_value:
        _report_no_value(out, no_value, keep, cols, first_row, h)
    return out


# The columns that make a row (SPEC "Rows"): a row is blank when all of them are empty.
ROW_KEYS = ("company", "role", "contact_name", "contact_email", "contact_phone",
            *(c.key for c in schema.INPUT_COLUMNS if c.kind == "date"), "status")


def _nonblank_rows(data: list[list[Any]], cols: dict[str, int],
                   row_cols: list[int]) -> tuple[np.ndarray, dict[int, list], np.ndarray]:
    """(indices of the application rows, the columns extracted on the way, indices of the
    rows skipped: something in them but no Company). A row is blank when Company, Role,
    the contact, every date and Status are all empty, placeholders and check boxes counting
    as empty; a Status alone (a drop-down's default) does not make a row either. Company
    first: once it is filled, a row is an application, so the other columns are only looked
    at for the rows still undecided."""
    n = len(data)
    columns: dict[int, list] = {}
    j = cols.get("company")
    if j is not None:
        columns[j] = col = list(map(itemgetter(j), data))
        has_company = ~blank_mask(col)
    else:
        has_company = np.zeros(n, dtype=bool)
    other = np.zeros(n, dtype=bool)
    status_j = cols.get("status")
    for j in row_cols:
        if j == cols.get("company") or j == status_j:
            continue
        undecided = np.flatnonzero(~has_company & ~other)
        if undecided.size == 0:
            break
        if undecided.size == n:
            columns[j] = col = list(map(itemgetter(j), data))
            other = ~blank_mask(col)
        else:
            sub = [data[i][j] for i in undecided]
            other[undecided[~blank_mask(sub)]] = True
    return np.flatnonzero(has_company), columns, np.flatnonzero(other & ~has_company)


def _report_no_value(out: TrackerData, no_value: dict, keep: np.ndarray, cols: dict[str, int],
                     first_row: int, h: int) -> None:
    """A formula with no stored result in a column that is read is a problem for its row."""
    where = {int(i) + h + 1: k for k, i in enumerate(keep.tolist())}  # values index -> kept index
    by_col = {j: key for key, j in cols.items()}
    found = []
    for (r, c), formula in no_value.items():
        k, key = where.get(r), by_col.get(c)
        if k is None or key is None:
            continue
        found.append((k, Problem(out.name, int(out.rows[k]), out.headers[key], f"={formula}" if formula else None,
                                 "The cell holds a formula with no stored result (the file was written by a "
                                 "program, not saved by a spreadsheet app): open and save the workbook in "
                                 "Excel or LibreOffice so its results are stored.", "error")))
        out.bad[k] = True
    if found:
        found.sort(key=lambda t: t[0])
        out.problems.extend(p for _, p in found)
        out.problems.sort(key=lambda p: (p.row is not None, p.row or 0))


def _type_rows(picked: dict[str, list], rows: np.ndarray, *, tracker: str, settings: Settings,
               date1904: bool, headers: dict[str, str], problems: list[Problem], path: Path | None,
               sheet: str, header_row: int, error_cells: bool, statuses: dict[str, str]) -> TrackerData:
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
                       header_row=header_row, headers=headers, rows=rows, statuses=dict(statuses))
    order = settings.effective_date_order
    for key in DATE_KEYS:
        if key in picked:
            data.dates[key], found = _date_column(picked[key], date1904, order)
            aside = _mostly_not_dates(data.dates[key], found, picked[key])
            if aside is not None:
                problems.append(Problem(tracker, None, headers[key], None, aside.format(
                    header=headers[key], column=schema.COLUMN_BY_KEY[key].header), "warning"))
                report(key, {i: r for i, r in found.items() if isinstance(picked[key][i], CellError)},
                       picked[key])  # an error value still says a formula is broken
                data.set_aside[key] = headers.pop(key)
                data.dates[key] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
                continue
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
        data.status, warn, found = status_column(picked["status"], statuses)
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
    row_problems.sort(key=lambda t: (t[0], t[1]))
    data.problems = problems + [p for _, _, p in row_problems]
    data.bad = bad
    return data


MOSTLY_MIN = 3  # filled cells before a date column can be judged "mostly not dates"


def _mostly_not_dates(days: np.ndarray, found: dict[int, str], col: Sequence[Any]) -> str | None:
    """The warning for a date column whose filled cells are mostly not dates (Yes/No, ticks,
    free text: at least 3 filled cells, more than half of them not dates), else None."""
    if not found:
        return None
    errors = sum(1 for i in found if isinstance(col[i], CellError))
    filled = int((~np.isnat(days)).sum()) + len(found)
    not_dates = len(found) - errors
    if filled < MOSTLY_MIN or not_dates * 2 <= filled:
        return None
    example = next(col[i] for i in found if not isinstance(col[i], CellError))
    return (f"The column {{header!r}} is not used as {{column}}: {not_dates} of its {filled} filled cells "
            f"are not dates (such as {quote(example)}), so it is read as a note column.")
