"""The Holidays sheet: the user's own closure days (SPEC "Sheet Holidays")."""

from __future__ import annotations

import datetime as dt

from .. import schema
from ..cells import CellError, is_empty
from ..dates import coerce_date
from ..errors import NotADateError
from ..model import Problem
from .header import HEADER_SCAN_ROWS
from .wording import raw as _raw
from .wording import sentence as _sentence


def read_holidays(book, sheet: str | None, tracker: str, date1904: bool,
                  order: str) -> tuple[tuple[dt.date, ...], list[Problem]]:
    """The dates of the Holidays sheet (a Date column, else column A); bad ones are warnings.
    `book`: the workbook's sheets (reader.book.Book)."""
    if sheet is None:
        return (), []
    grid = book.grid(sheet)
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

