"""Cells as the reader and the list see them: what is empty, what text a cell shows, the
Excel error values, and a text column read on demand.

Below the reader, the list and the Excel functions: it imports nothing of the package.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Iterable, Sequence

import numpy as np

# Excel's error values, the one list: the seven classic ones first (python-calamine and COM
# know only those), then Excel 365's (dynamic arrays, data types, Python in Excel).
CLASSIC_ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
EXCEL_ERROR_TEXTS = CLASSIC_ERROR_TEXTS + (
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!",
    "#CONNECT!", "#PYTHON!", "#EXTERNAL!")
ERROR_TEXT_SET = frozenset(EXCEL_ERROR_TEXTS)  # an error shown as text (xlwings err_to_str=True)


class CellError(str):
    """An Excel error value (#N/A, #REF!, ...) standing in a cell."""


# Cells that stand for "nothing here" (SPEC "Rows"): placeholders people type, and the
# TRUE/FALSE a check box leaves in a column. Compared stripped and case-folded.
PLACEHOLDERS = frozenset(("n/a", "na", "n.a.", "n.a", "-", "\u2013", "\u2014", "?", "tbd", "tbc", "none"))
CHECKBOX_TEXTS = frozenset(("true", "false"))
_BLANK_TEXTS = PLACEHOLDERS | CHECKBOX_TEXTS


def is_placeholder(value: Any) -> bool:
    """A placeholder (N/A, -, TBD, ...) or a check box's TRUE/FALSE: counts as empty."""
    if type(value) is bool:
        return True
    return type(value) is str and len(value) <= 8 and value.strip().casefold() in _BLANK_TEXTS


def is_blank(value: Any) -> bool:
    """Empty, or a placeholder or check box value (SPEC "Rows": they count as empty)."""
    return is_empty(value) or is_placeholder(value)


def is_error_text(value: Any) -> bool:
    """A cell holding an Excel error value, as a CellError or as its text."""
    return isinstance(value, str) and (isinstance(value, CellError) or value.strip() in ERROR_TEXT_SET)


class LazyColumn(Sequence):
    """A text column read from the sheet's rows on demand: text matters only for the rows
    listed this week, so 100,000 e-mail addresses are not copied for nothing."""

    __slots__ = ("_rows", "_index", "_j", "_list")

    def __init__(self, rows: list[list[Any]], index: np.ndarray | None, j: int):
        self._rows, self._j, self._list = rows, j, None
        self._index = None if index is None else index.tolist()

    def __len__(self) -> int:
        return len(self._rows) if self._index is None else len(self._index)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.tolist()[i]
        return self._rows[i if self._index is None else self._index[i]][self._j]

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self) -> list:
        if self._list is None:
            j, rows = self._j, self._rows
            self._list = [r[j] for r in rows] if self._index is None else [rows[i][j] for i in self._index]
        return self._list

    def take(self, indices: Iterable[int]) -> list:
        j, rows, index = self._j, self._rows, self._index
        if index is None:
            return [rows[i][j] for i in indices]
        return [rows[index[i]][j] for i in indices]


def take(col: Sequence[Any], indices: Iterable[int]) -> list:
    """The cells of a column at the given positions (a list or a LazyColumn)."""
    if isinstance(col, LazyColumn):
        return col.take(indices)
    return [col[i] for i in indices]


def is_empty(value: Any) -> bool:
    """A cell that holds nothing: None, '', only spaces, or NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip() and not isinstance(value, CellError)
    return isinstance(value, float) and math.isnan(value)


def empty_mask(col: Sequence[Any]) -> np.ndarray:
    """True where a cell is empty; one hash lookup per cell (blank-like values are few)."""
    blanks = {v for v in set(col) if v is None or (type(v) is str and (not v or v.isspace()))
              or (type(v) is float and v != v)}
    if not blanks:
        return np.zeros(len(col), dtype=bool)
    if len(blanks) == 1:
        only = blanks.pop()
        return np.fromiter((v is only or (v == only and type(v) is type(only)) for v in col), dtype=bool,
                           count=len(col)) \
            if only != "" else np.array(col, dtype=object) == ""
    return np.fromiter(map(blanks.__contains__, col), dtype=bool, count=len(col))


def blank_mask(col: Sequence[Any]) -> np.ndarray:
    """True where a cell is blank (is_blank): empty, a placeholder or a check box value."""
    types = set(map(type, col))
    if bool in types:  # True == 1.0: look at each cell by its type
        return np.fromiter(map(is_blank, col), dtype=bool, count=len(col))
    blanks = {v for v in set(col) if v is None or (type(v) is float and v != v) or (
        type(v) is str and (not v or v.isspace() or is_placeholder(v)))}
    if not blanks:
        return np.zeros(len(col), dtype=bool)
    return np.fromiter(map(blanks.__contains__, col), dtype=bool, count=len(col)) if not (
        CellError in types) else np.fromiter((is_blank(v) for v in col), dtype=bool, count=len(col))


def cell_text(value: Any) -> str | None:
    """A cell as the text a person sees (whole numbers without .0, dates as ISO); None for
    an empty cell or a placeholder (N/A, TBD, -, ...)."""
    if type(value) is str:
        text = value.strip()
        return None if not text or (len(text) <= 8 and text.casefold() in PLACEHOLDERS) else text
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()
