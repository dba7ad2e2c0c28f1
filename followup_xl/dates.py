"""Reading dates the way people put them into spreadsheets (SPEC: "Dates in cells").

Real date cells, date-times, pandas/numpy timestamps, Excel serials in either date system,
ISO text, text with a month name, and numeric text by DateOrder. Anything else raises
`NotADateError`, whose message quotes the value and says why.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np

from .errors import NotADateError, quote

EPOCH_1900 = dt.date(1899, 12, 30)  # serial 61 = 1900-03-01 (serial 60 is Excel's fake 29 Feb 1900)
EPOCH_1904 = dt.date(1904, 1, 1)
# Dates run from 1900-01-01 to 9999-12-31 (SPEC: "The rules"): a spreadsheet holds no other.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
# The last day whose Monday-to-Sunday week ends by LAST_DAY (a Friday): a week list needs its Sunday.
LAST_WEEK_DAY = LAST_DAY - dt.timedelta(days=LAST_DAY.weekday() + 1)
# A number in a date column is read as a serial only inside this range: 3 or 123456 are
# far more likely a typo or a phone number than a date in 1900 or 2238.
PLAUSIBLE = (dt.date(1950, 1, 1), dt.date(2199, 12, 31))
EXAMPLES = "a date such as 2026-11-30, 30 Nov 2026 or 11/30/2026"

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1):
    for _n in _names:
        MONTHS[_n] = _i
WEEKDAYS = {"mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs",
            "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday"}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$")
_TRAILING_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?\s*$")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b")


def serial_to_date(serial: float, date1904: bool = False, *, plausible: bool = True,
                   original: Any = None) -> dt.date:
    """An Excel serial number as a date (the time of day dropped)."""
    shown = serial if original is None else original
    if not math.isfinite(serial):
        raise NotADateError(f"{quote(shown)} is not a date: it is not a finite number.")
    whole = math.floor(serial)
    if date1904:
        day = EPOCH_1904 + dt.timedelta(days=whole) if -700000 < whole <= (dt.date.max - EPOCH_1904).days else None
    elif whole == 60:
        raise NotADateError(f"{quote(shown)} is not a date: serial 60 is Excel's 29 Feb 1900, which never existed.")
    elif 0 < whole < 60:
        day = EPOCH_1900 + dt.timedelta(days=whole + 1)  # before Excel's fake leap day
    elif 60 < whole <= (dt.date.max - EPOCH_1900).days:  # beyond 9999-12-31 date arithmetic overflows
        day = EPOCH_1900 + dt.timedelta(days=whole)
    else:
        day = None
    if day is None or day.year > 9999:
        raise NotADateError(f"{quote(shown)} is not a date: it is outside the range of spreadsheet dates.")
    if plausible and not (PLAUSIBLE[0] <= day <= PLAUSIBLE[1]):
        raise NotADateError(
            f"{quote(shown)} is not a date: as a date serial it would be {day.isoformat()}, "
            f"outside {PLAUSIBLE[0].year}-{PLAUSIBLE[1].year}; type {EXAMPLES}."
        )
    return day


def in_range(day: dt.date) -> bool:
    """Whether a date lies in the spreadsheet range, FIRST_DAY to LAST_DAY."""
    return FIRST_DAY <= day <= LAST_DAY


def out_of_range(day: dt.date, what: str) -> str | None:
    """Why a command's own date cannot be used (one sentence, naming `what`), or None."""
    if not in_range(day):
        return (f"{what} {day.isoformat()} is out of range: dates run from {FIRST_DAY.isoformat()} "
                f"to {LAST_DAY.isoformat()}.")
    return None


def week_out_of_range(day: dt.date, what: str) -> str | None:
    """out_of_range, and also when the Monday-to-Sunday week of the date would run past LAST_DAY."""
    if FIRST_DAY <= day <= LAST_DAY and day > LAST_WEEK_DAY:
        return (f"{what} {day.isoformat()} is too late: its week (Monday to Sunday) would run past "
                f"{LAST_DAY.isoformat()}, the last date a spreadsheet holds; use a date up to "
                f"{LAST_WEEK_DAY.isoformat()}.")
    return out_of_range(day, what)


