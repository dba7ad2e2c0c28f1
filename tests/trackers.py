"""Build tracker workbooks the way people really make them (for the tests and benchmarks).

`write_tracker` writes a real .xlsx with openpyxl: optional title rows above the header,
any headers (renamed, reordered, extra), cells of any type (dates, date-times, serials,
text dates, numbers), a Settings sheet with defined names (or label/value pairs, or
none), a Holidays sheet, the 1904 date system, error cells and formula-like text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.defined_name import DefinedName

TEMPLATE_HEADERS = ("Company", "Role", "Contact name", "Contact email", "Contact phone",
                    "Interview date", "Last contact", "Follow-ups sent", "Cadence (days)", "Status",
                    "Decision expected", "Next contact", "Follow-up state", "Days overdue", "Notes")


@dataclass(frozen=True)
class Formula:
    """A real formula cell (text in a cell is always written as text)."""

    text: str


@dataclass(frozen=True)
class ErrorValue:
    """An error cell such as #N/A, as Excel stores one (t="e")."""

    code: str = "#N/A"


def _put(ws, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Formula):
        cell.value = value.text
    elif isinstance(value, ErrorValue):
        cell.value = value.code
        cell.data_type = "e"
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # "=SUM(...)" stays text, as typed with a leading apostrophe
    else:
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def write_tracker(path: str | Path, rows: Iterable[Sequence[Any] | Mapping[str, Any]], *,
                  headers: Sequence[str] = TEMPLATE_HEADERS, title_rows: Sequence[Sequence[Any]] = (),
                  settings: Mapping[str, Any] | None = None, settings_as_labels: bool = False,
                  holidays: Sequence[Any] | None = None, date1904: bool = False,
                  sheet: str = "Tracker", first_col: int = 1, extra_sheets: Sequence[str] = ()) -> Path:
    """Write a tracker; rows are lists in header order or dicts header -> value."""
    path = Path(path)
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = sheet
    for extra in extra_sheets:
        wb.create_sheet(extra)
    r = 1
    for title in title_rows:
        for j, v in enumerate(title):
            _put(ws, r, first_col + j, v)
        r += 1
    for j, h in enumerate(headers):
        _put(ws, r, first_col + j, h)
    for row in rows:
        r += 1
        values = [row.get(h) for h in headers] if isinstance(row, Mapping) else row
        for j, v in enumerate(values):
            if v is not None:
                _put(ws, r, first_col + j, v)
    if settings is not None:
        _write_settings(wb, settings, as_labels=settings_as_labels)
    if holidays is not None:
        hs = wb.create_sheet("Holidays")
        _put(hs, 1, 1, "Date")
        _put(hs, 1, 2, "Name")
        for i, day in enumerate(holidays, start=2):
            if day is not None:
                _put(hs, i, 1, day)
                _put(hs, i, 2, "Closure")
        wb.defined_names["Holidays"] = DefinedName("Holidays", attr_text=f"Holidays!$A$2:$A${max(2, len(holidays) + 20)}")
    wb.save(path)
    return path


def _write_settings(wb, settings: Mapping[str, Any], *, as_labels: bool) -> None:
    ss = wb.create_sheet("Settings")
    _put(ss, 1, 1, "Setting")
    _put(ss, 1, 2, "Value")
    for i, (name, value) in enumerate(settings.items(), start=2):
        _put(ss, i, 1, name)
        if value is not None:
            _put(ss, i, 2, value)
        if not as_labels:
            wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!$B${i}")


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fast_tracker(path: str | Path, n: int, *, as_of: dt.date, seed: int = 1, closed_share: float = 0.33,
                 settings: Mapping[str, Any] | None = None) -> Path:
    """A big, realistic tracker written quickly (write-only openpyxl), for benchmarks.

    `closed_share` of the rows are closed (Rejected, Withdrawn, Accepted); the open rows
    were last contacted within the two weeks before as_of (a few only interviewed), so
    roughly two thirds of them fall due in as_of's week. Every cell type people use
    appears: date cells, text dates, numbers, blanks.
    """
    import random

    rnd = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Tracker")
    ws.append(list(TEMPLATE_HEADERS))
    open_statuses = ["Applied", "Interviewing", "Waiting", "On hold", "Offer", ""]
    closed_statuses = ["Rejected", "Withdrawn", "Accepted"]
    for i in range(n):
        closed = rnd.random() < closed_share
        status = rnd.choice(closed_statuses if closed else open_statuses)
        interview = as_of - dt.timedelta(days=rnd.randint(10, 400 if closed else 60))
        last = None
        if rnd.random() < 0.9:
            last = as_of - dt.timedelta(days=rnd.randint(0, 14) if not closed else rnd.randint(0, 300))
            if i % 10 == 0:
                last = last.isoformat()  # some typed as text
        ws.append([
            f"Company {i % 997}", f"Role {i % 41}", f"Pat Lee{i % 13}", f"pat{i}@example.com",
            f"+1 555 {i:07d}", interview, last, rnd.randint(0, 4), rnd.choice([None, 7, 10]),
            status, "in two weeks", None, None, None, "note",
        ])
    if settings:
        ss = wb.create_sheet("Settings")
        for i, (name, value) in enumerate(settings.items(), start=1):
            ss.append([name, value])
            wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!$B${i}")
    wb.save(path)
    return Path(path)


def col_letter(j: int) -> str:
    return get_column_letter(j)
