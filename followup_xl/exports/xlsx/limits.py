"""Excel's limits (Microsoft: "Excel specifications and limits"), named once.

The sheet writer enforces them (a longer text is cut with a visible marker and a warning,
rows past the last are not written, a sheet name is made valid), so no workbook written
here makes Excel offer to repair it.
"""

from __future__ import annotations

import re

MAX_CELL_CHARS = 32_767  # characters in a cell (UTF-16 code units)
MAX_ROWS = 1_048_576  # rows in a worksheet
MAX_COLS = 16_384  # columns in a worksheet (XFD)
MAX_SHEET_NAME = 31  # characters in a sheet name
SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\\x00-\x1f]")  # and not starting/ending with '
MAX_URL_CHARS = 2_079  # characters in a hyperlink's address (Excel 2010+; XlsxWriter's max_url_length)
MAX_LINKS = 65_530  # hyperlinks in a worksheet
MAX_ROW_HEIGHT = 409.0  # points

TRUNCATED = "… [cut: {n:,} characters in all, more than Excel's limit of 32,767 a cell]"


def utf16_len(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond the BMP counts two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def fit_cell(text: str) -> str | None:
    """text cut to Excel's cell limit with a visible marker, or None when it fits."""
    if len(text) <= MAX_CELL_CHARS // 2 or utf16_len(text) <= MAX_CELL_CHARS:
        return None
    marker = TRUNCATED.format(n=len(text))
    keep = MAX_CELL_CHARS - len(marker)
    head = text[:keep]
    excess = utf16_len(head) - keep
    while excess > 0:  # astral characters count two: cut one character per unit over
        head = head[: len(head) - excess]
        excess = utf16_len(head) - keep
    if head and "\ud800" <= head[-1] <= "\udbff":  # never half a surrogate pair
        head = head[:-1]
    return head + marker


def sheet_name(name: str, taken: set[str] = frozenset()) -> str:
    """A valid, unique (case-insensitively) sheet name for name."""
    base = SHEET_NAME_INVALID.sub("_", name).strip("'").strip() or "Sheet"
    if base.casefold() == "history":  # reserved by Excel
        base += "_"
    candidate, k = base[:MAX_SHEET_NAME], 1
    folded = {t.casefold() for t in taken}
    while candidate.casefold() in folded:
        k += 1
        suffix = f" ({k})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    return candidate
