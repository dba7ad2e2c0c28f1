"""Which sheet holds the applications (SPEC "Which sheet"), and the layouts refused.

`--sheet NAME` when given; else the sheet named Tracker; else the one sheet whose header
row names Company and at least one date column (the best when several do: a warning names
it and the others). A sheet laid out sideways (fields down a column, applications across)
or a log with one column per day is refused in one sentence saying what was found, never
read as rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from .. import schema
from ..dates import coerce_date
from ..errors import NotADateError, TrackerError
from ..model import Problem
from .header import DATE_KEYS, HEADER_SCAN_ROWS, column_of, find_header, header_score

# Sheets of the template (and of a coach's tools) that never hold the applications.
NOT_TRACKER_SHEETS = frozenset(s.casefold() for s in (
    schema.SETTINGS_SHEET, schema.HOLIDAYS_SHEET, "Statuses", "Log", schema.HOW_TO_SHEET))
DAY_COLUMNS = 5  # a header row with this many dates is a per-day log


def named_sheet(names: Sequence[str], wanted: str) -> str | None:
    """The sheet of that name, case and surrounding spaces ignored."""
    want = wanted.strip().casefold()
    return next((n for n in names if n.strip().casefold() == want), None)


def listed(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:6])
    return (shown + (", ..." if len(names) > 6 else "")) or "none"


def choose_sheet(names: Sequence[str], grid_of: Callable[[str], list[list[Any]]], tracker: str,
                 sheet: str | None = None) -> tuple[str, list[list[Any]], list[Problem]]:
    """(sheet name, its cells, warnings). Raises TrackerError (one sentence) when no sheet
    can be used."""
    if sheet is not None and str(sheet).strip():
        found = named_sheet(names, str(sheet))
        if found is None:
            raise TrackerError(f"{tracker} has no sheet named {str(sheet).strip()!r} (its sheets: "
                               f"{listed(names)}): check --sheet.")
        return found, grid_of(found), []
    found = named_sheet(names, schema.TRACKER_SHEET)
    if found is not None:
        return found, grid_of(found), []
    fits: list[tuple[int, int, str, list]] = []
    grids: dict[str, list] = {}
    for k, name in enumerate(names):
        if name.strip().casefold() in NOT_TRACKER_SHEETS:
            continue
        grid = grids[name] = grid_of(name)
        h = find_header(grid, need_date=True)
        if h is not None:
            fits.append((-header_score(grid[h])[0], k, name, grid))
    if not fits:
        for name, grid in grids.items():
            refusal = layout_refusal(grid, tracker, name)
            if refusal:
                raise TrackerError(refusal)
        raise TrackerError(f"{tracker} has no sheet whose header row names a Company column and a "
                           f"date column such as Date applied, Interview date or Last contact (its "
                           f"sheets: {listed(names)}): name the sheet with your applications "
                           f"\"{schema.TRACKER_SHEET}\", or choose it with --sheet.")
    fits.sort()
    _, _, name, grid = fits[0]
    problems = []
    if len(fits) > 1:
        others = [n for _, _, n, _ in fits[1:]]
        problems.append(Problem(tracker, None, None, name,
                                f"Several sheets look like trackers: the sheet {name!r} is read (its header "
                                f"row fits best), not {listed(others)}; choose another with --sheet.",
                                "warning"))
    return name, grid, problems


def layout_refusal(grid: Sequence[Sequence[Any]], tracker: str, sheet: str,
                   header: int | None = None) -> str | None:
    """The sentence refusing a sideways sheet or a per-day log, or None for neither.
    `header`: the row taken as the header row, if any: the sheet is sideways when a column
    names more fields down it than that row names across, and a per-day log when that row
    holds DAY_COLUMNS dates."""
    sideways = _sideways(grid)
    if sideways and header is not None and len(sideways[1]) <= header_score(grid[header])[0]:
        sideways = None
    if sideways:
        col, fields = sideways
        return (f"{tracker}: the sheet {sheet!r} is laid out sideways (fields down column {col}: "
                f"{', '.join(fields[:4])}; one application per column), which followup-xl cannot read: "
                "it needs one header row and one row per application (in Excel: copy the table, "
                "Paste Special > Transpose), or start from `followup-xl template`.")
    days = _day_columns(grid if header is None else grid[header:header + 1], 0 if header is None else header)
    if days:
        row, first, last, n = days
        return (f"{tracker}: the sheet {sheet!r} is a log with one column per day (row {row}: "
                f"{n} date headers from {first} to {last}), which followup-xl cannot read: it needs "
                "one row per application with its dates in columns such as Date applied and Last "
                "contact, or start from `followup-xl template`.")
    return None


def _sideways(grid: Sequence[Sequence[Any]]) -> tuple[str, list[str]] | None:
    """(column letter, the fields named down it) when one of the first columns names Company
    and a date column down its rows."""
    from ..a1 import column_letter

    rows = grid[:60]
    for j in range(3):
        found: dict[str, str] = {}
        for row in rows:
            v = row[j] if j < len(row) else None
            if type(v) is str and v.strip():
                key = column_of(v.strip())
                if key and key not in found:
                    found[key] = v.strip()
        if "company" in found and (any(k in found for k in DATE_KEYS) or len(found) >= 3):
            return column_letter(j + 1), list(found.values())
    return None


def _day_columns(grid: Sequence[Sequence[Any]], first: int = 0) -> tuple[int, str, str, int] | None:
    """(Excel row, first day, last day, count) of a row among the first ones holding at
    least DAY_COLUMNS dates: the header of a log with one column per day."""
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS], start=first):
        days = [d for d in map(_as_day, row) if d is not None]
        if len(days) >= DAY_COLUMNS and len(days) * 2 >= len([v for v in row if v not in (None, "")]):
            return i + 1, min(days).isoformat(), max(days).isoformat(), len(days)
    return None


def _as_day(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if type(v) is str:
        return _text_day(v)
    return None


@lru_cache(maxsize=4096)
def _text_day(v: str) -> dt.date | None:
    """A short text holding a digit, as a date (None when it is not one); cached: the header
    rows of a folder's trackers repeat."""
    if len(v) <= 20 and any(c.isdigit() for c in v):
        try:
            return coerce_date(v)
        except (NotADateError, ValueError, TypeError, OverflowError):
            return None
    return None
