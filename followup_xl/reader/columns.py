"""Typing a column's cells: dates (SPEC "Dates in cells") and whole numbers, each distinct
cell converted once (dates, numbers and statuses repeat down a column)."""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from .. import schema
from ..cells import ERROR_TEXT_SET as _ERROR_SET
from ..cells import CellError, is_empty, is_placeholder
from ..dates import coerce_date
from ..errors import NotADateError, quote

_NAT = np.iinfo(np.int64).min  # the int64 view of NaT
_UNIX_ORDINAL = dt.date(1970, 1, 1).toordinal()


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
            if v.year < 1900:  # a date cell holding 0 (or a damaged value) shows a day of 1899
                return _NAT, (f"{v:%Y-%m-%d} is not a date: it is before 1900-01-01, the first date "
                              "a spreadsheet holds (the cell holds 0 or less)")
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
            elif v.year < 1900:
                break  # not a date a spreadsheet holds: convert says why
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
    if is_placeholder(v):  # N/A, TBD, -, a check box's TRUE/FALSE: empty (SPEC "Rows")
        return _NAT, None
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


# Follow-ups sent above this is a typo or a damaged cell (1e308 became -9223372036854775808):
# a follow-up a week for 190 years.
FOLLOWUPS_MAX = 10_000


def _int_column(col: Sequence[Any], key: str) -> tuple[np.ndarray, dict[int, str]]:
    """Follow-ups sent (whole >= 0, blank 0) or Cadence (whole 1-90, blank NaN)."""
    lo, hi = (schema.CADENCE_MIN, schema.CADENCE_MAX) if key == "cadence" else (0, FOLLOWUPS_MAX)
    blank = np.nan if key == "cadence" else 0.0

    def convert(v: Any) -> tuple[float, str | None]:
        if (is_empty(v) or (type(v) is str and is_placeholder(v))) and not isinstance(v, CellError):
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
    elif number is None or not lo <= number <= hi:
        return (f"{quote(v)} is not a number of follow-ups: use a whole number from 0 to {hi:,} "
                "(blank = 0)")
    return number

