"""The CSV export: one row per item, every field of the spec; Excel opens it by double-click.

Written a column at a time rather than through csv.writer (the same bytes; a test holds
them so): every field quoted, a quote doubled, nothing else changed, so a column of text
that needs neither csv_safe nor a doubled quote (almost every one) is joined as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from operator import attrgetter
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


def _cell(value: Any) -> str:
    """A cell's text as csv.writer writes it, after csv_safe."""
    value = csv_safe(value)
    if isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def _column(values: tuple[Any, ...]) -> list[str]:
    """The cells of one column, ready to quote: csv_safe's text, quotes doubled."""
    # Inline, the common cells: a text (a leading formula trigger quoted, as csv_safe does
    # when the text holds no control character), None, an int, a date.
    cells = [("'" + v if v.startswith(CSV_FORMULA_TRIGGERS) else v) if type(v) is str else
             "" if v is None else str(v) if type(v) is int else
             v.isoformat() if type(v) is dt.date else _cell(v) for v in values]
    text = "".join(cells)
    if CONTROL.search(text):  # csv_safe drops them before it looks for a trigger: each alone
        cells = [_cell(v) for v in values]
    if '"' in text:
        cells = [c.replace('"', '""') if '"' in c else c for c in cells]
    return cells


def render_csv(result: WeeklyResult) -> bytes:
    """UTF-8 with BOM, CRLF, a header row: opens cleanly in Excel by double-click."""
    header = [f.header.replace('"', '""') for f in FIELDS]
    columns = [_column(values) for values in zip(*map(attrgetter(*(f.key for f in FIELDS)), result.items))]
    rows = zip(*columns) if columns else ()
    text = '"' + '"\r\n"'.join(map('","'.join, (header, *rows))) + '"\r\n'
    return text.encode("utf-8-sig")