def date_to_serial(day: dt.date, date1904: bool = False) -> int:
    """The Excel serial of a date (1900 system counts Excel's fake 29 Feb 1900)."""
    if date1904:
        return (day - EPOCH_1904).days
    n = (day - EPOCH_1900).days
    return n - 1 if n <= 60 else n


def _year(text: str) -> int:
    y = int(text)
    if len(text) <= 2:  # Excel's rule: 00-29 -> 2000s, 30-99 -> 1900s
        y += 2000 if y < 30 else 1900
    return y


def _make(value: Any, y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError as exc:
        raise NotADateError(f"{quote(value)} is not a date: {exc}.") from None


def parse_date_text(text: str, date_order: str = "MDY", date1904: bool = False) -> dt.date:
    """Text as a date: ISO, a month name, numeric text by DateOrder, or a serial."""
    raw = text
    s = text.strip()
    m = _ISO.match(s)
    if m:
        return _make(raw, int(m[1]), int(m[2]), int(m[3]))
    m = _NUMERIC.match(s)
    if m:
        a, b, c = m[1], m[2], m[3]
        if len(a) == 4:  # 2026/11/30
            return _make(raw, int(a), int(b), int(c))
        if len(c) not in (2, 4):
            raise NotADateError(f"{quote(raw)} is not a date: the year should have 2 or 4 digits.")
        first, second = int(a), int(b)
        month, day = (first, second) if date_order.upper() == "MDY" else (second, first)
        return _make(raw, _year(c), month, day)
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return serial_to_date(float(s), date1904, original=raw)
    words = _month_name_date(s)
    if words:
        return _make(raw, *words)
    if not s:
        raise NotADateError("'' is not a date: the text is empty.")
    raise NotADateError(f"{quote(raw)} is not a date: expected {EXAMPLES}.")


def _month_name_date(s: str) -> tuple[int, int, int] | None:
    """'30 Nov 2026', 'Nov 30, 2026', 'Monday, 30 November 2026', '30-Nov-26' -> (y, m, d)."""
    t = _TRAILING_TIME.sub("", s.lower())  # a time of day only at the end: '30 Nov 2026 10:30 am'
    t = _ORDINAL.sub(r"\1", t)
    tokens = [x for x in re.split(r"[\s,./\-]+", t) if x]
    # Besides day, month and year only a leading weekday, a leading 'the' and an 'of' after
    # the day: 'Monday, 30 November 2026', 'the 30th of November 2026'. Any other word (a
    # trailing 'maybe', a second weekday) means the cell is not a date.
    if tokens and tokens[0] in WEEKDAYS:
        tokens = tokens[1:]
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    if len(tokens) == 4 and tokens[1] == "of":
        del tokens[1]
    months = [x for x in tokens if x in MONTHS]
    numbers = [x for x in tokens if x.isdigit()]
    if len(months) != 1 or len(numbers) != 2 or len(tokens) != 3:
        return None
    month = MONTHS[months[0]]
    first, second = numbers
    if len(first) == 4:  # 2026 Nov 30
        return int(first), month, int(second)
    if len(first) > 2:
        return None
    return _year(second), month, int(first)


def coerce_date(value: Any, *, date1904: bool = False, date_order: str = "MDY") -> dt.date | None:
    """Any cell value as a date; None for a blank. Raises NotADateError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotADateError(f"{value} is not a date: it is a TRUE/FALSE value.")
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        if value != value:  # NaT
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        return value.astype("datetime64[D]").item()
    if isinstance(value, dt.time):
        raise NotADateError(f"{quote(value)} is not a date: it is a time of day only (a number "
                            "below 1 in a cell formatted as a date shows as one).")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and math.isnan(value):
            return None
        return serial_to_date(float(value), date1904, original=value)
    if isinstance(value, str):
        if not value.strip():
            return None
        return parse_date_text(value, date_order, date1904)
    if value.__class__.__name__ in ("NaTType", "NAType"):
        return None
    raise NotADateError(f"{quote(value)} is not a date: a {type(value).__name__} cannot be read as one.")
