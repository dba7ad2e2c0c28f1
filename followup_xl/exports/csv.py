"""The CSV export: one row per item, every field of the spec; Excel opens it by double-click."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from ..model import WeeklyResult
from .fields import FIELDS

CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # kept: tab, line feed, carriage return


def csv_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet reads as text (OWASP CSV injection advice).

    Control characters other than tab and line breaks (NUL, escape, ...) are removed. A
    text cell starting with = + - @ tab or carriage return gets a leading single quote;
    the writer also quotes every field and doubles embedded quotes.
    """
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        if CONTROL.search(value):
            value = CONTROL.sub("", value)
        if value.startswith(CSV_FORMULA_TRIGGERS):
            return "'" + value
    return value


def render_csv(result: WeeklyResult) -> bytes:
    """UTF-8 with BOM, CRLF, a header row: opens cleanly in Excel by double-click."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([f.header for f in FIELDS])
    for item in result.items:
        writer.writerow([csv_safe(getattr(item, f.key)) for f in FIELDS])
    return buf.getvalue().encode("utf-8-sig")

